// Package grpctest is a loopback gRPC server for the tests of k6/net/grpc
// and the end-to-end tests. It serves main.RouteGuide/GetFeature from a
// .proto file compiled at start (no generated code) with dynamicpb
// messages:
//
//   - it answers Feature{name: "feature-<lat>-<lon>", location: <the point>,
//     displayName: "Feature <lat>"}, with the header x-echo (the request's
//     x-token values joined by ",") and the trailer x-trailer: done;
//   - latitude 404 answers NotFound "no feature at 404,<lon>";
//   - latitude 408 waits until the call is cancelled.
//
// Only tests import it. It imports no stampede package.
package grpctest
