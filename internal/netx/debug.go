package netx

import (
	"crypto/rand"
	"fmt"
	"net/http"
	"net/http/httputil"
	"strings"
)

// DebugTransport dumps every request and response it carries, as k6's
// httpDebug option does: headers only, or with bodies when Full is set.
// Each redirect hop is a separate round trip and so is dumped on its own.
type DebugTransport struct {
	Next http.RoundTripper
	Full bool
	// Log receives "Request:\n<dump>\n" and "Response:\n<dump>\n" with
	// the same requestID for both, in k6's format: the dumps' CRLF line
	// ends become LF.
	Log func(requestID, msg string)
}

// RoundTrip implements http.RoundTripper.
func (d *DebugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	id := newRequestID()
	if dump, err := httputil.DumpRequestOut(req, d.Full); err == nil {
		d.Log(id, debugMessage("Request", dump))
	}
	resp, err := d.Next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if dump, err := httputil.DumpResponse(resp, d.Full); err == nil {
		d.Log(id, debugMessage("Response", dump))
	}
	return resp, nil
}

// debugMessage is k6's "<kind>:\n%s\n" with CRLF turned into LF.
func debugMessage(kind string, dump []byte) string {
	return kind + ":\n" + strings.ReplaceAll(string(dump), "\r\n", "\n") + "\n"
}

// newRequestID is a random (version 4) UUID, as k6 tags each dump pair.
func newRequestID() string {
	var b [16]byte
	_, _ = rand.Read(b[:])
	b[6] = b[6]&0x0f | 0x40
	b[8] = b[8]&0x3f | 0x80
	return fmt.Sprintf("%x-%x-%x-%x-%x", b[0:4], b[4:6], b[6:8], b[8:10], b[10:16])
}

// CloseIdleConnections forwards to the wrapped transport, so that
// noVUConnectionReuse keeps working with debugging on.
func (d *DebugTransport) CloseIdleConnections() {
	if c, ok := d.Next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
