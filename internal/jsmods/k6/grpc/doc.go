// Package grpc is the "k6/net/grpc" JS module (k6-spec §7.10): a Client
// that loads .proto files in the init stage and makes unary calls to a gRPC
// server from VU code.
//
//	const client = new grpc.Client();
//	client.load(["definitions"], "hello.proto");   // init stage only
//	client.connect("localhost:50051", { plaintext: true });
//	const res = client.invoke("hello.HelloService/SayHello", { greeting: "x" });
//	res.status === grpc.StatusOK; res.message.reply; res.headers; res.trailers
//	client.close();
//
// The .proto files are compiled with github.com/bufbuild/protocompile, so no
// protoc and no generated code are needed: requests and responses are
// dynamicpb messages converted to and from JS through protobuf's JSON
// mapping (protojson), as k6 does. The files are read through
// jsmod.InitEnv.ReadFile, which resolves them against the script's
// directory and records them for archives.
//
// Connections dial through the VU's own network stack when the VU has one
// (the dialer under its netx.Transport): the hosts, dns, blockHostnames and
// blacklistIPs options apply, and the bytes the connection carries are
// counted in the VU's data_sent and data_received. TLS uses the VU's TLS
// settings (versions, cipher suites, insecureSkipTLSVerify); tlsAuth client
// certificates are not offered. Each invoke emits one grpc_req_duration
// sample with the tags of k6-spec §4.3.
//
// It imports only jsmod, metrics, ext and internal/netx, plus the gRPC and
// protobuf libraries.
package grpc
