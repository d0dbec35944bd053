package http

import (
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestRedirects(t *testing.T) {
	t.Parallel()
	base := startTarget(t)

	tests := []struct {
		name        string
		js          string
		maxOption   int
		wantStatus  int64
		wantURL     string
		wantHopURLs []string
		maxSet      bool // the user set maxRedirects
		wantWarning bool // k6 warns only when neither maxRedirects nor redirects was set
	}{
		{
			name:       "followed",
			js:         `http.get(BASE + "/redirect/3")`,
			maxOption:  10,
			wantStatus: 200,
			wantURL:    base + "/get",
			wantHopURLs: []string{
				base + "/redirect/3", base + "/relative-redirect/2", base + "/relative-redirect/1", base + "/get",
			},
		},
		{
			name:        "absolute",
			js:          `http.get(BASE + "/absolute-redirect/2")`,
			maxOption:   10,
			wantStatus:  200,
			wantURL:     base + "/get",
			wantHopURLs: []string{base + "/absolute-redirect/2", base + "/absolute-redirect/1", base + "/get"},
		},
		{
			name:        "param limit exceeded",
			js:          `http.get(BASE + "/redirect/3", {redirects: 1})`,
			maxOption:   10,
			wantStatus:  302,
			wantURL:     base + "/relative-redirect/2",
			wantHopURLs: []string{base + "/redirect/3", base + "/relative-redirect/2"},
		},
		{
			name:        "option limit exceeded",
			js:          `http.get(BASE + "/redirect/3")`,
			maxOption:   2,
			maxSet:      true,
			wantStatus:  302,
			wantURL:     base + "/relative-redirect/1",
			wantHopURLs: []string{base + "/redirect/3", base + "/relative-redirect/2", base + "/relative-redirect/1"},
		},
		{
			name:        "default limit exceeded",
			js:          `http.get(BASE + "/redirect/3")`,
			maxOption:   2,
			wantStatus:  302,
			wantURL:     base + "/relative-redirect/1",
			wantHopURLs: []string{base + "/redirect/3", base + "/relative-redirect/2", base + "/relative-redirect/1"},
			wantWarning: true,
		},
		{
			name:        "not followed",
			js:          `http.get(BASE + "/redirect/1", {redirects: 0})`,
			maxOption:   10,
			wantStatus:  302,
			wantURL:     base + "/redirect/1",
			wantHopURLs: []string{base + "/redirect/1"},
		},
		{
			name:        "param overrides option",
			js:          `http.get(BASE + "/redirect/2", {redirects: 5})`,
			maxOption:   0,
			wantStatus:  200,
			wantURL:     base + "/get",
			wantHopURLs: []string{base + "/redirect/2", base + "/relative-redirect/1", base + "/get"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu, _ := newVU(t, base)
			vu.StateValue.Options.MaxRedirects = tc.maxOption
			vu.StateValue.Options.MaxRedirectsSet = tc.maxSet
			vu.MustRun(`var res = ` + tc.js)
			if got := vu.MustRun(`res.status`).ToInteger(); got != tc.wantStatus {
				t.Errorf("status %d, want %d", got, tc.wantStatus)
			}
			if got := vu.MustRun(`res.url`).String(); got != tc.wantURL {
				t.Errorf("url %q, want %q", got, tc.wantURL)
			}
			if got := vu.MustRun(`res.error_code + "|" + res.error`).String(); got != "0|" {
				t.Errorf("error %s; an unfollowed redirect is no error", got)
			}
			h := hops(t, vu.Samples.All())
			if len(h) != len(tc.wantHopURLs) {
				t.Fatalf("%d hops, want %d:\n%s", len(h), len(tc.wantHopURLs), vu.Samples)
			}
			for i, want := range tc.wantHopURLs {
				tags := h[i][0].Tags
				u, _ := tags.Get("url")
				n, _ := tags.Get("name")
				if u != want || n != want {
					t.Errorf("hop %d: url %q name %q, want %q", i, u, n, want)
				}
				wantStatus := "302"
				if i == len(h)-1 {
					wantStatus = vu.MustRun(`String(res.status)`).String()
				}
				if s, _ := tags.Get("status"); s != wantStatus {
					t.Errorf("hop %d: status %q, want %q", i, s, wantStatus)
				}
			}
			var warned bool
			for _, e := range vu.Logs.AllEntries() {
				if strings.HasPrefix(e.Message, "Stopped after ") &&
					strings.HasSuffix(e.Message, " redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to silence this") {
					warned = true
				}
			}
			if warned != tc.wantWarning {
				t.Errorf("warning logged %v, want %v: %v", warned, tc.wantWarning, vu.Logs.AllEntries())
			}
		})
	}
}

func TestRedirectMessage(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))
	// The default limit (2 here, unset like k6's default 10) stops the
	// chain; k6 counts the requests made, the first one included.
	vu.StateValue.Options.MaxRedirects = 2
	vu.MustRun(`http.get(BASE + "/redirect/3")`)
	e := vu.Logs.LastEntry()
	want := "Stopped after 3 redirects and returned the redirection; pass { redirects: n } in request params or set global maxRedirects to silence this"
	if e == nil || e.Message != want {
		t.Fatalf("log %v, want %q", e, want)
	}
	if u, _ := e.Data["url"].(string); !strings.HasSuffix(u, "/redirect/3") {
		t.Errorf("url field %q, want the requested URL", u)
	}
}

// TestRedirectMethods checks net/http.Client's rules, which k6 inherited:
// 301-303 switch to a body-less GET, 307/308 resend method and body.
func TestRedirectMethods(t *testing.T) {
	t.Parallel()
	echo := echoServer(t)
	redir := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		code := map[string]int{"/301": 301, "/302": 302, "/303": 303, "/307": 307, "/308": 308}[r.URL.Path]
		nethttp.Redirect(w, r, echo.URL+"/target", code)
	}))
	t.Cleanup(redir.Close)
	vu, _ := newVU(t, redir.URL)

	tests := []struct {
		path, method, wantMethod, wantBody, wantCT string
	}{
		{"/301", "POST", "GET", "", ""},
		{"/302", "PUT", "GET", "", ""},
		{"/303", "POST", "GET", "", ""},
		{"/303", "HEAD", "HEAD", "", ""},
		{"/307", "POST", "POST", "a=1", "application/x-www-form-urlencoded"},
		{"/308", "PUT", "PUT", "a=1", "application/x-www-form-urlencoded"},
	}
	for _, tc := range tests {
		t.Run(tc.path+" "+tc.method, func(t *testing.T) {
			vu.Samples.Reset()
			vu.MustRun(`var res = http.request("` + tc.method + `", BASE + "` + tc.path + `", {a: 1}, {headers: {Authorization: "Bearer x"}})`)
			if got := vu.MustRun(`res.request.method`).String(); got != tc.method {
				t.Errorf("request.method %q is not the script's", got)
			}
			hs := hops(t, vu.Samples.All())
			if len(hs) != 2 {
				t.Fatalf("%d hops", len(hs))
			}
			if m, _ := hs[1][0].Tags.Get("method"); m != tc.wantMethod {
				t.Errorf("second hop method tag %q, want %q", m, tc.wantMethod)
			}
			if tc.method == "HEAD" {
				return
			}
			e := decodeEcho(t, vu.MustRun(`res.body`))
			var ct string
			if v := e.Header["Content-Type"]; len(v) > 0 {
				ct = v[0]
			}
			if e.Method != tc.wantMethod || e.Body != tc.wantBody || ct != tc.wantCT {
				t.Errorf("target saw %s %q (Content-Type %q), want %s %q (%q)", e.Method, e.Body, ct, tc.wantMethod, tc.wantBody, tc.wantCT)
			}
			// Same host (127.0.0.1, other port): credentials go along, as with Go's client.
			if got := e.Header["Authorization"]; len(got) != 1 {
				t.Errorf("Authorization %q", got)
			}
			if got := e.Header["Referer"]; len(got) != 1 || got[0] != redir.URL+tc.path {
				t.Errorf("Referer %q", got)
			}
		})
	}
}

func TestRedirectBadLocation(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		w.Header().Set("Location", "http://a b/")
		w.WriteHeader(302)
	}))
	t.Cleanup(srv.Close)
	vu, _ := newVU(t, srv.URL)
	got := vu.MustRun(`var res = http.get(BASE); res.status + "|" + res.error_code + "|" + res.error`).String()
	if !strings.HasPrefix(got, `302|1000|failed to parse Location header "http://a b/"`) {
		t.Errorf("got %s", got)
	}
}

func TestRedirectHeader(t *testing.T) {
	t.Parallel()
	initial := nethttp.Header{
		"Authorization": {"a"}, "Cookie": {"c"}, "Content-Type": {"t"}, "X-Keep": {"k"}, "Www-Authenticate": {"w"},
	}
	tests := []struct {
		stripSensitive, stripBody bool
		want                      []string
	}{
		{false, false, []string{"Authorization", "Content-Type", "Cookie", "Www-Authenticate", "X-Keep"}},
		{true, false, []string{"Content-Type", "X-Keep"}},
		{false, true, []string{"Authorization", "Cookie", "Www-Authenticate", "X-Keep"}},
		{true, true, []string{"X-Keep"}},
	}
	for _, tc := range tests {
		h := redirectHeader(initial, tc.stripSensitive, tc.stripBody)
		if got := strings.Join(sortedKeys(h), ","); got != strings.Join(tc.want, ",") {
			t.Errorf("strip sensitive %v, body %v: %s", tc.stripSensitive, tc.stripBody, got)
		}
	}
	h := redirectHeader(initial, false, false)
	h["X-Keep"][0] = "changed"
	if initial["X-Keep"][0] != "k" {
		t.Error("redirectHeader shares value slices with the original")
	}
}

func TestIsDomainOrSubdomain(t *testing.T) {
	t.Parallel()
	tests := []struct {
		sub, parent string
		want        bool
	}{
		{"example.com", "example.com", true},
		{"api.example.com", "example.com", true},
		{"API.Example.com", "example.COM", true},
		{"badexample.com", "example.com", false},
		{"example.com", "api.example.com", false},
		{"::1", "1", false},
		{"127.0.0.1", "127.0.0.1", true},
	}
	for _, tc := range tests {
		if got := isDomainOrSubdomain(tc.sub, tc.parent); got != tc.want {
			t.Errorf("isDomainOrSubdomain(%q, %q) = %v", tc.sub, tc.parent, got)
		}
	}
}

func TestRefererAndCleanURL(t *testing.T) {
	t.Parallel()
	mustParse := func(s string) *url.URL {
		u, err := url.Parse(s)
		if err != nil {
			t.Fatal(err)
		}
		return u
	}
	if got := refererFor(mustParse("https://a/x"), mustParse("http://b/"), ""); got != "" {
		t.Errorf("https→http referer %q", got)
	}
	if got := refererFor(mustParse("http://u:p@a/x"), mustParse("http://b/"), ""); got != "http://a/x" {
		t.Errorf("referer %q, want no credentials", got)
	}
	if got := refererFor(mustParse("http://a/x"), mustParse("http://b/"), "explicit"); got != "explicit" {
		t.Errorf("referer %q", got)
	}
	for in, want := range map[string]string{
		"http://host/p":             "http://host/p",
		"http://user@host/p":        "http://user@host/p",
		"http://user:secret@host/p": "http://user:****@host/p",
		"http://us%20er:s@host/p?q": "http://us%20er:****@host/p?q",
	} {
		if got := cleanURL(mustParse(in)); got != want {
			t.Errorf("cleanURL(%q) = %q, want %q", in, got, want)
		}
	}
}
