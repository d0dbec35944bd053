package config

import (
	"bytes"
	"testing"
)

func FuzzOptionsJSON(f *testing.F) {
	for _, s := range []string{
		`{}`, `null`, `[]`, `{"vus":10,"duration":"30s"}`,
		`{"iterations":5,"stages":[{"duration":"1m","target":1}]}`,
		`{"stages":[{"duration":"1m","target":10},{"duration":"30s"}],"vus":2}`,
		`{"scenarios":{"a":{"executor":"ramping-arrival-rate","stages":[{"duration":"1m","target":5}],"preAllocatedVUs":2},"b":{"executor":"externally-controlled","vus":1,"duration":0}}}`,
		`{"dns":"ttl=inf,select=first","tlsVersion":{"min":"tls1.0","max":"tls1.3"},"hosts":{"a":"1.2.3.4:80"}}`,
		`{"dns":{"ttl":5000},"thresholds":{"http_req_duration":["p(95)<500",{"threshold":"avg<1","abortOnFail":true}]}}`,
		`{"summaryTrendStats":["avg","p(99.9)"],"systemTags":["vu"],"tags":{"a":"b"},"ext":{"loadimpact":{}}}`,
		`{"executionSegment":"1/4:1/2","executionSegmentSequence":"0,1/4,1/2,1","setupTimeout":1000}`,
		`{"out":["json"],"linger":true,"collectors":{},"noUsageReport":false}`,
		`{"tlsAuth":[{"domains":["a"],"cert":"x","key":"y"}],"tlsCipherSuites":["x"],"blacklistIPs":["1.0.0.0/8"]}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		o, _, err := FromScript(data)
		// The config file accepts a superset of the script's keys.
		if _, ferr := FromConfigFile(data); err != nil && ferr == nil {
			t.Fatalf("script rejected what the config file accepts: %v", err)
		}
		if err != nil {
			return
		}
		merged := Merge(Options{VUs: Some[int64](2)}, o)
		_ = merged.Validate()
		if scs, _, err := merged.DeriveScenarios(); err == nil {
			if vus, d := PlanSummary(scs); vus < 0 || d < 0 {
				t.Fatalf("negative plan %d %v", vus, d)
			}
		}
		out, err := o.MarshalIndent()
		if err != nil {
			t.Fatalf("marshal: %v", err)
		}
		back, _, err := FromScript(out)
		if err != nil {
			t.Fatalf("re-reading our own output %s: %v", out, err)
		}
		out2, err := back.MarshalIndent()
		if err != nil || !bytes.Equal(out, out2) {
			t.Fatalf("not stable:\n%s\n%s", out, out2)
		}
	})
}
