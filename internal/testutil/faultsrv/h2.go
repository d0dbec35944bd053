package faultsrv

import (
	"bytes"
	"io"
	"net"

	"golang.org/x/net/http2"
	"golang.org/x/net/http2/hpack"
)

// BadHPACK is a header block no HPACK decoder accepts: an indexed field
// with index 0. A client must treat it as a connection error
// (COMPRESSION_ERROR).
var BadHPACK = []byte{0x80}

// HPACK encodes name/value pairs as a header block, for faults that need
// well-encoded but wrong headers (a malformed :status is a stream error,
// PROTOCOL_ERROR).
func HPACK(kv ...string) []byte {
	var b bytes.Buffer
	e := hpack.NewEncoder(&b)
	for i := 0; i+1 < len(kv); i += 2 {
		_ = e.WriteField(hpack.HeaderField{Name: kv[i], Value: kv[i+1]})
	}
	return b.Bytes()
}

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
