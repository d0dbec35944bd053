package http

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/andybalholm/brotli"
	"github.com/klauspost/compress/zstd"
)

// k6's error code for a response body that could not be decompressed.
const codeDecompression = 1701

// compressBody compresses a request body with each algorithm of the
// compression param in turn ("gzip, br") and returns the
// Content-Encoding to send.
func compressBody(body, algos string) (string, string, error) {
	var names []string
	for a := range strings.SplitSeq(algos, ",") {
		a = strings.TrimSpace(a)
		if a == "" {
			continue
		}
		var buf bytes.Buffer
		var w io.WriteCloser
		switch a {
		case "gzip":
			w = gzip.NewWriter(&buf)
		case "deflate":
			w = zlib.NewWriter(&buf)
		case "br":
			w = brotli.NewWriter(&buf)
		case "zstd":
			zw, err := zstd.NewWriter(&buf)
			if err != nil {
				return "", "", err
			}
			w = zw
		default:
			return "", "", fmt.Errorf("unsupported compression algorithm %q, supported are gzip, deflate, br and zstd", a)
		}
		if _, err := io.WriteString(w, body); err != nil {
			return "", "", err
		}
		if err := w.Close(); err != nil {
			return "", "", err
		}
		body = buf.String()
		names = append(names, a)
	}
	return body, strings.Join(names, ", "), nil
}

// decompressError is a failure to decode a response body (code 1701).
type decompressError struct{ err error }

func (e *decompressError) Error() string { return e.err.Error() }
func (e *decompressError) Unwrap() error { return e.err }

// decodingReader wraps a response body by its Content-Encoding; encodings
// are undone last first. Unknown encodings are left as they are.
// It returns body itself when there is nothing to decode.
func decodingReader(body io.Reader, encoding string) (io.Reader, error) {
	encs := strings.Split(encoding, ",")
	for i := len(encs) - 1; i >= 0; i-- {
		var err error
		switch strings.ToLower(strings.TrimSpace(encs[i])) {
		case "gzip", "x-gzip":
			body, err = gzip.NewReader(body)
		case "deflate":
			body, err = zlib.NewReader(body)
		case "br":
			body = brotli.NewReader(body)
		case "zstd":
			var zr *zstd.Decoder
			// One goroutine, and no decoder left running: the reader
			// ends with the body (zstdReader closes it at EOF or error).
			zr, err = zstd.NewReader(body, zstd.WithDecoderConcurrency(1))
			if err == nil {
				body = zstdReader{zr}
			}
		default:
			continue
		}
		if err != nil {
			return nil, &decompressError{err}
		}
	}
	return body, nil
}

// zstdReader releases its decoder once the stream ends or fails.
type zstdReader struct{ d *zstd.Decoder }

func (z zstdReader) Read(p []byte) (int, error) {
	n, err := z.d.Read(p)
	if err != nil {
		z.d.Close()
	}
	return n, err
}

// decodingBody reads through r, marking its errors as decompression ones.
type decodingBody struct{ r io.Reader }

func (d decodingBody) Read(p []byte) (int, error) {
	n, err := d.r.Read(p)
	if err != nil && err != io.EOF { //nolint:errorlint // io.Reader contract
		err = &decompressError{err}
	}
	return n, err
}

func isDecompressError(err error) bool {
	var de *decompressError
	return errors.As(err, &de)
}
