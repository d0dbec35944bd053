// Package js runs k6 scripts: it compiles the entry script and the local
// modules it imports once per test (a Bundle), and gives every virtual user
// its own goja runtime (a VU) that evaluates the init code, resolves
// imports (built-in modules through package ext, the jslib.k6.io URLs that
// package jslib provides offline, local files relative to the importing
// file) and runs iterations, setup, teardown and handleSummary.
//
// It imports jsmod, metrics, errs, ext, jslib and the compiler; never the
// executor or the runner, which reach VUs through their own interfaces.
package js
