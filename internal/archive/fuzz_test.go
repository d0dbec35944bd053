package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"strings"
	"testing"
)

// FuzzRead feeds arbitrary bytes to Read. It must never panic; errors must
// be one line wrapping ErrInvalid or ErrUnsupportedVersion; and whatever it
// accepts must be a tar (IsArchive), survive Write/Read unchanged, and
// write the same bytes the second time.
func FuzzRead(f *testing.F) {
	for _, tc := range roundTripCases() {
		if len(tc.a.Files) < 5 { // keep the seeds small
			f.Add(mustWrite(f, tc.a))
		}
	}
	for _, tc := range rejectCases(f) {
		if len(tc.data) < 64<<10 {
			f.Add(tc.data)
		}
	}
	f.Fuzz(checkRead)
}

// FuzzReadEntries builds a well-formed tar around fuzzed metadata, entry
// names, types and content, so that the fuzzer gets past the tar checksums
// that FuzzRead's mutations mostly break, and checks it like FuzzRead.
func FuzzReadEntries(f *testing.F) {
	f.Add(goodMeta, "file/t/a.js", byte(tar.TypeReg), []byte("a"), "data", []byte("s"))
	f.Add(goodMeta, "drive/C/x", byte(tar.TypeReg), []byte{}, "file/t/s.js", []byte("s"))
	f.Add(`{"formatVersion":1,"filename":"C:/t/s.js","pwd":"C:/","env":{"A":"b"},"options":{"vus":1}}`,
		"drive/C/t/lib/x.js", byte(tar.TypeReg), []byte("x"), "data", []byte("s"))
	f.Add(goodMeta, "file/t/", byte(tar.TypeDir), []byte{}, "data", []byte("s"))
	f.Add(goodMeta, "file/t/l", byte(tar.TypeSymlink), []byte{}, "data", []byte("s"))
	f.Add(`{"formatVersion":1,"filename":"/t/s.js","pwd":"/t","options":null}`, "file/t/a/b", byte(tar.TypeReg), []byte("ab"), "file/t/a", []byte("a"))
	f.Fuzz(func(t *testing.T, meta, name1 string, typ1 byte, body1 []byte, name2 string, body2 []byte) {
		var buf bytes.Buffer
		tw := tar.NewWriter(&buf)
		for _, e := range []struct {
			name string
			typ  byte
			body []byte
		}{
			{"metadata.json", tar.TypeReg, []byte(meta)},
			{name1, typ1, body1},
			{name2, tar.TypeReg, body2},
		} {
			hdr := &tar.Header{Name: e.name, Typeflag: e.typ, Mode: 0o644}
			if e.typ == tar.TypeReg {
				hdr.Size = int64(len(e.body))
			}
			if err := tw.WriteHeader(hdr); err != nil {
				return // archive/tar refuses; FuzzRead covers raw bytes
			}
			if e.typ == tar.TypeReg {
				if _, err := tw.Write(e.body); err != nil {
					t.Fatal(err)
				}
			}
		}
		if err := tw.Close(); err != nil {
			t.Fatal(err)
		}
		checkRead(t, buf.Bytes())
	})
}

func checkRead(t *testing.T, data []byte) {
	t.Helper()
	a, err := Read(bytes.NewReader(data))
	if err != nil {
		if !errors.Is(err, ErrInvalid) && !errors.Is(err, ErrUnsupportedVersion) {
			t.Fatalf("error wraps neither ErrInvalid nor ErrUnsupportedVersion: %v", err)
		}
		if strings.Contains(err.Error(), "\n") {
			t.Fatalf("error spans lines: %q", err)
		}
		return
	}
	if !IsArchive(data) {
		t.Fatal("Read accepted input that IsArchive rejects")
	}
	var first bytes.Buffer
	if err := a.Write(&first); err != nil {
		t.Fatalf("Write of an archive Read accepted: %v", err)
	}
	b, err := Read(bytes.NewReader(first.Bytes()))
	if err != nil {
		t.Fatalf("Read of Write output: %v", err)
	}
	assertEqual(t, a, b)
	var second bytes.Buffer
	if err := b.Write(&second); err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(first.Bytes(), second.Bytes()) {
		t.Fatal("Write is not stable across a round trip")
	}
	fsys := b.FS()
	for k, v := range a.Files {
		if got, err := fsys.ReadFile(k); err != nil || !bytes.Equal(got, v) {
			t.Fatalf("FS().ReadFile(%q): %v", k, err)
		}
	}
}
