package htmlsel

import (
	"strconv"
	"strings"

	"github.com/dop251/goja"
)

// data([key]) reads the first element's data-* attributes: data() is an
// object of all of them under camelCased keys, data(key) one of them
// (key in either spelling), undefined when missing. Values are converted
// as jQuery does: "true", "false", "null", numbers that print back the
// same, and JSON objects or arrays; anything else stays a string.
func (w *selObj) data(c goja.FunctionCall) goja.Value {
	if w.s.Length() == 0 {
		return goja.Undefined()
	}
	var keys, raws []string
	for _, a := range w.s.Nodes[0].Attr {
		if a.Namespace == "" && strings.HasPrefix(a.Key, "data-") {
			keys = append(keys, camelCase(strings.TrimPrefix(a.Key, "data-")))
			raws = append(raws, a.Val)
		}
	}
	if k := c.Argument(0); !goja.IsUndefined(k) && !goja.IsNull(k) {
		want := camelCase(k.String())
		for i, key := range keys {
			if key == want {
				return w.dataValue(raws[i])
			}
		}
		return goja.Undefined()
	}
	o := w.env.rt.NewObject()
	for i, key := range keys {
		_ = o.Set(key, w.dataValue(raws[i]))
	}
	return o
}

// camelCase turns "foo-bar" into "fooBar" (a dash before a lower-case
// letter goes, the letter is upper-cased), as jQuery does.
func camelCase(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '-' && i+1 < len(s) && s[i+1] >= 'a' && s[i+1] <= 'z' {
			b.WriteByte(s[i+1] - 'a' + 'A')
			i++
			continue
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

func (w *selObj) dataValue(raw string) goja.Value {
	rt := w.env.rt
	switch raw {
	case "true":
		return rt.ToValue(true)
	case "false":
		return rt.ToValue(false)
	case "null":
		return goja.Null()
	}
	if f, err := strconv.ParseFloat(raw, 64); err == nil {
		if v := rt.ToValue(f); v.String() == raw {
			return v
		}
	}
	if len(raw) >= 2 && (raw[0] == '{' && raw[len(raw)-1] == '}' || raw[0] == '[' && raw[len(raw)-1] == ']') {
		if v, ok := jsonParse(rt, raw); ok {
			return v
		}
	}
	return rt.ToValue(raw)
}

// jsonParse runs the runtime's JSON.parse, so objects and arrays are real
// JS ones; ok is false when raw is not JSON.
func jsonParse(rt *goja.Runtime, raw string) (v goja.Value, ok bool) {
	j := rt.Get("JSON")
	if j == nil || goja.IsUndefined(j) || goja.IsNull(j) {
		return nil, false
	}
	parse, isFn := goja.AssertFunction(j.ToObject(rt).Get("parse"))
	if !isFn {
		return nil, false
	}
	v, err := parse(j, rt.ToValue(raw))
	if err != nil {
		return nil, false
	}
	return v, true
}
