package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"io/fs"
	"strings"
	"sync"
	"testing"
)

func TestIsArchive(t *testing.T) {
	t.Parallel()
	arch := mustWrite(t, roundTripCases()[1].a)
	var gnu bytes.Buffer
	tw := tar.NewWriter(&gnu)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "x", Format: tar.FormatGNU}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	// A header whose checksum was computed over signed bytes (old tars).
	signed := rawHeader("file/t/\xe9", tar.TypeReg, 0, "")
	var sum int64
	for i, c := range signed {
		if 148 <= i && i < 156 {
			c = ' '
		}
		sum += int64(int8(c))
	}
	copy(signed[148:156], []byte(strings.Repeat(" ", 8)))
	copy(signed[148:156], []byte(fmtOctal(sum)))
	corrupt := bytes.Clone(arch)
	corrupt[0] ^= 1

	for _, tc := range []struct {
		name string
		data []byte
		want bool
	}{
		{"stampede archive", arch, true},
		{"first block of an archive", arch[:blockSize], true},
		{"other tar", gnu.Bytes(), true},
		{"signed checksum", signed, true},
		{"nil", nil, false},
		{"empty", []byte{}, false},
		{"short archive prefix", arch[:blockSize-1], false},
		{"short javascript", []byte("export default function () {}\n"), false},
		{"long javascript", []byte(strings.Repeat("import http from 'k6/http';\n", 40)), false},
		{"javascript with BOM", append([]byte("\xef\xbb\xbf"), strings.Repeat("// x\n", 200)...), false},
		{"json", []byte(`{"vus":1,"pad":"` + strings.Repeat("x", 600) + `"}`), false},
		{"zero block", make([]byte, 2*blockSize), false},
		{"spaces", bytes.Repeat([]byte(" "), blockSize), false},
		{"garbage", randomBytes(4096, 7), false},
		{"corrupt header", corrupt, false},
	} {
		if got := IsArchive(tc.data); got != tc.want {
			t.Errorf("IsArchive(%s) = %v, want %v", tc.name, got, tc.want)
		}
	}
}

func fmtOctal(n int64) string {
	const digits = "01234567"
	var b []byte
	for ; n > 0; n >>= 3 {
		b = append([]byte{digits[n&7]}, b...)
	}
	return string(b) + "\x00"
}

func TestFS(t *testing.T) {
	t.Parallel()
	a := &Archive{
		Filename: "/home/u/tests/script.js",
		Pwd:      "/home/u/tests",
		Files: map[string][]byte{
			"/home/u/tests/script.js":  []byte("script"),
			"/home/u/tests/lib/a.js":   []byte("a"),
			"/home/u/tests/lib/b/c.js": []byte("c"),
			"/home/u/data/users.csv":   []byte("users"),
			"/home/u/data/empty":       {},
			"/home/u/données/ü.txt":    []byte("ü"),
		},
	}
	fsys := a.FS()
	for _, tc := range []struct {
		name, want string
	}{
		{"/home/u/tests/script.js", "script"},
		{"/home/u/tests/lib/a.js", "a"},
		{"/home/u/tests/lib/../lib/b/c.js", "c"},
		{"/home/u/tests/lib/b/./c.js", "c"},
		{"//home/u/data/users.csv", "users"},
		{"/home/u/data/empty", ""},
		{"/home/u/data/empty/", ""}, // cleaned, like the JS resolver does
		{"/home/u/données/ü.txt", "ü"},
		{"script.js", "script"},
		{"./lib/a.js", "a"},
		{"lib/b/c.js", "c"},
		{"../data/users.csv", "users"},
		{"../../../../../home/u/data/users.csv", "users"},
	} {
		got, err := fsys.ReadFile(tc.name)
		if err != nil || string(got) != tc.want {
			t.Errorf("ReadFile(%q) = %q, %v; want %q", tc.name, got, err, tc.want)
		}
	}

	for _, name := range []string{
		"/home/u/tests/missing.js", "missing.js", "/home/u/tests/script.js/x", "/home/u/tests/lib/a", "",
		"C:/home/u/tests/script.js", "/HOME/u/tests/script.js",
	} {
		_, err := fsys.ReadFile(name)
		var pe *fs.PathError
		if !errors.Is(err, fs.ErrNotExist) || !errors.As(err, &pe) || pe.Path != name {
			t.Errorf("ReadFile(%q): got %v, want a *fs.PathError wrapping fs.ErrNotExist", name, err)
		}
	}

	for _, name := range []string{"/", "/home", "/home/u/tests", "/home/u/tests/lib/", "lib", ".", "..", "lib/b", "/home/u/données"} {
		_, err := fsys.ReadFile(name)
		if !errors.Is(err, ErrIsDir) || errors.Is(err, fs.ErrNotExist) || !strings.Contains(fmtErr(err), "is a directory") {
			t.Errorf("ReadFile(%q): got %v, want an ErrIsDir error", name, err)
		}
	}
}

func fmtErr(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestFSWindows(t *testing.T) {
	t.Parallel()
	a := &Archive{
		Filename: "C:/Users/u/script.js",
		Pwd:      "C:/Users/u",
		Files: map[string][]byte{
			"C:/Users/u/script.js": []byte("s"),
			"C:/Users/u/lib.js":    []byte("l"),
			"D:/data/x.csv":        []byte("x"),
			"/C/Users/u/lib.js":    []byte("unix"),
		},
	}
	fsys := a.FS()
	for name, want := range map[string]string{
		"C:/Users/u/lib.js":         "l",
		"lib.js":                    "l",
		"./lib.js":                  "l",
		"../../Users/u/../u/lib.js": "l",
		"C:/../../Users/u/lib.js":   "l",
		"D:/data/x.csv":             "x",
		"/C/Users/u/lib.js":         "unix",
	} {
		got, err := fsys.ReadFile(name)
		if err != nil || string(got) != want {
			t.Errorf("ReadFile(%q) = %q, %v; want %q", name, got, err, want)
		}
	}
	for _, name := range []string{"C:/", "C:/Users", "D:/data", ".."} {
		if _, err := fsys.ReadFile(name); !errors.Is(err, ErrIsDir) {
			t.Errorf("ReadFile(%q): got %v, want ErrIsDir", name, err)
		}
	}
	for _, name := range []string{"c:/Users/u/lib.js", "E:/", "D:/data/x.csv/y", "C:lib.js"} {
		if _, err := fsys.ReadFile(name); !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("ReadFile(%q): got %v, want fs.ErrNotExist", name, err)
		}
	}
}

func TestFSIsReadOnlySnapshot(t *testing.T) {
	t.Parallel()
	a := &Archive{Filename: "/t/s.js", Pwd: "/t", Files: map[string][]byte{"/t/s.js": []byte("abc")}}
	fsys := a.FS()
	got, err := fsys.ReadFile("/t/s.js")
	if err != nil {
		t.Fatal(err)
	}
	got[0] = 'X'
	a.Files["/t/new.js"] = []byte("new")
	delete(a.Files, "/t/s.js")
	if again, err := fsys.ReadFile("/t/s.js"); err != nil || string(again) != "abc" {
		t.Errorf("after mutating the result and Files: %q, %v", again, err)
	}
	if _, err := fsys.ReadFile("/t/new.js"); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("a file added after FS() is visible: %v", err)
	}
}

func TestFSConcurrent(t *testing.T) {
	t.Parallel()
	a := roundTripCases()[1].a
	fsys := a.FS()
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			for k, v := range a.Files {
				if got, err := fsys.ReadFile(k); err != nil || !bytes.Equal(got, v) {
					t.Errorf("ReadFile(%q): %v", k, err)
				}
			}
		})
	}
	wg.Wait()
}

// TestFSFromRead runs the whole path: archive, read back, serve.
func TestFSFromRead(t *testing.T) {
	t.Parallel()
	for _, tc := range roundTripCases() {
		back, err := Read(bytes.NewReader(mustWrite(t, tc.a)))
		if err != nil {
			t.Fatal(err)
		}
		fsys := back.FS()
		for k, v := range tc.a.Files {
			if got, err := fsys.ReadFile(k); err != nil || !bytes.Equal(got, v) {
				t.Errorf("%s: ReadFile(%q): %v", tc.name, k, err)
			}
		}
		if got, err := fsys.ReadFile(tc.a.Filename); err != nil || !bytes.Equal(got, tc.a.Files[tc.a.Filename]) {
			t.Errorf("%s: entry script: %v", tc.name, err)
		}
	}
}
