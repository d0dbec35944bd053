package threshold

import (
	"fmt"
	"strings"
)

// AggregationError reports an aggregate a threshold reads but its metric does
// not provide. Check returns it before the test starts (with MetricType and
// Supported set); Eval returns it when a Values implementation lacks the
// aggregate at run time.
type AggregationError struct {
	Source      string   // the threshold expression
	Aggregation string   // e.g. "avg" or "p(95)"
	MetricType  string   // e.g. "counter"; empty when raised by Eval
	Supported   []string // what MetricType provides; empty when raised by Eval
}

func (e *AggregationError) Error() string {
	if e.MetricType == "" {
		return fmt.Sprintf("threshold %q: the metric provides no %q value", e.Source, e.Aggregation)
	}
	return fmt.Sprintf("threshold %q uses %q, which %s metrics do not provide (supported: %s)",
		e.Source, e.Aggregation, e.MetricType, strings.Join(e.Supported, ", "))
}

// SupportedBy lists the aggregates a metric type ("counter", "gauge", "rate"
// or "trend", case-insensitive) provides to thresholds, with "p(N)" standing
// for every percentile. It returns nil for an unknown type. This is also the
// list a Values implementation must answer for that type.
//
// v0.32 gave gauges only value; min and max are accepted as well because the
// gauge sink tracks them anyway and v0.32 users had no reason to write them.
// Trends offer count too, as later k6 versions do.
func SupportedBy(metricType string) []string {
	switch strings.ToLower(metricType) {
	case "counter":
		return []string{"count", "rate"}
	case "gauge":
		return []string{"value", "min", "max"}
	case "rate":
		return []string{"rate"}
	case "trend":
		return []string{"avg", "min", "max", "med", "count", "p(N)"}
	}
	return nil
}

// Check reports whether every aggregate e reads is provided by metricType,
// so that a threshold like "avg<200" on a counter fails at startup with a
// clear message instead of erroring on every evaluation. The error is an
// *AggregationError naming the first unsupported aggregate, or a plain error
// for an unknown metric type.
func Check(e *Expr, metricType string) error {
	supported := SupportedBy(metricType)
	if supported == nil {
		return fmt.Errorf("threshold %q: unknown metric type %q (want counter, gauge, rate or trend)", e.src, metricType)
	}
	for _, agg := range e.aggs {
		want := agg
		if strings.HasPrefix(agg, "p(") {
			want = "p(N)"
		}
		found := false
		for _, s := range supported {
			if s == want {
				found = true
				break
			}
		}
		if !found {
			return &AggregationError{
				Source:      e.src,
				Aggregation: agg,
				MetricType:  strings.ToLower(metricType),
				Supported:   supported,
			}
		}
	}
	return nil
}
