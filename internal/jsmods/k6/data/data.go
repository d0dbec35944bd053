package data

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/jsmod"
)

func init() { ext.Register("js.k6/data", RootModule{}) }

// RootModule is the module as registered.
type RootModule struct{}

var _ jsmod.Module = RootModule{}

// NewModuleInstance implements jsmod.Module.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	return &instance{vu: vu}
}

// The messages k6 v0.32 throws.
var (
	errNotInit   = errors.New("new SharedArray must be called in the init context")
	errEmptyName = errors.New("empty name provided to SharedArray's constructor")
	errNotArray  = errors.New("only arrays can be made into SharedArray")
	errNoStore   = errors.New("k6/data: the runtime provides no shared store for SharedArray")
)

// keyPrefix namespaces this module's keys in the run's jsmod.Shared store.
const keyPrefix = "k6/data.SharedArray:"

type instance struct {
	vu jsmod.VU
	// building lists the names whose fn this VU is running, so that a fn
	// constructing its own SharedArray fails instead of waiting for itself.
	building map[string]bool
}

// Exports implements jsmod.Instance.
func (m *instance) Exports() jsmod.Exports {
	return jsmod.Exports{Named: map[string]any{"SharedArray": m.newSharedArray}}
}

// newSharedArray is `new SharedArray(name, fn)`.
func (m *instance) newSharedArray(call goja.ConstructorCall) *goja.Object {
	rt := m.vu.Runtime()
	env := m.vu.InitEnv()
	if env == nil {
		panic(rt.NewGoError(errNotInit))
	}
	name := call.Argument(0)
	if goja.IsUndefined(name) || goja.IsNull(name) || name.String() == "" {
		panic(rt.NewGoError(errEmptyName))
	}
	fn, ok := goja.AssertFunction(call.Argument(1))
	if !ok {
		panic(rt.NewTypeError("SharedArray's second argument must be a function returning an array"))
	}
	if env.Shared == nil {
		panic(rt.NewGoError(errNoStore))
	}
	key := name.String()
	if m.building[key] {
		panic(rt.NewGoError(fmt.Errorf("SharedArray %q is used by the function that builds it", key)))
	}
	ctx := m.vu.Context()
	if ctx == nil {
		ctx = context.Background()
	}
	v, err := env.Shared.Once(ctx, keyPrefix+key, func() (any, error) {
		if m.building == nil {
			m.building = make(map[string]bool)
		}
		m.building[key] = true
		defer delete(m.building, key)
		return build(rt, fn)
	})
	if err != nil {
		var ex *goja.Exception
		if errors.As(err, &ex) {
			panic(ex) // rethrown as thrown
		}
		var ie *goja.InterruptedError
		if errors.As(err, &ie) {
			panic(ie) // the VU is being stopped: not catchable
		}
		panic(rt.NewGoError(err))
	}
	return rt.NewDynamicArray(&view{rt: rt, arr: v.(*array)})
}

// build calls fn and encodes the array it returns.
func build(rt *goja.Runtime, fn goja.Callable) (*array, error) {
	res, err := fn(goja.Undefined())
	if err != nil {
		return nil, err
	}
	obj, ok := res.(*goja.Object)
	if !ok || obj.ClassName() != "Array" {
		return nil, errNotArray
	}
	// JSON.stringify of the whole array gives k6's element encoding
	// (toJSON honoured; undefined and functions become null).
	stringify, ok := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	if !ok {
		return nil, errors.New("JSON.stringify is not a function")
	}
	js, err := stringify(goja.Undefined(), obj)
	if err != nil {
		return nil, err
	}
	return encode(js.String())
}

// array is one SharedArray's data, shared read-only by all VUs of a run:
// the elements' JSON back to back in data, element i ending at ends[i].
type array struct {
	data string
	ends []int
}

// encode splits the JSON text of an array into its elements.
func encode(text string) (*array, error) {
	var elems []json.RawMessage
	if err := json.Unmarshal([]byte(text), &elems); err != nil {
		return nil, fmt.Errorf("encoding the SharedArray: %w", err)
	}
	var b strings.Builder
	n := 0
	for _, e := range elems {
		n += len(e)
	}
	b.Grow(n)
	a := &array{ends: make([]int, len(elems))}
	for i, e := range elems {
		b.Write(e)
		a.ends[i] = b.Len()
	}
	a.data = b.String()
	return a, nil
}

// elem returns element i's JSON.
func (a *array) elem(i int) string {
	start := 0
	if i > 0 {
		start = a.ends[i-1]
	}
	return a.data[start:a.ends[i]]
}

// view is one VU's read-only window onto an array.
type view struct {
	rt    *goja.Runtime
	arr   *array
	parse goja.Callable
}

var _ goja.DynamicArray = (*view)(nil)

// Len implements goja.DynamicArray.
func (v *view) Len() int { return len(v.arr.ends) }

// Get implements goja.DynamicArray: the element decoded afresh.
func (v *view) Get(i int) goja.Value {
	if i < 0 || i >= len(v.arr.ends) {
		return goja.Undefined()
	}
	if v.parse == nil {
		parse, ok := goja.AssertFunction(v.rt.Get("JSON").ToObject(v.rt).Get("parse"))
		if !ok {
			panic(v.rt.NewTypeError("JSON.parse is not a function"))
		}
		v.parse = parse
	}
	val, err := v.parse(goja.Undefined(), v.rt.ToValue(v.arr.elem(i)))
	if err != nil {
		panic(err)
	}
	return val
}

// Set implements goja.DynamicArray: SharedArrays are read-only.
func (v *view) Set(int, goja.Value) bool { return false }

// SetLen implements goja.DynamicArray: SharedArrays are read-only.
func (v *view) SetLen(int) bool { return false }
