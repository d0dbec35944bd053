package http

import (
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

func TestBatchForms(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	vu, _ := newVU(t, srv.URL)

	got := vu.MustRun(`
		var rs = http.batch([
			BASE + "/a",
			["POST", BASE + "/b", "body-b", {headers: {"X-B": "1"}}],
			{method: "PUT", url: BASE + "/c", body: {k: "v"}},
			{url: BASE + "/d", params: {tags: {name: "dee"}}},
			http.url` + "`${BASE}/e/${5}`" + `,
		]);
		Array.isArray(rs) + " " + rs.length + " " + rs.map(function(r) {
			var e = r.json(); return e.method + e.path + (e.body ? ":" + e.body : "");
		}).join(" ") + " " + rs[1].json().header["X-B"][0];
	`).String()
	want := "true 5 GET/a POST/b:body-b PUT/c:k=v GET/d GET/e/5 1"
	if got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	names := map[string]bool{}
	for _, s := range vu.Samples.Named("http_reqs") {
		n, _ := s.Tags.Get("name")
		names[n] = true
	}
	for _, n := range []string{srv.URL + "/a", "dee", "${}/e/${}"} {
		if !names[n] {
			t.Errorf("no request with the name tag %q in %v", n, names)
		}
	}

	got = vu.MustRun(`
		var ro = http.batch({x: BASE + "/x", y: ["GET", BASE + "/y"]});
		Object.keys(ro).join(",") + " " + ro.x.json().path + ro.y.json().path
	`).String()
	if want := "x,y /x/y"; got != want {
		t.Errorf("object form: got %q, want %q", got, want)
	}
}

func TestBatchErrors(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	vu, _ := newVU(t, srv.URL)
	if err := vu.Runtime().Set("CLOSED", closedURL(t)); err != nil {
		t.Fatal(err)
	}
	got := vu.MustRun(`
		var rs = http.batch([CLOSED, BASE + "/ok"]);
		rs[0].status + " " + rs[0].error_code + " " + rs[1].status
	`).String()
	if want := "0 1212 200"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	if _, err := vu.Run(`http.batch([BASE, {url: CLOSED, params: {throw: true}}])`); err == nil ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Errorf("throw: %v", err)
	}
	if _, err := vu.Run(`http.batch([["GET"]])`); err == nil {
		t.Error("no error for an array request without a URL")
	}
	vu.EnterInitStage()
	if _, err := vu.Run(`http.batch([BASE])`); err == nil ||
		!strings.Contains(err.Error(), "Using batch in the init context is not supported") {
		t.Errorf("init: %v", err)
	}
}

// TestBatchLimits checks that a batch runs in parallel, within batchPerHost.
func TestBatchLimits(t *testing.T) {
	t.Parallel()
	var (
		mu        sync.Mutex
		cur, peak int
	)
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		mu.Lock()
		cur++
		peak = max(peak, cur)
		mu.Unlock()
		time.Sleep(30 * time.Millisecond)
		mu.Lock()
		cur--
		mu.Unlock()
	}))
	t.Cleanup(srv.Close)

	for _, tc := range []struct{ batch, perHost, want int }{{20, 3, 3}, {2, 6, 2}} {
		vu, _ := newVU(t, srv.URL)
		vu.StateValue.Options.Batch = tc.batch
		vu.StateValue.Options.BatchPerHost = tc.perHost
		mu.Lock()
		peak = 0
		mu.Unlock()
		got := vu.MustRun(`http.batch([BASE, BASE, BASE, BASE, BASE, BASE, BASE, BASE]).filter(function(r) {
			return r.status === 200 }).length`).ToInteger()
		if got != 8 {
			t.Fatalf("%d responses of 8 are 200", got)
		}
		mu.Lock()
		if peak != tc.want {
			t.Errorf("batch %d, batchPerHost %d: peak concurrency %d, want %d", tc.batch, tc.perHost, peak, tc.want)
		}
		mu.Unlock()
		if n := len(vu.Samples.Named("http_reqs")); n != 8 {
			t.Errorf("%d http_reqs samples", n)
		}
	}
}

func TestURLTemplate(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	vu, _ := newVU(t, srv.URL)
	got := vu.MustRun("var id = 7; var u = http.url`${BASE}/items/${id}?x=${'y'}`; " +
		"var r = http.get(u); u.name + ' ' + (u.url === BASE + '/items/7?x=y') + ' ' + r.json().path").String()
	if want := "${}/items/${}?x=${} true /items/7?x=y"; got != want {
		t.Errorf("got %q, want %q", got, want)
	}
	s := vu.Samples.Named("http_reqs")
	if n, _ := s[0].Tags.Get("name"); n != "${}/items/${}?x=${}" {
		t.Errorf("name tag %q", n)
	}
	if u, _ := s[0].Tags.Get("url"); u != srv.URL+"/items/7?x=y" {
		t.Errorf("url tag %q", u)
	}
	vu.MustRun("http.get(http.url`${BASE}/z`, {tags: {name: 'mine'}})")
	s = vu.Samples.Named("http_reqs")
	if n, _ := s[1].Tags.Get("name"); n != "mine" {
		t.Errorf("name tag with a user name: %q", n)
	}
}
