package htmlsel

import (
	"net/url"
	"strings"

	"github.com/PuerkitoBio/goquery"
)

// value is a form control's value: an input's value attribute, a
// textarea's text, a select's selected option (or first option).
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
