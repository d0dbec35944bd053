package influxdb

import (
	"strings"
	"testing"
)

func FuzzInfluxParseConfig(f *testing.F) {
	for _, s := range []string{"", "http://localhost:8086/k6", "https://u:p@h:1/db?precision=ms&tagsAsFields=vu:int,iter",
		"udp://h/db", "http://h/db?payload_size=-1", "%zz"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, arg string) {
		c, err := ParseConfig(arg, func(string) string { return "" })
		if err != nil {
			return
		}
		if c.ConcurrentWrites <= 0 || c.PushInterval <= 0 || c.DB == "" {
			t.Errorf("%q: invalid config accepted: %+v", arg, c)
		}
	})
}

// FuzzInfluxEscape: an escaped text never holds a raw line break, never
// ends in a backslash, and every separator in it is escaped.
func FuzzInfluxEscape(f *testing.F) {
	for _, s := range []string{"a b", `a\,b`, `end\`, "x=y\nz", `\\ \`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, eq := range []bool{false, true} {
			out := string(appendEscaped(nil, s, eq))
			if strings.ContainsAny(out, "\n\r") || strings.HasSuffix(out, `\`) {
				t.Fatalf("%q → %q", s, out)
			}
			// Scan as InfluxDB does: a backslash takes the next byte.
			for i := 0; i < len(out); i++ {
				switch c := out[i]; {
				case c == '\\':
					i++
				case c == ',' || c == ' ' || (eq && c == '='):
					t.Fatalf("%q → %q: unescaped %q at %d", s, out, c, i)
				}
			}
		}
	})
}
