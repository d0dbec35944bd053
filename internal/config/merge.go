package config

import (
	"reflect"

	"github.com/stampede-load/stampede/internal/scenario"
)

// Merge layers options in increasing precedence — pass the config file,
// script options, environment and flags in that order — on top of
// Defaults(). A set option in a later layer replaces the earlier value,
// with k6's special rule: if a layer sets any of duration, iterations,
// stages or scenarios, all four are first cleared, so that `-d 10s` on the
// command line replaces a script's scenarios instead of conflicting with
// them (vus merges on its own). DNS merges field by field; stages without a
// duration are dropped. Finally systemTags, summaryTrendStats and the DNS
// fields still unset get their defaults, as set values.
func Merge(layers ...Options) Options {
	result := Defaults()
	for _, layer := range layers {
		result = apply(result, layer)
	}
	def := Defaults()
	if !result.SystemTags.Valid {
		result.SystemTags = Some(def.SystemTags.V)
	}
	if !result.SummaryTrendStats.Valid {
		result.SummaryTrendStats = Some(def.SummaryTrendStats.V)
	}
	if !result.DNS.TTL.Valid {
		result.DNS.TTL = Some(def.DNS.TTL.V)
	}
	if !result.DNS.Select.Valid {
		result.DNS.Select = Some(def.DNS.Select.V)
	}
	if !result.DNS.Policy.Valid {
		result.DNS.Policy = Some(def.DNS.Policy.V)
	}
	return result
}

// SetsExecution reports whether o sets any of the four options that
// describe the execution plan.
func (o Options) SetsExecution() bool {
	return o.Duration.Valid || o.Iterations.Valid || o.Stages.Valid || o.Scenarios.Valid
}

func apply(dst, src Options) Options {
	if src.SetsExecution() {
		dst.Duration = Opt[scenario.Duration]{}
		dst.Iterations = Opt[int64]{}
		dst.Stages = Opt[[]scenario.Stage]{}
		dst.Scenarios = Opt[scenario.Scenarios]{}
	}
	dv := reflect.ValueOf(&dst).Elem()
	sv := reflect.ValueOf(src)
	for i := range sv.NumField() {
		sf, df := sv.Field(i), dv.Field(i)
		switch s := sf.Interface().(type) {
		case DNS:
			d := df.Addr().Interface().(*DNS)
			mergeOpt(&d.TTL, s.TTL)
			mergeOpt(&d.Select, s.Select)
			mergeOpt(&d.Policy, s.Policy)
		case Opt[[]scenario.Stage]:
			if s.Valid {
				df.Set(reflect.ValueOf(Some(stagesWithDuration(s.V))))
			}
		default:
			if isSet(sf) {
				df.Set(sf)
			}
		}
	}
	return dst
}

func mergeOpt[T any](dst *Opt[T], src Opt[T]) {
	if src.Valid {
		*dst = src
	}
}

// isSet is presence for the two kinds of option fields: Opt (via IsZero)
// and maps (nil means unset).
func isSet(v reflect.Value) bool {
	if z, ok := v.Interface().(interface{ IsZero() bool }); ok {
		return !z.IsZero()
	}
	if v.Kind() == reflect.Map {
		return !v.IsNil()
	}
	return !v.IsZero()
}

// stagesWithDuration drops stages that have no duration, as k6 does when
// merging; a stage list becomes empty rather than unset.
func stagesWithDuration(stages []scenario.Stage) []scenario.Stage {
	out := make([]scenario.Stage, 0, len(stages))
	for _, s := range stages {
		if s.HasDuration() {
			out = append(out, s)
		}
	}
	return out
}
