package executor

import (
	"context"
	"sync"
	"time"
)

// clock is the execution clock of a run. Every executor decision that
// depends on time (startTime, duration and maxDuration, gracefulStop and
// gracefulRampDown, ramp steps, arrival instants, Progress.Elapsed) is
// made on it, in execution time: the time since the run started, minus
// the time it spent paused. Pausing freezes it, so schedules resume where
// they stopped instead of catching up.
//
// It is driven by the real clock (time.Now, timers), so that tests can
// fake it with testing/synctest. Sleepers don't keep a registry: each one
// waits on a real timer for the remaining execution time and on the
// changed channel, which is closed (and replaced) whenever the clock
// starts, stops or resumes, and then looks again.
type clock struct {
	mu      sync.Mutex
	started bool
	paused  bool
	elapsed time.Duration // execution time up to since
	since   time.Time     // when the clock last began to tick; zero while it stands
	changed chan struct{}
}

func newClock() *clock { return &clock{changed: make(chan struct{})} }

// nowLocked returns the execution time; c.mu must be held.
func (c *clock) nowLocked() time.Duration {
	if c.since.IsZero() {
		return c.elapsed
	}
	return c.elapsed + time.Since(c.since)
}

func (c *clock) broadcastLocked() {
	close(c.changed)
	c.changed = make(chan struct{})
}

// now returns the execution time: 0 before start, frozen while paused.
func (c *clock) now() time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.nowLocked()
}

// start makes the clock tick, unless it is paused; later calls do nothing.
func (c *clock) start() {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.started {
		return
	}
	c.started = true
	if !c.paused {
		c.since = time.Now()
	}
	c.broadcastLocked()
}

// pause stops the clock; it reports false if it was already paused.
func (c *clock) pause() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.paused {
		return false
	}
	c.paused = true
	if !c.since.IsZero() {
		c.elapsed += time.Since(c.since)
		c.since = time.Time{}
	}
	c.broadcastLocked()
	return true
}

// resume undoes pause; it reports false if the clock was not paused.
func (c *clock) resume() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.paused {
		return false
	}
	c.paused = false
	if c.started {
		c.since = time.Now()
	}
	c.broadcastLocked()
	return true
}

func (c *clock) isPaused() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.paused
}

// waitRunning waits while the clock is paused; it reports false if ctx
// ended first.
func (c *clock) waitRunning(ctx context.Context) bool {
	for {
		c.mu.Lock()
		paused, changed := c.paused, c.changed
		c.mu.Unlock()
		if ctx.Err() != nil {
			return false
		}
		if !paused {
			return true
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return false
		}
	}
}

// sleepUntil waits until the execution time reaches at and the clock is
// not paused; it reports false if ctx ended first.
func (c *clock) sleepUntil(ctx context.Context, at time.Duration) bool {
	for {
		c.mu.Lock()
		now, paused, ticking, changed := c.nowLocked(), c.paused, !c.since.IsZero(), c.changed
		c.mu.Unlock()
		if ctx.Err() != nil {
			return false
		}
		if !paused && now >= at {
			return true
		}
		if !ticking {
			select {
			case <-changed:
				continue
			case <-ctx.Done():
				return false
			}
		}
		t := time.NewTimer(at - now)
		select {
		case <-t.C:
		case <-changed:
			t.Stop()
		case <-ctx.Done():
			t.Stop()
			return false
		}
	}
}

// withDeadline returns a context that is cancelled, with cause
// context.DeadlineExceeded, when the execution time reaches at. Its stop
// function cancels it and returns once the goroutine that watches the
// clock has ended.
func (c *clock) withDeadline(parent context.Context, at time.Duration) (context.Context, func()) {
	ctx, cancel := context.WithCancelCause(parent)
	done := make(chan struct{})
	go func() {
		defer close(done)
		if c.sleepUntil(ctx, at) {
			cancel(context.DeadlineExceeded)
		}
	}()
	return ctx, func() {
		cancel(context.Canceled)
		<-done
	}
}

// afterFunc calls f once the execution time reaches at, in a goroutine
// started with spawn, unless stop is called or ctx ends first. Like
// time.AfterFunc, f may still run if stop comes just as it fires; the
// goroutine ends promptly after stop.
func (c *clock) afterFunc(ctx context.Context, spawn func(func()), at time.Duration, f func()) (stop func()) {
	ctx, cancel := context.WithCancel(ctx)
	spawn(func() {
		defer cancel()
		if c.sleepUntil(ctx, at) {
			f()
		}
	})
	return cancel
}
