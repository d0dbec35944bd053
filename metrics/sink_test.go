package metrics_test

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

// k6Percentile is the reference: spec §4.1's definition applied to a sorted
// copy of the values.
func k6Percentile(sorted []float64, p float64) float64 {
	switch len(sorted) {
	case 0:
		return 0
	case 1:
		return sorted[0]
	}
	rank := p / 100 * float64(len(sorted)-1)
	lo, hi := math.Floor(rank), math.Ceil(rank)
	vlo, vhi := sorted[int(lo)], sorted[int(hi)]
	return vlo + (vhi-vlo)*(rank-lo)
}

func addAll(s metrics.Sink, vs ...float64) {
	for _, v := range vs {
		s.Add(v)
	}
}

func value(t *testing.T, s metrics.Sink, name string) float64 {
	t.Helper()
	v, ok := s.Value(name)
	if !ok {
		t.Fatalf("%T has no %q", s, name)
	}
	return v
}

func TestNewSink(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		typ  metrics.Type
		want metrics.Sink
	}{
		{metrics.Counter, &metrics.CounterSink{}},
		{metrics.Gauge, &metrics.GaugeSink{}},
		{metrics.Rate, &metrics.RateSink{}},
		{metrics.Trend, &metrics.TrendSink{}},
	} {
		got := metrics.NewSink(tc.typ)
		if gotT, wantT := typeName(got), typeName(tc.want); gotT != wantT {
			t.Errorf("NewSink(%s) = %s, want %s", tc.typ, gotT, wantT)
		}
	}
	// Two sinks of one type are independent.
	a, b := metrics.NewSink(metrics.Counter), metrics.NewSink(metrics.Counter)
	a.Add(1)
	if v, _ := b.Value("count"); v != 0 {
		t.Error("sinks share state")
	}
}

func typeName(s metrics.Sink) string {
	switch s.(type) {
	case *metrics.CounterSink:
		return "counter"
	case *metrics.GaugeSink:
		return "gauge"
	case *metrics.RateSink:
		return "rate"
	case *metrics.TrendSink:
		return "trend"
	}
	return "?"
}

// sinkCase is one table row for the non-trend sinks: values added, then
// expected aggregates, and aggregates the sink must not answer.
type sinkCase struct {
	name    string
	values  []float64
	elapsed float64 // CounterSink.Elapsed, seconds
	want    map[string]float64
	absent  []string
}

func runSinkCases(t *testing.T, typ metrics.Type, cases []sinkCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := metrics.NewSink(typ)
			addAll(s, tc.values...)
			if c, ok := s.(*metrics.CounterSink); ok {
				c.Elapsed = tc.elapsed
			}
			for name, want := range tc.want {
				if got := value(t, s, name); got != want && !(math.IsNaN(got) && math.IsNaN(want)) {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
			}
			for _, name := range tc.absent {
				if v, ok := s.Value(name); ok {
					t.Errorf("%s = %v, want no such aggregate", name, v)
				}
			}
		})
	}
}

func TestCounterSink(t *testing.T) {
	t.Parallel()
	runSinkCases(t, metrics.Counter, []sinkCase{
		{name: "empty", want: map[string]float64{"count": 0, "rate": 0},
			absent: []string{"value", "avg", "min", "max", "med", "passes", "fails", "p(95)", ""}},
		{name: "no elapsed time yet", values: []float64{1, 1, 1}, elapsed: 0,
			want: map[string]float64{"count": 3, "rate": 0}},
		{name: "negative elapsed", values: []float64{5}, elapsed: -1,
			want: map[string]float64{"count": 5, "rate": 0}},
		{name: "rate per second", values: []float64{1, 2, 3, 4}, elapsed: 4,
			want: map[string]float64{"count": 10, "rate": 2.5}},
		{name: "fractional seconds", values: []float64{3}, elapsed: 0.5,
			want: map[string]float64{"count": 3, "rate": 6}},
		{name: "bulk and negative values", values: []float64{1000, -250, 0.5}, elapsed: 10,
			want: map[string]float64{"count": 750.5, "rate": 75.05}},
	})
}

func TestCounterSinkElapsedIsReadLazily(t *testing.T) {
	t.Parallel()
	c := &metrics.CounterSink{}
	addAll(c, 10, 20)
	for _, tc := range []struct{ elapsed, rate float64 }{{1, 30}, {3, 10}, {60, 0.5}} {
		c.Elapsed = tc.elapsed
		if got := value(t, c, "rate"); got != tc.rate {
			t.Errorf("rate over %vs = %v, want %v", tc.elapsed, got, tc.rate)
		}
	}
	if c.Sum != 30 {
		t.Errorf("Sum = %v, want 30", c.Sum)
	}
}

func TestGaugeSink(t *testing.T) {
	t.Parallel()
	runSinkCases(t, metrics.Gauge, []sinkCase{
		{name: "empty", want: map[string]float64{"value": 0, "min": 0, "max": 0},
			absent: []string{"count", "rate", "avg", "med", "passes", "fails"}},
		{name: "one value sets min and max", values: []float64{7},
			want: map[string]float64{"value": 7, "min": 7, "max": 7}},
		{name: "positive values: min is not the zero value", values: []float64{5, 3, 9, 4},
			want: map[string]float64{"value": 4, "min": 3, "max": 9}},
		{name: "negative values: max is not the zero value", values: []float64{-5, -3, -9, -4},
			want: map[string]float64{"value": -4, "min": -9, "max": -3}},
		{name: "last value wins even if zero", values: []float64{10, 20, 0},
			want: map[string]float64{"value": 0, "min": 0, "max": 20}},
		{name: "vus ramp", values: []float64{0, 1, 5, 10, 10, 7, 0},
			want: map[string]float64{"value": 0, "min": 0, "max": 10}},
	})
}

func TestRateSink(t *testing.T) {
	t.Parallel()
	runSinkCases(t, metrics.Rate, []sinkCase{
		{name: "empty", want: map[string]float64{"rate": 0, "passes": 0, "fails": 0},
			absent: []string{"count", "value", "avg", "min", "max", "med"}},
		{name: "all pass", values: []float64{1, 1, 1},
			want: map[string]float64{"rate": 1, "passes": 3, "fails": 0}},
		{name: "all fail", values: []float64{0, 0},
			want: map[string]float64{"rate": 0, "passes": 0, "fails": 2}},
		{name: "mixed", values: []float64{1, 0, 1, 1},
			want: map[string]float64{"rate": 0.75, "passes": 3, "fails": 1}},
		{name: "any non-zero value is true", values: []float64{2, -1, 0.001, 0, -0.0},
			want: map[string]float64{"rate": 0.6, "passes": 3, "fails": 2}},
	})
}

func TestTrendSinkAggregates(t *testing.T) {
	t.Parallel()
	oneToTen := []float64{3, 9, 1, 10, 5, 2, 8, 4, 7, 6}
	tests := []struct {
		name   string
		values []float64
		want   map[string]float64
		pcts   map[float64]float64
	}{
		{
			name: "empty",
			want: map[string]float64{"count": 0, "avg": 0, "min": 0, "max": 0, "med": 0},
			pcts: map[float64]float64{0: 0, 50: 0, 90: 0, 95: 0, 100: 0},
		},
		{
			name:   "one value",
			values: []float64{42.5},
			want:   map[string]float64{"count": 1, "avg": 42.5, "min": 42.5, "max": 42.5, "med": 42.5},
			pcts:   map[float64]float64{0: 42.5, 1: 42.5, 50: 42.5, 99.9: 42.5, 100: 42.5},
		},
		{
			name:   "1..10 unsorted (k6 documentation example)",
			values: oneToTen,
			want:   map[string]float64{"count": 10, "avg": 5.5, "min": 1, "max": 10, "med": 5.5},
			pcts: map[float64]float64{
				0: 1, 10: 1.9, 25: 3.25, 50: 5.5, 75: 7.75, 90: 9.1, 95: 9.55, 99: 9.91, 100: 10,
			},
		},
		{
			name:   "odd count: med is the middle value",
			values: []float64{100, 1, 50, 2, 3},
			want:   map[string]float64{"count": 5, "avg": 31.2, "min": 1, "max": 100, "med": 3},
			pcts:   map[float64]float64{25: 2, 75: 50, 90: 80, 12.5: 1.5},
		},
		{
			name:   "two values",
			values: []float64{10, 0},
			want:   map[string]float64{"count": 2, "avg": 5, "min": 0, "max": 10, "med": 5},
			pcts:   map[float64]float64{0: 0, 1: 0.1, 95: 9.5, 100: 10},
		},
		{
			name:   "negative values",
			values: []float64{-1, -5, -3},
			want:   map[string]float64{"count": 3, "avg": -3, "min": -5, "max": -1, "med": -3},
			pcts:   map[float64]float64{0: -5, 25: -4, 75: -2, 100: -1},
		},
		{
			name:   "duplicates",
			values: []float64{2, 2, 2, 2, 9},
			want:   map[string]float64{"count": 5, "avg": 3.4, "min": 2, "max": 9, "med": 2},
			pcts:   map[float64]float64{75: 2, 87.5: 5.5, 100: 9},
		},
		{
			name:   "out-of-range percentiles clamp to min and max",
			values: []float64{1, 2, 3},
			pcts:   map[float64]float64{-10: 1, 150: 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			s := &metrics.TrendSink{}
			addAll(s, tt.values...)
			for name, want := range tt.want {
				if got := value(t, s, name); !closeTo(got, want, 1e-12) {
					t.Errorf("%s = %v, want %v", name, got, want)
				}
			}
			for p, want := range tt.pcts {
				if got := s.Percentile(p); !closeTo(got, want, 1e-12) {
					t.Errorf("p(%v) = %v, want %v", p, got, want)
				}
			}
			for _, name := range []string{"rate", "value", "passes", "fails", "p(95)"} {
				if v, ok := s.Value(name); ok {
					t.Errorf("%s = %v, want no such aggregate", name, v)
				}
			}
			if !s.Exact() {
				t.Error("a small trend is not exact")
			}
		})
	}
}

// closeTo compares with an absolute-or-relative tolerance for results of
// float arithmetic such as 9.1 = 9 + 1·0.1.
func closeTo(got, want, tol float64) bool {
	return math.Abs(got-want) <= tol*math.Max(1, math.Abs(want))
}

// TestTrendSinkInterleaved adds values after percentiles were read: the
// sink must re-sort and report the new distribution.
func TestTrendSinkInterleaved(t *testing.T) {
	t.Parallel()
	s := &metrics.TrendSink{}
	addAll(s, 5, 1, 3)
	if got := s.Percentile(50); got != 3 {
		t.Fatalf("med = %v, want 3", got)
	}
	addAll(s, 0, 100)
	if got := s.Percentile(50); got != 3 {
		t.Errorf("med = %v, want 3", got)
	}
	addAll(s, -10)
	if got, want := s.Percentile(50), 2.0; got != want {
		t.Errorf("med = %v, want %v", got, want)
	}
	if got := s.Percentile(0); got != -10 {
		t.Errorf("p(0) = %v, want -10", got)
	}
	if got := s.Percentile(100); got != 100 {
		t.Errorf("p(100) = %v, want 100", got)
	}
}

// TestTrendSinkExactMatchesK6 checks that, up to the exact budget, every
// percentile is bit-for-bit k6's interpolation of the sorted values.
func TestTrendSinkExactMatchesK6(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{2, 3, 7, 100, 1001, 10000} {
		s := &metrics.TrendSink{}
		vals := make([]float64, n)
		for i := range vals {
			vals[i] = math.Round(rng.NormFloat64()*1000) / 10 // duplicates and negatives
			s.Add(vals[i])
		}
		if !s.Exact() {
			t.Fatalf("n=%d: not exact", n)
		}
		sorted := slices.Sorted(slices.Values(vals))
		for _, p := range []float64{0, 0.1, 1, 10, 25, 33.3, 50, 66.6, 75, 90, 95, 99, 99.9, 99.99, 100} {
			if got, want := s.Percentile(p), k6Percentile(sorted, p); got != want {
				t.Errorf("n=%d: p(%v) = %v, want %v", n, p, got, want)
			}
		}
		if got, want := value(t, s, "med"), k6Percentile(sorted, 50); got != want {
			t.Errorf("n=%d: med = %v, want %v", n, got, want)
		}
	}
}

// TestTrendSinkExactBudget checks the switch point: exactly 10 000 values
// stay exact, the next one moves the trend into the sketch, and the exact
// aggregates (count, min, max, avg) are unaffected.
func TestTrendSinkExactBudget(t *testing.T) {
	t.Parallel()
	s := &metrics.TrendSink{}
	var sum float64
	for i := 1; i <= 10000; i++ {
		s.Add(float64(i))
		sum += float64(i)
	}
	if !s.Exact() {
		t.Fatal("10 000 values are no longer exact")
	}
	if got := s.Percentile(95); !closeTo(got, 9500.05, 1e-12) {
		t.Errorf("exact p(95) = %v, want 9500.05", got)
	}
	s.Add(10001)
	sum += 10001
	if s.Exact() {
		t.Fatal("10 001 values are still exact")
	}
	want := map[string]float64{"count": 10001, "min": 1, "max": 10001, "avg": sum / 10001}
	for name, w := range want {
		if got := value(t, s, name); got != w {
			t.Errorf("%s = %v, want %v", name, got, w)
		}
	}
	if got := s.Percentile(0); got != 1 {
		t.Errorf("p(0) = %v, want the exact min", got)
	}
	if got := s.Percentile(100); got != 10001 {
		t.Errorf("p(100) = %v, want the exact max", got)
	}
	for _, p := range []float64{1, 50, 95, 99.9} {
		exact := 1 + p/100*10000
		if got := s.Percentile(p); math.Abs(got-exact) > 0.001*exact {
			t.Errorf("p(%v) = %v, want %v ± 0.1%%", p, got, exact)
		}
	}
}
