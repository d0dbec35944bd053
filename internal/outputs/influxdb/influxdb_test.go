package influxdb

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/sirupsen/logrus"
	logtest "github.com/sirupsen/logrus/hooks/test"
	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/internal/outputs/influxdb/influxtest"
	"github.com/stampede-load/stampede/metrics"
	"github.com/stampede-load/stampede/output"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestInfluxConfig(t *testing.T) {
	t.Parallel()
	def := DefaultConfig()
	with := func(f func(*Config)) Config {
		c := DefaultConfig()
		f(&c)
		return c
	}
	cases := []struct {
		name, arg string
		env       map[string]string
		want      Config
		err       string
	}{
		{name: "defaults", want: def},
		{name: "url", arg: "http://localhost:8086/k6test", want: with(func(c *Config) { c.DB = "k6test" })},
		{name: "url without db", arg: "https://influx.example:8443", want: with(func(c *Config) { c.Addr = "https://influx.example:8443" })},
		{name: "credentials", arg: "http://me:s3cr%40t@h:1/db", want: with(func(c *Config) {
			c.Addr, c.DB, c.Username, c.Password = "http://h:1", "db", "me", "s3cr@t"
		})},
		{name: "query options", arg: "http://h:1/db?precision=ms&retention=week&consistency=all&insecure=true&payload_size=1000" +
			"&concurrent_writes=3&push_interval=250ms&tagsAsFields=vu:int,iter:int&tagsAsFields=url",
			want: with(func(c *Config) {
				c.Addr, c.DB, c.Precision, c.Retention, c.Consistency = "http://h:1", "db", "ms", "week", "all"
				c.Insecure, c.PayloadSize, c.ConcurrentWrites, c.PushInterval = true, 1000, 3, 250*time.Millisecond
				c.TagsAsFields = []string{"vu:int", "iter:int", "url"}
			})},
		{name: "k6 spellings", arg: "http://h:1/db?concurrentWrites=2&pushInterval=2s", want: with(func(c *Config) {
			c.Addr, c.DB, c.ConcurrentWrites, c.PushInterval = "http://h:1", "db", 2, 2*time.Second
		})},
		{name: "env", env: map[string]string{
			"K6_INFLUXDB_ADDR": "https://e:9", "K6_INFLUXDB_DB": "edb", "K6_INFLUXDB_USERNAME": "u", "K6_INFLUXDB_PASSWORD": "p",
			"K6_INFLUXDB_INSECURE": "true", "K6_INFLUXDB_PAYLOAD_SIZE": "512", "K6_INFLUXDB_PUSH_INTERVAL": "500",
			"K6_INFLUXDB_CONCURRENT_WRITES": "4", "K6_INFLUXDB_PRECISION": "s", "K6_INFLUXDB_RETENTION": "r",
			"K6_INFLUXDB_CONSISTENCY": "one", "K6_INFLUXDB_TAGS_AS_FIELDS": "vu:int, url",
		}, want: Config{Addr: "https://e:9", DB: "edb", Username: "u", Password: "p", Insecure: true, PayloadSize: 512,
			PushInterval: 500 * time.Millisecond, ConcurrentWrites: 4, Precision: "s", Retention: "r", Consistency: "one",
			TagsAsFields: []string{"vu:int", "url"}}},
		{name: "url over env", arg: "http://h:1/udb?precision=us", env: map[string]string{
			"K6_INFLUXDB_ADDR": "http://e:9", "K6_INFLUXDB_DB": "edb", "K6_INFLUXDB_PRECISION": "s", "K6_INFLUXDB_CONCURRENT_WRITES": "4",
		}, want: with(func(c *Config) { c.Addr, c.DB, c.Precision, c.ConcurrentWrites = "http://h:1", "udb", "us", 4 })},
		{name: "no tags as fields", arg: "http://h:1/db?tagsAsFields=", want: with(func(c *Config) {
			c.Addr, c.DB, c.TagsAsFields = "http://h:1", "db", []string{}
		})},
		{name: "not a url", arg: "localhost:8086", err: "want http[s]://"},
		{name: "udp", arg: "udp://h:8089/db", err: "UDP protocol is not supported"},
		{name: "ftp", arg: "ftp://h/db", err: "scheme must be http or https"},
		{name: "unknown option", arg: "http://h:1/db?color=red", err: `unknown query parameter "color"`},
		{name: "bad insecure", arg: "http://h:1/db?insecure=yes", err: `insecure must be true or false, not "yes"`},
		{name: "bad precision", arg: "http://h:1/db?precision=days", err: `invalid precision "days"`},
		{name: "bad writes", arg: "http://h:1/db?concurrent_writes=0", err: "concurrent writes must be a positive number"},
		{name: "bad payload", arg: "http://h:1/db?payload_size=big", err: `payload_size: "big" is not an integer`},
		{name: "bad field type", arg: "http://h:1/db?tagsAsFields=vu:number", err: `invalid type "number"`},
		{name: "duplicate field", arg: "http://h:1/db?tagsAsFields=vu,vu:int", err: `"vu" is listed twice`},
		{name: "value field", arg: "http://h:1/db?tagsAsFields=value", err: `cannot become the field "value"`},
		{name: "bad env interval", env: map[string]string{"K6_INFLUXDB_PUSH_INTERVAL": "soon"}, err: "K6_INFLUXDB_PUSH_INTERVAL"},
		{name: "bad env bool", env: map[string]string{"K6_INFLUXDB_INSECURE": "maybe"}, err: "K6_INFLUXDB_INSECURE"},
		{name: "bad env int", env: map[string]string{"K6_INFLUXDB_CONCURRENT_WRITES": "ten"}, err: "K6_INFLUXDB_CONCURRENT_WRITES"},
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
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("got  %+v\nwant %+v", got, tc.want)
			}
		})
	}
}

func TestInfluxDescription(t *testing.T) {
	t.Parallel()
	for arg, want := range map[string]string{
		"":                             "InfluxDBv1 (http://localhost:8086)",
		"http://localhost:8086/k6":     "InfluxDBv1 (http://localhost:8086)",
		"https://me:pw@db.example/xyz": "InfluxDBv1 (https://db.example)",
	} {
		o, err := New(output.Params{Arg: arg, Getenv: env(nil)})
		if err != nil {
			t.Fatal(err)
		}
		if got := o.Description(); got != want {
			t.Errorf("%q: description %q, want %q", arg, got, want)
		}
	}
	o, err := New(output.Params{Getenv: env(map[string]string{"K6_INFLUXDB_ADDR": "http://u:pw@h:1"})})
	if err != nil {
		t.Fatal(err)
	}
	if got := o.Description(); strings.Contains(got, "pw") {
		t.Errorf("the description shows the password: %s", got)
	}
}

func TestInfluxEscaping(t *testing.T) {
	t.Parallel()
	cases := []struct{ in, key, meas string }{
		{"plain", "plain", "plain"},
		{"a b", `a\ b`, `a\ b`},
		{"a,b", `a\,b`, `a\,b`},
		{"a=b", `a\=b`, `a=b`},
		{"line\nbreak", `line\nbreak`, `line\nbreak`},
		{`back\slash`, `back\slash`, `back\slash`},
		{`end\`, `end`, `end`},
		{`end\\\`, `end`, `end`},
		{`odd\,`, `odd\\\,`, `odd\\\,`},
		{`even\\,`, `even\\\,`, `even\\\,`},
		{`eq\=`, `eq\\\=`, `eq\=`},
		{`"quoted"`, `"quoted"`, `"quoted"`},
	}
	for _, c := range cases {
		if got := string(appendKey(nil, c.in)); got != c.key {
			t.Errorf("key %q: got %s, want %s", c.in, got, c.key)
		}
		if got := string(appendMeasurement(nil, c.in)); got != c.meas {
			t.Errorf("measurement %q: got %s, want %s", c.in, got, c.meas)
		}
	}
	if got := string(appendStringField(nil, `say "hi" \o/`)); got != `"say \"hi\" \\o/"` {
		t.Errorf("string field: %s", got)
	}
}

// encode runs samples through an output that writes nowhere.
func encode(t *testing.T, arg string, samples []metrics.Sample) string {
	t.Helper()
	o, err := New(output.Params{Arg: arg, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	out := o.(*Output)
	out.AddSamples(samples)
	return string(out.buf)
}

func TestInfluxLines(t *testing.T) {
	t.Parallel()
	reg := metrics.NewRegistry()
	bm := metrics.RegisterBuiltin(reg)
	at := time.Unix(1621504800, 123456789)
	tags := metrics.NewTagSet(map[string]string{
		"method": "GET", "status": "200", "url": `http://x/a b?q="1"`, "name": "http://x/a b", "group": "",
		"vu": "3", "iter": "17", "scenario": "default", "my tag": "x,y=z",
	})
	batch := []metrics.Sample{
		{Metric: bm.HTTPReqDuration, Tags: tags, Time: at, Value: 12.5},
		{Metric: bm.HTTPReqs, Tags: tags, Time: at, Value: 1},
		{Metric: bm.VUs, Time: at, Value: 2},
		{Metric: &metrics.Metric{Name: "my metric,v2", ID: 999}, Time: at, Value: 1e-7},
		{Metric: bm.VUs, Time: at, Value: nan()},
	}
	cases := []struct{ name, arg, want string }{
		{"defaults", "", "" +
			`http_req_duration,method=GET,my\ tag=x\,y\=z,name=http://x/a\ b,scenario=default,status=200 value=12.5,iter="17",url="http://x/a b?q=\"1\"",vu="3" 1621504800123456789` + "\n" +
			`http_reqs,method=GET,my\ tag=x\,y\=z,name=http://x/a\ b,scenario=default,status=200 value=1,iter="17",url="http://x/a b?q=\"1\"",vu="3" 1621504800123456789` + "\n" +
			`vus value=2 1621504800123456789` + "\n" +
			`my\ metric\,v2 value=1e-07 1621504800123456789` + "\n"},
		{"typed fields, ms", "http://h:1/db?precision=ms&tagsAsFields=vu:int,iter:float,status:bool,method:int", "" +
			`http_req_duration,my\ tag=x\,y\=z,name=http://x/a\ b,scenario=default,url=http://x/a\ b?q\="1" value=12.5,iter=17,vu=3i 1621504800123` + "\n" +
			`http_reqs,my\ tag=x\,y\=z,name=http://x/a\ b,scenario=default,url=http://x/a\ b?q\="1" value=1,iter=17,vu=3i 1621504800123` + "\n" +
			`vus value=2 1621504800123` + "\n" +
			`my\ metric\,v2 value=1e-07 1621504800123` + "\n"},
		{"no fields, s", "http://h:1/db?precision=s&tagsAsFields=", "" +
			`http_req_duration,iter=17,method=GET,my\ tag=x\,y\=z,name=http://x/a\ b,scenario=default,status=200,url=http://x/a\ b?q\="1",vu=3 value=12.5 1621504800` + "\n" +
			`http_reqs,iter=17,method=GET,my\ tag=x\,y\=z,name=http://x/a\ b,scenario=default,status=200,url=http://x/a\ b?q\="1",vu=3 value=1 1621504800` + "\n" +
			`vus value=2 1621504800` + "\n" +
			`my\ metric\,v2 value=1e-07 1621504800` + "\n"},
	}
	for _, tc := range cases {
		if got := encode(t, tc.arg, batch); got != tc.want {
			t.Errorf("%s:\n got:\n%s\nwant:\n%s", tc.name, got, tc.want)
		}
	}
}

func nan() float64 { var z float64; return z / z }

func TestInfluxSplitPayload(t *testing.T) {
	t.Parallel()
	body := []byte("aaaa\nbb\ncccccccc\nd\n")
	cases := []struct {
		size int
		want []string
	}{
		{0, []string{"aaaa\nbb\ncccccccc\nd\n"}},
		{100, []string{"aaaa\nbb\ncccccccc\nd\n"}},
		{8, []string{"aaaa\nbb\n", "cccccccc\n", "d\n"}},
		{5, []string{"aaaa\n", "bb\n", "cccccccc\n", "d\n"}},
	}
	for _, c := range cases {
		var got []string
		for _, p := range splitPayload(body, c.size) {
			got = append(got, string(p))
		}
		if !reflect.DeepEqual(got, c.want) {
			t.Errorf("size %d: got %q, want %q", c.size, got, c.want)
		}
	}
}

func samples(reg *metrics.Registry, n int, start time.Time) []metrics.Sample {
	bm := metrics.RegisterBuiltin(reg)
	out := make([]metrics.Sample, 0, n)
	for i := range n {
		tags := metrics.NewTagSet(map[string]string{"method": "GET", "status": "200", "url": fmt.Sprintf("http://x/%d", i),
			"vu": fmt.Sprint(i%4 + 1), "iter": fmt.Sprint(i), "group": "", "name": "http://x/${}"})
		out = append(out, metrics.Sample{Metric: bm.HTTPReqs, Tags: tags, Time: start.Add(time.Duration(i) * time.Microsecond), Value: 1})
	}
	return out
}

func newLogger() (*logrus.Logger, *logtest.Hook) {
	l, hook := logtest.NewNullLogger()
	l.SetLevel(logrus.DebugLevel)
	return l, hook
}

// TestInfluxRealServer writes through influxd and reads the points back.
func TestInfluxRealServer(t *testing.T) {
	t.Parallel()
	srv := influxtest.Start(t)
	l, hook := newLogger()
	o, err := New(output.Params{Arg: srv.URL + "/k6-test?push_interval=100ms&payload_size=2000&concurrent_writes=2",
		Getenv: env(nil), Logger: l})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry()
	batch := samples(reg, 500, time.Now().Add(-time.Minute))
	for i := 0; i < len(batch); i += 50 {
		o.AddSamples(batch[i : i+50])
		time.Sleep(5 * time.Millisecond)
	}
	weird := &metrics.Metric{Name: "weird name,=x", ID: 900}
	weirdTags := metrics.NewTagSet(map[string]string{"sp ace": "a b", "com,ma": "c,d", "eq=": "e=f", "back": `g\`, "odd": `h\,i`, "nl": "j\nk"})
	o.AddSamples([]metrics.Sample{{Metric: weird, Tags: weirdTags, Time: time.Now(), Value: 3.25}})
	if err := o.Stop(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	for _, e := range hook.AllEntries() {
		if e.Level <= logrus.WarnLevel {
			t.Errorf("logged: %s %v", e.Message, e.Data)
		}
	}
	writes, failed, _ := o.(*Output).Stats()
	if failed != 0 || writes < 2 {
		t.Errorf("writes %d, failed %d; want several writes (payload_size) and no failure", writes, failed)
	}
	if n := srv.Count(t, "k6-test", "value", "http_reqs"); n != 500 {
		t.Errorf("count(value) of http_reqs = %d, want 500", n)
	}
	keys := srv.Query(t, "k6-test", `SHOW TAG KEYS FROM "http_reqs"`)
	var tagKeys []string
	for _, v := range keys.Series[0].Values {
		tagKeys = append(tagKeys, v[0].(string))
	}
	if want := []string{"method", "name", "status"}; !reflect.DeepEqual(tagKeys, want) {
		t.Errorf("tag keys %v, want %v (empty group left out; vu, iter, url are fields)", tagKeys, want)
	}
	fields := srv.Query(t, "k6-test", `SHOW FIELD KEYS FROM "http_reqs"`)
	gotFields := map[string]string{}
	for _, v := range fields.Series[0].Values {
		gotFields[v[0].(string)] = v[1].(string)
	}
	if want := map[string]string{"value": "float", "vu": "string", "iter": "string", "url": "string"}; !reflect.DeepEqual(gotFields, want) {
		t.Errorf("field keys %v, want %v", gotFields, want)
	}
	res := srv.Query(t, "k6-test", `SELECT "url" FROM "http_reqs" WHERE "iter" = '42'`)
	if len(res.Series) != 1 || len(res.Series[0].Values) != 1 || res.Series[0].Values[0][1] != "http://x/42" {
		t.Errorf("url of iteration 42: %+v", res.Series)
	}
	// Escaped names and values come back as they were.
	res = srv.Query(t, "k6-test", `SELECT * FROM "weird name,=x"`)
	if len(res.Series) != 1 || len(res.Series[0].Values) != 1 {
		t.Fatalf("weird measurement: %+v", res)
	}
	row := map[string]any{}
	for i, c := range res.Series[0].Columns {
		row[c] = res.Series[0].Values[0][i]
	}
	wantRow := map[string]string{"sp ace": "a b", "com,ma": "c,d", "eq=": "e=f", "nl": `j\nk`}
	for k, v := range wantRow {
		if row[k] != v {
			t.Errorf("tag %q = %#v, want %#v (row %v)", k, row[k], v, row)
		}
	}
	// InfluxDB 1.x can store neither a trailing backslash (dropped) nor a
	// backslash before an escaped character (kept doubled), but neither
	// may break the line.
	if row["back"] != "g" || row["odd"] != `h\\,i` {
		t.Errorf("back %#v, odd %#v", row["back"], row["odd"])
	}
	if row["value"] != 3.25 {
		t.Errorf("value %v", row["value"])
	}
}

// TestInfluxUnreachable: a server that is down is a warning at Start, each
// failed write is logged and counted, and the run goes on.
func TestInfluxUnreachable(t *testing.T) {
	t.Parallel()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	_ = l.Close()
	logger, hook := newLogger()
	o, err := New(output.Params{Arg: "http://" + addr + "/k6?push_interval=50ms", Getenv: env(nil), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatalf("Start failed: %v (k6 only warns)", err)
	}
	o.AddSamples(samples(metrics.NewRegistry(), 10, time.Now()))
	if err := o.Stop(t.Context(), nil); err != nil {
		t.Fatalf("Stop: %v; write errors must not fail the run", err)
	}
	var msgs []string
	for _, e := range hook.AllEntries() {
		msgs = append(msgs, e.Level.String()+": "+e.Message)
	}
	all := strings.Join(msgs, "\n")
	for _, want := range []string{
		"warning: influxdb output: cannot reach InfluxDBv1 (http://" + addr + ")",
		"error: influxdb output: could not write 10 points",
		"warning: influxdb output: 1 of 1 writes to InfluxDBv1 (http://" + addr + ") failed; 10 points were not stored",
	} {
		if !strings.Contains(all, want) {
			t.Errorf("log lacks %q:\n%s", want, all)
		}
	}
}

// TestInfluxServerErrors: an error answer of /write is counted and logged with
// the server's message; a refused CREATE DATABASE is only a debug message.
func TestInfluxServerErrors(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		if r.URL.Path == "/query" {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `{"error":"requires admin privilege"}`)
			return
		}
		w.WriteHeader(http.StatusBadRequest)
		_, _ = io.WriteString(w, `{"error":"partial write: field type conflict"}`)
	}))
	defer srv.Close()
	logger, hook := newLogger()
	o, err := New(output.Params{Arg: srv.URL + "/db", Getenv: env(nil), Logger: logger})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddSamples(samples(metrics.NewRegistry(), 3, time.Now()))
	if err := o.Stop(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	var gotDebug, gotErr bool
	for _, e := range hook.AllEntries() {
		msg := e.Message
		if err, ok := e.Data[logrus.ErrorKey].(error); ok {
			msg += ": " + err.Error()
		}
		switch {
		case e.Level == logrus.DebugLevel && strings.Contains(msg, "requires admin privilege"):
			gotDebug = true
		case e.Level == logrus.ErrorLevel && strings.Contains(msg, "400 Bad Request: partial write: field type conflict"):
			gotErr = true
		case e.Level == logrus.WarnLevel && strings.Contains(msg, "cannot reach"):
			t.Errorf("an answering server reported unreachable: %s", msg)
		}
	}
	if !gotDebug || !gotErr {
		t.Errorf("debug %v, error %v; log: %v", gotDebug, gotErr, hook.AllEntries())
	}
	if _, failed, points := o.(*Output).Stats(); failed != 1 || points != 3 {
		t.Errorf("failed writes %d, points %d; want 1, 3", failed, points)
	}
}

// TestInfluxConcurrencyBound: no more than concurrent_writes requests are in
// flight, the rest wait, and every sample arrives, with the database name,
// credentials, precision and retention policy on each write.
func TestInfluxConcurrencyBound(t *testing.T) {
	t.Parallel()
	var inFlight, peak, lines atomic.Int64
	var mu sync.Mutex
	var bad []string
	release := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/query" {
			if q := r.FormValue("q"); q != `CREATE DATABASE "my\"db"` {
				mu.Lock()
				bad = append(bad, "query "+q)
				mu.Unlock()
			}
			_, _ = io.WriteString(w, `{"results":[{"statement_id":0}]}`)
			return
		}
		body, _ := io.ReadAll(r.Body)
		u, p, _ := r.BasicAuth()
		q := r.URL.Query()
		if u != "me" || p != "pw" || q.Get("db") != `my"db` || q.Get("precision") != "u" || q.Get("rp") != "week" {
			mu.Lock()
			bad = append(bad, r.URL.String()+" "+u+":"+p)
			mu.Unlock()
		}
		n := inFlight.Add(1)
		for {
			old := peak.Load()
			if n <= old || peak.CompareAndSwap(old, n) {
				break
			}
		}
		<-release
		lines.Add(int64(strings.Count(string(body), "\n")))
		inFlight.Add(-1)
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	o, err := New(output.Params{Arg: strings.Replace(srv.URL, "http://", "http://me:pw@", 1) +
		`/my"db?push_interval=10ms&concurrent_writes=2&precision=us&retention=week`, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	reg := metrics.NewRegistry()
	all := samples(reg, 40, time.Now())
	for i := range 8 {
		o.AddSamples(all[i*5 : i*5+5])
		time.Sleep(20 * time.Millisecond)
	}
	close(release)
	if err := o.Stop(t.Context(), nil); err != nil {
		t.Fatal(err)
	}
	if p := peak.Load(); p != 2 {
		t.Errorf("peak concurrent writes %d, want 2", p)
	}
	if n := lines.Load(); n != 40 {
		t.Errorf("%d points arrived, want 40", n)
	}
	if len(bad) > 0 {
		t.Errorf("bad requests: %v", bad)
	}
}

// TestInfluxStopGivesUp: Stop's context bounds the wait for a server that does
// not answer; the output's goroutines end anyway.
func TestInfluxStopGivesUp(t *testing.T) {
	t.Parallel()
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/write" {
			select {
			case <-block:
			case <-r.Context().Done():
			}
		}
		w.WriteHeader(http.StatusNoContent)
	}))
	defer srv.Close()
	defer close(block)
	o, err := New(output.Params{Arg: srv.URL + "/db", Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if err := o.Start(); err != nil {
		t.Fatal(err)
	}
	o.AddSamples(samples(metrics.NewRegistry(), 5, time.Now()))
	ctx, cancel := context.WithTimeout(t.Context(), 200*time.Millisecond)
	defer cancel()
	start := time.Now()
	if err := o.Stop(ctx, nil); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("Stop took %v", d)
	}
	if _, failed, _ := o.(*Output).Stats(); failed != 1 {
		t.Errorf("failed writes %d, want 1 (cancelled)", failed)
	}
}
