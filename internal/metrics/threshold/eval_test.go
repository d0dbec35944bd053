package threshold

import (
	"errors"
	"math"
	"testing"
)

// fakeValues answers from maps; a missing key means "not provided".
type fakeValues struct {
	vals map[string]float64
	pcts map[float64]float64
}

func (f fakeValues) Value(name string) (float64, bool) {
	v, ok := f.vals[name]
	return v, ok
}

func (f fakeValues) Percentile(p float64) (float64, bool) {
	v, ok := f.pcts[p]
	return v, ok
}

// allValues provides every aggregate so that operator tests never hit a
// missing one.
var allValues = fakeValues{
	vals: map[string]float64{
		"count": 150, "rate": 0.005, "value": 4,
		"avg": 180, "min": 10, "max": 900, "med": 95,
		"passes": 10, "fails": 1,
	},
	pcts: map[float64]float64{0: 10, 90: 400, 95: 450, 99: 800, 99.9: 999, 100: 900},
}

func TestEval(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		src  string
		want bool
	}{
		// Idioms from spec §5, passing and failing.
		{"p95 pass", "p(95)<500", true},
		{"p95 fail", "p(95)<450", false},
		{"p99.9 spaced", "p(99.9) < 1000", true},
		{"p99.9 fail", "p(99.9) < 999", false},
		{"p spaced inside", " p ( 95 ) \t<\n500 ", true},
		{"avg and max", "avg<200 && max<1000", true},
		{"avg and max fail", "avg<200 && max<900", false},
		{"rate", "rate<0.01", true},
		{"rate fail", "rate<0.005", false},
		{"count", "count>100", true},
		{"count fail", "count>150", false},
		{"value", "value<5", true},
		{"value fail", "value<4", false},
		{"max le", "max<=3000", true},
		{"max le equal", "max<=900", true},
		{"med", "med<100", true},
		{"rate ge", "rate>=0.005", true},
		{"rate ge fail", "rate>=0.95", false},
		{"count eq zero", "count == 0", false},
		{"count eq", "count == 150", true},
		{"count strict eq", "count === 150", true},
		{"count ne", "count != 150", false},
		{"count strict ne", "count !== 0", true},
		{"passes and fails", "passes / (passes + fails) > 0.9", true},

		// Every operator.
		{"lt", "1 < 2", true},
		{"lt equal", "2 < 2", false},
		{"le", "2 <= 2", true},
		{"gt", "3 > 2", true},
		{"gt equal", "2 > 2", false},
		{"ge", "2 >= 2", true},
		{"ge less", "1 >= 2", false},
		{"eq", "2 == 2", true},
		{"ne", "2 != 3", true},
		{"strict eq", "2 === 2", true},
		{"strict ne", "2 !== 2", false},
		{"add", "2 + 3 == 5", true},
		{"sub", "2 - 3 == -1", true},
		{"mul", "2 * 3 == 6", true},
		{"div", "7 / 2 == 3.5", true},
		{"mod", "7 % 3 == 1", true},
		{"mod negative dividend", "-7 % 3 == -1", true},
		{"mod fractional", "5.5 % 2 == 1.5", true},
		{"mod zero is NaN", "5 % 0", false},
		{"neg", "-avg == -180", true},
		{"pos", "+avg === 180", true},
		{"not", "!0", true},
		{"not truthy", "!avg", false},
		{"and", "1 && 1", true},
		{"and false", "1 && 0", false},
		{"or", "0 || 1", true},
		{"or false", "0 || 0", false},

		// Precedence and associativity, as in JavaScript.
		{"mul before add", "2 + 3 * 4 == 14", true},
		{"parens", "(2 + 3) * 4 == 20", true},
		{"sub left assoc", "10 - 4 - 3 == 3", true},
		{"div left assoc", "100 / 10 / 5 == 2", true},
		{"mod same level as mul", "2 * 3 % 4 == 2", true},
		{"unary before mul", "-2 * 3 == -6", true},
		{"unary minus of minus", "- -3 == 3", true},
		{"unary plus minus", "+-3 == -3", true},
		{"not before add", "!1 + 1 == 1", true},
		{"not before compare", "!avg < 1", true},
		{"add before compare", "avg + 20 <= 200", true},
		{"compare before eq", "1 < 2 == true", true},
		{"relational chain", "1 < 2 < 3", true},
		{"relational chain surprise", "3 > 2 > 1", false},
		{"eq before and", "1 == 1 && 2 == 2", true},
		{"and before or", "1 || 0 && 0", true},
		{"and before or 2", "0 || 0 && 1", false},
		{"and before or 3", "0 && 1 || 1", true},
		{"or in parens", "(1 || 0) && 0", false},

		// JavaScript values and coercions.
		{"number truthy", "5", true},
		{"zero falsy", "0", false},
		{"negative zero falsy", "-0", false},
		{"leading dot", ".5", true},
		{"trailing dot", "5. == 5", true},
		{"exponent", "1e3 == 1000", true},
		{"exponent signed", "2.5E-3 == 0.0025 && 1e+2 == 100", true},
		{"overflow is infinity", "1e999 == Infinity", true},
		{"bool literals", "true && !false", true},
		{"bool to number", "true + true == 2", true},
		{"loose bool eq", "true == 1", true},
		{"strict bool eq", "true === 1", false},
		{"strict bool ne", "true !== 1", true},
		{"loose bool ne", "true != 1", false},
		{"comparison yields bool", "(1 < 2) === true", true},
		{"unary plus converts bool", "+true === 1", true},
		{"unary minus converts bool", "-true === -1", true},
		{"and returns operand", "(0 && 1) + 1 == 1", true},
		{"or returns operand", "(2 || 0) === 2", true},
		{"and returns last", "(1 && 7) === 7", true},
		{"division by zero", "1 / 0 == Infinity && -1 / 0 < 0", true},
		{"negative zero equals zero", "-0 === 0", true},
		{"double not", "!!avg", true},
		{"NaN literal falsy", "NaN", false},
		{"NaN not equal itself", "NaN == NaN", false},
		{"NaN ne itself", "NaN != NaN && NaN !== NaN", true},
		{"NaN comparisons false", "NaN < 1 || NaN >= 1", false},
		{"infinity compare", "max < Infinity", true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			got, err := e.Eval(allValues)
			if err != nil {
				t.Fatalf("Eval: %v", err)
			}
			if got != tt.want {
				t.Errorf("Eval(%q) = %v, want %v", tt.src, got, tt.want)
			}
		})
	}
}

func TestEvalNaN(t *testing.T) {
	t.Parallel()
	// A sink with no samples may report NaN (e.g. avg of nothing); every
	// comparison with NaN is false in JavaScript, so thresholds fail.
	nan := fakeValues{
		vals: map[string]float64{"avg": math.NaN(), "rate": math.NaN()},
		pcts: map[float64]float64{95: math.NaN()},
	}
	tests := []struct {
		src  string
		want bool
	}{
		{"avg<200", false},
		{"avg>=200", false},
		{"!(avg>=200)", true},
		{"avg == avg", false},
		{"avg != avg", true},
		{"p(95)<500", false},
		{"p(95)>500", false},
		{"rate", false},
		{"!rate", true},
		{"avg + 1 > 0", false},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := e.Eval(nan); err != nil || got != tt.want {
				t.Errorf("Eval = %v, %v; want %v", got, err, tt.want)
			}
		})
	}
}

func TestEvalMissingAggregation(t *testing.T) {
	t.Parallel()
	gauge := fakeValues{vals: map[string]float64{"value": 4}}
	tests := []struct {
		name    string
		src     string
		v       Values
		want    bool
		wantErr string
	}{
		{"missing name", "avg<3", gauge, false, `threshold "avg<3": the metric provides no "avg" value`},
		{"missing percentile", "value<5 && p(99.9)<3", gauge, false, `threshold "value<5 && p(99.9)<3": the metric provides no "p(99.9)" value`},
		{"missing on right of and", "value<5 && med<3", gauge, false, `threshold "value<5 && med<3": the metric provides no "med" value`},
		{"nil values", "count>0", nil, false, `threshold "count>0": the metric provides no "count" value`},
		{"or short-circuits", "value<5 || avg<3", gauge, true, ""},
		{"and short-circuits", "value>5 && avg<3", gauge, false, ""},
		{"constant with nil values", "1 < 2", nil, true, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			got, err := e.Eval(tt.v)
			if got != tt.want {
				t.Errorf("Eval = %v, want %v", got, tt.want)
			}
			if tt.wantErr == "" {
				if err != nil {
					t.Errorf("unexpected error: %v", err)
				}
				return
			}
			var ae *AggregationError
			if !errors.As(err, &ae) || err.Error() != tt.wantErr {
				t.Errorf("error = %v (%T)\nwant %s", err, err, tt.wantErr)
			}
		})
	}
}

// trendValues is a Values without maps, like a real sink would be.
type trendValues struct{ avg, max, p95 float64 }

func (v *trendValues) Value(name string) (float64, bool) {
	switch name {
	case "avg":
		return v.avg, true
	case "max":
		return v.max, true
	}
	return 0, false
}

func (v *trendValues) Percentile(p float64) (float64, bool) {
	if p == 95 {
		return v.p95, true
	}
	return 0, false
}

func TestEvalDoesNotAllocate(t *testing.T) {
	e, err := Parse("p(95) < 500 && (avg < 200 || max <= 3000) && !(avg % 7 === 3)")
	if err != nil {
		t.Fatal(err)
	}
	v := &trendValues{avg: 180, max: 900, p95: 450}
	allocs := testing.AllocsPerRun(100, func() {
		if ok, err := e.Eval(v); !ok || err != nil {
			t.Fatalf("Eval = %v, %v", ok, err)
		}
	})
	if allocs != 0 {
		t.Errorf("Eval allocates %v times per run, want 0", allocs)
	}
}

func BenchmarkEval(b *testing.B) {
	benchmarks := []struct {
		name string
		src  string
	}{
		{"simple", "p(95)<500"},
		{"compound", "avg<200 && max<1000"},
		{"complex", "p(95) < 500 && (avg < 200 || max <= 3000) && !(avg % 7 === 3)"},
	}
	v := &trendValues{avg: 180, max: 900, p95: 450}
	for _, bm := range benchmarks {
		b.Run(bm.name, func(b *testing.B) {
			e, err := Parse(bm.src)
			if err != nil {
				b.Fatal(err)
			}
			b.ReportAllocs()
			for b.Loop() {
				if ok, err := e.Eval(v); !ok || err != nil {
					b.Fatalf("Eval = %v, %v", ok, err)
				}
			}
		})
	}
}

func BenchmarkParse(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("p(95) < 500 && (avg < 200 || max <= 3000)"); err != nil {
			b.Fatal(err)
		}
	}
}
