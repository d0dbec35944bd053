//go:build linux

package netx

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/testutil/faultsrv"
)

// post sends a body of size bytes through a fresh VU transport and returns
// the transport's error.
func post(t *testing.T, addr string, size int) error {
	t.Helper()
	tr := NewTransport(NewDialer(), TransportOptions{})
	defer tr.CloseIdleConnections()
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	body := bytes.Repeat([]byte("x"), size)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, "http://"+addr+"/upload", bytes.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp, err := tr.RoundTrip(req)
	if err == nil {
		_, _ = io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		t.Fatal("upload succeeded, want an error")
	}
	return err
}

// TestBrokenPipeReal writes to a real connection whose peer has hung up
// (FIN, then RST): Linux answers EPIPE, k6's 1201.
func TestBrokenPipeReal(t *testing.T) {
	t.Parallel()
	addr := faultsrv.UploadCloser(t, faultsrv.HangUpFIN)
	c, err := NewDialer().DialContext(t.Context(), "tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := io.WriteString(c, "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100000000\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	// The FIN arrives first; the writes that follow meet the RST.
	if _, err := c.Read(make([]byte, 1)); err != io.EOF {
		t.Fatalf("read: %v, want EOF", err)
	}
	chunk := make([]byte, 64<<10)
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		if _, err = c.Write(chunk); err != nil {
			break
		}
	}
	code, msg := ClassifyError(err)
	if code != CodeBrokenPipe || msg != "write: broken pipe" {
		t.Errorf("ClassifyError(%v) = %d, %q; want 1201, \"write: broken pipe\"", err, code, msg)
	}
}

// TestUploadToServerThatHangsUp sends request bodies to a server that reads
// only the head and then hangs up.
func TestUploadToServerThatHangsUp(t *testing.T) {
	t.Parallel()

	t.Run("FIN during a large upload is 1200", func(t *testing.T) {
		t.Parallel()
		// net/http's reader sees the end of the stream and closes the
		// connection under the writer, which is blocked on the full window.
		err := post(t, faultsrv.UploadCloser(t, faultsrv.HangUpFIN), 8<<20)
		code, msg := ClassifyError(err)
		if code != CodeTCP || !strings.HasSuffix(msg, "use of closed network connection") {
			t.Errorf("ClassifyError(%v) = %d, %q; want 1200, \"write tcp …: use of closed network connection\"", err, code, msg)
		}
	})

	t.Run("RST after a small upload is 1220", func(t *testing.T) {
		t.Parallel()
		// The fast path writes the body into the socket buffers and meets
		// the reset on the write or on the read of the answer.
		err := post(t, faultsrv.UploadCloser(t, faultsrv.HangUpRST), 60<<10)
		code, msg := ClassifyError(err)
		if code != CodeConnReset || (msg != "read: connection reset by peer" && msg != "write: connection reset by peer") {
			t.Errorf("ClassifyError(%v) = %d, %q; want 1220", err, code, msg)
		}
	})

	t.Run("RST during a large upload is 1220 or 1201", func(t *testing.T) {
		t.Parallel()
		// Which of net/http's reader and writer meets the reset first is
		// up to the scheduler: the reset itself (1220), the broken pipe the
		// other one then gets (1201), or the connection the reader closed
		// under the writer (1200) are all correct answers.
		addr := faultsrv.UploadCloser(t, faultsrv.HangUpRST)
		seen := map[string]int{}
		for range 20 {
			code, msg := ClassifyError(post(t, addr, 8<<20))
			switch {
			case code == CodeConnReset && strings.HasSuffix(msg, ": connection reset by peer"),
				code == CodeBrokenPipe && msg == "write: broken pipe",
				code == CodeTCP && strings.HasSuffix(msg, "use of closed network connection"):
				seen[fmt.Sprint(code)]++
			default:
				t.Errorf("got %d %q; want 1220, 1201 or 1200", code, msg)
			}
		}
		t.Logf("codes over 20 uploads: %v", seen)
	})
}
