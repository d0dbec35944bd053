package archive

import (
	"archive/tar"
	"bytes"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// entry is one tar entry of a hand-made archive.
type entry struct {
	hdr  tar.Header
	body string
	raw  []byte // if set, written as is instead of hdr and body
}

func reg(name, body string) entry {
	return entry{hdr: tar.Header{Typeflag: tar.TypeReg, Name: name, Mode: 0o644, Size: int64(len(body))}, body: body}
}

func typed(name string, typ byte, link string) entry {
	return entry{hdr: tar.Header{Typeflag: typ, Name: name, Linkname: link, Mode: 0o644}}
}

const goodMeta = `{"formatVersion":1,"filename":"/t/s.js","pwd":"/t"}`

func meta(s string) entry { return reg("metadata.json", s) }

var (
	okMeta = meta(goodMeta)
	okData = reg("data", "export default function () {}")
)

// rawHeader is a ustar header block with a correct checksum, for entry
// types archive/tar refuses to write.
func rawHeader(name string, typ byte, size int64, pax string) []byte {
	var out []byte
	if pax != "" {
		out = append(out, rawHeader("PaxHeaders/x", tar.TypeXHeader, int64(len(pax)), "")...)
		out = append(out, pad([]byte(pax))...)
	}
	var b [blockSize]byte
	copy(b[0:100], name)
	copy(b[100:108], "0000644\x00")
	copy(b[108:116], "0000000\x00")
	copy(b[116:124], "0000000\x00")
	copy(b[124:136], fmt.Sprintf("%011o\x00", size))
	copy(b[136:148], "00000000000\x00")
	b[156] = typ
	copy(b[257:263], "ustar\x00")
	copy(b[263:265], "00")
	copy(b[148:156], "        ")
	var sum int64
	for _, c := range b {
		sum += int64(c)
	}
	copy(b[148:156], fmt.Sprintf("%06o\x00 ", sum))
	return append(out, b[:]...)
}

func pad(b []byte) []byte {
	if r := len(b) % blockSize; r != 0 {
		b = append(b, make([]byte, blockSize-r)...)
	}
	return b
}

func paxRecord(k, v string) string {
	n := len(k) + len(v) + 3
	for {
		s := fmt.Sprintf("%d %s=%s\n", n, k, v)
		if len(s) == n {
			return s
		}
		n = len(s)
	}
}

func buildTar(t testing.TB, es ...entry) []byte {
	t.Helper()
	var buf bytes.Buffer
	tw := tar.NewWriter(&buf)
	for _, e := range es {
		if e.raw != nil {
			if err := tw.Flush(); err != nil {
				t.Fatal(err)
			}
			buf.Write(e.raw)
			continue
		}
		h := e.hdr
		if err := tw.WriteHeader(&h); err != nil {
			t.Fatalf("writing header %q: %v", h.Name, err)
		}
		if _, err := io.WriteString(tw, e.body); err != nil {
			t.Fatalf("writing %q: %v", h.Name, err)
		}
	}
	if err := tw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

type rejectCase struct {
	name string
	data []byte
	want string // substring of the error
}

// rejectCases are inputs Read must refuse; they also seed FuzzRead.
func rejectCases(t testing.TB) []rejectCase {
	t.Helper()
	valid := mustWrite(t, roundTripCases()[1].a)
	minimal := mustWrite(t, roundTripCases()[0].a)
	noTrailer := buildTar(t, okMeta, okData)
	noTrailer = noTrailer[:len(noTrailer)-2*blockSize]
	flipped := bytes.Clone(valid)
	flipped[10] ^= 0x55 // inside the first header's name

	// A header claiming more than the limit, with no content behind it.
	var huge bytes.Buffer
	tw := tar.NewWriter(&huge)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "file/t/huge", Size: MaxSize + 1, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	var hugeMeta bytes.Buffer
	tw = tar.NewWriter(&hugeMeta)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeReg, Name: "metadata.json", Size: maxMetadataSize + 1, Mode: 0o644}); err != nil {
		t.Fatal(err)
	}
	sparse := paxRecord("GNU.sparse.major", "1") + paxRecord("GNU.sparse.minor", "0") +
		paxRecord("GNU.sparse.name", "file/t/sparse") + paxRecord("GNU.sparse.realsize", "1000")

	return []rejectCase{
		// Not a tar at all, or a broken one.
		{"empty", nil, "empty file"},
		{"javascript", []byte("export default function () {}\n"), "corrupt or truncated tar"},
		{"long javascript", []byte(strings.Repeat("// comment\n", 100)), "corrupt or truncated tar"},
		{"garbage", randomBytes(4096, 3), "corrupt or truncated tar"},
		{"corrupt header", flipped, "corrupt or truncated tar"},
		{"truncated in header", valid[:blockSize+100], "corrupt or truncated tar: unexpected EOF"},
		{"truncated in entry", valid[:len(valid)/2+100], "corrupt or truncated tar: unexpected EOF"},
		{"truncated before trailer", valid[:len(valid)-2*blockSize], "corrupt or truncated tar: no end-of-archive marker"},
		{"truncated between entries", minimal[:2*blockSize], "corrupt or truncated tar: no end-of-archive marker"},
		{"half a trailer", valid[:len(valid)-blockSize], "corrupt or truncated tar"},
		{"other tar", buildTar(t, reg("README.md", "hi")), "no metadata.json entry"},
		{"only a trailer", make([]byte, 2*blockSize), "no metadata.json entry"},

		// Names that escape, or are not what Write produces.
		{"dot-dot", buildTar(t, okMeta, okData, reg("file/../../etc/passwd", "x")), `path traversal`},
		{"dot-dot top level", buildTar(t, okMeta, okData, reg("../evil", "x")), `entry "../evil": path traversal`},
		{"dot-dot in unknown entry", buildTar(t, okMeta, okData, reg("x/../../evil", "x")), "path traversal"},
		{"dot-dot directory", buildTar(t, okMeta, okData, typed("file/t/../../", tar.TypeDir, "")), "path traversal"},
		{"absolute", buildTar(t, okMeta, okData, reg("/etc/passwd", "x")), "absolute path"},
		{"absolute metadata", buildTar(t, reg("/metadata.json", goodMeta), okData), "absolute path"},
		{"drive absolute", buildTar(t, okMeta, okData, reg("C:/Windows/evil", "x")), "drive letter"},
		{"drive relative", buildTar(t, okMeta, okData, reg("c:evil", "x")), "drive letter"},
		{"backslash", buildTar(t, okMeta, okData, reg(`file\..\..\evil`, "x")), "backslash"},
		{"invalid UTF-8", buildTar(t, okMeta, okData, reg("file/t/\xff", "x")), "UTF-8"},
		{"unclean double slash", buildTar(t, okMeta, okData, reg("file/t//x", "x")), "not clean"},
		{"unclean dot", buildTar(t, okMeta, okData, reg("file/t/./x", "x")), "not clean"},
		{"trailing slash file", buildTar(t, okMeta, okData, entry{raw: rawHeader("file/t/x/", tar.TypeReg, 0, "")}), "not clean"},
		{"root file", buildTar(t, okMeta, okData, entry{raw: rawHeader("file/", tar.TypeReg, 0, "")}), "root directory"},
		{"bad drive letter", buildTar(t, okMeta, okData, reg("drive/1/x", "x")), "drive/<letter>/<path>"},
		{"long drive", buildTar(t, okMeta, okData, reg("drive/CC/x", "x")), "drive/<letter>/<path>"},
		{"drive without path", buildTar(t, okMeta, okData, reg("drive/C", "x")), "drive/<letter>/<path>"},
		{"drive root", buildTar(t, okMeta, okData, entry{raw: rawHeader("drive/C/", tar.TypeReg, 0, "")}), "drive/<letter>/<path>"},

		// Entries that are not regular files.
		{"symlink", buildTar(t, okMeta, okData, typed("file/t/lib.js", tar.TypeSymlink, "/etc/passwd")), `symbolic link to "/etc/passwd"`},
		{"symlink as data", buildTar(t, okMeta, typed("data", tar.TypeSymlink, "/etc/passwd")), "symbolic link"},
		{"symlink unknown name", buildTar(t, okMeta, okData, typed("evil", tar.TypeSymlink, "/")), "symbolic link"},
		{"hard link", buildTar(t, okMeta, okData, typed("file/t/lib.js", tar.TypeLink, "data")), `hard link to "data"`},
		{"char device", buildTar(t, okMeta, okData, typed("file/dev/tty", tar.TypeChar, "")), "device file"},
		{"block device", buildTar(t, okMeta, okData, typed("file/dev/sda", tar.TypeBlock, "")), "device file"},
		{"fifo", buildTar(t, okMeta, okData, typed("file/t/fifo", tar.TypeFifo, "")), "FIFO"},
		{"contiguous", buildTar(t, okMeta, okData, entry{raw: rawHeader("file/t/c", tar.TypeCont, 0, "")}), "unsupported entry type '7'"},
		{"unknown type", buildTar(t, okMeta, okData, entry{raw: rawHeader("file/t/z", 'Z', 0, "")}), "unsupported entry type 'Z'"},
		{"gnu volume", buildTar(t, okMeta, okData, entry{raw: rawHeader("vol", 'V', 0, "")}), "unsupported entry type 'V'"},
		{"pax sparse", buildTar(t, okMeta, okData, entry{raw: append(rawHeader("file/t/sparse", tar.TypeReg, 512, sparse),
			pad([]byte("1\n0\n1000\n"))...)}), "sparse file"},

		// Duplicates and conflicts.
		{"duplicate file", buildTar(t, okMeta, okData, reg("file/t/a", "1"), reg("file/t/a", "2")), `duplicate entry "file/t/a"`},
		{"duplicate metadata", buildTar(t, okMeta, okData, okMeta), `duplicate entry "metadata.json"`},
		{"duplicate data", buildTar(t, okMeta, okData, okData), `duplicate entry "data"`},
		{"file and directory entry", buildTar(t, okMeta, okData, typed("file/t/a/", tar.TypeDir, ""), reg("file/t/a", "x")), `duplicate entry "file/t/a"`},
		{"file duplicates data", buildTar(t, okMeta, okData, reg("file/t/s.js", "x")), `"file/t/s.js" duplicates the entry script`},
		{"file is a directory", buildTar(t, okMeta, okData, reg("file/t/a", "x"), reg("file/t/a/b", "y")), `entry "file/t/a" is a file and also a directory`},
		{"script is a directory", buildTar(t, okMeta, okData, reg("file/t/s.js/x", "y")), `entry "file/t/s.js" is a file and also a directory`},

		// Missing or bad metadata.
		{"no metadata", buildTar(t, okData, reg("file/t/a", "x")), "no metadata.json entry"},
		{"no data", buildTar(t, okMeta, reg("file/t/a", "x")), "no data entry"},
		{"metadata not JSON", buildTar(t, meta("{"), okData), "metadata.json: unexpected end of JSON input"},
		{"metadata array", buildTar(t, meta("[]"), okData), "metadata.json: json: cannot unmarshal array"},
		{"metadata trailing garbage", buildTar(t, meta(goodMeta+"x"), okData), "metadata.json: invalid character"},
		{"no format version", buildTar(t, meta(`{"filename":"/t/s.js","pwd":"/t"}`), okData), "missing or invalid formatVersion"},
		{"zero format version", buildTar(t, meta(`{"formatVersion":0,"filename":"/t/s.js","pwd":"/t"}`), okData), "missing or invalid formatVersion"},
		{"negative format version", buildTar(t, meta(`{"formatVersion":-1,"filename":"/t/s.js","pwd":"/t"}`), okData), "missing or invalid formatVersion"},
		{"string format version", buildTar(t, meta(`{"formatVersion":"1","filename":"/t/s.js","pwd":"/t"}`), okData), "cannot unmarshal string"},
		{"k6 archive", buildTar(t, meta(`{"type":"js","k6version":"0.32.0","filename":"file:///t/s.js","pwd":"file:///t/"}`), okData),
			"archive made by k6 0.32.0"},
		{"no filename", buildTar(t, meta(`{"formatVersion":1,"pwd":"/t"}`), okData), `filename "": empty path`},
		{"relative filename", buildTar(t, meta(`{"formatVersion":1,"filename":"s.js","pwd":"/t"}`), okData), "not absolute"},
		{"unclean filename", buildTar(t, meta(`{"formatVersion":1,"filename":"/t/../s.js","pwd":"/t"}`), okData), "not clean"},
		{"no pwd", buildTar(t, meta(`{"formatVersion":1,"filename":"/t/s.js"}`), okData), `pwd "": empty path`},
		{"relative pwd", buildTar(t, meta(`{"formatVersion":1,"filename":"/t/s.js","pwd":"../t"}`), okData), "not absolute"},
		{"array options", buildTar(t, meta(`{"formatVersion":1,"filename":"/t/s.js","pwd":"/t","options":[1]}`), okData), "options: not a JSON object"},
		{"bad env", buildTar(t, meta(`{"formatVersion":1,"filename":"/t/s.js","pwd":"/t","env":{"A":1}}`), okData), "cannot unmarshal number"},

		// Size limits.
		{"entry over 1 GiB", append(noTrailer, huge.Bytes()...), "over the limit of 1073741824 bytes"},
		{"huge metadata", hugeMeta.Bytes(), "metadata.json is 16777217 bytes, more than the limit of 16777216"},
	}
}

func TestReadRejects(t *testing.T) {
	t.Parallel()
	for _, tc := range rejectCases(t) {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			a, err := Read(bytes.NewReader(tc.data))
			if err == nil {
				t.Fatalf("Read succeeded: %+v", a)
			}
			if !errors.Is(err, ErrInvalid) {
				t.Errorf("error %q does not wrap ErrInvalid", err)
			}
			msg := err.Error()
			if !strings.HasPrefix(msg, "not a stampede archive: ") || strings.Contains(msg, "\n") {
				t.Errorf("error is not one line starting with %q: %q", "not a stampede archive: ", msg)
			}
			if !strings.Contains(msg, tc.want) {
				t.Errorf("error %q does not contain %q", msg, tc.want)
			}
		})
	}
}

func TestReadNewerVersion(t *testing.T) {
	t.Parallel()
	// A newer archive may lack entries version 1 requires; the version
	// error wins.
	data := buildTar(t, meta(`{"formatVersion":2,"filename":"/t/s.js","pwd":"/t"}`), reg("script", "x"))
	_, err := Read(bytes.NewReader(data))
	if !errors.Is(err, ErrUnsupportedVersion) || errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v, want an ErrUnsupportedVersion error", err)
	}
	const want = "unsupported archive format version 2: this stampede reads archives up to version 1; upgrade stampede"
	if err.Error() != want {
		t.Errorf("got %q, want %q", err, want)
	}
}

func TestReadEveryTruncation(t *testing.T) {
	t.Parallel()
	data := mustWrite(t, roundTripCases()[1].a)
	for n := range len(data) {
		_, err := Read(bytes.NewReader(data[:n]))
		if !errors.Is(err, ErrInvalid) {
			t.Fatalf("archive cut to %d of %d bytes: got %v", n, len(data), err)
		}
	}
}

func TestReadSmallReads(t *testing.T) {
	t.Parallel()
	a := roundTripCases()[1].a
	data := mustWrite(t, a)
	for name, r := range map[string]io.Reader{
		"one byte":   iotest.OneByteReader(bytes.NewReader(data)),
		"half":       iotest.HalfReader(bytes.NewReader(data)),
		"data + EOF": iotest.DataErrReader(bytes.NewReader(data)),
	} {
		got, err := Read(r)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		assertEqual(t, a, got)
	}
	_, err := Read(iotest.TimeoutReader(bytes.NewReader(data)))
	if !errors.Is(err, iotest.ErrTimeout) || !errors.Is(err, ErrInvalid) {
		t.Errorf("reader error: got %v, want it wrapped", err)
	}
	// Truncation is still noticed when the last read carries io.EOF.
	_, err = Read(iotest.DataErrReader(bytes.NewReader(data[:len(data)-2*blockSize])))
	if err == nil || !strings.Contains(err.Error(), "no end-of-archive marker") {
		t.Errorf("trailer-less archive: got %v", err)
	}
}

func TestReadIgnoresUnknownEntries(t *testing.T) {
	t.Parallel()
	var global bytes.Buffer
	tw := tar.NewWriter(&global)
	if err := tw.WriteHeader(&tar.Header{Typeflag: tar.TypeXGlobalHeader, Name: "pax_global_header",
		PAXRecords: map[string]string{"comment": "made by git archive"}}); err != nil {
		t.Fatal(err)
	}
	if err := tw.Flush(); err != nil {
		t.Fatal(err)
	}
	data := buildTar(t,
		entry{raw: global.Bytes()},
		typed("file/", tar.TypeDir, ""),
		typed("file/t/", tar.TypeDir, ""),
		reg("README.md", "# hello"),
		reg("https/example.com/lib.js", strings.Repeat("x", 5000)),
		reg("file/t/lib.js", "lib"),
		okData,
		okMeta,
		reg("filex/t/y", "not under file/"),
		reg("manifest.json", "{}"),
	)
	// Unknown entries are skipped without being read, so they do not
	// count towards the size limit.
	a, err := read(bytes.NewReader(data), limits{total: 40, metadata: 1 << 10})
	if err != nil {
		t.Fatal(err)
	}
	want := &Archive{
		Filename: "/t/s.js",
		Pwd:      "/t",
		Files:    map[string][]byte{"/t/s.js": []byte(okData.body), "/t/lib.js": []byte("lib")},
	}
	assertEqual(t, want, a)
}

func TestReadTotalLimit(t *testing.T) {
	t.Parallel()
	data := buildTar(t, okMeta, reg("data", strings.Repeat("d", 60)), reg("file/t/a", strings.Repeat("a", 40)))
	if _, err := read(bytes.NewReader(data), limits{total: 100, metadata: 1 << 10}); err != nil {
		t.Errorf("100 bytes with a limit of 100: %v", err)
	}
	_, err := read(bytes.NewReader(data), limits{total: 99, metadata: 1 << 10})
	if err == nil || !strings.Contains(err.Error(), `entry "file/t/a" (40 bytes) takes the files over the limit of 99 bytes in total`) {
		t.Errorf("100 bytes with a limit of 99: got %v", err)
	}
	_, err = read(bytes.NewReader(data), limits{total: 100, metadata: 10})
	if err == nil || !strings.Contains(err.Error(), "metadata.json is 51 bytes, more than the limit of 10") {
		t.Errorf("metadata limit: got %v", err)
	}
}

func TestReadAcceptsRepackedArchive(t *testing.T) {
	t.Parallel()
	// What `tar -xf a.tar && tar -cf b.tar .` gives: "./" prefixes, a "."
	// entry, directories, real modes and owners, another order.
	dir := func(name string) entry {
		e := typed(name, tar.TypeDir, "")
		e.hdr.Mode = 0o755
		return e
	}
	data := buildTar(t,
		dir("./"),
		dir("./file/"),
		dir("./file/t/"),
		reg("./file/t/lib.js", "lib"),
		reg("./data", okData.body),
		reg("./metadata.json", goodMeta),
	)
	a, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	assertEqual(t, &Archive{Filename: "/t/s.js", Pwd: "/t", Files: map[string][]byte{
		"/t/s.js": []byte(okData.body), "/t/lib.js": []byte("lib"),
	}}, a)

	_, err = Read(bytes.NewReader(buildTar(t, okMeta, okData, reg("./data", "again"))))
	if err == nil || !strings.Contains(err.Error(), `duplicate entry "data"`) {
		t.Errorf("data and ./data: got %v", err)
	}
	_, err = Read(bytes.NewReader(buildTar(t, okMeta, okData, reg("./../x", "x"))))
	if err == nil || !strings.Contains(err.Error(), "path traversal") {
		t.Errorf("./../x: got %v", err)
	}
	_, err = Read(bytes.NewReader(buildTar(t, okMeta, okData, reg(".", "x"))))
	if err != nil {
		t.Errorf(`a regular file named "." is an unknown entry: %v`, err)
	}
}

func TestReadAcceptsOtherWriters(t *testing.T) {
	t.Parallel()
	// GNU-format headers, entries in another order, directories and
	// non-zero mtimes/modes are all fine.
	gnu := func(e entry) entry {
		e.hdr.Format = tar.FormatGNU
		e.hdr.Mode = 0o755
		e.hdr.Uname = "someone"
		return e
	}
	data := buildTar(t,
		gnu(reg("file/t/"+strings.Repeat("x", 150)+".js", "long")),
		gnu(okData),
		gnu(typed("drive/", tar.TypeDir, "")),
		gnu(reg("drive/E/x.js", "e")),
		gnu(okMeta),
	)
	a, err := Read(bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	want := &Archive{Filename: "/t/s.js", Pwd: "/t", Files: map[string][]byte{
		"/t/s.js":                                []byte(okData.body),
		"/t/" + strings.Repeat("x", 150) + ".js": []byte("long"),
		"E:/x.js":                                []byte("e"),
	}}
	assertEqual(t, want, a)
}
