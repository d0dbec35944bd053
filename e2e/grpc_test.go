package e2e

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/stampede-load/stampede/internal/jsmods/k6/grpc/grpctest"
)

// grpcChecks are the named checks of testdata/grpc.js.
var grpcChecks = []string{ //nolint:gochecknoglobals // a test table
	"::status is OK", "::feature name", "::camelCase JSON name", "::location echoed",
	"::header from metadata", "::trailer", "::no error", "::status is NotFound", "::error message",
}

func startGRPC(t *testing.T) *grpctest.Server {
	t.Helper()
	srv, err := grpctest.Start([]string{"testdata"}, "grpc_route_guide.proto", nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func wantGRPCChecks(t *testing.T, r result) {
	t.Helper()
	checks := r.checks(t)
	if len(checks) != len(grpcChecks) {
		t.Errorf("%d checks, want %d: %v", len(checks), len(grpcChecks), keys(checks))
	}
	for _, name := range grpcChecks {
		if c := checks[name]; c.Passes != 6 || c.Fails != 0 {
			t.Errorf("check %s: %+v\nstderr:\n%s", name, c, r.stderr)
		}
	}
}

// TestGRPC runs testdata/grpc.js (load, connect, invoke, close) against a
// loopback server: every check passes, the thresholds on
// grpc_req_duration hold, and the bytes show up in data_sent/received.
func TestGRPC(t *testing.T) {
	t.Parallel()
	srv := startGRPC(t)
	r := stampede(t, runOpts{env: map[string]string{"GRPC_ADDR": srv.Addr}}, "run", "--summary-export={export}", "grpc.js")
	r.wantCode(t, 0)
	wantGRPCChecks(t, r)
	r.wantOut(t, "grpc_req_duration", "✓ status is OK")
	if n := srv.Calls(); n != 12 {
		t.Errorf("the server got %d calls, want 12", n)
	}
	if v := r.export.metric(t, "grpc_req_duration", "max"); v <= 0 {
		t.Errorf("grpc_req_duration max = %v", v)
	}
	for _, m := range []string{"data_sent", "data_received"} {
		if v := r.export.metric(t, m, "count"); v <= 0 {
			t.Errorf("%s = %v", m, v)
		}
	}
}

// TestGRPCArchive archives grpc.js with its .proto file, deletes both and
// runs the archive.
func TestGRPCArchive(t *testing.T) {
	t.Parallel()
	srv := startGRPC(t)
	src := t.TempDir()
	for _, f := range []string{"grpc.js", "grpc_route_guide.proto"} {
		data, err := os.ReadFile(filepath.Join("testdata", f))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(src, f), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	tarPath := filepath.Join(t.TempDir(), "grpc.tar")
	stampede(t, runOpts{}, "archive", "-O", tarPath, filepath.Join(src, "grpc.js")).wantCode(t, 0)
	if err := os.RemoveAll(src); err != nil {
		t.Fatal(err)
	}
	r := stampede(t, runOpts{env: map[string]string{"GRPC_ADDR": srv.Addr}}, "run", "-q", "--summary-export={export}", tarPath)
	r.wantCode(t, 0)
	wantGRPCChecks(t, r)
}
