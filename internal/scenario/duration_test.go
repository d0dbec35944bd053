package scenario

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestParseDuration(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		wantErr string
	}{
		{in: "300ms", want: 300 * time.Millisecond},
		{in: "1.5s", want: 1500 * time.Millisecond},
		{in: "2m30s", want: 150 * time.Second},
		{in: "0", want: 0},
		{in: "2d", want: 48 * time.Hour},
		{in: "1d12h", want: 36 * time.Hour},
		{in: "1d0.5h", want: 24*time.Hour + 30*time.Minute},
		{in: "-1d2h", want: -26 * time.Hour},
		{in: "0d", want: 0},
		{in: "", wantErr: `invalid duration ""`},
		{in: "2x", wantErr: `invalid duration "2x": unknown unit`},
		{in: "10", wantErr: `invalid duration "10": missing unit`},
		{in: "d", wantErr: `invalid duration "d"`},
		{in: "1.5d", wantErr: `invalid duration "1.5d"`},
		{in: "1d-2h", wantErr: `invalid duration "1d-2h"`},
		{in: "1dd", wantErr: `invalid duration "1dd"`},
		{in: "999999999999d", wantErr: "out of range"},
		{in: "106752d", wantErr: "out of range"},
		{in: "100000d", want: 100000 * 24 * time.Hour},
		{in: "106751d23h47m16.854775808s", wantErr: "out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			got, err := ParseDuration(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("ParseDuration(%q) error = %v, want %q", tt.in, err, tt.wantErr)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("ParseDuration(%q) = %v, %v; want %v", tt.in, got, err, tt.want)
			}
		})
	}
}

func TestDurationJSON(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in      string
		want    time.Duration
		out     string
		wantErr bool
	}{
		{in: `"1m"`, want: time.Minute, out: `"1m0s"`},
		{in: `"1d"`, want: 24 * time.Hour, out: `"24h0m0s"`},
		{in: `5000`, want: 5 * time.Second, out: `"5s"`},
		{in: `1.5`, want: 1500 * time.Microsecond, out: `"1.5ms"`},
		{in: `0`, want: 0, out: `"0s"`},
		{in: `"x"`, wantErr: true},
		{in: `true`, wantErr: true},
		{in: `1e300`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			var d Duration
			err := json.Unmarshal([]byte(tt.in), &d)
			if tt.wantErr {
				if err == nil {
					t.Fatalf("want error, got %v", d)
				}
				return
			}
			if err != nil || d.D() != tt.want {
				t.Fatalf("got %v, %v; want %v", d, err, tt.want)
			}
			b, _ := json.Marshal(d)
			if string(b) != tt.out {
				t.Fatalf("marshal = %s, want %s", b, tt.out)
			}
		})
	}
}

func TestParseStage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in         string
		want       string
		hasTarget  bool
		wantErrSub string
	}{
		{in: "1m:10", want: "1m0s:10", hasTarget: true},
		{in: "30s:0", want: "30s:0", hasTarget: true},
		{in: "60s", want: "1m0s"},
		{in: "60s:", want: "1m0s"},
		{in: " 1d : 5 ", want: "24h0m0s:5", hasTarget: true},
		{in: "x:1", wantErrSub: `invalid stage "x:1"`},
		{in: "1m:a", wantErrSub: `target "a" is not an integer`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			s, err := ParseStage(tt.in)
			if tt.wantErrSub != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErrSub) {
					t.Fatalf("error = %v, want %q", err, tt.wantErrSub)
				}
				return
			}
			if err != nil || s.String() != tt.want || s.HasTarget() != tt.hasTarget || !s.HasDuration() {
				t.Fatalf("got %v (target %v), %v; want %s (target %v)", s, s.HasTarget(), err, tt.want, tt.hasTarget)
			}
		})
	}
}

func TestStageJSONRoundTrip(t *testing.T) {
	t.Parallel()
	for _, in := range []string{`{"duration":"30s","target":10}`, `{"target":10}`, `{"duration":"30s"}`, `{}`} {
		var s Stage
		if err := json.Unmarshal([]byte(in), &s); err != nil {
			t.Fatal(err)
		}
		out, _ := json.Marshal(s)
		if string(out) != in {
			t.Errorf("round trip %s -> %s", in, out)
		}
	}
}
