package netx

import (
	"context"
	"fmt"
	"net"
	"net/netip"
	"sort"
	"strings"
	"sync/atomic"
	"time"
)

// k6 v0.32 dials with a 30 s timeout and 30 s TCP keep-alive; the request
// timeout (60 s by default) still bounds the whole request.
const (
	dialTimeout   = 30 * time.Second
	dialKeepAlive = 30 * time.Second
)

// Dialer makes a VU's connections and counts the bytes moved over them. The
// counters are atomic because the HTTP transport reads and writes from its
// own goroutines while the VU goroutine takes the totals.
type Dialer struct {
	net     net.Dialer
	o       DialerOptions
	plain   bool // no option set: dial the address as given
	written atomic.Int64
	read    atomic.Int64
}

// DialerOptions are the test options that decide where a VU connects
// (k6-spec §2). The zero value dials addresses as given, through Go's
// resolver.
type DialerOptions struct {
	// Hosts overrides names: host name (any case) → "ip" or "ip:port"
	// (the port, when given, replaces the requested one).
	Hosts map[string]string
	// BlockHostnames refuses names (see NewHostnameMatcher); the error
	// is *BlockedHostnameError, code 1111.
	BlockHostnames *HostnameMatcher
	// BlacklistIPs refuses the resolved addresses in these ranges; the
	// error is *BlacklistedIPError, code 1110.
	BlacklistIPs []netip.Prefix
	// Resolver resolves names (the dns option); nil means Go's resolver.
	Resolver *Resolver
	// LocalIP is the source address of the VU's connections; the zero
	// value lets the system choose.
	LocalIP netip.Addr
}

// NewDialer returns a dialer with k6's timeouts.
func NewDialer() *Dialer {
	return NewDialerWith(DialerOptions{})
}

// NewDialerWith returns a dialer with k6's timeouts and options o.
func NewDialerWith(o DialerOptions) *Dialer {
	if len(o.Hosts) > 0 {
		hosts := make(map[string]string, len(o.Hosts))
		for k, v := range o.Hosts {
			hosts[strings.ToLower(k)] = v
		}
		o.Hosts = hosts
	}
	d := &Dialer{net: net.Dialer{Timeout: dialTimeout, KeepAlive: dialKeepAlive}, o: o}
	if o.LocalIP.IsValid() {
		d.net.LocalAddr = &net.TCPAddr{IP: o.LocalIP.AsSlice()}
	}
	d.plain = len(o.Hosts) == 0 && o.BlockHostnames == nil && len(o.BlacklistIPs) == 0 && o.Resolver == nil
	return d
}

// DialContext dials addr and returns a connection whose traffic is counted.
// It has the signature http.Transport.DialContext expects. Before
// connecting it applies, in k6's order, blockHostnames, hosts, the dns
// resolver and blacklistIPs.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	if !d.plain {
		a, err := d.dialAddr(ctx, addr)
		if err != nil {
			return nil, err
		}
		addr = a
	}
	c, err := d.net.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, d: d}, nil
}

// dialAddr is the ip:port to connect to for addr (host:port).
func (d *Dialer) dialAddr(ctx context.Context, addr string) (string, error) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", err
	}
	if d.o.BlockHostnames != nil {
		if pattern, ok := d.o.BlockHostnames.Match(host); ok {
			return "", &BlockedHostnameError{Host: host, Pattern: pattern}
		}
	}
	if to, ok := d.o.Hosts[strings.ToLower(host)]; ok {
		if h, p, err := net.SplitHostPort(to); err == nil {
			host, port = h, p
		} else {
			host = to
		}
	}
	var ip netip.Addr
	if d.o.Resolver != nil {
		ip, err = d.o.Resolver.Resolve(ctx, host)
		if err != nil {
			return "", err
		}
	} else if ip, err = netip.ParseAddr(host); err != nil {
		if len(d.o.BlacklistIPs) == 0 {
			return net.JoinHostPort(host, port), nil // Go's resolver, as without options
		}
		ips, err := net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			return "", err
		}
		ip = ips[0]
	}
	ip = ip.Unmap()
	for _, p := range d.o.BlacklistIPs {
		if p.Contains(ip) {
			return "", &BlacklistedIPError{IP: ip, Range: p}
		}
	}
	return net.JoinHostPort(ip.String(), port), nil
}

// BlacklistedIPError is the dial error for an address in blacklistIPs.
type BlacklistedIPError struct {
	IP    netip.Addr
	Range netip.Prefix
}

func (e *BlacklistedIPError) Error() string {
	return fmt.Sprintf("IP (%s) is in a blacklisted range (%s)", e.IP, e.Range)
}

// BlockedHostnameError is the dial error for a name in blockHostnames.
type BlockedHostnameError struct {
	Host    string
	Pattern string
}

func (e *BlockedHostnameError) Error() string {
	return fmt.Sprintf("hostname (%s) is in a blocked pattern (%s)", e.Host, e.Pattern)
}

// HostnameMatcher matches host names case-insensitively against patterns
// that are exact names or "*" followed by a suffix ("*.example.com" matches
// a.example.com but not example.com; "*example.com" matches both).
type HostnameMatcher struct {
	exact    map[string]string
	suffixes []string // lower-case, without the "*", longest first
}

// NewHostnameMatcher returns a matcher of patterns; it rejects empty
// patterns and a "*" anywhere but at the start.
func NewHostnameMatcher(patterns []string) (*HostnameMatcher, error) {
	m := &HostnameMatcher{exact: map[string]string{}}
	for _, p := range patterns {
		lp := strings.ToLower(strings.TrimSpace(p))
		rest, wild := strings.CutPrefix(lp, "*")
		if rest == "" || strings.Contains(rest, "*") {
			return nil, fmt.Errorf("invalid blockHostnames pattern %q", p)
		}
		if wild {
			m.suffixes = append(m.suffixes, rest)
		} else {
			m.exact[rest] = rest
		}
	}
	sort.Slice(m.suffixes, func(i, j int) bool { return len(m.suffixes[i]) > len(m.suffixes[j]) })
	return m, nil
}

// Match reports whether host is blocked and by which pattern.
func (m *HostnameMatcher) Match(host string) (string, bool) {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if p, ok := m.exact[h]; ok {
		return p, true
	}
	for _, s := range m.suffixes {
		if strings.HasSuffix(h, s) {
			return "*" + s, true
		}
	}
	return "", false
}

// BytesWritten is the number of bytes written on all connections so far.
func (d *Dialer) BytesWritten() int64 { return d.written.Load() }

// BytesRead is the number of bytes read on all connections so far.
func (d *Dialer) BytesRead() int64 { return d.read.Load() }

// TakeBytes returns the bytes written and read since the previous call and
// resets both counters; a VU calls it at the end of each iteration to emit
// data_sent and data_received. Bytes moved between the two swaps (by a
// connection still busy in the background) go to the next iteration, never
// lost and never counted twice.
func (d *Dialer) TakeBytes() (written, read int64) {
	return d.written.Swap(0), d.read.Swap(0)
}

// countingConn counts at the TCP level, below TLS, so the totals include
// TLS handshakes and record overhead, as k6's data_sent/data_received do.
type countingConn struct {
	net.Conn
	d *Dialer
}

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	if n > 0 {
		c.d.read.Add(int64(n))
	}
	return n, err
}

func (c *countingConn) Write(b []byte) (int, error) {
	n, err := c.Conn.Write(b)
	if n > 0 {
		c.d.written.Add(int64(n))
	}
	return n, err
}
