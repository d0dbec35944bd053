package archive

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"io"
	"math/rand"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.tar from the current output")

func allBytes() []byte {
	b := make([]byte, 256*4)
	for i := range b {
		b[i] = byte(i)
	}
	return b
}

func randomBytes(n int, seed int64) []byte {
	b := make([]byte, n)
	rand.New(rand.NewSource(seed)).Read(b) //nolint:gosec // test data
	return b
}

var longPath = "/t/" + strings.Repeat("very-long-directory-name/", 12) + "deep.js"

// roundTripCases are valid archives; they also seed FuzzRead.
func roundTripCases() []struct {
	name string
	a    *Archive
} {
	return []struct {
		name string
		a    *Archive
	}{
		{"minimal", &Archive{
			Filename: "/t/script.js",
			Pwd:      "/t",
			Files:    map[string][]byte{"/t/script.js": []byte("export default function () {}\n")},
		}},
		{"full", &Archive{
			Filename:          "/home/u/tests/script.js",
			Pwd:               "/home/u/tests",
			Options:           json.RawMessage(`{"vus": 10, "thresholds": {"http_req_duration": ["p(95)<200"]}, "tags": {"a&b": "<x>"}}`),
			Env:               map[string]string{"HOST": "localhost:8080", "EMPTY": "", "ÜNÏ": "日本語"},
			StampedeVersion:   "0.1.0",
			CompatibilityMode: "extended",
			Files: map[string][]byte{
				"/home/u/tests/script.js":              []byte("import './lib/a/b/c.js';\nconst d = open('../data/users.csv');\nexport default function () {}\n"),
				"/home/u/tests/lib/a/b/c.js":           []byte("export const c = 1;\n"),
				"/home/u/tests/lib/a/x.js":             []byte("// sibling\n"),
				"/home/u/data/users.csv":               []byte("name,pass\nu1,p1\n"),
				"/home/u/data/blob.bin":                allBytes(),
				"/home/u/data/empty.txt":               {},
				"/home/u/data/données/ünïcödé 日本.json": []byte(`{"ok":true}`),
				"/home/u/data/with space and\nnewline": []byte("odd name"),
				"/opt/shared/helpers.js":               []byte("export function h() {}\n"),
				longPath:                               []byte("// long path\n"),
			},
		}},
		{"windows", &Archive{
			Filename:          "C:/Users/u/tests/script.js",
			Pwd:               "C:/Users/u/tests",
			CompatibilityMode: "base",
			Files: map[string][]byte{
				"C:/Users/u/tests/script.js": []byte("var lib = require('./lib.js');\n"),
				"C:/Users/u/tests/lib.js":    []byte("module.exports = {};\n"),
				"D:/data/x.bin":              {0, 1, 2, 0xff},
				"c:/lower/y.txt":             []byte("lower-case drive"),
				"/C/Users/u/tests/lib.js":    []byte("a Unix path that looks like the drive path"),
			},
		}},
		{"stdin script and root pwd", &Archive{
			Filename: "/-",
			Pwd:      "/",
			Env:      map[string]string{},
			Options:  json.RawMessage(`null`),
			Files:    map[string][]byte{"/-": nil, "/x.js": []byte("x")},
		}},
		{"large binary", &Archive{
			Filename: "/t/s.js",
			Pwd:      "/t",
			Files: map[string][]byte{
				"/t/s.js":     []byte("open('big.bin', 'b')"),
				"/t/big.bin":  randomBytes(1<<20+3, 1),
				"/t/big2.bin": randomBytes(513, 2),
			},
		}},
	}
}

func mustWrite(t testing.TB, a *Archive) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := a.Write(&buf); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// compactJSON returns raw compacted, or nil for empty input and null.
func compactJSON(t testing.TB, raw []byte) string {
	t.Helper()
	if len(bytes.TrimSpace(raw)) == 0 {
		return ""
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		t.Fatalf("compacting %q: %v", raw, err)
	}
	if buf.String() == "null" {
		return ""
	}
	return buf.String()
}

// assertEqual compares archives, treating nil and empty maps and slices as
// equal and options by their compacted JSON.
func assertEqual(t testing.TB, want, got *Archive) {
	t.Helper()
	if got.Filename != want.Filename || got.Pwd != want.Pwd ||
		got.StampedeVersion != want.StampedeVersion || got.CompatibilityMode != want.CompatibilityMode {
		t.Errorf("metadata differs:\n got %q %q %q %q\nwant %q %q %q %q",
			got.Filename, got.Pwd, got.StampedeVersion, got.CompatibilityMode,
			want.Filename, want.Pwd, want.StampedeVersion, want.CompatibilityMode)
	}
	if g, w := compactJSON(t, got.Options), compactJSON(t, want.Options); g != w {
		t.Errorf("options: got %s, want %s", g, w)
	}
	if len(got.Env) != len(want.Env) {
		t.Errorf("env: got %v, want %v", got.Env, want.Env)
	}
	for k, v := range want.Env {
		if g, ok := got.Env[k]; !ok || g != v {
			t.Errorf("env[%q]: got %q (present %v), want %q", k, g, ok, v)
		}
	}
	if len(got.Files) != len(want.Files) {
		t.Errorf("got %d files, want %d", len(got.Files), len(want.Files))
	}
	for k, v := range want.Files {
		g, ok := got.Files[k]
		if !ok {
			t.Errorf("file %q missing", k)
			continue
		}
		if !bytes.Equal(g, v) {
			t.Errorf("file %q: got %d bytes, want %d", k, len(g), len(v))
		}
	}
}

// entries lists the tar's headers in order.
func entries(t testing.TB, data []byte) []*tar.Header {
	t.Helper()
	tr := tar.NewReader(bytes.NewReader(data))
	var hdrs []*tar.Header
	for {
		h, err := tr.Next()
		if errors.Is(err, io.EOF) {
			return hdrs
		}
		if err != nil {
			t.Fatalf("listing tar: %v", err)
		}
		hdrs = append(hdrs, h)
	}
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()
	for _, tc := range roundTripCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			data := mustWrite(t, tc.a)
			if !IsArchive(data) {
				t.Error("IsArchive(written archive) = false")
			}
			got, err := Read(bytes.NewReader(data))
			if err != nil {
				t.Fatalf("Read: %v", err)
			}
			assertEqual(t, tc.a, got)
			if got.Env == nil || got.Files == nil {
				t.Error("Read returned nil Env or Files")
			}
			if again := mustWrite(t, got); !bytes.Equal(again, data) {
				t.Error("writing the archive read back gives different bytes")
			}
			for _, h := range entries(t, data) {
				if h.Typeflag != tar.TypeReg || h.Mode != 0o644 || h.ModTime.Unix() != 0 ||
					h.Uid != 0 || h.Gid != 0 || h.Uname != "" || h.Gname != "" {
					t.Errorf("entry %q: type %q mode %o mtime %v uid %d gid %d uname %q gname %q",
						h.Name, h.Typeflag, h.Mode, h.ModTime, h.Uid, h.Gid, h.Uname, h.Gname)
				}
			}
		})
	}
}

func TestWriteIsDeterministic(t *testing.T) {
	t.Parallel()
	for _, tc := range roundTripCases() {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			first := mustWrite(t, tc.a)
			for range 5 {
				// Map iteration order differs between runs; copies make
				// fresh maps with fresh orders.
				c := *tc.a
				c.Files = make(map[string][]byte)
				for k, v := range tc.a.Files {
					c.Files[k] = append([]byte(nil), v...)
				}
				if got := mustWrite(t, &c); !bytes.Equal(got, first) {
					t.Fatal("archiving the same test twice gave different bytes")
				}
			}
		})
	}
}

func TestLayout(t *testing.T) {
	t.Parallel()
	var full, windows *Archive
	for _, tc := range roundTripCases() {
		switch tc.name {
		case "full":
			full = tc.a
		case "windows":
			windows = tc.a
		}
	}
	for _, tc := range []struct {
		a    *Archive
		want []string
	}{
		{full, []string{
			"metadata.json",
			"data",
			"file/home/u/data/blob.bin",
			"file/home/u/data/données/ünïcödé 日本.json",
			"file/home/u/data/empty.txt",
			"file/home/u/data/users.csv",
			"file/home/u/data/with space and\nnewline",
			"file/home/u/tests/lib/a/b/c.js",
			"file/home/u/tests/lib/a/x.js",
			"file/opt/shared/helpers.js",
			"file" + longPath,
		}},
		{windows, []string{
			"metadata.json",
			"data",
			"drive/C/Users/u/tests/lib.js",
			"drive/D/data/x.bin",
			"drive/c/lower/y.txt",
			"file/C/Users/u/tests/lib.js",
		}},
	} {
		data := mustWrite(t, tc.a)
		var names []string
		for _, h := range entries(t, data) {
			names = append(names, h.Name)
		}
		if strings.Join(names, "|") != strings.Join(tc.want, "|") {
			t.Errorf("entries of %s:\n got %q\nwant %q", tc.a.Filename, names, tc.want)
		}
	}
}

func TestMetadataJSON(t *testing.T) {
	t.Parallel()
	a := &Archive{
		Filename:          "/t/s.js",
		Pwd:               "/t",
		Options:           json.RawMessage(`{ "thresholds": {"http_req_duration": ["p(95)<200"]} }`),
		Env:               map[string]string{"B": "2", "A": "1"},
		Files:             map[string][]byte{"/t/s.js": nil},
		StampedeVersion:   "0.1.0",
		CompatibilityMode: "extended",
	}
	tr := tar.NewReader(bytes.NewReader(mustWrite(t, a)))
	if _, err := tr.Next(); err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(tr)
	if err != nil {
		t.Fatal(err)
	}
	want := `{
  "formatVersion": 1,
  "filename": "/t/s.js",
  "pwd": "/t",
  "stampedeVersion": "0.1.0",
  "compatibilityMode": "extended",
  "env": {
    "A": "1",
    "B": "2"
  },
  "options": {
    "thresholds": {
      "http_req_duration": [
        "p(95)<200"
      ]
    }
  }
}
`
	if string(got) != want {
		t.Errorf("metadata.json:\n%s\nwant:\n%s", got, want)
	}
	back, err := Read(bytes.NewReader(mustWrite(t, a)))
	if err != nil {
		t.Fatal(err)
	}
	if string(back.Options) != `{"thresholds":{"http_req_duration":["p(95)<200"]}}` {
		t.Errorf("Read returned options %s, want them compacted", back.Options)
	}
}

// TestGoldenV1 pins format version 1: what Write produces must not change
// without a new FormatVersion, and version-1 archives must stay readable.
func TestGoldenV1(t *testing.T) {
	t.Parallel()
	a := &Archive{
		Filename:          "/home/u/tests/script.js",
		Pwd:               "/home/u/tests",
		Options:           json.RawMessage(`{"vus":2,"thresholds":{"checks":["rate>0.9"]}}`),
		Env:               map[string]string{"HOST": "localhost"},
		StampedeVersion:   "0.1.0",
		CompatibilityMode: "extended",
		Files: map[string][]byte{
			"/home/u/tests/script.js":         []byte("import { f } from './lib/f.js';\nconst bin = open('/data/ünï.bin', 'b');\nexport default f;\n"),
			"/home/u/tests/lib/f.js":          []byte("export function f() {}\n"),
			"/data/ünï.bin":                   {0, 1, 0xfe, 0xff},
			"/data/empty":                     {},
			"C:/shared/x.js":                  []byte("// windows\n"),
			"/home/u/tests/" + longPath[3:]:   []byte("// long\n"),
			"/home/u/tests/with space/a b.js": []byte("// spaces\n"),
		},
	}
	got := mustWrite(t, a)
	path := filepath.Join("testdata", "v1.tar")
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("Write output differs from %s: the version-1 layout changed (bump FormatVersion, "+
			"or run go test -update if the change is intended and compatible)", path)
	}
	back, err := Read(bytes.NewReader(want))
	if err != nil {
		t.Fatalf("reading %s: %v", path, err)
	}
	assertEqual(t, a, back)
}

func TestWriteRejects(t *testing.T) {
	t.Parallel()
	valid := func() *Archive {
		return &Archive{
			Filename: "/t/s.js",
			Pwd:      "/t",
			Files:    map[string][]byte{"/t/s.js": []byte("x")},
		}
	}
	for _, tc := range []struct {
		name   string
		change func(a *Archive)
		want   string
	}{
		{"empty filename", func(a *Archive) { a.Filename = "" }, `filename "": empty path`},
		{"relative filename", func(a *Archive) { a.Filename = "s.js"; a.Files["s.js"] = nil }, "not absolute"},
		{"unclean filename", func(a *Archive) { a.Filename = "/t/../t/s.js" }, "not clean"},
		{"root filename", func(a *Archive) { a.Filename = "/" }, "root"},
		{"entry script missing", func(a *Archive) { a.Filename = "/t/other.js" }, "missing from Files"},
		{"empty pwd", func(a *Archive) { a.Pwd = "" }, `pwd "": empty path`},
		{"relative pwd", func(a *Archive) { a.Pwd = "t" }, "not absolute"},
		{"relative file", func(a *Archive) { a.Files["lib.js"] = nil }, `file "lib.js": path is not absolute`},
		{"dot-dot file", func(a *Archive) { a.Files["/t/../../etc/passwd"] = nil }, "not clean"},
		{"trailing slash", func(a *Archive) { a.Files["/t/dir/"] = nil }, "not clean"},
		{"root file", func(a *Archive) { a.Files["C:/"] = nil }, "root"},
		{"backslash", func(a *Archive) { a.Files[`C:\t\x.js`] = nil }, "backslash"},
		{"NUL", func(a *Archive) { a.Files["/t/a\x00b"] = nil }, "NUL"},
		{"invalid UTF-8", func(a *Archive) { a.Files["/t/\xff"] = nil }, "UTF-8"},
		{"file is a dir", func(a *Archive) { a.Files["/t/a"] = nil; a.Files["/t/a/b"] = nil }, `file "/t/a" is also a directory`},
		{"script is a dir", func(a *Archive) { a.Files["/t/s.js/x"] = nil }, `file "/t/s.js" is also a directory`},
		{"invalid options", func(a *Archive) { a.Options = json.RawMessage(`{"vus":`) }, "options: unexpected end of JSON input"},
		{"array options", func(a *Archive) { a.Options = json.RawMessage(`[1]`) }, "options: not a JSON object"},
		{"string options", func(a *Archive) { a.Options = json.RawMessage(`"x"`) }, "options: not a JSON object"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a := valid()
			tc.change(a)
			var buf bytes.Buffer
			err := a.Write(&buf)
			if err == nil {
				t.Fatal("Write succeeded")
			}
			if !strings.Contains(err.Error(), tc.want) || !strings.HasPrefix(err.Error(), "writing archive: ") {
				t.Errorf("error %q does not contain %q", err, tc.want)
			}
			if buf.Len() != 0 {
				t.Errorf("Write wrote %d bytes before failing", buf.Len())
			}
		})
	}
}

func TestWriteSizeLimit(t *testing.T) {
	t.Parallel()
	a := &Archive{
		Filename: "/t/s.js",
		Pwd:      "/t",
		Files:    map[string][]byte{"/t/s.js": make([]byte, 60), "/t/d": make([]byte, 41)},
	}
	if _, _, err := a.encode(101); err != nil {
		t.Errorf("101 bytes with a limit of 101: %v", err)
	}
	_, _, err := a.encode(100)
	if err == nil || !strings.Contains(err.Error(), "101 bytes, more than the limit of 100") {
		t.Errorf("101 bytes with a limit of 100: got %v", err)
	}
	a.Env = map[string]string{"BIG": strings.Repeat("x", maxMetadataSize)}
	_, _, err = a.encode(MaxSize)
	if err == nil || !strings.Contains(err.Error(), "more than the limit of 16777216") {
		t.Errorf("huge metadata: got %v", err)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if w.n < len(p) {
		return 0, errors.New("disk full")
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWritePropagatesWriterErrors(t *testing.T) {
	t.Parallel()
	a := roundTripCases()[1].a
	size := len(mustWrite(t, a))
	for n := 0; n < size; n += 512 {
		err := a.Write(&failWriter{n: n})
		if err == nil || !strings.Contains(err.Error(), "disk full") {
			t.Fatalf("writer failing after %d bytes: got %v", n, err)
		}
	}
}
