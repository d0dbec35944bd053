package htmlsel

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"
	"golang.org/x/net/html"
)

// elemObj is one JS Element (a goja.DynamicObject): a DOM-like view of a
// single node (element, text, comment or document).
type elemObj struct {
	env   *env
	s     *goquery.Selection // exactly one node
	extra props
}

var _ goja.DynamicObject = (*elemObj)(nil)

func (o *elemObj) node() *html.Node { return o.s.Nodes[0] }

// tag is the element's tag name, "" for other nodes.
func (o *elemObj) tag() string {
	if n := o.node(); n.Type == html.ElementNode {
		return n.Data
	}
	return ""
}

// basic answers the Element methods that describe the node itself. In k6
// they are methods like all the others (el.nodeName(), el.id()), not the
// DOM's properties.
func (o *elemObj) basic(key string) goja.Value {
	rt := o.env.rt
	n := o.node()
	switch key {
	case "nodeName":
		return rt.ToValue(goquery.NodeName(o.s))
	case "nodeType":
		return rt.ToValue(nodeType(n))
	case "nodeValue":
		if n.Type == html.TextNode || n.Type == html.CommentNode {
			return rt.ToValue(n.Data)
		}
		return goja.Null()
	case "id":
		return rt.ToValue(o.s.AttrOr("id", ""))
	case "isConnected":
		r := n
		for r.Parent != nil {
			r = r.Parent
		}
		return rt.ToValue(r.Type == html.DocumentNode)
	}
	return nil
}

// nodeType is the DOM Node.nodeType of n.
func nodeType(n *html.Node) int {
	switch n.Type {
	case html.ElementNode:
		return 1
	case html.TextNode:
		return 3
	case html.CommentNode:
		return 8
	case html.DocumentNode:
		return 9
	case html.DoctypeNode:
		return 10
	}
	return 0
}

// Get implements goja.DynamicObject.
func (o *elemObj) Get(key string) goja.Value {
	if v, ok := o.extra[key]; ok {
		return v
	}
	e := o.env
	if tag := o.tag(); tagMethod(tag, key) != nil {
		return e.method("t:"+tag+":"+key, func() func(goja.FunctionCall) goja.Value {
			return e.elemCall(key, tagMethod(tag, key))
		})
	}
	if elemMethod(key) != nil {
		return e.method("e:"+key, func() func(goja.FunctionCall) goja.Value {
			return e.elemCall(key, elemMethod(key))
		})
	}
	return nil
}

// elemCall adapts an Element method to a JS function using this.
func (e *env) elemCall(key string, m func(*elemObj, goja.FunctionCall) goja.Value) func(goja.FunctionCall) goja.Value {
	return func(c goja.FunctionCall) goja.Value {
		o, ok := c.This.Export().(*elemObj)
		if !ok {
			panic(e.rt.NewTypeError("Element.%s called on a non-Element", key))
		}
		return m(o, c)
	}
}

// Set implements goja.DynamicObject.
func (o *elemObj) Set(key string, v goja.Value) bool { return o.extra.set(key, v) }

// Has implements goja.DynamicObject.
func (o *elemObj) Has(key string) bool {
	if _, ok := o.extra[key]; ok {
		return true
	}
	return tagMethod(o.tag(), key) != nil || elemMethod(key) != nil
}

// Delete implements goja.DynamicObject.
func (o *elemObj) Delete(key string) bool { delete(o.extra, key); return true }

// Keys implements goja.DynamicObject: what a script stored (methods are
// not enumerable).
func (o *elemObj) Keys() []string { return o.extra.keys() }

// elemMethod is the Go side of a generic Element method, nil if none.
func elemMethod(name string) func(*elemObj, goja.FunctionCall) goja.Value {
	switch name {
	case "nodeName", "nodeType", "nodeValue", "id", "isConnected":
		return func(o *elemObj, _ goja.FunctionCall) goja.Value { return o.basic(name) }
	case "selection":
		return func(o *elemObj, _ goja.FunctionCall) goja.Value { return o.env.wrap(o.s) }
	case "childElementCount":
		return func(o *elemObj, _ goja.FunctionCall) goja.Value { return o.env.rt.ToValue(o.s.Children().Length()) }
	case "attributes":
		return (*elemObj).attributes
	case "hasAttribute":
		return (*elemObj).hasAttribute
	case "getAttribute":
		return (*elemObj).getAttribute
	case "getAttributeNode":
		return (*elemObj).getAttributeNode
	case "hasAttributes":
		return (*elemObj).hasAttributes
	case "hasChildNodes":
		return (*elemObj).hasChildNodes
	case "childNodes":
		return (*elemObj).childNodes
	case "children":
		return (*elemObj).children
	case "firstChild":
		return nodeNav(func(n *html.Node) *html.Node { return n.FirstChild })
	case "lastChild":
		return nodeNav(func(n *html.Node) *html.Node { return n.LastChild })
	case "firstElementChild":
		return nodeNav(func(n *html.Node) *html.Node { return nextElem(n.FirstChild, next) })
	case "lastElementChild":
		return nodeNav(func(n *html.Node) *html.Node { return nextElem(n.LastChild, prev) })
	case "nextSibling":
		return nodeNav(next)
	case "previousSibling":
		return nodeNav(prev)
	case "nextElementSibling":
		return nodeNav(func(n *html.Node) *html.Node { return nextElem(n.NextSibling, next) })
	case "previousElementSibling":
		return nodeNav(func(n *html.Node) *html.Node { return nextElem(n.PrevSibling, prev) })
	case "parentNode":
		return nodeNav(func(n *html.Node) *html.Node { return n.Parent })
	case "parentElement":
		return nodeNav(func(n *html.Node) *html.Node {
			if p := n.Parent; p != nil && p.Type == html.ElementNode {
				return p
			}
			return nil
		})
	case "ownerDocument":
		return nodeNav(func(n *html.Node) *html.Node {
			r := n
			for r.Parent != nil {
				r = r.Parent
			}
			if r == n || r.Type != html.DocumentNode {
				return nil
			}
			return r
		})
	case "textContent":
		return (*elemObj).textContent
	case "innerHTML":
		return (*elemObj).innerHTML
	case "outerHTML":
		return (*elemObj).outerHTML
	case "classList":
		return (*elemObj).classList
	case "className":
		return attrMethod("class", "")
	case "lang":
		return attrMethod("lang", "")
	case "getElementsByClassName":
		return (*elemObj).getElementsByClassName
	case "getElementsByTagName":
		return (*elemObj).getElementsByTagName
	case "querySelector":
		return (*elemObj).querySelector
	case "querySelectorAll":
		return (*elemObj).querySelectorAll
	case "contains":
		return (*elemObj).contains
	case "matches":
		return (*elemObj).matches
	case "isEqualNode":
		return (*elemObj).isEqualNode
	case "isSameNode":
		return (*elemObj).isSameNode
	case "toString":
		return (*elemObj).toString
	}
	return nil
}

func next(n *html.Node) *html.Node { return n.NextSibling }
func prev(n *html.Node) *html.Node { return n.PrevSibling }

// nextElem is the first element node from n on, stepping with step.
func nextElem(n *html.Node, step func(*html.Node) *html.Node) *html.Node {
	for ; n != nil; n = step(n) {
		if n.Type == html.ElementNode {
			return n
		}
	}
	return nil
}

// nodeNav makes a method returning the Element of nav(node), undefined
// when nav finds none.
func nodeNav(nav func(*html.Node) *html.Node) func(*elemObj, goja.FunctionCall) goja.Value {
	return func(o *elemObj, _ goja.FunctionCall) goja.Value {
		return o.nodeElem(nav(o.node()))
	}
}

// nodeElem is the Element of n, undefined when n is nil.
func (o *elemObj) nodeElem(n *html.Node) goja.Value {
	if n == nil {
		return goja.Undefined()
	}
	return o.env.elem(o.sel(n))
}

// sel is a Selection of nodes in o's document.
func (o *elemObj) sel(nodes ...*html.Node) *goquery.Selection {
	return o.s.Slice(0, 0).AddNodes(nodes...)
}

// attrMethod makes a method returning attribute name, def when missing.
func attrMethod(name, def string) func(*elemObj, goja.FunctionCall) goja.Value {
	return func(o *elemObj, _ goja.FunctionCall) goja.Value {
		return o.env.rt.ToValue(o.s.AttrOr(name, def))
	}
}

// boolAttrMethod makes a method telling whether attribute name is present.
func boolAttrMethod(name string) func(*elemObj, goja.FunctionCall) goja.Value {
	return func(o *elemObj, _ goja.FunctionCall) goja.Value {
		_, ok := o.s.Attr(name)
		return o.env.rt.ToValue(ok)
	}
}

func attrName(a html.Attribute) string {
	if a.Namespace != "" {
		return a.Namespace + ":" + a.Key
	}
	return a.Key
}

func (o *elemObj) findAttr(name string) (html.Attribute, bool) {
	name = strings.ToLower(name)
	for _, a := range o.node().Attr {
		if attrName(a) == name {
			return a, true
		}
	}
	return html.Attribute{}, false
}

// attrNode is the DOM Attr object of a: {name, localName, prefix,
// namespaceURI, value}.
func (o *elemObj) attrNode(a html.Attribute) *goja.Object {
	rt := o.env.rt
	obj := rt.NewObject()
	_ = obj.Set("name", attrName(a))
	_ = obj.Set("localName", a.Key)
	if a.Namespace != "" {
		_ = obj.Set("prefix", a.Namespace)
	} else {
		_ = obj.Set("prefix", goja.Null())
	}
	_ = obj.Set("namespaceURI", goja.Null())
	_ = obj.Set("value", a.Val)
	return obj
}

// attributes is an object mapping each attribute name to its Attr object.
func (o *elemObj) attributes(goja.FunctionCall) goja.Value {
	obj := o.env.rt.NewObject()
	for _, a := range o.node().Attr {
		_ = obj.Set(attrName(a), o.attrNode(a))
	}
	return obj
}

func (o *elemObj) hasAttribute(c goja.FunctionCall) goja.Value {
	_, ok := o.findAttr(c.Argument(0).String())
	return o.env.rt.ToValue(ok)
}

func (o *elemObj) getAttribute(c goja.FunctionCall) goja.Value {
	a, ok := o.findAttr(c.Argument(0).String())
	if !ok {
		return goja.Undefined()
	}
	return o.env.rt.ToValue(a.Val)
}

func (o *elemObj) getAttributeNode(c goja.FunctionCall) goja.Value {
	a, ok := o.findAttr(c.Argument(0).String())
	if !ok {
		return goja.Undefined()
	}
	return o.attrNode(a)
}

func (o *elemObj) hasAttributes(goja.FunctionCall) goja.Value {
	return o.env.rt.ToValue(len(o.node().Attr) > 0)
}

func (o *elemObj) hasChildNodes(goja.FunctionCall) goja.Value {
	return o.env.rt.ToValue(o.node().FirstChild != nil)
}

func (o *elemObj) childNodes(goja.FunctionCall) goja.Value { return o.env.elems(o.s.Contents()) }
func (o *elemObj) children(goja.FunctionCall) goja.Value   { return o.env.elems(o.s.Children()) }

func (o *elemObj) textContent(goja.FunctionCall) goja.Value {
	if n := o.node(); n.Type == html.TextNode || n.Type == html.CommentNode {
		return o.env.rt.ToValue(n.Data)
	}
	return o.env.rt.ToValue(o.s.Text())
}

func (o *elemObj) innerHTML(goja.FunctionCall) goja.Value {
	h, _ := o.s.Html()
	return o.env.rt.ToValue(h)
}

func (o *elemObj) outerHTML(goja.FunctionCall) goja.Value {
	h, _ := goquery.OuterHtml(o.s)
	return o.env.rt.ToValue(h)
}

func (o *elemObj) classList(goja.FunctionCall) goja.Value {
	classes := strings.Fields(o.s.AttrOr("class", ""))
	out := make([]any, len(classes))
	for i, c := range classes {
		out[i] = c
	}
	return o.env.rt.NewArray(out...)
}

// descendants returns the element descendants of n accepted by keep, in
// document order.
func descendants(n *html.Node, keep func(*html.Node) bool) []*html.Node {
	var out []*html.Node
	var walk func(*html.Node)
	walk = func(p *html.Node) {
		for c := p.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && keep(c) {
				out = append(out, c)
			}
			walk(c)
		}
	}
	walk(n)
	return out
}

func (o *elemObj) getElementsByClassName(c goja.FunctionCall) goja.Value {
	want := strings.Fields(c.Argument(0).String())
	if len(want) == 0 {
		return o.env.rt.NewArray()
	}
	return o.env.elems(o.sel(descendants(o.node(), func(n *html.Node) bool {
		var have []string
		for _, a := range n.Attr {
			if a.Namespace == "" && a.Key == "class" {
				have = strings.Fields(a.Val)
			}
		}
		for _, w := range want {
			found := false
			for _, h := range have {
				found = found || h == w
			}
			if !found {
				return false
			}
		}
		return true
	})...))
}

func (o *elemObj) getElementsByTagName(c goja.FunctionCall) goja.Value {
	want := strings.ToLower(c.Argument(0).String())
	return o.env.elems(o.sel(descendants(o.node(), func(n *html.Node) bool {
		return want == "*" || n.Data == want
	})...))
}

func (o *elemObj) querySelector(c goja.FunctionCall) goja.Value {
	return o.env.elem(o.s.Find(c.Argument(0).String()).First())
}

func (o *elemObj) querySelectorAll(c goja.FunctionCall) goja.Value {
	return o.env.elems(o.s.Find(c.Argument(0).String()))
}

func (o *elemObj) matches(c goja.FunctionCall) goja.Value {
	return o.env.rt.ToValue(o.s.Is(c.Argument(0).String()))
}

// otherNode is the single node of an Element (or first of a Selection)
// argument, nil when the argument is neither.
func otherNode(v goja.Value) *html.Node {
	if nodes, ok := nodesOf(v); ok && len(nodes) > 0 {
		return nodes[0]
	}
	return nil
}

// contains tells whether the argument is this node or a descendant of it.
func (o *elemObj) contains(c goja.FunctionCall) goja.Value {
	n := o.node()
	for p := otherNode(c.Argument(0)); p != nil; p = p.Parent {
		if p == n {
			return o.env.rt.ToValue(true)
		}
	}
	return o.env.rt.ToValue(false)
}

func (o *elemObj) isSameNode(c goja.FunctionCall) goja.Value {
	return o.env.rt.ToValue(otherNode(c.Argument(0)) == o.node())
}

func (o *elemObj) isEqualNode(c goja.FunctionCall) goja.Value {
	other := otherNode(c.Argument(0))
	return o.env.rt.ToValue(other != nil && equalNode(o.node(), other))
}

// equalNode is DOM isEqualNode: same type, name, value, attributes (in
// any order) and equal children.
func equalNode(a, b *html.Node) bool {
	if a.Type != b.Type || a.Data != b.Data || a.Namespace != b.Namespace || len(a.Attr) != len(b.Attr) {
		return false
	}
	for _, x := range a.Attr {
		found := false
		for _, y := range b.Attr {
			if x == y {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	ca, cb := a.FirstChild, b.FirstChild
	for ; ca != nil && cb != nil; ca, cb = ca.NextSibling, cb.NextSibling {
		if !equalNode(ca, cb) {
			return false
		}
	}
	return ca == nil && cb == nil
}

func (o *elemObj) toString(goja.FunctionCall) goja.Value {
	n := o.node()
	var name string
	switch n.Type {
	case html.ElementNode:
		name = interfaceName(n.Data)
	case html.TextNode:
		name = "Text"
	case html.CommentNode:
		name = "Comment"
	case html.DocumentNode:
		name = "HTMLDocument"
	case html.DoctypeNode:
		name = "DocumentType"
	default:
		name = "Node"
	}
	return o.env.rt.ToValue("[object " + name + "]")
}
