package summary

import (
	"crypto/md5"
	"encoding/hex"
	"strings"
	"time"
)

// Data is everything the summary renderers need about a finished run.
type Data struct {
	// Metrics lists every metric and sub-metric that received samples, in
	// any order; metrics without samples must be left out, as k6 does.
	Metrics         []Metric
	RootGroup       *Group
	Options         Options
	TestRunDuration time.Duration
}

// Options are the script options that change how the summary looks.
type Options struct {
	// SummaryTrendStats are the trend columns, e.g. "avg", "min", "med",
	// "max", "count", "p(90)", "p(99.9)"; empty means k6's default
	// (DefaultTrendStats).
	SummaryTrendStats []string
	// SummaryTimeUnit is "", "s", "ms" or "us"; "" picks a unit per value.
	SummaryTimeUnit string
}

// Metric is the aggregated state of one metric or sub-metric at the end of a run.
type Metric struct {
	// Name is the full key: "http_req_duration" or
	// "http_req_duration{expected_response:true}".
	Name string
	// Parent is the parent metric's name for sub-metrics, "" otherwise.
	Parent string
	// Filter is, for sub-metrics, the text inside the braces as written
	// ("expected_response:true"); when empty it is taken from Name.
	Filter string
	// Type is "counter", "gauge", "rate" or "trend".
	Type string
	// Contains is "default", "time" (milliseconds) or "data" (bytes).
	Contains string
	// Values holds the sink's aggregates: counter: count, rate; gauge: value,
	// min, max; rate: rate, passes, fails; trend: one key per
	// Options.SummaryTrendStats entry.
	Values map[string]float64
	// Thresholds are in declaration order.
	Thresholds []Threshold
}

// Threshold is one threshold expression of a metric and its final verdict.
type Threshold struct {
	Source string
	OK     bool
}

// Group is a group() of the script, the root group having empty Name and Path.
// Groups and Checks are in first-execution order.
type Group struct {
	Name, Path, ID string
	Groups         []*Group
	Checks         []*Check
}

// Check is one check() expression with its pass and fail counts.
type Check struct {
	Name, Path, ID string
	Passes, Fails  int64
}

// Metric types and value kinds as k6 spells them.
const (
	TypeCounter = "counter"
	TypeGauge   = "gauge"
	TypeRate    = "rate"
	TypeTrend   = "trend"

	ContainsDefault = "default"
	ContainsTime    = "time"
	ContainsData    = "data"
)

// DefaultTrendStats returns k6's default summaryTrendStats.
func DefaultTrendStats() []string {
	return []string{"avg", "min", "med", "max", "p(90)", "p(95)"}
}

// IDFor returns the ID k6 gives a group or check: the hex MD5 of its path.
// The root group's path "" gives "d41d8cd98f00b204e9800998ecf8427e".
func IDFor(path string) string {
	sum := md5.Sum([]byte(path))
	return hex.EncodeToString(sum[:])
}

func (o Options) trendStats() []string {
	if len(o.SummaryTrendStats) == 0 {
		return DefaultTrendStats()
	}
	return o.SummaryTrendStats
}

func (m *Metric) isSub() bool { return m.Parent != "" }

// filter falls back to the key's braces so callers that only set Name and
// Parent still get the "{ filter }" display name.
func (m *Metric) filter() string {
	if m.Filter != "" {
		return m.Filter
	}
	i := strings.IndexByte(m.Name, '{')
	if i < 0 {
		return ""
	}
	return strings.TrimSuffix(m.Name[i+1:], "}")
}

// contains defaults to "default", the kind k6 gives metrics that were not
// declared as time or data.
func (m *Metric) contains() string {
	if m.Contains == "" {
		return ContainsDefault
	}
	return m.Contains
}
