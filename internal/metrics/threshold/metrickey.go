package threshold

import (
	"fmt"
	"strings"
	"unicode"
)

// Tag is one key:value condition of a sub-metric filter.
type Tag struct {
	Key, Value string
}

// ParseMetricKey splits a threshold key such as
// `http_req_duration{status:200, name:"foo"}` into the metric name and its
// tag filter (spec §5.3). A key without "{" has a nil filter.
//
// The filter body is split on ","; each part at its first ":" (so
// `group:::mygroup` means group = "::mygroup"); keys and values lose
// surrounding white space and quotes; a part without ":" requires the tag to
// be "". Empty parts are ignored, as in v0.32. The metric name loses
// surrounding white space. It is an error for "{" to lack a closing "}" at
// the end, for the metric name or a tag key to be empty, or for a tag key to
// appear twice.
func ParseMetricKey(key string) (name string, filter []Tag, err error) {
	fail := func(format string, args ...any) (string, []Tag, error) {
		return "", nil, fmt.Errorf("invalid metric key %q: %s", key, fmt.Sprintf(format, args...))
	}
	trimmed := strings.TrimSpace(key)
	name, body, hasFilter := strings.Cut(trimmed, "{")
	name = strings.TrimSpace(name)
	if name == "" {
		return fail("empty metric name")
	}
	if strings.Contains(name, "}") {
		// Metric names cannot contain "}", so this is a mistyped filter.
		return fail(`unexpected "}" without "{"`)
	}
	if !hasFilter {
		return name, nil, nil
	}
	body, closed := strings.CutSuffix(body, "}")
	if !closed {
		return fail(`missing "}" at the end of the tag filter`)
	}
	for part := range strings.SplitSeq(body, ",") {
		if strings.TrimSpace(part) == "" {
			continue
		}
		k, v, _ := strings.Cut(part, ":")
		t := Tag{Key: trimTagText(k), Value: trimTagText(v)}
		if t.Key == "" {
			return fail("empty tag name in %q", strings.TrimSpace(part))
		}
		for _, prev := range filter {
			if prev.Key == t.Key {
				return fail("tag %q is listed twice", t.Key)
			}
		}
		filter = append(filter, t)
	}
	return name, filter, nil
}

// trimTagText strips any mix of white space and quote characters around a
// tag key or value, so `name:"foo"` and `'name': foo` both mean name = foo
// as in v0.32. Trimming both kinds together (v0.32 trimmed quotes, then
// space) makes the result stable, so a parsed filter can be written back
// as a key that parses to the same filter.
func trimTagText(s string) string {
	return strings.TrimFunc(s, func(r rune) bool {
		return r == '"' || r == '\'' || unicode.IsSpace(r)
	})
}

// Matches reports whether a sample whose tags are looked up with get carries
// every tag of filter with an equal value. A tag the sample lacks does not
// match, not even a filter value of "". An empty filter matches everything.
func Matches(filter []Tag, get func(key string) (string, bool)) bool {
	for _, t := range filter {
		if v, ok := get(t.Key); !ok || v != t.Value {
			return false
		}
	}
	return true
}
