// Package json is the json output (`-o json[=path]`, k6-spec §9.1):
// newline-delimited JSON with one "Metric" record the first time a metric is
// seen and one "Point" record per sample. A path ending in ".gz" is
// gzip-compressed; "-" or no path writes to standard output. Records are
// encoded as samples arrive and flushed to the file every 100 ms and at the
// end.
//
// It registers itself as "output.json" and imports only output and metrics.
package json
