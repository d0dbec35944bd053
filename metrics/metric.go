package metrics

import (
	"fmt"
	"sort"
	"strings"
	"sync"
	"unicode"
)

// Type is the kind of aggregation a metric gets.
type Type uint8

// The four k6 metric types.
const (
	Counter Type = iota
	Gauge
	Rate
	Trend
)

func (t Type) String() string {
	switch t {
	case Counter:
		return "counter"
	case Gauge:
		return "gauge"
	case Rate:
		return "rate"
	case Trend:
		return "trend"
	}
	return fmt.Sprintf("Type(%d)", uint8(t))
}

// ValueType says what a metric's values measure; it decides their formatting.
type ValueType uint8

// The value types k6 knows ("contains" in summaries).
const (
	Default ValueType = iota
	Time              // milliseconds
	Data              // bytes
)

func (v ValueType) String() string {
	switch v {
	case Time:
		return "time"
	case Data:
		return "data"
	}
	return "default"
}

// Metric is one named metric of a run. Metrics are created by a Registry and
// never change afterwards, so they can be shared by all goroutines.
type Metric struct {
	Name     string
	Type     Type
	Contains ValueType
	// ID is the metric's index in its registry: sinks are kept in slices
	// indexed by it, so the hot path needs no map lookup.
	ID int
}

// validName is k6 v0.32's rule for metric names, the regular expression
// ^[\p{L}\p{N}\._ !\?/&#\(\)<>%-]{1,128}$: letters, digits and a few
// punctuation characters, 1 to 128 of them. It is checked by hand because
// compiling that expression (the repetition copies the Unicode classes 128
// times) took a third of stampede's start-up time.
func validName(name string) bool {
	n := 0
	for _, r := range name { // invalid UTF-8 yields U+FFFD, which is refused
		n++
		if n > 128 || !unicode.IsLetter(r) && !unicode.IsNumber(r) && !strings.ContainsRune("._ !?/&#()<>%-", r) {
			return false
		}
	}
	return n > 0
}

// Registry holds the metrics of one test run.
type Registry struct {
	mu     sync.RWMutex
	byName map[string]*Metric
	list   []*Metric
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry {
	return &Registry{byName: make(map[string]*Metric)}
}

// NewMetric registers a metric, or returns the existing one when a metric of
// that name and type already exists. Redefining a metric with another type
// is an error (k6 v0.32 silently kept the first type; silently mixing types
// corrupts the summary).
func (r *Registry) NewMetric(name string, t Type, contains ValueType) (*Metric, error) {
	if !validName(name) {
		return nil, fmt.Errorf("Invalid metric name: '%s'", name) //nolint:staticcheck // k6's message
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if m, ok := r.byName[name]; ok {
		if m.Type != t {
			return nil, fmt.Errorf("metric %q already exists as a %s, cannot redefine it as a %s", name, m.Type, t)
		}
		return m, nil
	}
	m := &Metric{Name: name, Type: t, Contains: contains, ID: len(r.list)}
	r.byName[name] = m
	r.list = append(r.list, m)
	return m, nil
}

// MustNewMetric is NewMetric for built-in names known to be valid.
func (r *Registry) MustNewMetric(name string, t Type, contains ValueType) *Metric {
	m, err := r.NewMetric(name, t, contains)
	if err != nil {
		panic(err)
	}
	return m
}

// Get returns the metric with that name, or nil.
func (r *Registry) Get(name string) *Metric {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.byName[name]
}

// All returns the registered metrics sorted by name.
func (r *Registry) All() []*Metric {
	r.mu.RLock()
	out := append([]*Metric(nil), r.list...)
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// Len reports how many metrics are registered.
func (r *Registry) Len() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return len(r.list)
}
