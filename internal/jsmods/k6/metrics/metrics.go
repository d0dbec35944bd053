package metrics

import (
	"errors"
	"time"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

func init() { ext.Register("js.k6/metrics", RootModule{}) }

// RootModule is the module as registered.
type RootModule struct{}

// NewModuleInstance implements jsmod.Module.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance { return &instance{vu: vu} }

type instance struct{ vu jsmod.VU }

func (m *instance) Exports() jsmod.Exports {
	return jsmod.Exports{Named: map[string]any{
		"Counter": m.constructor(metrics.Counter),
		"Gauge":   m.constructor(metrics.Gauge),
		"Rate":    m.constructor(metrics.Rate),
		"Trend":   m.constructor(metrics.Trend),
	}}
}

func (m *instance) constructor(t metrics.Type) func(goja.ConstructorCall) *goja.Object {
	return func(call goja.ConstructorCall) *goja.Object {
		rt := m.vu.Runtime()
		env := m.vu.InitEnv()
		if env == nil {
			panic(rt.NewGoError(errors.New("metrics must be declared in the init context")))
		}
		name := call.Argument(0).String()
		contains := metrics.Default
		if call.Argument(1).ToBoolean() {
			contains = metrics.Time
		}
		metric, err := env.Registry.NewMetric(name, t, contains)
		if err != nil {
			panic(rt.NewGoError(err))
		}
		obj := call.This
		_ = obj.Set("name", name)
		_ = obj.Set("add", func(v goja.Value, tags ...goja.Value) bool {
			return m.add(metric, v, tags)
		})
		return nil
	}
}

func (m *instance) add(metric *metrics.Metric, v goja.Value, tags []goja.Value) bool {
	rt := m.vu.Runtime()
	st := m.vu.State()
	if st == nil {
		panic(rt.NewGoError(errors.New("Adding to metrics in the init context is not supported")))
	}
	// k6 v0.32's conversion: a truthy value whose number is 0 counts as 1
	// (so rate.add(true) and trend.add("x") behave as they did there).
	if v == nil {
		v = goja.Undefined()
	}
	f := v.ToFloat()
	if f == 0 && v.ToBoolean() {
		f = 1
	}
	ts := st.Tags
	if len(tags) > 0 && !goja.IsUndefined(tags[0]) && !goja.IsNull(tags[0]) {
		o := tags[0].ToObject(rt)
		extra := make(map[string]string, len(o.Keys()))
		for _, k := range o.Keys() {
			extra[k] = o.Get(k).String()
		}
		ts = ts.WithMany(extra)
	}
	st.Samples.Push(metrics.Sample{Metric: metric, Tags: ts, Time: time.Now(), Value: f})
	return true
}
