// Package procenv is the one place where stampede touches process state:
// arguments, environment, standard streams, the file system and signals.
// Everything else receives an *Env, so the whole CLI can run in-process in
// tests with fakes (ForTest). It imports only the standard library and isatty.
package procenv
