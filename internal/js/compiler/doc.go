// Package compiler turns one JavaScript source file into a goja program.
//
// ES module syntax (import/export) is rewritten to CommonJS by esbuild, with
// an inline source map so that goja reports positions in the user's own
// file; the program is then compiled once and shared by every VU, since a
// compiled goja.Program is immutable. It imports only the two engines.
package compiler
