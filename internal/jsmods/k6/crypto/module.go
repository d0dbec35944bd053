package crypto

import (
	"crypto/hmac"
	"crypto/md5" //nolint:gosec // k6 scripts ask for md5 by name
	"crypto/rand"
	"crypto/sha1" //nolint:gosec // k6 scripts ask for sha1 by name
	"crypto/sha256"
	"crypto/sha512"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"hash"
	"math"

	"github.com/dop251/goja"
	"golang.org/x/crypto/md4"       //nolint:staticcheck // k6/crypto offers md4
	"golang.org/x/crypto/ripemd160" //nolint:staticcheck // k6/crypto offers ripemd160

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/jsmod"
)

func init() { ext.Register("js.k6/crypto", RootModule{}) }

// algorithms are the hash functions k6 v0.32 offers, by their k6 names.
var algorithms = map[string]func() hash.Hash{ //nolint:gochecknoglobals // read-only table
	"md4":        md4.New,
	"md5":        md5.New,
	"sha1":       sha1.New,
	"sha256":     sha256.New,
	"sha384":     sha512.New384,
	"sha512":     sha512.New,
	"sha512_224": sha512.New512_224,
	"sha512_256": sha512.New512_256,
	"ripemd160":  ripemd160.New,
}

// maxRandomBytes bounds randomBytes so that a typo cannot exhaust memory.
const maxRandomBytes = 1 << 30

// RootModule is the "k6/crypto" JS module.
type RootModule struct{}

var _ jsmod.Module = RootModule{}

// NewModuleInstance implements jsmod.Module. The default export is an
// object holding every function; its properties are also the named
// exports.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	m := &module{rt: vu.Runtime()}
	rt := m.rt
	def := rt.NewObject()
	for name, newHash := range algorithms {
		_ = def.Set(name, func(c goja.FunctionCall) goja.Value {
			h := newHash()
			h.Write(m.bytes(name, c.Argument(0)))
			return m.encode(h.Sum(nil), c.Argument(1))
		})
	}
	_ = def.Set("hmac", m.hmac)
	_ = def.Set("createHash", m.createHash)
	_ = def.Set("createHMAC", m.createHMAC)
	_ = def.Set("randomBytes", m.randomBytes)
	_ = def.Set("hexEncode", func(c goja.FunctionCall) goja.Value {
		return rt.ToValue(hex.EncodeToString(m.bytes("hexEncode", c.Argument(0))))
	})
	return instance{exports: jsmod.Exports{Default: def}}
}

type module struct{ rt *goja.Runtime }

// bytes is jsmod.Bytes that throws a TypeError naming the function.
func (m *module) bytes(fn string, v goja.Value) []byte {
	b, err := jsmod.Bytes(m.rt, v)
	if err != nil {
		panic(m.rt.NewTypeError(fn + ": " + err.Error()))
	}
	return b
}

// newHash returns the constructor of the named algorithm or throws.
func (m *module) newHash(v goja.Value) func() hash.Hash {
	name := ""
	if !isNullish(v) {
		name = v.String()
	}
	f, ok := algorithms[name]
	if !ok {
		panic(m.rt.NewGoError(errors.New("Invalid algorithm: " + name))) //nolint:staticcheck // k6's message
	}
	return f
}

// encode renders a digest in a k6 output encoding or throws.
func (m *module) encode(sum []byte, enc goja.Value) goja.Value {
	name := ""
	if !isNullish(enc) {
		name = enc.String()
	}
	switch name {
	case "hex":
		return m.rt.ToValue(hex.EncodeToString(sum))
	case "base64":
		return m.rt.ToValue(base64.StdEncoding.EncodeToString(sum))
	case "base64url":
		return m.rt.ToValue(base64.URLEncoding.EncodeToString(sum))
	case "base64rawurl":
		return m.rt.ToValue(base64.RawURLEncoding.EncodeToString(sum))
	case "binary":
		return m.rt.ToValue(m.rt.NewArrayBuffer(sum))
	}
	panic(m.rt.NewGoError(errors.New("Invalid output encoding: " + name))) //nolint:staticcheck // k6's message
}

// hmac is hmac(algorithm, secret, data, outputEncoding).
func (m *module) hmac(c goja.FunctionCall) goja.Value {
	newHash := m.newHash(c.Argument(0))
	h := hmac.New(newHash, m.bytes("hmac", c.Argument(1)))
	h.Write(m.bytes("hmac", c.Argument(2)))
	return m.encode(h.Sum(nil), c.Argument(3))
}

// createHash is createHash(algorithm) → Hasher.
func (m *module) createHash(c goja.FunctionCall) goja.Value {
	return m.hasher(m.newHash(c.Argument(0))())
}

// createHMAC is createHMAC(algorithm, secret) → Hasher.
func (m *module) createHMAC(c goja.FunctionCall) goja.Value {
	newHash := m.newHash(c.Argument(0))
	return m.hasher(hmac.New(newHash, m.bytes("createHMAC", c.Argument(1))))
}

// hasher wraps h in a JS Hasher: update(input) adds bytes and returns
// undefined; digest(enc) returns the digest of everything added so far
// and may be called again, before or after more updates.
func (m *module) hasher(h hash.Hash) goja.Value {
	obj := m.rt.NewObject()
	_ = obj.Set("update", func(c goja.FunctionCall) goja.Value {
		h.Write(m.bytes("update", c.Argument(0)))
		return goja.Undefined()
	})
	_ = obj.Set("digest", func(c goja.FunctionCall) goja.Value {
		return m.encode(h.Sum(nil), c.Argument(0))
	})
	return obj
}

// randomBytes is randomBytes(n) → ArrayBuffer of n random bytes.
func (m *module) randomBytes(c goja.FunctionCall) goja.Value {
	f := c.Argument(0).ToFloat()
	if math.IsNaN(f) || f < 1 || f > maxRandomBytes {
		panic(m.rt.NewGoError(errors.New("invalid size")))
	}
	b := make([]byte, int(f))
	if _, err := rand.Read(b); err != nil {
		panic(m.rt.NewGoError(err))
	}
	return m.rt.ToValue(m.rt.NewArrayBuffer(b))
}

func isNullish(v goja.Value) bool {
	return v == nil || goja.IsUndefined(v) || goja.IsNull(v)
}

type instance struct{ exports jsmod.Exports }

// Exports implements jsmod.Instance.
func (i instance) Exports() jsmod.Exports { return i.exports }
