package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
)

// Stage is one step of a ramping executor: move linearly to Target over
// Duration. Whether each field was given at all is remembered, because k6
// reports "stage N doesn't have a duration/target" rather than treating a
// missing value as zero.
type Stage struct {
	Duration Duration `json:"duration"`
	Target   int64    `json:"target"`

	// Inverted so that a Stage literal written in Go code counts as complete.
	noDuration bool
	noTarget   bool
}

// HasDuration reports whether the stage had a duration when it was decoded.
func (s Stage) HasDuration() bool { return !s.noDuration }

// HasTarget reports whether the stage had a target when it was decoded.
func (s Stage) HasTarget() bool { return !s.noTarget }

// WithoutTarget returns s marked as having no target, as produced by the
// CLI form "-s 30s".
func (s Stage) WithoutTarget() Stage {
	s.noTarget, s.Target = true, 0
	return s
}

// WithTarget returns s with its target set.
func (s Stage) WithTarget(t int64) Stage {
	s.noTarget, s.Target = false, t
	return s
}

// UnmarshalJSON records which of duration and target were present.
func (s *Stage) UnmarshalJSON(data []byte) error {
	var raw struct {
		Duration json.RawMessage `json:"duration"`
		Target   json.RawMessage `json:"target"`
	}
	if err := json.Unmarshal(data, &raw); err != nil {
		return err
	}
	var st Stage
	if isNull(raw.Duration) {
		st.noDuration = true
	} else if err := st.Duration.UnmarshalJSON(raw.Duration); err != nil {
		return fmt.Errorf("duration: %w", err)
	}
	if isNull(raw.Target) {
		st.noTarget = true
	} else if err := unmarshalInt(raw.Target, &st.Target); err != nil {
		return fmt.Errorf("target: %w", err)
	}
	*s = st
	return nil
}

// MarshalJSON omits the fields that were not given so that a round trip
// keeps validation results unchanged.
func (s Stage) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	if s.HasDuration() {
		fmt.Fprintf(&b, `"duration":%q`, s.Duration.String())
	}
	if s.HasTarget() {
		if s.HasDuration() {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"target":%d`, s.Target)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// ParseStage parses the CLI/env form "[duration]:[target]"; the target is
// optional ("60s" holds the previous target).
func ParseStage(s string) (Stage, error) {
	durStr, targetStr, hasColon := strings.Cut(s, ":")
	var st Stage
	d, err := ParseDuration(strings.TrimSpace(durStr))
	if err != nil {
		return Stage{}, fmt.Errorf("invalid stage %q: %w", s, err)
	}
	st.Duration = Duration(d)
	targetStr = strings.TrimSpace(targetStr)
	if !hasColon || targetStr == "" {
		return st.WithoutTarget(), nil
	}
	t, err := strconv.ParseInt(targetStr, 10, 64)
	if err != nil {
		return Stage{}, fmt.Errorf("invalid stage %q: target %q is not an integer", s, targetStr)
	}
	st.Target = t
	return st, nil
}

// String renders the stage in the CLI form.
func (s Stage) String() string {
	if !s.HasTarget() {
		return s.Duration.String()
	}
	return s.Duration.String() + ":" + strconv.FormatInt(s.Target, 10)
}

func isNull(raw json.RawMessage) bool {
	t := bytes.TrimSpace(raw)
	return len(t) == 0 || string(t) == "null"
}

// unmarshalInt accepts integral JSON numbers only, with a message that does
// not mention Go types.
func unmarshalInt(raw json.RawMessage, dst *int64) error {
	var n json.Number
	raw = bytes.TrimSpace(raw)
	if err := json.Unmarshal(raw, &n); err != nil || len(raw) == 0 || raw[0] == '"' {
		return fmt.Errorf("expected an integer, got %s", bytes.TrimSpace(raw))
	}
	v, err := strconv.ParseInt(n.String(), 10, 64)
	if err != nil {
		// JS numbers such as 10.0 or 1e3 are integral but not Go-int syntax.
		f, ferr := n.Float64()
		if ferr != nil || f < -9e18 || f > 9e18 || f != float64(int64(f)) {
			return fmt.Errorf("expected an integer, got %s", n)
		}
		v = int64(f)
	}
	*dst = v
	return nil
}
