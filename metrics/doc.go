// Package metrics is stampede's bottom layer: metric definitions, tag sets,
// samples, the per-run Registry, the built-in k6 metrics, the aggregating
// sinks and the group/check tree.
//
// It imports no other stampede package, so every other layer (the JS
// modules, the metrics engine, outputs, the summary) can share these types
// without creating dependency cycles. Nothing here is a global: every test
// run creates its own Registry.
//
// Trend sinks keep exact values up to a fixed budget and then switch to a
// DDSketch with a relative accuracy of 0.05%, so a Trend's memory stays
// bounded however many samples arrive, and every reported percentile is
// within 0.1% of the true value (k6 v0.32 keeps every sample instead).
package metrics
