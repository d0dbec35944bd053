// Package run orchestrates one test run: it initialises the VUs, runs
// setup(), the scenarios and teardown(), feeds samples to the metrics
// engine, evaluates thresholds every two seconds (aborting on abortOnFail),
// samples the vus gauges every second, and hands back everything the
// summary needs.
//
// Samples go to the engine and then, from the same goroutine, to
// Config.Samples (the outputs), which queues them without blocking.
//
// Shutdown order: executors stop → the VUs' last batches drain into the
// engine and Config.Samples → final threshold evaluation; Run returns in
// every ending only after that, and the caller then stops the outputs. It is the only package that knows
// the executor, the JS runtime and the metrics engine together; the CLI
// alone imports it.
package run
