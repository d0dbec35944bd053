package cli

import (
	"net/http"
	"net/http/cookiejar"

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
		DiscardResponseBodies: o.DiscardResponseBodies.V,
		HTTPDebug:             o.HTTPDebug.V,
		Batch:                 int(o.Batch.V),
		BatchPerHost:          int(o.BatchPerHost.V),
	}
}

// vuTransport builds one VU's own HTTP transport (with httpDebug dumps when
// asked for) and the reader of its connections' byte counts.
func (a *app) vuTransport(o config.Options) (http.RoundTripper, func() (sent, received int64)) {
	d := netx.NewDialer()
	var t http.RoundTripper = netx.NewTransport(d, netx.TransportOptions{
		InsecureSkipTLSVerify: o.InsecureSkipTLSVerify.V,
		NoConnectionReuse:     o.NoConnectionReuse.V,
		TLSConfig:             tlsConfig(o),
	})
	if o.HTTPDebug.V != "" {
		t = &netx.DebugTransport{Next: t, Full: o.HTTPDebug.V == "full", Log: func(m string) { a.logger.Info(m) }}
	}
	return t, func() (int64, int64) { return d.BytesWritten(), d.BytesRead() }
}

func newCookieJar() http.CookieJar {
	jar, _ := cookiejar.New(&cookiejar.Options{PublicSuffixList: publicsuffix.List})
	return jar
}
