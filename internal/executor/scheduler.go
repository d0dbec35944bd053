package executor

import (
	"context"
	"errors"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// Scheduler runs all scenarios of a test, each from its startTime on,
// concurrently. It exists apart from RunAll so that the caller can hand
// the scenarios' Progress to the progress bars before the run starts.
type Scheduler struct {
	execs  []Executor
	starts []time.Duration
}

// NewScheduler builds the executors of configs (in order). It reports the
// problems of all configs at once.
func NewScheduler(configs []scenario.Config, env Env) (*Scheduler, error) {
	s := &Scheduler{}
	var errs []error
	for _, cfg := range configs {
		e, err := New(cfg, env)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		s.execs = append(s.execs, e)
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

// Run starts every scenario at its startTime, counted from the call, and
// returns when all have ended. The first executor error cancels the other
// scenarios and is returned; cancelling ctx hard-stops them all (Run then
// returns nil, like Executor.Run). Call it once.
func (s *Scheduler) Run(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	t0 := time.Now()
	for i, e := range s.execs {
		at := t0.Add(s.starts[i])
		g.Go(func() error {
			if !sleepUntil(gctx, at) {
				// Never started: it is as over as the others.
				e.Progress().finish(true)
				return nil
			}
			return e.Run(gctx)
		})
	}
	return g.Wait()
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
