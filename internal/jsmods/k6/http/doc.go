// Package http is the k6/http JavaScript module (k6-spec §7.3): synchronous
// HTTP requests with k6 v0.32's parameters, response objects, redirects,
// per-hop metrics and error codes.
//
// A request runs in two halves. The JS half (module.go, params.go,
// response.go) converts arguments and builds the response object; only the
// VU goroutine may run it. The Go half (client.go, trace.go, compression.go,
// digest.go, ocsp.go) sends the request through the VU's own transport
// (jsmod.State.Transport, built by internal/netx), follows redirects and
// digest challenges itself so that every hop gets its own timings and
// samples, and touches no JS value. NTLM is the exception, as in k6: its
// handshake runs inside one hop (github.com/Azure/go-ntlmssp wraps the
// transport), since it authenticates the kept-alive connection. http.batch (batch.go) parses every
// request on the VU goroutine, runs the Go halves on worker goroutines, each
// with a client of its own and a private sample buffer, and pushes the
// samples and builds the responses on the VU goroutine once all are done.
//
// Whether a response was "expected" (http_req_failed and the
// expected_response tag) is decided by a per-VU callback (callback.go); the
// default accepts statuses 200–399, setResponseCallback replaces it and the
// responseCallback param overrides it per request.
//
// CookieJar, FileData and http.url's URL objects are goja dynamic objects
// over Go values, so that the module recognises them when they come back as
// params or bodies whatever field name mapper the runtime uses.
//
// It imports only jsmod, metrics, netx and ext from stampede; never the
// runtime (internal/js) or the runner.
package http
