package jsmod

import (
	"context"
	"net/http"

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
