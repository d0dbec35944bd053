package api

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

// fake is a Controller with canned answers that records its calls.
type fake struct {
	mu       sync.Mutex
	st       Status
	scaled   [][2]int64
	scaleErr error
	root     *metrics.Group
}

func (f *fake) Status() Status {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.st
}

func (f *fake) SetPaused(p bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.st.Paused = p
	return nil
}

func (f *fake) Scale(_ context.Context, vus, maxVUs int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.scaleErr != nil {
		return f.scaleErr
	}
	f.scaled = append(f.scaled, [2]int64{vus, maxVUs})
	f.st.VUs = vus
	return nil
}

func (f *fake) Metrics() []Metric {
	return []Metric{
		{Name: "http_reqs", Type: "counter", Contains: "default", Sample: map[string]float64{"count": 3, "rate": 1.5}},
		{Name: "http_req_duration{status:200}", Type: "trend", Contains: "time", Tainted: true, Sample: map[string]float64{"avg": 2}},
	}
}

func (f *fake) Root() *metrics.Group { return f.root }

func newFake(t *testing.T) *fake {
	t.Helper()
	root := metrics.NewRootGroup()
	g, _ := root.Group("login")
	c, _ := g.Check("status is 200")
	c.Passes.Add(2)
	c.Fails.Add(1)
	return &fake{st: Status{VUs: 1, VUsMax: 2, Running: true}, root: root}
}

func call(t *testing.T, h http.Handler, method, target, body string) (int, map[string]any) {
	t.Helper()
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest(method, target, strings.NewReader(body)))
	var doc map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &doc); err != nil {
		t.Fatalf("%s %s: body is not JSON: %v\n%s", method, target, err, rec.Body)
	}
	if ct := rec.Header().Get("Content-Type"); ct != "application/vnd.api+json" {
		t.Errorf("Content-Type %q", ct)
	}
	return rec.Code, doc
}

func attrs(t *testing.T, doc map[string]any) map[string]any {
	t.Helper()
	data, ok := doc["data"].(map[string]any)
	if !ok {
		t.Fatalf("no data object in %v", doc)
	}
	return data["attributes"].(map[string]any)
}

func TestStatus(t *testing.T) {
	f := newFake(t)
	code, doc := call(t, Handler(f), "GET", "/v1/status", "")
	if code != 200 {
		t.Fatalf("code %d", code)
	}
	data := doc["data"].(map[string]any)
	if data["type"] != "status" || data["id"] != "default" {
		t.Errorf("data = %v", data)
	}
	a := attrs(t, doc)
	want := map[string]any{"paused": false, "vus": 1.0, "vus-max": 2.0, "stopped": false, "running": true, "tainted": false}
	for k, v := range want {
		if a[k] != v {
			t.Errorf("%s = %v, want %v", k, a[k], v)
		}
	}
}

func TestPatchStatus(t *testing.T) {
	tests := []struct {
		name, body string
		code       int
		paused     bool
		scaled     [][2]int64
		scaleErr   error
		errPart    string
	}{
		{name: "pause", body: `{"data":{"type":"status","id":"default","attributes":{"paused":true}}}`, code: 200, paused: true},
		{name: "scale vus", body: `{"data":{"attributes":{"vus":5}}}`, code: 200, scaled: [][2]int64{{5, -1}}},
		{name: "scale both", body: `{"data":{"attributes":{"vus":5,"vus-max":10}}}`, code: 200, scaled: [][2]int64{{5, 10}}},
		{name: "max only keeps vus", body: `{"data":{"attributes":{"vus-max":10}}}`, code: 200, scaled: [][2]int64{{1, 10}}},
		{name: "bad json", body: `{`, code: 400, errPart: "JSON:API"},
		{name: "invalid scale", body: `{"data":{"attributes":{"vus":50}}}`, code: 400,
			scaleErr: fmt.Errorf("%w: too many", ErrInvalid), errPart: "too many"},
		{name: "not scalable", body: `{"data":{"attributes":{"vus":2}}}`, code: 409,
			scaleErr: fmt.Errorf("%w: no externally-controlled scenario", ErrConflict), errPart: "externally"},
		{name: "other error", body: `{"data":{"attributes":{"vus":2}}}`, code: 500, scaleErr: io.ErrUnexpectedEOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := newFake(t)
			f.scaleErr = tt.scaleErr
			code, doc := call(t, Handler(f), "PATCH", "/v1/status", tt.body)
			if code != tt.code {
				t.Fatalf("code %d, want %d: %v", code, tt.code, doc)
			}
			if code != 200 {
				errsList := doc["errors"].([]any)
				e := errsList[0].(map[string]any)
				if e["status"] != fmt.Sprint(tt.code) || !strings.Contains(fmt.Sprint(e["detail"]), tt.errPart) {
					t.Errorf("error object %v", e)
				}
				return
			}
			if got := attrs(t, doc)["paused"]; got != tt.paused {
				t.Errorf("paused = %v", got)
			}
			if fmt.Sprint(f.scaled) != fmt.Sprint(tt.scaled) {
				t.Errorf("Scale calls %v, want %v", f.scaled, tt.scaled)
			}
		})
	}
}

func TestMetrics(t *testing.T) {
	h := Handler(newFake(t))
	code, doc := call(t, h, "GET", "/v1/metrics", "")
	if code != 200 {
		t.Fatalf("code %d", code)
	}
	list := doc["data"].([]any)
	if len(list) != 2 {
		t.Fatalf("%d metrics", len(list))
	}
	first := list[0].(map[string]any)
	if first["type"] != "metrics" || first["id"] != "http_reqs" {
		t.Errorf("first = %v", first)
	}
	code, doc = call(t, h, "GET", "/v1/metrics/"+"http_req_duration%7Bstatus:200%7D", "")
	if code != 200 {
		t.Fatalf("sub-metric: code %d %v", code, doc)
	}
	a := attrs(t, doc)
	if a["type"] != "trend" || a["contains"] != "time" || a["tainted"] != true || a["sample"].(map[string]any)["avg"] != 2.0 {
		t.Errorf("attributes %v", a)
	}
	if code, _ := call(t, h, "GET", "/v1/metrics/nope", ""); code != 404 {
		t.Errorf("unknown metric: code %d", code)
	}
}

func TestGroups(t *testing.T) {
	f := newFake(t)
	h := Handler(f)
	code, doc := call(t, h, "GET", "/v1/groups", "")
	if code != 200 {
		t.Fatalf("code %d", code)
	}
	list := doc["data"].([]any)
	if len(list) != 2 {
		t.Fatalf("%d groups: %v", len(list), list)
	}
	root := list[0].(map[string]any)
	rel := root["relationships"].(map[string]any)
	if rel["parent"].(map[string]any)["data"] != nil {
		t.Errorf("root has a parent: %v", rel)
	}
	login := f.root.Groups()[0]
	if kids := rel["groups"].(map[string]any)["data"].([]any); len(kids) != 1 || kids[0].(map[string]any)["id"] != login.ID {
		t.Errorf("root's children %v", kids)
	}
	code, doc = call(t, h, "GET", "/v1/groups/"+login.ID, "")
	if code != 200 {
		t.Fatalf("code %d", code)
	}
	a := attrs(t, doc)
	checks := a["checks"].([]any)
	c := checks[0].(map[string]any)
	if a["name"] != "login" || a["path"] != "::login" || c["name"] != "status is 200" || c["passes"] != 2.0 || c["fails"] != 1.0 {
		t.Errorf("group %v", a)
	}
	if code, _ := call(t, h, "GET", "/v1/groups/abc", ""); code != 404 {
		t.Errorf("unknown group: code %d", code)
	}
	if code, _ := call(t, Handler(&fake{}), "GET", "/v1/groups", ""); code != 200 {
		t.Errorf("no root yet: code %d", code)
	}
}

func TestUnknownRoute(t *testing.T) {
	if code, _ := call(t, Handler(newFake(t)), "GET", "/v2/x", ""); code != 404 {
		t.Errorf("code %d", code)
	}
}

// TestServeAndClient runs the real server on a loopback port and talks
// to it with the Client.
func TestServeAndClient(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	f := newFake(t)
	srv := Serve(ln, f)
	c := &Client{Address: srv.Addr()}
	st, err := c.Status(t.Context())
	if err != nil || st.VUsMax != 2 || !st.Running {
		t.Fatalf("Status = %+v, %v", st, err)
	}
	yes := true
	if st, err = c.Patch(t.Context(), StatusPatch{Paused: &yes}); err != nil || !st.Paused {
		t.Fatalf("Patch = %+v, %v", st, err)
	}
	ms, err := c.Metrics(t.Context())
	if err != nil || len(ms) != 2 || ms[0].Name != "http_reqs" || ms[0].Sample["count"] != 3 {
		t.Fatalf("Metrics = %+v, %v", ms, err)
	}
	f.scaleErr = fmt.Errorf("%w: nope", ErrConflict)
	vus := int64(3)
	if _, err := c.Patch(t.Context(), StatusPatch{VUs: &vus}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("refused Patch: %v", err)
	}
	if err := srv.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Status(t.Context()); err == nil || !strings.Contains(err.Error(), ErrUnreachable.Error()) {
		t.Errorf("after Close: %v", err)
	}
}
