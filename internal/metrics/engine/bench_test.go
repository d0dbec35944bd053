package engine_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/stampede-load/stampede/internal/metrics/engine"
	"github.com/stampede-load/stampede/metrics"
)

const batchSize = 512

// httpBatch builds what one VU's buffer hands over in a busy HTTP test:
// http_req_duration samples with k6's default system tags, a handful of
// distinct tag sets (as the HTTP module resolves them once per request
// shape) and latency-like values.
func httpBatch(m *metrics.Metric) []metrics.Sample {
	rng := rand.New(rand.NewPCG(42, 42))
	base := metrics.NewTagSet(map[string]string{
		"proto":       "HTTP/1.1",
		"group":       "::api",
		"scenario":    "default",
		"tls_version": "tls1.3",
	})
	type shape struct{ method, url, status, expected string }
	shapes := []shape{
		{"GET", "https://test.k6.io/", "200", "true"},
		{"GET", "https://test.k6.io/contacts.php", "200", "true"},
		{"GET", "https://test.k6.io/news.php", "200", "true"},
		{"POST", "https://test.k6.io/login.php", "200", "true"},
		{"POST", "https://test.k6.io/login.php", "303", "true"},
		{"GET", "https://test.k6.io/static/favicon.ico", "304", "true"},
		{"GET", "https://test.k6.io/missing", "404", "false"},
		{"GET", "https://test.k6.io/flaky", "503", "false"},
	}
	sets := make([]*metrics.TagSet, len(shapes))
	for i, s := range shapes {
		sets[i] = base.WithMany(map[string]string{
			"method": s.method, "url": s.url, "name": s.url,
			"status": s.status, "expected_response": s.expected,
		})
	}
	batch := make([]metrics.Sample, batchSize)
	for i := range batch {
		batch[i] = metrics.Sample{
			Metric: m,
			Tags:   sets[rng.IntN(len(sets))],
			Time:   t0,
			Value:  math.Exp(4.5 + 0.8*rng.NormFloat64()), // ms, median ~90
		}
	}
	return batch
}

// warmEngine returns an engine with the automatic expected_response
// sub-metric and one threshold sub-metric, fed until every trend has left
// its exact budget, so Add is measured in its steady state.
func warmEngine(tb testing.TB) (*engine.Engine, []metrics.Sample) {
	tb.Helper()
	r := newRun(tb, engine.Config{
		ExpectedResponseSub: true,
		Thresholds: thresholds(tb, map[string]string{
			"http_req_duration{status:200}": `["p(95)<200"]`,
		}),
	})
	batch := httpBatch(r.b.HTTPReqDuration)
	for range 100 { // 51 200 samples: even the sub-metrics pass 10 000
		r.e.Add(batch)
	}
	return r.e, batch
}

// TestAddDoesNotAllocate is the allocation budget of the hot path: once
// warmed up, ingesting a batch allocates nothing.
func TestAddDoesNotAllocate(t *testing.T) {
	e, batch := warmEngine(t)
	if allocs := testing.AllocsPerRun(50, func() { e.Add(batch) }); allocs != 0 {
		t.Errorf("Engine.Add allocates %v times per %d-sample batch, want 0", allocs, len(batch))
	}
}

// BenchmarkEngineAdd measures ingesting 512-sample batches of
// http_req_duration with two sub-metrics to match; it reports samples/s
// and ns/sample, and allocs/op must stay 0.
func BenchmarkEngineAdd(b *testing.B) {
	e, batch := warmEngine(b)
	b.ReportAllocs()
	for b.Loop() {
		e.Add(batch)
	}
	samples := float64(b.N) * float64(len(batch))
	b.ReportMetric(samples/b.Elapsed().Seconds(), "samples/s")
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/samples, "ns/sample")
}
