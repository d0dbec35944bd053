package config

import (
	"io"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/spf13/pflag"
)

func parseFlags(t *testing.T, args ...string) (Options, RuntimeOptions, error) {
	t.Helper()
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	fs.SetOutput(io.Discard)
	RegisterRunFlags(fs)
	if err := fs.Parse(args); err != nil {
		return Options{}, RuntimeOptions{}, err
	}
	return FromFlags(fs)
}

func TestFromFlagsOnlyChanged(t *testing.T) {
	t.Parallel()
	o, rt, err := parseFlags(t)
	if err != nil {
		t.Fatal(err)
	}
	if b, _ := o.MarshalIndent(); string(b) != "{}" || o.ConsoleOutput.Valid || o.LocalIPs.Valid {
		t.Errorf("no flags must set nothing, got %s", b)
	}
	if !runtimeEqual(rt, DefaultRuntimeOptions()) {
		t.Errorf("runtime defaults %+v", rt)
	}
}

func TestFromFlags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		args  []string
		check func(Options, RuntimeOptions) bool
	}{
		{"vus short", []string{"-u", "5"}, func(o Options, _ RuntimeOptions) bool { return o.VUs == Some[int64](5) }},
		{"duration", []string{"-d", "1m30s"}, func(o Options, _ RuntimeOptions) bool { return o.Duration.V.D() == 90*time.Second && o.Duration.Valid }},
		{"duration days", []string{"--duration=1d"}, func(o Options, _ RuntimeOptions) bool { return o.Duration.V.D() == 24*time.Hour }},
		{"iterations", []string{"-i", "7"}, func(o Options, _ RuntimeOptions) bool { return o.Iterations == Some[int64](7) }},
		{"stages repeat and comma", []string{"-s", "10s:5", "--stage", "20s:10,5s", "-s60s"}, func(o Options, _ RuntimeOptions) bool {
			s := o.Stages.V
			return len(s) == 4 && s[0].String() == "10s:5" && s[1].String() == "20s:10" && !s[2].HasTarget() && s[3].String() == "1m0s"
		}},
		{"segments", []string{"--execution-segment", "1/4:1/2", "--execution-segment-sequence", "0,1/4,1/2,1"}, func(o Options, _ RuntimeOptions) bool {
			return o.ExecutionSegment == Some("1/4:1/2") && o.ExecutionSegmentSequence == Some("0,1/4,1/2,1")
		}},
		{"bools", []string{"-p", "--no-setup", "--no-teardown", "--insecure-skip-tls-verify", "--no-connection-reuse",
			"--no-vu-connection-reuse", "-w", "--discard-response-bodies"}, func(o Options, _ RuntimeOptions) bool {
			return o.Paused.V && o.NoSetup.V && o.NoTeardown.V && o.InsecureSkipTLSVerify.V && o.NoConnectionReuse.V &&
				o.NoVUConnectionReuse.V && o.Throw.V && o.DiscardResponseBodies.V
		}},
		{"explicit false is set", []string{"--throw=false"}, func(o Options, _ RuntimeOptions) bool { return o.Throw == Some(false) }},
		{"ints", []string{"--max-redirects", "0", "--batch", "3", "--batch-per-host", "1", "--rps", "9"}, func(o Options, _ RuntimeOptions) bool {
			return o.MaxRedirects == Some[int64](0) && o.Batch == Some[int64](3) && o.BatchPerHost == Some[int64](1) && o.RPS == Some[int64](9)
		}},
		{"user agent empty", []string{"--user-agent", ""}, func(o Options, _ RuntimeOptions) bool { return o.UserAgent == Some("") }},
		{"http-debug bare", []string{"--http-debug"}, func(o Options, _ RuntimeOptions) bool { return o.HTTPDebug == Some("headers") }},
		{"http-debug full", []string{"--http-debug=full"}, func(o Options, _ RuntimeOptions) bool { return o.HTTPDebug == Some("full") }},
		{"min iteration duration", []string{"--min-iteration-duration", "2s"}, func(o Options, _ RuntimeOptions) bool {
			return o.MinIterationDuration.V.D() == 2*time.Second
		}},
		{"lists", []string{"--blacklist-ip", "10.0.0.0/8", "--blacklist-ip", "1.0.0.0/8,2.0.0.0/8", "--block-hostnames", "*.a.com",
			"--summary-trend-stats", "avg,p(99)", "--system-tags", "url,vu"}, func(o Options, _ RuntimeOptions) bool {
			return len(o.BlacklistIPs.V) == 3 && slices.Equal(o.BlockHostnames.V, []string{"*.a.com"}) &&
				slices.Equal(o.SummaryTrendStats.V, []string{"avg", "p(99)"}) && slices.Equal(o.SystemTags.V, []string{"url", "vu"})
		}},
		{"empty system tags", []string{"--system-tags", ""}, func(o Options, _ RuntimeOptions) bool {
			return o.SystemTags.Valid && len(o.SystemTags.V) == 0
		}},
		{"tags keep commas", []string{"--tag", "a=b,c", "--tag", "d=e=f"}, func(o Options, _ RuntimeOptions) bool {
			return o.Tags.V["a"] == "b,c" && o.Tags.V["d"] == "e=f" && len(o.Tags.V) == 2
		}},
		{"strings", []string{"--summary-time-unit", "ms", "--console-output", "c.log", "--local-ips", "10.0.0.1"}, func(o Options, _ RuntimeOptions) bool {
			return o.SummaryTimeUnit == Some("ms") && o.ConsoleOutput == Some("c.log") && o.LocalIPs == Some("10.0.0.1")
		}},
		{"dns", []string{"--dns", "ttl=0,policy=any"}, func(o Options, _ RuntimeOptions) bool {
			return o.DNS.String() == "ttl=0,policy=any" && !o.DNS.Select.Valid
		}},
		{"deprecated max accepted", []string{"-m", "10"}, func(o Options, _ RuntimeOptions) bool { return !o.VUs.Valid }},
		{"runtime", []string{"--include-system-env-vars=false", "--compatibility-mode", "base", "-e", "A=1", "--env", "B=x=y",
			"-e", "EMPTY", "--no-thresholds", "--no-summary", "--summary-export", "s.json"}, func(_ Options, r RuntimeOptions) bool {
			return !r.IncludeSystemEnvVars && r.CompatibilityMode == "base" && r.Env["A"] == "1" && r.Env["B"] == "x=y" &&
				r.Env["EMPTY"] == "" && len(r.Env) == 3 && r.NoThresholds && r.NoSummary && r.SummaryExport == "s.json"
		}},
		{"config flags", []string{"-o", "json=a.json", "--out", "csv=b.csv,gz", "-l", "--no-usage-report", "-t", "archive"}, func(o Options, r RuntimeOptions) bool {
			return slices.Equal(r.Out, []string{"json=a.json", "csv=b.csv,gz"}) && slices.Equal(o.Out.V, r.Out) &&
				r.Linger && o.Linger == Some(true) && r.NoUsageReport && o.NoUsageReport == Some(true) && r.Type == "archive"
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			o, rt, err := parseFlags(t, tt.args...)
			if err != nil {
				t.Fatal(err)
			}
			if !tt.check(o, rt) {
				t.Errorf("unexpected result %+v / %+v", o, rt)
			}
		})
	}
}

func TestFromFlagsErrors(t *testing.T) {
	t.Parallel()
	tests := []struct {
		args []string
		want string
	}{
		{[]string{"-d", "2x"}, `invalid argument "2x" for "-d, --duration" flag: invalid duration "2x": unknown unit`},
		{[]string{"-u", "x"}, `invalid argument "x" for "-u, --vus" flag`},
		{[]string{"-s", "1m:x"}, `invalid argument "1m:x" for "-s, --stage" flag: invalid stage "1m:x": target "x" is not an integer`},
		{[]string{"--tag", "novalue"}, `invalid argument "novalue" for "--tag" flag: tag must be specified as name=value`},
		{[]string{"-e", "1BAD=x"}, `invalid argument "1BAD=x" for "-e, --env" flag: invalid environment variable name '1BAD'`},
		{[]string{"-e", "A-B=x"}, `invalid environment variable name 'A-B'`},
		{[]string{"--min-iteration-duration", "1"}, `invalid argument "1" for "--min-iteration-duration" flag: invalid duration "1": missing unit`},
		{[]string{"--dns", "bogus"}, `invalid argument "bogus" for "--dns" flag: invalid DNS configuration "bogus": expected key=value`},
		{[]string{"--compatibility-mode", "es6"}, `--compatibility-mode: invalid compatibility mode "es6". Use: "extended", "base"`},
	}
	for _, tt := range tests {
		t.Run(strings.Join(tt.args, " "), func(t *testing.T) {
			t.Parallel()
			_, _, err := parseFlags(t, tt.args...)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error = %v\nwant %q", err, tt.want)
			}
		})
	}
}

func TestFlagRegistration(t *testing.T) {
	t.Parallel()
	fs := pflag.NewFlagSet("run", pflag.ContinueOnError)
	RegisterRunFlags(fs)
	for name, short := range map[string]string{"vus": "u", "duration": "d", "iterations": "i", "stage": "s", "paused": "p",
		"throw": "w", "max": "m", "env": "e", "out": "o", "linger": "l", "type": "t"} {
		f := fs.Lookup(name)
		if f == nil || f.Shorthand != short {
			t.Errorf("flag %s: %+v", name, f)
		}
	}
	for name, def := range map[string]string{"vus": "1", "max-redirects": "10", "batch": "20", "batch-per-host": "6",
		"user-agent": DefaultUserAgent, "dns": DefaultDNSString, "include-system-env-vars": "true",
		"compatibility-mode": "extended", "summary-trend-stats": "[avg,min,med,max,p(90),p(95)]"} {
		if f := fs.Lookup(name); f == nil || f.DefValue != def {
			t.Errorf("flag %s default %q, want %q", name, f.DefValue, def)
		}
	}
	if fs.Lookup("max").Deprecated == "" || fs.Lookup("http-debug").NoOptDefVal != "headers" {
		t.Error("max must be deprecated, http-debug must default to headers when bare")
	}

	// Subcommands like inspect register subsets and default env vars off.
	sub := pflag.NewFlagSet("inspect", pflag.ContinueOnError)
	RegisterRuntimeFlags(sub, false)
	if err := sub.Parse([]string{"-e", "A=1"}); err != nil {
		t.Fatal(err)
	}
	o, rt, err := FromFlags(sub)
	if err != nil || rt.IncludeSystemEnvVars || rt.Env["A"] != "1" || o.VUs.Valid {
		t.Errorf("subset: %+v %+v %v", o, rt, err)
	}
}

func TestRuntimeApply(t *testing.T) {
	t.Parallel()
	env, err := RuntimeFromEnv(nil, []string{"K6_NO_SUMMARY=true", "K6_INCLUDE_SYSTEM_ENV_VARS=false", "K6_OUT=json"})
	if err != nil {
		t.Fatal(err)
	}
	_, flags, err := parseFlags(t, "--include-system-env-vars", "-e", "X=1")
	if err != nil {
		t.Fatal(err)
	}
	got := env.Apply(flags)
	if !got.NoSummary || !got.IncludeSystemEnvVars || got.Env["X"] != "1" || !slices.Equal(got.Out, []string{"json"}) ||
		got.CompatibilityMode != "extended" {
		t.Errorf("got %+v", got)
	}
	// Flag defaults do not override env.
	_, none, _ := parseFlags(t)
	if got := env.Apply(none); got.IncludeSystemEnvVars || !got.NoSummary {
		t.Errorf("flag defaults overrode env: %+v", got)
	}
}
