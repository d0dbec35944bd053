package http

import (
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestJSON(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))
	vu.MustRun(`var res = http.get(BASE + "/json")`)

	tests := []struct{ js, want string }{
		{`res.json().slideshow.author`, "Yours Truly"},
		{`Object.keys(res.json().slideshow).join()`, "author,date,slides,title"},
		{`res.json() === res.json()`, "true"},
		{`res.json("slideshow.slides.#")`, "2"},
		{`res.json("slideshow.slides.1.items.0")`, "Why <em>WonderWidgets</em> are great"},
		{`res.json("slideshow.slides.#.title").join("|")`, "Wake up to WonderWidgets!|Overview"},
		{`res.json("slideshow.slides.#(title==\"Overview\").type")`, "all"},
		{`res.json("slideshow.slides.1").items.length`, "2"},
		{`typeof res.json("slideshow.nope")`, "undefined"},
		{`typeof res.json("slideshow.slides.7.title")`, "undefined"},
		{`typeof res.json("slideshow.slides.#")`, "number"},
	}
	for _, tc := range tests {
		if got := vu.MustRun(tc.js).String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.js, got, tc.want)
		}
	}

	// A binary body parses too.
	if got := vu.MustRun(`http.get(BASE + "/json", {responseType: "binary"}).json("slideshow.title")`).String(); got != "Sample Slide Show" {
		t.Errorf("binary body json: %q", got)
	}
	// A discarded body cannot be parsed.
	if _, err := vu.Run(`http.get(BASE + "/json", {responseType: "none"}).json()`); err == nil || !strings.Contains(err.Error(), "the body is null") {
		t.Errorf("null body: %v", err)
	}
}

func TestJSONInvalid(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		_, _ = w.Write([]byte(r.URL.Query().Get("b")))
	}))
	t.Cleanup(srv.Close)
	vu, _ := newVU(t, srv.URL)

	tests := []struct{ body, js, want string }{
		{`{"a": }`, `res.json()`, "cannot parse json due to an error at line 1, character 7 , error: invalid character '}' looking for beginning of value"},
		{"{\n  \"a\": 1,\n  x\n}", `res.json()`, "cannot parse json due to an error at line 3, character 3 , error: invalid character 'x' looking for beginning of object key string"},
		{`not json`, `res.json("a")`, "cannot parse json due to an error at line 1, character 2 , error: invalid character 'o' in literal null (expecting 'u')"},
		{``, `res.json()`, "cannot parse json due to an error at line 1, character 0 , error: unexpected end of JSON input"},
	}
	for _, tc := range tests {
		vu.MustRun(`var res = http.get(BASE + "?b=" + encodeURIComponent(` + jsString(tc.body) + `))`)
		_, err := vu.Run(tc.js)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("body %q: %s error %v, want %q", tc.body, tc.js, err, tc.want)
		}
	}
}

// jsString quotes s as a JS string literal.
func jsString(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}
