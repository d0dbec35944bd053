package config

import (
	"math"
	"slices"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// PlanSummary returns the numbers of the execution header: the peak number
// of VUs planned at the same time (scenarios whose windows do not overlap
// share VUs) and the end of the whole plan, including graceful stops,
// rounded to 100 ms. A scenario's window is [startTime, startTime +
// PlannedDuration); an externally-controlled one with duration 0 never ends,
// and the max duration then only counts the scenarios that do.
func PlanSummary(scenarios map[string]scenario.Config) (maxVUs int64, maxDuration time.Duration) {
	return planPeak(scenarios, scenario.Config.PeakVUs)
}

// InitialVUs is how many VUs to initialise before the test starts: the
// same peak as PlanSummary, except that arrival-rate scenarios count only
// their preAllocatedVUs, because they initialise the rest up to maxVUs on
// demand mid-test, as k6 does.
func InitialVUs(scenarios map[string]scenario.Config) int64 {
	n, _ := planPeak(scenarios, func(c scenario.Config) int64 {
		switch a := c.(type) {
		case *scenario.ConstantArrivalRate:
			return a.Base().ExecutionTuple().ScaleInt64(a.PreAllocatedVUs)
		case *scenario.RampingArrivalRate:
			return a.Base().ExecutionTuple().ScaleInt64(a.PreAllocatedVUs)
		}
		return c.PeakVUs()
	})
	return n
}

func planPeak(scenarios map[string]scenario.Config, vusOf func(scenario.Config) int64) (maxVUs int64, maxDuration time.Duration) {
	type event struct {
		at    time.Duration
		delta int64
	}
	events := make([]event, 0, 2*len(scenarios))
	for _, c := range scenarios {
		start := max(c.Base().StartTime.D(), 0)
		vus := vusOf(c)
		events = append(events, event{start, vus})
		if ec, ok := c.(*scenario.ExternallyControlled); ok && ec.Duration == 0 {
			continue
		}
		end := start + c.PlannedDuration()
		if end < start { // overflow
			end = time.Duration(math.MaxInt64)
		}
		events = append(events, event{end, -vus})
		maxDuration = max(maxDuration, end)
	}
	// A scenario ending at t frees its VUs for one starting at t.
	slices.SortFunc(events, func(a, b event) int {
		if a.at != b.at {
			if a.at < b.at {
				return -1
			}
			return 1
		}
		switch {
		case a.delta < b.delta:
			return -1
		case a.delta > b.delta:
			return 1
		}
		return 0
	})
	var cur int64
	for _, e := range events {
		cur += e.delta
		maxVUs = max(maxVUs, cur)
	}
	return maxVUs, maxDuration.Round(100 * time.Millisecond)
}
