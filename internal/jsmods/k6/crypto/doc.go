// Package crypto is the "k6/crypto" JS module (k6-spec §7.5): one-shot
// hash helpers (md4 … ripemd160), hmac, the incremental Hashers of
// createHash and createHMAC, randomBytes and hexEncode.
//
// Digests are returned as "hex", "base64", "base64url", "base64rawurl" or
// "binary" (an ArrayBuffer); any other output encoding throws
// `Invalid output encoding: <enc>` and an unknown algorithm throws
// `Invalid algorithm: <alg>`, as in k6 v0.32. Byte inputs may be strings
// (UTF-8), ArrayBuffers, typed arrays, DataViews or arrays of integers
// 0–255; bytes.go repeats k6/encoding's helper for that on purpose, since
// a module never imports another module.
//
// MD4 and RIPEMD-160 come from golang.org/x/crypto; the rest from the
// standard library. It imports only jsmod and ext from stampede. The
// k6/crypto/x509 module is the subpackage x509.
package crypto
