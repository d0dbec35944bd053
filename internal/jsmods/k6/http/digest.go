package http

import (
	"crypto/md5" //nolint:gosec // HTTP digest authentication's default algorithm
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"hash"
	"net/url"
	"strings"
)

// digestAuthorization answers a Digest WWW-Authenticate challenge (RFC
// 7616: MD5, SHA-256 and their -sess variants, qop auth or none) for a
// request to u, whose userinfo holds the credentials. ok is false when the
// challenge is not one it can answer.
func digestAuthorization(challenge, method string, u *url.URL) (string, bool) {
	scheme, rest, _ := strings.Cut(strings.TrimSpace(challenge), " ")
	if !strings.EqualFold(scheme, "Digest") || u.User == nil {
		return "", false
	}
	p := parseAuthParams(rest)
	algo := p["algorithm"]
	if algo == "" {
		algo = "MD5"
	}
	var newHash func() hash.Hash
	switch strings.ToUpper(strings.TrimSuffix(strings.ToUpper(algo), "-SESS")) {
	case "MD5":
		newHash = md5.New
	case "SHA-256":
		newHash = sha256.New
	default:
		return "", false
	}
	h := func(s string) string {
		x := newHash()
		x.Write([]byte(s))
		return hex.EncodeToString(x.Sum(nil))
	}

	user := u.User.Username()
	pass, _ := u.User.Password()
	realm, nonce := p["realm"], p["nonce"]
	uri := u.RequestURI()
	var rnd [8]byte
	_, _ = rand.Read(rnd[:])
	cnonce := hex.EncodeToString(rnd[:])
	const nc = "00000001"

	ha1 := h(user + ":" + realm + ":" + pass)
	if strings.HasSuffix(strings.ToUpper(algo), "-SESS") {
		ha1 = h(ha1 + ":" + nonce + ":" + cnonce)
	}
	ha2 := h(method + ":" + uri)

	qop := ""
	for q := range strings.SplitSeq(p["qop"], ",") {
		if strings.TrimSpace(q) == "auth" {
			qop = "auth"
		}
	}
	if p["qop"] != "" && qop == "" {
		return "", false // only auth-int offered
	}
	var response string
	if qop != "" {
		response = h(ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2)
	} else {
		response = h(ha1 + ":" + nonce + ":" + ha2)
	}

	var b strings.Builder
	fmt.Fprintf(&b, `Digest username="%s", realm="%s", nonce="%s", uri="%s", algorithm=%s, response="%s"`,
		user, realm, nonce, uri, algo, response)
	if qop != "" {
		fmt.Fprintf(&b, `, qop=%s, nc=%s, cnonce="%s"`, qop, nc, cnonce)
	}
	if op, ok := p["opaque"]; ok {
		fmt.Fprintf(&b, `, opaque="%s"`, op)
	}
	return b.String(), true
}

// parseAuthParams parses a challenge's comma-separated key=value and
// key="quoted value" pairs.
func parseAuthParams(s string) map[string]string {
	p := make(map[string]string)
	for s != "" {
		s = strings.TrimLeft(s, " ,\t")
		k, rest, ok := strings.Cut(s, "=")
		if !ok {
			break
		}
		k = strings.ToLower(strings.TrimSpace(k))
		rest = strings.TrimLeft(rest, " \t")
		var v string
		if strings.HasPrefix(rest, `"`) {
			var b strings.Builder
			i := 1
			for ; i < len(rest) && rest[i] != '"'; i++ {
				if rest[i] == '\\' && i+1 < len(rest) {
					i++
				}
				b.WriteByte(rest[i])
			}
			v, s = b.String(), rest[min(i+1, len(rest)):]
		} else {
			v, s, _ = strings.Cut(rest, ",")
			v = strings.TrimSpace(v)
		}
		p[k] = v
	}
	return p
}
