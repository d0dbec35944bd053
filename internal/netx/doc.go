// Package netx is the network layer under stampede's protocol modules: the
// per-VU dialer that counts the bytes a VU sends and receives, the HTTP
// transport built on it, and the classification of network errors into k6's
// numeric error codes (k6-spec §8).
//
// The dialer also applies the options that decide where a connection goes
// (DialerOptions): blockHostnames, hosts, the dns resolver and blacklistIPs,
// in that order, and a VU's localIPs source address. The Resolver and its
// cache, and the RateLimiter of the rps option (ratelimit.go, wrapped around
// each VU's transport), are shared by all the VUs of a run; everything else
// is per VU. When
// tlsAuth is set the transport makes the TLS connections itself
// (clientcert.go), because the client certificate depends on the server
// name, which tls.Config.GetClientCertificate cannot see.
//
// It knows nothing about metrics or JavaScript: it returns plain numbers and
// strings, and the modules (k6/http, later k6/ws and k6/net/grpc) turn them
// into samples and response fields. It imports only the standard library and
// golang.org/x/net.
//
// Every VU owns one Dialer and one Transport, so connections are reused
// within a VU but never shared between VUs, as in k6. Nothing here reads the
// process environment: in particular the transport has no proxy, because
// HTTP_PROXY and friends may only be read by internal/procenv; a later change
// can pass a proxy function in through TransportOptions.
package netx
