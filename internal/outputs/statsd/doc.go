// Package statsd is the statsd and datadog outputs (`-o statsd[=host:port]`,
// `-o datadog[=host:port]`, k6-spec §9.4): every sample becomes one StatsD
// line, sent over UDP by a small hand-written client:
//
//	k6.http_reqs:1|c
//	k6.http_req_duration:12.5|ms|#method:GET,status:200
//	k6.vus:10|g
//	k6.check.status is 200.pass:1|c
//
// Mapping, as in k6 v0.32: a Counter is a count ("c") of its value
// truncated to an integer, a Gauge a gauge ("g"), a Trend a timing ("ms");
// a Rate sample with a "check" tag counts 1 on check.<check>.pass (value
// not 0) or check.<check>.fail, any other Rate sample is a count of its
// value truncated to an integer (0 or 1). Every name is prefixed with the
// namespace, as is (no dot added). With tags enabled, the sample's tags
// follow as DogStatsD tags, |#key:value,… in key order, leaving out the
// blocklisted ones and those with an empty value (group at the root).
// Characters that would break a line are replaced by '_': ':', '|' and
// newlines in names and tag keys, ',', '|' and newlines in tag values.
// Samples with a NaN or infinite value are skipped and counted.
//
// Lines are buffered and sent every push interval (and at Stop), packed
// into UDP packets of at most BUFFER_SIZE lines joined by "\n" — k6's
// buffer size, the DogStatsD client's "messages per payload" — and at most
// MaxPacketSize (1432) bytes, so that no packet is fragmented. A send that
// fails (nobody listening) is logged once and counted; the run goes on.
// An address that does not resolve stops the run before the test, when
// the output starts.
//
// Configuration, lowest precedence first: defaults (localhost:8125,
// namespace "k6.", push interval 1s, buffer size 20, tags off for statsd
// and on for datadog, blocklist vu,iter,url); K6_STATSD_ADDR, _NAMESPACE,
// _PUSH_INTERVAL, _BUFFER_SIZE, _ENABLE_TAGS and _TAG_BLOCKLIST (also
// _TAG_BLACKLIST) for -o statsd, K6_DATADOG_ADDR, _NAMESPACE,
// _PUSH_INTERVAL, _BUFFER_SIZE, _ENABLE_TAGS and _TAG_BLACKLIST (also
// _TAG_BLOCKLIST) for -o datadog; then the argument, an address. Both
// types describe themselves as "statsd (<address>)", as k6 does.
//
// It registers itself as "output.statsd" and "output.datadog" and imports
// only output and metrics; statsdtest starts a real StatsD daemon (Etsy's
// statsd, on node) for its tests.
package statsd
