package engine

import (
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/internal/metrics/threshold"
	"github.com/stampede-load/stampede/metrics"
)

// Series is one summary line's worth of aggregated data: a metric or a
// sub-metric, with its thresholds.
type Series struct {
	// Key is "name" or "name{filter}" exactly as written.
	Key    string
	Metric *metrics.Metric
	// Filter is the sub-metric's tag filter (nil for a whole metric) and
	// FilterText its text between the braces.
	Filter     []threshold.Tag
	FilterText string
	Sink       metrics.Sink
	Thresholds []*Threshold
	seen       bool

	// The filter's verdict on the last tag set seen: a request's samples,
	// and often consecutive requests, share one set.
	lastTags  *metrics.TagSet
	lastMatch bool
}

// matches reports whether a sample with tags belongs to the sub-metric.
func (s *Series) matches(tags *metrics.TagSet) bool {
	if tags != s.lastTags || s.lastTags == nil {
		s.lastTags, s.lastMatch = tags, threshold.Matches(s.Filter, tags.Get)
	}
	return s.lastMatch
}

// IsSub reports whether the series is a sub-metric.
func (s *Series) IsSub() bool { return s.Filter != nil || s.FilterText != "" }

// Threshold is one threshold with its latest verdict.
type Threshold struct {
	threshold.Threshold
	// Failed is the verdict of the last evaluation.
	Failed bool
	// Evaluated is false until the series had samples at an evaluation.
	Evaluated bool
}

// Config configures an Engine.
type Config struct {
	// Thresholds by metric key ("http_req_duration{status:200}").
	Thresholds map[string][]threshold.Threshold
	// ExpectedResponseSub adds the http_req_duration{expected_response:true}
	// sub-metric k6 shows by default.
	ExpectedResponseSub bool
	Logger              logrus.FieldLogger
}

// Engine aggregates a run's samples.
type Engine struct {
	reg    *metrics.Registry
	logger logrus.FieldLogger

	mu     sync.Mutex
	series []*Series   // metric series by metric ID
	subs   [][]*Series // sub-metric series by parent metric ID
	all    []*Series   // every series with thresholds or sub-metrics, for lookups
	byKey  map[string]*Series
}

// New builds an engine for the metrics in reg. Every threshold is checked
// against its metric's type now, so mistakes are reported before the test.
func New(reg *metrics.Registry, cfg Config) (*Engine, error) {
	e := &Engine{reg: reg, logger: cfg.Logger, byKey: make(map[string]*Series)}
	if e.logger == nil {
		l := logrus.New()
		l.Out = nopWriter{}
		e.logger = l
	}
	if cfg.ExpectedResponseSub {
		if _, err := e.seriesFor("http_req_duration{expected_response:true}"); err != nil {
			return nil, err
		}
	}
	keys := make([]string, 0, len(cfg.Thresholds))
	for k := range cfg.Thresholds {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var problems []error
	for _, key := range keys {
		s, err := e.seriesFor(key)
		if err != nil {
			problems = append(problems, err)
			continue
		}
		if s == nil {
			e.logger.Warnf("there is a threshold on the metric %q, which the script never defines: it will not be evaluated", key)
			continue
		}
		for _, th := range cfg.Thresholds[key] {
			if err := threshold.Check(th.Expr, s.Metric.Type.String()); err != nil {
				problems = append(problems, fmt.Errorf("thresholds[%q]: %w", key, err))
				continue
			}
			s.Thresholds = append(s.Thresholds, &Threshold{Threshold: th})
		}
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return e, nil
}

// seriesFor returns (creating) the series for a metric key; nil when the
// metric does not exist.
func (e *Engine) seriesFor(key string) (*Series, error) {
	if s, ok := e.byKey[key]; ok {
		return s, nil
	}
	name, filter, err := threshold.ParseMetricKey(key)
	if err != nil {
		return nil, fmt.Errorf("thresholds: %w", err)
	}
	m := e.reg.Get(name)
	if m == nil {
		return nil, nil
	}
	e.grow(m.ID)
	var s *Series
	if len(filter) == 0 && name == key {
		s = e.series[m.ID]
	} else {
		s = &Series{Key: key, Metric: m, Filter: filter, FilterText: filterText(key), Sink: metrics.NewSink(m.Type)}
		if s.Filter == nil {
			s.Filter = []threshold.Tag{}
		}
		e.subs[m.ID] = append(e.subs[m.ID], s)
	}
	e.byKey[key] = s
	e.all = append(e.all, s)
	return s, nil
}

func filterText(key string) string {
	for i := range key {
		if key[i] == '{' {
			t := key[i+1:]
			if n := len(t); n > 0 && t[n-1] == '}' {
				t = t[:n-1]
			}
			return t
		}
	}
	return ""
}

// grow makes room for metric IDs registered after the engine was built.
func (e *Engine) grow(id int) {
	for len(e.series) <= id {
		m := e.metricByID(len(e.series))
		e.series = append(e.series, &Series{Key: m.Name, Metric: m, Sink: metrics.NewSink(m.Type)})
		e.subs = append(e.subs, nil)
	}
}

func (e *Engine) metricByID(id int) *metrics.Metric {
	for _, m := range e.reg.All() {
		if m.ID == id {
			return m
		}
	}
	panic(fmt.Sprintf("engine: no metric with ID %d", id))
}

// Add ingests one batch of samples.
func (e *Engine) Add(batch []metrics.Sample) {
	e.mu.Lock()
	defer e.mu.Unlock()
	for i := range batch {
		s := &batch[i]
		id := s.Metric.ID
		if id >= len(e.series) {
			e.grow(id)
		}
		ser := e.series[id]
		ser.Sink.Add(s.Value)
		ser.seen = true
		for _, sub := range e.subs[id] {
			if sub.matches(s.Tags) {
				sub.Sink.Add(s.Value)
				sub.seen = true
			}
		}
	}
}

// Result is the outcome of a threshold evaluation.
type Result struct {
	// Failed lists the keys of series with a failed threshold.
	Failed []string
	// Abort is true when a failed threshold has abortOnFail set and its
	// delayAbortEval has passed.
	Abort bool
}

// EvaluateThresholds evaluates every threshold of every series that has
// samples; elapsed is the test's run time so far (for counter rates and
// delayAbortEval).
func (e *Engine) EvaluateThresholds(elapsed time.Duration) Result {
	e.mu.Lock()
	defer e.mu.Unlock()
	var r Result
	for _, s := range e.all {
		if len(s.Thresholds) == 0 || !s.seen {
			continue
		}
		setElapsed(s.Sink, elapsed)
		failed := false
		for _, th := range s.Thresholds {
			ok, err := th.Expr.Eval(values{s.Sink})
			if err != nil {
				e.logger.WithError(err).Error("Threshold error")
				continue
			}
			th.Evaluated = true
			th.Failed = !ok
			if !ok {
				failed = true
				if th.AbortOnFail && elapsed >= th.DelayAbortEval {
					r.Abort = true
				}
			}
		}
		if failed {
			r.Failed = append(r.Failed, s.Key)
		}
	}
	sort.Strings(r.Failed)
	return r
}

func setElapsed(s metrics.Sink, elapsed time.Duration) {
	if c, ok := s.(*metrics.CounterSink); ok {
		c.Elapsed = elapsed.Seconds()
	}
}

// Snapshot calls f with every series that received samples, sorted by key,
// with counter rates computed over elapsed. The engine is locked while f
// runs, so f must not call back into the engine.
func (e *Engine) Snapshot(elapsed time.Duration, f func([]*Series)) {
	e.mu.Lock()
	defer e.mu.Unlock()
	var out []*Series
	for _, s := range e.series {
		if s.seen {
			setElapsed(s.Sink, elapsed)
			out = append(out, s)
		}
	}
	for _, subs := range e.subs {
		for _, s := range subs {
			if s.seen {
				setElapsed(s.Sink, elapsed)
				out = append(out, s)
			}
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Key < out[j].Key })
	f(out)
}

// values adapts a sink to threshold.Values.
type values struct{ s metrics.Sink }

func (v values) Value(name string) (float64, bool) { return v.s.Value(name) }

func (v values) Percentile(p float64) (float64, bool) {
	t, ok := v.s.(*metrics.TrendSink)
	if !ok {
		return 0, false
	}
	return t.Percentile(p), true
}

type nopWriter struct{}

func (nopWriter) Write(p []byte) (int, error) { return len(p), nil }
