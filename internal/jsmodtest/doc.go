// Package jsmodtest runs a JS module in one bare virtual user, so that a
// module's tests need neither the script runner nor a test run: a goja
// runtime, a cancellable context, a jsmod.State whose samples and log
// entries are recorded, and a per-VU HTTP transport from internal/netx.
//
// Typical use in a module's _test.go file:
//
//	vu := jsmodtest.New(t)
//	vu.Load("http", &RootModule{})
//	v := vu.MustRun(`http.get("` + srv.URL + `").status`)
//	samples := vu.Samples.Named("http_reqs")
//
// The VU starts in the VU stage (State set, InitEnv nil); EnterInitStage and
// EnterVUStage switch between the two, which is how module tests check k6's
// init-context rules. Tests adjust VU.StateValue (Options, Tags …) directly
// between runs.
//
// Only _test.go files may import this package: it depends on package
// testing and on internal/netx.
package jsmodtest
