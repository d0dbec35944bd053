package run

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/internal/config"
	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/js"
	"github.com/stampede-load/stampede/internal/metrics/threshold"
	"github.com/stampede-load/stampede/internal/scenario"
	"github.com/stampede-load/stampede/internal/summary"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"

	_ "github.com/stampede-load/stampede/internal/jsmods/k6"         // "k6"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/metrics" // "k6/metrics"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// memFiles serves scripts from memory.
type memFiles map[string]string

func (m memFiles) ReadFile(p string) ([]byte, error) {
	if s, ok := m[p]; ok {
		return []byte(s), nil
	}
	return nil, fs.ErrNotExist
}

// lockedBuffer is a log sink that VU goroutines may write concurrently.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

// test is one run under test: its configuration and its log.
type runTest struct {
	cfg  Config
	logs *lockedBuffer
}

// newRunTest compiles src as /s/script.js and prepares a run of the
// scenarios (the JSON of the "scenarios" option) with thresholds (metric
// key → JSON threshold list).
func newRunTest(t *testing.T, src, scenarios string, thresholds map[string]string) *runTest {
	t.Helper()
	logs := &lockedBuffer{}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("log:\n%s", logs)
		}
	})
	logger := logrus.New()
	logger.SetOutput(logs)
	logger.SetLevel(logrus.DebugLevel)
	logger.SetFormatter(&logrus.TextFormatter{DisableTimestamp: true, DisableColors: true})

	reg := metrics.NewRegistry()
	bm := metrics.RegisterBuiltin(reg)
	b, err := js.NewBundle(t.Context(), js.Config{
		FS: memFiles{"/s/script.js": src}, Filename: "/s/script.js", Source: []byte(src),
		Env: map[string]string{"FROM_ENV": "yes"}, Logger: logger, Registry: reg, Builtin: bm,
	})
	if err != nil {
		t.Fatalf("compiling the script: %v", err)
	}
	scs, err := scenario.ParseScenarios([]byte(scenarios))
	if err != nil {
		t.Fatalf("scenarios: %v", err)
	}
	if errs := scs.Validate(); len(errs) > 0 {
		t.Fatalf("scenarios: %v", errors.Join(errs...))
	}
	maxVUs, _ := config.PlanSummary(scs)
	ths := map[string][]threshold.Threshold{}
	for key, raw := range thresholds {
		list, err := threshold.ParseList([]byte(raw))
		if err != nil {
			t.Fatalf("thresholds[%q]: %v", key, err)
		}
		ths[key] = list
	}
	return &runTest{logs: logs, cfg: Config{
		Bundle: b, Registry: reg, Builtin: bm, Logger: logger,
		Scenarios: scs.Sorted(), MaxVUs: maxVUs,
		Thresholds: ths,
		JSOptions:  jsmod.Options{SystemTags: metrics.DefaultSystemTags},
	}}
}

func (tt *runTest) run(ctx context.Context, t *testing.T) (*Result, error) {
	t.Helper()
	return Run(ctx, tt.cfg)
}

// mustRun runs the test and fails on an error.
func (tt *runTest) mustRun(t *testing.T) *Result {
	t.Helper()
	res, err := tt.run(t.Context(), t)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	if res == nil {
		t.Fatal("no result")
	}
	return res
}

// summaryMetrics returns the summary's metrics by key.
func summaryMetrics(res *Result, trendStats ...string) map[string]summary.Metric {
	out := map[string]summary.Metric{}
	for _, m := range res.SummaryData(trendStats, "").Metrics {
		out[m.Name] = m
	}
	return out
}

// value returns one value of a metric, NaN when the metric is absent.
func metricValue(res *Result, key, stat string) float64 {
	m, ok := summaryMetrics(res)[key]
	if !ok {
		return math.NaN()
	}
	v, ok := m.Values[stat]
	if !ok {
		return math.NaN()
	}
	return v
}

// checks returns every check of the run by path.
func checksByPath(res *Result) map[string]*summary.Check {
	out := map[string]*summary.Check{}
	var walk func(g *summary.Group)
	walk = func(g *summary.Group) {
		for _, c := range g.Checks {
			out[c.Path] = c
		}
		for _, s := range g.Groups {
			walk(s)
		}
	}
	walk(convertGroup(res.Root))
	return out
}

func TestIterationCounts(t *testing.T) {
	t.Parallel()
	const src = `
import { Counter } from 'k6/metrics';
const calls = new Counter('calls');
export default function () { calls.add(1, { fn: 'default', who: String(__ENV.WHO) }); }
export function other() { calls.add(1, { fn: 'other', who: String(__ENV.WHO) }); }
`
	for _, tc := range []struct {
		name      string
		scenarios string
		want      map[string]float64 // metric key → count
		maxVUs    int64              // VUs the plan needs, if checked
	}{
		{
			name:      "shared iterations",
			scenarios: `{"default": {"executor": "shared-iterations", "vus": 3, "iterations": 10}}`,
			want:      map[string]float64{"iterations": 10, "calls": 10},
		},
		{
			name:      "per-VU iterations",
			scenarios: `{"p": {"executor": "per-vu-iterations", "vus": 3, "iterations": 4}}`,
			want:      map[string]float64{"iterations": 12, "iterations{scenario:p}": 12},
		},
		{
			name: "two scenarios with their own exec functions",
			scenarios: `{
				"a": {"executor": "shared-iterations", "vus": 2, "iterations": 5, "startTime": "1s"},
				"b": {"executor": "per-vu-iterations", "vus": 2, "iterations": 3, "exec": "other", "env": {"WHO": "b"},
					"maxDuration": "1s", "gracefulStop": "0s"}
			}`,
			// The plans do not overlap, so only 2 VUs exist and a reuses
			// b's; b's env must not stay with them.
			maxVUs: 2,
			want: map[string]float64{
				"iterations": 11, "iterations{scenario:a}": 5, "iterations{scenario:b}": 6,
				"calls{fn:default}": 5, "calls{fn:other}": 6, "calls{who:b}": 6, "calls{who:undefined}": 5,
			},
		},
		{
			name:      "scenario tags",
			scenarios: `{"tagged": {"executor": "shared-iterations", "vus": 1, "iterations": 2, "tags": {"team": "qa"}}}`,
			want:      map[string]float64{"calls{team:qa}": 2, "iterations{team:qa}": 2},
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			// Sub-metrics exist only when something refers to them, so
			// every key gets an always-true threshold.
			ths := map[string]string{}
			for key := range tc.want {
				ths[key] = `["count>=0"]`
			}
			tt := newRunTest(t, src, tc.scenarios, ths)
			if tc.maxVUs != 0 && tt.cfg.MaxVUs != tc.maxVUs {
				t.Fatalf("%d VUs planned, want %d", tt.cfg.MaxVUs, tc.maxVUs)
			}
			res := tt.mustRun(t)
			for key, want := range tc.want {
				if got := metricValue(res, key, "count"); got != want {
					t.Errorf("%s count = %v, want %v", key, got, want)
				}
			}
			if got := float64(res.Status.Complete); got != tc.want["iterations"] && tc.want["iterations"] != 0 {
				t.Errorf("status: %v complete iterations, want %v", got, tc.want["iterations"])
			}
			if res.Status.Interrupted != 0 || !res.Status.Done || res.Aborted || res.Interrupted {
				t.Errorf("status %+v aborted %v interrupted %v", res.Status, res.Aborted, res.Interrupted)
			}
			if len(res.FailedThresholds) != 0 {
				t.Errorf("failed thresholds %v", res.FailedThresholds)
			}
		})
	}
}

func TestSetupDataIsCopiedToEveryVU(t *testing.T) {
	t.Parallel()
	const src = `
import { check } from 'k6';
export function setup() {
  check(__VU, { 'setup runs as VU 0': (v) => v === 0 });
  return { n: 1, list: [1, 2], when: new Date(0), fn: function () {}, nested: { s: 'x' } };
}
export default function (data) {
  check(data, {
    'own copy': (d) => d.n === __ITER + 1,
    'json shape': (d) => d.list.length === 2 + __ITER && d.when === '1970-01-01T00:00:00.000Z' &&
      d.fn === undefined && d.nested.s === 'x',
    'env': () => __ENV.FROM_ENV === 'yes',
  });
  data.n++; // a VU's changes stay with that VU
  data.list.push(3);
}
export function teardown(data) {
  check(data, { 'teardown gets the original': (d) => d.n === 1 && d.list.length === 2 });
}
`
	res := newRunTest(t, src, `{"default": {"executor": "per-vu-iterations", "vus": 3, "iterations": 3}}`, nil).mustRun(t)
	c := checksByPath(res)
	for path, want := range map[string]int64{
		"::setup::setup runs as VU 0":            1,
		"::own copy":                             9,
		"::json shape":                           9,
		"::env":                                  9,
		"::teardown::teardown gets the original": 1,
	} {
		got, ok := c[path]
		if !ok {
			t.Errorf("check %s missing (have %v)", path, mapKeys(c))
			continue
		}
		if got.Passes != want || got.Fails != 0 {
			t.Errorf("check %s: %d passes %d fails, want %d passes", path, got.Passes, got.Fails, want)
		}
	}
	// setup and teardown emit iteration_duration (group ::setup and
	// ::teardown) but not iterations.
	if got := metricValue(res, "iterations", "count"); got != 9 {
		t.Errorf("iterations = %v, want 9", got)
	}
	if got := summaryMetrics(res, "count")["iteration_duration"].Values["count"]; got != 11 {
		t.Errorf("iteration_duration count = %v, want 9 iterations + setup + teardown", got)
	}
}

func TestSetupReturningNothing(t *testing.T) {
	t.Parallel()
	const src = `
import { check } from 'k6';
export function setup() {}
export default function (data) { check(data, { 'undefined': (d) => d === undefined }); }
export function teardown(data) { check(data, { 'teardown undefined': (d) => d === undefined }); }
`
	res := newRunTest(t, src, `{"default": {"executor": "shared-iterations", "vus": 1, "iterations": 2}}`, nil).mustRun(t)
	c := checksByPath(res)
	if c["::undefined"] == nil || c["::undefined"].Passes != 2 || c["::teardown::teardown undefined"] == nil ||
		c["::teardown::teardown undefined"].Passes != 1 {
		t.Errorf("checks = %v", c)
	}
}

func TestNoSetupNoTeardown(t *testing.T) {
	t.Parallel()
	const src = `
import { Counter } from 'k6/metrics';
const ran = new Counter('lifecycle');
export function setup() { ran.add(1, { fn: 'setup' }); return 1; }
export default function (data) { ran.add(1, { fn: 'default', data: String(data) }); }
export function teardown() { ran.add(1, { fn: 'teardown' }); }
`
	tt := newRunTest(t, src, `{"default": {"executor": "shared-iterations", "vus": 1, "iterations": 1}}`,
		map[string]string{"lifecycle{fn:default}": `["count>=0"]`, "lifecycle{data:undefined}": `["count>=0"]`})
	tt.cfg.NoSetup, tt.cfg.NoTeardown = true, true
	res := tt.mustRun(t)
	if got := metricValue(res, "lifecycle", "count"); got != 1 {
		t.Errorf("lifecycle calls = %v, want only the iteration", got)
	}
	if got := metricValue(res, "lifecycle{data:undefined}", "count"); got != 1 {
		t.Errorf("with noSetup the iteration must get undefined (%v)", summaryMetrics(res))
	}
}

func TestCancelStillRunsTeardown(t *testing.T) {
	t.Parallel()
	// The first Ctrl-C cancels the run's context: VUs are interrupted,
	// teardown still runs with a context of its own, a Result comes back
	// and every sample pushed before the cancel reaches the engine.
	const src = `
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
const started = new Counter('started');
const teardowns = new Counter('teardowns');
export default function () {
  started.add(1);
  sleep(0.02);
}
export function teardown() {
  sleep(0.05); // not cut short: the run's context is already cancelled
  teardowns.add(1);
}
`
	tt := newRunTest(t, src, `{"default": {"executor": "constant-vus", "vus": 3, "duration": "30s"}}`, nil)
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	// Progress first reports after a second of running, right after the
	// vus gauges were sampled: cancel a little later.
	var once sync.Once
	tt.cfg.Progress = func(Status) { once.Do(func() { time.AfterFunc(300*time.Millisecond, cancel) }) }
	start := time.Now()
	res, err := tt.run(ctx, t)
	if err != nil {
		t.Fatalf("run after cancel: %v", err)
	}
	if el := time.Since(start); el > 15*time.Second {
		t.Errorf("run took %v after the cancel", el)
	}
	if res == nil {
		t.Fatal("no result after cancel")
	}
	if !res.Interrupted || res.Aborted {
		t.Errorf("interrupted %v aborted %v", res.Interrupted, res.Aborted)
	}
	if got := metricValue(res, "teardowns", "count"); got != 1 {
		t.Errorf("teardown ran %v times, want 1", got)
	}
	st := res.Status
	if st.Complete == 0 {
		t.Fatal("no iteration completed in 1.3 s")
	}
	// No sample lost: every iteration that started pushed "started",
	// every completed one pushed "iterations".
	if got := metricValue(res, "iterations", "count"); got != float64(st.Complete) {
		t.Errorf("iterations metric %v, status says %d complete", got, st.Complete)
	}
	if got := metricValue(res, "started", "count"); got != float64(st.Complete+st.Interrupted) {
		t.Errorf("started %v, want complete %d + interrupted %d", got, st.Complete, st.Interrupted)
	}
	if st.Interrupted > 3 {
		t.Errorf("%d interrupted iterations from 3 VUs", st.Interrupted)
	}
	// The run lasted over a second, so the vus gauges were sampled.
	if got := metricValue(res, "vus_max", "value"); got != 3 {
		t.Errorf("vus_max = %v, want 3", got)
	}
	if got := metricValue(res, "vus", "max"); got != 3 {
		t.Errorf("vus max = %v, want 3", got)
	}
	if m := summaryMetrics(res)["vus"]; m.Type != "gauge" {
		t.Errorf("vus is a %q", m.Type)
	}
}

func TestThresholdAbortOnFail(t *testing.T) {
	t.Parallel()
	const src = `
import { sleep } from 'k6';
import { Counter } from 'k6/metrics';
const failures = new Counter('failures');
const teardowns = new Counter('teardowns');
export default function () { failures.add(1); sleep(0.05); }
export function teardown() { teardowns.add(1); }
`
	tt := newRunTest(t, src, `{"default": {"executor": "constant-vus", "vus": 2, "duration": "30s"}}`, map[string]string{
		"failures":   `[{"threshold": "count<1", "abortOnFail": true}]`,
		"iterations": `["count>0"]`,
	})
	start := time.Now()
	res, err := tt.run(t.Context(), t)
	if err != nil {
		t.Fatalf("run: %v", err)
	}
	// Thresholds are evaluated every 2 s, so the abort comes at about 2 s;
	// the bound is loose for slow CI machines.
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("abortOnFail did not stop the 30 s test early: %v", el)
	}
	if !res.Aborted || res.Interrupted {
		t.Errorf("aborted %v interrupted %v", res.Aborted, res.Interrupted)
	}
	if !slices.Contains(res.FailedThresholds, "failures") || slices.Contains(res.FailedThresholds, "iterations") {
		t.Errorf("failed thresholds %v", res.FailedThresholds)
	}
	if got := metricValue(res, "teardowns", "count"); got != 1 {
		t.Errorf("teardown ran %v times after the abort, want 1", got)
	}
	if !strings.Contains(tt.logs.String(), "abortOnFail") {
		t.Errorf("no abort warning in the log")
	}
	th := summaryMetrics(res)["failures"].Thresholds
	if len(th) != 1 || th[0].Source != "count<1" || th[0].OK {
		t.Errorf("failures thresholds %+v", th)
	}
}

func TestNoThresholds(t *testing.T) {
	t.Parallel()
	const src = `export default function () {}`
	tt := newRunTest(t, src, `{"default": {"executor": "shared-iterations", "vus": 1, "iterations": 1}}`,
		map[string]string{"iterations": `["count>100"]`})
	tt.cfg.NoThresholds = true
	res := tt.mustRun(t)
	if len(res.FailedThresholds) != 0 {
		t.Errorf("failed thresholds %v with NoThresholds", res.FailedThresholds)
	}
	if th := summaryMetrics(res)["iterations"].Thresholds; len(th) != 0 {
		t.Errorf("thresholds in the summary: %+v", th)
	}
}

func TestSetupAndTeardownErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name         string
		src          string
		setupTimeout time.Duration
		code         errs.Code
		msg, hint    string
		iterations   bool // whether iterations ran
	}{
		{
			name: "setup timeout",
			src: `export const options = {};
export function setup() { while (true) {} }
export default function () { throw new Error('must not run'); }
export function teardown() { throw new Error('must not run either'); }`,
			setupTimeout: time.Second,
			code:         errs.SetupTimeout,
			msg:          "setup() execution timed out after 1 seconds",
			hint:         "You can increase the time limit via the setupTimeout option",
		},
		{
			name: "setup exception",
			src: `export function setup() {
  throw new Error('setup boom');
}
export default function () { throw new Error('must not run'); }
export function teardown() { throw new Error('must not run either'); }`,
			code: errs.ScriptExceptionError,
			msg:  "Error: setup boom\n\tat setup (file:///s/script.js:2:",
			hint: "script exception",
		},
		{
			name: "teardown exception",
			src: `export default function () {}
export function teardown() {
  throw new Error('teardown boom');
}`,
			code:       errs.ScriptExceptionError,
			msg:        "Error: teardown boom",
			hint:       "script exception",
			iterations: true,
		},
		{
			name: "setup data that is not JSON",
			src: `export function setup() { const a = {}; a.self = a; return a; }
export default function () {}`,
			code: errs.CodeGeneric,
			msg:  "error marshaling setup() data to JSON",
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tt := newRunTest(t, tc.src, `{"default": {"executor": "shared-iterations", "vus": 1, "iterations": 2}}`, nil)
			tt.cfg.SetupTimeout = tc.setupTimeout
			start := time.Now()
			res, err := tt.run(t.Context(), t)
			if err == nil {
				t.Fatal("no error")
			}
			if el := time.Since(start); el > 20*time.Second {
				t.Errorf("took %v", el)
			}
			if got := errs.ExitCode(err); got != tc.code {
				t.Errorf("exit code %d, want %d (%v)", got, tc.code, err)
			}
			if !strings.Contains(err.Error(), tc.msg) {
				t.Errorf("error %q does not contain %q", err, tc.msg)
			}
			if got := errs.Hint(err); got != tc.hint {
				t.Errorf("hint %q, want %q", got, tc.hint)
			}
			if strings.Contains(tt.logs.String(), "must not run") {
				t.Errorf("an exec function or teardown ran:\n%s", tt.logs)
			}
			if res == nil {
				return
			}
			if got := metricValue(res, "iterations", "count"); tc.iterations != (got == 2) {
				t.Errorf("iterations = %v", got)
			}
		})
	}
}

func TestInitErrorInAVU(t *testing.T) {
	t.Parallel()
	// The init code passes for VU 0 (options) and fails in VU 2.
	const src = `if (__VU === 2) { throw new Error('vu two broke'); }
export default function () {}`
	tt := newRunTest(t, src, `{"default": {"executor": "per-vu-iterations", "vus": 3, "iterations": 1}}`, nil)
	res, err := tt.run(t.Context(), t)
	if res != nil {
		t.Errorf("a result although no VU could start: %+v", res)
	}
	if got := errs.ExitCode(err); got != errs.ScriptExceptionError || !strings.Contains(fmt.Sprint(err), "vu two broke") {
		t.Errorf("err %v (exit code %d), want the init exception with 107", err, got)
	}
}

func TestDroppedIterationsAtMaxDuration(t *testing.T) {
	t.Parallel()
	const src = `
import { sleep } from 'k6';
export default function () { sleep(0.1); }
`
	tt := newRunTest(t, src, `{"default": {"executor": "shared-iterations", "vus": 2, "iterations": 1000,
		"maxDuration": "1s", "gracefulStop": "5s"}}`, map[string]string{"dropped_iterations{scenario:default}": `["count>0"]`})
	start := time.Now()
	res := tt.mustRun(t)
	if el := time.Since(start); el > 15*time.Second {
		t.Errorf("maxDuration 1s: run took %v", el)
	}
	st := res.Status
	dropped := metricValue(res, "dropped_iterations", "count")
	if math.IsNaN(dropped) || dropped < 900 {
		t.Fatalf("dropped_iterations = %v, want most of the 1000 (status %+v)", dropped, st)
	}
	// Every one of the 1000 iterations was run, interrupted or dropped.
	if got := dropped + float64(st.Complete+st.Interrupted); got != 1000 {
		t.Errorf("dropped %v + complete %d + interrupted %d = %v, want 1000", dropped, st.Complete, st.Interrupted, got)
	}
	if got := metricValue(res, "dropped_iterations{scenario:default}", "count"); got != dropped {
		t.Errorf("dropped_iterations is not tagged with its scenario: %v vs %v", got, dropped)
	}
	if m := summaryMetrics(res)["dropped_iterations"]; m.Type != "counter" {
		t.Errorf("dropped_iterations is a %q", m.Type)
	}
}

func TestShortRunHasNoVUsGauges(t *testing.T) {
	t.Parallel()
	// The vus gauges are sampled once a second, so they are absent from
	// runs shorter than that, as in k6 (spec §13).
	res := newRunTest(t, `export default function () {}`,
		`{"default": {"executor": "shared-iterations", "vus": 1, "iterations": 1}}`, nil).mustRun(t)
	m := summaryMetrics(res)
	for _, name := range []string{"vus", "vus_max"} {
		if _, ok := m[name]; ok {
			t.Errorf("%s present after a run of %v", name, res.Elapsed)
		}
	}
}

func TestNoIterationsWarning(t *testing.T) {
	t.Parallel()
	const src = `
import { sleep } from 'k6';
export default function () { sleep(10); }
`
	tt := newRunTest(t, src, `{"default": {"executor": "constant-vus", "vus": 1, "duration": "1s", "gracefulStop": "0s"}}`, nil)
	res := tt.mustRun(t)
	if res.Status.Complete != 0 || res.Status.Interrupted != 1 {
		t.Errorf("status %+v", res.Status)
	}
	if !strings.Contains(tt.logs.String(), "No script iterations finished, consider making the test duration longer") {
		t.Errorf("no warning about zero iterations")
	}
	if got := metricValue(res, "iterations", "count"); !math.IsNaN(got) {
		t.Errorf("iterations = %v for an interrupted iteration", got)
	}
}

func TestProgress(t *testing.T) {
	t.Parallel()
	tt := newRunTest(t, `export default function () {}`,
		`{"default": {"executor": "shared-iterations", "vus": 2, "iterations": 5}}`, nil)
	var mu sync.Mutex
	var last Status
	calls := 0
	tt.cfg.Progress = func(s Status) {
		mu.Lock()
		defer mu.Unlock()
		last = s
		calls++
	}
	tt.mustRun(t)
	mu.Lock()
	defer mu.Unlock()
	if calls == 0 || !last.Done || last.Complete != 5 || last.MaxVUs != 2 || len(last.Scenarios) != 1 {
		t.Errorf("%d progress calls, last %+v", calls, last)
	}
}

func TestSummaryData(t *testing.T) {
	t.Parallel()
	const src = `
import { check, group } from 'k6';
import { Counter, Gauge, Rate, Trend } from 'k6/metrics';
const trend = new Trend('my_trend', true);
const counter = new Counter('my_counter');
const gauge = new Gauge('my_gauge');
const rate = new Rate('my_rate');
export default function () {
  for (let i = 1; i <= 10; i++) {
    trend.add(i, { kind: i % 2 === 0 ? 'even' : 'odd' });
    counter.add(i);
    gauge.add(i);
    rate.add(i <= 3);
  }
  check(1, { 'root check': (v) => v === 1 });
  group('g1', () => {
    check(1, { 'failing': () => false });
    group('g2', () => { check(1, { 'deep': () => true }); });
  });
}
`
	tt := newRunTest(t, src, `{"default": {"executor": "shared-iterations", "vus": 1, "iterations": 1}}`, map[string]string{
		"my_trend":            `["max<100", "avg>100"]`,
		"my_trend{kind:even}": `["med==6"]`,
		"my_rate":             `["rate<0.5"]`,
	})
	res := tt.mustRun(t)
	stats := []string{"avg", "min", "med", "max", "count", "p(90)", "p(99.9)"}
	d := res.SummaryData(stats, "ms")

	if !slices.Equal(d.Options.SummaryTrendStats, stats) || d.Options.SummaryTimeUnit != "ms" {
		t.Errorf("options %+v", d.Options)
	}
	if d.TestRunDuration <= 0 || d.TestRunDuration != res.Elapsed {
		t.Errorf("test run duration %v, elapsed %v", d.TestRunDuration, res.Elapsed)
	}
	byName := map[string]summary.Metric{}
	for _, m := range d.Metrics {
		if _, dup := byName[m.Name]; dup {
			t.Errorf("metric %s listed twice", m.Name)
		}
		byName[m.Name] = m
	}

	approx := func(name string, got, want map[string]float64) {
		t.Helper()
		if len(got) != len(want) {
			t.Errorf("%s values %v, want keys of %v", name, got, want)
		}
		for k, w := range want {
			g, ok := got[k]
			if !ok || math.Abs(g-w) > 1e-9 {
				t.Errorf("%s[%s] = %v (present %v), want %v", name, k, g, ok, w)
			}
		}
	}
	for _, tc := range []struct {
		name, typ, contains, parent, filter string
		values                              map[string]float64
		thresholds                          []summary.Threshold
	}{
		{
			name: "my_trend", typ: "trend", contains: "time",
			values:     map[string]float64{"avg": 5.5, "min": 1, "med": 5.5, "max": 10, "count": 10, "p(90)": 9.1, "p(99.9)": 9.991},
			thresholds: []summary.Threshold{{Source: "max<100", OK: true}, {Source: "avg>100", OK: false}},
		},
		{
			name: "my_trend{kind:even}", typ: "trend", contains: "time", parent: "my_trend", filter: "kind:even",
			values:     map[string]float64{"avg": 6, "min": 2, "med": 6, "max": 10, "count": 5, "p(90)": 9.2, "p(99.9)": 9.992},
			thresholds: []summary.Threshold{{Source: "med==6", OK: true}},
		},
		{
			name: "my_counter", typ: "counter", contains: "default",
			values: map[string]float64{"count": 55, "rate": 55 / res.Elapsed.Seconds()},
		},
		{
			name: "my_gauge", typ: "gauge", contains: "default",
			values: map[string]float64{"value": 10, "min": 1, "max": 10},
		},
		{
			name: "my_rate", typ: "rate", contains: "default",
			values:     map[string]float64{"rate": 0.3, "passes": 3, "fails": 7},
			thresholds: []summary.Threshold{{Source: "rate<0.5", OK: true}},
		},
		{
			name: "checks", typ: "rate", contains: "default",
			values: map[string]float64{"rate": 2.0 / 3, "passes": 2, "fails": 1},
		},
	} {
		m, ok := byName[tc.name]
		if !ok {
			t.Errorf("metric %s missing (have %v)", tc.name, mapKeys(byName))
			continue
		}
		if m.Type != tc.typ || m.Contains != tc.contains || m.Parent != tc.parent || m.Filter != tc.filter {
			t.Errorf("%s: type %q contains %q parent %q filter %q", tc.name, m.Type, m.Contains, m.Parent, m.Filter)
		}
		if tc.name == "my_counter" {
			// The rate depends on the elapsed time the snapshot used.
			if m.Values["count"] != 55 || m.Values["rate"] <= 0 {
				t.Errorf("counter values %v", m.Values)
			}
		} else {
			approx(tc.name, m.Values, tc.values)
		}
		if !slices.Equal(m.Thresholds, tc.thresholds) {
			t.Errorf("%s thresholds %+v, want %+v", tc.name, m.Thresholds, tc.thresholds)
		}
	}
	// Built-ins that received samples are there; those that did not are not.
	for _, name := range []string{"iterations", "iteration_duration", "group_duration"} {
		if _, ok := byName[name]; !ok {
			t.Errorf("%s missing", name)
		}
	}
	for _, name := range []string{"http_reqs", "http_req_duration", "http_req_duration{expected_response:true}", "data_sent", "my_trend{kind:odd}"} {
		if _, ok := byName[name]; ok {
			t.Errorf("%s present without samples or a reference", name)
		}
	}
	if !slices.Equal(res.FailedThresholds, []string{"my_trend"}) {
		t.Errorf("failed thresholds %v, want only my_trend", res.FailedThresholds)
	}

	// The group tree, in execution order, with k6's IDs.
	root := d.RootGroup
	if root.Name != "" || root.Path != "" || root.ID != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("root %+v", root)
	}
	if len(root.Checks) != 1 || root.Checks[0].Path != "::root check" || root.Checks[0].ID != summary.IDFor("::root check") ||
		root.Checks[0].Passes != 1 {
		t.Errorf("root checks %+v", root.Checks)
	}
	if len(root.Groups) != 1 {
		t.Fatalf("root groups %+v", root.Groups)
	}
	g1 := root.Groups[0]
	if g1.Name != "g1" || g1.Path != "::g1" || g1.ID != summary.IDFor("::g1") || len(g1.Checks) != 1 ||
		g1.Checks[0].Fails != 1 || g1.Checks[0].Passes != 0 || len(g1.Groups) != 1 {
		t.Errorf("g1 %+v", g1)
	}
	if g2 := g1.Groups[0]; g2.Path != "::g1::g2" || len(g2.Checks) != 1 || g2.Checks[0].Path != "::g1::g2::deep" {
		t.Errorf("g2 %+v", g2)
	}

	// The default trend columns.
	if got := summaryMetrics(res)["my_trend"].Values; len(got) != 6 || got["p(95)"] == 0 {
		t.Errorf("default trend stats: %v", got)
	}
}

func mapKeys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
