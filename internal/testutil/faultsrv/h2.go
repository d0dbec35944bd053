package faultsrv

import (
	"io"
	"net"

	"golang.org/x/net/http2"
)

// ServeH2Fault speaks HTTP/2 on c and, instead of answering the first
// request, calls fault with its stream; it returns when fault reports that
// the connection should close, or when the connection fails. The caller
// owns c (deadlines, Close).
func ServeH2Fault(c net.Conn, fault func(fr *http2.Framer, stream uint32) (closeConn bool)) {
	if _, err := io.ReadFull(c, make([]byte, len(http2.ClientPreface))); err != nil {
		return
	}
	fr := http2.NewFramer(c, c)
	fr.AllowIllegalWrites = true
	if fr.WriteSettings() != nil {
		return
	}
	for {
		f, err := fr.ReadFrame()
		if err != nil {
			return
		}
		switch f := f.(type) {
		case *http2.SettingsFrame:
			if !f.IsAck() && fr.WriteSettingsAck() != nil {
				return
			}
		case *http2.HeadersFrame:
			if fault(fr, f.StreamID) {
				return
			}
		}
	}
}
