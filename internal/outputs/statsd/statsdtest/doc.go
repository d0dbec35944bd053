// Package statsdtest starts a private StatsD daemon for tests: Etsy's
// statsd (npm package statsd 0.9.0, run by node), listening for metrics on
// a free UDP port of 127.0.0.1 and answering its management interface on
// a free TCP port. The flush interval is an hour and no backend is
// loaded, so counters and timers accumulate for the whole test and are
// read back through the management commands "counters", "timers" and
// "gauges". The process is killed when the test ends.
//
// The daemon is found through STAMPEDE_STATSD_JS (the path of
// node_modules/statsd/stats.js) or at
// $HOME/.cache/stampede/statsd/node_modules/statsd/stats.js, where CI
// installs it:
//
//	npm install --prefix "$HOME/.cache/stampede/statsd" statsd@0.9.0
//
// When node or the daemon is missing the test is skipped, unless
// STAMPEDE_REQUIRE_SERVERS=1, which makes it fail.
//
// It is imported only by tests; like them it reads the process
// environment directly.
package statsdtest
