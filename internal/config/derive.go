package config

import (
	"errors"
	"fmt"
	"maps"

	"github.com/stampede-load/stampede/internal/scenario"
)

// DeriveScenarios turns the shortcut options into the "default" scenario, or
// returns the configured scenarios, following k6's order: iterations, then
// duration, then non-empty stages, then scenarios, else one iteration in one
// VU. The warnings are for the caller to log.
func (o Options) DeriveScenarios() (map[string]scenario.Config, []string, error) {
	stagesGiven := o.Stages.Valid && len(o.Stages.V) > 0
	vus := o.VUs.Or(DefaultVUs)
	switch {
	case o.Iterations.Valid:
		if err := o.shortcutConflict("iterations", stagesGiven); err != nil {
			return nil, nil, err
		}
		c := scenario.NewSharedIterations(scenario.DefaultName)
		c.VUs, c.Iterations = vus, o.Iterations.V
		if o.Duration.Valid {
			c.MaxDuration = o.Duration.V
		}
		return single(c), nil, nil

	case o.Duration.Valid:
		if err := o.shortcutConflict("duration", stagesGiven); err != nil {
			return nil, nil, err
		}
		if o.Duration.V <= 0 {
			return nil, nil, errors.New("`duration` should be more than 0, for infinite duration use the externally-controlled executor")
		}
		c := scenario.NewConstantVUs(scenario.DefaultName)
		c.VUs, c.Duration = vus, o.Duration.V
		return single(c), nil, nil

	case stagesGiven:
		if o.Scenarios.Valid {
			return nil, nil, errors.New("using an execution configuration shortcut (`stages`) and `scenarios` simultaneously is not allowed")
		}
		c := scenario.NewRampingVUs(scenario.DefaultName)
		c.StartVUs = vus
		c.Stages = holdMissingTargets(vus, stagesWithDuration(o.Stages.V))
		return single(c), nil, nil

	case o.Scenarios.Valid && len(o.Scenarios.V) > 0:
		return maps.Clone(map[string]scenario.Config(o.Scenarios.V)), nil, nil
	}

	var warnings []string
	if o.VUs.Valid && o.VUs.V != 1 {
		warnings = append(warnings, fmt.Sprintf(
			"the `vus=%d` option will be ignored, it only works in conjunction with `iterations`, `duration`, or `stages`", o.VUs.V))
	}
	if o.Stages.Valid {
		warnings = append(warnings, "`stages` was explicitly set to an empty value, running the script with 1 iteration in 1 VU")
	}
	if o.Scenarios.Valid {
		warnings = append(warnings, "`scenarios` was explicitly set to an empty value, running the script with 1 iteration in 1 VU")
	}
	return single(scenario.NewPerVUIterations(scenario.DefaultName)), warnings, nil
}

func (o Options) shortcutConflict(name string, stagesGiven bool) error {
	if stagesGiven {
		return fmt.Errorf("using multiple execution config shortcuts (`%s` and `stages`) simultaneously is not allowed", name)
	}
	if o.Scenarios.Valid {
		return fmt.Errorf("using an execution configuration shortcut (`%s`) and `scenarios` simultaneously is not allowed", name)
	}
	return nil
}

func single(c scenario.Config) map[string]scenario.Config {
	return map[string]scenario.Config{c.Base().Name: c}
}

// holdMissingTargets gives stages written as "-s 30s" the previous target,
// so they hold the VU count.
func holdMissingTargets(start int64, stages []scenario.Stage) []scenario.Stage {
	out := make([]scenario.Stage, len(stages))
	prev := start
	for i, s := range stages {
		if !s.HasTarget() {
			s = s.WithTarget(prev)
		}
		out[i] = s
		prev = s.Target
	}
	return out
}
