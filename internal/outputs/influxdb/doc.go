// Package influxdb is the influxdb output (`-o influxdb=http[s]://[user:pass@]host:port/db[?option=…]`,
// k6-spec §9.3): every sample becomes one point of the InfluxDB 1.x line
// protocol, sent to the server's HTTP API (POST /write):
//
//	http_req_duration,method=GET,status=200 value=12.5,url="http://x/",vu="1",iter="3" 1621504800123456789
//
// The measurement is the metric name; the sample's tags are tags, except
// those of tagsAsFields (default vu,iter,url), which become fields (strings,
// or int/float/bool with "name:type"); the value is the float field
// "value"; the timestamp is in the configured precision (default ns).
// Tags with an empty value are left out: the protocol has none.
//
// At Start the output sends CREATE DATABASE (POST /query), as k6 does; a
// failure is logged (a warning when the server is unreachable) and the run
// goes on. Samples are encoded as they arrive and pushed every push
// interval and at Stop, with at most concurrent_writes requests in flight;
// a failed write is logged, counted and summed up at Stop, and never fails
// the run. Only the HTTP API is supported (not k6's udp://).
//
// Configuration, lowest precedence first: defaults (http://localhost:8086,
// database k6, push interval 1s, 10 concurrent writes, precision ns,
// tagsAsFields vu,iter,url), K6_INFLUXDB_ADDR, _DB, _USERNAME, _PASSWORD,
// _INSECURE, _PAYLOAD_SIZE, _PUSH_INTERVAL, _CONCURRENT_WRITES,
// _PRECISION, _RETENTION, _CONSISTENCY and _TAGS_AS_FIELDS, then the URL
// argument and its query parameters insecure, payload_size,
// push_interval, concurrent_writes (also k6's pushInterval and
// concurrentWrites), precision, retention, consistency and tagsAsFields.
//
// It registers itself as "output.influxdb" and imports only output and
// metrics; influxtest starts a real influxd for its tests.
package influxdb
