package threshold

import (
	"fmt"
	"math"
)

// Values supplies a metric's current aggregates to Eval. Implementations
// should not allocate either, because Eval runs for every threshold on every
// evaluation tick.
type Values interface {
	// Value returns a named aggregate: count, rate, value, avg, min, max,
	// med, passes or fails; ok is false if the metric does not provide it.
	// SupportedBy lists what each metric type is expected to provide.
	Value(name string) (v float64, ok bool)
	// Percentile returns the p-th percentile, p in 0..100; ok is false if
	// the metric has no percentiles (only trends do).
	Percentile(p float64) (v float64, ok bool)
}

// Eval reports whether the threshold passes for the aggregates in v, using
// JavaScript truthiness for the result (a non-zero, non-NaN number or true
// passes). An error, always an *AggregationError, means the expression needed
// an aggregate v does not provide; as in v0.32 the caller should then report
// the threshold as erroneous rather than failed. Like JavaScript, && and ||
// short-circuit, so an aggregate that is never reached is never requested.
func (e *Expr) Eval(v Values) (bool, error) {
	r, err := e.root.eval(v)
	if err != nil {
		err.Source = e.src
		return false, err
	}
	return r.truthy(), nil
}

// value is a JavaScript primitive restricted to what thresholds can produce:
// a number, or a boolean stored as 1/0 so that ToNumber is just num.
type value struct {
	num    float64
	isBool bool
}

func number(f float64) value { return value{num: f} }

func boolean(b bool) value {
	if b {
		return value{num: 1, isBool: true}
	}
	return value{isBool: true}
}

// truthy is JavaScript's ToBoolean: NaN, 0 and -0 are false.
func (v value) truthy() bool { return v.num != 0 && !math.IsNaN(v.num) }

// eval returns the concrete error type so Eval can fill in Source; only the
// error path allocates.
func (n *node) eval(v Values) (value, *AggregationError) {
	switch n.op {
	case opLit:
		return n.val, nil
	case opAgg:
		if v != nil {
			if f, ok := v.Value(n.name); ok {
				return number(f), nil
			}
		}
		return value{}, &AggregationError{Aggregation: n.name}
	case opPct:
		if v != nil {
			if f, ok := v.Percentile(n.pct); ok {
				return number(f), nil
			}
		}
		return value{}, &AggregationError{Aggregation: n.name}
	case opAnd, opOr:
		// JavaScript returns the deciding operand itself, not a boolean, so
		// (0 && x) + 1 is 1; keep that rather than collapsing to bool.
		x, err := n.x.eval(v)
		if err != nil || x.truthy() == (n.op == opOr) {
			return x, err
		}
		return n.y.eval(v)
	}

	x, err := n.x.eval(v)
	if err != nil {
		return value{}, err
	}
	switch n.op {
	case opNot:
		return boolean(!x.truthy()), nil
	case opNeg:
		return number(-x.num), nil
	case opPos:
		return number(x.num), nil
	}

	y, err := n.y.eval(v)
	if err != nil {
		return value{}, err
	}
	switch n.op {
	case opMul:
		return number(x.num * y.num), nil
	case opDiv:
		return number(x.num / y.num), nil
	case opMod:
		// math.Mod matches JavaScript's %: sign of the dividend, NaN for x%0.
		return number(math.Mod(x.num, y.num)), nil
	case opAdd:
		return number(x.num + y.num), nil
	case opSub:
		return number(x.num - y.num), nil
	case opLT:
		return boolean(x.num < y.num), nil
	case opLE:
		return boolean(x.num <= y.num), nil
	case opGT:
		return boolean(x.num > y.num), nil
	case opGE:
		return boolean(x.num >= y.num), nil
	case opEq:
		// With only numbers and booleans, loose equality converts booleans to
		// numbers, so comparing num is exactly JavaScript's ==.
		return boolean(x.num == y.num), nil
	case opStrictEq:
		return boolean(x.isBool == y.isBool && x.num == y.num), nil
	case opNe:
		return boolean(x.num != y.num), nil
	case opStrictNe:
		return boolean(x.isBool != y.isBool || x.num != y.num), nil
	}
	panic(fmt.Sprintf("threshold: unknown opcode %d", n.op))
}
