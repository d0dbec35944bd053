package target

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"time"

	"github.com/mccutchen/go-httpbin/v2/httpbin"
)

// Server is a running target.
type Server struct {
	URL string
	srv *http.Server
	ln  net.Listener
	err chan error
}

// Start serves the target on addr ("127.0.0.1:0" picks a free port). It
// refuses non-loopback addresses: the target is for local tests only.
func Start(addr string) (*Server, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("target address %q: %w", addr, err)
	}
	if host != "localhost" {
		ip := net.ParseIP(host)
		if ip == nil || !ip.IsLoopback() {
			return nil, fmt.Errorf("target address %q: only loopback addresses are allowed", addr)
		}
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("starting target: %w", err)
	}
	hb := httpbin.New(httpbin.WithMaxDuration(30 * time.Second))
	s := &Server{
		URL: "http://" + ln.Addr().String(),
		srv: &http.Server{Handler: hb, ReadHeaderTimeout: 10 * time.Second},
		ln:  ln,
		err: make(chan error, 1),
	}
	go func() {
		err := s.srv.Serve(ln)
		if errors.Is(err, http.ErrServerClosed) {
			err = nil
		}
		s.err <- err
	}()
	return s, nil
}

// Close stops the server and waits for it.
func (s *Server) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := s.srv.Shutdown(ctx); err != nil {
		_ = s.srv.Close()
	}
	return <-s.err
}
