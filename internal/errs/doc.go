// Package errs holds stampede's typed errors and the one table that maps
// them to k6 v0.32's process exit codes. Only the CLI turns errors into
// exit codes, through ExitCode. It imports only the standard library.
package errs
