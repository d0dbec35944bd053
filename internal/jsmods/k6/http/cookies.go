package http

import (
	"errors"
	"fmt"
	nethttp "net/http"
	"net/http/cookiejar"
	"net/url"
	"time"

	"github.com/dop251/goja"
	"golang.org/x/net/publicsuffix"
)

var errJarInit = errors.New("Making cookie jars in the init context is not supported") //nolint:staticcheck // k6's message

// reqCookie is a cookie from the cookies param.
type reqCookie struct {
	name, value string
	replace     bool // drop the jar's cookies of the same name
}

// jarObject is the JS CookieJar: a dynamic object over a Go jar, so that a
// jar passed back as the jar param can be recognised. Its methods are
// cookiesForURL and set; the script may add properties of its own.
type jarObject struct {
	mi    *ModuleInstance
	jar   nethttp.CookieJar
	extra map[string]goja.Value
}

var _ goja.DynamicObject = (*jarObject)(nil)

func (mi *ModuleInstance) jarValue(jar nethttp.CookieJar) goja.Value {
	return mi.vu.Runtime().NewDynamicObject(&jarObject{mi: mi, jar: jar})
}

// newJar is a jar with the public suffix list, as the VUs' jars are.
func newJar() nethttp.CookieJar {
	jar, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	return jar
}

// jsCookieJar is cookieJar(): the VU's own jar.
func (mi *ModuleInstance) jsCookieJar(goja.FunctionCall) goja.Value {
	state := mi.vu.State()
	if state == nil {
		panic(mi.vu.Runtime().NewGoError(errJarInit))
	}
	if state.CookieJar == nil { // a VU without a jar: nothing would use one
		return mi.jarValue(newJar())
	}
	return mi.jarValue(state.CookieJar)
}

// jsNewCookieJar is new CookieJar(): an independent jar.
func (mi *ModuleInstance) jsNewCookieJar(goja.ConstructorCall) *goja.Object {
	return mi.vu.Runtime().NewDynamicObject(&jarObject{mi: mi, jar: newJar()})
}

// Get implements goja.DynamicObject.
func (j *jarObject) Get(name string) goja.Value {
	if v, ok := j.extra[name]; ok {
		return v
	}
	switch name {
	case "cookiesForURL":
		return j.mi.jarCookiesForURL
	case "set":
		return j.mi.jarSet
	}
	return nil
}

// Set implements goja.DynamicObject.
func (j *jarObject) Set(name string, v goja.Value) bool {
	if j.extra == nil {
		j.extra = make(map[string]goja.Value)
	}
	j.extra[name] = v
	return true
}

// Has implements goja.DynamicObject.
func (j *jarObject) Has(name string) bool { return j.Get(name) != nil }

// Delete implements goja.DynamicObject.
func (j *jarObject) Delete(name string) bool {
	delete(j.extra, name)
	return true
}

// Keys implements goja.DynamicObject.
func (j *jarObject) Keys() []string {
	keys := make([]string, 0, len(j.extra))
	for k := range j.extra {
		keys = append(keys, k)
	}
	return keys
}

// thisJar is the jar a jar method was called on.
func (mi *ModuleInstance) thisJar(c goja.FunctionCall) *jarObject {
	j, ok := c.This.Export().(*jarObject)
	if !ok {
		panic(mi.vu.Runtime().NewTypeError("not a CookieJar"))
	}
	return j
}

func (mi *ModuleInstance) jarURL(v goja.Value) *url.URL {
	u, err := url.Parse(v.String())
	if err != nil {
		panic(mi.vu.Runtime().NewGoError(err))
	}
	return u
}

// cookiesForURL(url) → {name: [values]}.
func (mi *ModuleInstance) cookiesForURL(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	j := mi.thisJar(c)
	cookies := j.jar.Cookies(mi.jarURL(c.Argument(0)))
	byName := make(map[string][]any, len(cookies))
	var order []string
	for _, ck := range cookies {
		if _, seen := byName[ck.Name]; !seen {
			order = append(order, ck.Name)
		}
		byName[ck.Name] = append(byName[ck.Name], ck.Value)
	}
	o := rt.NewObject()
	for _, name := range order {
		_ = o.Set(name, rt.NewArray(byName[name]...))
	}
	return o
}

// set(url, name, value, [{domain, path, expires, max_age, secure, http_only}]).
func (mi *ModuleInstance) setCookie(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	j := mi.thisJar(c)
	u := mi.jarURL(c.Argument(0))
	ck := &nethttp.Cookie{Name: c.Argument(1).String(), Value: c.Argument(2).String()}
	if opts := c.Argument(3); !isNullish(opts) {
		o := opts.ToObject(rt)
		for _, key := range o.Keys() {
			v := o.Get(key)
			if isNullish(v) {
				continue
			}
			switch key {
			case "domain":
				ck.Domain = v.String()
			case "path":
				ck.Path = v.String()
			case "expires":
				t, err := time.Parse(time.RFC1123, v.String())
				if err != nil {
					panic(rt.NewGoError(fmt.Errorf("unable to parse \"expires\" date string %q with: %w", v.String(), err)))
				}
				ck.Expires = t
			case "max_age":
				ck.MaxAge = int(v.ToInteger())
			case "secure":
				ck.Secure = v.ToBoolean()
			case "http_only":
				ck.HttpOnly = v.ToBoolean()
			}
		}
	}
	j.jar.SetCookies(u, []*nethttp.Cookie{ck})
	return rt.ToValue(true)
}

// parseCookies reads the cookies param: name → "value" or {value, replace}.
func (mi *ModuleInstance) parseCookies(v goja.Value, r *request) {
	rt := mi.vu.Runtime()
	o := v.ToObject(rt)
	for _, name := range o.Keys() {
		cv := o.Get(name)
		if isNullish(cv) {
			continue
		}
		ck := reqCookie{name: name}
		if obj, ok := cv.(*goja.Object); ok {
			if val := obj.Get("value"); !isNullish(val) {
				ck.value = val.String()
			}
			if rep := obj.Get("replace"); rep != nil {
				ck.replace = rep.ToBoolean()
			}
		} else {
			ck.value = cv.String()
		}
		r.cookies = append(r.cookies, ck)
	}
}

// hopCookies are the cookies of a hop to u: the request's (the cookies
// param, in its order), then the jar's, less those a replacing request
// cookie overrides. k6 v0.32 (SetRequestCookies) added them in that order,
// so a server that keeps the last of two same-named cookies sees the jar's.
func hopCookies(jar nethttp.CookieJar, u *url.URL, extra []reqCookie) []*nethttp.Cookie {
	var cookies []*nethttp.Cookie
	if jar != nil {
		cookies = jar.Cookies(u)
	}
	if len(extra) == 0 {
		return cookies
	}
	out := make([]*nethttp.Cookie, 0, len(extra)+len(cookies))
	for _, rc := range extra {
		out = append(out, &nethttp.Cookie{Name: rc.name, Value: rc.value})
	}
jarLoop:
	for _, ck := range cookies {
		for _, rc := range extra {
			if rc.replace && rc.name == ck.Name {
				continue jarLoop
			}
		}
		out = append(out, ck)
	}
	return out
}
