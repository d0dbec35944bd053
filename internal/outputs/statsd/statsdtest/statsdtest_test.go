package statsdtest

import (
	"maps"
	"net"
	"slices"
	"testing"

	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func TestParseNumbers(t *testing.T) {
	t.Parallel()
	cases := []struct {
		text string
		want map[string]float64
	}{
		{"{}\n", map[string]float64{}},
		{"{ 'k6.vus': 3 }\n", map[string]float64{"k6.vus": 3}},
		{"{\n  'statsd.bad_lines_seen': 0,\n  'k6.http_reqs': 12,\n  'k6.check.a_b.pass;a=b;c=d_e': 1,\n  x: -1.5e-7\n}\n",
			map[string]float64{"statsd.bad_lines_seen": 0, "k6.http_reqs": 12, "k6.check.a_b.pass;a=b;c=d_e": 1, "x": -1.5e-7}},
	}
	for _, tc := range cases {
		got, err := parseNumbers(tc.text)
		if err != nil {
			t.Errorf("%q: %v", tc.text, err)
			continue
		}
		if !maps.Equal(got, tc.want) {
			t.Errorf("%q: got %v, want %v", tc.text, got, tc.want)
		}
	}
	if _, err := parseNumbers("ERROR\n"); err == nil {
		t.Error("no error for ERROR")
	}
}

func TestParseTimers(t *testing.T) {
	t.Parallel()
	text := "{\n  'k6.a': [\n     0.5,  1.5,\n    2.5,\n    ... 20 more items\n  ],\n  'k6.b;method=GET': [ 3 ],\n  'k6.c': []\n}\n"
	got, err := parseTimers(text)
	if err != nil {
		t.Fatal(err)
	}
	if a := got["k6.a"]; a.Count != 23 || !slices.Equal(a.Values, []float64{0.5, 1.5, 2.5}) {
		t.Errorf("k6.a = %+v", a)
	}
	if b := got["k6.b;method=GET"]; b.Count != 1 || !slices.Equal(b.Values, []float64{3}) {
		t.Errorf("k6.b = %+v", b)
	}
	if c, ok := got["k6.c"]; !ok || c.Count != 0 {
		t.Errorf("k6.c = %+v, %v", c, ok)
	}
}

func TestKey(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		tags []string
		want string
	}{
		{"k6.check.status is 200.pass", nil, "k6.check.status_is_200.pass"},
		{"k6.http_reqs", []string{"method:GET", "name:http://x/a?b=c"}, "k6.http_reqs;method=GET;name=http--x-ab=c"},
		{"k6.x", []string{"a;b:c:d"}, "k6.x;a_b=cd"},
	} {
		if got := Key(tc.name, tc.tags...); got != tc.want {
			t.Errorf("Key(%q, %q) = %q, want %q", tc.name, tc.tags, got, tc.want)
		}
	}
}

// TestServer: the daemon starts, counts what it is sent and is gone at
// the end of the test (goleak and the cleanup's wait check that).
func TestServer(t *testing.T) {
	t.Parallel()
	s := Start(t)
	send(t, s.Addr, "a.b:2|c\na.b:3|c\nt.x:1.5|ms\ng.y:4|g")
	if got := s.WaitReceived(t, 4); got != 4 {
		t.Fatalf("received %d lines, want 4", got)
	}
	if c := s.Counters(t); c["a.b"] != 5 || c[readyKey] != 0 {
		t.Errorf("counters %v", c)
	}
	if tm := s.Timers(t)["t.x"]; tm.Count != 1 || tm.Values[0] != 1.5 {
		t.Errorf("timer %+v", tm)
	}
	if g := s.Gauges(t)["g.y"]; g != 4 {
		t.Errorf("gauge %v", g)
	}
}

func send(t *testing.T, addr, payload string) {
	t.Helper()
	c, err := net.Dial("udp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Write([]byte(payload)); err != nil {
		t.Fatal(err)
	}
}
