package archive

import (
	"archive/tar"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"sort"
	"strings"
	"time"
)

// FormatVersion is the layout version this package writes and the newest
// one it reads.
const FormatVersion = 1

// MaxSize is the largest total size of the files in an archive (the entry
// script included), in bytes. Write refuses to produce, and Read refuses to
// load, anything bigger.
const MaxSize = 1 << 30

// maxMetadataSize bounds metadata.json.
const maxMetadataSize = 16 << 20

// ErrInvalid is wrapped by every error Read returns for input that is not
// a well-formed stampede archive; its text is "not a stampede archive".
var ErrInvalid = errors.New("not a stampede archive")

// ErrUnsupportedVersion is wrapped by the error Read returns for an archive
// written in a newer format than this stampede understands.
var ErrUnsupportedVersion = errors.New("unsupported archive format version")

// Archive is a test bundled with everything it reads.
type Archive struct {
	// Filename is the entry script's original absolute slash path (e.g.
	// "/home/u/tests/script.js"); all Files keys are absolute slash paths
	// too.
	Filename string
	// Pwd is the directory the script was archived from (its directory).
	Pwd string
	// Options is the consolidated options JSON object (nil for none).
	// Read returns it compacted.
	Options json.RawMessage
	// Env holds the -e variables (NOT the system environment).
	Env map[string]string
	// Files holds every file read: the entry script, imported modules,
	// open()ed files.
	Files map[string][]byte
	// StampedeVersion is the version of stampede that wrote the archive.
	StampedeVersion string
	// CompatibilityMode is the JS compatibility mode ("extended", "base").
	CompatibilityMode string
}

// metadata is the content of metadata.json.
type metadata struct {
	FormatVersion     int               `json:"formatVersion"`
	Filename          string            `json:"filename"`
	Pwd               string            `json:"pwd"`
	StampedeVersion   string            `json:"stampedeVersion,omitempty"`
	CompatibilityMode string            `json:"compatibilityMode,omitempty"`
	Env               map[string]string `json:"env,omitempty"`
	Options           json.RawMessage   `json:"options,omitempty"`
	// K6Version is only read, to recognise k6's own archives.
	K6Version string `json:"k6version,omitempty"`
}

// Write writes a as a tar archive to w (see the package documentation for
// the layout). It checks a completely before writing anything, so an
// invalid archive leaves w untouched. It does not close w.
func (a *Archive) Write(w io.Writer) error {
	meta, names, err := a.encode(MaxSize)
	if err != nil {
		return fmt.Errorf("writing archive: %w", err)
	}
	tw := tar.NewWriter(w)
	if err := writeEntry(tw, metadataEntry, meta); err != nil {
		return err
	}
	if err := writeEntry(tw, dataEntry, a.Files[a.Filename]); err != nil {
		return err
	}
	for _, n := range names {
		if err := writeEntry(tw, n.entry, a.Files[n.key]); err != nil {
			return err
		}
	}
	if err := tw.Close(); err != nil {
		return fmt.Errorf("writing archive: %w", err)
	}
	return nil
}

type named struct{ entry, key string }

// encode validates a and returns metadata.json and the file entries other
// than data, sorted by entry name.
func (a *Archive) encode(maxTotal int64) ([]byte, []named, error) {
	if err := checkAbs(a.Filename, false); err != nil {
		return nil, nil, fmt.Errorf("filename %q: %w", a.Filename, err)
	}
	if err := checkAbs(a.Pwd, true); err != nil {
		return nil, nil, fmt.Errorf("pwd %q: %w", a.Pwd, err)
	}
	if _, ok := a.Files[a.Filename]; !ok {
		return nil, nil, fmt.Errorf("the entry script %q is missing from Files", a.Filename)
	}
	keys := make([]string, 0, len(a.Files))
	var total int64
	for k, data := range a.Files {
		if err := checkAbs(k, false); err != nil {
			return nil, nil, fmt.Errorf("file %q: %w", k, err)
		}
		keys = append(keys, k)
		total += int64(len(data))
	}
	if total > maxTotal {
		return nil, nil, fmt.Errorf("the files add up to %d bytes, more than the limit of %d", total, maxTotal)
	}
	sort.Strings(keys)
	if k := checkNoFileIsDir(a.Files, keys); k != "" {
		return nil, nil, fmt.Errorf("file %q is also a directory of another file", k)
	}
	names := make([]named, 0, len(keys))
	for _, k := range keys {
		if k != a.Filename {
			names = append(names, named{entryName(k), k})
		}
	}
	sort.Slice(names, func(i, j int) bool { return names[i].entry < names[j].entry })

	opts, err := normalizeOptions(a.Options)
	if err != nil {
		return nil, nil, err
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	err = enc.Encode(metadata{
		FormatVersion:     FormatVersion,
		Filename:          a.Filename,
		Pwd:               a.Pwd,
		StampedeVersion:   a.StampedeVersion,
		CompatibilityMode: a.CompatibilityMode,
		Env:               a.Env,
		Options:           opts,
	})
	if err != nil {
		return nil, nil, fmt.Errorf("encoding metadata: %w", err)
	}
	if buf.Len() > maxMetadataSize {
		return nil, nil, fmt.Errorf("metadata is %d bytes, more than the limit of %d", buf.Len(), maxMetadataSize)
	}
	return buf.Bytes(), names, nil
}

// normalizeOptions compacts options and checks that it is a JSON object;
// empty input and null give nil.
func normalizeOptions(raw json.RawMessage) (json.RawMessage, error) {
	if len(bytes.TrimSpace(raw)) == 0 {
		return nil, nil
	}
	var buf bytes.Buffer
	if err := json.Compact(&buf, raw); err != nil {
		return nil, fmt.Errorf("options: %w", err)
	}
	switch {
	case buf.String() == "null":
		return nil, nil
	case buf.Bytes()[0] != '{':
		return nil, errors.New("options: not a JSON object")
	}
	return buf.Bytes(), nil
}

func writeEntry(tw *tar.Writer, name string, data []byte) error {
	err := tw.WriteHeader(&tar.Header{
		Typeflag: tar.TypeReg,
		Name:     name,
		Size:     int64(len(data)),
		Mode:     0o644,
		ModTime:  time.Unix(0, 0), // fixed, for reproducible archives
	})
	if err == nil {
		_, err = tw.Write(data)
	}
	if err != nil {
		return fmt.Errorf("writing archive entry %q: %w", name, err)
	}
	return nil
}

// limits bounds what Read accepts; tests shrink them.
type limits struct {
	total, metadata int64
}

// Read parses an archive written by Write. Errors for malformed or hostile
// input wrap ErrInvalid and fit on one line, so that the caller can print
// "<file>: <err>"; an archive from a newer stampede gives an error wrapping
// ErrUnsupportedVersion. The returned Env and Files are never nil.
func Read(r io.Reader) (*Archive, error) {
	return read(r, limits{total: MaxSize, metadata: maxMetadataSize})
}

func invalid(format string, args ...any) error {
	return fmt.Errorf("%w: "+format, append([]any{ErrInvalid}, args...)...)
}

func read(r io.Reader, lim limits) (*Archive, error) {
	er := &eofReader{r: r}
	tr := tar.NewReader(er)
	var (
		meta, data         []byte
		haveMeta, haveData bool
		files              = make(map[string][]byte)
		seen               = make(map[string]struct{})
		total              int64
	)
	for {
		hdr, err := tr.Next()
		if errors.Is(err, io.EOF) {
			// A tar ends with two zero blocks; without them the stream
			// was cut exactly between entries.
			switch {
			case er.n == 0:
				return nil, invalid("empty file")
			case er.eof:
				return nil, invalid("corrupt or truncated tar: no end-of-archive marker")
			}
			break
		}
		if err != nil {
			return nil, invalid("corrupt or truncated tar: %w", err)
		}
		if hdr.Typeflag == tar.TypeXGlobalHeader {
			continue // archive-wide PAX records (e.g. from git archive); nothing for us
		}
		name := hdr.Name
		if hdr.Typeflag == tar.TypeDir {
			name = strings.TrimSuffix(name, "/")
		}
		// Accept an archive extracted and packed again with
		// `tar -cf a.tar .`, which prefixes "./" and adds ".".
		name = strings.TrimPrefix(name, "./")
		if name == "." && hdr.Typeflag == tar.TypeDir {
			continue
		}
		if err := checkEntryName(name); err != nil {
			return nil, invalid("entry %q: %v", hdr.Name, err)
		}
		if _, dup := seen[name]; dup {
			return nil, invalid("duplicate entry %q", name)
		}
		seen[name] = struct{}{}
		if err := checkType(hdr); err != nil {
			return nil, invalid("entry %q: %v", hdr.Name, err)
		}
		if hdr.Typeflag == tar.TypeDir {
			continue
		}

		key := ""
		switch name {
		case metadataEntry:
			if hdr.Size > lim.metadata {
				return nil, invalid("%s is %d bytes, more than the limit of %d", name, hdr.Size, lim.metadata)
			}
		case dataEntry:
		default:
			k, ok, err := keyOf(name)
			if err != nil {
				return nil, invalid("entry %q: %v", name, err)
			}
			if !ok {
				continue // unknown entry, perhaps from a later format; not read
			}
			key = k
		}
		if name != metadataEntry {
			if hdr.Size > lim.total-total {
				return nil, invalid("entry %q (%d bytes) takes the files over the limit of %d bytes in total",
					name, hdr.Size, lim.total)
			}
			total += hdr.Size
		}
		// Grow with the data that actually arrives, not with hdr.Size, so a
		// lying header cannot make us allocate the whole limit up front.
		b, err := io.ReadAll(tr)
		if err != nil {
			return nil, invalid("entry %q: corrupt or truncated tar: %w", name, err)
		}
		switch name {
		case metadataEntry:
			meta, haveMeta = b, true
		case dataEntry:
			data, haveData = b, true
		default:
			files[key] = b
		}
	}
	if !haveMeta {
		return nil, invalid("no %s entry", metadataEntry)
	}
	a, err := decodeMetadata(meta)
	if err != nil {
		return nil, err
	}
	if !haveData {
		return nil, invalid("no %s entry (the entry script)", dataEntry)
	}
	if _, dup := files[a.Filename]; dup {
		return nil, invalid("entry %q duplicates the entry script stored as %s", entryName(a.Filename), dataEntry)
	}
	files[a.Filename] = data
	keys := make([]string, 0, len(files))
	for k := range files {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	if k := checkNoFileIsDir(files, keys); k != "" {
		return nil, invalid("entry %q is a file and also a directory of another file", entryName(k))
	}
	a.Files = files
	return a, nil
}

// checkType accepts regular files and directories only.
func checkType(hdr *tar.Header) error {
	switch hdr.Typeflag {
	case tar.TypeReg, tar.TypeDir:
	case tar.TypeSymlink:
		return fmt.Errorf("symbolic link to %q", hdr.Linkname)
	case tar.TypeLink:
		return fmt.Errorf("hard link to %q", hdr.Linkname)
	case tar.TypeChar, tar.TypeBlock:
		return errors.New("device file")
	case tar.TypeFifo:
		return errors.New("FIFO")
	default:
		return fmt.Errorf("unsupported entry type %q", hdr.Typeflag)
	}
	for k := range hdr.PAXRecords {
		if strings.HasPrefix(k, "GNU.sparse.") {
			return errors.New("sparse file")
		}
	}
	return nil
}

// decodeMetadata parses metadata.json into an Archive without Files.
func decodeMetadata(raw []byte) (*Archive, error) {
	var m metadata
	if err := json.Unmarshal(raw, &m); err != nil {
		return nil, invalid("%s: %v", metadataEntry, err)
	}
	switch {
	case m.FormatVersion == 0 && m.K6Version != "":
		return nil, invalid("this is an archive made by k6 %s; stampede runs only its own archives, "+
			"so archive the original script with stampede", m.K6Version)
	case m.FormatVersion <= 0:
		return nil, invalid("%s: missing or invalid formatVersion", metadataEntry)
	case m.FormatVersion > FormatVersion:
		return nil, fmt.Errorf("%w %d: this stampede reads archives up to version %d; upgrade stampede",
			ErrUnsupportedVersion, m.FormatVersion, FormatVersion)
	}
	if err := checkAbs(m.Filename, false); err != nil {
		return nil, invalid("%s: filename %q: %v", metadataEntry, m.Filename, err)
	}
	if err := checkAbs(m.Pwd, true); err != nil {
		return nil, invalid("%s: pwd %q: %v", metadataEntry, m.Pwd, err)
	}
	opts, err := normalizeOptions(m.Options)
	if err != nil {
		return nil, invalid("%s: %v", metadataEntry, err)
	}
	env := m.Env
	if env == nil {
		env = make(map[string]string)
	}
	return &Archive{
		Filename:          m.Filename,
		Pwd:               m.Pwd,
		Options:           opts,
		Env:               env,
		StampedeVersion:   m.StampedeVersion,
		CompatibilityMode: m.CompatibilityMode,
	}, nil
}

// eofReader counts bytes and notes when the underlying reader ran dry
// (io.EOF with no data), which the tar reader hides behind its own io.EOF.
type eofReader struct {
	r   io.Reader
	n   int64
	eof bool
}

func (e *eofReader) Read(p []byte) (int, error) {
	n, err := e.r.Read(p)
	e.n += int64(n)
	if n == 0 && len(p) > 0 && errors.Is(err, io.EOF) {
		e.eof = true
	}
	return n, err
}
