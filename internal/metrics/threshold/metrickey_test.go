package threshold

import (
	"slices"
	"testing"
)

func TestParseMetricKey(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name     string
		key      string
		wantName string
		want     []Tag
		wantErr  string
	}{
		{"plain", "http_req_duration", "http_req_duration", nil, ""},
		{"name with spaces inside", "my metric", "my metric", nil, ""},
		{"surrounding space", "  checks  ", "checks", nil, ""},
		{"one tag", "http_req_duration{status:200}", "http_req_duration", []Tag{{"status", "200"}}, ""},
		{"spec example", `http_req_duration{status:200,  name:"foo"}`, "http_req_duration",
			[]Tag{{"status", "200"}, {"name", "foo"}}, ""},
		{"single quotes", `checks{'myTag': 'hola'}`, "checks", []Tag{{"myTag", "hola"}}, ""},
		{"quoted key", `checks{"myTag":hola}`, "checks", []Tag{{"myTag", "hola"}}, ""},
		{"space inside quotes", `m{name:" foo bar "}`, "m", []Tag{{"name", "foo bar"}}, ""},
		{"group value", "group_duration{group:::mygroup}", "group_duration", []Tag{{"group", "::mygroup"}}, ""},
		{"nested group", "group_duration{group:::a::b}", "group_duration", []Tag{{"group", "::a::b"}}, ""},
		{"url value with colon", "http_reqs{url:http://x:8080/a}", "http_reqs", []Tag{{"url", "http://x:8080/a"}}, ""},
		{"expected response", "http_req_duration{expected_response:true}", "http_req_duration",
			[]Tag{{"expected_response", "true"}}, ""},
		{"no colon means empty", "http_req_duration{error}", "http_req_duration", []Tag{{"error", ""}}, ""},
		{"empty value", "m{error:}", "m", []Tag{{"error", ""}}, ""},
		{"empty quoted value", `m{error:""}`, "m", []Tag{{"error", ""}}, ""},
		{"empty filter", "m{}", "m", nil, ""},
		{"empty parts skipped", "m{a:1,, b:2,}", "m", []Tag{{"a", "1"}, {"b", "2"}}, ""},
		{"space before brace", "http_req_duration {status:200}", "http_req_duration", []Tag{{"status", "200"}}, ""},
		{"trailing space after brace", "m{a:1} ", "m", []Tag{{"a", "1"}}, ""},
		{"closing brace in value", "m{a:b}}", "m", []Tag{{"a", "b}"}}, ""},
		{"opening brace in value", "m{a:{b}", "m", []Tag{{"a", "{b"}}, ""},

		{"unclosed", "m{a:1", "", nil, `invalid metric key "m{a:1": missing "}" at the end of the tag filter`},
		{"text after filter", "m{a:1}x", "", nil, `invalid metric key "m{a:1}x": missing "}" at the end of the tag filter`},
		{"closing without opening", "m}", "", nil, `invalid metric key "m}": unexpected "}" without "{"`},
		{"empty key", "", "", nil, `invalid metric key "": empty metric name`},
		{"blank key", "  ", "", nil, `invalid metric key "  ": empty metric name`},
		{"filter only", "{a:1}", "", nil, `invalid metric key "{a:1}": empty metric name`},
		{"empty tag name", "m{:1}", "", nil, `invalid metric key "m{:1}": empty tag name in ":1"`},
		{"quotes only tag name", `m{"":1}`, "", nil, `invalid metric key "m{\"\":1}": empty tag name in "\"\":1"`},
		{"duplicate tag", "m{a:1,a:2}", "", nil, `invalid metric key "m{a:1,a:2}": tag "a" is listed twice`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			name, filter, err := ParseMetricKey(tt.key)
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error\n got: %v\nwant: %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			if name != tt.wantName || !slices.Equal(filter, tt.want) {
				t.Errorf("ParseMetricKey(%q) = %q, %q; want %q, %q", tt.key, name, filter, tt.wantName, tt.want)
			}
		})
	}
}

func TestMatches(t *testing.T) {
	t.Parallel()
	sample := map[string]string{"status": "200", "name": "foo", "group": "::g", "error": ""}
	get := func(k string) (string, bool) {
		v, ok := sample[k]
		return v, ok
	}
	tests := []struct {
		name   string
		filter []Tag
		want   bool
	}{
		{"nil filter", nil, true},
		{"one match", []Tag{{"status", "200"}}, true},
		{"all match", []Tag{{"status", "200"}, {"name", "foo"}, {"group", "::g"}}, true},
		{"one differs", []Tag{{"status", "200"}, {"name", "bar"}}, false},
		{"missing tag", []Tag{{"scenario", "x"}}, false},
		{"missing tag is not empty", []Tag{{"scenario", ""}}, false},
		{"present empty tag", []Tag{{"error", ""}}, true},
		{"case sensitive", []Tag{{"Status", "200"}}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := Matches(tt.filter, get); got != tt.want {
				t.Errorf("Matches(%q) = %v, want %v", tt.filter, got, tt.want)
			}
		})
	}
}
