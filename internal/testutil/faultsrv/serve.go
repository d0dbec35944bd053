package faultsrv

import (
	"net"
	"sync"
	"testing"
	"time"
)

// Serve accepts connections on ln until the test ends and hands each to
// serve on its own goroutine, with a deadline of d on the connection so
// that a stuck peer cannot hang the test. The connection is closed after
// serve returns, and the test waits for every serve to end.
func Serve(t testing.TB, ln net.Listener, d time.Duration, serve func(net.Conn)) {
	t.Helper()
	var wg sync.WaitGroup
	t.Cleanup(func() { ln.Close(); wg.Wait() })
	wg.Go(func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			wg.Go(func() {
				defer c.Close()
				_ = c.SetDeadline(time.Now().Add(d))
				serve(c)
			})
		}
	})
}
