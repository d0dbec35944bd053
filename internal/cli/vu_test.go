package cli

import (
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/sirupsen/logrus"

	"github.com/stampede-load/stampede/internal/config"
	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/internal/procenv"
)

// TestVUTransportNetworkOptions checks that the network options reach
// each VU's transport and that localIPs hands the addresses out in turn.
func TestVUTransportNetworkOptions(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host, _, _ := net.SplitHostPort(r.RemoteAddr)
		w.Header().Set("X-From", host)
	}))
	defer srv.Close()
	_, port, _ := net.SplitHostPort(srv.Listener.Addr().String())

	o := config.Defaults()
	o.LocalIPs = config.Some("127.0.0.2-127.0.0.3")
	o.Hosts = config.Some(map[string]string{"mapped.test": "127.0.0.1:" + port})
	o.BlockHostnames = config.Some([]string{"*.blocked.test"})
	o.BlacklistIPs = config.Some([]string{"127.0.0.9/32"})
	o.DNS = config.DNS{TTL: config.Some("inf"), Select: config.Some("first"), Policy: config.Some("onlyIPv4")}
	a := newTestApp()

	get := func(rt http.RoundTripper, url string) (string, error) {
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
		resp, err := rt.RoundTrip(req)
		if err != nil {
			return "", err
		}
		resp.Body.Close()
		return resp.Header.Get("X-From"), nil
	}
	for i, want := range []string{"127.0.0.2", "127.0.0.3", "127.0.0.2"} {
		rt, _ := a.vuTransport(o)
		from, err := get(rt, "http://mapped.test:1/")
		if err != nil {
			t.Fatalf("VU %d: %v", i, err)
		}
		if from != want {
			t.Errorf("VU %d connected from %s, want %s", i, from, want)
		}
		for url, code := range map[string]int{
			"http://x.blocked.test/": netx.CodeBlockedHostname,
			"http://127.0.0.9/":      netx.CodeBlacklistedIP,
		} {
			_, err := get(rt, url)
			if got, _ := netx.ClassifyError(err); got != code {
				t.Errorf("VU %d %s: code %d (%v), want %d", i, url, got, err, code)
			}
		}
		if c, ok := rt.(interface{ CloseIdleConnections() }); ok {
			c.CloseIdleConnections()
		}
	}
}

// TestVUTransportRPSShared checks that rps gives every VU's transport the
// same run-wide limiter, and no limiter at all without it.
func TestVUTransportRPSShared(t *testing.T) {
	o := config.Defaults()
	o.RPS = config.Some[int64](20)
	a := newTestApp()
	rt1, _ := a.vuTransport(o)
	rt2, _ := a.vuTransport(o)
	l1, ok1 := rt1.(*netx.RateLimitedTransport)
	l2, ok2 := rt2.(*netx.RateLimitedTransport)
	if !ok1 || !ok2 || l1.Limiter == nil || l1.Limiter != l2.Limiter {
		t.Errorf("VU transports %T, %T do not share one limiter", rt1, rt2)
	}

	none := newTestApp()
	if rt, _ := none.vuTransport(config.Defaults()); rt == nil {
		t.Fatal("no transport")
	} else if _, limited := rt.(*netx.RateLimitedTransport); limited {
		t.Error("a limiter without the rps option")
	}
}

// newTestApp is an app with an empty environment.
func newTestApp() *app {
	e, _, _ := procenv.ForTest(nil, nil)
	return &app{env: e, logger: logrus.New()}
}
