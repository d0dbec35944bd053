package http

import (
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	nethttp "net/http"
	"slices"
	"strings"

	"github.com/dop251/goja"
	"github.com/tidwall/gjson"
)

// responseObject builds the JS Response. Properties are set one by one on
// an object whose prototype carries the methods, so that a response costs
// no per-response closures and no JSON round trip.
func (mi *ModuleInstance) responseObject(r *request, res *result) goja.Value {
	rt := mi.vu.Runtime()
	o := rt.CreateObject(mi.respProto)

	var (
		h                  = res.last
		finalURL           = r.rawURL
		remoteIP           string
		remotePort, status int
		statusText, proto  string
		tlsVer, tlsCipher  string
		body               goja.Value = goja.Null()
		tm                 timings
		headers, cookies   = rt.NewObject(), rt.NewObject()
	)
	if h != nil {
		finalURL = h.url.String()
		tm = h.timings
		remoteIP, remotePort = remoteIPPort(h.remote)
	}
	if h != nil && h.resp != nil {
		resp := h.resp
		status, statusText, proto = resp.StatusCode, resp.Status, resp.Proto
		if resp.TLS != nil {
			tlsVer, tlsCipher = tlsVersion(resp.TLS.Version), tls.CipherSuiteName(resp.TLS.CipherSuite)
		}
		for _, k := range sortedKeys(resp.Header) {
			_ = headers.Set(k, strings.Join(resp.Header[k], ", "))
		}
		mi.setCookies(cookies, h.cookies)
		switch r.respType {
		case responseText:
			body = rt.ToValue(h.text)
		case responseBinary:
			body = rt.ToValue(rt.NewArrayBuffer(h.bin))
		}
	}

	_ = o.Set("remote_ip", remoteIP)
	_ = o.Set("remote_port", remotePort)
	_ = o.Set("url", finalURL)
	_ = o.Set("status", status)
	_ = o.Set("status_text", statusText)
	_ = o.Set("proto", proto)
	_ = o.Set("headers", headers)
	_ = o.Set("cookies", cookies)
	_ = o.Set("body", body)
	_ = o.Set("timings", mi.timingsObject(&tm))
	_ = o.Set("tls_version", tlsVer)
	_ = o.Set("tls_cipher_suite", tlsCipher)
	_ = o.Set("error", res.msg)
	_ = o.Set("error_code", res.code)
	_ = o.Set("request", mi.requestObject(r, res))
	return o
}

func sortedKeys(h nethttp.Header) []string {
	keys := make([]string, 0, len(h))
	for k := range h {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

func (mi *ModuleInstance) timingsObject(tm *timings) *goja.Object {
	o := mi.vu.Runtime().NewObject()
	_ = o.Set("duration", tm.duration)
	_ = o.Set("blocked", tm.blocked)
	_ = o.Set("looking_up", 0) // k6 v0.32 counts DNS in blocked and always reports 0 here
	_ = o.Set("connecting", tm.connecting)
	_ = o.Set("tls_handshaking", tm.tlsHandshaking)
	_ = o.Set("sending", tm.sending)
	_ = o.Set("waiting", tm.waiting)
	_ = o.Set("receiving", tm.receiving)
	return o
}

// setCookies fills name → [{name, value, domain, path, http_only, secure,
// max_age, expires}] from a response's Set-Cookie headers. expires is in
// milliseconds since the epoch, 0 when the cookie has none.
func (mi *ModuleInstance) setCookies(dst *goja.Object, cookies []*nethttp.Cookie) {
	rt := mi.vu.Runtime()
	byName := make(map[string][]any, len(cookies))
	var order []string
	for _, c := range cookies {
		var expires int64
		if !c.Expires.IsZero() {
			expires = c.Expires.UnixMilli()
		}
		o := rt.NewObject()
		_ = o.Set("name", c.Name)
		_ = o.Set("value", c.Value)
		_ = o.Set("domain", c.Domain)
		_ = o.Set("path", c.Path)
		_ = o.Set("http_only", c.HttpOnly)
		_ = o.Set("secure", c.Secure)
		_ = o.Set("max_age", c.MaxAge)
		_ = o.Set("expires", expires)
		if _, seen := byName[c.Name]; !seen {
			order = append(order, c.Name)
		}
		byName[c.Name] = append(byName[c.Name], o)
	}
	for _, name := range order {
		_ = dst.Set(name, rt.NewArray(byName[name]...))
	}
}

// requestObject describes the request as the script made it (the first
// hop): method, url, headers name → [values], body and the cookies sent.
func (mi *ModuleInstance) requestObject(r *request, res *result) *goja.Object {
	rt := mi.vu.Runtime()
	o := rt.NewObject()
	headers := rt.NewObject()
	for _, k := range sortedKeys(res.reqHead) {
		vals := res.reqHead[k]
		arr := make([]any, len(vals))
		for i, v := range vals {
			arr[i] = v
		}
		_ = headers.Set(k, rt.NewArray(arr...))
	}
	cookies := rt.NewObject()
	if res.reqHead.Get("Cookie") != "" {
		sent := (&nethttp.Request{Header: res.reqHead}).Cookies()
		byName := make(map[string][]any, len(sent))
		var order []string
		for _, c := range sent {
			co := rt.NewObject()
			_ = co.Set("name", c.Name)
			_ = co.Set("value", c.Value)
			_ = co.Set("replace", false)
			if _, seen := byName[c.Name]; !seen {
				order = append(order, c.Name)
			}
			byName[c.Name] = append(byName[c.Name], co)
		}
		for _, name := range order {
			_ = cookies.Set(name, rt.NewArray(byName[name]...))
		}
	}
	_ = o.Set("method", r.method)
	_ = o.Set("url", r.rawURL)
	_ = o.Set("headers", headers)
	_ = o.Set("body", r.body)
	_ = o.Set("cookies", cookies)
	return o
}

// jsonMethod is Response.json([selector]): the parsed body (cached on the
// response), or with a selector the gjson match, undefined when nothing
// matches. An invalid body throws either way.
func (mi *ModuleInstance) jsonMethod(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	this := c.This.ToObject(rt)
	sel := c.Argument(0)
	hasSelector := !isNullish(sel)
	if !hasSelector {
		if cached := this.GetSymbol(mi.jsonSym); cached != nil {
			return cached
		}
	}
	body := mi.bodyText(this)

	if hasSelector {
		if this.GetSymbol(mi.validSym) == nil {
			if !gjson.Valid(body) {
				panic(rt.NewGoError(jsonSyntaxError(body, nil)))
			}
			_ = this.SetSymbol(mi.validSym, true)
		}
		m := gjson.Get(body, sel.String())
		if !m.Exists() {
			return goja.Undefined()
		}
		return mi.gjsonValue(m)
	}

	v, err := mi.parseJSON(body)
	if err != nil {
		panic(rt.NewGoError(jsonSyntaxError(body, err)))
	}
	_ = this.SetSymbol(mi.jsonSym, v)
	_ = this.SetSymbol(mi.validSym, true)
	return v
}

// bodyText is a response's body as a string, throwing for a null body.
func (mi *ModuleInstance) bodyText(res *goja.Object) string {
	b := res.Get("body")
	if isNullish(b) {
		panic(mi.vu.Runtime().NewGoError(errors.New(
			"the body is null so we can't transform it to JSON - this likely was because of a request error getting the response")))
	}
	if ab, ok := b.Export().(goja.ArrayBuffer); ok {
		return string(ab.Bytes())
	}
	return b.String()
}

// parseJSON uses the runtime's own JSON.parse, so objects keep their key
// order and are ordinary JS objects, not wrapped Go maps.
func (mi *ModuleInstance) parseJSON(s string) (goja.Value, error) {
	rt := mi.vu.Runtime()
	if mi.jsonParse == nil {
		var v any
		if err := json.Unmarshal([]byte(s), &v); err != nil {
			return nil, err
		}
		return rt.ToValue(v), nil
	}
	return mi.jsonParse(goja.Undefined(), rt.ToValue(s))
}

func (mi *ModuleInstance) gjsonValue(m gjson.Result) goja.Value {
	rt := mi.vu.Runtime()
	switch m.Type {
	case gjson.Null:
		return goja.Null()
	case gjson.False:
		return rt.ToValue(false)
	case gjson.True:
		return rt.ToValue(true)
	case gjson.Number:
		return rt.ToValue(m.Num)
	case gjson.String:
		return rt.ToValue(m.Str)
	}
	if v, err := mi.parseJSON(m.Raw); err == nil {
		return v
	}
	return rt.ToValue(m.Value())
}

// jsonSyntaxError is k6's message for an unparsable body, with the line and
// character (1-based) of the offending byte.
func jsonSyntaxError(body string, jsErr error) error {
	var raw json.RawMessage
	err := json.Unmarshal([]byte(body), &raw)
	var se *json.SyntaxError
	if !errors.As(err, &se) {
		if jsErr == nil {
			jsErr = err
		}
		return fmt.Errorf("cannot parse json due to an error: %w", jsErr)
	}
	off := int(min(se.Offset, int64(len(body))))
	lineStart := strings.LastIndexByte(body[:max(off-1, 0)], '\n') + 1
	line := strings.Count(body[:lineStart], "\n") + 1
	return fmt.Errorf("cannot parse json due to an error at line %d, character %d , error: %w", line, off-lineStart, se)
}
