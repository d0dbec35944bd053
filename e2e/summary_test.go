package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// defaultSummaryLine appears in every default text summary.
const defaultSummaryLine = "iterations...."

func readFile(t *testing.T, p string) string {
	t.Helper()
	data, err := os.ReadFile(p)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

func TestHandleSummaryOutputs(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "summary.json")
	r := stampede(t, runOpts{env: map[string]string{"OUT": out}}, "run", "-q", "--summary-export={export}", "summary_handle.js")
	r.wantCode(t, 0)
	r.wantOut(t, "custom stdout: vu=0 iterations=2 checks=2 status=200\n")
	r.wantErr(t, "custom stderr\n")
	if strings.Contains(r.stdout, defaultSummaryLine) {
		t.Errorf("the default summary was printed too:\n%s", r.stdout)
	}
	if got := readFile(t, out); got != `{"thresholdOK":true}` {
		t.Errorf("file = %q", got)
	}
	// --summary-export is written even though handleSummary is defined.
	if r.export == nil || r.export.metric(t, "iterations", "count") != 2 {
		t.Errorf("summary export missing or wrong: %+v", r.export)
	}
}

func TestHandleSummaryNullPrintsNothing(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "-q", "summary_null.js")
	r.wantCode(t, 0)
	if strings.Contains(r.stdout, defaultSummaryLine) || strings.Contains(r.stdout, "✓") {
		t.Errorf("something was printed:\n%s", r.stdout)
	}
}

func TestHandleSummaryThrowFallsBack(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "-q", "summary_throw.js")
	r.wantCode(t, 0)
	r.wantOut(t, defaultSummaryLine)
	r.wantErr(t, `handleSummary() failed with error "Error: summary went wrong", falling back to the default summary`)
}

func TestHandleSummaryBadValue(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "-q", "summary_bad.js")
	r.wantCode(t, 0)
	r.wantErr(t, "failed to handle the end-of-test summary", "error handling summary object count.txt")
	if strings.Contains(r.stdout, "never printed") || strings.Contains(r.stdout, defaultSummaryLine) {
		t.Errorf("output despite the error:\n%s", r.stdout)
	}
}

func TestJSLibSummary(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	r := stampede(t, runOpts{env: map[string]string{"OUT": dir}}, "run", "-q", "summary_jslib.js")
	r.wantCode(t, 99) // avg<0 fails
	jslib, def := readFile(t, filepath.Join(dir, "jslib.txt")), readFile(t, filepath.Join(dir, "default.txt"))
	if jslib != def {
		t.Errorf("textSummary differs from the default summary:\n%s\ndefault:\n%s", jslib, def)
	}
	for _, want := range []string{"✓ always true", "✓ checks", "✗ iteration_duration", defaultSummaryLine} {
		if !strings.Contains(jslib, want) {
			t.Errorf("textSummary lacks %q:\n%s", want, jslib)
		}
	}
	r.wantOut(t, "✓ always true")
	junit := readFile(t, filepath.Join(dir, "junit.xml"))
	for _, want := range []string{
		`<testsuites tests="3" failures="1">`,
		`<testsuite name="k6 thresholds" tests="3" failures="1">`,
		`<testcase name="checks - rate==1" />`,
		`<testcase name="iteration_duration - avg&lt;0"><failure message="failed" /></testcase>`,
		`<testcase name="iteration_duration - max&lt;60000" />`,
	} {
		if !strings.Contains(junit, want) {
			t.Errorf("jUnit lacks %q:\n%s", want, junit)
		}
	}
}

func TestJSLibUtils(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "-q", "--summary-export={export}", "summary_utils.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	if len(checks) != 8 {
		t.Errorf("got %d checks, want 8: %v", len(checks), checks)
	}
	for name, c := range checks {
		if c.Passes != 1 || c.Fails != 0 {
			t.Errorf("check %s: %+v", name, c)
		}
	}
}

func TestNoSummarySkipsHandleSummary(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "out.txt")
	r := stampede(t, runOpts{env: map[string]string{"OUT": out}}, "run", "-q", "--no-summary", "summary_no_summary.js")
	r.wantCode(t, 0)
	if strings.Contains(r.stdout, "handleSummary ran") || strings.Contains(r.stdout, defaultSummaryLine) {
		t.Errorf("a summary was printed:\n%s", r.stdout)
	}
	if _, err := os.Stat(out); !os.IsNotExist(err) {
		t.Errorf("handleSummary's file exists (err %v)", err)
	}
	// Without the flag it runs.
	r = stampede(t, runOpts{env: map[string]string{"OUT": out}}, "run", "-q", "summary_no_summary.js")
	r.wantOut(t, "handleSummary ran")
	if readFile(t, out) != "written" {
		t.Error("handleSummary's file not written")
	}
}
