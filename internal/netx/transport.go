package netx

import (
	"crypto/tls"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"sync"
	"time"

	"golang.org/x/net/http2"
)

// TransportOptions are the knobs of a VU's HTTP transport that come from the
// test options.
type TransportOptions struct {
	// InsecureSkipTLSVerify disables certificate verification
	// (insecureSkipTLSVerify).
	InsecureSkipTLSVerify bool
	// NoConnectionReuse disables keep-alive entirely (noConnectionReuse).
	NoConnectionReuse bool
	// TLSConfig is the base TLS configuration (versions, cipher suites,
	// client certificates); it is cloned, never modified. Nil means Go's
	// defaults.
	TLSConfig *tls.Config
	// ClientCerts are the tlsAuth certificates, sent to the servers
	// whose names match their domains.
	ClientCerts []ClientCert
}

// Idle-pool limits: one VU runs one request at a time except in http.batch,
// whose defaults are 20 requests in flight and 6 per host (k6's batch and
// batchPerHost), so keeping more idle connections than that only wastes
// sockets.
const (
	maxIdleConns        = 20
	maxIdleConnsPerHost = 6
	idleConnTimeout     = 90 * time.Second
)

// Transport is a VU's HTTP transport. Plain-text HTTP/1.1 requests are sent
// and their response heads read on the calling goroutine (h1.go); the
// embedded net/http transport carries everything else: HTTPS, and with it
// HTTP/2, and the unusual requests listed in fastPath.
//
// The fast path exists for speed. net/http hands every request to two
// goroutines per connection and back through channels, and allocates
// several objects per request to coordinate them; a VU waits for each
// response anyway, so doing the exchange in place cut the CPU a request
// costs the load generator by about a quarter.
type Transport struct {
	*http.Transport

	dialer *Dialer
	certs  []ClientCert

	mu   sync.Mutex
	idle map[string][]*h1Conn // fast-path idle connections by host:port
}

// NewTransport returns an HTTP transport that dials through d.
//
// Compression is disabled so that the transport adds no Accept-Encoding
// header (k6 sends one only when the script does). HTTP/2 is negotiated by
// ALPN over TLS; plain-text connections stay HTTP/1.1. There is no TLS
// handshake or response-header timeout of its own: the per-request timeout
// covers the whole exchange.
func NewTransport(d *Dialer, o TransportOptions) *Transport {
	var tc *tls.Config
	if o.TLSConfig != nil {
		tc = o.TLSConfig.Clone()
	} else {
		tc = &tls.Config{} //nolint:gosec // versions come from the test options
	}
	if o.InsecureSkipTLSVerify {
		tc.InsecureSkipVerify = true //nolint:gosec // the user asked for it
	}
	t := &Transport{dialer: d, certs: o.ClientCerts, Transport: &http.Transport{
		DialContext:         d.DialContext,
		TLSClientConfig:     tc,
		ForceAttemptHTTP2:   true,
		DisableCompression:  true,
		DisableKeepAlives:   o.NoConnectionReuse,
		MaxIdleConns:        maxIdleConns,
		MaxIdleConnsPerHost: maxIdleConnsPerHost,
		IdleConnTimeout:     idleConnTimeout,
	}}
	if len(o.ClientCerts) > 0 {
		t.DialTLSContext = t.dialTLS
	}
	// HTTP/2 comes from golang.org/x/net/http2 rather than the copy bundled
	// into net/http: the bundled client (Go 1.26) deadlocks when a server
	// overflows a stream's flow-control window, hanging the VU past its
	// timeout, and x/net has the fix. Errors are classified the same.
	if _, err := http2.ConfigureTransports(t.Transport); err != nil {
		panic(fmt.Sprintf("netx: configuring HTTP/2: %v", err)) // only if configured twice
	}
	return t
}

// RoundTrip implements http.RoundTripper. A Trace attached to the
// request's context with WithTrace records the request's phases, and a
// RequestDeadline attached with WithRequestDeadline bounds the exchange,
// the response body included.
func (t *Transport) RoundTrip(req *http.Request) (*http.Response, error) {
	if t.fastPath(req) {
		return t.roundTripH1(req)
	}
	ctx, cancel := ApplyRequestDeadline(req.Context())
	if tr := traceFrom(ctx); tr != nil {
		ctx = httptrace.WithClientTrace(ctx, tr.hooks(tr.current()))
	}
	resp, err := t.Transport.RoundTrip(req.WithContext(ctx))
	if err != nil {
		cancel()
		return nil, err
	}
	if _, upgraded := resp.Body.(io.ReadWriteCloser); upgraded {
		// A 101's body is the connection itself, which outlives the
		// request; the deadline's timer just runs out.
		return resp, nil
	}
	resp.Body = &cancelOnClose{ReadCloser: resp.Body, cancel: cancel}
	return resp, nil
}

// CloseIdleConnections closes the idle connections of both paths.
func (t *Transport) CloseIdleConnections() {
	t.closeIdle()
	t.Transport.CloseIdleConnections()
}
