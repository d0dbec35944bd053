// Package ext is stampede's static extension registry: built-in JS modules
// and outputs register themselves here by ID from init functions, exactly as
// a third-party extension compiled into the binary would (caddy's pattern).
//
// The registry is the one sanctioned package-level map of the code base: it is
// filled during program initialisation only and read-only afterwards, so it
// carries no run state. It imports only the standard library.
package ext
