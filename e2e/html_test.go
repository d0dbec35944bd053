package e2e

import "testing"

// TestHTMLForms parses go-httpbin's form and links pages, submits the form
// and follows a link; every request is counted like any other.
func TestHTMLForms(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "html_form.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	if len(checks) != 9 {
		t.Errorf("%d checks, want 9: %v", len(checks), keys(checks))
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes != 2 {
			t.Errorf("check %s: %+v\nstderr:\n%s", name, c, r.stderr)
		}
	}
	// Per iteration: the form page, the POST, the links page and the click.
	if got := r.export.metric(t, "http_reqs", "count"); got != 8 {
		t.Errorf("http_reqs count = %v, want 8", got)
	}
}
