package netx

import (
	"io"
	"log"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestBase(t *testing.T) {
	tr := NewTransport(NewDialer(), TransportOptions{})
	defer tr.CloseIdleConnections()
	tests := []struct {
		name string
		rt   http.RoundTripper
		want *Transport
	}{
		{"plain", tr, tr},
		{"wrapped", &DebugTransport{Next: &RateLimitedTransport{Next: tr}}, tr},
		{"foreign", http.DefaultTransport, nil},
		{"nil", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Base(tt.rt); got != tt.want {
				t.Errorf("Base = %p, want %p", got, tt.want)
			}
		})
	}
}

// TestDialTLS checks that DialTLS applies the transport's TLS options,
// offers only the protocols asked for and counts the bytes.
func TestDialTLS(t *testing.T) {
	srv := httptest.NewUnstartedServer(http.NotFoundHandler())
	srv.EnableHTTP2 = true
	srv.Config.ErrorLog = log.New(io.Discard, "", 0) // the refused certificate
	srv.StartTLS()
	defer srv.Close()
	addr := strings.TrimPrefix(srv.URL, "https://")

	d := NewDialer()
	tr := NewTransport(d, TransportOptions{InsecureSkipTLSVerify: true})
	defer tr.CloseIdleConnections()
	c, err := tr.DialTLS(t.Context(), "tcp", addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	if p := c.ConnectionState().NegotiatedProtocol; p != "" {
		t.Errorf("negotiated %q without asking", p)
	}
	c.Close()
	if d.BytesWritten() == 0 || d.BytesRead() == 0 {
		t.Error("handshake bytes not counted")
	}

	strict := NewTransport(NewDialer(), TransportOptions{})
	defer strict.CloseIdleConnections()
	if _, err := strict.DialTLS(t.Context(), "tcp", addr, nil); err == nil {
		t.Error("untrusted certificate accepted")
	}
}
