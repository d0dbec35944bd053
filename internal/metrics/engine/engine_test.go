package engine_test

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"

	"github.com/stampede-load/stampede/internal/metrics/engine"
	"github.com/stampede-load/stampede/internal/metrics/threshold"
	"github.com/stampede-load/stampede/metrics"
)

var t0 = time.Date(2021, 5, 1, 12, 0, 0, 0, time.UTC)

// thresholds builds Config.Thresholds from the JSON of each key's list, as
// the options loader does.
func thresholds(t testing.TB, lists map[string]string) map[string][]threshold.Threshold {
	t.Helper()
	out := make(map[string][]threshold.Threshold, len(lists))
	for key, js := range lists {
		ts, err := threshold.ParseList([]byte(js))
		if err != nil {
			t.Fatalf("thresholds[%q]: %v", key, err)
		}
		out[key] = ts
	}
	return out
}

// run is one registry with the built-in metrics and an engine over it.
type run struct {
	reg *metrics.Registry
	b   *metrics.Builtin
	e   *engine.Engine
}

func newRun(t testing.TB, cfg engine.Config) *run {
	t.Helper()
	reg := metrics.NewRegistry()
	b := metrics.RegisterBuiltin(reg)
	e, err := engine.New(reg, cfg)
	if err != nil {
		t.Fatalf("engine.New: %v", err)
	}
	return &run{reg: reg, b: b, e: e}
}

func sample(m *metrics.Metric, v float64, kv ...string) metrics.Sample {
	var tags *metrics.TagSet
	for i := 0; i+1 < len(kv); i += 2 {
		tags = tags.With(kv[i], kv[i+1])
	}
	return metrics.Sample{Metric: m, Tags: tags, Time: t0, Value: v}
}

// snapshot returns the engine's series by key, and the keys in order.
func snapshot(e *engine.Engine, elapsed time.Duration) (map[string]*engine.Series, []string) {
	byKey := make(map[string]*engine.Series)
	var keys []string
	e.Snapshot(elapsed, func(all []*engine.Series) {
		for _, s := range all {
			byKey[s.Key] = s
			keys = append(keys, s.Key)
		}
	})
	return byKey, keys
}

func val(t testing.TB, s *engine.Series, name string) float64 {
	t.Helper()
	v, ok := s.Sink.Value(name)
	if !ok {
		t.Fatalf("%s: no %q", s.Key, name)
	}
	return v
}

func TestSubMetricMatching(t *testing.T) {
	t.Parallel()
	type in struct {
		value float64
		tags  []string
	}
	tests := []struct {
		key       string
		threshold string
		metric    func(*metrics.Builtin) *metrics.Metric
		samples   []in
		// wantCount and wantSum describe the samples the sub-metric got
		// (for a rate: the samples and the non-zero ones).
		wantCount, wantSum float64
	}{
		{
			key: "http_req_duration{status:200}", threshold: "p(95)<1e9",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.HTTPReqDuration },
			samples: []in{
				{1, []string{"status", "200"}},
				{2, []string{"status", "404"}},
				{4, nil},
				{8, []string{"status", "2000"}},
				{16, []string{"status", "200", "method", "GET"}},
				{32, []string{"Status", "200"}},
			},
			wantCount: 2, wantSum: 17,
		},
		{
			key: "http_req_duration{group:::g}", threshold: "avg>0",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.HTTPReqDuration },
			samples: []in{
				{1, []string{"group", "::g"}},
				{2, []string{"group", "::g::h"}},
				{4, []string{"group", ""}},
				{8, []string{"group", "g"}},
				{16, []string{"group", "::g", "status", "500"}},
			},
			wantCount: 2, wantSum: 17,
		},
		{
			key: "http_req_duration{status:200,method:GET}", threshold: "max<1e9",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.HTTPReqDuration },
			samples: []in{
				{1, []string{"status", "200", "method", "GET"}},
				{2, []string{"status", "200", "method", "POST"}},
				{4, []string{"status", "200"}},
				{8, []string{"method", "GET"}},
				{16, []string{"method", "GET", "status", "200", "url", "http://x/"}},
			},
			wantCount: 2, wantSum: 17,
		},
		{
			key: `http_req_duration{ status : "200" , name:'a b' }`, threshold: "med>=0",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.HTTPReqDuration },
			samples: []in{
				{1, []string{"status", "200", "name", "a b"}},
				{2, []string{"status", "200", "name", "a"}},
				{4, []string{"status", `"200"`, "name", "a b"}},
			},
			wantCount: 1, wantSum: 1,
		},
		{
			key: "http_req_duration{name:}", threshold: "count>0",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.HTTPReqDuration },
			samples: []in{
				{1, []string{"name", ""}},
				{2, nil}, // a missing tag is not an empty one
				{4, []string{"name", "x"}},
			},
			wantCount: 1, wantSum: 1,
		},
		{
			key: "http_req_duration{}", threshold: "count>0",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.HTTPReqDuration },
			samples: []in{
				{1, nil},
				{2, []string{"a", "b"}},
			},
			wantCount: 2, wantSum: 3,
		},
		{
			key: "checks{myTag:hola}", threshold: "rate>0",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.Checks },
			samples: []in{
				{1, []string{"myTag", "hola", "check", "c1"}},
				{0, []string{"myTag", "hola", "check", "c2"}},
				{1, []string{"myTag", "adios"}},
				{1, nil},
			},
			wantCount: 2, wantSum: 1,
		},
		{
			key: "http_req_failed{expected_response:false}", threshold: "rate<2",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.HTTPReqFailed },
			samples: []in{
				{1, []string{"expected_response", "false"}},
				{0, []string{"expected_response", "true"}},
				{1, []string{"expected_response", "false"}},
			},
			wantCount: 2, wantSum: 2,
		},
		{
			key: "iterations{scenario:default}", threshold: "count>0",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.Iterations },
			samples: []in{
				{1, []string{"scenario", "default"}},
				{1, []string{"scenario", "other"}},
				{1, []string{"scenario", "default", "vu", "3"}},
			},
			wantCount: 2, wantSum: 2,
		},
		{
			key: "vus{scenario:x}", threshold: "value>0",
			metric: func(b *metrics.Builtin) *metrics.Metric { return b.VUs },
			samples: []in{
				{5, []string{"scenario", "x"}},
				{9, nil},
				{3, []string{"scenario", "x"}},
			},
			wantCount: 2, wantSum: 3, // a gauge: wantSum is the last value
		},
	}
	for _, tt := range tests {
		t.Run(tt.key, func(t *testing.T) {
			t.Parallel()
			r := newRun(t, engine.Config{Thresholds: thresholds(t, map[string]string{
				tt.key: fmt.Sprintf("[%q]", tt.threshold),
			})})
			m := tt.metric(r.b)
			var batch []metrics.Sample
			var parentSum float64
			for _, s := range tt.samples {
				batch = append(batch, sample(m, s.value, s.tags...))
				parentSum += s.value
			}
			r.e.Add(batch)
			series, _ := snapshot(r.e, time.Second)
			sub := series[tt.key]
			if sub == nil {
				t.Fatalf("no series %q in the snapshot", tt.key)
			}
			if !sub.IsSub() || sub.Metric != m {
				t.Errorf("sub-metric: IsSub %v, metric %v", sub.IsSub(), sub.Metric.Name)
			}
			parent := series[m.Name]
			if parent == nil || parent.IsSub() {
				t.Fatalf("parent series %q missing or a sub-metric", m.Name)
			}
			switch m.Type {
			case metrics.Trend:
				if got := val(t, sub, "count"); got != tt.wantCount {
					t.Errorf("sub count = %v, want %v", got, tt.wantCount)
				}
				if got := val(t, sub, "avg") * val(t, sub, "count"); got != tt.wantSum {
					t.Errorf("sub sum = %v, want %v", got, tt.wantSum)
				}
				if got := val(t, parent, "count"); got != float64(len(tt.samples)) {
					t.Errorf("parent count = %v, want every sample (%d)", got, len(tt.samples))
				}
			case metrics.Rate:
				if got := val(t, sub, "passes") + val(t, sub, "fails"); got != tt.wantCount {
					t.Errorf("sub samples = %v, want %v", got, tt.wantCount)
				}
				if got := val(t, sub, "passes"); got != tt.wantSum {
					t.Errorf("sub passes = %v, want %v", got, tt.wantSum)
				}
			case metrics.Counter:
				if got := val(t, sub, "count"); got != tt.wantSum {
					t.Errorf("sub count = %v, want %v", got, tt.wantSum)
				}
				if got := val(t, parent, "count"); got != parentSum {
					t.Errorf("parent count = %v, want %v", got, parentSum)
				}
			case metrics.Gauge:
				if got := val(t, sub, "value"); got != tt.wantSum {
					t.Errorf("sub value = %v, want %v", got, tt.wantSum)
				}
			}
			if res := r.e.EvaluateThresholds(time.Second); len(res.Failed) != 0 {
				t.Errorf("always-true threshold failed: %v", res.Failed)
			}
		})
	}
}

func TestSubMetricFilterText(t *testing.T) {
	t.Parallel()
	key := `http_req_duration{status:200, name:"x"}`
	r := newRun(t, engine.Config{Thresholds: thresholds(t, map[string]string{key: `["avg<1"]`})})
	r.e.Add([]metrics.Sample{sample(r.b.HTTPReqDuration, 0.5, "status", "200", "name", "x")})
	series, _ := snapshot(r.e, time.Second)
	s := series[key]
	if s == nil {
		t.Fatalf("no series %q", key)
	}
	if s.FilterText != `status:200, name:"x"` {
		t.Errorf("FilterText = %q", s.FilterText)
	}
	want := []threshold.Tag{{Key: "status", Value: "200"}, {Key: "name", Value: "x"}}
	if !slices.Equal(s.Filter, want) {
		t.Errorf("Filter = %v, want %v", s.Filter, want)
	}
	if p := series["http_req_duration"]; p.Filter != nil || p.FilterText != "" || p.IsSub() {
		t.Errorf("parent series has a filter: %+v", p)
	}
}

func TestExpectedResponseSub(t *testing.T) {
	t.Parallel()
	const key = "http_req_duration{expected_response:true}"
	batch := []metrics.Sample{}
	for i, exp := range []string{"true", "false", "true", "true", "false"} {
		batch = append(batch, metrics.Sample{
			Metric: nil, // filled below
			Tags:   metrics.NewTagSet(map[string]string{"expected_response": exp, "status": fmt.Sprint(200 + i)}),
			Time:   t0,
			Value:  float64(10 * (i + 1)),
		})
	}
	t.Run("enabled", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, engine.Config{ExpectedResponseSub: true})
		b := withMetric(batch, r.b.HTTPReqDuration)
		// Another metric with the same tag must not reach the sub-metric.
		b = append(b, sample(r.b.HTTPReqWaiting, 1000, "expected_response", "true"))
		r.e.Add(b)
		series, keys := snapshot(r.e, time.Second)
		s := series[key]
		if s == nil {
			t.Fatalf("no %s in %v", key, keys)
		}
		if !s.IsSub() || len(s.Thresholds) != 0 {
			t.Errorf("IsSub = %v, %d thresholds", s.IsSub(), len(s.Thresholds))
		}
		if c, avg := val(t, s, "count"), val(t, s, "avg"); c != 3 || avg != (10+30+40)/3.0 {
			t.Errorf("count, avg = %v, %v; want 3, %v", c, avg, (10+30+40)/3.0)
		}
		if c := val(t, series["http_req_duration"], "count"); c != 5 {
			t.Errorf("parent count = %v, want 5", c)
		}
		if want := []string{"http_req_duration", key, "http_req_waiting"}; !slices.Equal(keys, want) {
			t.Errorf("snapshot keys = %v, want %v", keys, want)
		}
	})
	t.Run("disabled", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, engine.Config{})
		r.e.Add(withMetric(batch, r.b.HTTPReqDuration))
		_, keys := snapshot(r.e, time.Second)
		if want := []string{"http_req_duration"}; !slices.Equal(keys, want) {
			t.Errorf("snapshot keys = %v, want %v", keys, want)
		}
	})
	t.Run("with a threshold on the same key", func(t *testing.T) {
		t.Parallel()
		r := newRun(t, engine.Config{
			ExpectedResponseSub: true,
			Thresholds:          thresholds(t, map[string]string{key: `["max<35"]`}),
		})
		r.e.Add(withMetric(batch, r.b.HTTPReqDuration))
		series, keys := snapshot(r.e, time.Second)
		if n := countKey(keys, key); n != 1 {
			t.Fatalf("%s appears %d times in %v", key, n, keys)
		}
		if s := series[key]; len(s.Thresholds) != 1 || val(t, s, "count") != 3 {
			t.Errorf("the threshold is not on the automatic sub-metric: %d thresholds, count %v",
				len(s.Thresholds), val(t, s, "count"))
		}
		res := r.e.EvaluateThresholds(time.Second)
		if !slices.Equal(res.Failed, []string{key}) {
			t.Errorf("Failed = %v, want [%s] (max is 40)", res.Failed, key)
		}
	})
	t.Run("no http_req_duration in the registry", func(t *testing.T) {
		t.Parallel()
		e, err := engine.New(metrics.NewRegistry(), engine.Config{ExpectedResponseSub: true})
		if err != nil || e == nil {
			t.Fatalf("New = %v, %v", e, err)
		}
		_, keys := snapshot(e, time.Second)
		if len(keys) != 0 {
			t.Errorf("snapshot keys = %v, want none", keys)
		}
	})
}

func withMetric(batch []metrics.Sample, m *metrics.Metric) []metrics.Sample {
	out := slices.Clone(batch)
	for i := range out {
		out[i].Metric = m
	}
	return out
}

func countKey(keys []string, key string) int {
	n := 0
	for _, k := range keys {
		if k == key {
			n++
		}
	}
	return n
}

// step is one evaluation of a threshold scenario: add samples, evaluate at
// elapsed, expect a verdict.
type step struct {
	values     []float64
	elapsed    time.Duration
	wantFailed bool
}

func TestThresholdsEveryType(t *testing.T) {
	t.Parallel()
	trend := func(v float64, n int) []float64 {
		out := make([]float64, n)
		for i := range out {
			out[i] = v
		}
		return out
	}
	tests := []struct {
		name   string
		metric string
		typ    metrics.Type
		expr   string
		steps  []step
	}{
		{"counter count", "c", metrics.Counter, "count<3", []step{
			{[]float64{1}, time.Second, false},
			{[]float64{1, 1}, 2 * time.Second, true},
			{[]float64{-2}, 3 * time.Second, false}, // counters may go down with negative values
		}},
		{"counter rate recovers as time passes", "c", metrics.Counter, "rate<2", []step{
			{[]float64{4}, time.Second, true},      // 4/1s
			{nil, 2 * time.Second, true},           // 4/2s is not < 2
			{nil, 3 * time.Second, false},          // 4/3s
			{[]float64{10}, 5 * time.Second, true}, // 14/5s
			{nil, 10 * time.Second, false},         // 14/10s
		}},
		{"gauge value", "g", metrics.Gauge, "value<5", []step{
			{[]float64{3}, time.Second, false},
			{[]float64{7}, 2 * time.Second, true},
			{[]float64{9, 4}, 3 * time.Second, false}, // the last value counts
		}},
		{"gauge max", "g", metrics.Gauge, "max<=10", []step{
			{[]float64{10, 1}, time.Second, false},
			{[]float64{11, 0}, 2 * time.Second, true},
		}},
		{"rate", "r", metrics.Rate, "rate>0.5", []step{
			{[]float64{1, 1}, time.Second, false},
			{[]float64{0, 0, 0}, 2 * time.Second, true}, // 2/5
			{[]float64{1, 1}, 3 * time.Second, false},   // 4/7
		}},
		{"trend p(95)", "t", metrics.Trend, "p(95)<200", []step{
			{trend(100, 10), time.Second, false},
			{trend(1000, 5), 2 * time.Second, true},
			{trend(100, 200), 3 * time.Second, false},
		}},
		{"trend avg and max", "t", metrics.Trend, "avg<50 && max<100", []step{
			{[]float64{10, 20}, time.Second, false},
			{[]float64{150}, 2 * time.Second, true},
			{trend(1, 100), 3 * time.Second, true}, // avg recovered, max did not
		}},
		{"trend med", "t", metrics.Trend, "med==2", []step{
			{[]float64{1, 2, 3}, time.Second, false},
			{[]float64{4}, 2 * time.Second, true}, // 2.5
			{[]float64{0}, 3 * time.Second, false},
		}},
		{"trend count", "t", metrics.Trend, "count<=2", []step{
			{[]float64{5, 5}, time.Second, false},
			{[]float64{5}, 2 * time.Second, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := metrics.NewRegistry()
			m := reg.MustNewMetric(tt.metric, tt.typ, metrics.Default)
			e, err := engine.New(reg, engine.Config{Thresholds: thresholds(t, map[string]string{
				tt.metric: fmt.Sprintf("[%q]", tt.expr),
			})})
			if err != nil {
				t.Fatal(err)
			}
			for i, st := range tt.steps {
				var batch []metrics.Sample
				for _, v := range st.values {
					batch = append(batch, sample(m, v))
				}
				e.Add(batch)
				res := e.EvaluateThresholds(st.elapsed)
				var want []string
				if st.wantFailed {
					want = []string{tt.metric}
				}
				if !slices.Equal(res.Failed, want) {
					t.Errorf("step %d: Failed = %v, want %v", i, res.Failed, want)
				}
				if res.Abort {
					t.Errorf("step %d: Abort without abortOnFail", i)
				}
				series, _ := snapshot(e, st.elapsed)
				th := series[tt.metric].Thresholds
				if len(th) != 1 {
					t.Fatalf("step %d: %d thresholds, want 1", i, len(th))
				}
				if !th[0].Evaluated || th[0].Failed != st.wantFailed || th[0].Source != tt.expr {
					t.Errorf("step %d: threshold = %+v, want evaluated, failed=%v", i, th[0], st.wantFailed)
				}
			}
		})
	}
}

// TestCounterRateIsCountPerElapsedSecond checks the counter's rate both in
// thresholds and in snapshots, for sub-metrics too.
func TestCounterRateIsCountPerElapsedSecond(t *testing.T) {
	t.Parallel()
	r := newRun(t, engine.Config{Thresholds: thresholds(t, map[string]string{
		"http_reqs":                  `["rate==12.5"]`,
		"http_reqs{status:200}":      `["rate==10"]`,
		"data_received{scenario:no}": `["rate==0"]`,
	})})
	var batch []metrics.Sample
	for i := range 25 {
		status := "200"
		if i%5 == 0 {
			status = "500"
		}
		batch = append(batch, sample(r.b.HTTPReqs, 1, "status", status))
	}
	r.e.Add(batch)
	if res := r.e.EvaluateThresholds(2 * time.Second); len(res.Failed) != 0 {
		t.Errorf("Failed = %v, want none (25 reqs / 2 s = 12.5, 20 / 2 s = 10)", res.Failed)
	}
	series, _ := snapshot(r.e, 500*time.Millisecond)
	for key, want := range map[string]float64{"http_reqs": 50, "http_reqs{status:200}": 40} {
		if got := val(t, series[key], "rate"); got != want {
			t.Errorf("%s rate over 0.5 s = %v, want %v", key, got, want)
		}
	}
	series, _ = snapshot(r.e, 0)
	if got := val(t, series["http_reqs"], "rate"); got != 0 {
		t.Errorf("rate at 0 s = %v, want 0", got)
	}
	if got := val(t, series["http_reqs"], "count"); got != 25 {
		t.Errorf("count = %v, want 25", got)
	}
}

func TestThresholdWithoutSamplesIsNotEvaluated(t *testing.T) {
	t.Parallel()
	r := newRun(t, engine.Config{Thresholds: thresholds(t, map[string]string{
		// Each would fail if evaluated on an empty sink (0 values).
		"http_req_duration":              `[{"threshold": "avg>100", "abortOnFail": true}]`,
		"checks":                         `["rate>0.5"]`,
		"iterations":                     `["count>=1"]`,
		"vus":                            `["value>0"]`,
		"http_req_failed{status:500}":    `["rate>0.5"]`,
		"http_req_waiting{status:200}":   `["p(95)>1"]`,
		"group_duration{group:::absent}": `["max>1"]`,
	})})
	// Samples for parents of two sub-metrics, but none that match them.
	r.e.Add([]metrics.Sample{
		sample(r.b.HTTPReqFailed, 1, "status", "200"),
		sample(r.b.HTTPReqWaiting, 5, "status", "404"),
		sample(r.b.GroupDuration, 5, "group", "::present"),
	})
	for _, elapsed := range []time.Duration{time.Second, time.Hour} {
		res := r.e.EvaluateThresholds(elapsed)
		if len(res.Failed) != 0 || res.Abort {
			t.Errorf("at %v: result = %+v, want nothing failed", elapsed, res)
		}
	}
	series, keys := snapshot(r.e, time.Hour)
	if want := []string{"group_duration", "http_req_failed", "http_req_waiting"}; !slices.Equal(keys, want) {
		t.Errorf("snapshot keys = %v, want only metrics with samples %v", keys, want)
	}
	for _, s := range series {
		for _, th := range s.Thresholds {
			if th.Evaluated || th.Failed {
				t.Errorf("%s %s: Evaluated=%v Failed=%v", s.Key, th.Source, th.Evaluated, th.Failed)
			}
		}
	}
	// Once samples arrive, the threshold is evaluated.
	r.e.Add([]metrics.Sample{sample(r.b.Checks, 0)})
	if res := r.e.EvaluateThresholds(time.Second); !slices.Equal(res.Failed, []string{"checks"}) {
		t.Errorf("Failed = %v, want [checks]", res.Failed)
	}
}

func TestAbortOnFail(t *testing.T) {
	t.Parallel()
	type eval struct {
		add       []float64 // checks samples added before this evaluation
		elapsed   time.Duration
		wantAbort bool
	}
	fail, pass := []float64{0}, []float64{1}
	tests := []struct {
		name  string
		list  string
		evals []eval
	}{
		{"no abortOnFail", `["rate>0.5"]`, []eval{
			{fail, time.Second, false},
			{fail, time.Hour, false},
		}},
		{"abortOnFail false", `[{"threshold": "rate>0.5", "abortOnFail": false, "delayAbortEval": "1s"}]`, []eval{
			{fail, time.Hour, false},
		}},
		{"abortOnFail, no delay: first failure", `[{"threshold": "rate>0.5", "abortOnFail": true}]`, []eval{
			{[]float64{1, 1, 1}, 0, false},
			{[]float64{0, 0, 0, 0}, time.Millisecond, true}, // 3/7
		}},
		{"abortOnFail, no delay: failing at 0s", `[{"threshold": "rate>0.5", "abortOnFail": true}]`, []eval{
			{fail, 0, true},
		}},
		{"abortOnFail, passing", `[{"threshold": "rate>0.5", "abortOnFail": true}]`, []eval{
			{pass, time.Second, false},
			{nil, time.Hour, false},
		}},
		{"delayAbortEval 10s", `[{"threshold": "rate>0.5", "abortOnFail": true, "delayAbortEval": "10s"}]`, []eval{
			{fail, 2 * time.Second, false},
			{nil, 9999 * time.Millisecond, false},
			{nil, 10 * time.Second, true}, // elapsed ≥ delay
			{nil, 12 * time.Second, true},
		}},
		{"delayAbortEval in milliseconds", `[{"threshold": "rate>0.5", "abortOnFail": true, "delayAbortEval": 1500}]`, []eval{
			{fail, time.Second, false},
			{nil, 1500 * time.Millisecond, true},
		}},
		{"delay passed but threshold recovered", `[{"threshold": "rate>0.5", "abortOnFail": true, "delayAbortEval": "5s"}]`, []eval{
			{fail, time.Second, false},
			{[]float64{1, 1}, 6 * time.Second, false}, // 2/3
		}},
		{"only the non-aborting threshold fails", `["rate>0.99", {"threshold": "rate>0.1", "abortOnFail": true}]`, []eval{
			{[]float64{1, 0}, time.Second, false},
		}},
		{"one of several aborts", `["rate>0.99", {"threshold": "rate>0.6", "abortOnFail": true}]`, []eval{
			{[]float64{1, 0}, time.Second, true},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			r := newRun(t, engine.Config{Thresholds: thresholds(t, map[string]string{"checks": tt.list})})
			for i, ev := range tt.evals {
				var batch []metrics.Sample
				for _, v := range ev.add {
					batch = append(batch, sample(r.b.Checks, v))
				}
				r.e.Add(batch)
				res := r.e.EvaluateThresholds(ev.elapsed)
				if res.Abort != ev.wantAbort {
					t.Errorf("evaluation %d at %v: Abort = %v, want %v (failed: %v)",
						i, ev.elapsed, res.Abort, ev.wantAbort, res.Failed)
				}
				if res.Abort && len(res.Failed) == 0 {
					t.Errorf("evaluation %d: Abort without a failed threshold", i)
				}
			}
		})
	}
}

func TestNewRejectsThresholdsTheMetricTypeCannotAnswer(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		lists map[string]string
		// wantParts must all appear in the error.
		wantParts []string
	}{
		{"avg on a counter", map[string]string{"iterations": `["avg<2"]`},
			[]string{`"iterations"`, "avg", "counter"}},
		{"p(95) on a gauge", map[string]string{"vus": `["value<10", "p(95)<1"]`},
			[]string{`"vus"`, "p(95)", "gauge"}},
		{"count on a rate", map[string]string{"checks": `["count>1"]`},
			[]string{`"checks"`, "count", "rate"}},
		{"rate on a trend", map[string]string{"http_req_duration": `["rate<1"]`},
			[]string{`"http_req_duration"`, "rate", "trend"}},
		{"value on a counter sub-metric", map[string]string{"http_reqs{status:200}": `["value>0"]`},
			[]string{`"http_reqs{status:200}"`, "value", "counter"}},
		{"every problem is reported", map[string]string{
			"iterations":      `["avg<2"]`,
			"http_req_failed": `["p(99)<1"]`,
		}, []string{`"iterations"`, `"http_req_failed"`, "avg", "p(99)"}},
		{"malformed key", map[string]string{"http_req_duration{status:200": `["avg<1"]`},
			[]string{"http_req_duration{status:200", "}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			reg := metrics.NewRegistry()
			metrics.RegisterBuiltin(reg)
			e, err := engine.New(reg, engine.Config{Thresholds: thresholds(t, tt.lists)})
			if err == nil {
				t.Fatalf("New succeeded, want an error mentioning %v", tt.wantParts)
			}
			if e != nil {
				t.Error("New returned an engine with its error")
			}
			for _, part := range tt.wantParts {
				if !strings.Contains(err.Error(), part) {
					t.Errorf("error %q does not mention %s", err, part)
				}
			}
		})
	}
}

func TestUnknownMetricIsAWarning(t *testing.T) {
	t.Parallel()
	logger, hook := logtest.NewNullLogger()
	reg := metrics.NewRegistry()
	b := metrics.RegisterBuiltin(reg)
	e, err := engine.New(reg, engine.Config{
		Thresholds: thresholds(t, map[string]string{
			"my_custom":             `["count>100"]`,
			"my_custom{tag:x}":      `["avg<0"]`,
			"http_req_duration":     `["p(95)<100"]`,
			"not_a_metric_either!?": `[{"threshold": "rate>1", "abortOnFail": true}]`,
		}),
		Logger: logger,
	})
	if err != nil {
		t.Fatalf("New: %v (an unknown metric must not be an error)", err)
	}
	var warned []string
	for _, entry := range hook.AllEntries() {
		if entry.Level != logrus.WarnLevel {
			t.Errorf("log at %s: %s", entry.Level, entry.Message)
			continue
		}
		warned = append(warned, entry.Message)
	}
	for _, key := range []string{"my_custom", "my_custom{tag:x}", "not_a_metric_either!?"} {
		found := false
		for _, msg := range warned {
			found = found || strings.Contains(msg, fmt.Sprintf("%q", key))
		}
		if !found {
			t.Errorf("no warning names %q; warnings: %q", key, warned)
		}
	}
	if len(warned) != 3 {
		t.Errorf("%d warnings, want 3: %q", len(warned), warned)
	}
	// The known metric's threshold still works.
	e.Add([]metrics.Sample{sample(b.HTTPReqDuration, 500)})
	if res := e.EvaluateThresholds(time.Minute); !slices.Equal(res.Failed, []string{"http_req_duration"}) || res.Abort {
		t.Errorf("result = %+v, want only http_req_duration failed", res)
	}
}

func TestNewWithoutLogger(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	if _, err := engine.New(reg, engine.Config{Thresholds: thresholds(t, map[string]string{"nope": `["count>1"]`})}); err != nil {
		t.Fatal(err)
	}
}

// TestMetricsRegisteredAfterNew covers custom metrics created after the
// engine (several at once, sampled out of order) and a threshold key for
// a metric that only exists later: that one stays unevaluated, as warned.
func TestMetricsRegisteredAfterNew(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	b := metrics.RegisterBuiltin(reg)
	e, err := engine.New(reg, engine.Config{Thresholds: thresholds(t, map[string]string{
		"late_counter": `["count<0"]`,
	})})
	if err != nil {
		t.Fatal(err)
	}
	e.Add([]metrics.Sample{sample(b.Iterations, 1)})

	trend := reg.MustNewMetric("late_trend", metrics.Trend, metrics.Time)
	gauge := reg.MustNewMetric("late_gauge", metrics.Gauge, metrics.Default)
	counter := reg.MustNewMetric("late_counter", metrics.Counter, metrics.Default)
	rate := reg.MustNewMetric("late_rate", metrics.Rate, metrics.Default)
	// The newest metric first, so the engine has to grow past the others.
	e.Add([]metrics.Sample{
		sample(rate, 1), sample(rate, 0), sample(rate, 1), sample(rate, 1),
		sample(trend, 10), sample(trend, 30),
		sample(gauge, 4), sample(gauge, 2),
		sample(counter, 5), sample(counter, 7),
		sample(b.Iterations, 1),
	})
	series, keys := snapshot(e, 4*time.Second)
	want := []string{"iterations", "late_counter", "late_gauge", "late_rate", "late_trend"}
	if !slices.Equal(keys, want) {
		t.Fatalf("snapshot keys = %v, want %v", keys, want)
	}
	for _, c := range []struct {
		key, agg string
		want     float64
	}{
		{"iterations", "count", 2},
		{"late_counter", "count", 12},
		{"late_counter", "rate", 3},
		{"late_gauge", "value", 2},
		{"late_gauge", "max", 4},
		{"late_rate", "rate", 0.75},
		{"late_trend", "avg", 20},
		{"late_trend", "med", 20},
	} {
		if got := val(t, series[c.key], c.agg); got != c.want {
			t.Errorf("%s %s = %v, want %v", c.key, c.agg, got, c.want)
		}
	}
	if s := series["late_counter"]; s.Metric != counter || s.Metric.Type != metrics.Counter {
		t.Errorf("late_counter series has metric %+v", s.Metric)
	}
	if res := e.EvaluateThresholds(4 * time.Second); len(res.Failed) != 0 {
		t.Errorf("a threshold for a metric unknown at New was evaluated: %v", res.Failed)
	}
}

func TestSnapshot(t *testing.T) {
	t.Parallel()
	r := newRun(t, engine.Config{
		ExpectedResponseSub: true,
		Thresholds: thresholds(t, map[string]string{
			"http_req_duration":             `["p(95)<1000", "avg<500"]`,
			"http_req_duration{status:200}": `["max<100"]`,
			"http_reqs{method:GET}":         `["count>0"]`,
			"checks":                        `["rate>0.9"]`,
			"vus":                           `["value>0"]`, // no samples: not in the snapshot
		}),
	})
	custom := r.reg.MustNewMetric("a_custom", metrics.Trend, metrics.Default)
	r.e.Add([]metrics.Sample{
		sample(r.b.HTTPReqDuration, 50, "status", "200", "expected_response", "true"),
		sample(r.b.HTTPReqDuration, 150, "status", "200", "expected_response", "true"),
		sample(r.b.HTTPReqDuration, 900, "status", "503", "expected_response", "false"),
		sample(r.b.HTTPReqs, 1, "method", "GET"),
		sample(r.b.HTTPReqs, 1, "method", "POST"),
		sample(r.b.HTTPReqs, 1, "method", "GET"),
		sample(r.b.Checks, 1),
		sample(custom, -1),
		sample(r.b.DataSent, 2048),
	})
	// checks passes (rate 1); p(95) of the three durations is 825 and their
	// avg 366.7, so http_req_duration passes; max{status:200} is 150.
	res := r.e.EvaluateThresholds(3 * time.Second)
	if want := []string{"http_req_duration{status:200}"}; !slices.Equal(res.Failed, want) {
		t.Errorf("Failed = %v, want %v", res.Failed, want)
	}

	type line struct {
		key        string
		sub        bool
		thresholds []string // sources
		failed     []bool
		agg        string
		value      float64
	}
	want := []line{
		{"a_custom", false, nil, nil, "min", -1},
		{"checks", false, []string{"rate>0.9"}, []bool{false}, "rate", 1},
		{"data_sent", false, nil, nil, "rate", 2048 / 3.0},
		{"http_req_duration", false, []string{"p(95)<1000", "avg<500"}, []bool{false, false}, "count", 3},
		{"http_req_duration{expected_response:true}", true, nil, nil, "count", 2},
		{"http_req_duration{status:200}", true, []string{"max<100"}, []bool{true}, "max", 150},
		{"http_reqs", false, nil, nil, "count", 3},
		{"http_reqs{method:GET}", true, []string{"count>0"}, []bool{false}, "rate", 2 / 3.0},
	}
	var got []*engine.Series
	r.e.Snapshot(3*time.Second, func(all []*engine.Series) { got = slices.Clone(all) })
	if len(got) != len(want) {
		var keys []string
		for _, s := range got {
			keys = append(keys, s.Key)
		}
		t.Fatalf("snapshot has %d series %v, want %d", len(got), keys, len(want))
	}
	for i, w := range want {
		s := got[i]
		if s.Key != w.key {
			t.Errorf("series %d = %q, want %q", i, s.Key, w.key)
			continue
		}
		if s.IsSub() != w.sub {
			t.Errorf("%s: IsSub = %v", s.Key, s.IsSub())
		}
		var srcs []string
		var failed []bool
		for _, th := range s.Thresholds {
			srcs = append(srcs, th.Source)
			failed = append(failed, th.Failed)
			if !th.Evaluated {
				t.Errorf("%s %s: not evaluated", s.Key, th.Source)
			}
		}
		if !slices.Equal(srcs, w.thresholds) || !slices.Equal(failed, w.failed) {
			t.Errorf("%s: thresholds %v failed %v, want %v %v", s.Key, srcs, failed, w.thresholds, w.failed)
		}
		if v := val(t, s, w.agg); !approx(v, w.value) {
			t.Errorf("%s: %s = %v, want %v", s.Key, w.agg, v, w.value)
		}
	}
}

func approx(a, b float64) bool {
	d := a - b
	return d < 1e-9 && d > -1e-9
}

// TestConcurrentAdd feeds batches from several goroutines while thresholds
// are evaluated and snapshots taken, as the run loop does. Run with -race.
func TestConcurrentAdd(t *testing.T) {
	t.Parallel()
	r := newRun(t, engine.Config{
		ExpectedResponseSub: true,
		Thresholds: thresholds(t, map[string]string{
			"http_req_duration{status:200}": `["p(95)<1e9"]`,
			"http_reqs":                     `["count>=0"]`,
		}),
	})
	const goroutines, batches, perBatch = 8, 50, 64
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Go(func() {
			tags := metrics.NewTagSet(map[string]string{"status": "200", "expected_response": "true", "vu": fmt.Sprint(g)})
			batch := make([]metrics.Sample, 0, 2*perBatch)
			for range batches {
				batch = batch[:0]
				for i := range perBatch {
					batch = append(batch,
						metrics.Sample{Metric: r.b.HTTPReqDuration, Tags: tags, Time: t0, Value: float64(i)},
						metrics.Sample{Metric: r.b.HTTPReqs, Tags: tags, Time: t0, Value: 1})
				}
				r.e.Add(batch)
			}
		})
	}
	done := make(chan struct{})
	var evals sync.WaitGroup
	evals.Go(func() {
		for {
			select {
			case <-done:
				return
			default:
			}
			r.e.EvaluateThresholds(time.Second)
			r.e.Snapshot(time.Second, func([]*engine.Series) {})
		}
	})
	wg.Wait()
	close(done)
	evals.Wait()
	series, _ := snapshot(r.e, time.Second)
	const total = goroutines * batches * perBatch
	for _, key := range []string{"http_req_duration", "http_req_duration{status:200}",
		"http_req_duration{expected_response:true}", "http_reqs"} {
		if got := val(t, series[key], "count"); got != total {
			t.Errorf("%s count = %v, want %d", key, got, total)
		}
	}
}
