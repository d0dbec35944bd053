package scenario

import (
	"fmt"
	"math/big"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"
)

func mustTuple(t testing.TB, seg, seq string) *ExecutionTuple {
	t.Helper()
	s, err := ParseSegment(seg)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParseSegmentSequence(seq)
	if err != nil {
		t.Fatal(err)
	}
	et, err := NewExecutionTuple(s, q)
	if err != nil {
		t.Fatalf("NewExecutionTuple(%s, %s): %v", seg, seq, err)
	}
	return et
}

// tuples returns one tuple per segment of seq.
func tuples(t testing.TB, seq string) []*ExecutionTuple {
	t.Helper()
	q, err := ParseSegmentSequence(seq)
	if err != nil {
		t.Fatal(err)
	}
	var out []*ExecutionTuple
	for _, s := range q.Segments() {
		et, err := NewExecutionTuple(s, q)
		if err != nil {
			t.Fatalf("NewExecutionTuple(%s, %s): %v", s, seq, err)
		}
		out = append(out, et)
	}
	return out
}

// pattern renders which segment owns units 0..n-1, as segment indices.
func pattern(ets []*ExecutionTuple, n int64) string {
	var b strings.Builder
	for i := range n {
		for j, et := range ets {
			if et.Owns(i) {
				fmt.Fprint(&b, j)
			}
		}
	}
	return b.String()
}

func TestStripingPatterns(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seq     string
		period  int64
		pattern string // two periods
	}{
		{"0,1", 1, "00"},
		{"0,1/2,1", 2, "0101"},
		{"0,1/3,2/3,1", 3, "012012"},
		// The largest segment gets the first unit; ties in sequence order.
		{"0,1/4,1/2,1", 4, "20122012"},
		{"0,0.3,1", 10, "11011011011101101101"},
		{"0,1/7,2/7,3/7,4/7,5/7,6/7,1", 7, "01234560123456"},
		{"0,1/2,3/4,1", 4, "01020102"},
		// 20 equal segments: the heap path, same tie rule.
		{"0,1/20,2/20,3/20,4/20,5/20,6/20,7/20,8/20,9/20,10/20,11/20,12/20,13/20,14/20,15/20,16/20,17/20,18/20,19/20,1", 20,
			"012345678910111213141516171819012345678910111213141516171819"},
	}
	for _, tt := range tests {
		t.Run(tt.seq, func(t *testing.T) {
			t.Parallel()
			ets := tuples(t, tt.seq)
			if p := ets[0].Period(); p != tt.period {
				t.Errorf("period = %d, want %d", p, tt.period)
			}
			if got := pattern(ets, 2*tt.period); got != tt.pattern {
				t.Errorf("pattern = %s, want %s", got, tt.pattern)
			}
		})
	}
}

func TestScaleInt64(t *testing.T) {
	t.Parallel()
	tests := []struct {
		seg, seq string
		want     []int64 // shares of 0, 1, 2, …
	}{
		{"", "", []int64{0, 1, 2, 3, 4, 5}},
		{"0:1", "0,1", []int64{0, 1, 2, 3}},
		// §13: 0:1/2 runs half, the other half gets the odd one out.
		{"0:1/2", "", []int64{0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5}},
		{"1/2:1", "", []int64{0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5}},
		{"0:1/3", "0,1/3,2/3,1", []int64{0, 1, 1, 1, 2, 2, 2, 3}},
		{"1/3:2/3", "0,1/3,2/3,1", []int64{0, 0, 1, 1, 1, 2, 2, 2}},
		{"2/3:1", "0,1/3,2/3,1", []int64{0, 0, 0, 1, 1, 1, 2, 2}},
		// Default sequence of 1/3:2/3 is 0,1/3,2/3,1: the same shares.
		{"1/3:2/3", "", []int64{0, 0, 1, 1, 1, 2, 2, 2}},
		{"1/2:1", "0,1/4,1/2,1", []int64{0, 1, 1, 1, 2, 3, 3, 3, 4}},
		{"0:0.3", "", []int64{0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.seg+" in "+tt.seq, func(t *testing.T) {
			t.Parallel()
			et := mustTuple(t, tt.seg, tt.seq)
			var got []int64
			for n := range int64(len(tt.want)) {
				got = append(got, et.ScaleInt64(n))
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("shares = %v, want %v", got, tt.want)
			}
			if et.ScaleInt64(-5) != 0 {
				t.Error("a negative count must scale to 0")
			}
		})
	}
}

func TestExecutionTupleBasics(t *testing.T) {
	t.Parallel()
	var none *ExecutionTuple
	if !none.IsFull() || none.ScaleInt64(7) != 7 || !none.Owns(3) || none.Owns(-1) || none.Period() != 1 ||
		none.String() != "0:1 in 0,1" || none.Fraction() != 1 {
		t.Errorf("nil tuple is not the full test: %s", none)
	}
	full := mustTuple(t, "", "")
	if !full.IsFull() || !full.Equal(none) || !none.Equal(full) {
		t.Error("0:1 must equal the nil tuple")
	}
	et := mustTuple(t, "1/4:1/2", "0,1/4,1/2,1")
	if et.IsFull() || et.Equal(none) || et.String() != "1/4:1/2 in 0,1/4,1/2,1" || et.Fraction() != 0.25 {
		t.Errorf("tuple %s", et)
	}
	if !et.Equal(mustTuple(t, "25%:50%", "0,0.25,0.5,1")) || et.Equal(mustTuple(t, "1/4:1/2", "0,1/4,1/2,3/4,1")) {
		t.Error("Equal compares segment and sequence")
	}
	// The accessors return copies.
	et.Sequence()[1].SetInt64(1)
	et.Segment().From().SetInt64(1)
	if et.String() != "1/4:1/2 in 0,1/4,1/2,1" {
		t.Errorf("tuple changed through an accessor: %s", et)
	}
}

func TestExecutionTupleErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ seg, seq, want string }{
		{"0:1/2", "0,1/4,1/2,1", "provided segment 0:1/2 can't be found in sequence 0,1/4,1/2,1"},
		{"1/4:1/2", "1/4,1/2", "must start at 0 and end at 1"},
		{"0:1/10000001", "", "too fine-grained"},
		{"0:1/3", "0,1/3,1/9999991,1", ""}, // invalid order is caught by the parser
	}
	for _, tt := range tests {
		s, err := ParseSegment(tt.seg)
		if err != nil {
			t.Fatal(err)
		}
		q, err := ParseSegmentSequence(tt.seq)
		if err != nil {
			continue
		}
		_, err = NewExecutionTuple(s, q)
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("NewExecutionTuple(%s, %s) error = %v, want %q", tt.seg, tt.seq, err, tt.want)
		}
	}
	// Just below the limit still works.
	et := mustTuple(t, "0:0.1234567", "")
	if et.Period() != 10_000_000 {
		t.Errorf("period %d", et.Period())
	}
}

// checkStriping checks the three properties of a sequence's striping for
// the counts ns: (a) the shares of all segments add up to n; (b) each
// share differs from n × length by less than 1; (c) a segment's share of n
// is the number of units among 0..n-1 it owns, and every unit has exactly
// one owner.
func checkStriping(t *testing.T, seq string, ets []*ExecutionTuple, ns []int64) {
	t.Helper()
	for _, n := range ns {
		var sum int64
		for _, et := range ets {
			share := et.ScaleInt64(n)
			sum += share
			// |share − n·len| < 1, exactly.
			dev := new(big.Rat).Sub(new(big.Rat).SetInt64(share), new(big.Rat).Mul(new(big.Rat).SetInt64(n), et.Segment().Length()))
			if dev.Abs(dev).Cmp(big.NewRat(1, 1)) >= 0 {
				t.Fatalf("%s: segment %s gets %d of %d units, %s away from its length", seq, et.Segment(), share, n, dev.RatString())
			}
		}
		if sum != n {
			t.Fatalf("%s: shares of %d add up to %d", seq, n, sum)
		}
	}
	// (c) by counting, over more than one period.
	counts := make([]int64, len(ets))
	limit := min(3*ets[0].Period()+5, 20_000)
	for i := range limit {
		owners := 0
		for j, et := range ets {
			if et.ScaleInt64(i) != counts[j] {
				t.Fatalf("%s: segment %s: ScaleInt64(%d) = %d, but it owns %d of those units", seq, et.Segment(), i, et.ScaleInt64(i), counts[j])
			}
			if et.Owns(i) {
				owners++
				counts[j]++
			}
		}
		if owners != 1 {
			t.Fatalf("%s: unit %d has %d owners", seq, i, owners)
		}
	}
}

func TestStripingProperties(t *testing.T) {
	t.Parallel()
	seqs := []string{
		"0,1", "0,1/2,1", "0,1/3,2/3,1", "0,1/4,1/2,1", "0,0.3,1", "0,1/7,2/7,3/7,4/7,5/7,6/7,1",
		"0,1/10,1/3,1", "0,0.01,0.5,0.99,1", "0,1/97,1", "0,2/5,3/5,1", "0,1/6,1/2,5/6,1",
	}
	// Long sequences (more than 16 segments build the pattern with heaps).
	for _, den := range []int{20, 40} {
		cuts := []string{"0"}
		for k := 1; k < den; k++ {
			cuts = append(cuts, fmt.Sprintf("%d/%d", k, den))
		}
		seqs = append(seqs, strings.Join(append(cuts, "1"), ","))
	}
	seqs = append(seqs, "0,1/60,1/30,1/20,1/15,1/12,1/10,7/60,2/15,3/20,1/6,11/60,1/5,13/60,7/30,1/4,4/15,17/60,3/10,1/2,1")
	rng := rand.New(rand.NewPCG(7, 8))
	for range 60 {
		// Random sequences with denominators up to 60.
		den := int64(2 + rng.IntN(59))
		var cuts []string
		cuts = append(cuts, "0")
		for k := int64(1); k < den; k++ {
			if rng.IntN(4) == 0 {
				cuts = append(cuts, fmt.Sprintf("%d/%d", k, den))
			}
		}
		seqs = append(seqs, strings.Join(append(cuts, "1"), ","))
	}
	for _, seq := range seqs {
		ets := tuples(t, seq)
		var ns []int64
		for n := range int64(200) {
			ns = append(ns, n)
		}
		for range 50 {
			ns = append(ns, rng.Int64N(1<<40))
		}
		ns = append(ns, 1<<62, 1<<62+12345)
		checkStriping(t, seq, ets, ns)
	}
}

func FuzzStriping(f *testing.F) {
	for _, s := range []string{"0,1/3,2/3,1", "0,0.3,1", "0,1/7,2/7,3/7,4/7,5/7,6/7,1", "0,1/4,1/2,1"} {
		f.Add(s, int64(1000))
	}
	f.Fuzz(func(t *testing.T, seq string, n int64) {
		q, err := ParseSegmentSequence(seq)
		if err != nil || len(q) < 2 || q[0].Sign() != 0 || q[len(q)-1].Cmp(big.NewRat(1, 1)) != 0 {
			return
		}
		if p, err := stripePeriod(q); err != nil || p > 5000 {
			return // keep each input fast
		}
		ets := tuples(t, seq)
		checkStriping(t, seq, ets, []int64{max(n, 0), max(n, 0) / 3})
	})
}

func TestSegmentedDescriptions(t *testing.T) {
	t.Parallel()
	third := mustTuple(t, "1/3:2/3", "0,1/3,2/3,1")
	tests := []struct {
		name, raw, want string
		vus             int64
	}{
		{"shared", `{"executor":"shared-iterations","vus":10,"iterations":200}`,
			"67 iterations shared among 3 VUs (maxDuration: 10m0s, gracefulStop: 30s)", 3},
		{"per-vu", `{"executor":"per-vu-iterations","vus":10,"iterations":5}`,
			"5 iterations for each of 3 VUs (maxDuration: 10m0s, gracefulStop: 30s)", 3},
		{"constant-vus", `{"executor":"constant-vus","vus":10,"duration":"30s"}`,
			"3 looping VUs for 30s (gracefulStop: 30s)", 3},
		{"ramping-vus", `{"executor":"ramping-vus","stages":[{"duration":"30s","target":20},{"duration":"10s","target":0}]}`,
			"Up to 7 looping VUs for 40s over 2 stages (gracefulRampDown: 30s, gracefulStop: 30s)", 7},
		{"constant-arrival-rate", `{"executor":"constant-arrival-rate","rate":60,"duration":"1m","preAllocatedVUs":10,"maxVUs":100}`,
			"20.00 iterations/s for 1m0s (maxVUs: 3-33, gracefulStop: 30s)", 33},
		{"ramping-arrival-rate", `{"executor":"ramping-arrival-rate","stages":[{"duration":"1m","target":90}],"preAllocatedVUs":4}`,
			"Up to 30.00 iterations/s for 1m0s over 1 stages (maxVUs: 1, gracefulStop: 30s)", 1},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			c := mustParse(t, "s", tt.raw)
			before := c.Description()
			sc, err := Segmented(c, third)
			if err != nil {
				t.Fatal(err)
			}
			if got := sc.Description(); got != tt.want {
				t.Errorf("Description()\n got: %s\nwant: %s", got, tt.want)
			}
			if got := sc.PeakVUs(); got != tt.vus {
				t.Errorf("PeakVUs() = %d, want %d", got, tt.vus)
			}
			if sc.Base().ExecutionTuple() != third || c.Base().ExecutionTuple() != nil || c.Description() != before {
				t.Error("Segmented must return a copy and leave the original alone")
			}
			if again, err := Segmented(sc, mustTuple(t, "1/3:2/3", "")); err != nil || again != sc {
				t.Errorf("segmenting again with an equal tuple: %v, %v", again, err)
			}
			if _, err := Segmented(sc, mustTuple(t, "0:1/3", "")); err == nil {
				t.Error("segmenting again with another tuple must fail")
			}
			if errs := sc.Validate(); len(errs) != 0 {
				t.Errorf("validation of the segmented copy: %v", errs)
			}
		})
	}
}

func TestSegmentedSpecialCases(t *testing.T) {
	t.Parallel()
	ext := mustParse(t, "ext", `{"executor":"externally-controlled","vus":1,"duration":"1m"}`)
	_, err := Segmented(ext, mustTuple(t, "0:1/2", ""))
	if err == nil || err.Error() != "scenarios.ext: the externally-controlled executor can't be used with an execution segment other than 0:1" {
		t.Errorf("externally-controlled with a segment: %v", err)
	}
	for _, et := range []*ExecutionTuple{nil, mustTuple(t, "0:1", "")} {
		if got, err := Segmented(ext, et); err != nil || got != ext {
			t.Errorf("full segment must return the config itself: %v, %v", got, err)
		}
	}
	if _, err := Segmented(nil, nil); err == nil {
		t.Error("nil config accepted")
	}
	// A share of 0 VUs: the instance has nothing to run.
	small := mustParse(t, "s", `{"executor":"shared-iterations","vus":1,"iterations":10}`)
	sc, err := Segmented(small, mustTuple(t, "0:1/3", "0,1/3,2/3,1"))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sc.Description(), "4 iterations shared among 1 VUs (maxDuration: 10m0s, gracefulStop: 30s)"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
	sc, _ = Segmented(small, mustTuple(t, "1/3:2/3", "0,1/3,2/3,1"))
	if got, want := sc.Description(), "3 iterations shared among 0 VUs (maxDuration: 10m0s, gracefulStop: 30s)"; got != want {
		t.Errorf("got %q want %q", got, want)
	}
}

// Over all segments of a sequence, the planned VUs add up to the whole
// test's, for every executor that can be distributed.
func TestSegmentedPeakVUsAddUp(t *testing.T) {
	t.Parallel()
	raws := []string{
		`{"executor":"shared-iterations","vus":10,"iterations":200}`,
		`{"executor":"per-vu-iterations","vus":7,"iterations":5}`,
		`{"executor":"constant-vus","vus":11,"duration":"30s"}`,
		`{"executor":"ramping-vus","startVUs":3,"stages":[{"duration":"30s","target":20},{"duration":"10s","target":0}]}`,
		`{"executor":"constant-arrival-rate","rate":60,"duration":"1m","preAllocatedVUs":10,"maxVUs":100}`,
		`{"executor":"ramping-arrival-rate","stages":[{"duration":"1m","target":90}],"preAllocatedVUs":4,"maxVUs":9}`,
	}
	for _, seq := range []string{"0,1/3,2/3,1", "0,1/4,1/2,1", "0,0.3,1", "0,1/7,2/7,3/7,4/7,5/7,6/7,1"} {
		ets := tuples(t, seq)
		for _, raw := range raws {
			c := mustParse(t, "s", raw)
			var sum int64
			for _, et := range ets {
				sc, err := Segmented(c, et)
				if err != nil {
					t.Fatal(err)
				}
				sum += sc.PeakVUs()
			}
			if sum != c.PeakVUs() {
				t.Errorf("%s: %s: peak VUs add up to %d, want %d", seq, raw, sum, c.PeakVUs())
			}
		}
	}
}

// The ramping-vus counts of all segments add up to the whole test's at
// every instant, Steps agrees with VUsAt, and PlannedDuration follows the
// segment's own curve.
func TestSegmentedRampingVUs(t *testing.T) {
	t.Parallel()
	rng := rand.New(rand.NewPCG(5, 6))
	for iter := range 150 {
		r := &RampingVUs{Common: Common{Name: "r"}, StartVUs: rng.Int64N(6)}
		for range 1 + rng.IntN(4) {
			d := time.Duration(rng.Int64N(4)) * time.Duration(1+rng.Int64N(1500)) * time.Millisecond
			r.Stages = append(r.Stages, Stage{Duration: Duration(d), Target: rng.Int64N(12)})
		}
		r.GracefulStop = Duration(time.Duration(rng.Int64N(3)) * time.Second)
		r.GracefulRampDown = Duration(time.Duration(rng.Int64N(3)) * 700 * time.Millisecond)
		seq := []string{"0,1/3,2/3,1", "0,1/4,1/2,1", "0,0.3,1", "0,1/7,2/7,3/7,4/7,5/7,6/7,1"}[iter%4]
		var segs []*RampingVUs
		var planned time.Duration
		for _, et := range tuples(t, seq) {
			sc, err := Segmented(r, et)
			if err != nil {
				t.Fatal(err)
			}
			s := sc.(*RampingVUs)
			segs = append(segs, s)
			steps := s.Steps()
			if got, want := s.PlannedDuration(), plannedFromSteps(s, steps); got != want {
				t.Fatalf("case %d %s: PlannedDuration() = %v, from steps %v", iter, et, got, want)
			}
			planned = max(planned, s.PlannedDuration())
			for at := -time.Millisecond; at < 7*time.Second; at += 29 * time.Millisecond {
				if got, want := s.VUsAt(at), stepsAt(s.VUsAt(-1), steps, at); got != want {
					t.Fatalf("case %d %s: VUsAt(%v) = %d, steps say %d", iter, et, at, got, want)
				}
			}
		}
		if planned != r.PlannedDuration() {
			t.Errorf("case %d: the longest segment plans %v, the whole test %v", iter, planned, r.PlannedDuration())
		}
		for at := -time.Millisecond; at < 7*time.Second; at += 13 * time.Millisecond {
			var sum int64
			for _, s := range segs {
				sum += s.VUsAt(at)
			}
			if want := r.VUsAt(at); sum != want {
				t.Fatalf("case %d %s: VUs at %v add up to %d, want %d", iter, seq, at, sum, want)
			}
		}
	}
}
