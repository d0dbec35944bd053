package http

import (
	"errors"
	"fmt"
	"math"
	nethttp "net/http"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"time"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// defaultTimeout is k6's per-request timeout.
const defaultTimeout = 60 * time.Second

// responseType is what becomes of a response body.
type responseType uint8

const (
	responseText   responseType = iota // body as a string
	responseBinary                     // body as an ArrayBuffer
	responseNone                       // body read and discarded, null
)

// request is a parsed request: everything the Go half needs, no JS values.
type request struct {
	method string
	rawURL string
	// header is the request's headers before per-hop additions (cookies,
	// basic auth, Referer); redirect hops copy from it, as Go's client does.
	header nethttp.Header
	host   string // from a Host header
	// body is kept as a string: a string body then needs no copy, and the
	// response's request.body needs one anyway.
	body         string
	timeout      time.Duration
	redirects    int
	redirectsSet bool // by the redirects param or the maxRedirects option
	respType     responseType
	throw        bool
	userTags     []metrics.Tag
	userName     bool // the user set the name tag
	expected     func(status int) bool
	jar          nethttp.CookieJar
	cookies      []reqCookie // from the cookies param
	auth         string      // the auth param: "", "basic", "digest" or "ntlm"
	compression  string      // the compression param
}

func isNullish(v goja.Value) bool {
	return v == nil || goja.IsUndefined(v) || goja.IsNull(v)
}

// parseParams reads the params object; unknown keys are ignored, as in k6.
// Bad values of known keys are errors, which k6 throws.
func (mi *ModuleInstance) parseParams(state *jsmod.State, v goja.Value, r *request) error {
	r.header = make(nethttp.Header)
	r.timeout = defaultTimeout
	r.redirects, r.redirectsSet = state.Options.MaxRedirects, state.Options.MaxRedirectsSet
	r.throw = state.Options.Throw
	if state.Options.DiscardResponseBodies {
		r.respType = responseNone
	}
	if isNullish(v) {
		return nil
	}
	rt := mi.vu.Runtime()
	params := v.ToObject(rt)
	for _, key := range params.Keys() {
		val := params.Get(key)
		if key == "responseCallback" {
			cb, err := callbackValue(val)
			if err != nil {
				return err
			}
			r.expected = cb
			continue
		}
		if isNullish(val) {
			continue
		}
		switch key {
		case "headers":
			h := val.ToObject(rt)
			for _, name := range h.Keys() {
				hv := h.Get(name)
				if isNullish(hv) {
					continue
				}
				if strings.EqualFold(name, "Host") {
					r.host = hv.String()
					continue
				}
				r.header.Set(name, hv.String())
			}
		case "tags":
			t := val.ToObject(rt)
			for _, name := range t.Keys() {
				tv := t.Get(name)
				if isNullish(tv) {
					continue
				}
				r.userTags = append(r.userTags, metrics.Tag{Key: name, Value: tv.String()})
				if name == "name" {
					r.userName = true
				}
			}
		case "timeout":
			d, err := durationValue(val)
			if err != nil {
				return fmt.Errorf("invalid timeout value: %w", err)
			}
			r.timeout = d
		case "redirects":
			r.redirects, r.redirectsSet = int(val.ToInteger()), true
		case "responseType":
			switch s := val.String(); s {
			case "text":
				r.respType = responseText
			case "binary":
				r.respType = responseBinary
			case "none":
				r.respType = responseNone
			default:
				return fmt.Errorf("invalid responseType %q, valid values are 'text', 'binary' and 'none'", s)
			}
		case "cookies":
			mi.parseCookies(val, r)
		case "jar":
			j, ok := val.Export().(*jarObject)
			if !ok {
				return fmt.Errorf("invalid jar value %s, it must be a CookieJar", val.String())
			}
			r.jar = j.jar
		case "auth":
			switch a := val.String(); a {
			case "basic", "digest", "ntlm":
				r.auth = a
			default:
				return fmt.Errorf("unsupported auth %q, stampede supports basic, digest and ntlm", a)
			}
		case "compression":
			r.compression = val.String()
		case "throw":
			r.throw = val.ToBoolean()
		}
	}
	return nil
}

// durationValue reads k6's duration values: a number of milliseconds or a
// duration string with an optional leading day count ("1d12h").
func durationValue(v goja.Value) (time.Duration, error) {
	switch x := v.Export().(type) {
	case int64:
		return time.Duration(x) * time.Millisecond, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("%v is not a duration", x)
		}
		return time.Duration(x * float64(time.Millisecond)), nil
	case string:
		return parseExtendedDuration(x)
	}
	return 0, fmt.Errorf("%s is not a duration", v.String())
}

func parseExtendedDuration(s string) (time.Duration, error) {
	days, rest, ok := strings.Cut(s, "d")
	if !ok {
		return time.ParseDuration(s)
	}
	n, err := strconv.ParseInt(days, 10, 32)
	if err != nil {
		return 0, fmt.Errorf("invalid day count in duration %q", s)
	}
	d := time.Duration(n) * 24 * time.Hour
	if rest == "" {
		return d, nil
	}
	hours, err := time.ParseDuration(rest)
	if err != nil {
		return 0, err
	}
	if hours < 0 {
		return 0, fmt.Errorf("invalid duration %q: only the day count may be negative", s)
	}
	if strings.HasPrefix(days, "-") {
		return d - hours, nil
	}
	return d + hours, nil
}

var errBodyType = errors.New("unknown request body type")

// parseBody converts the body argument: strings are sent as they are,
// binary values as their bytes, plain objects as a urlencoded form.
func (mi *ModuleInstance) parseBody(v goja.Value, r *request) error {
	if isNullish(v) {
		return nil
	}
	if s, ok := v.Export().(string); ok {
		r.body = s
		return nil
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return fmt.Errorf("%w %s", errBodyType, v.ExportType())
	}
	if ab, ok := obj.Export().(goja.ArrayBuffer); ok {
		r.body = string(ab.Bytes())
		return nil
	}
	if t := obj.ExportType(); t != nil && t.Kind() == reflect.Slice {
		if t.Elem().Kind() == reflect.Interface {
			return fmt.Errorf("%w array", errBodyType)
		}
		return mi.bytesBody(obj, r) // a typed array
	}
	if mi.dataView != nil && mi.vu.Runtime().InstanceOf(obj, mi.dataView) {
		return mi.bytesBody(obj, r)
	}

	if hasFile(obj) {
		body, ct, err := multipartBody(obj)
		if err != nil {
			return fmt.Errorf("%w: %w", errBodyType, err)
		}
		r.body = body
		if r.header.Get("Content-Type") == "" {
			r.header.Set("Content-Type", ct)
		}
		return nil
	}
	form := url.Values{}
	for _, k := range obj.Keys() {
		form.Add(k, obj.Get(k).String())
	}
	r.body = form.Encode()
	if r.header.Get("Content-Type") == "" {
		r.header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return nil
}

func (mi *ModuleInstance) bytesBody(obj *goja.Object, r *request) error {
	var b []byte
	if err := mi.vu.Runtime().ExportTo(obj, &b); err != nil {
		return fmt.Errorf("%w: %w", errBodyType, err)
	}
	r.body = string(b)
	return nil
}
