package http

import (
	"bytes"
	"compress/gzip"
	"compress/zlib"
	"io"
	nethttp "net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/andybalholm/brotli"
	"github.com/dop251/goja"
	"github.com/klauspost/compress/zstd"
)

// decodeWith undoes one Content-Encoding with the libraries directly, not
// with the code under test.
func decodeWith(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var rd io.Reader
	var err error
	switch enc {
	case "gzip":
		rd, err = gzip.NewReader(bytes.NewReader(body))
	case "deflate":
		rd, err = zlib.NewReader(bytes.NewReader(body))
	case "br":
		rd = brotli.NewReader(bytes.NewReader(body))
	case "zstd":
		var d *zstd.Decoder
		d, err = zstd.NewReader(bytes.NewReader(body))
		if err == nil {
			defer d.Close()
			rd = d
		}
	default:
		t.Fatalf("unknown encoding %q", enc)
	}
	if err != nil {
		t.Fatalf("%s: %v", enc, err)
	}
	out, err := io.ReadAll(rd)
	if err != nil {
		t.Fatalf("%s: %v", enc, err)
	}
	return out
}

// encodeWith applies one Content-Encoding with the libraries directly.
func encodeWith(t *testing.T, enc string, body []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	var w io.WriteCloser
	switch enc {
	case "br":
		w = brotli.NewWriter(&buf)
	case "zstd":
		zw, err := zstd.NewWriter(&buf)
		if err != nil {
			t.Fatal(err)
		}
		w = zw
	case "gzip":
		w = gzip.NewWriter(&buf)
	default:
		t.Fatalf("unknown encoding %q", enc)
	}
	if _, err := w.Write(body); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestResponseDecodingBrZstd(t *testing.T) {
	t.Parallel()
	// Serves {"enc": ...} encoded with each encoding of ?enc= in turn.
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		enc := r.URL.Query().Get("enc")
		body := []byte(`{"enc":"` + enc + `"}`)
		for e := range strings.SplitSeq(enc, ",") {
			body = encodeWith(t, strings.TrimSpace(e), body)
		}
		w.Header().Set("Content-Encoding", enc)
		_, _ = w.Write(body)
	}))
	t.Cleanup(srv.Close)
	vu, _ := newVU(t, srv.URL)
	for _, enc := range []string{"br", "zstd", "gzip, br", "zstd, br, gzip"} {
		q := url.QueryEscape(enc)
		got := vu.MustRun(`var r = http.get(BASE + "/?enc=` + q + `"); r.json("enc") + "|" + r.error_code`).String()
		if got != enc+"|0" {
			t.Errorf("%s: %s", enc, got)
		}
		got = vu.MustRun(`JSON.parse(String.fromCharCode.apply(null,
			new Uint8Array(http.get(BASE + "/?enc=` + q + `", {responseType: "binary"}).body))).enc`).String()
		if got != enc {
			t.Errorf("%s binary: %s", enc, got)
		}
	}
}

func TestResponseDecompression(t *testing.T) {
	t.Parallel()
	vu, _ := newVU(t, startTarget(t))
	for _, tc := range []struct{ path, flag string }{{"/gzip", "gzipped"}, {"/deflate", "deflated"}} {
		got := vu.MustRun(`var r = http.get(BASE + "` + tc.path + `"); r.json("` + tc.flag + `") + " " + r.error_code`).String()
		if got != "true 0" {
			t.Errorf("%s: %s", tc.path, got)
		}
	}
	// A binary response is decoded too.
	got := vu.MustRun(`JSON.parse(String.fromCharCode.apply(null,
		new Uint8Array(http.get(BASE + "/gzip", {responseType: "binary"}).body))).gzipped`).String()
	if got != "true" {
		t.Errorf("binary: %s", got)
	}
}

func TestCorruptBody(t *testing.T) {
	t.Parallel()
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("Content-Encoding", r.URL.Query().Get("enc"))
		_, _ = io.WriteString(w, "this is not compressed")
	}))
	t.Cleanup(srv.Close)
	vu, _ := newVU(t, srv.URL)
	for _, enc := range []string{"gzip", "deflate", "br", "zstd"} {
		got := vu.MustRun(`var r = http.get(BASE + "/?enc=` + enc + `"); r.status + " " + r.error_code + " " + (r.error !== "")`).String()
		if got != "200 1701 true" {
			t.Errorf("%s: %s", enc, got)
		}
	}
	s := vu.Samples.Named("http_reqs")
	if c, _ := s[0].Tags.Get("error_code"); c != "1701" {
		t.Errorf("error_code tag %q", c)
	}
	// Unknown encodings are passed through.
	if got := vu.MustRun(`http.get(BASE + "/?enc=unknown").body`).String(); got != "this is not compressed" {
		t.Errorf("unknown encoding body %q", got)
	}
}

func TestRequestCompression(t *testing.T) {
	t.Parallel()
	// Echoes the raw body, and the request's Content-Encoding as X-Enc.
	srv := httptest.NewServer(nethttp.HandlerFunc(func(w nethttp.ResponseWriter, r *nethttp.Request) {
		w.Header().Set("X-Enc", strings.Join(r.Header["Content-Encoding"], ","))
		_, _ = io.Copy(w, r.Body)
	}))
	t.Cleanup(srv.Close)
	vu, _ := newVU(t, srv.URL)

	for _, tc := range []struct{ algos, wantEnc string }{
		{"gzip", "gzip"}, {"deflate", "deflate"}, {"gzip, deflate", "gzip, deflate"},
		{"br", "br"}, {"zstd", "zstd"}, {"br,zstd", "br, zstd"}, {"zstd, gzip, br, deflate", "zstd, gzip, br, deflate"},
	} {
		vu.MustRun(`var r = http.post(BASE, "payload payload payload", {compression: "` + tc.algos + `", responseType: "binary"})`)
		if got := vu.MustRun(`r.headers["X-Enc"]`).String(); got != tc.wantEnc {
			t.Errorf("%s: Content-Encoding %q", tc.algos, got)
		}
		body := append([]byte(nil), vu.MustRun(`r.body`).Export().(goja.ArrayBuffer).Bytes()...)
		encs := strings.Split(tc.wantEnc, ", ")
		for i := len(encs) - 1; i >= 0; i-- {
			body = decodeWith(t, encs[i], body)
		}
		if string(body) != "payload payload payload" {
			t.Errorf("%s: decoded body %q", tc.algos, body)
		}
	}
	if _, err := vu.Run(`http.post(BASE, "x", {compression: "lzma"})`); err == nil ||
		!strings.Contains(err.Error(), "unsupported compression algorithm") {
		t.Errorf("lzma: %v", err)
	}
}

func TestDigestAuth(t *testing.T) {
	t.Parallel()
	base := startTarget(t)
	vu, _ := newVU(t, strings.Replace(base, "http://", "http://user:pass@", 1))

	for _, path := range []string{"/digest-auth/auth/user/pass", "/digest-auth/auth/user/pass/SHA-256"} {
		vu.Samples.Reset()
		got := vu.MustRun(`var r = http.get(BASE + "` + path + `", {auth: "digest"}); r.status + " " + r.json("authenticated")`).String()
		if got != "200 true" {
			t.Errorf("%s: %s", path, got)
		}
		reqs := vu.Samples.Named("http_reqs")
		failed := vu.Samples.Named("http_req_failed")
		if len(reqs) != 2 || len(failed) != 2 {
			t.Fatalf("%s: %d requests, %d http_req_failed", path, len(reqs), len(failed))
		}
		if st, _ := reqs[0].Tags.Get("status"); st != "401" || failed[0].Value != 0 || failed[1].Value != 0 {
			t.Errorf("%s: challenge status %q, failed %v %v", path, st, failed[0].Value, failed[1].Value)
		}
	}
	got := vu.MustRun(`http.get(BASE + "/digest-auth/auth/user/wrong", {auth: "digest"}).status`).String()
	if got != "401" {
		t.Errorf("wrong password: %s", got)
	}
	if got := vu.MustRun(`http.get(BASE + "/basic-auth/user/pass").status`).String(); got != "200" {
		t.Errorf("basic: %s", got)
	}
	if got := vu.MustRun(`http.get(BASE + "/basic-auth/user/pass", {auth: "basic"}).status`).String(); got != "200" {
		t.Errorf("explicit basic: %s", got)
	}
	if _, err := vu.Run(`http.get(BASE, {auth: "kerberos"})`); err == nil || !strings.Contains(err.Error(), "unsupported auth") {
		t.Errorf("kerberos: %v", err)
	}
}

func TestParseAuthParams(t *testing.T) {
	t.Parallel()
	got := parseAuthParams(`realm="a, \"b\"", nonce="n", qop="auth,auth-int", algorithm=MD5, opaque="o"`)
	want := map[string]string{"realm": `a, "b"`, "nonce": "n", "qop": "auth,auth-int", "algorithm": "MD5", "opaque": "o"}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s = %q, want %q", k, got[k], v)
		}
	}
}

func FuzzParseAuthParams(f *testing.F) {
	f.Add(`realm="r", nonce="n", qop="auth", opaque="o", algorithm=MD5`)
	f.Add(`realm="unterminated`)
	f.Add(`a=b,,c="d\"e",=`)
	f.Fuzz(func(t *testing.T, s string) {
		_ = parseAuthParams(s)
		u, _ := url.Parse("http://u:p@h/x")
		_, _ = digestAuthorization("Digest "+s, "GET", u)
	})
}
