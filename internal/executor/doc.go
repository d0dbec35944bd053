// Package executor runs scenarios: it takes VUs from a Pool, decides when
// each VU starts an iteration, ends scenarios at their nominal end and gives
// running iterations gracefulStop (or, for ramping-vus VUs that become
// surplus, gracefulRampDown) before interrupting them (k6-spec §3.1, §3.4).
//
// One Executor runs one scenario, built from its validated
// scenario.Config by New; Scheduler (and its shortcut RunAll) starts every
// scenario of a test at its startTime and waits for all of them.
//
// The package knows nothing about JavaScript or metrics. It consumes two
// small interfaces it declares itself, VU and Pool, and reports back
// through plain callbacks and counters (Env.Dropped, Env.ActiveVUs,
// Progress): the run package adapts those to dropped_iterations, the vus
// gauge and the progress bars. Iteration metrics are the VU's business.
// It must not import the js, metrics or run packages; it imports only
// internal/scenario and the standard library, which keeps it testable with
// fake VUs.
//
// Time: executors read the real clock (time.Now, timers) rather than an
// injected one, because testing/synctest gives the tests a fake clock for
// exactly that code without an extra abstraction. On top of it, every
// scenario of a Scheduler times everything on one execution clock (clock
// in clock.go): execution time stands still while the run is paused, so
// startTime, durations, graceful stops, ramps and arrival schedules all
// resume where they stopped (Scheduler.Pause). The arithmetic that decides
// when things happen (ramp steps, arrival instants) lives in pure
// functions, table-tested without goroutines.
//
// Execution segments (Env.Segment, k6-spec §3.5): each scenario is scaled
// to the segment with scenario.Segmented; the VU-based executors run the
// segment's share of the VUs (and of the iterations, for
// shared-iterations), the arrival-rate executors follow the whole test's
// schedule and start only the iterations the segment owns. N instances
// given the segments of one sequence together run the unsegmented test.
//
// Goroutines: every goroutine started by an executor is owned by its Run
// call, which returns only after all of them have ended and every VU has
// been put back in the Pool. Cancelling the context given to Run is a hard
// stop: running iterations are interrupted at once and nothing waits for
// gracefulStop.
package executor
