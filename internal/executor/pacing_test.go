package executor

import (
	"math"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// collect drains a schedule, failing after limit starts.
func collect(t *testing.T, next arrivals, limit int) []time.Duration {
	t.Helper()
	var got []time.Duration
	for {
		at, ok := next()
		if !ok {
			return got
		}
		if got = append(got, at); len(got) > limit {
			t.Fatalf("more than %d starts", limit)
		}
	}
}

func TestConstantArrivals(t *testing.T) {
	t.Parallel()
	ms := time.Millisecond
	tests := []struct {
		name           string
		rate           int64
		unit, duration time.Duration
		want           []time.Duration
	}{
		{"2/s for 2s", 2, time.Second, 2 * time.Second, []time.Duration{0, 500 * ms, 1000 * ms, 1500 * ms}},
		{"uneven period does not accumulate", 3, time.Second, time.Second,
			[]time.Duration{0, 333333333, 666666666}},
		{"per minute", 1, time.Minute, 150 * time.Second, []time.Duration{0, time.Minute, 2 * time.Minute}},
		{"end excluded", 1, time.Second, 3 * time.Second, []time.Duration{0, time.Second, 2 * time.Second}},
		{"zero rate", 0, time.Second, time.Second, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := collect(t, constantArrivals(tt.rate, tt.unit, tt.duration), 100)
			if !slices.Equal(got, tt.want) {
				t.Errorf("starts = %v, want %v", got, tt.want)
			}
		})
	}
}

func TestConstantArrivalsHighRate(t *testing.T) {
	t.Parallel()
	// 10^9 per second for a day: the n-th start is n ns; n·unit overflows
	// int64 long before the end.
	next := constantArrivals(1e9, time.Second, 24*time.Hour)
	for n := range int64(1000) {
		at, ok := next()
		if !ok || at != time.Duration(n) {
			t.Fatalf("start %d at %v (ok=%v), want %v", n, at, ok, time.Duration(n))
		}
	}
	if got := mulDiv(time.Second, 86_000_000_000_000, 1e9); got != 86_000*time.Second {
		t.Errorf("late start = %v", got)
	}
}

func TestMulDiv(t *testing.T) {
	t.Parallel()
	tests := []struct {
		d        time.Duration
		num, den int64
		want     time.Duration
	}{
		{10, 1, 3, 3},
		{10, 2, 3, 6},
		{time.Hour, 1e9, 1e9, time.Hour},
		{math.MaxInt64, 1, 1, math.MaxInt64},
		{math.MaxInt64, 3, 2, math.MaxInt64}, // saturates
		{time.Second, 0, 7, 0},
	}
	for _, tt := range tests {
		if got := mulDiv(tt.d, tt.num, tt.den); got != tt.want {
			t.Errorf("mulDiv(%d, %d, %d) = %d, want %d", tt.d, tt.num, tt.den, got, tt.want)
		}
	}
}

func stage(d float64, target int64) scenario.Stage {
	return scenario.Stage{Duration: dur(d), Target: target}
}

func TestRampingArrivals(t *testing.T) {
	t.Parallel()
	s := func(v float64) time.Duration { return time.Duration(math.Round(v * 1e9)) }
	tests := []struct {
		name      string
		startRate int64
		unit      time.Duration
		stages    []scenario.Stage
		want      []time.Duration // nil: check only count and the area
		count     int
	}{
		{
			name: "constant 10/s for 1s, last at the end", startRate: 10, unit: time.Second,
			stages: []scenario.Stage{stage(1, 10)},
			want:   []time.Duration{s(.1), s(.2), s(.3), s(.4), s(.5), s(.6), s(.7), s(.8), s(.9), s(1)},
		},
		{
			// rate t/2, area t²/4, reaching n at 2√n
			name: "ramp up from 0", startRate: 0, unit: time.Second,
			stages: []scenario.Stage{stage(4, 2)},
			want:   []time.Duration{s(2), s(math.Sqrt(8)), s(math.Sqrt(12)), s(4)},
		},
		{
			// rate 2 - t/2, area 2t - t²/4, reaching n at 4 - 2√(4-n)
			name: "ramp down to 0", startRate: 2, unit: time.Second,
			stages: []scenario.Stage{stage(4, 0)},
			want:   []time.Duration{s(4 - math.Sqrt(12)), s(4 - math.Sqrt(8)), s(4 - 2), s(4)},
		},
		{
			name: "jump, then hold", startRate: 0, unit: time.Second,
			stages: []scenario.Stage{stage(0, 2), stage(2, 2)},
			want:   []time.Duration{s(.5), s(1), s(1.5), s(2)},
		},
		{
			name: "idle stage, then per-minute rate", startRate: 0, unit: time.Minute,
			stages: []scenario.Stage{stage(5, 0), stage(0, 60), stage(3, 60)},
			want:   []time.Duration{s(6), s(7), s(8)},
		},
		{
			name: "stage without target holds the rate", startRate: 1, unit: time.Second,
			stages: []scenario.Stage{stage(2, 1), stage(2, 0).WithoutTarget()},
			want:   []time.Duration{s(1), s(2), s(3), s(4)},
		},
		{
			name: "rate too low for one iteration", startRate: 0, unit: time.Second,
			stages: []scenario.Stage{stage(1, 1)},
			want:   nil, count: 0,
		},
		{
			name: "long mixed profile", startRate: 5, unit: time.Second,
			stages: []scenario.Stage{stage(60, 100), stage(120, 100), stage(30, 7), stage(0, 50), stage(45, 0)},
			// 60·52.5 + 120·100 + 30·53.5 + 45·25
			count: 3150 + 12000 + 1605 + 1125,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := collect(t, rampingArrivals(tt.startRate, tt.unit, tt.stages), 1e6)
			if tt.want != nil || tt.count == 0 {
				if len(got) != len(tt.want) {
					t.Fatalf("starts = %v, want %v", got, tt.want)
				}
				for i := range got {
					if d := got[i] - tt.want[i]; d < -2 || d > 2 {
						t.Errorf("start %d at %v, want %v", i+1, got[i], tt.want[i])
					}
				}
				return
			}
			if len(got) != tt.count {
				t.Errorf("%d starts, want %d", len(got), tt.count)
			}
			checkFollowsArea(t, tt.startRate, tt.unit, tt.stages, got)
		})
	}
}

// area is the reference integral of a ramping-arrival-rate profile: the
// number of iterations due by t.
func area(startRate int64, unit time.Duration, stages []scenario.Stage, t time.Duration) float64 {
	var total float64
	from := float64(startRate) / unit.Seconds()
	var off time.Duration
	for _, st := range stages {
		d := time.Duration(st.Duration)
		to := from
		if st.HasTarget() {
			to = float64(st.Target) / unit.Seconds()
		}
		if t <= off {
			break
		}
		x := min(t-off, d).Seconds()
		if d > 0 {
			total += from*x + (to-from)*x*x/(2*d.Seconds())
		}
		off += d
		from = to
	}
	return total
}

// checkFollowsArea checks that the n-th start is where the area reaches n,
// and that starts are in order.
func checkFollowsArea(t *testing.T, startRate int64, unit time.Duration, stages []scenario.Stage, got []time.Duration) {
	t.Helper()
	for i, at := range got {
		if i > 0 && at < got[i-1] {
			t.Fatalf("start %d at %v is before start %d at %v", i+1, at, i, got[i-1])
		}
		if a := area(startRate, unit, stages, at); math.Abs(a-float64(i+1)) > 1e-5 {
			t.Fatalf("start %d at %v, where the area is %v", i+1, at, a)
		}
	}
}

func TestRampingArrivalsFollowArea(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(1, 2))
	for range 200 {
		startRate := r.Int64N(50)
		stages := make([]scenario.Stage, 1+r.IntN(5))
		for i := range stages {
			stages[i] = scenario.Stage{Duration: scenario.Duration(r.Int64N(int64(20 * time.Second))), Target: r.Int64N(50)}
			if r.IntN(5) == 0 {
				stages[i].Duration = 0
			}
		}
		unit := []time.Duration{time.Second, time.Minute, 100 * time.Millisecond}[r.IntN(3)]
		got := collect(t, rampingArrivals(startRate, unit, stages), 1e6)
		total := area(startRate, unit, stages, stagesDuration(stages))
		if n := len(got); math.Abs(float64(n)-math.Floor(total)) > 1 {
			t.Fatalf("%d starts for an area of %v (start %d, unit %v, stages %v)", n, total, startRate, unit, stages)
		}
		checkFollowsArea(t, startRate, unit, stages, got)
	}
}

func TestRampPlan(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		startVUs int64
		stages   []scenario.Stage
		want     []scenario.Step
	}{
		{"flat", 3, []scenario.Stage{stage(10, 3)}, []scenario.Step{{Offset: 0, VUs: 3}}},
		{"jump at 0", 0, []scenario.Stage{stage(0, 5), stage(10, 5)}, []scenario.Step{{Offset: 0, VUs: 5}}},
		{"up", 2, []scenario.Stage{stage(2, 4)}, []scenario.Step{{Offset: 0, VUs: 2}, {Offset: sec(1), VUs: 3}, {Offset: sec(2), VUs: 4}}},
		{"down", 2, []scenario.Stage{stage(4, 0)}, []scenario.Step{{Offset: 0, VUs: 2}, {Offset: sec(2), VUs: 1}, {Offset: sec(4), VUs: 0}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got := rampPlan(&scenario.RampingVUs{StartVUs: tt.startVUs, Stages: tt.stages})
			if !slices.Equal(got, tt.want) {
				t.Errorf("plan = %v, want %v", got, tt.want)
			}
		})
	}
}

// The executor acts on rampPlan; the run sizes its pool with VUsAt. They
// must agree everywhere.
func TestRampPlanAgreesWithVUsAt(t *testing.T) {
	t.Parallel()
	r := rand.New(rand.NewPCG(3, 4))
	for range 200 {
		c := &scenario.RampingVUs{StartVUs: r.Int64N(20)}
		for range 1 + r.IntN(5) {
			d := scenario.Duration(r.Int64N(int64(10 * time.Second)))
			if r.IntN(4) == 0 {
				d = 0
			}
			c.Stages = append(c.Stages, scenario.Stage{Duration: d, Target: r.Int64N(20)})
		}
		plan := rampPlan(c)
		total := stagesDuration(c.Stages)
		for range 100 {
			at := time.Duration(r.Int64N(int64(total) + 1))
			i, _ := slices.BinarySearchFunc(plan, at, func(s scenario.Step, t time.Duration) int {
				return int(s.Offset - t)
			})
			if i == len(plan) || plan[i].Offset > at {
				i--
			}
			if got, want := plan[i].VUs, c.VUsAt(at); got != want {
				t.Fatalf("%+v: plan says %d VUs at %v, VUsAt %d", c, got, at, want)
			}
		}
	}
}
