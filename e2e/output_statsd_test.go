package e2e

import (
	"net"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/outputs/statsd/statsdtest"
)

// TestOutputStatsd runs output.js against a private StatsD daemon (Etsy's
// statsd) and reads its counters back: as many k6.http_reqs as the
// summary counted requests, one check pass per passed check, a timing per
// request.
func TestOutputStatsd(t *testing.T) {
	t.Parallel()
	srv := statsdtest.Start(t)

	t.Run("env", func(t *testing.T) {
		t.Parallel()
		const ns = "envrun."
		r := stampede(t, runOpts{env: map[string]string{
			"K6_STATSD_ADDR":          srv.Addr,
			"K6_STATSD_NAMESPACE":     ns,
			"K6_STATSD_PUSH_INTERVAL": "100ms",
		}}, "run", "-q", "-o", "statsd", "--summary-export", "{export}", "output.js")
		r.wantCode(t, 0)
		r.wantOut(t, "output: statsd ("+srv.Addr+")\n")
		reqs := r.export.metric(t, "http_reqs", "count")
		if reqs != 20 {
			t.Fatalf("http_reqs count %v, want 20", reqs)
		}
		counters := srv.WaitCounter(t, ns+"http_reqs", reqs)
		if got := counters[ns+"http_reqs"]; got != reqs {
			t.Errorf("%s = %v, the summary counted %v requests", ns+"http_reqs", got, reqs)
		}
		if got := counters[ns+"iterations"]; got != 20 {
			t.Errorf("%siterations = %v, want 20", ns, got)
		}
		c := r.checks(t)["::status is 200"]
		if c.Passes != 20 {
			t.Fatalf("checks %+v, want 20 passes", c)
		}
		pass, fail := statsdtest.Key(ns+"check.status is 200.pass"), statsdtest.Key(ns+"check.status is 200.fail")
		if counters[pass] != float64(c.Passes) || counters[fail] != float64(c.Fails) {
			t.Errorf("%s = %v, %s = %v; the summary has %+v", pass, counters[pass], fail, counters[fail], c)
		}
		if got := counters[ns+"http_req_failed"]; got != 0 {
			t.Errorf("%shttp_req_failed = %v, want 0", ns, got)
		}
		if n := counters["statsd.bad_lines_seen"]; n != 0 {
			t.Errorf("the daemon saw %v bad lines", n)
		}
		if tm := srv.Timers(t)[ns+"http_req_duration"]; tm.Count != int(reqs) {
			t.Errorf("%shttp_req_duration has %d timings, want %v", ns, tm.Count, reqs)
		}
	})

	t.Run("argument with tags", func(t *testing.T) {
		t.Parallel()
		const ns = "tagrun."
		r := stampede(t, runOpts{env: map[string]string{
			"K6_STATSD_NAMESPACE":   ns,
			"K6_STATSD_ENABLE_TAGS": "true",
		}}, "run", "-q", "-o", "statsd="+srv.Addr, "--summary-export", "{export}", "output.js")
		r.wantCode(t, 0)
		r.wantOut(t, "output: statsd ("+srv.Addr+")\n")
		reqs := r.export.metric(t, "http_reqs", "count")
		var counters map[string]float64
		sum := func(prefix string) float64 {
			var n float64
			for k, v := range counters {
				if strings.HasPrefix(k, prefix) {
					n += v
				}
			}
			return n
		}
		deadline := time.Now().Add(statsdtest.WaitTimeout)
		for {
			counters = srv.Counters(t)
			if sum(ns+"http_reqs;") >= reqs || time.Now().After(deadline) {
				break
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got := sum(ns + "http_reqs;"); got != reqs {
			t.Errorf("tagged %shttp_reqs add up to %v, the summary counted %v (counters %v)", ns, got, reqs, counters)
		}
		want := statsdtest.Key(ns+"http_reqs", "expected_response:true", "method:GET", "mine:a&b",
			"name:"+targetURL+"/get", "proto:HTTP/1.1", "scenario:default", "status:200")
		if counters[want] != reqs {
			t.Errorf("no %s = %v among %v", want, reqs, keys(counters))
		}
		if got := sum(statsdtest.Key(ns+"check.status is 200.pass") + ";check=status_is_200"); got != 20 {
			t.Errorf("check passes %v, want 20", got)
		}
	})
}

// TestOutputDatadog: -o datadog sends DogStatsD tags, without the
// blocklisted vu, iter and url.
func TestOutputDatadog(t *testing.T) {
	t.Parallel()
	conn, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	var (
		mu    sync.Mutex
		lines []string
		wg    sync.WaitGroup
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		buf := make([]byte, 64<<10)
		for {
			n, _, err := conn.ReadFrom(buf)
			if err != nil { // the deadline set below, once the run is over
				return
			}
			mu.Lock()
			lines = append(lines, strings.Split(string(buf[:n]), "\n")...)
			mu.Unlock()
		}
	}()
	r := stampede(t, runOpts{env: map[string]string{"K6_DATADOG_ADDR": conn.LocalAddr().String()}},
		"run", "-q", allSystemTags, "-o", "datadog", "--summary-export", "{export}", "output.js")
	// Everything was sent before the process ended: drain what is queued.
	_ = conn.SetReadDeadline(time.Now().Add(300 * time.Millisecond))
	wg.Wait()
	r.wantCode(t, 0)
	r.wantOut(t, "output: statsd ("+conn.LocalAddr().String()+")\n")
	reqs := int(r.export.metric(t, "http_reqs", "count"))

	var httpReqs, passes int
	for _, l := range lines {
		name, tags, ok := strings.Cut(l, "|#")
		if !ok {
			t.Errorf("line without tags: %q", l)
			continue
		}
		set := map[string]bool{}
		for _, tag := range strings.Split(tags, ",") {
			set[tag] = true
			if k, _, _ := strings.Cut(tag, ":"); k == "vu" || k == "iter" || k == "url" {
				t.Errorf("blocklisted tag %q in %q", tag, l)
			}
		}
		switch {
		case name == "k6.http_reqs:1|c":
			httpReqs++
			for _, want := range []string{"method:GET", "status:200", "mine:a&b", "scenario:default", "name:" + targetURL + "/get"} {
				if !set[want] {
					t.Errorf("tag %q missing from %q", want, l)
				}
			}
		case name == "k6.check.status is 200.pass:1|c":
			passes++
			if !set["check:status is 200"] {
				t.Errorf("check tag missing from %q", l)
			}
		}
	}
	if httpReqs != reqs || passes != 20 {
		t.Errorf("%d http_reqs lines (summary: %d), %d check passes (want 20); lines:\n%s",
			httpReqs, reqs, passes, strings.Join(lines, "\n"))
	}
}

// TestOutputStatsdBadAddress: an address that does not resolve stops
// stampede before the test.
func TestOutputStatsdBadAddress(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		args []string
		env  map[string]string
		want string
	}{
		{[]string{"-o", "statsd=no-such-host.invalid:8125"}, nil, `statsd output: cannot resolve the address "no-such-host.invalid:8125"`},
		{[]string{"-o", "datadog"}, map[string]string{"K6_DATADOG_ADDR": "no-such-host.invalid:1"}, `datadog output: cannot resolve the address`},
		{[]string{"-o", "statsd"}, map[string]string{"K6_STATSD_ADDR": "localhost"}, `invalid address "localhost": want host:port`},
		{[]string{"-o", "statsd"}, map[string]string{"K6_STATSD_BUFFER_SIZE": "x"}, `K6_STATSD_BUFFER_SIZE: "x" is not an integer`},
	} {
		r := stampede(t, runOpts{env: tc.env}, append(append([]string{"run", "-q"}, tc.args...), "output.js")...)
		r.wantCode(t, 255)
		r.wantErr(t, tc.want)
		if strings.Contains(r.stdout, "scenarios:") {
			t.Errorf("%v: the test started despite the output error", tc.args)
		}
	}
}
