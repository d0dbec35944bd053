package netx

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/net/dns/dnsmessage"

	"github.com/stampede-load/stampede/internal/testutil/faultsrv"
)

// startDNS runs a DNS server on 127.0.0.1 for records; lookup() is a
// LookupFunc that asks it, so no test asks the system's resolver.
func startDNS(t *testing.T, records map[string][]netip.Addr) dnsServer {
	return dnsServer{faultsrv.StartDNS(t, records, nil)}
}

type dnsServer struct{ *faultsrv.DNS }

func (s dnsServer) lookup() LookupFunc { return LookupVia(s.Addr) }

func addrs(ss ...string) []netip.Addr {
	out := make([]netip.Addr, len(ss))
	for i, s := range ss {
		out[i] = netip.MustParseAddr(s)
	}
	return out
}

func TestResolverPolicyAndSelect(t *testing.T) {
	srv := startDNS(t, map[string][]netip.Addr{
		"multi.test.": addrs("127.0.0.1", "127.0.0.2", "127.0.0.3", "::1"),
		"six.test.":   addrs("::1"),
	})
	tests := []struct {
		name, host, sel, policy string
		want                    []string // successive answers
		wantErr                 bool
	}{
		{"first", "multi.test", SelectFirst, PolicyPreferIPv4, []string{"127.0.0.1", "127.0.0.1"}, false},
		{"roundRobin", "multi.test", SelectRoundRobin, PolicyPreferIPv4, []string{"127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.1"}, false},
		{"preferIPv6", "multi.test", SelectFirst, PolicyPreferIPv6, []string{"::1"}, false},
		{"onlyIPv6", "multi.test", SelectFirst, PolicyOnlyIPv6, []string{"::1"}, false},
		{"preferIPv4 falls back", "six.test", SelectFirst, PolicyPreferIPv4, []string{"::1"}, false},
		{"onlyIPv4 without v4", "six.test", SelectFirst, PolicyOnlyIPv4, nil, true},
		{"any", "multi.test", SelectRoundRobin, PolicyAny, []string{"127.0.0.1", "127.0.0.2", "127.0.0.3", "::1"}, false},
		{"ip literal", "127.0.0.9", SelectFirst, PolicyOnlyIPv6, []string{"127.0.0.9"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := NewResolver(ResolverOptions{Infinite: true, Select: tt.sel, Policy: tt.policy, Lookup: srv.lookup()})
			if tt.wantErr {
				_, err := r.Resolve(t.Context(), tt.host)
				if code, _ := ClassifyError(err); code != CodeDNS {
					t.Fatalf("err %v, code %d, want %d", err, code, CodeDNS)
				}
				return
			}
			for i, w := range tt.want {
				got, err := r.Resolve(t.Context(), tt.host)
				if err != nil {
					t.Fatal(err)
				}
				if got.String() != w {
					t.Errorf("answer %d = %s, want %s", i, got, w)
				}
			}
		})
	}
}

func TestResolverRandomStaysInSet(t *testing.T) {
	srv := startDNS(t, map[string][]netip.Addr{"multi.test.": addrs("127.0.0.1", "127.0.0.2")})
	r := NewResolver(ResolverOptions{Infinite: true, Select: SelectRandom, Lookup: srv.lookup()})
	seen := map[string]bool{}
	for range 200 {
		a, err := r.Resolve(t.Context(), "multi.test")
		if err != nil {
			t.Fatal(err)
		}
		seen[a.String()] = true
	}
	if len(seen) != 2 || !seen["127.0.0.1"] || !seen["127.0.0.2"] {
		t.Errorf("random answers %v, want both addresses", seen)
	}
}

func TestResolverTTL(t *testing.T) {
	srv := startDNS(t, map[string][]netip.Addr{"a.test.": addrs("127.0.0.1")})
	// Two questions per lookup: A and AAAA.
	perLookup := func(t *testing.T, o ResolverOptions, advance time.Duration, n int) int64 {
		t.Helper()
		before := srv.Queries()
		o.Lookup = srv.lookup()
		r := NewResolver(o)
		now := time.Unix(1000, 0)
		r.now = func() time.Time { return now }
		for range n {
			if _, err := r.Resolve(t.Context(), "a.test"); err != nil {
				t.Fatal(err)
			}
			now = now.Add(advance)
		}
		return (srv.Queries() - before) / 2
	}
	if got := perLookup(t, ResolverOptions{Infinite: true}, time.Hour, 5); got != 1 {
		t.Errorf("ttl=inf: %d lookups, want 1", got)
	}
	if got := perLookup(t, ResolverOptions{}, 0, 3); got != 3 {
		t.Errorf("ttl=0: %d lookups, want 3", got)
	}
	if got := perLookup(t, ResolverOptions{TTL: time.Minute}, 40*time.Second, 4); got != 2 {
		t.Errorf("ttl=1m with 40s steps: %d lookups, want 2", got)
	}
}

func TestResolverConcurrent(t *testing.T) {
	srv := startDNS(t, map[string][]netip.Addr{"a.test.": addrs("127.0.0.1", "127.0.0.2")})
	r := NewResolver(ResolverOptions{TTL: time.Minute, Select: SelectRoundRobin, Lookup: srv.lookup()})
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for range 20 {
				if _, err := r.Resolve(context.Background(), "a.test"); err != nil {
					t.Error(err)
					return
				}
			}
		})
	}
	wg.Wait()
}

// dialerRoundTrip sends one GET through a transport over d.
func dialerRoundTrip(t *testing.T, d *Dialer, rawURL string) (*http.Response, error) {
	t.Helper()
	tr := NewTransport(d, TransportOptions{})
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err == nil {
		resp.Body.Close()
	}
	return resp, err
}

func TestDialerOptions(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Host", r.Host)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())
	dns := startDNS(t, map[string][]netip.Addr{"dns.test.": addrs("127.0.0.1"), "lb.test.": addrs("127.0.0.1")})
	block, err := NewHostnameMatcher([]string{"Blocked.TEST", "*.wild.test"})
	if err != nil {
		t.Fatal(err)
	}
	o := DialerOptions{
		Hosts: map[string]string{
			"Over.Test":     "127.0.0.1",
			"redirect.test": "127.0.0.1:" + port,
			"black.test":    "127.0.0.2",
		},
		BlockHostnames: block,
		BlacklistIPs:   []netip.Prefix{netip.MustParsePrefix("127.0.0.2/32"), netip.MustParsePrefix("10.0.0.0/8")},
		Resolver:       NewResolver(ResolverOptions{Infinite: true, Lookup: dns.lookup()}),
	}
	tests := []struct {
		url      string
		wantCode int
	}{
		{"http://over.test:" + port + "/", 0},
		{"https://over.test:" + port + "/", CodeTLS}, // https via net/http dials through the options too
		{"http://redirect.test:1/", 0},
		{"http://dns.test:" + port + "/", 0},
		{"http://blocked.test:" + port + "/", CodeBlockedHostname},
		{"http://a.b.WILD.test:" + port + "/", CodeBlockedHostname},
		{"http://black.test:" + port + "/", CodeBlacklistedIP},
		{"http://10.1.2.3:" + port + "/", CodeBlacklistedIP},
		{"http://nosuch.test:" + port + "/", CodeDNSNoSuchHost},
	}
	for _, tt := range tests {
		t.Run(tt.url, func(t *testing.T) {
			resp, err := dialerRoundTrip(t, NewDialerWith(o), tt.url)
			code, msg := ClassifyError(err)
			if code != tt.wantCode {
				t.Fatalf("code %d (%q, %v), want %d", code, msg, err, tt.wantCode)
			}
			if err == nil && !strings.HasPrefix(tt.url, "http://"+resp.Header.Get("X-Host")) {
				t.Errorf("server saw Host %q, want the URL's", resp.Header.Get("X-Host"))
			}
			switch tt.wantCode {
			case CodeBlockedHostname:
				if msg != "hostname is blocked" {
					t.Errorf("message %q", msg)
				}
			case CodeBlacklistedIP:
				if msg != "ip is blacklisted" {
					t.Errorf("message %q", msg)
				}
				var be *BlacklistedIPError
				if !errors.As(err, &be) {
					t.Errorf("error %v is not a BlacklistedIPError", err)
				}
			}
		})
	}
}

func TestHostnameMatcher(t *testing.T) {
	m, err := NewHostnameMatcher([]string{"exact.test", "*.sub.test", "*bare.test"})
	if err != nil {
		t.Fatal(err)
	}
	for host, want := range map[string]bool{
		"exact.test": true, "EXACT.test.": true, "a.exact.test": false,
		"x.sub.test": true, "sub.test": false, "bare.test": true, "xbare.test": true, "other.test": false,
	} {
		if _, got := m.Match(host); got != want {
			t.Errorf("Match(%q) = %v, want %v", host, got, want)
		}
	}
	for _, bad := range []string{"", "a.*.test", "*"} {
		if _, err := NewHostnameMatcher([]string{bad}); err == nil {
			t.Errorf("pattern %q accepted", bad)
		}
	}
}

func FuzzHostnameMatcher(f *testing.F) {
	f.Add("*.example.com", "a.EXAMPLE.com")
	f.Add("exact.test", "exact.test.")
	f.Fuzz(func(t *testing.T, pattern, host string) {
		m, err := NewHostnameMatcher([]string{pattern})
		if err != nil {
			return
		}
		p, ok := m.Match(host)
		if ok && !strings.HasSuffix(strings.ToLower(strings.TrimSuffix(host, ".")), strings.TrimPrefix(p, "*")) {
			t.Errorf("%q matched %q", host, p)
		}
	})
}

// TestResolverServerFailures asks a real DNS server that fails: SERVFAIL
// and REFUSED are k6's 1100 with Go's text, NXDOMAIN is 1101.
func TestResolverServerFailures(t *testing.T) {
	t.Parallel()
	srv := faultsrv.StartDNS(t, nil, map[string]dnsmessage.RCode{
		"servfail.": dnsmessage.RCodeServerFailure,
		"refused.":  dnsmessage.RCodeRefused,
	})
	lookup := dnsServer{srv}.lookup()
	tests := []struct {
		host     string
		wantCode int
		wantMsg  string
	}{
		{"servfail.test", CodeDNS, "lookup servfail.test on " + srv.Addr + ": server misbehaving"},
		{"refused.test", CodeDNS, "lookup refused.test on " + srv.Addr + ": server misbehaving"},
		{"missing.test", CodeDNSNoSuchHost, "lookup: no such host"},
	}
	for _, tt := range tests {
		t.Run(tt.host, func(t *testing.T) {
			t.Parallel()
			r := NewResolver(ResolverOptions{TTL: time.Minute, Lookup: lookup})
			_, err := r.Resolve(t.Context(), tt.host)
			code, msg := ClassifyError(err)
			if code != tt.wantCode || msg != tt.wantMsg {
				t.Errorf("Resolve(%q): %v → %d %q; want %d %q", tt.host, err, code, msg, tt.wantCode, tt.wantMsg)
			}
		})
	}
}
