package config

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestFromEnv(t *testing.T) {
	t.Parallel()
	environ := []string{
		"K6_VUS=10", "K6_DURATION=1m30s", "K6_ITERATIONS=100", "K6_STAGES=1m:10,30s:0,10s",
		"K6_PAUSED=true", "NO_SETUP=1", "NO_TEARDOWN=true", "K6_NO_SETUP=false",
		"K6_SETUP_TIMEOUT=2m", "K6_TEARDOWN_TIMEOUT=1d", "K6_RPS=50",
		"K6_DNS=ttl=inf,select=roundRobin,policy=onlyIPv4", "K6_MAX_REDIRECTS=3",
		"K6_USER_AGENT=", "K6_BATCH=5", "K6_BATCH_PER_HOST=2", "K6_HTTP_DEBUG=full",
		"K6_INSECURE_SKIP_TLS_VERIFY=true", "K6_TLS_CIPHER_SUITES=TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384",
		"K6_THROW=true", `K6_THRESHOLDS={"http_req_duration":["p(95)<500"]}`,
		"K6_BLACKLIST_IPS=10.0.0.0/8,192.168.0.0/16", "K6_BLOCK_HOSTNAMES=*.example.com",
		"K6_HOSTS=a.com=1.2.3.4,b.com:5.6.7.8:8080", "K6_NO_CONNECTION_REUSE=1", "K6_NO_VU_CONNECTION_REUSE=t",
		"K6_MIN_ITERATION_DURATION=5s", "K6_SUMMARY_TREND_STATS=avg,p(99.9)", "K6_SUMMARY_TIME_UNIT=ms",
		"K6_SYSTEM_TAGS=url,vu", "K6_TAGS=a=b,c=d=e", "K6_METRIC_SAMPLES_BUFFER_SIZE=10",
		"K6_NO_COOKIES_RESET=true", "K6_DISCARD_RESPONSE_BODIES=true", "K6_CONSOLE_OUTPUT=out.log",
		"K6_LOCAL_IPS=10.0.0.1-10.0.0.5", "K6_OUT=json=a.json,csv=b.csv", "K6_LINGER=true", "K6_NO_USAGE_REPORT=true",
		`K6_TLSAUTH=[{"domains":["a.com"],"cert":"C","key":"K"}]`, "K6_TLS_VERSION=tls1.2",
	}
	o, err := FromEnv(nil, environ)
	if err != nil {
		t.Fatal(err)
	}
	checks := []struct {
		name string
		ok   bool
	}{
		{"vus", o.VUs == Some[int64](10)},
		{"duration", o.Duration.V.D() == 90*time.Second},
		{"iterations", o.Iterations == Some[int64](100)},
		{"stages", len(o.Stages.V) == 3 && o.Stages.V[0].String() == "1m0s:10" && !o.Stages.V[2].HasTarget()},
		{"paused", o.Paused == Some(true)},
		{"no setup quirk", o.NoSetup == Some(true) && o.NoTeardown == Some(true)},
		{"timeouts", o.SetupTimeout.V.D() == 2*time.Minute && o.TeardownTimeout.V.D() == 24*time.Hour},
		{"rps", o.RPS == Some[int64](50)},
		{"dns", o.DNS.String() == "ttl=inf,select=roundRobin,policy=onlyIPv4"},
		{"max redirects", o.MaxRedirects == Some[int64](3)},
		{"empty user agent is set", o.UserAgent == Some("")},
		{"batch", o.Batch == Some[int64](5) && o.BatchPerHost == Some[int64](2)},
		{"http debug", o.HTTPDebug == Some("full")},
		{"insecure", o.InsecureSkipTLSVerify == Some(true)},
		{"ciphers", slices.Equal(o.TLSCipherSuites.V, []string{"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384"})},
		{"throw", o.Throw == Some(true)},
		{"thresholds", string(o.Thresholds["http_req_duration"]) == `["p(95)<500"]`},
		{"blacklist", len(o.BlacklistIPs.V) == 2},
		{"block", slices.Equal(o.BlockHostnames.V, []string{"*.example.com"})},
		{"hosts", o.Hosts.V["a.com"] == "1.2.3.4" && o.Hosts.V["b.com"] == "5.6.7.8:8080"},
		{"reuse", o.NoConnectionReuse == Some(true) && o.NoVUConnectionReuse == Some(true)},
		{"min iteration", o.MinIterationDuration.V.D() == 5*time.Second},
		{"trend stats", slices.Equal(o.SummaryTrendStats.V, []string{"avg", "p(99.9)"})},
		{"time unit", o.SummaryTimeUnit == Some("ms")},
		{"system tags", slices.Equal(o.SystemTags.V, []string{"url", "vu"})},
		{"tags", o.Tags.V["a"] == "b" && o.Tags.V["c"] == "d=e"},
		{"buffer", o.MetricSamplesBufferSize == Some[int64](10)},
		{"cookies", o.NoCookiesReset == Some(true)},
		{"discard", o.DiscardResponseBodies == Some(true)},
		{"console", o.ConsoleOutput == Some("out.log")},
		{"local ips", o.LocalIPs == Some("10.0.0.1-10.0.0.5")},
		{"out", slices.Equal(o.Out.V, []string{"json=a.json", "csv=b.csv"})},
		{"linger", o.Linger == Some(true) && o.NoUsageReport == Some(true)},
		{"tlsauth", len(o.TLSAuth.V) == 1 && o.TLSAuth.V[0].Domains[0] == "a.com"},
		{"tls version", o.TLSVersion.V == TLSVersions{"tls1.2", "tls1.2"}},
	}
	for _, c := range checks {
		if !c.ok {
			t.Errorf("%s: wrong value in %+v", c.name, o)
		}
	}
}

func TestFromEnvAliasesAndLookup(t *testing.T) {
	t.Parallel()
	t.Run("STAMPEDE_ wins", func(t *testing.T) {
		t.Parallel()
		o, err := FromEnv(nil, []string{"K6_VUS=1", "STAMPEDE_VUS=2", "STAMPEDE_NO_SETUP=true"})
		if err != nil || o.VUs != Some[int64](2) || o.NoSetup != Some(true) {
			t.Errorf("got %+v, %v", o, err)
		}
	})
	t.Run("getenv only", func(t *testing.T) {
		t.Parallel()
		env := map[string]string{"K6_ITERATIONS": "5", "K6_USER_AGENT": ""}
		o, err := FromEnv(func(k string) string { return env[k] }, nil)
		if err != nil || o.Iterations != Some[int64](5) || o.UserAgent.Valid {
			t.Errorf("got %+v, %v", o, err)
		}
	})
	t.Run("nothing set", func(t *testing.T) {
		t.Parallel()
		o, err := FromEnv(func(string) string { return "" }, []string{"PATH=/bin", "K6_UNKNOWN=1", "junk"})
		if err != nil || o.SetsExecution() || o.VUs.Valid {
			t.Errorf("got %+v, %v", o, err)
		}
	})
	t.Run("K6_NO_SETUP is not read", func(t *testing.T) {
		t.Parallel()
		o, _ := FromEnv(nil, []string{"K6_NO_SETUP=true"})
		if o.NoSetup.Valid {
			t.Error("k6 only reads NO_SETUP")
		}
	})
}

func TestFromEnvErrors(t *testing.T) {
	t.Parallel()
	tests := []struct{ env, want string }{
		{"K6_VUS=abc", `K6_VUS: invalid value "abc": expected an integer`},
		{"STAMPEDE_VUS=1.5", `STAMPEDE_VUS: invalid value "1.5": expected an integer`},
		{"K6_DURATION=2x", `K6_DURATION: invalid value "2x": expected a duration such as 30s, 1m30s or 2d`},
		{"K6_THROW=yes", `K6_THROW: invalid value "yes": expected a boolean (true or false)`},
		{"NO_SETUP=maybe", `NO_SETUP: invalid value "maybe": expected a boolean`},
		{"K6_STAGES=1m:x", `K6_STAGES: invalid value "1m:x": invalid stage "1m:x": target "x" is not an integer`},
		{"K6_TAGS=novalue", `K6_TAGS: invalid value "novalue": expected name=value pairs separated by commas, got "novalue"`},
		{"K6_DNS=ttl", `K6_DNS: invalid value "ttl": invalid DNS configuration "ttl": expected key=value`},
		{"K6_HOSTS=nohost", `K6_HOSTS: invalid value "nohost": expected host=ip[:port]`},
		{"K6_THRESHOLDS=p(95)<1", `K6_THRESHOLDS: invalid value "p(95)<1": expected a JSON object`},
		{"K6_TLSAUTH=x", `K6_TLSAUTH: invalid value "x": expected a JSON array`},
		{"K6_TLS_VERSION={", `K6_TLS_VERSION: invalid value "{"`},
	}
	for _, tt := range tests {
		t.Run(tt.env, func(t *testing.T) {
			t.Parallel()
			_, err := FromEnv(nil, []string{tt.env})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant prefix %q", err, tt.want)
			}
		})
	}
	_, err := FromEnv(nil, []string{"K6_VUS=a", "K6_RPS=b"})
	if err == nil || !strings.Contains(err.Error(), "K6_VUS") || !strings.Contains(err.Error(), "K6_RPS") {
		t.Errorf("all errors must be reported: %v", err)
	}
}

func TestRuntimeFromEnv(t *testing.T) {
	t.Parallel()
	r, err := RuntimeFromEnv(nil, []string{"K6_INCLUDE_SYSTEM_ENV_VARS=false", "K6_COMPATIBILITY_MODE=base",
		"K6_NO_THRESHOLDS=true", "K6_NO_SUMMARY=1", "K6_SUMMARY_EXPORT=s.json", "K6_OUT=json", "K6_LINGER=true",
		"STAMPEDE_NO_USAGE_REPORT=true", "K6_TYPE=archive"})
	if err != nil {
		t.Fatal(err)
	}
	want := RuntimeOptions{IncludeSystemEnvVars: false, CompatibilityMode: "base", Env: map[string]string{}, NoThresholds: true,
		NoSummary: true, SummaryExport: "s.json", Out: []string{"json"}, Linger: true, NoUsageReport: true, Type: "archive"}
	if !runtimeEqual(r, want) {
		t.Errorf("got %+v", r)
	}
	d, err := RuntimeFromEnv(nil, nil)
	if err != nil || !runtimeEqual(d, DefaultRuntimeOptions()) {
		t.Errorf("defaults %+v %v", d, err)
	}
	for _, bad := range []string{"K6_COMPATIBILITY_MODE=es6", "K6_NO_SUMMARY=x"} {
		if _, err := RuntimeFromEnv(nil, []string{bad}); err == nil {
			t.Errorf("%s accepted", bad)
		}
	}
	_, err = RuntimeFromEnv(nil, []string{"K6_COMPATIBILITY_MODE=es6"})
	if want := `K6_COMPATIBILITY_MODE: invalid compatibility mode "es6". Use: "extended", "base"`; err == nil || err.Error() != want {
		t.Errorf("error %v", err)
	}
}

func runtimeEqual(a, b RuntimeOptions) bool {
	return a.IncludeSystemEnvVars == b.IncludeSystemEnvVars && a.CompatibilityMode == b.CompatibilityMode &&
		len(a.Env) == len(b.Env) && a.NoThresholds == b.NoThresholds && a.NoSummary == b.NoSummary &&
		a.SummaryExport == b.SummaryExport && slices.Equal(a.Out, b.Out) && a.Linger == b.Linger &&
		a.NoUsageReport == b.NoUsageReport && a.Type == b.Type
}
