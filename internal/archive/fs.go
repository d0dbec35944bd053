package archive

import (
	"bytes"
	"errors"
	"io/fs"
	"path"
)

// ErrIsDir is wrapped by the error FS().ReadFile returns for a directory.
// Its text is "is a directory", as on Unix.
var ErrIsDir = errors.New("is a directory")

// FS returns a read-only file system over a snapshot of Files, so that the
// JS runtime can run entirely from the archive. Its ReadFile takes absolute
// slash paths ("/a/b", "C:/a/b"); relative paths are resolved against Pwd,
// and every path is cleaned first. It returns a copy of the content, an
// *fs.PathError wrapping fs.ErrNotExist for a missing file, or one wrapping
// ErrIsDir for a directory that holds stored files. It is safe for
// concurrent use; later changes to a.Files are not seen.
func (a *Archive) FS() interface{ ReadFile(string) ([]byte, error) } {
	files := make(map[string][]byte, len(a.Files))
	for k, v := range a.Files {
		files[k] = v
	}
	return &archiveFS{pwd: a.Pwd, files: files, dirs: dirsOf(files)}
}

type archiveFS struct {
	pwd   string
	files map[string][]byte
	dirs  map[string]struct{}
}

func (f *archiveFS) ReadFile(name string) ([]byte, error) {
	if name == "" {
		return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
	}
	p := f.resolve(name)
	if data, ok := f.files[p]; ok {
		return bytes.Clone(data), nil
	}
	if _, ok := f.dirs[p]; ok {
		return nil, &fs.PathError{Op: "read", Path: name, Err: ErrIsDir}
	}
	return nil, &fs.PathError{Op: "open", Path: name, Err: fs.ErrNotExist}
}

// resolve cleans name and makes it absolute against pwd, keeping a Windows
// drive letter in front ("C:/a/../b" → "C:/b").
func (f *archiveFS) resolve(name string) string {
	vol, rest := splitVolume(name)
	if vol == "" && !path.IsAbs(name) {
		vol, rest = splitVolume(f.pwd)
		rest += "/" + name
	}
	return vol + path.Clean(rest)
}
