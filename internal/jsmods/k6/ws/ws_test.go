package ws

import (
	"context"
	"io"
	"log"
	"net"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gorilla/websocket"
	"go.uber.org/goleak"

	"github.com/stampede-load/stampede/internal/jsmodtest"
	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/metrics"
)

func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}

// server is a loopback WebSocket server with one behaviour per path.
type server struct {
	*httptest.Server
	URL string // ws://host:port

	mu         sync.Mutex
	closeCodes []int // close codes the server received
	pongs      []string
	stop       chan struct{}
}

func startServer(t *testing.T, tlsOn bool) *server {
	t.Helper()
	s := &server{stop: make(chan struct{})}
	up := websocket.Upgrader{Subprotocols: []string{"chat"}}
	mux := http.NewServeMux()
	upgrade := func(w http.ResponseWriter, r *http.Request) *websocket.Conn {
		c, err := up.Upgrade(w, r, http.Header{"X-Server": {"ws-test"}})
		if err != nil {
			t.Errorf("upgrade: %v", err)
			return nil
		}
		c.SetCloseHandler(func(code int, text string) error {
			s.mu.Lock()
			s.closeCodes = append(s.closeCodes, code)
			s.mu.Unlock()
			_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, ""), time.Now().Add(time.Second))
			return nil
		})
		return c
	}
	// echo sends every message back; the User-Agent and a custom header
	// are reported in a first text message when asked for.
	mux.HandleFunc("/echo", func(w http.ResponseWriter, r *http.Request) {
		c := upgrade(w, r)
		if c == nil {
			return
		}
		defer c.Close()
		if r.URL.Query().Has("hello") {
			_ = c.WriteMessage(websocket.TextMessage, []byte(r.UserAgent()+"|"+r.Header.Get("X-Hello")))
		}
		for {
			typ, data, err := c.ReadMessage()
			if err != nil {
				return
			}
			if err := c.WriteMessage(typ, data); err != nil {
				return
			}
		}
	})
	mux.HandleFunc("/binary", func(w http.ResponseWriter, r *http.Request) {
		c := upgrade(w, r)
		if c == nil {
			return
		}
		defer c.Close()
		_ = c.WriteMessage(websocket.BinaryMessage, []byte{1, 2, 3, 250})
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	// ping pings the client and then reads.
	mux.HandleFunc("/ping", func(w http.ResponseWriter, r *http.Request) {
		c := upgrade(w, r)
		if c == nil {
			return
		}
		defer c.Close()
		c.SetPongHandler(func(d string) error {
			s.mu.Lock()
			s.pongs = append(s.pongs, d)
			s.mu.Unlock()
			return nil
		})
		_ = c.WriteControl(websocket.PingMessage, []byte("srv"), time.Now().Add(time.Second))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	// close closes the session with code 4001.
	mux.HandleFunc("/close", func(w http.ResponseWriter, r *http.Request) {
		c := upgrade(w, r)
		if c == nil {
			return
		}
		defer c.Close()
		_ = c.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(4001, "bye"), time.Now().Add(time.Second))
		for {
			if _, _, err := c.ReadMessage(); err != nil {
				return
			}
		}
	})
	// drop closes the TCP connection without a close frame.
	mux.HandleFunc("/drop", func(w http.ResponseWriter, r *http.Request) {
		if c := upgrade(w, r); c != nil {
			_ = c.NetConn().Close()
		}
	})
	// silent never reads, so it never answers a close frame.
	mux.HandleFunc("/silent", func(w http.ResponseWriter, r *http.Request) {
		c := upgrade(w, r)
		if c == nil {
			return
		}
		defer c.Close()
		<-s.stop
	})
	mux.HandleFunc("/refuse", func(w http.ResponseWriter, r *http.Request) {
		http.Error(w, "go away", http.StatusForbidden)
	})
	s.Server = httptest.NewUnstartedServer(mux)
	s.Config.ErrorLog = log.New(io.Discard, "", 0) // refused test certificates
	if tlsOn {
		s.StartTLS()
		s.URL = "wss" + strings.TrimPrefix(s.Server.URL, "https")
	} else {
		s.Start()
		s.URL = "ws" + strings.TrimPrefix(s.Server.URL, "http")
	}
	t.Cleanup(func() {
		close(s.stop)
		s.CloseClientConnections()
		s.Close()
	})
	return s
}

func (s *server) received() (codes []int, pongs []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]int(nil), s.closeCodes...), append([]string(nil), s.pongs...)
}

// newVU returns a VU with k6/ws bound to the global "ws" and the server
// URL to URL.
func newVU(t *testing.T, url string) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.Load("ws", RootModule{})
	if err := vu.Runtime().Set("URL", url); err != nil {
		t.Fatal(err)
	}
	return vu
}

// noSessionGoroutines fails when a goroutine of this package is still
// running: connect must not leave any behind. The tests of this package do
// not run in parallel, so that this sees only the caller's sessions.
func noSessionGoroutines(t *testing.T) {
	t.Helper()
	// A goroutine that has just signalled its end may still be returning;
	// retry briefly, as goleak does.
	var left []string
	for range 50 {
		buf := make([]byte, 1<<20)
		buf = buf[:runtime.Stack(buf, true)]
		left = left[:0]
		for _, g := range strings.Split(string(buf), "\n\n") {
			if strings.Contains(g, "k6/ws.(*session)") || strings.Contains(g, "k6/ws.newCancelGuard") {
				left = append(left, g)
			}
		}
		if len(left) == 0 {
			return
		}
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("goroutines left behind by connect:\n%s", strings.Join(left, "\n\n"))
}

func TestEcho(t *testing.T) {
	srv := startServer(t, false)
	vu := newVU(t, srv.URL)
	vu.StateValue.Options.UserAgent = "stampede-test/1.0"
	got := vu.MustRun(`
		var log = [];
		var res = ws.connect(URL + "/echo?hello", {headers: {"X-Hello": "hi"}, tags: {my: "tag"}}, function (socket) {
			socket.on("open", function () {
				log.push("open");
				socket.send("text");
				socket.sendBinary(new Uint8Array([7, 8]).buffer);
			});
			socket.on("message", function (m) {
				log.push("message:" + m);
			});
			socket.on("binaryMessage", function (b) {
				log.push("binary:" + Array.from(new Uint8Array(b)).join(","));
				socket.close();
			});
			socket.on("close", function (code) { log.push("close:" + code); });
		});
		JSON.stringify({log: log, status: res.status, text: res.status_text, url: res.url,
			server: res.headers["X-Server"], error: res.error, body: res.body});
	`).String()
	want := `{"log":["open","message:stampede-test/1.0|hi","message:text","binary:7,8","close:1001"],` +
		`"status":101,"text":"101 Switching Protocols","url":"` + srv.URL + `/echo?hello","server":"ws-test","error":"","body":""}`
	if got != want {
		t.Errorf("got  %s\nwant %s", got, want)
	}
	noSessionGoroutines(t)

	if codes, _ := srv.received(); len(codes) != 1 || codes[0] != 1001 {
		t.Errorf("server got close codes %v, want [1001]", codes)
	}
	counts := map[string]float64{}
	for _, s := range vu.Samples.All() {
		counts[s.Metric.Name] += 1
		wantTags := map[string]string{
			"url": srv.URL + "/echo?hello", "status": "101", "subproto": "", "group": "",
			"scenario": "default", "my": "tag",
		}
		if got := s.Tags.Map(); !equalMaps(got, wantTags) {
			t.Errorf("%s tags %v, want %v", s.Metric.Name, got, wantTags)
		}
	}
	for name, n := range map[string]float64{
		"ws_sessions": 1, "ws_connecting": 1, "ws_session_duration": 1,
		"ws_msgs_sent": 2, "ws_msgs_received": 3,
	} {
		if counts[name] != n {
			t.Errorf("%d %s samples, want %d\n%s", int(counts[name]), name, int(n), vu.Samples)
		}
	}
	if w, r := vu.Dialer.BytesWritten(), vu.Dialer.BytesRead(); w < 100 || r < 100 {
		t.Errorf("bytes written %d, read %d: the session was not counted", w, r)
	}
}

func equalMaps(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

func TestEvents(t *testing.T) {
	srv := startServer(t, false)
	tests := []struct {
		name, script, want string
	}{{
		name: "binary message is an ArrayBuffer",
		script: `ws.connect(URL + "/binary", function (socket) {
			socket.on("binaryMessage", function (b) {
				log.push((b instanceof ArrayBuffer) + ":" + new Uint8Array(b).join(","));
				socket.close(1000);
			});
			socket.on("close", function (c) { log.push("close:" + c); });
		})`,
		want: `["true:1,2,3,250","close:1000"]`,
	}, {
		name: "server closes with a code",
		script: `ws.connect(URL + "/close", function (socket) {
			socket.on("close", function (c) { log.push("close:" + c); });
			socket.setTimeout(function () { log.push("timeout ran"); }, 5000);
		})`,
		want: `["close:4001"]`,
	}, {
		name: "server drops the connection",
		script: `ws.connect(URL + "/drop", function (socket) {
			socket.on("error", function (e) { log.push("error"); });
			socket.on("close", function (c) { log.push("close:" + c); });
		})`,
		want: `["close:1006"]`,
	}, {
		name: "server ping",
		script: `ws.connect(URL + "/ping", function (socket) {
			socket.on("ping", function () { log.push("ping"); socket.close(); });
		})`,
		want: `["ping"]`,
	}, {
		name: "timers",
		script: `ws.connect(URL + "/echo", function (socket) {
			var n = 0;
			socket.setInterval(function () { log.push("interval" + (++n)); }, 10);
			socket.setTimeout(function () { log.push("timeout"); socket.close(); }, 45);
			socket.setTimeout(function () { log.push("first"); }, 1);
		})`,
		want: `["first","interval1","interval2","interval3","interval4","timeout"]`,
	}, {
		name: "several handlers per event, sends after close are errors",
		script: `ws.connect(URL + "/echo", function (socket) {
			socket.on("open", function () { log.push("open1"); });
			socket.on("open", function () { log.push("open2"); socket.close(); socket.send("late"); });
			socket.on("error", function (e) { log.push("error:" + e.error()); });
		})`,
		want: `["open1","open2","error:websocket: close sent"]`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vu := newVU(t, srv.URL)
			got := vu.MustRun("var log = [];" + tt.script + "; JSON.stringify(log)").String()
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			noSessionGoroutines(t)
		})
	}
}

func TestPing(t *testing.T) {
	srv := startServer(t, false)
	vu := newVU(t, srv.URL)
	got := vu.MustRun(`
		var pongs = 0;
		ws.connect(URL + "/echo", function (socket) {
			socket.on("open", function () { socket.ping(); socket.ping(); });
			socket.on("pong", function () { if (++pongs == 2) socket.close(); });
		});
		pongs`).ToInteger()
	if got != 2 {
		t.Errorf("%d pongs, want 2", got)
	}
	pings := vu.Samples.Named("ws_ping")
	if len(pings) != 2 {
		t.Fatalf("%d ws_ping samples, want 2\n%s", len(pings), vu.Samples)
	}
	for _, p := range pings {
		if p.Value <= 0 || p.Value > 5000 {
			t.Errorf("ws_ping %g ms", p.Value)
		}
	}
	if n := len(vu.Samples.Named("ws_msgs_received")); n != 0 {
		t.Errorf("pongs counted as %d messages", n)
	}
}

func TestServerPingIsAnswered(t *testing.T) {
	srv := startServer(t, false)
	vu := newVU(t, srv.URL)
	vu.MustRun(`ws.connect(URL + "/ping", function (socket) {
		socket.on("ping", function () { socket.setTimeout(function () { socket.close(); }, 20); });
	})`)
	if _, pongs := srv.received(); len(pongs) != 1 || pongs[0] != "srv" {
		t.Errorf("server got pongs %q, want [srv]", pongs)
	}
}

func TestErrors(t *testing.T) {
	srv := startServer(t, false)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	closed := "ws://" + ln.Addr().String()
	ln.Close()

	tests := []struct{ name, script, want string }{
		{"refused upgrade", `ws.connect(URL + "/refuse", function () {})`, "websocket: bad handshake (status 403)"},
		{"connection refused", `ws.connect("` + closed + `", function () {})`, "connection refused"},
		{"malformed URL", `ws.connect("http://x", function () {})`, "malformed ws or wss URL"},
		{"no callback", `ws.connect(URL + "/echo")`, "must be a callback function"},
		{"handler throws", `ws.connect(URL + "/echo", function (s) { s.on("open", function () { throw new Error("boom"); }); })`, "boom"},
		{"callback throws", `ws.connect(URL + "/echo", function (s) { throw new Error("bang"); })`, "bang"},
		{"timer throws", `ws.connect(URL + "/echo", function (s) { s.setTimeout(function () { null.x; }, 1); })`, "TypeError"},
		{"setTimeout 0", `ws.connect(URL + "/echo", function (s) { s.setTimeout(function () {}, 0); })`,
			"setTimeout requires a >0 timeout parameter, received 0"},
		{"setInterval -1", `ws.connect(URL + "/echo", function (s) { s.setInterval(function () {}, -1); })`,
			"setInterval requires a >0 interval parameter, received -1"},
		{"sendBinary string", `ws.connect(URL + "/echo", function (s) { s.sendBinary("x"); })`, "expected an ArrayBuffer"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			vu := newVU(t, srv.URL)
			_, err := vu.Run(tt.script)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
			if n := len(vu.Samples.Named("ws_session_duration")); n > 1 {
				t.Errorf("%d sessions", n)
			}
			noSessionGoroutines(t)
		})
	}
}

func TestInitContext(t *testing.T) {
	vu := newVU(t, "ws://127.0.0.1:1")
	vu.EnterInitStage()
	_, err := vu.Run(`ws.connect(URL, function () {})`)
	if err == nil || !strings.Contains(err.Error(), "using websockets in the init context is not supported") {
		t.Errorf("error %v", err)
	}
}

// TestNetworkOptions checks that connect dials through the VU's dialer:
// hosts and blockHostnames apply.
func TestNetworkOptions(t *testing.T) {
	srv := startServer(t, false)
	blocked, err := netx.NewHostnameMatcher([]string{"*.blocked.test"})
	if err != nil {
		t.Fatal(err)
	}
	vu := newVU(t, srv.URL)
	d := netx.NewDialerWith(netx.DialerOptions{
		Hosts:          map[string]string{"echo.test": srv.Listener.Addr().String()},
		BlockHostnames: blocked,
	})
	tr := netx.NewTransport(d, netx.TransportOptions{})
	t.Cleanup(tr.CloseIdleConnections)
	vu.StateValue.Transport = &netx.RateLimitedTransport{Next: tr, Limiter: netx.NewRateLimiter(1000)}

	got := vu.MustRun(`var status;
		ws.connect("ws://echo.test/echo", function (s) { s.on("open", function () { s.close(); }); }).status`).ToInteger()
	if got != 101 {
		t.Errorf("status %d via hosts", got)
	}
	if d.BytesWritten() == 0 {
		t.Error("the VU's dialer was not used")
	}
	_, err = vu.Run(`ws.connect("ws://a.blocked.test/echo", function () {})`)
	if err == nil || !strings.Contains(err.Error(), "blocked pattern") {
		t.Errorf("error %v, want a blocked hostname", err)
	}
}

func TestTLS(t *testing.T) {
	srv := startServer(t, true)
	vu := newVU(t, srv.URL)
	tr := netx.NewTransport(netx.NewDialer(), netx.TransportOptions{InsecureSkipTLSVerify: true})
	t.Cleanup(tr.CloseIdleConnections)
	vu.StateValue.Transport = tr
	got := vu.MustRun(`var m;
		ws.connect(URL + "/echo", function (s) {
			s.on("open", function () { s.send("secure"); });
			s.on("message", function (x) { m = x; s.close(); });
		}); m`).String()
	if got != "secure" {
		t.Errorf("got %q", got)
	}

	// Without insecureSkipTLSVerify the test certificate is refused.
	strict := newVU(t, srv.URL)
	if _, err := strict.Run(`ws.connect(URL + "/echo", function () {})`); err == nil || !strings.Contains(err.Error(), "certificate") {
		t.Errorf("error %v, want a certificate error", err)
	}
}

func TestSubprotocol(t *testing.T) {
	srv := startServer(t, false)
	vu := newVU(t, srv.URL)
	vu.MustRun(`ws.connect(URL + "/echo", {headers: {"Sec-WebSocket-Protocol": "chat"}}, function (s) {
		s.on("open", function () { s.close(); });
	})`)
	for _, s := range vu.Samples.Named("ws_sessions") {
		if v, _ := s.Tags.Get("subproto"); v != "chat" {
			t.Errorf("subproto tag %q, want chat", v)
		}
	}
}

func TestSystemTagsOff(t *testing.T) {
	srv := startServer(t, false)
	vu := newVU(t, srv.URL)
	vu.StateValue.Options.SystemTags = metrics.SystemTagSet(metrics.TagGroup)
	vu.MustRun(`ws.connect(URL + "/echo", function (s) { s.on("open", function () { s.close(); }); })`)
	for _, s := range vu.Samples.All() {
		for _, k := range []string{"url", "status", "subproto"} {
			if _, ok := s.Tags.Get(k); ok {
				t.Errorf("%s has the disabled tag %s", s.Metric.Name, k)
			}
		}
	}
}

// TestCloseTimeout: a peer that never answers the close frame ends the
// session after closeWait.
func TestCloseTimeout(t *testing.T) {
	srv := startServer(t, false)
	vu := newVU(t, srv.URL)
	start := time.Now()
	got := vu.MustRun(`var code;
		ws.connect(URL + "/silent", function (s) {
			s.on("open", function () { s.close(4000); });
			s.on("close", function (c) { code = c; });
		}); code`).ToInteger()
	if got != 4000 {
		t.Errorf("close code %d", got)
	}
	if d := time.Since(start); d < closeWait || d > closeWait+3*time.Second {
		t.Errorf("close took %v, want about %v", d, closeWait)
	}
	noSessionGoroutines(t)
}

// TestInterrupt: stopping the iteration ends connect promptly, in the
// session and in the handshake, and runs no more handlers.
func TestInterrupt(t *testing.T) {
	srv := startServer(t, false)
	// hang accepts TCP connections and never answers the handshake.
	hang, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	var conns sync.WaitGroup
	t.Cleanup(func() { hang.Close(); conns.Wait() })
	conns.Add(1)
	go func() {
		defer conns.Done()
		for {
			c, err := hang.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			go func() {
				defer conns.Done()
				defer c.Close()
				_, _ = c.Read(make([]byte, 1))
				for {
					if _, err := c.Read(make([]byte, 512)); err != nil {
						return
					}
				}
			}()
		}
	}()

	for name, url := range map[string]string{
		"session":   srv.URL + "/echo",
		"handshake": "ws://" + hang.Addr().String(),
	} {
		t.Run(name, func(t *testing.T) {
			vu := newVU(t, url)
			ctx, cancel := context.WithCancel(t.Context())
			vu.SetContext(ctx)
			time.AfterFunc(100*time.Millisecond, cancel)
			start := time.Now()
			_, _ = vu.Run(`ws.connect(URL, function (s) {
				s.setInterval(function () { s.send("tick"); }, 5);
				s.on("close", function () { throw new Error("close handler ran"); });
			})`)
			if d := time.Since(start); d > 2*time.Second {
				t.Errorf("connect returned %v after the cancel", d)
			}
			noSessionGoroutines(t)
		})
	}
}
