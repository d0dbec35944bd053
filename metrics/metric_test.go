package metrics_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

func TestRegistryMetricNames(t *testing.T) {
	t.Parallel()
	valid := []string{
		"a",
		"my_counter",
		"http_req_duration",
		"Éclair",            // Unicode letters
		"ñandú_日本語",         // more letters
		"٣٤",                // Unicode digits
		"a.b_c d!e?f/g&h#i", // every allowed punctuation character...
		"(x)<y>%z-w",        // ...and the rest of them
		"1",
		" ",
		strings.Repeat("a", 128),
		strings.Repeat("é", 128), // the limit counts characters, not bytes
	}
	invalid := []string{
		"",
		strings.Repeat("a", 129),
		strings.Repeat("é", 129),
		"a:b",
		"a{b}",
		"a,b",
		"a*b",
		"a+b",
		"a=b",
		"a\"b",
		"a'b",
		"a\tb",
		"a\nb",
		"a@b",
		"a$b",
		"emoji🙂",
		"http_req_duration{status:200}",
	}
	for _, name := range valid {
		t.Run("valid/"+name, func(t *testing.T) {
			t.Parallel()
			r := metrics.NewRegistry()
			m, err := r.NewMetric(name, metrics.Counter, metrics.Default)
			if err != nil {
				t.Fatalf("NewMetric(%q): %v", name, err)
			}
			if m.Name != name {
				t.Errorf("Name = %q, want %q", m.Name, name)
			}
		})
	}
	for _, name := range invalid {
		t.Run("invalid/"+name, func(t *testing.T) {
			t.Parallel()
			r := metrics.NewRegistry()
			m, err := r.NewMetric(name, metrics.Trend, metrics.Time)
			if err == nil {
				t.Fatalf("NewMetric(%q) = %v, want an error", name, m)
			}
			if want := "Invalid metric name: '" + name + "'"; err.Error() != want {
				t.Errorf("error = %q, want %q", err, want)
			}
			if r.Len() != 0 || r.Get(name) != nil {
				t.Errorf("an invalid metric was registered")
			}
		})
	}
}

func TestRegistryNewMetric(t *testing.T) {
	t.Parallel()
	r := metrics.NewRegistry()
	c, err := r.NewMetric("c", metrics.Counter, metrics.Data)
	if err != nil {
		t.Fatal(err)
	}
	want := metrics.Metric{Name: "c", Type: metrics.Counter, Contains: metrics.Data, ID: 0}
	if *c != want {
		t.Errorf("metric = %+v, want %+v", *c, want)
	}
	tr, err := r.NewMetric("t", metrics.Trend, metrics.Time)
	if err != nil {
		t.Fatal(err)
	}
	if tr.ID != 1 {
		t.Errorf("second metric ID = %d, want 1", tr.ID)
	}

	again, err := r.NewMetric("c", metrics.Counter, metrics.Data)
	if err != nil || again != c {
		t.Errorf("redefining with the same type = %p, %v; want the existing %p", again, err, c)
	}
	// The first definition's value type is kept.
	again, err = r.NewMetric("c", metrics.Counter, metrics.Default)
	if err != nil || again != c || again.Contains != metrics.Data {
		t.Errorf("redefining with another value type = %+v, %v; want the existing metric", again, err)
	}

	for _, typ := range []metrics.Type{metrics.Gauge, metrics.Rate, metrics.Trend} {
		m, err := r.NewMetric("c", typ, metrics.Data)
		if err == nil {
			t.Fatalf("redefining a counter as a %s = %+v, want an error", typ, m)
		}
		for _, part := range []string{`"c"`, "counter", typ.String()} {
			if !strings.Contains(err.Error(), part) {
				t.Errorf("error %q does not mention %s", err, part)
			}
		}
	}
	if r.Len() != 2 {
		t.Errorf("Len() = %d, want 2", r.Len())
	}
	if r.Get("c") != c || r.Get("t") != tr || r.Get("x") != nil {
		t.Error("Get does not return the registered metrics")
	}
}

func TestRegistryAllSortedByName(t *testing.T) {
	t.Parallel()
	r := metrics.NewRegistry()
	names := []string{"zeta", "alpha", "http_reqs", "Beta", "http_req_duration", "1"}
	for _, n := range names {
		r.MustNewMetric(n, metrics.Gauge, metrics.Default)
	}
	var got []string
	for i, m := range r.All() {
		got = append(got, m.Name)
		if want := slices.Index(names, m.Name); m.ID != want {
			t.Errorf("All()[%d] = %s with ID %d, want ID %d (registration order)", i, m.Name, m.ID, want)
		}
	}
	want := slices.Sorted(slices.Values(names))
	if !slices.Equal(got, want) {
		t.Errorf("All() = %v, want %v", got, want)
	}
	// All returns a copy: reordering it must not disturb the registry.
	all := r.All()
	slices.Reverse(all)
	all[0] = nil
	if again := r.All(); again[0] == nil || again[0].Name != want[0] {
		t.Errorf("All() shares its slice with the registry")
	}
}

func TestRegistryMustNewMetricPanics(t *testing.T) {
	t.Parallel()
	r := metrics.NewRegistry()
	r.MustNewMetric("x", metrics.Counter, metrics.Default)
	for _, tc := range []struct {
		name string
		typ  metrics.Type
	}{{"bad name!*", metrics.Counter}, {"x", metrics.Rate}} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("MustNewMetric(%q, %s) did not panic", tc.name, tc.typ)
				}
			}()
			r.MustNewMetric(tc.name, tc.typ, metrics.Default)
		}()
	}
}

// TestRegistryConcurrent registers the same and different names from many
// goroutines; the same name must always yield the same metric and IDs
// must stay dense and unique. Run with -race.
func TestRegistryConcurrent(t *testing.T) {
	t.Parallel()
	r := metrics.NewRegistry()
	const goroutines, perG = 8, 50
	shared := make([]*metrics.Metric, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			for i := range perG {
				m, err := r.NewMetric("shared", metrics.Trend, metrics.Time)
				if err != nil {
					t.Error(err)
					return
				}
				if shared[g] == nil {
					shared[g] = m
				} else if shared[g] != m {
					t.Error("NewMetric returned two different metrics for one name")
				}
				if _, err := r.NewMetric(fmt.Sprintf("g%d_%d", g, i), metrics.Counter, metrics.Default); err != nil {
					t.Error(err)
				}
				_ = r.All()
				_ = r.Get("shared")
			}
		})
	}
	wg.Wait()
	for _, m := range shared[1:] {
		if m != shared[0] {
			t.Fatal("goroutines saw different metrics for one name")
		}
	}
	if want := goroutines*perG + 1; r.Len() != want {
		t.Fatalf("Len() = %d, want %d", r.Len(), want)
	}
	ids := make([]bool, r.Len())
	for _, m := range r.All() {
		if m.ID < 0 || m.ID >= len(ids) || ids[m.ID] {
			t.Fatalf("metric %s has a duplicate or out-of-range ID %d", m.Name, m.ID)
		}
		ids[m.ID] = true
	}
}

func TestTypeStrings(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		got, want string
	}{
		{metrics.Counter.String(), "counter"},
		{metrics.Gauge.String(), "gauge"},
		{metrics.Rate.String(), "rate"},
		{metrics.Trend.String(), "trend"},
		{metrics.Type(9).String(), "Type(9)"},
		{metrics.Default.String(), "default"},
		{metrics.Time.String(), "time"},
		{metrics.Data.String(), "data"},
	} {
		if tc.got != tc.want {
			t.Errorf("String() = %q, want %q", tc.got, tc.want)
		}
	}
}

// TestRegisterBuiltin checks names, types and value types against the
// table of spec §4.2.
func TestRegisterBuiltin(t *testing.T) {
	t.Parallel()
	r := metrics.NewRegistry()
	b := metrics.RegisterBuiltin(r)
	want := []struct {
		m        *metrics.Metric
		name     string
		typ      metrics.Type
		contains metrics.ValueType
	}{
		{b.VUs, "vus", metrics.Gauge, metrics.Default},
		{b.VUsMax, "vus_max", metrics.Gauge, metrics.Default},
		{b.Iterations, "iterations", metrics.Counter, metrics.Default},
		{b.IterationDuration, "iteration_duration", metrics.Trend, metrics.Time},
		{b.DroppedIterations, "dropped_iterations", metrics.Counter, metrics.Default},
		{b.DataSent, "data_sent", metrics.Counter, metrics.Data},
		{b.DataReceived, "data_received", metrics.Counter, metrics.Data},
		{b.Checks, "checks", metrics.Rate, metrics.Default},
		{b.GroupDuration, "group_duration", metrics.Trend, metrics.Time},
		{b.Errors, "errors", metrics.Counter, metrics.Default},
		{b.HTTPReqs, "http_reqs", metrics.Counter, metrics.Default},
		{b.HTTPReqFailed, "http_req_failed", metrics.Rate, metrics.Default},
		{b.HTTPReqDuration, "http_req_duration", metrics.Trend, metrics.Time},
		{b.HTTPReqBlocked, "http_req_blocked", metrics.Trend, metrics.Time},
		{b.HTTPReqConnecting, "http_req_connecting", metrics.Trend, metrics.Time},
		{b.HTTPReqTLSHandshaking, "http_req_tls_handshaking", metrics.Trend, metrics.Time},
		{b.HTTPReqSending, "http_req_sending", metrics.Trend, metrics.Time},
		{b.HTTPReqWaiting, "http_req_waiting", metrics.Trend, metrics.Time},
		{b.HTTPReqReceiving, "http_req_receiving", metrics.Trend, metrics.Time},
		{b.WSSessions, "ws_sessions", metrics.Counter, metrics.Default},
		{b.WSMsgsSent, "ws_msgs_sent", metrics.Counter, metrics.Default},
		{b.WSMsgsReceived, "ws_msgs_received", metrics.Counter, metrics.Default},
		{b.WSPing, "ws_ping", metrics.Trend, metrics.Time},
		{b.WSSessionDuration, "ws_session_duration", metrics.Trend, metrics.Time},
		{b.WSConnecting, "ws_connecting", metrics.Trend, metrics.Time},
		{b.GRPCReqDuration, "grpc_req_duration", metrics.Trend, metrics.Time},
	}
	for _, w := range want {
		if w.m == nil {
			t.Errorf("%s: nil", w.name)
			continue
		}
		if w.m.Name != w.name || w.m.Type != w.typ || w.m.Contains != w.contains {
			t.Errorf("%s = %+v, want %s %s", w.name, *w.m, w.typ, w.contains)
		}
		if r.Get(w.name) != w.m {
			t.Errorf("%s is not the registry's metric", w.name)
		}
	}
	if r.Len() != len(want) {
		t.Errorf("registry has %d metrics, want %d", r.Len(), len(want))
	}
	// A second registration in the same registry yields the same metrics.
	if b2 := metrics.RegisterBuiltin(r); *b2 != *b {
		t.Error("RegisterBuiltin twice on one registry returned different metrics")
	}
	// A custom metric cannot take a built-in name with another type.
	if _, err := r.NewMetric("http_req_duration", metrics.Counter, metrics.Default); err == nil {
		t.Error("redefining http_req_duration as a counter succeeded")
	}
	// Registries are independent.
	if b3 := metrics.RegisterBuiltin(metrics.NewRegistry()); b3.VUs == b.VUs {
		t.Error("two registries share a metric")
	}
}
