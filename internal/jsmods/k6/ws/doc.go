// Package ws is the k6/ws JavaScript module (k6-spec §7.9): a blocking
// connect(url, [params], callback) that opens a WebSocket session, hands the
// callback a Socket, runs the session's event loop until the socket closes
// and returns the handshake response.
//
// The handshake (github.com/gorilla/websocket) dials through the VU's own
// transport (netx.Base of jsmod.State.Transport), so hosts,
// blockHostnames, dns, blacklistIPs, localIPs and the TLS options apply as
// for HTTP requests, and the session's bytes count in the VU's data_sent
// and data_received, emitted at the end of the iteration like the HTTP
// bytes (the module pushes no data_* samples of its own, so nothing is
// counted twice). A handshake failure, including a refused upgrade, throws.
//
// Only the VU goroutine touches JavaScript. connect runs the event loop on
// it (socket.go): one reader goroutine turns frames into events on a
// channel, and the loop waits on that channel, the socket's timers and the
// VU context. When the iteration is stopped the connection is closed at
// once and no handler runs; connect waits for the reader before it returns,
// so no goroutine outlives it.
//
// Metrics (k6-spec §4.2): ws_connecting and ws_sessions after the
// handshake, ws_msgs_sent and ws_msgs_received per data message (pongs are
// not messages), ws_ping per pong that answers a socket.ping(), and
// ws_session_duration when the session ends. They carry the VU's tags, the
// user's params.tags and the system tags url, status and subproto.
//
// It imports only jsmod, metrics, netx and ext from stampede.
package ws
