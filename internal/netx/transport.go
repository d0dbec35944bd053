package netx

import (
	"crypto/tls"
	"net/http"
	"time"
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

// NewTransport returns an HTTP transport that dials through d.
//
// Compression is disabled so that the transport adds no Accept-Encoding
// header (k6 sends one only when the script does). HTTP/2 is negotiated by
// ALPN over TLS; plain-text connections stay HTTP/1.1. There is no TLS
// handshake or response-header timeout of its own: the per-request timeout
// covers the whole exchange.
func NewTransport(d *Dialer, o TransportOptions) *http.Transport {
	var tc *tls.Config
	if o.TLSConfig != nil {
		tc = o.TLSConfig.Clone()
	} else {
		tc = &tls.Config{} //nolint:gosec // versions come from the test options
	}
	if o.InsecureSkipTLSVerify {
		tc.InsecureSkipVerify = true //nolint:gosec // the user asked for it
	}
	return &http.Transport{
		DialContext:         d.DialContext,
		TLSClientConfig:     tc,
		ForceAttemptHTTP2:   true,
		DisableCompression:  true,
		DisableKeepAlives:   o.NoConnectionReuse,
		MaxIdleConns:        maxIdleConns,
		MaxIdleConnsPerHost: maxIdleConnsPerHost,
		IdleConnTimeout:     idleConnTimeout,
	}
}
