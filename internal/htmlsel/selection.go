package htmlsel

import (
	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// selMethod is the Go side of the Selection method name, nil if none.
func selMethod(name string) func(*selObj, goja.FunctionCall) goja.Value {
	switch name {
	case "add":
		return (*selObj).add
	case "attr":
		return (*selObj).attr
	case "children":
		return (*selObj).children
	case "closest":
		return (*selObj).closest
	case "contents":
		return (*selObj).contents
	case "data":
		return (*selObj).data
	case "each":
		return (*selObj).each
	case "eq":
		return (*selObj).eq
	case "filter":
		return (*selObj).filter
	case "find":
		return (*selObj).find
	case "first":
		return (*selObj).first
	case "get":
		return (*selObj).get
	case "has":
		return (*selObj).has
	case "html":
		return (*selObj).html
	case "index":
		return (*selObj).index
	case "is":
		return (*selObj).is
	case "last":
		return (*selObj).last
	case "map":
		return (*selObj).mapFn
	case "next":
		return (*selObj).next
	case "nextAll":
		return (*selObj).nextAll
	case "nextUntil":
		return (*selObj).nextUntil
	case "not":
		return (*selObj).not
	case "parent":
		return (*selObj).parent
	case "parents":
		return (*selObj).parents
	case "parentsUntil":
		return (*selObj).parentsUntil
	case "prev":
		return (*selObj).prev
	case "prevAll":
		return (*selObj).prevAll
	case "prevUntil":
		return (*selObj).prevUntil
	case "serialize":
		return (*selObj).serialize
	case "serializeArray":
		return (*selObj).serializeArray
	case "serializeObject":
		return (*selObj).serializeObject
	case "siblings":
		return (*selObj).siblings
	case "size":
		return (*selObj).size
	case "slice":
		return (*selObj).slice
	case "text":
		return (*selObj).text
	case "toArray":
		return (*selObj).toArray
	case "val":
		return (*selObj).val
	}
	return nil
}

// argKind says what a selector-like argument is.
type argKind int

const (
	argNone   argKind = iota // undefined or null
	argString                // a CSS selector
	argNodes                 // a Selection or an Element
	argFunc                  // a predicate fn(index, Element)
)

type selArg struct {
	kind  argKind
	sel   string
	nodes []*html.Node
	fn    goja.Callable
}

// nodesOf returns the nodes of a JS Selection or Element.
func nodesOf(v goja.Value) ([]*html.Node, bool) {
	if v == nil {
		return nil, false
	}
	switch x := v.Export().(type) {
	case *selObj:
		return x.s.Nodes, true
	case *elemObj:
		return x.s.Nodes, true
	}
	return nil, false
}

func classify(v goja.Value) selArg {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return selArg{kind: argNone}
	}
	if fn, ok := goja.AssertFunction(v); ok {
		return selArg{kind: argFunc, fn: fn}
	}
	if nodes, ok := nodesOf(v); ok {
		return selArg{kind: argNodes, nodes: nodes}
	}
	return selArg{kind: argString, sel: v.String()}
}

// pred turns a JS predicate into goquery's: fn(index, Element) with this =
// the Element; a thrown exception propagates.
func (w *selObj) pred(fn goja.Callable) func(int, *goquery.Selection) bool {
	return func(i int, s *goquery.Selection) bool {
		el := w.env.elem(s)
		r, err := fn(el, w.env.rt.ToValue(i), el)
		if err != nil {
			panic(err)
		}
		return r.ToBoolean()
	}
}

// narrow applies an optional filter argument to s.
func (w *selObj) narrow(s *goquery.Selection, a selArg) *goquery.Selection {
	switch a.kind {
	case argString:
		return s.Filter(a.sel)
	case argNodes:
		return s.FilterNodes(a.nodes...)
	case argFunc:
		return s.FilterFunction(w.pred(a.fn))
	}
	return s
}

func (w *selObj) wrap(s *goquery.Selection) goja.Value { return w.env.wrap(s) }
func (w *selObj) none() goja.Value                     { return w.wrap(w.s.Slice(0, 0)) }

func (w *selObj) find(c goja.FunctionCall) goja.Value {
	switch a := classify(c.Argument(0)); a.kind {
	case argString:
		return w.wrap(w.s.Find(a.sel))
	case argNodes:
		return w.wrap(w.s.FindNodes(a.nodes...))
	}
	return w.none()
}

func (w *selObj) add(c goja.FunctionCall) goja.Value {
	switch a := classify(c.Argument(0)); a.kind {
	case argString:
		return w.wrap(w.s.Add(a.sel))
	case argNodes:
		return w.wrap(w.s.AddNodes(a.nodes...))
	}
	return w.wrap(w.s)
}

func (w *selObj) filter(c goja.FunctionCall) goja.Value {
	a := classify(c.Argument(0))
	if a.kind == argNone {
		return w.none()
	}
	return w.wrap(w.narrow(w.s, a))
}

func (w *selObj) not(c goja.FunctionCall) goja.Value {
	switch a := classify(c.Argument(0)); a.kind {
	case argString:
		return w.wrap(w.s.Not(a.sel))
	case argNodes:
		return w.wrap(w.s.NotNodes(a.nodes...))
	case argFunc:
		return w.wrap(w.s.NotFunction(w.pred(a.fn)))
	}
	return w.wrap(w.s)
}

func (w *selObj) is(c goja.FunctionCall) goja.Value {
	var ok bool
	switch a := classify(c.Argument(0)); a.kind {
	case argString:
		ok = w.s.Is(a.sel)
	case argNodes:
		ok = w.s.IsNodes(a.nodes...)
	case argFunc:
		ok = w.s.IsFunction(w.pred(a.fn))
	}
	return w.env.rt.ToValue(ok)
}

func (w *selObj) has(c goja.FunctionCall) goja.Value {
	switch a := classify(c.Argument(0)); a.kind {
	case argString:
		return w.wrap(w.s.Has(a.sel))
	case argNodes:
		return w.wrap(w.s.HasNodes(a.nodes...))
	}
	return w.none()
}

func (w *selObj) closest(c goja.FunctionCall) goja.Value {
	switch a := classify(c.Argument(0)); a.kind {
	case argString:
		return w.wrap(w.s.Closest(a.sel))
	case argNodes:
		return w.wrap(w.s.ClosestNodes(a.nodes...))
	}
	return w.none()
}

// navigation with an optional filter argument
func (w *selObj) children(c goja.FunctionCall) goja.Value {
	return w.wrap(w.narrow(w.s.Children(), classify(c.Argument(0))))
}

func (w *selObj) contents(goja.FunctionCall) goja.Value { return w.wrap(w.s.Contents()) }

func (w *selObj) parent(c goja.FunctionCall) goja.Value {
	return w.wrap(w.narrow(w.s.Parent(), classify(c.Argument(0))))
}

func (w *selObj) parents(c goja.FunctionCall) goja.Value {
	return w.wrap(w.narrow(w.s.Parents(), classify(c.Argument(0))))
}

func (w *selObj) next(c goja.FunctionCall) goja.Value {
	return w.wrap(w.narrow(w.s.Next(), classify(c.Argument(0))))
}

func (w *selObj) nextAll(c goja.FunctionCall) goja.Value {
	return w.wrap(w.narrow(w.s.NextAll(), classify(c.Argument(0))))
}

func (w *selObj) prev(c goja.FunctionCall) goja.Value {
	return w.wrap(w.narrow(w.s.Prev(), classify(c.Argument(0))))
}

func (w *selObj) prevAll(c goja.FunctionCall) goja.Value {
	return w.wrap(w.narrow(w.s.PrevAll(), classify(c.Argument(0))))
}

func (w *selObj) siblings(c goja.FunctionCall) goja.Value {
	return w.wrap(w.narrow(w.s.Siblings(), classify(c.Argument(0))))
}

// until implements parentsUntil, nextUntil and prevUntil: stop at the
// first node matching the first argument (all when it is missing), then
// keep those matching the optional second.
func (w *selObj) until(c goja.FunctionCall, all func() *goquery.Selection,
	bySel func(string) *goquery.Selection, byNodes func(...*html.Node) *goquery.Selection,
) goja.Value {
	var s *goquery.Selection
	switch a := classify(c.Argument(0)); a.kind {
	case argString:
		s = bySel(a.sel)
	case argNodes:
		s = byNodes(a.nodes...)
	default:
		s = all()
	}
	return w.wrap(w.narrow(s, classify(c.Argument(1))))
}

func (w *selObj) parentsUntil(c goja.FunctionCall) goja.Value {
	return w.until(c, w.s.Parents, w.s.ParentsUntil, w.s.ParentsUntilNodes)
}

func (w *selObj) nextUntil(c goja.FunctionCall) goja.Value {
	return w.until(c, w.s.NextAll, w.s.NextUntil, w.s.NextUntilNodes)
}

func (w *selObj) prevUntil(c goja.FunctionCall) goja.Value {
	return w.until(c, w.s.PrevAll, w.s.PrevUntil, w.s.PrevUntilNodes)
}

// slice(start, [end]) with jQuery's negative indexes and clamping.
func (w *selObj) slice(c goja.FunctionCall) goja.Value {
	n := len(w.s.Nodes)
	clamp := func(v goja.Value, def int) int {
		if v == nil || goja.IsUndefined(v) {
			return def
		}
		i := v.ToInteger()
		if i < 0 {
			i += int64(n)
		}
		return int(max(0, min(i, int64(n))))
	}
	start := clamp(c.Argument(0), 0)
	end := clamp(c.Argument(1), n)
	if end < start {
		end = start
	}
	return w.wrap(w.s.Slice(start, end))
}

// index() is the first element's position among its element siblings;
// index(selector) its position among the matches of selector;
// index(Selection|Element) the position of that node in this Selection.
func (w *selObj) index(c goja.FunctionCall) goja.Value {
	i := -1
	switch a := classify(c.Argument(0)); a.kind {
	case argNone:
		i = w.s.Index()
	case argString:
		i = w.s.IndexSelector(a.sel)
	case argNodes:
		if len(a.nodes) > 0 {
			i = w.s.IndexOfNode(a.nodes[0])
		}
	}
	return w.env.rt.ToValue(i)
}

func (w *selObj) attr(c goja.FunctionCall) goja.Value {
	v, ok := w.s.Attr(c.Argument(0).String())
	if !ok {
		return goja.Undefined()
	}
	return w.env.rt.ToValue(v)
}

func (w *selObj) text(goja.FunctionCall) goja.Value { return w.env.rt.ToValue(w.s.Text()) }

func (w *selObj) html(goja.FunctionCall) goja.Value {
	if w.s.Length() == 0 {
		return goja.Undefined()
	}
	h, err := w.s.Html()
	if err != nil {
		panic(w.env.rt.NewGoError(err))
	}
	return w.env.rt.ToValue(h)
}

// val is the value of the first element: an input's value attribute, a
// textarea's text, a select's selected option (or first option).
func (w *selObj) val(goja.FunctionCall) goja.Value {
	if w.s.Length() == 0 {
		return goja.Undefined()
	}
	return w.env.rt.ToValue(value(w.s.First()))
}

func (w *selObj) first(goja.FunctionCall) goja.Value { return w.wrap(w.s.First()) }
func (w *selObj) last(goja.FunctionCall) goja.Value  { return w.wrap(w.s.Last()) }

func (w *selObj) eq(c goja.FunctionCall) goja.Value {
	return w.wrap(w.s.Eq(int(c.Argument(0).ToInteger())))
}

func (w *selObj) size(goja.FunctionCall) goja.Value { return w.env.rt.ToValue(w.s.Length()) }

func (w *selObj) callback(c goja.FunctionCall) goja.Callable {
	fn, ok := goja.AssertFunction(c.Argument(0))
	if !ok {
		panic(w.env.rt.NewTypeError("argument must be a function"))
	}
	return fn
}

// each calls fn(index, Element) (this = the Element) for every element;
// returning false stops.
func (w *selObj) each(c goja.FunctionCall) goja.Value {
	fn := w.callback(c)
	for i := range w.s.Nodes {
		el := w.env.elem(w.s.Eq(i))
		r, err := fn(el, w.env.rt.ToValue(i), el)
		if err != nil {
			panic(err)
		}
		if r != nil && r.StrictEquals(w.env.rt.ToValue(false)) {
			break
		}
	}
	return c.This
}

// mapFn calls fn(index, Selection) for every element and collects the
// results as they are; null and undefined are dropped and arrays
// flattened, as in jQuery.
func (w *selObj) mapFn(c goja.FunctionCall) goja.Value {
	fn := w.callback(c)
	rt := w.env.rt
	out := []any{}
	for i := range w.s.Nodes {
		r, err := fn(goja.Undefined(), rt.ToValue(i), w.wrap(w.s.Eq(i)))
		if err != nil {
			panic(err)
		}
		if r == nil || goja.IsUndefined(r) || goja.IsNull(r) {
			continue
		}
		if o, ok := r.(*goja.Object); ok && o.ClassName() == "Array" {
			n := o.Get("length").ToInteger()
			for j := range n {
				out = append(out, o.Get(rt.ToValue(j).String()))
			}
			continue
		}
		out = append(out, r)
	}
	return rt.NewArray(out...)
}

func (w *selObj) toArray(goja.FunctionCall) goja.Value {
	out := make([]any, w.s.Length())
	for i := range out {
		out[i] = w.wrap(w.s.Eq(i))
	}
	return w.env.rt.NewArray(out...)
}

// get(i) is the i-th Element (negative counts from the end, undefined out
// of range); get() is an array of all Elements.
func (w *selObj) get(c goja.FunctionCall) goja.Value {
	a := c.Argument(0)
	if goja.IsUndefined(a) || goja.IsNull(a) {
		return w.env.elems(w.s)
	}
	i := int(a.ToInteger())
	if i < 0 {
		i += len(w.s.Nodes)
	}
	if i < 0 || i >= len(w.s.Nodes) {
		return goja.Undefined()
	}
	return w.env.elem(w.s.Eq(i))
}

func (w *selObj) serialize(goja.FunctionCall) goja.Value {
	return w.env.rt.ToValue(Encode(formFields(w.s)))
}

func (w *selObj) serializeArray(goja.FunctionCall) goja.Value {
	rt := w.env.rt
	fields := formFields(w.s)
	out := make([]any, len(fields))
	for i, f := range fields {
		o := rt.NewObject()
		_ = o.Set("name", f[0])
		_ = o.Set("value", f[1])
		out[i] = o
	}
	return rt.NewArray(out...)
}

// serializeObject maps name → value; a repeated name maps to an array.
func (w *selObj) serializeObject(goja.FunctionCall) goja.Value {
	rt := w.env.rt
	o := rt.NewObject()
	fields := formFields(w.s)
	multi := map[string][]any{}
	for _, f := range fields {
		multi[f[0]] = append(multi[f[0]], f[1])
	}
	seen := map[string]bool{}
	for _, f := range fields {
		if seen[f[0]] {
			continue
		}
		seen[f[0]] = true
		if vs := multi[f[0]]; len(vs) > 1 {
			_ = o.Set(f[0], rt.NewArray(vs...))
		} else {
			_ = o.Set(f[0], f[1])
		}
	}
	return o
}
