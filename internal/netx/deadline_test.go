package netx

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"
)

// hangingServer answers with headers and part of a body when stall is
// "body", nothing at all otherwise, and then waits for the client.
func hangingServer(t *testing.T, tls bool, stall string) string {
	t.Helper()
	release := make(chan struct{})
	h := http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/ok" {
			_, _ = io.WriteString(w, "ok")
			return
		}
		if stall == "body" {
			w.Header().Set("Content-Length", "100")
			_, _ = io.WriteString(w, "part")
			w.(http.Flusher).Flush()
		}
		select {
		case <-r.Context().Done():
		case <-release:
		}
	})
	srv := httptest.NewUnstartedServer(h)
	if tls {
		srv.StartTLS()
	} else {
		srv.Start()
	}
	t.Cleanup(func() { close(release); srv.Close() })
	return srv.URL
}

// send makes one request through tr with ctx carrying deadline d (zero:
// none) and reads the whole body.
func send(ctx context.Context, tr http.RoundTripper, url string, d time.Time) error {
	var rd RequestDeadline
	rd.Set(d)
	req, err := http.NewRequestWithContext(WithRequestDeadline(ctx, &rd), http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.ReadAll(resp.Body)
	return err
}

// TestRequestDeadline checks that a RequestDeadline bounds every phase of
// a request on both paths and ends it as context.WithTimeout would have
// (context.DeadlineExceeded, so the message stays k6's).
func TestRequestDeadline(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name  string
		tls   bool
		stall string
	}{
		{"fast path, no answer", false, "head"},
		{"fast path, body cut", false, "body"},
		{"net/http path, no answer", true, "head"},
		{"net/http path, body cut", true, "body"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			url := hangingServer(t, tc.tls, tc.stall)
			tr := NewTransport(NewDialer(), TransportOptions{InsecureSkipTLSVerify: true})
			defer tr.CloseIdleConnections()
			start := time.Now()
			err := send(t.Context(), tr, url+"/hang", start.Add(200*time.Millisecond))
			if !errors.Is(err, context.DeadlineExceeded) {
				t.Fatalf("error %v, want context.DeadlineExceeded", err)
			}
			if code, msg := ClassifyError(err); code != CodeGeneric || msg != "context deadline exceeded" {
				t.Errorf("ClassifyError = %d %q", code, msg)
			}
			if took := time.Since(start); took < 150*time.Millisecond || took > 5*time.Second {
				t.Errorf("took %v for a 200ms deadline", took)
			}
			// The connection is not reused in a broken state.
			if err := send(t.Context(), tr, url+"/ok", time.Now().Add(5*time.Second)); err != nil {
				t.Errorf("next request: %v", err)
			}
		})
	}
}

// TestRequestDeadlinePassed fails a request whose deadline is already
// past without sending it.
func TestRequestDeadlinePassed(t *testing.T) {
	t.Parallel()
	url := hangingServer(t, false, "head")
	tr := NewTransport(NewDialer(), TransportOptions{})
	defer tr.CloseIdleConnections()
	if err := send(t.Context(), tr, url+"/ok", time.Now().Add(-time.Second)); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("error %v, want context.DeadlineExceeded", err)
	}
}

// TestFastPathCancel ends a request's context while the server is silent:
// the exchange stops at once with the context's error.
func TestFastPathCancel(t *testing.T) {
	t.Parallel()
	url := hangingServer(t, false, "head")
	tr := NewTransport(NewDialer(), TransportOptions{})
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithCancel(t.Context())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	if err := send(ctx, tr, url+"/hang", time.Now().Add(time.Minute)); !errors.Is(err, context.Canceled) {
		t.Fatalf("error %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > 5*time.Second {
		t.Errorf("cancel took %v", took)
	}
}

// TestFastPathConnectionOutlivesContext keeps a connection that served a
// request under one context (since ended) for the next context's requests:
// the first context's end must not break them.
func TestFastPathConnectionOutlivesContext(t *testing.T) {
	t.Parallel()
	var conns int
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		_, _ = io.WriteString(w, "ok")
	}))
	srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
		if s == http.StateNew {
			conns++
		}
	}
	srv.Start()
	defer srv.Close()
	tr := NewTransport(NewDialer(), TransportOptions{})
	defer tr.CloseIdleConnections()

	for i := range 5 {
		ctx, cancel := context.WithCancel(t.Context())
		for j := range 3 {
			if err := send(ctx, tr, srv.URL+"/", time.Now().Add(5*time.Second)); err != nil {
				t.Fatalf("context %d, request %d: %v", i, j, err)
			}
		}
		cancel()
		time.Sleep(10 * time.Millisecond) // let the first context's abort run
	}
	srv.Close() // waits for the handlers, so conns is settled
	if conns != 1 {
		t.Errorf("%d connections, want 1 kept across contexts", conns)
	}
}
