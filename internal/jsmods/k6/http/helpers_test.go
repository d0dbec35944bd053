package http

import (
	"encoding/json"
	"io"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"testing"

	"github.com/dop251/goja"
	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/internal/jsmodtest"
	"github.com/stampede-load/stampede/internal/target"
	"github.com/stampede-load/stampede/metrics"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// startTarget serves go-httpbin on loopback for the test.
func startTarget(t testing.TB) string {
	t.Helper()
	srv, err := target.Start("127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := srv.Close(); err != nil {
			t.Error(err)
		}
	})
	return srv.URL
}

// newVU returns a VU with k6/http bound to the global "http" and base bound
// to the global BASE.
func newVU(t testing.TB, base string) (*jsmodtest.VU, *ModuleInstance) {
	t.Helper()
	vu := jsmodtest.New(t)
	mi := vu.Load("http", &RootModule{}).(*ModuleInstance)
	if err := vu.Runtime().Set("BASE", base); err != nil {
		t.Fatal(err)
	}
	return vu, mi
}

// closedURL is an http URL of a loopback port nothing listens on.
func closedURL(t testing.TB) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return "http://" + addr
}

// echoed is what echoServer reports about a request.
type echoed struct {
	Method string              `json:"method"`
	Host   string              `json:"host"`
	Path   string              `json:"path"`
	Header map[string][]string `json:"header"`
	Body   string              `json:"body"`
}

// echoServer answers every request with a JSON description of it.
func echoServer(t testing.TB) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		body, _ := io.ReadAll(r.Body)
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(echoed{
			Method: r.Method, Host: r.Host, Path: r.URL.RequestURI(), Header: r.Header, Body: string(body),
		})
	}))
	t.Cleanup(srv.Close)
	return srv
}

// decodeEcho parses an echoServer response body returned by JS.
func decodeEcho(t testing.TB, v goja.Value) echoed {
	t.Helper()
	var e echoed
	if err := json.Unmarshal([]byte(v.String()), &e); err != nil {
		t.Fatalf("decoding echo %q: %v", v, err)
	}
	return e
}

// httpMetricNames are the metrics every request hop emits, in push order.
var httpMetricNames = []string{ //nolint:gochecknoglobals // test table
	"http_reqs", "http_req_duration", "http_req_blocked", "http_req_connecting",
	"http_req_tls_handshaking", "http_req_sending", "http_req_waiting", "http_req_receiving",
	"http_req_failed",
}

// hops splits recorded samples into per-hop groups and checks that each
// hop has the full metric set sharing one tag set and one time.
func hops(t testing.TB, samples []metrics.Sample) [][]metrics.Sample {
	t.Helper()
	n := len(httpMetricNames)
	if len(samples)%n != 0 {
		t.Fatalf("%d samples is not a whole number of hops", len(samples))
	}
	var out [][]metrics.Sample
	for i := 0; i < len(samples); i += n {
		hop := samples[i : i+n]
		for j, s := range hop {
			if s.Metric.Name != httpMetricNames[j] {
				t.Fatalf("hop %d sample %d is %s, want %s", i/n, j, s.Metric.Name, httpMetricNames[j])
			}
			if s.Tags != hop[0].Tags || !s.Time.Equal(hop[0].Time) {
				t.Fatalf("hop %d: sample %s has its own tags or time", i/n, s.Metric.Name)
			}
		}
		out = append(out, hop)
	}
	return out
}

func valueOf(hop []metrics.Sample, metric string) float64 {
	for _, s := range hop {
		if s.Metric.Name == metric {
			return s.Value
		}
	}
	return -1
}
