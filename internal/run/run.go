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
	// MaxVUs is how many VUs to initialise before the test starts.
	MaxVUs int64

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

	// Samples flow VU → channel → ingest goroutine → engine, in batches.
	samples := make(chan []metrics.Sample, 1024)
	ingestDone := make(chan struct{})
	go func() {
		defer close(ingestDone)
		for batch := range samples {
			eng.Add(batch)
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

	env := executor.Env{
		Pool:      newPool(vus),
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
	status := func(done bool) Status {
		s := Status{Elapsed: time.Since(start), ActiveVUs: active.Load(), MaxVUs: int64(len(vus)), Done: done}
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
					{Metric: cfg.Builtin.VUsMax, Tags: runTags, Time: now, Value: float64(len(vus))},
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
	var setupData []byte
	setupVU, err := cfg.Bundle.NewVU(ctx, 0, params())
	if err != nil {
		runErr = js.InitError(err)
	}
	if runErr == nil && !cfg.NoSetup && cfg.Bundle.HasExport("setup") {
		setupData, runErr = runWithTimeout(runCtx, cfg.SetupTimeout, "setup", errs.SetupTimeout, setupVU.RunSetup)
	}
	if runErr == nil {
		for _, v := range vus {
			v.SetSetupData(setupData)
		}
		runErr = sched.Run(runCtx)
	}
	// teardown runs even after Ctrl-C or a threshold abort, but not when
	// setup failed.
	if setupVU != nil && (runErr == nil || errors.Is(runErr, context.Canceled)) && !cfg.NoTeardown && cfg.Bundle.HasExport("teardown") {
		tdCtx := context.WithoutCancel(ctx)
		_, tdErr := runWithTimeout(tdCtx, cfg.TeardownTimeout, "teardown", errs.TeardownTimeout,
			func(c context.Context) ([]byte, error) { return nil, setupVU.RunTeardown(c, setupData) })
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
