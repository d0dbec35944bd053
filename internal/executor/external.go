package executor

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// ErrInvalidScale is wrapped by the errors of Scale for values it refuses;
// a REST API can answer them with a client error.
var ErrInvalidScale = errors.New("invalid scale")

// externallyControlled is the externally-controlled executor: vus VUs loop
// iterations for duration (0 = until the run ends), and Scale changes vus
// and maxVUs while it runs. There is no gracefulStop (k6 forbids it here):
// at the end, running iterations are interrupted at once. VUs made surplus
// by scaling down finish their current iteration, however long it takes,
// then go back to the pool; VUs added come from the pool.
type externallyControlled struct {
	base
	duration time.Duration

	mu          sync.Mutex
	vus, maxVUs int64
	phase       phase
	slots       []*slot // while running; len = the most VUs ever active
	active      int64   // slots[:active] are active
	w           *window
	g           *group
	// changed is closed and replaced whenever a slot gets its VU or the
	// phase changes, for Scale to wait on.
	changed chan struct{}
}

type phase int

const (
	phaseWaiting phase = iota
	phaseRunning
	phaseEnded
)

func newExternallyControlled(b base, c *scenario.ExternallyControlled) *externallyControlled {
	b.grace = 0
	return &externallyControlled{
		base:     b,
		duration: max(time.Duration(c.Duration), 0),
		vus:      max(c.VUs, 0),
		maxVUs:   max(c.MaxVUs, c.VUs, 0),
		changed:  make(chan struct{}),
	}
}

func (e *externallyControlled) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *externallyControlled) body(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	w := newWindow(gctx, e.clk, e.duration, 0)
	defer w.close()

	e.mu.Lock()
	e.w, e.g, e.phase = w, g, phaseRunning
	e.applyLocked()
	e.notifyLocked()
	e.mu.Unlock()

	<-w.reg.Done()

	e.mu.Lock()
	e.phase = phaseEnded // no slot is activated after this
	e.notifyLocked()
	e.mu.Unlock()
	return g.Wait()
}

// applyLocked makes slots[:vus] active and the others inactive.
func (e *externallyControlled) applyLocked() {
	for int64(len(e.slots)) < e.vus {
		s := newSlot(&e.base, e.w, e.g, -1)
		s.onVU = e.notify
		e.slots = append(e.slots, s)
	}
	for ; e.active < e.vus; e.active++ {
		e.slots[e.active].activate()
	}
	for ; e.active > e.vus; e.active-- {
		e.slots[e.active-1].deactivate()
	}
}

func (e *externallyControlled) notifyLocked() {
	close(e.changed)
	e.changed = make(chan struct{})
}

func (e *externallyControlled) notify() {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.notifyLocked()
}

// limits returns the current vus and maxVUs.
func (e *externallyControlled) limits() (vus, maxVUs int64) {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.vus, e.maxVUs
}

// scale sets the number of active VUs and maxVUs. See Scheduler.Scale.
func (e *externallyControlled) scale(ctx context.Context, vus, maxVUs int64) error {
	e.mu.Lock()
	switch {
	case vus < 0:
		e.mu.Unlock()
		return fmt.Errorf("%w: the number of VUs shouldn't be negative", ErrInvalidScale)
	case vus > maxVUs:
		e.mu.Unlock()
		return fmt.Errorf("%w: the number of active VUs (%d) must be less than or equal to the number of maxVUs (%d)",
			ErrInvalidScale, vus, maxVUs)
	case maxVUs < e.maxVUs:
		e.mu.Unlock()
		return fmt.Errorf("%w: maxVUs can't be decreased, from %d to %d", ErrInvalidScale, e.maxVUs, maxVUs)
	case e.phase == phaseEnded:
		e.mu.Unlock()
		return fmt.Errorf("scenario %q: %w", e.name, ErrStopped)
	}
	e.vus, e.maxVUs = vus, maxVUs
	if e.phase == phaseRunning {
		e.applyLocked()
	}
	e.mu.Unlock()
	return e.waitVUs(ctx)
}

// waitVUs waits until every active slot holds its VU, while the scenario
// runs. Before it starts there is nothing to wait for.
func (e *externallyControlled) waitVUs(ctx context.Context) error {
	for {
		e.mu.Lock()
		ph, changed := e.phase, e.changed
		ready := 0
		for _, s := range e.slots[:e.active] {
			if s.holding() {
				ready++
			}
		}
		want := e.active
		e.mu.Unlock()
		switch {
		case ph == phaseWaiting || int64(ready) >= want:
			return nil
		case ph == phaseEnded:
			return fmt.Errorf("scenario %q: %w before all its VUs started", e.name, ErrStopped)
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return fmt.Errorf("scenario %q: waiting for VUs: %d of %d active: %w", e.name, ready, want, context.Cause(ctx))
		}
	}
}
