package executor

import (
	"context"
	"errors"
	"strings"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

func constantVUs(name string, start, duration, grace float64, vus int64) *scenario.ConstantVUs {
	c := &scenario.ConstantVUs{Common: common(name, scenario.TypeConstantVUs, grace), VUs: vus, Duration: dur(duration)}
	c.StartTime = dur(start)
	return c
}

// runScheduler runs configs in the background; the returned channel
// yields Run's error and how long it took.
func runScheduler(t *testing.T, ctx context.Context, h *harness, configs ...scenario.Config) (*Scheduler, <-chan result) {
	t.Helper()
	s, err := NewScheduler(configs, h.env())
	if err != nil {
		t.Fatalf("NewScheduler: %v", err)
	}
	done := make(chan result, 1)
	start := time.Now()
	go func() {
		err := s.Run(ctx)
		done <- result{err, time.Since(start)}
	}()
	return s, done
}

type result struct {
	err  error
	took time.Duration
}

func TestSchedulerStartTime(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		// One VU serves both scenarios because their windows don't overlap.
		h := newHarness(uniformPool(1, time.Second))
		b := &scenario.PerVUIterations{
			Common: common("later", scenario.TypePerVUIterations, 30),
			VUs:    1, Iterations: 3, MaxDuration: dur(600),
		}
		b.StartTime = dur(5)
		s, done := runScheduler(t, t.Context(), h, constantVUs("first", 0, 5, 30, 1), b)
		ps := s.Progress()

		time.Sleep(2 * time.Second)
		if ps[0].State() != Running || ps[1].State() != Waiting {
			t.Errorf("states at 2s = %v, %v; want running, waiting", ps[0].State(), ps[1].State())
		}
		if ps[1].Elapsed() != 0 {
			t.Errorf("waiting scenario elapsed %v", ps[1].Elapsed())
		}
		r := <-done
		if r.err != nil {
			t.Fatal(r.err)
		}
		checkDuration(t, "Run took", r.took, 8*time.Second)
		checkCounts(t, ps[0], 5, 0)
		checkCounts(t, ps[1], 3, 0)
		checkDuration(t, "later elapsed", ps[1].Elapsed(), 3*time.Second)
		if ps[0].State() != Done || ps[1].State() != Done {
			t.Errorf("states = %v, %v; want done", ps[0].State(), ps[1].State())
		}
		var later []time.Duration
		t0 := h.pool.vus[0].iterations()[0].at
		for _, it := range h.pool.vus[0].iterations() {
			if it.scenario == "later" {
				later = append(later, it.at.Sub(t0))
			}
		}
		if len(later) != 3 || later[0] != 5*time.Second {
			t.Errorf("later scenario's iterations at %v, want from 5s on", later)
		}
		h.pool.checkReturned(t)
	})
}

func TestSchedulerActiveVUs(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(3, 300*time.Millisecond))
		_, done := runScheduler(t, t.Context(), h,
			constantVUs("a", 0, 10, 30, 2),
			constantVUs("b", 3, 4, 30, 1),
		)
		var got []int64
		for _, at := range []time.Duration{time.Second, 3 * time.Second, 2 * time.Second, 3 * time.Second} {
			time.Sleep(at)
			got = append(got, h.active.Load())
		}
		// at 1s, 4s, 6s, 9s
		want := []int64{2, 3, 3, 2}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("active VUs = %v, want %v", got, want)
				break
			}
		}
		// a's last iteration starts at 9.9s.
		if r := <-done; r.err != nil || r.took != 10200*time.Millisecond {
			t.Errorf("Run = %v after %v", r.err, r.took)
		}
		if n := h.active.Load(); n != 0 {
			t.Errorf("active VUs after the run = %d", n)
		}
		h.pool.checkReturned(t)
	})
}

func TestSchedulerHardStop(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(2, 10*time.Second))
		ctx, cancel := context.WithCancel(t.Context())
		s, done := runScheduler(t, ctx, h, constantVUs("a", 0, 60, 30, 1), constantVUs("b", 5, 60, 30, 1))
		time.Sleep(2 * time.Second)
		cancel()
		r := <-done
		if r.err != nil || r.took != 2*time.Second {
			t.Errorf("Run = %v after %v, want nil after 2s", r.err, r.took)
		}
		ps := s.Progress()
		checkCounts(t, ps[0], 0, 1)
		for _, p := range ps {
			if p.State() != Aborted {
				t.Errorf("%s: state %v, want aborted", p.Scenario(), p.State())
			}
		}
		h.pool.checkReturned(t)
	})
}

func TestSchedulerError(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(2, time.Second))
		s, done := runScheduler(t, t.Context(), h, constantVUs("a", 0, 60, 30, 1), constantVUs("b", 5.5, 60, 30, 1))
		time.Sleep(4500 * time.Millisecond)
		h.pool.failGet.Store(true)
		r := <-done
		if !errors.Is(r.err, errPoolBroken) || !strings.Contains(r.err.Error(), `scenario "b"`) {
			t.Errorf("Run error = %v, want b's pool failure", r.err)
		}
		// a is cancelled when b fails, interrupting its iteration 5-6s.
		checkDuration(t, "Run took", r.took, 5500*time.Millisecond)
		checkCounts(t, s.Progress()[0], 5, 1)
		h.pool.failGet.Store(false)
		h.pool.checkReturned(t)
	})
}

// bogus is a scenario.Config no executor knows.
type bogus struct{ scenario.Common }

func (*bogus) Validate() []error              { return nil }
func (*bogus) Description() string            { return "bogus" }
func (*bogus) PeakVUs() int64                 { return 0 }
func (*bogus) PlannedDuration() time.Duration { return 0 }

func TestNewSchedulerErrors(t *testing.T) {
	t.Parallel()
	_, err := NewScheduler([]scenario.Config{
		&bogus{scenario.Common{Name: "x", Executor: "teleport"}},
		constantVUs("ok", 0, 1, 0, 1),
		&bogus{scenario.Common{Name: "y", Executor: "levitate"}},
	}, Env{Pool: uniformPool(1, time.Second)})
	if err == nil || !strings.Contains(err.Error(), "teleport") || !strings.Contains(err.Error(), "levitate") {
		t.Errorf("error = %v, want both unsupported executors", err)
	}
}

func TestRunAll(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(2, time.Second))
		err := RunAll(t.Context(), []scenario.Config{
			constantVUs("a", 0, 3, 30, 1),
			&scenario.SharedIterations{
				Common: common("b", scenario.TypeSharedIterations, 30),
				VUs:    1, Iterations: 2, MaxDuration: dur(60),
			},
		}, h.env())
		if err != nil {
			t.Fatal(err)
		}
		for _, vu := range h.pool.vus {
			if vu.completed() == 0 {
				t.Errorf("VU %d did nothing", vu.id)
			}
		}
		if got := h.pool.vus[0].completed() + h.pool.vus[1].completed(); got != 5 {
			t.Errorf("%d iterations, want 5", got)
		}
		h.pool.checkReturned(t)
	})
}
