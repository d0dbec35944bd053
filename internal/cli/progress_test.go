package cli

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/executor"
	"github.com/stampede-load/stampede/internal/scenario"
)

// fakeScenario is a scenarioState the test moves by hand.
type fakeScenario struct {
	mu                         sync.Mutex
	name                       string
	vus, complete, interrupted int64
	state                      executor.State
	elapsed                    time.Duration
}

func (f *fakeScenario) Scenario() string { return f.name }
func (f *fakeScenario) ActiveVUs() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.vus
}
func (f *fakeScenario) Complete() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.complete
}
func (f *fakeScenario) Interrupted() int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.interrupted
}
func (f *fakeScenario) State() executor.State {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.state
}
func (f *fakeScenario) Elapsed() time.Duration {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.elapsed
}

func (f *fakeScenario) set(fn func(f *fakeScenario)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

func progressFixture() ([]scenario.Config, *fakeScenario, *fakeScenario, *fakeScenario) {
	shared := scenario.NewSharedIterations("shared")
	shared.VUs, shared.Iterations = 2, 20
	cvus := scenario.NewConstantVUs("looping_vus")
	cvus.VUs, cvus.Duration = 10, scenario.Duration(30*time.Second)
	car := scenario.NewConstantArrivalRate("rate")
	car.Rate, car.Duration, car.PreAllocatedVUs, car.MaxVUs = 5, scenario.Duration(10*time.Second), 2, 4
	scs := []scenario.Config{shared, cvus, car}
	return scs,
		&fakeScenario{name: "shared", vus: 2, complete: 5, state: executor.Running, elapsed: 2500 * time.Millisecond},
		&fakeScenario{name: "looping_vus", vus: 10, complete: 37, state: executor.Running, elapsed: 15 * time.Second},
		&fakeScenario{name: "rate", state: executor.Waiting}
}

func TestProgressPlain(t *testing.T) {
	t.Parallel()
	scs, a, b, c := progressFixture()
	var out bytes.Buffer
	p := newProgress(&out, false, scs)
	p.draw(status{Elapsed: 15200 * time.Millisecond, ActiveVUs: 12, MaxVUs: 16, Complete: 42,
		Scenarios: []scenarioState{a, b, c}})
	want := strings.Join([]string{
		"running (0m15.2s), 12/16 VUs, 42 complete and 0 interrupted iterations",
		"shared        [=========>------------------------------] 2 VUs  02.5s/10m0s  5/20 shared iters",
		"looping_vus   [===================>--------------------] 10 VUs  15.0s/30s",
		"rate          [----------------------------------------] 00/04 VUs  00.0s/10s  5.00 iters/s",
		"", "",
	}, "\n")
	if got := out.String(); got != want {
		t.Errorf("running block:\n%s\nwant:\n%s", got, want)
	}

	out.Reset()
	a.set(func(f *fakeScenario) { f.vus, f.complete, f.state = 0, 20, executor.Done })
	b.set(func(f *fakeScenario) { f.vus, f.complete, f.interrupted, f.state = 0, 70, 3, executor.Aborted })
	c.set(func(f *fakeScenario) { f.complete, f.state, f.elapsed = 50, executor.Done, 10*time.Second })
	p.draw(status{Elapsed: 30 * time.Second, ActiveVUs: 3, MaxVUs: 16, Complete: 140, Interrupted: 3, Done: true,
		Scenarios: []scenarioState{a, b, c}})
	want = strings.Join([]string{
		"running (0m30.0s), 00/16 VUs, 140 complete and 3 interrupted iterations",
		"shared      ✓ [========================================] 2 VUs  02.5s/10m0s  20/20 shared iters",
		"looping_vus ✗ [===================>--------------------] 10 VUs  15.0s/30s",
		"rate        ✓ [========================================] 00/04 VUs  10.0s/10s  5.00 iters/s",
		"",
	}, "\n")
	if got := out.String(); got != want {
		t.Errorf("final block:\n%s\nwant:\n%s", got, want)
	}
}

// TestProgressTTY drives the mpb bars through a run and checks that they
// draw the status line, the bars and the final marks without panicking
// or hanging.
func TestProgressTTY(t *testing.T) {
	t.Parallel()
	scs, a, b, c := progressFixture()
	var out syncBuffer
	p := newProgress(&out, true, scs)
	all := []scenarioState{a, b, c}
	p.draw(status{Elapsed: time.Second, ActiveVUs: 12, MaxVUs: 16, Complete: 3, Scenarios: all})
	time.Sleep(3 * refreshRate) // a few redraws from the live counters
	a.set(func(f *fakeScenario) { f.complete = 9 })
	p.draw(status{Elapsed: 2 * time.Second, ActiveVUs: 12, MaxVUs: 16, Complete: 9, Scenarios: all})
	time.Sleep(2 * refreshRate)
	a.set(func(f *fakeScenario) { f.vus, f.complete, f.state = 0, 20, executor.Done })
	b.set(func(f *fakeScenario) { f.vus, f.interrupted, f.state = 0, 3, executor.Aborted })
	c.set(func(f *fakeScenario) { f.state = executor.Done })

	done := make(chan struct{})
	go func() {
		p.draw(status{Elapsed: 30 * time.Second, MaxVUs: 16, Complete: 57, Interrupted: 3, Done: true, Scenarios: all})
		p.draw(status{Done: true, Scenarios: all}) // a second end is ignored
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("the bars never finished")
	}
	got := out.String()
	for _, part := range []string{
		"running (0m30.0s), 00/16 VUs, 57 complete and 3 interrupted iterations",
		"shared      ✓ [", "looping_vus ✗ [", "rate        ✓ [",
		"20/20 shared iters", "100% 2 VUs", "\x1b[", "running (0m01.",
	} {
		if !strings.Contains(got, part) {
			t.Errorf("output lacks %q:\n%s", part, got)
		}
	}
}

type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
