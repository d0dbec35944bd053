package executor

import (
	"context"
	"sync"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// rampingVUs is the ramping-vus executor. It owns one slot per VU it may
// ever run (max of startVUs and all targets) and follows the planned VU
// count of rampPlan: when the count rises, the lowest idle slots take a
// VU from the pool and start looping; when it falls, the highest running
// slots stop starting iterations, get gracefulRampDown to finish the
// current one, and give their VU back. A slot that is asked to run again
// while still finishing simply carries on, so the number of VUs held never
// exceeds the maximum target.
//
// With an execution segment the plan is the segment's share of the whole
// test's count at every instant (scenario.RampingVUs.Steps), and slot k of
// the segment lives exactly as long as the whole test's slot that the
// striping gives it.
type rampingVUs struct {
	base
	steps    []scenario.Step
	duration time.Duration
	rampDown time.Duration
}

func newRampingVUs(b base, c *scenario.RampingVUs) *rampingVUs {
	return &rampingVUs{
		base:     b,
		steps:    rampPlan(c),
		duration: stagesDuration(c.Stages),
		rampDown: max(time.Duration(c.GracefulRampDown), 0),
	}
}

func (e *rampingVUs) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *rampingVUs) body(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	w := newWindow(gctx, e.clk, e.duration, e.grace)
	defer w.close()
	if e.duration <= 0 {
		return g.Wait()
	}

	var maxVUs int64
	for _, st := range e.steps {
		maxVUs = max(maxVUs, st.VUs)
	}
	slots := make([]*slot, maxVUs)
	for i := range slots {
		slots[i] = newSlot(&e.base, w, g, e.rampDown)
	}

	var current int64
	for _, st := range e.steps {
		// A VU started at the nominal end could not run anything.
		if st.Offset >= e.duration || !e.clk.sleepUntil(w.reg, satAdd(w.start, st.Offset)) {
			break
		}
		for ; current < st.VUs; current++ {
			slots[current].activate()
		}
		for ; current > st.VUs; current-- {
			slots[current-1].deactivate()
		}
	}
	// The scenario lasts as long as its stages even if the VUs are gone
	// early. Past the end the slots see the window close by themselves and
	// w.iter interrupts them after gracefulStop.
	<-w.reg.Done()
	return g.Wait()
}

// slot is one VU position of a scenario whose VU count changes while it
// runs (ramping-vus, externally-controlled). Its controller activates and
// deactivates it; while it is running, one goroutine (runLoop) holds a VU
// for it and loops iterations.
type slot struct {
	b *base
	w *window
	g *group
	// rampDown is how long a deactivated slot may finish its iteration
	// before it is interrupted; negative means as long as it takes.
	rampDown time.Duration
	// onVU, if set, is called (without locks held) after the slot got
	// its VU.
	onVU func()

	mu      sync.Mutex
	running bool // a runLoop goroutine owns the slot
	active  bool // the slot should keep starting iterations
	busy    bool // an iteration is running
	held    int  // VUs held by runLoop goroutines: 0 or 1, briefly 2
	// gen invalidates ramp-down timers armed before the latest change.
	gen     uint64
	ctx     context.Context // the current iterations' context
	cancel  context.CancelFunc
	stopper func() // stops the ramp-down timer of a deactivated slot
}

func newSlot(b *base, w *window, g *group, rampDown time.Duration) *slot {
	return &slot{b: b, w: w, g: g, rampDown: rampDown}
}

func (s *slot) activate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active = true
	s.gen++
	s.stopTimerLocked()
	if s.running {
		// The ramp-down timer (or a deactivation between iterations)
		// may already have cancelled the context; the next iterations
		// need a live one.
		if s.ctx.Err() != nil {
			s.ctx, s.cancel = context.WithCancel(s.w.iter)
		}
		return
	}
	s.running = true
	s.ctx, s.cancel = context.WithCancel(s.w.iter)
	s.g.Go(s.runLoop)
}

// deactivate stops the slot from starting iterations. A slot between
// iterations (waiting for a VU, for the run to resume, or about to start
// one) stops at once; one in an iteration finishes it within rampDown.
func (s *slot) deactivate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.active {
		return
	}
	s.active = false
	s.gen++
	if !s.running {
		return
	}
	if !s.busy {
		s.cancel()
		return
	}
	if s.rampDown < 0 {
		return
	}
	gen := s.gen
	spawn := func(f func()) { s.g.Go(func() error { f(); return nil }) }
	s.stopper = s.w.clk.afterFunc(s.w.iter, spawn, satAdd(s.w.clk.now(), s.rampDown), func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gen == gen && s.running {
			s.cancel()
		}
	})
}

func (s *slot) stopTimerLocked() {
	if s.stopper != nil {
		s.stopper()
		s.stopper = nil
	}
}

// live returns the context to wait for a VU under, or false when the slot
// must stop. On false the slot is free for the controller to start again.
func (s *slot) live() (context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active && s.ctx.Err() == nil && s.w.open() {
		return s.ctx, true
	}
	s.stopLocked()
	return nil, false
}

// next waits while the run is paused and returns the context for the next
// iteration, marking the slot busy, or false when the slot must stop:
// deactivated, interrupted, or past the scenario's end.
func (s *slot) next() (context.Context, bool) {
	for {
		s.mu.Lock()
		if !s.active || s.ctx.Err() != nil || !s.w.open() {
			s.stopLocked()
			s.mu.Unlock()
			return nil, false
		}
		ctx := s.ctx
		if !s.w.clk.isPaused() {
			s.busy = true
			s.mu.Unlock()
			return ctx, true
		}
		s.mu.Unlock()
		s.w.clk.waitRunning(ctx)
	}
}

func (s *slot) idle() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.busy = false
}

func (s *slot) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *slot) stopLocked() {
	s.running = false
	s.active = false
	s.busy = false
	s.cancel()
	s.stopTimerLocked()
}

func (s *slot) addHeld(n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.held += n
}

// holding reports whether the slot is active and has its VU.
func (s *slot) holding() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.active && s.held > 0
}

func (s *slot) runLoop() error {
	var vu VU
	defer func() {
		if vu != nil {
			s.addHeld(-1)
			s.b.release(vu)
		}
	}()
	for {
		if vu == nil {
			ctx, ok := s.live()
			if !ok {
				return nil
			}
			var err error
			// Waiting for a VU ends with ctx, that is when a ramp-down
			// or the end of the scenario makes this slot useless.
			if vu, err = s.b.acquire(ctx); err != nil {
				s.stop()
				return err
			}
			if vu != nil {
				s.addHeld(1)
				if s.onVU != nil {
					s.onVU()
				}
			}
			continue // live or next sees why ctx ended
		}
		ctx, ok := s.next()
		if !ok {
			return nil
		}
		s.b.iterate(ctx, vu)
		s.idle()
	}
}
