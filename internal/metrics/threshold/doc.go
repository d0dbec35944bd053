// Package threshold parses and evaluates k6 v0.32 threshold expressions
// ("p(95)<500"), sub-metric keys ("http_req_duration{status:200}") and the
// per-metric threshold lists of the "thresholds" option.
//
// It imports only the standard library. Metric types are passed as plain
// strings ("counter", "gauge", "rate", "trend") and aggregate values through
// the small [Values] interface, so the package stays a leaf that the config
// loader, the metrics engine and the summary can all use without cycles.
//
// # Expressions
//
// k6 v0.32 evaluated each threshold as a JavaScript expression with the
// metric's aggregates as globals. Running a JS engine for that is heavy and
// accepts nonsense that only fails (or silently passes) mid-test, so this
// package implements the subset v0.32 users actually write, with JavaScript's
// semantics for numbers, booleans, truthiness and operator precedence, and
// rejects everything else at [Parse] time with a message that quotes the
// expression and names the character at fault:
//
//	invalid threshold "p(95)<<200": unexpected "<" at position 7
//
// This is stricter than v0.32 on purpose (spec §13): v0.32 logged a bad
// expression, marked it failed and still exited 0.
//
// Grammar (whitespace is allowed between any two tokens; precedence rises
// from top to bottom, all binary operators are left-associative as in JS):
//
//	expr       = and { "||" and } .
//	and        = equality { "&&" equality } .
//	equality   = relational { ( "==" | "===" | "!=" | "!==" ) relational } .
//	relational = additive { ( "<" | "<=" | ">" | ">=" ) additive } .
//	additive   = term { ( "+" | "-" ) term } .
//	term       = unary { ( "*" | "/" | "%" ) unary } .
//	unary      = ( "!" | "-" | "+" ) unary | primary .
//	primary    = number | aggregate | "p" "(" number ")" | literal | "(" expr ")" .
//	aggregate  = "count" | "rate" | "value" | "avg" | "min" | "max" | "med" | "passes" | "fails" .
//	literal    = "true" | "false" | "Infinity" | "NaN" .
//	number     = decimal literal as in JavaScript: "5", "0.5", ".5", "5.", "1e3", "2.5E-3" .
//
// The argument of p(N) must be a number literal in 0..100 (decimals allowed,
// p(99.9)). Names are case-sensitive, as in JavaScript. "++" and "--" are
// rejected because JavaScript reads them as increment/decrement, which makes
// "5--3" a syntax error there too; write "5 - -3". Numbers with leading zeros
// ("010", a legacy octal in JS) and numbers followed directly by a name
// ("200ms") are rejected. Expressions nest at most 64 levels deep.
//
// A parsed [Expr] is an immutable tree; [Expr.Eval] walks it without
// allocating, so it can run every two seconds for every threshold. Which
// aggregates a metric type offers is given by [SupportedBy]; [Check] compares
// an expression against it before the test starts, and [Expr.Eval] reports an
// [*AggregationError] if a [Values] implementation lacks one at run time.
//
// # Sub-metric keys
//
// [ParseMetricKey] splits a threshold key into the metric name and a tag
// filter following spec §5.3, and [Matches] tests a sample's tags against
// the filter. Unlike v0.32, a tag listed twice in one key is an error rather
// than "last one wins", because such a filter can never be what was meant.
//
// # Threshold lists
//
// [ParseList] (and [List], which implements json.Unmarshaler) read one
// metric's entry of the "thresholds" option: an array of expression strings
// and {"threshold", "abortOnFail", "delayAbortEval"} objects, or a single
// string. [ParseDuration] is the duration syntax used for delayAbortEval:
// Go's time.ParseDuration with an optional leading day count ("1d12h").
package threshold
