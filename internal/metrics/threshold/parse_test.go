package threshold

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

func TestParseAggregations(t *testing.T) {
	t.Parallel()
	tests := []struct {
		src  string
		aggs []string
		pcts []float64
	}{
		{"p(95)<500", []string{"p(95)"}, []float64{95}},
		{"p(99.9) < 1000", []string{"p(99.9)"}, []float64{99.9}},
		{"p(95.0)<1 && p(95)<2", []string{"p(95)"}, []float64{95}},
		{"p(0) >= 0 && p(100) <= 1e9 && p(.5) > 0", []string{"p(0)", "p(100)", "p(0.5)"}, []float64{0, 100, 0.5}},
		{"avg<200 && max<1000", []string{"avg", "max"}, nil},
		{"max < 1000 && avg < max", []string{"max", "avg"}, nil},
		{"rate<0.01", []string{"rate"}, nil},
		{"count>100", []string{"count"}, nil},
		{"value<5", []string{"value"}, nil},
		{"med<100 || min>1 || passes > fails", []string{"med", "min", "passes", "fails"}, nil},
		{"1 < 2", nil, nil},
		{"true", nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if e.Source() != tt.src || e.String() != tt.src {
				t.Errorf("Source() = %q, String() = %q, want %q", e.Source(), e.String(), tt.src)
			}
			if got := e.Aggregations(); !slices.Equal(got, tt.aggs) {
				t.Errorf("Aggregations() = %q, want %q", got, tt.aggs)
			}
			if got := e.Percentiles(); !slices.Equal(got, tt.pcts) {
				t.Errorf("Percentiles() = %v, want %v", got, tt.pcts)
			}
		})
	}
}

func TestParseReturnsCopies(t *testing.T) {
	t.Parallel()
	e, err := Parse("p(95)<1 && avg<2")
	if err != nil {
		t.Fatal(err)
	}
	e.Aggregations()[0] = "mutated"
	e.Percentiles()[0] = -1
	if e.Aggregations()[0] != "p(95)" || e.Percentiles()[0] != 95 {
		t.Errorf("callers can mutate the Expr: %q %v", e.Aggregations(), e.Percentiles())
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want string
	}{
		{"double less", "p(95)<<200", `invalid threshold "p(95)<<200": unexpected "<" at position 7`},
		{"empty", "", `invalid threshold "": empty expression`},
		{"blank", " \t ", `invalid threshold " \t ": empty expression`},
		{"unknown aggregation", "foo<3",
			`invalid threshold "foo<3": unknown aggregation "foo" at position 1 (known: count, rate, value, avg, min, max, med, passes, fails, p(N))`},
		{"wrong case", "AVG<3", `invalid threshold "AVG<3": unknown aggregation "AVG" at position 1 (did you mean "avg"?)`},
		{"unknown function", "q(95)<3", `invalid threshold "q(95)<3": unknown function "q" at position 1 (only p(N) can be called)`},
		{"aggregate called", "avg(3)<1", `invalid threshold "avg(3)<1": "avg" is not a function at position 1`},
		{"trailing word", "p(95)<200 ms", `invalid threshold "p(95)<200 ms": unexpected "ms" at position 11`},
		{"time unit", "p(95)<200ms",
			`invalid threshold "p(95)<200ms": unexpected "ms" after number at position 10 (thresholds take plain numbers; times are in milliseconds)`},
		{"data unit", "value<1KB",
			`invalid threshold "value<1KB": unexpected "KB" after number at position 8 (thresholds take plain numbers; data sizes are in bytes)`},
		{"hex", "count<0x10", `invalid threshold "count<0x10": unexpected "x10" after number at position 8`},
		{"p without arg", "p()<3", `invalid threshold "p()<3": p() needs a percentile at position 3 (e.g. p(95))`},
		{"p out of range", "p(101)<3",
			`invalid threshold "p(101)<3": percentile 101 is out of range at position 3 (must be a number between 0 and 100)`},
		{"p huge", "p(1e999)<3",
			`invalid threshold "p(1e999)<3": percentile 1e999 is out of range at position 3 (must be a number between 0 and 100)`},
		{"p negative", "p(-1)<3",
			`invalid threshold "p(-1)<3": the percentile must be a number between 0 and 100 at position 3 (e.g. p(95))`},
		{"p name arg", "p(x)<3",
			`invalid threshold "p(x)<3": the percentile must be a number between 0 and 100 at position 3 (e.g. p(95))`},
		{"p two args", "p(95, 99)<3", `invalid threshold "p(95, 99)<3": unexpected "," at position 5`},
		{"p unclosed", "p(95<3", `invalid threshold "p(95<3": unexpected "<" at position 5 (p() takes one number and a ")")`},
		{"p bare", "p<3", `invalid threshold "p<3": "p" needs a percentile argument at position 1 (e.g. p(95))`},
		{"end of input", "p(95)<", `invalid threshold "p(95)<": unexpected end of expression at position 7`},
		{"bang only", "!", `invalid threshold "!": unexpected end of expression at position 2`},
		{"unclosed paren", "(avg<3",
			`invalid threshold "(avg<3": unexpected end of expression at position 7 (missing ")" for the "(" at position 1)`},
		{"extra paren", "avg<3)", `invalid threshold "avg<3)": unexpected ")" at position 6`},
		{"empty parens", "()", `invalid threshold "()": unexpected ")" at position 2`},
		{"assignment", "avg=3", `invalid threshold "avg=3": unexpected "=" at position 4 (use == or === to compare)`},
		{"single and", "avg<3 & max<4", `invalid threshold "avg<3 & max<4": unexpected "&" at position 7 (use && for a logical and)`},
		{"single or", "avg<3 | max<4", `invalid threshold "avg<3 | max<4": unexpected "|" at position 7 (use || for a logical or)`},
		{"decrement", "5--3",
			`invalid threshold "5--3": unexpected "--" at position 2 (JavaScript reads it as increment/decrement; put a space between the signs)`},
		{"increment", "avg++<3",
			`invalid threshold "avg++<3": unexpected "++" at position 4 (JavaScript reads it as increment/decrement; put a space between the signs)`},
		{"exponent operator", "2**3<avg", `invalid threshold "2**3<avg": unexpected "*" at position 3`},
		{"leading zero", "010<avg", `invalid threshold "010<avg": invalid number "010" at position 1 (leading zeros are not allowed)`},
		{"bad exponent", "1e<avg", `invalid threshold "1e<avg": invalid number "1e" at position 1 (an exponent needs digits, e.g. 1e3)`},
		{"two numbers", "avg<1.2.3", `invalid threshold "avg<1.2.3": unexpected ".3" at position 8`},
		{"lone dot", "avg<.", `invalid threshold "avg<.": unexpected "." at position 5`},
		{"unknown char", "avg < 3 @", `invalid threshold "avg < 3 @": unexpected "@" at position 9`},
		{"unicode operator", "p(95) ≤ 200", `invalid threshold "p(95) ≤ 200": unexpected "≤" at position 7`},
		{"position counts characters", "\u00a0avg<<3", `invalid threshold "\u00a0avg<<3": unexpected "<" at position 6`},
		{"invalid utf8", "avg<\xff", `invalid threshold "avg<\xff": unexpected "\xff" at position 5`},
		{"comment", "avg<3 // fast", `invalid threshold "avg<3 // fast": unexpected "/" at position 8`},
		{"string literal", `avg<"3"`, `invalid threshold "avg<\"3\"": unexpected "\"" at position 5`},
		{"member access", "avg.x<3", `invalid threshold "avg.x<3": unexpected "." at position 4`},
		{"shift", "avg>>3", `invalid threshold "avg>>3": unexpected ">" at position 5`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tt.src)
			if err == nil {
				t.Fatalf("Parse(%q) = %v, want error", tt.src, e.root)
			}
			if got := err.Error(); got != tt.want {
				t.Errorf("error\n got: %s\nwant: %s", got, tt.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) || se.Source != tt.src {
				t.Errorf("error %T does not carry the source as *SyntaxError", err)
			}
		})
	}
}

func TestParseDepthLimits(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		ok   bool
	}{
		{"parens at the limit", strings.Repeat("(", maxNesting) + "1" + strings.Repeat(")", maxNesting), true},
		{"parens over the limit", strings.Repeat("(", maxNesting+1) + "1" + strings.Repeat(")", maxNesting+1), false},
		{"unary chain over the limit", strings.Repeat("- ", maxDepth) + "1", false},
		{"unary chain at the limit", strings.Repeat("- ", maxDepth-1) + "1", true},
		{"long sum over the limit", "1" + strings.Repeat("+1", maxDepth), false},
		{"long sum at the limit", "1" + strings.Repeat("+1", maxDepth-1), true},
		{"huge input", strings.Repeat("!(", 100000), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(tt.src)
			switch {
			case tt.ok && err != nil:
				t.Errorf("unexpected error: %v", err)
			case !tt.ok && (err == nil || !strings.Contains(err.Error(), "nested too deeply")):
				t.Errorf("error = %v, want a nesting error", err)
			}
		})
	}
}
