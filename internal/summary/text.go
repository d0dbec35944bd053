package summary

import (
	"sort"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// TextOptions change how Text renders, not what it renders.
type TextOptions struct {
	// Colors adds ANSI colour codes; when false the output has none at all.
	Colors bool
}

const (
	// k6 hands its summarizer a one-space indent and adds its own on top.
	baseIndent   = " "
	groupIndent  = baseIndent + "    "
	metricIndent = baseIndent + "  "
	nestIndent   = "  " // per group level and before a sub-metric's mark

	succMark = "✓"
	failMark = "✗"
)

// ANSI SGR parameters of the colours k6's summary uses.
const (
	colorSucc  = "32"   // green
	colorFail  = "31"   // red
	colorGray  = "2"    // faint
	colorValue = "36"   // cyan
	colorExtra = "36;2" // faint cyan
)

type painter bool

func (p painter) paint(color, s string) string {
	if !p {
		return s
	}
	return "\x1b[" + color + "m" + s + "\x1b[0m"
}

// Text renders the default end-of-test summary of k6 v0.32: a blank line,
// the tree of groups and checks, one line per metric and a trailing blank
// line.
func Text(d *Data, o TextOptions) string {
	var b strings.Builder
	p := painter(o.Colors)
	b.WriteByte('\n')
	if d.RootGroup != nil {
		writeGroup(&b, p, groupIndent, d.RootGroup)
	}
	writeMetrics(&b, p, d)
	b.WriteByte('\n')
	return b.String()
}

func writeGroup(b *strings.Builder, p painter, indent string, g *Group) {
	if g.Name != "" {
		b.WriteString(indent + "█ " + g.Name + "\n\n")
		indent += nestIndent
	}
	for _, c := range g.Checks {
		writeCheck(b, p, indent, c)
	}
	if len(g.Checks) > 0 {
		b.WriteByte('\n')
	}
	for _, sub := range g.Groups {
		writeGroup(b, p, indent, sub)
	}
}

func writeCheck(b *strings.Builder, p painter, indent string, c *Check) {
	mark, color := succMark, colorSucc
	if c.Fails > 0 {
		mark, color = failMark, colorFail
	}
	line := indent + mark + " " + c.Name + "\n"
	if c.Fails > 0 {
		// Computed in this order, like k6, so that 29 of 100 shows as 28%.
		pct := int(100 * (float64(c.Passes) / float64(c.Passes+c.Fails)))
		line += indent + " ↳  " + strconv.Itoa(pct) + "% — " +
			succMark + " " + strconv.FormatInt(c.Passes, 10) + " / " +
			failMark + " " + strconv.FormatInt(c.Fails, 10) + "\n"
	}
	if !p {
		b.WriteString(line)
		return
	}
	// k6 colours the check through the writer, so its reset code comes
	// after the newline; keeping that makes coloured output byte-identical.
	b.WriteString("\x1b[" + color + "m" + line + "\x1b[0m")
}

// metricRow is one metric line before padding, its cells uncoloured so their
// widths can be measured.
type metricRow struct {
	m      *Metric
	indent string // nestIndent for sub-metrics
	name   string
	value  string   // non-trend metrics
	extras []string // non-trend metrics
	cols   []string // trend metrics
}

func writeMetrics(b *strings.Builder, p painter, d *Data) {
	stats := d.Options.trendStats()
	ordered := orderMetrics(d.Metrics)
	rows := make([]metricRow, len(ordered))

	var nameMax, valueMax, extraMax int
	colMax := make([]int, len(stats))
	for i, m := range ordered {
		r := metricRow{m: m, name: m.Name}
		if m.isSub() {
			r.indent = nestIndent
			r.name = "{ " + m.filter() + " }"
		}
		nameMax = max(nameMax, strWidth(r.indent+r.name))
		if m.Type == TypeTrend {
			r.cols = trendCols(m, stats, d.Options.SummaryTimeUnit)
			for j, c := range r.cols {
				colMax[j] = max(colMax[j], strWidth(c))
			}
		} else {
			r.value, r.extras = nonTrendCells(m, d)
			valueMax = max(valueMax, strWidth(r.value))
			// Only the first of two extras is padded, and gauges and rates
			// share that column's width (k6 does not distinguish them).
			if len(r.extras) > 1 {
				extraMax = max(extraMax, strWidth(r.extras[0]))
			}
		}
		rows[i] = r
	}

	for _, r := range rows {
		mark, markColor := " ", ""
		if len(r.m.Thresholds) > 0 {
			mark, markColor = succMark, colorSucc
			for _, t := range r.m.Thresholds {
				if !t.OK {
					mark, markColor = failMark, colorFail
					break
				}
			}
		}
		if markColor != "" {
			mark = p.paint(markColor, mark)
		}
		dots := strings.Repeat(".", nameMax-strWidth(r.indent+r.name)+3)

		b.WriteString(metricIndent + r.indent + mark + " " + r.name + p.paint(colorGray, dots+":") + " ")
		if r.cols != nil {
			for j, c := range r.cols {
				if j > 0 {
					b.WriteByte(' ')
				}
				b.WriteString(stats[j] + "=" + p.paint(colorValue, c) + pad(c, colMax[j]))
			}
		} else {
			b.WriteString(p.paint(colorValue, r.value) + pad(r.value, valueMax))
			for j, e := range r.extras {
				b.WriteString(" " + p.paint(colorExtra, e))
				if j == 0 && len(r.extras) > 1 {
					b.WriteString(pad(e, extraMax))
				}
			}
		}
		b.WriteByte('\n')
	}
}

func trendCols(m *Metric, stats []string, timeUnit string) []string {
	cols := make([]string, len(stats))
	for i, s := range stats {
		if s == "count" {
			cols[i] = humanizeCount(m.Values[s])
		} else {
			cols[i] = humanizeValue(m.Type, m.Contains, m.Values[s], timeUnit)
		}
	}
	return cols
}

func nonTrendCells(m *Metric, d *Data) (string, []string) {
	unit := d.Options.SummaryTimeUnit
	hv := func(v float64) string { return humanizeValue(m.Type, m.Contains, v, unit) }
	switch m.Type {
	case TypeCounter:
		count := m.Values["count"]
		rate, ok := m.Values["rate"]
		if !ok && d.TestRunDuration > 0 {
			rate = count / d.TestRunDuration.Seconds()
		}
		return hv(count), []string{hv(rate) + "/s"}
	case TypeGauge:
		return hv(m.Values["value"]), []string{"min=" + hv(m.Values["min"]), "max=" + hv(m.Values["max"])}
	case TypeRate:
		passes, fails := m.Values["passes"], m.Values["fails"]
		rate, ok := m.Values["rate"]
		if !ok && passes+fails > 0 {
			rate = passes / (passes + fails)
		}
		return hv(rate), []string{
			succMark + " " + humanizeCount(passes),
			failMark + " " + humanizeCount(fails),
		}
	default:
		return "[no data]", nil
	}
}

// orderMetrics sorts by key and moves each sub-metric right after its
// parent. A plain sort would put "http_req_duration_x" between
// "http_req_duration" and "http_req_duration{…}", since '_' < '{'.
func orderMetrics(ms []Metric) []*Metric {
	present := make(map[string]bool, len(ms))
	for i := range ms {
		if !ms[i].isSub() {
			present[ms[i].Name] = true
		}
	}
	var top []*Metric
	subs := make(map[string][]*Metric)
	for i := range ms {
		m := &ms[i]
		if m.isSub() && present[m.Parent] {
			subs[m.Parent] = append(subs[m.Parent], m)
		} else {
			top = append(top, m)
		}
	}
	byName := func(l []*Metric) {
		sort.SliceStable(l, func(i, j int) bool { return l[i].Name < l[j].Name })
	}
	byName(top)
	out := make([]*Metric, 0, len(ms))
	for _, m := range top {
		out = append(out, m)
		if m.isSub() {
			continue
		}
		l := subs[m.Name]
		byName(l)
		out = append(out, l...)
	}
	return out
}

func pad(s string, width int) string {
	n := width - strWidth(s)
	if n <= 0 {
		return ""
	}
	return strings.Repeat(" ", n)
}

// strWidth counts columns the way k6 does: one per character, with
// combining marks adding nothing (k6 counts NFKD segments). Wide East Asian
// characters count as one there too, so they do here.
func strWidth(s string) int {
	n := 0
	for _, r := range s {
		if r == utf8.RuneError || !unicode.Is(unicode.Mn, r) {
			n++
		}
	}
	return n
}
