package e2e

import "testing"

// TestHTTPAPI runs the k6/http API beyond plain requests (cookie jars,
// batch, file uploads, url templates, digest auth, compression, response
// callbacks) through the binary against go-httpbin.
func TestHTTPAPI(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "http_api.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	if len(checks) != 12 {
		t.Errorf("%d checks, want 12: %v", len(checks), keys(checks))
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes != 2 {
			t.Errorf("check %s: %+v\nstderr:\n%s", name, c, r.stderr)
		}
	}
	// Nothing failed: the 404 and the digest challenge were expected.
	if got := r.export.metric(t, "http_req_failed", "passes"); got != 0 {
		t.Errorf("http_req_failed passes = %v, want 0", got)
	}
}
