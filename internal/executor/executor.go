package executor

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"
	"sync/atomic"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// Activation says what a VU runs while it works for one scenario. One
// Activation is shared by all VUs of a scenario, so VUs must treat it, and
// its maps, as read-only.
type Activation struct {
	Scenario string            // scenario name, for the "scenario" tag
	Exec     string            // exported function to call each iteration
	Env      map[string]string // merged over the global __ENV
	Tags     map[string]string // added to every sample of the scenario
}

// VU is one initialised virtual user.
type VU interface {
	// ID is the VU's 1-based number (__VU); 0 is reserved for "no VU".
	ID() uint64
	// Iterate runs one iteration of a.Exec and returns when it ends.
	// Cancelling ctx interrupts it. It reports whether the iteration
	// completed (false = interrupted). The VU itself emits the
	// iteration's metrics, because only it knows what it measured.
	Iterate(ctx context.Context, a *Activation) bool
}

// Pool hands out initialised VUs. Scenarios whose time windows do not
// overlap share VUs through it, so executors hold a VU only while they
// use it.
type Pool interface {
	// Get blocks until a VU is free or ctx ends. A pool may initialise a
	// new VU to satisfy it (arrival-rate executors ask for VUs beyond the
	// pre-allocated ones mid-test).
	Get(ctx context.Context) (VU, error)
	// Put gives back a VU obtained from Get. It must not block.
	Put(VU)
}

// Env is what executors need from the run around them. Only Pool is
// required; nil callbacks and counters are replaced by no-ops.
type Env struct {
	Pool Pool

	// Dropped reports n iterations that were due but not started, for the
	// dropped_iterations metric. vuID is the VU the drop belongs to, or 0
	// when it belongs to the scenario as a whole: per-vu-iterations tags
	// its drops with the VU (k6-spec §3.1 executor 2), the others don't.
	// It is called from executor goroutines and must not block.
	Dropped func(n int64, scenario string, vuID uint64)

	// Warn reports a condition the user should hear about once, such as
	// an arrival-rate scenario running out of VUs.
	Warn func(scenario, msg string)

	// ActiveVUs counts the VUs currently held by any scenario of the run:
	// the value of the vus gauge. Scenarios add to it concurrently.
	ActiveVUs *atomic.Int64

	// Segment is the execution segment this instance runs (k6-spec §3.5);
	// nil is the whole test. Each scenario is scaled to it with
	// scenario.Segmented, which also says what that means per executor.
	// Configs already segmented with the same tuple are accepted as they
	// are.
	Segment *scenario.ExecutionTuple
}

func (env Env) withDefaults() (Env, error) {
	if env.Pool == nil {
		return env, errors.New("executor: Env.Pool is nil")
	}
	if env.Dropped == nil {
		env.Dropped = func(int64, string, uint64) {}
	}
	if env.Warn == nil {
		env.Warn = func(string, string) {}
	}
	if env.ActiveVUs == nil {
		env.ActiveVUs = new(atomic.Int64)
	}
	return env, nil
}

// Executor runs one scenario.
type Executor interface {
	// Run runs the scenario from now until it ends and every VU it took
	// has been put back. Call it once. It returns an error only when the
	// executor could not do its job (the Pool failed); a cancelled ctx is
	// a hard stop ordered by the caller, who knows why, so Run then
	// returns nil.
	Run(ctx context.Context) error
	// Progress is the scenario's live state; it is valid before, during
	// and after Run.
	Progress() *Progress
}

// Every executor type is a guarded implementation of Executor.
var (
	_ Executor = (*sharedIterations)(nil)
	_ Executor = (*perVUIterations)(nil)
	_ Executor = (*loopingVUs)(nil)
	_ Executor = (*rampingVUs)(nil)
	_ Executor = (*arrivalRate)(nil)
	_ Executor = (*externallyControlled)(nil)
)

// New returns the executor for cfg, which must be valid and have its
// defaults applied (scenario.Parse does both), scaled to env.Segment. It
// returns the interface, not a concrete type, because which executor runs
// is decided by data. An executor made by New runs on a clock of its own,
// which nothing pauses; those of a Scheduler share the Scheduler's.
func New(cfg scenario.Config, env Env) (Executor, error) {
	return newExecutor(cfg, env, newClock())
}

func newExecutor(cfg scenario.Config, env Env, clk *clock) (Executor, error) {
	env, err := env.withDefaults()
	if err != nil {
		return nil, err
	}
	if cfg == nil {
		return nil, errors.New("executor: nil scenario config")
	}
	if cfg, err = scenario.Segmented(cfg, env.Segment); err != nil {
		return nil, fmt.Errorf("executor: %w", err)
	}
	b := newBase(cfg.Base(), env, clk)
	switch c := cfg.(type) {
	case *scenario.SharedIterations:
		return &sharedIterations{base: b, cfg: c}, nil
	case *scenario.PerVUIterations:
		return &perVUIterations{base: b, cfg: c}, nil
	case *scenario.ConstantVUs:
		return &loopingVUs{base: b, vus: c.PeakVUs(), duration: time.Duration(c.Duration)}, nil
	case *scenario.ExternallyControlled:
		return newExternallyControlled(b, c), nil
	case *scenario.RampingVUs:
		return newRampingVUs(b, c), nil
	case *scenario.ConstantArrivalRate:
		return newConstantArrivalRate(b, c), nil
	case *scenario.RampingArrivalRate:
		return newRampingArrivalRate(b, c), nil
	default:
		return nil, fmt.Errorf("executor: scenario %q: unsupported executor type %q (%T)",
			cfg.Base().Name, cfg.Base().Executor, cfg)
	}
}

// base holds what every executor does the same way: taking and returning
// VUs, running one iteration and keeping the counters right.
type base struct {
	name     string
	grace    time.Duration
	act      *Activation
	env      Env
	et       *scenario.ExecutionTuple // nil: the whole test
	clk      *clock
	progress *Progress
}

func newBase(c *scenario.Common, env Env, clk *clock) base {
	return base{
		name:  c.Name,
		grace: time.Duration(c.GracefulStop),
		act: &Activation{
			Scenario: c.Name,
			Exec:     c.ExecName(),
			Env:      c.Env,
			Tags:     c.Tags,
		},
		env:      env,
		et:       c.ExecutionTuple(),
		clk:      clk,
		progress: newProgress(c.Name, clk),
	}
}

func (b *base) Progress() *Progress { return b.progress }

// run runs f as the body of Run, keeping the progress state right.
func (b *base) run(ctx context.Context, f func(context.Context) error) error {
	b.clk.start()
	b.progress.begin()
	err := f(ctx)
	b.progress.finish(err != nil || ctx.Err() != nil)
	return err
}

// acquire takes a VU from the pool. A failure caused by ctx ending is not
// an error: the scenario simply ends without that VU.
func (b *base) acquire(ctx context.Context) (VU, error) {
	vu, err := b.env.Pool.Get(ctx)
	if err != nil {
		if ctx.Err() != nil {
			return nil, nil
		}
		return nil, fmt.Errorf("scenario %q: getting a VU: %w", b.name, err)
	}
	b.progress.vus.Add(1)
	b.env.ActiveVUs.Add(1)
	return vu, nil
}

func (b *base) release(vu VU) {
	b.progress.vus.Add(-1)
	b.env.ActiveVUs.Add(-1)
	b.env.Pool.Put(vu)
}

func (b *base) iterate(ctx context.Context, vu VU) bool {
	ok := vu.Iterate(ctx, b.act)
	if ok {
		b.progress.complete.Add(1)
	} else {
		b.progress.interrupted.Add(1)
	}
	return ok
}

func (b *base) drop(ctx context.Context, n int64, vuID uint64) {
	// Like k6, a hard stop reports no drops: the test did not run to the
	// point where those iterations would have been due.
	if n <= 0 || ctx.Err() != nil {
		return
	}
	b.progress.dropped.Add(n)
	b.env.Dropped(n, b.name, vuID)
}

// window is the time frame of one scenario run, in execution time: it
// starts at start, starts no iteration at or after end, and interrupts
// iterations at end+grace. Without an end (bounded false) the scenario has
// no nominal end.
type window struct {
	clk        *clock
	start, end time.Duration
	bounded    bool
	// reg ends at the nominal end: waiting for VUs or for the next
	// start makes no sense after it.
	reg context.Context
	// iter ends at end+grace; iterations run under it.
	iter  context.Context
	stops []func()
}

func newWindow(ctx context.Context, clk *clock, duration, grace time.Duration) *window {
	w := &window{clk: clk, start: clk.now(), reg: ctx, iter: ctx}
	if duration > 0 {
		w.bounded = true
		w.end = satAdd(w.start, duration)
		var stop1, stop2 func()
		w.reg, stop1 = clk.withDeadline(ctx, w.end)
		w.iter, stop2 = clk.withDeadline(ctx, satAdd(w.end, max(grace, 0)))
		w.stops = append(w.stops, stop1, stop2)
	}
	return w
}

// open reports whether the nominal end has not come yet. It reads the
// clock instead of relying on w.reg, so that an iteration ending exactly at
// the nominal end never starts another one, whatever order timers fire in.
func (w *window) open() bool {
	if w.iter.Err() != nil {
		return false
	}
	return !w.bounded || w.clk.now() < w.end
}

// next waits while the run is paused, then reports whether a new iteration
// may start now. A pause that comes while a VU is between next and the
// start of its iteration lets that one iteration start.
func (w *window) next() bool {
	for {
		if !w.clk.waitRunning(w.iter) {
			return false
		}
		if !w.open() {
			return false
		}
		if !w.clk.isPaused() {
			return true
		}
	}
}

// close ends the window's contexts and their clock watchers.
func (w *window) close() {
	for _, stop := range w.stops {
		stop()
	}
}

// satAdd adds non-negative durations, saturating instead of wrapping.
func satAdd(a, b time.Duration) time.Duration {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// group runs goroutines and collects the first error, which also cancels
// the others (errgroup's contract; x/sync is not a dependency).
type group struct {
	wg     sync.WaitGroup
	cancel context.CancelFunc
	once   sync.Once
	err    error
}

func newGroup(ctx context.Context) (*group, context.Context) {
	ctx, cancel := context.WithCancel(ctx)
	return &group{cancel: cancel}, ctx
}

func (g *group) Go(f func() error) {
	g.wg.Go(func() {
		if err := f(); err != nil {
			g.once.Do(func() {
				g.err = err
				g.cancel()
			})
		}
	})
}

func (g *group) Wait() error {
	g.wg.Wait()
	g.cancel()
	return g.err
}
