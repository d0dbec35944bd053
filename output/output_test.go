package output_test

import (
	"context"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestPeriodicFlusher(t *testing.T) {
	t.Parallel()
	var n atomic.Int32
	f, err := output.NewPeriodicFlusher(5*time.Millisecond, func() { n.Add(1) })
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(time.Millisecond)
	}
	f.Stop()
	after := n.Load()
	f.Stop() // idempotent
	if after < 3 {
		t.Errorf("flushed %d times, want ≥ 2 periodic + 1 final", after)
	}
	if _, err := output.NewPeriodicFlusher(0, func() {}); err == nil {
		t.Error("no error for a zero interval")
	}
}

func TestParseSpec(t *testing.T) {
	t.Parallel()
	for spec, want := range map[string][2]string{
		"json": {"json", ""}, "json=a.json": {"json", "a.json"}, "csv=file_name=a=b": {"csv", "file_name=a=b"}, "json=": {"json", ""},
	} {
		typ, arg := output.ParseSpec(spec)
		if typ != want[0] || arg != want[1] {
			t.Errorf("ParseSpec(%q) = %q, %q", spec, typ, arg)
		}
	}
}

// counter is a minimal output: it counts samples and prints the total.
type counter struct {
	p output.Params
	n int
}

func (c *counter) Description() string               { return "counter" }
func (c *counter) Start() error                      { return nil }
func (c *counter) AddSamples(batch []metrics.Sample) { c.n += len(batch) }
func (c *counter) Stop(context.Context, error) error {
	_, err := fmt.Fprintf(c.p.Stdout, "%s: %d samples\n", c.p.Arg, c.n)
	return err
}

func Example() {
	// A real output registers itself in an init function:
	//   func init() { output.Register("counter", newCounter) }
	newCounter := func(p output.Params) (output.Output, error) { return &counter{p: p}, nil }

	o, _ := newCounter(output.Params{Arg: "run-1", Stdout: os.Stdout})
	_ = o.Start()
	m := &metrics.Metric{Name: "iterations", Type: metrics.Counter}
	o.AddSamples([]metrics.Sample{{Metric: m, Value: 1}, {Metric: m, Value: 1}})
	_ = o.Stop(context.Background(), nil)
	// Output:
	// run-1: 2 samples
}
