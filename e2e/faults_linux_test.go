//go:build linux

package e2e

import (
	"testing"

	"github.com/stampede-load/stampede/internal/testutil/faultsrv"
)

// fullBacklog is faultsrv.FullBacklog: a real dial timeout on 127.0.0.1.
func fullBacklog(t *testing.T) string { return faultsrv.FullBacklog(t) }

// linuxFaults are the faults that need Linux's TCP behaviour: a server
// that hangs up (FIN) while an 8 MB upload is blocked on its full receive
// window makes net/http close the connection under the writer (1200).
func linuxFaults(t *testing.T) [][]any {
	return [][]any{
		{"hang-up during upload", "http://" + faultsrv.UploadCloser(t, faultsrv.HangUpFIN) + "/upload", 1200,
			"~use of closed network connection", "", 8 << 20},
	}
}
