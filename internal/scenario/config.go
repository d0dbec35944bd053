package scenario

import (
	"bytes"
	"encoding/json"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"
)

// Executor type names, spelled exactly as k6 users write them.
const (
	TypeSharedIterations     = "shared-iterations"
	TypePerVUIterations      = "per-vu-iterations"
	TypeConstantVUs          = "constant-vus"
	TypeRampingVUs           = "ramping-vus"
	TypeConstantArrivalRate  = "constant-arrival-rate"
	TypeRampingArrivalRate   = "ramping-arrival-rate"
	TypeExternallyControlled = "externally-controlled"
)

// DefaultName is the scenario name k6 gives to shortcut options.
const DefaultName = "default"

// Defaults shared by several executors.
const (
	DefaultGracefulStop     = 30 * time.Second
	DefaultGracefulRampDown = 30 * time.Second
	DefaultMaxDuration      = 10 * time.Minute
	DefaultTimeUnit         = time.Second
	DefaultExec             = "default"

	// MinDuration is k6's lower bound for duration and maxDuration.
	MinDuration = time.Second
)

// Common holds the fields every executor accepts.
type Common struct {
	Name         string            `json:"-"`
	Executor     string            `json:"executor"`
	StartTime    Duration          `json:"startTime"`
	GracefulStop Duration          `json:"gracefulStop"`
	Exec         string            `json:"exec"`
	Env          map[string]string `json:"env"`
	Tags         map[string]string `json:"tags"`

	// present lists the JSON keys that were given a non-null value; nil for
	// configs built in Go, in which case non-zero values count as present.
	present map[string]bool

	// et is the execution segment the config was made for by Segmented;
	// nil for the whole test.
	et *ExecutionTuple
}

// Config is implemented by pointers to the seven executor config types.
type Config interface {
	// Base returns the fields common to all executors; it is promoted from
	// the embedded Common, so it cannot be called Common (see package doc).
	Base() *Common
	// Validate reports every problem, each a *FieldError naming the path.
	Validate() []error
	// Description is the one-line summary of the execution header.
	Description() string
	// PeakVUs is the largest number of VUs the scenario can use at once.
	PeakVUs() int64
	// PlannedDuration is the nominal length plus graceful stop/ramp-down,
	// excluding StartTime.
	PlannedDuration() time.Duration
}

// Base returns c itself; embedding Common gives every executor config this
// method.
func (c *Common) Base() *Common { return c }

// ExecutionTuple returns the execution segment this config runs, as set
// by Segmented; nil means the whole test.
func (c *Common) ExecutionTuple() *ExecutionTuple { return c.et }

// Has reports whether key was set explicitly in the decoded JSON. For
// configs built in Go it reports whether nonZero is true.
func (c *Common) Has(key string, nonZero bool) bool {
	if c.present == nil {
		return nonZero
	}
	return c.present[key]
}

// ExecName returns the exported function the scenario runs.
func (c *Common) ExecName() string {
	if c.Exec == "" && !c.Has("exec", false) {
		return DefaultExec
	}
	return c.Exec
}

// validName is k6's rule for scenario names, ^[0-9a-zA-Z_-]+$; they end up
// in tags and file names.
func validName(s string) bool {
	for _, c := range s {
		if c != '_' && c != '-' && (c < '0' || c > '9') && (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') {
			return false
		}
	}
	return s != ""
}

// FieldError is a validation problem of one field, rendered with the option
// path in front of k6's message.
type FieldError struct {
	Path string // e.g. "scenarios.login.stages[2].duration"
	Msg  string // k6's message text
}

// Error renders "path: message".
func (e *FieldError) Error() string {
	if e.Path == "" {
		return e.Msg
	}
	return e.Path + ": " + e.Msg
}

func (c *Common) fieldErr(field, format string, args ...any) error {
	path := "scenarios." + c.Name
	if field != "" {
		path += "." + field
	}
	return &FieldError{Path: path, Msg: fmt.Sprintf(format, args...)}
}

func (c *Common) validate() []error {
	var errs []error
	if c.Name == "" {
		errs = append(errs, &FieldError{Path: "scenarios", Msg: "executor name can't be empty"})
	}
	if !validName(c.Name) {
		errs = append(errs, &FieldError{Path: "scenarios." + c.Name,
			Msg: "the executor name should contain only numbers, latin letters, underscores, and dashes"})
	}
	if c.Executor == "" {
		errs = append(errs, c.fieldErr("executor", "missing or empty type field"))
	}
	if c.Has("exec", c.Exec != "") && c.Exec == "" {
		errs = append(errs, c.fieldErr("exec", "exec value cannot be empty"))
	}
	if c.StartTime < 0 {
		errs = append(errs, c.fieldErr("startTime", "the startTime can't be negative"))
	}
	if c.GracefulStop < 0 {
		errs = append(errs, c.fieldErr("gracefulStop", "the gracefulStop timeout can't be negative"))
	}
	return errs
}

// info builds the parenthesised suffix of a description: the executor's own
// facts, then exec, startTime and gracefulStop, in k6's order.
func (c *Common) info(facts ...string) string {
	// k6 also prints an explicit `exec: default`; we don't, so that a config
	// re-read from its own JSON output describes itself the same way.
	if c.Exec != "" && c.Exec != DefaultExec {
		facts = append(facts, "exec: "+c.Exec)
	}
	if c.StartTime > 0 {
		facts = append(facts, "startTime: "+c.StartTime.String())
	}
	if c.GracefulStop > 0 {
		facts = append(facts, "gracefulStop: "+c.GracefulStop.String())
	}
	if len(facts) == 0 {
		return ""
	}
	return " (" + strings.Join(facts, ", ") + ")"
}

func defaultCommon(name, typ string) Common {
	return Common{Name: name, Executor: typ, GracefulStop: Duration(DefaultGracefulStop), Exec: DefaultExec}
}

// Parse decodes one scenario object, dispatching on its "executor" field and
// applying k6's defaults. Unknown fields are errors, as in k6, because a
// misspelt field would otherwise silently run the default.
func Parse(name string, raw []byte) (Config, error) {
	fields, err := decodeObject(raw)
	if err != nil {
		return nil, fmt.Errorf("scenario %q: %w", name, err)
	}
	var typ string
	if _, r, ok := matchKey(fields, "executor"); ok && !isNull(r) {
		if err := json.Unmarshal(r, &typ); err != nil {
			return nil, fmt.Errorf("scenario %q: executor: expected a string, got %s", name, bytes.TrimSpace(r))
		}
	}
	var cfg Config
	switch typ {
	case TypeSharedIterations:
		cfg = NewSharedIterations(name)
	case TypePerVUIterations:
		cfg = NewPerVUIterations(name)
	case TypeConstantVUs:
		cfg = NewConstantVUs(name)
	case TypeRampingVUs:
		cfg = NewRampingVUs(name)
	case TypeConstantArrivalRate:
		cfg = NewConstantArrivalRate(name)
	case TypeRampingArrivalRate:
		cfg = NewRampingArrivalRate(name)
	case TypeExternallyControlled:
		cfg = NewExternallyControlled(name)
	case "":
		return nil, fmt.Errorf("scenario %q: missing or empty type field", name)
	default:
		return nil, fmt.Errorf("scenario %q: unknown executor type %q", name, typ)
	}
	if err := decodeFields(cfg, fields); err != nil {
		return nil, fmt.Errorf("scenario %q: %w", name, err)
	}
	if d, ok := cfg.(interface{ applyDefaults() }); ok {
		d.applyDefaults()
	}
	return cfg, nil
}

func decodeObject(raw []byte) (map[string]json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(raw, &fields); err != nil {
		return nil, fmt.Errorf("expected a JSON object: %w", err)
	}
	if fields == nil {
		return nil, fmt.Errorf("expected a JSON object, got null")
	}
	return fields, nil
}

// decoder decodes one JSON value into a field.
type decoder func(json.RawMessage) error

func intField(p *int64) decoder {
	return func(r json.RawMessage) error { return unmarshalInt(r, p) }
}

func durField(p *Duration) decoder {
	return func(r json.RawMessage) error { return p.UnmarshalJSON(r) }
}

func strField(p *string) decoder {
	return func(r json.RawMessage) error {
		if err := json.Unmarshal(r, p); err != nil {
			return fmt.Errorf("expected a string, got %s", bytes.TrimSpace(r))
		}
		return nil
	}
}

func mapField(p *map[string]string) decoder {
	return func(r json.RawMessage) error {
		if err := json.Unmarshal(r, p); err != nil {
			return fmt.Errorf("expected an object of strings, got %s", bytes.TrimSpace(r))
		}
		return nil
	}
}

func stagesField(p *[]Stage) decoder {
	return func(r json.RawMessage) error {
		var raws []json.RawMessage
		if err := json.Unmarshal(r, &raws); err != nil {
			return fmt.Errorf("expected an array of stages, got %s", bytes.TrimSpace(r))
		}
		stages := make([]Stage, len(raws))
		for i, sr := range raws {
			if err := stages[i].UnmarshalJSON(sr); err != nil {
				return fmt.Errorf("[%d]: %w", i, err)
			}
		}
		*p = stages
		return nil
	}
}

func (c *Common) decoders() map[string]decoder {
	return map[string]decoder{
		"executor":     strField(&c.Executor),
		"startTime":    durField(&c.StartTime),
		"gracefulStop": durField(&c.GracefulStop),
		"exec":         strField(&c.Exec),
		"env":          mapField(&c.Env),
		"tags":         mapField(&c.Tags),
	}
}

type fieldDecoders interface {
	Config
	decoders() map[string]decoder
}

func decodeFields(cfg Config, fields map[string]json.RawMessage) error {
	fd, ok := cfg.(fieldDecoders)
	if !ok {
		return fmt.Errorf("internal error: %T has no field decoders", cfg)
	}
	decs := fd.decoders()
	common := cfg.Base()
	common.present = make(map[string]bool, len(fields))
	keys := make([]string, 0, len(fields))
	for k := range fields {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, raw := range keys {
		k, dec, ok := matchKey(decs, raw)
		if !ok {
			return fmt.Errorf("unknown field %q for executor %s (known fields: %s)", raw, common.Executor, knownFields(decs))
		}
		r := fields[raw]
		if isNull(r) {
			continue
		}
		if err := dec(r); err != nil {
			if strings.HasPrefix(err.Error(), "[") {
				return fmt.Errorf("%s%w", k, err)
			}
			return fmt.Errorf("%s: %w", k, err)
		}
		common.present[k] = true
	}
	return nil
}

// matchKey finds the decoder for a JSON key exactly or, as encoding/json
// (and so k6) does, case-insensitively; it returns the canonical name.
func matchKey[V any](m map[string]V, key string) (string, V, bool) {
	if v, ok := m[key]; ok {
		return key, v, true
	}
	for name, v := range m {
		if strings.EqualFold(name, key) {
			return name, v, true
		}
	}
	var zero V
	return "", zero, false
}

func knownFields(decs map[string]decoder) string {
	keys := make([]string, 0, len(decs))
	for k := range decs {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return strings.Join(keys, ", ")
}

func mergeDecoders(c *Common, own map[string]decoder) map[string]decoder {
	all := c.decoders()
	for k, v := range own {
		all[k] = v
	}
	return all
}
