package htmlsel

import (
	"sort"
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"
)

// Parse parses src as an HTML document and wraps it as a JS Selection.
func Parse(rt *goja.Runtime, src string) (*goja.Object, error) {
	doc, err := goquery.NewDocumentFromReader(strings.NewReader(src))
	if err != nil {
		return nil, err
	}
	return Wrap(rt, doc.Selection), nil
}

// Wrap makes the JS Selection of s.
func Wrap(rt *goja.Runtime, s *goquery.Selection) *goja.Object {
	e := &env{rt: rt, fns: map[string]goja.Value{}}
	return e.wrap(s)
}

// env is what the objects of one Wrap share: the runtime and the method
// functions, made once on first use.
type env struct {
	rt  *goja.Runtime
	fns map[string]goja.Value
}

func (e *env) wrap(s *goquery.Selection) *goja.Object {
	return e.rt.NewDynamicObject(&selObj{env: e, s: s})
}

// elem is the Element of s's first node, undefined when s is empty.
func (e *env) elem(s *goquery.Selection) goja.Value {
	if s.Length() == 0 {
		return goja.Undefined()
	}
	return e.rt.NewDynamicObject(&elemObj{env: e, s: s.First()})
}

// elems is the array of the Elements of s.
func (e *env) elems(s *goquery.Selection) goja.Value {
	out := make([]any, len(s.Nodes))
	for i := range out {
		out[i] = e.elem(s.Eq(i))
	}
	return e.rt.NewArray(out...)
}

// method returns the shared JS function for key, making it with mk once.
func (e *env) method(key string, mk func() func(goja.FunctionCall) goja.Value) goja.Value {
	if f, ok := e.fns[key]; ok {
		return f
	}
	f := e.rt.ToValue(mk())
	e.fns[key] = f
	return f
}

// props holds what a script stores on a wrapper object itself.
type props map[string]goja.Value

func (p *props) set(k string, v goja.Value) bool {
	if *p == nil {
		*p = props{}
	}
	(*p)[k] = v
	return true
}

func (p props) keys() []string {
	out := make([]string, 0, len(p))
	for k := range p {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// selObj is one JS Selection (a goja.DynamicObject).
type selObj struct {
	env   *env
	s     *goquery.Selection
	extra props
}

var _ goja.DynamicObject = (*selObj)(nil)

// Get implements goja.DynamicObject.
func (o *selObj) Get(key string) goja.Value {
	if v, ok := o.extra[key]; ok {
		return v
	}
	if selMethod(key) == nil {
		return nil
	}
	e := o.env
	return e.method("s:"+key, func() func(goja.FunctionCall) goja.Value {
		m := selMethod(key)
		return func(c goja.FunctionCall) goja.Value {
			w, ok := c.This.Export().(*selObj)
			if !ok {
				panic(e.rt.NewTypeError("Selection.%s called on a non-Selection", key))
			}
			return m(w, c)
		}
	})
}

// Set implements goja.DynamicObject.
func (o *selObj) Set(key string, v goja.Value) bool { return o.extra.set(key, v) }

// Has implements goja.DynamicObject.
func (o *selObj) Has(key string) bool {
	_, ok := o.extra[key]
	return ok || selMethod(key) != nil
}

// Delete implements goja.DynamicObject.
func (o *selObj) Delete(key string) bool { delete(o.extra, key); return true }

// Keys implements goja.DynamicObject: only what a script stored.
func (o *selObj) Keys() []string { return o.extra.keys() }
