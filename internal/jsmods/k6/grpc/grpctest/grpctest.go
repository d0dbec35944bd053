package grpctest

import (
	"context"
	"crypto/tls"
	"fmt"
	"net"
	"strings"
	"sync"

	"github.com/bufbuild/protocompile"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/reflect/protoreflect"
	"google.golang.org/protobuf/types/dynamicpb"
)

// Server is a running RouteGuide server.
type Server struct {
	// Addr is the server's host:port on 127.0.0.1.
	Addr string

	srv              *grpc.Server
	point, feature   protoreflect.MessageDescriptor
	mu               sync.Mutex
	md               metadata.MD
	calls            int
	lat, lon, name   protoreflect.FieldDescriptor
	location, dispNm protoreflect.FieldDescriptor
}

// Start compiles file (found in importPaths) and serves it in plain text;
// with tlsConfig non-nil it serves TLS. Close stops it.
func Start(importPaths []string, file string, tlsConfig *tls.Config) (*Server, error) {
	comp := protocompile.Compiler{Resolver: protocompile.WithStandardImports(&protocompile.SourceResolver{ImportPaths: importPaths})}
	files, err := comp.Compile(context.Background(), file)
	if err != nil {
		return nil, err
	}
	var point, feature protoreflect.MessageDescriptor
	for _, f := range files {
		all := []protoreflect.FileDescriptor{f}
		imports := f.Imports()
		for i := range imports.Len() {
			all = append(all, imports.Get(i).FileDescriptor)
		}
		for _, fd := range all {
			if fd.Package() != "main" {
				continue
			}
			if d := fd.Messages().ByName("Point"); d != nil {
				point = d
			}
			if d := fd.Messages().ByName("Feature"); d != nil {
				feature = d
			}
		}
	}
	if point == nil || feature == nil {
		return nil, fmt.Errorf("%s lacks main.Point or main.Feature", file)
	}
	s := &Server{
		point: point, feature: feature,
		lat: point.Fields().ByName("latitude"), lon: point.Fields().ByName("longitude"),
		name: feature.Fields().ByName("name"), location: feature.Fields().ByName("location"),
		dispNm: feature.Fields().ByName("display_name"),
	}
	var opts []grpc.ServerOption
	if tlsConfig != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(tlsConfig)))
	}
	s.srv = grpc.NewServer(opts...)
	s.srv.RegisterService(&grpc.ServiceDesc{
		ServiceName: "main.RouteGuide",
		HandlerType: (*any)(nil),
		Methods:     []grpc.MethodDesc{{MethodName: "GetFeature", Handler: s.getFeature}},
	}, struct{}{})
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s.Addr = lis.Addr().String()
	go func() { _ = s.srv.Serve(lis) }()
	return s, nil
}

// Close stops the server and closes its connections.
func (s *Server) Close() { s.srv.Stop() }

// LastMetadata returns the metadata of the last GetFeature call.
func (s *Server) LastMetadata() metadata.MD {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.md.Copy()
}

// Calls returns how many GetFeature calls arrived.
func (s *Server) Calls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.calls
}

func (s *Server) getFeature(_ any, ctx context.Context, dec func(any) error, _ grpc.UnaryServerInterceptor) (any, error) {
	in := dynamicpb.NewMessage(s.point)
	if err := dec(in); err != nil {
		return nil, err
	}
	md, _ := metadata.FromIncomingContext(ctx)
	s.mu.Lock()
	s.md = md.Copy()
	s.calls++
	s.mu.Unlock()
	lat, lon := in.Get(s.lat).Int(), in.Get(s.lon).Int()
	switch lat {
	case 404:
		return nil, status.Errorf(codes.NotFound, "no feature at %d,%d", lat, lon)
	case 408:
		<-ctx.Done()
		return nil, status.FromContextError(ctx.Err()).Err()
	}
	_ = grpc.SetHeader(ctx, metadata.Pairs("x-echo", strings.Join(md.Get("x-token"), ",")))
	_ = grpc.SetTrailer(ctx, metadata.Pairs("x-trailer", "done"))
	out := dynamicpb.NewMessage(s.feature)
	out.Set(s.name, protoreflect.ValueOfString(fmt.Sprintf("feature-%d-%d", lat, lon)))
	out.Set(s.location, protoreflect.ValueOfMessage(in))
	out.Set(s.dispNm, protoreflect.ValueOfString(fmt.Sprintf("Feature %d", lat)))
	return out, nil
}
