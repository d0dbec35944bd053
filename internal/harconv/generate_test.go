package harconv

import (
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden from the current output")

// assertGolden compares got with testdata/<name>.js.golden, or rewrites
// that file when the test runs with -update.
func assertGolden(t *testing.T, name, got string) {
	t.Helper()
	path := filepath.Join("testdata", name+".js.golden")
	if *update {
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s (go test -update rewrites it)\n--- got:\n%s\n--- want:\n%s", path, got, want)
	}
}

func parseFile(t *testing.T, name string) *HAR {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	h, err := Parse(f)
	if err != nil {
		t.Fatal(err)
	}
	return h
}

// defaults are the convert command's defaults.
func defaults() Options {
	return Options{BatchThreshold: 500 * time.Millisecond, MinSleep: 20, MaxSleep: 40}
}

func TestGenerateGolden(t *testing.T) {
	t.Parallel()
	optionsJSON, err := os.ReadFile(filepath.Join("testdata", "options.json"))
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		golden string
		har    string
		opts   func(*Options)
	}{
		{"pages_default", "pages.har", func(*Options) {}},
		{"pages_status_checks", "pages.har", func(o *Options) { o.StatusChecks = true }},
		{"pages_return_on_failed_check", "pages.har", func(o *Options) {
			o.StatusChecks, o.ReturnOnFailedCheck = true, true
		}},
		{"pages_options", "pages.har", func(o *Options) { o.OptionsJSON = optionsJSON }},
		{"pages_fixed_sleep", "pages.har", func(o *Options) { o.MinSleep, o.MaxSleep = 1.5, 1.5 }},
		{"batch_default", "batch.har", func(*Options) {}},
		{"batch_threshold_1000", "batch.har", func(o *Options) { o.BatchThreshold = time.Second }},
		{"batch_threshold_0", "batch.har", func(o *Options) { o.BatchThreshold = 0 }},
		{"batch_no_batch", "batch.har", func(o *Options) { o.NoBatch = true }},
		{"batch_status_checks", "batch.har", func(o *Options) {
			o.StatusChecks, o.ReturnOnFailedCheck = true, true
		}},
		{"batch_only", "batch.har", func(o *Options) { o.Only = []string{"EXAMPLE.com"} }},
		{"batch_skip", "batch.har", func(o *Options) { o.Skip = []string{"cdn.example.com", "tracker.example.net"} }},
		{"batch_only_skip", "batch.har", func(o *Options) {
			o.Only, o.Skip = []string{"example.com"}, []string{"cdn.example.com"}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.golden, func(t *testing.T) {
			t.Parallel()
			o := defaults()
			tt.opts(&o)
			got, err := Generate(parseFile(t, tt.har), o)
			if err != nil {
				t.Fatal(err)
			}
			assertGolden(t, tt.golden, got)
		})
	}
}

func TestGenerateErrors(t *testing.T) {
	t.Parallel()
	h := parseFile(t, "batch.har")
	tests := []struct {
		name string
		opts func(*Options)
		want string
	}{
		{"options not JSON", func(o *Options) { o.OptionsJSON = []byte("{vus: 1}") }, "JSON object"},
		{"options an array", func(o *Options) { o.OptionsJSON = []byte("[1]") }, "JSON object"},
		{"options null", func(o *Options) { o.OptionsJSON = []byte("null") }, "JSON object"},
		{"min above max", func(o *Options) { o.MinSleep, o.MaxSleep = 5, 1 }, "sleep range"},
		{"negative sleep", func(o *Options) { o.MinSleep = -1 }, "sleep range"},
		{"negative threshold", func(o *Options) { o.BatchThreshold = -time.Millisecond }, "batch threshold"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o := defaults()
			tt.opts(&o)
			_, err := Generate(h, o)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
	if _, err := Generate(&HAR{}, defaults()); err == nil {
		t.Error("a HAR without log converted")
	}
	o := defaults()
	o.OptionsJSON = []byte("1")
	if _, err := Generate(h, o); !errors.Is(err, ErrBadOptions) {
		t.Errorf("error %v, want ErrBadOptions", err)
	}
}

func TestParseErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "not JSON: unexpected end of input"},
		{"not JSON", "hello", "not JSON: invalid character 'h' looking for beginning of value at line 1, column 1"},
		{"truncated", "{\"log\": {\"entries\": [", "not JSON: unexpected end of input"},
		{"syntax on line 3", "{\n\"log\": {\n  \"entries\": [}\n}", "at line 3, column 15"},
		{"array", "[]", "the top level: got a JSON array, want an object"},
		{"no log", "{}", `no "log" object at the top level`},
		{"log null", `{"log": null}`, `no "log" object`},
		{"log a string", `{"log": "x"}`, "log: got a JSON string, want an object (ending at line 1, column 11)"},
		{"no entries", `{"log": {"version": "1.2"}}`, "log.entries is missing"},
		{"entries an object", `{"log": {"entries": {}}}`, "log.entries: got a JSON object, want an array"},
		{"status a string", `{"log": {"entries": [{"response": {"status": "200"}}]}}`, "log.entries.response.status: got a JSON string, want a number"},
		{"no method", `{"log": {"entries": [{"request": {"url": "http://x/"}}]}}`, "log.entries[0].request.method is missing"},
		{"bad method", `{"log": {"entries": [{"request": {"method": "GE T", "url": "http://x/"}}]}}`, `log.entries[0].request.method: "GE T" is not an HTTP method`},
		{"relative URL", `{"log": {"entries": [{"request": {"method": "GET", "url": "/x"}}]}}`, `log.entries[0].request.url: "/x" is not an absolute http(s) URL`},
		{"bad URL", `{"log": {"entries": [{"request": {"method": "GET", "url": "http://[::1"}}]}}`, `log.entries[0].request.url: "http://[::1" is not`},
		{"ftp URL", `{"log": {"entries": [{"request": {"method": "GET", "url": "ftp://x/"}}]}}`, "request.url"},
		{"bad time", `{"log": {"entries": [{"startedDateTime": "yesterday", "request": {"method": "GET", "url": "http://x/"}}]}}`, `log.entries[0].startedDateTime: "yesterday" is not an ISO 8601 time`},
		{"bad page time", `{"log": {"pages": [{"startedDateTime": "x"}], "entries": []}}`, "log.pages[0].startedDateTime"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, err := Parse(strings.NewReader(tt.in))
			if err == nil {
				t.Fatal("no error")
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("%v does not wrap ErrInvalid", err)
			}
			if !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %q, want it to contain %q", err, tt.want)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error is more than one line: %q", err)
			}
		})
	}
}

func TestParseEmptyLog(t *testing.T) {
	t.Parallel()
	h, err := Parse(strings.NewReader(`{"log": {"version": "1.2", "entries": []}}`))
	if err != nil {
		t.Fatal(err)
	}
	got, err := Generate(h, defaults())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(got, "export default function main() {\n  let res;\n}\n") {
		t.Errorf("unexpected script for an empty log:\n%s", got)
	}
}

func TestQuote(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"plain":           `"plain"`,
		`a"b\c`:           `"a\"b\\c"`,
		"</script>&":      `"</script>&"`,
		"line\nsep\u2028": `"line\nsep\u2028"`,
		"\x00\xff":        `"\u0000\ufffd"`,
	} {
		if got := quote(in); got != want {
			t.Errorf("quote(%q) = %s, want %s", in, got, want)
		}
	}
}
