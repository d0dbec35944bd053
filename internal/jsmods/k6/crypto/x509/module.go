package x509

import (
	"crypto/dsa" //nolint:staticcheck // certificates may still carry DSA keys
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // the fingerprint k6 gives is SHA-1
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"errors"
	"fmt"
	"math/big"
	"time"

	"github.com/dop251/goja"

	"github.com/stampede-load/stampede/ext"
	"github.com/stampede-load/stampede/jsmod"
)

func init() { ext.Register("js.k6/crypto/x509", RootModule{}) }

// RootModule is the "k6/crypto/x509" JS module.
type RootModule struct{}

var _ jsmod.Module = RootModule{}

// NewModuleInstance implements jsmod.Module. The default export is an
// object holding parse, getAltNames, getIssuer and getSubject; its
// properties are also the named exports.
func (RootModule) NewModuleInstance(vu jsmod.VU) jsmod.Instance {
	rt := vu.Runtime()
	def := rt.NewObject()
	fn := func(name string, f func(*goja.Runtime, *x509.Certificate) goja.Value) {
		_ = def.Set(name, func(c goja.FunctionCall) goja.Value {
			cert, err := parseCertificate(c.Argument(0))
			if err != nil {
				panic(rt.NewGoError(fmt.Errorf("%s: %w", name, err)))
			}
			return f(rt, cert)
		})
	}
	fn("parse", certificate)
	fn("getAltNames", func(rt *goja.Runtime, c *x509.Certificate) goja.Value { return stringArray(rt, altNames(c)) })
	fn("getIssuer", func(rt *goja.Runtime, c *x509.Certificate) goja.Value { return distinguishedName(rt, c.Issuer) })
	fn("getSubject", func(rt *goja.Runtime, c *x509.Certificate) goja.Value { return distinguishedName(rt, c.Subject) })
	return instance{exports: jsmod.Exports{Default: def}}
}

type instance struct{ exports jsmod.Exports }

// Exports implements jsmod.Instance.
func (i instance) Exports() jsmod.Exports { return i.exports }

var errNoPEM = errors.New("failed to decode certificate PEM file")

// parseCertificate parses the first CERTIFICATE block of a PEM string or
// ArrayBuffer.
func parseCertificate(v goja.Value) (*x509.Certificate, error) {
	var data []byte
	switch x := v.Export().(type) {
	case string:
		data = []byte(x)
	case goja.ArrayBuffer:
		data = x.Bytes()
	default:
		return nil, fmt.Errorf("%w: expected a PEM string or ArrayBuffer", errNoPEM)
	}
	for {
		var block *pem.Block
		block, data = pem.Decode(data)
		if block == nil {
			return nil, errNoPEM
		}
		if block.Type != "CERTIFICATE" {
			continue
		}
		cert, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("failed to parse certificate: %w", err)
		}
		return cert, nil
	}
}

// certificate is the object parse returns.
func certificate(rt *goja.Runtime, c *x509.Certificate) goja.Value {
	fp := sha1.Sum(c.Raw) //nolint:gosec // see import
	o := rt.NewObject()
	_ = o.Set("subject", distinguishedName(rt, c.Subject))
	_ = o.Set("issuer", distinguishedName(rt, c.Issuer))
	_ = o.Set("notBefore", c.NotBefore.UTC().Format(time.RFC3339))
	_ = o.Set("notAfter", c.NotAfter.UTC().Format(time.RFC3339))
	_ = o.Set("altNames", stringArray(rt, altNames(c)))
	_ = o.Set("signatureAlgorithm", c.SignatureAlgorithm.String())
	_ = o.Set("fingerPrint", byteArray(rt, fp[:]))
	_ = o.Set("publicKey", publicKey(rt, c))
	return o
}

// altNames lists the subject alternative names as k6 does: DNS names,
// e-mail addresses, IP addresses, URIs.
func altNames(c *x509.Certificate) []string {
	out := make([]string, 0, len(c.DNSNames)+len(c.EmailAddresses)+len(c.IPAddresses)+len(c.URIs))
	out = append(out, c.DNSNames...)
	out = append(out, c.EmailAddresses...)
	for _, ip := range c.IPAddresses {
		out = append(out, ip.String())
	}
	for _, u := range c.URIs {
		out = append(out, u.String())
	}
	return out
}

// attributeNames are the X.520 names of the usual name attributes.
var attributeNames = map[string]string{ //nolint:gochecknoglobals // read-only table
	"2.5.4.3":                    "commonName",
	"2.5.4.4":                    "surname",
	"2.5.4.5":                    "serialNumber",
	"2.5.4.6":                    "countryName",
	"2.5.4.7":                    "localityName",
	"2.5.4.8":                    "stateOrProvinceName",
	"2.5.4.9":                    "streetAddress",
	"2.5.4.10":                   "organizationName",
	"2.5.4.11":                   "organizationalUnitName",
	"2.5.4.12":                   "title",
	"2.5.4.17":                   "postalCode",
	"2.5.4.42":                   "givenName",
	"1.2.840.113549.1.9.1":       "emailAddress",
	"0.9.2342.19200300.100.1.1":  "userId",
	"0.9.2342.19200300.100.1.25": "domainComponent",
}

// distinguishedName is a subject or issuer object.
func distinguishedName(rt *goja.Runtime, n pkix.Name) goja.Value {
	o := rt.NewObject()
	_ = o.Set("commonName", n.CommonName)
	_ = o.Set("country", first(n.Country))
	_ = o.Set("postalCode", first(n.PostalCode))
	_ = o.Set("stateOrProvinceName", first(n.Province))
	_ = o.Set("localityName", first(n.Locality))
	_ = o.Set("streetAddress", first(n.StreetAddress))
	_ = o.Set("organizationName", first(n.Organization))
	_ = o.Set("organizationalUnitName", stringArray(rt, n.OrganizationalUnit))
	names := make([]any, len(n.Names))
	for i, a := range n.Names {
		id := a.Type.String()
		nm, ok := attributeNames[id]
		if !ok {
			nm = id
		}
		r := rt.NewObject()
		_ = r.Set("id", id)
		_ = r.Set("name", nm)
		_ = r.Set("type", id)
		_ = r.Set("value", fmt.Sprint(a.Value))
		names[i] = r
	}
	_ = o.Set("names", rt.NewArray(names...))
	return o
}

func first(s []string) string {
	if len(s) == 0 {
		return ""
	}
	return s[0]
}

// publicKey is {algorithm, key}.
func publicKey(rt *goja.Runtime, c *x509.Certificate) goja.Value {
	o := rt.NewObject()
	key := rt.NewObject()
	var alg string
	switch k := c.PublicKey.(type) {
	case *rsa.PublicKey:
		alg = "RSA"
		_ = key.Set("n", k.N)
		_ = key.Set("e", k.E)
	case *ecdsa.PublicKey:
		alg = "ECDSA"
		_ = key.Set("curve", k.Curve.Params().Name)
		_ = key.Set("x", k.X) //nolint:staticcheck // the coordinates are what scripts see
		_ = key.Set("y", k.Y) //nolint:staticcheck // likewise
	case *dsa.PublicKey:
		alg = "DSA"
		_ = key.Set("p", k.P)
		_ = key.Set("q", k.Q)
		_ = key.Set("g", k.G)
		_ = key.Set("y", k.Y)
	case ed25519.PublicKey:
		alg = "Ed25519"
		_ = o.Set("algorithm", alg)
		_ = o.Set("key", rt.NewArrayBuffer(append([]byte(nil), k...)))
		return o
	default:
		alg = c.PublicKeyAlgorithm.String()
	}
	_ = o.Set("algorithm", alg)
	_ = o.Set("key", key)
	jsonSafe(rt, key)
	return o
}

// jsonSafe gives a key object a non-enumerable toJSON that writes its
// BigInts as decimal strings, since JSON.stringify throws on a BigInt and
// scripts like to print a parsed certificate.
func jsonSafe(rt *goja.Runtime, key *goja.Object) {
	toJSON := func(goja.FunctionCall) goja.Value {
		out := rt.NewObject()
		for _, k := range key.Keys() {
			v := key.Get(k)
			if b, ok := v.Export().(*big.Int); ok {
				_ = out.Set(k, b.String())
				continue
			}
			_ = out.Set(k, v)
		}
		return out
	}
	_ = key.DefineDataProperty("toJSON", rt.ToValue(toJSON), goja.FLAG_TRUE, goja.FLAG_TRUE, goja.FLAG_FALSE)
}

// stringArray is a JS array of strings (never null).
func stringArray(rt *goja.Runtime, s []string) goja.Value {
	a := make([]any, len(s))
	for i, x := range s {
		a[i] = x
	}
	return rt.NewArray(a...)
}

// byteArray is a JS array of numbers.
func byteArray(rt *goja.Runtime, b []byte) goja.Value {
	a := make([]any, len(b))
	for i, x := range b {
		a[i] = int64(x)
	}
	return rt.NewArray(a...)
}
