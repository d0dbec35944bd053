// Package htmlsel is the goquery-backed JS Selection shared by the
// "k6/html" module (parseHTML) and the k6/http Response's html(),
// submitForm() and clickLink(): a package of its own because JS modules
// never import each other. It imports only goquery and goja.
//
// Selection methods: find, attr (undefined when missing), text, html, val,
// first, last, eq, size, each(fn(index, Element)), map(fn(index,
// Selection)) → array, toArray, children([sel]), parent([sel]),
// is(selector), filter(selector), serialize, serializeArray,
// serializeObject, get([i]).
//
// Element methods and properties: nodeName, id, textContent(),
// getAttribute(name), innerHTML().
package htmlsel

import (
	"net/url"
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
	w := &selection{rt: rt, s: s}
	o := rt.NewObject()
	methods := []struct {
		name string
		fn   func(goja.FunctionCall) goja.Value
	}{
		{"find", w.find}, {"attr", w.attr}, {"text", w.text}, {"html", w.html}, {"val", w.val},
		{"first", w.first}, {"last", w.last}, {"eq", w.eq}, {"size", w.size}, {"each", w.each},
		{"map", w.mapFn}, {"toArray", w.toArray}, {"children", w.children}, {"parent", w.parent},
		{"is", w.is}, {"filter", w.filter}, {"serialize", w.serialize},
		{"serializeArray", w.serializeArray}, {"serializeObject", w.serializeObject}, {"get", w.get},
	}
	for _, m := range methods {
		_ = o.Set(m.name, m.fn)
	}
	return o
}

// selection holds the methods of one JS Selection.
type selection struct {
	rt *goja.Runtime
	s  *goquery.Selection
}

func (w *selection) wrap(s *goquery.Selection) goja.Value { return Wrap(w.rt, s) }

func (w *selection) find(c goja.FunctionCall) goja.Value {
	return w.wrap(w.s.Find(c.Argument(0).String()))
}

func (w *selection) attr(c goja.FunctionCall) goja.Value {
	v, ok := w.s.Attr(c.Argument(0).String())
	if !ok {
		return goja.Undefined()
	}
	return w.rt.ToValue(v)
}

func (w *selection) text(goja.FunctionCall) goja.Value { return w.rt.ToValue(w.s.Text()) }

func (w *selection) html(goja.FunctionCall) goja.Value {
	if w.s.Length() == 0 {
		return goja.Undefined()
	}
	h, err := w.s.Html()
	if err != nil {
		panic(w.rt.NewGoError(err))
	}
	return w.rt.ToValue(h)
}

// val is the value of the first element: an input's value attribute, a
// textarea's text, a select's selected option (or first option).
func (w *selection) val(goja.FunctionCall) goja.Value {
	if w.s.Length() == 0 {
		return goja.Undefined()
	}
	return w.rt.ToValue(value(w.s.First()))
}

func value(s *goquery.Selection) string {
	switch goquery.NodeName(s) {
	case "textarea":
		return s.Text()
	case "select":
		opt := s.Find("option[selected]")
		if opt.Length() == 0 {
			opt = s.Find("option")
		}
		return optionValue(opt.First())
	case "option":
		return optionValue(s)
	}
	v, _ := s.Attr("value")
	return v
}

func optionValue(s *goquery.Selection) string {
	if v, ok := s.Attr("value"); ok {
		return v
	}
	return s.Text()
}

func (w *selection) first(goja.FunctionCall) goja.Value { return w.wrap(w.s.First()) }
func (w *selection) last(goja.FunctionCall) goja.Value  { return w.wrap(w.s.Last()) }

func (w *selection) eq(c goja.FunctionCall) goja.Value {
	return w.wrap(w.s.Eq(int(c.Argument(0).ToInteger())))
}

func (w *selection) size(goja.FunctionCall) goja.Value { return w.rt.ToValue(w.s.Length()) }

func (w *selection) callback(c goja.FunctionCall) goja.Callable {
	fn, ok := goja.AssertFunction(c.Argument(0))
	if !ok {
		panic(w.rt.NewTypeError("argument must be a function"))
	}
	return fn
}

// each calls fn(index, Element) for every element; returning false stops.
func (w *selection) each(c goja.FunctionCall) goja.Value {
	fn := w.callback(c)
	for i := range w.s.Nodes {
		r, err := fn(goja.Undefined(), w.rt.ToValue(i), element(w.rt, w.s.Eq(i)))
		if err != nil {
			panic(err)
		}
		if r != nil && r.StrictEquals(w.rt.ToValue(false)) {
			break
		}
	}
	return c.This
}

// mapFn calls fn(index, Selection) for every element and collects the
// results; null and undefined are dropped and arrays flattened, as in jQuery.
func (w *selection) mapFn(c goja.FunctionCall) goja.Value {
	fn := w.callback(c)
	out := []any{}
	for i := range w.s.Nodes {
		r, err := fn(goja.Undefined(), w.rt.ToValue(i), w.wrap(w.s.Eq(i)))
		if err != nil {
			panic(err)
		}
		if r == nil || goja.IsUndefined(r) || goja.IsNull(r) {
			continue
		}
		if o, ok := r.(*goja.Object); ok && o.ClassName() == "Array" {
			var items []goja.Value
			if err := w.rt.ExportTo(o, &items); err == nil {
				for _, it := range items {
					out = append(out, it)
				}
				continue
			}
		}
		out = append(out, r)
	}
	return w.rt.NewArray(out...)
}

func (w *selection) toArray(goja.FunctionCall) goja.Value {
	out := make([]any, w.s.Length())
	for i := range out {
		out[i] = w.wrap(w.s.Eq(i))
	}
	return w.rt.NewArray(out...)
}

func (w *selection) children(c goja.FunctionCall) goja.Value {
	if a := c.Argument(0); !goja.IsUndefined(a) {
		return w.wrap(w.s.ChildrenFiltered(a.String()))
	}
	return w.wrap(w.s.Children())
}

func (w *selection) parent(c goja.FunctionCall) goja.Value {
	if a := c.Argument(0); !goja.IsUndefined(a) {
		return w.wrap(w.s.ParentFiltered(a.String()))
	}
	return w.wrap(w.s.Parent())
}

func (w *selection) is(c goja.FunctionCall) goja.Value {
	return w.rt.ToValue(w.s.Is(c.Argument(0).String()))
}

func (w *selection) filter(c goja.FunctionCall) goja.Value {
	return w.wrap(w.s.Filter(c.Argument(0).String()))
}

// formFields is serializeArray's list: the named, enabled, successful
// controls of the selected forms (or the selected controls themselves).
func formFields(s *goquery.Selection) [][2]string {
	var out [][2]string
	controls := s.Find("input,select,textarea").AddSelection(s.Filter("input,select,textarea"))
	controls.Each(func(_ int, el *goquery.Selection) {
		name, ok := el.Attr("name")
		if !ok || name == "" {
			return
		}
		if _, disabled := el.Attr("disabled"); disabled {
			return
		}
		typ := strings.ToLower(el.AttrOr("type", ""))
		switch typ {
		case "submit", "button", "image", "reset", "file":
			return
		case "checkbox", "radio":
			if _, checked := el.Attr("checked"); !checked {
				return
			}
			out = append(out, [2]string{name, el.AttrOr("value", "on")})
			return
		}
		if goquery.NodeName(el) == "select" {
			if _, multi := el.Attr("multiple"); multi {
				el.Find("option[selected]").Each(func(_ int, o *goquery.Selection) {
					out = append(out, [2]string{name, optionValue(o)})
				})
				return
			}
		}
		out = append(out, [2]string{name, value(el)})
	})
	return out
}

// Encode url-encodes name/value pairs in order.
func Encode(fields [][2]string) string {
	parts := make([]string, len(fields))
	for i, f := range fields {
		parts[i] = url.QueryEscape(f[0]) + "=" + url.QueryEscape(f[1])
	}
	return strings.Join(parts, "&")
}

// FormFields is formFields for the k6/http Response's submitForm.
func FormFields(s *goquery.Selection) [][2]string { return formFields(s) }

func (w *selection) serialize(goja.FunctionCall) goja.Value {
	return w.rt.ToValue(Encode(formFields(w.s)))
}

func (w *selection) serializeArray(goja.FunctionCall) goja.Value {
	fields := formFields(w.s)
	out := make([]any, len(fields))
	for i, f := range fields {
		o := w.rt.NewObject()
		_ = o.Set("name", f[0])
		_ = o.Set("value", f[1])
		out[i] = o
	}
	return w.rt.NewArray(out...)
}

// serializeObject maps name → value; a repeated name maps to an array.
func (w *selection) serializeObject(goja.FunctionCall) goja.Value {
	o := w.rt.NewObject()
	multi := map[string][]any{}
	for _, f := range formFields(w.s) {
		multi[f[0]] = append(multi[f[0]], f[1])
	}
	for _, f := range formFields(w.s) {
		if o.Get(f[0]) != nil {
			continue
		}
		if vs := multi[f[0]]; len(vs) > 1 {
			_ = o.Set(f[0], w.rt.NewArray(vs...))
		} else {
			_ = o.Set(f[0], f[1])
		}
	}
	return o
}

// get(i) is the i-th Element (negative counts from the end, undefined out
// of range); get() is an array of all Elements.
func (w *selection) get(c goja.FunctionCall) goja.Value {
	a := c.Argument(0)
	if goja.IsUndefined(a) {
		out := make([]any, len(w.s.Nodes))
		for i := range out {
			out[i] = element(w.rt, w.s.Eq(i))
		}
		return w.rt.NewArray(out...)
	}
	i := int(a.ToInteger())
	if i < 0 {
		i += len(w.s.Nodes)
	}
	if i < 0 || i >= len(w.s.Nodes) {
		return goja.Undefined()
	}
	return element(w.rt, w.s.Eq(i))
}

// element is the minimal DOM Element of s's single node.
func element(rt *goja.Runtime, s *goquery.Selection) *goja.Object {
	o := rt.NewObject()
	_ = o.Set("nodeName", goquery.NodeName(s))
	_ = o.Set("id", s.AttrOr("id", ""))
	_ = o.Set("textContent", func(goja.FunctionCall) goja.Value { return rt.ToValue(s.Text()) })
	_ = o.Set("innerHTML", func(goja.FunctionCall) goja.Value {
		h, _ := s.Html()
		return rt.ToValue(h)
	})
	_ = o.Set("getAttribute", func(c goja.FunctionCall) goja.Value {
		v, ok := s.Attr(c.Argument(0).String())
		if !ok {
			return goja.Undefined()
		}
		return rt.ToValue(v)
	})
	return o
}
