//go:build race

package e2e

// raceEnabled builds the binary under test with the race detector too when
// the tests themselves run with -race.
const raceEnabled = true
