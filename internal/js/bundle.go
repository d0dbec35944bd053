package js

import (
	"context"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"sync"

	"github.com/dop251/goja"
	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/js/compiler"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// FS is the file system scripts are read from.
type FS interface {
	ReadFile(path string) ([]byte, error)
}

// Config describes a script to load.
type Config struct {
	FS FS
	// Filename is the entry script's absolute, slash-separated path.
	Filename string
	// Source is the entry script's content (read by the caller, which also
	// handles "-" for stdin).
	Source []byte
	Env    map[string]string
	Logger logrus.FieldLogger
	// ConsoleLogger receives console.* output (default: Logger), for
	// --console-output.
	ConsoleLogger logrus.FieldLogger
	Registry      *metrics.Registry
	Builtin       *metrics.Builtin
}

// Bundle is a script compiled once for the whole run. Every VU runs the
// same compiled programs in its own runtime.
type Bundle struct {
	cfg Config

	mu       sync.Mutex
	programs map[string]*goja.Program
	files    map[string][]byte
	// shared is the run's jsmod.Shared store: one per Bundle, handed to
	// every VU's InitEnv.
	shared *jsmod.Shared

	// Options is the script's exported options object as JSON ("{}" if none).
	Options []byte
	// Exports lists the names of the entry module's exported functions.
	Exports []string
}

// NewBundle compiles the script and runs its init code once (as VU 0) to
// read its options and exports.
func NewBundle(ctx context.Context, cfg Config) (*Bundle, error) {
	if cfg.Logger == nil {
		l := logrus.New()
		l.Out = discard{}
		cfg.Logger = l
	}
	if cfg.ConsoleLogger == nil {
		cfg.ConsoleLogger = cfg.Logger
	}
	if cfg.Registry == nil {
		cfg.Registry = metrics.NewRegistry()
		cfg.Builtin = metrics.RegisterBuiltin(cfg.Registry)
	}
	b := &Bundle{
		cfg:      cfg,
		programs: make(map[string]*goja.Program),
		files:    map[string][]byte{cfg.Filename: cfg.Source},
		shared:   &jsmod.Shared{},
	}
	vu, err := b.newVU(ctx, 0)
	if err != nil {
		return nil, InitError(err)
	}
	for _, k := range vu.exports.Keys() {
		if _, ok := goja.AssertFunction(vu.exports.Get(k)); ok {
			b.Exports = append(b.Exports, k)
		}
	}
	sort.Strings(b.Exports)
	if len(b.Exports) == 0 {
		return nil, errs.WithCode(errors.New("no exported functions in script"), errs.ScriptExceptionError)
	}
	for _, name := range []string{"setup", "teardown", "handleSummary"} {
		if v := vu.exports.Get(name); v != nil && !goja.IsUndefined(v) {
			if _, ok := goja.AssertFunction(v); !ok {
				return nil, errs.WithCode(fmt.Errorf("exported '%s' must be a function", name), errs.ScriptExceptionError)
			}
		}
	}
	b.Options = []byte("{}")
	if o := vu.exports.Get("options"); o != nil && !goja.IsUndefined(o) && !goja.IsNull(o) {
		s, err := jsonStringify(vu.rt, o)
		if err != nil {
			return nil, errs.WithCode(fmt.Errorf("exported options cannot be serialised: %w", err), errs.ScriptExceptionError)
		}
		b.Options = []byte(s)
	}
	return b, nil
}

// HasExport reports whether the entry module exports a function called name.
func (b *Bundle) HasExport(name string) bool {
	i := sort.SearchStrings(b.Exports, name)
	return i < len(b.Exports) && b.Exports[i] == name
}

// Files returns every file the script read while initialising (modules and
// open()ed files), keyed by absolute path.
func (b *Bundle) Files() map[string][]byte {
	b.mu.Lock()
	defer b.mu.Unlock()
	out := make(map[string][]byte, len(b.files))
	for k, v := range b.files {
		out[k] = v
	}
	return out
}

// program returns the compiled module at path, compiling it on first use.
func (b *Bundle) program(p string) (*goja.Program, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if prg, ok := b.programs[p]; ok {
		return prg, nil
	}
	src, err := b.readLocked(p)
	if err != nil {
		return nil, err
	}
	prg, err := compiler.Compile(fileURL(p), src)
	if err != nil {
		return nil, err
	}
	b.programs[p] = prg
	return prg, nil
}

// readFile returns a file's content, read once per run and shared by VUs.
func (b *Bundle) readFile(p string) ([]byte, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.readLocked(p)
}

func (b *Bundle) readLocked(p string) ([]byte, error) {
	if data, ok := b.files[p]; ok {
		return data, nil
	}
	data, err := b.cfg.FS.ReadFile(p)
	if err != nil {
		return nil, err
	}
	b.files[p] = data
	return data, nil
}

func fileURL(p string) string {
	if strings.HasPrefix(p, "/") {
		return "file://" + p
	}
	return "file:///" + p
}

// resolvePath makes a relative specifier absolute against dir.
func resolvePath(dir, spec string) string {
	spec = strings.TrimPrefix(spec, "file://")
	if path.IsAbs(spec) {
		return path.Clean(spec)
	}
	return path.Join(dir, spec)
}

func jsonStringify(rt *goja.Runtime, v goja.Value) (string, error) {
	stringify, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	var out goja.Value
	err := catch(func() error {
		var err error
		out, err = stringify(goja.Undefined(), v)
		return err
	})
	if err != nil {
		return "", err
	}
	if out == nil || goja.IsUndefined(out) {
		return "", nil
	}
	return out.String(), nil
}

type discard struct{}

func (discard) Write(p []byte) (int, error) { return len(p), nil }

// InitError classifies an error from evaluating init code: compile errors
// keep k6 v0.32's generic exit code (255), everything thrown by the script
// becomes a script exception (107).
func InitError(err error) error {
	if err == nil {
		return nil
	}
	var se *compiler.SyntaxError
	var ex *errs.Exit
	if errors.As(err, &se) || errors.As(err, &ex) {
		return err
	}
	var interrupted *goja.InterruptedError
	if errors.As(err, &interrupted) {
		return err
	}
	return errs.WithHint(ScriptError(err), errs.ScriptExceptionError, "script exception")
}
