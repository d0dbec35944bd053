package ws

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/dop251/goja"
	"github.com/gorilla/websocket"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

func init() { ext.Register("js.k6/ws", RootModule{}) }

// RootModule is the "k6/ws" JS module: connect(url, [params], callback).
type RootModule struct{}

var _ jsmod.Module = RootModule{}

// NewModuleInstance implements jsmod.Module.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	m := &module{vu: vu}
	def := vu.Runtime().NewObject()
	_ = def.Set("connect", m.connect)
	return instance{exports: jsmod.Exports{Default: def}}
}

type instance struct{ exports jsmod.Exports }

// Exports implements jsmod.Instance.
func (i instance) Exports() jsmod.Exports { return i.exports }

type module struct {
	vu jsmod.VU
}

// errInitContext is thrown by connect in the init stage, with k6's text.
var errInitContext = errors.New("using websockets in the init context is not supported")

// params are connect's options.
type params struct {
	header   http.Header
	userTags []metrics.Tag
}

func (m *module) connect(c goja.FunctionCall) goja.Value {
	rt := m.vu.Runtime()
	st := m.vu.State()
	if st == nil {
		panic(rt.NewGoError(errInitContext))
	}
	rawURL := c.Argument(0).String()
	paramsV, cbV := c.Argument(1), c.Argument(2)
	if len(c.Arguments) == 2 {
		paramsV, cbV = nil, c.Argument(1)
	}
	callback, ok := goja.AssertFunction(cbV)
	if !ok {
		panic(rt.NewTypeError("ws.connect: the last argument must be a callback function"))
	}
	p, err := parseParams(rt, paramsV)
	if err != nil {
		panic(rt.NewGoError(err))
	}
	if st.Options.UserAgent != "" && p.header.Get("User-Agent") == "" {
		p.header.Set("User-Agent", st.Options.UserAgent)
	}

	ctx := m.vu.Context()
	guard := newCancelGuard(ctx)
	start := time.Now()
	conn, resp, err := dial(ctx, st, guard, rawURL, p.header)
	connected := time.Now()
	if err != nil {
		guard.release()
		panic(rt.NewGoError(err))
	}

	s := newSession(rt, ctx, st, conn, guard)
	s.tags = sessionTags(st, p.userTags, rawURL, resp)
	s.push(st.Builtin.WSSessions, connected, 1)
	s.push(st.Builtin.WSConnecting, connected, ms(connected.Sub(start)))

	res := response(rt, rawURL, resp)
	jsErr := s.run(callback)
	if ctx.Err() == nil {
		s.push(st.Builtin.WSSessionDuration, time.Now(), ms(time.Since(start)))
	}
	if jsErr != nil {
		panic(jsErr) // the handler's exception (or the VU's interrupt), unchanged
	}
	return res
}

// parseParams reads connect's params: headers and tags. Other keys are
// ignored, as in k6 v0.32.
func parseParams(rt *goja.Runtime, v goja.Value) (params, error) {
	p := params{header: http.Header{}}
	if isNullish(v) {
		return p, nil
	}
	obj := v.ToObject(rt)
	for _, k := range obj.Keys() {
		val := obj.Get(k)
		if isNullish(val) {
			continue
		}
		switch k {
		case "headers":
			h := val.ToObject(rt)
			for _, name := range h.Keys() {
				if hv := h.Get(name); !isNullish(hv) {
					p.header.Set(name, hv.String())
				}
			}
		case "tags":
			t := val.ToObject(rt)
			for _, name := range t.Keys() {
				if tv := t.Get(name); !isNullish(tv) {
					p.userTags = append(p.userTags, metrics.Tag{Key: name, Value: tv.String()})
				}
			}
		}
	}
	return p, nil
}

func isNullish(v goja.Value) bool {
	return v == nil || goja.IsUndefined(v) || goja.IsNull(v)
}

// dial makes the handshake through the VU's transport. Connections it
// opens are registered with guard, which closes them when ctx ends.
func dial(ctx context.Context, st *jsmod.State, guard *cancelGuard, rawURL string, h http.Header) (*websocket.Conn, *http.Response, error) {
	d := websocket.Dialer{Jar: st.CookieJar}
	if tr := netx.Base(st.Transport); tr != nil {
		d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := tr.Dial(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return guard.track(c, c), nil
		}
		d.NetDialTLSContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := tr.DialTLS(ctx, network, addr, nil)
			if err != nil {
				return nil, err
			}
			return guard.track(c, c.NetConn()), nil
		}
	} else {
		// Not a stampede VU transport: dial without the network options.
		var nd net.Dialer
		d.NetDialContext = func(ctx context.Context, network, addr string) (net.Conn, error) {
			c, err := nd.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return guard.track(c, c), nil
		}
	}
	conn, resp, err := d.DialContext(ctx, rawURL, h)
	switch {
	case ctx.Err() != nil:
		if conn != nil {
			_ = conn.Close()
		}
		return nil, nil, context.Cause(ctx)
	case errors.Is(err, websocket.ErrBadHandshake) && resp != nil:
		return nil, nil, fmt.Errorf("%w (status %d)", err, resp.StatusCode)
	case err != nil:
		return nil, nil, err
	}
	return conn, resp, nil
}

// cancelGuard closes a session's connections when the VU context ends,
// so that nothing (handshake, read or write) blocks past the iteration.
type cancelGuard struct {
	mu        sync.Mutex
	conns     []net.Conn
	cancelled bool
	stop      func() bool
	done      chan struct{}
}

func newCancelGuard(ctx context.Context) *cancelGuard {
	g := &cancelGuard{done: make(chan struct{})}
	g.stop = context.AfterFunc(ctx, func() {
		defer close(g.done)
		g.mu.Lock()
		defer g.mu.Unlock()
		g.cancelled = true
		for _, c := range g.conns {
			_ = c.Close()
		}
	})
	return g
}

// track registers raw, the network connection under c, and returns c.
func (g *cancelGuard) track(c, raw net.Conn) net.Conn {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.cancelled {
		_ = raw.Close()
	}
	g.conns = append(g.conns, raw)
	return c
}

// release stops watching the context and waits for a close already under
// way, so that its goroutine does not outlive connect.
func (g *cancelGuard) release() {
	if !g.stop() {
		<-g.done
	}
}

// sessionTags are the tags of every sample of the session.
func sessionTags(st *jsmod.State, user []metrics.Tag, rawURL string, resp *http.Response) *metrics.TagSet {
	sys := st.Options.SystemTags
	var b metrics.Builder
	b.Reset(st.Tags)
	for _, t := range user {
		b.Set(t.Key, t.Value)
	}
	if sys.Has(metrics.TagURL) {
		b.Set("url", cleanURL(rawURL))
	}
	if sys.Has(metrics.TagStatus) {
		b.Set("status", strconv.Itoa(resp.StatusCode))
	}
	if sys.Has(metrics.TagSubproto) {
		b.Set("subproto", resp.Header.Get("Sec-WebSocket-Protocol"))
	}
	return b.TagSet()
}

// cleanURL hides a password in the URL's userinfo, as for HTTP's url tag.
func cleanURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.User == nil {
		return raw
	}
	if _, has := u.User.Password(); !has {
		return raw
	}
	u.User = url.UserPassword(u.User.Username(), "****")
	return strings.Replace(u.String(), "%2A%2A%2A%2A", "****", 1)
}

// response is connect's return value: the handshake response.
func response(rt *goja.Runtime, rawURL string, resp *http.Response) *goja.Object {
	o := rt.NewObject()
	headers := rt.NewObject()
	for k, v := range resp.Header {
		_ = headers.Set(k, strings.Join(v, ", "))
	}
	var body []byte
	if resp.Body != nil {
		body, _ = io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	}
	_ = o.Set("url", rawURL)
	_ = o.Set("status", resp.StatusCode)
	_ = o.Set("status_text", resp.Status)
	_ = o.Set("headers", headers)
	_ = o.Set("body", string(body))
	_ = o.Set("error", "")
	return o
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }
