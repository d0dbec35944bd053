package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
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
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: cn},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour),
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageClientAuth},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	keyDER, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	certFile, keyFile = filepath.Join(dir, "client.crt"), filepath.Join(dir, "client.key")
	if err := os.WriteFile(certFile, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(keyFile, pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: keyDER}), 0o600); err != nil {
		t.Fatal(err)
	}
	return certFile, keyFile
}
