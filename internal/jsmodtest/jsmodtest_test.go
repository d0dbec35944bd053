package jsmodtest

import (
	"context"
	"testing"
	"time"

	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// counterModule is a toy module: count() pushes one sample to the iterations
// metric and logs, stage() says which stage the VU is in.
type counterModule struct{}

func (counterModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	return &counterInstance{vu: vu}
}

type counterInstance struct{ vu jsmod.VU }

func (c *counterInstance) Exports() jsmod.Exports {
	return jsmod.Exports{Named: map[string]any{
		"count": func() bool {
			st := c.vu.State()
			st.Samples.Push(metrics.Sample{Metric: st.Builtin.Iterations, Tags: st.Tags, Time: time.Now(), Value: 1})
			st.Logger.Info("counted")
			return true
		},
		"stage": func() string {
			if c.vu.InitEnv() != nil {
				return "init"
			}
			return "vu"
		},
		"cancelled": func() bool { return c.vu.Context().Err() != nil },
	}}
}

func TestVU(t *testing.T) {
	t.Parallel()
	vu := New(t)
	vu.Load("counter", counterModule{})

	if got := vu.MustRun(`counter.stage()`).String(); got != "vu" {
		t.Errorf("new VU stage %q", got)
	}
	vu.MustRun(`counter.count(); counter.count()`)
	if n := len(vu.Samples.Named("iterations")); n != 2 {
		t.Errorf("%d samples", n)
	}
	if s := vu.Samples.All()[0]; s.Tags.String() != "{group:,scenario:default}" || s.Value != 1 {
		t.Errorf("sample %+v", s)
	}
	if e := vu.Logs.LastEntry(); e == nil || e.Message != "counted" {
		t.Errorf("log %+v", e)
	}
	vu.Samples.Reset()
	if n := len(vu.Samples.All()); n != 0 {
		t.Errorf("%d samples after Reset", n)
	}

	vu.EnterInitStage()
	if vu.State() != nil || vu.InitEnv() == nil || vu.InitEnv().Registry != vu.StateValue.Registry {
		t.Error("init stage: want InitEnv sharing the registry and no State")
	}
	if got := vu.MustRun(`counter.stage()`).String(); got != "init" {
		t.Errorf("stage %q", got)
	}
	vu.EnterVUStage()
	if vu.State() != vu.StateValue || vu.InitEnv() != nil {
		t.Error("VU stage: want State and no InitEnv")
	}

	ctx, cancel := context.WithCancel(context.Background())
	vu.SetContext(ctx)
	cancel()
	if !vu.MustRun(`counter.cancelled()`).ToBoolean() {
		t.Error("SetContext not seen by the module")
	}

	if _, err := vu.Run(`throw new Error("boom")`); err == nil {
		t.Error("Run swallowed an exception")
	}
	if o := vu.StateValue.Options; o.SystemTags != metrics.DefaultSystemTags || o.MaxRedirects != 10 {
		t.Errorf("default options %+v", o)
	}
}

func TestLoadDefaultExport(t *testing.T) {
	t.Parallel()
	vu := New(t)
	inst := vu.Load("m", moduleFunc(func(vu jsmod.VU) jsmod.Instance {
		obj := vu.Runtime().NewObject()
		_ = obj.Set("x", 42)
		return exportsOnly{Default: obj}
	}))
	if inst == nil {
		t.Fatal("no instance")
	}
	if got := vu.MustRun(`m.x`); !got.StrictEquals(vu.Runtime().ToValue(42)) {
		t.Errorf("m.x = %v", got)
	}
}

type moduleFunc func(jsmod.VU) jsmod.Instance

func (f moduleFunc) NewModuleInstance(vu jsmod.VU) jsmod.Instance { return f(vu) }

type exportsOnly jsmod.Exports

func (e exportsOnly) Exports() jsmod.Exports { return jsmod.Exports(e) }
