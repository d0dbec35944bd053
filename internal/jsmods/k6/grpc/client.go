package grpc

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"math"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/bufbuild/protocompile"
	"github.com/dop251/goja"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/connectivity"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/peer"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"

	"github.com/stampede-load/stampede/internal/netx"
	"github.com/stampede-load/stampede/jsmod"
	"github.com/stampede-load/stampede/metrics"
)

// defaultTimeout is k6's default for both connect and invoke.
const defaultTimeout = 60 * time.Second

// client is one grpc.Client of a VU. Like the VU, it is used from one
// goroutine only.
type client struct {
	vu      jsmod.VU
	methods map[string]protoreflect.MethodDescriptor // by "/pkg.Service/Method"
	conn    *grpc.ClientConn
	addr    string
	tags    metrics.Builder
}

func newClient(vu jsmod.VU) *client {
	return &client{vu: vu, methods: make(map[string]protoreflect.MethodDescriptor)}
}

// object is the client's JS face.
func (c *client) object() *goja.Object {
	o := c.vu.Runtime().NewObject()
	_ = o.Set("load", c.load)
	_ = o.Set("connect", c.connect)
	_ = o.Set("invoke", c.invoke)
	_ = o.Set("close", c.close)
	return o
}

func (c *client) throw(err error) {
	panic(c.vu.Runtime().NewGoError(err))
}

// load compiles .proto files and remembers their methods: load(importPaths,
// ...files). It returns the methods' descriptions.
func (c *client) load(call goja.FunctionCall) goja.Value {
	rt := c.vu.Runtime()
	env := c.vu.InitEnv()
	if env == nil {
		c.throw(errors.New("load must be called in the init context"))
	}
	if env.ReadFile == nil {
		c.throw(errors.New("load: this script cannot read files"))
	}
	var importPaths []string
	if v := call.Argument(0); !goja.IsUndefined(v) && !goja.IsNull(v) {
		if err := rt.ExportTo(v, &importPaths); err != nil {
			c.throw(fmt.Errorf("load: the import paths must be an array of strings: %w", err))
		}
	}
	var names []string
	for _, a := range call.Arguments[min(1, len(call.Arguments)):] {
		names = append(names, a.String())
	}
	if len(names) == 0 {
		c.throw(errors.New("load: no proto files given"))
	}
	files, err := compileProtos(c.vu.Context(), env.ReadFile, importPaths, names)
	if err != nil {
		c.throw(err)
	}
	var infos []any
	seen := make(map[string]bool)
	var walk func(fd protoreflect.FileDescriptor)
	walk = func(fd protoreflect.FileDescriptor) {
		if seen[fd.Path()] {
			return
		}
		seen[fd.Path()] = true
		imports := fd.Imports()
		for i := range imports.Len() {
			walk(imports.Get(i).FileDescriptor)
		}
		services := fd.Services()
		for i := range services.Len() {
			sd := services.Get(i)
			methods := sd.Methods()
			for j := range methods.Len() {
				md := methods.Get(j)
				full := "/" + string(sd.FullName()) + "/" + string(md.Name())
				c.methods[full] = md
				info := rt.NewObject()
				_ = info.Set("name", string(md.Name()))
				_ = info.Set("fullMethod", full)
				_ = info.Set("package", string(fd.Package()))
				_ = info.Set("service", string(sd.FullName()))
				_ = info.Set("isClientStream", md.IsStreamingClient())
				_ = info.Set("isServerStream", md.IsStreamingServer())
				infos = append(infos, info)
			}
		}
	}
	for _, fd := range files {
		walk(fd)
	}
	return rt.NewArray(infos...)
}

// compileProtos parses and links the named files, reading them and their
// imports through readFile.
func compileProtos(ctx context.Context, readFile func(string) ([]byte, error), importPaths, names []string) ([]protoreflect.FileDescriptor, error) {
	comp := protocompile.Compiler{
		Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{
			ImportPaths: importPaths,
			Accessor: func(p string) (io.ReadCloser, error) {
				data, err := readFile(p)
				if err != nil {
					return nil, err
				}
				return io.NopCloser(bytes.NewReader(data)), nil
			},
		}),
	}
	files, err := comp.Compile(ctx, names...)
	if err != nil {
		return nil, fmt.Errorf("loading proto files: %w", err)
	}
	out := make([]protoreflect.FileDescriptor, len(files))
	for i, f := range files {
		out[i] = f
	}
	return out, nil
}

// connect dials address and waits until the connection is ready:
// connect(address, [params]) → true.
func (c *client) connect(call goja.FunctionCall) goja.Value {
	rt := c.vu.Runtime()
	st := c.vu.State()
	if st == nil {
		c.throw(errors.New("connecting to a gRPC server in the init context is not supported"))
	}
	addr := call.Argument(0)
	if goja.IsUndefined(addr) || goja.IsNull(addr) || addr.String() == "" {
		c.throw(errors.New("connect: the address is required"))
	}
	plaintext, timeout := false, defaultTimeout
	if err := eachParam(rt, call.Argument(1), func(k string, v goja.Value) error {
		switch k {
		case "plaintext":
			plaintext = v.ToBoolean()
		case "timeout":
			d, err := durationValue(v)
			if err != nil {
				return fmt.Errorf("invalid timeout value: %w", err)
			}
			timeout = d
		default:
			return fmt.Errorf("unknown connect param: %q", k)
		}
		return nil
	}); err != nil {
		c.throw(err)
	}
	conn, err := dial(c.vu.Context(), st, addr.String(), plaintext, timeout)
	if err != nil {
		c.throw(err)
	}
	if c.conn != nil {
		_ = c.conn.Close()
	}
	c.conn, c.addr = conn, addr.String()
	return rt.ToValue(true)
}

// dial connects to addr through the VU's network stack and waits until the
// connection is ready, the timeout passes or ctx ends.
func dial(ctx context.Context, st *jsmod.State, addr string, plaintext bool, timeout time.Duration) (*grpc.ClientConn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	dialContext, tlsConfig := vuNetwork(st.Transport, host)
	last := &lastError{}
	var creds credentials.TransportCredentials
	if plaintext {
		creds = insecure.NewCredentials()
	} else {
		creds = recordingCreds{credentials.NewTLS(tlsConfig), last}
	}
	opts := []grpc.DialOption{
		grpc.WithTransportCredentials(creds),
		grpc.WithContextDialer(func(ctx context.Context, a string) (net.Conn, error) {
			conn, err := dialContext(ctx, "tcp", a)
			if err != nil {
				last.set(err, false)
			}
			return conn, err
		}),
	}
	if ua := st.Options.UserAgent; ua != "" {
		opts = append(opts, grpc.WithUserAgent(ua))
	}
	target := addr
	if !strings.Contains(addr, ":///") {
		// The VU's dialer resolves the name, so that the hosts and dns
		// options apply: gRPC must hand it over as it is.
		target = "passthrough:///" + addr
	}
	conn, err := grpc.NewClient(target, opts...)
	if err != nil {
		return nil, fmt.Errorf("connecting to %q: %w", addr, err)
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	if err := waitReady(ctx, conn, last); err != nil {
		_ = conn.Close()
		if errors.Is(err, context.DeadlineExceeded) {
			err = fmt.Errorf("timed out after %s", timeout)
			if _, e := last.get(); e != nil {
				err = fmt.Errorf("%w, last error: %w", err, e)
			}
		}
		return nil, fmt.Errorf("connecting to %q: %w", addr, err)
	}
	return conn, nil
}

// waitReady is grpc.WithBlock's wait: it returns when conn is ready, ctx
// ends, or a TLS handshake failed (which retrying does not fix).
func waitReady(ctx context.Context, conn *grpc.ClientConn, last *lastError) error {
	for {
		s := conn.GetState()
		switch s {
		case connectivity.Ready:
			return nil
		case connectivity.Idle:
			conn.Connect()
		case connectivity.TransientFailure:
			if permanent, err := last.get(); permanent {
				return err
			}
		case connectivity.Shutdown:
			return errors.New("the connection was closed")
		}
		if !conn.WaitForStateChange(ctx, s) {
			return ctx.Err()
		}
	}
}

// lastError keeps the last dial or handshake error of a connection
// attempt; gRPC's own retries would otherwise hide it.
type lastError struct {
	mu        sync.Mutex
	err       error
	permanent bool
}

func (l *lastError) set(err error, permanent bool) {
	l.mu.Lock()
	l.err, l.permanent = err, permanent
	l.mu.Unlock()
}

func (l *lastError) get() (permanent bool, err error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.permanent, l.err
}

// recordingCreds records TLS handshake failures in last.
type recordingCreds struct {
	credentials.TransportCredentials
	last *lastError
}

func (r recordingCreds) ClientHandshake(ctx context.Context, authority string, raw net.Conn) (net.Conn, credentials.AuthInfo, error) {
	conn, info, err := r.TransportCredentials.ClientHandshake(ctx, authority, raw)
	if err != nil {
		var ne net.Error
		r.last.set(fmt.Errorf("TLS handshake: %w", err), ctx.Err() == nil && !(errors.As(err, &ne) && ne.Timeout()))
	}
	return conn, info, err
}

func (r recordingCreds) Clone() credentials.TransportCredentials {
	return recordingCreds{r.TransportCredentials.Clone(), r.last}
}

// vuNetwork finds the VU's dialer and its TLS settings for host (tlsAuth
// certificates included) under its HTTP transport. Without a netx
// transport it falls back to a plain dialer and Go's TLS defaults.
func vuNetwork(rt http.RoundTripper, host string) (func(ctx context.Context, network, addr string) (net.Conn, error), *tls.Config) {
	if t := netx.Base(rt); t != nil {
		return t.Dial, t.TLSConfig(host)
	}
	return (&net.Dialer{}).DialContext, &tls.Config{ServerName: host} //nolint:gosec // Go's defaults
}

// invoke makes a unary call: invoke(url, request, [params]) → Response.
func (c *client) invoke(call goja.FunctionCall) goja.Value {
	rt := c.vu.Runtime()
	st := c.vu.State()
	if st == nil {
		c.throw(errors.New("invoking RPC methods in the init context is not supported"))
	}
	if c.conn == nil {
		c.throw(errors.New("no gRPC connection, you must call connect first"))
	}
	method := call.Argument(0).String()
	if !strings.HasPrefix(method, "/") {
		method = "/" + method
	}
	md, ok := c.methods[method]
	if !ok {
		c.throw(fmt.Errorf("method %q not found in file descriptors", method))
	}
	if md.IsStreamingClient() || md.IsStreamingServer() {
		c.throw(fmt.Errorf("method %q is a streaming method: only unary methods are supported", method))
	}
	reqVal := call.Argument(1)
	if goja.IsUndefined(reqVal) || goja.IsNull(reqVal) {
		c.throw(errors.New("request cannot be nil"))
	}
	raw, err := jsonStringify(rt, reqVal)
	if err != nil {
		c.throw(fmt.Errorf("unable to serialise request object: %w", err))
	}
	req := dynamicpb.NewMessage(md.Input())
	if err := protojson.Unmarshal([]byte(raw), req); err != nil {
		c.throw(fmt.Errorf("unable to serialise request object to protocol buffer: %w", err))
	}

	timeout := defaultTimeout
	md2 := metadata.MD{}
	var userTags []metrics.Tag
	userName := false
	if err := eachParam(rt, call.Argument(2), func(k string, v goja.Value) error {
		switch k {
		case "headers":
			return eachParam(rt, v, func(hk string, hv goja.Value) error {
				md2.Append(hk, hv.String())
				return nil
			})
		case "tags":
			return eachParam(rt, v, func(tk string, tv goja.Value) error {
				userTags = append(userTags, metrics.Tag{Key: tk, Value: tv.String()})
				userName = userName || tk == "name"
				return nil
			})
		case "timeout":
			d, err := durationValue(v)
			if err != nil {
				return fmt.Errorf("invalid timeout value: %w", err)
			}
			timeout = d
		default:
			return fmt.Errorf("unknown param: %q", k)
		}
		return nil
	}); err != nil {
		c.throw(err)
	}

	ctx, cancel := context.WithTimeout(c.vu.Context(), timeout)
	defer cancel()
	ctx = metadata.NewOutgoingContext(ctx, md2)
	resp := dynamicpb.NewMessage(md.Output())
	var header, trailer metadata.MD
	var remote peer.Peer
	start := time.Now()
	err = c.conn.Invoke(ctx, method, req, resp, grpc.Header(&header), grpc.Trailer(&trailer), grpc.Peer(&remote))
	end := time.Now()
	sterr := status.Convert(err)

	if c.vu.Context().Err() == nil {
		c.emit(st, method, md, userTags, userName, sterr.Code(), remote.Addr, end, end.Sub(start))
	}

	res := rt.NewObject()
	_ = res.Set("status", int64(sterr.Code()))
	_ = res.Set("headers", mdObject(rt, header))
	_ = res.Set("trailers", mdObject(rt, trailer))
	msg := goja.Value(rt.NewObject())
	if err == nil {
		if raw, err := protojson.Marshal(resp); err == nil {
			if v, err := jsonParse(rt, raw); err == nil {
				msg = v
			}
		}
	}
	_ = res.Set("message", msg)
	errVal := goja.Null()
	if err != nil {
		e := rt.NewObject()
		_ = e.Set("code", int64(sterr.Code()))
		_ = e.Set("message", sterr.Message())
		errVal = e
		if len(sterr.Proto().GetDetails()) > 0 {
			if raw, err := protojson.Marshal(sterr.Proto()); err == nil {
				if v, err := jsonParse(rt, raw); err == nil {
					errVal = v
				}
			}
		}
	}
	_ = res.Set("error", errVal)
	return res
}

// emit pushes the call's grpc_req_duration sample (k6-spec §4.3). System
// tags override user tags of the same name, except name.
func (c *client) emit(st *jsmod.State, method string, md protoreflect.MethodDescriptor, userTags []metrics.Tag,
	userName bool, code codes.Code, remote net.Addr, end time.Time, d time.Duration,
) {
	sys := st.Options.SystemTags
	b := &c.tags
	b.Reset(st.Tags)
	for _, t := range userTags {
		b.Set(t.Key, t.Value)
	}
	if sys.Has(metrics.TagURL) {
		b.Set("url", c.addr+method)
	}
	if sys.Has(metrics.TagService) {
		b.Set("service", string(md.Parent().FullName()))
	}
	if sys.Has(metrics.TagMethod) {
		b.Set("method", string(md.Name()))
	}
	if sys.Has(metrics.TagName) && !userName {
		b.Set("name", method)
	}
	if sys.Has(metrics.TagStatus) {
		b.Set("status", strconv.Itoa(int(code)))
	}
	if sys.Has(metrics.TagIP) && remote != nil {
		if host, _, err := net.SplitHostPort(remote.String()); err == nil {
			b.Set("ip", host)
		}
	}
	st.Samples.Push(metrics.Sample{
		Metric: st.Builtin.GRPCReqDuration,
		Tags:   b.TagSet(),
		Time:   end,
		Value:  float64(d) / float64(time.Millisecond),
	})
}

// close closes the connection; a closed client may connect again.
func (c *client) close(goja.FunctionCall) goja.Value {
	if c.conn != nil {
		err := c.conn.Close()
		c.conn = nil
		if err != nil {
			c.throw(err)
		}
	}
	return goja.Undefined()
}

// eachParam calls fn for every own property of a params object; undefined
// and null mean no params.
func eachParam(rt *goja.Runtime, v goja.Value, fn func(k string, v goja.Value) error) error {
	if v == nil || goja.IsUndefined(v) || goja.IsNull(v) {
		return nil
	}
	o := v.ToObject(rt)
	for _, k := range o.Keys() {
		if err := fn(k, o.Get(k)); err != nil {
			return err
		}
	}
	return nil
}

// durationValue reads a duration: milliseconds as a number, or a Go
// duration string ("2s").
func durationValue(v goja.Value) (time.Duration, error) {
	switch x := v.Export().(type) {
	case int64:
		return time.Duration(x) * time.Millisecond, nil
	case float64:
		if math.IsNaN(x) || math.IsInf(x, 0) {
			return 0, fmt.Errorf("%v is not a duration", x)
		}
		return time.Duration(x * float64(time.Millisecond)), nil
	case string:
		if n, err := strconv.ParseFloat(x, 64); err == nil {
			return time.Duration(n * float64(time.Millisecond)), nil
		}
		return time.ParseDuration(x)
	}
	return 0, fmt.Errorf("%s is not a duration", v.String())
}

// mdObject turns gRPC metadata into {key: [values…]}.
func mdObject(rt *goja.Runtime, md metadata.MD) *goja.Object {
	o := rt.NewObject()
	for k, vs := range md {
		arr := make([]any, len(vs))
		for i, v := range vs {
			arr[i] = v
		}
		_ = o.Set(k, rt.NewArray(arr...))
	}
	return o
}

func jsonStringify(rt *goja.Runtime, v goja.Value) (string, error) {
	stringify, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("stringify"))
	out, err := stringify(goja.Undefined(), v)
	if err != nil {
		return "", err
	}
	if out == nil || goja.IsUndefined(out) {
		return "", errors.New("the value has no JSON form")
	}
	return out.String(), nil
}

func jsonParse(rt *goja.Runtime, raw []byte) (goja.Value, error) {
	parse, _ := goja.AssertFunction(rt.Get("JSON").ToObject(rt).Get("parse"))
	return parse(goja.Undefined(), rt.ToValue(string(raw)))
}
