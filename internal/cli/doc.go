// Package cli is stampede's command line: cobra commands run, inspect,
// version, target and demo, the layering of defaults, config file, script
// options, environment and flags, and the single place where errors become
// exit codes. It is the only package that sees the process environment
// (through procenv) and the only importer of run.
package cli
