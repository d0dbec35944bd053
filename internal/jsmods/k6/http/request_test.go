package http

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/internal/jsmodtest"
)

func TestVerbs(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	vu, _ := newVU(t, srv.URL)

	tests := []struct {
		js, method, body string
	}{
		{`http.get(BASE + "/x")`, "GET", ""},
		{`http.head(BASE + "/x")`, "HEAD", ""},
		{`http.post(BASE + "/x", "b1")`, "POST", "b1"},
		{`http.put(BASE + "/x", "b2")`, "PUT", "b2"},
		{`http.patch(BASE + "/x", "b3")`, "PATCH", "b3"},
		{`http.del(BASE + "/x", "b4")`, "DELETE", "b4"},
		{`http.options(BASE + "/x", "b5")`, "OPTIONS", "b5"},
		{`http.request("PURGE", BASE + "/x", "b6")`, "PURGE", "b6"},
		{`http.request("GET", BASE + "/x", null, {headers: {"X-A": "1"}})`, "GET", ""},
	}
	for _, tc := range tests {
		t.Run(tc.method, func(t *testing.T) {
			vu.Samples.Reset()
			vu.MustRun(`var res = ` + tc.js)
			if got := vu.MustRun(`res.status`).ToInteger(); got != 200 {
				t.Fatalf("status %d", got)
			}
			if got := vu.MustRun(`res.request.method`).String(); got != tc.method {
				t.Errorf("request.method %q, want %q", got, tc.method)
			}
			if tc.method == "HEAD" {
				if got := vu.MustRun(`res.body`).String(); got != "" {
					t.Errorf("HEAD body %q", got)
				}
				return
			}
			e := decodeEcho(t, vu.MustRun(`res.body`))
			if e.Method != tc.method || e.Body != tc.body {
				t.Errorf("server saw %s %q, want %s %q", e.Method, e.Body, tc.method, tc.body)
			}
			if ct := e.Header["Content-Type"]; len(ct) != 0 {
				t.Errorf("Content-Type %q added to a string body", ct)
			}
			h := hops(t, vu.Samples.All())
			if len(h) != 1 {
				t.Fatalf("%d hops", len(h))
			}
			if m, _ := h[0][0].Tags.Get("method"); m != tc.method {
				t.Errorf("method tag %q", m)
			}
		})
	}
}

func TestBodies(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	vu, _ := newVU(t, srv.URL)

	tests := []struct {
		name, body, wantBody, wantCT string
		headers                      string
	}{
		{"string", `"a=1&b=2"`, "a=1&b=2", "", ""},
		{"empty string", `""`, "", "", ""},
		{"null", `null`, "", "", ""},
		{"undefined", `undefined`, "", "", ""},
		{"ArrayBuffer", `new Uint8Array([104, 105]).buffer`, "hi", "", ""},
		{"Uint8Array", `new Uint8Array([104, 105])`, "hi", "", ""},
		{"typed array view", `new Uint8Array([0, 104, 105, 0]).subarray(1, 3)`, "hi", "", ""},
		{"DataView", `new DataView(new Uint8Array([0, 104, 105]).buffer, 1)`, "hi", "", ""},
		{"object", `{b: "x y", a: 1, c: true}`, "a=1&b=x+y&c=true", "application/x-www-form-urlencoded", ""},
		{"object with user content type", `{a: "1"}`, "a=1", "application/json", `{"Content-Type": "application/json"}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			params := "{}"
			if tc.headers != "" {
				params = "{headers: " + tc.headers + "}"
			}
			vu.MustRun(`var res = http.post(BASE, ` + tc.body + `, ` + params + `)`)
			e := decodeEcho(t, vu.MustRun(`res.body`))
			if e.Body != tc.wantBody {
				t.Errorf("body %q, want %q", e.Body, tc.wantBody)
			}
			var ct string
			if v := e.Header["Content-Type"]; len(v) > 0 {
				ct = v[0]
			}
			if ct != tc.wantCT {
				t.Errorf("Content-Type %q, want %q", ct, tc.wantCT)
			}
			if got := vu.MustRun(`res.request.body`).String(); got != tc.wantBody {
				t.Errorf("request.body %q, want %q", got, tc.wantBody)
			}
		})
	}

	for _, bad := range []string{`[1, 2]`, `42`, `true`} {
		if _, err := vu.Run(`http.post(BASE, ` + bad + `)`); err == nil || !strings.Contains(err.Error(), "unknown request body type") {
			t.Errorf("body %s: error %v, want unknown request body type", bad, err)
		}
	}
}

func TestHeadersUserAgentAndAuth(t *testing.T) {
	t.Parallel()
	srv := echoServer(t)
	vu, _ := newVU(t, srv.URL)
	vu.StateValue.Options.UserAgent = "stampede-test/1.0"

	e := decodeEcho(t, vu.MustRun(`http.get(BASE, {headers: {"x-custom": "v", "Host": "example.test", "X-Null": null}}).body`))
	if got := e.Header["X-Custom"]; len(got) != 1 || got[0] != "v" {
		t.Errorf("X-Custom %q", got)
	}
	if _, ok := e.Header["X-Null"]; ok {
		t.Error("a null header value was sent")
	}
	if e.Host != "example.test" {
		t.Errorf("Host %q", e.Host)
	}
	if got := e.Header["User-Agent"]; len(got) != 1 || got[0] != "stampede-test/1.0" {
		t.Errorf("User-Agent %q", got)
	}
	if got := e.Header["Accept-Encoding"]; len(got) != 0 {
		t.Errorf("Accept-Encoding %q added", got)
	}

	e = decodeEcho(t, vu.MustRun(`http.get(BASE, {headers: {"User-Agent": "mine"}}).body`))
	if got := e.Header["User-Agent"]; len(got) != 1 || got[0] != "mine" {
		t.Errorf("User-Agent %q, want the script's", got)
	}

	withAuth := strings.Replace(srv.URL, "http://", "http://user:p%40ss@", 1)
	vu.Samples.Reset()
	vu.MustRun(`var res = http.get("` + withAuth + `/auth")`)
	e = decodeEcho(t, vu.MustRun(`res.body`))
	if got := e.Header["Authorization"]; len(got) != 1 || got[0] != "Basic dXNlcjpwQHNz" {
		t.Errorf("Authorization %q, want basic auth of user:p@ss", got)
	}
	wantTag := strings.Replace(srv.URL, "http://", "http://user:****@", 1) + "/auth"
	tags := vu.Samples.All()[0].Tags
	if u, _ := tags.Get("url"); u != wantTag {
		t.Errorf("url tag %q, want %q", u, wantTag)
	}
	if n, _ := tags.Get("name"); n != wantTag {
		t.Errorf("name tag %q, want %q", n, wantTag)
	}
}

func TestBasicAuthAgainstHTTPBin(t *testing.T) {
	t.Parallel()
	base := startTarget(t)
	vu, _ := newVU(t, strings.Replace(base, "http://", "http://user:pass@", 1))
	if got := vu.MustRun(`http.get(BASE + "/basic-auth/user/pass").status`).ToInteger(); got != 200 {
		t.Errorf("status %d", got)
	}
}

func TestResponseFields(t *testing.T) {
	t.Parallel()
	base := startTarget(t)
	vu, _ := newVU(t, base)

	vu.MustRun(`var res = http.get(BASE + "/response-headers?X-Multi=a&X-Multi=b&Set-Cookie=c1%3Dv1%3B%20Path%3D%2Fp%3B%20HttpOnly%3B%20Max-Age%3D60")`)
	checks := map[string]any{
		`res.status`:                         int64(200),
		`res.status_text`:                    "200 OK",
		`res.proto`:                          "HTTP/1.1",
		`res.url`:                            base + "/response-headers?X-Multi=a&X-Multi=b&Set-Cookie=c1%3Dv1%3B%20Path%3D%2Fp%3B%20HttpOnly%3B%20Max-Age%3D60",
		`res.headers["X-Multi"]`:             "a, b",
		`typeof res.headers["Content-Type"]`: "string",
		`res.remote_ip`:                      "127.0.0.1",
		`res.remote_port > 0`:                true,
		`res.error`:                          "",
		`res.error_code`:                     int64(0),
		`res.tls_version`:                    "",
		`res.tls_cipher_suite`:               "",
		`res.request.method`:                 "GET",
		`res.request.url`:                    base + "/response-headers?X-Multi=a&X-Multi=b&Set-Cookie=c1%3Dv1%3B%20Path%3D%2Fp%3B%20HttpOnly%3B%20Max-Age%3D60",
		`res.cookies.c1.length`:              int64(1),
		`res.cookies.c1[0].name`:             "c1",
		`res.cookies.c1[0].value`:            "v1",
		`res.cookies.c1[0].path`:             "/p",
		`res.cookies.c1[0].domain`:           "",
		`res.cookies.c1[0].http_only`:        true,
		`res.cookies.c1[0].secure`:           false,
		`res.cookies.c1[0].max_age`:          int64(60),
		`res.cookies.c1[0].expires`:          int64(0),
		`typeof res.body`:                    "string",
		`Object.keys(res.timings).join()`:    "duration,blocked,looking_up,connecting,tls_handshaking,sending,waiting,receiving",
		`Object.keys(res).join()`: "remote_ip,remote_port,url,status,status_text,proto,headers,cookies,body,timings," +
			"tls_version,tls_cipher_suite,ocsp,error,error_code,request",
		`JSON.stringify(res.ocsp)`: `{"produced_at":0,"this_update":0,"next_update":0,"revocation_reason":"","revoked_at":0,"status":""}`,
	}
	for js, want := range checks {
		if got := vu.MustRun(js).Export(); got != want {
			t.Errorf("%s = %#v, want %#v", js, got, want)
		}
	}

	// The jar keeps the cookie and sends it with the next matching request.
	vu.MustRun(`var res2 = http.get(BASE + "/p/cookies")`)
	if got := vu.MustRun(`JSON.stringify(res2.request.cookies)`).String(); got != `{"c1":[{"name":"c1","value":"v1","replace":false}]}` {
		t.Errorf("request.cookies %s", got)
	}
	if got := vu.MustRun(`res2.request.headers.Cookie[0]`).String(); got != "c1=v1" {
		t.Errorf("request.headers.Cookie %s", got)
	}
}

func TestCookiesAcrossRedirects(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))
	got := vu.MustRun(`http.get(BASE + "/cookies/set?k=v").json("cookies.k")`)
	if got.String() != "v" {
		t.Errorf("cookie set on a redirect hop not sent on the next: %v", got)
	}
}

func TestResponseTypes(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))

	if got := vu.MustRun(`var b = http.get(BASE + "/bytes/10", {responseType: "binary"}).body; (b instanceof ArrayBuffer) + ":" + b.byteLength`).String(); got != "true:10" {
		t.Errorf("binary body: %s", got)
	}
	if got := vu.MustRun(`http.get(BASE + "/get", {responseType: "none"}).body`); got.Export() != nil {
		t.Errorf("none body %v, want null", got)
	}
	if _, err := vu.Run(`http.get(BASE + "/get", {responseType: "blob"})`); err == nil || !strings.Contains(err.Error(), "invalid responseType") {
		t.Errorf("invalid responseType error %v", err)
	}

	vu.StateValue.Options.DiscardResponseBodies = true
	if got := vu.MustRun(`http.get(BASE + "/get").body`); got.Export() != nil {
		t.Errorf("discardResponseBodies body %v, want null", got)
	}
	if got := vu.MustRun(`typeof http.get(BASE + "/get", {responseType: "text"}).body`).String(); got != "string" {
		t.Errorf("responseType text under discardResponseBodies: %s", got)
	}
}

func TestTimeout(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))

	for _, timeout := range []string{`300`, `"300ms"`, `0.3e3`} {
		t.Run(timeout, func(t *testing.T) {
			vu.Samples.Reset()
			vu.Logs.Reset()
			start := time.Now()
			vu.MustRun(`var res = http.get(BASE + "/delay/5", {timeout: ` + timeout + `})`)
			if el := time.Since(start); el > 3*time.Second || el < 250*time.Millisecond {
				t.Errorf("request took %v, want about 300ms", el)
			}
			if got := vu.MustRun(`[res.status, res.error_code, res.error].join("|")`).String(); got != "0|1000|context deadline exceeded" {
				t.Errorf("status|code|error = %s", got)
			}
			tags := vu.Samples.All()[0].Tags
			if s, _ := tags.Get("status"); s != "0" {
				t.Errorf("status tag %q", s)
			}
			if c, _ := tags.Get("error_code"); c != "1000" {
				t.Errorf("error_code tag %q", c)
			}
			if e := vu.Logs.LastEntry(); e == nil || e.Message != "Request Failed" {
				t.Errorf("log %+v, want Request Failed", e)
			}
		})
	}

	if _, err := vu.Run(`http.get(BASE + "/get", {timeout: "soon"})`); err == nil || !strings.Contains(err.Error(), "invalid timeout value") {
		t.Errorf("bad timeout error %v", err)
	}
	if got := vu.MustRun(`http.get(BASE + "/get", {timeout: "1d"}).status`).ToInteger(); got != 200 {
		t.Errorf("timeout 1d: status %d", got)
	}
}

func TestParseExtendedDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		err  bool
	}{
		{"10s", 10 * time.Second, false},
		{"1d", 24 * time.Hour, false},
		{"1d12h", 36 * time.Hour, false},
		{"-1d2h", -26 * time.Hour, false},
		{"2x", 0, true},
		{"xd", 0, true},
		{"1d-2h", 0, true},
	}
	for _, tc := range tests {
		got, err := parseExtendedDuration(tc.in)
		if (err != nil) != tc.err || got != tc.want {
			t.Errorf("parseExtendedDuration(%q) = %v, %v", tc.in, got, err)
		}
	}
}

func TestTransportErrors(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, closedURL(t))

	vu.MustRun(`var res = http.get(BASE + "/x")`)
	if got := vu.MustRun(`[res.status, res.error_code, res.error, res.body, res.url].join("|")`).String(); got != "0|1212|dial: connection refused||"+vu.MustRun(`BASE`).String()+"/x" {
		t.Errorf("response %s", got)
	}
	e := vu.Logs.LastEntry()
	if e == nil || e.Message != "Request Failed" || e.Level != logrus.WarnLevel {
		t.Fatalf("log entry %+v", e)
	}
	if err, _ := e.Data[logrus.ErrorKey].(error); err == nil || !strings.Contains(err.Error(), `Get "`) || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("logged error %v", e.Data)
	}

	// An unparsable URL and an unsupported scheme are failed requests too.
	for _, u := range []string{`"http://a b/"`, `"ftp://127.0.0.1/"`, `"/relative"`} {
		vu.MustRun(`var res = http.get(` + u + `)`)
		if got := vu.MustRun(`res.status + "|" + res.error_code`).String(); got != "0|1000" {
			t.Errorf("get(%s): %s, error %s", u, got, vu.MustRun(`res.error`))
		}
	}
}

func TestThrow(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, closedURL(t))

	_, err := vu.Run(`http.get(BASE, {throw: true})`)
	if err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("error %v, want a thrown connection refused", err)
	}
	if n := len(vu.Samples.Named("http_reqs")); n != 1 {
		t.Errorf("%d http_reqs samples; a throwing request still emits its metrics", n)
	}
	if got := vu.MustRun(`try { http.get(BASE, {throw: true}); "no" } catch (e) { e instanceof Error }`).Export(); got != true {
		t.Errorf("thrown value is not an Error: %v", got)
	}

	vu.StateValue.Options.Throw = true
	if _, err := vu.Run(`http.get(BASE)`); err == nil {
		t.Error("option throw did not throw")
	}
	if got := vu.MustRun(`http.get(BASE, {throw: false}).error_code`).ToInteger(); got != 1212 {
		t.Errorf("throw:false overriding the option: error_code %d", got)
	}

	// An HTTP error status is not a request error.
	base := startTarget(t)
	if got := vu.MustRun(`http.get("` + base + `/status/404").status`).ToInteger(); got != 404 {
		t.Errorf("status %d", got)
	}
}

func TestInitContext(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, "http://127.0.0.1:1")
	vu.EnterInitStage()
	for _, js := range []string{
		`http.get(BASE)`, `http.head(BASE)`, `http.post(BASE)`, `http.put(BASE)`, `http.patch(BASE)`,
		`http.del(BASE)`, `http.options(BASE)`, `http.request("GET", BASE)`,
	} {
		_, err := vu.Run(js)
		if err == nil || !strings.Contains(err.Error(), "Making http requests in the init context is not supported") {
			t.Errorf("%s: error %v", js, err)
		}
	}
	if len(vu.Samples.All()) != 0 {
		t.Error("samples emitted in the init context")
	}
	// Module loading itself is fine in the init stage.
	if got := vu.MustRun(`http.TLS_1_3`).String(); got != "tls1.3" {
		t.Errorf("TLS_1_3 = %q", got)
	}
}

func TestCancelledContext(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	vu.SetContext(ctx)
	if got := vu.MustRun(`http.get(BASE + "/get").status`).ToInteger(); got != 0 {
		t.Errorf("status %d", got)
	}
	if n := len(vu.Logs.AllEntries()); n != 0 {
		t.Errorf("%d log entries; an interrupted iteration's requests are not logged", n)
	}
}

func TestExports(t *testing.T) {
	t.Parallel()
	vu := jsmodtest.New(t)
	mi := (&RootModule{}).NewModuleInstance(vu).(*ModuleInstance)
	ex := mi.Exports()
	if err := vu.Runtime().Set("def", ex.Default); err != nil {
		t.Fatal(err)
	}
	for name, v := range ex.Named {
		if err := vu.Runtime().Set("named_"+name, v); err != nil {
			t.Fatal(err)
		}
		if got := vu.MustRun(`def["` + name + `"] === named_` + name).ToBoolean(); !got {
			t.Errorf("default.%s and the named export differ", name)
		}
	}
	for _, name := range []string{"request", "get", "head", "post", "put", "patch", "del", "options"} {
		if got := vu.MustRun(`typeof def.` + name).String(); got != "function" {
			t.Errorf("%s is %s", name, got)
		}
	}
	consts := map[string]string{
		"TLS_1_0": "tls1.0", "TLS_1_1": "tls1.1", "TLS_1_2": "tls1.2", "TLS_1_3": "tls1.3",
		"OCSP_STATUS_GOOD": "good", "OCSP_STATUS_REVOKED": "revoked", "OCSP_STATUS_SERVER_FAILED": "server_failed",
		"OCSP_STATUS_UNKNOWN": "unknown", "OCSP_REASON_UNSPECIFIED": "unspecified",
		"OCSP_REASON_KEY_COMPROMISE": "key_compromise", "OCSP_REASON_CA_COMPROMISE": "ca_compromise",
		"OCSP_REASON_AFFILIATION_CHANGED": "affiliation_changed", "OCSP_REASON_SUPERSEDED": "superseded",
		"OCSP_REASON_CESSATION_OF_OPERATION": "cessation_of_operation",
		"OCSP_REASON_CERTIFICATE_HOLD":       "certificate_hold", "OCSP_REASON_REMOVE_FROM_CRL": "remove_from_crl",
		"OCSP_REASON_PRIVILEGE_WITHDRAWN": "privilege_withdrawn", "OCSP_REASON_AA_COMPROMISE": "aa_compromise",
	}
	for name, want := range consts {
		if got := vu.MustRun(`def.` + name).String(); got != want {
			t.Errorf("%s = %q, want %q", name, got, want)
		}
	}
	// 8 request functions, expectedStatuses, setResponseCallback, cookieJar,
	// CookieJar, batch, url and file.
	if len(ex.Named) != 15+len(consts) {
		t.Errorf("%d named exports", len(ex.Named))
	}
}
