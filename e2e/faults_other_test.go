//go:build !linux

package e2e

import "testing"

// fullBacklog needs Linux's handling of a full accept queue (SYNs are
// dropped) to make a loopback dial time out.
func fullBacklog(t *testing.T) string {
	t.Skip("no way to make a loopback dial time out on this system")
	return ""
}

// linuxFaults has no faults off Linux (see faults_linux_test.go).
func linuxFaults(*testing.T) [][]any { return nil }
