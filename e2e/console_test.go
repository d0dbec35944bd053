package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestConsoleOutputFile(t *testing.T) {
	t.Parallel()
	out := filepath.Join(t.TempDir(), "console.log")
	r := stampede(t, runOpts{}, "run", "-q", "--console-output", out, "console.js")
	r.wantCode(t, 0)
	data, err := os.ReadFile(out)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"from init", "from the iteration 0", "level=warning"} {
		if !strings.Contains(string(data), want) {
			t.Errorf("console file lacks %q:\n%s", want, data)
		}
	}
	if strings.Contains(r.stderr, "from the iteration") {
		t.Errorf("console output also went to stderr:\n%s", r.stderr)
	}
}
