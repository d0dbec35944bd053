package scenario

import (
	"fmt"
	"math/big"
	"strings"
)

// Segment is the part [From, To) of the whole test that this instance runs.
// The zero value is the full test, 0:1.
type Segment struct {
	from, to *big.Rat // nil means 0 and 1 respectively
}

// NewSegment returns the segment from:to, validated.
func NewSegment(from, to *big.Rat) (Segment, error) {
	zero, one := big.NewRat(0, 1), big.NewRat(1, 1)
	switch {
	case from.Cmp(zero) < 0:
		return Segment{}, fmt.Errorf("segment start value should be at least 0 but was %s", from.RatString())
	case to.Cmp(one) > 0:
		return Segment{}, fmt.Errorf("segment end value shouldn't be more than 1 but was %s", to.RatString())
	case from.Cmp(to) >= 0:
		return Segment{}, fmt.Errorf("segment start(%s) should be less than its end(%s)", from.RatString(), to.RatString())
	}
	return Segment{from: new(big.Rat).Set(from), to: new(big.Rat).Set(to)}, nil
}

// ParseSegment parses "a:b" where each bound is a fraction ("1/3"), a
// decimal ("0.2") or a percentage ("50%"); a single value x means 0:x and
// the empty string means the full test.
func ParseSegment(s string) (Segment, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return Segment{}, nil
	}
	fromStr, toStr, ok := strings.Cut(s, ":")
	if !ok {
		fromStr, toStr = "0", s
	}
	from, err := parseRat(fromStr)
	if err != nil {
		return Segment{}, fmt.Errorf("invalid execution segment %q: %w", s, err)
	}
	to, err := parseRat(toStr)
	if err != nil {
		return Segment{}, fmt.Errorf("invalid execution segment %q: %w", s, err)
	}
	seg, err := NewSegment(from, to)
	if err != nil {
		return Segment{}, fmt.Errorf("invalid execution segment %q: %w", s, err)
	}
	return seg, nil
}

// parseRat accepts what users write for segment bounds. big.Rat alone would
// also take exponents such as "1e400", whose denominators can be huge, so
// the syntax is checked first.
func parseRat(s string) (*big.Rat, error) {
	s = strings.TrimSpace(s)
	percent := strings.HasSuffix(s, "%")
	num := strings.TrimSuffix(s, "%")
	if num == "" || len(num) > 64 || strings.TrimLeft(num, "0123456789./-+") != "" || strings.Count(num, "/") > 1 {
		return nil, fmt.Errorf("%q is not a fraction, decimal or percentage", s)
	}
	r, ok := new(big.Rat).SetString(num)
	if !ok {
		return nil, fmt.Errorf("%q is not a fraction, decimal or percentage", s)
	}
	if percent {
		r.Quo(r, big.NewRat(100, 1))
	}
	return r, nil
}

// From returns the start of the segment.
func (s Segment) From() *big.Rat {
	if s.from == nil {
		return big.NewRat(0, 1)
	}
	return new(big.Rat).Set(s.from)
}

// To returns the end of the segment.
func (s Segment) To() *big.Rat {
	if s.to == nil {
		return big.NewRat(1, 1)
	}
	return new(big.Rat).Set(s.to)
}

// Length returns To - From.
func (s Segment) Length() *big.Rat {
	return new(big.Rat).Sub(s.To(), s.From())
}

// Percent returns the length as a percentage, for the "(100.00%)" of the
// execution header.
func (s Segment) Percent() float64 {
	f, _ := new(big.Rat).Mul(s.Length(), big.NewRat(100, 1)).Float64()
	return f
}

// IsFull reports whether the segment is the whole test.
func (s Segment) IsFull() bool {
	return s.From().Sign() == 0 && s.To().Cmp(big.NewRat(1, 1)) == 0
}

// Equal reports whether both segments have the same bounds.
func (s Segment) Equal(o Segment) bool {
	return s.From().Cmp(o.From()) == 0 && s.To().Cmp(o.To()) == 0
}

// String renders the segment as "from:to" with reduced fractions.
func (s Segment) String() string {
	return s.From().RatString() + ":" + s.To().RatString()
}

// MarshalText implements encoding.TextMarshaler.
func (s Segment) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Segment) UnmarshalText(b []byte) error {
	seg, err := ParseSegment(string(b))
	if err != nil {
		return err
	}
	*s = seg
	return nil
}

// SegmentSequence is the ordered list of boundaries that partitions a test
// among instances, e.g. 0,1/4,1/2,1.
type SegmentSequence []*big.Rat

// ParseSegmentSequence parses comma-separated boundaries. The empty string
// gives an empty sequence (none specified).
func ParseSegmentSequence(s string) (SegmentSequence, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, nil
	}
	parts := strings.Split(s, ",")
	if len(parts) < 2 {
		return nil, fmt.Errorf("invalid execution segment sequence %q: at least two values are needed", s)
	}
	seq := make(SegmentSequence, 0, len(parts))
	for i, p := range parts {
		r, err := parseRat(p)
		if err != nil {
			return nil, fmt.Errorf("invalid execution segment sequence %q: %w", s, err)
		}
		if r.Sign() < 0 || r.Cmp(big.NewRat(1, 1)) > 0 {
			return nil, fmt.Errorf("invalid execution segment sequence %q: value %s is outside [0, 1]", s, r.RatString())
		}
		if i > 0 && r.Cmp(seq[i-1]) <= 0 {
			return nil, fmt.Errorf("invalid execution segment sequence %q: values must be in increasing order, but %s follows %s",
				s, r.RatString(), seq[i-1].RatString())
		}
		seq = append(seq, r)
	}
	return seq, nil
}

// Segments returns the consecutive segments of the sequence.
func (q SegmentSequence) Segments() []Segment {
	if len(q) < 2 {
		return nil
	}
	segs := make([]Segment, 0, len(q)-1)
	for i := 1; i < len(q); i++ {
		segs = append(segs, Segment{from: new(big.Rat).Set(q[i-1]), to: new(big.Rat).Set(q[i])})
	}
	return segs
}

// Contains reports whether seg is one of the sequence's segments.
func (q SegmentSequence) Contains(seg Segment) bool {
	for _, s := range q.Segments() {
		if s.Equal(seg) {
			return true
		}
	}
	return false
}

// Check returns k6's error when seg is not part of the sequence. An empty
// sequence accepts every segment.
func (q SegmentSequence) Check(seg Segment) error {
	if len(q) == 0 || q.Contains(seg) {
		return nil
	}
	return fmt.Errorf("provided segment %s can't be found in sequence %s", seg, q)
}

// String renders the boundaries comma-separated.
func (q SegmentSequence) String() string {
	parts := make([]string, len(q))
	for i, r := range q {
		parts[i] = r.RatString()
	}
	return strings.Join(parts, ",")
}
