package ext

import (
	"fmt"
	"sort"
	"strings"
	"sync"
)

// Namespaces of registered IDs.
const (
	JSNamespace     = "js."
	OutputNamespace = "output."
)

var (
	mu       sync.RWMutex
	registry = map[string]any{} //nolint:gochecknoglobals // static registration, see package doc
)

// Register adds an extension under id ("js.k6/http", "output.json"). It
// panics on an empty or duplicate ID: both are programming errors that must
// fail at start-up, not at run time.
func Register(id string, value any) {
	if !strings.HasPrefix(id, JSNamespace) && !strings.HasPrefix(id, OutputNamespace) {
		panic(fmt.Sprintf("ext: id %q has no known namespace", id))
	}
	mu.Lock()
	defer mu.Unlock()
	if _, dup := registry[id]; dup {
		panic(fmt.Sprintf("ext: %q registered twice", id))
	}
	registry[id] = value
}

// Lookup returns the extension registered under id.
func Lookup(id string) (any, bool) {
	mu.RLock()
	defer mu.RUnlock()
	v, ok := registry[id]
	return v, ok
}

// List returns the sorted IDs under a namespace prefix.
func List(namespace string) []string {
	mu.RLock()
	defer mu.RUnlock()
	var ids []string
	for id := range registry {
		if strings.HasPrefix(id, namespace) {
			ids = append(ids, id)
		}
	}
	sort.Strings(ids)
	return ids
}
