package e2e

import "testing"

// TestHTMLModule parses an inline document with k6/html's parseHTML and
// runs one named check per Selection method, Element method and
// tag-specific accessor; no network is needed.
func TestHTMLModule(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "html_module.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	const want = 83
	if len(checks) != want {
		t.Errorf("%d checks, want %d: %v", len(checks), want, keys(checks))
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes != 1 {
			t.Errorf("check %s: %+v\nstderr:\n%s", name, c, r.stderr)
		}
	}
}
