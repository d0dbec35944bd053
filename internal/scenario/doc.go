// Package scenario holds the configuration of k6-compatible scenarios: the
// seven executor config types with their defaults, validation messages and
// one-line descriptions, the stage arithmetic of ramping-vus, and execution
// segments.
//
// It is pure data and pure functions so that executors, the config layer and
// the execution header can share one definition and test it without a clock.
// It must not import any other stampede package.
//
// The executor configs keep the field names of k6's JSON (an embedded Common,
// MaxVUs, MaxDuration). Go does not allow a field and a method with the same
// name, so the Config interface spells the derived values differently:
// Base() for the common fields, PeakVUs() and PlannedDuration().
package scenario
