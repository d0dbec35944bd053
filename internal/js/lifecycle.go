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
	v, err := safeCall(call, arg)
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

// HandleSummaryTimeout is how long handleSummary() may run, as in k6.
const HandleSummaryTimeout = 2 * time.Minute

// HandleSummary produces the end-of-test outputs: a map from "stdout",
// "stderr" or a file path to its content. Without an exported
// handleSummary it is the default text summary on stdout. Otherwise
// handleSummary(data, textSummaryFn) runs in a fresh VU 0 (init code runs
// again) with params p, data being dataJSON parsed and textSummaryFn a
// function returning defaultText, within HandleSummaryTimeout (or ctx).
//
// A null or undefined result gives a nil map: nothing is output. If
// handleSummary throws, the error is logged and the default summary is
// returned instead, as k6 does. A result that is not an object, or a value
// that is neither a string nor an ArrayBuffer, is an error and nothing is
// output; so are init errors and the timeout.
func (b *Bundle) HandleSummary(ctx context.Context, p Params, dataJSON []byte, defaultText string) (map[string][]byte, error) {
	if !b.HasExport("handleSummary") {
		return map[string][]byte{"stdout": []byte(defaultText)}, nil
	}
	ctx, cancel := context.WithTimeout(ctx, HandleSummaryTimeout)
	defer cancel()
	vu, err := b.NewVU(ctx, 0, p)
	if err != nil {
		return nil, InitError(err)
	}
	defer vu.leave()
	rt := vu.rt
	var data goja.Value
	if err := catch(func() error {
		parse, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
		var err error
		data, err = parse(goja.Undefined(), rt.ToValue(string(dataJSON)))
		return err
	}); err != nil {
		return nil, fmt.Errorf("passing the summary data to handleSummary(): %w", err)
	}
	call, err := vu.function("handleSummary")
	if err != nil {
		return nil, err
	}
	vu.enter(ctx)
	v, err := safeCall(call, data, rt.ToValue(func() string { return defaultText }))
	vu.leave()
	vu.Flush()
	var interrupted *goja.InterruptedError
	switch {
	case errors.As(err, &interrupted) || (err != nil && ctx.Err() != nil):
		if errors.Is(ctx.Err(), context.DeadlineExceeded) {
			return nil, fmt.Errorf("handleSummary() execution timed out after %s", HandleSummaryTimeout)
		}
		return nil, fmt.Errorf("handleSummary() was interrupted: %w", context.Cause(ctx))
	case err != nil:
		msg := err.Error()
		var ex *goja.Exception
		if errors.As(err, &ex) {
			msg = ex.Value().String()
		}
		b.cfg.Logger.Errorf(`handleSummary() failed with error "%s", falling back to the default summary`, msg)
		return map[string][]byte{"stdout": []byte(defaultText)}, nil
	}
	return summaryResult(v)
}

// summaryResult converts handleSummary's return value.
func summaryResult(v goja.Value) (map[string][]byte, error) {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil, nil
	}
	obj, ok := v.(*goja.Object)
	if !ok || obj.ClassName() == "Array" || obj.ClassName() == "Function" {
		return nil, errors.New("handleSummary() should return a map with string keys")
	}
	out := make(map[string][]byte)
	for _, k := range obj.Keys() {
		switch x := obj.Get(k).Export().(type) {
		case string:
			out[k] = []byte(x)
		case goja.ArrayBuffer:
			out[k] = append([]byte(nil), x.Bytes()...)
		default:
			return nil, fmt.Errorf("error handling summary object %s: the value must be a string or an ArrayBuffer", k)
		}
	}
	return out, nil
}
