package scenario

import (
	"math"
	"math/bits"
	"time"
)

// Step is a point in a ramping-vus plan where the target VU count changes.
type Step struct {
	Offset time.Duration // from the scenario's start
	VUs    int64         // target from Offset on
}

// VUsAt reports the target number of VUs of the ramping-vus config at t
// after the scenario's start. Within a stage the count moves one VU at a
// time along the straight line from the previous target: going up, VU n is
// added when the line reaches n; going down, VU n is removed when the line
// reaches n-1 (so a ramp to 0 ends exactly at the stage's end, as in k6). A
// zero-duration stage jumps at its start. Negative t gives StartVUs; t past the stages gives the last target.
//
// With a segment (see Segmented) it is the segment's share of the whole
// test's count at t, so that the counts of all segments of a sequence add
// up to the whole test's count at every instant.
func (r *RampingVUs) VUsAt(t time.Duration) int64 {
	return r.et.ScaleInt64(r.globalVUsAt(t))
}

// globalVUsAt is VUsAt for the whole test.
func (r *RampingVUs) globalVUsAt(t time.Duration) int64 {
	cur := max(r.StartVUs, 0)
	var start time.Duration
	for _, s := range r.Stages {
		d := max(s.Duration.D(), 0)
		end := satAdd(start, d)
		if t < start {
			break
		}
		target := stageTarget(s, cur)
		if t >= end || d == 0 || target == cur {
			cur, start = target, end
			continue
		}
		return vusWithin(cur, target, d, end-t)
	}
	return cur
}

// stageTarget lets a stage without a target (CLI "-s 30s") hold the count.
// Negative targets are invalid; clamping them keeps the arithmetic safe for
// configs that were never validated.
func stageTarget(s Stage, prev int64) int64 {
	if !s.HasTarget() {
		return prev
	}
	return max(s.Target, 0)
}

// satAdd adds non-negative durations, saturating instead of wrapping.
func satAdd(a, b time.Duration) time.Duration {
	if a > math.MaxInt64-b {
		return math.MaxInt64
	}
	return a + b
}

// vusWithin is the count in a stage from→to of length d, remaining before
// the stage's end. The comparisons are done on integers so that the step
// instants are exact and agree with Steps.
func vusWithin(from, to int64, d, remaining time.Duration) int64 {
	// The line is |to-from|*remaining/d VUs away from the target; going up
	// the count lags behind the line, going down it stays above it.
	diff := to - from
	if diff > 0 {
		return to - ceilMulDiv(uint64(remaining), uint64(diff), uint64(d))
	}
	return to + ceilMulDiv(uint64(remaining), uint64(-diff), uint64(d))
}

// ceilMulDiv returns ceil(a*b/c) without overflowing; the result always fits
// because a <= c here.
func ceilMulDiv(a, b, c uint64) int64 {
	hi, lo := bits.Mul64(a, b)
	q, rem := bits.Div64(hi, lo, c)
	if rem != 0 {
		q++
	}
	return int64(q)
}

// floorMulDiv returns floor(a*b/c) for b <= c.
func floorMulDiv(a, b, c uint64) time.Duration {
	hi, lo := bits.Mul64(a, b)
	q, _ := bits.Div64(hi, lo, c)
	return time.Duration(q)
}

// Steps lists the instants at which the target VU count changes, in time
// order, consistent with VUsAt. It allocates one entry per VU change, so it
// is meant for validated configs of sane size; VUsAt has no such cost.
// With a segment, it lists the changes of the segment's share, which are
// those of the whole test's count that the segment takes part in.
func (r *RampingVUs) Steps() []Step {
	steps := r.globalSteps()
	if r.et.IsFull() {
		return steps
	}
	scaled := steps[:0]
	prev := r.VUsAt(-1)
	for _, s := range steps {
		if v := r.et.ScaleInt64(s.VUs); v != prev {
			scaled = append(scaled, Step{Offset: s.Offset, VUs: v})
			prev = v
		}
	}
	return scaled
}

// rampPlanned is the planned duration of a ramping-vus scenario
// stated on its step list: the plan ends at end (the stages plus
// gracefulStop) unless the count ends at 0, in which case the last VUs get
// rampDown after the last change, but never past end.
func rampPlanned(start int64, steps []Step, end, rampDown time.Duration) time.Duration {
	if len(steps) == 0 {
		if start > 0 {
			return end
		}
		return 0 // never any VUs
	}
	last := steps[len(steps)-1]
	if last.VUs != 0 {
		return end
	}
	return min(satAdd(last.Offset, rampDown), end)
}

// globalSteps is Steps for the whole test.
func (r *RampingVUs) globalSteps() []Step {
	var steps []Step
	// add keeps the list minimal: one entry per instant (the last change
	// wins) and no entry that leaves the count unchanged.
	add := func(off time.Duration, vus int64) {
		if n := len(steps); n > 0 && steps[n-1].Offset == off {
			steps = steps[:n-1]
		}
		prev := max(r.StartVUs, 0)
		if n := len(steps); n > 0 {
			prev = steps[n-1].VUs
		}
		if vus != prev {
			steps = append(steps, Step{Offset: off, VUs: vus})
		}
	}
	cur := max(r.StartVUs, 0)
	var start time.Duration
	for _, s := range r.Stages {
		d := max(s.Duration.D(), 0)
		end := satAdd(start, d)
		target := stageTarget(s, cur)
		switch {
		case target == cur:
		case d == 0:
			add(start, target)
		case target > cur:
			diff := uint64(target - cur)
			for i := cur + 1; i <= target; i++ {
				add(end-floorMulDiv(uint64(d), uint64(target-i), diff), i)
			}
		default:
			diff := uint64(cur - target)
			for i := cur; i > target; i-- {
				add(end-floorMulDiv(uint64(d), uint64(i-target-1), diff), i-1)
			}
		}
		cur, start = target, end
	}
	return steps
}
