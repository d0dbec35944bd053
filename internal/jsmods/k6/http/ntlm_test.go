package http

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/binary"
	"io"
	"net"
	nethttp "net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"unicode/utf16"

	"golang.org/x/crypto/md4" //nolint:staticcheck // NTLM is built on MD4
)

// ntlmConn is the handshake state of one server connection: NTLM
// authenticates connections, not requests.
type ntlmConn struct {
	mu        sync.Mutex
	challenge []byte // the server challenge sent on this connection, if any
	authed    bool
}

type ntlmConnKey struct{}

// ntlmServer is a minimal NTLMv2 server for user:pass (no domain). It
// answers 401 "WWW-Authenticate: NTLM" to anonymous requests, a CHALLENGE
// to a NEGOTIATE, and checks the AUTHENTICATE message's NTLMv2 proof
// against the challenge it sent on the same connection. Authenticated
// requests get their method and body echoed.
func ntlmServer(t *testing.T) *httptest.Server {
	t.Helper()
	srv := httptest.NewUnstartedServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		st := r.Context().Value(ntlmConnKey{}).(*ntlmConn)
		st.mu.Lock()
		defer st.mu.Unlock()
		body, _ := io.ReadAll(r.Body)
		deny := func(header string) {
			w.Header().Set("WWW-Authenticate", header)
			w.WriteHeader(nethttp.StatusUnauthorized)
		}
		if st.authed {
			_, _ = io.WriteString(w, r.Method+" "+string(body))
			return
		}
		token, ok := strings.CutPrefix(r.Header.Get("Authorization"), "NTLM ")
		if !ok {
			deny("NTLM")
			return
		}
		msg, err := base64.StdEncoding.DecodeString(token)
		if err != nil || len(msg) < 12 || !bytes.HasPrefix(msg, []byte("NTLMSSP\x00")) {
			deny("NTLM")
			return
		}
		switch binary.LittleEndian.Uint32(msg[8:12]) {
		case 1: // NEGOTIATE
			st.challenge = []byte("8bytes!!")
			deny("NTLM " + base64.StdEncoding.EncodeToString(ntlmChallenge(st.challenge)))
		case 3: // AUTHENTICATE
			if st.challenge != nil && ntlmVerify(msg, st.challenge, "user", "pass") {
				st.authed = true
				_, _ = io.WriteString(w, r.Method+" "+string(body))
				return
			}
			deny("NTLM")
		default:
			deny("NTLM")
		}
	}))
	srv.Config.ConnContext = func(ctx context.Context, _ net.Conn) context.Context {
		return context.WithValue(ctx, ntlmConnKey{}, &ntlmConn{})
	}
	srv.Start()
	t.Cleanup(srv.Close)
	return srv
}

// ntlmChallenge is a CHALLENGE message (MS-NLMP 2.2.1.2) offering NTLMv2
// with an empty target info.
func ntlmChallenge(challenge []byte) []byte {
	const (
		flagUnicode      = 0x00000001
		flagNTLM         = 0x00000200
		flagExtendedSess = 0x00080000
		flagTargetInfo   = 0x00800000
	)
	targetInfo := []byte{0, 0, 0, 0} // MsvAvEOL
	m := make([]byte, 48, 48+len(targetInfo))
	copy(m, "NTLMSSP\x00")
	binary.LittleEndian.PutUint32(m[8:], 2)
	binary.LittleEndian.PutUint32(m[16:], 48) // empty target name
	binary.LittleEndian.PutUint32(m[20:], flagUnicode|flagNTLM|flagExtendedSess|flagTargetInfo)
	copy(m[24:32], challenge)
	binary.LittleEndian.PutUint16(m[40:], uint16(len(targetInfo)))
	binary.LittleEndian.PutUint16(m[42:], uint16(len(targetInfo)))
	binary.LittleEndian.PutUint32(m[44:], 48)
	return append(m, targetInfo...)
}

// ntlmField is the payload of the AUTHENTICATE message's field at off.
func ntlmField(msg []byte, off int) []byte {
	if len(msg) < off+8 {
		return nil
	}
	n := int(binary.LittleEndian.Uint16(msg[off:]))
	at := int(binary.LittleEndian.Uint32(msg[off+4:]))
	if at+n > len(msg) {
		return nil
	}
	return msg[at : at+n]
}

func utf16le(s string) []byte {
	var b []byte
	for _, u := range utf16.Encode([]rune(s)) {
		b = binary.LittleEndian.AppendUint16(b, u)
	}
	return b
}

func hmacMD5(key []byte, data ...[]byte) []byte {
	m := hmac.New(md5.New, key)
	for _, d := range data {
		m.Write(d)
	}
	return m.Sum(nil)
}

// ntlmVerify checks an AUTHENTICATE message's user and NTLMv2 response.
func ntlmVerify(msg, challenge []byte, user, pass string) bool {
	nt := ntlmField(msg, 20)
	if len(nt) <= 16 || !bytes.Equal(ntlmField(msg, 36), utf16le(user)) {
		return false
	}
	h := md4.New()
	h.Write(utf16le(pass))
	v2 := hmacMD5(h.Sum(nil), utf16le(strings.ToUpper(user)+string(ntlmField(msg, 28))))
	return hmac.Equal(nt[:16], hmacMD5(v2, challenge, nt[16:]))
}

func TestNTLMAuth(t *testing.T) {
	t.Parallel()
	srv := ntlmServer(t)
	base := strings.Replace(srv.URL, "http://", "http://user:pass@", 1)
	vu, _ := newVU(t, base)

	got := vu.MustRun(`var r = http.get(BASE + "/", {auth: "ntlm"}); r.status + " " + r.body`).String()
	if got != "200 GET " {
		t.Errorf("get: %s", got)
	}
	// The handshake is one request to the script and the metrics, as in k6.
	if n := len(vu.Samples.Named("http_reqs")); n != 1 {
		t.Errorf("%d http_reqs samples, want 1", n)
	}
	if u, _ := vu.Samples.Named("http_reqs")[0].Tags.Get("url"); strings.Contains(u, "pass") {
		t.Errorf("url tag %q shows the password", u)
	}

	// A fresh connection, and a body that must be resent at each step.
	vu2, _ := newVU(t, base)
	got = vu2.MustRun(`var r = http.post(BASE + "/", "payload", {auth: "ntlm"}); r.status + " " + r.body`).String()
	if got != "200 POST payload" {
		t.Errorf("post: %s", got)
	}

	vu3, _ := newVU(t, strings.Replace(srv.URL, "http://", "http://user:wrong@", 1))
	if got := vu3.MustRun(`http.get(BASE + "/", {auth: "ntlm"}).status`).String(); got != "401" {
		t.Errorf("wrong password: %s", got)
	}
	// Without credentials there is no handshake.
	vu4, _ := newVU(t, srv.URL)
	if got := vu4.MustRun(`http.get(BASE + "/", {auth: "ntlm"}).status`).String(); got != "401" {
		t.Errorf("no credentials: %s", got)
	}
}
