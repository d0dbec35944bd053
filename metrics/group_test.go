package metrics_test

import (
	"crypto/md5" //nolint:gosec // k6's group and check IDs are MD5 hashes
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"

	"github.com/stampede-load/stampede/metrics"
)

func md5hex(s string) string {
	sum := md5.Sum([]byte(s)) //nolint:gosec // an identifier
	return hex.EncodeToString(sum[:])
}

func TestRootGroup(t *testing.T) {
	t.Parallel()
	root := metrics.NewRootGroup()
	if root.Name != "" || root.Path != "" || root.Parent != nil {
		t.Errorf("root = {Name:%q Path:%q Parent:%v}, want all empty", root.Name, root.Path, root.Parent)
	}
	if root.ID != "d41d8cd98f00b204e9800998ecf8427e" {
		t.Errorf("root ID = %s, want d41d8cd98f00b204e9800998ecf8427e", root.ID)
	}
	if len(root.Groups()) != 0 || len(root.Checks()) != 0 {
		t.Error("a new root has children")
	}
}

func TestGroupPathsAndIDs(t *testing.T) {
	t.Parallel()
	root := metrics.NewRootGroup()
	a, err := root.Group("a")
	if err != nil {
		t.Fatal(err)
	}
	b, err := a.Group("b")
	if err != nil {
		t.Fatal(err)
	}
	setup, err := root.Group("setup")
	if err != nil {
		t.Fatal(err)
	}
	empty, err := root.Group("")
	if err != nil {
		t.Fatal(err)
	}
	c1, err := root.Check("status is 200")
	if err != nil {
		t.Fatal(err)
	}
	c2, err := b.Check("body ok")
	if err != nil {
		t.Fatal(err)
	}
	groups := []struct {
		g          *metrics.Group
		name, path string
		parent     *metrics.Group
	}{
		{a, "a", "::a", root},
		{b, "b", "::a::b", a},
		{setup, "setup", "::setup", root},
		{empty, "", "::", root},
	}
	for _, tc := range groups {
		if tc.g.Name != tc.name || tc.g.Path != tc.path || tc.g.Parent != tc.parent {
			t.Errorf("group %q = {Name:%q Path:%q}, want path %q", tc.name, tc.g.Name, tc.g.Path, tc.path)
		}
		if tc.g.ID != md5hex(tc.path) {
			t.Errorf("group %q ID = %s, want md5(%q) = %s", tc.path, tc.g.ID, tc.path, md5hex(tc.path))
		}
	}
	checks := []struct {
		c          *metrics.Check
		name, path string
		group      *metrics.Group
	}{
		{c1, "status is 200", "::status is 200", root},
		{c2, "body ok", "::a::b::body ok", b},
	}
	for _, tc := range checks {
		if tc.c.Name != tc.name || tc.c.Path != tc.path || tc.c.Group != tc.group {
			t.Errorf("check %q = {Name:%q Path:%q}, want path %q", tc.name, tc.c.Name, tc.c.Path, tc.path)
		}
		if tc.c.ID != md5hex(tc.path) {
			t.Errorf("check %q ID = %s, want md5(%q)", tc.path, tc.c.ID, tc.path)
		}
	}
	// Known values, independent of the helper above (printf '::a' | md5sum).
	for _, tc := range []struct{ got, want string }{
		{a.ID, "bbf5ee9e65399b518cbae210b4c64962"},
		{b.ID, "7dd4103b2f1a7305f971d430101027b7"},
		{setup.ID, "5c0f8025f7e0b6654089e5b00e950f1a"},
	} {
		if tc.got != tc.want {
			t.Errorf("ID = %s, want %s", tc.got, tc.want)
		}
	}
}

func TestGroupReturnsExisting(t *testing.T) {
	t.Parallel()
	root := metrics.NewRootGroup()
	g1, _ := root.Group("g")
	g2, _ := root.Group("g")
	if g1 != g2 {
		t.Error("Group returned a new group for an existing name")
	}
	c1, _ := g1.Check("c")
	c1.Passes.Add(2)
	c2, _ := g2.Check("c")
	if c1 != c2 || c2.Passes.Load() != 2 {
		t.Error("Check returned a new check for an existing name")
	}
	// Groups and checks have separate namespaces.
	cg, _ := root.Check("g")
	if cg.Path != "::g" || len(root.Groups()) != 1 || len(root.Checks()) != 1 {
		t.Errorf("a check named like a group: path %q, %d groups, %d checks",
			cg.Path, len(root.Groups()), len(root.Checks()))
	}
	// Same name under different parents: different groups.
	nested, _ := g1.Group("g")
	if nested == g1 || nested.Path != "::g::g" {
		t.Errorf("nested group = %q", nested.Path)
	}
}

func TestGroupFirstExecutionOrder(t *testing.T) {
	t.Parallel()
	root := metrics.NewRootGroup()
	for _, n := range []string{"zeta", "alpha", "mid", "alpha", "zeta", "beta"} {
		if _, err := root.Group(n); err != nil {
			t.Fatal(err)
		}
		if _, err := root.Check("check " + n); err != nil {
			t.Fatal(err)
		}
	}
	var gotG, gotC []string
	for _, g := range root.Groups() {
		gotG = append(gotG, g.Name)
	}
	for _, c := range root.Checks() {
		gotC = append(gotC, c.Name)
	}
	if want := []string{"zeta", "alpha", "mid", "beta"}; !slices.Equal(gotG, want) {
		t.Errorf("Groups() = %v, want %v", gotG, want)
	}
	if want := []string{"check zeta", "check alpha", "check mid", "check beta"}; !slices.Equal(gotC, want) {
		t.Errorf("Checks() = %v, want %v", gotC, want)
	}
	// The returned slices are copies.
	gs := root.Groups()
	gs[0] = nil
	cs := root.Checks()
	cs[0] = nil
	if root.Groups()[0] == nil || root.Checks()[0] == nil {
		t.Error("Groups()/Checks() expose the internal slice")
	}
}

func TestGroupNamesWithSeparator(t *testing.T) {
	t.Parallel()
	root := metrics.NewRootGroup()
	g, _ := root.Group("ok")
	for _, name := range []string{"::", "a::b", "::a", "a::", "a:::b"} {
		for _, tc := range []struct {
			kind string
			call func() (any, error)
		}{
			{"Group", func() (any, error) { return root.Group(name) }},
			{"nested Group", func() (any, error) { return g.Group(name) }},
			{"Check", func() (any, error) { return root.Check(name) }},
			{"nested Check", func() (any, error) { return g.Check(name) }},
		} {
			_, err := tc.call()
			if !errors.Is(err, metrics.ErrNameContainsSeparator) {
				t.Errorf("%s(%q) error = %v, want ErrNameContainsSeparator", tc.kind, name, err)
				continue
			}
			if err.Error() != "group and check names may not contain '::'" {
				t.Errorf("%s(%q) error = %q", tc.kind, name, err)
			}
		}
	}
	if len(root.Groups()) != 1 || len(root.Checks()) != 0 || len(g.Groups()) != 0 || len(g.Checks()) != 0 {
		t.Error("a rejected name was added to the tree")
	}
	// A single colon is fine.
	if c, err := root.Check("a:b"); err != nil || c.Path != "::a:b" {
		t.Errorf("Check(a:b) = %v, %v", c, err)
	}
}

// TestGroupConcurrent enters the same groups and checks from many
// goroutines, as VUs do; every goroutine must see the same nodes, and the
// pass/fail counters must add up. Run with -race.
func TestGroupConcurrent(t *testing.T) {
	t.Parallel()
	root := metrics.NewRootGroup()
	const goroutines, iters = 16, 200
	seen := make([][]*metrics.Group, goroutines)
	var wg sync.WaitGroup
	for v := range goroutines {
		wg.Go(func() {
			for i := range iters {
				outer, err := root.Group(fmt.Sprint("outer", i%5))
				if err != nil {
					t.Error(err)
					return
				}
				inner, err := outer.Group("inner")
				if err != nil {
					t.Error(err)
					return
				}
				c, err := inner.Check("ok")
				if err != nil {
					t.Error(err)
					return
				}
				if i%2 == 0 {
					c.Passes.Add(1)
				} else {
					c.Fails.Add(1)
				}
				_ = root.Groups()
				_ = inner.Checks()
				if i < 5 {
					seen[v] = append(seen[v], outer)
				}
			}
		})
	}
	wg.Wait()
	for v := 1; v < goroutines; v++ {
		if !slices.Equal(seen[v], seen[0]) {
			t.Fatalf("goroutine %d saw different group nodes", v)
		}
	}
	if n := len(root.Groups()); n != 5 {
		t.Fatalf("root has %d groups, want 5", n)
	}
	var passes, fails int64
	for _, g := range root.Groups() {
		inners := g.Groups()
		if len(inners) != 1 {
			t.Fatalf("%s has %d children, want 1", g.Path, len(inners))
		}
		checks := inners[0].Checks()
		if len(checks) != 1 {
			t.Fatalf("%s has %d checks, want 1", inners[0].Path, len(checks))
		}
		passes += checks[0].Passes.Load()
		fails += checks[0].Fails.Load()
	}
	if want := int64(goroutines * iters / 2); passes != want || fails != want {
		t.Errorf("passes, fails = %d, %d; want %d each", passes, fails, want)
	}
}
