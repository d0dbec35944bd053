package threshold

import (
	"errors"
	"math"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"
)

// canonical prints the parsed tree fully parenthesised. The fuzzer checks
// that it parses back to the same tree, which catches precedence and
// literal-scanning mistakes that Source round-tripping alone cannot.
func canonical(n *node) string {
	var b strings.Builder
	writeCanonical(&b, n)
	return b.String()
}

func writeCanonical(b *strings.Builder, n *node) {
	switch n.op {
	case opLit:
		switch v := n.val; {
		case v.isBool && v.num != 0:
			b.WriteString("true")
		case v.isBool:
			b.WriteString("false")
		case math.IsInf(v.num, 1):
			b.WriteString("Infinity")
		case math.IsNaN(v.num):
			b.WriteString("NaN")
		default:
			b.WriteString(strconv.FormatFloat(v.num, 'g', -1, 64))
		}
		return
	case opAgg, opPct:
		b.WriteString(n.name)
		return
	}
	b.WriteByte('(')
	if n.y == nil {
		b.WriteString(opSymbol(n.op))
		writeCanonical(b, n.x)
	} else {
		writeCanonical(b, n.x)
		b.WriteString(" " + opSymbol(n.op) + " ")
		writeCanonical(b, n.y)
	}
	b.WriteByte(')')
}

func opSymbol(op opcode) string {
	switch op {
	case opNot:
		return "!"
	case opNeg:
		return "-"
	case opPos:
		return "+"
	case opMul:
		return "*"
	case opDiv:
		return "/"
	case opMod:
		return "%"
	case opAdd:
		return "+"
	case opSub:
		return "-"
	case opLT:
		return "<"
	case opLE:
		return "<="
	case opGT:
		return ">"
	case opGE:
		return ">="
	case opEq:
		return "=="
	case opStrictEq:
		return "==="
	case opNe:
		return "!="
	case opStrictNe:
		return "!=="
	case opAnd:
		return "&&"
	case opOr:
		return "||"
	}
	panic("no symbol for opcode " + strconv.Itoa(int(op)))
}

func TestCanonical(t *testing.T) {
	t.Parallel()
	tests := []struct{ src, want string }{
		{"p(95)<500", "(p(95) < 500)"},
		{"1 || 0 && 0", "(1 || (0 && 0))"},
		{"10 - 4 - 3", "((10 - 4) - 3)"},
		{"- -3 * !avg", "((-(-3)) * (!avg))"},
		{"1 < 2 == 3 > 4", "((1 < 2) == (3 > 4))"},
		{"a", ""},
		{".5e1 + 1e999 + true", "((5 + Infinity) + true)"},
	}
	for _, tt := range tests {
		t.Run(tt.src, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tt.src)
			if tt.want == "" {
				if err == nil {
					t.Errorf("Parse(%q) succeeded", tt.src)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if got := canonical(e.root); got != tt.want {
				t.Errorf("canonical = %q, want %q", got, tt.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"p(95)<500", "p(99.9) < 1000", "avg<200 && max<1000", "rate<0.01", "count>100",
		"value<5", "max<=3000", "med<100", "rate>=0.95", "count == 0", "count === 0",
		"count != 1", "count !== 1", "!(avg > 3) || -min + +max * 2 / 3 % 4 >= 1e3",
		"p(95)<<200", "", "p()", "p(101)", "q(1)", "avg<3)", "(avg<3", "5--3", "200ms",
		".5 < 5. && 1E-3 > 0", "true == !false", "NaN !== Infinity", "\u00a0avg\t<\n3", "avg<\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, src string) {
		e, err := Parse(src)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) || se.Source != src {
				t.Fatalf("error %v (%T) is not a *SyntaxError for the source", err, err)
			}
			if se.Pos < 0 || se.Pos > utf8.RuneCountInString(src)+1 {
				t.Fatalf("position %d outside the %q", se.Pos, src)
			}
			if msg := err.Error(); strings.ContainsAny(msg, "\n\r") || !strings.HasPrefix(msg, "invalid threshold ") {
				t.Fatalf("error is not one clean line: %q", msg)
			}
			return
		}
		if e.Source() != src {
			t.Fatalf("Source() = %q, want %q", e.Source(), src)
		}
		c := canonical(e.root)
		e2, err := Parse(c)
		if err != nil {
			t.Fatalf("canonical form %q of %q does not parse: %v", c, src, err)
		}
		if c2 := canonical(e2.root); c2 != c {
			t.Fatalf("canonical form not stable: %q -> %q", c, c2)
		}
		if !slices.Equal(e.Aggregations(), e2.Aggregations()) || !slices.Equal(e.Percentiles(), e2.Percentiles()) {
			t.Fatalf("aggregations differ: %q vs %q", e.Aggregations(), e2.Aggregations())
		}
		for _, v := range []Values{allValues, fakeValues{}, nil} {
			r1, err1 := e.Eval(v)
			r2, err2 := e2.Eval(v)
			if r1 != r2 || (err1 == nil) != (err2 == nil) {
				t.Fatalf("Eval differs: %q = %v, %v; %q = %v, %v", src, r1, err1, c, r2, err2)
			}
		}
		for _, typ := range []string{"counter", "gauge", "rate", "trend"} {
			_ = Check(e, typ)
		}
	})
}

func FuzzParseMetricKey(f *testing.F) {
	for _, s := range []string{
		"http_req_duration", `http_req_duration{status:200,  name:"foo"}`, "group_duration{group:::mygroup}",
		"checks{'myTag': 'hola'}", "m{error}", "m{}", "m{a:1,,b:2,}", "m{a:1", "m}", "{a:1}", "m{:1}",
		"m{a:1,a:2}", "m{a:b}}", "m{a:{b}", ` m { "a" : " b " } `, "",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, key string) {
		name, filter, err := ParseMetricKey(key)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "invalid metric key ") {
				t.Fatalf("error %q lacks the standard prefix", err)
			}
			return
		}
		if name == "" || strings.ContainsAny(name, "{}") {
			t.Fatalf("bad name %q from %q", name, key)
		}
		tags := map[string]string{}
		for _, tag := range filter {
			if tag.Key == "" || strings.ContainsAny(tag.Key, ":,") || strings.Contains(tag.Value, ",") {
				t.Fatalf("bad tag %+v from %q", tag, key)
			}
			if _, dup := tags[tag.Key]; dup {
				t.Fatalf("duplicate tag %q from %q", tag.Key, key)
			}
			tags[tag.Key] = tag.Value
		}
		if !Matches(filter, func(k string) (string, bool) { v, ok := tags[k]; return v, ok }) {
			t.Fatalf("filter %+v does not match its own tags", filter)
		}
		// Writing the filter back as a key must give the same result.
		again := name
		if filter != nil {
			parts := make([]string, len(filter))
			for i, tag := range filter {
				parts[i] = tag.Key + ":" + tag.Value
			}
			again += "{" + strings.Join(parts, ",") + "}"
		}
		name2, filter2, err := ParseMetricKey(again)
		if err != nil || name2 != name || !slices.Equal(filter2, filter) {
			t.Fatalf("%q -> %q, %+v; rewritten %q -> %q, %+v, %v", key, name, filter, again, name2, filter2, err)
		}
	})
}
