package config

import (
	"bytes"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFromScript(t *testing.T) {
	t.Parallel()
	o, unknown, err := FromScript([]byte(`{
		"vus": 10, "duration": "30s", "iterations": null, "setupTimeout": 5000,
		"stages": [{"duration": "1m", "target": 10}],
		"dns": "ttl=1m,select=first", "tlsVersion": "tls1.2",
		"tlsCipherSuites": ["TLS_AES_128_GCM_SHA256"],
		"thresholds": {"http_req_duration": ["p(95)<500"]},
		"ext": {"loadimpact": {"name": "x"}},
		"hosts": {"a.com": "1.2.3.4:80"},
		"tags": {"env": "prod"},
		"out": ["json"], "linger": true, "foo": 1, "consoleOutput": "x"
	}`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(unknown, []string{"consoleOutput", "foo", "linger", "out"}) {
		t.Errorf("unknown = %v", unknown)
	}
	if o.VUs != Some[int64](10) || o.Duration.V.D() != 30*time.Second || o.Iterations.Valid ||
		o.SetupTimeout.V.D() != 5*time.Second || len(o.Stages.V) != 1 ||
		o.DNS.String() != "ttl=1m,select=first" || o.TLSVersion.V != (TLSVersions{"tls1.2", "tls1.2"}) ||
		string(o.Thresholds["http_req_duration"]) != `["p(95)<500"]` || o.Ext["loadimpact"] == nil ||
		o.Hosts.V["a.com"] != "1.2.3.4:80" || o.Tags.V["env"] != "prod" || o.Out.Valid || o.Linger.Valid {
		t.Errorf("unexpected options %+v", o)
	}
}

func TestFromConfigFile(t *testing.T) {
	t.Parallel()
	o, err := FromConfigFile([]byte(`{"out": ["json=x.json"], "linger": true, "noUsageReport": true,
		"collectors": {"cloud": {}}, "vus": 3, "dns": {"ttl": 5000, "policy": "any"},
		"tlsVersion": {"min": "tls1.1", "max": "tls1.3"}}`))
	if err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(o.Out.V, []string{"json=x.json"}) || o.Linger != Some(true) || o.NoUsageReport != Some(true) ||
		o.Collectors == nil || o.VUs != Some[int64](3) || o.DNS.TTL != Some("5000") || o.DNS.Select.Valid ||
		o.TLSVersion.V != (TLSVersions{"tls1.1", "tls1.3"}) {
		t.Errorf("unexpected %+v", o)
	}
}

func TestDecodeErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ in, want string }{
		{"{\n  \"vus\": 1,\n  \"duration\": \"1m\"\n  \"x\": 1\n}", "invalid JSON at line 4, column 3: invalid character '\"' after object key:value pair"},
		{`{"vus": 1,}`, "invalid JSON at line 1, column 11"},
		{`[1]`, "invalid JSON at line 1, column 1: expected an object at the top level, got array"},
		{`{"vus": "ten"}`, `vus: expected an integer, got "ten"`},
		{`{"vus": 1.5}`, `vus: expected an integer, got 1.5`},
		{`{"duration": "2x"}`, `duration: invalid duration "2x": unknown unit`},
		{`{"paused": "yes"}`, `paused: expected a boolean, got "yes"`},
		{`{"stages": [{"duration": "1m", "target": 1}, {"duration": "x"}]}`, `stages[1]: duration: invalid duration "x"`},
		{`{"scenarios": {"a": {"executor": "nope"}}}`, `scenarios: scenario "a": unknown executor type "nope"`},
		{`{"dns": "ttl"}`, `dns: invalid DNS configuration "ttl": expected key=value`},
		{`{"dns": "foo=1"}`, `dns: unknown DNS configuration field 'foo'`},
		{`{"dns": {"foo": 1}}`, `dns: unknown DNS configuration field 'foo'`},
		{`{"dns": 5}`, `dns: expected an object or a string`},
		{`{"tlsVersion": {"min": 1}}`, `tlsVersion: min: expected a string, got 1`},
		{`{"tlsVersion": {"mid": "tls1.2"}}`, `tlsVersion: unknown tlsVersion field "mid"`},
		{`{"thresholds": []}`, `thresholds: expected an object, got []`},
		{`{"tags": {"a": 1}}`, `tags: expected an object with string values`},
		{`{"summaryTrendStats": "avg"}`, `summaryTrendStats: expected an array of strings, got "avg"`},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			t.Parallel()
			_, _, err := FromScript([]byte(tt.in))
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant prefix %q", err, tt.want)
			}
		})
	}
}

func TestDecodeReportsAllErrors(t *testing.T) {
	t.Parallel()
	_, err := FromConfigFile([]byte(`{"vus": "a", "rps": "b"}`))
	if err == nil || !strings.Contains(err.Error(), "vus:") || !strings.Contains(err.Error(), "rps:") {
		t.Errorf("error = %v", err)
	}
}

func TestMarshalOnlySetKeys(t *testing.T) {
	t.Parallel()
	o := mustScript(t, `{"vus":2,"duration":60000,"paused":false,"dns":{"select":"first"},"stages":[{"duration":"1m30s","target":3},{"duration":"10s"}],
		"tlsVersion":"tls1.3","scenarios":{"b":{"executor":"per-vu-iterations"}},"thresholds":{"checks":["rate>0.9"]}}`)
	ind, err := o.MarshalIndent()
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, ind); err != nil {
		t.Fatal(err)
	}
	b := buf.Bytes()
	if !bytes.Contains(ind, []byte("\n  \"vus\": 2,")) {
		t.Errorf("not indented: %s", ind)
	}
	want := `{"vus":2,"duration":"1m0s","stages":[{"duration":"1m30s","target":3},{"duration":"10s"}],` +
		`"scenarios":{"b":{"executor":"per-vu-iterations","startTime":"0s","gracefulStop":"30s","exec":"default","env":null,"tags":null,"vus":1,"iterations":1,"maxDuration":"10m0s"}},` +
		`"paused":false,"dns":{"select":"first"},"tlsVersion":{"min":"tls1.3","max":"tls1.3"},"thresholds":{"checks":["rate>0.9"]}}`
	if string(b) != want {
		t.Errorf("got  %s\nwant %s", b, want)
	}
	// Defaults stay out of the output, CLI-only options too.
	d := Defaults()
	d.ConsoleOutput = Some("x")
	if b, _ := json.Marshal(d); string(b) != "{}" {
		t.Errorf("defaults marshal to %s", b)
	}
	// What we print, we can read back.
	back, _, err := FromScript(b)
	if err != nil {
		t.Fatal(err)
	}
	ind2, _ := back.MarshalIndent()
	if string(ind2) != string(ind) {
		t.Errorf("round trip %s -> %s", ind, ind2)
	}
}

func TestKeysMatchCaseInsensitively(t *testing.T) {
	t.Parallel()
	o := mustScript(t, `{"VUs": 3, "Duration": "1m", "scenarios": {"a": {"Executor": "constant-vus", "DURATION": "10s"}}}`)
	if o.VUs != Some[int64](3) || o.Duration.V.D() != time.Minute {
		t.Errorf("got %+v", o)
	}
	c := o.Scenarios.V["a"]
	if c == nil || c.Description() != "1 looping VUs for 10s (gracefulStop: 30s)" {
		t.Errorf("scenario %v", c)
	}
}
