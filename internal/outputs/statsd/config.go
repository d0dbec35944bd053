package statsd

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
)

// MaxPacketSize caps the payload of one UDP packet in bytes: 1432 fits a
// 1500-byte Ethernet MTU with IPv6 and UDP headers to spare, so a packet
// is never fragmented on the way (the value the DogStatsD clients use).
// A single line longer than this is sent in a packet of its own.
const MaxPacketSize = 1432

// Config is the statsd (and datadog) output's configuration (k6-spec §9.4).
type Config struct {
	// Addr is the StatsD server's UDP address, host:port.
	Addr string
	// Namespace is prepended as is to every metric name ("k6." makes
	// http_reqs "k6.http_reqs"); no dot is added.
	Namespace string
	// PushInterval is how often the buffered lines are sent.
	PushInterval time.Duration
	// BufferSize is the most lines one UDP packet holds (k6's
	// "messages per payload"); packets are also kept under MaxPacketSize.
	BufferSize int
	// EnableTags appends the sample's tags as DogStatsD tags
	// (|#key:value,…).
	EnableTags bool
	// TagBlocklist lists the tags never sent.
	TagBlocklist []string
}

// DefaultConfig is k6 v0.32's default for -o statsd; -o datadog differs
// only in EnableTags.
func DefaultConfig() Config {
	return Config{
		Addr:         "localhost:8125",
		Namespace:    "k6.",
		PushInterval: time.Second,
		BufferSize:   20,
		TagBlocklist: []string{"vu", "iter", "url"},
	}
}

// flavour is what tells the two output types apart: the environment
// prefix, the spelling of the blocklist variable, the tag default.
type flavour struct {
	typ        string   // "statsd" or "datadog"
	prefix     string   // "K6_STATSD_" or "K6_DATADOG_"
	blocklist  []string // the blocklist variable's names, preferred first
	enableTags bool
}

//nolint:gochecknoglobals // constant tables
var (
	statsdFlavour  = flavour{typ: "statsd", prefix: "K6_STATSD_", blocklist: []string{"TAG_BLOCKLIST", "TAG_BLACKLIST"}}
	datadogFlavour = flavour{typ: "datadog", prefix: "K6_DATADOG_", blocklist: []string{"TAG_BLACKLIST", "TAG_BLOCKLIST"}, enableTags: true}
)

// ParseConfig reads the K6_STATSD_* variables and then the argument (an
// address host:port, optional) over the defaults, and validates the
// result.
func ParseConfig(arg string, getenv func(string) string) (Config, error) {
	return parseConfig(statsdFlavour, arg, getenv)
}

// ParseDatadogConfig is ParseConfig for -o datadog: the K6_DATADOG_*
// variables, tags enabled by default.
func ParseDatadogConfig(arg string, getenv func(string) string) (Config, error) {
	return parseConfig(datadogFlavour, arg, getenv)
}

func parseConfig(f flavour, arg string, getenv func(string) string) (Config, error) {
	c := DefaultConfig()
	c.EnableTags = f.enableTags
	var problems []error
	if getenv != nil {
		problems = append(problems, c.applyEnv(f, getenv))
	}
	if arg = strings.TrimSpace(arg); arg != "" {
		c.Addr = arg
	}
	problems = append(problems, c.validate())
	return c, errors.Join(problems...)
}

func (c *Config) applyEnv(f flavour, getenv func(string) string) error {
	var problems []error
	if v := getenv(f.prefix + "ADDR"); v != "" {
		c.Addr = v
	}
	if v := getenv(f.prefix + "NAMESPACE"); v != "" {
		c.Namespace = v
	}
	if name := f.prefix + "PUSH_INTERVAL"; getenv(name) != "" {
		d, err := parseInterval(getenv(name))
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %w", name, err))
		}
		c.PushInterval = d
	}
	if name := f.prefix + "BUFFER_SIZE"; getenv(name) != "" {
		n, err := strconv.Atoi(strings.TrimSpace(getenv(name)))
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %q is not an integer", name, getenv(name)))
		}
		c.BufferSize = n
	}
	if name := f.prefix + "ENABLE_TAGS"; getenv(name) != "" {
		b, err := strconv.ParseBool(strings.TrimSpace(getenv(name)))
		if err != nil {
			problems = append(problems, fmt.Errorf("%s: %q is not true or false", name, getenv(name)))
		}
		c.EnableTags = b
	}
	for _, suffix := range f.blocklist {
		if v := getenv(f.prefix + suffix); v != "" {
			c.TagBlocklist = splitList(v)
			break
		}
	}
	return errors.Join(problems...)
}

func splitList(v string) []string {
	out := []string{}
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

func (c *Config) validate() error {
	var problems []error
	if host, port, err := net.SplitHostPort(c.Addr); err != nil {
		problems = append(problems, fmt.Errorf("invalid address %q: want host:port", c.Addr))
	} else if host == "" || port == "" {
		problems = append(problems, fmt.Errorf("invalid address %q: want host:port", c.Addr))
	}
	if c.PushInterval <= 0 {
		problems = append(problems, fmt.Errorf("push interval must be positive, got %s", c.PushInterval))
	}
	if c.BufferSize <= 0 {
		problems = append(problems, fmt.Errorf("buffer size must be a positive number of lines, got %d", c.BufferSize))
	}
	return errors.Join(problems...)
}

// parseInterval reads a Go duration ("1s", "500ms") or a bare number of
// milliseconds, as k6's duration options do.
func parseInterval(v string) (time.Duration, error) {
	v = strings.TrimSpace(v)
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
