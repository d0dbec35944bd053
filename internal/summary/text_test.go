package summary

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

func TestTextGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data *Data
		opts TextOptions
	}{
		{"text_spec_example", specExampleRun(), TextOptions{}},
		{"text_http_default", httpRun(), TextOptions{}},
		{"text_http_colors", httpRun(), TextOptions{Colors: true}},
		{"text_custom_stats", customStatsRun(""), TextOptions{}},
		{"text_unit_ms", customStatsRun("ms"), TextOptions{}},
		{"text_unit_s", customStatsRun("s"), TextOptions{}},
		{"text_unit_us", customStatsRun("us"), TextOptions{}},
		{"text_empty", emptyRun(), TextOptions{}},
		{"text_data", dataRun(), TextOptions{}},
		{"text_nil_root_no_metrics", &Data{}, TextOptions{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			assertGolden(t, tt.name, []byte(Text(tt.data, tt.opts)))
		})
	}
}

// TestTextMatchesSpecExample checks the layout against the real k6 output
// quoted in the spec, whose trailing spaces the docs lost.
func TestTextMatchesSpecExample(t *testing.T) {
	t.Parallel()
	want, err := os.ReadFile("testdata/spec_example.txt")
	if err != nil {
		t.Fatal(err)
	}
	got := Text(specExampleRun(), TextOptions{})
	if !strings.HasPrefix(got, "\n") || !strings.HasSuffix(got, "\n\n") {
		t.Errorf("summary must start with a blank line and end with one: %q", got)
	}
	lines := strings.Split(strings.Trim(got, "\n"), "\n")
	for i := range lines {
		lines[i] = strings.TrimRight(lines[i], " ")
	}
	if g, w := strings.Join(lines, "\n")+"\n", string(want); g != w {
		t.Errorf("got:\n%s\nwant:\n%s", g, w)
	}
}

var ansi = regexp.MustCompile("\x1b\\[[0-9;]*m")

func TestTextColors(t *testing.T) {
	t.Parallel()
	plain := Text(httpRun(), TextOptions{})
	if strings.Contains(plain, "\x1b") {
		t.Error("escape codes without Colors")
	}
	colored := Text(httpRun(), TextOptions{Colors: true})
	if got := ansi.ReplaceAllString(colored, ""); got != plain {
		t.Errorf("coloured output minus escape codes differs from plain:\n%s\n---\n%s", got, plain)
	}
	for _, want := range []string{
		"\x1b[32m     ✓ status is 200\n\x1b[0m",             // whole check line, reset after newline
		"\x1b[31m     ✗ body is not empty\n",                // failing check
		"   \x1b[31m✗\x1b[0m checks",                        // failed threshold mark only
		"   \x1b[32m✓\x1b[0m http_req_duration",             // passed threshold mark
		"     \x1b[31m✗\x1b[0m { name:login }",              // sub-metric mark after its indent
		"\x1b[2m...:\x1b[0m ",                               // dots and colon faint
		"avg=\x1b[36m150.63ms\x1b[0m",                       // values cyan
		"\x1b[36m90\x1b[0m     \x1b[36;2m2.995024/s\x1b[0m", // extras faint cyan
		"\x1b[36;2m✓ 0\x1b[0m   ",                           // extra padded outside its colour
	} {
		if !strings.Contains(colored, want) {
			t.Errorf("coloured output lacks %q", want)
		}
	}
}

func TestCheckFailureLine(t *testing.T) {
	t.Parallel()
	tests := []struct {
		passes, fails int64
		want          string
	}{
		{29, 71, "      ↳  28% — ✓ 29 / ✗ 71\n"}, // k6's float arithmetic: 100*(29/100) < 29
		{0, 5, "      ↳  0% — ✓ 0 / ✗ 5\n"},
		{2, 1, "      ↳  66% — ✓ 2 / ✗ 1\n"},
		{99999, 1, "      ↳  99% — ✓ 99999 / ✗ 1\n"},
	}
	for _, tt := range tests {
		root := rootGroup()
		check(root, "c", tt.passes, tt.fails)
		got := Text(&Data{RootGroup: root}, TextOptions{})
		want := "\n     ✗ c\n" + tt.want + "\n\n"
		if got != want {
			t.Errorf("%d/%d: got %q, want %q", tt.passes, tt.fails, got, want)
		}
	}
}

func TestOrderMetrics(t *testing.T) {
	t.Parallel()
	ms := []Metric{
		{Name: "http_req_duration{status:200}", Parent: "http_req_duration"},
		{Name: "http_req_duration_custom"},
		{Name: "checks{tag:a}", Parent: "checks"},
		{Name: "http_req_duration{expected_response:true}", Parent: "http_req_duration"},
		{Name: "orphan{x:y}", Parent: "orphan"},
		{Name: "http_req_duration"},
		{Name: "checks"},
	}
	var got []string
	for _, m := range orderMetrics(ms) {
		got = append(got, m.Name)
	}
	want := []string{
		"checks", "checks{tag:a}",
		"http_req_duration", "http_req_duration{expected_response:true}", "http_req_duration{status:200}",
		"http_req_duration_custom",
		"orphan{x:y}",
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}

func TestSubMetricFilterFromName(t *testing.T) {
	t.Parallel()
	d := &Data{Metrics: []Metric{
		counter("c", ContainsDefault, 1, 1),
		{Name: "c{a:b}", Parent: "c", Type: TypeCounter, Values: map[string]float64{"count": 1, "rate": 1}},
	}}
	if got := Text(d, TextOptions{}); !strings.Contains(got, "\n       { a:b }...: 1 1/s\n") {
		t.Errorf("got %q", got)
	}
}

func TestStrWidth(t *testing.T) {
	t.Parallel()
	tests := map[string]int{
		"":            0,
		"abc":         3,
		"536.83µs":    8,
		"✓ 16770":     7,
		"café":        4,
		"cafe\u0301":  4, // e + combining acute
		"{ name:日本 }": 11,
	}
	for s, want := range tests {
		if got := strWidth(s); got != want {
			t.Errorf("strWidth(%q) = %d, want %d", s, got, want)
		}
	}
}
