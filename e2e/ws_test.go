package e2e

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gorilla/websocket"
)

// TestWSSession runs a k6/ws session (testdata/ws.js, modelled on k6's
// samples/websocket.js) against a loopback echo server: every check and
// threshold must pass and the summary export must have the ws_* metrics.
func TestWSSession(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		c, err := (&websocket.Upgrader{}).Upgrade(w, r, nil)
		if err != nil {
			return
		}
		defer c.Close()
		for {
			typ, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(typ, data); err != nil {
				return
			}
		}
	}))
	t.Cleanup(func() {
		srv.CloseClientConnections()
		srv.Close()
	})
	wsURL := "ws" + strings.TrimPrefix(srv.URL, "http")

	r := stampede(t, runOpts{env: map[string]string{"WS_URL": wsURL}}, "run", "--summary-export={export}", "ws.js")
	r.wantCode(t, 0)
	checks := r.checks(t)
	if len(checks) != 8 {
		t.Errorf("%d checks, want 8: %v", len(checks), keys(checks))
	}
	for name, c := range checks {
		if c.Fails != 0 || c.Passes != 4 {
			t.Errorf("check %s: %+v\nstderr:\n%s", name, c, r.stderr)
		}
	}
	if n := r.export.metric(t, "ws_sessions", "count"); n != 4 {
		t.Errorf("ws_sessions count %g, want 4", n)
	}
	for _, m := range []string{"ws_msgs_sent", "ws_msgs_received"} {
		if n := r.export.metric(t, m, "count"); n < 12 {
			t.Errorf("%s count %g, want at least 12", m, n)
		}
	}
	for _, m := range []string{"ws_ping", "ws_session_duration", "ws_connecting"} {
		if v := r.export.metric(t, m, "max"); v <= 0 {
			t.Errorf("%s max %g", m, v)
		}
	}
	if v := r.export.metric(t, "data_sent", "count"); v <= 0 {
		t.Errorf("data_sent %g: the sessions' bytes were not counted", v)
	}
	if strings.Contains(r.stderr, "ws error") {
		t.Errorf("error events:\n%s", r.stderr)
	}
}
