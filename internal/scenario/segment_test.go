package scenario

import (
	"strings"
	"testing"
)

func TestParseSegment(t *testing.T) {
	t.Parallel()
	tests := []struct {
		in, want, wantErr string
		percent           float64
	}{
		{in: "", want: "0:1", percent: 100},
		{in: "0:1", want: "0:1", percent: 100},
		{in: "0:1/3", want: "0:1/3", percent: 100.0 / 3},
		{in: "1/3:2/3", want: "1/3:2/3", percent: 100.0 / 3},
		{in: "50%:100%", want: "1/2:1", percent: 50},
		{in: "0.2:2/3", want: "1/5:2/3", percent: (2.0/3 - 0.2) * 100},
		{in: "10%", want: "0:1/10", percent: 10},
		{in: "1/3", want: "0:1/3", percent: 100.0 / 3},
		{in: " 0.5 ", want: "0:1/2", percent: 50},
		{in: "2/3:1/3", wantErr: "segment start(2/3) should be less than its end(1/3)"},
		{in: "0:0", wantErr: "segment start(0) should be less than its end(0)"},
		{in: "-1/2:1", wantErr: "segment start value should be at least 0 but was -1/2"},
		{in: "0:3/2", wantErr: "segment end value shouldn't be more than 1 but was 3/2"},
		{in: "0:x", wantErr: `invalid execution segment "0:x": "x" is not a fraction, decimal or percentage`},
		{in: "0:1e400", wantErr: "is not a fraction"},
		{in: "0:1/0", wantErr: "is not a fraction"},
		{in: "a:b:c", wantErr: "is not a fraction"},
		{in: "%", wantErr: "is not a fraction"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			seg, err := ParseSegment(tt.in)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("error = %v, want %q", err, tt.wantErr)
				}
				return
			}
			if err != nil || seg.String() != tt.want {
				t.Fatalf("got %v, %v; want %s", seg, err, tt.want)
			}
			if p := seg.Percent(); p < tt.percent-1e-9 || p > tt.percent+1e-9 {
				t.Errorf("Percent() = %v, want %v", p, tt.percent)
			}
		})
	}
}

func TestSegmentSequence(t *testing.T) {
	t.Parallel()
	seq, err := ParseSegmentSequence("0,1/4,1/2,1")
	if err != nil {
		t.Fatal(err)
	}
	if seq.String() != "0,1/4,1/2,1" || len(seq.Segments()) != 3 {
		t.Fatalf("sequence %v, segments %v", seq, seq.Segments())
	}
	for _, tt := range []struct {
		seg, wantErr string
	}{
		{"1/4:1/2", ""},
		{"25%:50%", ""},
		{"0:0.25", ""},
		{"0:1/2", "provided segment 0:1/2 can't be found in sequence 0,1/4,1/2,1"},
	} {
		seg, err := ParseSegment(tt.seg)
		if err != nil {
			t.Fatal(err)
		}
		err = seq.Check(seg)
		if (err == nil) != (tt.wantErr == "") || (err != nil && err.Error() != tt.wantErr) {
			t.Errorf("Check(%s) = %v, want %q", tt.seg, err, tt.wantErr)
		}
	}
	if err := SegmentSequence(nil).Check(Segment{}); err != nil {
		t.Errorf("empty sequence must accept everything: %v", err)
	}
	for _, bad := range []string{"0", "0,1/2,1/4", "0,0,1", "0,2", "-1,0", "0,x"} {
		if _, err := ParseSegmentSequence(bad); err == nil {
			t.Errorf("ParseSegmentSequence(%q) accepted", bad)
		}
	}
	if s, err := ParseSegmentSequence(""); err != nil || s != nil {
		t.Errorf("empty sequence: %v, %v", s, err)
	}
}

func TestSegmentText(t *testing.T) {
	t.Parallel()
	var s Segment
	if err := s.UnmarshalText([]byte("1/2:1")); err != nil {
		t.Fatalf("UnmarshalText: %v %v", s, err)
	}
	b, _ := s.MarshalText()
	if string(b) != "1/2:1" || s.IsFull() || s.Length().RatString() != "1/2" {
		t.Errorf("got %s full=%v", b, s.IsFull())
	}
	if !(Segment{}).IsFull() {
		t.Error("zero segment must be full")
	}
	if err := s.UnmarshalText([]byte("bad")); err == nil {
		t.Error("want error")
	}
}
