package run

import (
	"strconv"
	"strings"

	"github.com/stampede-load/stampede/internal/metrics/engine"
	"github.com/stampede-load/stampede/internal/summary"
	"github.com/stampede-load/stampede/metrics"
)

// SummaryData turns a finished run into the summary's data model.
func (r *Result) SummaryData(trendStats []string, timeUnit string) *summary.Data {
	if len(trendStats) == 0 {
		trendStats = summary.DefaultTrendStats()
	}
	d := &summary.Data{
		RootGroup:       convertGroup(r.Root),
		Options:         summary.Options{SummaryTrendStats: trendStats, SummaryTimeUnit: timeUnit},
		TestRunDuration: r.Elapsed,
	}
	r.Engine.Snapshot(r.Elapsed, func(all []*engine.Series) {
		for _, s := range all {
			m := summary.Metric{
				Name:     s.Key,
				Type:     s.Metric.Type.String(),
				Contains: s.Metric.Contains.String(),
				Values:   sinkValues(s.Sink, trendStats),
			}
			if s.IsSub() {
				m.Parent = s.Metric.Name
				m.Filter = s.FilterText
			}
			for _, th := range s.Thresholds {
				if !th.Evaluated {
					continue
				}
				m.Thresholds = append(m.Thresholds, summary.Threshold{Source: th.Source, OK: !th.Failed})
			}
			d.Metrics = append(d.Metrics, m)
		}
	})
	return d
}

func sinkValues(s metrics.Sink, trendStats []string) map[string]float64 {
	v := map[string]float64{}
	switch sk := s.(type) {
	case *metrics.TrendSink:
		for _, stat := range trendStats {
			if p, ok := percentileArg(stat); ok {
				v[stat] = sk.Percentile(p)
				continue
			}
			if x, ok := sk.Value(stat); ok {
				v[stat] = x
			}
		}
	case *metrics.CounterSink:
		v["count"], _ = sk.Value("count")
		v["rate"], _ = sk.Value("rate")
	case *metrics.GaugeSink:
		v["value"], v["min"], v["max"] = sk.Last, sk.Min, sk.Max
	case *metrics.RateSink:
		v["rate"], _ = sk.Value("rate")
		v["passes"], v["fails"] = float64(sk.Trues), float64(sk.Total-sk.Trues)
	}
	return v
}

// percentileArg parses "p(95)" / "p(99.9)".
func percentileArg(stat string) (float64, bool) {
	if !strings.HasPrefix(stat, "p(") || !strings.HasSuffix(stat, ")") {
		return 0, false
	}
	p, err := strconv.ParseFloat(stat[2:len(stat)-1], 64)
	return p, err == nil
}

func convertGroup(g *metrics.Group) *summary.Group {
	out := &summary.Group{Name: g.Name, Path: g.Path, ID: g.ID}
	for _, c := range g.Checks() {
		out.Checks = append(out.Checks, &summary.Check{Name: c.Name, Path: c.Path, ID: c.ID,
			Passes: c.Passes.Load(), Fails: c.Fails.Load()})
	}
	for _, sub := range g.Groups() {
		out.Groups = append(out.Groups, convertGroup(sub))
	}
	return out
}
