//go:build linux

package faultsrv

import (
	"bytes"
	"context"
	"net"
	"syscall"
	"testing"
	"time"
)

// How an UploadCloser hangs up after reading a request's head.
const (
	// HangUpFIN half-closes (FIN) and resets the connection a moment later,
	// so the client has seen the end of the stream while it is still
	// writing.
	HangUpFIN = iota
	// HangUpRST resets the connection at once (SO_LINGER 0).
	HangUpRST
)

// UploadCloser returns the address of a loopback server that reads a
// request's head but none of its body, then hangs up as how says. Its
// receive buffer is a few kilobytes, so a client sending a large body is
// still blocked writing it when the server hangs up.
func UploadCloser(t testing.TB, how int) string {
	t.Helper()
	lc := net.ListenConfig{Control: func(_, _ string, rc syscall.RawConn) error {
		var serr error
		err := rc.Control(func(fd uintptr) {
			serr = syscall.SetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_RCVBUF, 4096)
		})
		if err != nil {
			return err
		}
		return serr
	}}
	ln, err := lc.Listen(context.Background(), "tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	Serve(t, ln, 10*time.Second, func(c net.Conn) {
		tc := c.(*net.TCPConn)
		if !readHead(tc) {
			return
		}
		if how == HangUpFIN {
			_ = tc.CloseWrite()
			time.Sleep(50 * time.Millisecond)
		}
		_ = tc.SetLinger(0)
	})
	return ln.Addr().String()
}

// readHead reads up to the end of a request head, a byte at a time so
// that none of the body is consumed.
func readHead(c net.Conn) bool {
	var head []byte
	b := make([]byte, 1)
	for !bytes.HasSuffix(head, []byte("\r\n\r\n")) {
		if _, err := c.Read(b); err != nil {
			return false
		}
		head = append(head, b[0])
	}
	return true
}
