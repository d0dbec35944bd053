package metrics_test

import (
	"fmt"
	"maps"
	"slices"
	"sync"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

// tags is a shorthand for building a set in test tables.
func tags(kv ...string) *metrics.TagSet {
	if len(kv)%2 != 0 {
		panic("tags: odd number of arguments")
	}
	m := make(map[string]string, len(kv)/2)
	for i := 0; i < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return metrics.NewTagSet(m)
}

// snapshot copies a set's tags, so a later comparison sees any in-place
// modification of the original.
func snapshot(s *metrics.TagSet) []metrics.Tag { return slices.Clone(s.Tags()) }

func assertTags(t *testing.T, got *metrics.TagSet, want []metrics.Tag) {
	t.Helper()
	if !slices.Equal(got.Tags(), want) {
		t.Errorf("tags = %v, want %v", got.Tags(), want)
	}
	if got.Len() != len(want) {
		t.Errorf("Len() = %d, want %d", got.Len(), len(want))
	}
	if len(want) == 0 && got != nil {
		t.Errorf("an empty set should be nil, got %#v", got)
	}
}

func TestNewTagSet(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		in   map[string]string
		want []metrics.Tag
	}{
		{"nil map", nil, nil},
		{"empty map", map[string]string{}, nil},
		{"one", map[string]string{"a": "1"}, []metrics.Tag{{"a", "1"}}},
		{
			"sorted by key",
			map[string]string{"url": "u", "method": "GET", "status": "200", "a": ""},
			[]metrics.Tag{{"a", ""}, {"method", "GET"}, {"status", "200"}, {"url", "u"}},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assertTags(t, metrics.NewTagSet(tt.in), tt.want)
		})
	}
}

func TestTagSetNewTagSetCopiesTheMap(t *testing.T) {
	t.Parallel()
	m := map[string]string{"a": "1"}
	s := metrics.NewTagSet(m)
	m["a"] = "2"
	m["b"] = "3"
	assertTags(t, s, []metrics.Tag{{"a", "1"}})
}

func TestTagSetGet(t *testing.T) {
	t.Parallel()
	set := tags("a", "1", "c", "", "e", "5")
	tests := []struct {
		name    string
		set     *metrics.TagSet
		key     string
		want    string
		wantOK  bool
		wantLen int
	}{
		{"nil set", nil, "a", "", false, 0},
		{"first", set, "a", "1", true, 3},
		{"empty value is present", set, "c", "", true, 3},
		{"last", set, "e", "5", true, 3},
		{"absent before first", set, "0", "", false, 3},
		{"absent in the middle", set, "b", "", false, 3},
		{"absent after last", set, "z", "", false, 3},
		{"empty key", set, "", "", false, 3},
		{"case-sensitive", set, "A", "", false, 3},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, ok := tt.set.Get(tt.key)
			if got != tt.want || ok != tt.wantOK {
				t.Errorf("Get(%q) = %q, %v; want %q, %v", tt.key, got, ok, tt.want, tt.wantOK)
			}
			if n := tt.set.Len(); n != tt.wantLen {
				t.Errorf("Len() = %d, want %d", n, tt.wantLen)
			}
		})
	}
}

// TestTagSetDerive checks With, Without and WithMany, and that deriving
// never changes the set derived from.
func TestTagSetDerive(t *testing.T) {
	t.Parallel()
	base := tags("b", "2", "d", "4")
	tests := []struct {
		name   string
		base   *metrics.TagSet
		derive func(*metrics.TagSet) *metrics.TagSet
		want   []metrics.Tag
		// same means the result must be the base pointer itself: deriving
		// a set equal to the base need not allocate.
		same bool
	}{
		{"With on nil", nil, func(s *metrics.TagSet) *metrics.TagSet { return s.With("a", "1") },
			[]metrics.Tag{{"a", "1"}}, false},
		{"With empty value on nil", nil, func(s *metrics.TagSet) *metrics.TagSet { return s.With("a", "") },
			[]metrics.Tag{{"a", ""}}, false},
		{"With before first", base, func(s *metrics.TagSet) *metrics.TagSet { return s.With("a", "1") },
			[]metrics.Tag{{"a", "1"}, {"b", "2"}, {"d", "4"}}, false},
		{"With in the middle", base, func(s *metrics.TagSet) *metrics.TagSet { return s.With("c", "3") },
			[]metrics.Tag{{"b", "2"}, {"c", "3"}, {"d", "4"}}, false},
		{"With after last", base, func(s *metrics.TagSet) *metrics.TagSet { return s.With("e", "5") },
			[]metrics.Tag{{"b", "2"}, {"d", "4"}, {"e", "5"}}, false},
		{"With replaces a value", base, func(s *metrics.TagSet) *metrics.TagSet { return s.With("d", "x") },
			[]metrics.Tag{{"b", "2"}, {"d", "x"}}, false},
		{"With replaces with empty", base, func(s *metrics.TagSet) *metrics.TagSet { return s.With("b", "") },
			[]metrics.Tag{{"b", ""}, {"d", "4"}}, false},
		{"With the same value", base, func(s *metrics.TagSet) *metrics.TagSet { return s.With("b", "2") },
			[]metrics.Tag{{"b", "2"}, {"d", "4"}}, true},
		{"Without on nil", nil, func(s *metrics.TagSet) *metrics.TagSet { return s.Without("a") },
			nil, true},
		{"Without absent", base, func(s *metrics.TagSet) *metrics.TagSet { return s.Without("c") },
			[]metrics.Tag{{"b", "2"}, {"d", "4"}}, true},
		{"Without first", base, func(s *metrics.TagSet) *metrics.TagSet { return s.Without("b") },
			[]metrics.Tag{{"d", "4"}}, false},
		{"Without last", base, func(s *metrics.TagSet) *metrics.TagSet { return s.Without("d") },
			[]metrics.Tag{{"b", "2"}}, false},
		{"Without the only tag is nil", tags("a", "1"), func(s *metrics.TagSet) *metrics.TagSet { return s.Without("a") },
			nil, false},
		{"Without every tag", base, func(s *metrics.TagSet) *metrics.TagSet { return s.Without("b").Without("d") },
			nil, false},
		{"WithMany nil map", base, func(s *metrics.TagSet) *metrics.TagSet { return s.WithMany(nil) },
			[]metrics.Tag{{"b", "2"}, {"d", "4"}}, true},
		{"WithMany empty map", base, func(s *metrics.TagSet) *metrics.TagSet { return s.WithMany(map[string]string{}) },
			[]metrics.Tag{{"b", "2"}, {"d", "4"}}, true},
		{"WithMany on nil", nil, func(s *metrics.TagSet) *metrics.TagSet {
			return s.WithMany(map[string]string{"z": "26", "a": "1"})
		}, []metrics.Tag{{"a", "1"}, {"z", "26"}}, false},
		{"WithMany empty map on nil", nil, func(s *metrics.TagSet) *metrics.TagSet { return s.WithMany(nil) },
			nil, true},
		{"WithMany adds and overrides", base, func(s *metrics.TagSet) *metrics.TagSet {
			return s.WithMany(map[string]string{"a": "1", "d": "x", "e": "5"})
		}, []metrics.Tag{{"a", "1"}, {"b", "2"}, {"d", "x"}, {"e", "5"}}, false},
		{"chained", base, func(s *metrics.TagSet) *metrics.TagSet {
			return s.With("a", "1").Without("b").With("c", "3").WithMany(map[string]string{"b": "B"}).Without("d")
		}, []metrics.Tag{{"a", "1"}, {"b", "B"}, {"c", "3"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := snapshot(tt.base)
			got := tt.derive(tt.base)
			assertTags(t, got, tt.want)
			if tt.same && got != tt.base {
				t.Errorf("derived a new set %v; want the base set itself", got)
			}
			if !slices.Equal(tt.base.Tags(), before) {
				t.Errorf("deriving changed the original: %v, was %v", tt.base.Tags(), before)
			}
		})
	}
}

// TestTagSetSiblingsDoNotAlias derives many sets from one base and checks
// that none of them shares storage with the base or a sibling: a slice
// with spare capacity would let one With overwrite another's tags.
func TestTagSetSiblingsDoNotAlias(t *testing.T) {
	t.Parallel()
	base := tags("a", "1", "c", "3", "e", "5")
	want := snapshot(base)
	var derived []*metrics.TagSet
	var wants [][]metrics.Tag
	for _, k := range []string{"b", "d", "f", "0", "a", "c"} {
		for _, v := range []string{"x", "y"} {
			s := base.With(k, v)
			derived = append(derived, s, s.Without("a"), s.With("zz", v))
			wants = append(wants, snapshot(derived[len(derived)-3]), snapshot(derived[len(derived)-2]),
				snapshot(derived[len(derived)-1]))
		}
	}
	if !slices.Equal(base.Tags(), want) {
		t.Fatalf("base changed to %v, was %v", base.Tags(), want)
	}
	for i, s := range derived {
		if !slices.Equal(s.Tags(), wants[i]) {
			t.Errorf("derived set %d changed to %v, was %v", i, s.Tags(), wants[i])
		}
	}
}

func TestTagSetMap(t *testing.T) {
	t.Parallel()
	if m := (*metrics.TagSet)(nil).Map(); m == nil || len(m) != 0 {
		t.Errorf("nil.Map() = %#v, want an empty non-nil map", m)
	}
	s := tags("a", "1", "b", "")
	m := s.Map()
	if want := map[string]string{"a": "1", "b": ""}; !maps.Equal(m, want) {
		t.Errorf("Map() = %v, want %v", m, want)
	}
	m["a"] = "changed"
	m["c"] = "added"
	assertTags(t, s, []metrics.Tag{{"a", "1"}, {"b", ""}})
	if again := metrics.NewTagSet(s.Map()); !slices.Equal(again.Tags(), s.Tags()) {
		t.Errorf("NewTagSet(s.Map()) = %v, want %v", again, s)
	}
}

func TestTagSetString(t *testing.T) {
	t.Parallel()
	tests := []struct {
		set  *metrics.TagSet
		want string
	}{
		{nil, "{}"},
		{tags("a", "1"), "{a:1}"},
		{tags("status", "200", "group", "::g", "name", ""), "{group:::g,name:,status:200}"},
	}
	for _, tt := range tests {
		t.Run(tt.want, func(t *testing.T) {
			t.Parallel()
			if got := tt.set.String(); got != tt.want {
				t.Errorf("String() = %q, want %q", got, tt.want)
			}
			if got := fmt.Sprint(tt.set); got != tt.want {
				t.Errorf("fmt.Sprint = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestTagSetConcurrentUse shares one set between goroutines that read and
// derive from it; run with -race.
func TestTagSetConcurrentUse(t *testing.T) {
	t.Parallel()
	base := tags("method", "GET", "status", "200", "url", "http://x/")
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Go(func() {
			for i := range 200 {
				v := fmt.Sprint(g, i)
				d := base.With("vu", v).Without("status").WithMany(map[string]string{"iter": v})
				if got, _ := d.Get("vu"); got != v {
					t.Errorf("Get(vu) = %q, want %q", got, v)
					return
				}
				if _, ok := base.Get("vu"); ok {
					t.Error("the shared base set gained a tag")
					return
				}
				_ = base.String()
				_ = base.Map()
			}
		})
	}
	wg.Wait()
}

func TestBuilder(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		base  *metrics.TagSet
		build func(*metrics.Builder)
		want  []metrics.Tag
	}{
		{"nothing", nil, func(*metrics.Builder) {}, nil},
		{"base only", tags("b", "2", "a", "1"), func(*metrics.Builder) {},
			[]metrics.Tag{{"a", "1"}, {"b", "2"}}},
		{"sets are sorted", nil, func(b *metrics.Builder) {
			b.Set("url", "u")
			b.Set("method", "GET")
			b.Set("expected_response", "true")
		}, []metrics.Tag{{"expected_response", "true"}, {"method", "GET"}, {"url", "u"}}},
		{"Set overrides the base", tags("status", "0", "url", "u"), func(b *metrics.Builder) {
			b.Set("status", "200")
		}, []metrics.Tag{{"status", "200"}, {"url", "u"}}},
		{"Set twice keeps the last", nil, func(b *metrics.Builder) {
			b.Set("a", "1")
			b.Set("a", "2")
		}, []metrics.Tag{{"a", "2"}}},
		{"Delete from the base", tags("a", "1", "b", "2", "c", "3"), func(b *metrics.Builder) {
			b.Delete("b")
		}, []metrics.Tag{{"a", "1"}, {"c", "3"}}},
		{"Delete absent", tags("a", "1"), func(b *metrics.Builder) { b.Delete("z") },
			[]metrics.Tag{{"a", "1"}}},
		{"Delete everything is nil", tags("a", "1"), func(b *metrics.Builder) { b.Delete("a") }, nil},
		{"Delete then Set", tags("a", "1", "b", "2"), func(b *metrics.Builder) {
			b.Delete("a")
			b.Set("a", "x")
		}, []metrics.Tag{{"a", "x"}, {"b", "2"}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			before := snapshot(tt.base)
			var b metrics.Builder
			b.Reset(tt.base)
			tt.build(&b)
			got := b.TagSet()
			assertTags(t, got, tt.want)
			if !slices.Equal(tt.base.Tags(), before) {
				t.Errorf("building changed the base set: %v, was %v", tt.base.Tags(), before)
			}
			// The result must match what With/Without would produce.
			if want := metrics.NewTagSet(got.Map()); !slices.Equal(got.Tags(), want.Tags()) {
				t.Errorf("built %v, not in the canonical order %v", got, want)
			}
		})
	}
}

// TestBuilderReuse checks that a reused builder never changes the sets it
// returned before, nor their base.
func TestBuilderReuse(t *testing.T) {
	t.Parallel()
	base := tags("group", "", "scenario", "default")
	baseBefore := snapshot(base)
	var b metrics.Builder
	var built []*metrics.TagSet
	var wants [][]metrics.Tag
	for i := range 20 {
		b.Reset(base)
		b.Set("status", fmt.Sprint(200+i))
		if i%2 == 0 {
			b.Delete("group")
		}
		b.Set("scenario", fmt.Sprint("s", i))
		s := b.TagSet()
		built = append(built, s)
		wants = append(wants, snapshot(s))
	}
	b.Reset(nil)
	if s := b.TagSet(); s != nil {
		t.Errorf("Reset(nil) then TagSet() = %v, want nil", s)
	}
	for i, s := range built {
		if !slices.Equal(s.Tags(), wants[i]) {
			t.Errorf("set %d changed to %v, was %v", i, s, wants[i])
		}
	}
	if !slices.Equal(base.Tags(), baseBefore) {
		t.Errorf("base changed to %v, was %v", base, baseBefore)
	}
	if got, _ := built[3].Get("status"); got != "203" {
		t.Errorf("built[3] status = %q, want 203", got)
	}
	if _, ok := built[4].Get("group"); ok {
		t.Errorf("built[4] = %v, want no group tag", built[4])
	}
}
