package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"slices"
	"testing"
	"time"
)

func validateScript(t *testing.T, js string) []string {
	t.Helper()
	return errStrings(Merge(mustScript(t, js)).Validate())
}

func errStrings(errs []error) []string {
	out := []string{}
	for _, e := range errs {
		out = append(out, e.Error())
	}
	return out
}

func TestValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, js string
		want     []string
	}{
		{"defaults are valid", `{}`, []string{}},
		{"full valid", `{"vus":2,"duration":"10s","executionSegment":"1/4:1/2","executionSegmentSequence":"0,1/4,1/2,1",
			"summaryTrendStats":["avg","count","p(0)","p(100)","p(99.99)"],"summaryTimeUnit":"us","systemTags":["ip","vu","iter","ocsp_status"],
			"tlsCipherSuites":["TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305"],"tlsVersion":{"min":"tls1.2","max":""},
			"dns":{"ttl":"inf","select":"roundRobin","policy":"onlyIPv6"},"blacklistIPs":["10.0.0.0/8","::1/128"],
			"blockHostnames":["*.example.com","test.k6.io","*"],"hosts":{"a.com":"1.2.3.4","b.com":"[::1]:80","c.com":"1.2.3.4:8080"}}`, []string{}},
		{"scenario errors have paths", `{"scenarios":{"login":{"executor":"ramping-vus","stages":[{"duration":"1m","target":1},{"duration":"1m","target":1},{"target":1}]}}}`,
			[]string{"scenarios.login.stages[2].duration: stage 3 doesn't have a duration"}},
		{"shortcut conflict", `{"iterations":5,"scenarios":{"a":{"executor":"per-vu-iterations"}}}`,
			[]string{"using an execution configuration shortcut (`iterations`) and `scenarios` simultaneously is not allowed"}},
		{"shortcut scenario invalid", `{"iterations":1,"vus":5}`,
			[]string{"scenarios.default.iterations: the number of iterations (1) shouldn't be less than the number of VUs (5)"}},
		{"trend stats", `{"summaryTrendStats":["avg","p(101)","p95","p()","p(-1)","p(1e1)","mean"]}`,
			[]string{"summaryTrendStats: stat 'p(101)' is unknown", "summaryTrendStats: stat 'p95' is unknown",
				"summaryTrendStats: stat 'p()' is unknown", "summaryTrendStats: stat 'p(-1)' is unknown",
				"summaryTrendStats: stat 'p(1e1)' is unknown", "summaryTrendStats: stat 'mean' is unknown"}},
		{"time unit", `{"summaryTimeUnit":"m"}`, []string{"summaryTimeUnit: invalid summary time unit 'm', use: 's', 'ms' or 'us'"}},
		{"system tags", `{"systemTags":["url","foo"]}`, []string{"systemTags: unknown system tag 'foo'"}},
		{"segment not in sequence", `{"executionSegment":"0:1/2","executionSegmentSequence":"0,1/4,1/2,1"}`,
			[]string{"executionSegment: provided segment 0:1/2 can't be found in sequence 0,1/4,1/2,1"}},
		{"bad segment", `{"executionSegment":"2/3:1/3","executionSegmentSequence":"0,x"}`,
			[]string{`executionSegment: invalid execution segment "2/3:1/3": segment start(2/3) should be less than its end(1/3)`,
				`executionSegmentSequence: invalid execution segment sequence "0,x": "x" is not a fraction, decimal or percentage`}},
		{"externally-controlled with segment", `{"executionSegment":"0:1/2","scenarios":{"ext":{"executor":"externally-controlled","vus":1,"duration":"1m"}}}`,
			[]string{"scenarios.ext: the externally-controlled executor can't be used with an execution segment other than 0:1"}},
		{"cipher", `{"tlsCipherSuites":["TLS_AES_128_GCM_SHA256","x"]}`, []string{"tlsCipherSuites: unknown cipher suite 'x'"}},
		{"tls version", `{"tlsVersion":"ssl3"}`, []string{
			"tlsVersion.min: unknown TLS version 'ssl3', expected one of tls1.0, tls1.1, tls1.2, tls1.3",
			"tlsVersion.max: unknown TLS version 'ssl3', expected one of tls1.0, tls1.1, tls1.2, tls1.3"}},
		{"tls version order", `{"tlsVersion":{"min":"tls1.3","max":"tls1.1"}}`, []string{"tlsVersion: min version 'tls1.3' is higher than max version 'tls1.1'"}},
		{"tls auth", `{"tlsAuth":[{"domains":[],"cert":"x","key":"y"}]}`, []string{
			"tlsAuth[0].domains: at least one domain has to be specified",
			"tlsAuth[0]: invalid certificate or key: tls: failed to find any PEM data in certificate input"}},
		{"dns", `{"dns":{"ttl":"-1s","select":"last","policy":"ipv4"}}`, []string{
			`dns.ttl: invalid ttl "-1s": must not be negative`,
			"dns.select: unknown value 'last', expected one of first, random, roundRobin",
			"dns.policy: unknown value 'ipv4', expected one of preferIPv4, preferIPv6, onlyIPv4, onlyIPv6, any"}},
		{"dns ttl garbage", `{"dns":"ttl=forever"}`, []string{`dns.ttl: invalid ttl "forever": expected "inf", 0, a duration or milliseconds`}},
		{"network lists", `{"blacklistIPs":["10.0.0.1"],"blockHostnames":["a.*.com","ex ample"],"hosts":{"a.com":"nope"}}`, []string{
			"blacklistIPs: invalid CIDR '10.0.0.1', expected e.g. 10.0.0.0/8",
			"blockHostnames: invalid host pattern 'a.*.com'", "blockHostnames: invalid host pattern 'ex ample'",
			"hosts.a.com: invalid address 'nope', expected an IP or IP:port"}},
		{"negatives", `{"rps":-1,"maxRedirects":-1,"batch":-1,"batchPerHost":-1,"metricSamplesBufferSize":-1,"setupTimeout":"-1s","teardownTimeout":-5,"minIterationDuration":"-1m"}`,
			[]string{"rps: shouldn't be negative, but is -1", "maxRedirects: shouldn't be negative, but is -1",
				"batch: shouldn't be negative, but is -1", "batchPerHost: shouldn't be negative, but is -1",
				"metricSamplesBufferSize: shouldn't be negative, but is -1", "setupTimeout: shouldn't be negative, but is -1s",
				"teardownTimeout: shouldn't be negative, but is -5ms", "minIterationDuration: shouldn't be negative, but is -1m0s"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := validateScript(t, tt.js); !slices.Equal(got, tt.want) {
				t.Errorf("Validate()\n got %q\nwant %q", got, tt.want)
			}
		})
	}
}

func TestValidateLocalIPs(t *testing.T) {
	t.Parallel()
	ok := Options{LocalIPs: Some("192.168.220.1,192.168.0.10-192.168.0.25, fd:1::0/120")}
	if errs := Merge(ok).Validate(); len(errs) != 0 {
		t.Errorf("unexpected %v", errs)
	}
	bad := Options{LocalIPs: Some("10.0.0.5-10.0.0.1,x,10.0.0.1-::1")}
	want := []string{"localIPs: invalid IP, IP range or CIDR '10.0.0.5-10.0.0.1'", "localIPs: invalid IP, IP range or CIDR 'x'",
		"localIPs: invalid IP, IP range or CIDR '10.0.0.1-::1'"}
	if got := errStrings(Merge(bad).Validate()); !slices.Equal(got, want) {
		t.Errorf("got %q", got)
	}
}

func TestValidateTLSAuthOK(t *testing.T) {
	t.Parallel()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "a.com"},
		NotBefore: time.Now(), NotAfter: time.Now().Add(time.Hour)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, _ := x509.MarshalECPrivateKey(key)
	o := Options{TLSAuth: Some([]TLSAuth{{Domains: []string{"a.com"},
		Cert: string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})),
		Key:  string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder}))}})}
	if errs := Merge(o).Validate(); len(errs) != 0 {
		t.Errorf("unexpected %v", errs)
	}
}

func TestCipherSuiteIDsAndTLSVersion(t *testing.T) {
	t.Parallel()
	ids, err := CipherSuiteIDs([]string{"TLS_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305"})
	if err != nil || len(ids) != 2 || ids[0] != 0x1301 || ids[1] != 0xcca9 {
		t.Errorf("ids %x, %v", ids, err)
	}
	if _, err := CipherSuiteIDs([]string{"nope"}); err == nil || err.Error() != "unknown cipher suite 'nope'" {
		t.Errorf("error %v", err)
	}
	if v, ok := TLSVersionID("tls1.3"); !ok || v != 0x0304 {
		t.Errorf("tls1.3 = %x", v)
	}
	if len(cipherSuites()) != 25 {
		t.Errorf("k6 v0.32 knows 25 cipher suites, we have %d", len(cipherSuites()))
	}
}

func TestDNSTTL(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct {
		in  string
		d   time.Duration
		inf bool
	}{{"inf", 0, true}, {"0", 0, false}, {"5m", 5 * time.Minute, false}, {"1500", 1500 * time.Millisecond, false}, {"1d", 24 * time.Hour, false}} {
		d, inf, err := DNS{TTL: Some(tt.in)}.TTLDuration()
		if err != nil || d != tt.d || inf != tt.inf {
			t.Errorf("TTLDuration(%q) = %v, %v, %v", tt.in, d, inf, err)
		}
	}
}
