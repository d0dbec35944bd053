package csv

import (
	"compress/gzip"
	"context"
	stdcsv "encoding/csv"
	"io"
	"os"
	"path/filepath"
	"strings"
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

func TestHeader(t *testing.T) {
	t.Parallel()
	want := "metric_name,timestamp,metric_value,check,error,error_code,expected_response,group,method,name,proto,scenario,service,status,subproto,tls_version,url,extra_tags"
	if got := strings.Join(Header(metrics.DefaultSystemTags), ","); got != want {
		t.Errorf("default header\n got %s\nwant %s", got, want)
	}
	ext, err := metrics.ParseSystemTags([]string{"vu", "iter", "status", "ip", "ocsp_status", "url"})
	if err != nil {
		t.Fatal(err)
	}
	want = "metric_name,timestamp,metric_value,ip,iter,ocsp_status,status,url,vu,extra_tags"
	if got := strings.Join(Header(ext), ","); got != want {
		t.Errorf("extended header\n got %s\nwant %s", got, want)
	}
}

func TestConfig(t *testing.T) {
	t.Parallel()
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		name, arg string
		env       map[string]string
		want      Config
		err       string
	}{
		{name: "defaults", want: Config{"file.csv", time.Second}},
		{name: "file name", arg: "out.csv", want: Config{"out.csv", time.Second}},
		{name: "keys", arg: "file_name=a.csv.gz,save_interval=250ms", want: Config{"a.csv.gz", 250 * time.Millisecond}},
		{name: "env", env: map[string]string{"K6_CSV_FILENAME": "e.csv", "K6_CSV_SAVE_INTERVAL": "2s"}, want: Config{"e.csv", 2 * time.Second}},
		{name: "arg over env", arg: "save_interval=3s", env: map[string]string{"K6_CSV_FILENAME": "e.csv", "K6_CSV_SAVE_INTERVAL": "2s"},
			want: Config{"e.csv", 3 * time.Second}},
		{name: "path with =", arg: "/tmp/run=1/out.csv", want: Config{"/tmp/run=1/out.csv", time.Second}},
		{name: "bare ms", arg: "save_interval=500", want: Config{"file.csv", 500 * time.Millisecond}},
		{name: "unknown key", arg: "file_name=a.csv,color=red", err: `unknown option "color"`},
		{name: "bad interval", arg: "save_interval=soon", err: `invalid duration "soon"`},
		{name: "zero interval", arg: "save_interval=0s", err: "must be positive"},
		{name: "bad env", env: map[string]string{"K6_CSV_SAVE_INTERVAL": "x"}, err: "K6_CSV_SAVE_INTERVAL"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseConfig(tc.arg, env(tc.env))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) {
					t.Fatalf("error %v, want %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want {
				t.Errorf("got %+v, want %+v", got, tc.want)
			}
		})
	}
}

func run(t *testing.T, arg string, sys metrics.SystemTagSet, batch []metrics.Sample) (string, output.Output) {
	t.Helper()
	dir := t.TempDir()
	o, err := New(output.Params{Arg: arg, FS: dirFS(dir), SystemTags: sys, Getenv: func(string) string { return "" }})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddSamples(batch)
	if err := o.Stop(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(dir, strings.TrimPrefix(arg, "file_name=")))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var r io.Reader = f
	if strings.HasSuffix(arg, ".gz") {
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
	return string(data), o
}

func TestRows(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	bm := metrics.RegisterBuiltin(reg)
	at := time.Unix(1621504800, 999_000_000)
	tags := metrics.NewTagSet(map[string]string{"method": "GET", "status": "200", "url": "http://x/a,b", "scenario": "default",
		"mytag": "v", "another": "x y"})
	batch := []metrics.Sample{
		{Metric: bm.HTTPReqDuration, Tags: tags, Time: at, Value: 12.3456789},
		{Metric: bm.VUs, Time: at, Value: 2},
	}
	for _, arg := range []string{"out.csv", "file_name=out.csv.gz"} {
		got, o := run(t, arg, metrics.DefaultSystemTags, batch)
		if d := o.Description(); d != "csv ("+strings.TrimPrefix(arg, "file_name=")+")" {
			t.Errorf("description %q", d)
		}
		want := strings.Join(Header(metrics.DefaultSystemTags), ",") + "\n" +
			`http_req_duration,1621504800,12.345679,,,,,,GET,,,default,,200,,,"http://x/a,b",another=x y&mytag=v` + "\n" +
			"vus,1621504800,2.000000,,,,,,,,,,,,,,,\n"
		if got != want {
			t.Errorf("%s:\n got:\n%s\nwant:\n%s", arg, got, want)
		}
		recs, err := stdcsv.NewReader(strings.NewReader(got)).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for i, r := range recs {
			if len(r) != len(recs[0]) {
				t.Errorf("row %d has %d fields, header %d", i, len(r), len(recs[0]))
			}
		}
	}
}

func TestExtendedSystemTagColumns(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	bm := metrics.RegisterBuiltin(reg)
	sys, _ := metrics.ParseSystemTags([]string{"vu", "iter", "status"})
	tags := metrics.NewTagSet(map[string]string{"vu": "3", "iter": "7", "status": "204", "custom": "c"})
	got, _ := run(t, "x.csv", sys, []metrics.Sample{{Metric: bm.HTTPReqs, Tags: tags, Time: time.Unix(10, 0), Value: 1}})
	want := "metric_name,timestamp,metric_value,iter,status,vu,extra_tags\nhttp_reqs,10,1.000000,7,204,3,custom=c\n"
	if got != want {
		t.Errorf("got:\n%s\nwant:\n%s", got, want)
	}
}
