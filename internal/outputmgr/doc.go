// Package outputmgr builds the outputs a run asked for (`-o type[=arg]`,
// K6_OUT, the config file's "out"), starts them, fans every sample batch out
// to them and stops them.
//
// Fan-out: every output has its own goroutine and its own queue. AddSamples
// (called by the run's ingest goroutine, right after the metrics engine)
// only appends the batch to each queue and never blocks, so a slow output
// never slows the engine or the VUs. The queue is bounded by a number of
// samples (DefaultQueueLimit, about 50 MB of samples): an output that falls
// that far behind loses the batches that do not fit, with a warning when
// it starts and the total count when the run ends. Growing without bound
// would turn a slow disk into an out-of-memory kill that loses everything,
// the summary included; a full queue is the one case where samples are
// dropped.
//
// Shutdown (Stop): the run has ended and delivered its last batch; each
// queue is drained into its output, then the outputs' Stop is called in
// the order they were given, so every buffered sample is written, in every
// ending of a run (normal end, Ctrl-C, threshold abort, setup or teardown
// failure). Stop waits for every goroutine the manager started.
//
// It imports output, metrics and ext.
package outputmgr
