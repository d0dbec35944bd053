package influxdb

import (
	"errors"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Config is the influxdb output's configuration (k6-spec §9.3).
type Config struct {
	// Addr is the server's base URL, scheme://host:port.
	Addr     string
	DB       string
	Username string
	Password string
	// Insecure skips the verification of the server's TLS certificate.
	Insecure bool
	// PayloadSize caps the body of one /write request in bytes; 0 means
	// one request per flush.
	PayloadSize      int
	PushInterval     time.Duration
	ConcurrentWrites int
	// Precision is the timestamp unit: "ns" (default), "us", "ms", "s",
	// "m" or "h".
	Precision   string
	Retention   string
	Consistency string
	// TagsAsFields are the tags written as fields, as "name" (a string
	// field) or "name:type" with type int, float, bool or string.
	TagsAsFields []string
}

// DefaultConfig is k6 v0.32's default.
func DefaultConfig() Config {
	return Config{
		Addr:             "http://localhost:8086",
		DB:               "k6",
		PushInterval:     time.Second,
		ConcurrentWrites: 10,
		Precision:        "ns",
		TagsAsFields:     []string{"vu", "iter", "url"},
	}
}

// ParseConfig applies the K6_INFLUXDB_* environment and then the argument
// (a URL http[s]://[user:pass@]host:port/db[?option=…]) over the defaults,
// and validates the result.
func ParseConfig(arg string, getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	if getenv != nil {
		if err := c.applyEnv(getenv); err != nil {
			return c, err
		}
	}
	if arg != "" {
		if err := c.applyURL(arg); err != nil {
			return c, err
		}
	}
	return c, c.validate()
}

func (c *Config) applyEnv(getenv func(string) string) error {
	var problems []error
	str := func(name string, dst *string) {
		if v := getenv(name); v != "" {
			*dst = v
		}
	}
	str("K6_INFLUXDB_ADDR", &c.Addr)
	str("K6_INFLUXDB_DB", &c.DB)
	str("K6_INFLUXDB_USERNAME", &c.Username)
	str("K6_INFLUXDB_PASSWORD", &c.Password)
	str("K6_INFLUXDB_PRECISION", &c.Precision)
	str("K6_INFLUXDB_RETENTION", &c.Retention)
	str("K6_INFLUXDB_CONSISTENCY", &c.Consistency)
	if v := getenv("K6_INFLUXDB_INSECURE"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			problems = append(problems, fmt.Errorf("K6_INFLUXDB_INSECURE: %q is not true or false", v))
		}
		c.Insecure = b
	}
	ints := []struct {
		name string
		dst  *int
	}{{"K6_INFLUXDB_PAYLOAD_SIZE", &c.PayloadSize}, {"K6_INFLUXDB_CONCURRENT_WRITES", &c.ConcurrentWrites}}
	for _, i := range ints {
		if v := getenv(i.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				problems = append(problems, fmt.Errorf("%s: %q is not an integer", i.name, v))
			}
			*i.dst = n
		}
	}
	if v := getenv("K6_INFLUXDB_PUSH_INTERVAL"); v != "" {
		d, err := parseInterval(v)
		if err != nil {
			problems = append(problems, fmt.Errorf("K6_INFLUXDB_PUSH_INTERVAL: %w", err))
		}
		c.PushInterval = d
	}
	if v := getenv("K6_INFLUXDB_TAGS_AS_FIELDS"); v != "" {
		c.TagsAsFields = splitList([]string{v})
	}
	return errors.Join(problems...)
}

func (c *Config) applyURL(arg string) error {
	u, err := url.Parse(arg)
	if err != nil {
		return fmt.Errorf("invalid URL %q: %w", arg, err)
	}
	if u.Scheme == "" || u.Host == "" {
		return fmt.Errorf("invalid URL %q: want http[s]://[user:pass@]host:port/database", arg)
	}
	c.Addr = u.Scheme + "://" + u.Host
	if db := strings.Trim(u.Path, "/"); db != "" {
		c.DB = db
	}
	if u.User != nil {
		c.Username = u.User.Username()
		c.Password, _ = u.User.Password()
	}
	var problems []error
	keys := make([]string, 0, len(u.Query()))
	for k := range u.Query() {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for _, k := range keys {
		vs := u.Query()[k]
		v := vs[len(vs)-1]
		switch k {
		case "insecure":
			switch v {
			case "":
			case "true", "false":
				c.Insecure = v == "true"
			default:
				problems = append(problems, fmt.Errorf("insecure must be true or false, not %q", v))
			}
		case "payload_size", "payloadSize":
			n, err := strconv.Atoi(v)
			if err != nil {
				problems = append(problems, fmt.Errorf("%s: %q is not an integer", k, v))
			}
			c.PayloadSize = n
		case "concurrent_writes", "concurrentWrites":
			n, err := strconv.Atoi(v)
			if err != nil {
				problems = append(problems, fmt.Errorf("%s: %q is not an integer", k, v))
			}
			c.ConcurrentWrites = n
		case "push_interval", "pushInterval":
			d, err := parseInterval(v)
			if err != nil {
				problems = append(problems, fmt.Errorf("%s: %w", k, err))
			}
			c.PushInterval = d
		case "precision":
			c.Precision = v
		case "retention":
			c.Retention = v
		case "consistency":
			c.Consistency = v
		case "tagsAsFields", "tags_as_fields":
			c.TagsAsFields = splitList(vs)
		default:
			problems = append(problems, fmt.Errorf("unknown query parameter %q (known: insecure, payload_size, "+
				"push_interval, concurrent_writes, precision, retention, consistency, tagsAsFields)", k))
		}
	}
	return errors.Join(problems...)
}

// splitList reads repeated and comma-separated values: tagsAsFields=vu&
// tagsAsFields=iter and tagsAsFields=vu,iter mean the same.
func splitList(vs []string) []string {
	out := []string{}
	for _, v := range vs {
		for _, s := range strings.Split(v, ",") {
			if s = strings.TrimSpace(s); s != "" {
				out = append(out, s)
			}
		}
	}
	return out
}

func (c *Config) validate() error {
	var problems []error
	u, err := url.Parse(c.Addr)
	switch {
	case err != nil:
		problems = append(problems, fmt.Errorf("invalid address %q: %w", c.Addr, err))
	case u.Scheme == "udp":
		problems = append(problems, fmt.Errorf("address %q: the UDP protocol is not supported by stampede, use http or https", c.Addr))
	case u.Scheme != "http" && u.Scheme != "https":
		problems = append(problems, fmt.Errorf("address %q: the scheme must be http or https", c.Addr))
	case u.Host == "":
		problems = append(problems, fmt.Errorf("address %q has no host", c.Addr))
	}
	if c.DB == "" {
		problems = append(problems, errors.New("no database name"))
	}
	if c.ConcurrentWrites <= 0 {
		problems = append(problems, fmt.Errorf("concurrent writes must be a positive number, got %d", c.ConcurrentWrites))
	}
	if c.PayloadSize < 0 {
		problems = append(problems, fmt.Errorf("payload size must not be negative, got %d", c.PayloadSize))
	}
	if c.PushInterval <= 0 {
		problems = append(problems, fmt.Errorf("push interval must be positive, got %s", c.PushInterval))
	}
	if _, err := parsePrecision(c.Precision); err != nil {
		problems = append(problems, err)
	}
	if _, err := parseFieldKinds(c.TagsAsFields); err != nil {
		problems = append(problems, err)
	}
	return errors.Join(problems...)
}

// precision is a timestamp unit: the divisor of Unix nanoseconds and the
// value of /write's precision parameter.
type precision struct {
	div   int64
	param string
}

func parsePrecision(p string) (precision, error) {
	switch p {
	case "", "n", "ns":
		return precision{1, "ns"}, nil
	case "u", "us", "µs":
		return precision{int64(time.Microsecond), "u"}, nil
	case "ms":
		return precision{int64(time.Millisecond), "ms"}, nil
	case "s":
		return precision{int64(time.Second), "s"}, nil
	case "m":
		return precision{int64(time.Minute), "m"}, nil
	case "h":
		return precision{int64(time.Hour), "h"}, nil
	}
	return precision{}, fmt.Errorf("invalid precision %q (use ns, us, ms, s, m or h)", p)
}

// fieldKind is the type a tag is written as when it is a field.
type fieldKind int

const (
	stringField fieldKind = iota
	intField
	floatField
	boolField
)

func parseFieldKinds(list []string) (map[string]fieldKind, error) {
	kinds := make(map[string]fieldKind, len(list))
	for _, item := range list {
		name, typ, _ := strings.Cut(item, ":")
		k := stringField
		switch typ {
		case "", "string":
		case "int":
			k = intField
		case "float":
			k = floatField
		case "bool":
			k = boolField
		default:
			return nil, fmt.Errorf("tagsAsFields: %q has an invalid type %q (use int, float, bool or string)", item, typ)
		}
		if name == "" {
			return nil, fmt.Errorf("tagsAsFields: %q has no tag name", item)
		}
		if _, dup := kinds[name]; dup {
			return nil, fmt.Errorf("tagsAsFields: the tag %q is listed twice", name)
		}
		if name == "value" {
			return nil, errors.New(`tagsAsFields: a tag cannot become the field "value", which holds the sample`)
		}
		kinds[name] = k
	}
	return kinds, nil
}

// parseInterval reads a Go duration ("1s", "500ms") or a bare number of
// milliseconds, as k6's duration options do.
func parseInterval(v string) (time.Duration, error) {
	d, err := time.ParseDuration(v)
	if err != nil {
		ms, nerr := strconv.ParseFloat(v, 64)
		if nerr != nil {
			return 0, fmt.Errorf("invalid duration %q", v)
		}
		d = time.Duration(ms * float64(time.Millisecond))
	}
	if d <= 0 {
		return 0, fmt.Errorf("invalid duration %q: must be positive", v)
	}
	return d, nil
}
