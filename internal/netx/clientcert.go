package netx

import (
	"context"
	"crypto/tls"
	"net"
	"net/http/httptrace"
	"strings"
)

// ClientCert is a client certificate of the tlsAuth option with the server
// names it is sent to: exact names or wildcards like "*.example.com"
// (case-insensitive).
type ClientCert struct {
	Domains []string
	Cert    tls.Certificate
}

// certFor returns the first certificate whose domains match host, exact
// names before wildcards.
func certFor(certs []ClientCert, host string) *tls.Certificate {
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	for i := range certs {
		for _, d := range certs[i].Domains {
			if strings.EqualFold(d, host) {
				return &certs[i].Cert
			}
		}
	}
	for i := range certs {
		for _, d := range certs[i].Domains {
			if suffix, ok := strings.CutPrefix(strings.ToLower(d), "*"); ok && suffix != "" && strings.HasSuffix(host, suffix) {
				return &certs[i].Cert
			}
		}
	}
	return nil
}

// dialTLS is the transport's DialTLSContext when tlsAuth is set: the TLS
// configuration is made per connection so that the client certificate can
// depend on the server name, which tls.Config.GetClientCertificate does
// not see. It reports the handshake to httptrace as net/http would.
func (t *Transport) dialTLS(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, err
	}
	raw, err := t.dialer.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	cfg := t.TLSClientConfig.Clone()
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if c := certFor(t.certs, host); c != nil {
		cfg.Certificates = []tls.Certificate{*c}
	}
	tc := tls.Client(raw, cfg)
	trace := httptrace.ContextClientTrace(ctx)
	if trace != nil && trace.TLSHandshakeStart != nil {
		trace.TLSHandshakeStart()
	}
	err = tc.HandshakeContext(ctx)
	if trace != nil && trace.TLSHandshakeDone != nil {
		trace.TLSHandshakeDone(tc.ConnectionState(), err)
	}
	if err != nil {
		_ = raw.Close()
		return nil, err
	}
	return tc, nil
}
