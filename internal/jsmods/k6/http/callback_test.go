package http

import (
	"strings"
	"testing"
)

func TestExpectedStatuses(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))

	tests := []struct {
		name, js string
		failed   []float64 // http_req_failed per request
		expected []string  // expected_response tag per request, "" for none
	}{
		{"default", `http.get(BASE + "/status/200"); http.get(BASE + "/status/404")`,
			[]float64{0, 1}, []string{"true", "false"}},
		{"set", `http.setResponseCallback(http.expectedStatuses(404, {min: 500, max: 502}));
			http.get(BASE + "/status/404"); http.get(BASE + "/status/501"); http.get(BASE + "/status/200")`,
			[]float64{0, 0, 1}, []string{"true", "true", "false"}},
		{"param", `http.setResponseCallback(http.expectedStatuses(200));
			http.get(BASE + "/status/201", {responseCallback: http.expectedStatuses(201)});
			http.get(BASE + "/status/201")`,
			[]float64{0, 1}, []string{"true", "false"}},
		{"param null", `http.get(BASE + "/status/500", {responseCallback: null})`,
			nil, []string{""}},
		{"null", `http.setResponseCallback(null); http.get(BASE + "/status/500")`,
			nil, []string{""}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			vu.Samples.Reset()
			vu.MustRun(`http.setResponseCallback(http.expectedStatuses({min: 200, max: 399}));` + tc.js)
			var got []float64
			for _, s := range vu.Samples.Named("http_req_failed") {
				got = append(got, s.Value)
			}
			if len(got) != len(tc.failed) {
				t.Fatalf("http_req_failed %v, want %v", got, tc.failed)
			}
			for i := range got {
				if got[i] != tc.failed[i] {
					t.Errorf("http_req_failed %v, want %v", got, tc.failed)
				}
			}
			reqs := vu.Samples.Named("http_reqs")
			if len(reqs) != len(tc.expected) {
				t.Fatalf("%d requests", len(reqs))
			}
			for i, s := range reqs {
				if v, _ := s.Tags.Get("expected_response"); v != tc.expected[i] {
					t.Errorf("request %d: expected_response %q, want %q", i, v, tc.expected[i])
				}
			}
		})
	}
}

func TestExpectedStatusesErrors(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, "http://127.0.0.1:1")
	tests := []struct{ js, want string }{
		{`http.expectedStatuses("200")`, "argument number 1 to expectedStatuses"},
		{`http.expectedStatuses(200, {min: 1})`, "argument number 2 to expectedStatuses"},
		{`http.expectedStatuses(1.5)`, "argument number 1"},
		{`http.setResponseCallback(function() { return true })`, "unsupported type provided"},
		{`http.get(BASE, {responseCallback: 5})`, "unsupported type provided"},
	}
	for _, tc := range tests {
		_, err := vu.Run(tc.js)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v, want %q", tc.js, err, tc.want)
		}
	}
}
