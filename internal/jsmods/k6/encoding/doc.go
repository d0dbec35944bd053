// Package encoding is the "k6/encoding" JS module (k6-spec §7.6):
// b64encode(input, [encoding]) and b64decode(input, [encoding], [format])
// with the std, rawstd, url and rawurl alphabets of encoding/base64.
//
// As in k6 v0.32, an unknown or omitted encoding means std, b64decode
// returns an ArrayBuffer unless format is "s", and invalid base64 throws
// with Go's error text (`illegal base64 data at input byte 4`).
//
// Byte inputs may be strings (their UTF-8 bytes), ArrayBuffers, typed
// arrays, DataViews or plain arrays of integers 0–255. The small helper
// that converts them (bytes.go) is repeated in k6/crypto on purpose: a
// module imports only jsmod, metrics and ext, never another module.
package encoding
