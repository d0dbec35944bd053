package e2e

import (
	"strings"
	"testing"
	"time"
)

func TestBasicRun(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "basic.js")
	r.wantCode(t, 0)
	r.wantOut(t, "execution: local", "script: basic.js",
		"* default: 10 iterations shared among 2 VUs (maxDuration: 10m0s, gracefulStop: 30s)",
		"✓ status is 200", "█ second", "✓ form posted", "http_req_duration", "{ expected_response:true }")
	c := r.checks(t)
	if c["::status is 200"].Passes != 10 || c["::second::form posted"].Passes != 10 || c["::vu echoed"].Fails != 0 {
		t.Errorf("checks = %+v", c)
	}
	if got := r.export.metric(t, "http_reqs", "count"); got != 20 {
		t.Errorf("http_reqs = %v, want 20", got)
	}
	if got := r.export.metric(t, "iterations", "count"); got != 10 {
		t.Errorf("iterations = %v, want 10", got)
	}
	if got := r.export.metric(t, "checks", "value"); got != 1 {
		t.Errorf("checks rate = %v", got)
	}
	if r.export.metric(t, "data_received", "count") <= 0 || r.export.metric(t, "data_sent", "count") <= 0 {
		t.Error("data metrics not counted")
	}
	th := r.export.Metrics["http_req_duration"]["thresholds"].(map[string]any)
	if th["p(95)<5000"] != false {
		t.Errorf("thresholds = %v (false means passed)", th)
	}
}

func TestThresholdsFailExit99(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "thresholds_fail.js")
	r.wantCode(t, 99)
	r.wantOut(t, "✗ http_req_duration", "✓ http_reqs")
	r.wantErr(t, "some thresholds have failed")
	th := r.export.Metrics["http_req_duration"]["thresholds"].(map[string]any)
	if th["p(95)<0.0001"] != true || th["avg<10000"] != false {
		t.Errorf("thresholds = %v", th)
	}
	if _, ok := r.export.Metrics["http_req_duration{name:never}"]; ok {
		t.Error("a sub-metric without samples must not appear")
	}
}

func TestNoThresholds(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--no-thresholds", "thresholds_fail.js")
	r.wantCode(t, 0)
}

func TestAbortOnFail(t *testing.T) {
	t.Parallel()
	start := time.Now()
	r := stampede(t, runOpts{}, "run", "-q", "abort_on_fail.js")
	r.wantCode(t, 99)
	if el := time.Since(start); el > 20*time.Second {
		t.Errorf("abortOnFail did not stop the 30s test early (took %v)", el)
	}
	r.wantErr(t, "teardown ran")
}

func TestScriptErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		script string
		code   int
		stderr []string
	}{
		{"init_exception.js", 107, []string{"Error: broken in init", "init_exception.js:2:", "script exception"}},
		{"syntax_error.js", 255, []string{"syntax_error.js:2:11", "Unexpected"}},
		{"http_init.js", 107, []string{"Making http requests in the init context is not supported"}},
		{"remote_module.js", 107, []string{`cannot load remote module "https://example.com/lib/1.0.0/index.js"`}},
		{"setup_timeout.js", 100, []string{"setup() execution timed out after 1 seconds", "setupTimeout"}},
		{"does_not_exist.js", 255, []string{`the script "does_not_exist.js" does not exist`}},
	} {
		t.Run(tc.script, func(t *testing.T) {
			t.Parallel()
			r := stampede(t, runOpts{}, "run", "-q", tc.script)
			r.wantCode(t, tc.code)
			r.wantErr(t, tc.stderr...)
		})
	}
}

func TestIterationExceptionsAreLoggedAndCounted(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "iteration_exception.js")
	r.wantCode(t, 0)
	r.wantErr(t, "odd iteration 1", "odd iteration 3", "iteration_exception.js:8:")
	if got := r.export.metric(t, "iterations", "count"); got != 4 {
		t.Errorf("iterations = %v", got)
	}
}

func TestOpenOutsideInit(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "-q", "open_in_vu.js")
	r.wantCode(t, 0)
	r.wantErr(t, `The "open()" function is only available in the init stage`)
}

func TestCustomMetrics(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "custom_metrics.js")
	r.wantCode(t, 0)
	r.wantOut(t, "✓ my_counter", "✓ my_trend", "✓ { kind:even }", "my_time")
	if got := r.export.metric(t, "my_trend{kind:even}", "max"); got != 8 {
		t.Errorf("sub-metric max = %v", got)
	}
	if got := r.export.metric(t, "my_gauge", "value"); got != 9 {
		t.Errorf("gauge = %v", got)
	}
}

func TestLifecycleAndSetupData(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "lifecycle.js")
	r.wantCode(t, 0)
	c := r.checks(t)
	if c["::setup::setup runs as VU 0"].Passes != 1 || c["::data copied"].Passes != 4 || c["::data copied"].Fails != 0 ||
		c["::teardown::teardown gets the original"].Passes != 1 {
		t.Errorf("checks = %+v", c)
	}
}

func TestStagesShortcut(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "stages.js")
	r.wantCode(t, 0)
	r.wantOut(t, "Up to 3 looping VUs for 2s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)")
	if got := r.export.metric(t, "iterations", "count"); got < 5 {
		t.Errorf("iterations = %v", got)
	}
}

func TestModules(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "modules.js")
	r.wantCode(t, 0)
	for name, c := range r.checks(t) {
		if c.Fails != 0 || c.Passes != 1 {
			t.Errorf("check %s: %+v", name, c)
		}
	}
}

func TestRandomSeed(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "random_seed.js")
	r.wantCode(t, 0)
	if c := r.checks(t)["::seeded like k6"]; c.Passes != 1 {
		t.Errorf("check = %+v", c)
	}
}

func TestHTTPErrors(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "http_failed.js")
	r.wantCode(t, 0)
	for name, c := range r.checks(t) {
		if c.Fails != 0 {
			t.Errorf("check %s failed", name)
		}
	}
	if got := r.export.metric(t, "http_req_failed", "passes"); got != 2 {
		t.Errorf("http_req_failed passes = %v, want 2 (404 and refused)", got)
	}
	r.wantErr(t, "Request Failed")
}

func TestOptionLayers(t *testing.T) {
	t.Parallel()
	t.Run("flags over script", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{}, "run", "-q", "-i", "3", "-u", "1", "--summary-export={export}", "basic.js")
		r.wantCode(t, 0)
		if got := r.export.metric(t, "iterations", "count"); got != 3 {
			t.Errorf("iterations = %v, want 3", got)
		}
	})
	t.Run("env over script", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{env: map[string]string{"K6_ITERATIONS": "4", "K6_VUS": "1"}}, "run", "-q", "--summary-export={export}", "basic.js")
		r.wantCode(t, 0)
		if got := r.export.metric(t, "iterations", "count"); got != 4 {
			t.Errorf("iterations = %v, want 4", got)
		}
	})
	t.Run("stampede env alias", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{env: map[string]string{"STAMPEDE_ITERATIONS": "2", "K6_VUS": "1"}}, "run", "-q", "--summary-export={export}", "basic.js")
		r.wantCode(t, 0)
		if got := r.export.metric(t, "iterations", "count"); got != 2 {
			t.Errorf("iterations = %v, want 2", got)
		}
	})
	t.Run("config file", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{}, "run", "-q", "-c", "config.json", "--summary-export={export}", "random_seed.js")
		r.wantCode(t, 0)
		r.wantOut(t, "avg=", "p(99)=", "count=")
	})
	t.Run("stdin", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{stdin: "import {check} from 'k6';\nexport default function () { check(1, {'from stdin': () => true}); }\n"},
			"run", "-q", "--summary-export={export}", "-")
		r.wantCode(t, 0)
		r.wantOut(t, "script: -", "✓ from stdin")
	})
	t.Run("env vars", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{env: map[string]string{"FROM_SYSTEM": "sys"}}, "run", "-q", "-e", "FROM_FLAG=yes", "--summary-export={export}", "env.js")
		r.wantCode(t, 0)
		for name, c := range r.checks(t) {
			if c.Fails != 0 {
				t.Errorf("check %s failed", name)
			}
		}
	})
	t.Run("no system env", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{env: map[string]string{"FROM_SYSTEM": "sys"}}, "run", "-q", "--include-system-env-vars=false",
			"-e", "FROM_FLAG=yes", "--summary-export={export}", "env.js")
		r.wantCode(t, 0)
		if c := r.checks(t)["::system env passed"]; c.Fails != 1 {
			t.Errorf("system env leaked: %+v", c)
		}
	})
}

func TestSummaryFlags(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "-q", "--summary-trend-stats=min,max,p(99.9)", "--summary-time-unit=ms", "random_seed.js")
	r.wantCode(t, 0)
	r.wantOut(t, "min=", "p(99.9)=", "ms")
	if strings.Contains(r.stdout, "avg=") {
		t.Error("avg shown despite --summary-trend-stats")
	}
	r = stampede(t, runOpts{}, "run", "-q", "--no-summary", "random_seed.js")
	r.wantCode(t, 0)
	if strings.Contains(r.stdout, "iterations....") {
		t.Error("summary printed despite --no-summary")
	}
}

func TestBadInput(t *testing.T) {
	t.Parallel()
	for name, tc := range map[string]struct {
		args   []string
		code   int
		stderr string
	}{
		"unknown flag":        {[]string{"run", "--nope", "basic.js"}, 255, "unknown flag: --nope"},
		"bad duration":        {[]string{"run", "-d", "2x", "basic.js"}, 255, "2x"},
		"bad threshold":       {[]string{"run", "-q", "bad_threshold.js"}, 104, `invalid threshold "p(95)<<200"`},
		"bad trend stats":     {[]string{"run", "-q", "--summary-trend-stats=avg,p(101)", "basic.js"}, 104, "p(101)"},
		"shortcut conflict":   {[]string{"run", "-q", "conflict.js"}, 104, "simultaneously is not allowed"},
		"missing exec":        {[]string{"run", "-q", "missing_exec.js"}, 104, "function 'nope' not found in exports"},
		"no args":             {[]string{"run"}, 255, "expected exactly one argument"},
		"wrong metric type":   {[]string{"run", "-q", "wrong_agg.js"}, 104, "avg"},
		"bad K6_VUS":          {[]string{"run", "-q", "basic.js"}, 104, "K6_VUS"},
		"missing config file": {[]string{"run", "-q", "-c", "nope.json", "basic.js"}, 255, "nope.json"},
		"bad DNS server":      {[]string{"run", "-q", "basic.js"}, 104, `STAMPEDE_DNS_SERVER: "localhost" is not an ip:port`},
	} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			env := map[string]map[string]string{
				"bad K6_VUS":     {"K6_VUS": "many"},
				"bad DNS server": {"STAMPEDE_DNS_SERVER": "localhost"},
			}[name]
			r := stampede(t, runOpts{env: env}, tc.args...)
			r.wantCode(t, tc.code)
			r.wantErr(t, tc.stderr)
			if strings.Count(strings.TrimSpace(r.stderr), "\n") > 6 {
				t.Errorf("error output is not short:\n%s", r.stderr)
			}
		})
	}
}

func TestInspect(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "inspect", "basic.js")
	r.wantCode(t, 0)
	r.wantOut(t, `"vus": 2`, `"iterations": 10`, `"thresholds"`)
}

func TestVersion(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "version")
	r.wantCode(t, 0)
	r.wantOut(t, "stampede v")
}

func TestDemo(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("the demo takes 10 s")
	}
	r := stampede(t, runOpts{}, "demo", "-q")
	r.wantCode(t, 0)
	r.wantOut(t, "built-in target listening on http://127.0.0.1:", "✓ status is 200", "✓ http_req_duration", "json_time")
}
