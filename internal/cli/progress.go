package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/stampede-load/stampede/internal/executor"
	"github.com/stampede-load/stampede/internal/run"
	"github.com/stampede-load/stampede/internal/scenario"
)

// progress prints k6-style progress: a status line and one bar per
// scenario. On a terminal it redraws in place; otherwise it prints a block
// every update (about once a second), as k6 does when piped.
type progress struct {
	mu        sync.Mutex
	out       io.Writer
	tty       bool
	scenarios map[string]scenario.Config
	nameWidth int
	drawn     int
}

func newProgress(out io.Writer, tty bool, scs []scenario.Config) *progress {
	p := &progress{out: out, tty: tty, scenarios: map[string]scenario.Config{}}
	for _, sc := range scs {
		p.scenarios[sc.Base().Name] = sc
		p.nameWidth = max(p.nameWidth, len(sc.Base().Name))
	}
	return p
}

func (p *progress) update(s run.Status) {
	p.mu.Lock()
	defer p.mu.Unlock()
	lines := p.render(s)
	if p.tty && p.drawn > 0 {
		fmt.Fprintf(p.out, "\x1b[%dA", p.drawn)
	}
	for _, l := range lines {
		if p.tty {
			fmt.Fprint(p.out, "\x1b[2K")
		}
		fmt.Fprintln(p.out, l)
	}
	if p.tty && !s.Done {
		p.drawn = len(lines)
		return
	}
	p.drawn = 0
	if !p.tty && !s.Done {
		fmt.Fprintln(p.out)
	}
}

const barWidth = 38

func (p *progress) render(s run.Status) []string {
	active := s.ActiveVUs
	if s.Done {
		active = 0
	}
	w := len(fmt.Sprint(s.MaxVUs))
	lines := []string{fmt.Sprintf("running (%s), %0*d/%d VUs, %d complete and %d interrupted iterations",
		clock(s.Elapsed), w, active, s.MaxVUs, s.Complete, s.Interrupted)}
	for _, sp := range s.Scenarios {
		sc := p.scenarios[sp.Scenario()]
		frac, right := scenarioProgress(sc, sp)
		mark := " "
		switch sp.State() {
		case executor.Done:
			mark, frac = "✓", 1
		case executor.Aborted:
			mark = "✗"
		}
		filled := int(frac * barWidth)
		bar := strings.Repeat("=", filled)
		if filled < barWidth {
			if filled > 0 {
				bar = bar[:len(bar)-1] + ">"
			}
			bar += strings.Repeat("-", barWidth-filled)
		}
		lines = append(lines, fmt.Sprintf("%-*s %s [%s] %s", p.nameWidth, sp.Scenario(), mark, bar, right))
	}
	return lines
}

// scenarioProgress returns the done fraction and the right-hand text.
func scenarioProgress(sc scenario.Config, sp *executor.Progress) (float64, string) {
	el := sp.Elapsed()
	vus := sp.ActiveVUs()
	done := sp.Complete() + sp.Interrupted()
	switch c := sc.(type) {
	case *scenario.SharedIterations:
		return ratio(float64(done), float64(c.Iterations)),
			fmt.Sprintf("%d VUs  %s/%s  %d/%d shared iters", c.VUs, short(el), c.MaxDuration.D(), done, c.Iterations)
	case *scenario.PerVUIterations:
		total := c.VUs * c.Iterations
		return ratio(float64(done), float64(total)),
			fmt.Sprintf("%d VUs  %s/%s  %d/%d iters, %d per VU", c.VUs, short(el), c.MaxDuration.D(), done, total, c.Iterations)
	case *scenario.ConstantVUs:
		return ratio(el.Seconds(), c.Duration.D().Seconds()),
			fmt.Sprintf("%d VUs  %s/%s", c.VUs, short(el), c.Duration.D())
	case *scenario.RampingVUs:
		var total time.Duration
		for _, st := range c.Stages {
			total += st.Duration.D()
		}
		return ratio(el.Seconds(), total.Seconds()),
			fmt.Sprintf("%02d/%02d VUs  %s/%s", vus, c.PeakVUs(), short(el), total)
	default:
		nominal := sc.PlannedDuration() - sc.Base().GracefulStop.D()
		return ratio(el.Seconds(), nominal.Seconds()), fmt.Sprintf("%d VUs  %s/%s", vus, short(el), nominal)
	}
}

func ratio(a, b float64) float64 {
	if b <= 0 {
		return 0
	}
	return min(max(a/b, 0), 1)
}

// clock formats like k6's "0m05.2s".
func clock(d time.Duration) string {
	d = d.Round(100 * time.Millisecond)
	m := int(d / time.Minute)
	s := (d % time.Minute).Seconds()
	return fmt.Sprintf("%dm%04.1fs", m, s)
}

func short(d time.Duration) string {
	return fmt.Sprintf("%04.1fs", d.Round(100*time.Millisecond).Seconds())
}
