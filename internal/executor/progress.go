package executor

import (
	"sync"
	"sync/atomic"
	"time"
)

// State is where a scenario is in its life.
type State int32

// The states of a scenario, in order.
const (
	Waiting State = iota // before its startTime
	Running
	Done    // ended on its own: all iterations done or duration over
	Aborted // hard-stopped (Run's ctx cancelled) or failed
)

func (s State) String() string {
	switch s {
	case Waiting:
		return "waiting"
	case Running:
		return "running"
	case Done:
		return "done"
	case Aborted:
		return "aborted"
	}
	return "unknown"
}

// Progress is the live state of one scenario, read concurrently by the
// progress bars and the end-of-run report while the executor updates it.
// All methods are safe for concurrent use.
type Progress struct {
	scenario string

	vus         atomic.Int64
	complete    atomic.Int64
	interrupted atomic.Int64
	dropped     atomic.Int64
	state       atomic.Int32

	clk        *clock
	mu         sync.Mutex // guards the fields below
	begun      bool
	ended      bool
	start, end time.Duration // execution time
}

func newProgress(scenario string, clk *clock) *Progress {
	return &Progress{scenario: scenario, clk: clk}
}

// Scenario is the scenario's name.
func (p *Progress) Scenario() string { return p.scenario }

// ActiveVUs is the number of VUs the scenario holds now, including VUs
// finishing an iteration during gracefulStop or gracefulRampDown.
func (p *Progress) ActiveVUs() int64 { return p.vus.Load() }

// Complete is the number of iterations that ran to their end.
func (p *Progress) Complete() int64 { return p.complete.Load() }

// Interrupted is the number of iterations cut short by gracefulStop,
// gracefulRampDown or a hard stop.
func (p *Progress) Interrupted() int64 { return p.interrupted.Load() }

// Dropped is the number of iterations reported through Env.Dropped.
func (p *Progress) Dropped() int64 { return p.dropped.Load() }

// State says whether the scenario is waiting, running or over.
func (p *Progress) State() State { return State(p.state.Load()) }

// Elapsed is the execution time since the scenario started: 0 before it
// starts, standing still while the run is paused and frozen once the
// scenario has ended.
func (p *Progress) Elapsed() time.Duration {
	p.mu.Lock()
	defer p.mu.Unlock()
	switch {
	case !p.begun:
		return 0
	case !p.ended:
		return p.clk.now() - p.start
	default:
		return p.end - p.start
	}
}

func (p *Progress) begin() {
	p.mu.Lock()
	p.begun, p.start = true, p.clk.now()
	p.mu.Unlock()
	p.state.Store(int32(Running))
}

func (p *Progress) finish(aborted bool) {
	p.mu.Lock()
	p.ended, p.end = true, p.clk.now()
	if !p.begun {
		p.start = p.end
	}
	p.mu.Unlock()
	s := Done
	if aborted {
		s = Aborted
	}
	p.state.Store(int32(s))
}
