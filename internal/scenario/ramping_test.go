package scenario

import (
	"math/rand/v2"
	"testing"
	"time"
)

func stages(pairs ...any) []Stage {
	var out []Stage
	for i := 0; i < len(pairs); i += 2 {
		out = append(out, Stage{Duration: Duration(pairs[i].(time.Duration)), Target: int64(pairs[i+1].(int))})
	}
	return out
}

func TestVUsAt(t *testing.T) {
	t.Parallel()
	const s, ms = time.Second, time.Millisecond
	upDown := &RampingVUs{StartVUs: 0, Stages: stages(10*s, 10, 10*s, 0)}
	tests := []struct {
		name string
		r    *RampingVUs
		at   time.Duration
		want int64
	}{
		{"before start", upDown, -s, 0},
		{"up at 0", upDown, 0, 0},
		{"up just before first step", upDown, 999 * ms, 0},
		{"up first step", upDown, s, 1},
		{"up middle", upDown, 5500 * ms, 5},
		{"up end", upDown, 10 * s, 10},
		{"down start keeps count", upDown, 10*s + 500*ms, 10},
		{"down first step", upDown, 11 * s, 9},
		{"down last VU leaves at the end", upDown, 20*s - 1, 1},
		{"down end", upDown, 20 * s, 0},
		{"after end", upDown, time.Hour, 0},
		{"zero-duration jump", &RampingVUs{StartVUs: 5, Stages: stages(0*s, 10, 10*s, 10)}, 0, 10},
		{"zero-duration jump before", &RampingVUs{StartVUs: 5, Stages: stages(0*s, 10)}, -1, 5},
		{"hold", &RampingVUs{StartVUs: 3, Stages: stages(10*s, 3)}, 5 * s, 3},
		{"missing target holds", &RampingVUs{StartVUs: 4, Stages: []Stage{Stage{Duration: Duration(10 * s)}.WithoutTarget(), {Duration: Duration(10 * s), Target: 0}}}, 10 * s, 4},
		{"uneven up", &RampingVUs{StartVUs: 0, Stages: stages(3*s, 2)}, 1500 * ms, 1},
		{"uneven up just before", &RampingVUs{StartVUs: 0, Stages: stages(3*s, 2)}, 1500*ms - 1, 0},
		{"uneven down", &RampingVUs{StartVUs: 2, Stages: stages(3*s, 0)}, 1500 * ms, 1},
		{"uneven down just before", &RampingVUs{StartVUs: 2, Stages: stages(3*s, 0)}, 1500*ms - 1, 2},
		{"second stage start", &RampingVUs{StartVUs: 1, Stages: stages(10*s, 5, 10*s, 20)}, 10 * s, 5},
		{"no stages", &RampingVUs{StartVUs: 7}, time.Minute, 7},
		{"large ramp", &RampingVUs{StartVUs: 0, Stages: stages(24*time.Hour, 1_000_000)}, 12 * time.Hour, 500_000},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := tt.r.VUsAt(tt.at); got != tt.want {
				t.Errorf("VUsAt(%v) = %d, want %d", tt.at, got, tt.want)
			}
		})
	}
}

func TestStepsExample(t *testing.T) {
	t.Parallel()
	r := &RampingVUs{StartVUs: 0, Stages: stages(3*time.Second, 3, 2*time.Second, 1, 0*time.Second, 4)}
	want := []Step{
		{time.Second, 1}, {2 * time.Second, 2}, {3 * time.Second, 3},
		{4 * time.Second, 2}, {5 * time.Second, 4},
	}
	got := r.Steps()
	if len(got) != len(want) {
		t.Fatalf("Steps() = %v, want %v", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("Steps() = %v, want %v", got, want)
		}
	}
}

// stepsAt evaluates a step list the way an executor would.
func stepsAt(start int64, steps []Step, t time.Duration) int64 {
	cur := start
	for _, s := range steps {
		if s.Offset > t {
			break
		}
		cur = s.VUs
	}
	return cur
}

func TestVUsAtMatchesSteps(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(1, 2))
	for iter := range 300 {
		r := &RampingVUs{StartVUs: rng.Int64N(6)}
		for range 1 + rng.IntN(5) {
			d := time.Duration(rng.Int64N(4)) * time.Duration(1+rng.Int64N(1500)) * time.Millisecond
			st := Stage{Duration: Duration(d), Target: rng.Int64N(12)}
			if rng.IntN(8) == 0 {
				st = st.WithoutTarget()
			}
			r.Stages = append(r.Stages, st)
		}
		steps := r.Steps()
		check := func(at time.Duration) {
			if got, want := r.VUsAt(at), stepsAt(r.StartVUs, steps, at); got != want {
				t.Fatalf("case %d: %+v: VUsAt(%v) = %d, steps say %d (steps %v)", iter, r, at, got, want, steps)
			}
		}
		for _, s := range steps {
			check(s.Offset - 1)
			check(s.Offset)
			check(s.Offset + 1)
		}
		for at := -time.Millisecond; at < 8*time.Second; at += 37 * time.Millisecond {
			check(at)
		}
		r.GracefulStop = Duration(time.Duration(rng.Int64N(3)) * time.Second)
		r.GracefulRampDown = Duration(time.Duration(rng.Int64N(3)) * 700 * time.Millisecond)
		if got, want := r.PlannedDuration(), plannedFromSteps(r, steps); got != want {
			t.Fatalf("case %d: %+v: PlannedDuration() = %v, from steps %v (steps %v)", iter, r, got, want, steps)
		}
		for i := 1; i < len(steps); i++ {
			if steps[i].Offset < steps[i-1].Offset || steps[i].VUs == steps[i-1].VUs {
				t.Fatalf("case %d: steps not strictly ordered/changing: %v", iter, steps)
			}
		}
	}
}

// plannedFromSteps is k6's rule stated on the step list: the plan ends at
// stages+gracefulStop unless the last step drops to 0, in which case the
// VUs get gracefulRampDown after that step, capped at the same end.
func plannedFromSteps(r *RampingVUs, steps []Step) time.Duration {
	end := sumStages(r.Stages) + r.GracefulStop.D()
	if len(steps) == 0 {
		if r.VUsAt(-1) > 0 {
			return end
		}
		return 0
	}
	last := steps[len(steps)-1]
	if last.VUs != 0 {
		return end
	}
	return min(last.Offset+r.GracefulRampDown.D(), end)
}
