package influxdb

import (
	"math"
	"strconv"
	"strings"

	"github.com/stampede-load/stampede/metrics"
)

// The line protocol of InfluxDB 1.x, one point per line:
//
//	measurement[,tag=value…] field=value[,field=value…] timestamp
//
// Measurements escape commas and spaces; tag keys, tag values and field
// keys also escape "="; string field values are double-quoted with '"' and
// '\' escaped. Integers end in "i". Tags with an empty value are left out:
// the protocol has no empty tag values. Names and tag values cannot end in
// a backslash either (InfluxDB 1.x rejects the line however it is escaped):
// trailing backslashes are dropped. A backslash before an escaped
// character is doubled, and InfluxDB 1.x keeps it doubled.

// appendMeasurement appends an escaped measurement name.
func appendMeasurement(b []byte, s string) []byte {
	return appendEscaped(b, s, false)
}

// appendKey appends an escaped tag key, tag value or field key.
func appendKey(b []byte, s string) []byte {
	return appendEscaped(b, s, true)
}

func appendEscaped(b []byte, s string, eq bool) []byte {
	s = trimBackslashes(s)
	run := 0 // backslashes just before s[i]
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\\' {
			run++
			b = append(b, c)
			continue
		}
		special := c == ',' || c == ' ' || (eq && c == '=')
		if special && run%2 == 1 {
			// The server pairs backslashes from the left: make the run
			// even so that the escape below is one.
			b = append(b, '\\')
		}
		run = 0
		switch {
		case special:
			b = append(b, '\\', c)
		case c == '\n':
			b = append(b, '\\', 'n') // no raw newline can appear in a line
		case c == '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}

// trimBackslashes drops the backslashes a name or tag value ends with:
// InfluxDB 1.x rejects the line however they are escaped ("invalid tag
// format"), and a whole batch would be lost for one odd value.
func trimBackslashes(s string) string { return strings.TrimRight(s, "\\") }

// appendStringField appends a double-quoted string field value.
func appendStringField(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"')
}

// appendFloatField appends a float field value.
func appendFloatField(b []byte, f float64) []byte {
	return strconv.AppendFloat(b, f, 'g', -1, 64)
}

// encodeTags returns a tag set's ",k=v…" part and its " k=v…"-less field
// part (",k=v…" of the tags written as fields, to follow "value=…").
// A tag whose value does not parse as its field's type is left out; bad
// names the first such tag.
func encodeTags(tags *metrics.TagSet, kinds map[string]fieldKind) (tagPart, fieldPart []byte, bad string) {
	for _, t := range tags.Tags() {
		if k, ok := kinds[t.Key]; ok {
			var next []byte
			var good bool
			next, good = appendField(append(appendKey(append(fieldPart, ','), t.Key), '='), t.Value, k)
			if good {
				fieldPart = next
			} else if bad == "" {
				bad = t.Key + "=" + t.Value
			}
			continue
		}
		if trimBackslashes(t.Key) == "" || trimBackslashes(t.Value) == "" {
			continue
		}
		tagPart = append(tagPart, ',')
		tagPart = appendKey(tagPart, t.Key)
		tagPart = append(tagPart, '=')
		tagPart = appendKey(tagPart, t.Value)
	}
	return tagPart, fieldPart, bad
}

// appendField appends v as a field value of kind k; ok is false, and b is
// to be discarded, when v does not parse.
func appendField(b []byte, v string, k fieldKind) ([]byte, bool) {
	switch k {
	case intField:
		n, err := strconv.ParseInt(strings.TrimSpace(v), 10, 64)
		if err != nil {
			return b, false
		}
		return append(strconv.AppendInt(b, n, 10), 'i'), true
	case floatField:
		f, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
		if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
			return b, false
		}
		return appendFloatField(b, f), true
	case boolField:
		t, err := strconv.ParseBool(strings.TrimSpace(v))
		if err != nil {
			return b, false
		}
		return strconv.AppendBool(b, t), true
	default:
		return appendStringField(b, v), true
	}
}

// timestamp is t in units of p, truncated as InfluxDB's client does.
func timestamp(unixNano int64, p precision) int64 {
	return unixNano / p.div
}
