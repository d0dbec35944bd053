package harconv

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// FuzzParse checks that Parse never panics, that its errors are one line
// wrapping ErrInvalid, and that whatever it accepts converts.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"pages.har", "batch.har"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	f.Add([]byte(`{"log": {"entries": [{"request": {"method": "GET", "url": "http://x/"}, "response": {"status": 301}}]}}`))
	f.Add([]byte(`{"log": null}`))
	f.Add([]byte(`[`))
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := Parse(bytes.NewReader(data))
		if err != nil {
			if !errors.Is(err, ErrInvalid) {
				t.Fatalf("error %v does not wrap ErrInvalid", err)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Fatalf("error is more than one line: %q", err)
			}
			return
		}
		o := defaults()
		o.StatusChecks, o.ReturnOnFailedCheck = true, true
		if _, err := Generate(h, o); err != nil {
			t.Fatalf("Generate failed on a parsed HAR: %v", err)
		}
	})
}
