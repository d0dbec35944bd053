package e2e

import (
	"maps"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// dataChecks are the checks of data.js: one in setup() and 13 in each of
// the 4 VUs × 3 iterations.
const dataChecks = 14

// TestDataSharedArray runs data.js: SharedArrays filled once per process
// from an open()ed JSON file and read by several VUs, writes ignored, and
// k6 v0.32's error messages.
func TestDataSharedArray(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "data.js")
	r.wantCode(t, 0)
	wantDataChecks(t, r)
	wantFnRanOnce(t, r)
}

// TestDataHandleSummary reads a SharedArray in handleSummary, whose VU is
// created after the test ran.
func TestDataHandleSummary(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "data_summary.js")
	r.wantCode(t, 0)
	r.wantOut(t, "summary sees 6 users, last built by VU 0")
	if got := strings.Count(r.stderr, "SharedArray fn ran: users"); got != 1 {
		t.Errorf("fn ran %d times, want 1\nstderr:\n%s", got, r.stderr)
	}
}

// TestDataArchive archives data.js with its JSON file, deletes both and
// runs the archive: the file travels in the archive and the run is the
// same.
func TestDataArchive(t *testing.T) {
	t.Parallel()
	src := t.TempDir()
	for _, name := range []string{"data.js", "users.json"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, name), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tarPath := filepath.Join(t.TempDir(), "data.tar")
	a := stampede(t, runOpts{}, "archive", "-O", tarPath, filepath.Join(src, "data.js"))
	a.wantCode(t, 0)
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}

	r := stampede(t, runOpts{}, "run", "--summary-export={export}", tarPath)
	r.wantCode(t, 0)
	wantDataChecks(t, r)
	wantFnRanOnce(t, r)

	direct := stampede(t, runOpts{}, "run", "-q", "--summary-export={export}", "data.js")
	direct.wantCode(t, 0)
	if got, want := r.checks(t), direct.checks(t); !maps.Equal(got, want) {
		t.Errorf("checks from the archive %v, from the script %v", got, want)
	}
}

func wantDataChecks(t *testing.T, r result) {
	t.Helper()
	if got := r.export.metric(t, "checks", "passes"); got != (dataChecks-1)*12+1 {
		t.Errorf("%v checks passed, want %d", got, (dataChecks-1)*12+1)
	}
	checks := r.checks(t)
	if len(checks) != dataChecks {
		t.Errorf("%d checks, want %d: %v", len(checks), dataChecks, keys(checks))
	}
	for name, c := range checks {
		want := 12
		if strings.HasPrefix(name, "::setup:") {
			want = 1
		}
		if c.Fails != 0 || c.Passes != want {
			t.Errorf("check %s: %+v, want %d passes\nstderr:\n%s", name, c, want, r.stderr)
		}
	}
}

// wantFnRanOnce counts the lines each SharedArray fn logs: once per process
// although init code runs in 6 VUs (options, setup, 4 VUs; teardown and
// handleSummary may add more).
func wantFnRanOnce(t *testing.T, r result) {
	t.Helper()
	for line, want := range map[string]int{
		"SharedArray fn ran: users\"":     1,
		"SharedArray fn ran: builder\"":   1,
		"SharedArray fn ran: users again": 0,
	} {
		if got := strings.Count(r.stderr, line); got != want {
			t.Errorf("%q logged %d times, want %d\nstderr:\n%s", line, got, want, r.stderr)
		}
	}
}
