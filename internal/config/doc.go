// Package config holds stampede's user-facing options with k6 v0.32's names:
// the Options struct (script `options`, the JSON config file, K6_*
// environment variables and `run` flags), their merge in k6's precedence
// order, the derivation of the default scenario from the shortcut options,
// and validation that reports every problem with its option path.
//
// Every option remembers whether it was set (Opt), because layers are merged
// by presence, not by value: a flag's default must not override a script.
//
// It may import only the standard library, pflag and internal/scenario; it
// never reads the process environment itself (callers pass getenv/environ).
package config
