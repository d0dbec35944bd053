// Package k6 is the "k6" JS module: check, group, fail, sleep and
// randomSeed. It imports only jsmod, metrics and ext.
package k6
