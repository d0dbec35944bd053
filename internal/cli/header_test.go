package cli

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stampede-load/stampede/internal/config"
	"github.com/stampede-load/stampede/internal/scenario"
)

// TestExecutionHeader renders the execution description (spec §6.1) for
// every executor type and a few multi-scenario plans, and compares the
// result with testdata/header.golden (go test -run TestExecutionHeader -update).
func TestExecutionHeader(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name, script, segment, scenarios string
	}{
		{
			name: "no options (1 iteration for 1 VU)", script: "script.js",
			scenarios: `{"default": {"executor": "per-vu-iterations", "vus": 1, "iterations": 1}}`,
		},
		{
			name: "shared-iterations", script: "script.js",
			scenarios: `{"default": {"executor": "shared-iterations", "vus": 10, "iterations": 200, "maxDuration": "30s"}}`,
		},
		{
			name: "per-vu-iterations", script: "tests/load.js",
			scenarios: `{"per_vu": {"executor": "per-vu-iterations", "vus": 5, "iterations": 20, "gracefulStop": "5s"}}`,
		},
		{
			name: "constant-vus", script: "script.js",
			scenarios: `{"default": {"executor": "constant-vus", "vus": 10, "duration": "30s"}}`,
		},
		{
			name: "ramping-vus", script: "script.js",
			scenarios: `{"default": {"executor": "ramping-vus", "startVUs": 0, "stages": [
				{"duration": "1m", "target": 20}, {"duration": "2m", "target": 20}, {"duration": "40s", "target": 0}]}}`,
		},
		{
			name: "ramping-vus with gracefulRampDown", script: "script.js",
			scenarios: `{"ramp": {"executor": "ramping-vus", "startVUs": 3, "gracefulRampDown": "0s", "stages": [
				{"duration": "10s", "target": 5}]}}`,
		},
		{
			name: "constant-arrival-rate", script: "script.js",
			scenarios: `{"car": {"executor": "constant-arrival-rate", "rate": 50, "timeUnit": "1s", "duration": "1m",
				"preAllocatedVUs": 10, "maxVUs": 100}}`,
		},
		{
			name: "constant-arrival-rate per minute", script: "script.js",
			scenarios: `{"car": {"executor": "constant-arrival-rate", "rate": 30, "timeUnit": "1m", "duration": "5m",
				"preAllocatedVUs": 2}}`,
		},
		{
			name: "ramping-arrival-rate", script: "script.js",
			scenarios: `{"rar": {"executor": "ramping-arrival-rate", "startRate": 10, "timeUnit": "1s",
				"preAllocatedVUs": 5, "maxVUs": 50, "stages": [{"duration": "30s", "target": 100}, {"duration": "1m", "target": 100},
				{"duration": "30s", "target": 0}]}}`,
		},
		{
			name: "externally-controlled", script: "script.js",
			scenarios: `{"ext": {"executor": "externally-controlled", "vus": 5, "maxVUs": 10, "duration": "10m"}}`,
		},
		{
			name: "several scenarios, ordered by startTime then name", script: "-",
			scenarios: `{
				"zeta":  {"executor": "constant-vus", "vus": 2, "duration": "10s", "exec": "browse"},
				"alpha": {"executor": "constant-vus", "vus": 3, "duration": "10s", "gracefulStop": "0s"},
				"later": {"executor": "shared-iterations", "vus": 4, "iterations": 8, "startTime": "15s", "exec": "buy",
					"env": {"X": "1"}, "tags": {"t": "v"}},
				"last":  {"executor": "per-vu-iterations", "vus": 1, "iterations": 1, "startTime": "1m30s"}
			}`,
		},
		{
			name: "VUs reused by scenarios that do not overlap", script: "script.js",
			scenarios: `{
				"first":  {"executor": "constant-vus", "vus": 10, "duration": "10s", "gracefulStop": "0s"},
				"second": {"executor": "constant-vus", "vus": 6, "duration": "10s", "startTime": "10s"}
			}`,
		},
		{
			name: "execution segment", script: "script.js", segment: "0:1/3",
			scenarios: `{"default": {"executor": "constant-vus", "vus": 9, "duration": "30s"}}`,
		},
		{
			name: "percentage segment", script: "script.js", segment: "50%:100%",
			scenarios: `{"default": {"executor": "shared-iterations", "vus": 2, "iterations": 10}}`,
		},
	}

	var got bytes.Buffer
	for _, tc := range cases {
		scs, err := scenario.ParseScenarios([]byte(tc.scenarios))
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if errs := scs.Validate(); len(errs) > 0 {
			t.Fatalf("%s: invalid scenarios: %v", tc.name, errs)
		}
		maxVUs, maxDur := config.PlanSummary(scs)
		fmt.Fprintf(&got, "=== %s\n", tc.name)
		got.WriteString(executionHeader(tc.script, "-", tc.segment, scs.Sorted(), maxVUs, maxDur))
	}

	golden := filepath.Join("testdata", "header.golden")
	if *update {
		if err := os.WriteFile(golden, got.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run with -update to create it)", err)
	}
	if !bytes.Equal(got.Bytes(), want) {
		t.Errorf("header differs from %s (run with -update if the change is intended):\n%s", golden,
			lineDiff(string(want), got.String()))
	}
}

// lineDiff lists the lines that differ, for a readable failure.
func lineDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	var b strings.Builder
	for i := range max(len(w), len(g)) {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl {
			fmt.Fprintf(&b, "line %d:\n  want %q\n   got %q\n", i+1, wl, gl)
		}
	}
	return b.String()
}
