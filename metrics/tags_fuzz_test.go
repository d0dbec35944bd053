package metrics_test

import (
	"maps"
	"slices"
	"sort"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

// FuzzTagSetOps runs a program of With/Without/WithMany/Builder steps,
// decoded from the fuzz input, against both a TagSet and a plain map, and
// checks after every step that the two agree, that the set stays sorted,
// and that no earlier set changed.
func FuzzTagSetOps(f *testing.F) {
	f.Add([]byte{0, 1, 2, 0, 3, 4, 1, 1, 2, 5, 6})
	f.Add([]byte{1, 0, 0, 0, 0, 0, 3, 7, 7, 7, 2, 1, 2, 3})
	f.Add([]byte("with without withmany builder"))
	f.Add([]byte{})
	keys := []string{"a", "b", "c", "status", "url", "", "group", "name"}
	vals := []string{"", "1", "200", "::g", "x y", "GET"}
	f.Fuzz(func(t *testing.T, prog []byte) {
		var set *metrics.TagSet
		model := map[string]string{}
		var history []*metrics.TagSet
		var historyWant [][]metrics.Tag
		next := func() byte {
			if len(prog) == 0 {
				return 0
			}
			b := prog[0]
			prog = prog[1:]
			return b
		}
		for steps := 0; len(prog) > 0 && steps < 64; steps++ {
			op := next() % 4
			k := keys[int(next())%len(keys)]
			v := vals[int(next())%len(vals)]
			switch op {
			case 0:
				set = set.With(k, v)
				model[k] = v
			case 1:
				set = set.Without(k)
				delete(model, k)
			case 2:
				k2 := keys[int(next())%len(keys)]
				m := map[string]string{k: v, k2: v + "!"}
				set = set.WithMany(m)
				maps.Copy(model, m)
			case 3:
				var b metrics.Builder
				b.Reset(set)
				b.Set(k, v)
				del := keys[int(next())%len(keys)]
				b.Delete(del)
				set = b.TagSet()
				model[k] = v
				delete(model, del)
			}
			got := set.Tags()
			if !sort.SliceIsSorted(got, func(i, j int) bool { return got[i].Key < got[j].Key }) {
				t.Fatalf("not sorted: %v", got)
			}
			for i := 1; i < len(got); i++ {
				if got[i].Key == got[i-1].Key {
					t.Fatalf("duplicate key: %v", got)
				}
			}
			if !maps.Equal(set.Map(), model) {
				t.Fatalf("set %v, model %v", set, model)
			}
			if len(model) == 0 && set != nil {
				t.Fatalf("empty set is %#v, want nil", set)
			}
			for k, v := range model {
				if g, ok := set.Get(k); !ok || g != v {
					t.Fatalf("Get(%q) = %q, %v; want %q", k, g, ok, v)
				}
			}
			history = append(history, set)
			historyWant = append(historyWant, slices.Clone(got))
			for i, h := range history {
				if !slices.Equal(h.Tags(), historyWant[i]) {
					t.Fatalf("step %d's set changed from %v to %v", i, historyWant[i], h.Tags())
				}
			}
		}
	})
}
