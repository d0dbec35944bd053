// Package certs makes throwaway X.509 certificates for tests: self-signed
// server and client certificates on P-256 keys, valid for an hour either
// side of now. It is imported only from test files.
package certs
