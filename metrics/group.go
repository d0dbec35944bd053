package metrics

import (
	"crypto/md5" //nolint:gosec // k6 derives group and check IDs from MD5 hashes
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"sync/atomic"
)

// GroupSeparator joins group names into paths ("::a::b").
const GroupSeparator = "::"

// ErrNameContainsSeparator is k6's error for group and check names with "::".
var ErrNameContainsSeparator = errors.New("group and check names may not contain '::'")

// Group is a node of the run's group tree. Groups and checks are created the
// first time a VU enters or runs them and then live for the whole run; their
// children keep first-execution order, as k6's summary shows them.
type Group struct {
	Name, Path, ID string
	Parent         *Group

	mu     sync.Mutex
	groups []*Group
	checks []*Check
	byName map[string]*Group
	checkM map[string]*Check
}

// Check is one named check of a group, with its pass and fail counts.
type Check struct {
	Name, Path, ID string
	Group          *Group
	Passes, Fails  atomic.Int64
}

// NewRootGroup returns the empty-named root of a run's group tree.
func NewRootGroup() *Group {
	return &Group{ID: hashID("")}
}

func hashID(path string) string {
	sum := md5.Sum([]byte(path)) //nolint:gosec // an identifier, not security
	return hex.EncodeToString(sum[:])
}

// Group returns the child group called name, creating it on first use.
func (g *Group) Group(name string) (*Group, error) {
	if strings.Contains(name, GroupSeparator) {
		return nil, ErrNameContainsSeparator
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.byName[name]; ok {
		return c, nil
	}
	path := g.Path + GroupSeparator + name
	c := &Group{Name: name, Path: path, ID: hashID(path), Parent: g}
	if g.byName == nil {
		g.byName = make(map[string]*Group)
	}
	g.byName[name] = c
	g.groups = append(g.groups, c)
	return c, nil
}

// Check returns the check called name in this group, creating it on first use.
func (g *Group) Check(name string) (*Check, error) {
	if strings.Contains(name, GroupSeparator) {
		return nil, ErrNameContainsSeparator
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if c, ok := g.checkM[name]; ok {
		return c, nil
	}
	path := g.Path + GroupSeparator + name
	c := &Check{Name: name, Path: path, ID: hashID(path), Group: g}
	if g.checkM == nil {
		g.checkM = make(map[string]*Check)
	}
	g.checkM[name] = c
	g.checks = append(g.checks, c)
	return c, nil
}

// Groups returns the child groups in first-execution order.
func (g *Group) Groups() []*Group {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Group(nil), g.groups...)
}

// Checks returns the checks in first-execution order.
func (g *Group) Checks() []*Check {
	g.mu.Lock()
	defer g.mu.Unlock()
	return append([]*Check(nil), g.checks...)
}
