package netx

import (
	"context"
	"errors"
	"math/rand/v2"
	"net"
	"net/netip"
	"sync"
	"time"
)

// DNS select and policy values (k6-spec §2, the dns option).
const (
	SelectFirst      = "first"
	SelectRandom     = "random"
	SelectRoundRobin = "roundRobin"

	PolicyPreferIPv4 = "preferIPv4"
	PolicyPreferIPv6 = "preferIPv6"
	PolicyOnlyIPv4   = "onlyIPv4"
	PolicyOnlyIPv6   = "onlyIPv6"
	PolicyAny        = "any"
)

// LookupFunc returns all the addresses of host. (*net.Resolver).LookupNetIP
// with network "ip" fits once bound; tests pass a net.Resolver whose Dial
// reaches a DNS server they run on 127.0.0.1.
type LookupFunc func(ctx context.Context, host string) ([]netip.Addr, error)

// LookupVia is a LookupFunc that asks only the DNS server at addr
// (ip:port) instead of the ones in the system's configuration, over UDP
// and over TCP for truncated answers. Its errors name that server.
func LookupVia(addr string) LookupFunc {
	r := &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, network, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, network, addr)
	}}
	return func(ctx context.Context, host string) ([]netip.Addr, error) {
		addrs, err := r.LookupNetIP(ctx, "ip", host)
		var dnsErr *net.DNSError
		if errors.As(err, &dnsErr) {
			dnsErr.Server = addr
		}
		return addrs, err
	}
}

// ResolverOptions configure a Resolver.
type ResolverOptions struct {
	// TTL is how long a lookup's answer is kept; 0 disables the cache
	// unless Infinite is set, which keeps answers for the whole run.
	TTL      time.Duration
	Infinite bool
	// Select picks one of the addresses: SelectFirst, SelectRandom
	// (the default) or SelectRoundRobin.
	Select string
	// Policy filters the addresses by family: PolicyPreferIPv4 (the
	// default), PolicyPreferIPv6, PolicyOnlyIPv4, PolicyOnlyIPv6, PolicyAny.
	Policy string
	// Lookup does the actual lookups; nil means Go's default resolver.
	Lookup LookupFunc
}

// Resolver turns host names into the one address to dial, caching the
// answers. One Resolver is shared by all the VUs of a run, so it is safe for
// concurrent use; the round-robin position is shared too.
type Resolver struct {
	o   ResolverOptions
	now func() time.Time

	mu    sync.Mutex
	cache map[string]dnsEntry
	next  map[string]int // round-robin positions by host
}

type dnsEntry struct {
	addrs   []netip.Addr
	expires time.Time // zero when the entry never expires
}

// NewResolver returns a resolver with options o.
func NewResolver(o ResolverOptions) *Resolver {
	if o.Lookup == nil {
		o.Lookup = func(ctx context.Context, host string) ([]netip.Addr, error) {
			return net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		}
	}
	return &Resolver{o: o, now: time.Now, cache: map[string]dnsEntry{}, next: map[string]int{}}
}

// Resolve returns the address to dial for host. An IP literal is returned
// as it is. Failures are *net.DNSError, which ClassifyError maps to 1100 or
// (no such host) 1101.
func (r *Resolver) Resolve(ctx context.Context, host string) (netip.Addr, error) {
	if ip, err := netip.ParseAddr(host); err == nil {
		return ip.Unmap(), nil
	}
	addrs, err := r.lookup(ctx, host)
	if err != nil {
		return netip.Addr{}, err
	}
	return r.pick(host, addrs), nil
}

func (r *Resolver) lookup(ctx context.Context, host string) ([]netip.Addr, error) {
	caching := r.o.Infinite || r.o.TTL > 0
	if caching {
		r.mu.Lock()
		e, ok := r.cache[host]
		r.mu.Unlock()
		if ok && (e.expires.IsZero() || r.now().Before(e.expires)) {
			return e.addrs, nil
		}
	}
	raw, err := r.o.Lookup(ctx, host)
	if err != nil {
		return nil, err
	}
	addrs := filterFamily(raw, r.o.Policy)
	if len(addrs) == 0 {
		return nil, &net.DNSError{Err: "no address of the family the dns policy allows", Name: host, IsNotFound: len(raw) == 0}
	}
	if caching {
		e := dnsEntry{addrs: addrs}
		if !r.o.Infinite {
			e.expires = r.now().Add(r.o.TTL)
		}
		r.mu.Lock()
		r.cache[host] = e
		r.mu.Unlock()
	}
	return addrs, nil
}

// filterFamily applies the dns policy; it returns a new slice.
func filterFamily(raw []netip.Addr, policy string) []netip.Addr {
	var v4, v6 []netip.Addr
	for _, a := range raw {
		a = a.Unmap()
		if a.Is4() {
			v4 = append(v4, a)
		} else {
			v6 = append(v6, a)
		}
	}
	switch policy {
	case PolicyOnlyIPv4:
		return v4
	case PolicyOnlyIPv6:
		return v6
	case PolicyPreferIPv6:
		if len(v6) > 0 {
			return v6
		}
		return v4
	case PolicyAny:
		return append(v4, v6...)
	default: // preferIPv4
		if len(v4) > 0 {
			return v4
		}
		return v6
	}
}

func (r *Resolver) pick(host string, addrs []netip.Addr) netip.Addr {
	switch r.o.Select {
	case SelectFirst:
		return addrs[0]
	case SelectRoundRobin:
		r.mu.Lock()
		i := r.next[host] % len(addrs)
		r.next[host] = i + 1
		r.mu.Unlock()
		return addrs[i]
	default: // random
		return addrs[rand.IntN(len(addrs))] //nolint:gosec // load spreading, not security
	}
}
