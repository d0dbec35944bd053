package executor

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/internal/scenario"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// fakeVU's iterations take dur, or are interrupted by ctx.
type fakeVU struct {
	id  uint64
	dur time.Duration

	mu     sync.Mutex
	starts []iterStart
	done   int // completed iterations
}

type iterStart struct {
	at       time.Time
	scenario string
	exec     string
}

var _ VU = (*fakeVU)(nil)

func (v *fakeVU) ID() uint64 { return v.id }

func (v *fakeVU) Iterate(ctx context.Context, a *Activation) bool {
	v.mu.Lock()
	v.starts = append(v.starts, iterStart{time.Now(), a.Scenario, a.Exec})
	v.mu.Unlock()
	t := time.NewTimer(v.dur)
	defer t.Stop()
	select {
	case <-t.C:
		v.mu.Lock()
		v.done++
		v.mu.Unlock()
		return true
	case <-ctx.Done():
		return false
	}
}

func (v *fakeVU) completed() int {
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.done
}

func (v *fakeVU) iterations() []iterStart {
	v.mu.Lock()
	defer v.mu.Unlock()
	return append([]iterStart(nil), v.starts...)
}

// fakePool holds a set of fakeVUs, handed out in ID order, and remembers
// how many were out at once. An elastic pool also initialises new VUs on
// demand, up to a limit, each taking initDelay.
type fakePool struct {
	mu   sync.Mutex // guards vus while an elastic pool grows
	vus  []*fakeVU
	free chan VU

	limit     int // elastic: the most VUs it makes; 0 for a fixed pool
	iterDur   time.Duration
	initDelay time.Duration

	out, maxOut atomic.Int64
	failGet     atomic.Bool
}

var _ Pool = (*fakePool)(nil)

var errPoolBroken = errors.New("pool broken")

// newFakePool makes one VU per duration.
func newFakePool(durs ...time.Duration) *fakePool {
	p := &fakePool{free: make(chan VU, len(durs))}
	for i, d := range durs {
		vu := &fakeVU{id: uint64(i + 1), dur: d}
		p.vus = append(p.vus, vu)
		p.free <- vu
	}
	return p
}

// uniformPool makes n VUs whose iterations all take dur.
func uniformPool(n int, dur time.Duration) *fakePool {
	durs := make([]time.Duration, n)
	for i := range durs {
		durs[i] = dur
	}
	return newFakePool(durs...)
}

// elasticPool starts with initial VUs and initialises more on demand, up
// to limit; their iterations take iterDur.
func elasticPool(initial, limit int, iterDur, initDelay time.Duration) *fakePool {
	p := &fakePool{free: make(chan VU, limit), limit: limit, iterDur: iterDur, initDelay: initDelay}
	for range initial {
		p.free <- p.newVU()
	}
	return p
}

// newVU adds a VU, or returns nil if an elastic pool is at its limit.
func (p *fakePool) newVU() *fakeVU {
	p.mu.Lock()
	defer p.mu.Unlock()
	if len(p.vus) >= p.limit {
		return nil
	}
	vu := &fakeVU{id: uint64(len(p.vus) + 1), dur: p.iterDur}
	p.vus = append(p.vus, vu)
	return vu
}

func (p *fakePool) all() []*fakeVU {
	p.mu.Lock()
	defer p.mu.Unlock()
	return append([]*fakeVU(nil), p.vus...)
}

func (p *fakePool) Get(ctx context.Context) (VU, error) {
	if p.failGet.Load() {
		return nil, errPoolBroken
	}
	if p.limit > 0 {
		select {
		case vu := <-p.free:
			return p.took(vu), nil
		default:
		}
		if vu := p.newVU(); vu != nil {
			t := time.NewTimer(p.initDelay)
			defer t.Stop()
			select {
			case <-t.C:
				return p.took(vu), nil
			case <-ctx.Done():
				p.free <- vu // initialised for nothing, but kept
				return nil, ctx.Err()
			}
		}
	}
	select {
	case vu := <-p.free:
		return p.took(vu), nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *fakePool) took(vu VU) VU {
	n := p.out.Add(1)
	for {
		m := p.maxOut.Load()
		if n <= m || p.maxOut.CompareAndSwap(m, n) {
			break
		}
	}
	return vu
}

func (p *fakePool) Put(vu VU) {
	p.out.Add(-1)
	p.free <- vu
}

// checkReturned fails the test unless every VU is back in the pool.
func (p *fakePool) checkReturned(t *testing.T) {
	t.Helper()
	if n := p.out.Load(); n != 0 {
		t.Errorf("%d VUs not returned to the pool", n)
	}
	if n := len(p.all()); len(p.free) != n {
		t.Errorf("pool holds %d of %d VUs", len(p.free), n)
	}
}

// drops records Env.Dropped calls.
type drops struct {
	mu    sync.Mutex
	calls []drop
}

type drop struct {
	n        int64
	scenario string
	vu       uint64
}

func (d *drops) record(n int64, scenario string, vu uint64) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.calls = append(d.calls, drop{n, scenario, vu})
}

func (d *drops) list() []drop {
	d.mu.Lock()
	defer d.mu.Unlock()
	return append([]drop(nil), d.calls...)
}

func (d *drops) total() int64 {
	var n int64
	for _, c := range d.list() {
		n += c.n
	}
	return n
}

// harness wires a fake pool into an Env.
type harness struct {
	pool   *fakePool
	drops  drops
	active atomic.Int64

	mu    sync.Mutex
	warns []string
}

func newHarness(pool *fakePool) *harness { return &harness{pool: pool} }

func (h *harness) env() Env {
	return Env{
		Pool:    h.pool,
		Dropped: h.drops.record,
		Warn: func(_, msg string) {
			h.mu.Lock()
			h.warns = append(h.warns, msg)
			h.mu.Unlock()
		},
		ActiveVUs: &h.active,
	}
}

func (h *harness) warnings() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.warns...)
}

// runExec runs cfg to its end and returns the executor's progress and how
// long Run took (fake time, inside a synctest bubble).
func (h *harness) runExec(t *testing.T, ctx context.Context, cfg scenario.Config) (*Progress, time.Duration) {
	t.Helper()
	e, err := New(cfg, h.env())
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	start := time.Now()
	if err := e.Run(ctx); err != nil {
		t.Fatalf("Run: %v", err)
	}
	return e.Progress(), time.Since(start)
}

func sec(n float64) time.Duration { return time.Duration(n * float64(time.Second)) }

func dur(n float64) scenario.Duration { return scenario.Duration(sec(n)) }

// common builds the common fields with k6's defaults but the given
// gracefulStop.
func common(name, typ string, gracefulStop float64) scenario.Common {
	return scenario.Common{Name: name, Executor: typ, GracefulStop: dur(gracefulStop), Exec: "default"}
}

func checkCounts(t *testing.T, p *Progress, complete, interrupted int64) {
	t.Helper()
	if got := p.Complete(); got != complete {
		t.Errorf("complete = %d, want %d", got, complete)
	}
	if got := p.Interrupted(); got != interrupted {
		t.Errorf("interrupted = %d, want %d", got, interrupted)
	}
}

func checkDuration(t *testing.T, what string, got, want time.Duration) {
	t.Helper()
	if got != want {
		t.Errorf("%s = %v, want %v", what, got, want)
	}
}
