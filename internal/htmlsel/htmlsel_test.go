package htmlsel

import (
	"testing"

	"github.com/dop251/goja"
)

func TestSelection(t *testing.T) {
	t.Parallel()
	rt := goja.New()
	doc, err := Parse(rt, `<div id="d"><p>a</p><p>b</p><p>c</p><input type="radio" name="r" value="1"><input type="radio" name="r" value="2" checked>
		<select name="m" multiple><option selected>x</option><option value="y" selected>Y</option></select></div>`)
	if err != nil {
		t.Fatal(err)
	}
	_ = rt.Set("doc", doc)
	tests := []struct{ js, want string }{
		{`var n = 0; doc.find("p").each(function(i) { n++; return i < 1 }); n`, "2"},
		{`doc.find("p").map(function(i, s) { return i === 1 ? null : [s.text(), i] }).join()`, "a,0,c,2"},
		{`doc.find("#d").serialize()`, "r=2&m=x&m=y"},
		{`JSON.stringify(doc.find("#d").serializeObject())`, `{"r":"2","m":["x","y"]}`},
		{`doc.find("p").eq(-1).text()`, "c"},
		{`doc.find("p").size() + doc.find("nothing").size()`, "3"},
	}
	for _, tc := range tests {
		v, err := rt.RunString(tc.js)
		if err != nil {
			t.Errorf("%s: %v", tc.js, err)
			continue
		}
		if got := v.String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.js, got, tc.want)
		}
	}
}
