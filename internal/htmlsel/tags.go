package htmlsel

import (
	"strings"

	"github.com/PuerkitoBio/goquery"
	"github.com/dop251/goja"
)

// tagMethod is the Go side of a tag-specific Element method, nil if none.
// Attribute-backed accessors return the raw attribute (href is not
// resolved against any URL).
func tagMethod(tag, name string) func(*elemObj, goja.FunctionCall) goja.Value {
	switch tag {
	case "a", "area":
		switch name {
		case "href", "target", "rel", "download", "hreflang":
			return attrMethod(name, "")
		case "text":
			return (*elemObj).textContent
		}
	case "link":
		switch name {
		case "href", "rel", "type", "media":
			return attrMethod(name, "")
		}
	case "script", "iframe":
		switch name {
		case "src", "type":
			return attrMethod(name, "")
		case "text":
			return (*elemObj).textContent
		}
	case "img":
		switch name {
		case "src", "alt", "title":
			return attrMethod(name, "")
		}
	case "label":
		if name == "htmlFor" {
			return attrMethod("for", "")
		}
	case "input":
		switch name {
		case "value":
			return inputValue
		case "name", "placeholder":
			return attrMethod(name, "")
		case "type":
			return typeMethod("text")
		case "checked", "disabled", "required", "multiple":
			return boolAttrMethod(name)
		case "readOnly":
			return boolAttrMethod("readonly")
		case "defaultValue":
			return attrMethod("value", "")
		}
	case "button":
		switch name {
		case "value", "name":
			return attrMethod(name, "")
		case "type":
			return typeMethod("submit")
		case "disabled":
			return boolAttrMethod(name)
		}
	case "textarea":
		switch name {
		case "value", "defaultValue":
			return (*elemObj).textContent
		case "name", "placeholder":
			return attrMethod(name, "")
		case "disabled", "required":
			return boolAttrMethod(name)
		case "readOnly":
			return boolAttrMethod("readonly")
		}
	case "form":
		switch name {
		case "action", "name", "target":
			return attrMethod(name, "")
		case "method":
			return enumAttrMethod("method", "get", "get", "post", "dialog")
		case "enctype":
			return enumAttrMethod("enctype", "application/x-www-form-urlencoded",
				"application/x-www-form-urlencoded", "multipart/form-data", "text/plain")
		case "elements":
			return (*elemObj).formElements
		case "length":
			return func(o *elemObj, _ goja.FunctionCall) goja.Value {
				return o.env.rt.ToValue(o.s.Find(formControls).Length())
			}
		}
	case "select":
		switch name {
		case "options":
			return func(o *elemObj, _ goja.FunctionCall) goja.Value { return o.env.elems(o.s.Find("option")) }
		case "selectedOptions":
			return func(o *elemObj, _ goja.FunctionCall) goja.Value {
				return o.env.elems(o.s.Find("option[selected]"))
			}
		case "value":
			return func(o *elemObj, _ goja.FunctionCall) goja.Value {
				if o.s.Find("option").Length() == 0 {
					return o.env.rt.ToValue("")
				}
				return o.env.rt.ToValue(value(o.s))
			}
		case "selectedIndex":
			return (*elemObj).selectedIndex
		case "length":
			return func(o *elemObj, _ goja.FunctionCall) goja.Value {
				return o.env.rt.ToValue(o.s.Find("option").Length())
			}
		case "name":
			return attrMethod(name, "")
		case "multiple", "disabled", "required":
			return boolAttrMethod(name)
		}
	case "option":
		switch name {
		case "value":
			return func(o *elemObj, _ goja.FunctionCall) goja.Value { return o.env.rt.ToValue(optionValue(o.s)) }
		case "text":
			return func(o *elemObj, _ goja.FunctionCall) goja.Value {
				return o.env.rt.ToValue(strings.Join(strings.Fields(o.s.Text()), " "))
			}
		case "label":
			return func(o *elemObj, _ goja.FunctionCall) goja.Value {
				if l, ok := o.s.Attr("label"); ok {
					return o.env.rt.ToValue(l)
				}
				return o.env.rt.ToValue(strings.Join(strings.Fields(o.s.Text()), " "))
			}
		case "selected", "disabled":
			return boolAttrMethod(name)
		case "defaultSelected":
			return boolAttrMethod("selected")
		}
	}
	return nil
}

// formControls are the listed elements of a form's elements().
const formControls = "button,fieldset,input:not([type=image]),object,output,select,textarea"

func (o *elemObj) formElements(goja.FunctionCall) goja.Value {
	return o.env.elems(o.s.Find(formControls))
}

// inputValue is an input's value attribute; a checkbox or radio without
// one is "on", as in the DOM.
func inputValue(o *elemObj, _ goja.FunctionCall) goja.Value {
	if v, ok := o.s.Attr("value"); ok {
		return o.env.rt.ToValue(v)
	}
	switch strings.ToLower(o.s.AttrOr("type", "")) {
	case "checkbox", "radio":
		return o.env.rt.ToValue("on")
	}
	return o.env.rt.ToValue("")
}

// typeMethod is an input's or button's lower-cased type, def when missing.
func typeMethod(def string) func(*elemObj, goja.FunctionCall) goja.Value {
	return func(o *elemObj, _ goja.FunctionCall) goja.Value {
		t := strings.ToLower(strings.TrimSpace(o.s.AttrOr("type", "")))
		if t == "" {
			t = def
		}
		return o.env.rt.ToValue(t)
	}
}

// enumAttrMethod is a lower-cased attribute limited to the allowed
// values, def when missing or not allowed.
func enumAttrMethod(name, def string, allowed ...string) func(*elemObj, goja.FunctionCall) goja.Value {
	return func(o *elemObj, _ goja.FunctionCall) goja.Value {
		v := strings.ToLower(strings.TrimSpace(o.s.AttrOr(name, "")))
		for _, a := range allowed {
			if v == a {
				return o.env.rt.ToValue(v)
			}
		}
		return o.env.rt.ToValue(def)
	}
}

// selectedIndex is the index of the first selected option; with none
// selected it is 0 for a single select with options, else -1.
func (o *elemObj) selectedIndex(goja.FunctionCall) goja.Value {
	opts := o.s.Find("option")
	i := -1
	opts.EachWithBreak(func(j int, s *goquery.Selection) bool {
		if _, ok := s.Attr("selected"); ok {
			i = j
			return false
		}
		return true
	})
	if _, multi := o.s.Attr("multiple"); i < 0 && !multi && opts.Length() > 0 {
		i = 0
	}
	return o.env.rt.ToValue(i)
}

// interfaceName is the DOM interface of an HTML element with tag, as
// toString shows it.
func interfaceName(tag string) string {
	switch tag {
	case "a":
		return "HTMLAnchorElement"
	case "area":
		return "HTMLAreaElement"
	case "audio":
		return "HTMLAudioElement"
	case "base":
		return "HTMLBaseElement"
	case "blockquote", "q":
		return "HTMLQuoteElement"
	case "body":
		return "HTMLBodyElement"
	case "br":
		return "HTMLBRElement"
	case "button":
		return "HTMLButtonElement"
	case "canvas":
		return "HTMLCanvasElement"
	case "caption":
		return "HTMLTableCaptionElement"
	case "col", "colgroup":
		return "HTMLTableColElement"
	case "data":
		return "HTMLDataElement"
	case "datalist":
		return "HTMLDataListElement"
	case "del", "ins":
		return "HTMLModElement"
	case "dialog":
		return "HTMLDialogElement"
	case "div":
		return "HTMLDivElement"
	case "dl":
		return "HTMLDListElement"
	case "embed":
		return "HTMLEmbedElement"
	case "fieldset":
		return "HTMLFieldSetElement"
	case "form":
		return "HTMLFormElement"
	case "h1", "h2", "h3", "h4", "h5", "h6":
		return "HTMLHeadingElement"
	case "head":
		return "HTMLHeadElement"
	case "hr":
		return "HTMLHRElement"
	case "html":
		return "HTMLHtmlElement"
	case "iframe":
		return "HTMLIFrameElement"
	case "img":
		return "HTMLImageElement"
	case "input":
		return "HTMLInputElement"
	case "label":
		return "HTMLLabelElement"
	case "legend":
		return "HTMLLegendElement"
	case "li":
		return "HTMLLIElement"
	case "link":
		return "HTMLLinkElement"
	case "map":
		return "HTMLMapElement"
	case "meta":
		return "HTMLMetaElement"
	case "meter":
		return "HTMLMeterElement"
	case "object":
		return "HTMLObjectElement"
	case "ol":
		return "HTMLOListElement"
	case "optgroup":
		return "HTMLOptGroupElement"
	case "option":
		return "HTMLOptionElement"
	case "output":
		return "HTMLOutputElement"
	case "p":
		return "HTMLParagraphElement"
	case "param":
		return "HTMLParamElement"
	case "pre":
		return "HTMLPreElement"
	case "progress":
		return "HTMLProgressElement"
	case "script":
		return "HTMLScriptElement"
	case "select":
		return "HTMLSelectElement"
	case "source":
		return "HTMLSourceElement"
	case "span":
		return "HTMLSpanElement"
	case "style":
		return "HTMLStyleElement"
	case "table":
		return "HTMLTableElement"
	case "tbody", "thead", "tfoot":
		return "HTMLTableSectionElement"
	case "td", "th":
		return "HTMLTableCellElement"
	case "template":
		return "HTMLTemplateElement"
	case "textarea":
		return "HTMLTextAreaElement"
	case "time":
		return "HTMLTimeElement"
	case "title":
		return "HTMLTitleElement"
	case "tr":
		return "HTMLTableRowElement"
	case "track":
		return "HTMLTrackElement"
	case "ul":
		return "HTMLUListElement"
	case "video":
		return "HTMLVideoElement"
	}
	return "HTMLElement"
}
