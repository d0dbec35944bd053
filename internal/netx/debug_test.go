package netx

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestDebugTransport(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Reply", "yes")
		_, _ = io.WriteString(w, "the body")
	}))
	defer srv.Close()
	for _, full := range []bool{false, true} {
		var logs, ids []string
		tr := &DebugTransport{Next: NewTransport(NewDialer(), TransportOptions{}), Full: full,
			Log: func(id, m string) { ids, logs = append(ids, id), append(logs, m) }}
		req, _ := http.NewRequest(http.MethodPost, srv.URL+"/x", strings.NewReader("sent body"))
		resp, err := tr.RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		tr.CloseIdleConnections()
		if string(body) != "the body" {
			t.Errorf("full=%v: body was consumed by the dump: %q", full, body)
		}
		if len(logs) != 2 || !strings.HasPrefix(logs[0], "Request:\nPOST /x HTTP/1.1") ||
			!strings.HasPrefix(logs[1], "Response:\nHTTP/1.1 200 OK") || !strings.Contains(logs[1], "X-Reply: yes") {
			t.Fatalf("full=%v: logs = %q", full, logs)
		}
		// k6's format: LF line ends, a trailing LF, one request_id per pair.
		if strings.Contains(logs[0]+logs[1], "\r") || !strings.HasSuffix(logs[0], "\n") ||
			!strings.Contains(logs[0], "POST /x HTTP/1.1\nHost: ") {
			t.Errorf("full=%v: dumps not in k6's format: %q", full, logs)
		}
		if len(ids[0]) != 36 || ids[0] != ids[1] {
			t.Errorf("full=%v: request ids %q, want one UUID for the pair", full, ids)
		}
		if got := strings.Contains(logs[0], "sent body") && strings.Contains(logs[1], "the body"); got != full {
			t.Errorf("full=%v: bodies dumped = %v", full, got)
		}
	}
}
