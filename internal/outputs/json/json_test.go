package json

import (
	"bytes"
	"compress/gzip"
	"context"
	stdjson "encoding/json"
	"io"
	"math"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

type dirFS string

func (d dirFS) Create(name string) (io.WriteCloser, error) {
	return os.Create(filepath.Join(string(d), name))
}

// syncBuffer is a goroutine-safe stdout.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func samples(t *testing.T) (*metrics.Registry, []metrics.Sample) {
	t.Helper()
	reg := metrics.NewRegistry()
	bm := metrics.RegisterBuiltin(reg)
	tags := metrics.NewTagSet(map[string]string{"method": "GET", "url": "http://x/?a=1&b=<2>", "status": "200"})
	at := time.Date(2021, 5, 20, 10, 0, 0, 123456789, time.FixedZone("", 2*3600))
	return reg, []metrics.Sample{
		{Metric: bm.HTTPReqs, Tags: tags, Time: at, Value: 1},
		{Metric: bm.HTTPReqDuration, Tags: tags, Time: at, Value: 123.45},
		{Metric: bm.HTTPReqs, Tags: tags, Time: at, Value: 1},
		{Metric: bm.VUs, Time: at, Value: 3},
	}
}

func TestLines(t *testing.T) {
	t.Parallel()
	reg, batch := samples(t)
	dir := t.TempDir()
	o, err := New(output.Params{Arg: "out.json", FS: dirFS(dir), Registry: reg,
		Thresholds: map[string][]string{"http_req_duration": {"p(95)<500"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Description(); got != "json (out.json)" {
		t.Errorf("description %q", got)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddSamples(batch[:2])
	o.AddSamples(batch[2:])
	if err := o.Stop(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "out.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		`{"type":"Metric","data":{"name":"http_reqs","type":"counter","contains":"default","tainted":null,"thresholds":[],"submetrics":null,"sub":{"name":"","parent":"","suffix":"","tags":null}},"metric":"http_reqs"}`,
		`{"type":"Point","data":{"time":"2021-05-20T10:00:00.123456789+02:00","value":1,"tags":{"method":"GET","status":"200","url":"http://x/?a=1&b=<2>"}},"metric":"http_reqs"}`,
		`{"type":"Metric","data":{"name":"http_req_duration","type":"trend","contains":"time","tainted":null,"thresholds":["p(95)<500"],"submetrics":null,"sub":{"name":"","parent":"","suffix":"","tags":null}},"metric":"http_req_duration"}`,
		`{"type":"Point","data":{"time":"2021-05-20T10:00:00.123456789+02:00","value":123.45,"tags":{"method":"GET","status":"200","url":"http://x/?a=1&b=<2>"}},"metric":"http_req_duration"}`,
		`{"type":"Point","data":{"time":"2021-05-20T10:00:00.123456789+02:00","value":1,"tags":{"method":"GET","status":"200","url":"http://x/?a=1&b=<2>"}},"metric":"http_reqs"}`,
		`{"type":"Metric","data":{"name":"vus","type":"gauge","contains":"default","tainted":null,"thresholds":[],"submetrics":null,"sub":{"name":"","parent":"","suffix":"","tags":null}},"metric":"vus"}`,
		`{"type":"Point","data":{"time":"2021-05-20T10:00:00.123456789+02:00","value":3,"tags":{}},"metric":"vus"}`,
	}
	got := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(got) != len(want) {
		t.Fatalf("%d lines, want %d:\n%s", len(got), len(want), data)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Errorf("line %d:\n got %s\nwant %s", i+1, got[i], want[i])
		}
		if !stdjson.Valid([]byte(got[i])) {
			t.Errorf("line %d is not valid JSON", i+1)
		}
	}
}

func TestGzipAndStdout(t *testing.T) {
	t.Parallel()
	reg, batch := samples(t)
	dir := t.TempDir()
	var stdout syncBuffer
	gz, _ := New(output.Params{Arg: "out.json.gz", FS: dirFS(dir), Registry: reg})
	plain, _ := New(output.Params{Arg: "-", Stdout: &stdout, Registry: reg})
	if d := plain.Description(); d != "json(stdout)" {
		t.Errorf("stdout description %q", d)
	}
	for _, o := range []output.Output{gz, plain} {
		if err := o.Start(); err != nil {
			t.Fatal(err)
		}
		o.AddSamples(batch)
		if err := o.Stop(context.Background(), nil); err != nil {
			t.Fatal(err)
		}
	}
	f, err := os.Open(filepath.Join(dir, "out.json.gz"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	zr, err := gzip.NewReader(f)
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	if string(unzipped) != stdout.String() || strings.Count(stdout.String(), "\n") != 7 {
		t.Errorf("gzip content differs from stdout content:\n%s\n---\n%s", unzipped, stdout.String())
	}
}

// TestPeriodicFlush checks that records reach the file while the output
// runs, not only at Stop.
func TestPeriodicFlush(t *testing.T) {
	t.Parallel()
	reg, batch := samples(t)
	var stdout syncBuffer
	o, _ := New(output.Params{Arg: "-", Stdout: &stdout, Registry: reg})
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	defer o.Stop(context.Background(), nil) //nolint:errcheck // stdout
	o.AddSamples(batch)
	deadline := time.Now().Add(5 * time.Second)
	for stdout.String() == "" {
		if time.Now().After(deadline) {
			t.Fatal("nothing flushed within 5s")
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestStartError(t *testing.T) {
	t.Parallel()
	o, _ := New(output.Params{Arg: "no/such/dir/out.json", FS: dirFS(t.TempDir())})
	if err := o.Start(); err == nil {
		t.Fatal("no error for an impossible path")
	}
	if err := o.Stop(context.Background(), nil); err != nil {
		t.Errorf("Stop after a failed Start: %v", err)
	}
}

// failWriter fails every write, like a full disk.
type failFS struct{}

func (failFS) Create(string) (io.WriteCloser, error) { return failWriter{}, nil }

type failWriter struct{}

func (failWriter) Write([]byte) (int, error) { return 0, io.ErrShortWrite }
func (failWriter) Close() error              { return nil }

func TestWriteErrorReturnedByStop(t *testing.T) {
	t.Parallel()
	reg, batch := samples(t)
	o, _ := New(output.Params{Arg: "x.json", FS: failFS{}, Registry: reg})
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddSamples(batch)
	if err := o.Stop(context.Background(), nil); err == nil || !strings.Contains(err.Error(), "x.json") {
		t.Errorf("Stop returned %v, want the write error", err)
	}
}

func TestEncodingMatchesEncodingJSON(t *testing.T) {
	t.Parallel()
	for _, s := range []string{"", "plain", `q"uote\back`, "tab\tnl\ncr\r\x01\x1f", "<&>", "é ü 日本", "\u2028\u2029", "bad\xffutf8"} {
		var want bytes.Buffer
		enc := stdjson.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		if got := string(appendString(nil, s)); got != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want.String())
		}
	}
	for _, f := range []float64{0, 1, -1, 123.45, 1e-7, 1.5e-9, 1e20, 1e21, 123456789.123, math.SmallestNonzeroFloat64, math.MaxFloat64} {
		want, _ := stdjson.Marshal(f)
		if got := string(appendFloat(nil, f)); got != string(want) {
			t.Errorf("appendFloat(%v) = %s, want %s", f, got, want)
		}
	}
	if got := string(appendFloat(nil, math.NaN())); got != "null" {
		t.Errorf("NaN → %s", got)
	}
}

func FuzzAppendString(f *testing.F) {
	f.Add("a<b&c\"\\\n\x00\u2028")
	f.Fuzz(func(t *testing.T, s string) {
		var want bytes.Buffer
		enc := stdjson.NewEncoder(&want)
		enc.SetEscapeHTML(false)
		_ = enc.Encode(s)
		if got := string(appendString(nil, s)); got != strings.TrimSuffix(want.String(), "\n") {
			t.Errorf("appendString(%q) = %s, want %s", s, got, want.String())
		}
	})
}

func BenchmarkAddSamples(b *testing.B) {
	reg := metrics.NewRegistry()
	bm := metrics.RegisterBuiltin(reg)
	tags := metrics.NewTagSet(map[string]string{"method": "GET", "url": "http://x/", "status": "200", "name": "http://x/",
		"proto": "HTTP/1.1", "scenario": "default", "group": "", "expected_response": "true"})
	batch := make([]metrics.Sample, 512)
	for i := range batch {
		batch[i] = metrics.Sample{Metric: bm.HTTPReqDuration, Tags: tags, Time: time.Now(), Value: float64(i) * 1.5}
	}
	o, _ := New(output.Params{Arg: "-", Stdout: io.Discard, Registry: reg})
	if err := o.Start(); err != nil {
		b.Fatal(err)
	}
	b.ResetTimer()
	for range b.N {
		o.AddSamples(batch)
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N*len(batch))/b.Elapsed().Seconds(), "samples/s")
	_ = o.Stop(context.Background(), nil)
}
