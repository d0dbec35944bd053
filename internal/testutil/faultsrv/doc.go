// Package faultsrv holds the misbehaving loopback peers that the netx unit
// tests and the end-to-end tests both need to produce real network faults.
// It is imported only from test files and imports no stampede package.
package faultsrv
