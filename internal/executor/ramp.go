package executor

import (
	"math"
	"math/bits"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// rampPlan is the planned VU count of a ramping-vus scenario as a list of
// changes, starting with {0, startVUs} (the segment's share of them, with
// an execution segment). The stage arithmetic is
// scenario's (RampingVUs.Steps, consistent with VUsAt), so that the VUs the
// run pre-allocates and the VUs the executor starts can never disagree.
func rampPlan(c *scenario.RampingVUs) []scenario.Step {
	steps := c.Steps()
	if len(steps) > 0 && steps[0].Offset == 0 {
		return steps
	}
	return append([]scenario.Step{{Offset: 0, VUs: c.VUsAt(-1)}}, steps...)
}

// stagesDuration is the sum of the stages' durations: the nominal length
// of a ramping scenario.
func stagesDuration(stages []scenario.Stage) time.Duration {
	var total time.Duration
	for _, st := range stages {
		total += max(time.Duration(st.Duration), 0)
	}
	return total
}

// mulDiv returns floor(d*num/den) without overflowing the intermediate
// product (hours of nanoseconds times an iteration count does not fit in
// 64 bits). d and num must not be negative, den must be positive; results
// that do not fit saturate at the largest Duration.
func mulDiv(d time.Duration, num, den int64) time.Duration {
	hi, lo := bits.Mul64(uint64(d), uint64(num))
	if hi >= uint64(den) {
		return math.MaxInt64
	}
	q, _ := bits.Div64(hi, lo, uint64(den))
	if q > math.MaxInt64 {
		return math.MaxInt64
	}
	return time.Duration(q)
}
