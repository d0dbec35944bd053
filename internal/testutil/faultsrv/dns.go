package faultsrv

import (
	"context"
	"net"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"golang.org/x/net/dns/dnsmessage"
)

// DNS is a tiny UDP DNS responder on 127.0.0.1. It answers A and AAAA
// queries from Records, fails the names in Fail with their response code
// (SERVFAIL, REFUSED …: the faults behind k6's 1100) and gives every other
// name NXDOMAIN (1101). Tests point a resolver at Addr, never at the
// system's resolver.
type DNS struct {
	// Addr is the server's ip:port.
	Addr string

	conn    net.PacketConn
	records map[string][]netip.Addr     // "name." → addresses
	fail    map[string]dnsmessage.RCode // name prefix → response code
	queries atomic.Int64
}

// StartDNS serves records ("name." → addresses) and fails names that start
// with a key of fail (so search-domain variants fail too) until the test
// ends.
func StartDNS(t testing.TB, records map[string][]netip.Addr, fail map[string]dnsmessage.RCode) *DNS {
	t.Helper()
	c, err := net.ListenPacket("udp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &DNS{Addr: c.LocalAddr().String(), conn: c, records: records, fail: fail}
	var wg sync.WaitGroup
	wg.Go(s.serve)
	t.Cleanup(func() { c.Close(); wg.Wait() })
	return s
}

// Queries is how many questions the server has answered.
func (s *DNS) Queries() int64 { return s.queries.Load() }

// Resolver is a Go resolver that asks only this server.
func (s *DNS) Resolver() *net.Resolver {
	return &net.Resolver{PreferGo: true, Dial: func(ctx context.Context, _, _ string) (net.Conn, error) {
		var d net.Dialer
		return d.DialContext(ctx, "udp", s.Addr)
	}}
}

func (s *DNS) serve() {
	buf := make([]byte, 1500)
	for {
		n, from, err := s.conn.ReadFrom(buf)
		if err != nil {
			return
		}
		if out := s.answer(buf[:n]); out != nil {
			_, _ = s.conn.WriteTo(out, from)
		}
	}
}

func (s *DNS) answer(in []byte) []byte {
	var p dnsmessage.Parser
	h, err := p.Start(in)
	if err != nil {
		return nil
	}
	q, err := p.Question()
	if err != nil {
		return nil
	}
	s.queries.Add(1)
	name := strings.ToLower(q.Name.String())
	addrs, known := s.records[name]
	rh := dnsmessage.Header{ID: h.ID, Response: true, Authoritative: true, RecursionDesired: h.RecursionDesired, RecursionAvailable: true}
	if !known {
		rh.RCode = dnsmessage.RCodeNameError
	}
	for prefix, code := range s.fail {
		if strings.HasPrefix(name, prefix) {
			rh.RCode, addrs = code, nil
		}
	}
	b := dnsmessage.NewBuilder(nil, rh)
	b.EnableCompression()
	_ = b.StartQuestions()
	_ = b.Question(q)
	_ = b.StartAnswers()
	for _, a := range addrs {
		res := dnsmessage.ResourceHeader{Name: q.Name, Class: dnsmessage.ClassINET, TTL: 60}
		switch {
		case a.Is4() && q.Type == dnsmessage.TypeA:
			_ = b.AResource(res, dnsmessage.AResource{A: a.As4()})
		case a.Is6() && q.Type == dnsmessage.TypeAAAA:
			_ = b.AAAAResource(res, dnsmessage.AAAAResource{AAAA: a.As16()})
		}
	}
	out, err := b.Finish()
	if err != nil {
		return nil
	}
	return out
}
