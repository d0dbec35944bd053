package summary

import (
	"bytes"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"unicode/utf8"
)

// LegacyJSON renders the --summary-export file: k6 v0.32 derives it from the
// handleSummary data in JavaScript and writes JSON.stringify(…, null, 4),
// so this writes JavaScript's JSON (no HTML escaping, NaN as null) with a
// four-space indent and no trailing newline. Object keys come in a fixed
// order (k6's is whatever its map iteration gave): groups and checks as
// objects keyed by name in execution order, metrics sorted by key, each
// metric's values in the natural order of its type followed by
// "thresholds", where true means the threshold failed.
func LegacyJSON(d *Data) ([]byte, error) {
	metrics := jsonObject{}
	for _, m := range sortedMetrics(d.Metrics) {
		vals := jsonObject{}
		for _, k := range valueKeys(m, d.Options.trendStats()) {
			v, ok := m.Values[k]
			if !ok {
				continue
			}
			if m.Type == TypeRate && k == "rate" {
				// k6's legacy wrapper renames it (and appends it, so it
				// follows passes and fails).
				continue
			}
			vals = vals.set(k, v)
		}
		if v, ok := m.Values["rate"]; ok && m.Type == TypeRate {
			vals = vals.set("value", v)
		}
		if len(m.Thresholds) > 0 {
			th := jsonObject{}
			for _, t := range m.Thresholds {
				th = th.set(t.Source, !t.OK)
			}
			vals = vals.set("thresholds", th)
		}
		metrics = append(metrics, jsonField{m.Name, vals})
	}
	root := jsonObject{
		{"root_group", legacyGroup(rootOrEmpty(d.RootGroup))},
		{"metrics", metrics},
	}
	var b bytes.Buffer
	if err := writeJSON(&b, root, ""); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func legacyGroup(g *Group) jsonObject {
	groups := jsonObject{}
	for _, sub := range g.Groups {
		groups = groups.set(sub.Name, legacyGroup(sub))
	}
	checks := jsonObject{}
	for _, c := range g.Checks {
		checks = checks.set(c.Name, jsonObject{
			{"name", c.Name},
			{"path", c.Path},
			{"id", c.ID},
			{"passes", c.Passes},
			{"fails", c.Fails},
		})
	}
	return jsonObject{
		{"name", g.Name},
		{"path", g.Path},
		{"id", g.ID},
		{"groups", groups},
		{"checks", checks},
	}
}

// HandleSummaryData builds the object passed to the script's
// handleSummary(data): root_group (groups and checks as arrays in execution
// order), options and metrics. It has no "state" key, as in v0.32. The
// values are fresh maps and slices the caller may hand to the JS runtime.
func HandleSummaryData(d *Data) map[string]any {
	metrics := make(map[string]any, len(d.Metrics))
	for i := range d.Metrics {
		m := &d.Metrics[i]
		values := make(map[string]any, len(m.Values))
		for k, v := range m.Values {
			values[k] = v
		}
		md := map[string]any{
			"type":     m.Type,
			"contains": m.contains(),
			"values":   values,
		}
		if len(m.Thresholds) > 0 {
			th := make(map[string]any, len(m.Thresholds))
			for _, t := range m.Thresholds {
				th[t.Source] = map[string]any{"ok": t.OK}
			}
			md["thresholds"] = th
		}
		metrics[m.Name] = md
	}
	return map[string]any{
		"root_group": summaryGroup(rootOrEmpty(d.RootGroup)),
		"options": map[string]any{
			"summaryTrendStats": slices.Clone(d.Options.trendStats()),
			"summaryTimeUnit":   d.Options.SummaryTimeUnit,
		},
		"metrics": metrics,
	}
}

func summaryGroup(g *Group) map[string]any {
	groups := make([]any, len(g.Groups))
	for i, sub := range g.Groups {
		groups[i] = summaryGroup(sub)
	}
	checks := make([]any, len(g.Checks))
	for i, c := range g.Checks {
		checks[i] = map[string]any{
			"name":   c.Name,
			"path":   c.Path,
			"id":     c.ID,
			"passes": c.Passes,
			"fails":  c.Fails,
		}
	}
	return map[string]any{
		"name":   g.Name,
		"path":   g.Path,
		"id":     g.ID,
		"groups": groups,
		"checks": checks,
	}
}

// rootOrEmpty stands in for a missing root group so the exported shape
// never changes (k6 always has one).
func rootOrEmpty(g *Group) *Group {
	if g != nil {
		return g
	}
	return &Group{ID: IDFor("")}
}

func sortedMetrics(ms []Metric) []*Metric {
	out := make([]*Metric, len(ms))
	for i := range ms {
		out[i] = &ms[i]
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

// valueKeys orders a metric's values: the type's own keys first, as the
// spec lists them, then anything else the caller added, sorted.
func valueKeys(m *Metric, stats []string) []string {
	var keys []string
	switch m.Type {
	case TypeCounter:
		keys = []string{"count", "rate"}
	case TypeGauge:
		keys = []string{"value", "min", "max"}
	case TypeRate:
		keys = []string{"rate", "passes", "fails"}
	case TypeTrend:
		keys = slices.Clone(stats)
	}
	var rest []string
	for k := range m.Values {
		if !slices.Contains(keys, k) {
			rest = append(rest, k)
		}
	}
	sort.Strings(rest)
	return append(keys, rest...)
}

// jsonObject is a JSON object that keeps its key order.
type jsonObject []jsonField

type jsonField struct {
	key string
	val any
}

// set replaces an existing key in place, as assigning to a JS object does.
func (o jsonObject) set(k string, v any) jsonObject {
	for i := range o {
		if o[i].key == k {
			o[i].val = v
			return o
		}
	}
	return append(o, jsonField{k, v})
}

const jsonIndent = "    "

// jsKeyOrder puts the keys in the order a JS object enumerates them: array
// indices ("0", "42") first in numeric order, then the others as inserted.
// A check named "200" therefore comes first, as it does in k6's file.
func jsKeyOrder(o jsonObject) jsonObject {
	var idx, rest jsonObject
	for _, f := range o {
		if _, ok := arrayIndex(f.key); ok {
			idx = append(idx, f)
		} else {
			rest = append(rest, f)
		}
	}
	if len(idx) == 0 {
		return o
	}
	sort.SliceStable(idx, func(i, j int) bool {
		a, _ := arrayIndex(idx[i].key)
		b, _ := arrayIndex(idx[j].key)
		return a < b
	})
	return append(idx, rest...)
}

func arrayIndex(k string) (uint32, bool) {
	if k == "" || (k[0] == '0' && k != "0") {
		return 0, false
	}
	n, err := strconv.ParseUint(k, 10, 32)
	if err != nil || n == math.MaxUint32 {
		return 0, false
	}
	return uint32(n), true
}

func writeJSON(b *bytes.Buffer, v any, indent string) error {
	switch v := v.(type) {
	case jsonObject:
		if len(v) == 0 {
			b.WriteString("{}")
			return nil
		}
		b.WriteString("{\n")
		for i, f := range jsKeyOrder(v) {
			b.WriteString(indent + jsonIndent)
			writeJSONString(b, f.key)
			b.WriteString(": ")
			if err := writeJSON(b, f.val, indent+jsonIndent); err != nil {
				return err
			}
			if i < len(v)-1 {
				b.WriteByte(',')
			}
			b.WriteByte('\n')
		}
		b.WriteString(indent + "}")
	case string:
		writeJSONString(b, v)
	case bool:
		b.WriteString(strconv.FormatBool(v))
	case int64:
		b.WriteString(strconv.FormatInt(v, 10))
	case float64:
		writeJSONNumber(b, v)
	default:
		return fmt.Errorf("summary: cannot encode %T as JSON", v)
	}
	return nil
}

// writeJSONNumber prints a float as JavaScript's Number#toString does
// (shortest round-trip digits, exponent below 1e-6 and from 1e21), which is
// what encoding/json does too; NaN and ±Infinity become null as in
// JSON.stringify.
func writeJSONNumber(b *bytes.Buffer, f float64) {
	if math.IsNaN(f) || math.IsInf(f, 0) {
		b.WriteString("null")
		return
	}
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	s := strconv.FormatFloat(f, format, -1, 64)
	if format == 'e' {
		// "1e-07" → "1e-7", "1e+21" stays: JS keeps the plus sign.
		if n := len(s); n >= 4 && s[n-4] == 'e' && s[n-3] == '-' && s[n-2] == '0' {
			s = s[:n-2] + s[n-1:]
		}
	}
	b.WriteString(s)
}

// writeJSONString escapes like JSON.stringify: unlike encoding/json it
// leaves <, >, &, U+2028 and U+2029 alone, so thresholds such as
// "p(95)<500" read as written.
func writeJSONString(b *bytes.Buffer, s string) {
	b.WriteByte('"')
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		switch {
		case r == '"':
			b.WriteString(`\"`)
		case r == '\\':
			b.WriteString(`\\`)
		case r == '\b':
			b.WriteString(`\b`)
		case r == '\f':
			b.WriteString(`\f`)
		case r == '\n':
			b.WriteString(`\n`)
		case r == '\r':
			b.WriteString(`\r`)
		case r == '\t':
			b.WriteString(`\t`)
		case r < 0x20:
			fmt.Fprintf(b, `\u%04x`, r)
		default:
			// Invalid UTF-8 becomes U+FFFD, as it would on its way into JS.
			b.WriteRune(r)
		}
	}
	b.WriteByte('"')
}
