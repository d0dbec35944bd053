//go:build unix

package netx

import (
	"net"
	"syscall"
)

// fastPathSupported: the fast path needs idleConnAlive, which needs a raw
// non-blocking read.
const fastPathSupported = true

// idleConnAlive reports whether an idle connection may carry another
// request: the server has neither closed it nor sent anything unasked.
// net/http learns this from the goroutine it keeps reading every
// connection; here one non-blocking read, which finds nothing to read on a
// healthy connection, tells. Without it, a request that must not be sent
// twice (a POST) would fail on a connection the server had dropped while
// the VU slept, where net/http would have dialled anew.
func idleConnAlive(c net.Conn) bool {
	if cc, ok := c.(*countingConn); ok {
		c = cc.Conn
	}
	sc, ok := c.(syscall.Conn)
	if !ok {
		return true
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return false
	}
	alive := false
	err = rc.Read(func(fd uintptr) bool {
		var b [1]byte
		_, rerr := syscall.Read(int(fd), b[:])
		alive = rerr == syscall.EAGAIN
		return true // one attempt, never wait
	})
	return err == nil && alive
}
