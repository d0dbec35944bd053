package archtest

import (
	"encoding/json"
	"errors"
	"io"
	"os/exec"
	"strings"
	"testing"
)

const module = "github.com/stampede-load/stampede/"

// allowed lists, for each package pattern, the stampede packages it may
// import directly; a pattern ending in "/" covers the packages below it.
var allowed = map[string][]string{ //nolint:gochecknoglobals // a test table
	"metrics":                    {},
	"ext":                        {},
	"jsmod":                      {"metrics"},
	"internal/errs":              {},
	"internal/scenario":          {},
	"internal/netx":              {},
	"internal/procenv":           {},
	"internal/summary":           {},
	"internal/archive":           {},
	"internal/target":            {},
	"internal/js/compiler":       {},
	"internal/metrics/threshold": {},
	"internal/metrics/engine":    {"metrics", "internal/metrics/threshold"},
	"internal/executor":          {"internal/scenario"},
	"internal/config":            {"internal/scenario"},
	"internal/api":               {"metrics"},
	"internal/jsmods/":           {"jsmod", "metrics", "ext", "internal/netx", "internal/htmlsel"},
	"internal/htmlsel":           {},
	"internal/harconv":           {},
	"output":                     {"metrics", "ext"},
	"internal/outputs/":          {"output", "metrics"},
	// The outputs' test helpers run real servers.
	"internal/outputs/influxdb/influxtest": {"internal/testutil/daemon"},
	"internal/outputs/statsd/statsdtest":   {"internal/testutil/daemon"},
	"internal/outputmgr":                   {"output", "metrics"},
	"internal/jslib":                       {"jsmod", "ext", "internal/summary"},
	"internal/js":                          {"jsmod", "metrics", "ext", "internal/errs", "internal/js/compiler", "internal/jslib"},
	"internal/run": {"internal/errs", "internal/executor", "internal/js", "internal/metrics/engine",
		"internal/metrics/threshold", "internal/scenario", "internal/summary", "jsmod", "metrics"},
}

type pkg struct {
	ImportPath string
	Imports    []string
}

func TestDependencyDirection(t *testing.T) {
	out, err := exec.Command("go", "list", "-json", module+"...").Output()
	if err != nil {
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			t.Fatalf("go list: %v\n%s", err, ee.Stderr)
		}
		t.Fatalf("go list: %v", err)
	}
	dec := json.NewDecoder(strings.NewReader(string(out)))
	seen := 0
	for {
		var p pkg
		if err := dec.Decode(&p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		name := strings.TrimPrefix(p.ImportPath, module)
		for _, imp := range p.Imports {
			if !strings.HasPrefix(imp, module) {
				continue
			}
			dep := strings.TrimPrefix(imp, module)
			switch {
			case dep == "internal/cli" && name != "cmd/stampede":
				t.Errorf("%s imports internal/cli: only cmd/stampede may", name)
			case dep == "internal/run" && name != "internal/cli":
				t.Errorf("%s imports internal/run: only internal/cli may", name)
			}
			if rule, ok := ruleFor(name); ok && !contains(rule, dep) {
				t.Errorf("%s must not import %s (allowed: %v)", name, dep, rule)
			}
		}
		seen++
	}
	if seen < 20 {
		t.Fatalf("go list returned only %d packages", seen)
	}
}

func ruleFor(name string) ([]string, bool) {
	if r, ok := allowed[name]; ok {
		return r, true
	}
	for pattern, r := range allowed {
		if strings.HasSuffix(pattern, "/") && strings.HasPrefix(name, pattern) {
			return r, true
		}
	}
	return nil, false
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
