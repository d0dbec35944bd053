package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/target"
)

var (
	binary    string //nolint:gochecknoglobals // set once in TestMain
	targetURL string //nolint:gochecknoglobals // set once in TestMain
)

func TestMain(m *testing.M) {
	os.Exit(testMain(m))
}

func testMain(m *testing.M) int {
	dir, err := os.MkdirTemp("", "stampede-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer os.RemoveAll(dir)
	binary = filepath.Join(dir, "stampede")
	args := []string{"build", "-o", binary}
	if raceEnabled {
		args = append(args, "-race")
	}
	build := exec.Command("go", append(args, "../cmd/stampede")...)
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		fmt.Fprintln(os.Stderr, "building stampede:", err)
		return 1
	}
	srv, err := target.Start("127.0.0.1:0")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		return 1
	}
	defer srv.Close()
	targetURL = srv.URL
	return m.Run()
}

// result is one finished stampede process.
type result struct {
	code           int
	stdout, stderr string
	export         *export
}

type export struct {
	RootGroup group                     `json:"root_group"`
	Metrics   map[string]map[string]any `json:"metrics"`
}

type group struct {
	Name   string            `json:"name"`
	Path   string            `json:"path"`
	Groups map[string]group  `json:"groups"`
	Checks map[string]checkT `json:"checks"`
}

type checkT struct {
	Passes int `json:"passes"`
	Fails  int `json:"fails"`
}

func (e *export) metric(t *testing.T, name, key string) float64 {
	t.Helper()
	m, ok := e.Metrics[name]
	if !ok {
		t.Fatalf("metric %q missing from the export (have %v)", name, keys(e.Metrics))
	}
	v, ok := m[key].(float64)
	if !ok {
		t.Fatalf("metric %q has no %q (have %v)", name, key, m)
	}
	return v
}

func keys[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	return out
}

type runOpts struct {
	env   map[string]string
	stdin string
}

// stampede runs the binary in testdata/ with args; "{export}" in args is
// replaced by a summary-export path that is read back.
func stampede(t *testing.T, o runOpts, args ...string) result {
	t.Helper()
	exportPath := filepath.Join(t.TempDir(), "summary.json")
	for i, a := range args {
		args[i] = strings.ReplaceAll(a, "{export}", exportPath)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binary, withoutAPI(args)...)
	cmd.Dir = "testdata"
	// The race detector's 1 s pause at exit would add a second to every
	// run; races are still reported as they happen (and exit 66).
	cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TARGET=" + targetURL, "GORACE=atexit_sleep_ms=0"}
	for k, v := range o.env {
		cmd.Env = append(cmd.Env, k+"="+v)
	}
	cmd.Stdin = strings.NewReader(o.stdin)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	r := result{stdout: stdout.String(), stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case errors.As(err, &ee):
		r.code = ee.ExitCode()
	case err != nil:
		t.Fatalf("running stampede: %v", err)
	}
	if data, err := os.ReadFile(exportPath); err == nil {
		r.export = &export{}
		if err := json.Unmarshal(data, r.export); err != nil {
			t.Fatalf("bad summary export: %v\n%s", err, data)
		}
	}
	if strings.Contains(r.stderr, "panic:") || strings.Contains(r.stderr, "goroutine ") || strings.Contains(r.stderr, "DATA RACE") {
		t.Fatalf("stampede crashed:\n%s", r.stderr)
	}
	return r
}

func (r result) wantCode(t *testing.T, code int) {
	t.Helper()
	if r.code != code {
		t.Fatalf("exit code %d, want %d\nstdout:\n%s\nstderr:\n%s", r.code, code, r.stdout, r.stderr)
	}
}

func (r result) wantOut(t *testing.T, parts ...string) {
	t.Helper()
	for _, p := range parts {
		if !strings.Contains(r.stdout, p) {
			t.Errorf("stdout lacks %q\nstdout:\n%s\nstderr:\n%s", p, r.stdout, r.stderr)
		}
	}
}

// wantErr matches stderr after undoing logrus' quoting of messages
// (\" and \n) in non-terminal output.
func (r result) wantErr(t *testing.T, parts ...string) {
	t.Helper()
	plain := strings.NewReplacer(`\"`, `"`, `\n`, "\n", `\t`, "\t").Replace(r.stderr)
	for _, p := range parts {
		if !strings.Contains(plain, p) {
			t.Errorf("stderr lacks %q\nstderr:\n%s", p, r.stderr)
		}
	}
}

func (r result) checks(t *testing.T) map[string]checkT {
	t.Helper()
	if r.export == nil {
		t.Fatal("no summary export")
	}
	all := map[string]checkT{}
	var walk func(g group)
	walk = func(g group) {
		for name, c := range g.Checks {
			all[g.Path+"::"+name] = c
		}
		for _, sub := range g.Groups {
			walk(sub)
		}
	}
	walk(r.export.RootGroup)
	return all
}

// withoutAPI turns the REST API off (--address=) unless the test chose an
// address: parallel runs would otherwise race for the default port and log
// a warning.
func withoutAPI(args []string) []string {
	for _, a := range args {
		if a == "-a" || strings.HasPrefix(a, "--address") {
			return args
		}
	}
	if len(args) == 0 {
		return args
	}
	return append([]string{args[0], "--address="}, args[1:]...)
}
