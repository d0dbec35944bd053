package executor

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// arrivalRate runs constant-arrival-rate and ramping-arrival-rate: it
// starts iterations when pace says they are due, each on an idle VU. With
// no idle VU the iteration is dropped and, while fewer than maxVUs are
// held, one more VU is requested from the pool in the background, so the
// pace never waits for a VU.
//
// With an execution segment, pace is still the whole test's schedule, of
// which the instance starts only the iterations its segment owns
// (striped), and preAllocatedVUs and maxVUs are the segment's shares.
type arrivalRate struct {
	base
	duration         time.Duration
	preAlloc, maxVUs int64
	pace             func() arrivals // a fresh schedule per Run
}

func newConstantArrivalRate(b base, c *scenario.ConstantArrivalRate) *arrivalRate {
	rate, unit, dur := c.Rate, time.Duration(c.TimeUnit), time.Duration(c.Duration)
	return &arrivalRate{
		base:     b,
		duration: dur,
		preAlloc: b.et.ScaleInt64(c.PreAllocatedVUs),
		maxVUs:   b.et.ScaleInt64(max(c.MaxVUs, c.PreAllocatedVUs)),
		pace:     func() arrivals { return striped(constantArrivals(rate, unit, dur), b.et) },
	}
}

func newRampingArrivalRate(b base, c *scenario.RampingArrivalRate) *arrivalRate {
	return &arrivalRate{
		base:     b,
		duration: stagesDuration(c.Stages),
		preAlloc: b.et.ScaleInt64(c.PreAllocatedVUs),
		maxVUs:   b.et.ScaleInt64(max(c.MaxVUs, c.PreAllocatedVUs)),
		pace: func() arrivals {
			return striped(rampingArrivals(c.StartRate, time.Duration(c.TimeUnit), c.Stages), b.et)
		},
	}
}

func (e *arrivalRate) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *arrivalRate) body(ctx context.Context) error {
	w := newWindow(ctx, e.clk, e.duration, e.grace)
	defer w.close()
	if e.duration <= 0 {
		return nil
	}

	// idle never blocks a sender: at most maxVUs VUs exist.
	idle := make(chan VU, e.maxVUs)
	var wg sync.WaitGroup // iterations and background VU requests
	defer func() {
		wg.Wait()
		close(idle)
		for vu := range idle {
			e.release(vu)
		}
	}()

	for range e.preAlloc {
		vu, err := e.acquire(w.reg)
		if err != nil {
			return err
		}
		if vu == nil {
			return nil
		}
		idle <- vu
	}

	allocated := e.preAlloc
	var growing atomic.Bool
	warned := false
	grow := func() {
		defer growing.Store(false)
		vu, err := e.acquire(w.reg)
		if err != nil {
			// Like k6, a VU that fails to initialise mid-test costs
			// capacity, not the test.
			e.env.Warn(e.name, fmt.Sprintf("could not get an unplanned VU: %v", err))
			return
		}
		if vu != nil {
			idle <- vu
		}
	}

	next := e.pace()
	for {
		at, ok := next()
		// Waiting on ctx rather than w.reg: a start due exactly at the
		// end (ramping) must not race the end's timer. While the run is
		// paused, the clock stands and so does the schedule.
		if !ok || !e.clk.sleepUntil(ctx, satAdd(w.start, at)) {
			break
		}
		select {
		case vu := <-idle:
			wg.Go(func() {
				e.iterate(w.iter, vu)
				idle <- vu
			})
			continue
		default:
		}
		e.drop(ctx, 1, 0)
		switch {
		case allocated < e.maxVUs:
			if growing.CompareAndSwap(false, true) {
				allocated++
				wg.Go(grow)
			}
		case !warned:
			warned = true
			e.env.Warn(e.name, fmt.Sprintf(
				"Insufficient VUs, reached %d active VUs and cannot initialize more", e.maxVUs))
		}
	}
	e.clk.sleepUntil(ctx, w.end)
	return nil
}
