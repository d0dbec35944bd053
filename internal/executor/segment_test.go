package executor

import (
	"slices"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// testSequences are the sequences every executor is checked against.
var testSequences = []string{
	"0,1/3,2/3,1",
	"0,1/4,1/2,1",
	"0,0.3,1",
	"0,1/7,2/7,3/7,4/7,5/7,6/7,1",
}

func segmentTuples(t *testing.T, seq string) []*scenario.ExecutionTuple {
	t.Helper()
	q, err := scenario.ParseSegmentSequence(seq)
	if err != nil {
		t.Fatal(err)
	}
	var out []*scenario.ExecutionTuple
	for _, s := range q.Segments() {
		et, err := scenario.NewExecutionTuple(s, q)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, et)
	}
	return out
}

// instance is one stampede instance running a scenario for its segment
// (et nil: the whole test), with its own pool, inside a synctest bubble.
type instance struct {
	h    *harness
	e    Executor
	done chan struct{}
	t0   time.Time
}

func startInstance(t *testing.T, cfg scenario.Config, et *scenario.ExecutionTuple, pool *fakePool) *instance {
	t.Helper()
	h := newHarness(pool)
	env := h.env()
	env.Segment = et
	e, err := New(cfg, env)
	if err != nil {
		t.Fatalf("New(%s): %v", et, err)
	}
	in := &instance{h: h, e: e, done: make(chan struct{}), t0: time.Now()}
	go func() {
		defer close(in.done)
		if err := e.Run(t.Context()); err != nil {
			t.Errorf("Run(%s): %v", et, err)
		}
	}()
	return in
}

// starts returns the offsets from the start at which the instance's VUs
// started iterations, sorted.
func (in *instance) starts() []time.Duration {
	var out []time.Duration
	for _, vu := range in.h.pool.all() {
		for _, it := range vu.iterations() {
			out = append(out, it.at.Sub(in.t0))
		}
	}
	slices.Sort(out)
	return out
}

// totals is what a run did, added up over instances.
type totals struct {
	complete, interrupted, dropped, peakVUs int64
	starts                                  []time.Duration
	vus                                     []int64 // ActiveVUs at the sample times
}

func (a *totals) add(in *instance, samples []int64) {
	p := in.e.Progress()
	a.complete += p.Complete()
	a.interrupted += p.Interrupted()
	a.dropped += in.h.drops.total()
	a.peakVUs += in.h.pool.maxOut.Load()
	a.starts = append(a.starts, in.starts()...)
	slices.Sort(a.starts)
	if a.vus == nil {
		a.vus = make([]int64, len(samples))
	}
	for i, n := range samples {
		a.vus[i] += n
	}
}

// runSegmented runs cfg once whole and once per segment of seq, all at the
// same time in one bubble, sampling every instance's active VUs at the
// given offsets, and returns the whole run's totals and the segments' sums.
func runSegmented(t *testing.T, cfg scenario.Config, seq string, pool func() *fakePool, at []time.Duration) (whole, sum totals) {
	t.Helper()
	synctest.Test(t, func(t *testing.T) {
		ref := startInstance(t, cfg, nil, pool())
		var segs []*instance
		for _, et := range segmentTuples(t, seq) {
			segs = append(segs, startInstance(t, cfg, et, pool()))
		}
		all := append([]*instance{ref}, segs...)
		samples := make([][]int64, len(all))
		var prev time.Duration
		for _, off := range at {
			time.Sleep(off - prev)
			prev = off
			for i, in := range all {
				samples[i] = append(samples[i], in.e.Progress().ActiveVUs())
			}
		}
		for i, in := range all {
			<-in.done
			in.h.pool.checkReturned(t)
			if i == 0 {
				whole.add(in, samples[i])
			} else {
				sum.add(in, samples[i])
			}
		}
	})
	return whole, sum
}

// settledSamples returns instants at which a ramping-vus run has settled:
// settle after each change of the planned count (and before the first),
// unless the next change comes first. By then, surplus VUs have finished
// or been interrupted, so the counts held are exact, with no ties between
// timers firing at the same instant.
func settledSamples(c *scenario.RampingVUs, settle time.Duration) []time.Duration {
	steps := rampPlan(c)
	var out []time.Duration
	for i, st := range steps {
		at := st.Offset + settle
		if i+1 < len(steps) && at >= steps[i+1].Offset {
			continue
		}
		out = append(out, at)
	}
	return out
}

// halfSeconds returns n sample offsets at 0.5s, 1.5s, …, away from the
// whole seconds where VU counts change.
func halfSeconds(n int) []time.Duration {
	out := make([]time.Duration, n)
	for i := range out {
		out[i] = sec(float64(i) + 0.5)
	}
	return out
}

// TestSegmentsAddUp runs every distributable executor whole and split
// along each test sequence: the segments together complete (and drop,
// and interrupt) exactly the whole run's iterations, hold exactly its
// VUs at every sampled instant and at peak, and the arrival-rate ones
// start exactly the same iterations at the same instants.
func TestSegmentsAddUp(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	rampingA := &scenario.RampingVUs{Common: common("r", scenario.TypeRampingVUs, 30), StartVUs: 2,
		Stages:           []scenario.Stage{stage(10, 10), stage(5, 10), stage(7, 3), stage(0, 9), stage(4, 0), stage(3, 5)},
		GracefulRampDown: dur(30)}
	// Ramp-downs cut long iterations after gracefulRampDown.
	rampingB := &scenario.RampingVUs{Common: common("r", scenario.TypeRampingVUs, 2), StartVUs: 11,
		Stages:           []scenario.Stage{stage(7, 0), stage(3.2, 8), stage(2, 8)},
		GracefulRampDown: dur(0.25)}
	tests := []struct {
		name    string
		cfg     scenario.Config
		pool    func() *fakePool
		samples []time.Duration
		// sameStarts: the union of the segments' start instants is the
		// whole run's (arrival-rate: the schedule is striped, not scaled;
		// VU-based executors whose VUs live alike).
		sameStarts bool
		// inexact: only started + dropped add up, because some segment
		// lacks the VUs to run its share.
		inexact bool
	}{
		{
			name: "shared-iterations",
			cfg: &scenario.SharedIterations{Common: common("s", scenario.TypeSharedIterations, 30),
				VUs: 10, Iterations: 100, MaxDuration: dur(600)},
			pool: func() *fakePool { return uniformPool(10, time.Second) },
		},
		{
			// Fewer VUs than some sequences have segments: the instances
			// without a VU drop their share of the iterations.
			name: "shared-iterations with few VUs",
			cfg: &scenario.SharedIterations{Common: common("s", scenario.TypeSharedIterations, 30),
				VUs: 2, Iterations: 9, MaxDuration: dur(600)},
			pool:    func() *fakePool { return uniformPool(2, time.Second) },
			inexact: true,
		},
		{
			name: "shared-iterations cut by maxDuration",
			cfg: &scenario.SharedIterations{Common: common("s", scenario.TypeSharedIterations, 1),
				VUs: 21, Iterations: 1000, MaxDuration: dur(5)},
			pool: func() *fakePool { return uniformPool(21, 1500*ms) },
		},
		{
			name: "per-vu-iterations",
			cfg: &scenario.PerVUIterations{Common: common("p", scenario.TypePerVUIterations, 30),
				VUs: 10, Iterations: 3, MaxDuration: dur(600)},
			pool:       func() *fakePool { return uniformPool(10, 700*ms) },
			samples:    halfSeconds(2),
			sameStarts: true,
		},
		{
			name: "per-vu-iterations cut by maxDuration",
			cfg: &scenario.PerVUIterations{Common: common("p", scenario.TypePerVUIterations, 1),
				VUs: 13, Iterations: 10, MaxDuration: dur(4)},
			pool:       func() *fakePool { return uniformPool(13, 1500*ms) },
			sameStarts: true,
		},
		{
			name: "constant-vus",
			cfg: &scenario.ConstantVUs{Common: common("c", scenario.TypeConstantVUs, 1),
				VUs: 10, Duration: dur(5)},
			pool:       func() *fakePool { return uniformPool(10, 700*ms) },
			samples:    halfSeconds(6),
			sameStarts: true,
		},
		{
			name:       "ramping-vus",
			cfg:        rampingA,
			pool:       func() *fakePool { return uniformPool(10, 123*ms) },
			samples:    settledSamples(rampingA, 130*ms),
			sameStarts: true,
		},
		{
			name:       "ramping-vus interrupting",
			cfg:        rampingB,
			pool:       func() *fakePool { return uniformPool(11, 1370*ms) },
			samples:    settledSamples(rampingB, 260*ms),
			sameStarts: true,
		},
		{
			name: "constant-arrival-rate",
			cfg: &scenario.ConstantArrivalRate{Common: common("car", scenario.TypeConstantArrivalRate, 30),
				Rate: 37, TimeUnit: dur(1), Duration: dur(4), PreAllocatedVUs: 10, MaxVUs: 10},
			pool:       func() *fakePool { return uniformPool(10, 20*ms) },
			samples:    halfSeconds(4),
			sameStarts: true,
		},
		{
			name: "constant-arrival-rate per minute",
			cfg: &scenario.ConstantArrivalRate{Common: common("car", scenario.TypeConstantArrivalRate, 30),
				Rate: 100, TimeUnit: dur(60), Duration: dur(30), PreAllocatedVUs: 7, MaxVUs: 9},
			pool:       func() *fakePool { return uniformPool(9, 20*ms) },
			sameStarts: true,
		},
		{
			name: "ramping-arrival-rate",
			cfg: &scenario.RampingArrivalRate{Common: common("rar", scenario.TypeRampingArrivalRate, 30),
				StartRate: 5, TimeUnit: dur(1), PreAllocatedVUs: 14, MaxVUs: 14,
				Stages: []scenario.Stage{stage(3, 40), stage(2, 40), stage(0, 7), stage(3, 0)}},
			pool:       func() *fakePool { return uniformPool(14, 20*ms) },
			samples:    halfSeconds(8),
			sameStarts: true,
		},
		{
			// Too few VUs: iterations are dropped; started plus dropped
			// still add up.
			name: "constant-arrival-rate short of VUs",
			cfg: &scenario.ConstantArrivalRate{Common: common("car", scenario.TypeConstantArrivalRate, 30),
				Rate: 20, TimeUnit: dur(1), Duration: dur(3), PreAllocatedVUs: 2, MaxVUs: 2},
			pool:    func() *fakePool { return uniformPool(2, 1500*ms) },
			inexact: true,
		},
	}
	for _, tt := range tests {
		for _, seq := range testSequences {
			t.Run(tt.name+"/"+seq, func(t *testing.T) {
				t.Parallel()
				whole, sum := runSegmented(t, tt.cfg, seq, tt.pool, tt.samples)
				if whole.complete == 0 {
					t.Fatal("the whole run did nothing")
				}
				t.Logf("whole run: %d complete, %d interrupted, %d dropped, %d VUs, %d samples",
					whole.complete, whole.interrupted, whole.dropped, whole.peakVUs, len(whole.vus))
				exact := !tt.inexact
				switch {
				case exact && (sum.complete != whole.complete || sum.interrupted != whole.interrupted || sum.dropped != whole.dropped):
					t.Errorf("segments: %d complete, %d interrupted, %d dropped; whole: %d, %d, %d",
						sum.complete, sum.interrupted, sum.dropped, whole.complete, whole.interrupted, whole.dropped)
				case !exact && sum.complete+sum.interrupted+sum.dropped != whole.complete+whole.interrupted+whole.dropped:
					t.Errorf("segments: %d complete + %d interrupted + %d dropped; whole: %d + %d + %d",
						sum.complete, sum.interrupted, sum.dropped, whole.complete, whole.interrupted, whole.dropped)
				}
				if sum.peakVUs != whole.peakVUs {
					t.Errorf("peak VUs: segments %d, whole %d", sum.peakVUs, whole.peakVUs)
				}
				if !slices.Equal(sum.vus, whole.vus) {
					t.Errorf("active VUs at %v:\nsegments %v\nwhole    %v", tt.samples, sum.vus, whole.vus)
				}
				if tt.sameStarts && !slices.Equal(sum.starts, whole.starts) {
					t.Errorf("iteration starts differ: segments %d, whole %d", len(sum.starts), len(whole.starts))
				}
			})
		}
	}
}

// The ramping-vus segments hold, together, exactly the planned count of
// the whole test at every sampled instant.
func TestSegmentsRampingVUsFollowPlan(t *testing.T) {
	t.Parallel()
	cfg := &scenario.RampingVUs{Common: common("r", scenario.TypeRampingVUs, 30), StartVUs: 0,
		Stages:           []scenario.Stage{stage(6, 13), stage(6, 1), stage(0, 7), stage(5, 7)},
		GracefulRampDown: dur(30)}
	for _, seq := range testSequences {
		t.Run(seq, func(t *testing.T) {
			t.Parallel()
			at := settledSamples(cfg, 130*time.Millisecond)
			_, sum := runSegmented(t, cfg, seq, func() *fakePool { return uniformPool(13, 123*time.Millisecond) }, at)
			for i, off := range at {
				if want := cfg.VUsAt(off); sum.vus[i] != want {
					t.Errorf("VUs at %v: segments hold %d, plan %d", off, sum.vus[i], want)
				}
			}
		})
	}
}

// k6-spec §13: executionSegment '0:1/2' runs exactly half of the
// iterations of shared-iterations and per-vu-iterations scenarios.
func TestSegmentHalf(t *testing.T) {
	t.Parallel()
	seg, err := scenario.ParseSegment("0:1/2")
	if err != nil {
		t.Fatal(err)
	}
	half, err := scenario.NewExecutionTuple(seg, nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		cfg  scenario.Config
		want int64
	}{
		{"shared-iterations", &scenario.SharedIterations{Common: common("s", scenario.TypeSharedIterations, 30),
			VUs: 4, Iterations: 10, MaxDuration: dur(600)}, 5},
		{"per-vu-iterations", &scenario.PerVUIterations{Common: common("p", scenario.TypePerVUIterations, 30),
			VUs: 4, Iterations: 3, MaxDuration: dur(600)}, 6},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(uniformPool(4, time.Second))
				env := h.env()
				env.Segment = half
				e, err := New(tt.cfg, env)
				if err != nil {
					t.Fatal(err)
				}
				if err := e.Run(t.Context()); err != nil {
					t.Fatal(err)
				}
				checkCounts(t, e.Progress(), tt.want, 0)
				if got := h.pool.maxOut.Load(); got != 2 {
					t.Errorf("VUs used = %d, want 2", got)
				}
				if d := h.drops.total(); d != 0 {
					t.Errorf("dropped %d", d)
				}
				h.pool.checkReturned(t)
			})
		})
	}
}

func TestSegmentErrors(t *testing.T) {
	t.Parallel()
	et := segmentTuples(t, "0,1/2,1")[0]
	ext := &scenario.ExternallyControlled{Common: common("ext", scenario.TypeExternallyControlled, 0), VUs: 1, MaxVUs: 1}
	_, err := New(ext, Env{Pool: uniformPool(1, time.Second), Segment: et})
	if err == nil || !strings.Contains(err.Error(), "can't be used with an execution segment") {
		t.Errorf("externally-controlled with a segment: %v", err)
	}
	if _, err := NewScheduler([]scenario.Config{ext}, Env{Pool: uniformPool(1, time.Second), Segment: et}); err == nil {
		t.Error("NewScheduler accepted externally-controlled with a segment")
	}
	full, err := scenario.NewExecutionTuple(scenario.Segment{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(ext, Env{Pool: uniformPool(1, time.Second), Segment: full}); err != nil {
		t.Errorf("externally-controlled with the full segment: %v", err)
	}
	// A config made for one segment can't run another.
	cv := constantVUs("cv", 0, 1, 0, 4)
	seg, err := scenario.Segmented(cv, et)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(seg, Env{Pool: uniformPool(1, time.Second), Segment: et}); err != nil {
		t.Errorf("same segment twice: %v", err)
	}
	if _, err := New(seg, Env{Pool: uniformPool(1, time.Second), Segment: segmentTuples(t, "0,1/2,1")[1]}); err == nil {
		t.Error("a config made for 0:1/2 ran 1/2:1")
	}
}

// A segmented scheduler plans the segment's VUs.
func TestSchedulerSegmentStatus(t *testing.T) {
	t.Parallel()
	ets := segmentTuples(t, "0,1/3,2/3,1")
	var total int64
	for _, et := range ets {
		s, err := NewScheduler([]scenario.Config{constantVUs("a", 0, 10, 30, 10), constantVUs("b", 0, 10, 30, 5)},
			Env{Pool: uniformPool(1, time.Second), Segment: et})
		if err != nil {
			t.Fatal(err)
		}
		total += s.Status().MaxVUs
	}
	if total != 15 {
		t.Errorf("planned VUs of the segments add up to %d, want 15", total)
	}
}
