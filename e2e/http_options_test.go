package e2e

import (
	"crypto/tls"
	"io"
	"log"
	"maps"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/stampede-load/stampede/internal/testutil/faultsrv"
)

// The tests in this file prove, through the built binary, that every option
// of k6 v0.32 that shapes HTTP traffic works (k6-spec §2): each runs one
// case of a testdata/http_options_*.js script, whose checks state the
// expected behaviour, and looks at what the servers saw where the script
// cannot (connections, DNS questions, addresses).

// optionRun is one run of an http_options script: the script's CASE, plus
// the flags and environment that set options from outside it.
type optionRun struct {
	name string
	args []string
	env  map[string]string
}

// runCase runs script with run's flags and environment (and extra) and
// fails unless the run succeeded and every check passed.
func runCase(t *testing.T, script string, run optionRun, extra map[string]string) result {
	t.Helper()
	env := map[string]string{}
	for k, v := range extra {
		env[k] = v
	}
	for k, v := range run.env {
		env[k] = v
	}
	args := append([]string{"run", "--summary-export={export}"}, run.args...)
	r := stampede(t, runOpts{env: env}, append(args, script)...)
	r.wantCode(t, 0)
	checks := r.checks(t)
	if len(checks) == 0 {
		t.Fatalf("no checks ran\nstderr:\n%s", r.stderr)
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes == 0 {
			t.Errorf("check %q: %d passes, %d fails\nstderr:\n%s", name, c.Passes, c.Fails, r.stderr)
		}
	}
	return r
}

// connCounter is a plain-HTTP server on 127.0.0.1 that counts the
// connections it accepts.
func connCounter(t *testing.T) (url string, conns *atomic.Int64) {
	t.Helper()
	conns = &atomic.Int64{}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns.Add(1)
		}
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL, conns
}

// TestHTTPOptionsConnectionReuse counts server-side connections for 1 VU ×
// 3 iterations × 2 requests: one connection by default, one per request
// with noConnectionReuse, one per iteration with noVUConnectionReuse, from
// the script, a flag or a K6_* variable.
func TestHTTPOptionsConnectionReuse(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		run  optionRun
		want int64
	}{
		{optionRun{name: "default", env: map[string]string{"CASE": "default"}}, 1},
		{optionRun{name: "noConnectionReuse", env: map[string]string{"CASE": "noConnectionReuse"}}, 6},
		{optionRun{name: "--no-connection-reuse", args: []string{"--no-connection-reuse"}, env: map[string]string{"CASE": "default"}}, 6},
		{optionRun{name: "noVUConnectionReuse", env: map[string]string{"CASE": "noVUConnectionReuse"}}, 3},
		{optionRun{name: "K6_NO_VU_CONNECTION_REUSE", env: map[string]string{"CASE": "default", "K6_NO_VU_CONNECTION_REUSE": "true"}}, 3},
	} {
		t.Run(tc.run.name, func(t *testing.T) {
			t.Parallel()
			url, conns := connCounter(t)
			runCase(t, "http_options_conn.js", tc.run, map[string]string{"CONN_URL": url})
			if got := conns.Load(); got != tc.want {
				t.Errorf("the server accepted %d connections, want %d", got, tc.want)
			}
		})
	}
}

// TestHTTPOptionsCookies: a cookie from iteration 0 reaches iteration 1
// only with noCookiesReset (script option or K6_NO_COOKIES_RESET).
func TestHTTPOptionsCookies(t *testing.T) {
	t.Parallel()
	for _, run := range []optionRun{
		{name: "default resets the jar", env: map[string]string{"CASE": "default", "WANT_KEPT": "false"}},
		{name: "noCookiesReset", env: map[string]string{"CASE": "noCookiesReset", "WANT_KEPT": "true"}},
		{name: "K6_NO_COOKIES_RESET", env: map[string]string{"CASE": "default", "K6_NO_COOKIES_RESET": "true", "WANT_KEPT": "true"}},
	} {
		t.Run(run.name, func(t *testing.T) {
			t.Parallel()
			runCase(t, "http_options_cookies.js", run, nil)
		})
	}
}

// TestHTTPOptionsHTTP covers maxRedirects, discardResponseBodies,
// userAgent (default, option, K6_USER_AGENT, --user-agent), throw (option
// and K6_THROW) and httpDebug (--http-debug and K6_HTTP_DEBUG=full).
func TestHTTPOptionsHTTP(t *testing.T) {
	t.Parallel()
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := closed.Addr().String()
	closed.Close()
	host := strings.TrimPrefix(targetURL, "http://")

	for _, tc := range []struct {
		run   optionRun
		check func(t *testing.T, r result)
	}{
		{run: optionRun{name: "maxRedirects", env: map[string]string{"CASE": "maxRedirects"}}, check: func(t *testing.T, r result) {
			// /redirect/3 stopped after 2 (3 requests), /redirect/2 (3), /redirect/3 with redirects: 3 (4).
			if got := r.export.metric(t, "http_reqs", "count"); got != 10 {
				t.Errorf("http_reqs %v, want every hop counted (10)", got)
			}
			// k6 warns only when neither maxRedirects nor redirects is set.
			if strings.Contains(r.stderr, "Stopped after") {
				t.Errorf("warned about a limit the script set:\n%s", r.stderr)
			}
		}},
		{run: optionRun{name: "default maxRedirects", env: map[string]string{"CASE": "defaultRedirects"}}, check: func(t *testing.T, r result) {
			// k6 warns when the default limit stops a request.
			r.wantErr(t, "level=warning", "Stopped after 11 redirects and returned the redirection; "+
				"pass { redirects: n } in request params or set global maxRedirects to silence this", "/redirect/11")
		}},
		{run: optionRun{name: "discardResponseBodies", env: map[string]string{"CASE": "discardResponseBodies"}}, check: func(t *testing.T, r result) {
			if got := r.export.metric(t, "data_received", "count"); got < 101000 {
				t.Errorf("data_received %v B, want the discarded 100000-byte body counted", got)
			}
		}},
		{run: optionRun{name: "default userAgent", env: map[string]string{"CASE": "userAgent",
			"WANT_UA": "stampede/0.1.0 (https://github.com/stampede-load/stampede)"}}},
		{run: optionRun{name: "empty userAgent leaves Go's", env: map[string]string{"CASE": "userAgent",
			"UA_OPTION": "", "WANT_UA": "Go-http-client/1.1"}}},
		{run: optionRun{name: "userAgent option", env: map[string]string{"CASE": "userAgent",
			"UA_OPTION": "custom-agent/1.0", "WANT_UA": "custom-agent/1.0"}}},
		{run: optionRun{name: "K6_USER_AGENT over the option", env: map[string]string{"CASE": "userAgent",
			"UA_OPTION": "custom-agent/1.0", "K6_USER_AGENT": "env-agent/2.0", "WANT_UA": "env-agent/2.0"}}},
		{run: optionRun{name: "--user-agent over K6_USER_AGENT", args: []string{"--user-agent", "flag-agent/3.0"},
			env: map[string]string{"CASE": "userAgent", "K6_USER_AGENT": "env-agent/2.0", "WANT_UA": "flag-agent/3.0"}}},
		{run: optionRun{name: "throw", env: map[string]string{"CASE": "throw"}}},
		{run: optionRun{name: "K6_THROW", env: map[string]string{"CASE": "throwFromEnv", "K6_THROW": "true"}}},
		{run: optionRun{name: "no throw", env: map[string]string{"CASE": "noThrow"}}},
		{run: optionRun{name: "--http-debug", args: []string{"--http-debug"}, env: map[string]string{"CASE": "httpDebug"}}, check: func(t *testing.T, r result) {
			r.wantErr(t, "Request:\nPOST /anything HTTP/1.1\nHost: "+host+"\n",
				"User-Agent: stampede/0.1.0 (https://github.com/stampede-load/stampede)\n",
				"Response:\nHTTP/1.1 200 OK\n", "Content-Type: application/json")
			if strings.Contains(r.stderr, "debug-body-42") {
				t.Errorf("headers-only dump shows the body:\n%s", r.stderr)
			}
		}},
		{run: optionRun{name: "K6_HTTP_DEBUG=full", env: map[string]string{"CASE": "httpDebug", "K6_HTTP_DEBUG": "full"}}, check: func(t *testing.T, r result) {
			r.wantErr(t, "Request:\nPOST /anything HTTP/1.1\nHost: "+host+"\n", "Content-Length: 13\n",
				"\n\ndebug-body-42", "Response:\nHTTP/1.1 200 OK\n", "Content-Type: text/plain\n", `"data": "debug-body-42"`)
		}},
	} {
		t.Run(tc.run.name, func(t *testing.T) {
			t.Parallel()
			r := runCase(t, "http_options_http.js", tc.run, map[string]string{"REFUSED": refused})
			if tc.check != nil {
				tc.check(t, r)
			}
		})
	}
}

// dualServer serves HTTP on the same port of 127.0.0.1 and 127.0.0.2 and
// counts the requests that reach each address.
type dualServer struct {
	port string
	mu   sync.Mutex
	hits map[string]int
}

func startDual(t *testing.T) *dualServer {
	t.Helper()
	d := &dualServer{hits: map[string]int{}}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		local, _ := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
		ip, _, _ := net.SplitHostPort(local.String())
		d.mu.Lock()
		d.hits[ip]++
		d.mu.Unlock()
		_, _ = w.Write([]byte(ip))
	}), ErrorLog: log.New(io.Discard, "", 0)}
	var lns []net.Listener
	for attempt := 0; len(lns) < 2 && attempt < 20; attempt++ {
		first, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		_, port, _ := net.SplitHostPort(first.Addr().String())
		second, err := net.Listen("tcp", "127.0.0.2:"+port)
		if err != nil { // the port is taken on 127.0.0.2: try another
			first.Close()
			continue
		}
		lns, d.port = []net.Listener{first, second}, port
	}
	if len(lns) < 2 {
		t.Fatal("no port free on both 127.0.0.1 and 127.0.0.2")
	}
	var wg sync.WaitGroup
	for _, ln := range lns {
		wg.Go(func() { _ = srv.Serve(ln) })
	}
	t.Cleanup(func() { srv.Close(); wg.Wait() })
	return d
}

func (d *dualServer) counts() map[string]int {
	d.mu.Lock()
	defer d.mu.Unlock()
	out := make(map[string]int, len(d.hits))
	for k, v := range d.hits {
		out[k] = v
	}
	return out
}

// TestHTTPOptionsDNS: the dns option's select (first, roundRobin), ttl (0,
// inf) and policy (onlyIPv4, onlyIPv6), from the script, K6_DNS and --dns,
// against a DNS server on 127.0.0.1 that gives two.test two addresses.
// Each run makes 6 requests, each on a new connection. The names are fully
// qualified so that no search domain of the machine adds questions.
func TestHTTPOptionsDNS(t *testing.T) {
	t.Parallel()
	lo1, lo2 := netip.MustParseAddr("127.0.0.1"), netip.MustParseAddr("127.0.0.2")
	records := map[string][]netip.Addr{
		"two.test.":   {lo1, lo2},
		"mixed.test.": {netip.MustParseAddr("::1"), lo2},
	}
	both := map[string]int{"127.0.0.1": 3, "127.0.0.2": 3}
	for _, tc := range []struct {
		run      optionRun
		host     string
		wantHits map[string]int // nil: any single address
		// wantQueries bounds the DNS questions (A and AAAA per lookup).
		minQueries, maxQueries int64
	}{
		{run: optionRun{name: "ttl=inf select=roundRobin", env: map[string]string{"CASE": "roundRobinForever"}},
			host: "two.test.", wantHits: both, minQueries: 1, maxQueries: 2},
		{run: optionRun{name: "ttl=0 select=first", env: map[string]string{"CASE": "firstNoCache"}},
			host: "two.test.", minQueries: 6, maxQueries: 12},
		{run: optionRun{name: "K6_DNS ttl=0 roundRobin", env: map[string]string{"CASE": "fromEnv", "K6_DNS": "ttl=0,select=roundRobin"}},
			host: "two.test.", wantHits: both, minQueries: 6, maxQueries: 12},
		{run: optionRun{name: "--dns select=first over K6_DNS", args: []string{"--dns", "ttl=1h,select=first"},
			env: map[string]string{"CASE": "fromEnv", "K6_DNS": "ttl=0,select=roundRobin"}},
			host: "two.test.", minQueries: 1, maxQueries: 2},
		{run: optionRun{name: "policy=onlyIPv4", env: map[string]string{"CASE": "onlyIPv4"}},
			host: "mixed.test.", wantHits: map[string]int{"127.0.0.2": 6}, minQueries: 1, maxQueries: 2},
		{run: optionRun{name: "policy=onlyIPv6 without IPv6", env: map[string]string{"CASE": "onlyIPv6", "WANT_DNS_ERROR": "1"}},
			host: "two.test.", wantHits: map[string]int{}, minQueries: 1, maxQueries: 12},
	} {
		t.Run(tc.run.name, func(t *testing.T) {
			t.Parallel()
			dns := faultsrv.StartDNS(t, records, nil)
			srv := startDual(t)
			runCase(t, "http_options_dns.js", tc.run, map[string]string{
				"STAMPEDE_DNS_SERVER": dns.Addr, "DNS_HOST": tc.host, "PORT": srv.port})
			hits := srv.counts()
			switch {
			case tc.wantHits != nil:
				if !maps.Equal(hits, tc.wantHits) {
					t.Errorf("requests per address %v, want %v", hits, tc.wantHits)
				}
			case len(hits) != 1:
				t.Errorf("requests per address %v, want all 6 on one address", hits)
			}
			if q := dns.Queries(); q < tc.minQueries || q > tc.maxQueries {
				t.Errorf("%d DNS questions, want %d to %d", q, tc.minQueries, tc.maxQueries)
			}
		})
	}
}

// TestHTTPOptionsTLS covers insecureSkipTLSVerify (option and flag),
// tlsVersion, tlsCipherSuites, HTTP/2 by ALPN (proto tag thresholds) and
// the TLS handshake timing of a new and a reused connection.
func TestHTTPOptionsTLS(t *testing.T) {
	t.Parallel()
	cert := selfSigned(t)
	h2 := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = w.Write([]byte("ok"))
	}))
	h2.EnableHTTP2 = true
	h2.TLS = &tls.Config{Certificates: []tls.Certificate{cert}}
	h2.Config.ErrorLog = log.New(io.Discard, "", 0)
	h2.StartTLS()
	t.Cleanup(h2.Close)
	tls12 := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tls12.TLS = &tls.Config{Certificates: []tls.Certificate{cert}, MaxVersion: tls.VersionTLS12}
	tls12.Config.ErrorLog = log.New(io.Discard, "", 0)
	tls12.StartTLS()
	t.Cleanup(tls12.Close)

	for _, tc := range []struct{ run optionRun }{
		{run: optionRun{name: "untrusted", env: map[string]string{"CASE": "untrusted"}}},
		{run: optionRun{name: "insecureSkipTLSVerify", env: map[string]string{"CASE": "insecureSkipTLSVerify"}}},
		{run: optionRun{name: "--insecure-skip-tls-verify", args: []string{"--insecure-skip-tls-verify"},
			env: map[string]string{"CASE": "insecureFromFlag"}}},
		{run: optionRun{name: "tlsVersion min=max=tls1.3 vs a TLS 1.2 server", env: map[string]string{"CASE": "tls13AgainstTLS12"}}},
		{run: optionRun{name: "tlsVersion tls1.2", env: map[string]string{"CASE": "tls12Pinned"}}},
		{run: optionRun{name: "tlsCipherSuites", env: map[string]string{"CASE": "cipherSuite"}}},
		{run: optionRun{name: "tlsCipherSuites ChaCha20", env: map[string]string{"CASE": "cipherSuiteChaCha"}}},
		{run: optionRun{name: "HTTP/2 and handshakes", env: map[string]string{"CASE": "protocols"}}},
	} {
		t.Run(tc.run.name, func(t *testing.T) {
			t.Parallel()
			runCase(t, "http_options_tls.js", tc.run, map[string]string{"TLS_URL": h2.URL, "TLS12_URL": tls12.URL})
		})
	}
}
