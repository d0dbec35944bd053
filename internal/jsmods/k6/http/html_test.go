package http

import (
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

const testPage = `<!DOCTYPE html><html><head><title>T</title></head><body>
<h1 id="top" class="big">Hello <b>world</b></h1>
<ul><li data-n="1">one</li><li>two</li><li>three</li></ul>
<a href="/next?x=1" id="l1">next</a> <a href="rel/page">rel</a> <a name="noref">none</a>
<form id="f" action="/submit">
 <input name="a" value="1"> <input name="b" value="x y">
 <input type="checkbox" name="c" value="on1" checked> <input type="checkbox" name="d" value="off">
 <input name="dis" value="z" disabled>
 <select name="s"><option value="o1">O1</option><option value="o2" selected>O2</option></select>
 <textarea name="t">text area</textarea>
 <input type="submit" name="go" value="Go!"> <input type="submit" id="other" name="alt" value="Alt">
</form>
<form id="p" method="post" action="post/here"><input name="k" value="v"><button type="submit">S</button></form>
</body></html>`

// pageServer serves testPage at /dir/page and echoes everything else.
func pageServer(t *testing.T) string {
	t.Helper()
	echo := echoServer(t)
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		if r.URL.Path == "/dir/page" {
			w.Header().Set("Content-Type", "text/html")
			_, _ = w.Write([]byte(testPage))
			return
		}
		echo.Config.Handler.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	return srv.URL
}

func TestHTMLSelection(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, pageServer(t))
	vu.MustRun(`var res = http.get(BASE + "/dir/page"); var doc = res.html()`)
	tests := []struct{ js, want string }{
		{`doc.find("h1").text()`, "Hello world"},
		{`res.html("h1").attr("id")`, "top"},
		{`typeof doc.find("h1").attr("nope")`, "undefined"},
		{`doc.find("h1").html()`, "Hello <b>world</b>"},
		{`doc.find("li").size()`, "3"},
		{`doc.find("li").first().text() + doc.find("li").last().text() + doc.find("li").eq(1).text()`, "onethreetwo"},
		{`doc.find("li").map(function(i, s) { return i + s.text() }).join()`, "0one,1two,2three"},
		{`var a = []; doc.find("li").each(function(i, e) { a.push(e.nodeName() + e.textContent()) }); a.join()`, "lione,litwo,lithree"},
		{`doc.find("li").toArray()[2].text()`, "three"},
		{`doc.find("ul").children().size()`, "3"},
		{`doc.find("b").parent().attr("class")`, "big"},
		{`doc.find("h1").is(".big")`, "true"},
		{`doc.find("li").filter("[data-n]").text()`, "one"},
		{`doc.find("select").val() + doc.find("textarea").val() + doc.find("input").val()`, "o2text area1"},
		{`doc.find("#f").serialize()`, "a=1&b=x+y&c=on1&s=o2&t=text+area"},
		{`JSON.stringify(doc.find("#p").serializeArray())`, `[{"name":"k","value":"v"}]`},
		{`JSON.stringify(doc.find("#f").serializeObject())`, `{"a":"1","b":"x y","c":"on1","s":"o2","t":"text area"}`},
		{`var e = doc.find("h1").get(0); e.id() + e.nodeName() + e.getAttribute("class") + e.innerHTML()`, "toph1bigHello <b>world</b>"},
		{`doc.find("li").get(-1).textContent()`, "three"},
		{`typeof doc.find("li").get(5)`, "undefined"},
		{`doc.find("li").get().length`, "3"},
		{`typeof doc.find("nothing").html()`, "undefined"},
	}
	for _, tc := range tests {
		if got := vu.MustRun(tc.js).String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.js, got, tc.want)
		}
	}
}

func TestSubmitFormAndClickLink(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, pageServer(t))
	vu.MustRun(`var res = http.get(BASE + "/dir/page")`)

	e := decodeEcho(t, vu.MustRun(`res.submitForm({formSelector: "#f", fields: {b: "new", extra: "e"}}).body`))
	if e.Method != "GET" || e.Path != "/submit?a=1&b=new&c=on1&s=o2&t=text+area&extra=e&go=Go%21" {
		t.Errorf("GET form: %s %s", e.Method, e.Path)
	}
	e = decodeEcho(t, vu.MustRun(`res.submitForm({formSelector: "#f", submitSelector: "#other"}).body`))
	if !strings.HasSuffix(e.Path, "&alt=Alt") {
		t.Errorf("submitSelector: %s", e.Path)
	}
	e = decodeEcho(t, vu.MustRun(`res.submitForm({formSelector: "#p", params: {headers: {"X-T": "1"}}}).body`))
	if e.Method != "POST" || e.Path != "/dir/post/here" || e.Body != "k=v" ||
		e.Header["Content-Type"][0] != "application/x-www-form-urlencoded" || e.Header["X-T"][0] != "1" {
		t.Errorf("POST form: %+v", e)
	}
	e = decodeEcho(t, vu.MustRun(`res.clickLink().body`))
	if e.Method != "GET" || e.Path != "/next?x=1" {
		t.Errorf("clickLink: %+v", e)
	}
	e = decodeEcho(t, vu.MustRun(`res.clickLink({selector: "a:contains('rel')"}).body`))
	if e.Path != "/dir/rel/page" {
		t.Errorf("clickLink relative: %+v", e)
	}
	for js, want := range map[string]string{
		`res.submitForm({formSelector: "#nope"})`: "no form found for selector '#nope'",
		`res.clickLink({selector: "#nope"})`:      "no element found for selector '#nope'",
		`res.clickLink({selector: "a[name]"})`:    "no valid href attribute",
	} {
		if _, err := vu.Run(js); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want %q", js, err, want)
		}
	}
}

func TestSubmitFormHTTPBin(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))
	got := vu.MustRun(`var r = http.get(BASE + "/forms/post").submitForm({fields: {custname: "Ann", comments: "hot"}});
		r.status + " " + r.url.replace(BASE, "") + " " + JSON.stringify(r.json().form)`).String()
	want := `200 /post {"comments":["hot"],"custemail":[""],"custname":["Ann"],"custtel":[""],"delivery":[""]}`
	if got != want {
		t.Errorf("got %s\nwant %s", got, want)
	}
	got = vu.MustRun(`var r = http.get(BASE + "/links/5/0").clickLink({selector: "a:contains('3')"}); r.status + " " + r.url.replace(BASE, "")`).String()
	if got != "200 /links/5/3" {
		t.Errorf("clickLink: %s", got)
	}
}
