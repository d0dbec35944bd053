// Package run orchestrates one test run: it initialises the VUs, runs
// setup(), the scenarios and teardown(), feeds samples to the metrics
// engine, evaluates thresholds every two seconds (aborting on abortOnFail),
// samples the vus gauges every second, and hands back everything the
// summary needs.
//
// Shutdown order: executors stop → the VUs' last batches drain into the
// engine → final threshold evaluation. It is the only package that knows
// the executor, the JS runtime and the metrics engine together; the CLI
// alone imports it.
package run
