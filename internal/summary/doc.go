// Package summary renders the end-of-test summary of a run: the human-readable
// text k6 v0.32 prints to stdout, the legacy --summary-export JSON file, and
// the data object handed to a script's handleSummary(data).
//
// Everything is rendered from the plain data model in this package ([Data],
// [Metric], [Group], [Check]) rather than from live sinks, so the package
// imports no stampede package (only the standard library and go-humanize):
// the caller aggregates, this package only formats. That keeps the k6 output
// formats, which compatibility depends on character for character, testable
// with golden files and nothing else.
//
// Where the k6 v0.32 behaviour is odd it is reproduced on purpose, not fixed:
// rates and check percentages are truncated rather than rounded (a check with
// 29 passes out of 100 shows 28%, because k6 computes 100*(passes/total) in
// floating point), durations are truncated to a precision that depends on
// their size, and with colours on a check line's reset code follows its
// newline.
package summary
