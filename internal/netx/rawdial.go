package netx

import (
	"context"
	"crypto/tls"
	"net"
	"net/http"
)

// Protocols other than HTTP (k6/ws, k6/net/grpc) open their own
// connections, but through the VU's transport, so that the same network
// options apply (hosts, blockHostnames, dns, blacklistIPs, localIPs and the
// TLS options) and their bytes count in the VU's data_sent and
// data_received. A module finds the transport under jsmod.State.Transport
// with Base.

// Base returns the *Transport under rt's wrappers (the rps limiter and the
// httpDebug logger, which apply to HTTP requests only), or nil when rt is
// not built on one.
func Base(rt http.RoundTripper) *Transport {
	for {
		switch t := rt.(type) {
		case *Transport:
			return t
		case *RateLimitedTransport:
			rt = t.Next
		case *DebugTransport:
			rt = t.Next
		default:
			return nil
		}
	}
}

// Dial opens a connection to addr through the transport's dialer.
func (t *Transport) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	return t.dialer.DialContext(ctx, network, addr)
}

// TLSConfig is the transport's TLS configuration for a connection to host
// (versions, cipher suites, insecureSkipTLSVerify and the tlsAuth
// certificate for the host), with no ALPN protocols: a new copy the caller
// may change.
func (t *Transport) TLSConfig(host string) *tls.Config {
	cfg := &tls.Config{} //nolint:gosec // versions come from the test options
	if t.TLSClientConfig != nil {
		cfg = t.TLSClientConfig.Clone()
	}
	cfg.NextProtos = nil
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if c := certFor(t.certs, host); c != nil {
		cfg.Certificates = []tls.Certificate{*c}
	}
	return cfg
}

// DialTLS opens a connection to addr like Dial and makes it a TLS client
// connection with TLSConfig(host), offering nextProtos by ALPN (nothing
// when empty). The handshake is done when it returns.
func (t *Transport) DialTLS(ctx context.Context, network, addr string, nextProtos []string) (*tls.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	raw, err := t.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	cfg := t.TLSConfig(host)
	cfg.NextProtos = nextProtos
	tc := tls.Client(raw, cfg)
	if err := tc.HandshakeContext(ctx); err != nil {
		_ = raw.Close()
		return nil, err
	}
	return tc, nil
}
