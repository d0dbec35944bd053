package http

import (
	"io"
	"log"
	"maps"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/metrics"
)

func TestSamplesAndTags(t *testing.T) {
	t.Parallel()
	base := startTarget(t)
	refused := closedURL(t)

	tests := []struct {
		name       string
		js         string
		wantTags   map[string]string
		wantFailed float64
	}{
		{
			name: "200",
			js:   `http.get("` + base + `/get")`,
			wantTags: map[string]string{
				"group": "", "scenario": "default", "method": "GET", "url": base + "/get", "name": base + "/get",
				"proto": "HTTP/1.1", "status": "200", "expected_response": "true",
			},
		},
		{
			name: "404",
			js:   `http.get("` + base + `/status/404")`,
			wantTags: map[string]string{
				"group": "", "scenario": "default", "method": "GET", "url": base + "/status/404", "name": base + "/status/404",
				"proto": "HTTP/1.1", "status": "404", "expected_response": "false", "error_code": "1404",
			},
			wantFailed: 1,
		},
		{
			name: "503",
			js:   `http.post("` + base + `/status/503")`,
			wantTags: map[string]string{
				"group": "", "scenario": "default", "method": "POST", "url": base + "/status/503", "name": base + "/status/503",
				"proto": "HTTP/1.1", "status": "503", "expected_response": "false", "error_code": "1503",
			},
			wantFailed: 1,
		},
		{
			name: "connection refused",
			js:   `http.get("` + refused + `/")`,
			wantTags: map[string]string{
				"group": "", "scenario": "default", "method": "GET", "url": refused + "/", "name": refused + "/",
				"status": "0", "expected_response": "false", "error_code": "1212", "error": "dial: connection refused",
			},
			wantFailed: 1,
		},
		{
			name: "user tags and name",
			js:   `http.get("` + base + `/get?id=1", {tags: {name: "by-id", team: "a", method: "mine"}})`,
			wantTags: map[string]string{
				"group": "", "scenario": "default", "method": "GET", "url": base + "/get?id=1", "name": "by-id",
				"proto": "HTTP/1.1", "status": "200", "expected_response": "true", "team": "a",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu, _ := newVU(t, base)
			vu.MustRun(`var res = ` + tc.js)
			h := hops(t, vu.Samples.All())
			if len(h) != 1 {
				t.Fatalf("%d hops, want 1", len(h))
			}
			if got := h[0][0].Tags.Map(); !maps.Equal(got, tc.wantTags) {
				t.Errorf("tags\n got %v\nwant %v", got, tc.wantTags)
			}
			if got := valueOf(h[0], "http_reqs"); got != 1 {
				t.Errorf("http_reqs %v", got)
			}
			if got := valueOf(h[0], "http_req_failed"); got != tc.wantFailed {
				t.Errorf("http_req_failed %v, want %v", got, tc.wantFailed)
			}
			wantCode := int64(0)
			if c, ok := tc.wantTags["error_code"]; ok {
				wantCode = map[string]int64{"1404": 1404, "1503": 1503, "1212": 1212}[c]
			}
			if got := vu.MustRun(`res.error_code`).ToInteger(); got != wantCode {
				t.Errorf("res.error_code %d, want %d", got, wantCode)
			}
			if got := vu.MustRun(`res.error`).String(); got != tc.wantTags["error"] {
				t.Errorf("res.error %q, want %q", got, tc.wantTags["error"])
			}
		})
	}
}

func TestSystemTagsFiltering(t *testing.T) {
	t.Parallel()
	base := startTarget(t)
	tests := []struct {
		enabled []string
		want    map[string]string
	}{
		{[]string{"status", "method"}, map[string]string{"status": "200", "method": "GET"}},
		{[]string{"url", "ip"}, map[string]string{"url": base + "/get", "ip": "127.0.0.1"}},
		{[]string{"name", "expected_response", "error_code"}, map[string]string{"name": base + "/get", "expected_response": "true"}},
		{nil, map[string]string{}},
	}
	for _, tc := range tests {
		t.Run(strings.Join(tc.enabled, ","), func(t *testing.T) {
			t.Parallel()
			vu, _ := newVU(t, base)
			sys, err := metrics.ParseSystemTags(tc.enabled)
			if err != nil {
				t.Fatal(err)
			}
			vu.StateValue.Options.SystemTags = sys
			vu.StateValue.Tags = nil
			vu.MustRun(`http.get(BASE + "/get")`)
			h := hops(t, vu.Samples.All())
			if got := h[0][0].Tags.Map(); !maps.Equal(got, tc.want) {
				t.Errorf("tags %v, want %v", got, tc.want)
			}
		})
	}
}

func TestNoResponseCallback(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))
	vu.MustRun(`http.setResponseCallback(null); http.get(BASE + "/status/500")`)
	if n := len(vu.Samples.Named("http_req_failed")); n != 0 {
		t.Errorf("%d http_req_failed samples without a callback", n)
	}
	all := vu.Samples.All()
	if len(all) != 8 {
		t.Fatalf("%d samples, want 8", len(all))
	}
	if _, ok := all[0].Tags.Get("expected_response"); ok {
		t.Error("expected_response tag without a callback")
	}
	if c, _ := all[0].Tags.Get("error_code"); c != "1500" {
		t.Errorf("error_code %q", c)
	}
}

func TestTimingsAndConnectionReuse(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))
	vu.MustRun(`var r1 = http.get(BASE + "/get"); var r2 = http.get(BASE + "/get")`)

	for _, r := range []string{"r1", "r2"} {
		ok := vu.MustRun(`(function(t) {
			var names = ["duration", "blocked", "looking_up", "connecting", "tls_handshaking", "sending", "waiting", "receiving"];
			for (var i = 0; i < names.length; i++) {
				if (typeof t[names[i]] !== "number" || t[names[i]] < 0) return names[i] + " = " + t[names[i]];
			}
			if (t.looking_up !== 0) return "looking_up " + t.looking_up;
			if (t.duration !== t.sending + t.waiting + t.receiving) return "duration is not sending+waiting+receiving";
			if (t.waiting <= 0) return "waiting 0";
			return "ok";
		})(` + r + `.timings)`).String()
		if ok != "ok" {
			t.Errorf("%s: %s", r, ok)
		}
	}
	if got := vu.MustRun(`r1.timings.connecting > 0`).ToBoolean(); !got {
		t.Error("first request: connecting 0, want a new connection")
	}
	if got := vu.MustRun(`r2.timings.connecting`).ToFloat(); got != 0 {
		t.Errorf("second request: connecting %v, want 0 on a reused connection", got)
	}
	if got := vu.MustRun(`r1.remote_port === r2.remote_port`).ToBoolean(); !got {
		t.Error("the second request did not reuse the first one's connection")
	}

	h := hops(t, vu.Samples.All())
	if len(h) != 2 {
		t.Fatalf("%d hops", len(h))
	}
	for i, name := range []string{"r1", "r2"} {
		for metric, field := range map[string]string{
			"http_req_duration": "duration", "http_req_blocked": "blocked", "http_req_connecting": "connecting",
			"http_req_tls_handshaking": "tls_handshaking", "http_req_sending": "sending",
			"http_req_waiting": "waiting", "http_req_receiving": "receiving",
		} {
			want := vu.MustRun(name + ".timings." + field).ToFloat()
			if got := valueOf(h[i], metric); got != want {
				t.Errorf("%s %s sample %v, timings.%s %v", name, metric, got, field, want)
			}
		}
	}
}

func TestTLSAndHTTP2(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.StartTLS()
	t.Cleanup(srv.Close)

	vu, _ := newVU(t, srv.URL)

	// The default transport verifies certificates: httptest's is untrusted.
	if got := vu.MustRun(`var res = http.get(BASE); res.status + "|" + res.error_code + "|" + res.error`).String(); got != "0|1310|x509: unknown authority" {
		t.Errorf("untrusted certificate: %s", got)
	}

	tr := netx.NewTransport(netx.NewDialer(), netx.TransportOptions{InsecureSkipTLSVerify: true})
	t.Cleanup(tr.CloseIdleConnections)
	vu.StateValue.Transport = tr
	vu.Samples.Reset()
	vu.MustRun(`var res = http.get(BASE)`)
	for js, want := range map[string]any{
		`res.status`:      int64(200),
		`res.proto`:       "HTTP/2.0",
		`res.body`:        "HTTP/2.0",
		`res.tls_version`: "tls1.3",
		// AES-GCM or ChaCha20, depending on the CPU's AES support.
		`/^TLS_(AES|CHACHA20)_/.test(res.tls_cipher_suite)`: true,
		`res.timings.tls_handshaking > 0`:                   true,
	} {
		if got := vu.MustRun(js).Export(); got != want {
			t.Errorf("%s = %#v, want %#v", js, got, want)
		}
	}
	tags := hops(t, vu.Samples.All())[0][0].Tags
	if v, _ := tags.Get("tls_version"); v != "tls1.3" {
		t.Errorf("tls_version tag %q", v)
	}
	if v, _ := tags.Get("proto"); v != "HTTP/2.0" {
		t.Errorf("proto tag %q", v)
	}
}
