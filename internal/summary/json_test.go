package summary

import (
	"bytes"
	"encoding/json"
	"math"
	"reflect"
	"strings"
	"testing"
)

func TestLegacyJSONGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data *Data
	}{
		{"legacy_http_default", httpRun()},
		{"legacy_custom_stats", customStatsRun("")},
		{"legacy_empty", emptyRun()},
		{"legacy_nil_root", &Data{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := LegacyJSON(tt.data)
			if err != nil {
				t.Fatal(err)
			}
			if !json.Valid(got) {
				t.Fatalf("invalid JSON:\n%s", got)
			}
			assertGolden(t, tt.name+".json", got)
		})
	}
}

func TestHandleSummaryDataGolden(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		data *Data
	}{
		{"handlesummary_http_default", httpRun()},
		{"handlesummary_custom_stats", customStatsRun("ms")},
		{"handlesummary_empty", emptyRun()},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(HandleSummaryData(tt.data)); err != nil {
				t.Fatal(err)
			}
			assertGolden(t, tt.name+".json", b.Bytes())
		})
	}
}

// TestLegacyJSONIsTransformedHandleSummaryData checks LegacyJSON against an
// independent implementation of the transformation k6's wrapper applies to
// the handleSummary data, compared as decoded JSON (order aside).
func TestLegacyJSONIsTransformedHandleSummaryData(t *testing.T) {
	t.Parallel()
	for _, d := range []*Data{httpRun(), customStatsRun(""), emptyRun(), specExampleRun()} {
		raw, err := json.Marshal(HandleSummaryData(d))
		if err != nil {
			t.Fatal(err)
		}
		var data map[string]any
		if err := json.Unmarshal(raw, &data); err != nil {
			t.Fatal(err)
		}
		delete(data, "options")
		for name, m := range data["metrics"].(map[string]any) {
			m := m.(map[string]any)
			vals := m["values"].(map[string]any)
			if th, ok := m["thresholds"].(map[string]any); ok {
				old := map[string]any{}
				for k, v := range th {
					old[k] = !v.(map[string]any)["ok"].(bool)
				}
				vals["thresholds"] = old
			}
			if r, ok := vals["rate"]; ok && m["type"] == "rate" {
				vals["value"] = r
				delete(vals, "rate")
			}
			data["metrics"].(map[string]any)[name] = vals
		}
		var transform func(g map[string]any) map[string]any
		transform = func(g map[string]any) map[string]any {
			groups, checks := map[string]any{}, map[string]any{}
			for _, sg := range g["groups"].([]any) {
				sg := sg.(map[string]any)
				groups[sg["name"].(string)] = transform(sg)
			}
			for _, c := range g["checks"].([]any) {
				checks[c.(map[string]any)["name"].(string)] = c
			}
			g["groups"], g["checks"] = groups, checks
			return g
		}
		data["root_group"] = transform(data["root_group"].(map[string]any))

		legacy, err := LegacyJSON(d)
		if err != nil {
			t.Fatal(err)
		}
		var got map[string]any
		if err := json.Unmarshal(legacy, &got); err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, data) {
			t.Errorf("legacy JSON is not the transformed handleSummary data:\n%s", legacy)
		}
	}
}

func TestHandleSummaryDataShape(t *testing.T) {
	t.Parallel()
	d := httpRun()
	got := HandleSummaryData(d)
	if _, ok := got["state"]; ok {
		t.Error(`v0.32 has no "state" key`)
	}
	opts := got["options"].(map[string]any)
	if !reflect.DeepEqual(opts["summaryTrendStats"], DefaultTrendStats()) || opts["summaryTimeUnit"] != "" {
		t.Errorf("options = %v", opts)
	}
	root := got["root_group"].(map[string]any)
	if root["id"] != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("root id = %v", root["id"])
	}
	var names []string
	for _, g := range root["groups"].([]any) {
		names = append(names, g.(map[string]any)["name"].(string))
	}
	if want := "setup login api teardown"; strings.Join(names, " ") != want {
		t.Errorf("groups = %q, want execution order %q", names, want)
	}
	m := got["metrics"].(map[string]any)["http_req_duration{name:login}"].(map[string]any)
	if ok := m["thresholds"].(map[string]any)["avg<100"].(map[string]any)["ok"]; ok != false {
		t.Errorf("threshold ok = %v", ok)
	}

	// The result must not alias the input.
	got["metrics"].(map[string]any)["checks"].(map[string]any)["values"].(map[string]any)["rate"] = 42.0
	got["options"].(map[string]any)["summaryTrendStats"].([]string)[0] = "x"
	if d.Metrics[0].Values["rate"] == 42 || d.Options.trendStats()[0] == "x" {
		t.Error("HandleSummaryData aliases its input")
	}
}

func TestLegacyJSONDetails(t *testing.T) {
	t.Parallel()
	root := rootGroup()
	check(root, "b", 1, 0)
	check(root, "200", 1, 0)
	check(root, "a", 1, 0)
	check(root, "10", 1, 0)
	d := &Data{
		RootGroup: root,
		Metrics: []Metric{
			withTh(rate("r", 1, 1), Threshold{Source: "rate<0.5 && rate>0", OK: false}),
			{Name: "nan", Type: TypeGauge, Values: map[string]float64{"value": math.NaN(), "min": math.Inf(1), "max": 1e-7}},
		},
	}
	got, err := LegacyJSON(d)
	if err != nil {
		t.Fatal(err)
	}
	s := string(got)
	for _, want := range []string{
		`"checks": {` + "\n" + `            "10": {`, // JS enumerates index-like keys first
		`"rate<0.5 && rate>0": true`,                 // not HTML-escaped; true = failed
		`"passes": 1,` + "\n" + `            "fails": 1,` + "\n" + `            "value": 0.5,`,
		`"value": null`, `"min": null`, `"max": 1e-7`,
	} {
		if !strings.Contains(s, want) {
			t.Errorf("legacy JSON lacks %q:\n%s", want, s)
		}
	}
	if strings.HasSuffix(s, "\n") {
		t.Error("JSON.stringify output has no trailing newline")
	}
	if i, j := strings.Index(s, `"200"`), strings.Index(s, `"b"`); i < 0 || j < i {
		t.Error(`check "200" should precede "b"`)
	}
}

func TestWriteJSONNumber(t *testing.T) {
	t.Parallel()
	tests := map[float64]string{
		0: "0", 1: "1", -1: "-1", 0.5: "0.5", 120.5: "120.5", 1e20: "100000000000000000000",
		1e21: "1e+21", 1.5e-7: "1.5e-7", 0.000001: "0.000001", 1.0 / 3: "0.3333333333333333",
		math.NaN(): "null", math.Inf(-1): "null",
	}
	for f, want := range tests {
		var b bytes.Buffer
		writeJSONNumber(&b, f)
		if b.String() != want {
			t.Errorf("%v → %s, want %s", f, b.String(), want)
		}
	}
}

func TestWriteJSONString(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		`p(95)<500 & x>1`: `"p(95)<500 & x>1"`,
		"a\"b\\c":         `"a\"b\\c"`,
		"\b\f\n\r\t\x01":  `"\b\f\n\r\t\u0001"`,
		"µ ✓ \u2028":      "\"µ ✓ \u2028\"",
		"bad\xffutf8":     "\"bad\ufffdutf8\"",
	}
	for in, want := range tests {
		var b bytes.Buffer
		writeJSONString(&b, in)
		if b.String() != want {
			t.Errorf("%q → %s, want %s", in, b.String(), want)
		}
	}
}

func TestHandleSummaryDataDefaults(t *testing.T) {
	t.Parallel()
	got := HandleSummaryData(&Data{Metrics: []Metric{{Name: "c", Type: TypeCounter, Values: map[string]float64{"count": 1}}}})
	if c := got["metrics"].(map[string]any)["c"].(map[string]any)["contains"]; c != ContainsDefault {
		t.Errorf(`contains = %v, want "default"`, c)
	}
	root := got["root_group"].(map[string]any)
	if root["id"] != IDFor("") || len(root["groups"].([]any)) != 0 || len(root["checks"].([]any)) != 0 {
		t.Errorf("a missing root group should export as an empty one: %v", root)
	}
}
