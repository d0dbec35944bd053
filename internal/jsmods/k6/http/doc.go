// Package http is the k6/http JavaScript module (k6-spec §7.3): synchronous
// HTTP requests with k6 v0.32's parameters, response objects, redirects,
// per-hop metrics and error codes.
//
// A request runs in two halves. The JS half (module.go, params.go,
// response.go) converts arguments and builds the response object; only the
// VU goroutine may run it. The Go half (client.go, trace.go) sends the
// request through the VU's own transport (jsmod.State.Transport, built by
// internal/netx), follows redirects itself so that every hop gets its own
// timings and samples, and touches no JS value, so that http.batch can run it
// on worker goroutines later.
//
// Whether a response was "expected" (http_req_failed and the
// expected_response tag) is decided by a per-VU callback; the default accepts
// statuses 200–399 and setResponseCallback will replace it.
//
// It imports only jsmod, metrics, netx and ext from stampede; never the
// runtime (internal/js) or the runner.
package http
