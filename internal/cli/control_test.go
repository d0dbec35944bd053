package cli

import (
	"bytes"
	"context"
	"net"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/api"
	"github.com/stampede-load/stampede/internal/config"
	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/procenv"
	"github.com/stampede-load/stampede/internal/scenario"
)

// lockedBuffer is a bytes.Buffer safe to read while the CLI writes to it.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *lockedBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *lockedBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func writeScript(t *testing.T, src string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "script.js")
	if err := os.WriteFile(p, []byte(src), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func freeAddr(t *testing.T) (addr string, hold net.Listener) {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	return ln.Addr().String(), ln
}

func TestSegmentScenarios(t *testing.T) {
	shared := scenario.NewSharedIterations("s")
	shared.VUs, shared.Iterations = 3, 10
	ext := scenario.NewExternallyControlled("ext")
	tests := []struct {
		name, seg, seq string
		scs            map[string]scenario.Config
		wantPct        float64 // 0: full test, nil tuple
		errPart        string
	}{
		{name: "default", scs: map[string]scenario.Config{"s": shared}},
		{name: "full", seg: "0:1", scs: map[string]scenario.Config{"s": shared}},
		{name: "half", seg: "0:1/2", scs: map[string]scenario.Config{"s": shared}, wantPct: 50},
		{name: "in sequence", seg: "1/3:1", seq: "0,1/3,1", scs: map[string]scenario.Config{"s": shared}, wantPct: 100.0 * 2 / 3},
		{name: "not in sequence", seg: "0:1/2", seq: "0,1/3,1", scs: map[string]scenario.Config{"s": shared}, errPart: "executionSegment"},
		{name: "externally-controlled", seg: "0:1/2", scs: map[string]scenario.Config{"ext": ext}, errPart: "scenarios.ext"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := config.Options{ExecutionSegment: config.Some(tt.seg), ExecutionSegmentSequence: config.Some(tt.seq)}
			et, scs, err := segmentScenarios(o, tt.scs)
			if tt.errPart != "" {
				if err == nil || !strings.Contains(err.Error(), tt.errPart) || errs.ExitCode(err) != errs.InvalidConfig {
					t.Fatalf("err = %v (code %d), want %q and 104", err, errs.ExitCode(err), tt.errPart)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if tt.wantPct == 0 {
				if et != nil {
					t.Errorf("tuple %v for the full test", et)
				}
				return
			}
			if got := et.Segment().Percent(); got < tt.wantPct-0.01 || got > tt.wantPct+0.01 {
				t.Errorf("segment %.2f%%, want %.2f%%", got, tt.wantPct)
			}
			if peak := scs["s"].PeakVUs(); peak >= 3 {
				t.Errorf("segmented peak VUs %d, want fewer than 3", peak)
			}
		})
	}
}

func TestAddressBusy(t *testing.T) {
	addr, hold := freeAddr(t)
	defer hold.Close()
	script := writeScript(t, "export default function () {}\n")

	env, _, errb := procenv.ForTest([]string{"run", "-q", "--address", addr, script}, nil)
	if code := Main(env); code != int(errs.CannotStartRESTAPI) {
		t.Fatalf("explicit busy address: exit %d, want 106\n%s", code, errb)
	}
	if !strings.Contains(errb.String(), addr) {
		t.Errorf("the error does not name the address:\n%s", errb)
	}

	// Not explicitly set: only a warning.
	e, _, warn := procenv.ForTest(nil, nil)
	a := &app{env: e, flags: globalFlags{address: addr}}
	if err := a.setupLogger(); err != nil {
		t.Fatal(err)
	}
	srv, err := a.serveAPI(nil)
	if err != nil || srv != nil {
		t.Fatalf("serveAPI = %v, %v; want a warning only", srv, err)
	}
	if !strings.Contains(warn.String(), "level=warning") {
		t.Errorf("no warning:\n%s", warn)
	}
}

// TestLingerAndAPI runs a test with --linger and checks that the API
// answers after the summary until a signal ends the process.
func TestLingerAndAPI(t *testing.T) {
	addr, hold := freeAddr(t)
	hold.Close()
	script := writeScript(t, "export let options = { iterations: 3 };\nexport default function () {}\n")
	env, _, errb := procenv.ForTest([]string{"run", "-q", "--linger", "--address", addr, script}, nil)
	out := &lockedBuffer{}
	env.Stdout = out
	sigs := make(chan os.Signal, 1)
	env.Signals = func() (<-chan os.Signal, func()) { return sigs, func() {} }
	codec := make(chan int, 1)
	go func() { codec <- Main(env) }()

	deadline := time.Now().Add(20 * time.Second)
	for !strings.Contains(out.String(), "Linger set; waiting for Ctrl+C...") {
		if time.Now().After(deadline) {
			t.Fatalf("no linger message:\n%s\n%s", out, errb)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "iterations") {
		t.Errorf("the summary is not printed before lingering:\n%s", out)
	}
	c := &api.Client{Address: addr}
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	st, err := c.Status(ctx)
	if err != nil || !st.Stopped || st.Running {
		t.Errorf("status while lingering = %+v, %v", st, err)
	}
	ms, err := c.Metrics(ctx)
	if err != nil || len(ms) == 0 {
		t.Errorf("metrics while lingering = %v, %v", ms, err)
	}
	select {
	case code := <-codec:
		t.Fatalf("exited (%d) without a signal", code)
	default:
	}
	sigs <- os.Interrupt
	select {
	case code := <-codec:
		if code != 0 {
			t.Errorf("exit %d\n%s", code, errb)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("still lingering after the signal")
	}
	if _, err := c.Status(ctx); err == nil {
		t.Error("the API still answers after the command ended")
	}
}

func TestControlCommandUnreachable(t *testing.T) {
	addr, hold := freeAddr(t)
	hold.Close()
	for _, cmd := range []string{"status", "stats", "pause", "resume"} {
		env, out, errb := procenv.ForTest([]string{cmd, "--address", addr}, nil)
		if code := Main(env); code == 0 {
			t.Errorf("%s: exit 0\n%s", cmd, out)
		}
		if msg := errb.String(); !strings.Contains(msg, "could not connect to the REST API at "+addr) ||
			strings.Count(strings.TrimSpace(msg), "\n") != 0 {
			t.Errorf("%s: stderr %q", cmd, msg)
		}
	}
}

func TestWriteMetrics(t *testing.T) {
	var b bytes.Buffer
	writeMetrics(&b, []api.Metric{{Name: "http_req_duration{status:200}", Type: "trend", Contains: "time",
		Sample: map[string]float64{"p(95)": 2.5, "avg": 1}}})
	want := `metrics:
- name: "http_req_duration{status:200}"
  type: trend
  contains: time
  tainted: false
  sample:
    avg: 1
    "p(95)": 2.5
`
	if b.String() != want {
		t.Errorf("got\n%s\nwant\n%s", b.String(), want)
	}
	b.Reset()
	writeStatus(&b, api.Status{Paused: true, VUs: 2, VUsMax: 5})
	if !strings.Contains(b.String(), "paused: true\nvus: 2\nvus-max: 5\n") {
		t.Errorf("status:\n%s", b.String())
	}
}
