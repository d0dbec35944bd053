package metrics_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

// allSystemTags is k6 v0.32's full list in its order (spec §4.3).
var allSystemTags = []string{
	"proto", "subproto", "status", "method", "url", "name", "group", "check", "error",
	"error_code", "tls_version", "scenario", "service", "expected_response", "iter", "vu",
	"ocsp_status", "ip",
}

func TestDefaultSystemTags(t *testing.T) {
	t.Parallel()
	off := []string{"iter", "vu", "ocsp_status", "ip"}
	var want []string
	for _, n := range allSystemTags {
		if !slices.Contains(off, n) {
			want = append(want, n)
		}
	}
	if got := metrics.DefaultSystemTags.Names(); !slices.Equal(got, want) {
		t.Errorf("DefaultSystemTags.Names() = %v, want %v", got, want)
	}
	parsed, err := metrics.ParseSystemTags(want)
	if err != nil {
		t.Fatal(err)
	}
	if parsed != metrics.DefaultSystemTags {
		t.Errorf("ParseSystemTags(defaults) = %b, want %b", parsed, metrics.DefaultSystemTags)
	}
	for _, tag := range []metrics.SystemTag{metrics.TagIter, metrics.TagVU, metrics.TagOCSPStatus, metrics.TagIP} {
		if metrics.DefaultSystemTags.Has(tag) {
			t.Errorf("the default set has %b", tag)
		}
	}
	for _, tag := range []metrics.SystemTag{metrics.TagProto, metrics.TagGroup, metrics.TagCheck,
		metrics.TagScenario, metrics.TagExpectedResponse, metrics.TagStatus} {
		if !metrics.DefaultSystemTags.Has(tag) {
			t.Errorf("the default set lacks %b", tag)
		}
	}
}

func TestParseSystemTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		in      []string
		want    []string // Names() of the result
		wantErr string
	}{
		{"nil", nil, nil, ""},
		{"empty", []string{}, nil, ""},
		{"only blanks", []string{"", "  "}, nil, ""},
		{"one", []string{"vu"}, []string{"vu"}, ""},
		{"k6 order, whatever the input order", []string{"ip", "proto", "iter", "status"},
			[]string{"proto", "status", "iter", "ip"}, ""},
		{"white space trimmed", []string{" url ", "\tmethod\n"}, []string{"method", "url"}, ""},
		{"duplicates", []string{"vu", "vu", "iter"}, []string{"iter", "vu"}, ""},
		{"every tag", allSystemTags, allSystemTags, ""},
		{"unknown", []string{"proto", "nope"}, nil, `unknown system tag "nope"`},
		{"case-sensitive", []string{"Proto"}, nil, `unknown system tag "Proto"`},
		{"no comma splitting", []string{"proto,url"}, nil, `unknown system tag "proto,url"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := metrics.ParseSystemTags(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseSystemTags(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				if got != 0 {
					t.Errorf("ParseSystemTags(%q) = %b with an error, want 0", tt.in, got)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseSystemTags(%q): %v", tt.in, err)
			}
			if names := got.Names(); !slices.Equal(names, tt.want) {
				t.Errorf("ParseSystemTags(%q).Names() = %v, want %v", tt.in, names, tt.want)
			}
		})
	}
}

// TestSystemTagsRoundTrip checks each tag alone: its name parses to exactly
// one distinct bit, which Has reports and Names renders back.
func TestSystemTagsRoundTrip(t *testing.T) {
	t.Parallel()
	var union metrics.SystemTagSet
	for _, name := range allSystemTags {
		s, err := metrics.ParseSystemTags([]string{name})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if s == 0 || s&(s-1) != 0 {
			t.Errorf("%s parses to %b, want a single bit", name, s)
		}
		if union&s != 0 {
			t.Errorf("%s shares its bit with another tag", name)
		}
		union |= s
		if !s.Has(metrics.SystemTag(s)) {
			t.Errorf("%s: Has(own bit) = false", name)
		}
		if got := s.Names(); !slices.Equal(got, []string{name}) {
			t.Errorf("%s: Names() = %v", name, got)
		}
	}
	if got := metrics.SystemTagSet(0).Names(); got != nil {
		t.Errorf("empty set Names() = %v, want nil", got)
	}
	if metrics.SystemTagSet(0).Has(metrics.TagProto) {
		t.Error("empty set has proto")
	}
}
