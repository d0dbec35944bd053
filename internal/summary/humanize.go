package summary

import (
	"math"
	"strconv"
	"time"

	"github.com/dustin/go-humanize"
)

// humanizeValue formats one aggregate the way k6's summary does; typ and
// contains are a Metric's Type and Contains.
func humanizeValue(typ, contains string, v float64, timeUnit string) string {
	if typ == TypeRate {
		return humanizeRate(v)
	}
	switch contains {
	case ContainsTime:
		return humanizeTime(v, timeUnit)
	case ContainsData:
		return humanizeBytes(v)
	default:
		return humanize.Ftoa(v)
	}
}

// humanizeRate truncates instead of rounding, so 0.99999 never shows as
// 100.00%; the multiplication order matches k6's so edge cases agree.
func humanizeRate(v float64) string {
	if math.IsNaN(v) {
		// A rate without samples is 0/0; show it as nothing passed rather
		// than as whatever int64(NaN) happens to be on this platform.
		v = 0
	}
	return strconv.FormatFloat(float64(int64(v*100*100))/100, 'f', 2, 64) + "%"
}

// humanizeTime takes milliseconds. Without a fixed unit it prints a Go
// duration truncated to about four significant digits, as k6 does.
func humanizeTime(ms float64, timeUnit string) string {
	d := time.Duration(ms * float64(time.Millisecond))
	switch timeUnit {
	case "s":
		return strconv.FormatFloat(d.Seconds(), 'f', 2, 64) + "s"
	case "ms":
		return strconv.FormatFloat(float64(d)/float64(time.Millisecond), 'f', 2, 64) + "ms"
	case "us":
		return strconv.FormatFloat(float64(d)/float64(time.Microsecond), 'f', 2, 64) + "µs"
	}
	switch {
	case d > time.Minute:
		d -= d % time.Second
	case d > time.Second:
		d -= d % (10 * time.Millisecond)
	case d > time.Millisecond:
		d -= d % (10 * time.Microsecond)
	case d > time.Microsecond:
		d -= d % (10 * time.Nanosecond)
	}
	return d.String()
}

// humanizeBytes converts to uint64 like k6, but keeps the sign of a negative
// value instead of wrapping it into exabytes.
func humanizeBytes(v float64) string {
	switch {
	case math.IsNaN(v):
		return "NaN B"
	case v < 0:
		return "-" + humanize.Bytes(uint64(-v))
	case v >= math.MaxUint64:
		return humanize.Bytes(math.MaxUint64)
	}
	return humanize.Bytes(uint64(v))
}

// humanizeCount prints a trend's sample count as an integer, since k6 keeps
// it as one.
func humanizeCount(v float64) string {
	if v < 0 || math.IsNaN(v) {
		return "0"
	}
	if v >= math.MaxUint64 {
		return strconv.FormatUint(math.MaxUint64, 10)
	}
	return strconv.FormatUint(uint64(v), 10)
}
