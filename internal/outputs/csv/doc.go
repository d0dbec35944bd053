// Package csv is the csv output (`-o csv[=file.csv]` or
// `-o csv=file_name=…,save_interval=…`, k6-spec §9.2): one row per sample
// under the header
//
//	metric_name,timestamp,metric_value,<enabled system tags, sorted>,extra_tags
//
// with the timestamp in Unix seconds, the value as %f and the tags that have
// no column as k=v&k2=v2 (sorted by key, unlike k6's random order). A file
// name ending in ".gz" is gzip-compressed. Rows are flushed every
// save_interval (K6_CSV_SAVE_INTERVAL, default 1s) and at the end.
// Configuration, lowest precedence first: defaults (file.csv, 1s),
// K6_CSV_FILENAME and K6_CSV_SAVE_INTERVAL, the argument.
//
// It registers itself as "output.csv" and imports only output and metrics.
package csv
