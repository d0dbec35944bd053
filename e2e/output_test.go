package e2e

import (
	"bufio"
	"compress/gzip"
	"encoding/csv"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// jsonRecord is one line of the json output.
type jsonRecord struct {
	Type   string `json:"type"`
	Metric string `json:"metric"`
	Data   struct {
		Name       string            `json:"name"`
		Type       string            `json:"type"`
		Thresholds []string          `json:"thresholds"`
		Time       string            `json:"time"`
		Value      float64           `json:"value"`
		Tags       map[string]string `json:"tags"`
	} `json:"data"`
}

// readMaybeGzip reads a file, decompressing a .gz one.
func readMaybeGzip(t *testing.T, p string) string {
	t.Helper()
	f, err := os.Open(p)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(p, ".gz") {
		zr, err := gzip.NewReader(f)
		if err != nil {
			t.Fatal(err)
		}
		r = zr
	}
	data, err := io.ReadAll(r)
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// checkJSONLines parses newline-delimited JSON output: every line must be a
// valid record, every metric gets one Metric record before its first
// Point, and the http_reqs Points must number wantReqs. It returns the
// Points per metric.
func checkJSONLines(t *testing.T, text string, wantReqs int) map[string][]jsonRecord {
	t.Helper()
	points := map[string][]jsonRecord{}
	metricSeen := map[string]int{}
	sc := bufio.NewScanner(strings.NewReader(text))
	sc.Buffer(nil, 1<<20)
	for n := 1; sc.Scan(); n++ {
		var rec jsonRecord
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			t.Fatalf("line %d is not JSON: %v\n%s", n, err, sc.Text())
		}
		switch rec.Type {
		case "Metric":
			metricSeen[rec.Metric]++
			if rec.Data.Name != rec.Metric || rec.Data.Type == "" {
				t.Errorf("line %d: bad Metric record %s", n, sc.Text())
			}
		case "Point":
			if metricSeen[rec.Metric] == 0 {
				t.Errorf("line %d: Point of %s before its Metric record", n, rec.Metric)
			}
			if _, err := time.Parse(time.RFC3339Nano, rec.Data.Time); err != nil {
				t.Errorf("line %d: time %q: %v", n, rec.Data.Time, err)
			}
			points[rec.Metric] = append(points[rec.Metric], rec)
		default:
			t.Fatalf("line %d: unknown type %q", n, rec.Type)
		}
	}
	for m, c := range metricSeen {
		if c != 1 {
			t.Errorf("%d Metric records for %s, want 1", c, m)
		}
	}
	if got := len(points["http_reqs"]); got != wantReqs {
		t.Errorf("%d http_reqs points, want %d (the summary's count)", got, wantReqs)
	}
	for _, p := range points["http_reqs"] {
		for _, tag := range []string{"method", "status", "url", "name", "scenario", "expected_response"} {
			if _, ok := p.Data.Tags[tag]; !ok {
				t.Errorf("http_reqs point lacks the %q tag: %v", tag, p.Data.Tags)
				break
			}
		}
		if p.Data.Tags["mine"] != "a&b" {
			t.Errorf("http_reqs point lacks the request's own tag: %v", p.Data.Tags)
			break
		}
	}
	return points
}

const defaultCSVHeader = "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto," +
	"scenario,service,status,subproto,tls_version,url,extra_tags"

// checkCSV checks the header and counts the http_reqs rows.
func checkCSV(t *testing.T, text string, wantReqs int) {
	t.Helper()
	recs, err := csv.NewReader(strings.NewReader(text)).ReadAll()
	if err != nil {
		t.Fatalf("bad CSV: %v", err)
	}
	if len(recs) == 0 || strings.Join(recs[0], ",") != defaultCSVHeader {
		t.Fatalf("header %v", recs[:min(1, len(recs))])
	}
	method := slices.Index(recs[0], "method")
	reqs := 0
	for _, r := range recs[1:] {
		if r[0] != "http_reqs" {
			continue
		}
		reqs++
		if r[method] != "GET" || r[len(r)-1] != "mine=a&b" {
			t.Errorf("row %v: want method GET and extra_tags mine=a&b", r)
		}
	}
	if reqs != wantReqs {
		t.Errorf("%d http_reqs rows, want %d", reqs, wantReqs)
	}
}

func TestOutputFiles(t *testing.T) {
	t.Parallel()
	for _, suffix := range []string{"", ".gz"} {
		t.Run("suffix="+suffix, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			jp, cp := filepath.Join(dir, "out.json"+suffix), filepath.Join(dir, "out.csv"+suffix)
			r := stampede(t, runOpts{}, "run", "-q", "-o", "json="+jp, "--out", "csv="+cp, "--summary-export", "{export}", "output.js")
			r.wantCode(t, 0)
			r.wantOut(t, "output: json ("+jp+"), csv ("+cp+")\n")
			reqs := int(r.export.metric(t, "http_reqs", "count"))
			if reqs != 20 {
				t.Errorf("http_reqs %d, want 20", reqs)
			}
			points := checkJSONLines(t, readMaybeGzip(t, jp), reqs)
			checkCSV(t, readMaybeGzip(t, cp), reqs)
			if got := len(points["iterations"]); got != 20 {
				t.Errorf("%d iterations points, want 20", got)
			}
			if !strings.Contains(readMaybeGzip(t, jp), `"thresholds":["p(95)<5000"]`) {
				t.Error("the http_req_duration Metric record lacks its threshold")
			}
		})
	}
}

func TestOutputJSONToStdout(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "-q", "-o", "json=-", "--summary-export", "{export}", "output.js")
	r.wantCode(t, 0)
	r.wantOut(t, "output: json(stdout)\n", "http_reqs")
	var lines []string
	for _, l := range strings.Split(r.stdout, "\n") {
		if strings.HasPrefix(l, `{"type":`) {
			lines = append(lines, l)
		}
	}
	checkJSONLines(t, strings.Join(lines, "\n"), int(r.export.metric(t, "http_reqs", "count")))
	// Every record comes before the end-of-test summary.
	if last, sum := strings.LastIndex(r.stdout, `{"type":`), strings.Index(r.stdout, "http_reqs."); sum < last {
		t.Errorf("the summary is interleaved with the json records:\n%s", r.stdout)
	}
}

func TestOutputFromK6OUT(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jp, cp := filepath.Join(dir, "env.json"), filepath.Join(dir, "env.csv")
	r := stampede(t, runOpts{env: map[string]string{
		"K6_OUT": "json=" + jp + ",csv=file_name=" + cp + ",save_interval=200ms",
	}}, "run", "-q", "--summary-export", "{export}", "output.js")
	r.wantCode(t, 0)
	r.wantOut(t, "output: json ("+jp+"), csv ("+cp+")\n")
	reqs := int(r.export.metric(t, "http_reqs", "count"))
	checkJSONLines(t, readMaybeGzip(t, jp), reqs)
	checkCSV(t, readMaybeGzip(t, cp), reqs)
}

// TestOutputAbortOnFail: a threshold with abortOnFail ends the run early
// (exit 99); the file is still complete.
func TestOutputAbortOnFail(t *testing.T) {
	t.Parallel()
	jp := filepath.Join(t.TempDir(), "abort.json")
	start := time.Now()
	r := stampede(t, runOpts{env: map[string]string{"ABORT": "1"}},
		"run", "-q", "-o", "json="+jp, "--summary-export", "{export}", "output.js")
	r.wantCode(t, 99)
	if time.Since(start) > 20*time.Second {
		t.Errorf("the run was not aborted early (%v)", time.Since(start))
	}
	checkJSONLines(t, readMaybeGzip(t, jp), int(r.export.metric(t, "http_reqs", "count")))
}

// TestOutputCtrlC: a first Ctrl-C stops the test gracefully; the file holds
// every sample the summary counted.
func TestOutputCtrlC(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	jp, exportPath := filepath.Join(dir, "sig.json.gz"), filepath.Join(dir, "summary.json")
	cp := filepath.Join(dir, "sig.csv")
	bg := startStampede(t, "run", "-q", "--address=", "-e", "DURATION=60s", "-o", "json="+jp, "-o", "csv="+cp,
		"--summary-export", exportPath, "output.js")
	// Wait until the csv output has flushed some rows: the test is running.
	deadline := time.Now().Add(30 * time.Second)
	for {
		if data, err := os.ReadFile(cp); err == nil && strings.Count(string(data), "\n") > 5 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no csv rows after 30s\nstderr:\n%s", &bg.stderr)
		}
		time.Sleep(50 * time.Millisecond)
	}
	if err := bg.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	r := bg.wait(t, time.Minute)
	r.wantCode(t, 0)
	data, err := os.ReadFile(exportPath)
	if err != nil {
		t.Fatal(err)
	}
	var ex export
	if err := json.Unmarshal(data, &ex); err != nil {
		t.Fatal(err)
	}
	reqs := int(ex.metric(t, "http_reqs", "count"))
	checkJSONLines(t, readMaybeGzip(t, jp), reqs)
	checkCSV(t, readMaybeGzip(t, cp), reqs)
}

func TestOutputErrors(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name string
		args []string
		env  map[string]string
		want string
	}{
		{"unknown", []string{"-o", "bogus=x"}, nil, "invalid output type 'bogus', available types are: csv, datadog, influxdb, json, statsd"},
		{"kafka", []string{"-o", "kafka=brokers=localhost:9092"}, nil, "the kafka output is not implemented yet in stampede"},
		{"kafka from K6_OUT", nil, map[string]string{"K6_OUT": "kafka"}, "the kafka output is not implemented yet in stampede"},
		{"cloud", []string{"-o", "cloud"}, nil, "the cloud output is not implemented yet in stampede"},
		{"bad csv option", []string{"-o", "csv=save_interval=soon"}, nil, `invalid duration "soon"`},
		{"unwritable file", []string{"-o", "json=/no/such/dir/out.json"}, nil, "starting the output json (/no/such/dir/out.json)"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			r := stampede(t, runOpts{env: tc.env}, append(append([]string{"run", "-q"}, tc.args...), "output.js")...)
			r.wantCode(t, 255)
			r.wantErr(t, tc.want)
			if strings.Contains(r.stdout, "scenarios:") {
				t.Errorf("the test started despite the output error:\n%s", r.stdout)
			}
		})
	}
}
