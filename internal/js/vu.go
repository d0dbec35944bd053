package js

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"path"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/internal/jslib"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// VU is one virtual user: a runtime that has evaluated the script's init
// code. Only one goroutine may use a VU at a time.
type VU struct {
	id      uint64
	b       *Bundle
	rt      *goja.Runtime
	exports *goja.Object
	// modules caches each module's exports for this VU, so a module's init
	// code runs once per VU however often it is imported.
	modules map[string]goja.Value
	// dirs is the stack of directories of the modules being evaluated;
	// open() resolves relative paths against the top one, as k6 does.
	dirs []string

	ctx     context.Context
	entered context.Context // the context enter was last called with
	exit    func()          // undoes enter; nil when not entered
	initEnv *jsmod.InitEnv
	state   *jsmod.State
	jar     *lazyJar // nil without a jar

	env      *goja.Object
	envFor   map[string]string
	params   Params
	buf      []metrics.Sample
	flushed  time.Time // last Flush
	setupRaw []byte
	setup    goja.Value
	haveData bool
	iter     int64
	sent     int64
	received int64
	fnCache  map[string]goja.Callable
}

var _ jsmod.VU = (*VU)(nil)

// Runtime implements jsmod.VU.
func (vu *VU) Runtime() *goja.Runtime { return vu.rt }

// Context implements jsmod.VU.
func (vu *VU) Context() context.Context { return vu.ctx }

// InitEnv implements jsmod.VU.
func (vu *VU) InitEnv() *jsmod.InitEnv { return vu.initEnv }

// State implements jsmod.VU.
func (vu *VU) State() *jsmod.State { return vu.state }

// ID returns the VU's number (0 for setup, teardown and option reading).
func (vu *VU) ID() uint64 { return vu.id }

// newVU creates a runtime and evaluates the init code in it.
func (b *Bundle) newVU(ctx context.Context, id uint64) (*VU, error) {
	rt := goja.New()
	rt.SetFieldNameMapper(goja.UncapFieldNameMapper())
	vu := &VU{
		id:      id,
		b:       b,
		rt:      rt,
		modules: make(map[string]goja.Value),
		ctx:     ctx,
		initEnv: &jsmod.InitEnv{Registry: b.cfg.Registry, Builtin: b.cfg.Builtin, Logger: b.cfg.Logger, Shared: b.shared},
		fnCache: make(map[string]goja.Callable),
	}
	vu.initEnv.ReadFile = func(name string) ([]byte, error) { return b.readFile(vu.resolve(name)) }
	if err := vu.installGlobals(); err != nil {
		return nil, err
	}
	stop := vu.interruptOn(ctx)
	v, err := vu.requireFile(b.cfg.Filename)
	stop()
	if err != nil {
		return nil, err
	}
	vu.exports = v.ToObject(rt)
	vu.initEnv = nil
	return vu, nil
}

func (vu *VU) installGlobals() error {
	rt := vu.rt
	vu.env = envObject(rt, vu.b.cfg.Env)
	for name, v := range map[string]any{
		"__ENV":   vu.env,
		"__VU":    vu.id,
		"__ITER":  0,
		"console": newConsole(vu),
		"open":    vu.open,
		"require": vu.requireFrom(path.Dir(vu.b.cfg.Filename)),
		"global":  rt.GlobalObject(),
	} {
		if err := rt.Set(name, v); err != nil {
			return err
		}
	}
	return nil
}

func envObject(rt *goja.Runtime, env map[string]string) *goja.Object {
	o := rt.NewObject()
	for k, v := range env {
		_ = o.Set(k, v)
	}
	return o
}

// requireFrom returns the require function of a module living in dir.
func (vu *VU) requireFrom(dir string) func(string) goja.Value {
	return func(spec string) goja.Value {
		v, err := vu.require(dir, spec)
		if err != nil {
			var ex *goja.Exception
			if errors.As(err, &ex) {
				panic(ex)
			}
			panic(vu.rt.NewGoError(err))
		}
		return v
	}
}

func (vu *VU) require(dir, spec string) (goja.Value, error) {
	switch {
	case spec == "k6" || strings.HasPrefix(spec, "k6/"):
		return vu.requireBuiltin(spec, ext.JSNamespace+spec)
	case isRemote(spec):
		// The jslib.k6.io modules scripts use most are built in.
		if id, ok := jslib.Resolve(spec); ok {
			return vu.requireBuiltin(spec, id)
		}
		return nil, fmt.Errorf("cannot load remote module %q: stampede does not fetch modules over the network; "+
			"download the file next to your script and import it with a relative path", spec)
	case strings.HasPrefix(spec, ".") || strings.HasPrefix(spec, "/") || strings.HasPrefix(spec, "file://"):
		return vu.requireFile(resolvePath(dir, spec))
	default:
		return nil, fmt.Errorf("unknown module %q: built-in modules start with \"k6\", local files with \"./\", \"../\" or \"/\"", spec)
	}
}

func isRemote(spec string) bool {
	for _, p := range []string{"https://", "http://", "github.com/", "cdnjs.com/"} {
		if strings.HasPrefix(spec, p) {
			return true
		}
	}
	return false
}

// requireBuiltin returns the exports of the module registered under ext ID
// id, which spec names.
func (vu *VU) requireBuiltin(spec, id string) (goja.Value, error) {
	if v, ok := vu.modules[id]; ok {
		return v, nil
	}
	raw, ok := ext.Lookup(id)
	if !ok {
		return nil, fmt.Errorf("unknown module %q", spec)
	}
	mod, ok := raw.(jsmod.Module)
	if !ok {
		return nil, fmt.Errorf("module %q is not a JS module", spec)
	}
	v := newModuleExports(vu.rt, mod.NewModuleInstance(vu).Exports())
	vu.modules[id] = v
	return v, nil
}

func (vu *VU) requireFile(p string) (goja.Value, error) {
	if v, ok := vu.modules[p]; ok {
		return v, nil
	}
	prg, err := vu.b.program(p)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot find module %q: no such file", p)
		}
		return nil, err
	}
	rt := vu.rt
	fn, err := rt.RunProgram(prg)
	if err != nil {
		return nil, err
	}
	call, _ := goja.AssertFunction(fn)
	module := rt.NewObject()
	exports := rt.NewObject()
	_ = module.Set("exports", exports)
	// Cache before evaluating so import cycles see the partial exports, as
	// in Node.js.
	vu.modules[p] = exports
	dir := path.Dir(p)
	vu.dirs = append(vu.dirs, dir)
	_, err = safeCall(call, exports, rt.ToValue(vu.requireFrom(dir)), module, rt.ToValue(p), rt.ToValue(dir))
	vu.dirs = vu.dirs[:len(vu.dirs)-1]
	if err != nil {
		delete(vu.modules, p)
		return nil, err
	}
	v := module.Get("exports")
	vu.modules[p] = v
	return v, nil
}

// open is k6's init-only open(path, [mode]).
func (vu *VU) open(name string, mode ...string) goja.Value {
	rt := vu.rt
	if vu.initEnv == nil {
		panic(rt.NewGoError(errors.New(`The "open()" function is only available in the init stage ` +
			`(i.e. the global scope), see https://k6.io/docs/using-k6/test-life-cycle for more information`)))
	}
	if name == "" {
		panic(rt.NewGoError(errors.New("open() failed, path is empty")))
	}
	p := vu.resolve(name)
	data, err := vu.b.readFile(p)
	if err != nil {
		if strings.Contains(err.Error(), "is a directory") {
			panic(rt.NewGoError(fmt.Errorf("open() can't be used with directories, path: %q", p)))
		}
		panic(rt.NewGoError(fmt.Errorf("open %s: no such file or directory", p)))
	}
	if len(mode) > 0 && mode[0] == "b" {
		return rt.ToValue(rt.NewArrayBuffer(append([]byte(nil), data...)))
	}
	return rt.ToValue(string(data))
}

// resolve makes a path the script names absolute against the directory of
// the module being evaluated, as k6 does.
func (vu *VU) resolve(name string) string {
	dir := path.Dir(vu.b.cfg.Filename)
	if len(vu.dirs) > 0 {
		dir = vu.dirs[len(vu.dirs)-1]
	}
	return resolvePath(dir, name)
}

// interruptOn interrupts the runtime when ctx ends. The returned function
// must be called when the guarded JS call returns; it waits for a racing
// interrupt so that the next call does not inherit it.
func (vu *VU) interruptOn(ctx context.Context) (stop func()) {
	var wg sync.WaitGroup
	wg.Add(1)
	fired := false
	cancel := context.AfterFunc(ctx, func() {
		defer wg.Done()
		vu.rt.Interrupt(context.Cause(ctx))
	})
	return func() {
		if !cancel() {
			wg.Wait()
			fired = true
		}
		if fired {
			vu.rt.ClearInterrupt()
		}
	}
}

// Params is what a VU needs to run outside the init stage.
type Params struct {
	// Out receives batches of samples; the receiver owns each batch.
	Out       chan<- []metrics.Sample
	Options   jsmod.Options
	RunTags   *metrics.TagSet
	Group     *metrics.Group
	Transport http.RoundTripper
	CookieJar func() http.CookieJar
	// Counters reports the bytes this VU's connections sent and received so far.
	Counters             func() (sent, received int64)
	NoCookiesReset       bool
	NoVUConnectionReuse  bool
	MinIterationDuration time.Duration
}

// NewVU creates VU id; its init code runs now.
func (b *Bundle) NewVU(ctx context.Context, id uint64, p Params) (*VU, error) {
	vu, err := b.newVU(ctx, id)
	if err != nil {
		return nil, err
	}
	vu.params = p
	vu.state = &jsmod.State{
		VUID:      id,
		Group:     p.Group,
		Tags:      p.RunTags,
		Samples:   vu,
		Registry:  b.cfg.Registry,
		Builtin:   b.cfg.Builtin,
		Logger:    b.cfg.Logger,
		Options:   p.Options,
		Transport: p.Transport,
	}
	if p.CookieJar != nil {
		vu.jar = &lazyJar{newJar: p.CookieJar}
		vu.state.CookieJar = vu.jar
	}
	return vu, nil
}

// Push implements metrics.Pusher: samples are buffered per VU and handed
// over in batches, so the hot path takes no lock.
func (vu *VU) Push(s metrics.Sample) {
	vu.buf = append(vu.buf, s)
	if len(vu.buf) >= flushAt {
		vu.Flush()
	}
}

// A VU hands its samples over when it has flushAt of them, and at the end of
// the first iteration that ends flushEvery after the previous hand-over.
// Handing over after every iteration cost a channel send, a wake-up of the
// engine and a new buffer per iteration; batching across iterations keeps
// those off the hot path while thresholds still see samples within
// flushEvery.
const (
	flushAt    = 512
	flushEvery = 100 * time.Millisecond
)

// Flush hands the buffered samples over. Iterate may keep samples buffered
// across iterations; whoever takes the VU out of service calls Flush.
func (vu *VU) Flush() {
	vu.flushed = time.Now()
	if vu.params.Out == nil {
		vu.buf = vu.buf[:0] // nobody listens (handleSummary's VU)
		return
	}
	if len(vu.buf) == 0 {
		return
	}
	vu.params.Out <- vu.buf
	// Sized by the last batch: an idle VU keeps a small buffer.
	vu.buf = make([]metrics.Sample, 0, cap(vu.buf))
}

// SetSetupData gives the VU setup()'s result as JSON; every VU decodes its
// own copy once, so mutations stay local to the VU (k6 §13).
func (vu *VU) SetSetupData(raw []byte) {
	vu.setupRaw = raw
	vu.haveData = false
}

func (vu *VU) data() goja.Value {
	if vu.haveData {
		return vu.setup
	}
	vu.haveData = true
	vu.setup = goja.Undefined()
	if len(vu.setupRaw) > 0 {
		var v goja.Value
		if err := catch(func() error {
			parse, _ := goja.AssertFunction(vu.rt.Get("JSON").ToObject(vu.rt).Get("parse"))
			var err error
			v, err = parse(goja.Undefined(), vu.rt.ToValue(string(vu.setupRaw)))
			return err
		}); err == nil {
			vu.setup = v
		}
	}
	return vu.setup
}

func (vu *VU) function(name string) (goja.Callable, error) {
	if fn, ok := vu.fnCache[name]; ok {
		return fn, nil
	}
	fn, ok := goja.AssertFunction(vu.exports.Get(name))
	if !ok {
		return nil, fmt.Errorf("function '%s' not found in exports", name)
	}
	vu.fnCache[name] = fn
	return fn, nil
}

// Activation is what the VU runs for a scenario (mirrors the executor's).
type Activation struct {
	Scenario string
	Exec     string
	Env      map[string]string
	Tags     map[string]string
	// tags caches the scenario's base tag set for this VU.
	tags *metrics.TagSet
}

// Iterate runs one iteration of a.Exec. It reports false when ctx ended the
// iteration early (interrupted). The iteration's samples may stay buffered
// until a later iteration or Flush.
func (vu *VU) Iterate(ctx context.Context, a *Activation) bool {
	st := vu.state
	sys := st.Options.SystemTags
	if vu.envFor == nil || !sameMap(vu.envFor, a.Env) {
		vu.setEnv(a.Env)
	}
	base := vu.scenarioTags(a)
	if sys.Has(metrics.TagIter) {
		base = base.With("iter", fmt.Sprint(vu.iter))
	}
	st.Tags = base
	st.Group = vu.params.Group
	st.Iteration = vu.iter
	if !vu.params.NoCookiesReset && vu.jar != nil {
		vu.jar.reset()
	}
	_ = vu.rt.Set("__ITER", vu.iter)
	vu.iter++

	vu.settle(ctx) // before data() runs JS
	data := vu.data()
	start := time.Now()
	err := vu.call(ctx, a.Exec, data)
	end := time.Now()
	interrupted := ctx.Err() != nil
	if err != nil && !interrupted {
		vu.logException(err)
	}
	vu.emitIteration(base, start, end, !interrupted, true)
	if interrupted || end.Sub(vu.flushed) >= flushEvery {
		vu.Flush()
	}
	if vu.params.NoVUConnectionReuse {
		if t, ok := vu.params.Transport.(interface{ CloseIdleConnections() }); ok {
			t.CloseIdleConnections()
		}
	}
	if !interrupted && vu.params.MinIterationDuration > 0 {
		if rest := vu.params.MinIterationDuration - end.Sub(start); rest > 0 {
			t := time.NewTimer(rest)
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
			}
		}
	}
	return !interrupted
}

func sameMap(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func (vu *VU) setEnv(env map[string]string) {
	vu.envFor = env
	if env == nil {
		vu.envFor = map[string]string{}
	}
	if len(env) == 0 {
		_ = vu.rt.Set("__ENV", vu.env)
		return
	}
	merged := make(map[string]string, len(vu.b.cfg.Env)+len(env))
	for k, v := range vu.b.cfg.Env {
		merged[k] = v
	}
	for k, v := range env {
		merged[k] = v
	}
	_ = vu.rt.Set("__ENV", envObject(vu.rt, merged))
}

func (vu *VU) scenarioTags(a *Activation) *metrics.TagSet {
	if a.tags != nil {
		return a.tags
	}
	sys := vu.state.Options.SystemTags
	t := vu.params.RunTags.WithMany(a.Tags)
	if sys.Has(metrics.TagScenario) && a.Scenario != "" {
		t = t.With("scenario", a.Scenario)
	}
	if sys.Has(metrics.TagGroup) {
		t = t.With("group", "")
	}
	if sys.Has(metrics.TagVU) {
		t = t.With("vu", fmt.Sprint(vu.id))
	}
	a.tags = t
	return t
}

// emitIteration pushes the data counters and, for completed iterations,
// iteration_duration (and iterations for exec functions).
func (vu *VU) emitIteration(tags *metrics.TagSet, start, end time.Time, complete, countIteration bool) {
	bm := vu.b.cfg.Builtin
	if vu.params.Counters != nil {
		sent, recv := vu.params.Counters()
		if d := sent - vu.sent; d > 0 {
			vu.Push(metrics.Sample{Metric: bm.DataSent, Tags: tags, Time: end, Value: float64(d)})
		}
		if d := recv - vu.received; d > 0 {
			vu.Push(metrics.Sample{Metric: bm.DataReceived, Tags: tags, Time: end, Value: float64(d)})
		}
		vu.sent, vu.received = sent, recv
	}
	if !complete {
		return
	}
	vu.Push(metrics.Sample{Metric: bm.IterationDuration, Tags: tags, Time: end, Value: ms(end.Sub(start))})
	if countIteration {
		vu.Push(metrics.Sample{Metric: bm.Iterations, Tags: tags, Time: end, Value: 1})
	}
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// call runs exported function name with ctx as the VU's context.
func (vu *VU) call(ctx context.Context, name string, args ...goja.Value) error {
	vu.settle(ctx)
	fn, err := vu.function(name)
	if err != nil {
		return err
	}
	vu.enter(ctx)
	_, err = safeCall(fn, args...)
	if ctx.Err() != nil {
		vu.leave()
	}
	return err
}

// settle undoes enter unless it was for ctx and ctx is still running. Call
// it before the runtime runs anything for ctx (looking up an export runs
// esbuild's getter), so that no interrupt meant for an earlier call
// remains.
func (vu *VU) settle(ctx context.Context) {
	if vu.entered != ctx || ctx.Err() != nil {
		vu.leave()
	}
}

// enter makes ctx the context of the JS code about to run: modules see a
// child of it that is the VU's own, and its end interrupts the runtime.
//
// The arrangement outlives the call. A scenario's iterations all run under
// one context shared by its VUs; setting up the interrupt and releasing
// it around every iteration, and deriving every request's context from
// the shared one, made the VUs contend for its lock and cost several
// allocations per iteration. It is undone when a call comes with another
// context, or with one that has ended, which also clears an interrupt it
// delivered between calls.
func (vu *VU) enter(ctx context.Context) {
	vu.settle(ctx)
	if vu.exit != nil {
		return
	}
	child, cancel := context.WithCancel(ctx)
	stop := vu.interruptOn(child)
	vu.entered, vu.ctx = ctx, child
	vu.exit = func() {
		stop()
		cancel()
	}
}

// leave undoes enter.
func (vu *VU) leave() {
	if vu.exit != nil {
		vu.exit()
		vu.entered, vu.exit = nil, nil
	}
}

func (vu *VU) logException(err error) {
	vu.b.cfg.Logger.WithField("source", "stacktrace").Error(exceptionText(err))
}

// exceptionText renders a JS exception with its stack. Frames of Go
// functions ("at github.com/…(native)") are left out: they name stampede's
// internals, not the user's code.
func exceptionText(err error) string {
	var ex *goja.Exception
	if errors.As(err, &ex) {
		lines := strings.Split(strings.TrimRight(ex.String(), "\n"), "\n")
		kept := lines[:1]
		for _, l := range lines[1:] {
			if !strings.HasSuffix(l, "(native)") {
				kept = append(kept, userFrame(l))
			}
		}
		return strings.Join(kept, "\n")
	}
	return err.Error()
}

var (
	// framePos is "line:column(pc)" at the end of a stack frame.
	framePos = regexp.MustCompile(`:(\d+):(\d+)(\(\d+\)\)?)$`)
	// esbuildDefault is the name esbuild gives an anonymous default export
	// ("script_default" in script.js).
	esbuildDefault = regexp.MustCompile(`^(\s*at )[A-Za-z_$][\w$]*_default \(`)
)

// userFrame rewrites a stack frame as the user wrote the code: goja reads
// source-map columns as 1-based although they are 0-based, so mapped
// columns come out one too small; and the anonymous default export is
// called "default", not the name esbuild made up for it.
func userFrame(l string) string {
	l = esbuildDefault.ReplaceAllString(l, "${1}default (")
	m := framePos.FindStringSubmatchIndex(l)
	if m == nil {
		return l
	}
	col, err := strconv.Atoi(l[m[4]:m[5]])
	if err != nil {
		return l
	}
	return l[:m[4]] + strconv.Itoa(col+1) + l[m[5]:]
}

// ScriptError converts an error from JS code into errs.ScriptError.
func ScriptError(err error) error {
	if err == nil {
		return nil
	}
	var ex *goja.Exception
	if errors.As(err, &ex) {
		msg, stack, _ := strings.Cut(exceptionText(ex), "\n")
		return &errs.ScriptError{Message: msg, Stack: stack}
	}
	return err
}

// catch turns a panic raised by goja helpers into an error.
func catch(f func() error) (err error) {
	defer func() {
		if r := recover(); r != nil {
			if ex, ok := r.(*goja.Exception); ok {
				err = ex
				return
			}
			err = fmt.Errorf("%v", r)
		}
	}()
	return f()
}

// ErrInternal marks a Go panic raised inside a module while JS ran: it is
// reported as an error of the iteration (or of init) instead of crashing
// the whole test.
var ErrInternal = errors.New("internal error (this is a bug in stampede, please report it)")

// safeCall calls fn with an undefined this, turning a Go panic that escapes
// goja (a module bug) into an error.
func safeCall(fn goja.Callable, args ...goja.Value) (v goja.Value, err error) {
	defer func() {
		if r := recover(); r != nil {
			if ex, ok := r.(*goja.Exception); ok {
				err = ex
				return
			}
			if ie, ok := r.(*goja.InterruptedError); ok {
				err = ie
				return
			}
			err = fmt.Errorf("%w: %v", ErrInternal, r)
		}
	}()
	return fn(goja.Undefined(), args...)
}
