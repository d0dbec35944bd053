//go:build !unix

package netx

import "net"

// fastPathSupported is false where idleConnAlive cannot look at a
// connection without blocking: net/http carries every request.
const fastPathSupported = false

func idleConnAlive(net.Conn) bool { return false }
