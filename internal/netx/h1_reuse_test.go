package netx

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

// closingServer answers every request and then closes the connection
// without saying so (no Connection: close), as a server restarting or
// enforcing a request limit badly would.
func closingServer(t *testing.T) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		c, buf, err := http.NewResponseController(w).Hijack()
		if err != nil {
			t.Error(err)
			return
		}
		_, _ = buf.WriteString("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
		_ = buf.Flush()
		_ = c.Close()
	}))
	srv.Start()
	t.Cleanup(srv.Close)
	return srv.URL
}

// TestFastPathServerClosedKeptAliveConnection sends requests back to back
// to a server that closes every connection after its answer: a GET may
// find the dead connection unchecked (it was idle for less than
// idleCheckAfter) and is sent again on a new one; a POST, which cannot be
// sent again, is only ever sent on a connection checked to be alive.
func TestFastPathServerClosedKeptAliveConnection(t *testing.T) {
	t.Parallel()
	url := closingServer(t)
	tr := NewTransport(NewDialer(), TransportOptions{})
	defer tr.CloseIdleConnections()
	send := func(method string) error {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		var body io.Reader
		if method == http.MethodPost {
			body = strings.NewReader("payload")
		}
		req, err := http.NewRequestWithContext(ctx, method, url+"/", body)
		if err != nil {
			t.Fatal(err)
		}
		resp, err := tr.RoundTrip(req)
		if err != nil {
			return err
		}
		b, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err == nil && string(b) != "ok" {
			t.Fatalf("body %q", b)
		}
		return err
	}
	for i := range 50 {
		if err := send(http.MethodGet); err != nil {
			t.Fatalf("GET %d: %v", i, err)
		}
	}
	for i := range 10 {
		// Long enough for the server's FIN to arrive: the check sees it.
		time.Sleep(5 * time.Millisecond)
		if err := send(http.MethodPost); err != nil {
			t.Fatalf("POST %d: %v", i, err)
		}
	}
}
