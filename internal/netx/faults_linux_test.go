//go:build linux

package netx

import (
	"net/http"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/testutil/faultsrv"
)

// fullBacklog is faultsrv.FullBacklog: a real dial timeout on 127.0.0.1.
func fullBacklog(t *testing.T) string { return faultsrv.FullBacklog(t) }

// TestDialTimeoutReal lets a real dial time out against a full accept
// queue (with the dialer's 30 s timeout shortened) and classifies it. A
// request deadline that ends a dial is not checked: the socket's deadline
// and the context's timer race, so it is 1211 or 1000 (as with net/http).
func TestDialTimeoutReal(t *testing.T) {
	t.Parallel()
	addr := fullBacklog(t)

	d := NewDialer()
	d.net.Timeout = 200 * time.Millisecond
	tr := NewTransport(d, TransportOptions{})
	defer tr.CloseIdleConnections()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, "http://"+addr+"/", nil)
	_, err := tr.RoundTrip(req)
	if code, msg := ClassifyError(err); code != CodeDialTimeout || msg != "dial: i/o timeout" {
		t.Errorf("dialer timeout: ClassifyError(%v) = %d, %q; want 1211", err, code, msg)
	}
}
