package config

import (
	"encoding/json"
	"slices"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/scenario"
)

func dur(d time.Duration) Opt[scenario.Duration] { return Some(scenario.Duration(d)) }

func mustScript(t *testing.T, js string) Options {
	t.Helper()
	o, unknown, err := FromScript([]byte(js))
	if err != nil {
		t.Fatalf("FromScript(%s): %v", js, err)
	}
	if len(unknown) > 0 {
		t.Fatalf("unexpected unknown keys %v", unknown)
	}
	return o
}

func TestMergePrecedence(t *testing.T) {
	t.Parallel()
	file := Options{VUs: Some[int64](2), UserAgent: Some("file"), Batch: Some[int64](3), Linger: Some(true)}
	script := Options{VUs: Some[int64](3), UserAgent: Some("script"), RPS: Some[int64](5)}
	env := Options{VUs: Some[int64](4), RPS: Some[int64](6)}
	flags := Options{VUs: Some[int64](5)}
	got := Merge(file, script, env, flags)
	if got.VUs != Some[int64](5) || got.UserAgent != Some("script") || got.RPS != Some[int64](6) ||
		got.Batch != Some[int64](3) || got.Linger != Some(true) {
		t.Errorf("unexpected merge %+v", got)
	}
	// Unset options keep their defaults readable but unset.
	if got.MaxRedirects.Valid || got.MaxRedirects.V != DefaultMaxRedirects || got.BatchPerHost.V != DefaultBatchPerHost ||
		got.SetupTimeout.V.D() != time.Minute || got.MetricSamplesBufferSize.V != 1000 {
		t.Errorf("defaults: %+v", got)
	}
}

func TestMergeExecutionReset(t *testing.T) {
	t.Parallel()
	script := mustScript(t, `{"vus":7,"scenarios":{"s":{"executor":"constant-vus","duration":"1m"}},"stages":[{"duration":"1m","target":1}]}`)
	tests := []struct {
		name   string
		layers []Options
		check  func(t *testing.T, o Options)
	}{
		{"cli duration wipes script scenarios and stages", []Options{script, {Duration: dur(10 * time.Second)}},
			func(t *testing.T, o Options) {
				if o.Scenarios.Valid || o.Stages.Valid || o.Duration != dur(10*time.Second) || o.VUs != Some[int64](7) {
					t.Errorf("got %+v", o)
				}
			}},
		{"env iterations wipe file duration", []Options{{Duration: dur(time.Minute)}, {Iterations: Some[int64](3)}},
			func(t *testing.T, o Options) {
				if o.Duration.Valid || o.Iterations != Some[int64](3) {
					t.Errorf("got %+v", o)
				}
			}},
		{"vus alone keeps scenarios", []Options{script, {VUs: Some[int64](1)}},
			func(t *testing.T, o Options) {
				if !o.Scenarios.Valid || !o.Stages.Valid || o.VUs != Some[int64](1) {
					t.Errorf("got %+v", o)
				}
			}},
		{"same layer keeps both", []Options{{Duration: dur(time.Minute), Iterations: Some[int64](5)}},
			func(t *testing.T, o Options) {
				if !o.Duration.Valid || !o.Iterations.Valid {
					t.Errorf("got %+v", o)
				}
			}},
		{"scenarios in script wipe file stages", []Options{{Stages: Some([]scenario.Stage{{Duration: 1, Target: 1}})},
			mustScript(t, `{"scenarios":{"a":{"executor":"per-vu-iterations"}}}`)},
			func(t *testing.T, o Options) {
				if o.Stages.Valid || !o.Scenarios.Valid {
					t.Errorf("got %+v", o)
				}
			}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			tt.check(t, Merge(tt.layers...))
		})
	}
}

func TestMergeDetails(t *testing.T) {
	t.Parallel()
	t.Run("stages without duration are dropped", func(t *testing.T) {
		t.Parallel()
		o := Merge(mustScript(t, `{"stages":[{"target":5},{"duration":"10s","target":1}]}`))
		if len(o.Stages.V) != 1 || o.Stages.V[0].Target != 1 {
			t.Errorf("stages %v", o.Stages.V)
		}
	})
	t.Run("dns merges per field", func(t *testing.T) {
		t.Parallel()
		o := Merge(Options{DNS: DNS{TTL: Some("1m"), Policy: Some("onlyIPv6")}}, Options{DNS: DNS{Policy: Some("any")}})
		if o.DNS.String() != "ttl=1m,select=random,policy=any" || !o.DNS.Select.Valid {
			t.Errorf("dns %v", o.DNS)
		}
	})
	t.Run("post-merge defaults are set", func(t *testing.T) {
		t.Parallel()
		o := Merge()
		if !o.SystemTags.Valid || !slices.Equal(o.SystemTags.V, DefaultSystemTags()) ||
			!o.SummaryTrendStats.Valid || !slices.Equal(o.SummaryTrendStats.V, []string{"avg", "min", "med", "max", "p(90)", "p(95)"}) ||
			o.DNS.String() != DefaultDNSString {
			t.Errorf("got %+v", o)
		}
		if o.VUs.Valid || o.UserAgent.Valid || o.UserAgent.V != DefaultUserAgent {
			t.Errorf("other defaults must stay unset: %+v", o)
		}
	})
	t.Run("explicit values win over post-merge defaults", func(t *testing.T) {
		t.Parallel()
		o := Merge(Options{SystemTags: Some([]string{"vu"}), SummaryTrendStats: Some([]string{"count"})})
		if !slices.Equal(o.SystemTags.V, []string{"vu"}) || !slices.Equal(o.SummaryTrendStats.V, []string{"count"}) {
			t.Errorf("got %+v", o)
		}
	})
	t.Run("maps replace, nil keeps", func(t *testing.T) {
		t.Parallel()
		o := Merge(Options{Thresholds: map[string]json.RawMessage{"a": json.RawMessage(`["x"]`)}, Tags: Some(map[string]string{"a": "b"})},
			Options{Tags: Some(map[string]string{"c": "d"})})
		if len(o.Thresholds) != 1 || len(o.Tags.V) != 1 || o.Tags.V["c"] != "d" {
			t.Errorf("got %+v", o)
		}
	})
	t.Run("explicit false overrides true", func(t *testing.T) {
		t.Parallel()
		o := Merge(Options{Throw: Some(true)}, Options{Throw: Some(false)})
		if o.Throw != Some(false) {
			t.Errorf("throw %+v", o.Throw)
		}
	})
	t.Run("empty user agent is kept", func(t *testing.T) {
		t.Parallel()
		o := Merge(Options{UserAgent: Some("")})
		if o.UserAgent != Some("") {
			t.Errorf("ua %+v", o.UserAgent)
		}
	})
}
