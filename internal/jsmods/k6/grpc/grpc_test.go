package grpc

import (
	"crypto/tls"
	"net"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/jsmods/k6/grpc/grpctest"
	"github.com/stampede-load/stampede/internal/jsmodtest"
	"github.com/stampede-load/stampede/internal/netx"
)

// newVU returns a VU in the init stage with the module bound to "grpc",
// reading files from testdata.
func newVU(t *testing.T) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.InitValue.ReadFile = func(name string) ([]byte, error) {
		if !filepath.IsAbs(name) {
			name = filepath.Join("testdata", name)
		}
		return os.ReadFile(name)
	}
	vu.Load("grpc", RootModule{})
	vu.EnterInitStage()
	return vu
}

// startServer serves testdata/proto/route_guide.proto.
func startServer(t *testing.T, tlsConfig *tls.Config) *grpctest.Server {
	t.Helper()
	srv, err := grpctest.Start([]string{"testdata/proto"}, "route_guide.proto", tlsConfig)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

// connected returns a VU in the VU stage whose global "client" has loaded
// route_guide.proto and connected to srv in plain text.
func connected(t *testing.T, srv *grpctest.Server) *jsmodtest.VU {
	t.Helper()
	vu := newVU(t)
	vu.MustRun(`var client = new grpc.Client(); client.load(["proto"], "route_guide.proto");`)
	vu.EnterVUStage()
	vu.MustRun(`client.connect("` + srv.Addr + `", {plaintext: true, timeout: "10s"})`)
	t.Cleanup(func() { _, _ = vu.Run(`client.close()`) })
	return vu
}

func wantError(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q lacks %q", err, p)
		}
	}
}

func TestConstants(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	got := vu.MustRun(`[grpc.StatusOK, grpc.StatusCanceled, grpc.StatusNotFound, grpc.StatusDeadlineExceeded,
		grpc.StatusUnimplemented, grpc.StatusUnavailable, grpc.StatusUnauthenticated].join(",")`).String()
	if want := "0,1,5,4,12,14,16"; got != want {
		t.Errorf("constants %s, want %s", got, want)
	}
}

func TestLoad(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	got := vu.MustRun(`var c = new grpc.Client();
		c.load(["proto"], "route_guide.proto").map(function (m) {
			return [m.fullMethod, m.name, m.service, m.package, m.isClientStream, m.isServerStream].join(" ");
		}).join("\n")`).String()
	want := "/main.RouteGuide/GetFeature GetFeature main.RouteGuide main false false\n" +
		"/main.RouteGuide/ListFeatures ListFeatures main.RouteGuide main false true\n" +
		"/main.RouteGuide/Unimplemented Unimplemented main.RouteGuide main false false"
	if got != want {
		t.Errorf("load returned\n%s\nwant\n%s", got, want)
	}
	// Without import paths the files are relative to the script.
	vu.MustRun(`new grpc.Client().load([], "proto/geo.proto")`)
	vu.MustRun(`new grpc.Client().load(null, "proto/geo.proto")`)
}

func TestLoadErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"missing file", `c.load(["proto"], "missing.proto")`, []string{"missing.proto", "no such file"}},
		{"syntax error", `c.load([], "bad.proto")`, []string{"bad.proto:7:3", "syntax error"}},
		{"missing import", `c.load([], "proto/route_guide.proto")`, []string{"geo.proto"}},
		{"no files", `c.load(["proto"])`, []string{"no proto files given"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			_, err := vu.Run(`var c = new grpc.Client(); ` + tc.src)
			wantError(t, err, tc.want...)
		})
	}
	t.Run("vu stage", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t)
		vu.MustRun(`var c = new grpc.Client()`)
		vu.EnterVUStage()
		_, err := vu.Run(`c.load(["proto"], "route_guide.proto")`)
		wantError(t, err, "load must be called in the init context")
	})
}

func TestConnectErrors(t *testing.T) {
	t.Parallel()
	t.Run("init context", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t)
		_, err := vu.Run(`new grpc.Client().connect("127.0.0.1:1", {plaintext: true})`)
		wantError(t, err, "connecting to a gRPC server in the init context is not supported")
	})
	t.Run("unknown param", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t)
		vu.EnterVUStage()
		_, err := vu.Run(`new grpc.Client().connect("127.0.0.1:1", {plaintext: true, foo: 1})`)
		wantError(t, err, `unknown connect param: "foo"`)
	})
	t.Run("bad timeout", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t)
		vu.EnterVUStage()
		_, err := vu.Run(`new grpc.Client().connect("127.0.0.1:1", {timeout: "soon"})`)
		wantError(t, err, "invalid timeout value")
	})
	t.Run("closed port", func(t *testing.T) {
		t.Parallel()
		lis, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			t.Fatal(err)
		}
		addr := lis.Addr().String()
		_ = lis.Close()
		vu := newVU(t)
		vu.EnterVUStage()
		start := time.Now()
		_, err = vu.Run(`new grpc.Client().connect("` + addr + `", {plaintext: true, timeout: 300})`)
		wantError(t, err, addr, "timed out after 300ms", "connection refused")
		if d := time.Since(start); d > 10*time.Second {
			t.Errorf("connect took %v with a 300ms timeout", d)
		}
	})
}

func TestInvoke(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	vu := connected(t, srv)
	got := vu.MustRun(`
		var res = client.invoke("main.RouteGuide/GetFeature", {latitude: 7, longitude: -3},
			{headers: {"x-token": "abc"}, tags: {mytag: "v1"}});
		[res.status, res.message.name, res.message.displayName, res.message.location.latitude,
		 res.message.location.longitude, res.message.visits, res.headers["x-echo"][0],
		 res.trailers["x-trailer"][0], res.error].join("|")`).String()
	if want := "0|feature-7--3|Feature 7|7|-3||abc|done|"; got != want {
		t.Errorf("response %q, want %q", got, want)
	}
	if tok := srv.LastMetadata().Get("x-token"); len(tok) != 1 || tok[0] != "abc" {
		t.Errorf("the server got x-token %q", tok)
	}

	samples := vu.Samples.Named("grpc_req_duration")
	if len(samples) != 1 {
		t.Fatalf("%d grpc_req_duration samples:\n%s", len(samples), vu.Samples)
	}
	s := samples[0]
	wantTags := map[string]string{
		"url": srv.Addr + "/main.RouteGuide/GetFeature", "service": "main.RouteGuide", "method": "GetFeature",
		"name": "/main.RouteGuide/GetFeature", "status": "0", "group": "", "scenario": "default", "mytag": "v1",
	}
	if got := s.Tags.Map(); len(got) != len(wantTags) {
		t.Errorf("tags %v, want %v", got, wantTags)
	}
	for k, v := range wantTags {
		if got, ok := s.Tags.Get(k); !ok || got != v {
			t.Errorf("tag %s = %q, want %q", k, got, v)
		}
	}
	if s.Value <= 0 || s.Value > 10000 {
		t.Errorf("duration %v ms", s.Value)
	}
	if vu.Dialer.BytesWritten() == 0 || vu.Dialer.BytesRead() == 0 {
		t.Errorf("the VU's dialer counted %d bytes sent, %d received", vu.Dialer.BytesWritten(), vu.Dialer.BytesRead())
	}

	// A user's name tag wins; the leading "/" is optional.
	vu.Samples.Reset()
	vu.MustRun(`client.invoke("/main.RouteGuide/GetFeature", {latitude: 1}, {tags: {name: "mine"}})`)
	if s := vu.Samples.Named("grpc_req_duration"); len(s) != 1 {
		t.Fatalf("%d samples", len(s))
	} else if n, _ := s[0].Tags.Get("name"); n != "mine" {
		t.Errorf("name tag %q, want mine", n)
	}
}

func TestInvokeStatus(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	vu := connected(t, srv)
	for _, tc := range []struct {
		name, src, want, status string
	}{
		{"not found", `var r = client.invoke("main.RouteGuide/GetFeature", {latitude: 404, longitude: 1});
			[r.status === grpc.StatusNotFound, r.error.code, r.error.message, JSON.stringify(r.message)].join("|")`,
			"true|5|no feature at 404,1|{}", "5"},
		{"unimplemented", `var r = client.invoke("main.RouteGuide/Unimplemented", {latitude: 1});
			[r.status === grpc.StatusUnimplemented, r.error.code].join("|")`, "true|12", "12"},
		{"deadline", `var r = client.invoke("main.RouteGuide/GetFeature", {latitude: 408}, {timeout: "200ms"});
			[r.status === grpc.StatusDeadlineExceeded, r.error.code].join("|")`, "true|4", "4"},
	} {
		vu.Samples.Reset()
		if got := vu.MustRun(tc.src).String(); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
		s := vu.Samples.Named("grpc_req_duration")
		if len(s) != 1 {
			t.Fatalf("%s: %d samples", tc.name, len(s))
		}
		if st, _ := s[0].Tags.Get("status"); st != tc.status {
			t.Errorf("%s: status tag %q, want %q", tc.name, st, tc.status)
		}
	}
}

func TestInvokeErrors(t *testing.T) {
	t.Parallel()
	srv := startServer(t, nil)
	vu := connected(t, srv)
	for _, tc := range []struct {
		name, src string
		want      []string
	}{
		{"unknown method", `client.invoke("main.RouteGuide/Nope", {})`, []string{`method "/main.RouteGuide/Nope" not found in file descriptors`}},
		{"streaming", `client.invoke("main.RouteGuide/ListFeatures", {})`, []string{"streaming method"}},
		{"unknown param", `client.invoke("main.RouteGuide/GetFeature", {}, {foo: 1})`, []string{`unknown param: "foo"`}},
		{"bad field", `client.invoke("main.RouteGuide/GetFeature", {nope: 1})`, []string{"unable to serialise request object to protocol buffer", "nope"}},
		{"no request", `client.invoke("main.RouteGuide/GetFeature")`, []string{"request cannot be nil"}},
	} {
		_, err := vu.Run(tc.src)
		wantError(t, err, tc.want...)
	}
	if n := len(vu.Samples.Named("grpc_req_duration")); n != 0 {
		t.Errorf("%d samples from calls that were never made", n)
	}

	fresh := newVU(t)
	fresh.MustRun(`var c = new grpc.Client(); c.load(["proto"], "route_guide.proto")`)
	_, err := fresh.Run(`c.invoke("main.RouteGuide/GetFeature", {})`)
	wantError(t, err, "invoking RPC methods in the init context is not supported")
	fresh.EnterVUStage()
	_, err = fresh.Run(`c.invoke("main.RouteGuide/GetFeature", {})`)
	wantError(t, err, "no gRPC connection, you must call connect first")

	// After close the client must connect again.
	vu.MustRun(`client.close()`)
	_, err = vu.Run(`client.invoke("main.RouteGuide/GetFeature", {})`)
	wantError(t, err, "no gRPC connection")
}

func TestTLS(t *testing.T) {
	t.Parallel()
	// httptest's certificate is for 127.0.0.1 and signed by no known CA.
	hs := httptest.NewUnstartedServer(nil)
	hs.StartTLS()
	cert := hs.TLS.Certificates[0]
	hs.Close()
	srv := startServer(t, &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12})

	vu := newVU(t)
	vu.MustRun(`var client = new grpc.Client(); client.load(["proto"], "route_guide.proto");`)
	vu.EnterVUStage()
	start := time.Now()
	_, err := vu.Run(`client.connect("` + srv.Addr + `", {timeout: "20s"})`)
	wantError(t, err, "TLS handshake", "certificate")
	if d := time.Since(start); d > 10*time.Second {
		t.Errorf("a certificate error took %v to report", d)
	}

	tr := netx.NewTransport(vu.Dialer, netx.TransportOptions{InsecureSkipTLSVerify: true})
	t.Cleanup(tr.CloseIdleConnections)
	vu.StateValue.Transport = tr
	got := vu.MustRun(`client.connect("` + srv.Addr + `");
		var r = client.invoke("main.RouteGuide/GetFeature", {latitude: 2}); client.close(); r.message.name`).String()
	if got != "feature-2-0" {
		t.Errorf("message name %q", got)
	}
}
