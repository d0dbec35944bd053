package jsmod

import (
	"fmt"
	"math"

	"github.com/dop251/goja"
)

// Bytes returns the bytes of a JS value that k6 accepts where it wants
// bytes: a string (UTF-8), an ArrayBuffer, a typed array or DataView (the
// bytes it views), or an array of integers 0–255. The result may share
// memory with the JS value; callers must only read it.
func Bytes(rt *goja.Runtime, v goja.Value) ([]byte, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, fmt.Errorf("invalid type %s, expected string, ArrayBuffer or byte array", typeName(v))
	}
	switch x := v.Export().(type) {
	case string:
		return []byte(x), nil
	case goja.ArrayBuffer:
		return x.Bytes(), nil
	}
	obj, ok := v.(*goja.Object)
	if !ok {
		return nil, fmt.Errorf("invalid type %s, expected string, ArrayBuffer or byte array", typeName(v))
	}
	if b, ok := viewBytes(obj); ok {
		return b, nil
	}
	if obj.ClassName() == "Array" {
		return arrayBytes(rt, obj)
	}
	if b, ok := obj.Export().([]byte); ok { // a Go []byte handed to JS
		return b, nil
	}
	return nil, fmt.Errorf("invalid type %s, expected string, ArrayBuffer or byte array", typeName(v))
}

// viewBytes returns the bytes a typed array or DataView looks at.
func viewBytes(obj *goja.Object) ([]byte, bool) {
	buf, ok := export(obj.Get("buffer")).(goja.ArrayBuffer)
	if !ok {
		return nil, false
	}
	data := buf.Bytes()
	off, ok1 := export(obj.Get("byteOffset")).(int64)
	n, ok2 := export(obj.Get("byteLength")).(int64)
	if !ok1 || !ok2 || off < 0 || n < 0 || off+n > int64(len(data)) {
		return nil, false
	}
	return data[off : off+n], true
}

// export is v.Export(), or nil for a missing property.
func export(v goja.Value) any {
	if v == nil {
		return nil
	}
	return v.Export()
}

func arrayBytes(rt *goja.Runtime, obj *goja.Object) ([]byte, error) {
	var nums []float64
	if err := rt.ExportTo(obj, &nums); err != nil {
		return nil, fmt.Errorf("invalid byte array: %w", err)
	}
	out := make([]byte, len(nums))
	for i, f := range nums {
		if f != math.Trunc(f) || f < 0 || f > 255 {
			return nil, fmt.Errorf("invalid byte array: element %d is %v, not an integer from 0 to 255", i, obj.Get(fmt.Sprint(i)))
		}
		out[i] = byte(f)
	}
	return out, nil
}

func typeName(v goja.Value) string {
	switch {
	case v == nil || goja.IsUndefined(v):
		return "undefined"
	case goja.IsNull(v):
		return "null"
	}
	if o, ok := v.(*goja.Object); ok {
		return o.ClassName()
	}
	switch v.Export().(type) {
	case int64, float64:
		return "number"
	case bool:
		return "boolean"
	}
	return v.ExportType().String()
}
