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
		rampDown: time.Duration(c.GracefulRampDown),
	}
}

func (e *rampingVUs) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *rampingVUs) body(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	w := newWindow(gctx, e.duration, e.grace)
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
		slots[i] = &slot{e: e, w: w, g: g}
	}

	var current int64
	for _, st := range e.steps {
		// A VU started at the nominal end could not run anything.
		if st.Offset >= e.duration || !sleepUntil(w.reg, w.start.Add(st.Offset)) {
			break
		}
		for ; current < st.VUs; current++ {
			slots[current].activate()
		}
		for ; current > st.VUs; current-- {
			slots[current-1].deactivate(e.rampDown)
		}
	}
	// The scenario lasts as long as its stages even if the VUs are gone
	// early. Past the end the slots see the window close by themselves and
	// w.iter interrupts them after gracefulStop.
	sleepUntil(w.reg, w.end)
	return g.Wait()
}

// slot is one VU position of a ramping-vus scenario. The controller
// goroutine activates and deactivates it; while it is running, one
// goroutine (runLoop) holds a VU for it.
type slot struct {
	e *rampingVUs
	w *window
	g *group

	mu      sync.Mutex
	running bool // a runLoop goroutine owns the slot
	active  bool // the slot should keep starting iterations
	// gen invalidates ramp-down timers armed before the latest change.
	gen     uint64
	ctx     context.Context // the current iterations' context
	cancel  context.CancelFunc
	stopper *time.Timer // interrupts a ramping-down slot
}

func (s *slot) activate() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.active = true
	s.gen++
	if s.stopper != nil {
		s.stopper.Stop()
		s.stopper = nil
	}
	if s.running {
		// The ramp-down timer may already have interrupted the last
		// iteration; the next ones need a live context.
		if s.ctx.Err() != nil {
			s.ctx, s.cancel = context.WithCancel(s.w.iter)
		}
		return
	}
	s.running = true
	s.ctx, s.cancel = context.WithCancel(s.w.iter)
	s.g.Go(s.runLoop)
}

func (s *slot) deactivate(rampDown time.Duration) {
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
	gen := s.gen
	s.stopper = time.AfterFunc(rampDown, func() {
		s.mu.Lock()
		defer s.mu.Unlock()
		if s.gen == gen && s.running {
			s.cancel()
		}
	})
}

// next returns the context for the next iteration, or false when the slot
// must stop: deactivated, interrupted, or past the scenario's end. On
// false the slot is free for the controller to start again.
func (s *slot) next() (context.Context, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.active && s.ctx.Err() == nil && s.w.open() {
		return s.ctx, true
	}
	s.stopLocked()
	return nil, false
}

func (s *slot) stop() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.stopLocked()
}

func (s *slot) stopLocked() {
	s.running = false
	s.active = false
	s.cancel()
	if s.stopper != nil {
		s.stopper.Stop()
		s.stopper = nil
	}
}

func (s *slot) runLoop() error {
	var vu VU
	defer func() {
		if vu != nil {
			s.e.release(vu)
		}
	}()
	for {
		ctx, ok := s.next()
		if !ok {
			return nil
		}
		if vu == nil {
			var err error
			// Waiting for a VU ends with ctx, that is when a ramp-down
			// or the end of the scenario makes this slot useless.
			if vu, err = s.e.acquire(ctx); err != nil {
				s.stop()
				return err
			}
			if vu == nil {
				continue // next() sees why ctx ended
			}
		}
		s.e.iterate(ctx, vu)
	}
}
