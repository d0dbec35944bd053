package threshold

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Threshold is one entry of a metric's threshold list.
type Threshold struct {
	Source         string // the expression as written, for the summary
	Expr           *Expr
	AbortOnFail    bool
	DelayAbortEval time.Duration // 0 means abort on the first failure
}

// MarshalJSON writes the short string form when the threshold has no abort
// settings, and the object form otherwise, so a List survives a round trip
// (for example through an archive's metadata) in the shape users write.
// It does not escape "<" and ">", which every threshold contains; note that
// json.Marshal escapes them again unless an Encoder with SetEscapeHTML(false)
// is used.
func (t Threshold) MarshalJSON() ([]byte, error) {
	var v any = t.Source
	if t.AbortOnFail || t.DelayAbortEval != 0 {
		obj := struct {
			Threshold      string `json:"threshold"`
			AbortOnFail    bool   `json:"abortOnFail"`
			DelayAbortEval string `json:"delayAbortEval,omitempty"`
		}{Threshold: t.Source, AbortOnFail: t.AbortOnFail}
		if t.DelayAbortEval != 0 {
			obj.DelayAbortEval = t.DelayAbortEval.String()
		}
		v = obj
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(buf.Bytes(), []byte("\n")), nil
}

// List is one metric's thresholds. It implements json.Unmarshaler with
// ParseList, so an options struct can declare
// `Thresholds map[string]threshold.List`. Note that encoding/json does not
// add the map key to errors from UnmarshalJSON; callers that want
// `thresholds["http_req_duration"][1]: …` messages should decode into
// json.RawMessage and call ParseList themselves.
type List []Threshold

// UnmarshalJSON implements json.Unmarshaler.
func (l *List) UnmarshalJSON(data []byte) error {
	ts, err := ParseList(data)
	if err != nil {
		return err
	}
	*l = ts
	return nil
}

// ParseList parses the JSON value of one metric's entry in the "thresholds"
// option: an array whose elements are expression strings or objects
// {"threshold": "...", "abortOnFail": bool, "delayAbortEval": "10s" or
// milliseconds}. A lone string is accepted as a one-element list and null as
// an empty one. Every expression is parsed, so a bad one is reported before
// the test starts. Errors are prefixed with the element's JSON path relative
// to the list, e.g. `[1].delayAbortEval: invalid duration "2x" …`, so the
// caller only has to prepend the option path.
//
// Object keys are matched case-insensitively, as encoding/json did for
// v0.32; unknown keys are an error so that a typo such as "abortOnFailure"
// cannot silently disable an abort.
func ParseList(data []byte) ([]Threshold, error) {
	data = bytes.TrimSpace(data)
	if !json.Valid(data) {
		var v any
		err := json.Unmarshal(data, &v)
		return nil, fmt.Errorf("thresholds: invalid JSON: %w", err)
	}
	switch kind := jsonKind(data); kind {
	case "null":
		return nil, nil
	case "string":
		t, err := parseElement(data)
		if err != nil {
			return nil, err
		}
		return []Threshold{t}, nil
	case "array":
	default:
		return nil, fmt.Errorf("thresholds must be an array of strings or objects, not %s", kind)
	}
	var elems []json.RawMessage
	if err := json.Unmarshal(data, &elems); err != nil {
		return nil, fmt.Errorf("thresholds: %w", err)
	}
	ts := make([]Threshold, 0, len(elems))
	for i, raw := range elems {
		t, err := parseElement(raw)
		if err != nil {
			return nil, prefixError(fmt.Sprintf("[%d]", i), err)
		}
		ts = append(ts, t)
	}
	return ts, nil
}

// pathError carries the JSON path of a problem inside one element, so
// prefixError can join paths as `[1].delayAbortEval` rather than `[1]: .x:`.
type pathError struct {
	path string
	err  error
}

func (e *pathError) Error() string { return e.path + ": " + e.err.Error() }
func (e *pathError) Unwrap() error { return e.err }

func prefixError(prefix string, err error) error {
	if pe, ok := err.(*pathError); ok {
		return &pathError{path: prefix + pe.path, err: pe.err}
	}
	return &pathError{path: prefix, err: err}
}

func parseElement(raw json.RawMessage) (Threshold, error) {
	raw = bytes.TrimSpace(raw)
	switch kind := jsonKind(raw); kind {
	case "string":
		var src string
		if err := json.Unmarshal(raw, &src); err != nil {
			return Threshold{}, err
		}
		e, err := Parse(src)
		if err != nil {
			return Threshold{}, err
		}
		return Threshold{Source: src, Expr: e}, nil
	case "object":
		return parseObject(raw)
	default:
		return Threshold{}, fmt.Errorf("a threshold must be a string or an object, not %s", kind)
	}
}

func parseObject(raw json.RawMessage) (Threshold, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return Threshold{}, err
	}
	var t Threshold
	haveSource := false
	// Sorted so the first reported problem does not depend on map order.
	for _, key := range slices.Sorted(maps.Keys(fields)) {
		val := bytes.TrimSpace(fields[key])
		field := func(err error) error { return &pathError{path: "." + key, err: err} }
		switch {
		case strings.EqualFold(key, "threshold"):
			if jsonKind(val) != "string" {
				return Threshold{}, field(fmt.Errorf("must be a string, not %s", jsonKind(val)))
			}
			if err := json.Unmarshal(val, &t.Source); err != nil {
				return Threshold{}, field(err)
			}
			e, err := Parse(t.Source)
			if err != nil {
				return Threshold{}, field(err)
			}
			t.Expr, haveSource = e, true
		case strings.EqualFold(key, "abortOnFail"):
			switch kind := jsonKind(val); kind {
			case "boolean":
				t.AbortOnFail = string(val) == "true"
			case "null":
			default:
				return Threshold{}, field(fmt.Errorf("must be true or false, not %s", kind))
			}
		case strings.EqualFold(key, "delayAbortEval"):
			d, err := parseDelay(val)
			if err != nil {
				return Threshold{}, field(err)
			}
			t.DelayAbortEval = d
		default:
			return Threshold{}, fmt.Errorf("unknown field %q (want threshold, abortOnFail or delayAbortEval)", key)
		}
	}
	if !haveSource {
		return Threshold{}, errors.New(`missing "threshold" field`)
	}
	return t, nil
}

// parseDelay reads delayAbortEval: a duration string, or a number of
// milliseconds as v0.32's duration type accepted.
func parseDelay(val json.RawMessage) (time.Duration, error) {
	var d time.Duration
	switch kind := jsonKind(val); kind {
	case "null":
		return 0, nil
	case "string":
		var s string
		if err := json.Unmarshal(val, &s); err != nil {
			return 0, err
		}
		var err error
		if d, err = ParseDuration(s); err != nil {
			return 0, err
		}
	case "number":
		ms, err := strconv.ParseFloat(string(val), 64)
		ns := ms * float64(time.Millisecond)
		if err != nil || math.IsNaN(ns) || math.Abs(ns) >= math.MaxInt64 {
			return 0, fmt.Errorf("invalid duration %s (milliseconds out of range)", val)
		}
		d = time.Duration(ns)
	default:
		return 0, fmt.Errorf(`must be a duration string such as "10s" or a number of milliseconds, not %s`, kind)
	}
	if d < 0 {
		return 0, fmt.Errorf("must not be negative, got %s", d)
	}
	return d, nil
}

// jsonKind names the JSON type of an already-trimmed value for messages and
// dispatch; it assumes the value is syntactically valid where it matters.
func jsonKind(v []byte) string {
	if len(v) == 0 {
		return "nothing"
	}
	switch v[0] {
	case '"':
		return "string"
	case '[':
		return "array"
	case '{':
		return "object"
	case 't', 'f':
		return "boolean"
	case 'n':
		return "null"
	}
	return "number"
}

// ParseDuration parses Go's time.ParseDuration syntax ("300ms", "1m30s")
// extended with a leading day count ("2d", "1d12h"), as k6 accepts in
// duration options. A leading sign applies to the whole duration;
// surrounding white space is ignored.
func ParseDuration(s string) (time.Duration, error) {
	bad := func() (time.Duration, error) {
		return 0, fmt.Errorf(`invalid duration %q (want e.g. "500ms", "10s", "1m30s" or "1d12h")`, s)
	}
	rest := strings.TrimSpace(s)
	neg := false
	if rest != "" && (rest[0] == '-' || rest[0] == '+') {
		neg = rest[0] == '-'
		rest = rest[1:]
	}
	if rest == "" {
		return bad()
	}
	var d time.Duration
	if days, after, ok := strings.Cut(rest, "d"); ok {
		// No Go duration unit contains "d", so a "d" can only end a day count.
		n, err := strconv.ParseUint(days, 10, 64)
		const maxDays = uint64(math.MaxInt64 / int64(24*time.Hour))
		if err != nil || n > maxDays {
			return bad()
		}
		d = time.Duration(n) * 24 * time.Hour
		rest = after
		if rest == "" {
			return sign(d, neg), nil
		}
		if rest[0] == '-' || rest[0] == '+' {
			return bad()
		}
	}
	r, err := time.ParseDuration(rest)
	if err != nil || r < 0 || r > math.MaxInt64-d {
		return bad()
	}
	return sign(d+r, neg), nil
}

func sign(d time.Duration, neg bool) time.Duration {
	if neg {
		return -d
	}
	return d
}
