package e2e

import (
	"net"
	"slices"
	"strings"
	"testing"

	"github.com/stampede-load/stampede/internal/outputs/influxdb/influxtest"
)

// allSystemTags enables vu and iter, which k6 leaves off by default, so
// that the influxdb output has them to store as fields.
const allSystemTags = "--system-tags=proto,subproto,status,method,url,name,group,check,error,error_code," +
	"tls_version,scenario,service,expected_response,vu,iter"

// TestOutputInfluxDB runs output.js against a private influxd and reads
// the points back: one http_reqs point per request of the summary, the
// request tags as tags, vu, iter and url as fields.
func TestOutputInfluxDB(t *testing.T) {
	t.Parallel()
	srv := influxtest.Start(t)
	addr := strings.TrimPrefix(srv.URL, "http://")

	t.Run("url", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{}, "run", "-q", allSystemTags, "-o", "influxdb="+srv.URL+"/k6test",
			"--summary-export", "{export}", "output.js")
		r.wantCode(t, 0)
		r.wantOut(t, "output: InfluxDBv1 (http://"+addr+")\n")
		reqs := int(r.export.metric(t, "http_reqs", "count"))
		if reqs != 20 {
			t.Fatalf("http_reqs count %d, want 20", reqs)
		}
		if n := srv.Count(t, "k6test", "value", "http_reqs"); n != reqs {
			t.Errorf("%d http_reqs points in InfluxDB, the summary counted %d", n, reqs)
		}
		if n := srv.Count(t, "k6test", "value", "iterations"); n != 20 {
			t.Errorf("%d iterations points, want 20", n)
		}
		tags := column(t, srv.Query(t, "k6test", `SHOW TAG KEYS FROM "http_req_duration"`), 0)
		for _, want := range []string{"method", "status", "name", "scenario", "proto", "expected_response", "mine"} {
			if !slices.Contains(tags, want) {
				t.Errorf("tag %q missing from http_req_duration's tags %v", want, tags)
			}
		}
		for _, field := range []string{"vu", "iter", "url"} {
			if slices.Contains(tags, field) {
				t.Errorf("%s is a tag, want a field (tagsAsFields)", field)
			}
		}
		fields := srv.Query(t, "k6test", `SHOW FIELD KEYS FROM "http_reqs"`)
		got := map[string]string{}
		for _, v := range fields.Series[0].Values {
			got[v[0].(string)], _ = v[1].(string)
		}
		for name, typ := range map[string]string{"value": "float", "vu": "string", "iter": "string", "url": "string"} {
			if got[name] != typ {
				t.Errorf("field %s has type %q, want %q (fields %v)", name, got[name], typ, got)
			}
		}
		res := srv.Query(t, "k6test", `SELECT "url", "vu", "iter", "method", "status", "mine" FROM "http_reqs" LIMIT 1`)
		if len(res.Series) == 0 || len(res.Series[0].Values) == 0 {
			t.Fatal("no http_reqs row")
		}
		row := res.Series[0].Values[0]
		if row[1] != targetURL+"/get" || row[2] == nil || row[3] == nil || row[4] != "GET" || row[5] != "200" || row[6] != "a&b" {
			t.Errorf("http_reqs row %v (columns %v)", row, res.Series[0].Columns)
		}
	})

	t.Run("env", func(t *testing.T) {
		t.Parallel()
		r := stampede(t, runOpts{env: map[string]string{
			"K6_INFLUXDB_ADDR":           srv.URL,
			"K6_INFLUXDB_DB":             "fromenv",
			"K6_INFLUXDB_TAGS_AS_FIELDS": "vu:int,iter:int",
			"K6_INFLUXDB_PUSH_INTERVAL":  "200ms",
		}}, "run", "-q", allSystemTags, "-o", "influxdb", "--summary-export", "{export}", "output.js")
		r.wantCode(t, 0)
		reqs := int(r.export.metric(t, "http_reqs", "count"))
		if n := srv.Count(t, "fromenv", "value", "http_reqs"); n != reqs {
			t.Errorf("%d http_reqs points in InfluxDB, the summary counted %d", n, reqs)
		}
		fields := srv.Query(t, "fromenv", `SHOW FIELD KEYS FROM "http_reqs"`)
		got := map[string]string{}
		for _, v := range fields.Series[0].Values {
			got[v[0].(string)], _ = v[1].(string)
		}
		if got["vu"] != "integer" || got["iter"] != "integer" || got["url"] != "" {
			t.Errorf("fields %v: want vu and iter integers and url a tag", got)
		}
		if tags := column(t, srv.Query(t, "fromenv", `SHOW TAG KEYS FROM "http_reqs"`), 0); !slices.Contains(tags, "url") {
			t.Errorf("url is not a tag: %v", tags)
		}
	})
}

// TestOutputInfluxDBUnreachable: as in k6, a server that is down does not
// stop the test; the failures are logged.
func TestOutputInfluxDBUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	r := stampede(t, runOpts{}, "run", "-q", "-o", "influxdb=http://"+addr+"/k6", "output.js")
	r.wantCode(t, 0)
	r.wantErr(t, "influxdb output: cannot reach InfluxDBv1 (http://"+addr+")", "points were not stored")
}

// TestOutputInfluxDBBadConfig: configuration mistakes stop stampede before
// the test.
func TestOutputInfluxDBBadConfig(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ arg, want string }{
		{"influxdb=udp://localhost:8089/k6", "the UDP protocol is not supported"},
		{"influxdb=http://localhost:8086/k6?precision=days", `invalid precision "days"`},
		{"influxdb=http://localhost:8086/k6?tagsAsFields=vu:number", `invalid type "number"`},
	} {
		r := stampede(t, runOpts{}, "run", "-q", "-o", tc.arg, "output.js")
		r.wantCode(t, 255)
		r.wantErr(t, "output influxdb: ", tc.want)
		if strings.Contains(r.stdout, "scenarios:") {
			t.Errorf("%s: the test started despite the output error", tc.arg)
		}
	}
}

// column returns column i of the first series of a query result.
func column(t *testing.T, res influxtest.Result, i int) []string {
	t.Helper()
	if len(res.Series) == 0 {
		t.Fatal("empty query result")
	}
	var out []string
	for _, v := range res.Series[0].Values {
		s, _ := v[i].(string)
		out = append(out, s)
	}
	return out
}
