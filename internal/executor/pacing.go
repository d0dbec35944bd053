package executor

import (
	"math"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// An arrivals function yields the offsets from the scenario start at which
// successive iterations are due, in order, and false once there are no
// more. Arrival-rate executors follow it regardless of how long iterations
// take (the open model); keeping it free of clocks and goroutines lets the
// pacing be table-tested on its own, like vegeta's Pacer.
type arrivals func() (time.Duration, bool)

// striped keeps the starts of next that et owns: start i (0-based) of the
// whole test's schedule is this instance's when et.Owns(i). The instances
// of a segment sequence thus start every iteration of the schedule
// exactly once, at its own instant.
func striped(next arrivals, et *scenario.ExecutionTuple) arrivals {
	if et.IsFull() {
		return next
	}
	var i int64
	return func() (time.Duration, bool) {
		for {
			at, ok := next()
			if !ok {
				return 0, false
			}
			i++
			if et.Owns(i - 1) {
				return at, true
			}
		}
	}
}

// constantArrivals paces constant-arrival-rate: rate starts per timeUnit,
// evenly spaced, the first at 0 and the last strictly before duration.
// The n-th start is computed from n rather than by adding a period, so
// rounding never accumulates.
func constantArrivals(rate int64, timeUnit, duration time.Duration) arrivals {
	var n int64
	return func() (time.Duration, bool) {
		if rate <= 0 || timeUnit <= 0 {
			return 0, false
		}
		at := mulDiv(timeUnit, n, rate)
		if at >= duration {
			return 0, false
		}
		n++
		return at, true
	}
}

// rampingArrivals paces ramping-arrival-rate. The rate goes linearly from
// startRate to each stage's target (per timeUnit) over the stage, and the
// n-th iteration (1-based) is due when the integral of the rate since the
// start reaches n, so that the number started always follows the area
// under the rate curve. Consequently no iteration is due at 0, and the
// last one may be due exactly at the end of the last stage. A stage
// without a target (CLI "-s 30s") holds the previous rate.
func rampingArrivals(startRate int64, timeUnit time.Duration, stages []scenario.Stage) arrivals {
	if timeUnit <= 0 {
		return func() (time.Duration, bool) { return 0, false }
	}
	perSec := func(r int64) float64 { return float64(r) / timeUnit.Seconds() }
	var (
		i          int // current stage
		from       = perSec(startRate)
		stageStart time.Duration // offset of stage i
		before     float64       // iterations due before stage i
		n          int64         // iterations yielded so far
	)
	return func() (time.Duration, bool) {
		target := float64(n + 1)
		for i < len(stages) {
			d := max(time.Duration(stages[i].Duration), 0)
			to := from
			if stages[i].HasTarget() {
				to = perSec(stages[i].Target)
			}
			secs := d.Seconds()
			area := secs * (from + to) / 2
			if rem := target - before; rem <= area {
				n++
				x := time.Duration(solveArea(rem, from, to, secs) * float64(time.Second))
				return stageStart + min(max(x, 0), d), true
			}
			before += area
			stageStart += d
			from = to
			i++
		}
		return 0, false
	}
}

// solveArea returns the x in [0, secs] at which the area under the line
// from rate `from` to rate `to` over secs seconds reaches area, that is the
// root of from·x + (to−from)·x²/(2·secs) = area. It uses the rationalised
// form 2a/(b+√(b²+4ac)) of the quadratic formula, which stays exact when
// from == to (x = area/from) and does not cancel catastrophically when the
// slope is tiny.
func solveArea(area, from, to, secs float64) float64 {
	disc := from*from + 2*area*(to-from)/secs
	den := from + math.Sqrt(max(disc, 0))
	if den <= 0 {
		return secs
	}
	return 2 * area / den
}
