package config

import (
	"crypto/tls"
	"fmt"
	"net"
	"net/netip"
	"slices"
	"strconv"
	"strings"

	"github.com/stampede-load/stampede/internal/scenario"
)

// Validate reports every problem of the (merged) options, each prefixed with
// its option path, e.g. `scenarios.login.stages[2].duration: …` or
// `summaryTrendStats: stat 'p(101)' is unknown`. The caller prints them
// under "There were problems with the specified script configuration:" and
// exits with 104.
func (o Options) Validate() []error {
	var errs []error
	add := func(path, format string, args ...any) {
		errs = append(errs, &scenario.FieldError{Path: path, Msg: fmt.Sprintf(format, args...)})
	}

	seg, segErr := scenario.ParseSegment(o.ExecutionSegment.V)
	if segErr != nil {
		add("executionSegment", "%v", segErr)
	}
	seq, seqErr := scenario.ParseSegmentSequence(o.ExecutionSegmentSequence.V)
	if seqErr != nil {
		add("executionSegmentSequence", "%v", seqErr)
	}
	if segErr == nil && seqErr == nil {
		if err := seq.Check(seg); err != nil {
			add("executionSegment", "%v", err)
		}
	}

	scs, _, err := o.DeriveScenarios()
	if err != nil {
		errs = append(errs, err)
	}
	for _, c := range scenario.Sorted(scs) {
		errs = append(errs, c.Validate()...)
		if _, ok := c.(*scenario.ExternallyControlled); ok && segErr == nil && !seg.IsFull() {
			add("scenarios."+c.Base().Name, "the externally-controlled executor can't be used with an execution segment other than 0:1")
		}
	}

	for _, s := range o.SummaryTrendStats.V {
		if !validTrendStat(s) {
			add("summaryTrendStats", "stat '%s' is unknown", s)
		}
	}
	switch o.SummaryTimeUnit.V {
	case "", "s", "ms", "us":
	default:
		add("summaryTimeUnit", "invalid summary time unit '%s', use: 's', 'ms' or 'us'", o.SummaryTimeUnit.V)
	}
	all := AllSystemTags()
	for _, t := range o.SystemTags.V {
		if !slices.Contains(all, t) {
			add("systemTags", "unknown system tag '%s'", t)
		}
	}

	for _, name := range o.TLSCipherSuites.V {
		if _, ok := cipherSuites()[name]; !ok {
			add("tlsCipherSuites", "unknown cipher suite '%s'", name)
		}
	}
	if o.TLSVersion.Valid {
		errs = append(errs, validateTLSVersions(o.TLSVersion.V)...)
	}
	for i, a := range o.TLSAuth.V {
		path := "tlsAuth[" + strconv.Itoa(i) + "]"
		if len(a.Domains) == 0 {
			add(path+".domains", "at least one domain has to be specified")
		}
		if _, err := tls.X509KeyPair([]byte(a.Cert), []byte(a.Key)); err != nil {
			add(path, "invalid certificate or key: %v", err)
		}
	}

	if o.DNS.TTL.Valid {
		if _, _, err := parseTTL(o.DNS.TTL.V); err != nil {
			add("dns.ttl", "%v", err)
		}
	}
	if v := o.DNS.Select; v.Valid && !slices.Contains([]string{DNSSelectFirst, DNSSelectRandom, DNSSelectRoundRobin}, v.V) {
		add("dns.select", "unknown value '%s', expected one of first, random, roundRobin", v.V)
	}
	if v := o.DNS.Policy; v.Valid && !slices.Contains([]string{DNSPolicyPreferIPv4, DNSPolicyPreferIPv6,
		DNSPolicyOnlyIPv4, DNSPolicyOnlyIPv6, DNSPolicyAny}, v.V) {
		add("dns.policy", "unknown value '%s', expected one of preferIPv4, preferIPv6, onlyIPv4, onlyIPv6, any", v.V)
	}

	for _, cidr := range o.BlacklistIPs.V {
		if _, _, err := net.ParseCIDR(cidr); err != nil {
			add("blacklistIPs", "invalid CIDR '%s', expected e.g. 10.0.0.0/8", cidr)
		}
	}
	for _, p := range o.BlockHostnames.V {
		if !validHostPattern(p) {
			add("blockHostnames", "invalid host pattern '%s'", p)
		}
	}
	for _, host := range sortedKeys(o.Hosts.V) {
		if !validHostAddress(o.Hosts.V[host]) {
			add("hosts."+host, "invalid address '%s', expected an IP or IP:port", o.Hosts.V[host])
		}
	}
	if o.LocalIPs.Valid {
		for item := range strings.SplitSeq(o.LocalIPs.V, ",") {
			if item = strings.TrimSpace(item); item != "" && !validLocalIPs(item) {
				add("localIPs", "invalid IP, IP range or CIDR '%s'", item)
			}
		}
	}

	for _, f := range []struct {
		path string
		v    Opt[int64]
	}{{"vus", o.VUs}, {"rps", o.RPS}, {"maxRedirects", o.MaxRedirects}, {"batch", o.Batch},
		{"batchPerHost", o.BatchPerHost}, {"metricSamplesBufferSize", o.MetricSamplesBufferSize}} {
		if f.v.Valid && f.v.V < 0 {
			add(f.path, "shouldn't be negative, but is %d", f.v.V)
		}
	}
	for _, f := range []struct {
		path string
		v    Opt[scenario.Duration]
	}{{"setupTimeout", o.SetupTimeout}, {"teardownTimeout", o.TeardownTimeout},
		{"minIterationDuration", o.MinIterationDuration}} {
		if f.v.Valid && f.v.V < 0 {
			add(f.path, "shouldn't be negative, but is %s", f.v.V)
		}
	}
	return errs
}

// validTrendStat accepts avg, min, med, max, count and p(N) with N in
// [0, 100], decimals allowed.
func validTrendStat(s string) bool {
	switch s {
	case "avg", "min", "med", "max", "count":
		return true
	}
	inner, ok := strings.CutPrefix(s, "p(")
	if !ok {
		return false
	}
	inner, ok = strings.CutSuffix(inner, ")")
	if !ok || inner == "" || strings.ContainsAny(inner, "eExXpP_+-") {
		return false
	}
	f, err := strconv.ParseFloat(inner, 64)
	return err == nil && f >= 0 && f <= 100
}

// TLSVersionID maps k6's names to crypto/tls constants; "" is 0 (any).
func TLSVersionID(name string) (uint16, bool) {
	switch name {
	case "":
		return 0, true
	case "tls1.0":
		return tls.VersionTLS10, true
	case "tls1.1":
		return tls.VersionTLS11, true
	case "tls1.2":
		return tls.VersionTLS12, true
	case "tls1.3":
		return tls.VersionTLS13, true
	}
	return 0, false
}

func validateTLSVersions(v TLSVersions) []error {
	var errs []error
	lo, okMin := TLSVersionID(v.Min)
	hi, okMax := TLSVersionID(v.Max)
	for _, x := range []struct {
		path, v string
		ok      bool
	}{{"tlsVersion.min", v.Min, okMin}, {"tlsVersion.max", v.Max, okMax}} {
		if !x.ok {
			errs = append(errs, &scenario.FieldError{Path: x.path,
				Msg: fmt.Sprintf("unknown TLS version '%s', expected one of tls1.0, tls1.1, tls1.2, tls1.3", x.v)})
		}
	}
	if okMin && okMax && lo != 0 && hi != 0 && lo > hi {
		errs = append(errs, &scenario.FieldError{Path: "tlsVersion",
			Msg: fmt.Sprintf("min version '%s' is higher than max version '%s'", v.Min, v.Max)})
	}
	return errs
}

// CipherSuiteIDs maps k6's cipher suite names to crypto/tls IDs.
func CipherSuiteIDs(names []string) ([]uint16, error) {
	known := cipherSuites()
	ids := make([]uint16, 0, len(names))
	for _, n := range names {
		id, ok := known[n]
		if !ok {
			return nil, fmt.Errorf("unknown cipher suite '%s'", n)
		}
		ids = append(ids, id)
	}
	return ids, nil
}

// cipherSuites lists the names k6 v0.32 accepts; some differ from Go's
// current names (e.g. ..._CHACHA20_POLY1305 without _SHA256).
func cipherSuites() map[string]uint16 {
	return map[string]uint16{
		"TLS_RSA_WITH_RC4_128_SHA":                tls.TLS_RSA_WITH_RC4_128_SHA,
		"TLS_RSA_WITH_3DES_EDE_CBC_SHA":           tls.TLS_RSA_WITH_3DES_EDE_CBC_SHA,
		"TLS_RSA_WITH_AES_128_CBC_SHA":            tls.TLS_RSA_WITH_AES_128_CBC_SHA,
		"TLS_RSA_WITH_AES_256_CBC_SHA":            tls.TLS_RSA_WITH_AES_256_CBC_SHA,
		"TLS_RSA_WITH_AES_128_CBC_SHA256":         tls.TLS_RSA_WITH_AES_128_CBC_SHA256,
		"TLS_RSA_WITH_AES_128_GCM_SHA256":         tls.TLS_RSA_WITH_AES_128_GCM_SHA256,
		"TLS_RSA_WITH_AES_256_GCM_SHA384":         tls.TLS_RSA_WITH_AES_256_GCM_SHA384,
		"TLS_ECDHE_ECDSA_WITH_RC4_128_SHA":        tls.TLS_ECDHE_ECDSA_WITH_RC4_128_SHA,
		"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA":    tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA,
		"TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA":    tls.TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA,
		"TLS_ECDHE_RSA_WITH_RC4_128_SHA":          tls.TLS_ECDHE_RSA_WITH_RC4_128_SHA,
		"TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA":     tls.TLS_ECDHE_RSA_WITH_3DES_EDE_CBC_SHA,
		"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA":      tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA,
		"TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA":      tls.TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA,
		"TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256":   tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
		"TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256": tls.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256,
		"TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384":   tls.TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384,
		"TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384": tls.TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384,
		"TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256": tls.TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256,
		"TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305":    tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305,
		"TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305":  tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305,
		"TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256":   tls.TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256,
		"TLS_AES_128_GCM_SHA256":                  tls.TLS_AES_128_GCM_SHA256,
		"TLS_AES_256_GCM_SHA384":                  tls.TLS_AES_256_GCM_SHA384,
		"TLS_CHACHA20_POLY1305_SHA256":            tls.TLS_CHACHA20_POLY1305_SHA256,
	}
}

// validHostPattern is k6's blockHostnames rule: an optional leading "*"
// followed by letters, digits, dots and dashes.
func validHostPattern(p string) bool {
	p = strings.TrimPrefix(p, "*")
	for _, c := range p {
		if c != '.' && c != '-' && (c < '0' || c > '9') && !isLetter(c) {
			return false
		}
	}
	return true
}

func isLetter(c rune) bool {
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c > 0x7f
}

func validHostAddress(s string) bool {
	if _, err := netip.ParseAddr(s); err == nil {
		return true
	}
	_, err := netip.ParseAddrPort(s)
	return err == nil
}

func validLocalIPs(item string) bool {
	if _, err := netip.ParsePrefix(item); err == nil {
		return true
	}
	if from, to, ok := strings.Cut(item, "-"); ok {
		a, errA := netip.ParseAddr(strings.TrimSpace(from))
		b, errB := netip.ParseAddr(strings.TrimSpace(to))
		return errA == nil && errB == nil && a.Is4() == b.Is4() && !b.Less(a)
	}
	_, err := netip.ParseAddr(item)
	return err == nil
}
