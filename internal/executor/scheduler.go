package executor

import (
	"cmp"
	"context"
	"errors"
	"math"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// Errors of the Scheduler's run-time controls.
var (
	ErrPaused      = errors.New("the test run is already paused")
	ErrNotPaused   = errors.New("the test run is not paused")
	ErrStopped     = errors.New("the test run has ended")
	ErrNotScalable = errors.New("an externally-controlled executor needs to be configured for live configuration updates")
)

// Scheduler runs all scenarios of a test, each from its startTime on,
// concurrently. It exists apart from RunAll so that the caller can hand
// the scenarios' Progress to the progress bars before the run starts, and
// control the run while it goes: Pause, Resume and Scale (for the REST API
// and --paused), Status.
//
// Pausing stops the run's execution clock, on which all scenarios time
// everything (see doc.go): no scenario starts an iteration while the run
// is paused, iterations already running go on to their end, and no time
// passes for startTime, durations, graceful stops, ramps or arrival
// schedules, so the run resumes exactly where it stopped and ends that
// much later. k6 v0.32 also keeps paused time out of the test's duration,
// but once the test has started it refuses to pause unless every scenario
// is externally-controlled; stampede pauses any executor.
type Scheduler struct {
	execs   []Executor
	configs []scenario.Config // as the executors run them (segmented)
	starts  []time.Duration
	clk     *clock
	active  *atomic.Int64

	mu    sync.Mutex
	state runState
}

type runState int

const (
	notStarted runState = iota
	running
	stopped
)

// NewScheduler builds the executors of configs (in order), scaled to
// env.Segment. It reports the problems of all configs at once.
func NewScheduler(configs []scenario.Config, env Env) (*Scheduler, error) {
	if env.ActiveVUs == nil {
		env.ActiveVUs = new(atomic.Int64) // shared by the executors and Status
	}
	s := &Scheduler{clk: newClock(), active: env.ActiveVUs}
	var errs []error
	for _, cfg := range configs {
		e, err := newExecutor(cfg, env, s.clk)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		seg, _ := scenario.Segmented(cfg, env.Segment) // newExecutor succeeded, so this does too
		s.execs = append(s.execs, e)
		s.configs = append(s.configs, seg)
		s.starts = append(s.starts, time.Duration(cfg.Base().StartTime))
	}
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return s, nil
}

// Progress returns the scenarios' progress, in the order of the configs.
func (s *Scheduler) Progress() []*Progress {
	ps := make([]*Progress, len(s.execs))
	for i, e := range s.execs {
		ps[i] = e.Progress()
	}
	return ps
}

// Run starts every scenario at its startTime, counted in execution time
// from the call, and returns when all have ended. If the run is paused
// (Pause was called before), nothing starts until Resume. The first
// executor error cancels the other scenarios and is returned; cancelling
// ctx hard-stops them all, paused or not (Run then returns nil, like
// Executor.Run). Call it once.
func (s *Scheduler) Run(ctx context.Context) error {
	s.mu.Lock()
	if s.state != notStarted {
		s.mu.Unlock()
		return errors.New("executor: Scheduler.Run called twice")
	}
	s.state = running
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		s.state = stopped
		s.mu.Unlock()
	}()

	g, gctx := newGroup(ctx)
	s.clk.start()
	for i, e := range s.execs {
		at := max(s.starts[i], 0)
		g.Go(func() error {
			if !s.clk.sleepUntil(gctx, at) {
				// Never started: it is as over as the others.
				e.Progress().finish(true)
				return nil
			}
			return e.Run(gctx)
		})
	}
	return g.Wait()
}

// Pause stops the run's execution clock (see Scheduler): from its return
// on, no new iteration starts until Resume, except one whose start was
// already decided. It may be called before Run, to start paused
// (--paused). It fails with ErrPaused if the run is paused already and
// with ErrStopped once Run has returned.
func (s *Scheduler) Pause() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stopped {
		return ErrStopped
	}
	if !s.clk.pause() {
		return ErrPaused
	}
	return nil
}

// Resume restarts the execution clock after Pause. It fails with
// ErrNotPaused if the run is not paused and with ErrStopped once Run has
// returned.
func (s *Scheduler) Resume() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.state == stopped {
		return ErrStopped
	}
	if !s.clk.resume() {
		return ErrNotPaused
	}
	return nil
}

// Paused reports whether the run is paused.
func (s *Scheduler) Paused() bool { return s.clk.isPaused() }

// WaitResumed returns once the run is not paused, or with ctx's error. k6
// runs setup() only after a run started with --paused has been resumed;
// the caller does that by waiting here first.
func (s *Scheduler) WaitResumed(ctx context.Context) error {
	if !s.clk.waitRunning(ctx) {
		return context.Cause(ctx)
	}
	return nil
}

// Scale changes the number of looping VUs, and maxVUs, of the first
// externally-controlled scenario, while the run goes on or before it
// starts (k6's `k6 scale` and PATCH /v1/status). vus must not be negative
// nor above maxVUs, and maxVUs can only grow; those errors wrap
// ErrInvalidScale. It fails with ErrNotScalable when there is no such
// scenario and with ErrStopped once it has ended.
//
// Added VUs come from the Pool, which may initialise new ones; while the
// scenario runs, Scale returns once every active VU of it has been
// obtained, or with ctx's error (the scenario then keeps asking the Pool).
// VUs made surplus stop starting iterations and finish their current one,
// however long it takes, then go back to the Pool; Scale does not wait
// for that. While the run is paused, added VUs are obtained but start
// iterating only on Resume.
func (s *Scheduler) Scale(ctx context.Context, vus, maxVUs int64) error {
	ext := s.external()
	if ext == nil {
		return ErrNotScalable
	}
	return ext.scale(ctx, vus, maxVUs)
}

func (s *Scheduler) external() *externallyControlled {
	for _, e := range s.execs {
		if ext, ok := e.(*externallyControlled); ok {
			return ext
		}
	}
	return nil
}

// Status is a snapshot of the run, with the facts k6's REST API reports
// in /v1/status.
type Status struct {
	Paused  bool
	Running bool          // Run has been called and has not returned
	Stopped bool          // Run has returned
	Elapsed time.Duration // execution time: since Run started, pauses excluded
	VUs     int64         // VUs the scenarios hold now (Env.ActiveVUs)
	// MaxVUs is the most VUs the scenarios can hold at once: the planned
	// peak over the scenarios' time windows (what k6 initialises before
	// the start), raised when Scale raises an externally-controlled
	// scenario's maxVUs.
	MaxVUs int64
}

// Status returns a snapshot of the run.
func (s *Scheduler) Status() Status {
	s.mu.Lock()
	state := s.state
	s.mu.Unlock()
	return Status{
		Paused:  s.clk.isPaused(),
		Running: state == running,
		Stopped: state == stopped,
		Elapsed: s.clk.now(),
		VUs:     s.active.Load(),
		MaxVUs:  s.plannedVUs(),
	}
}

// plannedVUs is the peak number of VUs the scenarios can hold at the same
// time: a scenario holds its PeakVUs during [startTime, startTime +
// PlannedDuration), or forever if PlannedDuration is 0 (an infinite
// externally-controlled one), and a scenario ending at t frees its VUs for
// one starting at t.
func (s *Scheduler) plannedVUs() int64 {
	type event struct {
		at    time.Duration
		delta int64
	}
	var events []event
	for i, c := range s.configs {
		peak := c.PeakVUs()
		if ext, ok := s.execs[i].(*externallyControlled); ok {
			vus, maxVUs := ext.limits()
			peak = max(vus, maxVUs)
		}
		start := max(s.starts[i], 0)
		events = append(events, event{start, peak})
		if d := c.PlannedDuration(); d > 0 {
			end := start + d
			if end < start {
				end = math.MaxInt64
			}
			events = append(events, event{end, -peak})
		}
	}
	slices.SortFunc(events, func(a, b event) int {
		if c := cmp.Compare(a.at, b.at); c != 0 {
			return c
		}
		return cmp.Compare(a.delta, b.delta)
	})
	var cur, peak int64
	for _, e := range events {
		cur += e.delta
		peak = max(peak, cur)
	}
	return peak
}

// RunAll runs configs to completion with a new Scheduler; see
// Scheduler.Run.
func RunAll(ctx context.Context, configs []scenario.Config, env Env) error {
	s, err := NewScheduler(configs, env)
	if err != nil {
		return err
	}
	return s.Run(ctx)
}
