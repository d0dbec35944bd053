package e2e

import (
	"crypto/tls"
	"crypto/x509"
	"github.com/stampede-load/stampede/internal/testutil/certs"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestNetxHostsBlockBlacklist(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "netx_options.js")
	r.wantCode(t, 0) // the error_code thresholds hold
	for name, c := range r.checks(t) {
		if c.Fails != 0 || c.Passes != 1 {
			t.Errorf("check %s: %d passes, %d fails", name, c.Passes, c.Fails)
		}
	}
	if len(r.checks(t)) != 6 {
		t.Errorf("want 6 checks, got %v", r.checks(t))
	}
	if r.stderr != "" && strings.Contains(r.stderr, "not implemented") {
		t.Errorf("options still reported as not implemented:\n%s", r.stderr)
	}
}

func TestNetxTLSAuth(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := "none"
		if len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		_, _ = w.Write([]byte(cn))
	}))
	srv.TLS = &tls.Config{ClientAuth: tls.RequestClientCert}
	srv.StartTLS()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	certFile, keyFile := writeClientCert(t, "stampede-client")
	r := stampede(t, runOpts{env: map[string]string{"CERT_FILE": certFile, "KEY_FILE": keyFile, "TLS_PORT": port}},
		"run", "--summary-export={export}", "netx_tlsauth.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	if len(checks) != 2 {
		t.Fatalf("checks %v", checks)
	}
	for name, c := range checks {
		if c.Fails != 0 {
			t.Errorf("check %s failed", name)
		}
	}
}

func TestNetxLocalIPs(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--local-ips=127.0.0.2-127.0.0.3", "--summary-export={export}", "netx_localips.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	for _, want := range []string{"::from 127.0.0.2", "::from 127.0.0.3"} {
		if checks[want].Passes == 0 {
			t.Errorf("no request %s; checks %v", want[2:], checks)
		}
	}
	if len(checks) != 2 {
		t.Errorf("checks %v, want requests from exactly two addresses", checks)
	}
}

// writeClientCert writes a self-signed client certificate and its key as
// PEM files and returns their paths.
func writeClientCert(t *testing.T, cn string) (certFile, keyFile string) {
	t.Helper()
	certPEM, keyPEM := certs.PEM(t, certs.SelfSigned(t, cn, x509.ExtKeyUsageClientAuth))
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	if err := os.WriteFile(certFile, certPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, keyPEM, 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
