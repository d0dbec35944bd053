package e2e

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/base64"
	bin "encoding/binary"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
	"golang.org/x/crypto/ocsp"
)

// compatServer serves what http2_compat.js exercises: br and zstd bodies,
// an echo of compressed request bodies, and an NTLM-protected path.
func compatServer(t *testing.T) *httptest.Server {
	t.Helper()
	mux := http.NewServeMux()
	mux.HandleFunc("/br", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Encoding", "br")
		bw := brotli.NewWriter(w)
		_, _ = io.WriteString(bw, `{"enc":"br"}`)
		_ = bw.Close()
	})
	mux.HandleFunc("/zstd", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Encoding", "zstd")
		zw, err := zstd.NewWriter(w)
		if err != nil {
			w.WriteHeader(http.StatusInternalServerError)
			return
		}
		_, _ = io.WriteString(zw, `{"enc":"zstd"}`)
		_ = zw.Close()
	})
	// Undoes the request's Content-Encodings, last first.
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		var body io.Reader = r.Body
		encs := strings.Split(r.Header.Get("Content-Encoding"), ",")
		for i := len(encs) - 1; i >= 0; i-- {
			switch strings.TrimSpace(encs[i]) {
			case "br":
				body = brotli.NewReader(body)
			case "zstd":
				d, err := zstd.NewReader(body)
				if err != nil {
					w.WriteHeader(http.StatusBadRequest)
					return
				}
				defer d.Close()
				body = d
			}
		}
		data, err := io.ReadAll(body)
		if err != nil {
			w.WriteHeader(http.StatusBadRequest)
			return
		}
		_, _ = w.Write(data)
	})
	// NTLM authenticates the connection: a NEGOTIATE gets a CHALLENGE, and
	// an AUTHENTICATE for "user" on the same connection lets it in. (The
	// k6/http unit tests check the NTLMv2 proof itself.)
	mux.HandleFunc("/ntlm", func(w http.ResponseWriter, r *http.Request) {
		st := r.Context().Value(connStateKey{}).(*connState)
		st.mu.Lock()
		defer st.mu.Unlock()
		token, _ := strings.CutPrefix(r.Header.Get("Authorization"), "NTLM ")
		msg, _ := base64.StdEncoding.DecodeString(token)
		switch {
		case st.authed:
		case len(msg) >= 12 && bin.LittleEndian.Uint32(msg[8:]) == 1:
			st.challenged = true
			w.Header().Set("WWW-Authenticate", "NTLM "+base64.StdEncoding.EncodeToString(challengeMsg()))
			w.WriteHeader(http.StatusUnauthorized)
			return
		case len(msg) >= 44 && bin.LittleEndian.Uint32(msg[8:]) == 3 && st.challenged &&
			bytes.Contains(msg, []byte("u\x00s\x00e\x00r\x00")):
			st.authed = true
		default:
			w.Header().Set("WWW-Authenticate", "NTLM")
			w.WriteHeader(http.StatusUnauthorized)
			return
		}
		_, _ = io.WriteString(w, "welcome")
	})
	srv := httptest.NewUnstartedServer(mux)
	srv.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, connStateKey{}, &connState{})
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

type connStateKey struct{}

type connState struct {
	mu                 sync.Mutex
	challenged, authed bool
}

// challengeMsg is an NTLM CHALLENGE message offering NTLMv2.
func challengeMsg() []byte {
	m := make([]byte, 52)
	copy(m, "NTLMSSP\x00")
	bin.LittleEndian.PutUint32(m[8:], 2)
	bin.LittleEndian.PutUint32(m[16:], 48)
	bin.LittleEndian.PutUint32(m[20:], 0x00880201) // unicode, NTLM, extended session security, target info
	copy(m[24:32], "8bytes!!")
	bin.LittleEndian.PutUint16(m[40:], 4)
	bin.LittleEndian.PutUint16(m[42:], 4)
	bin.LittleEndian.PutUint32(m[44:], 48) // target info: MsvAvEOL
	return m
}

// staplingServer is a TLS server whose certificate, issued by a test CA
// sent along in the chain, carries a "revoked" OCSP staple.
func staplingServer(t *testing.T) *httptest.Server {
	t.Helper()
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	caTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "e2e CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true, KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2), Subject: pkix.Name{CommonName: "127.0.0.1"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)}, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		t.Fatal(err)
	}
	staple, err := ocsp.CreateResponse(ca, ca, ocsp.Response{
		Status: ocsp.Revoked, SerialNumber: leafTmpl.SerialNumber, ThisUpdate: now.Add(-time.Minute),
		RevokedAt: now.Add(-time.Hour), RevocationReason: ocsp.Superseded,
	}, caKey)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{
		Certificate: [][]byte{leafDER, caDER}, PrivateKey: leafKey, OCSPStaple: staple,
	}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv
}

func TestHTTPCompressionNTLMAndOCSP(t *testing.T) {
	t.Parallel()
	plain, tlsSrv := compatServer(t), staplingServer(t)
	r := stampede(t, runOpts{env: map[string]string{"PLAIN": plain.URL, "TLS": tlsSrv.URL}},
		"run", "--system-tags=status,ocsp_status", "--summary-export={export}", "http2_compat.js")
	r.wantCode(t, 0) // includes the ocsp_status threshold
	checks := r.checks(t)
	if len(checks) != 6 {
		t.Fatalf("want 6 checks, got %v", checks)
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes != 1 {
			t.Errorf("check %s: %d passes, %d fails", name, c.Passes, c.Fails)
		}
	}
}
