package executor

import (
	"context"
	"sync/atomic"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// sharedIterations is the shared-iterations executor: vus VUs pull from
// one counter of iterations until it is exhausted or maxDuration passes.
type sharedIterations struct {
	base
	cfg *scenario.SharedIterations
}

func (e *sharedIterations) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *sharedIterations) body(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	w := newWindow(gctx, time.Duration(e.cfg.MaxDuration), e.grace)
	defer w.close()

	total := e.cfg.Iterations
	// claimed counts claims, not iterations: every VU overshoots it by
	// one when it finds the counter exhausted.
	var claimed atomic.Int64
	for range e.cfg.VUs {
		g.Go(func() error {
			vu, err := e.acquire(w.reg)
			if vu == nil {
				return err
			}
			defer e.release(vu)
			for w.open() && claimed.Add(1) <= total {
				e.iterate(w.iter, vu)
			}
			return nil
		})
	}
	err := g.Wait()
	e.drop(ctx, total-min(claimed.Load(), total), 0)
	return err
}

// perVUIterations is the per-vu-iterations executor: each of vus VUs runs
// exactly iterations iterations, unless maxDuration passes first.
type perVUIterations struct {
	base
	cfg *scenario.PerVUIterations
}

func (e *perVUIterations) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *perVUIterations) body(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	w := newWindow(gctx, time.Duration(e.cfg.MaxDuration), e.grace)
	defer w.close()

	n := e.cfg.Iterations
	for range e.cfg.VUs {
		g.Go(func() error {
			vu, err := e.acquire(w.reg)
			if vu == nil {
				if err == nil {
					// No VU came before maxDuration: its whole share is
					// dropped, attributed to no VU as none was assigned.
					e.drop(ctx, n, 0)
				}
				return err
			}
			defer e.release(vu)
			for i := range n {
				if !w.open() {
					e.drop(ctx, n-i, vu.ID())
					return nil
				}
				e.iterate(w.iter, vu)
			}
			return nil
		})
	}
	return g.Wait()
}
