package grpc

import (
	"github.com/dop251/goja"
	"google.golang.org/grpc/codes"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/jsmod"
)

func init() { ext.Register("js.k6/net/grpc", RootModule{}) }

// RootModule is the "k6/net/grpc" JS module: the Client constructor and
// the Status* constants.
type RootModule struct{}

var _ jsmod.Module = RootModule{}

// NewModuleInstance implements jsmod.Module.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	rt := vu.Runtime()
	named := make(map[string]any, 18)
	named["Client"] = func(goja.ConstructorCall) *goja.Object { return newClient(vu).object() }
	// StatusOK (0) … StatusUnauthenticated (16): codes.Code's names are
	// k6's constant names without the prefix.
	for c := codes.OK; c <= codes.Unauthenticated; c++ {
		named["Status"+c.String()] = int64(c)
	}
	def := rt.NewObject()
	for k, v := range named {
		_ = def.Set(k, v)
	}
	return instance{exports: jsmod.Exports{Default: def, Named: named}}
}

type instance struct{ exports jsmod.Exports }

// Exports implements jsmod.Instance.
func (i instance) Exports() jsmod.Exports { return i.exports }
