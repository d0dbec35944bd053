package http

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"io"
	"log"
	"math/big"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"testing"
	"time"

	"golang.org/x/crypto/ocsp"

	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/metrics"
)

// testPKI is a CA and a leaf for 127.0.0.1 it issued.
type testPKI struct {
	ca, leaf       *x509.Certificate
	caKey, leafKey crypto.Signer
}

func newTestPKI(t *testing.T) *testPKI {
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
		SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "test CA"},
		NotBefore: now.Add(-time.Hour), NotAfter: now.Add(time.Hour),
		IsCA: true, BasicConstraintsValid: true,
		KeyUsage: x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, caKey.Public(), caKey)
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
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
		KeyUsage:    x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, leafKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	leaf, err := x509.ParseCertificate(leafDER)
	if err != nil {
		t.Fatal(err)
	}
	return &testPKI{ca: ca, leaf: leaf, caKey: caKey, leafKey: leafKey}
}

// serve starts a TLS server for the leaf and its CA that staples staple.
func (p *testPKI) serve(t *testing.T, staple []byte) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, _ *nethttp.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	srv.Config.ErrorLog = log.New(io.Discard, "", 0)
	srv.TLS = &tls.Config{Certificates: []tls.Certificate{{
		Certificate: [][]byte{p.leaf.Raw, p.ca.Raw},
		PrivateKey:  p.leafKey,
		Leaf:        p.leaf,
		OCSPStaple:  staple,
	}}}
	srv.StartTLS()
	t.Cleanup(srv.Close)
	return srv.URL
}

// ocspResponse is an OCSP response for the leaf signed by the CA.
func (p *testPKI) ocspResponse(t *testing.T, tmpl ocsp.Response) []byte {
	t.Helper()
	tmpl.SerialNumber = p.leaf.SerialNumber
	der, err := ocsp.CreateResponse(p.ca, p.ca, tmpl, p.caKey)
	if err != nil {
		t.Fatal(err)
	}
	return der
}

func TestOCSP(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	base := time.Unix(1_700_000_000, 0).UTC()
	this, next, revoked := base.Add(-time.Hour), base.Add(24*time.Hour), base.Add(-48*time.Hour)

	// Signed by the leaf's own key instead of its issuer: not to be trusted.
	forged, err := ocsp.CreateResponse(pki.ca, pki.ca, ocsp.Response{
		Status: ocsp.Good, SerialNumber: pki.leaf.SerialNumber, ThisUpdate: this,
	}, pki.leafKey)
	if err != nil {
		t.Fatal(err)
	}

	for _, tc := range []struct {
		name   string
		staple []byte
		want   string // JSON of res.ocsp
	}{
		{"good", pki.ocspResponse(t, ocsp.Response{Status: ocsp.Good, ThisUpdate: this, NextUpdate: next}),
			`{"produced_at":"now","this_update":1699996400,"next_update":1700086400,"revocation_reason":"","revoked_at":0,"status":"good"}`},
		{"revoked", pki.ocspResponse(t, ocsp.Response{
			Status: ocsp.Revoked, ThisUpdate: this,
			RevokedAt: revoked, RevocationReason: ocsp.KeyCompromise,
		}), `{"produced_at":"now","this_update":1699996400,"next_update":0,"revocation_reason":"key_compromise","revoked_at":1699827200,"status":"revoked"}`},
		{"unknown", pki.ocspResponse(t, ocsp.Response{Status: ocsp.Unknown, ThisUpdate: this}),
			`{"produced_at":"now","this_update":1699996400,"next_update":0,"revocation_reason":"","revoked_at":0,"status":"unknown"}`},
		{"forged", forged,
			`{"produced_at":0,"this_update":0,"next_update":0,"revocation_reason":"","revoked_at":0,"status":"server_failed"}`},
		{"none", nil,
			`{"produced_at":0,"this_update":0,"next_update":0,"revocation_reason":"","revoked_at":0,"status":""}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu, _ := newVU(t, pki.serve(t, tc.staple))
			tr := netx.NewTransport(netx.NewDialer(), netx.TransportOptions{InsecureSkipTLSVerify: true})
			t.Cleanup(tr.CloseIdleConnections)
			vu.StateValue.Transport = tr
			sys, err := metrics.ParseSystemTags([]string{"status", "ocsp_status"})
			if err != nil {
				t.Fatal(err)
			}
			vu.StateValue.Options.SystemTags = sys

			// ocsp.CreateResponse stamps the response with the current
			// minute, whatever the template says.
			got := vu.MustRun(`var res = http.get(BASE), o = Object.assign({}, res.ocsp);
				if (Math.abs(o.produced_at - Date.now() / 1000) < 120) o.produced_at = "now";
				res.status + " " + JSON.stringify(o)`).String()
			if got != "200 "+tc.want {
				t.Errorf("got  %s\nwant 200 %s", got, tc.want)
			}
			status := vu.MustRun(`res.ocsp.status`).String()
			if tc.name == "good" && vu.MustRun(`res.ocsp.status === http.OCSP_STATUS_GOOD`).ToBoolean() != true {
				t.Error("status is not http.OCSP_STATUS_GOOD")
			}
			tag, ok := vu.Samples.Named("http_reqs")[0].Tags.Get("ocsp_status")
			if !ok || tag != status {
				t.Errorf("ocsp_status tag %q (%v), want %q", tag, ok, status)
			}
		})
	}
}

func TestOCSPStatusTagDisabled(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	vu, _ := newVU(t, pki.serve(t, pki.ocspResponse(t, ocsp.Response{Status: ocsp.Good, ThisUpdate: time.Now()})))
	tr := netx.NewTransport(netx.NewDialer(), netx.TransportOptions{InsecureSkipTLSVerify: true})
	t.Cleanup(tr.CloseIdleConnections)
	vu.StateValue.Transport = tr
	if got := vu.MustRun(`http.get(BASE).ocsp.status`).String(); got != "good" {
		t.Errorf("status %q", got)
	}
	if tag, ok := vu.Samples.Named("http_reqs")[0].Tags.Get("ocsp_status"); ok {
		t.Errorf("ocsp_status tag %q is not a default system tag", tag)
	}
}

// The parsed staple is cached per connection: alternating between servers
// must not mix their answers up.
func TestOCSPPerConnection(t *testing.T) {
	t.Parallel()
	pki := newTestPKI(t)
	good := pki.serve(t, pki.ocspResponse(t, ocsp.Response{Status: ocsp.Good, ThisUpdate: time.Now()}))
	revoked := pki.serve(t, pki.ocspResponse(t, ocsp.Response{
		Status: ocsp.Revoked, ThisUpdate: time.Now(), RevokedAt: time.Now().Add(-time.Hour),
	}))
	vu, _ := newVU(t, good)
	tr := netx.NewTransport(netx.NewDialer(), netx.TransportOptions{InsecureSkipTLSVerify: true})
	t.Cleanup(tr.CloseIdleConnections)
	vu.StateValue.Transport = tr
	if err := vu.Runtime().Set("OTHER", revoked); err != nil {
		t.Fatal(err)
	}
	got := vu.MustRun(`[BASE, OTHER, BASE, OTHER].map(function (u) { return http.get(u).ocsp.status }).join()`).String()
	if got != "good,revoked,good,revoked" {
		t.Errorf("statuses %s", got)
	}
}
