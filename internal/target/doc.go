// Package target is stampede's built-in load-test target: an
// httpbin-compatible HTTP API (github.com/mccutchen/go-httpbin) served on
// loopback, so that the demo, the examples and the tests never need a
// server on the network.
package target
