package netx

import (
	"context"
	"net"
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
	written atomic.Int64
	read    atomic.Int64
}

// NewDialer returns a dialer with k6's timeouts.
func NewDialer() *Dialer {
	return &Dialer{net: net.Dialer{Timeout: dialTimeout, KeepAlive: dialKeepAlive}}
}

// DialContext dials addr and returns a connection whose traffic is counted.
// It has the signature http.Transport.DialContext expects.
func (d *Dialer) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	c, err := d.net.DialContext(ctx, network, addr)
	if err != nil {
		return nil, err
	}
	return &countingConn{Conn: c, d: d}, nil
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
