//go:build linux

package e2e

import (
	"testing"

	"github.com/stampede-load/stampede/internal/testutil/faultsrv"
)

// fullBacklog is faultsrv.FullBacklog: a real dial timeout on 127.0.0.1.
func fullBacklog(t *testing.T) string { return faultsrv.FullBacklog(t) }
