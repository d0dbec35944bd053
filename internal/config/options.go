package config

import (
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

// Defaults of k6 v0.32 that are not applied by Merge as set values; they are
// carried by Defaults() in unset options.
const (
	DefaultUserAgent               = "stampede/0.1.0 (https://github.com/stampede-load/stampede)"
	DefaultVUs                     = 1
	DefaultMaxRedirects            = 10
	DefaultBatch                   = 20
	DefaultBatchPerHost            = 6
	DefaultSetupTimeout            = 60 * time.Second
	DefaultTeardownTimeout         = 60 * time.Second
	DefaultMetricSamplesBufferSize = 1000
	DefaultDNSString               = "ttl=5m,select=random,policy=preferIPv4"
	DefaultCompatibilityMode       = "extended"
)

// DefaultSummaryTrendStats is the summary's default trend columns.
func DefaultSummaryTrendStats() []string {
	return []string{"avg", "min", "med", "max", "p(90)", "p(95)"}
}

// DefaultSystemTags is k6 v0.32's default set: all system tags except iter,
// vu, ocsp_status and ip.
func DefaultSystemTags() []string {
	return []string{"proto", "subproto", "status", "method", "url", "name", "group", "check",
		"error", "error_code", "tls_version", "scenario", "service", "expected_response"}
}

// AllSystemTags lists every system tag name k6 v0.32 knows.
func AllSystemTags() []string {
	return append(DefaultSystemTags(), "iter", "vu", "ocsp_status", "ip")
}

// Options are the test options of k6 v0.32, under their JSON names. The
// `scope` tag marks keys that are not script options: "file" keys are only
// read from the config file (and env/flags), "cli" keys only from env/flags.
type Options struct {
	VUs                      Opt[int64]              `json:"vus,omitzero"`
	Duration                 Opt[scenario.Duration]  `json:"duration,omitzero"`
	Iterations               Opt[int64]              `json:"iterations,omitzero"`
	Stages                   Opt[[]scenario.Stage]   `json:"stages,omitzero"`
	Scenarios                Opt[scenario.Scenarios] `json:"scenarios,omitzero"`
	ExecutionSegment         Opt[string]             `json:"executionSegment,omitzero"`
	ExecutionSegmentSequence Opt[string]             `json:"executionSegmentSequence,omitzero"`
	Paused                   Opt[bool]               `json:"paused,omitzero"`
	NoSetup                  Opt[bool]               `json:"noSetup,omitzero"`
	NoTeardown               Opt[bool]               `json:"noTeardown,omitzero"`
	SetupTimeout             Opt[scenario.Duration]  `json:"setupTimeout,omitzero"`
	TeardownTimeout          Opt[scenario.Duration]  `json:"teardownTimeout,omitzero"`
	RPS                      Opt[int64]              `json:"rps,omitzero"`
	DNS                      DNS                     `json:"dns,omitzero"`
	MaxRedirects             Opt[int64]              `json:"maxRedirects,omitzero"`
	UserAgent                Opt[string]             `json:"userAgent,omitzero"`
	Batch                    Opt[int64]              `json:"batch,omitzero"`
	BatchPerHost             Opt[int64]              `json:"batchPerHost,omitzero"`
	HTTPDebug                Opt[string]             `json:"httpDebug,omitzero"`
	InsecureSkipTLSVerify    Opt[bool]               `json:"insecureSkipTLSVerify,omitzero"`
	TLSCipherSuites          Opt[[]string]           `json:"tlsCipherSuites,omitzero"`
	TLSVersion               Opt[TLSVersions]        `json:"tlsVersion,omitzero"`
	TLSAuth                  Opt[[]TLSAuth]          `json:"tlsAuth,omitzero"`
	Throw                    Opt[bool]               `json:"throw,omitzero"`
	// Thresholds maps a metric expression to its raw threshold list; the
	// threshold package parses it. nil means unset.
	Thresholds           map[string]json.RawMessage `json:"thresholds,omitzero"`
	BlacklistIPs         Opt[[]string]              `json:"blacklistIPs,omitzero"`
	BlockHostnames       Opt[[]string]              `json:"blockHostnames,omitzero"`
	Hosts                Opt[map[string]string]     `json:"hosts,omitzero"`
	NoConnectionReuse    Opt[bool]                  `json:"noConnectionReuse,omitzero"`
	NoVUConnectionReuse  Opt[bool]                  `json:"noVUConnectionReuse,omitzero"`
	MinIterationDuration Opt[scenario.Duration]     `json:"minIterationDuration,omitzero"`
	// Ext is opaque extension configuration (ext.loadimpact for the cloud),
	// accepted and passed through. nil means unset.
	Ext                     map[string]json.RawMessage `json:"ext,omitzero"`
	SummaryTrendStats       Opt[[]string]              `json:"summaryTrendStats,omitzero"`
	SummaryTimeUnit         Opt[string]                `json:"summaryTimeUnit,omitzero"`
	SystemTags              Opt[[]string]              `json:"systemTags,omitzero"`
	Tags                    Opt[map[string]string]     `json:"tags,omitzero"`
	MetricSamplesBufferSize Opt[int64]                 `json:"metricSamplesBufferSize,omitzero"`
	NoCookiesReset          Opt[bool]                  `json:"noCookiesReset,omitzero"`
	DiscardResponseBodies   Opt[bool]                  `json:"discardResponseBodies,omitzero"`

	// Config-file keys (also settable by env and flags).
	Out           Opt[[]string]              `json:"out,omitzero" scope:"file"`
	Linger        Opt[bool]                  `json:"linger,omitzero" scope:"file"`
	NoUsageReport Opt[bool]                  `json:"noUsageReport,omitzero" scope:"file"`
	Collectors    map[string]json.RawMessage `json:"collectors,omitzero" scope:"file"`

	// CLI/env-only options; they have no JSON key in k6.
	ConsoleOutput Opt[string] `json:"-" scope:"cli"`
	LocalIPs      Opt[string] `json:"-" scope:"cli"`
}

// Defaults returns k6's built-in defaults as unset options that carry their
// default values, so code can read o.MaxRedirects.V without a nil check while
// the merge still treats them as absent. Merge starts from it.
func Defaults() Options {
	return Options{
		VUs:                     Unset[int64](DefaultVUs),
		SetupTimeout:            Unset(scenario.Duration(DefaultSetupTimeout)),
		TeardownTimeout:         Unset(scenario.Duration(DefaultTeardownTimeout)),
		MaxRedirects:            Unset[int64](DefaultMaxRedirects),
		UserAgent:               Unset(DefaultUserAgent),
		Batch:                   Unset[int64](DefaultBatch),
		BatchPerHost:            Unset[int64](DefaultBatchPerHost),
		MetricSamplesBufferSize: Unset[int64](DefaultMetricSamplesBufferSize),
		SummaryTrendStats:       Unset(DefaultSummaryTrendStats()),
		SystemTags:              Unset(DefaultSystemTags()),
		DNS: DNS{
			TTL:    Unset("5m"),
			Select: Unset(DNSSelectRandom),
			Policy: Unset(DNSPolicyPreferIPv4),
		},
	}
}

// DNS resolver settings. Each field merges separately.
type DNS struct {
	TTL    Opt[string] `json:"ttl,omitzero"`    // "inf", "0", a duration, or milliseconds
	Select Opt[string] `json:"select,omitzero"` // first, random, roundRobin
	Policy Opt[string] `json:"policy,omitzero"` // preferIPv4, preferIPv6, onlyIPv4, onlyIPv6, any
}

// DNS select and policy values.
const (
	DNSSelectFirst      = "first"
	DNSSelectRandom     = "random"
	DNSSelectRoundRobin = "roundRobin"

	DNSPolicyPreferIPv4 = "preferIPv4"
	DNSPolicyPreferIPv6 = "preferIPv6"
	DNSPolicyOnlyIPv4   = "onlyIPv4"
	DNSPolicyOnlyIPv6   = "onlyIPv6"
	DNSPolicyAny        = "any"
)

// IsZero reports whether no DNS field is set.
func (d DNS) IsZero() bool { return !d.TTL.Valid && !d.Select.Valid && !d.Policy.Valid }

// ParseDNS parses the string form "ttl=5m,select=random,policy=preferIPv4";
// any subset of the keys may be given.
func ParseDNS(s string) (DNS, error) {
	var d DNS
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		k, v, ok := strings.Cut(part, "=")
		if !ok {
			return DNS{}, fmt.Errorf("invalid DNS configuration %q: expected key=value", part)
		}
		switch strings.TrimSpace(k) {
		case "ttl":
			d.TTL = Some(strings.TrimSpace(v))
		case "select":
			d.Select = Some(strings.TrimSpace(v))
		case "policy":
			d.Policy = Some(strings.TrimSpace(v))
		default:
			return DNS{}, fmt.Errorf("unknown DNS configuration field '%s'", k)
		}
	}
	return d, nil
}

// UnmarshalJSON accepts the object form or the string form.
func (d *DNS) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		parsed, err := ParseDNS(s)
		if err != nil {
			return err
		}
		*d = parsed
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf("expected an object or a string like %q, got %s", DefaultDNSString, short(data))
	}
	var out DNS
	for _, k := range sortedKeys(raw) {
		v := raw[k]
		var dst *Opt[string]
		switch k {
		case "ttl":
			dst = &out.TTL
			// A bare number is milliseconds, like every other duration.
			var n json.Number
			if json.Unmarshal(v, &n) == nil {
				out.TTL = Some(n.String())
				continue
			}
		case "select":
			dst = &out.Select
		case "policy":
			dst = &out.Policy
		default:
			return fmt.Errorf("unknown DNS configuration field '%s'", k)
		}
		if err := dst.UnmarshalJSON(v); err != nil {
			return fmt.Errorf("%s: %w", k, err)
		}
	}
	*d = out
	return nil
}

// String renders the set fields in the string form.
func (d DNS) String() string {
	var parts []string
	if d.TTL.Valid {
		parts = append(parts, "ttl="+d.TTL.V)
	}
	if d.Select.Valid {
		parts = append(parts, "select="+d.Select.V)
	}
	if d.Policy.Valid {
		parts = append(parts, "policy="+d.Policy.V)
	}
	return strings.Join(parts, ",")
}

// TTLDuration interprets the ttl: "inf" caches forever (infinite is true),
// "0" disables caching, a bare number is milliseconds.
func (d DNS) TTLDuration() (ttl time.Duration, infinite bool, err error) {
	return parseTTL(d.TTL.V)
}

func parseTTL(s string) (time.Duration, bool, error) {
	s = strings.TrimSpace(s)
	if s == "inf" {
		return 0, true, nil
	}
	if f, err := strconv.ParseFloat(s, 64); err == nil {
		if f < 0 || f > 9e12 {
			return 0, false, fmt.Errorf("invalid ttl %q", s)
		}
		return time.Duration(f * float64(time.Millisecond)), false, nil
	}
	v, err := scenario.ParseDuration(s)
	if err != nil {
		return 0, false, fmt.Errorf("invalid ttl %q: expected \"inf\", 0, a duration or milliseconds", s)
	}
	if v < 0 {
		return 0, false, fmt.Errorf("invalid ttl %q: must not be negative", s)
	}
	return v, false, nil
}

// TLSVersions is the allowed TLS version range; "" means any.
type TLSVersions struct {
	Min string `json:"min"`
	Max string `json:"max"`
}

// UnmarshalJSON accepts "tls1.2" (min = max) or {"min": ..., "max": ...}.
func (v *TLSVersions) UnmarshalJSON(data []byte) error {
	var s string
	if json.Unmarshal(data, &s) == nil {
		*v = TLSVersions{Min: s, Max: s}
		return nil
	}
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return fmt.Errorf(`expected a string like "tls1.2" or an object {"min": ..., "max": ...}, got %s`, short(data))
	}
	var out TLSVersions
	for _, k := range sortedKeys(raw) {
		var dst *string
		switch k {
		case "min":
			dst = &out.Min
		case "max":
			dst = &out.Max
		default:
			return fmt.Errorf("unknown tlsVersion field %q, expected min or max", k)
		}
		if isNull(raw[k]) {
			continue
		}
		if err := json.Unmarshal(raw[k], dst); err != nil {
			return fmt.Errorf("%s: expected a string, got %s", k, short(raw[k]))
		}
	}
	*v = out
	return nil
}

// TLSAuth is one client certificate, used for servers matching Domains. Cert
// and Key are PEM contents, not paths.
type TLSAuth struct {
	Domains []string `json:"domains"`
	Cert    string   `json:"cert"`
	Key     string   `json:"key"`
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
