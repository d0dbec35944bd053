package scenario

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustParse(t *testing.T, name, raw string) Config {
	t.Helper()
	c, err := Parse(name, []byte(raw))
	if err != nil {
		t.Fatalf("Parse(%s): %v", raw, err)
	}
	return c
}

func TestDescription(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw, want string
	}{
		{"per-vu default", `{"executor":"per-vu-iterations"}`,
			"1 iterations for each of 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"},
		{"shared", `{"executor":"shared-iterations","vus":10,"iterations":200,"maxDuration":"1m"}`,
			"200 iterations shared among 10 VUs (maxDuration: 1m0s, gracefulStop: 30s)"},
		{"constant-vus", `{"executor":"constant-vus","vus":10,"duration":"30s"}`,
			"10 looping VUs for 30s (gracefulStop: 30s)"},
		{"constant-vus all suffixes", `{"executor":"constant-vus","vus":2,"duration":"1m","exec":"login","startTime":"10s","gracefulStop":"5s"}`,
			"2 looping VUs for 1m0s (exec: login, startTime: 10s, gracefulStop: 5s)"},
		{"explicit exec default is not shown", `{"executor":"constant-vus","duration":"1m","exec":"default"}`,
			"1 looping VUs for 1m0s (gracefulStop: 30s)"},
		{"gracefulStop 0 hidden", `{"executor":"constant-vus","duration":"1m","gracefulStop":0}`,
			"1 looping VUs for 1m0s"},
		{"ramping-vus", `{"executor":"ramping-vus","stages":[{"duration":"30s","target":20},{"duration":"3m","target":10},{"duration":"10s","target":0}]}`,
			"Up to 20 looping VUs for 3m40s over 3 stages (gracefulRampDown: 30s, gracefulStop: 30s)"},
		{"ramping-vus startVUs peak", `{"executor":"ramping-vus","startVUs":50,"stages":[{"duration":"1m","target":0}],"gracefulRampDown":"0s"}`,
			"Up to 50 looping VUs for 1m0s over 1 stages (gracefulRampDown: 0s, gracefulStop: 30s)"},
		{"constant-arrival-rate range", `{"executor":"constant-arrival-rate","rate":50,"duration":"1m","preAllocatedVUs":10,"maxVUs":100}`,
			"50.00 iterations/s for 1m0s (maxVUs: 10-100, gracefulStop: 30s)"},
		{"constant-arrival-rate single", `{"executor":"constant-arrival-rate","rate":1,"timeUnit":"1m","duration":"10m","preAllocatedVUs":3}`,
			"0.02 iterations/s for 10m0s (maxVUs: 3, gracefulStop: 30s)"},
		{"ramping-arrival-rate", `{"executor":"ramping-arrival-rate","startRate":5,"timeUnit":"500ms","stages":[{"duration":"1m","target":30},{"duration":"30s","target":0}],"preAllocatedVUs":20,"maxVUs":40}`,
			"Up to 60.00 iterations/s for 1m30s over 2 stages (maxVUs: 20-40, gracefulStop: 30s)"},
		{"externally-controlled", `{"executor":"externally-controlled","vus":5,"maxVUs":20,"duration":"10m"}`,
			"Externally controlled execution with 5 VUs, 20 max VUs, 10m0s duration"},
		{"externally-controlled infinite", `{"executor":"externally-controlled","vus":5,"duration":0}`,
			"Externally controlled execution with 5 VUs, 5 max VUs, infinite duration"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustParse(t, "s", tt.raw)
			if got := c.Description(); got != tt.want {
				t.Errorf("Description()\n got: %s\nwant: %s", got, tt.want)
			}
		})
	}
}

func TestDescriptionOfGoBuiltConfigs(t *testing.T) {
	t.Parallel()
	c := NewConstantVUs("x")
	c.VUs, c.Duration = 3, Duration(time.Minute)
	if got, want := c.Description(), "3 looping VUs for 1m0s (gracefulStop: 30s)"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	c.Exec = "other"
	if got, want := c.Description(), "3 looping VUs for 1m0s (exec: other, gracefulStop: 30s)"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

func errStrings(errs []error) []string {
	out := make([]string, len(errs))
	for i, e := range errs {
		out[i] = e.Error()
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, scenario, raw string
		want                []string
	}{
		{"valid constant-vus", "ok", `{"executor":"constant-vus","vus":1,"duration":"1s"}`, nil},
		{"bad name", "bad name!", `{"executor":"constant-vus","duration":"1m"}`,
			[]string{"scenarios.bad name!: the executor name should contain only numbers, latin letters, underscores, and dashes"}},
		{"common fields", "c", `{"executor":"constant-vus","duration":"1m","exec":"","startTime":"-1s","gracefulStop":"-1s"}`,
			[]string{"scenarios.c.exec: exec value cannot be empty", "scenarios.c.startTime: the startTime can't be negative",
				"scenarios.c.gracefulStop: the gracefulStop timeout can't be negative"}},
		{"shared vus", "s", `{"executor":"shared-iterations","vus":0}`,
			[]string{"scenarios.s.vus: the number of VUs should be more than 0"}},
		{"shared iterations < vus", "s", `{"executor":"shared-iterations","vus":10,"iterations":5,"maxDuration":"500ms"}`,
			[]string{"scenarios.s.iterations: the number of iterations (5) shouldn't be less than the number of VUs (10)",
				"scenarios.s.maxDuration: the maxDuration should be at least 1s, but is 500ms"}},
		{"per-vu", "p", `{"executor":"per-vu-iterations","vus":-1,"iterations":0}`,
			[]string{"scenarios.p.vus: the number of VUs should be more than 0",
				"scenarios.p.iterations: the number of iterations should be more than 0"}},
		{"constant-vus no duration", "c", `{"executor":"constant-vus","vus":0}`,
			[]string{"scenarios.c.vus: the number of VUs should be more than 0", "scenarios.c.duration: the duration is unspecified"}},
		{"constant-vus short duration", "c", `{"executor":"constant-vus","duration":"999ms"}`,
			[]string{"scenarios.c.duration: the duration should be at least 1s, but is 999ms"}},
		{"ramping no stages", "r", `{"executor":"ramping-vus","startVUs":-1,"gracefulRampDown":"-1s"}`,
			[]string{"scenarios.r.startVUs: the number of start VUs shouldn't be negative",
				"scenarios.r.gracefulRampDown: the gracefulRampDown timeout can't be negative",
				"scenarios.r.stages: at least one stage has to be specified"}},
		{"ramping stage problems", "r", `{"executor":"ramping-vus","stages":[{"target":1},{"duration":"1s"},{"duration":"-1s","target":-2}]}`,
			[]string{"scenarios.r.stages[0].duration: stage 1 doesn't have a duration",
				"scenarios.r.stages[1].target: stage 2 doesn't have a target",
				"scenarios.r.stages[2].duration: the duration for stage 3 shouldn't be negative",
				"scenarios.r.stages[2].target: the target for stage 3 shouldn't be negative"}},
		{"ramping all zero", "r", `{"executor":"ramping-vus","startVUs":0,"stages":[{"duration":"1s","target":0}]}`,
			[]string{"scenarios.r: either startVUs or one of the stages' target values should be greater than 0"}},
		{"car missing", "a", `{"executor":"constant-arrival-rate"}`,
			[]string{"scenarios.a.rate: the iteration rate isn't specified", "scenarios.a.duration: the duration is unspecified",
				"scenarios.a.preAllocatedVUs: the number of preAllocatedVUs isn't specified"}},
		{"car bad", "a", `{"executor":"constant-arrival-rate","rate":0,"timeUnit":"0s","duration":"1m","preAllocatedVUs":-1,"maxVUs":-5}`,
			[]string{"scenarios.a.rate: the iteration rate should be more than 0", "scenarios.a.timeUnit: the timeUnit should be more than 0",
				"scenarios.a.preAllocatedVUs: the number of preAllocatedVUs shouldn't be negative",
				"scenarios.a.maxVUs: maxVUs shouldn't be less than preAllocatedVUs"}},
		{"rar bad", "a", `{"executor":"ramping-arrival-rate","startRate":-1,"preAllocatedVUs":10,"maxVUs":5}`,
			[]string{"scenarios.a.startRate: the startRate value shouldn't be negative",
				"scenarios.a.stages: at least one stage has to be specified",
				"scenarios.a.maxVUs: maxVUs shouldn't be less than preAllocatedVUs"}},
		{"externally", "e", `{"executor":"externally-controlled","vus":10,"maxVUs":5,"gracefulStop":"1s"}`,
			[]string{"scenarios.e.gracefulStop: gracefulStop is not supported by the externally-controlled executor",
				"scenarios.e.maxVUs: the number of active VUs (10) must be less than or equal to the number of maxVUs (5)",
				"scenarios.e.duration: the duration should be specified, for infinite duration use 0"}},
		{"externally negative", "e", `{"executor":"externally-controlled","vus":-1,"duration":"-1s"}`,
			[]string{"scenarios.e.vus: the number of VUs shouldn't be negative",
				"scenarios.e.duration: the duration shouldn't be negative, for infinite duration use 0"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustParse(t, tt.scenario, tt.raw)
			got := errStrings(c.Validate())
			if !slices.Equal(got, tt.want) {
				t.Errorf("Validate()\n got: %q\nwant: %q", got, tt.want)
			}
		})
	}
}

func TestValidateEmptyName(t *testing.T) {
	t.Parallel()
	c := NewConstantVUs("")
	c.Duration = Duration(time.Minute)
	got := errStrings(c.Validate())
	if len(got) != 2 || got[0] != "scenarios: executor name can't be empty" {
		t.Errorf("got %q", got)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ raw, want string }{
		{`{"executor":"nope"}`, `scenario "x": unknown executor type "nope"`},
		{`{"vus":1}`, `scenario "x": missing or empty type field`},
		{`{"executor":""}`, `scenario "x": missing or empty type field`},
		{`{"executor":1}`, `scenario "x": executor: expected a string, got 1`},
		{`[]`, `scenario "x": expected a JSON object`},
		{`null`, `scenario "x": expected a JSON object, got null`},
		{`{"executor":"constant-vus","vu":1}`, `scenario "x": unknown field "vu" for executor constant-vus`},
		{`{"executor":"constant-vus","vus":"1"}`, `scenario "x": vus: expected an integer, got "1"`},
		{`{"executor":"constant-vus","vus":1.5}`, `scenario "x": vus: expected an integer, got 1.5`},
		{`{"executor":"constant-vus","duration":"2x"}`, `scenario "x": duration: invalid duration "2x": unknown unit`},
		{`{"executor":"ramping-vus","stages":[{"duration":"1s","target":1},{"duration":"x"}]}`, `scenario "x": stages[1]: duration: invalid duration "x"`},
		{`{"executor":"ramping-vus","stages":{}}`, `scenario "x": stages: expected an array of stages`},
		{`{"executor":"constant-vus","env":{"a":1}}`, `scenario "x": env: expected an object of strings`},
	}
	for _, tt := range tests {
		t.Run(tt.raw, func(t *testing.T) {
			t.Parallel()
			_, err := Parse("x", []byte(tt.raw))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("Parse error = %v, want prefix %q", err, tt.want)
			}
		})
	}
}

func TestParseDefaultsAndFields(t *testing.T) {
	t.Parallel()
	c := mustParse(t, "x", `{"executor":"shared-iterations","env":{"A":"1"},"tags":{"t":"v"},"vus":1e1,"iterations":20.0,"startTime":1500}`)
	si := c.(*SharedIterations)
	if si.VUs != 10 || si.Iterations != 20 || si.MaxDuration.D() != 10*time.Minute || si.GracefulStop.D() != 30*time.Second ||
		si.StartTime.D() != 1500*time.Millisecond || si.Env["A"] != "1" || si.Tags["t"] != "v" || si.ExecName() != "default" || si.Name != "x" {
		t.Errorf("unexpected config %+v", si)
	}
	car := mustParse(t, "y", `{"executor":"constant-arrival-rate","rate":5,"duration":"1m","preAllocatedVUs":7}`).(*ConstantArrivalRate)
	if car.MaxVUs != 7 || car.TimeUnit.D() != time.Second {
		t.Errorf("maxVUs/timeUnit defaults: %+v", car)
	}
	rar := mustParse(t, "y", `{"executor":"ramping-arrival-rate","stages":[{"duration":"1m","target":1}],"preAllocatedVUs":2}`).(*RampingArrivalRate)
	if rar.MaxVUs != 2 || rar.StartRate != 0 {
		t.Errorf("ramping-arrival-rate defaults: %+v", rar)
	}
	rv := mustParse(t, "z", `{"executor":"ramping-vus","stages":[{"duration":"1m","target":1}]}`).(*RampingVUs)
	if rv.StartVUs != 1 || rv.GracefulRampDown.D() != 30*time.Second {
		t.Errorf("ramping-vus defaults: %+v", rv)
	}
	ec := mustParse(t, "z", `{"executor":"externally-controlled","duration":"1m"}`).(*ExternallyControlled)
	if ec.GracefulStop != 0 || ec.MaxVUs != 0 {
		t.Errorf("externally-controlled defaults: %+v", ec)
	}
	if errs := ec.Validate(); len(errs) != 0 {
		t.Errorf("unexpected errors %v", errs)
	}
}

func TestConfigJSONRoundTrip(t *testing.T) {
	t.Parallel()
	raws := []string{
		`{"executor":"per-vu-iterations","vus":2,"iterations":3,"exec":"f","env":{"a":"b"}}`,
		`{"executor":"ramping-vus","startVUs":0,"stages":[{"duration":"10s","target":5}],"gracefulRampDown":"1s"}`,
		`{"executor":"constant-arrival-rate","rate":5,"timeUnit":"1m","duration":"1m","preAllocatedVUs":1,"maxVUs":3}`,
		`{"executor":"ramping-arrival-rate","startRate":1,"stages":[{"duration":"10s","target":5}],"preAllocatedVUs":1}`,
		`{"executor":"externally-controlled","vus":1,"maxVUs":3,"duration":"1m"}`,
		`{"executor":"shared-iterations","vus":2,"iterations":3,"maxDuration":"20s","startTime":"1s","gracefulStop":"2s"}`,
		`{"executor":"constant-vus","vus":2,"duration":"20s","tags":{"x":"y"}}`,
	}
	for _, raw := range raws {
		c1 := mustParse(t, "n", raw)
		b, err := json.Marshal(c1)
		if err != nil {
			t.Fatal(err)
		}
		c2 := mustParse(t, "n", string(b))
		if c1.Description() != c2.Description() || c1.PeakVUs() != c2.PeakVUs() || c1.PlannedDuration() != c2.PlannedDuration() {
			t.Errorf("round trip changed %s -> %s", raw, b)
		}
	}
}

func TestPeakVUsAndPlannedDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, raw string
		vus       int64
		dur       time.Duration
	}{
		{"per-vu", `{"executor":"per-vu-iterations","vus":3}`, 3, 10*time.Minute + 30*time.Second},
		{"shared", `{"executor":"shared-iterations","vus":3,"iterations":3,"maxDuration":"1m","gracefulStop":"0s"}`, 3, time.Minute},
		{"constant", `{"executor":"constant-vus","vus":10,"duration":"30s"}`, 10, time.Minute},
		// k6's own example: ramps to 0 at 2m20s, graceful ramp-down reserved until end+gracefulStop.
		{"ramping to zero", `{"executor":"ramping-vus","startVUs":0,"stages":[{"duration":"30s","target":20},{"duration":"1m30s","target":10},{"duration":"20s","target":0}]}`,
			20, 2*time.Minute + 50*time.Second},
		{"ramping to zero short rampdown", `{"executor":"ramping-vus","stages":[{"duration":"30s","target":20},{"duration":"20s","target":0}],"gracefulRampDown":"5s"}`,
			20, 55 * time.Second},
		{"ramping to zero no rampdown", `{"executor":"ramping-vus","stages":[{"duration":"30s","target":20},{"duration":"20s","target":0}],"gracefulRampDown":"0s"}`,
			20, 50 * time.Second},
		{"ramping zero early", `{"executor":"ramping-vus","stages":[{"duration":"10s","target":0},{"duration":"1m","target":0}],"gracefulRampDown":"5s"}`,
			1, 15 * time.Second},
		{"ramping ends high", `{"executor":"ramping-vus","stages":[{"duration":"10s","target":5}],"gracefulStop":"3s"}`,
			5, 13 * time.Second},
		{"car", `{"executor":"constant-arrival-rate","rate":1,"duration":"1m","preAllocatedVUs":2,"maxVUs":9}`, 9, 90 * time.Second},
		{"rar", `{"executor":"ramping-arrival-rate","stages":[{"duration":"1m","target":1},{"duration":"1m","target":1}],"preAllocatedVUs":4}`, 4, 150 * time.Second},
		{"ext", `{"executor":"externally-controlled","vus":1,"maxVUs":4,"duration":"1m"}`, 4, time.Minute},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustParse(t, "n", tt.raw)
			if c.PeakVUs() != tt.vus || c.PlannedDuration() != tt.dur {
				t.Errorf("PeakVUs, PlannedDuration = %d, %v; want %d, %v", c.PeakVUs(), c.PlannedDuration(), tt.vus, tt.dur)
			}
		})
	}
}

func TestSorted(t *testing.T) {
	t.Parallel()
	scs, err := ParseScenarios([]byte(`{
		"b":{"executor":"constant-vus","duration":"1m"},
		"a":{"executor":"constant-vus","duration":"1m","startTime":"10s"},
		"c":{"executor":"constant-vus","duration":"1m"}}`))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, c := range scs.Sorted() {
		names = append(names, c.Base().Name)
	}
	if !slices.Equal(names, []string{"b", "c", "a"}) {
		t.Errorf("order %v", names)
	}
	b, _ := json.Marshal(scs)
	if !strings.HasPrefix(string(b), `{"a":{"executor":"constant-vus"`) {
		t.Errorf("marshal not sorted: %s", b)
	}
	if _, err := ParseScenarios([]byte(`{"a":{"executor":"x"}}`)); err == nil {
		t.Error("want error for unknown executor")
	}
	if errs := scs.Validate(); len(errs) != 0 {
		t.Errorf("unexpected errors %v", errs)
	}
}
