package executor

import (
	"context"
	"slices"
	"sync"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// instantVU's iterations end at once; it records when they started.
type instantVU struct {
	id uint64
	t0 time.Time

	mu     sync.Mutex
	starts []time.Duration
}

func (v *instantVU) ID() uint64 { return v.id }

func (v *instantVU) Iterate(context.Context, *Activation) bool {
	at := time.Since(v.t0)
	v.mu.Lock()
	v.starts = append(v.starts, at)
	v.mu.Unlock()
	return true
}

type instantPool struct {
	vus  []*instantVU
	free chan VU
}

func newInstantPool(n int, t0 time.Time) *instantPool {
	p := &instantPool{free: make(chan VU, n)}
	for i := range n {
		vu := &instantVU{id: uint64(i + 1), t0: t0}
		p.vus = append(p.vus, vu)
		p.free <- vu
	}
	return p
}

func (p *instantPool) Get(ctx context.Context) (VU, error) {
	select {
	case vu := <-p.free:
		return vu, nil
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (p *instantPool) Put(vu VU) { p.free <- vu }

func (p *instantPool) starts() []time.Duration {
	var out []time.Duration
	for _, vu := range p.vus {
		vu.mu.Lock()
		out = append(out, vu.starts...)
		vu.mu.Unlock()
	}
	slices.Sort(out)
	return out
}

// accuracy runs constant-arrival-rate at rate/s for d with instant VUs and
// returns the starts, the drops and each start's lateness against its
// due instant i/rate.
func accuracy(t *testing.T, rate int64, d time.Duration) (starts []time.Duration, dropped int64, late []time.Duration) {
	t.Helper()
	pool := newInstantPool(20, time.Now())
	var drops drops
	e, err := New(&scenario.ConstantArrivalRate{
		Common: common("car", scenario.TypeConstantArrivalRate, 30),
		Rate:   rate, TimeUnit: dur(1), Duration: scenario.Duration(d), PreAllocatedVUs: 20, MaxVUs: 20,
	}, Env{Pool: pool, Dropped: drops.record})
	if err != nil {
		t.Fatal(err)
	}
	if err := e.Run(t.Context()); err != nil {
		t.Fatal(err)
	}
	starts = pool.starts()
	for i, at := range starts {
		late = append(late, at-mulDiv(time.Second, int64(i), rate))
	}
	return starts, drops.total(), late
}

// With instant VUs on synctest's fake clock, constant-arrival-rate starts
// exactly rate × duration iterations, each exactly when due.
func TestArrivalRateAccuracy(t *testing.T) {
	t.Parallel()
	for _, rate := range []int64{1000, 5000} {
		t.Run("", func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				starts, dropped, late := accuracy(t, rate, 10*time.Second)
				want := rate * 10
				t.Logf("%d/s for 10s (fake clock): requested %d, achieved %d, dropped %d, max lateness %v",
					rate, want, len(starts), dropped, slices.Max(late))
				if int64(len(starts)) != want || dropped != 0 {
					t.Errorf("%d started, %d dropped; want %d, 0", len(starts), dropped, want)
				}
				if slices.Max(late) != 0 || slices.Min(late) != 0 {
					t.Errorf("starts off schedule by %v … %v", slices.Min(late), slices.Max(late))
				}
			})
		})
	}
}

// The same on the real clock, for 2s: a sanity number, reported with -v,
// not asserted (it depends on the machine's load). Not parallel, so that
// it runs alone: a start that comes late is followed by a burst of
// catch-up starts that can find every VU busy, so drops follow lateness.
func TestArrivalRateAccuracyRealTime(t *testing.T) {
	if testing.Short() {
		t.Skip("real time")
	}
	for _, rate := range []int64{1000, 5000} {
		t.Run("", func(t *testing.T) {
			starts, dropped, late := accuracy(t, rate, 2*time.Second)
			slices.Sort(late)
			var sum time.Duration
			for _, l := range late {
				sum += l
			}
			if len(late) == 0 {
				t.Fatal("nothing started")
			}
			t.Logf("%d/s for 2s (real clock): requested %d, achieved %d, dropped %d; lateness mean %v, p99 %v, max %v",
				rate, rate*2, len(starts), dropped, sum/time.Duration(len(late)), late[len(late)*99/100], late[len(late)-1])
		})
	}
}
