package cli

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/vbauerster/cupwriter"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/stampede-load/stampede/internal/executor"
	"github.com/stampede-load/stampede/internal/run"
	"github.com/stampede-load/stampede/internal/scenario"
)

// progress prints k6-style progress (k6-spec §3.6): a status line and one
// bar per scenario.
//
// On a terminal the bars are drawn by mpb (github.com/vbauerster/mpb),
// which redraws them in place every 100 ms, reading the scenarios' live
// counters directly, so they move smoothly between the run's once-a-second
// status updates. Anywhere else (CI logs, pipes) it prints a plain block
// at every update, about once a second as k6 does, and always a final
// block when the run is done.
type progress struct {
	mu        sync.Mutex
	out       io.Writer
	tty       bool
	scenarios map[string]scenario.Config
	nameWidth int
	now       func() time.Time // injected in tests

	// Terminal mode only.
	mp     *mpb.Progress
	bars   []*mpb.Bar
	states []scenarioState
	last   status    // the latest status the run reported
	lastAt time.Time // when it arrived, to tick the clock in between
	closed bool
}

// scenarioState is the live state of one scenario; *executor.Progress
// implements it, tests use fakes.
type scenarioState interface {
	Scenario() string
	ActiveVUs() int64
	Complete() int64
	Interrupted() int64
	State() executor.State
	Elapsed() time.Duration
}

// status is run.Status over scenarioStates.
type status struct {
	Elapsed     time.Duration
	ActiveVUs   int64
	MaxVUs      int64
	Complete    int64
	Interrupted int64
	Scenarios   []scenarioState
	Done        bool
}

// refreshRate is how often the terminal bars are redrawn.
const refreshRate = 100 * time.Millisecond

// barWidth is the width of a bar between its brackets, as in k6.
const barWidth = 40

// lineWidth is the line width mpb assumes when the output is not a real
// terminal (tests); on a terminal it uses the terminal's width.
const lineWidth = 160

func newProgress(out io.Writer, tty bool, scs []scenario.Config) *progress {
	p := &progress{out: out, tty: tty, scenarios: map[string]scenario.Config{}, now: time.Now}
	for _, sc := range scs {
		p.scenarios[sc.Base().Name] = sc
		p.nameWidth = max(p.nameWidth, len(sc.Base().Name))
	}
	return p
}

// update takes the run's status; the run calls it about once a second and
// once more, with Done set, at the end.
func (p *progress) update(s run.Status) {
	st := status{Elapsed: s.Elapsed, ActiveVUs: s.ActiveVUs, MaxVUs: s.MaxVUs,
		Complete: s.Complete, Interrupted: s.Interrupted, Done: s.Done}
	for _, sp := range s.Scenarios {
		st.Scenarios = append(st.Scenarios, sp)
	}
	p.draw(st)
}

func (p *progress) draw(s status) {
	if !p.tty {
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, l := range p.render(s) {
			fmt.Fprintln(p.out, l)
		}
		if !s.Done {
			fmt.Fprintln(p.out)
		}
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		return
	}
	p.last, p.lastAt = s, p.now()
	if p.mp == nil {
		p.start(s)
	}
	if !s.Done {
		p.mu.Unlock()
		return
	}
	p.closed = true
	mp, bars, states := p.mp, p.bars, p.states
	p.mu.Unlock()

	// The decorators take p.mu, so mpb must finish drawing without it.
	bars[0].SetCurrent(1) // the status line
	for i, sp := range states {
		if sp.State() == executor.Aborted {
			bars[i+1].Abort(false)
		} else {
			bars[i+1].SetCurrent(barWidth * 100) // completes it
		}
	}
	mp.Wait()
}

// start creates the mpb container and its bars; p.mu is held.
func (p *progress) start(s status) {
	p.mp = mpb.New(mpb.WithConsoleWriter(sizedWriter{cupwriter.New(p.out, true)}),
		mpb.WithRefreshRate(refreshRate), mpb.WithWidth(lineWidth), mpb.WithAutoRefresh())
	head := p.mp.New(1, mpb.NopStyle(), mpb.PrependDecorators(decor.Any(func(decor.Statistics) string {
		return p.statusLine(p.live())
	})))
	p.bars = append(p.bars, head)
	p.states = s.Scenarios
	for _, sp := range s.Scenarios {
		sc := p.scenarios[sp.Scenario()]
		name := decor.Any(func(decor.Statistics) string {
			return fmt.Sprintf("%-*s %s", p.nameWidth, sp.Scenario(), mark(sp.State()))
		}, decor.WC{C: decor.DindentRight})
		right := decor.Any(func(decor.Statistics) string {
			frac, text := scenarioProgress(sc, sp)
			if sp.State() == executor.Done {
				frac = 1
			}
			return fmt.Sprintf("%3.0f%% %s", frac*100, text)
		})
		// The bar's own counter only completes it at the end; while the
		// run goes, the filler draws the scenario's live fraction.
		total := int64(barWidth * 100)
		live := func(f mpb.BarFiller) mpb.BarFiller {
			return mpb.BarFillerFunc(func(w io.Writer, st decor.Statistics) error {
				if !st.Completed {
					frac, _ := scenarioProgress(sc, sp)
					st.Current = int64(frac * float64(total))
				}
				return f.Fill(w, st)
			})
		}
		style := mpb.BarStyle().Lbound("[").Filler("=").Tip(">").Padding("-").Rbound("]")
		bar := p.mp.New(total, style, mpb.BarWidth(barWidth+2), mpb.BarFillerMiddleware(live),
			mpb.PrependDecorators(name), mpb.AppendDecorators(right))
		p.bars = append(p.bars, bar)
	}
}

// sizedWriter is mpb's console writer, except that a terminal reporting
// no size (a pseudo-terminal nobody sized, as under `script` or some CI
// runners) counts as lineWidth × 40 instead of making mpb draw nothing.
type sizedWriter struct{ *cupwriter.Writer }

func (w sizedWriter) GetTermSize() (width, height int, err error) {
	width, height, err = w.Writer.GetTermSize()
	if err != nil || width <= 0 || height <= 0 {
		return lineWidth, 40, nil
	}
	return width, height, nil
}

// live is the latest status with the counters read now and the clock
// moved on since it arrived.
func (p *progress) live() status {
	p.mu.Lock()
	s := p.last
	if !s.Done {
		s.Elapsed += p.now().Sub(p.lastAt)
	}
	p.mu.Unlock()
	if s.Done {
		return s
	}
	s.ActiveVUs, s.Complete, s.Interrupted = 0, 0, 0
	for _, sp := range s.Scenarios {
		s.ActiveVUs += sp.ActiveVUs()
		s.Complete += sp.Complete()
		s.Interrupted += sp.Interrupted()
	}
	return s
}

func mark(st executor.State) string {
	switch st {
	case executor.Done:
		return "✓"
	case executor.Aborted:
		return "✗"
	}
	return " "
}

// statusLine is "running (0m05.2s), 10/10 VUs, 42 complete and 0
// interrupted iterations".
func (p *progress) statusLine(s status) string {
	active := s.ActiveVUs
	if s.Done {
		active = 0
	}
	w := len(fmt.Sprint(s.MaxVUs))
	return fmt.Sprintf("running (%s), %0*d/%d VUs, %d complete and %d interrupted iterations",
		clock(s.Elapsed), w, active, s.MaxVUs, s.Complete, s.Interrupted)
}

// render is the plain-text block.
func (p *progress) render(s status) []string {
	lines := []string{p.statusLine(s)}
	for _, sp := range s.Scenarios {
		sc := p.scenarios[sp.Scenario()]
		frac, right := scenarioProgress(sc, sp)
		if sp.State() == executor.Done {
			frac = 1
		}
		filled := int(frac * barWidth)
		bar := strings.Repeat("=", filled)
		if filled < barWidth {
			if filled > 0 {
				bar = bar[:len(bar)-1] + ">"
			}
			bar += strings.Repeat("-", barWidth-filled)
		}
		lines = append(lines, fmt.Sprintf("%-*s %s [%s] %s", p.nameWidth, sp.Scenario(), mark(sp.State()), bar, right))
	}
	return lines
}

// scenarioProgress returns the done fraction and the right-hand text.
// Totals are this instance's share when the run is segmented.
func scenarioProgress(sc scenario.Config, sp scenarioState) (float64, string) {
	el := sp.Elapsed()
	vus := sp.ActiveVUs()
	done := sp.Complete() + sp.Interrupted()
	switch c := sc.(type) {
	case *scenario.SharedIterations:
		total := c.Base().ExecutionTuple().ScaleInt64(c.Iterations)
		return ratio(float64(done), float64(total)),
			fmt.Sprintf("%d VUs  %s/%s  %d/%d shared iters", c.PeakVUs(), short(el), c.MaxDuration.D(), done, total)
	case *scenario.PerVUIterations:
		total := c.PeakVUs() * c.Iterations
		return ratio(float64(done), float64(total)),
			fmt.Sprintf("%d VUs  %s/%s  %d/%d iters, %d per VU", c.PeakVUs(), short(el), c.MaxDuration.D(), done, total, c.Iterations)
	case *scenario.ConstantVUs:
		return ratio(el.Seconds(), c.Duration.D().Seconds()),
			fmt.Sprintf("%d VUs  %s/%s", c.PeakVUs(), short(el), c.Duration.D())
	case *scenario.RampingVUs:
		var total time.Duration
		for _, st := range c.Stages {
			total += st.Duration.D()
		}
		return ratio(el.Seconds(), total.Seconds()),
			fmt.Sprintf("%02d/%02d VUs  %s/%s", vus, c.PeakVUs(), short(el), total)
	case *scenario.ConstantArrivalRate:
		rate := perSec(c.Rate, c.TimeUnit.D()) * c.Base().ExecutionTuple().Fraction()
		return ratio(el.Seconds(), c.Duration.D().Seconds()),
			fmt.Sprintf("%02d/%02d VUs  %s/%s  %.2f iters/s", vus, c.PeakVUs(), short(el), c.Duration.D(), rate)
	case nil:
		return 0, fmt.Sprintf("%d VUs  %s", vus, short(el))
	default:
		nominal := sc.PlannedDuration() - sc.Base().GracefulStop.D()
		if nominal <= 0 { // externally-controlled with an infinite duration
			return 0, fmt.Sprintf("%d VUs  %s", vus, short(el))
		}
		return ratio(el.Seconds(), nominal.Seconds()), fmt.Sprintf("%d VUs  %s/%s", vus, short(el), nominal)
	}
}

func perSec(rate int64, unit time.Duration) float64 {
	if unit <= 0 {
		return 0
	}
	return float64(rate) / unit.Seconds()
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
