// Package output is stampede's output API: what `-o/--out type[=arg]`
// (K6_OUT, the config file's "out") plugs into. An output receives every
// metric sample of a run, after system-tag filtering, and writes it
// somewhere: a file (json, csv), a database, a socket.
//
// Outputs register a Constructor by type name from an init function, exactly
// as a third-party output compiled into the binary would:
//
//	func init() { output.Register("json", New) }
//
// which files it in package ext under "output.json".
//
// Life cycle, in this order and from one goroutine unless said otherwise:
//
//  1. Constructor(Params): parse the argument and the environment, open
//     nothing. Errors here are configuration mistakes, reported before the
//     test starts.
//  2. Description(): the text of the `output:` line of the execution
//     description ("json (out.json)").
//  3. Start(): open files or connections; start the output's own
//     goroutines (PeriodicFlusher helps).
//  4. AddSamples(batch), many times, from one goroutine that the runner owns
//     for this output alone, never concurrently with itself. The runner puts
//     a bounded queue in front of every output, so AddSamples may encode and
//     write (a slow output delays only itself, never the VUs); it must not
//     block indefinitely, and must neither modify nor keep the batch's slice
//     beyond the call (the samples themselves and their tag sets are
//     immutable and may be kept).
//  5. Stop(ctx, testErr): called once, after the last AddSamples, in every
//     ending of the run (normal end, Ctrl-C, threshold abort, setup or
//     teardown failure): write out everything buffered, close, and stop every
//     goroutine the output started. testErr is the error the run ended with,
//     nil for a normal end.
//
// An output that cannot write (disk full) keeps the first error, logs it and
// returns it from Stop.
//
// The package imports only metrics and ext.
package output
