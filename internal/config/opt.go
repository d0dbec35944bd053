package config

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strconv"

	"github.com/stampede-load/stampede/internal/scenario"
)

// Opt is an option value plus whether it was set. An unset Opt may still
// carry a default in V (see Defaults), which is how k6 keeps defaults out of
// the merge while still letting code read them.
type Opt[T any] struct {
	V     T
	Valid bool
}

// Some returns a set Opt.
func Some[T any](v T) Opt[T] { return Opt[T]{V: v, Valid: true} }

// Unset returns an unset Opt carrying a default value.
func Unset[T any](def T) Opt[T] { return Opt[T]{V: def} }

// IsZero reports whether the option is unset; encoding/json's omitzero uses
// it to leave unset options out of the output.
func (o Opt[T]) IsZero() bool { return !o.Valid }

// Or returns the value if set, else def.
func (o Opt[T]) Or(def T) T {
	if o.Valid {
		return o.V
	}
	return def
}

// MarshalJSON writes the value, or null when unset.
func (o Opt[T]) MarshalJSON() ([]byte, error) {
	if !o.Valid {
		return []byte("null"), nil
	}
	return json.Marshal(o.V)
}

// UnmarshalJSON treats null as "not set", as k6 does, and otherwise decodes
// with messages that speak JSON rather than Go types.
func (o *Opt[T]) UnmarshalJSON(data []byte) error {
	if isNull(data) {
		var zero T
		o.V, o.Valid = zero, false
		return nil
	}
	if err := decodeValue(data, &o.V); err != nil {
		return err
	}
	o.Valid = true
	return nil
}

func isNull(data []byte) bool {
	t := bytes.TrimSpace(data)
	return len(t) == 0 || string(t) == "null"
}

// decodeValue decodes the option value types used in Options.
func decodeValue(data []byte, dst any) error {
	data = bytes.TrimSpace(data)
	switch p := dst.(type) {
	case *int64:
		return decodeInt(data, p)
	case *bool:
		if err := json.Unmarshal(data, p); err != nil {
			return fmt.Errorf("expected a boolean, got %s", short(data))
		}
	case *string:
		if err := json.Unmarshal(data, p); err != nil {
			return fmt.Errorf("expected a string, got %s", short(data))
		}
	case *scenario.Duration:
		return p.UnmarshalJSON(data)
	case *[]string:
		if err := json.Unmarshal(data, p); err != nil {
			return fmt.Errorf("expected an array of strings, got %s", short(data))
		}
	case *map[string]string:
		if err := json.Unmarshal(data, p); err != nil {
			return fmt.Errorf("expected an object with string values, got %s", short(data))
		}
	case *[]scenario.Stage:
		return decodeStages(data, p)
	case *scenario.Scenarios:
		s, err := scenario.ParseScenarios(data)
		if err != nil {
			return err
		}
		*p = s
	default:
		return json.Unmarshal(data, dst)
	}
	return nil
}

func decodeInt(data []byte, p *int64) error {
	var n json.Number
	if err := json.Unmarshal(data, &n); err != nil || len(data) == 0 || data[0] == '"' {
		return fmt.Errorf("expected an integer, got %s", short(data))
	}
	if v, err := strconv.ParseInt(n.String(), 10, 64); err == nil {
		*p = v
		return nil
	}
	// JavaScript numbers reach us as e.g. 1e3 or 10.0.
	f, err := n.Float64()
	if err != nil || f < -9e18 || f > 9e18 || f != float64(int64(f)) {
		return fmt.Errorf("expected an integer, got %s", short(data))
	}
	*p = int64(f)
	return nil
}

func decodeStages(data []byte, p *[]scenario.Stage) error {
	var raws []json.RawMessage
	if err := json.Unmarshal(data, &raws); err != nil {
		return fmt.Errorf("expected an array of stages, got %s", short(data))
	}
	stages := make([]scenario.Stage, len(raws))
	for i, r := range raws {
		if err := stages[i].UnmarshalJSON(r); err != nil {
			return fmt.Errorf("[%d]: %w", i, err)
		}
	}
	*p = stages
	return nil
}

// short keeps error messages one line even for large JSON values.
func short(data []byte) string {
	s := string(bytes.TrimSpace(data))
	if len(s) > 40 {
		s = s[:37] + "..."
	}
	return s
}
