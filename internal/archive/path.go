package archive

import (
	"errors"
	"path"
	"strings"
	"unicode/utf8"
)

// Entry names and prefixes of the layout (see the package documentation).
const (
	metadataEntry = "metadata.json"
	dataEntry     = "data"
	filePrefix    = "file/"
	drivePrefix   = "drive/"
)

// splitVolume splits a Windows path "C:/x" into "C:" and "/x". Any other path
// comes back as ("", p).
func splitVolume(p string) (vol, rest string) {
	if len(p) >= 3 && isLetter(p[0]) && p[1] == ':' && p[2] == '/' {
		return p[:2], p[2:]
	}
	return "", p
}

func isLetter(c byte) bool { return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' }

// checkAbs reports why p is not an absolute, clean slash path ("/a/b" or
// "C:/a/b"); a root ("/", "C:/") is accepted only when allowRoot is set.
func checkAbs(p string, allowRoot bool) error {
	switch {
	case p == "":
		return errors.New("empty path")
	case !utf8.ValidString(p):
		return errors.New("path is not valid UTF-8")
	case strings.IndexByte(p, 0) >= 0:
		return errors.New("path contains a NUL byte")
	case strings.IndexByte(p, '\\') >= 0:
		return errors.New("path contains a backslash; use slash-separated paths")
	}
	_, rest := splitVolume(p)
	switch {
	case !strings.HasPrefix(rest, "/"):
		return errors.New(`path is not absolute (want "/…" or "C:/…")`)
	case rest == "/" && !allowRoot:
		return errors.New("path is a root directory")
	case path.Clean(rest) != rest:
		return errors.New("path is not clean")
	}
	return nil
}

// entryName returns the tar entry name of the file at key, which must have
// passed checkAbs.
func entryName(key string) string {
	if vol, rest := splitVolume(key); vol != "" {
		return drivePrefix + vol[:1] + rest
	}
	return filePrefix + key[1:]
}

// checkEntryName rejects entry names that could escape an extraction
// directory or are ambiguous: absolute names, ".." segments, backslashes,
// NULs and invalid UTF-8. It does not require the name to be clean.
func checkEntryName(name string) error {
	switch {
	case name == "":
		return errors.New("empty name")
	case !utf8.ValidString(name):
		return errors.New("name is not valid UTF-8")
	case strings.IndexByte(name, 0) >= 0:
		return errors.New("name contains a NUL byte")
	case strings.IndexByte(name, '\\') >= 0:
		return errors.New("name contains a backslash")
	case name[0] == '/':
		return errors.New("absolute path")
	case len(name) >= 2 && isLetter(name[0]) && name[1] == ':':
		return errors.New("absolute path with a drive letter")
	}
	for _, seg := range strings.Split(name, "/") {
		if seg == ".." {
			return errors.New(`path traversal ("..")`)
		}
	}
	return nil
}

// keyOf maps a file entry name back to its path. ok is false for names
// outside file/ and drive/; err is set for malformed names inside them.
// name must have passed checkEntryName.
func keyOf(name string) (key string, ok bool, err error) {
	switch {
	case strings.HasPrefix(name, filePrefix):
		key = "/" + name[len(filePrefix):]
	case strings.HasPrefix(name, drivePrefix):
		rest := name[len(drivePrefix):]
		if len(rest) < 3 || !isLetter(rest[0]) || rest[1] != '/' {
			return "", true, errors.New(`want "drive/<letter>/<path>"`)
		}
		key = rest[:1] + ":" + rest[1:]
	default:
		return "", false, nil
	}
	if err := checkAbs(key, false); err != nil {
		return "", true, err
	}
	return key, true, nil
}

// dirsOf returns every directory that contains one of keys, roots included.
func dirsOf(keys map[string][]byte) map[string]struct{} {
	dirs := make(map[string]struct{})
	for k := range keys {
		vol, rest := splitVolume(k)
		for {
			i := strings.LastIndexByte(rest, '/')
			if i < 0 {
				break
			}
			rest = rest[:i]
			d := vol + rest
			if rest == "" {
				d = vol + "/"
			}
			if _, seen := dirs[d]; seen {
				break
			}
			dirs[d] = struct{}{}
		}
	}
	return dirs
}

// checkNoFileIsDir returns the first key (in sorted order) that is also a
// directory of another key, or "".
func checkNoFileIsDir(files map[string][]byte, sorted []string) string {
	dirs := dirsOf(files)
	for _, k := range sorted {
		if _, ok := dirs[k]; ok {
			return k
		}
	}
	return ""
}
