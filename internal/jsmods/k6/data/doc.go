// Package data is the "k6/data" JS module: SharedArray, an array built once
// per test run in the init context and read by every VU.
//
// new SharedArray(name, fn) calls fn in the first VU that reaches it (in
// practice the VU that reads the script's options, before any other VU
// exists); the array fn returns is JSON-encoded once and kept in the run's
// jsmod.Shared store under name, as one string holding the elements' JSON
// back to back and the offsets where they end. Every VU, including VUs the
// pool adds later, gets a read-only array view of that one copy: an element
// is decoded with the VU's own JSON.parse each time it is read, so objects
// are fresh copies and a VU holds no decoded data of its own.
//
// The view is an array to JavaScript (Array.isArray is true, its prototype
// is Array.prototype): length, indexes, for..of, spreading and the
// non-mutating Array.prototype methods (forEach, map, filter, slice, find,
// reduce, join …) work on it directly. Writes are refused, as on a frozen
// array: assigning an element or the length, adding a property or deleting
// an element is silently ignored in sloppy-mode code and throws a TypeError
// in strict-mode code; the mutating Array methods (push, pop, splice, sort,
// reverse, fill …) always throw a TypeError.
//
// The package imports only jsmod and ext.
package data
