package data_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/internal/jsmods/k6/data"
	"github.com/stampede-load/stampede/internal/jsmodtest"
	"github.com/stampede-load/stampede/jsmod"
)

// newVU returns a VU in the init stage with the module bound to "data" and
// using store as the run's shared store (a fresh one when nil).
func newVU(t testing.TB, store *jsmod.Shared) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	if store != nil {
		vu.InitValue.Shared = store
	}
	vu.Load("data", data.RootModule{})
	vu.EnterInitStage()
	return vu
}

// thrown runs src, which must throw, and returns the error's message.
func thrown(t *testing.T, vu *jsmodtest.VU, src string) string {
	t.Helper()
	v := vu.MustRun(`(function(){ try { ` + src + `; return "no exception" } catch (e) { return e.message } })()`)
	return v.String()
}

func TestSharedArrayReads(t *testing.T) {
	t.Parallel()
	vu := newVU(t, nil)
	vu.MustRun(`var a = new data.SharedArray("things", function () {
		return [1, "two", {a: 3, b: [4, 5]}, [6], null, undefined, function () {}, true, "é✓",
			{toJSON: function () { return "custom" }}];
	})`)
	vu.EnterVUStage()
	for _, tc := range []struct{ expr, want string }{
		{`a.length`, "10"},
		{`Array.isArray(a)`, "true"},
		{`a[0] === 1 && a[1] === "two" && a[7] === true`, "true"},
		{`a[2].a + a[2].b[1]`, "8"},
		{`a[3][0]`, "6"},
		{`a[4] === null && a[5] === null && a[6] === null`, "true"}, // as JSON.stringify encodes arrays
		{`a[8]`, "é✓"},
		{`a[9]`, "custom"},
		{`a[10] === undefined && a[-1] === undefined && a["x"] === undefined`, "true"},
		{`a["2"].a`, "3"},
		{`var out = []; for (var x of a) out.push(typeof x); out.join()`,
			"number,string,object,object,object,object,object,boolean,string,string"},
		{`var n = 0; a.forEach(function (x, i) { n += i }); n`, "45"},
		{`a.map(function (x) { return typeof x }).length`, "10"},
		{`a.filter(function (x) { return typeof x === "string" }).join("|")`, "two|é✓|custom"},
		{`JSON.stringify(a.slice(1, 3))`, `["two",{"a":3,"b":[4,5]}]`},
		{`Array.prototype.slice.call(a, 0, 2).join()`, "1,two"},
		{`Array.prototype.map.call(a, function (x) { return 1 }).length`, "10"},
		{`a.indexOf("two") + a.includes(true) + a.find(function (x) { return x && x.a }).a`, "5"},
		{`a.reduce(function (s, x) { return s + (typeof x === "number" ? x : 0) }, 0)`, "1"},
		{`[...a].length`, "10"},
		{`Object.keys(a).length`, "10"},
		{`JSON.stringify(a)`, `[1,"two",{"a":3,"b":[4,5]},[6],null,null,null,true,"é✓","custom"]`},
		{`0 in a && !(10 in a) && "length" in a`, "true"},
	} {
		if got := vu.MustRun(tc.expr).String(); got != tc.want {
			t.Errorf("%s = %q, want %q", tc.expr, got, tc.want)
		}
	}
}

func TestSharedArrayReadOnly(t *testing.T) {
	t.Parallel()
	vu := newVU(t, nil)
	vu.MustRun(`var a = new data.SharedArray("ro", function () { return [{name: "x"}, 2, 3] })`)
	vu.EnterVUStage()
	// Sloppy-mode writes are ignored.
	for _, src := range []string{
		`a[0] = 1`, `a[1] = 5`, `a[3] = 4`, `a.length = 0`, `delete a[1]`, `a.foo = 1`,
		`a[0].name = "changed"`, `a[0].extra = true`,
	} {
		vu.MustRun(src)
	}
	if got := vu.MustRun(`JSON.stringify(a) + a.length + a.foo`).String(); got != `[{"name":"x"},2,3]3undefined` {
		t.Errorf("after sloppy writes: %s", got)
	}
	if vu.MustRun(`a[0] === a[0]`).ToBoolean() {
		t.Error("an element read twice is the same object: want fresh copies")
	}
	// Strict-mode writes and mutating methods throw a TypeError.
	for _, src := range []string{
		`"use strict"; a[0] = 1`, `"use strict"; a.length = 0`, `"use strict"; a.foo = 1`,
		`a.push(4)`, `a.pop()`, `a.shift()`, `a.splice(0, 1)`, `a.fill(0)`, `a.reverse()`, `a.sort()`,
		`Object.defineProperty(a, "0", {value: 1})`,
	} {
		v := vu.MustRun(`(function(){ try { (function(){ ` + src + ` })(); return "no exception" } catch (e) { return e.name } })()`)
		if v.String() != "TypeError" {
			t.Errorf("%s: %s, want a TypeError", src, v)
		}
	}
	if got := vu.MustRun(`JSON.stringify(a)`).String(); got != `[{"name":"x"},2,3]` {
		t.Errorf("after strict writes: %s", got)
	}
}

func TestSharedArrayErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name, src, want string
	}{
		{"empty name", `new data.SharedArray("", function () { return [] })`, "empty name provided to SharedArray's constructor"},
		{"no name", `new data.SharedArray()`, "empty name provided to SharedArray's constructor"},
		{"null name", `new data.SharedArray(null, function () { return [] })`, "empty name provided to SharedArray's constructor"},
		{"object", `new data.SharedArray("o", function () { return {length: 1, 0: 1} })`, "only arrays can be made into SharedArray"},
		{"string", `new data.SharedArray("s", function () { return "abc" })`, "only arrays can be made into SharedArray"},
		{"number", `new data.SharedArray("n", function () { return 1 })`, "only arrays can be made into SharedArray"},
		{"null", `new data.SharedArray("z", function () { return null })`, "only arrays can be made into SharedArray"},
		{"undefined", `new data.SharedArray("u", function () {})`, "only arrays can be made into SharedArray"},
		{"typed array", `new data.SharedArray("t", function () { return new Uint8Array(2) })`, "only arrays can be made into SharedArray"},
		{"not a function", `new data.SharedArray("f", [1, 2])`, "SharedArray's second argument must be a function returning an array"},
		{"fn throws", `new data.SharedArray("e", function () { throw new Error("no data") })`, "no data"},
		{"cycle", `new data.SharedArray("c", function () { return [1, 2n] })`, "BigInt"},
		{"own name in fn", `new data.SharedArray("r", function () { new data.SharedArray("r", function () { return [] }); return [] })`,
			`SharedArray "r" is used by the function that builds it`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, nil)
			if got := thrown(t, vu, tc.src); !strings.Contains(got, tc.want) {
				t.Errorf("message %q, want %q", got, tc.want)
			}
		})
	}

	t.Run("outside init", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t, nil)
		vu.MustRun(`var calls = 0; var a = new data.SharedArray("x", function () { calls++; return [1] })`)
		vu.EnterVUStage()
		for _, name := range []string{"x", "y", ""} {
			src := fmt.Sprintf(`new data.SharedArray(%q, function () { calls++; return [2] })`, name)
			if got := thrown(t, vu, src); got != "new SharedArray must be called in the init context" {
				t.Errorf("%s: message %q", src, got)
			}
		}
		if got := vu.MustRun(`calls + ":" + a[0]`).String(); got != "1:1" {
			t.Errorf("calls:a[0] = %s", got)
		}
	})

	t.Run("nested names", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t, nil)
		got := vu.MustRun(`var inner; var outer = new data.SharedArray("outer", function () {
			inner = new data.SharedArray("inner", function () { return [1, 2] });
			return [inner.length];
		}); outer[0] + inner[1]`)
		if got.String() != "4" {
			t.Errorf("got %v", got)
		}
	})

	t.Run("retry after a throw", func(t *testing.T) {
		t.Parallel()
		vu := newVU(t, nil)
		vu.MustRun(`var calls = 0; function fn() { if (++calls === 1) throw new Error("first"); return [calls] }`)
		if got := thrown(t, vu, `new data.SharedArray("x", fn)`); got != "first" {
			t.Errorf("first call: %q", got)
		}
		if got := vu.MustRun(`new data.SharedArray("x", fn)[0] + new data.SharedArray("x", fn)[0] + calls`).String(); got != "6" {
			t.Errorf("after retry: %s, want 2+2+2", got)
		}
	})
}

func TestSharedArrayWithoutNew(t *testing.T) {
	t.Parallel()
	vu := newVU(t, nil)
	v, err := vu.Run(`data.SharedArray("x", function () { return [7] })`)
	if err == nil && v.ToObject(vu.Runtime()).Get("0").ToInteger() != 7 {
		t.Errorf("calling without new returned %v", v)
	}
}

// TestSharedAcrossVUs constructs SharedArrays in many VUs at once, each on
// its own goroutine, sharing one store as the VUs of a run do: every name's
// fn runs once and all VUs read the same data.
func TestSharedAcrossVUs(t *testing.T) {
	t.Parallel()
	const vus = 32
	store := &jsmod.Shared{}
	var calls [3]atomic.Int64
	vuList := make([]*jsmodtest.VU, vus)
	for i := range vuList {
		vu := newVU(t, store)
		for j := range calls {
			if err := vu.Runtime().Set(fmt.Sprintf("count%d", j), func() int64 { return calls[j].Add(1) }); err != nil {
				t.Fatal(err)
			}
		}
		vuList[i] = vu
	}
	results := make([]string, vus)
	var wg sync.WaitGroup
	for i, vu := range vuList {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := vu.Run(fmt.Sprintf(`
				var users = new data.SharedArray("users", function () {
					count0();
					var out = [];
					for (var i = 0; i < 1000; i++) out.push({id: i, vu: %d});
					return out;
				});
				var other = new data.SharedArray("other", function () { count1(); return ["o", %d] });
				var again = new data.SharedArray("users", function () { count2(); return [] });
				users.length + ":" + users[999].id + ":" + users[0].vu + ":" + other[1] + ":" + again[5].vu`, i, i))
			if err != nil {
				results[i] = err.Error()
				return
			}
			results[i] = v.String()
		}()
	}
	wg.Wait()
	for i, r := range results {
		if r != results[0] {
			t.Errorf("VU %d read %q, VU 0 read %q", i, r, results[0])
		}
	}
	if !strings.HasPrefix(results[0], "1000:999:") {
		t.Errorf("read %q", results[0])
	}
	for j, want := range []int64{1, 1, 0} {
		if got := calls[j].Load(); got != want {
			t.Errorf("fn %d called %d times, want %d", j, got, want)
		}
	}

	// A VU created afterwards (the pool grows, handleSummary) sees the same
	// data without calling fn.
	late := newVU(t, store)
	got := late.MustRun(`var u = new data.SharedArray("users", function () { throw new Error("called again") }); u.length + ":" + u[0].vu`)
	parts := strings.Split(results[0], ":")
	if want := parts[0] + ":" + parts[2]; got.String() != want {
		t.Errorf("late VU read %q, want %q", got, want)
	}
}

// TestViewHoldsNoCopy checks that a VU attaching to an existing SharedArray
// allocates the same small amount whatever the array's size.
func TestViewHoldsNoCopy(t *testing.T) {
	store := &jsmod.Shared{}
	first := newVU(t, store)
	first.MustRun(`new data.SharedArray("big", function () {
		var out = []; for (var i = 0; i < 20000; i++) out.push({id: i, name: "user" + i}); return out })`)
	vu := newVU(t, store)
	allocs := testing.AllocsPerRun(20, func() {
		vu.MustRun(`new data.SharedArray("big", function () { return [] }).length`)
	})
	if allocs > 100 {
		t.Errorf("%.0f allocations to attach to a 20000-element SharedArray", allocs)
	}
}

func TestSharedOnce(t *testing.T) {
	t.Parallel()
	t.Run("error is not stored", func(t *testing.T) {
		t.Parallel()
		var s jsmod.Shared
		boom := errors.New("boom")
		if _, err := s.Once(t.Context(), "k", func() (any, error) { return nil, boom }); !errors.Is(err, boom) {
			t.Fatalf("err %v", err)
		}
		v, err := s.Once(t.Context(), "k", func() (any, error) { return 1, nil })
		if err != nil || v != 1 {
			t.Fatalf("%v %v", v, err)
		}
		v, err = s.Once(t.Context(), "k", func() (any, error) { return 2, nil })
		if err != nil || v != 1 {
			t.Fatalf("second value %v %v", v, err)
		}
	})
	t.Run("waiting ends with the context", func(t *testing.T) {
		t.Parallel()
		var s jsmod.Shared
		started, release := make(chan struct{}), make(chan struct{})
		done := make(chan struct{})
		go func() {
			defer close(done)
			_, _ = s.Once(context.Background(), "k", func() (any, error) {
				close(started)
				<-release
				return 1, nil
			})
		}()
		<-started
		ctx, cancel := context.WithCancelCause(t.Context())
		stop := errors.New("stop")
		cancel(stop)
		if _, err := s.Once(ctx, "k", func() (any, error) { return 2, nil }); !errors.Is(err, stop) {
			t.Errorf("err %v, want the context's cause", err)
		}
		// Other keys do not wait.
		if v, err := s.Once(t.Context(), "other", func() (any, error) { return 3, nil }); v != 3 || err != nil {
			t.Errorf("other key: %v %v", v, err)
		}
		close(release)
		<-done
		if v, _ := s.Once(t.Context(), "k", func() (any, error) { return 2, nil }); v != 1 {
			t.Errorf("value %v", v)
		}
	})
}

// BenchmarkSharedArrayGet measures reading one element (an object with
// three fields) of a 1000-element SharedArray.
func BenchmarkSharedArrayGet(b *testing.B) {
	vu := newVU(b, nil)
	fn := vu.MustRun(`var a = new data.SharedArray("b", function () {
		var out = []; for (var i = 0; i < 1000; i++) out.push({id: i, name: "user" + i, tags: ["a", "b"]}); return out });
		(function (i) { return a[i].id })`)
	get, ok := goja.AssertFunction(fn)
	if !ok {
		b.Fatal("not a function")
	}
	arg := vu.Runtime().ToValue(500)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := get(goja.Undefined(), arg); err != nil {
			b.Fatal(err)
		}
	}
}
