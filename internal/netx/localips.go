package netx

import (
	"fmt"
	"net/netip"
	"strings"
)

// IPPool is the set of source addresses of the localIPs option: single
// addresses, ranges ("10.0.0.1-10.0.0.9") and CIDRs, in order. It is not
// expanded, so a /8 costs nothing.
type IPPool struct {
	ranges []ipRange
	total  uint64
}

type ipRange struct {
	first netip.Addr
	n     uint64
}

// maxRangeSize caps an IPv6 range's size so that sums cannot overflow.
const maxRangeSize = 1 << 32

// ParseIPPool parses the comma-separated localIPs value. An empty value
// gives a nil pool.
func ParseIPPool(s string) (*IPPool, error) {
	p := &IPPool{}
	for item := range strings.SplitSeq(s, ",") {
		item = strings.TrimSpace(item)
		if item == "" {
			continue
		}
		r, err := parseIPRange(item)
		if err != nil {
			return nil, err
		}
		p.ranges = append(p.ranges, r)
		p.total += r.n
	}
	if p.total == 0 {
		return nil, nil
	}
	return p, nil
}

func parseIPRange(item string) (ipRange, error) {
	if pfx, err := netip.ParsePrefix(item); err == nil {
		pfx = pfx.Masked()
		bits := pfx.Addr().BitLen() - pfx.Bits()
		n := uint64(maxRangeSize)
		if bits < 32 {
			n = 1 << bits
		}
		return ipRange{first: pfx.Addr(), n: n}, nil
	}
	if from, to, ok := strings.Cut(item, "-"); ok {
		a, errA := netip.ParseAddr(strings.TrimSpace(from))
		b, errB := netip.ParseAddr(strings.TrimSpace(to))
		if errA != nil || errB != nil || a.Is4() != b.Is4() || b.Less(a) {
			return ipRange{}, fmt.Errorf("invalid IP range %q", item)
		}
		return ipRange{first: a, n: min(distance(a, b), maxRangeSize-1) + 1}, nil
	}
	a, err := netip.ParseAddr(item)
	if err != nil {
		return ipRange{}, fmt.Errorf("invalid IP, IP range or CIDR %q", item)
	}
	return ipRange{first: a, n: 1}, nil
}

// Get returns the i-th address of the pool, wrapping around: VU n (from
// 0) uses Get(n), so the VUs take the addresses in turn.
func (p *IPPool) Get(i uint64) netip.Addr {
	i %= p.total
	for _, r := range p.ranges {
		if i < r.n {
			return add(r.first, i)
		}
		i -= r.n
	}
	return p.ranges[0].first // unreachable
}

// distance is b-a, capped at 2^64-1, for a ≤ b of the same family.
func distance(a, b netip.Addr) uint64 {
	x, y := a.As16(), b.As16()
	for i := 0; i < 8; i++ {
		if x[i] != y[i] {
			return ^uint64(0)
		}
	}
	return be64(y[8:]) - be64(x[8:])
}

func add(a netip.Addr, n uint64) netip.Addr {
	b := a.As16()
	lo := be64(b[8:])
	sum := lo + n
	if sum < lo { // carry into the upper half
		for i := 7; i >= 0; i-- {
			b[i]++
			if b[i] != 0 {
				break
			}
		}
	}
	for i := 15; i >= 8; i-- {
		b[i] = byte(sum)
		sum >>= 8
	}
	out := netip.AddrFrom16(b)
	if a.Is4() {
		return out.Unmap()
	}
	return out
}

func be64(b []byte) uint64 {
	var v uint64
	for _, c := range b[:8] {
		v = v<<8 | uint64(c)
	}
	return v
}
