package cli

import (
	"crypto/tls"
	"fmt"

	"github.com/stampede-load/stampede/internal/config"
)

// checkOutputs refuses --out: no output is built in yet, and silently
// dropping the results a user asked to keep would lose them.
func checkOutputs(o config.Options) error {
	if o.Out.Valid && len(o.Out.V) > 0 {
		return fmt.Errorf("output %q is not available in this version of stampede: no results were written; "+
			"use --summary-export for the end-of-test numbers", o.Out.V[0])
	}
	return nil
}

// tlsConfig builds the TLS settings of the options; validation has already
// rejected unknown versions and cipher suites.
func tlsConfig(o config.Options) *tls.Config {
	c := &tls.Config{InsecureSkipVerify: o.InsecureSkipTLSVerify.V} //nolint:gosec // the user's explicit choice
	if o.TLSVersion.Valid {
		c.MinVersion, _ = config.TLSVersionID(o.TLSVersion.V.Min)
		c.MaxVersion, _ = config.TLSVersionID(o.TLSVersion.V.Max)
	}
	if o.TLSCipherSuites.Valid {
		c.CipherSuites, _ = config.CipherSuiteIDs(o.TLSCipherSuites.V)
	}
	return c
}
