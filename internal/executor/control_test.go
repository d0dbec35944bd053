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

func TestClock(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := newClock()
		if c.now() != 0 || c.isPaused() {
			t.Fatal("a new clock stands at 0, not paused")
		}
		time.Sleep(time.Second)
		if c.now() != 0 {
			t.Errorf("the clock ticked before start: %v", c.now())
		}
		c.start()
		time.Sleep(2 * time.Second)
		if !c.pause() || c.pause() {
			t.Error("pause must succeed once")
		}
		time.Sleep(5 * time.Second)
		if c.now() != 2*time.Second {
			t.Errorf("paused at %v, want 2s", c.now())
		}
		if !c.resume() || c.resume() {
			t.Error("resume must succeed once")
		}
		time.Sleep(time.Second)
		if c.now() != 3*time.Second {
			t.Errorf("now = %v, want 3s", c.now())
		}
		c.start() // no effect
		if c.now() != 3*time.Second {
			t.Errorf("a second start moved the clock: %v", c.now())
		}
	})
}

func TestClockSleepAcrossPause(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		c := newClock()
		c.start()
		t0 := time.Now()
		woke := make(chan time.Duration, 1)
		go func() {
			c.sleepUntil(t.Context(), 4*time.Second)
			woke <- time.Since(t0)
		}()
		ctx, stop := c.withDeadline(t.Context(), 4*time.Second)
		defer stop()
		fired := 0
		timerStop := c.afterFunc(t.Context(), func(f func()) { go f() }, 4*time.Second, func() { fired++ })
		defer timerStop()

		time.Sleep(time.Second)
		c.pause()
		time.Sleep(10 * time.Second) // stands still: 1s of execution time so far
		if ctx.Err() != nil || fired != 0 {
			t.Fatal("deadline passed while paused")
		}
		c.resume()
		if got := <-woke; got != 14*time.Second {
			t.Errorf("sleepUntil(4s) woke after %v, want 14s", got)
		}
		synctest.Wait()
		if !errors.Is(context.Cause(ctx), context.DeadlineExceeded) || fired != 1 {
			t.Errorf("deadline context %v, timer fired %d times", context.Cause(ctx), fired)
		}

		// A cancelled sleep returns false; a stopped timer never fires.
		cctx, cancel := context.WithCancel(t.Context())
		cancel()
		if c.sleepUntil(cctx, time.Hour) || c.waitRunning(cctx) {
			t.Error("sleep with a cancelled context succeeded")
		}
		n := 0
		c.afterFunc(t.Context(), func(f func()) { go f() }, c.now()+time.Second, func() { n++ })()
		time.Sleep(2 * time.Second)
		if n != 0 {
			t.Error("a stopped timer fired")
		}
	})
}

// iterStarts returns every iteration start of pool's VUs as an offset
// from t0, sorted.
func iterStarts(pool *fakePool, t0 time.Time) []time.Duration {
	var out []time.Duration
	for _, vu := range pool.all() {
		for _, it := range vu.iterations() {
			out = append(out, it.at.Sub(t0))
		}
	}
	slices.Sort(out)
	return out
}

// startsWithin counts the starts in the open interval (from, to).
func startsWithin(starts []time.Duration, from, to time.Duration) int {
	n := 0
	for _, s := range starts {
		if s > from && s < to {
			n++
		}
	}
	return n
}

// TestPause pauses each kind of executor for 10s and checks that no
// iteration starts meanwhile, that running ones finish, and that the
// schedule resumes where it stopped: the run takes 10s longer and the
// scenarios' elapsed time excludes the pause.
func TestPause(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name     string
		cfg      scenario.Config
		pool     func() *fakePool
		pauseAt  time.Duration
		complete int64
		dropped  int64
		took     time.Duration // wall time, pause included
		elapsed  time.Duration // execution time
	}{
		{
			// Iterations 0-1, 1-2, 2-3, 3-4 (finishes while paused),
			// then from 13.5s (execution time 3.5s): 3.5 … 9.5.
			name:    "constant-vus",
			cfg:     constantVUs("cv", 0, 10, 30, 2),
			pool:    func() *fakePool { return uniformPool(2, time.Second) },
			pauseAt: 3500 * ms, complete: 22, took: 20500 * ms, elapsed: 10500 * ms,
		},
		{
			// maxDuration is execution time too: 0, 1, 2 (ends while
			// paused), 2.5, 3.5, 4.5; 4 dropped.
			name: "per-vu-iterations",
			cfg: &scenario.PerVUIterations{Common: common("p", scenario.TypePerVUIterations, 30),
				VUs: 1, Iterations: 10, MaxDuration: dur(5)},
			pool:    func() *fakePool { return uniformPool(1, time.Second) },
			pauseAt: 2500 * ms, complete: 6, dropped: 4, took: 15500 * ms, elapsed: 5500 * ms,
		},
		{
			name: "shared-iterations",
			cfg: &scenario.SharedIterations{Common: common("s", scenario.TypeSharedIterations, 30),
				VUs: 2, Iterations: 6, MaxDuration: dur(60)},
			pool: func() *fakePool { return uniformPool(2, time.Second) },
			// 0-1 and 1-2 (ending while paused), then 1.5-2.5.
			pauseAt: 1500 * ms, complete: 6, took: 12500 * ms, elapsed: 2500 * ms,
		},
		{
			// Starts at 0, .1, …, 2.0, then from 12.05s on (execution
			// time 2.05s): 2.1 … 4.9. Exactly 50, nothing dropped.
			name: "constant-arrival-rate",
			cfg: &scenario.ConstantArrivalRate{Common: common("car", scenario.TypeConstantArrivalRate, 30),
				Rate: 10, TimeUnit: dur(1), Duration: dur(5), PreAllocatedVUs: 2, MaxVUs: 2},
			pool:    func() *fakePool { return uniformPool(2, 50*ms) },
			pauseAt: 2050 * ms, complete: 50, took: 15 * time.Second, elapsed: 5 * time.Second,
		},
		{
			// 0→10/s over 4s: 20 starts, the last at the end.
			name: "ramping-arrival-rate",
			cfg: &scenario.RampingArrivalRate{Common: common("rar", scenario.TypeRampingArrivalRate, 30),
				StartRate: 0, TimeUnit: dur(1), Stages: []scenario.Stage{stage(4, 10)}, PreAllocatedVUs: 2, MaxVUs: 2},
			pool:    func() *fakePool { return uniformPool(2, 50*ms) },
			pauseAt: 2050 * ms, complete: 20, took: 14050 * ms, elapsed: 4050 * ms,
		},
		{
			// 0→4 VUs over 4s (one more each second), 4 for 2s; the ramp
			// stands during the pause. In execution time: VU1 runs 1, 1.5,
			// 2 (ending while paused), then 2.25 … 5.75: 11; VU2 from 2:
			// 9; VU3 from 3: 6; VU4 from 4: 4.
			name: "ramping-vus",
			cfg: &scenario.RampingVUs{Common: common("r", scenario.TypeRampingVUs, 30), StartVUs: 0,
				Stages: []scenario.Stage{stage(4, 4), stage(2, 4)}, GracefulRampDown: dur(30)},
			pool:    func() *fakePool { return uniformPool(4, 500*ms) },
			pauseAt: 2250 * ms, complete: 30, took: 16250 * ms, elapsed: 6250 * ms,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(tt.pool())
				s, done := runScheduler(t, t.Context(), h, tt.cfg)
				t0 := time.Now()
				time.Sleep(tt.pauseAt)
				if err := s.Pause(); err != nil {
					t.Fatal(err)
				}
				st := s.Status()
				time.Sleep(10 * time.Second)
				if !s.Paused() || s.Status().Elapsed != tt.pauseAt || st.Elapsed != tt.pauseAt {
					t.Errorf("while paused: %+v", s.Status())
				}
				if err := s.Resume(); err != nil {
					t.Fatal(err)
				}
				r := <-done
				if r.err != nil {
					t.Fatal(r.err)
				}
				p := s.Progress()[0]
				checkCounts(t, p, tt.complete, 0)
				checkDuration(t, "Run took", r.took, tt.took)
				checkDuration(t, "Elapsed", p.Elapsed(), tt.elapsed)
				if d := h.drops.total(); d != tt.dropped {
					t.Errorf("dropped %d, want %d", d, tt.dropped)
				}
				if n := startsWithin(iterStarts(h.pool, t0), tt.pauseAt, tt.pauseAt+10*time.Second); n != 0 {
					t.Errorf("%d iterations started while paused", n)
				}
				h.pool.checkReturned(t)
			})
		})
	}
}

// A run started paused (--paused) does nothing until resumed; startTime
// counts from then.
func TestStartPaused(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(2, time.Second))
		later := constantVUs("later", 2, 3, 30, 1)
		s, err := NewScheduler([]scenario.Config{constantVUs("first", 0, 3, 30, 1), later}, h.env())
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Pause(); err != nil {
			t.Fatal(err)
		}
		if st := s.Status(); !st.Paused || st.Running || st.Stopped || st.MaxVUs != 2 {
			t.Errorf("before Run: %+v", st)
		}
		resumed := make(chan error, 1)
		go func() { resumed <- s.WaitResumed(t.Context()) }()
		done := make(chan error, 1)
		t0 := time.Now()
		go func() { done <- s.Run(t.Context()) }()
		time.Sleep(5 * time.Second)
		synctest.Wait()
		select {
		case <-resumed:
			t.Fatal("WaitResumed returned while paused")
		default:
		}
		if st := s.Status(); !st.Paused || !st.Running || st.Elapsed != 0 || st.VUs != 0 {
			t.Errorf("paused at the start: %+v", st)
		}
		for _, p := range s.Progress() {
			if p.State() != Waiting {
				t.Errorf("%s is %v while paused at the start", p.Scenario(), p.State())
			}
		}
		if err := s.Resume(); err != nil {
			t.Fatal(err)
		}
		if err := <-resumed; err != nil {
			t.Fatal(err)
		}
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		checkDuration(t, "Run took", time.Since(t0), 10*time.Second)
		starts := iterStarts(h.pool, t0)
		if len(starts) != 6 || starts[0] != 5*time.Second || starts[5] != 9*time.Second {
			t.Errorf("iterations started at %v", starts)
		}
		if st := s.Status(); st.Running || !st.Stopped || st.Paused || st.Elapsed != 5*time.Second {
			t.Errorf("after Run: %+v", st)
		}
		if err := s.Pause(); !errors.Is(err, ErrStopped) {
			t.Errorf("Pause after the run: %v", err)
		}
		if err := s.Resume(); !errors.Is(err, ErrStopped) {
			t.Errorf("Resume after the run: %v", err)
		}
		h.pool.checkReturned(t)
	})
}

func TestPauseErrorsAndHardStop(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(1, 4*time.Second))
		ctx, cancel := context.WithCancel(t.Context())
		s, done := runScheduler(t, ctx, h, constantVUs("cv", 0, 60, 30, 1))
		if err := s.Resume(); !errors.Is(err, ErrNotPaused) {
			t.Errorf("Resume while running: %v", err)
		}
		time.Sleep(time.Second)
		if err := s.Pause(); err != nil {
			t.Fatal(err)
		}
		if err := s.Pause(); !errors.Is(err, ErrPaused) {
			t.Errorf("second Pause: %v", err)
		}
		// The iteration running since 0 goes on while paused.
		time.Sleep(5 * time.Second)
		if got := s.Progress()[0].Complete(); got != 1 {
			t.Errorf("complete = %d while paused, want 1", got)
		}
		// A hard stop ends a paused run at once.
		cancel()
		r := <-done
		if r.err != nil || r.took != 6*time.Second {
			t.Errorf("Run = %v after %v", r.err, r.took)
		}
		if err := s.Run(t.Context()); err == nil {
			t.Error("a second Run succeeded")
		}
		h.pool.checkReturned(t)
	})
}

func TestWaitResumedCancelled(t *testing.T) {
	t.Parallel()
	s, err := NewScheduler(nil, Env{Pool: uniformPool(1, time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.WaitResumed(t.Context()); err != nil {
		t.Errorf("not paused: %v", err)
	}
	_ = s.Pause()
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if err := s.WaitResumed(ctx); !errors.Is(err, context.Canceled) {
		t.Errorf("cancelled: %v", err)
	}
}

// The pause stops a scenario's startTime from coming.
func TestPauseDelaysStartTime(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(2, time.Second))
		s, done := runScheduler(t, t.Context(), h, constantVUs("a", 0, 3, 30, 1), constantVUs("b", 5, 2, 30, 1))
		t0 := time.Now()
		time.Sleep(2 * time.Second)
		_ = s.Pause()
		time.Sleep(10 * time.Second)
		_ = s.Resume()
		if r := <-done; r.err != nil || r.took != 17*time.Second {
			t.Errorf("Run = %v after %v, want 17s", r.err, r.took)
		}
		var b []time.Duration
		for _, vu := range h.pool.all() {
			for _, it := range vu.iterations() {
				if it.scenario == "b" {
					b = append(b, it.at.Sub(t0))
				}
			}
		}
		if !slices.Equal(b, []time.Duration{15 * time.Second, 16 * time.Second}) {
			t.Errorf("b's iterations at %v, want 15s and 16s", b)
		}
	})
}

func externally(vus, maxVUs int64, duration float64) *scenario.ExternallyControlled {
	return &scenario.ExternallyControlled{Common: common("ext", scenario.TypeExternallyControlled, 0),
		VUs: vus, MaxVUs: maxVUs, Duration: dur(duration)}
}

func TestScale(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(5, time.Second))
		s, done := runScheduler(t, t.Context(), h, externally(1, 3, 20.5))
		p := s.Progress()[0]
		vusAt := func(want int64) {
			t.Helper()
			if got := p.ActiveVUs(); got != want {
				t.Errorf("at %v: %d VUs, want %d", p.Elapsed(), got, want)
			}
			if got := s.Status().VUs; got != want {
				t.Errorf("at %v: Status.VUs = %d, want %d", p.Elapsed(), got, want)
			}
		}
		time.Sleep(2500 * time.Millisecond)
		vusAt(1)
		if st := s.Status(); st.MaxVUs != 3 || !st.Running {
			t.Errorf("status %+v", st)
		}
		if err := s.Scale(t.Context(), 2, 3); err != nil {
			t.Fatal(err)
		}
		vusAt(2)
		time.Sleep(3 * time.Second) // 5.5s
		if err := s.Scale(t.Context(), 4, 5); err != nil {
			t.Fatal(err)
		}
		vusAt(4)
		if st := s.Status(); st.MaxVUs != 5 {
			t.Errorf("MaxVUs = %d after raising maxVUs, want 5", st.MaxVUs)
		}
		for _, bad := range [][2]int64{{6, 5}, {1, 4}, {-1, 5}} {
			if err := s.Scale(t.Context(), bad[0], bad[1]); !errors.Is(err, ErrInvalidScale) {
				t.Errorf("Scale(%d, %d) = %v, want ErrInvalidScale", bad[0], bad[1], err)
			}
		}
		time.Sleep(3500 * time.Millisecond) // 9s: VU2-4 are in iterations 8.5-9.5s
		if err := s.Scale(t.Context(), 1, 5); err != nil {
			t.Fatal(err)
		}
		time.Sleep(200 * time.Millisecond)
		vusAt(4) // the surplus finish their iteration
		time.Sleep(500 * time.Millisecond)
		vusAt(1)
		r := <-done
		if r.err != nil || r.took != 20500*time.Millisecond {
			t.Errorf("Run = %v after %v", r.err, r.took)
		}
		// VU1: 0 … 19, and 20-21 cut at the end; VU2 from 2.5s: 2.5 …
		// 8.5 = 7; VU3, VU4 from 5.5s: 5.5 … 8.5 = 4 each. Nothing was
		// cut by scaling down.
		checkCounts(t, p, 20+7+4+4, 1)
		if err := s.Scale(t.Context(), 1, 5); !errors.Is(err, ErrStopped) {
			t.Errorf("Scale after the end: %v", err)
		}
		h.pool.checkReturned(t)
	})
}

// VUs made surplus finish their iteration however long it takes, and come
// back if the count rises again meanwhile.
func TestScaleDownFinishesIterations(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(3, 10*time.Second))
		s, done := runScheduler(t, t.Context(), h, externally(3, 3, 25))
		time.Sleep(time.Second)
		if err := s.Scale(t.Context(), 1, 3); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second)
		if got := s.Status().VUs; got != 3 {
			t.Errorf("VUs at 6s = %d, want 3 (2 finishing)", got)
		}
		// One surplus VU is taken back before its iteration ends.
		if err := s.Scale(t.Context(), 2, 3); err != nil {
			t.Fatal(err)
		}
		time.Sleep(5 * time.Second) // 11s
		if got := s.Status().VUs; got != 2 {
			t.Errorf("VUs at 11s = %d, want 2", got)
		}
		<-done
		// VU1, VU2: 0-10, 10-20, 20-25 cut; VU3: 0-10.
		checkCounts(t, s.Progress()[0], 5, 2)
		if got := h.pool.maxOut.Load(); got != 3 {
			t.Errorf("max VUs out = %d, want 3", got)
		}
		h.pool.checkReturned(t)
	})
}

// Added VUs beyond the pre-initialised ones are initialised by the pool;
// Scale waits for them, within ctx.
func TestScaleWaitsForPool(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(elasticPool(1, 4, time.Second, 700*time.Millisecond))
		ctx, cancel := context.WithCancel(t.Context())
		s, done := runScheduler(t, ctx, h, externally(1, 1, 0))
		time.Sleep(500 * time.Millisecond)
		start := time.Now()
		if err := s.Scale(t.Context(), 3, 3); err != nil {
			t.Fatal(err)
		}
		checkDuration(t, "Scale took", time.Since(start), 700*time.Millisecond)
		if got := s.Status().VUs; got != 3 {
			t.Errorf("VUs after Scale = %d, want 3", got)
		}
		// More than the pool can make: ctx ends the wait, the scenario
		// keeps asking.
		wctx, wcancel := context.WithTimeout(t.Context(), 2*time.Second)
		defer wcancel()
		err := s.Scale(wctx, 5, 5)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Scale beyond the pool = %v", err)
		}
		if got := s.Status().VUs; got != 4 {
			t.Errorf("VUs = %d, want the 4 the pool could make", got)
		}
		time.Sleep(time.Second)
		cancel()
		if r := <-done; r.err != nil {
			t.Error(r.err)
		}
		h.pool.checkReturned(t)
	})
}

func TestScaleBeforeStartAndWhilePaused(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(4, time.Second))
		ext := externally(1, 2, 5)
		ext.StartTime = dur(2.5)
		s, err := NewScheduler([]scenario.Config{ext}, h.env())
		if err != nil {
			t.Fatal(err)
		}
		// Before Run: nothing to wait for.
		if err := s.Scale(t.Context(), 2, 2); err != nil {
			t.Fatal(err)
		}
		_ = s.Pause()
		done := make(chan error, 1)
		t0 := time.Now()
		go func() { done <- s.Run(t.Context()) }()
		time.Sleep(time.Second)
		_ = s.Resume()
		time.Sleep(3 * time.Second) // execution time 3s: the scenario started with 2 VUs at 2.5s
		if got := s.Status().VUs; got != 2 {
			t.Errorf("VUs at the start = %d, want 2", got)
		}
		_ = s.Pause()
		if err := s.Scale(t.Context(), 4, 4); err != nil {
			t.Fatal(err)
		}
		if got := s.Status().VUs; got != 4 {
			t.Errorf("VUs after scaling while paused = %d, want 4", got)
		}
		time.Sleep(3 * time.Second)
		_ = s.Resume()
		if err := <-done; err != nil {
			t.Fatal(err)
		}
		starts := iterStarts(h.pool, t0)
		if n := startsWithin(starts, 4*time.Second, 7*time.Second); n != 0 {
			t.Errorf("%d iterations started while paused (starts %v)", n, starts)
		}
		// Execution time 2.5-7.5s: 2 VUs at 2.5 (wall 3.5s), then 4 VUs
		// at 3, 4, 5, 6, 7 (wall 7 … 11s), the last ones cut at 7.5.
		if got := len(starts); got != 22 || starts[0] != 3500*time.Millisecond || starts[2] != 7*time.Second {
			t.Errorf("%d iterations, want 22: %v", got, starts)
		}
		checkCounts(t, s.Progress()[0], 18, 4)
		h.pool.checkReturned(t)
	})
}

func TestScaleWithoutExternallyControlled(t *testing.T) {
	t.Parallel()
	s, err := NewScheduler([]scenario.Config{constantVUs("cv", 0, 10, 30, 1)}, Env{Pool: uniformPool(1, time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Scale(t.Context(), 1, 1); !errors.Is(err, ErrNotScalable) {
		t.Errorf("Scale = %v, want ErrNotScalable", err)
	}
}

func TestStatusMaxVUs(t *testing.T) {
	t.Parallel()
	// a: 0-40s, 5 VUs; b: 10s-70s, 3; c: 40s on (a's VUs are free), 4;
	// an infinite externally-controlled from 100s, 2 (max 6).
	c := constantVUs("c", 40, 10, 0, 4)
	ext := externally(2, 6, 0)
	ext.StartTime = dur(100)
	s, err := NewScheduler([]scenario.Config{constantVUs("a", 0, 10, 30, 5), constantVUs("b", 10, 30, 30, 3), c, ext},
		Env{Pool: uniformPool(1, time.Second)})
	if err != nil {
		t.Fatal(err)
	}
	if got := s.Status().MaxVUs; got != 8 {
		t.Errorf("MaxVUs = %d, want 8", got)
	}
	if err := s.Scale(t.Context(), 2, 10); err != nil {
		t.Fatal(err)
	}
	if got := s.Status().MaxVUs; got != 10 {
		t.Errorf("MaxVUs = %d after raising maxVUs to 10, want 10", got)
	}
}
