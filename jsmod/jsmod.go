package jsmod

import (
	"context"
	"net/http"
	"sync"

	"github.com/dop251/goja"
	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/metrics"
)

// Module is a JS module that can be imported.
type Module interface {
	NewModuleInstance(vu VU) Instance
}

// Instance is a module's per-VU instance.
type Instance interface {
	Exports() Exports
}

// Exports are what an import sees: Default is the default export; Named are
// the named exports. When Named is empty, the default export's own
// properties are offered as named exports too.
type Exports struct {
	Default any
	Named   map[string]any
}

// VU is what a module sees of the virtual user it runs in.
type VU interface {
	// Runtime is the VU's JS runtime. Only the VU's own goroutine may use it.
	Runtime() *goja.Runtime
	// Context is cancelled when the current iteration must stop.
	Context() context.Context
	// InitEnv is non-nil only while the init stage runs.
	InitEnv() *InitEnv
	// State is non-nil only while the VU runs setup, iterations or teardown.
	State() *State
}

// InitEnv is what the init stage offers modules.
type InitEnv struct {
	Registry *metrics.Registry
	Builtin  *metrics.Builtin
	Logger   logrus.FieldLogger
	// Shared is the test run's store of values computed once and shared
	// by all its VUs (k6/data's SharedArray). The runner makes one per run
	// and gives it to every VU, including VUs created later and the one
	// that runs handleSummary.
	Shared *Shared
	// ReadFile reads a file the script depends on (k6/net/grpc's .proto
	// files): name resolves as open() resolves it, against the directory
	// of the module being evaluated unless absolute, and the file is
	// recorded for archives. It may be called from several goroutines
	// while the init code waits. Nil when the host offers no files.
	ReadFile func(name string) ([]byte, error)
}

// Shared holds values that are computed once per test run and then shared,
// read-only, by every VU of the run. Keys are global to the run: a module
// prefixes its keys with its import path ("k6/data.SharedArray:users").
// The zero value is ready to use; a Shared is safe for concurrent use.
//
// Values must not hold anything tied to one VU's runtime (goja values):
// store plain Go data and make per-VU JS views of it.
type Shared struct {
	mu      sync.Mutex
	entries map[string]*sharedEntry
}

type sharedEntry struct {
	sem   chan struct{} // held by the caller computing the value
	done  bool
	value any
}

// Once returns the value stored under key. The first caller computes it
// with compute; callers arriving meanwhile wait for it, or until ctx ends.
// When compute fails, nothing is stored, its error is returned and the next
// caller computes again. compute must not call Once with the same key.
func (s *Shared) Once(ctx context.Context, key string, compute func() (any, error)) (any, error) {
	s.mu.Lock()
	if s.entries == nil {
		s.entries = make(map[string]*sharedEntry)
	}
	e, ok := s.entries[key]
	if !ok {
		e = &sharedEntry{sem: make(chan struct{}, 1)}
		s.entries[key] = e
	}
	s.mu.Unlock()

	select {
	case e.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
	defer func() { <-e.sem }()
	if e.done {
		return e.value, nil
	}
	v, err := compute()
	if err != nil {
		return nil, err
	}
	e.value, e.done = v, true
	return v, nil
}

// State is a VU's state while it runs code outside the init stage. Modules
// may change Group and Tags (k6's group() does) but must restore them.
type State struct {
	VUID      uint64
	Iteration int64

	Group *metrics.Group
	// Tags are the tags every sample of this VU gets right now: run tags,
	// scenario tags, scenario and group.
	Tags *metrics.TagSet

	Samples  metrics.Pusher
	Registry *metrics.Registry
	Builtin  *metrics.Builtin
	Logger   logrus.FieldLogger

	Options Options

	// Transport is the VU's own HTTP transport (connections are reused per
	// VU, as in k6); it counts the bytes the VU sends and receives.
	Transport http.RoundTripper
	// CookieJar is the VU's jar, emptied before every iteration unless
	// noCookiesReset is set.
	CookieJar http.CookieJar
}

// Options are the test options modules act on.
type Options struct {
	SystemTags   metrics.SystemTagSet
	Throw        bool
	UserAgent    string
	MaxRedirects int
	// MaxRedirectsSet is whether the user set maxRedirects: k6 warns
	// about a redirect chain it stopped only when neither that option nor
	// the redirects param was set.
	MaxRedirectsSet       bool
	DiscardResponseBodies bool
	HTTPDebug             string // "", "headers" or "full"
	Batch, BatchPerHost   int
}
