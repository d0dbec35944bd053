package netx

import (
	"net/http"
	"net/http/httputil"
)

// DebugTransport dumps every request and response it carries, as k6's
// httpDebug option does: headers only, or with bodies when Full is set.
// Each redirect hop is a separate round trip and so is dumped on its own.
type DebugTransport struct {
	Next http.RoundTripper
	Full bool
	// Log receives "Request:\n<dump>" and "Response:\n<dump>".
	Log func(msg string)
}

// RoundTrip implements http.RoundTripper.
func (d *DebugTransport) RoundTrip(req *http.Request) (*http.Response, error) {
	if dump, err := httputil.DumpRequestOut(req, d.Full); err == nil {
		d.Log("Request:\n" + string(dump))
	}
	resp, err := d.Next.RoundTrip(req)
	if err != nil {
		return resp, err
	}
	if dump, err := httputil.DumpResponse(resp, d.Full); err == nil {
		d.Log("Response:\n" + string(dump))
	}
	return resp, nil
}

// CloseIdleConnections forwards to the wrapped transport, so that
// noVUConnectionReuse keeps working with debugging on.
func (d *DebugTransport) CloseIdleConnections() {
	if c, ok := d.Next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}
