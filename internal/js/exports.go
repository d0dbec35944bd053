package js

import (
	"slices"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/jsmod"
)

// moduleExports is what require() returns for a built-in module: the named
// exports, "default", and __esModule so that esbuild's interop treats it as
// an ES module. It is a dynamic object that turns an export into a JS value
// when the script first reads it. A goja function object costs about
// 700 bytes, every VU imports the modules afresh, and scripts use few of
// the functions a module offers: building them all up front was a good
// part of an idle VU's memory.
//
// Values are cached, so an export read twice is the same object
// (http.get === get). The script may add, overwrite and delete
// properties, as on the plain object this used to be.
type moduleExports struct {
	rt    *goja.Runtime
	self  *goja.Object
	named map[string]any
	def   any // the default export; nil: the object itself

	keys []string              // current own keys, in order
	vals map[string]goja.Value // converted or assigned values
}

var _ goja.DynamicObject = (*moduleExports)(nil)

func newModuleExports(rt *goja.Runtime, e jsmod.Exports) *goja.Object {
	m := &moduleExports{rt: rt, named: e.Named, def: e.Default, vals: make(map[string]goja.Value)}
	if len(m.named) == 0 && e.Default != nil {
		// The default export's own properties are offered as named exports.
		if d, ok := rt.ToValue(e.Default).(*goja.Object); ok {
			m.named = make(map[string]any)
			for _, k := range d.Keys() {
				m.named[k] = d.Get(k)
			}
		}
	}
	m.keys = make([]string, 0, len(m.named)+1)
	for k := range m.named {
		m.keys = append(m.keys, k)
	}
	slices.Sort(m.keys)
	if !slices.Contains(m.keys, "default") {
		m.keys = append(m.keys, "default")
	}
	m.self = rt.NewDynamicObject(m)
	return m.self
}

// Get implements goja.DynamicObject.
func (m *moduleExports) Get(key string) goja.Value {
	if v, ok := m.vals[key]; ok {
		return v
	}
	if !slices.Contains(m.keys, key) {
		if key == "__esModule" {
			return m.rt.ToValue(true)
		}
		return nil
	}
	var v goja.Value
	switch x, ok := m.named[key]; {
	case ok:
		v = m.rt.ToValue(x)
	case m.def != nil:
		v = m.rt.ToValue(m.def)
	default:
		v = m.self
	}
	m.vals[key] = v
	return v
}

// Set implements goja.DynamicObject.
func (m *moduleExports) Set(key string, v goja.Value) bool {
	if !slices.Contains(m.keys, key) {
		m.keys = append(m.keys, key)
	}
	m.vals[key] = v
	return true
}

// Has implements goja.DynamicObject.
func (m *moduleExports) Has(key string) bool {
	return key == "__esModule" || slices.Contains(m.keys, key)
}

// Delete implements goja.DynamicObject.
func (m *moduleExports) Delete(key string) bool {
	if i := slices.Index(m.keys, key); i >= 0 {
		m.keys = slices.Delete(m.keys, i, i+1)
		delete(m.vals, key)
	}
	return true
}

// Keys implements goja.DynamicObject. __esModule is left out, as it was
// not enumerable on the plain object.
func (m *moduleExports) Keys() []string { return slices.Clone(m.keys) }
