// Package metrics is the "k6/metrics" JS module: the Counter, Gauge, Rate
// and Trend constructors for custom metrics. It imports only jsmod, the
// public metrics package and ext.
package metrics
