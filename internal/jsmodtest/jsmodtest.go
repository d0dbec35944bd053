package jsmodtest

import (
	"context"
	"fmt"
	"io"
	"net/http/cookiejar"
	"sync"
	"testing"

	"github.com/dop251/goja"
	"github.com/sirupsen/logrus"
	"github.com/sirupsen/logrus/hooks/test"

	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// VU is a minimal jsmod.VU for module tests. Like a real VU it must be used
// from one goroutine only.
type VU struct {
	t      testing.TB
	rt     *goja.Runtime
	ctx    context.Context
	inInit bool

	// StateValue is what State returns outside the init stage.
	StateValue *jsmod.State
	// InitValue is what InitEnv returns during the init stage; it shares the
	// registry, built-in metrics and logger with StateValue. Its Shared store
	// is the VU's own; tests of run-wide sharing give several VUs one store.
	InitValue *jsmod.InitEnv

	// Samples records every sample pushed to StateValue.Samples.
	Samples *Recorder
	// Logs records every entry logged through StateValue.Logger.
	Logs *test.Hook

	// Dialer and Transport are the VU's network stack; StateValue.Transport
	// is Transport. Idle connections are closed when the test ends.
	Dialer    *netx.Dialer
	Transport *netx.Transport
}

var _ jsmod.VU = (*VU)(nil)

// New returns a VU in the VU stage with k6's default options (default
// system tags, 10 redirects), the tags {group:"", scenario:"default"} a
// VU of the default scenario has in the root group, a fresh metrics
// registry with the built-in metrics, an empty cookie jar, and t.Context()
// as its context.
//
// The runtime maps Go struct fields through their `js` tags and Go methods
// to lowerCamelCase names, the convention k6 modules were written for.
func New(t testing.TB) *VU {
	t.Helper()
	rt := goja.New()
	rt.SetFieldNameMapper(goja.TagFieldNameMapper("js", true))

	logger := logrus.New()
	logger.SetOutput(io.Discard)
	logger.SetLevel(logrus.DebugLevel)
	hook := test.NewLocal(logger)

	registry := metrics.NewRegistry()
	builtin := metrics.RegisterBuiltin(registry)
	jar, err := cookiejar.New(nil)
	if err != nil {
		t.Fatal(err)
	}
	dialer := netx.NewDialer()
	transport := netx.NewTransport(dialer, netx.TransportOptions{})
	t.Cleanup(transport.CloseIdleConnections)

	rec := &Recorder{}
	return &VU{
		t:   t,
		rt:  rt,
		ctx: t.Context(),
		StateValue: &jsmod.State{
			VUID:     1,
			Group:    metrics.NewRootGroup(),
			Tags:     metrics.NewTagSet(map[string]string{"group": "", "scenario": "default"}),
			Samples:  rec,
			Registry: registry,
			Builtin:  builtin,
			Logger:   logger,
			Options: jsmod.Options{
				SystemTags:   metrics.DefaultSystemTags,
				MaxRedirects: 10,
				Batch:        20,
				BatchPerHost: 6,
			},
			Transport: transport,
			CookieJar: jar,
		},
		InitValue: &jsmod.InitEnv{Registry: registry, Builtin: builtin, Logger: logger, Shared: &jsmod.Shared{}},
		Samples:   rec,
		Logs:      hook,
		Dialer:    dialer,
		Transport: transport,
	}
}

// Runtime implements jsmod.VU.
func (v *VU) Runtime() *goja.Runtime { return v.rt }

// Context implements jsmod.VU.
func (v *VU) Context() context.Context { return v.ctx }

// SetContext replaces the context Context returns, e.g. with one the test
// cancels to interrupt an iteration.
func (v *VU) SetContext(ctx context.Context) { v.ctx = ctx }

// InitEnv implements jsmod.VU: InitValue in the init stage, else nil.
func (v *VU) InitEnv() *jsmod.InitEnv {
	if v.inInit {
		return v.InitValue
	}
	return nil
}

// State implements jsmod.VU: StateValue outside the init stage, else nil.
func (v *VU) State() *jsmod.State {
	if v.inInit {
		return nil
	}
	return v.StateValue
}

// EnterInitStage makes the VU behave as during the init stage.
func (v *VU) EnterInitStage() { v.inInit = true }

// EnterVUStage makes the VU behave as while running iterations.
func (v *VU) EnterVUStage() { v.inInit = false }

// Load makes a module instance for this VU and binds its default export to
// the global name, as `import name from "…"` would. Without a default
// export the named exports are bound as an object instead.
func (v *VU) Load(name string, m jsmod.Module) jsmod.Instance {
	v.t.Helper()
	inst := m.NewModuleInstance(v)
	ex := inst.Exports()
	var val any = ex.Default
	if val == nil {
		obj := v.rt.NewObject()
		for k, x := range ex.Named {
			if err := obj.Set(k, x); err != nil {
				v.t.Fatalf("exporting %s.%s: %v", name, k, err)
			}
		}
		val = obj
	}
	if err := v.rt.Set(name, val); err != nil {
		v.t.Fatalf("binding module %s: %v", name, err)
	}
	return inst
}

// Run evaluates JavaScript source in the VU's runtime.
func (v *VU) Run(src string) (goja.Value, error) {
	return v.rt.RunString(src)
}

// MustRun is Run that fails the test on an error.
func (v *VU) MustRun(src string) goja.Value {
	v.t.Helper()
	val, err := v.rt.RunString(src)
	if err != nil {
		v.t.Fatalf("running %q: %v", src, err)
	}
	return val
}

// Recorder is a metrics.Pusher that keeps every sample. It is safe for
// concurrent use, so modules that push from helper goroutines can be tested.
type Recorder struct {
	mu      sync.Mutex
	samples []metrics.Sample
}

var _ metrics.Pusher = (*Recorder)(nil)

// Push implements metrics.Pusher.
func (r *Recorder) Push(s metrics.Sample) {
	r.mu.Lock()
	r.samples = append(r.samples, s)
	r.mu.Unlock()
}

// All returns a copy of the samples in push order.
func (r *Recorder) All() []metrics.Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]metrics.Sample(nil), r.samples...)
}

// Named returns the samples of the metric called name, in push order.
func (r *Recorder) Named(name string) []metrics.Sample {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []metrics.Sample
	for _, s := range r.samples {
		if s.Metric.Name == name {
			out = append(out, s)
		}
	}
	return out
}

// Reset forgets all samples.
func (r *Recorder) Reset() {
	r.mu.Lock()
	r.samples = nil
	r.mu.Unlock()
}

// String lists the samples one per line (metric, tags, value), for test
// failure messages.
func (r *Recorder) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var s string
	for _, x := range r.samples {
		s += fmt.Sprintf("%s%s %g\n", x.Metric.Name, x.Tags, x.Value)
	}
	return s
}
