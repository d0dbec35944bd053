package netx

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"go.uber.org/goleak"
	"golang.org/x/net/http2"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// roundTrip sends one GET through a fresh VU transport and returns the
// transport's error, as the HTTP module would see it.
func roundTrip(t *testing.T, rawURL string, o TransportOptions) error {
	t.Helper()
	tr := NewTransport(NewDialer(), o)
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
	}
	return err
}

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// resettingServer accepts connections, reads the request and aborts the
// connection with a TCP RST (SO_LINGER 0) instead of answering.
func resettingServer(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	t.Cleanup(func() { ln.Close(); <-done })
	go func() {
		defer close(done)
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			buf := make([]byte, 4096)
			_, _ = c.Read(buf)
			_ = c.(*net.TCPConn).SetLinger(0)
			c.Close()
		}
	}()
	return ln.Addr().String()
}

func TestClassifyErrorRealErrors(t *testing.T) {
	t.Parallel()

	tlsSrv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	tlsSrv.Config.ErrorLog = log.New(io.Discard, "", 0) // rejected handshakes are the point
	tlsSrv.StartTLS()
	defer tlsSrv.Close()
	plainSrv := httptest.NewServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
	defer plainSrv.Close()
	slowSrv := httptest.NewServer(http.HandlerFunc(func(_ http.ResponseWriter, r *http.Request) {
		<-r.Context().Done()
	}))
	defer slowSrv.Close()

	trusted := x509.NewCertPool()
	trusted.AddCert(tlsSrv.Certificate())

	tests := []struct {
		name     string
		do       func(t *testing.T) error
		wantCode int
		wantMsg  string
	}{
		{
			name:     "connection refused",
			do:       func(t *testing.T) error { return roundTrip(t, "http://"+closedPort(t)+"/", TransportOptions{}) },
			wantCode: CodeDialRefused,
			wantMsg:  "dial: connection refused",
		},
		{
			name:     "connection reset",
			do:       func(t *testing.T) error { return roundTrip(t, "http://"+resettingServer(t)+"/", TransportOptions{}) },
			wantCode: CodeConnReset,
			wantMsg:  "read: connection reset by peer",
		},
		{
			name:     "untrusted certificate",
			do:       func(t *testing.T) error { return roundTrip(t, tlsSrv.URL, TransportOptions{}) },
			wantCode: CodeX509Authority,
			wantMsg:  "x509: unknown authority",
		},
		{
			name: "hostname mismatch",
			do: func(t *testing.T) error {
				return roundTrip(t, tlsSrv.URL, TransportOptions{TLSConfig: &tls.Config{RootCAs: trusted, ServerName: "wrong.test"}})
			},
			wantCode: CodeX509Hostname,
			wantMsg:  "x509: certificate doesn't match hostname",
		},
		{
			name: "TLS to a plain-text server",
			do: func(t *testing.T) error {
				return roundTrip(t, strings.Replace(plainSrv.URL, "http:", "https:", 1), TransportOptions{})
			},
			wantCode: CodeTLS,
			wantMsg:  "tls: first record does not look like a TLS handshake",
		},
		{
			name: "request timeout",
			do: func(t *testing.T) error {
				tr := NewTransport(NewDialer(), TransportOptions{})
				defer tr.CloseIdleConnections()
				ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
				defer cancel()
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, slowSrv.URL, nil)
				_, err := tr.RoundTrip(req)
				return err
			},
			wantCode: CodeGeneric,
			wantMsg:  "context deadline exceeded",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do(t)
			if err == nil {
				t.Fatal("request succeeded, want an error")
			}
			code, msg := ClassifyError(err)
			if code != tc.wantCode || msg != tc.wantMsg {
				t.Errorf("ClassifyError(%v) = %d, %q; want %d, %q", err, code, msg, tc.wantCode, tc.wantMsg)
			}
		})
	}
}

type timeoutError struct{}

func (timeoutError) Error() string   { return "i/o timeout" }
func (timeoutError) Timeout() bool   { return true }
func (timeoutError) Temporary() bool { return true }

func TestClassifyErrorSynthetic(t *testing.T) {
	t.Parallel()
	tcpAddr := &net.TCPAddr{IP: net.IPv4(127, 0, 0, 1), Port: 80}
	op := func(op string, err error) error {
		return &url.Error{Op: "Get", URL: "http://x/", Err: &net.OpError{Op: op, Net: "tcp", Addr: tcpAddr, Err: err}}
	}
	sys := func(call string, errno syscall.Errno) error { return os.NewSyscallError(call, errno) }

	tests := []struct {
		name     string
		err      error
		wantCode int
		wantMsg  string
	}{
		{"nil", nil, 0, ""},
		{"generic", errors.New("boom"), 1000, "boom"},
		{"url error stripped", &url.Error{Op: "Get", URL: "http://x/", Err: errors.New("unsupported protocol scheme \"\"")}, 1000, "unsupported protocol scheme \"\""},
		{"deadline", &url.Error{Op: "Get", URL: "http://x/", Err: context.DeadlineExceeded}, 1000, "context deadline exceeded"},
		{"dns no such host", op("dial", &net.DNSError{Err: "no such host", Name: "nope.test", IsNotFound: true}), 1101, "lookup: no such host"},
		{"dns other", &net.DNSError{Err: "server misbehaving", Name: "x.test", Server: "1.1.1.1:53"}, 1100, "lookup x.test on 1.1.1.1:53: server misbehaving"},
		{"non-tcp", &net.OpError{Op: "read", Net: "udp", Err: errors.New("x")}, 1010, "read udp: x"},
		{"tcp plain", op("read", errors.New("weird")), 1200, "read tcp 127.0.0.1:80: weird"},
		{"broken pipe", op("write", sys("write", syscall.EPIPE)), 1201, "write: broken pipe"},
		{"unknown errno", op("read", sys("read", syscall.EBADF)), 1202,
			fmt.Sprintf("read: unknown errno `%d` on %s with message `%s`", uint(syscall.EBADF), runtime.GOOS, syscall.EBADF.Error())},
		{"dial plain", op("dial", errors.New("nope")), 1210, "dial tcp 127.0.0.1:80: nope"},
		{"dial timeout", op("dial", timeoutError{}), 1211, "dial: i/o timeout"},
		{"dial refused", op("dial", sys("connect", syscall.ECONNREFUSED)), 1212, "dial: connection refused"},
		{"dial refused winsock", op("dial", sys("connectex", wsaECONNREFUSED)), 1212, "dial: connection refused"},
		{"dial unknown errno", op("dial", sys("connect", syscall.ENETUNREACH)), 1213,
			fmt.Sprintf("dial: unknown errno %d error with msg `%s`", uint(syscall.ENETUNREACH), syscall.ENETUNREACH.Error())},
		{"reset on write", op("write", sys("write", syscall.ECONNRESET)), 1220, "write: connection reset by peer"},
		{"record header", fmt.Errorf("handshake: %w", tls.RecordHeaderError{Msg: "bad record"}), 1300, "handshake: tls: bad record"},
		{"tls alert", &net.OpError{Op: "remote error", Err: tls.AlertError(40)}, 1300, "remote error: tls: handshake failure"},
		{"unknown authority", &url.Error{Op: "Get", URL: "https://x/", Err: &tls.CertificateVerificationError{Err: x509.UnknownAuthorityError{}}}, 1310, "x509: unknown authority"},
		{"hostname", x509.HostnameError{Host: "x"}, 1311, "x509: certificate doesn't match hostname"},
		{"goaway no error", http2.GoAwayError{ErrCode: http2.ErrCodeNo}, 1611, "http2: received GoAway with http2 ErrCode NO_ERROR"},
		{"goaway protocol", &url.Error{Op: "Get", URL: "https://x/", Err: http2.GoAwayError{ErrCode: http2.ErrCodeProtocol}}, 1612, "http2: received GoAway with http2 ErrCode PROTOCOL_ERROR"},
		{"goaway unknown", http2.GoAwayError{ErrCode: 0x42}, 1610, "http2: received GoAway with http2 ErrCode unknown error code 0x42"},
		{"stream refused", http2.StreamError{Code: http2.ErrCodeRefusedStream}, 1638, "http2: stream error with http2 ErrCode REFUSED_STREAM"},
		{"stream http/1.1 required", http2.StreamError{Code: http2.ErrCodeHTTP11Required}, 1644, "http2: stream error with http2 ErrCode HTTP_1_1_REQUIRED"},
		{"connection flow control", http2.ConnectionError(http2.ErrCodeFlowControl), 1654, "http2: connection error with http2 ErrCode FLOW_CONTROL_ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			code, msg := ClassifyError(tc.err)
			if code != tc.wantCode || msg != tc.wantMsg {
				t.Errorf("ClassifyError(%v) = %d, %q; want %d, %q", tc.err, code, msg, tc.wantCode, tc.wantMsg)
			}
		})
	}
}

func TestDialerCountsBytes(t *testing.T) {
	t.Parallel()
	var gotAcceptEncoding atomic.Value
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAcceptEncoding.Store(r.Header.Values("Accept-Encoding"))
		_, _ = io.WriteString(w, strings.Repeat("x", 1000))
	}))
	defer srv.Close()

	d := NewDialer()
	tr := NewTransport(d, TransportOptions{})
	defer tr.CloseIdleConnections()

	if err := get(t, tr, srv.URL); err != nil {
		t.Fatal(err)
	}
	if d.BytesWritten() == 0 || d.BytesRead() < 1000 {
		t.Fatalf("written %d, read %d; want >0 and >=1000", d.BytesWritten(), d.BytesRead())
	}
	w, r := d.TakeBytes()
	if w == 0 || r < 1000 {
		t.Fatalf("TakeBytes = %d, %d", w, r)
	}
	if w, r := d.TakeBytes(); w != 0 || r != 0 {
		t.Fatalf("second TakeBytes = %d, %d; want 0, 0", w, r)
	}
	if v := gotAcceptEncoding.Load().([]string); len(v) != 0 {
		t.Errorf("transport sent Accept-Encoding %q; k6 sends none by itself", v)
	}
}

func get(t *testing.T, tr http.RoundTripper, rawURL string) error {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	resp, err := tr.RoundTrip(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	_, err = io.Copy(io.Discard, resp.Body)
	return err
}

func TestTransportConnectionReuse(t *testing.T) {
	t.Parallel()
	for _, noReuse := range []bool{false, true} {
		t.Run(fmt.Sprintf("noConnectionReuse=%v", noReuse), func(t *testing.T) {
			t.Parallel()
			var conns atomic.Int32
			srv := httptest.NewUnstartedServer(http.HandlerFunc(func(http.ResponseWriter, *http.Request) {}))
			srv.Config.ConnState = func(_ net.Conn, s http.ConnState) {
				if s == http.StateNew {
					conns.Add(1)
				}
			}
			srv.Start()
			defer srv.Close()
			tr := NewTransport(NewDialer(), TransportOptions{NoConnectionReuse: noReuse})
			defer tr.CloseIdleConnections()
			for range 3 {
				if err := get(t, tr, srv.URL); err != nil {
					t.Fatal(err)
				}
			}
			want := int32(1)
			if noReuse {
				want = 3
			}
			if got := conns.Load(); got != want {
				t.Errorf("server saw %d connections, want %d", got, want)
			}
		})
	}
}

func TestTransportHTTP2OverTLS(t *testing.T) {
	t.Parallel()
	srv := httptest.NewUnstartedServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, r.Proto)
	}))
	srv.EnableHTTP2 = true
	srv.StartTLS()
	defer srv.Close()

	tr := NewTransport(NewDialer(), TransportOptions{InsecureSkipTLSVerify: true})
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, srv.URL, nil)
	resp, err := tr.RoundTrip(req)
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.Proto != "HTTP/2.0" || string(body) != "HTTP/2.0" {
		t.Errorf("proto %q, server saw %q; want HTTP/2.0", resp.Proto, body)
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 {
		t.Errorf("TLS state %+v", resp.TLS)
	}
}

func TestNewTransportDoesNotModifyTLSConfig(t *testing.T) {
	t.Parallel()
	base := &tls.Config{ServerName: "a.test"}
	tr := NewTransport(NewDialer(), TransportOptions{TLSConfig: base, InsecureSkipTLSVerify: true})
	if base.InsecureSkipVerify || len(base.NextProtos) != 0 {
		t.Errorf("base config modified: %+v", base)
	}
	if !tr.TLSClientConfig.InsecureSkipVerify || tr.TLSClientConfig.ServerName != "a.test" {
		t.Errorf("transport config %+v", tr.TLSClientConfig)
	}
}
