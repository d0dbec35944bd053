package summary

import (
	"math"
	"testing"
)

func TestHumanizeValue(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name, typ, contains, unit string
		v                         float64
		want                      string
	}{
		{"time zero", TypeTrend, ContainsTime, "", 0, "0s"},
		{"time ns", TypeTrend, ContainsTime, "", 0.000947, "947ns"},
		{"time 1µs boundary kept", TypeTrend, ContainsTime, "", 0.001, "1µs"},
		{"time µs truncated to 10ns", TypeTrend, ContainsTime, "", 0.53683, "536.83µs"},
		{"time µs truncated not rounded", TypeTrend, ContainsTime, "", 0.002379, "2.37µs"},
		{"time 1ms boundary kept", TypeTrend, ContainsTime, "", 1, "1ms"},
		{"time ms truncated to 10µs", TypeTrend, ContainsTime, "", 150.634, "150.63ms"},
		{"time ms truncated not rounded", TypeTrend, ContainsTime, "", 138.1999, "138.19ms"},
		{"time ms one decimal", TypeTrend, ContainsTime, "", 134.4, "134.4ms"},
		{"time 1s boundary kept", TypeTrend, ContainsTime, "", 1000, "1s"},
		{"time s truncated to 10ms", TypeTrend, ContainsTime, "", 1010.3, "1.01s"},
		{"time s", TypeTrend, ContainsTime, "", 5200.01, "5.2s"},
		{"time 1m boundary", TypeTrend, ContainsTime, "", 60000.5, "1m0s"},
		{"time m truncated to 1s", TypeTrend, ContainsTime, "", 64000, "1m4s"},
		{"time m truncated not rounded", TypeTrend, ContainsTime, "", 64999.9, "1m4s"},
		{"time h", TypeTrend, ContainsTime, "", 3_723_456, "1h2m3s"},
		{"time unit ms", TypeTrend, ContainsTime, "ms", 150.634, "150.63ms"},
		{"time unit ms rounds", TypeTrend, ContainsTime, "ms", 150.636, "150.64ms"},
		{"time unit s", TypeTrend, ContainsTime, "s", 150.634, "0.15s"},
		{"time unit s large", TypeTrend, ContainsTime, "s", 64000, "64.00s"},
		{"time unit us", TypeTrend, ContainsTime, "us", 0.53683, "536.83µs"},
		{"time unit us of ms", TypeTrend, ContainsTime, "us", 1.5, "1500.00µs"},
		{"time counter", TypeCounter, ContainsTime, "", 5000, "5s"},
		{"bytes MB", TypeCounter, ContainsData, "", 94_000_000, "94 MB"},
		{"bytes MB one decimal", TypeCounter, ContainsData, "", 1_600_000, "1.6 MB"},
		{"bytes kB", TypeCounter, ContainsData, "", 308_412.5, "308 kB"},
		{"bytes kB one decimal", TypeCounter, ContainsData, "", 5_234.1, "5.2 kB"},
		{"bytes B", TypeCounter, ContainsData, "", 730, "730 B"},
		{"bytes zero", TypeCounter, ContainsData, "", 0, "0 B"},
		{"bytes fraction truncated", TypeCounter, ContainsData, "", 0.9, "0 B"},
		{"bytes GB", TypeTrend, ContainsData, "", 2_500_000_000, "2.5 GB"},
		{"bytes negative", TypeGauge, ContainsData, "", -1500, "-1.5 kB"},
		{"bytes unaffected by time unit", TypeCounter, ContainsData, "ms", 730, "730 B"},
		{"ftoa int", TypeCounter, ContainsDefault, "", 13416, "13416"},
		{"ftoa 6 decimals", TypeCounter, ContainsDefault, "", 44.1113434, "44.111343"},
		{"ftoa trailing zeros", TypeCounter, ContainsDefault, "", 2.5, "2.5"},
		{"ftoa one", TypeGauge, ContainsDefault, "", 1, "1"},
		{"ftoa tiny", TypeGauge, ContainsDefault, "", 0.0000001, "0"},
		{"ftoa negative", TypeGauge, ContainsDefault, "", -3.25, "-3.25"},
		{"ftoa large", TypeTrend, ContainsDefault, "", 1e21, "1000000000000000000000"},
		{"ftoa unaffected by time unit", TypeTrend, ContainsDefault, "s", 2.5, "2.5"},
		{"rate", TypeRate, ContainsDefault, "", 0.975, "97.50%"},
		{"rate one", TypeRate, ContainsDefault, "", 1, "100.00%"},
		{"rate zero", TypeRate, ContainsDefault, "", 0, "0.00%"},
		{"rate third", TypeRate, ContainsDefault, "", 1.0 / 3, "33.33%"},
		{"rate truncated not rounded", TypeRate, ContainsDefault, "", 0.99999, "99.99%"},
		{"rate two thirds truncated", TypeRate, ContainsDefault, "", 2.0 / 3, "66.66%"},
		{"rate NaN", TypeRate, ContainsDefault, "", math.NaN(), "0.00%"},
		{"rate of time metric still percent", TypeRate, ContainsTime, "", 0.5, "50.00%"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := humanizeValue(tt.typ, tt.contains, tt.v, tt.unit); got != tt.want {
				t.Errorf("humanizeValue(%s, %s, %v, %q) = %q, want %q", tt.typ, tt.contains, tt.v, tt.unit, got, tt.want)
			}
		})
	}
}

func TestHumanizeCount(t *testing.T) {
	t.Parallel()
	tests := map[float64]string{0: "0", 1: "1", 1234: "1234", 1234.9: "1234", 1e15: "1000000000000000", -1: "0"}
	for v, want := range tests {
		if got := humanizeCount(v); got != want {
			t.Errorf("humanizeCount(%v) = %q, want %q", v, got, want)
		}
	}
}

func TestIDFor(t *testing.T) {
	t.Parallel()
	tests := map[string]string{
		"":                "d41d8cd98f00b204e9800998ecf8427e",
		"::status is 200": "6210a8cd14cd70477eba5c5e4cb3fb5f",
		// The ID in the spec's §6.3 example, whose check k6's docs renamed.
		"::is status 200": "548d37ca5f33793206f7832e7cea54fb",
	}
	for path, want := range tests {
		if got := IDFor(path); got != want {
			t.Errorf("IDFor(%q) = %s, want %s", path, got, want)
		}
	}
}
