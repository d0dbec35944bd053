// Package daemon runs the real servers that output tests talk to (influxd,
// the statsd daemon) as child processes of the test: it finds free
// loopback ports, keeps the server's log for failure messages, waits until
// the server is ready and kills it when the test ends. It is imported only
// from test helpers and imports no stampede package.
package daemon
