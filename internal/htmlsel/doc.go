// Package htmlsel is the goquery-backed JS Selection and Element shared by
// the "k6/html" module (parseHTML) and the k6/http Response's html(),
// submitForm() and clickLink(): a package of its own because JS modules
// never import each other. It imports only goquery, x/net/html and goja.
//
// Selection methods (jQuery-like; see k6-spec.md 7.8): add, attr (undefined
// when missing), children, closest, contents, data, each(fn(index,
// Element)), eq, filter, find, first, get([i]), has, html, index, is, last,
// map(fn(index, Selection)) → array, next, nextAll, nextUntil, not, parent,
// parents, parentsUntil, prev, prevAll, prevUntil, serialize,
// serializeArray, serializeObject, siblings, size, slice, text, toArray,
// val. A selector argument may be a CSS selector, a Selection or an
// Element; filter, is and not also take a predicate fn(index, Element)
// called with this = the Element. An invalid selector matches nothing, as
// in goquery; nothing here panics on bad arguments.
//
// Element (from get() and each) has the properties nodeName (lower-case,
// as goquery names it), nodeType, nodeValue, id and isConnected, the DOM
// methods listed in element.go, and a few tag-specific accessors (a.href(),
// input.value(), form.elements(), select.options(), …; see tagMethod).
// Navigation methods that find no node return undefined, like getAttribute.
//
// Both are goja dynamic objects whose methods are shared per document
// wrapper and find their receiver through this, so wrapping a node is cheap
// and a Selection or Element passed back from JS is recognised by Export.
package htmlsel
