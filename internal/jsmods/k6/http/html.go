package http

import (
	"errors"
	"fmt"
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/internal/htmlsel"
)

// document parses a response's body as HTML.
func (mi *ModuleInstance) document(res *goja.Object) *goquery.Document {
	rt := mi.vu.Runtime()
	b := res.Get("body")
	if isNullish(b) {
		panic(rt.NewGoError(errors.New(
			"the body is null so we can't transform it to HTML - this likely was because of a request error getting the response")))
	}
	body := b.String()
	if ab, ok := b.Export().(goja.ArrayBuffer); ok {
		body = string(ab.Bytes())
	}
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(body))
	if err != nil {
		panic(rt.NewGoError(err))
	}
	return doc
}

// htmlMethod is Response.html([selector]): the body as a k6/html
// Selection, with find(selector) applied when given.
func (mi *ModuleInstance) htmlMethod(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	s := mi.document(c.This.ToObject(rt)).Selection
	if sel := c.Argument(0); !isNullish(sel) {
		s = s.Find(sel.String())
	}
	return htmlsel.Wrap(rt, s)
}

// optString reads a string option, def when it is missing.
func optString(o *goja.Object, name, def string) string {
	if o == nil {
		return def
	}
	if v := o.Get(name); !isNullish(v) {
		return v.String()
	}
	return def
}

// options is a method's single options argument, nil when absent.
func (mi *ModuleInstance) options(v goja.Value) *goja.Object {
	if isNullish(v) {
		return nil
	}
	return v.ToObject(mi.vu.Runtime())
}

// resolve resolves ref against the response's URL.
func (mi *ModuleInstance) resolve(res *goja.Object, ref string) string {
	rt := mi.vu.Runtime()
	base, err := url.Parse(res.Get("url").String())
	if err != nil {
		panic(rt.NewGoError(err))
	}
	u, err := base.Parse(ref)
	if err != nil {
		panic(rt.NewGoError(err))
	}
	return u.String()
}

// submitFormMethod is Response.submitForm({formSelector, fields,
// submitSelector, params}): it sends the form's fields, overridden by
// fields and followed by the submit button's name and value, with the
// form's method (GET by default: fields in the query string; otherwise an
// url-encoded body) to its action resolved against the response URL.
func (mi *ModuleInstance) submitFormMethod(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	this := c.This.ToObject(rt)
	opts := mi.options(c.Argument(0))
	formSel := optString(opts, "formSelector", "form")
	submitSel := optString(opts, "submitSelector", `[type="submit"]`)
	params := goja.Undefined()
	var overrides *goja.Object
	if opts != nil {
		if p := opts.Get("params"); p != nil {
			params = p
		}
		if f := opts.Get("fields"); !isNullish(f) {
			overrides = f.ToObject(rt)
		}
	}

	form := mi.document(this).Find(formSel).First()
	if form.Length() == 0 {
		panic(rt.NewGoError(fmt.Errorf("no form found for selector '%s' in response '%s'", formSel, this.Get("url"))))
	}
	method := strings.ToUpper(form.AttrOr("method", "GET"))
	target := this.Get("url").String()
	if action, ok := form.Attr("action"); ok && action != "" {
		target = mi.resolve(this, action)
	}

	fields := htmlsel.FormFields(form)
	if overrides != nil {
		for _, k := range overrides.Keys() {
			fields = setField(fields, k, overrides.Get(k).String())
		}
	}
	if btn := form.Find(submitSel).First(); btn.Length() > 0 {
		if name := btn.AttrOr("name", ""); name != "" {
			fields = append(fields, [2]string{name, btn.AttrOr("value", "")})
		}
	}
	encoded := htmlsel.Encode(fields)

	if method == "GET" {
		u, err := url.Parse(target)
		if err != nil {
			panic(rt.NewGoError(err))
		}
		u.RawQuery = encoded
		return mi.send(mi.build(method, rt.ToValue(u.String()), goja.Undefined(), params))
	}
	r := mi.build(method, rt.ToValue(target), rt.ToValue(encoded), params)
	if r.header.Get("Content-Type") == "" {
		r.header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	return mi.send(r)
}

// setField replaces the first field named name (dropping the others) or
// appends it.
func setField(fields [][2]string, name, value string) [][2]string {
	out := fields[:0:0]
	found := false
	for _, f := range fields {
		if f[0] != name {
			out = append(out, f)
		} else if !found {
			out = append(out, [2]string{name, value})
			found = true
		}
	}
	if !found {
		out = append(out, [2]string{name, value})
	}
	return out
}

// clickLinkMethod is Response.clickLink({selector, params}): a GET of the
// first match's href resolved against the response URL.
func (mi *ModuleInstance) clickLinkMethod(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	this := c.This.ToObject(rt)
	opts := mi.options(c.Argument(0))
	sel := optString(opts, "selector", "a[href]")
	params := goja.Undefined()
	if opts != nil {
		if p := opts.Get("params"); p != nil {
			params = p
		}
	}
	link := mi.document(this).Find(sel).First()
	if link.Length() == 0 {
		panic(rt.NewGoError(fmt.Errorf("no element found for selector '%s' in response '%s'", sel, this.Get("url"))))
	}
	href, ok := link.Attr("href")
	if !ok {
		panic(rt.NewGoError(fmt.Errorf("no valid href attribute value found on element '%s' in response '%s'", sel, this.Get("url"))))
	}
	return mi.send(mi.build("GET", rt.ToValue(mi.resolve(this, href)), goja.Undefined(), params))
}
