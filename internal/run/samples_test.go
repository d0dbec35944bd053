package run

import (
	"sync"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

// sinkRecorder counts the samples handed to Config.Samples, by metric.
type sinkRecorder struct {
	mu     sync.Mutex
	counts map[string]float64
}

func (s *sinkRecorder) AddSamples(batch []metrics.Sample) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, smp := range batch {
		s.counts[smp.Metric.Name] += smp.Value
	}
}

// TestSamplesReachTheSink: the outputs' sink gets every sample the engine
// got, setup's and teardown's included, by the time Run returns.
func TestSamplesReachTheSink(t *testing.T) {
	t.Parallel()
	tt := newRunTest(t, `
		import { Counter } from 'k6/metrics';
		const c = new Counter('things');
		export function setup() { c.add(100); }
		export default function () { c.add(1); }
		export function teardown() { c.add(1000); }
	`, `{"default": {"executor": "shared-iterations", "vus": 3, "iterations": 50}}`, nil)
	rec := &sinkRecorder{counts: map[string]float64{}}
	tt.cfg.Samples = rec
	res := tt.mustRun(t)
	if got, want := rec.counts["things"], metricValue(res, "things", "count"); got != want || got != 1150 {
		t.Errorf("sink got things=%v, engine %v, want 1150", got, want)
	}
	if got := rec.counts["iterations"]; got != 50 {
		t.Errorf("sink got %v iterations, want 50", got)
	}
}
