// Package archtest holds only a test: it enforces the dependency direction
// of STYLE.md (leaf packages import no stampede package, modules never know
// the runtime or the runner, only the CLI knows the runner) by reading the
// real import graph with `go list`.
package archtest
