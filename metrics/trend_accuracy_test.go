package metrics_test

import (
	"math"
	"math/rand/v2"
	"runtime"
	"slices"
	"strconv"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

// accuracyPercentiles are the percentiles the accuracy property is checked
// at (med is checked separately through Value("med")).
var accuracyPercentiles = []float64{0, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 100}

// distributions generate the values for the accuracy property. Each must
// cross zero only through an exact zero (or not at all): between a negative
// and a positive neighbour the exact interpolation can be arbitrarily close
// to 0, where no relative bound is meaningful.
var distributions = []struct {
	name string
	gen  func(*rand.Rand) float64
}{
	{"uniform 0..1000", func(r *rand.Rand) float64 { return r.Float64() * 1000 }},
	{"uniform 1000..1001 (narrow)", func(r *rand.Rand) float64 { return 1000 + r.Float64() }},
	{"exponential mean 200", func(r *rand.Rand) float64 { return r.ExpFloat64() * 200 }},
	{"lognormal heavy tail", func(r *rand.Rand) float64 { return math.Exp(4 + 2.5*r.NormFloat64()) }},
	{"constant", func(*rand.Rand) float64 { return 123.456 }}, // exact: clamped to min = max
	{"log-uniform 1e-3..1e6", func(r *rand.Rand) float64 { return math.Pow(10, -3+9*r.Float64()) }},
	{"integers with ties", func(r *rand.Rand) float64 { return float64(r.IntN(50)) }},
	{"bimodal", func(r *rand.Rand) float64 {
		if r.IntN(10) == 0 {
			return 5000 + r.NormFloat64()*100
		}
		return 20 + r.NormFloat64()
	}},
	{"negative, zero and positive", func(r *rand.Rand) float64 {
		switch r.IntN(5) {
		case 0:
			return 0
		case 1, 2:
			return -math.Exp(3 * r.NormFloat64())
		default:
			return r.ExpFloat64() * 50
		}
	}},
	{"all negative", func(r *rand.Rand) float64 { return -1 - r.ExpFloat64()*300 }},
	{"mostly zero", func(r *rand.Rand) float64 {
		if r.IntN(100) < 97 {
			return 0
		}
		return r.Float64() * 10
	}},
}

// relErr is |got-want|/|want|, with 0 required to be exact.
func relErr(got, want float64) float64 {
	if want == 0 {
		if got == 0 {
			return 0
		}
		return math.Inf(1)
	}
	return math.Abs(got-want) / math.Abs(want)
}

// TestTrendSinkSketchAccuracy is the documented accuracy property: past
// the exact budget every percentile is within 0.1% of the exact k6 value.
func TestTrendSinkSketchAccuracy(t *testing.T) {
	t.Parallel()
	const n = 200_000
	const maxRelErr = 0.001
	for i, d := range distributions {
		t.Run(d.name, func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(2024, uint64(i)))
			vals := make([]float64, n)
			s := &metrics.TrendSink{}
			var sum float64
			for j := range vals {
				vals[j] = d.gen(rng)
				sum += vals[j]
				s.Add(vals[j])
			}
			if s.Exact() {
				t.Fatal("200 000 values are still exact")
			}
			sorted := slices.Sorted(slices.Values(vals))
			worst := 0.0
			check := func(what string, got, want float64) {
				t.Helper()
				e := relErr(got, want)
				worst = math.Max(worst, e)
				if e > maxRelErr {
					t.Errorf("%s = %v, exact %v: relative error %.3g > %g", what, got, want, e, maxRelErr)
				}
			}
			for _, p := range accuracyPercentiles {
				got := s.Percentile(p)
				check("p("+strconv.FormatFloat(p, 'g', -1, 64)+")", got, k6Percentile(sorted, p))
				// The sketch's bins are approximate but the extremes are
				// known: no percentile may fall outside them.
				if got < sorted[0] || got > sorted[n-1] {
					t.Errorf("p(%v) = %v is outside [min, max] = [%v, %v]", p, got, sorted[0], sorted[n-1])
				}
			}
			check("med", value(t, s, "med"), k6Percentile(sorted, 50))
			t.Logf("worst relative error %.3g", worst)
			// These stay exact whatever the sketch does.
			for name, want := range map[string]float64{
				"count": n, "min": sorted[0], "max": sorted[n-1], "avg": sum / n,
			} {
				if got := value(t, s, name); got != want {
					t.Errorf("%s = %v, want exactly %v", name, got, want)
				}
			}
		})
	}
}

// TestTrendSinkSketchAccuracyEveryPercentile sweeps the whole 0..100 range
// in small steps for one skewed distribution, to catch rank off-by-ones
// that the fixed percentile list could miss.
func TestTrendSinkSketchAccuracyEveryPercentile(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(7, 7))
	const n = 50_000
	vals := make([]float64, n)
	s := &metrics.TrendSink{}
	for j := range vals {
		// Mixed signs through an exact zero, as above.
		switch v := rng.NormFloat64() * 100; {
		case math.Abs(v) < 5:
			vals[j] = 0
		default:
			vals[j] = v
		}
		s.Add(vals[j])
	}
	sorted := slices.Sorted(slices.Values(vals))
	prev := math.Inf(-1)
	for p := 0.0; p <= 100; p += 0.25 {
		got, want := s.Percentile(p), k6Percentile(sorted, p)
		if e := relErr(got, want); e > 0.001 {
			t.Errorf("p(%v) = %v, exact %v: relative error %.3g", p, got, want, e)
		}
		if got < prev {
			t.Errorf("p(%v) = %v is below the previous percentile %v", p, got, prev)
		}
		prev = got
	}
}

// heapInUse returns the live heap after a full collection.
func heapInUse() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapAlloc
}

// TestTrendSinkMemoryFlat checks the point of the sketch: once a trend has
// switched, a million more values do not grow its retained memory (keeping
// them would take 8 MB). Not parallel, so that other tests do not disturb
// the heap measurement.
func TestTrendSinkMemoryFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("slow: adds a million values")
	}
	const more = 1_000_000
	const tolerance = 512 << 10 // bytes; the sketch's dense store grows in 1 KiB steps
	for i, d := range []struct {
		name string
		gen  func(*rand.Rand) float64
	}{
		{"latencies (lognormal)", func(r *rand.Rand) float64 { return math.Exp(5 + r.NormFloat64()) }},
		{"log-uniform 1e-3..1e6", func(r *rand.Rand) float64 { return math.Pow(10, -3+9*r.Float64()) }},
		{"mixed signs", func(r *rand.Rand) float64 { return r.NormFloat64() * 1000 }},
	} {
		t.Run(d.name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(99, uint64(i)))
			s := &metrics.TrendSink{}
			for range 20_000 {
				s.Add(d.gen(rng))
			}
			if s.Exact() {
				t.Fatal("still exact after 20 000 values")
			}
			before := heapInUse()
			for range more {
				s.Add(d.gen(rng))
			}
			after := heapInUse()
			runtime.KeepAlive(s)
			grew := int64(after) - int64(before)
			t.Logf("retained heap grew by %d bytes over %d values", grew, more)
			if grew > tolerance {
				t.Errorf("retained heap grew by %d bytes after %d more values, want at most %d", grew, more, tolerance)
			}
			if got := value(t, s, "count"); got != 20_000+more {
				t.Errorf("count = %v", got)
			}
		})
	}
}

// TestTrendSinkAddDoesNotAllocate checks the steady state of both modes:
// appending within the exact budget's capacity and adding to the sketch
// within its current range allocate nothing.
func TestTrendSinkAddDoesNotAllocate(t *testing.T) {
	s := &metrics.TrendSink{}
	rng := rand.New(rand.NewPCG(3, 3))
	vals := make([]float64, 1024)
	for i := range vals {
		vals[i] = math.Exp(5 + rng.NormFloat64())
	}
	for range 12 {
		for _, v := range vals {
			s.Add(v)
		}
	}
	if s.Exact() {
		t.Fatal("warm-up did not reach the sketch")
	}
	i := 0
	allocs := testing.AllocsPerRun(10_000, func() {
		s.Add(vals[i%len(vals)])
		i++
	})
	if allocs != 0 {
		t.Errorf("TrendSink.Add allocates %v times per value in sketch mode, want 0", allocs)
	}
	// Reading percentiles from the sketch does not allocate either.
	allocs = testing.AllocsPerRun(100, func() { _ = s.Percentile(95) })
	if allocs != 0 {
		t.Errorf("Percentile allocates %v times in sketch mode, want 0", allocs)
	}
}
