// Package bundle links every built-in JS module and output into the binary
// through blank imports, as caddy's modules/standard does.
package bundle
