package http

import (
	"errors"
	"fmt"

	"github.com/dop251/goja"
)

// statusRange is an inclusive range of HTTP statuses.
type statusRange struct{ min, max int }

// expectedStatuses is the callback expectedStatuses() returns. Scripts
// cannot call it; they can only pass it to setResponseCallback or as the
// responseCallback param, as in k6 v0.32.
type expectedStatuses struct {
	ranges []statusRange
}

func (e *expectedStatuses) match(status int) bool {
	for _, r := range e.ranges {
		if status >= r.min && status <= r.max {
			return true
		}
	}
	return false
}

var errCallbackType = errors.New("unsupported type provided")

// jsExpectedStatuses is expectedStatuses(...args): each argument is an
// integer status or a {min, max} inclusive range.
func (mi *ModuleInstance) jsExpectedStatuses(c goja.FunctionCall) goja.Value {
	rt := mi.vu.Runtime()
	e := &expectedStatuses{ranges: make([]statusRange, 0, len(c.Arguments))}
	for i, arg := range c.Arguments {
		r, err := statusArg(rt, arg)
		if err != nil {
			panic(rt.NewTypeError(fmt.Sprintf("argument number %d to expectedStatuses was %s", i+1, err)))
		}
		e.ranges = append(e.ranges, r)
	}
	return rt.ToValue(e)
}

func statusArg(rt *goja.Runtime, v goja.Value) (statusRange, error) {
	if isNullish(v) {
		return statusRange{}, errors.New("not an integer or an object like {min:100, max:200}")
	}
	if obj, ok := v.(*goja.Object); ok {
		lo, hi := obj.Get("min"), obj.Get("max")
		if !isInteger(lo) || !isInteger(hi) {
			return statusRange{}, errors.New("an object whose min and max are not both integers")
		}
		return statusRange{int(lo.ToInteger()), int(hi.ToInteger())}, nil
	}
	if !isInteger(v) {
		return statusRange{}, fmt.Errorf("%s, not an integer or an object like {min:100, max:200}", v.String())
	}
	n := int(v.ToInteger())
	return statusRange{n, n}, nil
}

func isInteger(v goja.Value) bool {
	if v == nil {
		return false
	}
	switch x := v.Export().(type) {
	case int64:
		return true
	case float64:
		return x == float64(int64(x))
	}
	return false
}

// callbackValue converts a callback argument: null disables the callback.
func callbackValue(v goja.Value) (func(int) bool, error) {
	if isNullish(v) {
		return nil, nil
	}
	if e, ok := v.Export().(*expectedStatuses); ok {
		return e.match, nil
	}
	return nil, fmt.Errorf("%w %s; use http.expectedStatuses", errCallbackType, v.ExportType())
}

// jsSetResponseCallback is setResponseCallback(cb | null).
func (mi *ModuleInstance) jsSetResponseCallback(c goja.FunctionCall) goja.Value {
	cb, err := callbackValue(c.Argument(0))
	if err != nil {
		panic(mi.vu.Runtime().NewTypeError(err.Error()))
	}
	mi.expected = cb
	return goja.Undefined()
}
