package run

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/executor"
)

// waitFor polls cond for up to 20 seconds.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); !cond(); {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestPausedRunWaitsForResume(t *testing.T) {
	src := `import { Counter } from 'k6/metrics';
const setups = new Counter('setups');
export function setup() { setups.add(1); }
export default function () {}`
	tt := newRunTest(t, src, `{"s": {"executor": "shared-iterations", "vus": 2, "iterations": 5}}`, nil)
	ctl := NewController()
	tt.cfg.Paused, tt.cfg.Controller = true, ctl
	if st := ctl.Status(); st.Running || st.Stopped {
		t.Errorf("before Run: %+v", st)
	}
	type out struct {
		res *Result
		err error
	}
	done := make(chan out, 1)
	go func() {
		res, err := Run(t.Context(), tt.cfg)
		done <- out{res, err}
	}()
	waitFor(t, "the VUs", func() bool { return ctl.Status().VUsMax == 2 })
	time.Sleep(200 * time.Millisecond)
	if st := ctl.Status(); !st.Paused || st.Running {
		t.Errorf("paused run: %+v", st)
	}
	if ms := ctl.Metrics(); len(ms) != 0 {
		t.Errorf("metrics while paused before setup: %+v", ms)
	}
	if err := ctl.Scale(t.Context(), 1, 1); !errors.Is(err, executor.ErrNotScalable) {
		t.Errorf("Scale without externally-controlled: %v", err)
	}
	if err := ctl.SetPaused(false); err != nil {
		t.Fatal(err)
	}
	if err := ctl.SetPaused(false); err != nil {
		t.Errorf("resuming twice: %v", err)
	}
	o := <-done
	if o.err != nil {
		t.Fatal(o.err)
	}
	if it, setups := metricValue(o.res, "iterations", "count"), metricValue(o.res, "setups", "count"); it != 5 || setups != 1 {
		t.Errorf("iterations %v, setups %v", it, setups)
	}
	if st := ctl.Status(); !st.Stopped || st.Running {
		t.Errorf("after Run: %+v", st)
	}
	if err := ctl.SetPaused(true); !errors.Is(err, executor.ErrStopped) {
		t.Errorf("pausing after the end: %v", err)
	}
	var names []string
	for _, m := range ctl.Metrics() {
		names = append(names, m.Name)
	}
	if len(names) == 0 || ctl.Root() == nil {
		t.Errorf("after Run: metrics %v, root %v", names, ctl.Root())
	}
}

func TestCancelWhilePaused(t *testing.T) {
	tt := newRunTest(t, `export function setup() { throw new Error("must not run"); }
export default function () {}`, `{"s": {"executor": "shared-iterations", "vus": 1, "iterations": 1}}`, nil)
	ctl := NewController()
	tt.cfg.Paused, tt.cfg.Controller = true, ctl
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(300*time.Millisecond, cancel)
	res, err := Run(ctx, tt.cfg)
	if err != nil || res == nil {
		t.Fatalf("Run = %v, %v", res, err)
	}
	if !res.Interrupted {
		t.Error("not marked interrupted")
	}
}

// TestScaleAboveInitialisedVUs scales an externally-controlled scenario
// past the VUs initialised at the start: the pool makes the missing ones.
func TestScaleAboveInitialisedVUs(t *testing.T) {
	tt := newRunTest(t, `import { sleep } from 'k6';
export default function () { sleep(0.02); }`,
		`{"ext": {"executor": "externally-controlled", "vus": 1, "maxVUs": 1, "duration": "1s"}}`, nil)
	ctl := NewController()
	tt.cfg.Controller = ctl
	done := make(chan error, 1)
	go func() {
		_, err := Run(t.Context(), tt.cfg)
		done <- err
	}()
	waitFor(t, "the start", func() bool { return ctl.Status().Running })
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	if err := ctl.Scale(ctx, 3, 4); err != nil {
		t.Fatal(err)
	}
	if st := ctl.Status(); st.VUs != 3 || st.VUsMax < 4 {
		t.Errorf("after Scale: %+v", st)
	}
	if err := ctl.Scale(ctx, 5, -1); !errors.Is(err, executor.ErrInvalidScale) {
		t.Errorf("above maxVUs: %v", err)
	}
	if err := <-done; err != nil {
		t.Fatal(err)
	}
}
