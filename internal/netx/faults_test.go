package netx

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stampede-load/stampede/internal/testutil/faultsrv"
	"golang.org/x/net/http2"
)

// h2FaultServer is a raw HTTP/2-over-TLS server: it answers the client's
// preface and settings, and when the HEADERS of a request arrive it calls
// fault with the stream's ID instead of answering. The connection is closed
// when fault returns true, else once the client hangs up.
func h2FaultServer(t *testing.T, fault func(fr *http2.Framer, stream uint32) (closeConn bool)) string {
	t.Helper()
	ln, err := tls.Listen("tcp", "127.0.0.1:0", &tls.Config{
		Certificates: []tls.Certificate{clientCert(t, "h2.test")}, NextProtos: []string{"h2"},
	})
	if err != nil {
		t.Fatal(err)
	}
	faultsrv.Serve(t, ln, 10*time.Second, func(c net.Conn) { faultsrv.ServeH2Fault(c, fault) })
	return ln.Addr().String()
}

func TestClassifyErrorHTTP2Faults(t *testing.T) {
	t.Parallel()
	goAway := func(code http2.ErrCode) func(*http2.Framer, uint32) bool {
		return func(fr *http2.Framer, id uint32) bool { _ = fr.WriteGoAway(id, code, nil); return true }
	}
	rst := func(code http2.ErrCode) func(*http2.Framer, uint32) bool {
		return func(fr *http2.Framer, id uint32) bool { _ = fr.WriteRSTStream(id, code); return false }
	}
	tests := []struct {
		name     string
		fault    func(*http2.Framer, uint32) bool
		wantCode int
		wantMsg  string
	}{
		{"GOAWAY NO_ERROR", goAway(http2.ErrCodeNo), 1611, "http2: received GoAway with http2 ErrCode NO_ERROR"},
		{"GOAWAY PROTOCOL_ERROR", goAway(http2.ErrCodeProtocol), 1612, "http2: received GoAway with http2 ErrCode PROTOCOL_ERROR"},
		{"GOAWAY ENHANCE_YOUR_CALM", goAway(http2.ErrCodeEnhanceYourCalm), 1622, "http2: received GoAway with http2 ErrCode ENHANCE_YOUR_CALM"},
		{"GOAWAY HTTP_1_1_REQUIRED", goAway(http2.ErrCodeHTTP11Required), 1624, "http2: received GoAway with http2 ErrCode HTTP_1_1_REQUIRED"},
		{"GOAWAY unknown code", goAway(0x42), 1610, "http2: received GoAway with http2 ErrCode unknown error code 0x42"},
		{"RST_STREAM INTERNAL_ERROR", rst(http2.ErrCodeInternal), 1633, "http2: stream error with http2 ErrCode INTERNAL_ERROR"},
		{"RST_STREAM CANCEL", rst(http2.ErrCodeCancel), 1639, "http2: stream error with http2 ErrCode CANCEL"},
		{"RST_STREAM unknown code", rst(0x42), 1630, "http2: stream error with http2 ErrCode unknown error code 0x42"},
		{"DATA on stream 0", func(fr *http2.Framer, _ uint32) bool {
			_ = fr.WriteData(0, false, []byte("x"))
			return false
		}, 1652, "http2: connection error with http2 ErrCode PROTOCOL_ERROR"},
		{"initial window too large", func(fr *http2.Framer, _ uint32) bool {
			_ = fr.WriteSettings(http2.Setting{ID: http2.SettingInitialWindowSize, Val: 1 << 31})
			return false
		}, 1654, "http2: connection error with http2 ErrCode FLOW_CONTROL_ERROR"},
		{"PUSH_PROMISE though push is off", func(fr *http2.Framer, id uint32) bool {
			_ = fr.WritePushPromise(http2.PushPromiseParam{StreamID: id, PromiseID: 2, EndHeaders: true})
			return false
		}, 1652, "http2: connection error with http2 ErrCode PROTOCOL_ERROR"},
		{"SETTINGS max frame size too small", func(fr *http2.Framer, _ uint32) bool {
			_ = fr.WriteSettings(http2.Setting{ID: http2.SettingMaxFrameSize, Val: 1})
			return false
		}, 1652, "http2: connection error with http2 ErrCode PROTOCOL_ERROR"},
		{"PING of 7 bytes", func(fr *http2.Framer, _ uint32) bool {
			_ = fr.WriteRawFrame(http2.FramePing, 0, 0, make([]byte, 7))
			return false
		}, 1657, "http2: connection error with http2 ErrCode FRAME_SIZE_ERROR"},
		{"stream window over 2^31-1", func(fr *http2.Framer, id uint32) bool {
			// The client resets the stream; Go 1.26's bundled HTTP/2
			// client deadlocked here instead.
			_ = fr.WriteWindowUpdate(id, 1<<31-1)
			_ = fr.WriteWindowUpdate(id, 1<<31-1)
			return false
		}, 1634, "http2: stream error with http2 ErrCode FLOW_CONTROL_ERROR"},
		{"undecodable HPACK", func(fr *http2.Framer, id uint32) bool {
			_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: faultsrv.BadHPACK, EndHeaders: true})
			return false
		}, 1660, "http2: connection error with http2 ErrCode COMPRESSION_ERROR"},
		{"malformed :status", func(fr *http2.Framer, id uint32) bool {
			_ = fr.WriteHeaders(http2.HeadersFrameParam{StreamID: id, BlockFragment: faultsrv.HPACK(":status", "abc"), EndHeaders: true})
			return false
		}, 1632, "http2: stream error with http2 ErrCode PROTOCOL_ERROR"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			addr := h2FaultServer(t, tc.fault)
			err := roundTrip(t, "https://"+addr+"/", TransportOptions{InsecureSkipTLSVerify: true})
			if err == nil {
				t.Fatal("request succeeded, want an error")
			}
			code, msg := ClassifyError(err)
			if code != tc.wantCode || msg != tc.wantMsg {
				t.Errorf("ClassifyError(%v) = %d, %q; want %d, %q", err, code, msg, tc.wantCode, tc.wantMsg)
			}
		})
	}
}

func TestRateLimiterSharedAcrossGoroutines(t *testing.T) {
	t.Parallel()
	var hits atomic.Int64
	srv := &http.Server{Handler: http.HandlerFunc(func(http.ResponseWriter, *http.Request) { hits.Add(1) })}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go func() { _ = srv.Serve(ln) }()
	defer srv.Close()

	lim := NewRateLimiter(20)
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			tr := &RateLimitedTransport{Next: NewTransport(NewDialer(), TransportOptions{}), Limiter: lim}
			defer tr.CloseIdleConnections()
			for ctx.Err() == nil {
				req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+ln.Addr().String()+"/", nil)
				if resp, err := tr.RoundTrip(req); err == nil {
					_, _ = io.Copy(io.Discard, resp.Body)
					resp.Body.Close()
				}
			}
		})
	}
	wg.Wait()
	// 20/s for 2 s, the first at once: 40 or 41 requests.
	if n := hits.Load(); n < 36 || n > 44 {
		t.Errorf("50 goroutines at rps=20 for 2s made %d requests, want about 40", n)
	}
}

func TestRateLimiterNil(t *testing.T) {
	t.Parallel()
	if NewRateLimiter(0) != nil || NewRateLimiter(-1) != nil {
		t.Error("a non-positive rps must mean no limiter")
	}
}

func TestRateLimiterCancelledWaitReturnsSlot(t *testing.T) {
	t.Parallel()
	lim := NewRateLimiter(1)
	if err := lim.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Millisecond)
	defer cancel()
	if err := lim.Wait(ctx); err == nil {
		t.Fatal("wait for a slot 1s away outlived a 10ms context")
	}
	start := time.Now()
	if err := lim.Wait(t.Context()); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(start); d > 1200*time.Millisecond {
		t.Errorf("after a cancelled wait the next slot came in %v, want within 1s", d)
	}
}
