package statsdtest

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/testutil/daemon"
)

// StartTimeout bounds how long the daemon may take to answer.
const StartTimeout = 30 * time.Second

// WaitTimeout bounds how long the Wait methods wait for metrics to arrive.
const WaitTimeout = 10 * time.Second

// readyKey is the counter Start sends until the daemon counts it.
const readyKey = "statsdtest.ready"

// Server is a running statsd daemon.
type Server struct {
	// Addr is where it listens for metrics, 127.0.0.1:<port> (UDP).
	Addr string
	mgmt string
	base float64 // metrics received before the test's own
}

// DaemonPath returns the stats.js to run: $STAMPEDE_STATSD_JS, or the
// default install location under $HOME/.cache.
func DaemonPath() string {
	if p := os.Getenv("STAMPEDE_STATSD_JS"); p != "" {
		return p
	}
	home, err := os.UserHomeDir()
	if err != nil {
		return ""
	}
	return filepath.Join(home, ".cache", "stampede", "statsd", "node_modules", "statsd", "stats.js")
}

// Start starts the daemon for t and waits until it counts metrics.
func Start(t testing.TB) *Server {
	t.Helper()
	missing := func(what string) {
		t.Helper()
		daemon.Missing(t, what, `npm install --prefix "$HOME/.cache/stampede/statsd" statsd@0.9.0, or set STAMPEDE_STATSD_JS`)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node is not installed")
	}
	js := DaemonPath()
	if _, err := os.Stat(js); err != nil || js == "" {
		missing(fmt.Sprintf("the statsd daemon is missing at %q", js))
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port may be taken before the daemon binds it
		s, err := start(t, node, js)
		if err == nil {
			return s
		}
		lastErr = err
	}
	t.Fatal(lastErr)
	return nil
}

func start(t testing.TB, node, js string) (*Server, error) {
	dir := t.TempDir()
	udpPort, err := daemon.FreePort("udp")
	if err != nil {
		return nil, err
	}
	mgmtPort, err := daemon.FreePort("tcp")
	if err != nil {
		return nil, err
	}
	conf, err := json.Marshal(map[string]any{
		"address":       "127.0.0.1",
		"port":          udpPort,
		"mgmt_address":  "127.0.0.1",
		"mgmt_port":     mgmtPort,
		"flushInterval": int(time.Hour / time.Millisecond),
		"backends":      []string{},
		"title":         false,
	})
	if err != nil {
		return nil, err
	}
	confPath := filepath.Join(dir, "config.json")
	if err := os.WriteFile(confPath, conf, 0o600); err != nil {
		return nil, err
	}
	proc, err := daemon.Start(t, "the statsd daemon", dir, node, js, confPath)
	if err != nil {
		return nil, err
	}
	stop := proc.Stop

	s := &Server{Addr: fmt.Sprintf("127.0.0.1:%d", udpPort), mgmt: fmt.Sprintf("127.0.0.1:%d", mgmtPort)}
	probe, err := net.Dial("udp", s.Addr)
	if err != nil {
		stop()
		return nil, err
	}
	defer probe.Close()
	// The management port answers once the daemon is up; the UDP port is
	// ready once the probe counter is counted.
	err = proc.WaitReady(StartTimeout, "count metrics on "+s.Addr, func() bool {
		_, _ = probe.Write([]byte(readyKey + ":1|c"))
		c, err := s.counters()
		return err == nil && c[readyKey] > 0
	})
	if err != nil {
		return nil, err
	}
	time.Sleep(100 * time.Millisecond) // let probes still in flight arrive
	if _, err := s.command("delcounters " + readyKey); err != nil {
		stop()
		return nil, err
	}
	c, err := s.counters()
	if err != nil {
		stop()
		return nil, err
	}
	s.base = c["statsd.metrics_received"]
	return s, nil
}

// command sends one management command and returns the answer up to its
// "END" line (or its only line, for commands without one).
func (s *Server) command(cmd string) (string, error) {
	c, err := net.DialTimeout("tcp", s.mgmt, 5*time.Second)
	if err != nil {
		return "", err
	}
	defer c.Close()
	_ = c.SetDeadline(time.Now().Add(5 * time.Second))
	if _, err := c.Write([]byte(cmd + "\n")); err != nil {
		return "", err
	}
	r := bufio.NewReader(c)
	var sb strings.Builder
	for {
		line, err := r.ReadString('\n')
		if line == "END\n" {
			return sb.String(), nil
		}
		sb.WriteString(line)
		if err != nil {
			return "", fmt.Errorf("management command %q: %w (read %q)", cmd, err, sb.String())
		}
		if !strings.HasPrefix(cmd, "counters") && !strings.HasPrefix(cmd, "timers") &&
			!strings.HasPrefix(cmd, "gauges") && !strings.HasPrefix(cmd, "del") {
			return sb.String(), nil
		}
	}
}

func (s *Server) counters() (map[string]float64, error) {
	text, err := s.command("counters")
	if err != nil {
		return nil, err
	}
	return parseNumbers(text)
}

func (s *Server) numbers(t testing.TB, cmd string) map[string]float64 {
	t.Helper()
	text, err := s.command(cmd)
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseNumbers(text)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Counters returns every counter by key. The daemon's own counters
// (statsd.metrics_received …) are among them.
func (s *Server) Counters(t testing.TB) map[string]float64 {
	t.Helper()
	return s.numbers(t, "counters")
}

// Gauges returns every gauge by key.
func (s *Server) Gauges(t testing.TB) map[string]float64 {
	t.Helper()
	return s.numbers(t, "gauges")
}

// Timer is what the daemon holds of one timer.
type Timer struct {
	// Count is how many values it got.
	Count int
	// Values are the first (up to 100) of them, as received.
	Values []float64
}

// Timers returns every timer by key.
func (s *Server) Timers(t testing.TB) map[string]Timer {
	t.Helper()
	text, err := s.command("timers")
	if err != nil {
		t.Fatal(err)
	}
	m, err := parseTimers(text)
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// Received is the number of metric lines the daemon counted since Start.
func (s *Server) Received(t testing.TB) int {
	t.Helper()
	return int(s.Counters(t)["statsd.metrics_received"] - s.base)
}

// WaitReceived waits until the daemon counted at least n metric lines
// since Start (UDP delivery is asynchronous) and returns the count.
func (s *Server) WaitReceived(t testing.TB, n int) int {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for {
		got := s.Received(t)
		if got >= n || time.Now().After(deadline) {
			return got
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// WaitCounter waits until the counter key reaches at least want and
// returns all counters; after WaitTimeout it returns them as they are.
func (s *Server) WaitCounter(t testing.TB, key string, want float64) map[string]float64 {
	t.Helper()
	deadline := time.Now().Add(WaitTimeout)
	for {
		c := s.Counters(t)
		if c[key] >= want || time.Now().After(deadline) {
			return c
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// Key is the key the daemon files a metric name with DogStatsD tags
// ("key:value") under: the tags appended as ";key=value", then the whole
// sanitized (white space → '_', '/' → '-', anything but letters, digits
// and _-.;= dropped).
func Key(name string, tags ...string) string {
	for _, tag := range tags {
		name += ";" + strings.Replace(strings.Replace(tag, ";", "_", 1), ":", "=", 1)
	}
	name = spaceRE.ReplaceAllString(name, "_")
	name = strings.ReplaceAll(name, "/", "-")
	return unsafeRE.ReplaceAllString(name, "")
}

//nolint:gochecknoglobals // compiled once
var (
	// An entry of util.inspect's rendering of a flat object: a quoted or
	// bare key, then a number or an array of numbers.
	entryRE = regexp.MustCompile(`(?:'([^']*)'|([A-Za-z_$][\w$]*))\s*:\s*(\[[^\]]*\]|[^,\s}]+)`)
	moreRE  = regexp.MustCompile(`\.\.\.\s*(\d+)\s+more items?`)
	// What the daemon's key sanitizing replaces or drops.
	spaceRE  = regexp.MustCompile(`\s+`)
	unsafeRE = regexp.MustCompile(`[^a-zA-Z_\-0-9.;=]`)
)

// parseNumbers reads util.inspect's rendering of an object of numbers,
// { 'k6.http_reqs': 20, 'statsd.bad_lines_seen': 0 }.
func parseNumbers(text string) (map[string]float64, error) {
	out := map[string]float64{}
	for _, m := range entryRE.FindAllStringSubmatch(text, -1) {
		key := m[1] + m[2]
		v, err := strconv.ParseFloat(m[3], 64)
		if err != nil {
			return nil, fmt.Errorf("value of %q in %q: %w", key, text, err)
		}
		out[key] = v
	}
	if len(out) == 0 && strings.TrimSpace(text) != "{}" {
		return nil, fmt.Errorf("unexpected answer %q", text)
	}
	return out, nil
}

// parseTimers reads util.inspect's rendering of an object of number
// arrays, which lists at most 100 elements and then "... N more items".
func parseTimers(text string) (map[string]Timer, error) {
	out := map[string]Timer{}
	for _, m := range entryRE.FindAllStringSubmatch(text, -1) {
		key, list := m[1]+m[2], m[3]
		if !strings.HasPrefix(list, "[") {
			return nil, fmt.Errorf("timer %q is not an array in %q", key, text)
		}
		var tm Timer
		list = strings.Trim(list, "[]")
		if mm := moreRE.FindStringSubmatch(list); mm != nil {
			more, _ := strconv.Atoi(mm[1])
			tm.Count += more
			list = moreRE.ReplaceAllString(list, "")
		}
		for _, f := range strings.Split(list, ",") {
			if f = strings.TrimSpace(f); f == "" {
				continue
			}
			v, err := strconv.ParseFloat(f, 64)
			if err != nil {
				return nil, fmt.Errorf("timer %q in %q: %w", key, text, err)
			}
			tm.Values = append(tm.Values, v)
			tm.Count++
		}
		out[key] = tm
	}
	if len(out) == 0 && strings.TrimSpace(text) != "{}" {
		return nil, fmt.Errorf("unexpected answer %q", text)
	}
	return out, nil
}
