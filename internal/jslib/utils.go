package jslib

import (
	"crypto/rand"
	"fmt"
	"math"
	"strings"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/jsmod"
)

// UtilsModule is https://jslib.k6.io/k6-utils/<version>/index.js.
// Random values come from the runtime's Math.random, so k6's randomSeed
// makes them reproducible (except uuidv4(true), which is crypto-random).
type UtilsModule struct{}

// NewModuleInstance implements jsmod.Module.
func (UtilsModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance { return &utilsInstance{vu: vu} }

type utilsInstance struct{ vu jsmod.VU }

func (m *utilsInstance) Exports() jsmod.Exports {
	return jsmod.Exports{Named: map[string]any{
		"randomIntBetween": m.randomIntBetween,
		"randomItem":       m.randomItem,
		"randomString":     m.randomString,
		"uuidv4":           m.uuidv4,
		"findBetween":      m.findBetween,
	}}
}

// random calls the runtime's Math.random (which randomSeed reseeds).
func (m *utilsInstance) random() float64 {
	rt := m.vu.Runtime()
	fn, ok := goja.AssertFunction(rt.Get("Math").ToObject(rt).Get("random"))
	if !ok {
		panic(rt.NewTypeError("Math.random is not a function"))
	}
	v, err := fn(goja.Undefined())
	if err != nil {
		panic(err)
	}
	return v.ToFloat()
}

// randomIntBetween returns an integer in [min, max], both included.
func (m *utilsInstance) randomIntBetween(lo, hi float64) float64 {
	return math.Floor(m.random()*(hi-lo+1) + lo)
}

// randomItem returns a random element of an array (undefined when empty).
func (m *utilsInstance) randomItem(arr goja.Value) goja.Value {
	rt := m.vu.Runtime()
	if arr == nil || goja.IsUndefined(arr) || goja.IsNull(arr) {
		panic(rt.NewTypeError("randomItem() needs an array"))
	}
	obj := arr.ToObject(rt)
	n := obj.Get("length").ToInteger()
	if n <= 0 {
		return goja.Undefined()
	}
	return obj.Get(fmt.Sprint(int64(m.random() * float64(n))))
}

const lowercase = "abcdefghijklmnopqrstuvwxyz"

// randomString returns length characters drawn from charset (default:
// the lowercase ASCII letters).
func (m *utilsInstance) randomString(length int64, charset goja.Value) string {
	set := []rune(lowercase)
	if charset != nil && !goja.IsUndefined(charset) && !goja.IsNull(charset) {
		set = []rune(charset.String())
	}
	if len(set) == 0 || length <= 0 {
		return ""
	}
	var b strings.Builder
	for range length {
		b.WriteRune(set[int(m.random()*float64(len(set)))])
	}
	return b.String()
}

// uuidv4 returns an RFC 4122 version 4 UUID; from Math.random unless
// secure is true.
func (m *utilsInstance) uuidv4(secure bool) string {
	var u [16]byte
	if secure {
		_, _ = rand.Read(u[:])
	} else {
		for i := range u {
			u[i] = byte(m.random() * 256)
		}
	}
	u[6] = u[6]&0x0f | 0x40 // version 4
	u[8] = u[8]&0x3f | 0x80 // RFC 4122 variant
	return fmt.Sprintf("%x-%x-%x-%x-%x", u[0:4], u[4:6], u[6:8], u[8:10], u[10:])
}

// findBetween returns the text between the first left and the next right
// after it, or null when either is missing. With repeat it returns every
// such piece, scanning on after each right, as an array (null if none).
func (m *utilsInstance) findBetween(content, left, right string, repeat bool) goja.Value {
	rt := m.vu.Runtime()
	var found []any
	for {
		start := strings.Index(content, left)
		if start < 0 {
			break
		}
		start += len(left)
		end := strings.Index(content[start:], right)
		if end < 0 {
			break
		}
		piece := content[start : start+end]
		if !repeat {
			return rt.ToValue(piece)
		}
		found = append(found, piece)
		content = content[start+end+len(right):]
		if left == "" && right == "" {
			break // would never advance
		}
	}
	if len(found) == 0 {
		return goja.Null()
	}
	return rt.ToValue(found)
}
