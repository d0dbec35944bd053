package cli

import (
	"runtime/debug"
	"runtime/metrics"
)

// Bounds of the garbage collector's target during a run (see tuneGC).
const (
	gcHeadroom   = 64 << 20 // bytes the heap may grow past the live heap
	gcPercentMin = 100      // Go's default
	gcPercentMax = 400
)

// tuneGC sets the garbage collector's target for the test, once the VUs
// exist, and returns the function that restores the previous one. A user
// who set GOGC keeps it.
//
// Every request allocates short-lived memory (the response, its headers,
// the JS objects), and with Go's default target a small test spent about a
// sixth of its CPU collecting a heap of a few megabytes. The target now
// lets the heap grow by at least gcHeadroom, up to 4× the live heap: small
// tests collect several times less often, while tests with thousands of
// VUs, whose live heap is large already, keep the default and their memory
// use. Initialisation runs before, with the default, so that its garbage
// does not inflate the peak memory of big tests.
func (a *app) tuneGC() (restore func()) {
	if a.env.Getenv("GOGC") != "" {
		return func() {}
	}
	pct := gcPercentMax
	if live := liveHeap(); live > 0 {
		pct = int(min(max(gcHeadroom*100/live, gcPercentMin), gcPercentMax))
	}
	old := debug.SetGCPercent(pct)
	return func() { debug.SetGCPercent(old) }
}

// liveHeap is the heap the last collection found live, 0 before the first.
func liveHeap() uint64 {
	s := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(s)
	if s[0].Value.Kind() != metrics.KindUint64 {
		return 0
	}
	return s[0].Value.Uint64()
}
