package e2e

import (
	"bytes"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// fullSite is what the k6/http e2e script talks to besides go-httpbin:
// several loopback servers (distinct hosts for batchPerHost) sharing one
// record of concurrency and of the requests they saw.
type fullSite struct {
	mu         sync.Mutex
	cur, max   int            // /slow requests in flight on all hosts
	hostCur    map[string]int // … per host
	hostMax    map[string]int
	recorded   map[string]*http.Request // /record/{id}: the request, body read
	recordBody map[string][]byte
}

func newFullSite() *fullSite {
	return &fullSite{
		hostCur: map[string]int{}, hostMax: map[string]int{},
		recorded: map[string]*http.Request{}, recordBody: map[string][]byte{},
	}
}

func (s *fullSite) handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("/slow", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.cur++
		s.max = max(s.max, s.cur)
		s.hostCur[r.Host]++
		s.hostMax[r.Host] = max(s.hostMax[r.Host], s.hostCur[r.Host])
		s.mu.Unlock()
		time.Sleep(150 * time.Millisecond)
		s.mu.Lock()
		s.cur--
		s.hostCur[r.Host]--
		s.mu.Unlock()
		_, _ = io.WriteString(w, "slow")
	})
	mux.HandleFunc("/record/{id}", func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		s.mu.Lock()
		s.recorded[r.PathValue("id")] = r
		s.recordBody[r.PathValue("id")] = body
		s.mu.Unlock()
		_, _ = io.WriteString(w, "recorded")
	})
	mux.HandleFunc("/setcookie", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Add("Set-Cookie", "full=v1; Domain=127.0.0.1; Path=/p; Max-Age=100; "+
			"Expires=Wed, 21 Oct 2037 07:28:00 GMT; HttpOnly; Secure")
		w.Header().Add("Set-Cookie", "plain=p")
		w.Header().Add("Set-Cookie", "plain=p2; Path=/other")
		_, _ = io.WriteString(w, "cookies")
	})
	return mux
}

func (s *fullSite) request(t *testing.T, id string) (*http.Request, []byte) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	r, ok := s.recorded[id]
	if !ok {
		t.Fatalf("the server never saw /record/%s", id)
	}
	return r, s.recordBody[id]
}

// TestHTTPFull runs every k6/http function, Params field and Response
// field of k6 v0.32 through the binary (testdata/http_full.js) against
// go-httpbin and three loopback servers of its own, then checks what the
// servers saw.
func TestHTTPFull(t *testing.T) {
	t.Parallel()
	site := newFullSite()
	var hosts [3]string
	for i := range hosts {
		srv := httptest.NewServer(site.handler())
		t.Cleanup(srv.Close)
		hosts[i] = srv.URL
	}
	r := stampede(t, runOpts{env: map[string]string{
		"LOCAL1": hosts[0], "LOCAL2": hosts[1], "LOCAL3": hosts[2],
	}}, "run", "--summary-export={export}", "http_full.js")
	r.wantCode(t, 0) // every threshold held
	checks := r.checks(t)
	const wantChecks = 62
	if len(checks) != wantChecks {
		t.Errorf("%d checks, want %d: %v", len(checks), wantChecks, keys(checks))
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes != 1 {
			t.Errorf("check %s: %+v", name, c)
		}
	}
	if t.Failed() {
		t.Logf("stderr:\n%s", r.stderr)
	}

	// The tag sub-metrics the script puts thresholds on are all in the
	// export, with the counts the thresholds demanded.
	masked := strings.Replace(targetURL, "http://", "http://user:****@", 1) + "/basic-auth/user/pass"
	for name, want := range map[string]float64{
		"http_reqs{mytag:x}":                            3,
		"http_reqs{name:custom}":                        1,
		"http_reqs{redir:follow}":                       4, // one sample per hop
		"http_reqs{to:ms,status:0,error_code:1000}":     1,
		"http_reqs{cb:override,expected_response:true}": 1,
		"http_reqs{name:" + masked + "}":                3, // the password never reaches a tag
	} {
		if got := r.export.metric(t, name, "count"); got != want {
			t.Errorf("%s count = %v, want %v", name, got, want)
		}
	}

	// responseCallback: null: the request is counted, but carries no
	// expected_response tag (the sub-metrics with it got no sample).
	if got := r.export.metric(t, "http_reqs{cb:null}", "count"); got != 1 {
		t.Errorf("http_reqs{cb:null} count = %v, want 1", got)
	}
	for _, name := range []string{"http_reqs{cb:null,expected_response:true}", "http_reqs{cb:null,expected_response:false}"} {
		if _, ok := r.export.Metrics[name]; ok {
			t.Errorf("%s has samples: responseCallback null must drop the expected_response tag", name)
		}
	}

	t.Run("batchPerHost", func(t *testing.T) {
		site.mu.Lock()
		defer site.mu.Unlock()
		if len(site.hostMax) != 3 {
			t.Fatalf("/slow reached %d hosts, want 3: %v", len(site.hostMax), site.hostMax)
		}
		for h, m := range site.hostMax {
			if m != 1 {
				t.Errorf("host %s saw %d concurrent requests, batchPerHost is 1", h, m)
			}
		}
		// batch: 2 caps the whole batch; two hosts at once shows that
		// the batch did run in parallel.
		if site.max != 2 {
			t.Errorf("max concurrent requests %d, want 2 (batch: 2)", site.max)
		}
	})
	t.Run("binary body", func(t *testing.T) {
		req, body := site.request(t, "ab")
		if req.Method != http.MethodPost || !bytes.Equal(body, []byte{0, 255, 128, 10, 'k', '6'}) {
			t.Errorf("ArrayBuffer body: %s %q", req.Method, body)
		}
		if ct := req.Header.Get("Content-Type"); ct != "" {
			t.Errorf("ArrayBuffer body got Content-Type %q, want none", ct)
		}
	})
	t.Run("headers and Host", func(t *testing.T) {
		req, body := site.request(t, "headers")
		if req.Method != http.MethodPut || string(body) != "text body" {
			t.Errorf("request: %s %q", req.Method, body)
		}
		if got := req.Header.Get("X-Custom"); got != "custom value" {
			t.Errorf("X-Custom = %q", got)
		}
		if req.Host != "virtual.test" {
			t.Errorf("Host = %q, want virtual.test", req.Host)
		}
		if got := req.Header.Get("Content-Type"); got != "" {
			t.Errorf("string body got Content-Type %q, want none", got)
		}
	})
	t.Run("form body", func(t *testing.T) {
		req, body := site.request(t, "form")
		if ct := req.Header.Get("Content-Type"); ct != "application/x-www-form-urlencoded" {
			t.Errorf("Content-Type %q", ct)
		}
		if v, err := url.ParseQuery(string(body)); err != nil || v.Get("a") != "1" || v.Get("b") != "2" || len(v) != 2 {
			t.Errorf("form body %q", body)
		}
	})
	t.Run("secure cookie over http", func(t *testing.T) {
		req, _ := site.request(t, "cookies")
		got := map[string]string{}
		for _, c := range req.Cookies() {
			got[c.Name] = c.Value
		}
		want := map[string]string{"plainjar": "pj", "http_only": "ho", "param": "pv"}
		if len(got) != len(want) {
			t.Errorf("cookies sent %v, want %v", got, want)
		}
		for k, v := range want {
			if got[k] != v {
				t.Errorf("cookie %s = %q, want %q (sent %v)", k, got[k], v, got)
			}
		}
	})
}

// TestHTTPFullDiscard runs a script with discardResponseBodies: bodies are
// null unless a request asks for one, and the requests are still measured.
func TestHTTPFullDiscard(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "http_full_discard.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	if len(checks) != 5 {
		t.Errorf("%d checks, want 5: %v", len(checks), keys(checks))
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes != 1 {
			t.Errorf("check %s: %+v\nstderr:\n%s", name, c, r.stderr)
		}
	}
	if got := r.export.metric(t, "http_reqs", "count"); got != 3 {
		t.Errorf("http_reqs = %v, want 3", got)
	}
	// The three bodies were read (2048 bytes from /bytes at least) though
	// only two reached the script.
	if got := r.export.metric(t, "data_received", "count"); got < 3*1024 {
		t.Errorf("data_received = %v bytes, want the bodies counted", got)
	}
}
