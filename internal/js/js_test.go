package js_test

import (
	"bytes"
	"context"
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/js"
	"github.com/stampede-load/stampede/internal/js/compiler"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"

	_ "github.com/stampede-load/stampede/internal/jsmods/k6"
	_ "github.com/stampede-load/stampede/internal/jsmods/k6/metrics"
)

type memFS map[string]string

func (m memFS) ReadFile(p string) ([]byte, error) {
	if s, ok := m[p]; ok {
		return []byte(s), nil
	}
	return nil, os.ErrNotExist
}

type harness struct {
	bundle *js.Bundle
	reg    *metrics.Registry
	bm     *metrics.Builtin
	logs   *bytes.Buffer
	out    chan []metrics.Sample
	root   *metrics.Group
}

func load(t *testing.T, files memFS) (*harness, error) {
	t.Helper()
	reg := metrics.NewRegistry()
	bm := metrics.RegisterBuiltin(reg)
	logs := &bytes.Buffer{}
	l := logrus.New()
	l.Out = logs
	l.Level = logrus.DebugLevel
	l.Formatter = &logrus.TextFormatter{DisableTimestamp: true, DisableColors: true}
	b, err := js.NewBundle(t.Context(), js.Config{
		FS: files, Filename: "/s/script.js", Source: []byte(files["/s/script.js"]),
		Env: map[string]string{"FOO": "bar"}, Logger: l, Registry: reg, Builtin: bm,
	})
	if err != nil {
		return nil, err
	}
	return &harness{bundle: b, reg: reg, bm: bm, logs: logs, out: make(chan []metrics.Sample, 100), root: metrics.NewRootGroup()}, nil
}

func (h *harness) vu(t *testing.T, id uint64) *js.VU {
	t.Helper()
	vu, err := h.bundle.NewVU(t.Context(), id, js.Params{
		Out: h.out, Group: h.root,
		Options: jsmod.Options{SystemTags: metrics.DefaultSystemTags},
	})
	if err != nil {
		t.Fatal(err)
	}
	return vu
}

func (h *harness) samples() []metrics.Sample {
	var all []metrics.Sample
	for {
		select {
		case b := <-h.out:
			all = append(all, b...)
		default:
			return all
		}
	}
}

func TestESModulesChecksGroups(t *testing.T) {
	h, err := load(t, memFS{
		"/s/script.js": `
import { check, group } from 'k6';
import k6 from 'k6';
import * as lib from './lib/helpers.js';
import def, { twice } from './lib/helpers.js';
const cjs = require('./lib/cjs.js');
import data from './lib/cjs.js';
const txt = open('./data.txt');
const bin = open('./data.txt', 'b');
export let options = { vus: 3, thresholds: { checks: ['rate>0.5'] } };
export default function () {
  check(1, { 'one is one': (v) => v === 1, 'lib works': () => twice(2) === 4 && lib.twice(1) === 2 });
  group('outer', () => {
    group('inner', () => { k6.check(0, { 'zero is truthy': (v) => !!v }); });
  });
  check(null, { cjs: () => cjs.name === 'cjs' && data.name === 'cjs' && def === 'dflt' });
  check(null, { env: () => __ENV.FOO === 'bar', vu: () => __VU === 7, text: () => txt === 'hello\n' && bin.byteLength === 6 });
}`,
		"/s/lib/helpers.js": `export function twice(x) { return 2 * x; }
export default 'dflt';`,
		"/s/lib/cjs.js": `module.exports = { name: 'cjs' };`,
		"/s/data.txt":   "hello\n",
	})
	if err != nil {
		t.Fatal(err)
	}
	if got := string(h.bundle.Options); got != `{"vus":3,"thresholds":{"checks":["rate>0.5"]}}` {
		t.Errorf("options = %s", got)
	}
	vu := h.vu(t, 7)
	if !vu.Iterate(t.Context(), &js.Activation{Scenario: "default", Exec: "default"}) {
		t.Fatal("iteration interrupted")
	}
	if h.logs.Len() > 0 {
		t.Fatalf("unexpected logs: %s", h.logs)
	}
	counts := map[string]int{}
	for _, s := range h.samples() {
		counts[s.Metric.Name]++
		if s.Metric.Name == "checks" {
			c, _ := s.Tags.Get("check")
			g, _ := s.Tags.Get("group")
			if c == "zero is truthy" && (g != "::outer::inner" || s.Value != 0) {
				t.Errorf("check %q: group %q value %v", c, g, s.Value)
			}
		}
	}
	if counts["checks"] != 7 || counts["group_duration"] != 2 || counts["iterations"] != 1 {
		t.Errorf("counts = %v", counts)
	}
	checks := h.root.Checks()
	if len(checks) != 6 || checks[0].Passes.Load() != 1 {
		t.Errorf("root checks = %d", len(checks))
	}
	outer := h.root.Groups()[0]
	inner := outer.Groups()[0]
	if inner.Path != "::outer::inner" || inner.Checks()[0].Fails.Load() != 1 {
		t.Errorf("inner = %+v", inner)
	}
}

func TestIterationExceptionIsLoggedAndCounted(t *testing.T) {
	h, err := load(t, memFS{"/s/script.js": "export default function () {\n  throw new Error('boom');\n}\n"})
	if err != nil {
		t.Fatal(err)
	}
	vu := h.vu(t, 1)
	if !vu.Iterate(t.Context(), &js.Activation{Exec: "default"}) {
		t.Fatal("interrupted")
	}
	if !strings.Contains(h.logs.String(), "Error: boom") || !strings.Contains(h.logs.String(), "file:///s/script.js:2:") {
		t.Errorf("log = %s", h.logs)
	}
	var iters int
	for _, s := range h.samples() {
		if s.Metric.Name == "iterations" {
			iters++
		}
	}
	if iters != 1 {
		t.Errorf("iterations = %d", iters)
	}
}

func TestInterrupt(t *testing.T) {
	h, err := load(t, memFS{"/s/script.js": "import {sleep} from 'k6';\nexport default function () { while (true) {} }\nexport function s() { sleep(100); }"})
	if err != nil {
		t.Fatal(err)
	}
	vu := h.vu(t, 1)
	for _, fn := range []string{"default", "s"} {
		ctx, cancel := context.WithTimeout(t.Context(), 50e6)
		if vu.Iterate(ctx, &js.Activation{Exec: fn}) {
			t.Errorf("%s: want interrupted", fn)
		}
		cancel()
	}
	for _, s := range h.samples() {
		if s.Metric.Name == "iterations" {
			t.Error("interrupted iteration counted")
		}
	}
	// The VU stays usable after an interrupt.
	h2, _ := load(t, memFS{"/s/script.js": "export default function () { }"})
	if !h2.vu(t, 1).Iterate(t.Context(), &js.Activation{Exec: "default"}) {
		t.Error("fresh iteration interrupted")
	}
}

func TestInitErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		src  string
		want string
		code errs.Code
	}{
		"syntax":      {"export default function () {\n  let x = ;\n}", "file:///s/script.js:2:11", errs.CodeGeneric},
		"exception":   {"throw new Error('init boom');\nexport default function () {}", "Error: init boom", errs.ScriptExceptionError},
		"no exports":  {"let x = 1;", "no exported functions in script", errs.ScriptExceptionError},
		"remote":      {"import x from 'https://example.com/lib/1.0.0/index.js';\nexport default function () {}", `cannot load remote module "https://example.com/lib/1.0.0/index.js"`, errs.ScriptExceptionError},
		"missing":     {"import x from './nope.js';\nexport default function () {}", "nope.js", errs.ScriptExceptionError},
		"open in vu":  {"export default function () {}\nexport function f() { open('x') }", "", 0},
		"unknown mod": {"import x from 'k6/nope';\nexport default function () {}", `unknown module "k6/nope"`, errs.ScriptExceptionError},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := load(t, memFS{"/s/script.js": tc.src})
			if tc.want == "" {
				if err != nil {
					t.Fatal(err)
				}
				return
			}
			if err == nil {
				t.Fatal("want error")
			}
			err = js.InitError(err)
			if !strings.Contains(err.Error(), tc.want) {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if got := errs.ExitCode(err); got != tc.code {
				t.Errorf("exit code %d, want %d", got, tc.code)
			}
			var se *compiler.SyntaxError
			_ = errors.As(err, &se)
		})
	}
}

func TestRandomSeedMatchesK6(t *testing.T) {
	h, err := load(t, memFS{"/s/script.js": `import { randomSeed } from 'k6';
randomSeed(1);
export const first = Math.random();
export default function () {}`})
	if err != nil {
		t.Fatal(err)
	}
	_ = h
}

func TestStackFramesPointAtTheUsersColumn(t *testing.T) {
	h, err := load(t, memFS{"/s/script.js": "import { check } from 'k6';\nexport default function () {\n  throw new Error('x');\n}\n"})
	if err != nil {
		t.Fatal(err)
	}
	h.vu(t, 1).Iterate(t.Context(), &js.Activation{Exec: "default"})
	if !strings.Contains(h.logs.String(), `at default (file:///s/script.js:3:9(`) {
		t.Errorf("log = %s", h.logs)
	}
}

// panicky is a module whose function panics with a plain Go value, as a
// buggy module might.
type panicky struct{}

func (panicky) NewModuleInstance(jsmod.VU) jsmod.Instance { return panicky{} }
func (panicky) Exports() jsmod.Exports {
	return jsmod.Exports{Named: map[string]any{"boom": func() { var m map[string]int; m["x"] = 1 }}}
}

func init() { ext.Register("js.k6/x/panicky", panicky{}) }

func TestModulePanicEndsTheIterationNotTheTest(t *testing.T) {
	h, err := load(t, memFS{"/s/script.js": "import { boom } from 'k6/x/panicky';\nexport default function () { boom(); }\n"})
	if err != nil {
		t.Fatal(err)
	}
	vu := h.vu(t, 1)
	for range 2 { // the VU stays usable
		vu.Iterate(t.Context(), &js.Activation{Exec: "default"})
	}
	if got := strings.Count(h.logs.String(), "internal error (this is a bug in stampede"); got != 2 {
		t.Errorf("logged %d internal errors, want 2:\n%s", got, h.logs)
	}
}
