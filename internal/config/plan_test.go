package config

import (
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

func TestPlanSummary(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		js   string
		vus  int64
		dur  time.Duration
	}{
		{"default run", `{}`, 1, 10*time.Minute + 30*time.Second},
		{"constant-vus", `{"vus":10,"duration":"30s"}`, 10, time.Minute},
		{"ramping", `{"stages":[{"duration":"30s","target":20},{"duration":"3m","target":10},{"duration":"10s","target":0}]}`,
			20, 4*time.Minute + 10*time.Second},
		{"overlapping scenarios add up", `{"scenarios":{
			"a":{"executor":"constant-vus","vus":10,"duration":"1m"},
			"b":{"executor":"constant-vus","vus":5,"duration":"1m","startTime":"30s"}}}`, 15, 2 * time.Minute},
		{"sequential scenarios reuse VUs", `{"scenarios":{
			"a":{"executor":"constant-vus","vus":10,"duration":"30s","gracefulStop":"0s"},
			"b":{"executor":"constant-vus","vus":5,"duration":"1m","startTime":"30s"}}}`, 10, 2 * time.Minute},
		{"graceful stop keeps VUs", `{"scenarios":{
			"a":{"executor":"constant-vus","vus":10,"duration":"30s"},
			"b":{"executor":"constant-vus","vus":5,"duration":"1m","startTime":"30s"}}}`, 15, 2 * time.Minute},
		{"arrival rate max", `{"scenarios":{"a":{"executor":"constant-arrival-rate","rate":10,"duration":"1m","preAllocatedVUs":10,"maxVUs":100}}}`,
			100, 90 * time.Second},
		{"rounded to 100ms", `{"scenarios":{"a":{"executor":"constant-vus","duration":"1.23456s","gracefulStop":"0s"}}}`,
			1, 1200 * time.Millisecond},
		{"infinite externally-controlled", `{"scenarios":{
			"e":{"executor":"externally-controlled","vus":2,"maxVUs":7,"duration":0},
			"a":{"executor":"constant-vus","vus":3,"duration":"10s","startTime":"1h"}}}`, 10, time.Hour + 40*time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			scs, _, err := Merge(mustScript(t, tt.js)).DeriveScenarios()
			if err != nil {
				t.Fatal(err)
			}
			vus, d := PlanSummary(scs)
			if vus != tt.vus || d != tt.dur {
				t.Errorf("PlanSummary = %d, %v; want %d, %v", vus, d, tt.vus, tt.dur)
			}
		})
	}
	if vus, d := PlanSummary(map[string]scenario.Config{}); vus != 0 || d != 0 {
		t.Errorf("empty plan %d %v", vus, d)
	}
}

func TestInitialVUs(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		name string
		js   string
		want int64
	}{
		{"looping VUs are all initialised", `{"vus":10,"duration":"30s"}`, 10},
		{"arrival rate counts preAllocatedVUs", `{"scenarios":{
			"a":{"executor":"constant-arrival-rate","rate":10,"duration":"1m","preAllocatedVUs":10,"maxVUs":100}}}`, 10},
		{"ramping arrival rate too", `{"scenarios":{
			"a":{"executor":"ramping-arrival-rate","stages":[{"duration":"10s","target":5}],"preAllocatedVUs":3,"maxVUs":50},
			"b":{"executor":"constant-vus","vus":4,"duration":"10s"}}}`, 7},
	} {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			scs, _, err := Merge(mustScript(t, tt.js)).DeriveScenarios()
			if err != nil {
				t.Fatal(err)
			}
			if got := InitialVUs(scs); got != tt.want {
				t.Errorf("InitialVUs = %d, want %d", got, tt.want)
			}
		})
	}
}
