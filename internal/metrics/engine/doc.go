// Package engine is the metrics engine of a run: it ingests sample batches
// from the VUs, keeps one sink per metric and per sub-metric, and evaluates
// thresholds. It knows nothing of JS, executors or outputs.
//
// Ingestion takes one lock per batch, never per sample, and allocates
// nothing per sample: the sinks are found by the metric's registry index.
package engine
