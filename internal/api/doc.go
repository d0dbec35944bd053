// Package api is stampede's REST API (k6-spec §1.5): a small JSON:API-style
// HTTP server to watch and steer a running test, and the client that
// `stampede pause|resume|scale|status|stats` use.
//
// It knows nothing of how a run works: it declares the Controller it needs
// and the run package's controller is adapted to it by the CLI. Only the
// standard library's net/http is used.
//
// Routes (all under /v1):
//
//	GET   /v1/status        paused, vus, vus-max, stopped, running, tainted
//	PATCH /v1/status        set paused, vus, vus-max
//	GET   /v1/metrics       every metric with samples so far
//	GET   /v1/metrics/{id}  one metric (id = its name)
//	GET   /v1/groups        every group, with its checks
//	GET   /v1/groups/{id}   one group (id = the hash of its path)
package api
