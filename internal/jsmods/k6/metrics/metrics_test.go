package metrics_test

import (
	"math"
	"strings"
	"testing"

	"github.com/stampede-load/stampede/internal/jsmods/k6/metrics"
	"github.com/stampede-load/stampede/internal/jsmodtest"
	pub "github.com/stampede-load/stampede/metrics"
)

// newVU returns a VU with the module bound to "m", in the init stage, as
// scripts create their metrics there.
func newVU(t *testing.T) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.Load("m", metrics.RootModule{})
	vu.EnterInitStage()
	return vu
}

func wantErr(t *testing.T, err error, want string) {
	t.Helper()
	if err == nil {
		t.Fatalf("no error, want %q", want)
	}
	if !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not contain %q", err, want)
	}
}

func TestConstructors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		ctor     string
		isTime   string
		typ      pub.Type
		contains pub.ValueType
	}{
		{"Counter", "", pub.Counter, pub.Default},
		{"Gauge", "", pub.Gauge, pub.Default},
		{"Rate", "", pub.Rate, pub.Default},
		{"Trend", "", pub.Trend, pub.Default},
		{"Trend", ", true", pub.Trend, pub.Time},
		{"Counter", ", true", pub.Counter, pub.Time},
		{"Gauge", ", 1", pub.Gauge, pub.Time},
		{"Trend", ", false", pub.Trend, pub.Default},
		{"Trend", ", 0", pub.Trend, pub.Default},
	} {
		t.Run(tc.ctor+tc.isTime, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			got := vu.MustRun(`const x = new m.` + tc.ctor + `('my_metric'` + tc.isTime + `); x.name`)
			if got.String() != "my_metric" {
				t.Errorf("name = %v", got)
			}
			mt := vu.InitValue.Registry.Get("my_metric")
			if mt == nil {
				t.Fatal("metric not registered")
			}
			if mt.Type != tc.typ || mt.Contains != tc.contains {
				t.Errorf("registered %v/%v, want %v/%v", mt.Type, mt.Contains, tc.typ, tc.contains)
			}
		})
	}
}

func TestMetricNames(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		ok   bool
	}{
		{"simple", true},
		{"with spaces and ._!?/&#()<>%-", true},
		{"ünïcödé_名前", true},
		{"digits_0123", true},
		{strings.Repeat("a", 128), true},
		{strings.Repeat("a", 129), false},
		{"", false},
		{"curly{brace}", false},
		{"colon:tag", false},
		{"quote'", false},
		{"comma,", false},
		{"star*", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			vu.Runtime().Set("metricName", tc.name)
			_, err := vu.Run(`new m.Counter(metricName)`)
			if tc.ok {
				if err != nil {
					t.Fatalf("rejected a valid name: %v", err)
				}
				return
			}
			wantErr(t, err, "Invalid metric name: '"+tc.name+"'")
		})
	}
}

func TestConstructorOnlyInInitContext(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	vu.EnterVUStage()
	_, err := vu.Run(`new m.Trend('late')`)
	wantErr(t, err, "metrics must be declared in the init context")
	if vu.StateValue.Registry.Get("late") != nil {
		t.Error("the metric was registered anyway")
	}
}

func TestRedefiningWithAnotherType(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	vu.MustRun(`new m.Counter('dup'); new m.Counter('dup')`)
	_, err := vu.Run(`new m.Trend('dup')`)
	wantErr(t, err, "dup")
}

func TestAdd(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		value string
		want  float64 // NaN means NaN
	}{
		{"5", 5},
		{"-2.5", -2.5},
		{"0", 0},
		{"'12'", 12},
		{"true", 1},
		{"false", 0},
		{"null", 0},
		{"''", 0},
		{"'abc'", math.NaN()},
		{"undefined", math.NaN()},
		{"NaN", math.NaN()},
		{"({})", math.NaN()},
		// Truthy values whose number is 0 count as 1, as in k6 v0.32.
		{"'0'", 1},
		{"[]", 1},
		{"' '", 1},
		{"-0", 0},
	} {
		t.Run(tc.value, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			vu.MustRun(`var r = new m.Rate('r');`)
			vu.EnterVUStage()
			if ok := vu.MustRun(`r.add(` + tc.value + `)`); !ok.ToBoolean() {
				t.Errorf("add returned %v, want true", ok)
			}
			s := vu.Samples.Named("r")
			if len(s) != 1 {
				t.Fatalf("%d samples", len(s))
			}
			got := s[0].Value
			if math.IsNaN(tc.want) {
				if !math.IsNaN(got) {
					t.Errorf("add(%s) = %v, want NaN", tc.value, got)
				}
			} else if got != tc.want {
				t.Errorf("add(%s) = %v, want %v", tc.value, got, tc.want)
			}
		})
	}
}

func TestAddTags(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	vu.MustRun(`var c = new m.Counter('c'); var tr = new m.Trend('t', true);`)
	vu.EnterVUStage()
	vu.MustRun(`
c.add(1);
c.add(2, {kind: 'x', n: 3});
c.add(3, null);
c.add(4, {scenario: 'override'});
tr.add(1.5, {name: 'n'});
`)
	var got []string
	for _, s := range vu.Samples.All() {
		got = append(got, s.Metric.Name+s.Tags.String())
	}
	want := []string{
		"c{group:,scenario:default}",
		"c{group:,kind:x,n:3,scenario:default}",
		"c{group:,scenario:default}",
		"c{group:,scenario:override}",
		"t{group:,name:n,scenario:default}",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("samples:\n got %v\nwant %v", got, want)
	}
	if s := vu.Samples.Named("t"); len(s) != 1 || s[0].Value != 1.5 || s[0].Metric.Contains != pub.Time {
		t.Errorf("trend sample %+v", s)
	}

	// The VU's current tags (a group, say) are picked up at add time.
	vu.Samples.Reset()
	vu.StateValue.Tags = vu.StateValue.Tags.With("group", "::g")
	vu.MustRun(`c.add(1)`)
	if s := vu.Samples.All(); len(s) != 1 || s[0].Tags.String() != "{group:::g,scenario:default}" {
		t.Errorf("sample in a group: %s", vu.Samples)
	}
}

func TestAddInInitContext(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	_, err := vu.Run(`const g = new m.Gauge('g'); g.add(1)`)
	wantErr(t, err, "Adding to metrics in the init context is not supported")
	if n := len(vu.Samples.All()); n != 0 {
		t.Errorf("%d samples", n)
	}
}

func TestOnlyAddIsExposed(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	got := vu.MustRun(`const c = new m.Counter('c'); Object.keys(c).filter((k) => typeof c[k] === 'function').join(',')`)
	if got.String() != "add" {
		t.Errorf("methods = %q, want add", got)
	}
}
