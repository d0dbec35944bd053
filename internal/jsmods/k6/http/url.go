package http

import (
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// urlObject is what the http.url template tag makes: the URL, and the name
// tag that groups every URL made from the same template (the template with
// each placeholder written as ${}).
type urlObject struct {
	rt        *goja.Runtime
	name, url string
	extra     map[string]goja.Value
}

var _ goja.DynamicObject = (*urlObject)(nil)

// jsURL is the http.url tagged template: url`http://x/${id}`.
func (mi *ModuleInstance) jsURL(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	strs := c.Argument(0)
	if isNullish(strs) {
		panic(rt.NewTypeError("http.url is a template tag: use http.url`...`"))
	}
	parts := strs.ToObject(rt)
	n := int(parts.Get("length").ToInteger())
	var name, full strings.Builder
	for i := range n {
		p := parts.Get(strconv.Itoa(i)).String()
		name.WriteString(p)
		full.WriteString(p)
		if i+1 < n {
			name.WriteString("${}")
			full.WriteString(c.Argument(i + 1).String())
		}
	}
	return rt.NewDynamicObject(&urlObject{rt: rt, name: name.String(), url: full.String()})
}

// isURLObject reports whether obj was made by http.url.
func (mi *ModuleInstance) isURLObject(obj *goja.Object) bool {
	_, ok := obj.Export().(*urlObject)
	return ok
}

// Get implements goja.DynamicObject.
func (u *urlObject) Get(key string) goja.Value {
	if v, ok := u.extra[key]; ok {
		return v
	}
	switch key {
	case "name":
		return u.rt.ToValue(u.name)
	case "url":
		return u.rt.ToValue(u.url)
	}
	return nil
}

// Set implements goja.DynamicObject.
func (u *urlObject) Set(key string, v goja.Value) bool {
	if u.extra == nil {
		u.extra = make(map[string]goja.Value)
	}
	u.extra[key] = v
	return true
}

// Has implements goja.DynamicObject.
func (u *urlObject) Has(key string) bool { return u.Get(key) != nil }

// Delete implements goja.DynamicObject.
func (u *urlObject) Delete(key string) bool {
	delete(u.extra, key)
	return true
}

// Keys implements goja.DynamicObject.
func (u *urlObject) Keys() []string {
	keys := []string{"name", "url"}
	for k := range u.extra {
		keys = append(keys, k)
	}
	return keys
}
