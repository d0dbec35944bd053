package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"strings"
)

// source tells the decoder which keys are legitimate.
type source int

const (
	fromScript source = iota
	fromFile
)

// FromScript decodes the options exported by a script (already turned into
// JSON). Unknown keys, including config-file-only ones such as "out", are
// ignored as in k6 but returned, so the caller can warn `There were unknown
// fields in the options exported in the script`.
func FromScript(data []byte) (Options, []string, error) {
	return decodeOptions(data, fromScript)
}

// FromConfigFile decodes a JSON config file. Syntax errors carry
// line:column; the caller adds the file name.
func FromConfigFile(data []byte) (Options, error) {
	o, _, err := decodeOptions(data, fromFile)
	return o, err
}

func decodeOptions(data []byte, src source) (Options, []string, error) {
	var o Options
	var raw map[string]json.RawMessage
	if err := json.Unmarshal(data, &raw); err != nil {
		return o, nil, jsonErrorWithPosition(data, err)
	}
	if raw == nil && !isNull(data) {
		return o, nil, errors.New("expected a JSON object")
	}
	fields := optionFields(&o)
	var unknown []string
	var errs []error
	for _, k := range sortedKeys(raw) {
		f, ok := lookupField(fields, k)
		if !ok || (src == fromScript && f.scope == "file") {
			unknown = append(unknown, k)
			continue
		}
		if err := decodeField(f.ptr, raw[k]); err != nil {
			errs = append(errs, fmt.Errorf("%s%s", k, joinPath(err)))
		}
	}
	return o, unknown, errors.Join(errs...)
}

// joinPath glues an element error onto its key: "stages" + "[1]: ..." or
// "vus" + ": ...".
func joinPath(err error) string {
	msg := err.Error()
	if strings.HasPrefix(msg, "[") {
		return msg
	}
	return ": " + msg
}

func decodeField(ptr any, raw json.RawMessage) error {
	switch p := ptr.(type) {
	case *map[string]json.RawMessage:
		if isNull(raw) {
			*p = nil
			return nil
		}
		if err := json.Unmarshal(raw, p); err != nil {
			return fmt.Errorf("expected an object, got %s", short(raw))
		}
		return nil
	case json.Unmarshaler:
		return p.UnmarshalJSON(raw)
	default:
		return fmt.Errorf("internal error: cannot decode into %T", ptr)
	}
}

// lookupField matches keys the way encoding/json (and so k6) does: exactly,
// else case-insensitively, so `VUs: 10` in a script works as it does in k6.
func lookupField(fields map[string]optionField, key string) (optionField, bool) {
	if f, ok := fields[key]; ok {
		return f, true
	}
	for name, f := range fields {
		if strings.EqualFold(name, key) {
			return f, true
		}
	}
	return optionField{}, false
}

type optionField struct {
	ptr   any
	scope string
}

// optionFields maps JSON keys to pointers into o, from the struct tags, so
// that the key list lives in one place (the Options declaration).
func optionFields(o *Options) map[string]optionField {
	v := reflect.ValueOf(o).Elem()
	t := v.Type()
	out := make(map[string]optionField, t.NumField())
	for i := range t.NumField() {
		sf := t.Field(i)
		name, _, _ := strings.Cut(sf.Tag.Get("json"), ",")
		if name == "" || name == "-" {
			continue
		}
		out[name] = optionField{ptr: v.Field(i).Addr().Interface(), scope: sf.Tag.Get("scope")}
	}
	return out
}

// jsonErrorWithPosition turns encoding/json's byte offsets into line:column,
// which is what a person editing the file needs.
func jsonErrorWithPosition(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return fmt.Errorf("invalid JSON at line %d, column %d: %s", line, col, strings.TrimPrefix(syn.Error(), "json: "))
	case errors.As(err, &typ):
		line, col := position(data, typ.Offset)
		return fmt.Errorf("invalid JSON at line %d, column %d: expected an object at the top level, got %s", line, col, typ.Value)
	}
	return fmt.Errorf("invalid JSON: %w", err)
}

func position(data []byte, offset int64) (line, col int) {
	offset = min(max(offset, 0), int64(len(data)))
	before := data[:offset]
	line = bytes.Count(before, []byte("\n")) + 1
	col = int(offset) - (bytes.LastIndexByte(before, '\n') + 1)
	// The offset points after the offending byte; report the byte itself.
	return line, max(col, 1)
}

// MarshalIndent renders the set options as `stampede inspect` prints them:
// two-space indented, k6 key names, durations as Go strings, and without
// escaping <, > and & (threshold expressions are full of them).
func (o Options) MarshalIndent() ([]byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(o); err != nil {
		return nil, err
	}
	return bytes.TrimSuffix(b.Bytes(), []byte("\n")), nil
}
