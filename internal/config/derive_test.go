package config

import (
	"slices"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

func TestDeriveScenarios(t *testing.T) {
	t.Parallel()
	stages := Some([]scenario.Stage{{Duration: scenario.Duration(time.Minute), Target: 10}})
	scs := mustScript(t, `{"scenarios":{"a":{"executor":"constant-vus","duration":"1m"},"b":{"executor":"per-vu-iterations"}}}`).Scenarios
	empty := Some(scenario.Scenarios{})
	tests := []struct {
		name     string
		o        Options
		desc     string // of the single default scenario, or "" when scenarios are used as is
		names    []string
		warnings []string
		err      string
	}{
		{name: "nothing", desc: "1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
		{name: "iterations", o: Options{Iterations: Some[int64](10), VUs: Some[int64](2)},
			desc: "10 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
		{name: "iterations with duration", o: Options{Iterations: Some[int64](10), Duration: dur(time.Minute)},
			desc: "10 iterations shared among 1 VUs (maxDuration: 1m0s, gracefulStop: 30s)"},
		{name: "duration", o: Options{Duration: dur(30 * time.Second), VUs: Some[int64](10)},
			desc: "10 looping VUs for 30s (gracefulStop: 30s)"},
		{name: "stages", o: Options{Stages: Some([]scenario.Stage{{Duration: scenario.Duration(30 * time.Second), Target: 20},
			{Duration: scenario.Duration(3 * time.Minute), Target: 10}, {Duration: scenario.Duration(10 * time.Second)}})},
			desc: "Up to 20 looping VUs for 3m40s over 3 stages (gracefulRampDown: 30s, gracefulStop: 30s)"},
		{name: "scenarios", o: Options{Scenarios: scs, VUs: Some[int64](5)}, names: []string{"a", "b"}},
		{name: "iterations and stages", o: Options{Iterations: Some[int64](1), Stages: stages},
			err: "using multiple execution config shortcuts (`iterations` and `stages`) simultaneously is not allowed"},
		{name: "iterations and scenarios", o: Options{Iterations: Some[int64](1), Scenarios: scs},
			err: "using an execution configuration shortcut (`iterations`) and `scenarios` simultaneously is not allowed"},
		{name: "duration and stages", o: Options{Duration: dur(time.Second), Stages: stages},
			err: "using multiple execution config shortcuts (`duration` and `stages`) simultaneously is not allowed"},
		{name: "duration and scenarios", o: Options{Duration: dur(time.Second), Scenarios: scs},
			err: "using an execution configuration shortcut (`duration`) and `scenarios` simultaneously is not allowed"},
		{name: "duration and empty scenarios", o: Options{Duration: dur(time.Second), Scenarios: empty},
			err: "using an execution configuration shortcut (`duration`) and `scenarios` simultaneously is not allowed"},
		{name: "stages and scenarios", o: Options{Stages: stages, Scenarios: scs},
			err: "using an execution configuration shortcut (`stages`) and `scenarios` simultaneously is not allowed"},
		{name: "zero duration", o: Options{Duration: dur(0)},
			err: "`duration` should be more than 0, for infinite duration use the externally-controlled executor"},
		{name: "duration with empty stages is fine", o: Options{Duration: dur(time.Minute), Stages: Some([]scenario.Stage{})},
			desc: "1 looping VUs for 1m0s (gracefulStop: 30s)"},
		{name: "ignored vus warning", o: Options{VUs: Some[int64](10)},
			desc:     "1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)",
			warnings: []string{"the `vus=10` option will be ignored, it only works in conjunction with `iterations`, `duration`, or `stages`"}},
		{name: "vus=1 no warning", o: Options{VUs: Some[int64](1)},
			desc: "1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
		{name: "explicitly empty", o: Options{Stages: Some([]scenario.Stage{}), Scenarios: empty},
			desc: "1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)",
			warnings: []string{"`stages` was explicitly set to an empty value, running the script with 1 iteration in 1 VU",
				"`scenarios` was explicitly set to an empty value, running the script with 1 iteration in 1 VU"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, warnings, err := tt.o.DeriveScenarios()
			if tt.err != "" {
				if err == nil || err.Error() != tt.err {
					t.Fatalf("error = %v, want %q", err, tt.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(warnings, tt.warnings) {
				t.Errorf("warnings = %q, want %q", warnings, tt.warnings)
			}
			if tt.names != nil {
				var names []string
				for _, c := range scenario.Sorted(got) {
					names = append(names, c.Base().Name)
				}
				if !slices.Equal(names, tt.names) {
					t.Errorf("names %v", names)
				}
				return
			}
			c, ok := got[scenario.DefaultName]
			if len(got) != 1 || !ok {
				t.Fatalf("want only %q, got %v", scenario.DefaultName, got)
			}
			if d := c.Description(); d != tt.desc {
				t.Errorf("description\n got %s\nwant %s", d, tt.desc)
			}
			if errs := c.Validate(); len(errs) != 0 {
				t.Errorf("derived scenario invalid: %v", errs)
			}
		})
	}
}

func TestDeriveStagesHoldTarget(t *testing.T) {
	t.Parallel()
	o := Options{VUs: Some[int64](3), Stages: Some([]scenario.Stage{
		scenario.Stage{Duration: scenario.Duration(time.Minute)}.WithoutTarget(),
		{Duration: scenario.Duration(time.Minute), Target: 8},
		scenario.Stage{Duration: scenario.Duration(time.Minute)}.WithoutTarget(),
	})}
	got, _, err := o.DeriveScenarios()
	if err != nil {
		t.Fatal(err)
	}
	r := got["default"].(*scenario.RampingVUs)
	if r.StartVUs != 3 || r.Stages[0].Target != 3 || r.Stages[2].Target != 8 || !r.Stages[2].HasTarget() {
		t.Errorf("stages %v", r.Stages)
	}
}

func TestDeriveAfterMergeCLIDurationWinsOverScriptScenarios(t *testing.T) {
	t.Parallel()
	script := mustScript(t, `{"scenarios":{"s":{"executor":"constant-vus","duration":"1m"}}}`)
	o, _, err := parseFlags(t, "-d", "10s", "-u", "3")
	if err != nil {
		t.Fatal(err)
	}
	got, _, err := Merge(script, o).DeriveScenarios()
	if err != nil {
		t.Fatal(err)
	}
	if c, ok := got["default"]; !ok || len(got) != 1 || c.Description() != "3 looping VUs for 10s (gracefulStop: 30s)" {
		t.Errorf("got %v", got)
	}
}
