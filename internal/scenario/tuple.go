package scenario

import (
	"container/heap"
	"fmt"
	"math/big"
	"math/bits"
	"strings"
)

// MaxStripePeriod bounds the striping period of an execution segment
// sequence: the least common denominator of its boundaries. Building the
// pattern costs time and memory in proportion to it; sequences written with
// up to seven decimal digits, or any reasonable fractions, stay below it.
const MaxStripePeriod = 10_000_000

// ExecutionTuple is the execution segment this instance runs together with
// the segment sequence that partitions the whole test among all instances
// (k6-spec §3.5). It scales every count of the test (VUs, iterations) to
// this instance's share, and tells which of the test's numbered units
// (iteration indices of the arrival-rate executors) belong to it, so that
// instances given the complementary segments of one sequence run exactly
// the unsegmented test together.
//
// A nil *ExecutionTuple is the whole test, 0:1; every method accepts it.
// An ExecutionTuple is immutable and safe for concurrent use.
//
// # Striping
//
// Units are numbered 0, 1, 2, …. Let L be the least common denominator of
// the sequence's boundaries, so that segment j of the sequence has length
// n_j/L. Unit i belongs to the segment found at position i mod L of a
// pattern of length L that holds segment j exactly n_j times. Because
// every instance of a sequence builds the same pattern, each unit has
// exactly one owner, and a segment's share of N units (ScaleInt64) is the
// number of its positions among units 0..N-1. The shares of all segments
// therefore add up to N for every N, and a segment's units for N are also
// its units for every larger N (counts only grow).
//
// The pattern is fair in every prefix: among the first p positions,
// segment j occurs c_j(p) times with |c_j(p) − p·n_j/L| < 1, and since the
// pattern repeats, the same bound holds for every N. It is built as an
// earliest-deadline-first schedule of unit jobs. The k-th occurrence of
// segment j (k = 1..n_j) is a job that may not be placed before index
// ⌊(k−1)·L/n_j⌋ (placed earlier, c_j would reach p·n_j/L + 1) and must be
// placed by index ⌈k·L/n_j⌉ − 1 (placed later, c_j would fall to
// p·n_j/L − 1). Walking the indices 0..L−1, each index takes, among the
// jobs already released, the one with the earliest deadline; ties go to
// the segment that comes first in the sequence. The largest segments have
// the earliest first deadlines, so they get the first units (one VU goes
// to the largest segment).
//
// EDF meets every deadline because a valid placement exists: the jobs of
// segment j whose windows lie within indices [a, b] number
// ⌊(b+1)·n_j/L⌋ − ⌈a·n_j/L⌉ ≤ (b−a+1)·n_j/L, so all segments together
// have at most b−a+1 jobs there, which is Hall's condition for unit jobs
// with interval windows; for those, EDF finds a placement whenever one
// exists. (NewExecutionTuple still checks every deadline, and the property
// tests check the bounds on many random sequences with exact arithmetic.)
//
// The pattern is stampede's own: shares and units match the unsegmented
// test across stampede instances, but a test split between stampede and k6
// instances is not guaranteed to add up.
type ExecutionTuple struct {
	segment  Segment
	sequence SegmentSequence // never empty
	index    int             // of segment in sequence.Segments()

	period int64    // L
	share  int64    // positions of the pattern owned: n_index
	owned  []uint64 // bit p set when pattern position p is owned
	rank   []int64  // owned positions before each word of owned
}

// NewExecutionTuple returns the tuple for segment seg of sequence seq. An
// empty seq means the sequence made of 0, seg's bounds and 1, which is
// what k6 assumes when none is given. seg must be one of seq's segments.
func NewExecutionTuple(seg Segment, seq SegmentSequence) (*ExecutionTuple, error) {
	if len(seq) == 0 {
		seq = defaultSequence(seg)
	} else {
		if err := seq.Check(seg); err != nil {
			return nil, err
		}
		if seq[0].Sign() != 0 || seq[len(seq)-1].Cmp(big.NewRat(1, 1)) != 0 {
			// Units must all have an owner.
			return nil, fmt.Errorf("execution segment sequence %s must start at 0 and end at 1", seq)
		}
	}
	segs := seq.Segments()
	index := -1
	for i, s := range segs {
		if s.Equal(seg) {
			index = i
		}
	}
	if index < 0 {
		return nil, fmt.Errorf("provided segment %s can't be found in sequence %s", seg, seq)
	}

	period, err := stripePeriod(seq)
	if err != nil {
		return nil, err
	}
	shares := make([]int64, len(segs))
	for i, s := range segs {
		n := new(big.Rat).Mul(s.Length(), new(big.Rat).SetInt64(period))
		shares[i] = n.Num().Int64() // an integer: period is a multiple of every denominator
	}
	owned, err := stripe(period, shares, index)
	if err != nil {
		return nil, fmt.Errorf("execution segment sequence %s: %w", seq, err)
	}
	et := &ExecutionTuple{
		segment:  Segment{from: seg.From(), to: seg.To()},
		sequence: seq.clone(),
		index:    index,
		period:   period,
		share:    shares[index],
		owned:    owned,
		rank:     make([]int64, len(owned)),
	}
	var n int64
	for w, word := range owned {
		et.rank[w] = n
		n += int64(bits.OnesCount64(word))
	}
	return et, nil
}

func defaultSequence(seg Segment) SegmentSequence {
	seq := SegmentSequence{big.NewRat(0, 1)}
	for _, r := range []*big.Rat{seg.From(), seg.To(), big.NewRat(1, 1)} {
		if r.Cmp(seq[len(seq)-1]) > 0 {
			seq = append(seq, r)
		}
	}
	return seq
}

func (q SegmentSequence) clone() SegmentSequence {
	out := make(SegmentSequence, len(q))
	for i, r := range q {
		out[i] = new(big.Rat).Set(r)
	}
	return out
}

// stripePeriod is the least common denominator of the boundaries.
func stripePeriod(seq SegmentSequence) (int64, error) {
	l := big.NewInt(1)
	var g big.Int
	for _, r := range seq {
		d := r.Denom()
		g.GCD(nil, nil, l, d)
		l.Mul(l, new(big.Int).Quo(d, &g))
		if l.Cmp(big.NewInt(MaxStripePeriod)) > 0 {
			return 0, fmt.Errorf("execution segment sequence %s is too fine-grained: "+
				"its boundaries need a common denominator above %d; use simpler fractions", seq, MaxStripePeriod)
		}
	}
	return l.Int64(), nil
}

// stripe builds the pattern of period positions in which segment j of the
// sequence owns shares[j] positions (see ExecutionTuple) and returns the
// positions of segment mine as a bit set.
func stripe(period int64, shares []int64, mine int) ([]uint64, error) {
	owned := make([]uint64, (period+63)/64)
	// Job k (1-based) of segment j: released at ⌊(k−1)·L/n⌋, due at
	// ⌈k·L/n⌉ − 1. Products stay below L² ≤ 10^14.
	release := func(j int, k int64) int64 { return (k - 1) * period / shares[j] }
	deadline := func(j int, k int64) int64 { return (k*period+shares[j]-1)/shares[j] - 1 }

	// The next job of each segment, by k (1-based), release and deadline.
	k := make([]int64, len(shares))
	rel := make([]int64, len(shares))
	due := make([]int64, len(shares))
	for j := range shares {
		k[j], rel[j], due[j] = 1, release(j, 1), deadline(j, 1)
	}
	// pick returns the segment whose job goes to index i. A linear scan
	// is fastest for the few segments of usual sequences; long sequences
	// use heaps of pending and released jobs.
	pick := func(i int64) int {
		best := -1
		for j := range shares {
			if k[j] <= shares[j] && rel[j] <= i && (best < 0 || due[j] < due[best]) {
				best = j
			}
		}
		return best
	}
	var pending, ready *jobHeap
	advance := func(j int) {
		k[j]++
		rel[j], due[j] = release(j, k[j]), deadline(j, k[j])
	}
	if len(shares) > 16 {
		pending, ready = &jobHeap{byRelease: true}, &jobHeap{}
		for j := range shares {
			pending.items = append(pending.items, job{rel[j], due[j], j})
		}
		heap.Init(pending)
		pick = func(i int64) int {
			for pending.Len() > 0 && pending.items[0].release <= i {
				heap.Push(ready, heap.Pop(pending))
			}
			if ready.Len() == 0 {
				return -1
			}
			return heap.Pop(ready).(job).segment
		}
		advance = func(j int) {
			if k[j]++; k[j] <= shares[j] {
				rel[j], due[j] = release(j, k[j]), deadline(j, k[j])
				heap.Push(pending, job{rel[j], due[j], j})
			}
		}
	}
	for i := range period {
		j := pick(i)
		if j < 0 {
			return nil, fmt.Errorf("internal error: striping found no segment for unit %d of %d", i, period)
		}
		if due[j] < i {
			return nil, fmt.Errorf("internal error: striping missed a deadline at unit %d of %d", i, period)
		}
		if j == mine {
			owned[i/64] |= 1 << (i % 64)
		}
		advance(j)
	}
	return owned, nil
}

type job struct {
	release, deadline int64
	segment           int
}

// jobHeap orders jobs by deadline (or by release), then by segment.
type jobHeap struct {
	items     []job
	byRelease bool
}

func (h *jobHeap) Len() int { return len(h.items) }
func (h *jobHeap) Less(a, b int) bool {
	x, y := h.items[a], h.items[b]
	kx, ky := x.deadline, y.deadline
	if h.byRelease {
		kx, ky = x.release, y.release
	}
	if kx != ky {
		return kx < ky
	}
	return x.segment < y.segment
}
func (h *jobHeap) Swap(a, b int) { h.items[a], h.items[b] = h.items[b], h.items[a] }
func (h *jobHeap) Push(x any)    { h.items = append(h.items, x.(job)) }
func (h *jobHeap) Pop() any {
	n := len(h.items) - 1
	x := h.items[n]
	h.items = h.items[:n]
	return x
}

// Segment returns the segment this instance runs.
func (et *ExecutionTuple) Segment() Segment {
	if et == nil {
		return Segment{}
	}
	return et.segment
}

// Sequence returns the sequence the segment belongs to: the given one, or
// 0, the segment's bounds and 1.
func (et *ExecutionTuple) Sequence() SegmentSequence {
	if et == nil {
		return SegmentSequence{big.NewRat(0, 1), big.NewRat(1, 1)}
	}
	return et.sequence.clone()
}

// IsFull reports whether the tuple is the whole test.
func (et *ExecutionTuple) IsFull() bool { return et == nil || et.segment.IsFull() }

// Equal reports whether both tuples have the same segment and sequence.
func (et *ExecutionTuple) Equal(o *ExecutionTuple) bool {
	if et.IsFull() || o.IsFull() {
		return et.IsFull() == o.IsFull()
	}
	if !et.segment.Equal(o.segment) || len(et.sequence) != len(o.sequence) {
		return false
	}
	for i := range et.sequence {
		if et.sequence[i].Cmp(o.sequence[i]) != 0 {
			return false
		}
	}
	return true
}

// Period is the length of the striping pattern: the count of units after
// which the assignment of units to segments repeats.
func (et *ExecutionTuple) Period() int64 {
	if et == nil {
		return 1
	}
	return et.period
}

// String renders "segment in sequence", e.g. "1/3:2/3 in 0,1/3,2/3,1".
func (et *ExecutionTuple) String() string {
	var b strings.Builder
	b.WriteString(et.Segment().String())
	b.WriteString(" in ")
	b.WriteString(et.Sequence().String())
	return b.String()
}

// ScaleInt64 returns this instance's share of n units: how many of units
// 0..n-1 it owns. Over all segments of the sequence the shares add up to
// n exactly, each differs from n × segment length by less than 1, and a
// share never decreases as n grows. Negative counts scale to 0.
func (et *ExecutionTuple) ScaleInt64(n int64) int64 {
	if n <= 0 {
		return 0
	}
	if et.IsFull() {
		return n
	}
	return n/et.period*et.share + et.ownedBefore(n%et.period)
}

// ownedBefore counts the owned positions of the pattern before p.
func (et *ExecutionTuple) ownedBefore(p int64) int64 {
	w, b := p/64, p%64
	return et.rank[w] + int64(bits.OnesCount64(et.owned[w]&(1<<b-1)))
}

// Owns reports whether unit i (0-based) belongs to this instance. The
// arrival-rate executors start global iteration i only where Owns(i).
func (et *ExecutionTuple) Owns(i int64) bool {
	if i < 0 {
		return false
	}
	if et.IsFull() {
		return true
	}
	p := i % et.period
	return et.owned[p/64]&(1<<(p%64)) != 0
}

// Fraction returns the segment's length as a float64, e.g. for scaling a
// rate shown in a description.
func (et *ExecutionTuple) Fraction() float64 {
	f, _ := et.Segment().Length().Float64()
	return f
}
