package cli

import (
	"crypto/tls"
	"fmt"
	"strings"

	"github.com/stampede-load/stampede/internal/config"
)

// notImplemented lists the options that stampede accepts (so k6 scripts and
// command lines keep working) but does not act on yet, with what they
// would do. They are named in a warning at start, never silently ignored.
func notImplemented(o config.Options) []string {
	var names []string
	add := func(set bool, name string) {
		if set {
			names = append(names, name)
		}
	}
	add(o.RPS.Valid && o.RPS.V > 0, "rps")
	add(o.ConsoleOutput.Valid && o.ConsoleOutput.V != "", "consoleOutput")
	return names
}

// checkOutputs refuses --out: no output is built in yet, and silently
// dropping the results a user asked to keep would lose them.
func checkOutputs(o config.Options) error {
	if o.Out.Valid && len(o.Out.V) > 0 {
		return fmt.Errorf("output %q is not available in this version of stampede: no results were written; "+
			"use --summary-export for the end-of-test numbers", o.Out.V[0])
	}
	return nil
}

func warnNotImplemented(a *app, o config.Options) {
	if names := notImplemented(o); len(names) > 0 {
		a.logger.Warnf("these options are accepted but not implemented yet and have no effect: %s", strings.Join(names, ", "))
	}
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
