package e2e

import "testing"

// TestCryptoEncoding runs k6/crypto, k6/crypto/x509 and k6/encoding through
// the binary: hash, HMAC and base64 vectors, an HS256 JWT signed and
// verified as in k6's samples/jwt.js, x509 parsing of an inline
// certificate, and a Basic auth header built with b64encode against the
// local target. Every check must pass once.
func TestCryptoEncoding(t *testing.T) {
	t.Parallel()
	r := stampede(t, runOpts{}, "run", "--summary-export={export}", "crypto_encoding.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	const want = 47
	if len(checks) != want {
		t.Errorf("%d checks, want %d: %v", len(checks), want, keys(checks))
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes != 1 {
			t.Errorf("check %s: %+v\nstderr:\n%s", name, c, r.stderr)
		}
	}
}
