package jslib

import (
	"encoding/json"
	"errors"
	"fmt"
	"html"
	"slices"
	"strconv"
	"strings"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/internal/summary"
	"github.com/stampede-load/stampede/jsmod"
)

// SummaryModule is https://jslib.k6.io/k6-summary/0.0.1/index.js.
type SummaryModule struct{}

// NewModuleInstance implements jsmod.Module.
func (SummaryModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance { return &summaryInstance{vu: vu} }

type summaryInstance struct{ vu jsmod.VU }

func (m *summaryInstance) Exports() jsmod.Exports {
	return jsmod.Exports{Named: map[string]any{
		"textSummary": m.textSummary,
		"jUnit":       m.jUnit,
	}}
}

// TextOptions are textSummary's options; the defaults are jslib's.
type TextOptions struct {
	// Indent replaces the one-space base indent of every line (" ").
	Indent string
	// EnableColors adds ANSI colours (true unless the script says false).
	EnableColors bool
	// SummaryTimeUnit and SummaryTrendStats, when set, override the
	// data's options.
	SummaryTimeUnit   *string
	SummaryTrendStats []string
}

func (m *summaryInstance) textSummary(data, opts goja.Value) string {
	rt := m.vu.Runtime()
	d := m.data(data)
	o := TextOptions{Indent: " ", EnableColors: true}
	if opts != nil && !goja.IsUndefined(opts) && !goja.IsNull(opts) {
		obj := opts.ToObject(rt)
		if v := obj.Get("indent"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
			o.Indent = v.String()
		}
		if v := obj.Get("enableColors"); v != nil && !goja.IsUndefined(v) {
			o.EnableColors = v.ToBoolean()
		}
		if v := obj.Get("summaryTimeUnit"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
			s := v.String()
			o.SummaryTimeUnit = &s
		}
		if v := obj.Get("summaryTrendStats"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
			if err := rt.ExportTo(v, &o.SummaryTrendStats); err != nil {
				panic(rt.NewTypeError("textSummary: summaryTrendStats must be an array of strings"))
			}
		}
	}
	return TextSummary(d, o)
}

// TextSummary renders d as the built-in end-of-test summary does, with the
// options of jslib's textSummary.
func TextSummary(d *summary.Data, o TextOptions) string {
	if o.SummaryTimeUnit != nil {
		d.Options.SummaryTimeUnit = *o.SummaryTimeUnit
	}
	if len(o.SummaryTrendStats) > 0 {
		d.Options.SummaryTrendStats = o.SummaryTrendStats
	}
	text := summary.Text(d, summary.TextOptions{Colors: o.EnableColors})
	if o.Indent == " " {
		return text
	}
	lines := strings.Split(text, "\n")
	for i, l := range lines {
		lines[i] = reindent(l, o.Indent)
	}
	return strings.Join(lines, "\n")
}

// reindent replaces the base indent (the first space after any leading
// colour codes) of a line with indent.
func reindent(line, indent string) string {
	i := 0
	for strings.HasPrefix(line[i:], "\x1b[") {
		end := strings.IndexByte(line[i:], 'm')
		if end < 0 {
			break
		}
		i += end + 1
	}
	if i < len(line) && line[i] == ' ' {
		return line[:i] + indent + line[i+1:]
	}
	return line
}

func (m *summaryInstance) jUnit(data, opts goja.Value) string {
	rt := m.vu.Runtime()
	d := m.data(data)
	name := ""
	if opts != nil && !goja.IsUndefined(opts) && !goja.IsNull(opts) {
		if v := opts.ToObject(rt).Get("name"); v != nil && !goja.IsUndefined(v) && !goja.IsNull(v) {
			name = v.String()
		}
	}
	return JUnit(d, name)
}

// JUnit renders one JUnit test case per threshold, metrics sorted by key;
// failed thresholds get a <failure> element. name defaults to
// "k6 thresholds".
func JUnit(d *summary.Data, name string) string {
	if name == "" {
		name = "k6 thresholds"
	}
	ms := slices.Clone(d.Metrics)
	slices.SortStableFunc(ms, func(a, b summary.Metric) int { return strings.Compare(a.Name, b.Name) })
	var cases []string
	failures := 0
	for _, m := range ms {
		for _, t := range m.Thresholds {
			c := `<testcase name="` + html.EscapeString(m.Name+" - "+t.Source) + `"`
			if t.OK {
				c += " />"
			} else {
				failures++
				c += `><failure message="failed" /></testcase>`
			}
			cases = append(cases, c)
		}
	}
	n, f := strconv.Itoa(len(cases)), strconv.Itoa(failures)
	var b strings.Builder
	b.WriteString(`<?xml version="1.0"?>` + "\n")
	b.WriteString(`<testsuites tests="` + n + `" failures="` + f + `">` + "\n")
	b.WriteString(`<testsuite name="` + html.EscapeString(name) + `" tests="` + n + `" failures="` + f + `">` + "\n")
	for _, c := range cases {
		b.WriteString(c + "\n")
	}
	b.WriteString("</testsuite>\n</testsuites>\n")
	return b.String()
}

// data converts handleSummary's data object back into the summary model.
func (m *summaryInstance) data(v goja.Value) *summary.Data {
	rt := m.vu.Runtime()
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		panic(rt.NewTypeError("the summary data argument is missing"))
	}
	stringify, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	s, err := stringify(goja.Undefined(), v)
	if err != nil {
		panic(err)
	}
	d, err := ParseData([]byte(s.String()))
	if err != nil {
		panic(rt.NewTypeError(err.Error()))
	}
	return d
}

type jsonData struct {
	RootGroup *jsonGroup `json:"root_group"`
	Options   struct {
		SummaryTrendStats []string `json:"summaryTrendStats"`
		SummaryTimeUnit   string   `json:"summaryTimeUnit"`
	} `json:"options"`
	Metrics map[string]struct {
		Type       string              `json:"type"`
		Contains   string              `json:"contains"`
		Values     map[string]*float64 `json:"values"`
		Thresholds map[string]struct {
			OK bool `json:"ok"`
		} `json:"thresholds"`
	} `json:"metrics"`
}

type jsonGroup struct {
	Name   string       `json:"name"`
	Path   string       `json:"path"`
	ID     string       `json:"id"`
	Groups []*jsonGroup `json:"groups"`
	Checks []struct {
		Name   string  `json:"name"`
		Path   string  `json:"path"`
		ID     string  `json:"id"`
		Passes float64 `json:"passes"`
		Fails  float64 `json:"fails"`
	} `json:"checks"`
}

// ParseData decodes handleSummary's data object (as JSON) into the summary
// model: the inverse of summary.HandleSummaryData. Thresholds come back
// sorted by expression; null values (NaN in JS) are left out.
func ParseData(raw []byte) (*summary.Data, error) {
	var jd jsonData
	if err := json.Unmarshal(raw, &jd); err != nil {
		return nil, fmt.Errorf("the summary data is not what handleSummary() receives: %w", err)
	}
	if jd.Metrics == nil && jd.RootGroup == nil {
		return nil, errors.New("the summary data has neither metrics nor root_group")
	}
	d := &summary.Data{
		Options: summary.Options{
			SummaryTrendStats: jd.Options.SummaryTrendStats,
			SummaryTimeUnit:   jd.Options.SummaryTimeUnit,
		},
	}
	if jd.RootGroup != nil {
		d.RootGroup = convertGroup(jd.RootGroup)
	}
	for name, jm := range jd.Metrics {
		m := summary.Metric{Name: name, Type: jm.Type, Contains: jm.Contains, Values: map[string]float64{}}
		if i := strings.IndexByte(name, '{'); i > 0 && strings.HasSuffix(name, "}") {
			m.Parent, m.Filter = name[:i], name[i+1:len(name)-1]
		}
		for k, v := range jm.Values {
			if v != nil {
				m.Values[k] = *v
			}
		}
		srcs := make([]string, 0, len(jm.Thresholds))
		for src := range jm.Thresholds {
			srcs = append(srcs, src)
		}
		slices.Sort(srcs)
		for _, src := range srcs {
			m.Thresholds = append(m.Thresholds, summary.Threshold{Source: src, OK: jm.Thresholds[src].OK})
		}
		d.Metrics = append(d.Metrics, m)
	}
	return d, nil
}

func convertGroup(jg *jsonGroup) *summary.Group {
	g := &summary.Group{Name: jg.Name, Path: jg.Path, ID: jg.ID}
	for _, c := range jg.Checks {
		g.Checks = append(g.Checks, &summary.Check{Name: c.Name, Path: c.Path, ID: c.ID,
			Passes: int64(c.Passes), Fails: int64(c.Fails)})
	}
	for _, sub := range jg.Groups {
		if sub != nil {
			g.Groups = append(g.Groups, convertGroup(sub))
		}
	}
	return g
}
