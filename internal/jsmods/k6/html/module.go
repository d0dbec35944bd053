package html

import (
	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/internal/htmlsel"
	"github.com/stampede-load/stampede/jsmod"
)

func init() { ext.Register("js.k6/html", RootModule{}) }

// RootModule is the "k6/html" JS module: parseHTML(src) → Selection.
type RootModule struct{}

var _ jsmod.Module = RootModule{}

// NewModuleInstance implements jsmod.Module.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	rt := vu.Runtime()
	def := rt.NewObject()
	_ = def.Set("parseHTML", func(c goja.FunctionCall) goja.Value {
		o, err := htmlsel.Parse(rt, c.Argument(0).String())
		if err != nil {
			panic(rt.NewGoError(err))
		}
		return o
	})
	return instance{exports: jsmod.Exports{Default: def}}
}

type instance struct{ exports jsmod.Exports }

// Exports implements jsmod.Instance.
func (i instance) Exports() jsmod.Exports { return i.exports }
