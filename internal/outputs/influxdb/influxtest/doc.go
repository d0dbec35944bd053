// Package influxtest starts a private InfluxDB 1.x server (the influxd
// binary of Debian's influxdb package) for tests: data, meta and WAL
// directories under t.TempDir(), HTTP and RPC bound to free loopback
// ports, reporting and every other service off. The process is killed
// when the test ends.
//
// When influxd is not on PATH the test is skipped, unless
// STAMPEDE_REQUIRE_SERVERS=1, which makes it fail (CI installs influxd).
//
// It is imported only by tests; like them it reads the process
// environment directly.
package influxtest
