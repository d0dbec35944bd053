package run

import (
	"context"
	"sync"

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

// pool hands out the pre-initialised VUs. When an externally-controlled
// scenario is scaled above them (grow), it initialises the missing ones on
// demand with newVU, numbering them after the others.
type pool struct {
	free chan *vu

	mu    sync.Mutex
	total int64 // VUs made so far
	limit int64 // VUs the pool may make
	// grown is closed (and replaced) by grow, waking the Gets that wait
	// on the old free channel.
	grown chan struct{}
	newVU func(ctx context.Context, id uint64) (*vu, error)
}

func newPool(vus []*vu) *pool {
	return newGrowablePool(vus, nil)
}

func newGrowablePool(vus []*vu, newVU func(ctx context.Context, id uint64) (*vu, error)) *pool {
	// The channel must hold every VU the pool may ever make, so that Put
	// never blocks; grow replaces it when the limit rises.
	p := &pool{free: make(chan *vu, len(vus)), total: int64(len(vus)), limit: int64(len(vus)), newVU: newVU,
		grown: make(chan struct{})}
	for _, v := range vus {
		p.free <- v
	}
	return p
}

// size is how many VUs the pool has made.
func (p *pool) size() int64 {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.total
}

// grow lets the pool make n more VUs.
func (p *pool) grow(n int64) {
	if n <= 0 || p.newVU == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	p.limit += n
	bigger := make(chan *vu, p.limit)
	// Move the free VUs over; a concurrent Get or Put takes the lock too.
	for len(p.free) > 0 {
		bigger <- <-p.free
	}
	p.free = bigger
	close(p.grown)
	p.grown = make(chan struct{})
}

func (p *pool) Get(ctx context.Context) (executor.VU, error) {
	for {
		p.mu.Lock()
		free, grown := p.free, p.grown
		select {
		case v := <-free:
			p.mu.Unlock()
			return v, nil
		default:
		}
		if p.total < p.limit {
			p.total++
			id := uint64(p.total)
			p.mu.Unlock()
			v, err := p.newVU(ctx, id)
			if err != nil {
				p.mu.Lock()
				p.total--
				p.mu.Unlock()
				return nil, err
			}
			return v, nil
		}
		p.mu.Unlock()
		select {
		case v := <-free:
			return v, nil
		case <-grown:
		case <-ctx.Done():
			return nil, context.Cause(ctx)
		}
	}
}

// Put takes back a VU, first handing over the samples it still buffers:
// every VU is back in the pool before the run closes the sample channel.
// Like the hand-over at the end of an iteration used to, it waits only
// while the engine is behind; it never waits for another VU.
func (p *pool) Put(v executor.VU) {
	x := v.(*vu)
	x.Flush()
	p.mu.Lock()
	p.free <- x
	p.mu.Unlock()
}
