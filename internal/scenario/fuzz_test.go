package scenario

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func FuzzParseDuration(f *testing.F) {
	for _, s := range []string{"1s", "1.5m", "2d", "1d12h", "-1d2h", "0", "10", "1dd", "5µs", "9223372036854775807ns", "106751d"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		d, err := ParseDuration(s)
		if err != nil {
			if !strings.HasPrefix(err.Error(), "invalid duration ") {
				t.Fatalf("error without the usual prefix: %v", err)
			}
			return
		}
		// Whatever we accept must survive our own output format.
		back, err := ParseDuration(d.String())
		if err != nil || back != d {
			t.Fatalf("ParseDuration(%q) = %v, but its String() %q gives %v, %v", s, d, d.String(), back, err)
		}
		var jd Duration
		b, _ := json.Marshal(Duration(d))
		if err := json.Unmarshal(b, &jd); err != nil || jd.D() != d {
			t.Fatalf("JSON round trip of %v: %s -> %v, %v", d, b, jd, err)
		}
	})
}

func FuzzParseScenario(f *testing.F) {
	for _, s := range []string{
		`{"executor":"constant-vus","vus":10,"duration":"30s"}`,
		`{"executor":"ramping-vus","startVUs":0,"stages":[{"duration":"10s","target":5},{"duration":"5s"}]}`,
		`{"executor":"per-vu-iterations","vus":2,"iterations":3,"exec":"f","env":{"a":"b"},"tags":{"c":"d"}}`,
		`{"executor":"shared-iterations","vus":2,"iterations":3,"maxDuration":1000}`,
		`{"executor":"constant-arrival-rate","rate":5,"timeUnit":"1m","duration":"1m","preAllocatedVUs":1,"maxVUs":3}`,
		`{"executor":"ramping-arrival-rate","startRate":1,"stages":[{"duration":"10s","target":5}],"preAllocatedVUs":1}`,
		`{"executor":"externally-controlled","vus":1,"maxVUs":3,"duration":0}`,
		`{"executor":"nope"}`, `{}`, `[]`, `null`,
	} {
		f.Add("default", s)
	}
	f.Fuzz(func(t *testing.T, name, raw string) {
		c, err := Parse(name, []byte(raw))
		if err != nil {
			if !strings.HasPrefix(err.Error(), "scenario ") {
				t.Fatalf("error does not name the scenario: %v", err)
			}
			return
		}
		if c.Base().Name != name {
			t.Fatalf("name %q, want %q", c.Base().Name, name)
		}
		for _, e := range c.Validate() {
			if !strings.HasPrefix(e.Error(), "scenarios") {
				t.Fatalf("validation error without path: %v", e)
			}
		}
		desc, peak, planned := c.Description(), c.PeakVUs(), c.PlannedDuration()
		if peak < 0 || planned < 0 {
			t.Fatalf("negative plan: %d VUs, %v", peak, planned)
		}
		if r, ok := c.(*RampingVUs); ok {
			for _, at := range []time.Duration{-1, 0, time.Second, planned / 2, planned} {
				if v := r.VUsAt(at); v < 0 || v > peak {
					t.Fatalf("VUsAt(%v) = %d outside [0, %d]", at, v, peak)
				}
			}
		}
		b, err := json.Marshal(c)
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		c2, err := Parse(name, b)
		if err != nil {
			t.Fatalf("re-parse of %s: %v", b, err)
		}
		if c2.Description() != desc || c2.PeakVUs() != peak || c2.PlannedDuration() != planned {
			t.Fatalf("round trip changed the config:\n%s\n%s", raw, b)
		}
	})
}
