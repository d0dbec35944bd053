// Package jsmod is the API between stampede's JavaScript runtime and the
// modules scripts import (k6, k6/http, k6/metrics …). Built-in modules use
// only this API, as a third-party module would, and register themselves in
// package ext under "js.<import path>".
//
// A Module makes one Instance per VU; the Instance's exports become the
// module's namespace object. During the init stage VU.State is nil and
// VU.InitEnv is set; while iterations run it is the other way round, which
// is how modules enforce k6's init-context rules.
//
// It imports metrics and the JS engine's value types; never the runtime
// (internal/js) or the runner.
package jsmod
