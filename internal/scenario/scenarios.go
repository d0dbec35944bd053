package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// Scenarios maps scenario names to their configs.
type Scenarios map[string]Config

// ParseScenarios decodes the "scenarios" object. Each config's Name is its
// key.
func ParseScenarios(raw []byte) (Scenarios, error) {
	fields, err := decodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("scenarios: %w", err)
	}
	out := make(Scenarios, len(fields))
	names := make([]string, 0, len(fields))
	for name := range fields {
		names = append(names, name)
	}
	slices.Sort(names)
	for _, name := range names {
		cfg, err := Parse(name, fields[name])
		if err != nil {
			return nil, err
		}
		out[name] = cfg
	}
	return out, nil
}

// MarshalJSON writes the scenarios in name order, so output is stable.
func (s Scenarios) MarshalJSON() ([]byte, error) {
	names := make([]string, 0, len(s))
	for name := range s {
		names = append(names, name)
	}
	slices.Sort(names)
	var b bytes.Buffer
	b.WriteByte('{')
	for i, name := range names {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(name)
		b.Write(k)
		b.WriteByte(':')
		v, err := json.Marshal(s[name])
		if err != nil {
			return nil, fmt.Errorf("scenario %q: %w", name, err)
		}
		b.Write(v)
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// Sorted returns the configs ordered by startTime, then name: the order of
// the execution header.
func Sorted(m map[string]Config) []Config {
	out := make([]Config, 0, len(m))
	for _, c := range m {
		out = append(out, c)
	}
	slices.SortFunc(out, func(a, b Config) int {
		if d := a.Base().StartTime - b.Base().StartTime; d != 0 {
			if d < 0 {
				return -1
			}
			return 1
		}
		return strings.Compare(a.Base().Name, b.Base().Name)
	})
	return out
}

// Sorted returns the configs ordered by startTime, then name.
func (s Scenarios) Sorted() []Config { return Sorted(s) }

// Validate validates every scenario, in header order.
func (s Scenarios) Validate() []error {
	var errs []error
	for _, c := range s.Sorted() {
		errs = append(errs, c.Validate()...)
	}
	return errs
}
