package metrics_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

// BenchmarkTrendAdd measures adding one value to a trend that has already
// switched to its sketch, the state every busy trend of a long test is in.
// It reports ns/sample and B/sample; the latter must be 0.
func BenchmarkTrendAdd(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 1))
	vals := make([]float64, 4096) // a power of two, so i&mask indexes it
	for i := range vals {
		vals[i] = math.Exp(5 + rng.NormFloat64()) // latencies around 150 ms
	}
	s := &metrics.TrendSink{}
	for range 4 { // warm-up: past the exact budget, sketch range covered
		for _, v := range vals {
			s.Add(v)
		}
	}
	if s.Exact() {
		b.Fatal("warm-up did not reach the sketch")
	}
	mask := len(vals) - 1
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		s.Add(vals[i&mask])
		i++
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	n := float64(b.N)
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/n, "ns/sample")
	// The runtime allocates a few KB in the background during any
	// benchmark of this length, whatever it measures (about 0.0005 B/sample
	// here), so B/sample is truncated as the standard B/op is. Any real
	// allocation in Add would be at least 8 bytes per sample. Very short
	// runs (-benchtime=1x) cannot tell the two apart, so only long ones
	// assert.
	bytesPerSample := math.Floor(float64(after.TotalAlloc-before.TotalAlloc) / n)
	b.ReportMetric(bytesPerSample, "B/sample")
	if b.N >= 1_000_000 && bytesPerSample != 0 {
		b.Errorf("TrendSink.Add allocates %.3f B/sample after warm-up, want 0", bytesPerSample)
	}
}

// BenchmarkTrendPercentile measures reading p(95) from a sketched trend,
// which the engine does for every trend threshold every two seconds.
func BenchmarkTrendPercentile(b *testing.B) {
	rng := rand.New(rand.NewPCG(2, 2))
	s := &metrics.TrendSink{}
	for range 200_000 {
		s.Add(math.Exp(5 + rng.NormFloat64()))
	}
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Percentile(95)
	}
}
