package http

import (
	"crypto/tls"
	"testing"
)

func TestCipherSuiteName(t *testing.T) {
	t.Parallel()
	for id, want := range map[uint16]string{
		tls.TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256:   "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305",
		tls.TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305",
		tls.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256:         "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
		tls.TLS_AES_128_GCM_SHA256:                        "TLS_AES_128_GCM_SHA256",
	} {
		if got := cipherSuiteName(id); got != want {
			t.Errorf("cipherSuiteName(%#x) = %q, want %q", id, got, want)
		}
	}
}
