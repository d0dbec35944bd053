package http

import (
	"strings"
	"testing"
)

func TestCookieJar(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))

	tests := []struct{ name, js, want string }{
		{"response cookies", `var r = http.get(BASE + "/cookies/set?a=1", {redirects: 0});
			r.cookies.a[0].name + "=" + r.cookies.a[0].value + " " + r.cookies.a.length`, "a=1 1"},
		{"jar keeps cookies", `http.get(BASE + "/cookies/set?k=v");
			JSON.stringify(http.cookieJar().cookiesForURL(BASE + "/"))`, `{"a":["1"],"k":["v"]}`},
		{"sent from jar", `JSON.stringify(http.get(BASE + "/cookies").json().cookies)`, `{"a":"1","k":"v"}`},
		{"jar set", `var j = http.cookieJar(); var ok = j.set(BASE, "s", "x", {path: "/", max_age: 60, http_only: true});
			ok + " " + http.get(BASE + "/cookies").json().cookies.s`, "true x"},
		{"cookies param adds", `var r = http.get(BASE + "/cookies", {cookies: {a: "2", p: "q"}});
			r.request.cookies.a.length + " " + r.json().cookies.p`, "2 q"},
		{"cookies param replaces", `var r = http.get(BASE + "/cookies", {cookies: {a: {value: "3", replace: true}}});
			JSON.stringify(r.request.cookies.a) + " " + r.json().cookies.a`, `[{"name":"a","value":"3","replace":false}] 3`},
		// k6 v0.32 sends the cookies param first, then the jar's: go-httpbin
		// keeps the last of two same-named cookies, the jar's.
		{"cookies param before the jar's", `var r = http.get(BASE + "/cookies", {cookies: {a: "2"}});
			r.request.headers.Cookie[0] + " " + r.json().cookies.a`, "a=2; a=1; k=v; s=x 1"},
		{"own jar", `var jar = new http.CookieJar(); jar.set(BASE, "own", "1");
			JSON.stringify(http.get(BASE + "/cookies", {jar: jar}).json().cookies)`, `{"own":"1"}`},
		{"own jar stores", `var jar2 = new http.CookieJar(); http.get(BASE + "/cookies/set?z=9", {jar: jar2});
			JSON.stringify(jar2.cookiesForURL(BASE)) + " " + (http.cookieJar().cookiesForURL(BASE).z === undefined)`, `{"z":["9"]} true`},
		{"expires", `var jar3 = new http.CookieJar();
			jar3.set(BASE, "old", "1", {expires: "Mon, 02 Jan 2006 15:04:05 GMT"});
			jar3.set(BASE, "new", "1", {expires: "Mon, 02 Jan 2206 15:04:05 GMT"});
			JSON.stringify(jar3.cookiesForURL(BASE))`, `{"new":["1"]}`},
		{"secure", `var jar4 = new http.CookieJar(); jar4.set(BASE, "sec", "1", {secure: true});
			JSON.stringify(jar4.cookiesForURL(BASE.replace("http:", "https:")))`, `{"sec":["1"]}`},
	}
	for _, tc := range tests {
		got := vu.MustRun(tc.js).String()
		if got != tc.want {
			t.Errorf("%s: got %s, want %s", tc.name, got, tc.want)
		}
	}
}

func TestCookieJarErrors(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, "http://127.0.0.1:1")
	vu.EnterInitStage()
	if _, err := vu.Run(`http.cookieJar()`); err == nil || !strings.Contains(err.Error(),
		"Making cookie jars in the init context is not supported") {
		t.Errorf("cookieJar() in init: %v", err)
	}
	// A jar of one's own may be made anywhere.
	vu.MustRun(`new http.CookieJar()`)
	vu.EnterVUStage()
	if _, err := vu.Run(`http.get(BASE, {jar: {}})`); err == nil || !strings.Contains(err.Error(), "invalid jar") {
		t.Errorf("bad jar: %v", err)
	}
	if _, err := vu.Run(`new http.CookieJar().set(BASE, "a", "b", {expires: "tomorrow"})`); err == nil ||
		!strings.Contains(err.Error(), "expires") {
		t.Errorf("bad expires: %v", err)
	}
}
