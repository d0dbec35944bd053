package statsd

import (
	"context"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/outputs/statsd/statsdtest"
	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

// TestStatsdDaemon sends a run's worth of samples to a real StatsD daemon
// (Etsy's statsd 0.9.0) and reads back what it counted: the lines must be
// well-formed (no bad line), counters and checks must add up, timings and
// gauges must arrive with their values; with tags, the daemon files the
// metrics under the DogStatsD tags.
func TestStatsdDaemon(t *testing.T) {
	t.Parallel()
	srv := statsdtest.Start(t)
	reg := metrics.NewRegistry()
	reqs := reg.MustNewMetric("http_reqs", metrics.Counter, metrics.Default)
	dur := reg.MustNewMetric("http_req_duration", metrics.Trend, metrics.Time)
	vus := reg.MustNewMetric("vus", metrics.Gauge, metrics.Default)
	checks := reg.MustNewMetric("checks", metrics.Rate, metrics.Default)
	failed := reg.MustNewMetric("http_req_failed", metrics.Rate, metrics.Default)
	tags := metrics.NewTagSet(map[string]string{"method": "GET", "status": "200", "vu": "1", "url": "http://x/"})
	pass := metrics.NewTagSet(map[string]string{"check": "status is 200"})

	var batch []metrics.Sample
	now := time.Now()
	for i := range 30 {
		ok := 1.0
		if i%3 == 0 {
			ok = 0
		}
		batch = append(batch,
			metrics.Sample{Metric: reqs, Tags: tags, Time: now, Value: 1},
			metrics.Sample{Metric: dur, Tags: tags, Time: now, Value: float64(i) + 0.5},
			metrics.Sample{Metric: failed, Tags: tags, Time: now, Value: 1 - ok},
			metrics.Sample{Metric: checks, Tags: pass, Time: now, Value: ok},
		)
	}
	batch = append(batch, metrics.Sample{Metric: vus, Time: now, Value: 7})

	send := func(t *testing.T, typ, namespace string) int64 {
		t.Helper()
		c, _ := output.Lookup(typ)
		o, err := c(output.Params{Arg: srv.Addr, Getenv: env(map[string]string{
			"K6_STATSD_NAMESPACE": namespace, "K6_DATADOG_NAMESPACE": namespace, "K6_STATSD_PUSH_INTERVAL": "10ms",
		})})
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Start(); err != nil {
			t.Fatal(err)
		}
		for i := 0; i < len(batch); i += 7 { // in several batches, across pushes
			o.AddSamples(batch[i:min(i+7, len(batch))])
		}
		if err := o.Stop(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
		_, lines, failed := o.(*Output).Stats()
		if failed != 0 || lines != int64(len(batch)) {
			t.Fatalf("sent %d lines (%d packets failed), want %d", lines, failed, len(batch))
		}
		return lines
	}

	// One after the other: the daemon's received-lines count is shared.
	lines := send(t, "statsd", "plain.")
	lines += send(t, "datadog", "tagged.")
	if got := srv.WaitReceived(t, int(lines)); got != int(lines) {
		t.Fatalf("the daemon received %d lines, %d were sent", got, lines)
	}
	counters, timers, gauges := srv.Counters(t), srv.Timers(t), srv.Gauges(t)
	if n := counters["statsd.bad_lines_seen"]; n != 0 {
		t.Errorf("%v bad lines", n)
	}

	for _, k := range []struct {
		key  string
		want float64
	}{
		{"plain.http_reqs", 30},
		{"plain.http_req_failed", 10},
		{"plain.check.status_is_200.pass", 20},
		{"plain.check.status_is_200.fail", 10},
		{statsdtest.Key("tagged.http_reqs", "method:GET", "status:200"), 30},
		{statsdtest.Key("tagged.http_req_failed", "method:GET", "status:200"), 10},
		{statsdtest.Key("tagged.check.status is 200.pass", "check:status is 200"), 20},
		{statsdtest.Key("tagged.check.status is 200.fail", "check:status is 200"), 10},
	} {
		if got := counters[k.key]; got != k.want {
			t.Errorf("counter %s = %v, want %v", k.key, got, k.want)
		}
	}
	for _, key := range []string{"plain.http_req_duration", statsdtest.Key("tagged.http_req_duration", "method:GET", "status:200")} {
		tm := timers[key]
		if tm.Count != 30 || len(tm.Values) != 30 || tm.Values[0] != 0.5 || tm.Values[29] != 29.5 {
			t.Errorf("timer %s = %+v, want 30 values 0.5 … 29.5", key, tm)
		}
	}
	if gauges["plain.vus"] != 7 || gauges["tagged.vus"] != 7 {
		t.Errorf("gauges %v", gauges)
	}
	if t.Failed() {
		t.Logf("counters %v", counters)
	}
}
