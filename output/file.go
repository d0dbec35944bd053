package output

import (
	"compress/gzip"
	"errors"
	"io"
	"strings"
)

// CreateFile opens the file an output writes to: "-" is standard output
// (Close leaves it open), a name ending in ".gz" is gzip-compressed
// (Close finishes the gzip stream, then closes the file), anything else is
// created or truncated through p.FS.
func (p Params) CreateFile(name string) (io.WriteCloser, error) {
	if name == "-" {
		return nopCloser{p.Stdout}, nil
	}
	if p.FS == nil {
		return nil, errors.New("no file system to create " + name)
	}
	f, err := p.FS.Create(name)
	if err != nil {
		return nil, err
	}
	if !strings.HasSuffix(name, ".gz") {
		return f, nil
	}
	return &gzipFile{Writer: gzip.NewWriter(f), f: f}, nil
}

type nopCloser struct{ io.Writer }

func (nopCloser) Close() error { return nil }

type gzipFile struct {
	*gzip.Writer
	f io.Closer
}

func (g *gzipFile) Close() error {
	return errors.Join(g.Writer.Close(), g.f.Close())
}
