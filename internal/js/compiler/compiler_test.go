package compiler_test

import (
	"errors"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/internal/js/compiler"
)

const name = "file:///dir/script.js"

// module is a compiled and evaluated module.
type module struct {
	rt      *goja.Runtime
	exports *goja.Object
}

// load compiles src and runs its module code with a require that returns
// a stub for every specifier. It fails the test on compile errors and
// returns exceptions thrown by the module's top level.
func load(t *testing.T, src string) (*module, error) {
	t.Helper()
	prg, err := compiler.Compile(name, []byte(src))
	if err != nil {
		t.Fatalf("compile: %v", err)
	}
	rt := goja.New()
	fn, err := rt.RunProgram(prg)
	if err != nil {
		t.Fatalf("evaluating the program: %v", err)
	}
	call, ok := goja.AssertFunction(fn)
	if !ok {
		t.Fatalf("the program evaluates to %v, not a function", fn)
	}
	exports, mod := rt.NewObject(), rt.NewObject()
	_ = mod.Set("exports", exports)
	require := func(spec string) goja.Value {
		o := rt.NewObject()
		_ = o.Set("spec", spec)
		_ = o.Set("helper", func() string { return "helped" })
		return o
	}
	_, err = call(goja.Undefined(), exports, rt.ToValue(require), mod, rt.ToValue("/dir/script.js"), rt.ToValue("/dir"))
	return &module{rt: rt, exports: mod.Get("exports").ToObject(rt)}, err
}

func (m *module) call(t *testing.T, fn string) (goja.Value, error) {
	t.Helper()
	f, ok := goja.AssertFunction(m.exports.Get(fn))
	if !ok {
		t.Fatalf("export %q is not a function (exports: %v)", fn, m.exports.Keys())
	}
	return f(goja.Undefined())
}

// throwLine is the 1-based number of the line marked "// THROW".
func throwLine(t *testing.T, src string) int {
	t.Helper()
	for i, l := range strings.Split(src, "\n") {
		if strings.Contains(l, "// THROW") {
			return i + 1
		}
	}
	t.Fatal("no line marked // THROW")
	return 0
}

// frameLines returns the line numbers of the stack frames in the script.
func frameLines(err error) []string {
	var ex *goja.Exception
	if !errors.As(err, &ex) {
		return nil
	}
	re := regexp.MustCompile(regexp.QuoteMeta(name) + `:(\d+):\d+`)
	var out []string
	for _, m := range re.FindAllStringSubmatch(ex.String(), -1) {
		out = append(out, m[1])
	}
	return out
}

func TestStackTracesPointAtTheUsersLines(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src string
	}{
		{"after imports", `import http from 'k6/http';
import { check, group } from 'k6';
import * as lib from './lib.js';

export default function () {
  throw new Error('boom'); // THROW
}`},
		{"after multi-line template literal", "const t = `line one\nline two\nline three ${1 + 1}\n`;\n" +
			"export const options = { vus: 1 };\n" +
			"export default function () {\n  const x = t.length;\n  throw new Error('boom' + x); // THROW\n}"},
		{"inside an arrow function and a class", `import { helper } from './lib.js';
class Thing {
  constructor() { this.n = 1; }
  explode() {
    const f = () => {
      throw new TypeError('in arrow'); // THROW
    };
    f();
  }
}
export default function () { new Thing().explode(); }`},
		{"destructuring, spread and default parameters", `const { a, ...rest } = { a: 1, b: 2, c: 3 };
const arr = [...[1, 2], ...[3]];
function withDefaults(x = 1, { y } = { y: 2 }) {
  return x + y;
}
export default function () {
  const total = withDefaults() + a + arr.length + Object.keys(rest).length;
  if (total > 0) {
    null.property; // THROW
  }
}`},
		{"re-exports and default class", `export { helper } from './lib.js';
export * from './other.js';
export const answer = 42;
export default function () {


  undefinedFunction(); // THROW
}`},
		{"commonjs", `const lib = require('./lib.js');
module.exports.default = function () {
  lib.helper();
  throw new Error('cjs'); // THROW
};`},
		{"async function body", `export async function later() { return 1; }
export default function () {
  const p = later();
  throw new Error(String(typeof p.then)); // THROW
}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			m, err := load(t, tc.src)
			if err != nil {
				t.Fatalf("module init: %v", err)
			}
			_, err = m.call(t, "default")
			if err == nil {
				t.Fatal("no exception")
			}
			want := fmt.Sprint(throwLine(t, tc.src))
			lines := frameLines(err)
			if len(lines) == 0 || lines[0] != want {
				t.Errorf("top frame on line %v, want %s\n%v", lines, want, err)
			}
		})
	}
}

func TestStackTraceFrames(t *testing.T) {
	t.Parallel()
	src := `import { sleep } from 'k6';

function inner() {
  throw new Error('deep'); // THROW
}

function middle() {
  return inner();
}

export default function () {
  middle();
}
`
	m, err := load(t, src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.call(t, "default")
	if got, want := strings.Join(frameLines(err), ","), "4,8,12"; got != want {
		t.Errorf("frame lines %s, want %s\n%v", got, want, err)
	}
	var ex *goja.Exception
	if errors.As(err, &ex) && !strings.Contains(ex.String(), "at inner (") {
		t.Errorf("function names lost:\n%s", ex.String())
	}
}

func TestInitExceptionPosition(t *testing.T) {
	t.Parallel()
	src := "import { check } from 'k6';\n\nconst data = [1, 2, 3];\nif (data.length) {\n  throw new Error('init'); // THROW\n}\nexport default function () {}\n"
	_, err := load(t, src)
	if err == nil {
		t.Fatal("no exception from the module's top level")
	}
	if lines := frameLines(err); len(lines) == 0 || lines[0] != "5" {
		t.Errorf("frames on lines %v, want 5 first\n%v", lines, err)
	}
}

func TestSyntaxErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		src  string
		// want is the error's first line; line and caret follow it.
		want       string
		sourceLine string
		caretCol   int // 1-based column the caret points at
	}{
		{
			name:       "missing expression",
			src:        "export default function () {\n  let x = ;\n}\n",
			want:       `SyntaxError: file:///dir/script.js:2:11: Unexpected ";"`,
			sourceLine: "  let x = ;",
			caretCol:   11,
		},
		{
			name:       "unterminated string",
			src:        "import http from 'k6/http';\n\nconst s = 'abc;\nexport default function () {}\n",
			want:       "SyntaxError: file:///dir/script.js:3:16: Unterminated string literal",
			sourceLine: "const s = 'abc;",
			caretCol:   16,
		},
		{
			name:       "unbalanced braces",
			src:        "export default function () {\n  if (true) {\n    x();\n}\n",
			want:       "SyntaxError: file:///dir/script.js:5:1: Unexpected end of file",
			sourceLine: "",
		},
		{
			name:       "duplicate declaration",
			src:        "let x = 1;\nexport default function () {}\nlet x = 2;\n",
			want:       `SyntaxError: file:///dir/script.js:3:5: The symbol "x" has already been declared`,
			sourceLine: "let x = 2;",
			caretCol:   5,
		},
		{
			name:       "columns count characters, not bytes",
			src:        "export default function () {\n  let café = 'ü', x = ;\n}\n",
			want:       `SyntaxError: file:///dir/script.js:2:23: Unexpected ";"`,
			sourceLine: "  let café = 'ü', x = ;",
			caretCol:   23,
		},
		{
			name:       "the caret line keeps tabs",
			src:        "export default function () {\n\tconst = 1;\n}\n",
			want:       `SyntaxError: file:///dir/script.js:2:8: Expected identifier but found "="`,
			sourceLine: "\tconst = 1;",
			caretCol:   8,
		},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			_, err := compiler.Compile(name, []byte(tc.src))
			if err == nil {
				t.Fatal("compiled")
			}
			var se *compiler.SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("error is a %T, want *compiler.SyntaxError (k6 exits 255 for these)", err)
			}
			lines := strings.Split(err.Error(), "\n")
			if lines[0] != tc.want {
				t.Errorf("message\n got %q\nwant %q", lines[0], tc.want)
			}
			if tc.sourceLine == "" {
				return
			}
			if len(lines) != 3 {
				t.Fatalf("want the message, the source line and a caret; got\n%s", err)
			}
			if lines[1] != "    "+tc.sourceLine {
				t.Errorf("source line %q, want %q", lines[1], "    "+tc.sourceLine)
			}
			// The caret sits under character caretCol, with the line's tabs
			// copied so that it lines up in a terminal too.
			pad := strings.Map(func(r rune) rune {
				if r == '\t' {
					return r
				}
				return ' '
			}, string([]rune(tc.sourceLine)[:tc.caretCol-1]))
			if lines[2] != "    "+pad+"^" {
				t.Errorf("caret line %q, want %q:\n%s\n%s", lines[2], "    "+pad+"^", lines[1], lines[2])
			}
		})
	}
}

func TestShebang(t *testing.T) {
	t.Parallel()
	src := "#!/usr/bin/env k6 run\nimport { check } from 'k6';\nexport default function () {\n  throw new Error('after shebang'); // THROW\n}\n"
	m, err := load(t, src)
	if err != nil {
		t.Fatal(err)
	}
	_, err = m.call(t, "default")
	if lines := frameLines(err); len(lines) == 0 || lines[0] != "4" {
		t.Errorf("frames on lines %v, want 4 first\n%v", lines, err)
	}

	_, err = compiler.Compile(name, []byte("#!/usr/bin/env k6 run\nexport default function () {\n  let x = ;\n}\n"))
	if err == nil || !strings.HasPrefix(err.Error(), "SyntaxError: file:///dir/script.js:3:11: ") {
		t.Errorf("syntax error after a shebang: %v", err)
	}
}

func TestWrapperArguments(t *testing.T) {
	t.Parallel()
	m, err := load(t, `const lib = require('./lib.js');
export const file = __filename;
export const dir = __dirname;
export const spec = lib.spec;
export function viaModule() { return typeof module === 'object' && typeof exports === 'object'; }
export default function () {}`)
	if err != nil {
		t.Fatal(err)
	}
	for key, want := range map[string]string{"file": "/dir/script.js", "dir": "/dir", "spec": "./lib.js"} {
		if got := m.exports.Get(key).String(); got != want {
			t.Errorf("%s = %q, want %q", key, got, want)
		}
	}
	if v, _ := m.call(t, "viaModule"); !v.ToBoolean() {
		t.Error("module and exports are not visible")
	}
}

func TestDefaultImportInterop(t *testing.T) {
	t.Parallel()
	// import x from 'mod' must give the "default" property of modules that
	// declare __esModule (as stampede's built-ins do), and the whole
	// exports object of plain CommonJS modules.
	m, err := load(t, `import lib, { helper } from './lib.js';
export function got() { return typeof lib === 'object' && lib.spec === './lib.js' && helper() === 'helped'; }
export default function () {}`)
	if err != nil {
		t.Fatal(err)
	}
	if v, err := m.call(t, "got"); err != nil || !v.ToBoolean() {
		t.Errorf("default import of a CommonJS module: %v %v", v, err)
	}
}

func TestBigScript(t *testing.T) {
	t.Parallel()
	var b strings.Builder
	b.WriteString("import { check } from 'k6';\n")
	const n = 5000
	for i := range n {
		fmt.Fprintf(&b, "export function f%d(x) {\n  const o = { id: %d, name: `item-${x}`, tags: ['a', 'b', 'c'] };\n  return o.id + x;\n}\n", i, i)
	}
	b.WriteString("const table = [")
	for i := range 20000 {
		fmt.Fprintf(&b, "%d,", i)
	}
	b.WriteString("];\n")
	b.WriteString("export default function () {\n  return table.length + f4999(1);\n}\n")
	b.WriteString("export function late() {\n  throw new Error('late'); // THROW\n}\n")
	src := b.String()
	if len(src) < 500_000 {
		t.Fatalf("the big script is only %d bytes", len(src))
	}

	start := time.Now()
	m, err := load(t, src)
	if err != nil {
		t.Fatal(err)
	}
	if el := time.Since(start); el > 30*time.Second {
		t.Errorf("compiling %d bytes took %v", len(src), el)
	}
	v, err := m.call(t, "default")
	if err != nil || v.ToInteger() != 20000+5000 {
		t.Errorf("default() = %v, %v", v, err)
	}
	_, err = m.call(t, "late")
	if lines := frameLines(err); len(lines) == 0 || lines[0] != fmt.Sprint(throwLine(t, src)) {
		t.Errorf("frames on lines %v, want %d", lines, throwLine(t, src))
	}
}

func TestProgramIsSharedSafely(t *testing.T) {
	t.Parallel()
	// One compiled program is run by every VU, each in its own runtime.
	prg, err := compiler.Compile(name, []byte("let counter = 0;\nexport default function () { return ++counter; }\n"))
	if err != nil {
		t.Fatal(err)
	}
	done := make(chan int64, 4)
	for range 4 {
		go func() {
			rt := goja.New()
			fn, err := rt.RunProgram(prg)
			if err != nil {
				done <- -1
				return
			}
			call, _ := goja.AssertFunction(fn)
			exports, mod := rt.NewObject(), rt.NewObject()
			_ = mod.Set("exports", exports)
			if _, err := call(goja.Undefined(), exports, goja.Undefined(), mod, goja.Undefined(), goja.Undefined()); err != nil {
				done <- -1
				return
			}
			f, _ := goja.AssertFunction(mod.Get("exports").ToObject(rt).Get("default"))
			var last goja.Value
			for range 100 {
				last, _ = f(goja.Undefined())
			}
			done <- last.ToInteger()
		}()
	}
	for range 4 {
		if got := <-done; got != 100 {
			t.Errorf("a runtime counted to %d, want 100 (state leaked between runtimes?)", got)
		}
	}
}
