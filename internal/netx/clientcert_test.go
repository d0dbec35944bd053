package netx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"github.com/stampede-load/stampede/internal/testutil/certs"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"
	"time"
)

// clientCert makes a self-signed client certificate with common name cn.
func clientCert(t *testing.T, cn string) tls.Certificate {
	return certs.SelfSigned(t, cn, x509.ExtKeyUsageClientAuth)
}

func TestClientCertsByServerName(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		cn := "none"
		if len(r.TLS.PeerCertificates) > 0 {
			cn = r.TLS.PeerCertificates[0].Subject.CommonName
		}
		w.Header().Set("X-Client", cn)
		w.Header().Set("X-SNI", r.TLS.ServerName)
	}))
	srv.EnableHTTP2 = true
	srv.TLS = &tls.Config{ClientAuth: tls.RequireAnyClientCert}
	srv.StartTLS()
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	d := NewDialerWith(DialerOptions{Hosts: map[string]string{
		"api.test": "127.0.0.1", "x.wild.test": "127.0.0.1", "other.test": "127.0.0.1",
	}})
	tr := NewTransport(d, TransportOptions{InsecureSkipTLSVerify: true, ClientCerts: []ClientCert{
		{Domains: []string{"*.wild.test"}, Cert: clientCert(t, "wild")},
		{Domains: []string{"API.test"}, Cert: clientCert(t, "api")},
	}})
	defer tr.CloseIdleConnections()
	get := func(host string) (*http.Response, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://"+host+":"+port+"/", nil)
		resp, err := tr.RoundTrip(req)
		if err == nil {
			resp.Body.Close()
		}
		return resp, err
	}
	for host, want := range map[string]string{"api.test": "api", "x.wild.test": "wild"} {
		resp, err := get(host)
		if err != nil {
			t.Fatalf("%s: %v", host, err)
		}
		if got := resp.Header.Get("X-Client"); got != want {
			t.Errorf("%s: server got client cert %q, want %q", host, got, want)
		}
		if got := resp.Header.Get("X-SNI"); got != host {
			t.Errorf("%s: SNI %q", host, got)
		}
		if resp.ProtoMajor != 2 {
			t.Errorf("%s: protocol %s, want HTTP/2 still negotiated", host, resp.Proto)
		}
	}
	// No certificate matches: the server refuses the handshake.
	if _, err := get("other.test"); err == nil {
		t.Error("other.test: request succeeded without a client certificate")
	} else if code, _ := ClassifyError(err); code == 0 {
		t.Errorf("other.test: code 0 for %v", err)
	}
}

func TestIPPool(t *testing.T) {
	p, err := ParseIPPool("127.0.0.1-127.0.0.3, 10.0.0.0/31,192.168.1.5, fd00::fe-fd00::101")
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"127.0.0.1", "127.0.0.2", "127.0.0.3", "10.0.0.0", "10.0.0.1", "192.168.1.5",
		"fd00::fe", "fd00::ff", "fd00::100", "fd00::101", "127.0.0.1"}
	for i, w := range want {
		if got := p.Get(uint64(i)); got != netip.MustParseAddr(w) {
			t.Errorf("Get(%d) = %s, want %s", i, got, w)
		}
	}
	if p, err := ParseIPPool(" "); p != nil || err != nil {
		t.Errorf("empty: %v, %v", p, err)
	}
	for _, bad := range []string{"127.0.0.3-127.0.0.1", "x", "127.0.0.1-::1"} {
		if _, err := ParseIPPool(bad); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
	if big, _ := ParseIPPool("10.0.0.0/8,fd00::/64"); big.Get(1<<24) != netip.MustParseAddr("fd00::") {
		t.Errorf("large ranges: %s", big.Get(1<<24))
	}
}

func TestDialerLocalIP(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Remote", r.RemoteAddr)
	}))
	defer srv.Close()
	d := NewDialerWith(DialerOptions{LocalIP: netip.MustParseAddr("127.0.0.2")})
	resp, err := dialerRoundTrip(t, d, srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	if host, _, _ := net.SplitHostPort(resp.Header.Get("X-Remote")); host != "127.0.0.2" {
		t.Errorf("server saw the client at %s, want 127.0.0.2", resp.Header.Get("X-Remote"))
	}
}

func FuzzParseIPPool(f *testing.F) {
	f.Add("127.0.0.1-127.0.0.3,10.0.0.0/30", uint64(7))
	f.Add("::1-::ff,fd00::/8", uint64(1<<40))
	f.Fuzz(func(t *testing.T, s string, i uint64) {
		p, err := ParseIPPool(s)
		if err != nil || p == nil {
			return
		}
		if a := p.Get(i); !a.IsValid() {
			t.Errorf("Get(%d) of %q is invalid", i, s)
		}
	})
}
