package executor

import (
	"context"
	"time"
)

// loopingVUs runs vus VUs that loop iterations back to back for duration
// (0 = until ctx ends), then gives running iterations grace to finish. It
// is constant-vus; with an execution segment vus is the segment's share.
type loopingVUs struct {
	base
	vus      int64
	duration time.Duration
}

func (e *loopingVUs) Run(ctx context.Context) error { return e.run(ctx, e.body) }

func (e *loopingVUs) body(ctx context.Context) error {
	g, gctx := newGroup(ctx)
	w := newWindow(gctx, e.clk, e.duration, e.grace)
	defer w.close()

	for range e.vus {
		g.Go(func() error {
			vu, err := e.acquire(w.reg)
			if vu == nil {
				return err
			}
			defer e.release(vu)
			for w.next() {
				e.iterate(w.iter, vu)
			}
			return nil
		})
	}
	// The scenario lasts its duration even with no VUs to run (a
	// segment's share may be 0).
	<-w.reg.Done()
	return g.Wait()
}
