package statsd

import (
	"context"
	"errors"
	"math"
	"net"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestConfig(t *testing.T) {
	t.Parallel()
	def := DefaultConfig()
	dd := DefaultConfig()
	dd.EnableTags = true
	with := func(c Config, f func(*Config)) Config { f(&c); return c }
	cases := []struct {
		name, typ, arg string
		env            map[string]string
		want           Config
		err            string
	}{
		{name: "statsd defaults", typ: "statsd", want: def},
		{name: "datadog defaults", typ: "datadog", want: dd},
		{name: "statsd env", typ: "statsd", env: map[string]string{
			"K6_STATSD_ADDR": "10.0.0.1:9125", "K6_STATSD_NAMESPACE": "app", "K6_STATSD_PUSH_INTERVAL": "250ms",
			"K6_STATSD_BUFFER_SIZE": "5", "K6_STATSD_ENABLE_TAGS": "true", "K6_STATSD_TAG_BLOCKLIST": "vu, name",
		}, want: Config{"10.0.0.1:9125", "app", 250 * time.Millisecond, 5, true, []string{"vu", "name"}}},
		{name: "bare milliseconds", typ: "statsd", env: map[string]string{"K6_STATSD_PUSH_INTERVAL": "500"},
			want: with(def, func(c *Config) { c.PushInterval = 500 * time.Millisecond })},
		{name: "statsd blacklist spelling", typ: "statsd", env: map[string]string{"K6_STATSD_TAG_BLACKLIST": "iter"},
			want: with(def, func(c *Config) { c.TagBlocklist = []string{"iter"} })},
		{name: "datadog env", typ: "datadog", env: map[string]string{
			"K6_DATADOG_ADDR": "dd:8125", "K6_DATADOG_NAMESPACE": "dd.", "K6_DATADOG_PUSH_INTERVAL": "2s",
			"K6_DATADOG_BUFFER_SIZE": "50", "K6_DATADOG_TAG_BLACKLIST": "url",
			"K6_STATSD_ADDR": "ignored:1", "K6_STATSD_NAMESPACE": "ignored.",
		}, want: Config{"dd:8125", "dd.", 2 * time.Second, 50, true, []string{"url"}}},
		{name: "datadog tags off", typ: "datadog", env: map[string]string{"K6_DATADOG_ENABLE_TAGS": "false"},
			want: with(dd, func(c *Config) { c.EnableTags = false })},
		{name: "argument over env", typ: "statsd", arg: "127.0.0.1:9999", env: map[string]string{"K6_STATSD_ADDR": "x:1"},
			want: with(def, func(c *Config) { c.Addr = "127.0.0.1:9999" })},
		{name: "ipv6", typ: "statsd", arg: "[::1]:8125", want: with(def, func(c *Config) { c.Addr = "[::1]:8125" })},
		{name: "no port", typ: "statsd", arg: "localhost", err: `invalid address "localhost": want host:port`},
		{name: "no host", typ: "statsd", arg: ":8125", err: `invalid address ":8125"`},
		{name: "bad interval", typ: "statsd", env: map[string]string{"K6_STATSD_PUSH_INTERVAL": "soon"},
			err: `K6_STATSD_PUSH_INTERVAL: invalid duration "soon"`},
		{name: "bad buffer", typ: "datadog", env: map[string]string{"K6_DATADOG_BUFFER_SIZE": "many"},
			err: `K6_DATADOG_BUFFER_SIZE: "many" is not an integer`},
		{name: "zero buffer", typ: "statsd", env: map[string]string{"K6_STATSD_BUFFER_SIZE": "0"},
			err: "buffer size must be a positive number of lines, got 0"},
		{name: "bad bool", typ: "statsd", env: map[string]string{"K6_STATSD_ENABLE_TAGS": "yes please"},
			err: `K6_STATSD_ENABLE_TAGS: "yes please" is not true or false`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			parse := ParseConfig
			if tc.typ == "datadog" {
				parse = ParseDatadogConfig
			}
			got, err := parse(tc.arg, env(tc.env))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got.Addr != tc.want.Addr || got.Namespace != tc.want.Namespace || got.PushInterval != tc.want.PushInterval ||
				got.BufferSize != tc.want.BufferSize || got.EnableTags != tc.want.EnableTags ||
				!slices.Equal(got.TagBlocklist, tc.want.TagBlocklist) {
				t.Errorf("got %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestPackets(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name      string
		buf       string
		lines     int
		bytes     int
		want      []string
		wantEmpty bool
	}{
		{name: "empty", buf: "", lines: 20, bytes: 1432, wantEmpty: true},
		{name: "one", buf: "a:1|c\n", lines: 20, bytes: 1432, want: []string{"a:1|c"}},
		{name: "by lines", buf: "a\nb\nc\nd\ne\nf\ng\n", lines: 3, bytes: 1432, want: []string{"a\nb\nc", "d\ne\nf", "g"}},
		{name: "by bytes", buf: "aaaa\nbbbb\ncccc\n", lines: 20, bytes: 9, want: []string{"aaaa\nbbbb", "cccc"}},
		{name: "exact fit", buf: "aaaa\nbbbb\n", lines: 2, bytes: 9, want: []string{"aaaa\nbbbb"}},
		{name: "long line alone", buf: "a\nbbbbbbbbbbbb\nc\n", lines: 20, bytes: 5, want: []string{"a", "bbbbbbbbbbbb", "c"}},
		{name: "no final newline", buf: "a\nb", lines: 20, bytes: 100, want: []string{"a\nb"}},
		{name: "one line per packet", buf: "a\nb\n", lines: 1, bytes: 100, want: []string{"a", "b"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			var got []string
			for _, p := range Packets([]byte(tc.buf), tc.lines, tc.bytes) {
				got = append(got, string(p))
			}
			if tc.wantEmpty {
				if len(got) != 0 {
					t.Errorf("got %q, want none", got)
				}
				return
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got %q, want %q", got, tc.want)
			}
		})
	}
}

// listen starts a UDP listener on loopback; read returns the packets it
// got until n lines arrived or a second passed without any.
type listener struct{ c net.PacketConn }

func listen(t *testing.T) listener {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = c.Close() })
	return listener{c}
}

func (l listener) addr() string { return l.c.LocalAddr().String() }

func (l listener) read(t *testing.T, n int) (packets []string, lines []string) {
	t.Helper()
	buf := make([]byte, 64<<10)
	for len(lines) < n {
		_ = l.c.SetReadDeadline(time.Now().Add(5 * time.Second))
		k, _, err := l.c.ReadFrom(buf)
		if err != nil {
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				t.Fatalf("got %d lines, want %d: %q", len(lines), n, lines)
			}
			t.Fatal(err)
		}
		packets = append(packets, string(buf[:k]))
		lines = append(lines, strings.Split(string(buf[:k]), "\n")...)
	}
	// Nothing more may follow.
	_ = l.c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
	if k, _, err := l.c.ReadFrom(buf); err == nil {
		t.Errorf("unexpected packet %q after %q", buf[:k], lines)
	}
	return packets, lines
}

// run builds an output of typ with the environment e, sends it the
// samples, stops it and returns the packets and lines sent to the
// listener.
func run(t *testing.T, typ string, e map[string]string, samples []metrics.Sample, wantLines int) (packets, lines []string) {
	t.Helper()
	l := listen(t)
	vars := map[string]string{"K6_STATSD_PUSH_INTERVAL": "1h", "K6_DATADOG_PUSH_INTERVAL": "1h"}
	for k, v := range e {
		vars[k] = v
	}
	c, _ := output.Lookup(typ)
	o, err := c(output.Params{Arg: l.addr(), Getenv: env(vars)})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddSamples(samples)
	if err := o.Stop(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	if wantLines == 0 {
		_ = l.c.SetReadDeadline(time.Now().Add(50 * time.Millisecond))
		if _, _, err := l.c.ReadFrom(make([]byte, 2048)); err == nil {
			t.Error("a packet was sent for no lines")
		}
		return nil, nil
	}
	return l.read(t, wantLines)
}

func TestLines(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	m := func(name string, typ metrics.Type) *metrics.Metric {
		if x := reg.Get(name); x != nil {
			return x
		}
		return reg.MustNewMetric(name, typ, metrics.Default)
	}
	tags := metrics.NewTagSet(map[string]string{
		"method": "GET", "status": "200", "vu": "1", "iter": "7", "url": "http://x/a?b=c", "group": "", "name": "http://x/a",
	})
	sample := func(name string, typ metrics.Type, v float64, tags *metrics.TagSet) metrics.Sample {
		return metrics.Sample{Metric: m(name, typ), Tags: tags, Time: time.Now(), Value: v}
	}
	check := func(name string, v float64) metrics.Sample {
		return sample("checks", metrics.Rate, v, metrics.NewTagSet(map[string]string{"check": name, "group": "::g"}))
	}
	cases := []struct {
		name    string
		typ     string
		env     map[string]string
		samples []metrics.Sample
		want    []string
	}{
		{name: "counter truncated", typ: "statsd", samples: []metrics.Sample{
			sample("data_sent", metrics.Counter, 123.9, tags), sample("iterations", metrics.Counter, 1, nil),
			sample("neg", metrics.Counter, -2.5, nil),
		}, want: []string{"k6.data_sent:123|c", "k6.iterations:1|c", "k6.neg:-2|c"}},
		{name: "gauge", typ: "statsd", samples: []metrics.Sample{
			sample("vus", metrics.Gauge, 5, tags), sample("frac", metrics.Gauge, 0.25, nil), sample("big", metrics.Gauge, 1e21, nil),
		}, want: []string{"k6.vus:5|g", "k6.frac:0.25|g", "k6.big:1000000000000000000000|g"}},
		{name: "trend timing", typ: "statsd", samples: []metrics.Sample{
			sample("http_req_duration", metrics.Trend, 12.345, tags), sample("http_req_waiting", metrics.Trend, 0, tags),
		}, want: []string{"k6.http_req_duration:12.345|ms", "k6.http_req_waiting:0|ms"}},
		{name: "checks", typ: "statsd", samples: []metrics.Sample{
			check("status is 200", 1), check("status is 200", 0), check("body ok", 1),
		}, want: []string{"k6.check.status is 200.pass:1|c", "k6.check.status is 200.fail:1|c", "k6.check.body ok.pass:1|c"}},
		{name: "check name sanitized", typ: "statsd", samples: []metrics.Sample{check("a:b|c\nd", 1)},
			want: []string{"k6.check.a_b_c_d.pass:1|c"}},
		{name: "other rates", typ: "statsd", samples: []metrics.Sample{
			sample("http_req_failed", metrics.Rate, 0, tags), sample("http_req_failed", metrics.Rate, 1, tags),
		}, want: []string{"k6.http_req_failed:0|c", "k6.http_req_failed:1|c"}},
		{name: "not finite skipped", typ: "statsd", samples: []metrics.Sample{
			sample("g", metrics.Gauge, math.NaN(), nil), sample("g", metrics.Gauge, math.Inf(1), nil), sample("g", metrics.Gauge, 2, nil),
		}, want: []string{"k6.g:2|g"}},
		{name: "namespace", typ: "statsd", env: map[string]string{"K6_STATSD_NAMESPACE": "app"}, samples: []metrics.Sample{
			sample("vus", metrics.Gauge, 1, nil), check("ok", 1),
		}, want: []string{"appvus:1|g", "appcheck.ok.pass:1|c"}},
		{name: "tags enabled", typ: "statsd", env: map[string]string{"K6_STATSD_ENABLE_TAGS": "true"}, samples: []metrics.Sample{
			sample("http_reqs", metrics.Counter, 1, tags), sample("vus", metrics.Gauge, 1, nil), check("ok", 0),
		}, want: []string{"k6.http_reqs:1|c|#method:GET,name:http://x/a,status:200", "k6.vus:1|g", "k6.check.ok.fail:1|c|#check:ok,group:::g"}},
		{name: "blocklist", typ: "statsd", env: map[string]string{"K6_STATSD_ENABLE_TAGS": "true", "K6_STATSD_TAG_BLOCKLIST": "name,method"},
			samples: []metrics.Sample{sample("http_reqs", metrics.Counter, 1, tags)},
			want:    []string{"k6.http_reqs:1|c|#iter:7,status:200,url:http://x/a?b=c,vu:1"}},
		{name: "tag characters", typ: "statsd", env: map[string]string{"K6_STATSD_ENABLE_TAGS": "true"},
			samples: []metrics.Sample{sample("x", metrics.Counter, 1, metrics.NewTagSet(map[string]string{"a:b": "c,d|e\nf"}))},
			want:    []string{"k6.x:1|c|#a_b:c_d_e_f"}},
		{name: "datadog tags by default", typ: "datadog", samples: []metrics.Sample{sample("http_reqs", metrics.Counter, 1, tags)},
			want: []string{"k6.http_reqs:1|c|#method:GET,name:http://x/a,status:200"}},
		{name: "datadog env", typ: "datadog", env: map[string]string{
			"K6_DATADOG_NAMESPACE": "dd.", "K6_DATADOG_TAG_BLACKLIST": "name,status", "K6_STATSD_NAMESPACE": "ignored.",
		}, samples: []metrics.Sample{sample("http_reqs", metrics.Counter, 1, tags)},
			want: []string{"dd.http_reqs:1|c|#iter:7,method:GET,url:http://x/a?b=c,vu:1"}},
		{name: "datadog tags off", typ: "datadog", env: map[string]string{"K6_DATADOG_ENABLE_TAGS": "false"},
			samples: []metrics.Sample{sample("http_reqs", metrics.Counter, 1, tags)}, want: []string{"k6.http_reqs:1|c"}},
		{name: "nothing", typ: "statsd", samples: []metrics.Sample{sample("g", metrics.Gauge, math.NaN(), nil)}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, got := run(t, tc.typ, tc.env, tc.samples, len(tc.want))
			if !slices.Equal(got, tc.want) {
				t.Errorf("lines\n got %q\nwant %q", got, tc.want)
			}
		})
	}
}

// TestPacketing: packets hold at most BUFFER_SIZE lines and MaxPacketSize
// bytes; the push interval sends without waiting for Stop.
func TestPacketing(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	short := reg.MustNewMetric("short", metrics.Counter, metrics.Default)
	long := reg.MustNewMetric("a_rather_long_metric_name_"+strings.Repeat("x", 60), metrics.Trend, metrics.Time)

	t.Run("buffer size", func(t *testing.T) {
		t.Parallel()
		var batch []metrics.Sample
		for range 45 {
			batch = append(batch, metrics.Sample{Metric: short, Value: 1})
		}
		l := listen(t)
		o, err := New(output.Params{Arg: l.addr(), Getenv: env(map[string]string{"K6_STATSD_PUSH_INTERVAL": "20ms"})})
		if err != nil {
			t.Fatal(err)
		}
		if err := o.Start(); err != nil {
			t.Fatal(err)
		}
		defer func() { _ = o.Stop(context.Background(), nil) }()
		o.AddSamples(batch)
		packets, lines := l.read(t, 45) // before Stop: sent by the push interval
		var sizes []int
		for _, p := range packets {
			sizes = append(sizes, strings.Count(p, "\n")+1)
		}
		if !slices.Equal(sizes, []int{20, 20, 5}) || len(lines) != 45 {
			t.Errorf("packet sizes %v (%d lines), want [20 20 5]", sizes, len(lines))
		}
		if p, n, f := o.(*Output).Stats(); p != 3 || n != 45 || f != 0 {
			t.Errorf("stats %d packets, %d lines, %d failed", p, n, f)
		}
	})

	t.Run("byte limit", func(t *testing.T) {
		t.Parallel()
		var batch []metrics.Sample
		for i := range 100 {
			batch = append(batch, metrics.Sample{Metric: long, Value: 1000.123456 + float64(i)})
		}
		packets, lines := run(t, "statsd", map[string]string{"K6_STATSD_BUFFER_SIZE": "1000"}, batch, 100)
		if len(lines) != 100 {
			t.Fatalf("%d lines", len(lines))
		}
		// Each line is 1+len(name)+":10xx.123456|ms" bytes: as many as fit
		// in MaxPacketSize go in one packet.
		lineLen := len(lines[0]) + 1
		perPacket := (MaxPacketSize + 1) / lineLen
		for i, p := range packets {
			n := strings.Count(p, "\n") + 1
			if len(p) > MaxPacketSize || (i < len(packets)-1 && n != perPacket) {
				t.Errorf("packet %d: %d bytes, %d lines; want at most %d bytes, %d lines", i, len(p), n, MaxPacketSize, perPacket)
			}
		}
	})
}

func TestDescription(t *testing.T) {
	t.Parallel()
	for typ, want := range map[string]string{"statsd": "statsd (localhost:8125)", "datadog": "statsd (localhost:8125)"} {
		c, ok := output.Lookup(typ)
		if !ok {
			t.Fatalf("%s is not registered", typ)
		}
		o, err := c(output.Params{Getenv: env(nil)})
		if err != nil {
			t.Fatal(err)
		}
		if d := o.Description(); d != want {
			t.Errorf("%s: description %q, want %q", typ, d, want)
		}
	}
	o, _ := New(output.Params{Arg: "127.0.0.1:9125", Getenv: env(nil)})
	if d := o.Description(); d != "statsd (127.0.0.1:9125)" {
		t.Errorf("description %q", d)
	}
}

func TestUnresolvable(t *testing.T) {
	t.Parallel()
	o, err := New(output.Params{Arg: "no-such-host.invalid:8125", Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	err = o.Start()
	if err == nil {
		_ = o.Stop(context.Background(), nil)
		t.Fatal("no error for an unresolvable host")
	}
	if !strings.Contains(err.Error(), `statsd output: cannot resolve the address "no-such-host.invalid:8125"`) {
		t.Errorf("error %v", err)
	}
	if err := o.Stop(context.Background(), nil); err != nil {
		t.Errorf("Stop after a failed Start: %v", err)
	}
}

// TestNobodyListening: UDP sends to a closed port fail (connection
// refused, learnt from ICMP); the run goes on and the loss is reported.
func TestNobodyListening(t *testing.T) {
	t.Parallel()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := c.LocalAddr().String()
	_ = c.Close()
	logger, hook := logtest.NewNullLogger()
	o, err := New(output.Params{Arg: addr, Getenv: env(map[string]string{"K6_STATSD_PUSH_INTERVAL": "10ms"}), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	m := &metrics.Metric{Name: "x", Type: metrics.Counter}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		o.AddSamples([]metrics.Sample{{Metric: m, Value: 1}})
		if _, _, f := o.(*Output).Stats(); f > 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := o.Stop(context.Background(), nil); err != nil {
		t.Fatalf("Stop: %v", err)
	}
	var msgs []string
	for _, e := range hook.AllEntries() {
		if e.Level == logrus.WarnLevel {
			msgs = append(msgs, e.Message)
		}
	}
	all := strings.Join(msgs, "\n")
	if !strings.Contains(all, "statsd output: could not send metrics to "+addr) || !strings.Contains(all, "metric lines were lost") {
		t.Errorf("warnings:\n%s", all)
	}
}
