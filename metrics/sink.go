package metrics

import (
	"math"
	"sort"

	"github.com/DataDog/sketches-go/ddsketch"
)

// Sink aggregates the samples of one metric (or sub-metric).
// Sinks are not safe for concurrent use; the metrics engine serialises access.
type Sink interface {
	Add(v float64)
	// Value returns an aggregate by k6 name: count, rate, value, min, max,
	// avg, med, passes, fails. Trends answer percentiles through Percentile.
	Value(name string) (float64, bool)
}

// NewSink returns the sink for a metric type.
func NewSink(t Type) Sink {
	switch t {
	case Counter:
		return &CounterSink{}
	case Gauge:
		return &GaugeSink{}
	case Rate:
		return &RateSink{}
	default:
		return &TrendSink{}
	}
}

// CounterSink sums values. Its rate needs the run's duration, which the
// caller sets in Elapsed before reading.
type CounterSink struct {
	Sum float64
	// Elapsed is the test run duration in seconds used for "rate".
	Elapsed float64
}

// Add implements Sink.
func (c *CounterSink) Add(v float64) { c.Sum += v }

// Value implements Sink.
func (c *CounterSink) Value(name string) (float64, bool) {
	switch name {
	case "count":
		return c.Sum, true
	case "rate":
		if c.Elapsed <= 0 {
			return 0, true
		}
		return c.Sum / c.Elapsed, true
	}
	return 0, false
}

// GaugeSink keeps the last value and the extremes.
type GaugeSink struct {
	Last, Min, Max float64
	seen           bool
}

// Add implements Sink.
func (g *GaugeSink) Add(v float64) {
	g.Last = v
	if !g.seen || v < g.Min {
		g.Min = v
	}
	if !g.seen || v > g.Max {
		g.Max = v
	}
	g.seen = true
}

// Value implements Sink.
func (g *GaugeSink) Value(name string) (float64, bool) {
	switch name {
	case "value":
		return g.Last, true
	case "min":
		return g.Min, true
	case "max":
		return g.Max, true
	}
	return 0, false
}

// RateSink counts non-zero samples among all samples.
type RateSink struct {
	Trues, Total int64
}

// Add implements Sink.
func (r *RateSink) Add(v float64) {
	r.Total++
	if v != 0 {
		r.Trues++
	}
}

// Value implements Sink.
func (r *RateSink) Value(name string) (float64, bool) {
	switch name {
	case "rate":
		if r.Total == 0 {
			return 0, true
		}
		return float64(r.Trues) / float64(r.Total), true
	case "passes":
		return float64(r.Trues), true
	case "fails":
		return float64(r.Total - r.Trues), true
	}
	return 0, false
}

// exactBudget is how many values a Trend keeps verbatim. Below it, results
// are bit-for-bit those of k6 v0.32 (which keeps every value); above it the
// values move into a sketch and memory stops growing.
const exactBudget = 10000

// sketchAccuracy is the sketch's relative accuracy: half of the promised
// 0.1%, so linear interpolation between two approximated ranks stays inside.
const sketchAccuracy = 0.0005

// TrendSink keeps count, sum, min and max exactly and the distribution
// exactly up to exactBudget values, in a DDSketch beyond that.
type TrendSink struct {
	Count         int64
	Sum, Min, Max float64
	values        []float64
	sorted        bool
	sketch        *ddsketch.DDSketch
}

// Add implements Sink.
func (t *TrendSink) Add(v float64) {
	if t.Count == 0 || v < t.Min {
		t.Min = v
	}
	if t.Count == 0 || v > t.Max {
		t.Max = v
	}
	t.Count++
	t.Sum += v
	if t.sketch != nil {
		_ = t.sketch.Add(v) // only fails for NaN/±Inf, which carry no rank
		return
	}
	t.values = append(t.values, v)
	t.sorted = false
	if len(t.values) > exactBudget {
		t.spill()
	}
}

func (t *TrendSink) spill() {
	sk, err := ddsketch.NewDefaultDDSketch(sketchAccuracy)
	if err != nil {
		panic(err) // the accuracy constant is valid
	}
	for _, v := range t.values {
		_ = sk.Add(v)
	}
	t.sketch = sk
	t.values = nil
}

// Exact reports whether percentiles are still computed from every value.
func (t *TrendSink) Exact() bool { return t.sketch == nil }

// Value implements Sink.
func (t *TrendSink) Value(name string) (float64, bool) {
	switch name {
	case "count":
		return float64(t.Count), true
	case "min":
		return t.Min, true
	case "max":
		return t.Max, true
	case "avg":
		if t.Count == 0 {
			return 0, true
		}
		return t.Sum / float64(t.Count), true
	case "med":
		return t.Percentile(50), true
	}
	return 0, false
}

// Percentile returns the p-th percentile (p in 0..100) the way k6 computes
// it: linear interpolation between the values at ranks floor and ceil of
// p/100·(count−1).
func (t *TrendSink) Percentile(p float64) float64 {
	if t.Count == 0 {
		return 0
	}
	if t.Count == 1 {
		return t.Min
	}
	if p <= 0 {
		return t.Min
	}
	if p >= 100 {
		return t.Max
	}
	rank := p / 100 * float64(t.Count-1)
	lo := math.Floor(rank)
	hi := math.Ceil(rank)
	vlo, vhi := t.atRank(lo), t.atRank(hi)
	return vlo + (vhi-vlo)*(rank-lo)
}

func (t *TrendSink) atRank(r float64) float64 {
	if t.sketch == nil {
		if !t.sorted {
			sort.Float64s(t.values)
			t.sorted = true
		}
		return t.values[int(r)]
	}
	v := sketchAtRank(t.sketch, r)
	// The sketch approximates bins; the true extremes are known exactly.
	return math.Min(math.Max(v, t.Min), t.Max)
}

func sketchAtRank(s *ddsketch.DDSketch, rank float64) float64 {
	neg := s.GetNegativeValueStore().TotalCount()
	if rank < neg {
		return -s.Value(s.GetNegativeValueStore().KeyAtRank(neg - 1 - rank))
	}
	if rank < s.GetZeroCount()+neg {
		return 0
	}
	return s.Value(s.GetPositiveValueStore().KeyAtRank(rank - s.GetZeroCount() - neg))
}
