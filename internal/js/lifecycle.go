package js

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/internal/errs"
	"github.com/stampede-load/stampede/metrics"
)

// RunSetup runs the exported setup() in this VU (VU 0) inside the group
// "::setup" and returns its result as JSON (nil for undefined).
func (vu *VU) RunSetup(ctx context.Context) ([]byte, error) {
	v, err := vu.runSpecial(ctx, "setup", "setup", goja.Undefined())
	if err != nil {
		return nil, err
	}
	if goja.IsUndefined(v) {
		return nil, nil
	}
	s, err := jsonStringify(vu.rt, v)
	if err != nil {
		return nil, fmt.Errorf("error marshaling setup() data to JSON: %w", err)
	}
	if s == "" {
		return nil, nil
	}
	return []byte(s), nil
}

// RunTeardown runs the exported teardown(data) inside the group "::teardown".
func (vu *VU) RunTeardown(ctx context.Context, setupData []byte) error {
	vu.SetSetupData(setupData)
	_, err := vu.runSpecial(ctx, "teardown", "teardown", vu.data())
	return err
}

// runSpecial runs setup or teardown: in its own group, without a scenario
// tag, emitting iteration_duration but not iterations, as k6 does.
func (vu *VU) runSpecial(ctx context.Context, fn, group string, arg goja.Value) (goja.Value, error) {
	st := vu.state
	g, err := vu.params.Group.Group(group)
	if err != nil {
		return nil, err
	}
	tags := vu.params.RunTags
	if st.Options.SystemTags.Has(metrics.TagGroup) {
		tags = tags.With("group", g.Path)
	}
	st.Group, st.Tags = g, tags
	vu.leave()
	call, err := vu.function(fn)
	if err != nil {
		return nil, err
	}
	vu.enter(ctx)
	start := time.Now()
	v, err := call(goja.Undefined(), arg)
	end := time.Now()
	vu.leave()
	st.Group, st.Tags = vu.params.Group, vu.params.RunTags
	var interrupted *goja.InterruptedError
	if errors.As(err, &interrupted) {
		vu.emitIteration(tags, start, end, false, false)
		vu.Flush()
		return nil, ctx.Err()
	}
	vu.emitIteration(tags, start, end, err == nil, false)
	vu.Flush()
	if err != nil {
		return nil, errs.WithHint(ScriptError(err), errs.ScriptExceptionError, "script exception")
	}
	return v, nil
}
