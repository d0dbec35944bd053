package jslib_test

import (
	"encoding/json"
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"

	"github.com/stampede-load/stampede/internal/jslib"
	"github.com/stampede-load/stampede/internal/jsmodtest"
	"github.com/stampede-load/stampede/internal/summary"
)

func TestResolve(t *testing.T) {
	for spec, want := range map[string]string{
		"https://jslib.k6.io/k6-summary/0.0.1/index.js": jslib.SummaryID,
		"http://jslib.k6.io/k6-summary/0.0.1/index.js":  jslib.SummaryID,
		"https://jslib.k6.io/k6-utils/1.0.0/index.js":   jslib.UtilsID,
		"https://jslib.k6.io/k6-utils/1.1.0/index.js":   jslib.UtilsID,
		"https://jslib.k6.io/k6-utils/1.2.0/index.js":   jslib.UtilsID,
		"http://jslib.k6.io/k6-utils/1.4.0/index.js":    jslib.UtilsID,
		"https://jslib.k6.io/k6-summary/0.0.2/index.js": "",
		"https://jslib.k6.io/k6-utils/latest/index.js":  "",
		"https://jslib.k6.io/k6-utils/1.0.0/other.js":   "",
		"https://jslib.k6.io/papaparse/5.1.1/index.js":  "",
		"https://example.com/k6-utils/1.0.0/index.js":   "",
		"jslib.k6.io/k6-utils/1.0.0/index.js":           "",
	} {
		got, ok := jslib.Resolve(spec)
		if got != want || ok != (want != "") {
			t.Errorf("Resolve(%q) = %q, %v; want %q", spec, got, ok, want)
		}
	}
}

func utilsVU(t *testing.T) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.Load("u", jslib.UtilsModule{})
	return vu
}

func TestRandomIntBetween(t *testing.T) {
	vu := utilsVU(t)
	seen := map[int64]bool{}
	for range 500 {
		n := vu.MustRun(`u.randomIntBetween(3, 6)`).ToInteger()
		if n < 3 || n > 6 {
			t.Fatalf("randomIntBetween(3, 6) = %d", n)
		}
		seen[n] = true
	}
	if len(seen) != 4 {
		t.Errorf("both ends are included: saw %v", seen)
	}
	vu.Runtime().SetRandSource(func() float64 { return 0.5 })
	if n := vu.MustRun(`u.randomIntBetween(0, 9)`).ToInteger(); n != 5 {
		t.Errorf("with Math.random() = 0.5: %d, want 5 (Math.random is used)", n)
	}
}

func TestRandomItemAndString(t *testing.T) {
	vu := utilsVU(t)
	vu.Runtime().SetRandSource(func() float64 { return 0.99 })
	if got := vu.MustRun(`u.randomItem(['a', 'b', 'c'])`).String(); got != "c" {
		t.Errorf("randomItem = %q", got)
	}
	if got := vu.MustRun(`String(u.randomItem([]))`).String(); got != "undefined" {
		t.Errorf("randomItem([]) = %q", got)
	}
	if got := vu.MustRun(`u.randomString(4)`).String(); got != "zzzz" {
		t.Errorf("randomString(4) = %q", got)
	}
	if got := vu.MustRun(`u.randomString(3, 'xy')`).String(); got != "yyy" {
		t.Errorf("randomString(3, 'xy') = %q", got)
	}
	vu.Runtime().SetRandSource(rand.Float64)
	s := vu.MustRun(`u.randomString(64)`).String()
	if !regexp.MustCompile(`^[a-z]{64}$`).MatchString(s) {
		t.Errorf("randomString(64) = %q", s)
	}
}

func TestUUIDv4(t *testing.T) {
	vu := utilsVU(t)
	re := regexp.MustCompile(`^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$`)
	for _, src := range []string{`u.uuidv4()`, `u.uuidv4(true)`} {
		a, b := vu.MustRun(src).String(), vu.MustRun(src).String()
		if !re.MatchString(a) || a == b {
			t.Errorf("%s: %q, %q", src, a, b)
		}
	}
}

func TestFindBetween(t *testing.T) {
	vu := utilsVU(t)
	for src, want := range map[string]string{
		`u.findBetween('<a>x</a><a>y</a>', '<a>', '</a>')`:       `"x"`,
		`u.findBetween('token=abc; path=/', 'token=', ';')`:      `"abc"`,
		`u.findBetween('no match', '<', '>')`:                    `null`,
		`u.findBetween('<open', '<', '>')`:                       `null`,
		`u.findBetween('<a>x</a><a>y</a>', '<a>', '</a>', true)`: `["x","y"]`,
		`u.findBetween('nothing', '<a>', '</a>', true)`:          `null`,
		`u.findBetween('[1][2]', '[', ']')`:                      `"1"`,
	} {
		if got := vu.MustRun(`JSON.stringify(` + src + `)`).String(); got != want {
			t.Errorf("%s = %s, want %s", src, got, want)
		}
	}
}

// fixture is a small run's summary data.
func fixture() *summary.Data {
	root := &summary.Group{ID: summary.IDFor(""),
		Checks: []*summary.Check{{Name: "status is 200", Path: "::status is 200", ID: summary.IDFor("::status is 200"), Passes: 9, Fails: 1}},
		Groups: []*summary.Group{{Name: "g", Path: "::g", ID: summary.IDFor("::g")}},
	}
	return &summary.Data{
		RootGroup: root,
		Options:   summary.Options{SummaryTrendStats: summary.DefaultTrendStats()},
		Metrics: []summary.Metric{
			{Name: "http_reqs", Type: "counter", Values: map[string]float64{"count": 10, "rate": 4.5}},
			{Name: "checks", Type: "rate", Values: map[string]float64{"rate": 0.9, "passes": 9, "fails": 1},
				Thresholds: []summary.Threshold{{Source: "rate>0.95", OK: false}}},
			{Name: "http_req_duration", Type: "trend", Contains: "time",
				Values:     map[string]float64{"avg": 12.5, "min": 1, "med": 10, "max": 40, "p(90)": 30, "p(95)": 35},
				Thresholds: []summary.Threshold{{Source: "p(95)<500", OK: true}, {Source: "avg<1", OK: false}}},
			{Name: "http_req_duration{expected_response:true}", Parent: "http_req_duration", Filter: "expected_response:true",
				Type: "trend", Contains: "time",
				Values: map[string]float64{"avg": 12.5, "min": 1, "med": 10, "max": 40, "p(90)": 30, "p(95)": 35}},
			{Name: "data_received", Type: "counter", Contains: "data", Values: map[string]float64{"count": 12345, "rate": 611.2}},
			{Name: "vus", Type: "gauge", Values: map[string]float64{"value": 1, "min": 1, "max": 5}},
		},
	}
}

func summaryVU(t *testing.T) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.Load("s", jslib.SummaryModule{})
	raw, err := json.Marshal(summary.HandleSummaryData(fixture()))
	if err != nil {
		t.Fatal(err)
	}
	vu.MustRun(`var data = JSON.parse(` + "`" + string(raw) + "`" + `)`)
	return vu
}

func TestTextSummaryMatchesBuiltin(t *testing.T) {
	vu := summaryVU(t)
	for _, colors := range []bool{false, true} {
		want := summary.Text(fixture(), summary.TextOptions{Colors: colors})
		src := `s.textSummary(data, {indent: ' ', enableColors: false})`
		if colors {
			src = `s.textSummary(data)` // jslib's defaults: ' ' and colours
		}
		if got := vu.MustRun(src).String(); got != want {
			t.Errorf("%s:\n%s\nwant:\n%s", src, got, want)
		}
	}
}

func TestTextSummaryIndent(t *testing.T) {
	vu := summaryVU(t)
	plain := summary.Text(fixture(), summary.TextOptions{})
	got := vu.MustRun(`s.textSummary(data, {indent: '→', enableColors: false})`).String()
	gl, pl := strings.Split(got, "\n"), strings.Split(plain, "\n")
	if len(gl) != len(pl) {
		t.Fatalf("line count %d, want %d:\n%s", len(gl), len(pl), got)
	}
	for i := range pl {
		want := pl[i]
		if want != "" {
			want = "→" + want[1:]
		}
		if gl[i] != want {
			t.Errorf("line %d: %q, want %q", i, gl[i], want)
		}
	}
	colored := vu.MustRun(`s.textSummary(data, {indent: '→', enableColors: true})`).String()
	if strings.Contains(colored, "\n ") || !strings.Contains(colored, "\x1b[") {
		t.Errorf("coloured, re-indented text keeps a base space or lacks colours:\n%q", colored)
	}
}

func TestTextSummaryOverrides(t *testing.T) {
	vu := summaryVU(t)
	got := vu.MustRun(`s.textSummary(data, {enableColors: false, summaryTimeUnit: 'ms', summaryTrendStats: ['avg', 'max']})`).String()
	if !strings.Contains(got, "avg=12.50ms max=40.00ms") || strings.Contains(got, "p(90)") {
		t.Errorf("options not honoured:\n%s", got)
	}
}

func TestJUnit(t *testing.T) {
	vu := summaryVU(t)
	want := `<?xml version="1.0"?>
<testsuites tests="3" failures="2">
<testsuite name="k6 thresholds" tests="3" failures="2">
<testcase name="checks - rate&gt;0.95"><failure message="failed" /></testcase>
<testcase name="http_req_duration - avg&lt;1"><failure message="failed" /></testcase>
<testcase name="http_req_duration - p(95)&lt;500" />
</testsuite>
</testsuites>
`
	if got := vu.MustRun(`s.jUnit(data)`).String(); got != want {
		t.Errorf("jUnit:\n%s\nwant:\n%s", got, want)
	}
	if got := vu.MustRun(`s.jUnit(data, {name: 'mine & yours'})`).String(); !strings.Contains(got, `<testsuite name="mine &amp; yours"`) {
		t.Errorf("named suite:\n%s", got)
	}
}

func TestSummaryErrors(t *testing.T) {
	vu := summaryVU(t)
	for _, src := range []string{`s.textSummary()`, `s.jUnit(null)`, `s.textSummary({metrics: 3})`} {
		if _, err := vu.Run(src); err == nil {
			t.Errorf("%s: no error", src)
		}
	}
}
