package influxtest

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/testutil/daemon"
)

// StartTimeout bounds how long influxd may take to answer /ping.
const StartTimeout = 30 * time.Second

// Server is a running influxd.
type Server struct {
	// URL is the HTTP API's base URL, http://127.0.0.1:<port>.
	URL    string
	client *http.Client
}

// Start starts influxd for t and waits until it answers /ping.
func Start(t testing.TB) *Server {
	t.Helper()
	bin, err := exec.LookPath("influxd")
	if err != nil {
		daemon.Missing(t, "influxd not installed", "apt-get install influxdb")
	}
	var lastErr error
	for attempt := 0; attempt < 3; attempt++ { // a free port may be taken before influxd binds it
		s, err := start(t, bin)
		if err == nil {
			return s
		}
		lastErr = err
		if !strings.Contains(err.Error(), "address already in use") {
			break
		}
	}
	t.Fatal(lastErr)
	return nil
}

func start(t testing.TB, bin string) (*Server, error) {
	dir := t.TempDir()
	httpPort, err := daemon.FreePort("tcp")
	if err != nil {
		return nil, err
	}
	rpcPort, err := daemon.FreePort("tcp")
	if err != nil {
		return nil, err
	}
	conf := filepath.Join(dir, "influxdb.conf")
	if err := os.WriteFile(conf, []byte(config(dir, httpPort, rpcPort)), 0o600); err != nil {
		return nil, err
	}
	proc, err := daemon.Start(t, "influxd", dir, bin, "-config", conf)
	if err != nil {
		return nil, err
	}
	s := &Server{
		URL:    fmt.Sprintf("http://127.0.0.1:%d", httpPort),
		client: &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}},
	}
	if err := proc.WaitReady(StartTimeout, "answer /ping on "+s.URL, s.ping); err != nil {
		return nil, err
	}
	return s, nil
}

func (s *Server) ping() bool {
	resp, err := s.client.Get(s.URL + "/ping")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	_, _ = io.Copy(io.Discard, resp.Body)
	return resp.StatusCode == http.StatusNoContent
}

func config(dir string, httpPort, rpcPort int) string {
	q := func(p string) string { return fmt.Sprintf("%q", filepath.Join(dir, p)) }
	return fmt.Sprintf(`reporting-disabled = true
bind-address = "127.0.0.1:%d"

[meta]
  dir = %s

[data]
  dir = %s
  wal-dir = %s
  query-log-enabled = false
  wal-fsync-delay = "0s"

[retention]
  enabled = false

[shard-precreation]
  enabled = false

[monitor]
  store-enabled = false

[http]
  enabled = true
  bind-address = "127.0.0.1:%d"
  auth-enabled = false
  log-enabled = false

[logging]
  level = "warn"

[subscriber]
  enabled = false

[continuous_queries]
  enabled = false
`, rpcPort, q("meta"), q("data"), q("wal"), httpPort)
}

// Result is one statement's answer of /query.
type Result struct {
	Series []Series `json:"series"`
	Error  string   `json:"error"`
}

// Series is one series of a query result.
type Series struct {
	Name    string            `json:"name"`
	Tags    map[string]string `json:"tags"`
	Columns []string          `json:"columns"`
	Values  [][]any           `json:"values"`
}

// Query runs q against db (POST /query) and returns its first statement's
// result.
func (s *Server) Query(t testing.TB, db, q string) Result {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	form := url.Values{"db": {db}, "q": {q}}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, s.URL+"/query", strings.NewReader(form.Encode()))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp, err := s.client.Do(req)
	if err != nil {
		t.Fatalf("query %q: %v", q, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	var res struct {
		Results []Result `json:"results"`
		Error   string   `json:"error"`
	}
	if err := json.Unmarshal(body, &res); err != nil {
		t.Fatalf("query %q: %v\n%s", q, err, body)
	}
	if res.Error != "" || len(res.Results) == 0 {
		t.Fatalf("query %q: HTTP %d %s", q, resp.StatusCode, body)
	}
	if res.Results[0].Error != "" {
		t.Fatalf("query %q: %s", q, res.Results[0].Error)
	}
	return res.Results[0]
}

// Count returns SELECT count(field) FROM measurement in db (0 when there
// is no such series).
func (s *Server) Count(t testing.TB, db, field, measurement string) int {
	t.Helper()
	res := s.Query(t, db, fmt.Sprintf(`SELECT count(%q) FROM %q`, field, measurement))
	if len(res.Series) == 0 || len(res.Series[0].Values) == 0 {
		return 0
	}
	n, ok := res.Series[0].Values[0][1].(float64)
	if !ok {
		t.Fatalf("count(%s) of %s: unexpected %v", field, measurement, res.Series[0].Values[0])
	}
	return int(n)
}

// Write posts line-protocol text to db, as a client would.
func (s *Server) Write(t testing.TB, db, lines string) error {
	t.Helper()
	resp, err := s.client.Post(s.URL+"/write?db="+url.QueryEscape(db), "text/plain", bytes.NewBufferString(lines))
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusNoContent {
		return errors.New(strings.TrimSpace(string(body)))
	}
	return nil
}
