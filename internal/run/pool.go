package run

import (
	"context"

	"github.com/stampede-load/stampede/internal/executor"
	"github.com/stampede-load/stampede/internal/js"
)

// vu adapts a js.VU to the executor's VU interface.
type vu struct {
	*js.VU
	// acts caches the JS-side activation of each scenario, so the VU's tag
	// sets are built once per scenario rather than once per iteration.
	acts map[*executor.Activation]*js.Activation
}

func (v *vu) Iterate(ctx context.Context, a *executor.Activation) bool {
	ja, ok := v.acts[a]
	if !ok {
		ja = &js.Activation{Scenario: a.Scenario, Exec: a.Exec, Env: a.Env, Tags: a.Tags}
		v.acts[a] = ja
	}
	return v.VU.Iterate(ctx, ja)
}

// pool hands out the pre-initialised VUs.
type pool struct {
	free chan *vu
}

func newPool(vus []*vu) *pool {
	p := &pool{free: make(chan *vu, len(vus))}
	for _, v := range vus {
		p.free <- v
	}
	return p
}

func (p *pool) Get(ctx context.Context) (executor.VU, error) {
	select {
	case v := <-p.free:
		return v, nil
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// Put takes back a VU, first handing over the samples it still buffers:
// every VU is back in the pool before the run closes the sample channel.
// Like the hand-over at the end of an iteration used to, it waits only
// while the engine is behind; it never waits for another VU.
func (p *pool) Put(v executor.VU) {
	x := v.(*vu)
	x.Flush()
	p.free <- x
}
