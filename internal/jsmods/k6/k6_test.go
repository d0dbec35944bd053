package k6_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"

	k6 "github.com/stampede-load/stampede/internal/jsmods/k6"
	"github.com/stampede-load/stampede/internal/jsmodtest"
	"github.com/stampede-load/stampede/metrics"
)

// newVU returns a VU in the VU stage with the module bound to "k6".
func newVU(t *testing.T) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.Load("k6", k6.RootModule{})
	return vu
}

// sample is a sample reduced to what the tests compare.
type sample struct {
	tags  string
	value float64
}

func named(vu *jsmodtest.VU, metric string) []sample {
	var out []sample
	for _, s := range vu.Samples.Named(metric) {
		out = append(out, sample{s.Tags.String(), s.Value})
	}
	return out
}

func equalSamples(a, b []sample) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func wantErr(t *testing.T, err error, parts ...string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want one containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Errorf("error %q does not contain %q", err, p)
		}
	}
}

func TestCheck(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name    string
		src     string
		want    bool
		samples []sample
	}{
		{
			name: "all pass",
			src:  `k6.check(1, {'is one': (v) => v === 1, 'is number': (v) => typeof v === 'number'})`,
			want: true,
			samples: []sample{
				{"{check:is one,group:,scenario:default}", 1},
				{"{check:is number,group:,scenario:default}", 1},
			},
		},
		{
			name: "one fails",
			src:  `k6.check('x', {'no': (v) => v === 'y', 'yes': (v) => v === 'x'})`,
			want: false,
			samples: []sample{
				{"{check:no,group:,scenario:default}", 0},
				{"{check:yes,group:,scenario:default}", 1},
			},
		},
		{
			name: "results are coerced to boolean",
			src:  `k6.check(0, {'zero': (v) => v, 'string': () => 'a', 'empty': () => '', 'object': () => ({})})`,
			want: false,
			samples: []sample{
				{"{check:zero,group:,scenario:default}", 0},
				{"{check:string,group:,scenario:default}", 1},
				{"{check:empty,group:,scenario:default}", 0},
				{"{check:object,group:,scenario:default}", 1},
			},
		},
		{
			name: "non-function values are used directly",
			src:  `k6.check(null, {'true': true, 'one': 1, 'zero': 0, 'null': null, 'text': 'x'})`,
			want: false,
			samples: []sample{
				{"{check:true,group:,scenario:default}", 1},
				{"{check:one,group:,scenario:default}", 1},
				{"{check:zero,group:,scenario:default}", 0},
				{"{check:null,group:,scenario:default}", 0},
				{"{check:text,group:,scenario:default}", 1},
			},
		},
		{
			name: "extra tags",
			src:  `k6.check(1, {'tagged': true}, {kind: 'smoke', n: 5})`,
			want: true,
			samples: []sample{
				{"{check:tagged,group:,kind:smoke,n:5,scenario:default}", 1},
			},
		},
		{
			name: "extra tags may override the scenario tag",
			src:  `k6.check(1, {'c': true}, {scenario: 'other'})`,
			want: true,
			samples: []sample{
				{"{check:c,group:,scenario:other}", 1},
			},
		},
		{
			name: "inside a group",
			src:  `k6.group('g', () => k6.group('h', () => k6.check(1, {'nested': true})))`,
			want: true,
			samples: []sample{
				{"{check:nested,group:::g::h,scenario:default}", 1},
			},
		},
		{
			name:    "no checks",
			src:     `k6.check(1, {})`,
			want:    true,
			samples: nil,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			got := vu.MustRun(tc.src)
			if got.ToBoolean() != tc.want {
				t.Errorf("check returned %v, want %v", got, tc.want)
			}
			if s := named(vu, "checks"); !equalSamples(s, tc.samples) {
				t.Errorf("samples:\n got %v\nwant %v", s, tc.samples)
			}
		})
	}
}

func TestCheckCountsPassesAndFailsInTheGroupTree(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	vu.MustRun(`
for (let i = 0; i < 3; i++) {
  k6.check(i, {'even': (v) => v % 2 === 0});
  k6.group('g', () => { k6.check(i, {'inner': true}); });
}`)
	root := vu.StateValue.Group
	checks := root.Checks()
	if len(checks) != 1 || checks[0].Name != "even" || checks[0].Path != "::even" {
		t.Fatalf("root checks = %+v", checks)
	}
	if p, f := checks[0].Passes.Load(), checks[0].Fails.Load(); p != 2 || f != 1 {
		t.Errorf("even: %d passes %d fails, want 2 and 1", p, f)
	}
	groups := root.Groups()
	if len(groups) != 1 || groups[0].Path != "::g" {
		t.Fatalf("groups = %+v", groups)
	}
	inner := groups[0].Checks()
	if len(inner) != 1 || inner[0].Path != "::g::inner" || inner[0].Passes.Load() != 3 {
		t.Errorf("inner checks = %+v", inner)
	}
}

func TestCheckThatThrows(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	_, err := vu.Run(`k6.check(1, {
  'before': () => true,
  'throws': () => { throw new Error('check blew up'); },
  'after': () => true,
})`)
	wantErr(t, err, "check blew up")
	// The throwing check is recorded as failed, then the exception ends
	// the call: later checks are not run (k6 §13).
	want := []sample{
		{"{check:before,group:,scenario:default}", 1},
		{"{check:throws,group:,scenario:default}", 0},
	}
	if s := named(vu, "checks"); !equalSamples(s, want) {
		t.Errorf("samples:\n got %v\nwant %v", s, want)
	}
	checks := vu.StateValue.Group.Checks()
	if len(checks) != 2 || checks[1].Fails.Load() != 1 || checks[1].Passes.Load() != 0 {
		t.Errorf("checks = %+v", checks)
	}

	// The exception is the script's own and can be caught.
	got := vu.MustRun(`
let caught;
try { k6.check(1, {'typed': () => { throw new TypeError('bad type'); }}); } catch (e) { caught = e; }
caught instanceof TypeError && caught.message === 'bad type'`)
	if !got.ToBoolean() {
		t.Error("the check's exception was not rethrown as the original error")
	}
}

func TestCheckErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		init bool
		src  string
		want string
	}{
		{"separator in name", false, `k6.check(1, {'a::b': true})`, "group and check names may not contain '::'"},
		{"init context", true, `k6.check(1, {'a': true})`, "Using check() in the init context is not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			if tc.init {
				vu.EnterInitStage()
			}
			_, err := vu.Run(tc.src)
			wantErr(t, err, tc.want)
			if n := len(vu.Samples.All()); n != 0 {
				t.Errorf("%d samples pushed:\n%s", n, vu.Samples)
			}
		})
	}
}

func TestGroup(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	got := vu.MustRun(`
k6.group('outer', () => {
  k6.check(1, {'in outer': true});
  return k6.group('inner', () => { k6.check(1, {'in inner': true}); return 42; }) + 1;
})`)
	if got.ToInteger() != 43 {
		t.Errorf("group returned %v, want the callback's value 43", got)
	}
	var durations []string
	for _, s := range vu.Samples.Named("group_duration") {
		durations = append(durations, s.Tags.String())
		if s.Value < 0 || s.Value > 10_000 {
			t.Errorf("group_duration %v ms", s.Value)
		}
		if s.Metric.Contains != metrics.Time {
			t.Errorf("group_duration contains %v", s.Metric.Contains)
		}
	}
	want := []string{"{group:::outer::inner,scenario:default}", "{group:::outer,scenario:default}"}
	if strings.Join(durations, " ") != strings.Join(want, " ") {
		t.Errorf("group_duration tags = %v, want %v (inner finishes first)", durations, want)
	}
	checks := named(vu, "checks")
	if len(checks) != 2 || checks[0].tags != "{check:in outer,group:::outer,scenario:default}" ||
		checks[1].tags != "{check:in inner,group:::outer::inner,scenario:default}" {
		t.Errorf("checks = %v", checks)
	}
	if vu.StateValue.Group.Path != "" || vu.StateValue.Tags.String() != "{group:,scenario:default}" {
		t.Errorf("after the group: group %q tags %s", vu.StateValue.Group.Path, vu.StateValue.Tags)
	}
	if got := vu.MustRun(`k6.group('empty', () => {})`); !goja.IsUndefined(got) {
		t.Errorf("group of a function returning nothing = %v", got)
	}
}

func TestGroupRestoresStateAfterAThrow(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	before := vu.StateValue.Tags
	got := vu.MustRun(`
let msg;
try {
  k6.group('a', () => { k6.group('b', () => { throw new Error('inner boom'); }); });
} catch (e) { msg = e.message; }
k6.check(1, {'after': true});
msg`)
	if got.String() != "inner boom" {
		t.Errorf("caught %v, want the callback's exception", got)
	}
	if vu.StateValue.Tags != before || vu.StateValue.Group.Path != "" {
		t.Errorf("state not restored: group %q tags %s", vu.StateValue.Group.Path, vu.StateValue.Tags)
	}
	checks := named(vu, "checks")
	if len(checks) != 1 || checks[0].tags != "{check:after,group:,scenario:default}" {
		t.Errorf("check after the throw = %v", checks)
	}
	// group_duration is still emitted for groups whose callback threw.
	var paths []string
	for _, s := range vu.Samples.Named("group_duration") {
		g, _ := s.Tags.Get("group")
		paths = append(paths, g)
	}
	if strings.Join(paths, ",") != "::a::b,::a" {
		t.Errorf("group_duration groups = %v", paths)
	}
}

func TestGroupWithoutGroupTag(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	vu.StateValue.Options.SystemTags = metrics.DefaultSystemTags &^ metrics.SystemTagSet(metrics.TagGroup)
	vu.StateValue.Tags = metrics.NewTagSet(map[string]string{"scenario": "default"})
	vu.MustRun(`k6.group('g', () => k6.check(1, {'c': true}))`)
	for _, s := range vu.Samples.All() {
		if _, ok := s.Tags.Get("group"); ok {
			t.Errorf("%s has a group tag although the group system tag is off: %s", s.Metric.Name, s.Tags)
		}
	}
	// The group tree is kept regardless of the tags.
	if g := vu.StateValue.Group.Groups(); len(g) != 1 || len(g[0].Checks()) != 1 {
		t.Errorf("group tree = %+v", g)
	}
}

func TestGroupErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		init bool
		src  string
		want string
	}{
		{"missing callback", false, `k6.group('g')`, "group() requires a callback as a second argument"},
		{"non-function callback", false, `k6.group('g', 42)`, "group() requires a callback as a second argument"},
		{"separator in name", false, `k6.group('a::b', () => {})`, "group and check names may not contain '::'"},
		{"init context", true, `k6.group('g', () => {})`, "Using group() in the init context is not supported"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			if tc.init {
				vu.EnterInitStage()
			}
			_, err := vu.Run(tc.src)
			wantErr(t, err, tc.want)
			if n := len(vu.Samples.All()); n != 0 {
				t.Errorf("%d samples pushed:\n%s", n, vu.Samples)
			}
		})
	}
}

func TestFail(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	_, err := vu.Run(`k6.fail('custom failure')`)
	wantErr(t, err, "custom failure")
	got := vu.MustRun(`
let m;
try { k6.fail('caught failure'); } catch (e) { m = e.message; }
m`)
	if got.String() != "caught failure" {
		t.Errorf("message = %q", got)
	}
	if _, err := vu.Run(`k6.fail()`); err == nil {
		t.Error("fail() without a message did not throw")
	}
}

func TestSleep(t *testing.T) {
	t.Parallel()
	t.Run("sleeps", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t)
		start := time.Now()
		vu.MustRun(`k6.sleep(0.05)`)
		if el := time.Since(start); el < 50*time.Millisecond {
			t.Errorf("sleep(0.05) took %v", el)
		}
	})
	t.Run("zero and negative return at once", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t)
		start := time.Now()
		vu.MustRun(`k6.sleep(0); k6.sleep(-5)`)
		if el := time.Since(start); el > 5*time.Second {
			t.Errorf("took %v", el)
		}
	})
	t.Run("returns early on cancel", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t)
		ctx, cancel := context.WithCancel(t.Context())
		vu.SetContext(ctx)
		time.AfterFunc(50*time.Millisecond, cancel)
		start := time.Now()
		vu.MustRun(`k6.sleep(60)`)
		if el := time.Since(start); el > 20*time.Second {
			t.Errorf("sleep(60) was not interrupted by the context (took %v)", el)
		}
		if ctx.Err() == nil {
			t.Error("sleep returned before the context ended")
		}
	})
}

func TestRandomSeed(t *testing.T) {
	t.Parallel()
	// k6 v0.32 draws from Go's math/rand source seeded with the value
	// (spec §13), so seeded scripts reproduce k6's data.
	for _, tc := range []struct {
		seed string
		want []float64
	}{
		{"1", []float64{0.6046602879796196, 0.9405090880450124}},
		{"123456789", []float64{0.764978064279259, 0.8051820201933766}},
		{"0", []float64{0.9451961492941164, 0.24496508529377975}},
		{"-5", []float64{0.1964231528691937, 0.48006842453323395}},
	} {
		t.Run(tc.seed, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			got := vu.MustRun(`k6.randomSeed(` + tc.seed + `); [Math.random(), Math.random()]`).Export().([]any)
			for i, w := range tc.want {
				if got[i] != w {
					t.Errorf("Math.random() #%d = %v, want %v", i+1, got[i], w)
				}
			}
			// Reseeding restarts the sequence.
			again := vu.MustRun(`k6.randomSeed(` + tc.seed + `); Math.random()`).ToFloat()
			if again != tc.want[0] {
				t.Errorf("after reseeding: %v, want %v", again, tc.want[0])
			}
		})
	}
}
