// Package jslib is stampede's offline copy of the jslib.k6.io modules that
// k6 scripts import most: k6-summary (textSummary, jUnit) and k6-utils
// (randomIntBetween, randomItem, randomString, uuidv4, findBetween).
// stampede fetches nothing over the network, so these are written afresh
// in Go on top of the public jsmod API (not copied from jslib.k6.io) and
// registered with ext like any built-in module.
//
// Resolution: Resolve maps a remote specifier to the ext ID of a module
// registered here. Only the jslib.k6.io host is known, over https:// or
// http://. k6-summary is registered for version 0.0.1, the only one k6
// v0.32 scripts use; k6-utils for every version ("1.0.0", "1.4.0", …)
// under one version-less ID, as the functions offered here behave alike
// in all of them. internal/js consults Resolve before giving up on a
// remote module; every other URL keeps its "cannot load remote module"
// error.
package jslib
