package outputmgr

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

// DefaultQueueLimit is how many samples may wait for one output.
const DefaultQueueLimit = 1 << 20

// notImplemented are k6 v0.32's other built-in outputs: asking for one is
// an error before the test starts, rather than a run whose results go
// nowhere.
var notImplemented = []string{"cloud", "kafka"} //nolint:gochecknoglobals // constant table

// SplitList undoes the comma splitting of K6_OUT for arguments that
// themselves contain commas: an item whose type is not an output type
// (csv=file_name=a.csv,save_interval=2s → "save_interval=2s") belongs to
// the previous item.
func SplitList(items []string) []string {
	var out []string
	for _, it := range items {
		typ, _ := output.ParseSpec(it)
		if _, ok := output.Lookup(typ); !ok && !slices.Contains(notImplemented, typ) && len(out) > 0 && strings.Contains(it, "=") {
			out[len(out)-1] += "," + it
			continue
		}
		out = append(out, it)
	}
	return out
}

// Build constructs one output per spec ("json=out.json"); base holds
// everything but Arg. Unknown types and bad arguments are reported together.
func Build(specs []string, base output.Params) ([]output.Output, error) {
	var outs []output.Output
	var problems []error
	for _, spec := range specs {
		typ, arg := output.ParseSpec(spec)
		c, ok := output.Lookup(typ)
		if !ok {
			if slices.Contains(notImplemented, typ) {
				problems = append(problems, fmt.Errorf("the %s output is not implemented yet in stampede "+
					"(available: %s); no test was run", typ, strings.Join(output.Types(), ", ")))
				continue
			}
			problems = append(problems, fmt.Errorf("invalid output type '%s', available types are: %s",
				typ, strings.Join(output.Types(), ", ")))
			continue
		}
		p := base
		p.Arg = arg
		o, err := c(p)
		if err != nil {
			problems = append(problems, fmt.Errorf("output %s: %w", typ, err))
			continue
		}
		outs = append(outs, o)
	}
	if len(problems) > 0 {
		return nil, errors.Join(problems...)
	}
	return outs, nil
}

// Warner is the part of a logger the manager needs.
type Warner interface {
	Warnf(format string, args ...any)
}

// Manager fans samples out to a run's outputs.
type Manager struct {
	queues  []*queue
	log     Warner
	limit   int
	started bool
}

// New returns a manager for outs; limit is the per-output queue bound in
// samples (0: DefaultQueueLimit).
func New(outs []output.Output, log Warner, limit int) *Manager {
	if limit <= 0 {
		limit = DefaultQueueLimit
	}
	m := &Manager{log: log, limit: limit}
	for _, o := range outs {
		m.queues = append(m.queues, &queue{out: o, wake: make(chan struct{}, 1), done: make(chan struct{})})
	}
	return m
}

// Description is the `output:` line of the execution description: the
// outputs' descriptions joined by ", ", or "-" without outputs.
func (m *Manager) Description() string {
	if len(m.queues) == 0 {
		return "-"
	}
	d := make([]string, len(m.queues))
	for i, q := range m.queues {
		d[i] = q.out.Description()
	}
	return strings.Join(d, ", ")
}

// Start starts the outputs in order, then their goroutines. When one fails,
// those already started are stopped and the error is returned.
func (m *Manager) Start() error {
	for i, q := range m.queues {
		if err := q.out.Start(); err != nil {
			err = fmt.Errorf("starting the output %s: %w", q.out.Description(), err)
			for _, prev := range m.queues[:i] {
				_ = prev.out.Stop(context.Background(), err)
			}
			m.queues = nil
			return err
		}
	}
	for _, q := range m.queues {
		go q.loop()
	}
	m.started = true
	return nil
}

// AddSamples queues a batch for every output; it never blocks. The batch
// must not be modified afterwards.
func (m *Manager) AddSamples(batch []metrics.Sample) {
	if len(batch) == 0 {
		return
	}
	for _, q := range m.queues {
		if n := q.add(batch, m.limit); n > 0 {
			m.log.Warnf("the output %s is not keeping up: %d samples were dropped "+
				"(its queue holds %d samples; the total is reported at the end)", q.out.Description(), n, m.limit)
		}
	}
}

// Stop drains every queue into its output and stops the outputs, in order.
// It must be called once, after the last AddSamples, even when the run
// failed; testErr is the run's error.
func (m *Manager) Stop(ctx context.Context, testErr error) error {
	if !m.started {
		return nil
	}
	m.started = false
	var errs []error
	for _, q := range m.queues {
		q.close()
	}
	for _, q := range m.queues {
		select {
		case <-q.done:
		case <-ctx.Done():
			errs = append(errs, fmt.Errorf("output %s: %w while writing its last samples", q.out.Description(), ctx.Err()))
			continue
		}
		if d := q.droppedTotal(); d > 0 {
			m.log.Warnf("the output %s could not keep up and dropped %d samples", q.out.Description(), d)
		}
		if err := q.out.Stop(ctx, testErr); err != nil {
			errs = append(errs, err)
		}
	}
	m.queues = nil
	return errors.Join(errs...)
}

// queue is one output's bounded queue and goroutine.
type queue struct {
	out  output.Output
	wake chan struct{} // capacity 1: "there is work"
	done chan struct{} // closed when loop returns

	mu      sync.Mutex
	batches [][]metrics.Sample
	queued  int
	closed  bool
	dropped int
	warned  bool
}

// add queues b; it returns the number of dropped samples the first time
// the queue overflows (for a single warning), 0 otherwise.
func (q *queue) add(b []metrics.Sample, limit int) int {
	q.mu.Lock()
	if q.closed || q.queued+len(b) > limit {
		q.dropped += len(b)
		warn := !q.warned && !q.closed
		q.warned = true
		n := q.dropped
		q.mu.Unlock()
		if warn {
			return n
		}
		return 0
	}
	q.batches = append(q.batches, b)
	q.queued += len(b)
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
	return 0
}

func (q *queue) close() {
	q.mu.Lock()
	q.closed = true
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

func (q *queue) droppedTotal() int {
	q.mu.Lock()
	defer q.mu.Unlock()
	return q.dropped
}

func (q *queue) loop() {
	defer close(q.done)
	for range q.wake {
		for {
			q.mu.Lock()
			batches, closed := q.batches, q.closed
			q.batches, q.queued = nil, 0
			q.mu.Unlock()
			if len(batches) == 0 {
				if closed {
					return
				}
				break
			}
			for _, b := range batches {
				q.out.AddSamples(b)
			}
		}
	}
}
