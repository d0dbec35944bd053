package scenario

import (
	"errors"
	"fmt"
)

// Segmented returns cfg as run by the instance that executes et's part of
// the test (k6-spec §3.5): a copy that remembers et (Common.ExecutionTuple)
// and whose PeakVUs, PlannedDuration and Description, and for ramping-vus
// VUsAt and Steps, describe that part, as k6's execution header does.
//
// The copy's fields keep the whole test's values, which is what Validate
// checks and JSON shows; whoever runs it scales them with the tuple, as k6
// does per executor:
//   - shared-iterations: vus and iterations are both scaled;
//   - per-vu-iterations: vus are scaled, iterations per VU are not;
//   - constant-vus: vus are scaled;
//   - ramping-vus: the whole test's VU count is scaled at every instant
//     (startVUs and each step of every stage), so that the segments'
//     counts add up to the whole test's at all times;
//   - constant- and ramping-arrival-rate: the whole test's schedule is
//     kept and the instance starts only the iterations i for which
//     et.Owns(i), so start times interleave across instances;
//     preAllocatedVUs and maxVUs are scaled;
//   - externally-controlled can't be distributed: any segment but the full
//     one is an error.
//
// A nil or full et returns cfg itself. Segmenting a segmented config again
// with the same tuple returns it unchanged, with another one an error.
func Segmented(cfg Config, et *ExecutionTuple) (Config, error) {
	if cfg == nil {
		return nil, errors.New("nil scenario config")
	}
	if prev := cfg.Base().et; prev != nil {
		if prev.Equal(et) {
			return cfg, nil
		}
		return nil, fmt.Errorf("scenario %q: already made for execution segment %s, not %s", cfg.Base().Name, prev, et)
	}
	if et.IsFull() {
		return cfg, nil
	}
	switch c := cfg.(type) {
	case *SharedIterations:
		cp := *c
		cp.et = et
		return &cp, nil
	case *PerVUIterations:
		cp := *c
		cp.et = et
		return &cp, nil
	case *ConstantVUs:
		cp := *c
		cp.et = et
		return &cp, nil
	case *RampingVUs:
		cp := *c
		cp.et = et
		return &cp, nil
	case *ConstantArrivalRate:
		cp := *c
		cp.et = et
		return &cp, nil
	case *RampingArrivalRate:
		cp := *c
		cp.et = et
		return &cp, nil
	case *ExternallyControlled:
		return nil, c.fieldErr("", "the externally-controlled executor can't be used with an execution segment other than 0:1")
	default:
		return nil, fmt.Errorf("scenario %q: the %s executor can't run an execution segment", cfg.Base().Name, cfg.Base().Executor)
	}
}
