package encoding

import (
	"encoding/base64"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/jsmod"
)

func init() { ext.Register("js.k6/encoding", RootModule{}) }

// RootModule is the "k6/encoding" JS module.
type RootModule struct{}

var _ jsmod.Module = RootModule{}

// NewModuleInstance implements jsmod.Module. The default export is an
// object holding b64encode and b64decode; its properties are also the
// named exports.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	rt := vu.Runtime()
	def := rt.NewObject()
	_ = def.Set("b64encode", func(c goja.FunctionCall) goja.Value {
		data, err := jsmod.Bytes(rt, c.Argument(0))
		if err != nil {
			panic(rt.NewTypeError("b64encode: " + err.Error()))
		}
		return rt.ToValue(alphabet(c.Argument(1)).EncodeToString(data))
	})
	_ = def.Set("b64decode", func(c goja.FunctionCall) goja.Value {
		in := c.Argument(0)
		var src []byte
		if ab, ok := in.Export().(goja.ArrayBuffer); ok {
			src = ab.Bytes()
		} else if !isNullish(in) {
			src = []byte(in.String())
		}
		enc := alphabet(c.Argument(1))
		out := make([]byte, enc.DecodedLen(len(src)))
		n, err := enc.Decode(out, src)
		if err != nil {
			panic(rt.NewGoError(err))
		}
		out = out[:n]
		if f := c.Argument(2); !isNullish(f) && f.String() == "s" {
			return rt.ToValue(string(out))
		}
		return rt.ToValue(rt.NewArrayBuffer(out))
	})
	return instance{exports: jsmod.Exports{Default: def}}
}

// alphabet maps k6's encoding names to encoding/base64; like k6 v0.32 it
// falls back to std for anything else.
func alphabet(v goja.Value) *base64.Encoding {
	if isNullish(v) {
		return base64.StdEncoding
	}
	switch v.String() {
	case "rawstd":
		return base64.RawStdEncoding
	case "url":
		return base64.URLEncoding
	case "rawurl":
		return base64.RawURLEncoding
	default:
		return base64.StdEncoding
	}
}

func isNullish(v goja.Value) bool {
	return v == nil || goja.IsUndefined(v) || goja.IsNull(v)
}

type instance struct{ exports jsmod.Exports }

// Exports implements jsmod.Instance.
func (i instance) Exports() jsmod.Exports { return i.exports }
