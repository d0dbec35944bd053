package k6

import (
	"errors"
	"math/rand"
	"time"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

func init() { ext.Register("js.k6", RootModule{}) }

// RootModule is the module as registered.
type RootModule struct{}

// NewModuleInstance implements jsmod.Module.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance { return &instance{vu: vu} }

type instance struct{ vu jsmod.VU }

func (m *instance) Exports() jsmod.Exports {
	return jsmod.Exports{Named: map[string]any{
		"check":      m.check,
		"group":      m.group,
		"fail":       m.fail,
		"sleep":      m.sleep,
		"randomSeed": m.randomSeed,
	}}
}

func (m *instance) throw(err error) {
	panic(m.vu.Runtime().NewGoError(err))
}

func (m *instance) check(val goja.Value, sets goja.Value, extra ...goja.Value) bool {
	rt := m.vu.Runtime()
	st := m.vu.State()
	if st == nil {
		m.throw(errors.New("Using check() in the init context is not supported"))
	}
	if sets == nil || goja.IsUndefined(sets) || goja.IsNull(sets) {
		return true
	}
	obj := sets.ToObject(rt)
	base := st.Tags
	if len(extra) > 0 && !goja.IsUndefined(extra[0]) && !goja.IsNull(extra[0]) {
		base = base.WithMany(stringMap(rt, extra[0]))
	}
	sys := st.Options.SystemTags
	now := time.Now()
	all := true
	for _, name := range obj.Keys() {
		chk, err := st.Group.Check(name)
		if err != nil {
			m.throw(err)
		}
		v := obj.Get(name)
		var pass bool
		var thrown any
		if fn, ok := goja.AssertFunction(v); ok {
			func() {
				defer func() { thrown = recover() }()
				res, err := fn(goja.Undefined(), val)
				if err != nil {
					panic(err)
				}
				pass = res.ToBoolean()
			}()
		} else {
			pass = v.ToBoolean()
		}
		tags := base
		if sys.Has(metrics.TagCheck) {
			tags = tags.With("check", name)
		}
		value := 0.0
		if pass && thrown == nil {
			chk.Passes.Add(1)
			value = 1
		} else {
			chk.Fails.Add(1)
			all = false
		}
		st.Samples.Push(metrics.Sample{Metric: st.Builtin.Checks, Tags: tags, Time: now, Value: value})
		if thrown != nil {
			// k6 records the failed check, then lets the exception end the iteration.
			if ex, ok := thrown.(*goja.Exception); ok {
				panic(ex)
			}
			if err, ok := thrown.(error); ok {
				var ex *goja.Exception
				if errors.As(err, &ex) {
					panic(ex)
				}
			}
			panic(thrown)
		}
	}
	return all
}

func (m *instance) group(name string, fn goja.Value) goja.Value {
	st := m.vu.State()
	if st == nil {
		m.throw(errors.New("Using group() in the init context is not supported"))
	}
	call, ok := goja.AssertFunction(fn)
	if !ok {
		m.throw(errors.New("group() requires a callback as a second argument"))
	}
	g, err := st.Group.Group(name)
	if err != nil {
		m.throw(err)
	}
	oldGroup, oldTags := st.Group, st.Tags
	tags := oldTags
	if st.Options.SystemTags.Has(metrics.TagGroup) {
		tags = tags.With("group", g.Path)
	}
	st.Group, st.Tags = g, tags
	start := time.Now()
	ret, callErr := call(goja.Undefined())
	end := time.Now()
	st.Group, st.Tags = oldGroup, oldTags
	var interrupted *goja.InterruptedError
	if !errors.As(callErr, &interrupted) {
		st.Samples.Push(metrics.Sample{Metric: st.Builtin.GroupDuration, Tags: tags, Time: end,
			Value: float64(end.Sub(start)) / float64(time.Millisecond)})
	}
	if callErr != nil {
		panic(callErr)
	}
	return ret
}

func (m *instance) fail(msg ...goja.Value) {
	text := ""
	if len(msg) > 0 && !goja.IsUndefined(msg[0]) {
		text = msg[0].String()
	}
	m.throw(errors.New(text))
}

func (m *instance) sleep(secs float64) {
	d := time.Duration(secs * float64(time.Second))
	if d <= 0 {
		return
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
	case <-m.vu.Context().Done():
	}
}

// randomSeed makes Math.random reproducible with the same sequence k6
// v0.32 draws (Go's math/rand source seeded with the value).
func (m *instance) randomSeed(seed int64) {
	r := rand.New(rand.NewSource(seed)) //nolint:gosec // reproducible test data, not security
	m.vu.Runtime().SetRandSource(r.Float64)
}

func stringMap(rt *goja.Runtime, v goja.Value) map[string]string {
	o := v.ToObject(rt)
	out := make(map[string]string, len(o.Keys()))
	for _, k := range o.Keys() {
		out[k] = o.Get(k).String()
	}
	return out
}
