package e2e

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// background is a stampede process running while the test talks to it.
type background struct {
	cmd            *exec.Cmd
	stdout, stderr bytes.Buffer
	done           chan struct{}
	err            error
}

// startStampede starts the binary with args in testdata/ and stops it
// when the test ends, if it is still running.
func startStampede(t *testing.T, args ...string) *background {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	b := &background{done: make(chan struct{})}
	b.cmd = exec.CommandContext(ctx, binary, args...)
	b.cmd.Dir = "testdata"
	b.cmd.Env = []string{"HOME=" + t.TempDir(), "PATH=" + os.Getenv("PATH"), "TARGET=" + targetURL}
	b.cmd.Stdout, b.cmd.Stderr = &b.stdout, &b.stderr
	if err := b.cmd.Start(); err != nil {
		cancel()
		t.Fatalf("starting stampede: %v", err)
	}
	go func() {
		defer close(b.done)
		b.err = b.cmd.Wait()
	}()
	t.Cleanup(func() {
		cancel()
		<-b.done
	})
	return b
}

// wait waits for the process to end and returns its result.
func (b *background) wait(t *testing.T, limit time.Duration) result {
	t.Helper()
	select {
	case <-b.done:
	case <-time.After(limit):
		_ = b.cmd.Process.Kill()
		<-b.done
		t.Fatalf("stampede still running after %v\nstdout:\n%s\nstderr:\n%s", limit, &b.stdout, &b.stderr)
	}
	r := result{stdout: b.stdout.String(), stderr: b.stderr.String()}
	var ee *exec.ExitError
	if errors.As(b.err, &ee) {
		r.code = ee.ExitCode()
	} else if b.err != nil {
		t.Fatalf("stampede: %v", b.err)
	}
	return r
}

// freeAddr returns a loopback address with a port free a moment ago.
func freeAddr(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().String()
}

// waitAPI polls `stampede status` until the API at addr answers.
func waitAPI(t *testing.T, addr string, bg *background) result {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		r := stampede(t, runOpts{}, "status", "--address", addr)
		if r.code == 0 {
			return r
		}
		select {
		case <-bg.done:
			t.Fatalf("the test ended before its API answered\nstdout:\n%s\nstderr:\n%s", &bg.stdout, &bg.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("the API at %s never answered: %s", addr, r.stderr)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func tempScript(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestPausedRunResumedByCommand(t *testing.T) {
	t.Parallel()
	script := tempScript(t, `import { Counter } from 'k6/metrics';
const setups = new Counter('setups');
export let options = { vus: 2, iterations: 6 };
export function setup() { setups.add(1); }
export default function () {}
`)
	addr := freeAddr(t)
	exportPath := filepath.Join(t.TempDir(), "summary.json")
	bg := startStampede(t, "run", "-q", "--paused", "--address", addr, "--summary-export", exportPath, script)
	st := waitAPI(t, addr, bg)
	st.wantOut(t, "paused: true", "running: false", "stopped: false")
	// Once the VUs are initialised the run stays paused.
	for deadline := time.Now().Add(30 * time.Second); !strings.Contains(st.stdout, "vus-max: 2"); {
		if time.Now().After(deadline) {
			t.Fatalf("the VUs were never initialised:\n%s", st.stdout)
		}
		time.Sleep(100 * time.Millisecond)
		st = stampede(t, runOpts{}, "status", "--address", addr)
	}
	st.wantOut(t, "paused: true", "running: false")

	// Nothing runs while paused, not even setup.
	time.Sleep(300 * time.Millisecond)
	if stats := stampede(t, runOpts{}, "stats", "--address", addr); strings.Contains(stats.stdout, "name: setups") ||
		strings.Contains(stats.stdout, "name: iterations") {
		t.Errorf("the paused test ran something:\n%s", stats.stdout)
	}

	res := stampede(t, runOpts{}, "resume", "--address", addr)
	res.wantCode(t, 0)
	res.wantOut(t, "paused: false")

	r := bg.wait(t, 30*time.Second)
	r.wantCode(t, 0)
	data, err := os.ReadFile(exportPath)
	if err != nil {
		t.Fatal(err)
	}
	var ex export
	if err := json.Unmarshal(data, &ex); err != nil {
		t.Fatal(err)
	}
	if it, setups := ex.metric(t, "iterations", "count"), ex.metric(t, "setups", "count"); it != 6 || setups != 1 {
		t.Errorf("iterations %v, setups %v; want 6 and 1", it, setups)
	}
}

func TestScaleExternallyControlled(t *testing.T) {
	t.Parallel()
	script := tempScript(t, `import { sleep } from 'k6';
export let options = { scenarios: { ext: { executor: 'externally-controlled', vus: 1, maxVUs: 2, duration: '3s' } } };
export default function () { sleep(0.05); }
`)
	addr := freeAddr(t)
	bg := startStampede(t, "run", "-q", "--address", addr, script)
	waitAPI(t, addr, bg)

	r := stampede(t, runOpts{}, "scale", "-u", "3", "-m", "4", "--address", addr)
	r.wantCode(t, 0)
	r.wantOut(t, "vus: 3", "vus-max: 4", "running: true")

	bad := stampede(t, runOpts{}, "scale", "-u", "9", "--address", addr)
	if bad.code == 0 {
		t.Errorf("scaling above maxVUs succeeded:\n%s", bad.stdout)
	}
	bad.wantErr(t, "maxVUs")

	st := stampede(t, runOpts{}, "status", "--address", addr)
	st.wantOut(t, "vus: 3")
	bg.wait(t, 30*time.Second).wantCode(t, 0)
}

func TestControlCommandsWithoutTest(t *testing.T) {
	t.Parallel()
	addr := freeAddr(t)
	r := stampede(t, runOpts{}, "status", "--address", addr)
	if r.code == 0 {
		t.Fatalf("status without a test succeeded:\n%s", r.stdout)
	}
	r.wantErr(t, "could not connect to the REST API at "+addr)
}

func TestAddressBusyExit106(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	script := tempScript(t, "export default function () {}\n")
	r := stampede(t, runOpts{}, "run", "-q", "--address", ln.Addr().String(), script)
	r.wantCode(t, 106)
	r.wantErr(t, ln.Addr().String())
}

func TestExecutionSegmentsAddUp(t *testing.T) {
	t.Parallel()
	script := tempScript(t, `export let options = { scenarios: { s: { executor: 'shared-iterations', vus: 3, iterations: 17 } } };
export default function () {}
`)
	iterations := func(args ...string) float64 {
		args = append([]string{"run", "-q", "--address", "", "--summary-export", "{export}"}, args...)
		r := stampede(t, runOpts{}, append(args, script)...)
		r.wantCode(t, 0)
		return r.export.metric(t, "iterations", "count")
	}
	whole := iterations()
	first := iterations("--execution-segment", "0:1/2")
	second := iterations("--execution-segment", "1/2:1")
	if whole != 17 || first+second != whole || first == 0 || second == 0 {
		t.Errorf("iterations: whole %v, segments %v + %v", whole, first, second)
	}

	r := stampede(t, runOpts{}, "run", "-q", "--address", "", "--execution-segment", "1/2:1", script)
	r.wantOut(t, "(50.00%)")
	bad := stampede(t, runOpts{}, "run", "-q", "--address", "", "--execution-segment", "0:1/2",
		"--execution-segment-sequence", "0,1/3,1", script)
	bad.wantCode(t, 104)
	bad.wantErr(t, "executionSegment")
}
