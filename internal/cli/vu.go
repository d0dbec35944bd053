package cli

import (
	"crypto/tls"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/net/publicsuffix"

	"github.com/stampede-load/stampede/internal/config"
	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// vuOptions are the test options the JS modules act on.
func vuOptions(o config.Options, sys metrics.SystemTagSet) jsmod.Options {
	return jsmod.Options{
		SystemTags:            sys,
		Throw:                 o.Throw.V,
		UserAgent:             o.UserAgent.V,
		MaxRedirects:          int(o.MaxRedirects.V),
		MaxRedirectsSet:       o.MaxRedirects.Valid,
		DiscardResponseBodies: o.DiscardResponseBodies.V,
		HTTPDebug:             o.HTTPDebug.V,
		Batch:                 int(o.Batch.V),
		BatchPerHost:          int(o.BatchPerHost.V),
	}
}

// runNet is what the VUs of a run share: the options turned into netx
// values once, and the DNS cache. It is built by the first vuTransport
// call; the options do not change during a run.
type runNet struct {
	once   sync.Once
	dialer netx.DialerOptions // without LocalIP
	certs  []netx.ClientCert
	pool   *netx.IPPool
	rps    *netx.RateLimiter // nil without the rps option
	nextVU atomic.Uint64
}

// dnsServerEnv names the one DNS server (ip:port) to ask instead of the
// system's: k6 has no such setting, and tests need it to reach a resolver
// they run on loopback.
const dnsServerEnv = "STAMPEDE_DNS_SERVER"

// newRunNet turns the network options into netx values; dnsServer, when
// set, is the only DNS server asked. Validation has already rejected
// malformed values, so errors here are unexpected.
func newRunNet(o config.Options, dnsServer string) (*runNet, error) {
	n := &runNet{}
	dns := config.Defaults().DNS
	if o.DNS.TTL.Valid {
		dns.TTL = o.DNS.TTL
	}
	if o.DNS.Select.Valid {
		dns.Select = o.DNS.Select
	}
	if o.DNS.Policy.Valid {
		dns.Policy = o.DNS.Policy
	}
	ttl, inf, err := dns.TTLDuration()
	if err != nil {
		return nil, err
	}
	var lookup netx.LookupFunc
	if dnsServer != "" {
		lookup = netx.LookupVia(dnsServer)
	}
	n.dialer.Resolver = netx.NewResolver(netx.ResolverOptions{
		TTL: ttl, Infinite: inf, Select: dns.Select.V, Policy: dns.Policy.V,
		Lookup: lookup,
	})
	n.dialer.Hosts = o.Hosts.V
	if len(o.BlockHostnames.V) > 0 {
		if n.dialer.BlockHostnames, err = netx.NewHostnameMatcher(o.BlockHostnames.V); err != nil {
			return nil, err
		}
	}
	for _, c := range o.BlacklistIPs.V {
		p, err := netip.ParsePrefix(strings.TrimSpace(c))
		if err != nil {
			return nil, fmt.Errorf("blacklistIPs: %w", err)
		}
		n.dialer.BlacklistIPs = append(n.dialer.BlacklistIPs, p.Masked())
	}
	for i, a := range o.TLSAuth.V {
		cert, err := tls.X509KeyPair([]byte(a.Cert), []byte(a.Key))
		if err != nil {
			return nil, fmt.Errorf("tlsAuth[%d]: %w", i, err)
		}
		n.certs = append(n.certs, netx.ClientCert{Domains: a.Domains, Cert: cert})
	}
	if n.pool, err = netx.ParseIPPool(o.LocalIPs.V); err != nil {
		return nil, fmt.Errorf("localIPs: %w", err)
	}
	n.rps = netx.NewRateLimiter(o.RPS.V)
	return n, nil
}

// vuTransport builds one VU's own HTTP transport (behind the run's shared
// rps limiter, and with httpDebug dumps when asked for) and the reader of
// its connections' byte counts. Successive calls take the localIPs
// addresses in turn.
func (a *app) vuTransport(o config.Options) (http.RoundTripper, func() (sent, received int64)) {
	a.net.once.Do(func() {
		n, err := newRunNet(o, a.env.Getenv(dnsServerEnv))
		if err != nil {
			a.logger.Errorf("network options: %v", err)
			return
		}
		a.net.dialer, a.net.certs, a.net.pool, a.net.rps = n.dialer, n.certs, n.pool, n.rps
	})
	do := a.net.dialer
	if a.net.pool != nil {
		do.LocalIP = a.net.pool.Get(a.net.nextVU.Add(1) - 1)
	}
	d := netx.NewDialerWith(do)
	var t http.RoundTripper = netx.NewTransport(d, netx.TransportOptions{
		InsecureSkipTLSVerify: o.InsecureSkipTLSVerify.V,
		NoConnectionReuse:     o.NoConnectionReuse.V,
		TLSConfig:             tlsConfig(o),
		ClientCerts:           a.net.certs,
	})
	if a.net.rps != nil {
		t = &netx.RateLimitedTransport{Next: t, Limiter: a.net.rps}
	}
	if o.HTTPDebug.V != "" {
		t = &netx.DebugTransport{Next: t, Full: o.HTTPDebug.V == "full", Log: func(id, m string) {
			a.logger.WithField("request_id", id).Info(m)
		}}
	}
	return t, func() (int64, int64) { return d.BytesWritten(), d.BytesRead() }
}

func newCookieJar() http.CookieJar {
	jar, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	return jar
}
