package executor

import (
	"context"
	"slices"
	"testing"
	"testing/synctest"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

func TestConstantArrivalRate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name             string
		iter             time.Duration
		preAlloc, maxVUs int64
		complete         int64
		dropped          int64
		maxOut           int64
		took             time.Duration
		warnings         []string
	}{
		{
			name: "enough VUs", iter: 50 * time.Millisecond, preAlloc: 2, maxVUs: 2,
			complete: 50, maxOut: 2, took: 5 * time.Second,
		},
		{
			// Starts every 100ms; an iteration holds a VU for 950ms. The 2
			// pre-allocated VUs take 0 and .1; each miss at .2, .4, .6
			// brings one more VU for the next start; from .8 on all five
			// are busy. Every second: 5 started, 5 dropped.
			name: "grows to maxVUs, then drops", iter: 950 * time.Millisecond, preAlloc: 2, maxVUs: 5,
			complete: 25, dropped: 25, maxOut: 5, took: 5650 * time.Millisecond,
			warnings: []string{"Insufficient VUs, reached 5 active VUs and cannot initialize more"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			synctest.Test(t, func(t *testing.T) {
				h := newHarness(uniformPool(int(tt.maxVUs), tt.iter))
				cfg := &scenario.ConstantArrivalRate{
					Common: common("car", scenario.TypeConstantArrivalRate, 30),
					Rate:   10, TimeUnit: dur(1), Duration: dur(5),
					PreAllocatedVUs: tt.preAlloc, MaxVUs: tt.maxVUs,
				}
				p, took := h.runExec(t, t.Context(), cfg)
				checkCounts(t, p, tt.complete, 0)
				checkDuration(t, "Run took", took, tt.took)
				if got := h.drops.total(); got != tt.dropped {
					t.Errorf("dropped %d, want %d", got, tt.dropped)
				}
				if got := h.pool.maxOut.Load(); got != tt.maxOut {
					t.Errorf("max VUs out = %d, want %d", got, tt.maxOut)
				}
				if got := h.warnings(); !slices.Equal(got, tt.warnings) {
					t.Errorf("warnings = %q, want %q", got, tt.warnings)
				}
				h.pool.checkReturned(t)
			})
		})
	}
}

func TestConstantArrivalRateHardStop(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(5, 3*time.Second))
		cfg := &scenario.ConstantArrivalRate{
			Common: common("car", scenario.TypeConstantArrivalRate, 30),
			Rate:   1, TimeUnit: dur(1), Duration: dur(60),
			PreAllocatedVUs: 5, MaxVUs: 5,
		}
		ctx, cancel := context.WithCancel(t.Context())
		time.AfterFunc(10500*time.Millisecond, cancel)
		p, took := h.runExec(t, ctx, cfg)
		// Starts at 0..10s; those from 8s on are cut.
		checkCounts(t, p, 8, 3)
		checkDuration(t, "Run took", took, 10500*time.Millisecond)
		if p.State() != Aborted {
			t.Errorf("state = %v, want aborted", p.State())
		}
		h.pool.checkReturned(t)
	})
}

func TestRampingArrivalRate(t *testing.T) {
	t.Parallel()
	synctest.Test(t, func(t *testing.T) {
		h := newHarness(uniformPool(2, 10*time.Millisecond))
		cfg := &scenario.RampingArrivalRate{
			Common:    common("rar", scenario.TypeRampingArrivalRate, 30),
			StartRate: 0, TimeUnit: dur(1),
			Stages:          []scenario.Stage{stage(10, 10)},
			PreAllocatedVUs: 1, MaxVUs: 2,
		}
		t0 := time.Now()
		p, took := h.runExec(t, t.Context(), cfg)
		// The area under 0→10/s over 10s is 50; the 50th is due at 10s.
		checkCounts(t, p, 50, 0)
		checkDuration(t, "Run took", took, 10*time.Second+10*time.Millisecond)
		var starts []time.Duration
		for _, it := range h.pool.vus[0].iterations() {
			starts = append(starts, it.at.Sub(t0))
		}
		checkFollowsArea(t, cfg.StartRate, time.Second, cfg.Stages, starts)
		if h.drops.total() != 0 {
			t.Errorf("dropped %d", h.drops.total())
		}
		h.pool.checkReturned(t)
	})
}
