package threshold

import (
	"bytes"
	"encoding/json"
	"errors"
	"testing"
	"time"
)

// thresholdSpec is the comparable part of a Threshold.
type thresholdSpec struct {
	src   string
	abort bool
	delay time.Duration
}

func specs(ts []Threshold) []thresholdSpec {
	var out []thresholdSpec
	for _, t := range ts {
		out = append(out, thresholdSpec{t.Source, t.AbortOnFail, t.DelayAbortEval})
	}
	return out
}

func TestParseList(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		json    string
		want    []thresholdSpec
		wantErr string
	}{
		{"array of strings", `["p(95)<500", "p(99)<1500"]`,
			[]thresholdSpec{{"p(95)<500", false, 0}, {"p(99)<1500", false, 0}}, ""},
		{"bare string", ` "rate<0.01" `, []thresholdSpec{{"rate<0.01", false, 0}}, ""},
		{"empty array", `[]`, nil, ""},
		{"null", `null`, nil, ""},
		{"object form", `[{"threshold": "rate>0.9", "abortOnFail": true, "delayAbortEval": "10s"}]`,
			[]thresholdSpec{{"rate>0.9", true, 10 * time.Second}}, ""},
		{"mixed", `["count>=10", {"threshold": "count<100"}]`,
			[]thresholdSpec{{"count>=10", false, 0}, {"count<100", false, 0}}, ""},
		{"delay in milliseconds", `[{"threshold": "avg<1", "abortOnFail": true, "delayAbortEval": 1500}]`,
			[]thresholdSpec{{"avg<1", true, 1500 * time.Millisecond}}, ""},
		{"fractional milliseconds", `[{"threshold": "avg<1", "delayAbortEval": 0.5}]`,
			[]thresholdSpec{{"avg<1", false, 500 * time.Microsecond}}, ""},
		{"delay in days", `[{"threshold": "avg<1", "delayAbortEval": "1d12h"}]`,
			[]thresholdSpec{{"avg<1", false, 36 * time.Hour}}, ""},
		{"nulls are defaults", `[{"threshold": "avg<1", "abortOnFail": null, "delayAbortEval": null}]`,
			[]thresholdSpec{{"avg<1", false, 0}}, ""},
		{"keys are case-insensitive", `[{"Threshold": "avg<1", "abortonfail": true}]`,
			[]thresholdSpec{{"avg<1", true, 0}}, ""},
		{"source kept verbatim", `[" p(95) < 500 "]`, []thresholdSpec{{" p(95) < 500 ", false, 0}}, ""},

		{"bad expression", `["p(95)<500", "p(95)<<200"]`, nil,
			`[1]: invalid threshold "p(95)<<200": unexpected "<" at position 7`},
		{"bad bare string", `"p(95)<<200"`, nil, `invalid threshold "p(95)<<200": unexpected "<" at position 7`},
		{"bad expression in object", `[{"threshold": "avg<"}]`, nil,
			`[0].threshold: invalid threshold "avg<": unexpected end of expression at position 5`},
		{"number element", `[5]`, nil, `[0]: a threshold must be a string or an object, not number`},
		{"null element", `["avg<1", null]`, nil, `[1]: a threshold must be a string or an object, not null`},
		{"nested array", `[["avg<1"]]`, nil, `[0]: a threshold must be a string or an object, not array`},
		{"object instead of list", `{"threshold": "avg<1"}`, nil, `thresholds must be an array of strings or objects, not object`},
		{"number instead of list", `42`, nil, `thresholds must be an array of strings or objects, not number`},
		{"invalid JSON", `["avg<1"`, nil, `thresholds: invalid JSON: unexpected end of JSON input`},
		{"missing threshold", `[{"abortOnFail": true}]`, nil, `[0]: missing "threshold" field`},
		{"threshold not a string", `[{"threshold": 5}]`, nil, `[0].threshold: must be a string, not number`},
		{"unknown field", `[{"threshold": "avg<1", "abortOnFailure": true}]`, nil,
			`[0]: unknown field "abortOnFailure" (want threshold, abortOnFail or delayAbortEval)`},
		{"abort not bool", `[{"threshold": "avg<1", "abortOnFail": "yes"}]`, nil,
			`[0].abortOnFail: must be true or false, not string`},
		{"bad delay", `[{"threshold": "avg<1", "delayAbortEval": "2x"}]`, nil,
			`[0].delayAbortEval: invalid duration "2x" (want e.g. "500ms", "10s", "1m30s" or "1d12h")`},
		{"negative delay", `[{"threshold": "avg<1", "delayAbortEval": "-5s"}]`, nil,
			`[0].delayAbortEval: must not be negative, got -5s`},
		{"negative delay ms", `[{"threshold": "avg<1", "delayAbortEval": -5}]`, nil,
			`[0].delayAbortEval: must not be negative, got -5ms`},
		{"huge delay ms", `[{"threshold": "avg<1", "delayAbortEval": 1e300}]`, nil,
			`[0].delayAbortEval: invalid duration 1e300 (milliseconds out of range)`},
		{"delay wrong type", `[{"threshold": "avg<1", "delayAbortEval": true}]`, nil,
			`[0].delayAbortEval: must be a duration string such as "10s" or a number of milliseconds, not boolean`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ts, err := ParseList([]byte(tt.json))
			if tt.wantErr != "" {
				if err == nil || err.Error() != tt.wantErr {
					t.Errorf("error\n got: %v\nwant: %s", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error: %v", err)
			}
			got := specs(ts)
			if len(got) != len(tt.want) {
				t.Fatalf("got %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("[%d] = %+v, want %+v", i, got[i], tt.want[i])
				}
				if ts[i].Expr == nil || ts[i].Expr.Source() != ts[i].Source {
					t.Errorf("[%d] Expr does not match Source %q", i, ts[i].Source)
				}
			}
		})
	}
}

func TestParseListSyntaxErrorIsReachable(t *testing.T) {
	t.Parallel()
	_, err := ParseList([]byte(`[{"threshold": "avg<<1"}]`))
	var se *SyntaxError
	if !errors.As(err, &se) || se.Pos != 5 {
		t.Fatalf("errors.As(%v) did not find the *SyntaxError", err)
	}
}

func TestListJSONRoundTrip(t *testing.T) {
	t.Parallel()
	in := `{"http_req_duration":["p(95)<500",{"threshold":"p(99)<1500","abortOnFail":true,"delayAbortEval":"1m30s"}],` +
		`"checks":[{"threshold":"rate>0.9","abortOnFail":true}],"http_reqs":"count>1"}`
	var opts struct {
		Thresholds map[string]List `json:"thresholds"`
	}
	if err := json.Unmarshal([]byte(`{"thresholds":`+in+`}`), &opts); err != nil {
		t.Fatal(err)
	}
	want := `{"checks":[{"threshold":"rate>0.9","abortOnFail":true}],` +
		`"http_req_duration":["p(95)<500",{"threshold":"p(99)<1500","abortOnFail":true,"delayAbortEval":"1m30s"}],` +
		`"http_reqs":["count>1"]}`
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(opts.Thresholds); err != nil {
		t.Fatal(err)
	}
	out := bytes.TrimSpace(buf.Bytes())
	if string(out) != want {
		t.Errorf("Marshal\n got: %s\nwant: %s", out, want)
	}
	var again map[string]List
	if err := json.Unmarshal(out, &again); err != nil {
		t.Fatal(err)
	}
	if got := specs(again["http_req_duration"]); got[1] != (thresholdSpec{"p(99)<1500", true, 90 * time.Second}) {
		t.Errorf("round trip lost data: %+v", got)
	}
}

func TestListUnmarshalError(t *testing.T) {
	t.Parallel()
	var l List
	err := json.Unmarshal([]byte(`["avg<1", "avg<<1"]`), &l)
	if err == nil || err.Error() != `[1]: invalid threshold "avg<<1": unexpected "<" at position 5` {
		t.Errorf("error = %v", err)
	}
}

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in   string
		want time.Duration
		ok   bool
	}{
		{"10s", 10 * time.Second, true},
		{"500ms", 500 * time.Millisecond, true},
		{"1m30s", 90 * time.Second, true},
		{"1.5h", 90 * time.Minute, true},
		{"0", 0, true},
		{"0s", 0, true},
		{"2d", 48 * time.Hour, true},
		{"0d", 0, true},
		{"1d12h", 36 * time.Hour, true},
		{"1d1h1m1s", 25*time.Hour + time.Minute + time.Second, true},
		{"1d0.5h", 24*time.Hour + 30*time.Minute, true},
		{"-1d12h", -36 * time.Hour, true},
		{"+1d", 24 * time.Hour, true},
		{"-5s", -5 * time.Second, true},
		{" 10s ", 10 * time.Second, true},
		{"106751d", 106751 * 24 * time.Hour, true},
		{"106751d23h", 106751*24*time.Hour + 23*time.Hour, true},

		{"", 0, false},
		{" ", 0, false},
		{"-", 0, false},
		{"10", 0, false},
		{"2x", 0, false},
		{"d", 0, false},
		{"1.5d", 0, false},
		{"1d2d", 0, false},
		{"1d-5h", 0, false},
		{"1d+5h", 0, false},
		{"--5s", 0, false},
		{"d5h", 0, false},
		{"106752d", 0, false},
		{"106751d24h", 0, false},
		{"99999999999999999999d", 0, false},
		{"1 d", 0, false},
		{"1D", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDuration(tt.in)
			if (err == nil) != tt.ok || got != tt.want {
				t.Errorf("ParseDuration(%q) = %v, %v; want %v (ok=%v)", tt.in, got, err, tt.want, tt.ok)
			}
		})
	}
}
