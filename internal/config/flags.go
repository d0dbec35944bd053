package config

import (
	"errors"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/stampede-load/stampede/internal/scenario"
)

// RuntimeOptions configure how the script is run rather than the test
// itself (k6's RuntimeOptions plus the run command's config flags).
type RuntimeOptions struct {
	IncludeSystemEnvVars bool
	CompatibilityMode    string
	Env                  map[string]string // from -e, in addition to (and over) the system env
	NoThresholds         bool
	NoSummary            bool
	SummaryExport        string
	// Out, Linger and NoUsageReport mirror the flags/env; after Merge the
	// consolidated values (including the config file) are in Options.
	Out           []string
	Linger        bool
	NoUsageReport bool
	Type          string // "", "js" or "archive"

	set map[string]bool // which fields an env var or flag set, for Apply
}

// DefaultRuntimeOptions returns the defaults of `run`.
func DefaultRuntimeOptions() RuntimeOptions {
	return RuntimeOptions{IncludeSystemEnvVars: true, CompatibilityMode: DefaultCompatibilityMode, Env: map[string]string{}}
}

func (r *RuntimeOptions) mark(field string) {
	if r.set == nil {
		r.set = map[string]bool{}
	}
	r.set[field] = true
}

// Apply returns r overridden by the fields that higher set explicitly. Use
// it as RuntimeFromEnv(...).Apply(flagRuntime).
func (r RuntimeOptions) Apply(higher RuntimeOptions) RuntimeOptions {
	out := r
	out.set = map[string]bool{}
	for k := range r.set {
		out.set[k] = true
	}
	for k := range higher.set {
		out.set[k] = true
		switch k {
		case "includeSystemEnvVars":
			out.IncludeSystemEnvVars = higher.IncludeSystemEnvVars
		case "compatibilityMode":
			out.CompatibilityMode = higher.CompatibilityMode
		case "env":
			out.Env = higher.Env
		case "noThresholds":
			out.NoThresholds = higher.NoThresholds
		case "noSummary":
			out.NoSummary = higher.NoSummary
		case "summaryExport":
			out.SummaryExport = higher.SummaryExport
		case "out":
			out.Out = higher.Out
		case "linger":
			out.Linger = higher.Linger
		case "noUsageReport":
			out.NoUsageReport = higher.NoUsageReport
		case "type":
			out.Type = higher.Type
		}
	}
	return out
}

// RuntimeFromEnv reads K6_INCLUDE_SYSTEM_ENV_VARS, K6_COMPATIBILITY_MODE,
// K6_NO_THRESHOLDS, K6_NO_SUMMARY, K6_SUMMARY_EXPORT, K6_OUT, K6_LINGER,
// K6_NO_USAGE_REPORT and K6_TYPE (and their STAMPEDE_ aliases) over the
// defaults of `run`.
func RuntimeFromEnv(getenv func(string) string, environ []string) (RuntimeOptions, error) {
	l := newEnvLookup(getenv, environ)
	r := DefaultRuntimeOptions()
	var errs []error
	boolVar := func(k6Name, field string, dst *bool) {
		if name, v, ok := l.find(k6Name); ok {
			b, err := parseBool(v)
			if err != nil {
				errs = append(errs, fmt.Errorf("%s: invalid value %q: %w", name, v, err))
				return
			}
			*dst = b
			r.mark(field)
		}
	}
	strVar := func(k6Name, field string, dst *string) {
		if _, v, ok := l.find(k6Name); ok {
			*dst = v
			r.mark(field)
		}
	}
	boolVar("K6_INCLUDE_SYSTEM_ENV_VARS", "includeSystemEnvVars", &r.IncludeSystemEnvVars)
	strVar("K6_COMPATIBILITY_MODE", "compatibilityMode", &r.CompatibilityMode)
	boolVar("K6_NO_THRESHOLDS", "noThresholds", &r.NoThresholds)
	boolVar("K6_NO_SUMMARY", "noSummary", &r.NoSummary)
	strVar("K6_SUMMARY_EXPORT", "summaryExport", &r.SummaryExport)
	boolVar("K6_LINGER", "linger", &r.Linger)
	boolVar("K6_NO_USAGE_REPORT", "noUsageReport", &r.NoUsageReport)
	strVar("K6_TYPE", "type", &r.Type)
	if _, v, ok := l.find("K6_OUT"); ok {
		r.Out = splitList(v)
		r.mark("out")
	}
	if name, _, ok := l.find("K6_COMPATIBILITY_MODE"); ok {
		if err := checkCompatibilityMode(r.CompatibilityMode); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", name, err))
		}
	}
	return r, errors.Join(errs...)
}

func checkCompatibilityMode(m string) error {
	if m != "extended" && m != "base" {
		return fmt.Errorf(`invalid compatibility mode %q. Use: "extended", "base"`, m)
	}
	return nil
}

// Flag names of `run`, spelled as in k6.
const (
	flagVUs                      = "vus"
	flagMax                      = "max"
	flagDuration                 = "duration"
	flagIterations               = "iterations"
	flagStage                    = "stage"
	flagExecutionSegment         = "execution-segment"
	flagExecutionSegmentSequence = "execution-segment-sequence"
	flagPaused                   = "paused"
	flagNoSetup                  = "no-setup"
	flagNoTeardown               = "no-teardown"
	flagMaxRedirects             = "max-redirects"
	flagBatch                    = "batch"
	flagBatchPerHost             = "batch-per-host"
	flagRPS                      = "rps"
	flagUserAgent                = "user-agent"
	flagHTTPDebug                = "http-debug"
	flagInsecureSkipTLSVerify    = "insecure-skip-tls-verify"
	flagNoConnectionReuse        = "no-connection-reuse"
	flagNoVUConnectionReuse      = "no-vu-connection-reuse"
	flagMinIterationDuration     = "min-iteration-duration"
	flagThrow                    = "throw"
	flagBlacklistIP              = "blacklist-ip"
	flagBlockHostnames           = "block-hostnames"
	flagSummaryTrendStats        = "summary-trend-stats"
	flagSummaryTimeUnit          = "summary-time-unit"
	flagSystemTags               = "system-tags"
	flagTag                      = "tag"
	flagConsoleOutput            = "console-output"
	flagDiscardResponseBodies    = "discard-response-bodies"
	flagLocalIPs                 = "local-ips"
	flagDNS                      = "dns"

	flagIncludeSystemEnvVars = "include-system-env-vars"
	flagCompatibilityMode    = "compatibility-mode"
	flagEnv                  = "env"
	flagNoThresholds         = "no-thresholds"
	flagNoSummary            = "no-summary"
	flagSummaryExport        = "summary-export"

	flagOut           = "out"
	flagLinger        = "linger"
	flagNoUsageReport = "no-usage-report"
	flagType          = "type"
)

// RegisterRunFlags registers every option, runtime-option and config flag
// of `k6 run` on fs, with k6's names, shorthands and defaults.
func RegisterRunFlags(fs *pflag.FlagSet) {
	RegisterOptionFlags(fs)
	RegisterRuntimeFlags(fs, true)
	RegisterConfigFlags(fs)
}

// RegisterOptionFlags registers the flags that map to Options.
func RegisterOptionFlags(fs *pflag.FlagSet) {
	fs.Int64P(flagVUs, "u", 1, "number of virtual users")
	fs.Int64P(flagMax, "m", 0, "max available virtual users")
	_ = fs.MarkDeprecated(flagMax, "the global MaxVUs option is obsolete and doesn't affect the k6 script execution")
	fs.VarP(&durationValue{}, flagDuration, "d", "test duration limit")
	fs.Int64P(flagIterations, "i", 0, "script total iteration limit (among all VUs)")
	fs.VarP(&stagesValue{}, flagStage, "s", "add a `stage`, as `[duration]:[target]`")
	fs.String(flagExecutionSegment, "", "limit execution to the specified segment, e.g. 10%, 1/3, 0.2:2/3")
	fs.String(flagExecutionSegmentSequence, "", "the execution segment sequence, e.g. 0,1/4,1/2,1")
	fs.BoolP(flagPaused, "p", false, "start the test in a paused state")
	fs.Bool(flagNoSetup, false, "don't run setup()")
	fs.Bool(flagNoTeardown, false, "don't run teardown()")
	fs.Int64(flagMaxRedirects, DefaultMaxRedirects, "follow at most n redirects")
	fs.Int64(flagBatch, DefaultBatch, "max parallel batch reqs")
	fs.Int64(flagBatchPerHost, DefaultBatchPerHost, "max parallel batch reqs per host")
	fs.Int64(flagRPS, 0, "limit requests per second")
	fs.String(flagUserAgent, DefaultUserAgent, "user agent for http requests")
	fs.String(flagHTTPDebug, "", "log all HTTP requests and responses. Excludes body by default. To include body use '--http-debug=full'")
	fs.Lookup(flagHTTPDebug).NoOptDefVal = "headers"
	fs.Bool(flagInsecureSkipTLSVerify, false, "skip verification of TLS certificates")
	fs.Bool(flagNoConnectionReuse, false, "disable keep-alive connections")
	fs.Bool(flagNoVUConnectionReuse, false, "don't reuse connections between iterations")
	fs.Var(&durationValue{}, flagMinIterationDuration, "minimum amount of time k6 will take executing a single iteration")
	fs.BoolP(flagThrow, "w", false, "throw warnings (like failed http requests) as errors")
	fs.StringSlice(flagBlacklistIP, nil, "blacklist an `ip range` from being called")
	fs.StringSlice(flagBlockHostnames, nil, "block a case-insensitive hostname `pattern`, with optional leading wildcard, from being called")
	fs.StringSlice(flagSummaryTrendStats, DefaultSummaryTrendStats(), "define `stats` for trend metrics (response times), one or more as 'avg,p(95),...'")
	fs.String(flagSummaryTimeUnit, "", "define the time unit used to display the trend stats. Possible units are: 's', 'ms' and 'us'")
	fs.StringSlice(flagSystemTags, DefaultSystemTags(), "only include these system tags in metrics")
	fs.Var(&keyValueValue{what: "tag"}, flagTag, "add a `tag` to be applied to all samples, as `[name]=[value]`")
	fs.String(flagConsoleOutput, "", "redirects the console logging to the provided output file")
	fs.Bool(flagDiscardResponseBodies, false, "Read but don't process or save HTTP response bodies")
	fs.String(flagLocalIPs, "", "Client IP Ranges and/or CIDRs from which each VU will be making requests, "+
		"e.g. '192.168.220.1,192.168.0.10-192.168.0.25', 'fd:1::0/120', etc.")
	fs.String(flagDNS, DefaultDNSString, "DNS resolver behavior. Possible ttl values are: 'inf' for a persistent cache, "+
		"'0' to disable the cache, or a positive duration, e.g. '1s', '1m', etc. Milliseconds are assumed if no unit is provided. "+
		"Possible select values: 'first', 'random' or 'roundRobin'. "+
		"Possible policy values: 'preferIPv4', 'preferIPv6', 'onlyIPv4', 'onlyIPv6' or 'any'.")
}

// RegisterRuntimeFlags registers the runtime-option flags. includeEnv is the
// default of --include-system-env-vars: true for run, false for archive and
// inspect.
func RegisterRuntimeFlags(fs *pflag.FlagSet, includeEnv bool) {
	fs.Bool(flagIncludeSystemEnvVars, includeEnv, "pass the real system environment variables to the runtime")
	fs.String(flagCompatibilityMode, DefaultCompatibilityMode, `JavaScript compiler compatibility mode, "extended" or "base"`)
	fs.VarP(&keyValueValue{what: "env"}, flagEnv, "e", "add an env `var`iable, as `VAR=value`, to make available to the script")
	fs.Bool(flagNoThresholds, false, "don't run thresholds")
	fs.Bool(flagNoSummary, false, "don't show the summary at the end of the test")
	fs.String(flagSummaryExport, "", "output the end-of-test summary report to JSON `file`")
}

// RegisterConfigFlags registers -o, -l, --no-usage-report and -t.
func RegisterConfigFlags(fs *pflag.FlagSet) {
	fs.StringArrayP(flagOut, "o", nil, "`uri` for an external metrics database")
	fs.BoolP(flagLinger, "l", false, "keep the API server alive past test end")
	fs.Bool(flagNoUsageReport, false, "don't send anonymous stats to the developers")
	fs.StringP(flagType, "t", "", "override file `type`, \"js\" or \"archive\"")
}

// FromFlags reads the flags the user actually set (fs.Changed): defaults
// of flags never override lower layers. Flags that were not registered on
// fs are skipped, so subcommands can register subsets. RuntimeOptions holds
// `run`'s defaults for flags not given.
func FromFlags(fs *pflag.FlagSet) (Options, RuntimeOptions, error) {
	var o Options
	rt := DefaultRuntimeOptions()
	if f := fs.Lookup(flagIncludeSystemEnvVars); f != nil {
		rt.IncludeSystemEnvVars = f.DefValue == "true"
	}
	r := flagReader{fs: fs}

	r.int64(flagVUs, &o.VUs)
	if r.changed(flagDuration) {
		o.Duration = Some(scenario.Duration(fs.Lookup(flagDuration).Value.(*durationValue).d))
	}
	r.int64(flagIterations, &o.Iterations)
	if r.changed(flagStage) {
		o.Stages = Some(fs.Lookup(flagStage).Value.(*stagesValue).stages)
	}
	r.str(flagExecutionSegment, &o.ExecutionSegment)
	r.str(flagExecutionSegmentSequence, &o.ExecutionSegmentSequence)
	r.bool(flagPaused, &o.Paused)
	r.bool(flagNoSetup, &o.NoSetup)
	r.bool(flagNoTeardown, &o.NoTeardown)
	r.int64(flagMaxRedirects, &o.MaxRedirects)
	r.int64(flagBatch, &o.Batch)
	r.int64(flagBatchPerHost, &o.BatchPerHost)
	r.int64(flagRPS, &o.RPS)
	r.str(flagUserAgent, &o.UserAgent)
	r.str(flagHTTPDebug, &o.HTTPDebug)
	r.bool(flagInsecureSkipTLSVerify, &o.InsecureSkipTLSVerify)
	r.bool(flagNoConnectionReuse, &o.NoConnectionReuse)
	r.bool(flagNoVUConnectionReuse, &o.NoVUConnectionReuse)
	if r.changed(flagMinIterationDuration) {
		o.MinIterationDuration = Some(scenario.Duration(fs.Lookup(flagMinIterationDuration).Value.(*durationValue).d))
	}
	r.bool(flagThrow, &o.Throw)
	r.slice(flagBlacklistIP, &o.BlacklistIPs)
	r.slice(flagBlockHostnames, &o.BlockHostnames)
	r.slice(flagSummaryTrendStats, &o.SummaryTrendStats)
	r.str(flagSummaryTimeUnit, &o.SummaryTimeUnit)
	r.slice(flagSystemTags, &o.SystemTags)
	if r.changed(flagTag) {
		o.Tags = Some(fs.Lookup(flagTag).Value.(*keyValueValue).m)
	}
	r.str(flagConsoleOutput, &o.ConsoleOutput)
	r.bool(flagDiscardResponseBodies, &o.DiscardResponseBodies)
	r.str(flagLocalIPs, &o.LocalIPs)
	if r.changed(flagDNS) {
		v, _ := fs.GetString(flagDNS)
		d, err := ParseDNS(v)
		if err != nil {
			r.fail(flagDNS, v, err)
		} else {
			o.DNS = d
		}
	}
	if r.changed(flagMax) {
		// Accepted for compatibility; pflag already printed the deprecation.
		_, _ = fs.GetInt64(flagMax)
	}

	if r.changed(flagIncludeSystemEnvVars) {
		rt.IncludeSystemEnvVars, _ = fs.GetBool(flagIncludeSystemEnvVars)
		rt.mark("includeSystemEnvVars")
	}
	if r.changed(flagCompatibilityMode) {
		rt.CompatibilityMode, _ = fs.GetString(flagCompatibilityMode)
		rt.mark("compatibilityMode")
		if err := checkCompatibilityMode(rt.CompatibilityMode); err != nil {
			r.errs = append(r.errs, fmt.Errorf("%s: %w", flagDisplay(fs.Lookup(flagCompatibilityMode)), err))
		}
	}
	if r.changed(flagEnv) {
		rt.Env = fs.Lookup(flagEnv).Value.(*keyValueValue).m
		rt.mark("env")
	}
	rtBool := func(name, field string, dst *bool) {
		if r.changed(name) {
			*dst, _ = fs.GetBool(name)
			rt.mark(field)
		}
	}
	rtBool(flagNoThresholds, "noThresholds", &rt.NoThresholds)
	rtBool(flagNoSummary, "noSummary", &rt.NoSummary)
	if r.changed(flagSummaryExport) {
		rt.SummaryExport, _ = fs.GetString(flagSummaryExport)
		rt.mark("summaryExport")
	}
	if r.changed(flagOut) {
		rt.Out, _ = fs.GetStringArray(flagOut)
		rt.mark("out")
		o.Out = Some(rt.Out)
	}
	rtBool(flagLinger, "linger", &rt.Linger)
	if rt.set["linger"] {
		o.Linger = Some(rt.Linger)
	}
	rtBool(flagNoUsageReport, "noUsageReport", &rt.NoUsageReport)
	if rt.set["noUsageReport"] {
		o.NoUsageReport = Some(rt.NoUsageReport)
	}
	if r.changed(flagType) {
		rt.Type, _ = fs.GetString(flagType)
		rt.mark("type")
	}
	return o, rt, errors.Join(r.errs...)
}

type flagReader struct {
	fs   *pflag.FlagSet
	errs []error
}

func (r *flagReader) changed(name string) bool {
	return r.fs.Lookup(name) != nil && r.fs.Changed(name)
}

func (r *flagReader) fail(name, value string, err error) {
	r.errs = append(r.errs, fmt.Errorf("invalid argument %q for %q flag: %w", value, flagDisplay(r.fs.Lookup(name)), err))
}

func (r *flagReader) int64(name string, dst *Opt[int64]) {
	if r.changed(name) {
		v, err := r.fs.GetInt64(name)
		if err != nil {
			r.fail(name, r.fs.Lookup(name).Value.String(), err)
			return
		}
		*dst = Some(v)
	}
}

func (r *flagReader) bool(name string, dst *Opt[bool]) {
	if r.changed(name) {
		v, err := r.fs.GetBool(name)
		if err != nil {
			r.fail(name, r.fs.Lookup(name).Value.String(), err)
			return
		}
		*dst = Some(v)
	}
}

func (r *flagReader) str(name string, dst *Opt[string]) {
	if r.changed(name) {
		v, err := r.fs.GetString(name)
		if err != nil {
			r.fail(name, r.fs.Lookup(name).Value.String(), err)
			return
		}
		*dst = Some(v)
	}
}

func (r *flagReader) slice(name string, dst *Opt[[]string]) {
	if r.changed(name) {
		v, err := r.fs.GetStringSlice(name)
		if err != nil {
			r.fail(name, r.fs.Lookup(name).Value.String(), err)
			return
		}
		*dst = Some(splitList(strings.Join(v, ",")))
	}
}

// flagDisplay renders a flag the way pflag's own errors do: "-d, --duration".
func flagDisplay(f *pflag.Flag) string {
	if f == nil {
		return ""
	}
	if f.Shorthand != "" {
		return "-" + f.Shorthand + ", --" + f.Name
	}
	return "--" + f.Name
}

// durationValue is a pflag.Value for k6 durations ("90s", "1d2h"); parsing
// at Set time makes pflag report `invalid argument "2x" for "-d, --duration"
// flag: …`.
type durationValue struct{ d scenario.Duration }

func (v *durationValue) String() string {
	if v.d == 0 {
		return ""
	}
	return v.d.String()
}
func (v *durationValue) Set(s string) error {
	d, err := scenario.ParseDuration(strings.TrimSpace(s))
	if err != nil {
		return err
	}
	v.d = scenario.Duration(d)
	return nil
}
func (v *durationValue) Type() string { return "duration" }

// stagesValue collects repeated -s flags; each may also hold a comma list.
type stagesValue struct{ stages []scenario.Stage }

func (v *stagesValue) String() string {
	parts := make([]string, len(v.stages))
	for i, s := range v.stages {
		parts[i] = s.String()
	}
	return strings.Join(parts, ",")
}
func (v *stagesValue) Set(s string) error {
	stages, err := ParseStages(s)
	if err != nil {
		return err
	}
	v.stages = append(v.stages, stages...)
	return nil
}
func (v *stagesValue) Type() string { return "stage" }

// validEnvName is k6's rule for -e names: ^[a-zA-Z_][a-zA-Z0-9_]*$.
func validEnvName(s string) bool {
	for i, c := range s {
		letter := c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return s != ""
}

// keyValueValue collects repeated name=value flags (--tag, -e). Values may
// contain commas, so there is no list splitting.
type keyValueValue struct {
	what string
	m    map[string]string
}

func (v *keyValueValue) String() string {
	keys := sortedKeys(v.m)
	parts := make([]string, len(keys))
	for i, k := range keys {
		parts[i] = k + "=" + v.m[k]
	}
	return strings.Join(parts, ",")
}

func (v *keyValueValue) Set(s string) error {
	k, val, ok := strings.Cut(s, "=")
	switch v.what {
	case "env":
		// k6 allows "-e NAME" meaning NAME="".
		if !validEnvName(k) {
			return fmt.Errorf("invalid environment variable name '%s'", k)
		}
	default:
		if !ok || k == "" {
			return fmt.Errorf("%s must be specified as name=value", v.what)
		}
	}
	if v.m == nil {
		v.m = map[string]string{}
	}
	v.m[k] = val
	return nil
}
func (v *keyValueValue) Type() string { return v.what }
