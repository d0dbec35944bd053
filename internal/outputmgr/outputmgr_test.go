package outputmgr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"

	_ "github.com/stampede-load/stampede/internal/outputs/csv"  // -o csv
	_ "github.com/stampede-load/stampede/internal/outputs/json" // -o json
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// recorder is an output that records what it gets; gate, when set, blocks
// AddSamples until closed (a slow output).
type recorder struct {
	name     string
	gate     chan struct{}
	startErr error
	mu       sync.Mutex
	n        int
	started  bool
	stopped  bool
	log      *[]string
}

func (r *recorder) Description() string { return r.name }
func (r *recorder) Start() error {
	r.started = r.startErr == nil
	return r.startErr
}

func (r *recorder) AddSamples(b []metrics.Sample) {
	if r.gate != nil {
		<-r.gate
	}
	r.mu.Lock()
	r.n += len(b)
	r.mu.Unlock()
}

func (r *recorder) Stop(context.Context, error) error {
	r.stopped = true
	if r.log != nil {
		*r.log = append(*r.log, r.name)
	}
	return nil
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.n
}

type warnings struct {
	mu   sync.Mutex
	msgs []string
}

func (w *warnings) Warnf(f string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.msgs = append(w.msgs, fmt.Sprintf(f, args...))
}

func batch(n int) []metrics.Sample {
	m := &metrics.Metric{Name: "x"}
	b := make([]metrics.Sample, n)
	for i := range b {
		b[i] = metrics.Sample{Metric: m, Value: float64(i)}
	}
	return b
}

func TestEverySampleDelivered(t *testing.T) {
	t.Parallel()
	a, b := &recorder{name: "a"}, &recorder{name: "b"}
	m := New([]output.Output{a, b}, &warnings{}, 0)
	if got := m.Description(); got != "a, b" {
		t.Errorf("description %q", got)
	}
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	for range 1000 {
		m.AddSamples(batch(7))
	}
	if err := m.Stop(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if a.count() != 7000 || b.count() != 7000 || !a.stopped || !b.stopped {
		t.Errorf("a got %d, b got %d (want 7000 each), stopped %v %v", a.count(), b.count(), a.stopped, b.stopped)
	}
	if err := m.Stop(context.Background(), nil); err != nil {
		t.Errorf("second Stop: %v", err)
	}
}

// TestSlowOutputDoesNotBlock: an output stuck in AddSamples neither blocks
// the caller nor the other outputs; past its queue limit it drops, counts
// and warns; once it recovers, Stop drains what was queued.
func TestSlowOutputDoesNotBlock(t *testing.T) {
	t.Parallel()
	slow := &recorder{name: "slow", gate: make(chan struct{})}
	fast := &recorder{name: "fast"}
	w := &warnings{}
	m := New([]output.Output{slow, fast}, w, 100)
	if err := m.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for range 1000 {
			m.AddSamples(batch(10))
		}
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatal("AddSamples blocked behind a slow output")
	}
	close(slow.gate)
	if err := m.Stop(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	// Nothing vanishes silently: each output got or counted every sample.
	for _, r := range []*recorder{slow, fast} {
		if got, dropped := r.count(), m2dropped(w, r.name); got+dropped != 10000 {
			t.Errorf("%s: %d delivered + %d dropped != 10000", r.name, got, dropped)
		}
	}
	// At most the batches taken before it got stuck plus a full queue.
	if n := slow.count(); n == 0 || n > 200 {
		t.Errorf("slow output got %d samples, want 1..200", n)
	}
	if !w.has("the output slow is not keeping up") {
		t.Errorf("no warning when the slow output started dropping: %q", w.msgs)
	}
}

// m2dropped reads the end-of-run drop count of an output from the warnings.
func m2dropped(w *warnings, name string) int {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, msg := range w.msgs {
		var n int
		if _, err := fmt.Sscanf(msg, "the output "+name+" could not keep up and dropped %d samples", &n); err == nil {
			return n
		}
	}
	return 0
}

func (w *warnings) has(part string) bool {
	w.mu.Lock()
	defer w.mu.Unlock()
	for _, msg := range w.msgs {
		if strings.Contains(msg, part) {
			return true
		}
	}
	return false
}

func TestStartFailureStopsStartedOutputs(t *testing.T) {
	t.Parallel()
	var order []string
	a := &recorder{name: "a", log: &order}
	b := &recorder{name: "b", startErr: errors.New("disk on fire"), log: &order}
	c := &recorder{name: "c", log: &order}
	m := New([]output.Output{a, b, c}, &warnings{}, 0)
	err := m.Start()
	if err == nil || !strings.Contains(err.Error(), "starting the output b: disk on fire") {
		t.Fatalf("Start error %v", err)
	}
	if !a.stopped || c.started || strings.Join(order, ",") != "a" {
		t.Errorf("a stopped %v, c started %v, stop order %v", a.stopped, c.started, order)
	}
	m.AddSamples(batch(1)) // harmless
	if err := m.Stop(context.Background(), nil); err != nil {
		t.Error(err)
	}
}

func TestStopWithoutStart(t *testing.T) {
	t.Parallel()
	m := New([]output.Output{&recorder{name: "a"}}, &warnings{}, 0)
	if err := m.Stop(context.Background(), nil); err != nil {
		t.Error(err)
	}
	if d := New(nil, &warnings{}, 0).Description(); d != "-" {
		t.Errorf("no outputs: %q", d)
	}
}

func TestBuild(t *testing.T) {
	t.Parallel()
	base := output.Params{Getenv: func(string) string { return "" }}
	outs, err := Build([]string{"json=a.json", "csv", "csv=b.csv", "json"}, base)
	if err != nil {
		t.Fatal(err)
	}
	var d []string
	for _, o := range outs {
		d = append(d, o.Description())
	}
	if got := strings.Join(d, ", "); got != "json (a.json), csv (file.csv), csv (b.csv), json(stdout)" {
		t.Errorf("descriptions %q", got)
	}
	for _, tc := range []struct{ spec, want string }{
		{"bogus=x", "invalid output type 'bogus', available types are: csv, json"},
		{"kafka", "the kafka output is not implemented yet in stampede"},
		{"kafka=brokers=x", "the kafka output is not implemented yet"},
		{"cloud", "the cloud output is not implemented yet"},
		{"csv=save_interval=nope", "output csv: csv output: save_interval"},
	} {
		if _, err := Build([]string{"json=ok.json", tc.spec}, base); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.spec, err, tc.want)
		}
	}
}

func TestSplitList(t *testing.T) {
	t.Parallel()
	got := SplitList([]string{"json=a.json", "csv=file_name=b.csv", "save_interval=2s", "kafka=brokers=b:9092", "json"})
	want := "json=a.json|csv=file_name=b.csv,save_interval=2s|kafka=brokers=b:9092|json"
	if strings.Join(got, "|") != want {
		t.Errorf("got %q", got)
	}
}
