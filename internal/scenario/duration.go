package scenario

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
)

// Duration is a time.Duration that unmarshals from a Go duration string
// extended with days ("2d", "1d12h") or a JSON number of milliseconds, and
// marshals as Go's Duration.String() ("1m0s"), which is what k6 accepts and
// prints.
type Duration time.Duration

// D returns d as a time.Duration.
func (d Duration) D() time.Duration { return time.Duration(d) }

// String formats d the way Go (and therefore k6) does.
func (d Duration) String() string { return time.Duration(d).String() }

// MarshalJSON writes d as a duration string.
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(d.String())
}

// UnmarshalJSON accepts a duration string or a number of milliseconds.
func (d *Duration) UnmarshalJSON(data []byte) error {
	data = bytes.TrimSpace(data)
	if len(data) > 0 && data[0] == '"' {
		var s string
		if err := json.Unmarshal(data, &s); err != nil {
			return err
		}
		v, err := ParseDuration(s)
		if err != nil {
			return err
		}
		*d = Duration(v)
		return nil
	}
	var ms float64
	if err := json.Unmarshal(data, &ms); err != nil {
		return fmt.Errorf("invalid duration %s: expected a string or a number of milliseconds", data)
	}
	v, err := fromMillis(ms)
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// UnmarshalText parses a duration string; it lets Duration be used with
// encoding.TextUnmarshaler consumers such as flag and env parsers.
func (d *Duration) UnmarshalText(text []byte) error {
	v, err := ParseDuration(string(text))
	if err != nil {
		return err
	}
	*d = Duration(v)
	return nil
}

// fromMillis converts a JSON millisecond count, refusing values that would
// silently wrap around instead of erroring.
func fromMillis(ms float64) (time.Duration, error) {
	ns := ms * float64(time.Millisecond)
	if math.IsNaN(ns) || ns >= math.MaxInt64 || ns <= math.MinInt64 {
		return 0, fmt.Errorf("invalid duration %v: out of range", ms)
	}
	return time.Duration(ns), nil
}

// ParseDuration parses a Go duration string that may start with a day count:
// "2d", "1d12h", "-1d2h". Go's parser has no day unit, and k6 scripts use it.
func ParseDuration(s string) (time.Duration, error) {
	dpos := strings.IndexByte(s, 'd')
	if dpos < 0 {
		d, err := time.ParseDuration(s)
		if err != nil {
			return 0, cleanDurationErr(s, err)
		}
		return d, nil
	}
	dayStr := s[:dpos]
	neg := strings.HasPrefix(dayStr, "-")
	digits := strings.TrimPrefix(strings.TrimPrefix(dayStr, "-"), "+")
	if digits == "" || strings.TrimLeft(digits, "0123456789") != "" {
		return 0, fmt.Errorf("invalid duration %q", s)
	}
	days, err := strconv.ParseInt(digits, 10, 64)
	if err != nil || days > int64(math.MaxInt64/(24*time.Hour)) {
		return 0, fmt.Errorf("invalid duration %q: out of range", s)
	}
	total := time.Duration(days) * 24 * time.Hour
	if rest := s[dpos+1:]; rest != "" {
		// A sign after the day count ("1d-2h") is ambiguous; k6 rejects it too.
		if rest[0] == '-' || rest[0] == '+' {
			return 0, fmt.Errorf("invalid duration %q", s)
		}
		extra, err := time.ParseDuration(rest)
		if err != nil {
			return 0, cleanDurationErr(s, err)
		}
		if total > math.MaxInt64-extra {
			return 0, fmt.Errorf("invalid duration %q: out of range", s)
		}
		total += extra
	}
	if neg {
		total = -total
	}
	return total, nil
}

// cleanDurationErr replaces Go's `time: invalid duration "\"x\""` (which
// double-quotes) with a message that quotes the user's input once.
func cleanDurationErr(s string, err error) error {
	msg := err.Error()
	switch {
	case strings.Contains(msg, "missing unit"):
		return fmt.Errorf("invalid duration %q: missing unit (e.g. 10s, 5m, 1h, 2d)", s)
	case strings.Contains(msg, "unknown unit"):
		return fmt.Errorf("invalid duration %q: unknown unit", s)
	case strings.Contains(msg, "overflow"):
		return fmt.Errorf("invalid duration %q: out of range", s)
	}
	return errors.New("invalid duration " + strconv.Quote(s))
}
