package threshold

import (
	"errors"
	"slices"
	"testing"
)

func TestCheck(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		src        string
		metricType string
		wantErr    string
	}{
		{"counter count", "count>100", "counter", ""},
		{"counter rate", "rate<10 && count>1", "counter", ""},
		{"counter type name case", "count>100", "Counter", ""},
		{"gauge value", "value<5", "gauge", ""},
		{"gauge min max", "min>0 && max<10", "gauge", ""},
		{"rate rate", "rate>=0.95", "rate", ""},
		{"trend everything", "avg<1 && min<1 && max<1 && med<1 && count>1 && p(95)<1 && p(99.9)<1", "trend", ""},
		{"constant", "1 < 2", "rate", ""},
		{"counter avg", "avg<200", "counter",
			`threshold "avg<200" uses "avg", which counter metrics do not provide (supported: count, rate)`},
		{"gauge percentile", "value<5 && p(95)<3", "gauge",
			`threshold "value<5 && p(95)<3" uses "p(95)", which gauge metrics do not provide (supported: value, min, max)`},
		{"rate count", "count>1", "rate",
			`threshold "count>1" uses "count", which rate metrics do not provide (supported: rate)`},
		{"rate passes", "passes>1", "Rate",
			`threshold "passes>1" uses "passes", which rate metrics do not provide (supported: rate)`},
		{"trend value", "value<1", "trend",
			`threshold "value<1" uses "value", which trend metrics do not provide (supported: avg, min, max, med, count, p(N))`},
		{"trend rate", "rate<1", "trend",
			`threshold "rate<1" uses "rate", which trend metrics do not provide (supported: avg, min, max, med, count, p(N))`},
		{"unknown type", "count>1", "histogram",
			`threshold "count>1": unknown metric type "histogram" (want counter, gauge, rate or trend)`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			e, err := Parse(tt.src)
			if err != nil {
				t.Fatal(err)
			}
			err = Check(e, tt.metricType)
			switch {
			case tt.wantErr == "" && err != nil:
				t.Errorf("unexpected error: %v", err)
			case tt.wantErr != "" && (err == nil || err.Error() != tt.wantErr):
				t.Errorf("error\n got: %v\nwant: %s", err, tt.wantErr)
			}
		})
	}
}

func TestCheckErrorType(t *testing.T) {
	t.Parallel()
	e, err := Parse("p(95)<1")
	if err != nil {
		t.Fatal(err)
	}
	var ae *AggregationError
	if err := Check(e, "counter"); !errors.As(err, &ae) {
		t.Fatalf("Check error %T is not an *AggregationError", err)
	}
	if ae.Aggregation != "p(95)" || ae.MetricType != "counter" || !slices.Equal(ae.Supported, []string{"count", "rate"}) {
		t.Errorf("AggregationError = %+v", ae)
	}
}

func TestSupportedBy(t *testing.T) {
	t.Parallel()
	if got := SupportedBy("nope"); got != nil {
		t.Errorf("SupportedBy(unknown) = %q, want nil", got)
	}
	// Every aggregate name the parser accepts should be offered by some type
	// or be deliberately unsupported; this keeps the two lists honest.
	offered := map[string]bool{}
	for _, typ := range []string{"counter", "gauge", "rate", "trend"} {
		for _, a := range SupportedBy(typ) {
			offered[a] = true
		}
	}
	for _, a := range []string{"count", "rate", "value", "avg", "min", "max", "med", "p(N)"} {
		if !offered[a] {
			t.Errorf("no metric type offers %q", a)
		}
	}
}
