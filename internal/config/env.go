package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/stampede-load/stampede/internal/scenario"
)

// envLookup finds variables. A variable set to the empty string counts as
// set when environ is available (K6_USER_AGENT= disables the header);
// with only getenv, empty means unset.
type envLookup struct {
	getenv  func(string) string
	environ map[string]string
}

func newEnvLookup(getenv func(string) string, environ []string) envLookup {
	l := envLookup{getenv: getenv}
	if environ != nil {
		l.environ = make(map[string]string, len(environ))
		for _, kv := range environ {
			if k, v, ok := strings.Cut(kv, "="); ok {
				l.environ[k] = v
			}
		}
	}
	return l
}

func (l envLookup) get(name string) (string, bool) {
	if l.environ != nil {
		if v, ok := l.environ[name]; ok {
			return v, true
		}
	}
	if l.getenv != nil {
		if v := l.getenv(name); v != "" {
			return v, true
		}
	}
	return "", false
}

// find returns the value of a k6 variable, preferring its STAMPEDE_ alias:
// K6_VUS is also read as STAMPEDE_VUS, and the prefix-less NO_SETUP as
// STAMPEDE_NO_SETUP.
func (l envLookup) find(k6Name string) (name, value string, ok bool) {
	alias := "STAMPEDE_" + strings.TrimPrefix(k6Name, "K6_")
	if v, ok := l.get(alias); ok {
		return alias, v, true
	}
	if v, ok := l.get(k6Name); ok {
		return k6Name, v, true
	}
	return "", "", false
}

// envVar binds one variable to the code that stores its value.
type envVar struct {
	name string
	set  func(o *Options, v string) error
}

func envInt(p func(*Options) *Opt[int64]) func(*Options, string) error {
	return func(o *Options, v string) error {
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return errors.New("expected an integer")
		}
		*p(o) = Some(n)
		return nil
	}
}

func envBool(p func(*Options) *Opt[bool]) func(*Options, string) error {
	return func(o *Options, v string) error {
		b, err := parseBool(v)
		if err != nil {
			return err
		}
		*p(o) = Some(b)
		return nil
	}
}

func parseBool(v string) (bool, error) {
	b, err := strconv.ParseBool(strings.TrimSpace(v))
	if err != nil {
		return false, errors.New("expected a boolean (true or false)")
	}
	return b, nil
}

func envString(p func(*Options) *Opt[string]) func(*Options, string) error {
	return func(o *Options, v string) error {
		*p(o) = Some(v)
		return nil
	}
}

func envDuration(p func(*Options) *Opt[scenario.Duration]) func(*Options, string) error {
	return func(o *Options, v string) error {
		d, err := scenario.ParseDuration(strings.TrimSpace(v))
		if err != nil {
			return errors.New("expected a duration such as 30s, 1m30s or 2d")
		}
		*p(o) = Some(scenario.Duration(d))
		return nil
	}
}

func envList(p func(*Options) *Opt[[]string]) func(*Options, string) error {
	return func(o *Options, v string) error {
		*p(o) = Some(splitList(v))
		return nil
	}
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(v string) []string {
	out := []string{}
	for item := range strings.SplitSeq(v, ",") {
		if item = strings.TrimSpace(item); item != "" {
			out = append(out, item)
		}
	}
	return out
}

// ParseStages parses the CLI/env list "1m:10,30s:0".
func ParseStages(v string) ([]scenario.Stage, error) {
	var stages []scenario.Stage
	for _, item := range splitList(v) {
		s, err := scenario.ParseStage(item)
		if err != nil {
			return nil, err
		}
		stages = append(stages, s)
	}
	if stages == nil {
		stages = []scenario.Stage{}
	}
	return stages, nil
}

// ParseTags parses "a=b,c=d" (a JSON object is accepted too).
func ParseTags(v string) (map[string]string, error) {
	if strings.HasPrefix(strings.TrimSpace(v), "{") {
		var m map[string]string
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, errors.New("expected a JSON object with string values")
		}
		return m, nil
	}
	m := map[string]string{}
	for _, item := range splitList(v) {
		k, val, ok := strings.Cut(item, "=")
		if !ok || strings.TrimSpace(k) == "" {
			return nil, fmt.Errorf("expected name=value pairs separated by commas, got %q", item)
		}
		m[strings.TrimSpace(k)] = val
	}
	return m, nil
}

// parseHosts accepts a JSON object or "host=ip[:port],…"; the envconfig
// form "host:ip" of k6 is taken too, split at the first colon.
func parseHosts(v string) (map[string]string, error) {
	if strings.HasPrefix(strings.TrimSpace(v), "{") {
		var m map[string]string
		if err := json.Unmarshal([]byte(v), &m); err != nil {
			return nil, errors.New("expected a JSON object with string values")
		}
		return m, nil
	}
	m := map[string]string{}
	for _, item := range splitList(v) {
		k, val, ok := strings.Cut(item, "=")
		if !ok {
			k, val, ok = strings.Cut(item, ":")
		}
		if !ok || k == "" || val == "" {
			return nil, fmt.Errorf("expected host=ip[:port] pairs separated by commas, got %q", item)
		}
		m[strings.TrimSpace(k)] = strings.TrimSpace(val)
	}
	return m, nil
}

func envVars() []envVar {
	return []envVar{
		{"K6_VUS", envInt(func(o *Options) *Opt[int64] { return &o.VUs })},
		{"K6_DURATION", envDuration(func(o *Options) *Opt[scenario.Duration] { return &o.Duration })},
		{"K6_ITERATIONS", envInt(func(o *Options) *Opt[int64] { return &o.Iterations })},
		{"K6_STAGES", func(o *Options, v string) error {
			s, err := ParseStages(v)
			if err != nil {
				return err
			}
			o.Stages = Some(s)
			return nil
		}},
		{"K6_PAUSED", envBool(func(o *Options) *Opt[bool] { return &o.Paused })},
		// k6 reads these two without the K6_ prefix.
		{"NO_SETUP", envBool(func(o *Options) *Opt[bool] { return &o.NoSetup })},
		{"NO_TEARDOWN", envBool(func(o *Options) *Opt[bool] { return &o.NoTeardown })},
		{"K6_SETUP_TIMEOUT", envDuration(func(o *Options) *Opt[scenario.Duration] { return &o.SetupTimeout })},
		{"K6_TEARDOWN_TIMEOUT", envDuration(func(o *Options) *Opt[scenario.Duration] { return &o.TeardownTimeout })},
		{"K6_RPS", envInt(func(o *Options) *Opt[int64] { return &o.RPS })},
		{"K6_DNS", func(o *Options, v string) error {
			d, err := ParseDNS(v)
			if err != nil {
				return err
			}
			o.DNS = d
			return nil
		}},
		{"K6_MAX_REDIRECTS", envInt(func(o *Options) *Opt[int64] { return &o.MaxRedirects })},
		{"K6_USER_AGENT", envString(func(o *Options) *Opt[string] { return &o.UserAgent })},
		{"K6_BATCH", envInt(func(o *Options) *Opt[int64] { return &o.Batch })},
		{"K6_BATCH_PER_HOST", envInt(func(o *Options) *Opt[int64] { return &o.BatchPerHost })},
		{"K6_HTTP_DEBUG", envString(func(o *Options) *Opt[string] { return &o.HTTPDebug })},
		{"K6_INSECURE_SKIP_TLS_VERIFY", envBool(func(o *Options) *Opt[bool] { return &o.InsecureSkipTLSVerify })},
		{"K6_TLS_CIPHER_SUITES", envList(func(o *Options) *Opt[[]string] { return &o.TLSCipherSuites })},
		{"K6_TLS_VERSION", func(o *Options, v string) error {
			var tv TLSVersions
			if strings.HasPrefix(strings.TrimSpace(v), "{") {
				if err := tv.UnmarshalJSON([]byte(v)); err != nil {
					return err
				}
			} else {
				tv = TLSVersions{Min: strings.TrimSpace(v), Max: strings.TrimSpace(v)}
			}
			o.TLSVersion = Some(tv)
			return nil
		}},
		{"K6_TLSAUTH", func(o *Options, v string) error {
			var a []TLSAuth
			if err := json.Unmarshal([]byte(v), &a); err != nil {
				return errors.New(`expected a JSON array like [{"domains":["example.com"],"cert":"...","key":"..."}]`)
			}
			o.TLSAuth = Some(a)
			return nil
		}},
		{"K6_THROW", envBool(func(o *Options) *Opt[bool] { return &o.Throw })},
		{"K6_THRESHOLDS", func(o *Options, v string) error {
			var t map[string]json.RawMessage
			if err := json.Unmarshal([]byte(v), &t); err != nil || t == nil {
				return errors.New(`expected a JSON object like {"http_req_duration": ["p(95)<500"]}`)
			}
			o.Thresholds = t
			return nil
		}},
		{"K6_BLACKLIST_IPS", envList(func(o *Options) *Opt[[]string] { return &o.BlacklistIPs })},
		{"K6_BLOCK_HOSTNAMES", envList(func(o *Options) *Opt[[]string] { return &o.BlockHostnames })},
		{"K6_HOSTS", func(o *Options, v string) error {
			h, err := parseHosts(v)
			if err != nil {
				return err
			}
			o.Hosts = Some(h)
			return nil
		}},
		{"K6_NO_CONNECTION_REUSE", envBool(func(o *Options) *Opt[bool] { return &o.NoConnectionReuse })},
		{"K6_NO_VU_CONNECTION_REUSE", envBool(func(o *Options) *Opt[bool] { return &o.NoVUConnectionReuse })},
		{"K6_MIN_ITERATION_DURATION", envDuration(func(o *Options) *Opt[scenario.Duration] { return &o.MinIterationDuration })},
		{"K6_SUMMARY_TREND_STATS", envList(func(o *Options) *Opt[[]string] { return &o.SummaryTrendStats })},
		{"K6_SUMMARY_TIME_UNIT", envString(func(o *Options) *Opt[string] { return &o.SummaryTimeUnit })},
		{"K6_SYSTEM_TAGS", envList(func(o *Options) *Opt[[]string] { return &o.SystemTags })},
		{"K6_TAGS", func(o *Options, v string) error {
			t, err := ParseTags(v)
			if err != nil {
				return err
			}
			o.Tags = Some(t)
			return nil
		}},
		{"K6_METRIC_SAMPLES_BUFFER_SIZE", envInt(func(o *Options) *Opt[int64] { return &o.MetricSamplesBufferSize })},
		{"K6_NO_COOKIES_RESET", envBool(func(o *Options) *Opt[bool] { return &o.NoCookiesReset })},
		{"K6_DISCARD_RESPONSE_BODIES", envBool(func(o *Options) *Opt[bool] { return &o.DiscardResponseBodies })},
		{"K6_CONSOLE_OUTPUT", envString(func(o *Options) *Opt[string] { return &o.ConsoleOutput })},
		{"K6_LOCAL_IPS", envString(func(o *Options) *Opt[string] { return &o.LocalIPs })},
		{"K6_OUT", envList(func(o *Options) *Opt[[]string] { return &o.Out })},
		{"K6_LINGER", envBool(func(o *Options) *Opt[bool] { return &o.Linger })},
		{"K6_NO_USAGE_REPORT", envBool(func(o *Options) *Opt[bool] { return &o.NoUsageReport })},
	}
}

// FromEnv reads the K6_* variables (and their STAMPEDE_* aliases, which win
// when both are set). Every bad value is reported, each naming its variable:
// `K6_VUS: invalid value "abc": expected an integer`.
func FromEnv(getenv func(string) string, environ []string) (Options, error) {
	l := newEnvLookup(getenv, environ)
	var o Options
	var errs []error
	for _, ev := range envVars() {
		name, v, ok := l.find(ev.name)
		if !ok {
			continue
		}
		if err := ev.set(&o, v); err != nil {
			errs = append(errs, fmt.Errorf("%s: invalid value %q: %w", name, v, err))
		}
	}
	return o, errors.Join(errs...)
}
