// Package e2e holds the end-to-end tests: they build the stampede binary,
// start the built-in target on loopback and run the scripts under testdata/
// as a user would, checking exit codes, output and the --summary-export
// file.
package e2e
