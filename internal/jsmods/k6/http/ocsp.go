package http

import (
	"crypto/tls"
	"crypto/x509"
	"time"

	"golang.org/x/crypto/ocsp"
)

// ocspInfo is the stapled OCSP response of a TLS connection, as the
// Response's ocsp object and the ocsp_status tag report it.
//
// Times are Unix seconds, as in k6 v0.32 (which used time.Time.Unix), and 0
// when the response does not carry them; revocation_reason and revoked_at
// are only set for a revoked certificate. Without a stapled response every
// field is zero and the status is "".
type ocspInfo struct {
	producedAt, thisUpdate, nextUpdate, revokedAt int64
	reason, status                                string
}

// ocspReasons are k6's names of the RFC 5280 revocation reasons, by code
// (7 is unused).
var ocspReasons = map[int]string{ //nolint:gochecknoglobals // lookup table
	ocsp.Unspecified:          "unspecified",
	ocsp.KeyCompromise:        "key_compromise",
	ocsp.CACompromise:         "ca_compromise",
	ocsp.AffiliationChanged:   "affiliation_changed",
	ocsp.Superseded:           "superseded",
	ocsp.CessationOfOperation: "cessation_of_operation",
	ocsp.CertificateHold:      "certificate_hold",
	ocsp.RemoveFromCRL:        "remove_from_crl",
	ocsp.PrivilegeWithdrawn:   "privilege_withdrawn",
	ocsp.AACompromise:         "aa_compromise",
}

func unixOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// parseOCSP reads the OCSP response stapled to a connection. Its
// signature is checked against the leaf's issuer when the server sent (or
// verification found) one; a response that cannot be parsed or verified,
// or that reports an OCSP error, is "server_failed".
func parseOCSP(cs *tls.ConnectionState) ocspInfo {
	if cs == nil || len(cs.OCSPResponse) == 0 || len(cs.PeerCertificates) == 0 {
		return ocspInfo{}
	}
	var issuer *x509.Certificate
	switch {
	case len(cs.VerifiedChains) > 0 && len(cs.VerifiedChains[0]) > 1:
		issuer = cs.VerifiedChains[0][1]
	case len(cs.PeerCertificates) > 1:
		issuer = cs.PeerCertificates[1]
	}
	r, err := ocsp.ParseResponseForCert(cs.OCSPResponse, cs.PeerCertificates[0], issuer)
	if err != nil {
		return ocspInfo{status: "server_failed"}
	}
	info := ocspInfo{
		producedAt: unixOrZero(r.ProducedAt),
		thisUpdate: unixOrZero(r.ThisUpdate),
		nextUpdate: unixOrZero(r.NextUpdate),
	}
	switch r.Status {
	case ocsp.Good:
		info.status = "good"
	case ocsp.Revoked:
		info.status = "revoked"
		info.revokedAt = unixOrZero(r.RevokedAt)
		info.reason = ocspReasons[r.RevocationReason]
	case ocsp.ServerFailed:
		info.status = "server_failed"
	default:
		info.status = "unknown"
	}
	return info
}
