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

// The own properties of a Response, in k6's order.
const (
	fieldRemoteIP = iota
	fieldRemotePort
	fieldURL
	fieldStatus
	fieldStatusText
	fieldProto
	fieldHeaders
	fieldCookies
	fieldBody
	fieldTimings
	fieldTLSVersion
	fieldTLSCipherSuite
	fieldOCSP
	fieldError
	fieldErrorCode
	fieldRequest
	numFields
)

var responseFields = [numFields]string{
	fieldRemoteIP: "remote_ip", fieldRemotePort: "remote_port", fieldURL: "url", fieldStatus: "status",
	fieldStatusText: "status_text", fieldProto: "proto", fieldHeaders: "headers", fieldCookies: "cookies",
	fieldBody: "body", fieldTimings: "timings", fieldTLSVersion: "tls_version",
	fieldTLSCipherSuite: "tls_cipher_suite", fieldOCSP: "ocsp", fieldError: "error", fieldErrorCode: "error_code",
	fieldRequest: "request",
}

// responseField finds a name in responseFields.
func responseField(name string) (int, bool) {
	for i, f := range &responseFields {
		if f == name {
			return i, true
		}
	}
	return -1, false
}

// response is the JS Response, a goja dynamic object over the finished
// request. A property's JS value is made the first time the script reads
// it: most scripts look at the status and maybe the body, so building
// every header, timing, cookie and request object up front (a few dozen
// JS objects and properties) was the biggest cost of a request.
//
// It behaves as an ordinary object would: the script may overwrite,
// delete and add properties, and keys keep insertion order.
type response struct {
	mi  *ModuleInstance
	req *request
	res *result

	vals [numFields]goja.Value // made or assigned so far
	gone uint16                // bit i: responseFields[i] was deleted
	// extra holds the properties the script added (and re-added fields),
	// in insertion order.
	extra []extraProp

	// json caches json()'s parse of the body; bodyValid records that the
	// body was checked to be valid JSON.
	json      goja.Value
	bodyValid bool
}

type extraProp struct {
	name string
	val  goja.Value
}

var _ goja.DynamicObject = (*response)(nil)

// responseObject wraps a finished request as a Response.
func (mi *ModuleInstance) responseObject(r *request, res *result) goja.Value {
	o := mi.vu.Runtime().NewDynamicObject(&response{mi: mi, req: r, res: res})
	_ = o.SetPrototype(mi.respProto)
	return o
}

func (rs *response) field(name string) (int, bool) {
	i, ok := responseField(name)
	return i, ok && rs.gone&(1<<i) == 0
}

func (rs *response) extraIndex(name string) int {
	for i := range rs.extra {
		if rs.extra[i].name == name {
			return i
		}
	}
	return -1
}

// Get implements goja.DynamicObject.
func (rs *response) Get(name string) goja.Value {
	if i, ok := rs.field(name); ok {
		if rs.vals[i] == nil {
			rs.vals[i] = rs.make(i)
		}
		return rs.vals[i]
	}
	if i := rs.extraIndex(name); i >= 0 {
		return rs.extra[i].val
	}
	return nil
}

// Set implements goja.DynamicObject.
func (rs *response) Set(name string, v goja.Value) bool {
	if i, ok := rs.field(name); ok {
		rs.vals[i] = v
		return true
	}
	if i := rs.extraIndex(name); i >= 0 {
		rs.extra[i].val = v
		return true
	}
	rs.extra = append(rs.extra, extraProp{name, v})
	return true
}

// Has implements goja.DynamicObject.
func (rs *response) Has(name string) bool {
	if _, ok := rs.field(name); ok {
		return true
	}
	return rs.extraIndex(name) >= 0
}

// Delete implements goja.DynamicObject.
func (rs *response) Delete(name string) bool {
	if i, ok := rs.field(name); ok {
		rs.gone |= 1 << i
		rs.vals[i] = nil
		return true
	}
	if i := rs.extraIndex(name); i >= 0 {
		rs.extra = slices.Delete(rs.extra, i, i+1)
	}
	return true
}

// Keys implements goja.DynamicObject.
func (rs *response) Keys() []string {
	keys := make([]string, 0, len(responseFields)+len(rs.extra))
	for i, f := range &responseFields {
		if rs.gone&(1<<i) == 0 {
			keys = append(keys, f)
		}
	}
	for _, e := range rs.extra {
		keys = append(keys, e.name)
	}
	return keys
}

// make computes field i's JS value.
func (rs *response) make(i int) goja.Value {
	rt := rs.mi.vu.Runtime()
	h := rs.res.last
	var resp *nethttp.Response
	if h != nil {
		resp = h.resp
	}
	switch i {
	case fieldRemoteIP, fieldRemotePort:
		var ip string
		var port int
		if h != nil {
			ip, port = remoteIPPort(h.remote)
		}
		if i == fieldRemoteIP {
			return rt.ToValue(ip)
		}
		return rt.ToValue(port)
	case fieldURL:
		if h != nil {
			return rt.ToValue(h.url.String())
		}
		return rt.ToValue(rs.req.rawURL)
	case fieldStatus:
		if resp != nil {
			return rt.ToValue(resp.StatusCode)
		}
		return rt.ToValue(0)
	case fieldStatusText:
		if resp != nil {
			return rt.ToValue(resp.Status)
		}
		return rt.ToValue("")
	case fieldProto:
		if resp != nil {
			return rt.ToValue(resp.Proto)
		}
		return rt.ToValue("")
	case fieldHeaders:
		headers := rt.NewObject()
		if resp != nil {
			for _, k := range sortedKeys(resp.Header) {
				_ = headers.Set(k, strings.Join(resp.Header[k], ", "))
			}
		}
		return headers
	case fieldCookies:
		cookies := rt.NewObject()
		if resp != nil {
			rs.mi.setCookies(cookies, h.cookies)
		}
		return cookies
	case fieldBody:
		if resp != nil {
			switch rs.req.respType {
			case responseText:
				return rt.ToValue(h.text)
			case responseBinary:
				return rt.ToValue(rt.NewArrayBuffer(h.bin))
			}
		}
		return goja.Null()
	case fieldTimings:
		var tm timings
		if h != nil {
			tm = h.timings
		}
		return rs.mi.timingsObject(&tm)
	case fieldTLSVersion, fieldTLSCipherSuite:
		var ver, cipher string
		if resp != nil && resp.TLS != nil {
			ver, cipher = tlsVersion(resp.TLS.Version), cipherSuiteName(resp.TLS.CipherSuite)
		}
		if i == fieldTLSVersion {
			return rt.ToValue(ver)
		}
		return rt.ToValue(cipher)
	case fieldOCSP:
		var info ocspInfo
		if h != nil {
			info = h.ocsp
		}
		o := rt.NewObject()
		_ = o.Set("produced_at", info.producedAt)
		_ = o.Set("this_update", info.thisUpdate)
		_ = o.Set("next_update", info.nextUpdate)
		_ = o.Set("revocation_reason", info.reason)
		_ = o.Set("revoked_at", info.revokedAt)
		_ = o.Set("status", info.status)
		return o
	case fieldError:
		return rt.ToValue(rs.res.msg)
	case fieldErrorCode:
		return rt.ToValue(rs.res.code)
	default: // fieldRequest
		return rs.mi.requestObject(rs.req, rs.res)
	}
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
			// k6 builds these from the Cookie header, so replace is
			// always false, even for a replacing cookies param.
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
	// json() may be called on another object (res.json.call(o)); then
	// nothing is cached.
	cache, _ := this.Export().(*response)
	if cache == nil {
		cache = &response{}
	}
	sel := c.Argument(0)
	hasSelector := !isNullish(sel)
	if !hasSelector && cache.json != nil {
		return cache.json
	}
	body := mi.bodyText(this)

	if hasSelector {
		if !cache.bodyValid {
			if !gjson.Valid(body) {
				panic(rt.NewGoError(jsonSyntaxError(body, nil)))
			}
			cache.bodyValid = true
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
	cache.json, cache.bodyValid = v, true
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

// cipherSuiteName is k6's name for a cipher suite: Go's (IANA's), except
// the two ChaCha20 suites, which k6 (as its tlsCipherSuites option) names
// without the _SHA256 suffix.
func cipherSuiteName(id uint16) string {
	switch id {
	case tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256, tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256:
		return strings.TrimSuffix(tls.CipherSuiteName(id), "_SHA256")
	}
	return tls.CipherSuiteName(id)
}
