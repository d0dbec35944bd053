package executor

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// sharedIterations is the shared-iterations executor: vus VUs pull from
// one counter of iterations until it is exhausted or maxDuration passes.
// With an execution segment both numbers are the segment's shares.
type sharedIterations struct {
	base
	cfg *scenario.SharedIterations
}

func (e *sharedIterations) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *sharedIterations) body(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	w := newWindow(gctx, e.clk, time.Duration(e.cfg.MaxDuration), e.grace)
	defer w.close()

	vus, total := e.et.ScaleInt64(e.cfg.VUs), e.et.ScaleInt64(e.cfg.Iterations)
	if vus == 0 && total > 0 {
		// Only with a segment: fewer VUs than instances. Like k6, the
		// instance can't run its share; unlike k6, it says so, and the
		// iterations are reported as dropped below.
		e.env.Warn(e.name, fmt.Sprintf("the execution segment %s has %d iterations but no VU to run them",
			e.et.Segment(), total))
	}
	// claimed counts claims, not iterations: every VU overshoots it by
	// one when it finds the counter exhausted.
	var claimed atomic.Int64
	for range vus {
		g.Go(func() error {
			vu, err := e.acquire(w.reg)
			if vu == nil {
				return err
			}
			defer e.release(vu)
			for w.next() && claimed.Add(1) <= total {
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
// exactly iterations iterations, unless maxDuration passes first. With an
// execution segment vus is the segment's share; iterations per VU stay.
type perVUIterations struct {
	base
	cfg *scenario.PerVUIterations
}

func (e *perVUIterations) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *perVUIterations) body(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	w := newWindow(gctx, e.clk, time.Duration(e.cfg.MaxDuration), e.grace)
	defer w.close()

	n := e.cfg.Iterations
	for range e.et.ScaleInt64(e.cfg.VUs) {
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
				if !w.next() {
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
