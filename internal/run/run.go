package run

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"runtime"
	"sync"
	"sync/atomic"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/executor"
	"github.com/stampede-load/stampede/internal/js"
	"github.com/stampede-load/stampede/internal/metrics/engine"
	"github.com/stampede-load/stampede/internal/metrics/threshold"
	"github.com/stampede-load/stampede/internal/scenario"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// Config is everything one run needs.
type Config struct {
	Bundle   *js.Bundle
	Registry *metrics.Registry
	Builtin  *metrics.Builtin
	Logger   logrus.FieldLogger

	Scenarios []scenario.Config
	// MaxVUs is how many VUs the run may have; InitVUs how many of them
	// are initialised before the test starts (0: all). The rest are
	// initialised on demand by arrival-rate scenarios.
	MaxVUs  int64
	InitVUs int64

	Thresholds   map[string][]threshold.Threshold
	NoThresholds bool

	RunTags   map[string]string
	JSOptions jsmod.Options

	NoSetup, NoTeardown           bool
	SetupTimeout, TeardownTimeout time.Duration
	NoCookiesReset                bool
	NoVUConnectionReuse           bool
	MinIterationDuration          time.Duration

	// NewTransport builds a VU's own HTTP transport and the function that
	// reads how many bytes its connections sent and received.
	NewTransport func() (http.RoundTripper, func() (sent, received int64))
	// NewCookieJar builds an empty cookie jar (nil: no jar).
	NewCookieJar func() http.CookieJar

	// Ready, if set, is called once the VUs are initialised, just before
	// the test starts; the CLI tunes the garbage collector there.
	Ready func()

	// Progress, if set, is called about once a second and at the end.
	Progress func(Status)

	// Segment is the execution segment this instance runs (nil: the whole
	// test). Scenarios should already be scenario.Segmented with it.
	Segment *scenario.ExecutionTuple
	// Paused starts the run paused (--paused): VUs are initialised, then
	// nothing, not even setup(), runs until the Controller resumes it.
	Paused bool
	// Controller, if set, lets the caller control the run while it goes
	// (the REST API). Build it with NewController before calling Run.
	Controller *Controller
	// Samples, if set, receives every sample batch right after the
	// metrics engine: the outputs. Run returns only after the last batch
	// was handed to it.
	Samples SampleSink
}

// SampleSink takes sample batches from the run's ingest goroutine. It must
// not block (the output manager queues the batches) and must not modify a
// batch: the engine has read it, and nobody writes it any more.
type SampleSink interface {
	AddSamples(batch []metrics.Sample)
}

// Status is a run's live state, for progress output.
type Status struct {
	Elapsed     time.Duration
	ActiveVUs   int64
	MaxVUs      int64
	Complete    int64
	Interrupted int64
	Scenarios   []*executor.Progress
	Done        bool
}

// Result is what a finished run hands to the summary.
type Result struct {
	Engine  *engine.Engine
	Root    *metrics.Group
	Elapsed time.Duration
	// FailedThresholds lists the series whose thresholds failed at the end.
	FailedThresholds []string
	// Aborted is set when a threshold with abortOnFail stopped the test.
	Aborted bool
	// Interrupted is set when the caller's context stopped the test.
	Interrupted bool
	Status      Status
}

// errThresholdAbort is the cancel cause when abortOnFail fires.
var errThresholdAbort = errors.New("test aborted by a threshold with abortOnFail")

// Run runs the test. The returned error decides the exit code; a Result is
// returned whenever the test started, even with an error, so the summary
// can still be printed.
func Run(ctx context.Context, cfg Config) (*Result, error) {
	logger := cfg.Logger
	thresholds := cfg.Thresholds
	if cfg.NoThresholds {
		thresholds = nil
	}
	eng, err := engine.New(cfg.Registry, engine.Config{
		Thresholds:          thresholds,
		ExpectedResponseSub: cfg.JSOptions.SystemTags.Has(metrics.TagExpectedResponse),
		Logger:              logger,
	})
	if err != nil {
		return nil, errs.WithCode(err, errs.InvalidConfig)
	}
	root := metrics.NewRootGroup()
	res := &Result{Engine: eng, Root: root}
	ctl := cfg.Controller
	if ctl == nil {
		ctl = NewController()
	}
	defer ctl.finish()
	if cfg.Paused {
		_ = ctl.SetPaused(true) // not attached yet: only recorded
	}

	// Samples flow VU → channel → ingest goroutine → engine, in batches.
	samples := make(chan []metrics.Sample, 1024)
	ingestDone := make(chan struct{})
	go func() {
		defer close(ingestDone)
		for batch := range samples {
			eng.Add(batch)
			if cfg.Samples != nil {
				cfg.Samples.AddSamples(batch)
			}
		}
	}()

	params := func() js.Params {
		p := js.Params{
			Out:                  samples,
			Options:              cfg.JSOptions,
			RunTags:              metrics.NewTagSet(cfg.RunTags),
			Group:                root,
			NoCookiesReset:       cfg.NoCookiesReset,
			NoVUConnectionReuse:  cfg.NoVUConnectionReuse,
			MinIterationDuration: cfg.MinIterationDuration,
			CookieJar:            cfg.NewCookieJar,
		}
		if cfg.NewTransport != nil {
			p.Transport, p.Counters = cfg.NewTransport()
		}
		return p
	}

	vus, err := initVUs(ctx, cfg, params)
	if err != nil {
		closeSamples(samples, ingestDone)
		return nil, err
	}
	if cfg.Ready != nil {
		cfg.Ready()
	}

	start := time.Now()
	var active atomic.Int64
	runCtx, cancelRun := context.WithCancelCause(ctx)
	defer cancelRun(nil)

	// sharedSetup is written before the scenarios start and read by VUs the
	// pool makes on demand when an externally-controlled scenario grows.
	var sharedSetup atomic.Pointer[[]byte]
	vuPool := newGrowablePool(vus, func(ctx context.Context, id uint64) (*vu, error) {
		v, err := cfg.Bundle.NewVU(ctx, id, params())
		if err != nil {
			return nil, js.InitError(err)
		}
		if d := sharedSetup.Load(); d != nil {
			v.SetSetupData(*d)
		}
		return &vu{VU: v, acts: make(map[*executor.Activation]*js.Activation)}, nil
	})
	vuPool.grow(cfg.MaxVUs - int64(len(vus)))
	env := executor.Env{
		Pool:      vuPool,
		Segment:   cfg.Segment,
		ActiveVUs: &active,
		Dropped: func(n int64, sc string, vuID uint64) {
			tags := metrics.NewTagSet(cfg.RunTags)
			if cfg.JSOptions.SystemTags.Has(metrics.TagScenario) {
				tags = tags.With("scenario", sc)
			}
			if vuID != 0 && cfg.JSOptions.SystemTags.Has(metrics.TagVU) {
				tags = tags.With("vu", fmt.Sprint(vuID))
			}
			samples <- []metrics.Sample{{Metric: cfg.Builtin.DroppedIterations, Tags: tags, Time: time.Now(), Value: float64(n)}}
		},
		Warn: func(sc, msg string) { logger.WithField("scenario", sc).Warn(msg) },
	}
	sched, err := executor.NewScheduler(cfg.Scenarios, env)
	if err != nil {
		closeSamples(samples, ingestDone)
		return nil, errs.WithCode(err, errs.InvalidConfig)
	}
	ctl.attach(sched, eng, root, vuPool, cfg.Scenarios, start)
	status := func(done bool) Status {
		s := Status{Elapsed: time.Since(start), ActiveVUs: active.Load(), MaxVUs: vuPool.size(), Done: done}
		for _, p := range sched.Progress() {
			s.Complete += p.Complete()
			s.Interrupted += p.Interrupted()
			s.Scenarios = append(s.Scenarios, p)
		}
		return s
	}

	// Periodic work: the vus gauges every second, thresholds every two.
	tickCtx, stopTicks := context.WithCancel(ctx)
	var tickWG sync.WaitGroup
	tickWG.Add(1)
	go func() {
		defer tickWG.Done()
		tick := time.NewTicker(time.Second)
		defer tick.Stop()
		runTags := metrics.NewTagSet(cfg.RunTags)
		for n := 1; ; n++ {
			select {
			case <-tickCtx.Done():
				return
			case now := <-tick.C:
				samples <- []metrics.Sample{
					{Metric: cfg.Builtin.VUs, Tags: runTags, Time: now, Value: float64(active.Load())},
					{Metric: cfg.Builtin.VUsMax, Tags: runTags, Time: now, Value: float64(vuPool.size())},
				}
				if cfg.Progress != nil {
					cfg.Progress(status(false))
				}
				if n%2 == 0 && !cfg.NoThresholds {
					if r := eng.EvaluateThresholds(time.Since(start)); r.Abort {
						logger.Warnf("thresholds on metrics %q were crossed; aborting the test (abortOnFail)", r.Failed)
						cancelRun(errThresholdAbort)
					}
				}
			}
		}
	}()

	var runErr error
	var data []byte
	// Like k6, a run started paused runs setup() only once resumed; a
	// signal while paused ends it without setup or teardown.
	if err := sched.WaitResumed(runCtx); err != nil {
		runErr = context.Canceled
	}
	var setupVU *js.VU
	if runErr == nil {
		if setupVU, err = cfg.Bundle.NewVU(ctx, 0, params()); err != nil {
			runErr = js.InitError(err)
		}
	}
	if runErr == nil && !cfg.NoSetup && cfg.Bundle.HasExport("setup") {
		data, runErr = runWithTimeout(runCtx, cfg.SetupTimeout, "setup", errs.SetupTimeout, setupVU.RunSetup)
	}
	if runErr == nil {
		sharedSetup.Store(&data)
		for _, v := range vus {
			v.SetSetupData(data)
		}
		runErr = sched.Run(runCtx)
	}
	// teardown runs even after Ctrl-C or a threshold abort, but not when
	// setup failed.
	if setupVU != nil && (runErr == nil || errors.Is(runErr, context.Canceled)) && !cfg.NoTeardown && cfg.Bundle.HasExport("teardown") {
		tdCtx := context.WithoutCancel(ctx)
		_, tdErr := runWithTimeout(tdCtx, cfg.TeardownTimeout, "teardown", errs.TeardownTimeout,
			func(c context.Context) ([]byte, error) { return nil, setupVU.RunTeardown(c, data) })
		if runErr == nil {
			runErr = tdErr
		}
	}
	res.Elapsed = time.Since(start)
	stopTicks()
	tickWG.Wait()
	closeSamples(samples, ingestDone)

	res.Status = status(true)
	res.Status.Elapsed = res.Elapsed
	if cfg.Progress != nil {
		cfg.Progress(res.Status)
	}
	res.Aborted = errors.Is(context.Cause(runCtx), errThresholdAbort)
	res.Interrupted = ctx.Err() != nil
	if !cfg.NoThresholds {
		res.FailedThresholds = eng.EvaluateThresholds(res.Elapsed).Failed
	}
	if res.Status.Complete == 0 && runErr == nil {
		logger.Warn("No script iterations finished, consider making the test duration longer")
	}
	if runErr != nil && errors.Is(runErr, context.Canceled) {
		runErr = nil
	}
	return res, runErr
}

// closeSamples closes the sample channel, which the caller may do only
// once every sender (VUs, executors, the ticker) has stopped, and waits for
// the engine to ingest the last batch: no sample is lost.
func closeSamples(samples chan []metrics.Sample, ingestDone chan struct{}) {
	close(samples)
	<-ingestDone
}

// initVUs initialises the VUs in parallel, as many at once as there are CPUs.
func initVUs(ctx context.Context, cfg Config, params func() js.Params) ([]*vu, error) {
	n := int(cfg.MaxVUs)
	if cfg.InitVUs > 0 && cfg.InitVUs < cfg.MaxVUs {
		n = int(cfg.InitVUs)
	}
	vus := make([]*vu, n)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var firstErr error
	var errOnce sync.Once
	var wg sync.WaitGroup
	workers := min(runtime.GOMAXPROCS(0), n)
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= n || ctx.Err() != nil {
					return
				}
				v, err := cfg.Bundle.NewVU(ctx, uint64(i+1), params())
				if err != nil {
					errOnce.Do(func() { firstErr = js.InitError(err); cancel() })
					return
				}
				vus[i] = &vu{VU: v, acts: make(map[*executor.Activation]*js.Activation)}
			}
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return nil, firstErr
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	return vus, nil
}

// runWithTimeout runs setup or teardown with its timeout, mapping an
// expired timeout to k6's error, hint and exit code.
func runWithTimeout(ctx context.Context, limit time.Duration, name string, code errs.Code,
	f func(context.Context) ([]byte, error)) ([]byte, error) {
	if limit <= 0 {
		limit = 60 * time.Second
	}
	tctx, cancel := context.WithTimeoutCause(ctx, limit, errTimeout)
	defer cancel()
	out, err := f(tctx)
	if errors.Is(context.Cause(tctx), errTimeout) {
		secs := int64(math.Round(limit.Seconds()))
		return nil, errs.WithHint(fmt.Errorf("%s() execution timed out after %d seconds", name, secs), code,
			fmt.Sprintf("You can increase the time limit via the %sTimeout option", name))
	}
	return out, err
}

var errTimeout = errors.New("timeout")

// ErrNotStarted is returned by the Controller's controls before the VUs
// are initialised and the scenarios built.
var ErrNotStarted = errors.New("the test run has not started yet: its VUs are being initialised")

// Controller controls a run from outside while it goes: what the REST API
// and `stampede pause|resume|scale|status|stats` act on. Build it before
// Run so a server can answer during VU initialisation; it is safe for
// concurrent use.
type Controller struct {
	mu        sync.Mutex
	sched     *executor.Scheduler
	eng       *engine.Engine
	root      *metrics.Group
	pool      *pool
	start     time.Time
	extMaxVUs int64 // maxVUs of the externally-controlled scenario
	paused    bool  // asked for before the scheduler existed
	done      bool
}

// NewController returns a controller for a run not started yet.
func NewController() *Controller { return &Controller{} }

func (c *Controller) attach(sched *executor.Scheduler, eng *engine.Engine, root *metrics.Group, p *pool,
	scs []scenario.Config, start time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sched, c.eng, c.root, c.pool, c.start = sched, eng, root, p, start
	for _, sc := range scs {
		if ext, ok := sc.(*scenario.ExternallyControlled); ok {
			c.extMaxVUs = max(ext.VUs, ext.MaxVUs)
			break
		}
	}
	if c.paused {
		_ = sched.Pause() // a new scheduler is neither paused nor stopped
	}
}

func (c *Controller) finish() {
	c.mu.Lock()
	c.done = true
	c.mu.Unlock()
}

// ControlStatus is the run's state as /v1/status reports it.
type ControlStatus struct {
	Paused, Running, Stopped, Tainted bool
	VUs, VUsMax                       int64
}

// Status returns the run's current state.
func (c *Controller) Status() ControlStatus {
	c.mu.Lock()
	sched, eng, done, paused := c.sched, c.eng, c.done, c.paused
	c.mu.Unlock()
	if sched == nil {
		return ControlStatus{Paused: paused, Stopped: done}
	}
	st := sched.Status()
	out := ControlStatus{Paused: st.Paused, Running: st.Running, Stopped: st.Stopped || done,
		VUs: st.VUs, VUsMax: st.MaxVUs}
	eng.Snapshot(time.Since(c.start), func(all []*engine.Series) {
		for _, s := range all {
			for _, th := range s.Thresholds {
				out.Tainted = out.Tainted || th.Failed
			}
		}
	})
	return out
}

// SetPaused pauses or resumes the run. Asking for the state the run is
// already in is not an error. Before the scheduler exists the wish is
// kept and applied when the run starts.
func (c *Controller) SetPaused(paused bool) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.done {
		return executor.ErrStopped
	}
	if c.sched == nil {
		c.paused = paused
		return nil
	}
	var err error
	if paused {
		err = c.sched.Pause()
	} else {
		err = c.sched.Resume()
	}
	if errors.Is(err, executor.ErrPaused) || errors.Is(err, executor.ErrNotPaused) {
		return nil
	}
	return err
}

// Scale sets the VUs of the externally-controlled scenario; maxVUs < 0
// keeps the current maxVUs. Raising maxVUs lets the run initialise that
// many more VUs when they are needed.
func (c *Controller) Scale(ctx context.Context, vus, maxVUs int64) error {
	c.mu.Lock()
	sched, p := c.sched, c.pool
	if sched == nil {
		c.mu.Unlock()
		return ErrNotStarted
	}
	if maxVUs < 0 {
		maxVUs = c.extMaxVUs
	}
	if maxVUs > c.extMaxVUs && vus >= 0 && vus <= maxVUs {
		p.grow(maxVUs - c.extMaxVUs)
		c.extMaxVUs = maxVUs
	}
	c.mu.Unlock()
	return sched.Scale(ctx, vus, maxVUs)
}

// MetricInfo is one metric's current values, as /v1/metrics reports it.
type MetricInfo struct {
	Name, Type, Contains string
	Tainted              bool
	Sample               map[string]float64
}

// Metrics returns the metrics that received samples so far, sub-metrics
// included, sorted by name.
func (c *Controller) Metrics() []MetricInfo {
	c.mu.Lock()
	eng, start := c.eng, c.start
	c.mu.Unlock()
	if eng == nil {
		return nil
	}
	var out []MetricInfo
	stats := []string{"avg", "min", "med", "max", "p(90)", "p(95)"}
	eng.Snapshot(time.Since(start), func(all []*engine.Series) {
		for _, s := range all {
			m := MetricInfo{Name: s.Key, Type: s.Metric.Type.String(), Contains: s.Metric.Contains.String(),
				Sample: sinkValues(s.Sink, stats)}
			for _, th := range s.Thresholds {
				m.Tainted = m.Tainted || th.Failed
			}
			out = append(out, m)
		}
	})
	return out
}

// Root returns the run's root group, nil before the run starts.
func (c *Controller) Root() *metrics.Group {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.root
}
