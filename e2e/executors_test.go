package e2e

import (
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// finalLine reads the last progress status line ("running (…), 0/4 VUs,
// N complete and M interrupted iterations"), printed when not on a TTY.
var finalLine = regexp.MustCompile(`(\d+) complete and (\d+) interrupted iterations`)

func (r result) completeInterrupted(t *testing.T) (int, int) {
	t.Helper()
	all := finalLine.FindAllStringSubmatch(r.stdout, -1)
	if len(all) == 0 {
		t.Fatalf("no progress status line in stdout:\n%s", r.stdout)
	}
	last := all[len(all)-1]
	c, _ := strconv.Atoi(last[1])
	i, _ := strconv.Atoi(last[2])
	return c, i
}

// within checks a count from a time-based executor. lo is generous: a
// loaded shared machine runs fewer iterations, never more.
func within(t *testing.T, what string, got, lo, hi float64) {
	t.Helper()
	if got < lo || got > hi {
		t.Errorf("%s = %v, want %v..%v", what, got, lo, hi)
	}
}

// TestExecutors runs one short script per executor and feature of
// options.scenarios (k6-spec §3.1) and checks the counts in the summary
// export: exact for iteration-based executors, a range for time-based ones.
func TestExecutors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		script string
		check  func(t *testing.T, r result)
	}{
		{"shared_iterations.js", func(t *testing.T, r result) {
			r.wantOut(t, "* shared: 17 iterations shared among 3 VUs (maxDuration: 10s, gracefulStop: 30s)",
				"shared ✓ [", "17/17 shared iters")
			if got := r.export.metric(t, "iterations", "count"); got != 17 {
				t.Errorf("iterations = %v, want 17", got)
			}
		}},
		{"per_vu_iterations.js", func(t *testing.T, r result) {
			r.wantOut(t, "* per_vu: 4 iterations for each of 3 VUs", "12/12 iters, 4 per VU")
			if got := r.export.metric(t, "iterations", "count"); got != 12 {
				t.Errorf("iterations = %v, want 12", got)
			}
		}},
		{"constant_vus.js", func(t *testing.T, r result) {
			r.wantOut(t, "* looping: 2 looping VUs for 1s (gracefulStop: 30s)")
			within(t, "iterations", r.export.metric(t, "iterations", "count"), 12, 22)
		}},
		{"ramping_vus.js", func(t *testing.T, r result) {
			r.wantOut(t, "* keep: Up to 2 looping VUs for 2s over 3 stages (gracefulRampDown: 1s, gracefulStop: 30s)")
			if c, i := r.completeInterrupted(t); c != 2 || i != 2 {
				t.Errorf("%d complete and %d interrupted, want 2 and 2 (cut by gracefulRampDown)", c, i)
			}
			if got := r.export.metric(t, "iterations{scenario:keep}", "count"); got != 2 {
				t.Errorf("iterations{scenario:keep} = %v, want 2", got)
			}
		}},
		{"constant_arrival_rate.js", func(t *testing.T, r result) {
			r.wantOut(t, "* rate: 20.00 iterations/s for 2s (maxVUs: 4-8, gracefulStop: 30s)")
			within(t, "iterations", r.export.metric(t, "iterations", "count"), 34, 41)
			if _, ok := r.export.Metrics["dropped_iterations"]; ok {
				t.Error("iterations were dropped with enough VUs")
			}
			// Only preAllocatedVUs are initialised up front; maxVUs is a cap.
			if got := r.export.metric(t, "vus_max", "max"); got != 4 {
				t.Errorf("vus_max = %v, want the 4 pre-allocated VUs", got)
			}
		}},
		{"ramping_arrival_rate.js", func(t *testing.T, r result) {
			r.wantOut(t, "* ramp: Up to 20.00 iterations/s for 2s over 2 stages (maxVUs: 4-8, gracefulStop: 30s)")
			within(t, "iterations", r.export.metric(t, "iterations", "count"), 25, 31)
		}},
		{"externally_controlled.js", func(t *testing.T, r result) {
			r.wantOut(t, "* ext: Externally controlled execution with 2 VUs, 4 max VUs, 1s duration")
			within(t, "iterations", r.export.metric(t, "iterations", "count"), 12, 22)
		}},
		{"multi.js", func(t *testing.T, r result) {
			r.wantOut(t, "2 scenarios", "* first: 6 iterations shared among 2 VUs",
				"* later: 3 iterations for each of 1 VUs (maxDuration: 10m0s, exec: fb, startTime: 500ms, gracefulStop: 30s)")
			for key, want := range map[string]float64{
				"iterations{scenario:first}": 6, "iterations{scenario:later}": 3, "iterations": 9,
			} {
				if got := r.export.metric(t, key, "count"); got != want {
					t.Errorf("%s = %v, want %v", key, got, want)
				}
			}
			c := r.checks(t)
			if c["::first env"].Passes != 6 || c["::later env"].Passes != 3 || c["::later started late"].Passes != 3 {
				t.Errorf("checks = %+v", c)
			}
		}},
		{"graceful_stop.js", func(t *testing.T, r result) {
			if c, i := r.completeInterrupted(t); c != 1 || i != 1 {
				t.Errorf("%d complete and %d interrupted, want 1 and 1", c, i)
			}
			r.wantOut(t, "kept ✓ [", "cut  ✓ [")
			if got := r.export.metric(t, "iterations", "count"); got != 1 {
				t.Errorf("iterations = %v, want 1 (an interrupted iteration is not counted)", got)
			}
		}},
		{"min_iteration_duration.js", func(t *testing.T, r result) {
			if got := r.export.metric(t, "iterations", "count"); got != 6 {
				t.Errorf("iterations = %v, want 6", got)
			}
			if c := r.checks(t)["::started 300ms after the previous one"]; c.Passes != 4 || c.Fails != 0 {
				t.Errorf("spacing checks %+v, want 4 passes", c)
			}
		}},
		{"dropped_iterations.js", func(t *testing.T, r result) {
			r.wantErr(t, "Insufficient VUs, reached 1 active VUs and cannot initialize more")
			done := r.export.metric(t, "iterations", "count")
			dropped := r.export.metric(t, "dropped_iterations", "count")
			within(t, "iterations", done, 1, 3)
			within(t, "iterations + dropped_iterations", done+dropped, 17, 21)
		}},
	}
	for _, tc := range tests {
		t.Run(strings.TrimSuffix(tc.script, ".js"), func(t *testing.T) {
			t.Parallel()
			r := stampede(t, runOpts{}, "run", "--summary-export={export}", "executors/"+tc.script)
			r.wantCode(t, 0)
			if r.export == nil {
				t.Fatal("no summary export")
			}
			tc.check(t, r)
		})
	}
}
