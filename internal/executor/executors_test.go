package executor

import (
	"context"
	"errors"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

func TestConstantVUs(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		vus                   int64
		duration, grace, iter float64
		complete, interrupted int64
		took                  float64
	}{
		// Iterations that end exactly at the end start no new one.
		{"back to back", 2, 10, 30, 1, 20, 0, 10},
		{"last iteration finishes within gracefulStop", 2, 10, 5, 3, 8, 0, 12},
		{"gracefulStop interrupts", 2, 10, 1, 3, 6, 2, 11},
		{"zero gracefulStop", 3, 10, 0, 4, 6, 3, 10},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(uniformPool(int(tt.vus), sec(tt.iter)))
				cfg := &scenario.ConstantVUs{
					Common: common("cv", scenario.TypeConstantVUs, tt.grace),
					VUs:    tt.vus, Duration: dur(tt.duration),
				}
				p, took := h.runExec(t, t.Context(), cfg)
				checkCounts(t, p, tt.complete, tt.interrupted)
				checkDuration(t, "Run took", took, sec(tt.took))
				checkDuration(t, "Elapsed", p.Elapsed(), sec(tt.took))
				if p.State() != Done {
					t.Errorf("state = %v, want done", p.State())
				}
				if len(h.drops.list()) != 0 {
					t.Errorf("drops = %v, want none", h.drops.list())
				}
				h.pool.checkReturned(t)
				if got := h.pool.maxOut.Load(); got != tt.vus {
					t.Errorf("max VUs out = %d, want %d", got, tt.vus)
				}
			})
		})
	}
}

func TestConstantVUsActivation(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(1, time.Second))
		cfg := &scenario.ConstantVUs{
			Common: common("browse", scenario.TypeConstantVUs, 0),
			VUs:    1, Duration: dur(2),
		}
		cfg.Exec = "browse"
		h.runExec(t, t.Context(), cfg)
		for _, it := range h.pool.vus[0].iterations() {
			if it.scenario != "browse" || it.exec != "browse" {
				t.Errorf("iteration ran %s in %s, want browse in browse", it.exec, it.scenario)
			}
		}
	})
}

func TestHardStop(t *testing.T) {
	t.Parallel()
	configs := map[string]scenario.Config{
		"constant-vus": &scenario.ConstantVUs{
			Common: common("s", scenario.TypeConstantVUs, 30), VUs: 3, Duration: dur(60),
		},
		"shared-iterations": &scenario.SharedIterations{
			Common: common("s", scenario.TypeSharedIterations, 30), VUs: 3, Iterations: 100, MaxDuration: dur(600),
		},
		"per-vu-iterations": &scenario.PerVUIterations{
			Common: common("s", scenario.TypePerVUIterations, 30), VUs: 3, Iterations: 100, MaxDuration: dur(600),
		},
		"ramping-vus": &scenario.RampingVUs{
			Common: common("s", scenario.TypeRampingVUs, 30), StartVUs: 3,
			Stages: []scenario.Stage{{Duration: dur(60), Target: 3}}, GracefulRampDown: dur(30),
		},
		"externally-controlled": &scenario.ExternallyControlled{
			Common: common("s", scenario.TypeExternallyControlled, 0), VUs: 3, MaxVUs: 3,
		},
	}
	for name, cfg := range configs {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				// Iterations at 0 and 4s complete; those at 8s are cut at 10s.
				h := newHarness(uniformPool(3, 4*time.Second))
				ctx, cancel := context.WithCancel(t.Context())
				time.AfterFunc(10*time.Second, cancel)
				p, took := h.runExec(t, ctx, cfg)
				checkDuration(t, "Run took", took, 10*time.Second)
				checkCounts(t, p, 6, 3)
				if p.State() != Aborted {
					t.Errorf("state = %v, want aborted", p.State())
				}
				if d := h.drops.list(); len(d) != 0 {
					t.Errorf("a hard stop reported drops %v", d)
				}
				if n := h.active.Load(); n != 0 {
					t.Errorf("active VUs after Run = %d", n)
				}
				h.pool.checkReturned(t)
			})
		})
	}
}

func TestSharedIterations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		durs                  []time.Duration // one per VU
		iterations            int64
		maxDuration, grace    float64
		complete, interrupted int64
		dropped               int64
		took                  float64
		perVU                 []int // completed iterations per VU, most first
	}{
		{
			name: "all done", durs: []time.Duration{sec(1), sec(1), sec(1)},
			iterations: 10, maxDuration: 600, grace: 30,
			complete: 10, took: 4, perVU: []int{4, 3, 3},
		},
		{
			name: "fast VUs do more", durs: []time.Duration{sec(1), sec(4)},
			iterations: 10, maxDuration: 600, grace: 30,
			// VU2 runs 0-4 and 4-8; VU1 takes the other 8 by t=8.
			complete: 10, took: 8, perVU: []int{8, 2},
		},
		{
			name: "maxDuration drops the rest", durs: []time.Duration{sec(3), sec(3)},
			iterations: 100, maxDuration: 10, grace: 30,
			complete: 8, dropped: 92, took: 12, perVU: []int{4, 4},
		},
		{
			name: "gracefulStop interrupts after maxDuration", durs: []time.Duration{sec(3), sec(3)},
			iterations: 100, maxDuration: 10, grace: 1,
			complete: 6, interrupted: 2, dropped: 92, took: 11, perVU: []int{3, 3},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(newFakePool(tt.durs...))
				cfg := &scenario.SharedIterations{
					Common: common("shared", scenario.TypeSharedIterations, tt.grace),
					VUs:    int64(len(tt.durs)), Iterations: tt.iterations, MaxDuration: dur(tt.maxDuration),
				}
				p, took := h.runExec(t, t.Context(), cfg)
				checkCounts(t, p, tt.complete, tt.interrupted)
				checkDuration(t, "Run took", took, sec(tt.took))
				var want []drop
				if tt.dropped > 0 {
					want = []drop{{tt.dropped, "shared", 0}}
				}
				if got := h.drops.list(); !slices.Equal(got, want) {
					t.Errorf("drops = %v, want %v", got, want)
				}
				if p.Dropped() != tt.dropped {
					t.Errorf("Progress.Dropped = %d, want %d", p.Dropped(), tt.dropped)
				}
				// Which VU wins a tie is up to the scheduler; how many
				// each does is not.
				var perVU []int
				for _, vu := range h.pool.vus {
					perVU = append(perVU, vu.completed())
				}
				slices.SortFunc(perVU, func(a, b int) int { return b - a })
				if !slices.Equal(perVU, tt.perVU) {
					t.Errorf("iterations per VU = %v, want %v", perVU, tt.perVU)
				}
				h.pool.checkReturned(t)
			})
		})
	}
}

func TestPerVUIterations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		durs                  []time.Duration
		iterations            int64
		maxDuration, grace    float64
		complete, interrupted int64
		drops                 []drop
		took                  float64
	}{
		{
			name: "each VU runs its share", durs: []time.Duration{sec(1), sec(2), sec(3)},
			iterations: 4, maxDuration: 600, grace: 30,
			complete: 12, took: 12,
		},
		{
			// VU1 (1s) finishes its 10 at t=10; VU2 (3s) starts at 0,3,6,9,
			// completes the one at 9 during gracefulStop, drops 6.
			name: "maxDuration drops per VU", durs: []time.Duration{sec(1), sec(3)},
			iterations: 10, maxDuration: 10, grace: 30,
			complete: 14, took: 12, drops: []drop{{6, "pvu", 2}},
		},
		{
			name: "interrupted iteration is not dropped", durs: []time.Duration{sec(4), sec(4)},
			iterations: 5, maxDuration: 10, grace: 1,
			complete: 4, interrupted: 2, took: 11, drops: []drop{{2, "pvu", 1}, {2, "pvu", 2}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(newFakePool(tt.durs...))
				cfg := &scenario.PerVUIterations{
					Common: common("pvu", scenario.TypePerVUIterations, tt.grace),
					VUs:    int64(len(tt.durs)), Iterations: tt.iterations, MaxDuration: dur(tt.maxDuration),
				}
				p, took := h.runExec(t, t.Context(), cfg)
				checkCounts(t, p, tt.complete, tt.interrupted)
				checkDuration(t, "Run took", took, sec(tt.took))
				got := h.drops.list()
				slices.SortFunc(got, func(a, b drop) int { return int(a.vu) - int(b.vu) })
				if !slices.Equal(got, tt.drops) {
					t.Errorf("drops = %v, want %v", got, tt.drops)
				}
				h.pool.checkReturned(t)
			})
		})
	}
}

// sampleVUs samples ActiveVUs every second, half a second after each full
// second so that no sample coincides with a VU change, while run runs.
func sampleVUs(p *Progress, n int) []int64 {
	got := make([]int64, n)
	time.Sleep(500 * time.Millisecond)
	for i := range got {
		got[i] = p.ActiveVUs()
		time.Sleep(time.Second)
	}
	return got
}

func TestRampingVUsCurve(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(10, 100*time.Millisecond))
		cfg := &scenario.RampingVUs{
			Common:   common("ramp", scenario.TypeRampingVUs, 30),
			StartVUs: 0,
			Stages: []scenario.Stage{
				{Duration: dur(10), Target: 10},
				{Duration: dur(5), Target: 10},
				{Duration: dur(0), Target: 4},
				{Duration: dur(4), Target: 0},
				{Duration: dur(4), Target: 2},
			},
			GracefulRampDown: dur(30),
		}
		e, err := New(cfg, h.env())
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan time.Duration)
		start := time.Now()
		go func() {
			if err := e.Run(t.Context()); err != nil {
				t.Errorf("Run: %v", err)
			}
			done <- time.Since(start)
		}()
		got := sampleVUs(e.Progress(), 23)
		for i, n := range got {
			at := sec(float64(i) + 0.5)
			// Surplus VUs finish their 100ms iteration well within 0.5s.
			if want := cfg.VUsAt(at); n != want {
				t.Errorf("VUs at %v = %d, want %d", at, n, want)
			}
		}
		checkDuration(t, "Run took", <-done, 23*time.Second)
		if h.pool.maxOut.Load() != 10 {
			t.Errorf("max VUs out = %d, want 10", h.pool.maxOut.Load())
		}
		h.pool.checkReturned(t)
	})
}

func TestRampingVUsGracefulRampDown(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		rampDown              float64
		complete, interrupted int64
		vus                   []int64 // sampled at 0.5s, 1.5s, ...
	}{
		{
			// At 5s three of four VUs become surplus; their iterations
			// (0-10s) are cut at 8s. VU1 goes on: 0-10 and 10-20, which
			// finishes within gracefulStop after the end at 15s.
			name: "interrupted after gracefulRampDown", rampDown: 3,
			complete: 2, interrupted: 3,
			vus: []int64{4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
		},
		{
			name: "finished within gracefulRampDown", rampDown: 6,
			complete: 5, interrupted: 0,
			vus: []int64{4, 4, 4, 4, 4, 4, 4, 4, 4, 4, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(uniformPool(4, 10*time.Second))
				cfg := &scenario.RampingVUs{
					Common:   common("ramp", scenario.TypeRampingVUs, 30),
					StartVUs: 4,
					Stages: []scenario.Stage{
						{Duration: dur(5), Target: 4},
						{Duration: dur(0), Target: 1},
						{Duration: dur(10), Target: 1},
					},
					GracefulRampDown: dur(tt.rampDown),
				}
				e, err := New(cfg, h.env())
				if err != nil {
					t.Fatal(err)
				}
				done := make(chan struct{})
				go func() {
					defer close(done)
					if err := e.Run(t.Context()); err != nil {
						t.Errorf("Run: %v", err)
					}
				}()
				got := sampleVUs(e.Progress(), len(tt.vus))
				if !slices.Equal(got, tt.vus) {
					t.Errorf("VUs = %v\nwant   %v", got, tt.vus)
				}
				<-done
				checkCounts(t, e.Progress(), tt.complete, tt.interrupted)
				checkDuration(t, "Elapsed", e.Progress().Elapsed(), 20*time.Second)
				h.pool.checkReturned(t)
			})
		})
	}
}

// A VU asked to run again while still finishing its last iteration after a
// ramp-down carries on: no extra VU is taken and its iteration goes on.
func TestRampingVUsReuseRampingDownVU(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(3, 5*time.Second))
		cfg := &scenario.RampingVUs{
			Common:   common("ramp", scenario.TypeRampingVUs, 30),
			StartVUs: 2,
			Stages: []scenario.Stage{
				{Duration: dur(2), Target: 2},
				{Duration: dur(0), Target: 1},
				{Duration: dur(2), Target: 1},
				{Duration: dur(0), Target: 2},
				{Duration: dur(10), Target: 2},
			},
			GracefulRampDown: dur(30),
		}
		p, took := h.runExec(t, t.Context(), cfg)
		// Both VUs: 0-5, 5-10, 10-15 (started before the end at 14s).
		checkCounts(t, p, 6, 0)
		checkDuration(t, "Run took", took, 15*time.Second)
		if got := h.pool.maxOut.Load(); got != 2 {
			t.Errorf("max VUs out = %d, want 2", got)
		}
		h.pool.checkReturned(t)
	})
}

// A ramp-down timer armed before a VU came back must not interrupt it
// later: here slot 2 ramps down at 1s (timer for 3s), comes back at 2s and
// ramps down again at 2.5s, so its iteration must survive until 4.5s.
func TestRampingVUsStaleRampDownTimer(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(2, 10*time.Second))
		cfg := &scenario.RampingVUs{
			Common:   common("ramp", scenario.TypeRampingVUs, 30),
			StartVUs: 2,
			Stages: []scenario.Stage{
				{Duration: dur(1), Target: 2},
				{Duration: dur(0), Target: 1},
				{Duration: dur(1), Target: 1},
				{Duration: dur(0), Target: 2},
				{Duration: dur(0.5), Target: 2},
				{Duration: dur(0), Target: 1},
				{Duration: dur(22.5), Target: 1},
			},
			GracefulRampDown: dur(2),
		}
		e, err := New(cfg, h.env())
		if err != nil {
			t.Fatal(err)
		}
		done := make(chan struct{})
		go func() {
			defer close(done)
			if err := e.Run(t.Context()); err != nil {
				t.Errorf("Run: %v", err)
			}
		}()
		time.Sleep(3500 * time.Millisecond)
		if got := e.Progress().ActiveVUs(); got != 2 {
			t.Errorf("VUs at 3.5s = %d, want 2", got)
		}
		time.Sleep(1500 * time.Millisecond)
		if got := e.Progress().ActiveVUs(); got != 1 {
			t.Errorf("VUs at 5s = %d, want 1", got)
		}
		<-done
		// VU1: 0-10, 10-20, 20-30 (within gracefulStop); VU2 cut at 4.5s.
		checkCounts(t, e.Progress(), 3, 1)
		checkDuration(t, "Elapsed", e.Progress().Elapsed(), 30*time.Second)
		h.pool.checkReturned(t)
	})
}

func TestExternallyControlled(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(2, 3*time.Second))
		cfg := &scenario.ExternallyControlled{
			Common: common("ext", scenario.TypeExternallyControlled, 0),
			VUs:    2, MaxVUs: 5, Duration: dur(10),
		}
		p, took := h.runExec(t, t.Context(), cfg)
		// No gracefulStop: the iterations started at 9s are cut at 10s.
		checkCounts(t, p, 6, 2)
		checkDuration(t, "Run took", took, 10*time.Second)
		h.pool.checkReturned(t)
	})
}

func TestPoolFailure(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		pool := uniformPool(2, time.Second)
		pool.failGet.Store(true)
		e, err := New(&scenario.ConstantVUs{
			Common: common("cv", scenario.TypeConstantVUs, 30), VUs: 2, Duration: dur(10),
		}, Env{Pool: pool})
		if err != nil {
			t.Fatal(err)
		}
		err = e.Run(t.Context())
		if !errors.Is(err, errPoolBroken) {
			t.Errorf("Run error = %v, want %v", err, errPoolBroken)
		}
		if e.Progress().State() != Aborted {
			t.Errorf("state = %v, want aborted", e.Progress().State())
		}
	})
}

func TestNewErrors(t *testing.T) {
	t.Parallel()
	cfg := &scenario.ConstantVUs{Common: common("cv", scenario.TypeConstantVUs, 30), VUs: 1, Duration: dur(1)}
	if _, err := New(cfg, Env{}); err == nil {
		t.Error("New without a Pool succeeded")
	}
	if _, err := New(nil, Env{Pool: uniformPool(1, time.Second)}); err == nil {
		t.Error("New with a nil config succeeded")
	}
}

func TestExternallyControlledNoVUs(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(1, time.Second))
		cfg := &scenario.ExternallyControlled{
			Common: common("ext", scenario.TypeExternallyControlled, 0),
			VUs:    0, MaxVUs: 5,
		}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(time.Minute, cancel)
		// Duration 0 is infinite: it runs until the run ends.
		p, took := h.runExec(t, ctx, cfg)
		checkCounts(t, p, 0, 0)
		checkDuration(t, "Run took", took, time.Minute)
	})
}
