package x509_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1" //nolint:gosec // the fingerprint is SHA-1
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/asn1"
	"encoding/pem"
	"fmt"
	"math/big"
	"net"
	"net/url"
	"strings"
	"testing"
	"time"

	mod "github.com/stampede-load/stampede/internal/jsmods/k6/crypto/x509"
	"github.com/stampede-load/stampede/internal/jsmodtest"
)

type certs struct {
	leafPEM, caPEM, ed25519PEM string
	leafDER                    []byte
	rsaKey                     *rsa.PrivateKey
	caKey                      *ecdsa.PrivateKey
}

// makeCerts makes an ECDSA CA, an RSA leaf it signs, and a self-signed
// Ed25519 certificate.
func makeCerts(t *testing.T) certs {
	t.Helper()
	notBefore := time.Date(2021, 5, 1, 12, 30, 0, 0, time.UTC)
	notAfter := time.Date(2031, 4, 29, 8, 0, 0, 0, time.FixedZone("X", 3600)) // 07:00 UTC
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ca := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "Test CA", Organization: []string{"Stampede CA"}, Country: []string{"SE"}},
		NotBefore:             notBefore,
		NotAfter:              notAfter,
		IsCA:                  true,
		BasicConstraintsValid: true,
		KeyUsage:              x509.KeyUsageCertSign,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, ca, ca, caKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	ca, err = x509.ParseCertificate(caDER)
	if err != nil {
		t.Fatal(err)
	}
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse("https://svc.example.com/x")
	leaf := &x509.Certificate{
		SerialNumber: big.NewInt(4242),
		Subject: pkix.Name{
			CommonName:         "example.com",
			Country:            []string{"ZZ"},
			PostalCode:         []string{"12345"},
			Province:           []string{"Testland"},
			Locality:           []string{"Testville"},
			StreetAddress:      []string{"1 Test Street"},
			Organization:       []string{"Stampede"},
			OrganizationalUnit: []string{"Load", "Testing"},
			ExtraNames:         []pkix.AttributeTypeAndValue{{Type: asn1.ObjectIdentifier{1, 2, 840, 113549, 1, 9, 1}, Value: "ops@example.com"}},
		},
		NotBefore:      notBefore,
		NotAfter:       notAfter,
		DNSNames:       []string{"example.com", "www.example.com"},
		EmailAddresses: []string{"admin@example.com"},
		IPAddresses:    []net.IP{net.ParseIP("127.0.0.1"), net.ParseIP("::1")},
		URIs:           []*url.URL{u},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leaf, ca, rsaKey.Public(), caKey)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ed := &x509.Certificate{SerialNumber: big.NewInt(7), Subject: pkix.Name{CommonName: "ed"}, NotBefore: notBefore, NotAfter: notAfter}
	edDER, err := x509.CreateCertificate(rand.Reader, ed, ed, edKey.Public(), crypto.Signer(edKey))
	if err != nil {
		t.Fatal(err)
	}
	enc := func(der []byte) string {
		return string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}))
	}
	return certs{leafPEM: enc(leafDER), caPEM: enc(caDER), ed25519PEM: enc(edDER), leafDER: leafDER, rsaKey: rsaKey, caKey: caKey}
}

func newVU(t *testing.T, c certs) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.Load("x509", mod.RootModule{})
	rt := vu.Runtime()
	for k, v := range map[string]string{"leafPEM": c.leafPEM, "caPEM": c.caPEM, "edPEM": c.ed25519PEM} {
		if err := rt.Set(k, v); err != nil {
			t.Fatal(err)
		}
	}
	return vu
}

func TestParse(t *testing.T) {
	t.Parallel()
	c := makeCerts(t)
	fp := sha1.Sum(c.leafDER) //nolint:gosec // see import
	fpList := make([]string, len(fp))
	for i, b := range fp {
		fpList[i] = fmt.Sprint(b)
	}
	caX, caY := c.caKey.X.String(), c.caKey.Y.String() //nolint:staticcheck // comparing coordinates
	leafBuf := `new Uint8Array(Array.from(leafPEM, (ch) => ch.charCodeAt(0))).buffer`

	for _, tc := range []struct{ name, js, want string }{
		{"notBefore", `x509.parse(leafPEM).notBefore`, "2021-05-01T12:30:00Z"},
		{"notAfter in UTC", `x509.parse(leafPEM).notAfter`, "2031-04-29T07:00:00Z"},
		{"signatureAlgorithm", `x509.parse(leafPEM).signatureAlgorithm`, "ECDSA-SHA256"},
		{"altNames", `x509.parse(leafPEM).altNames.join()`,
			"example.com,www.example.com,admin@example.com,127.0.0.1,::1,https://svc.example.com/x"},
		{"altNames is an array", `Array.isArray(x509.parse(leafPEM).altNames)`, "true"},
		{"fingerPrint", `x509.parse(leafPEM).fingerPrint.join()`, strings.Join(fpList, ",")},
		{"fingerPrint is an array", `Array.isArray(x509.parse(leafPEM).fingerPrint)`, "true"},
		{"subject commonName", `x509.parse(leafPEM).subject.commonName`, "example.com"},
		{"subject country", `x509.parse(leafPEM).subject.country`, "ZZ"},
		{"subject postalCode", `x509.parse(leafPEM).subject.postalCode`, "12345"},
		{"subject stateOrProvinceName", `x509.parse(leafPEM).subject.stateOrProvinceName`, "Testland"},
		{"subject localityName", `x509.parse(leafPEM).subject.localityName`, "Testville"},
		{"subject streetAddress", `x509.parse(leafPEM).subject.streetAddress`, "1 Test Street"},
		{"subject organizationName", `x509.parse(leafPEM).subject.organizationName`, "Stampede"},
		{"subject organizationalUnitName", `JSON.stringify(x509.parse(leafPEM).subject.organizationalUnitName)`, `["Load","Testing"]`},
		{"subject names", `x509.parse(leafPEM).subject.names.map((n) => n.name + "=" + n.value).join()`,
			"countryName=ZZ,stateOrProvinceName=Testland,localityName=Testville,streetAddress=1 Test Street," +
				"postalCode=12345,organizationName=Stampede,organizationalUnitName=Load,organizationalUnitName=Testing," +
				"commonName=example.com,emailAddress=ops@example.com"},
		{"subject names id and type", `const n = x509.parse(leafPEM).subject.names.at(-2); n.id + " " + n.type`, "2.5.4.3 2.5.4.3"},
		{"issuer", `JSON.stringify(x509.parse(leafPEM).issuer)`,
			`{"commonName":"Test CA","country":"SE","postalCode":"","stateOrProvinceName":"","localityName":"","streetAddress":"",` +
				`"organizationName":"Stampede CA","organizationalUnitName":[],"names":[` +
				`{"id":"2.5.4.6","name":"countryName","type":"2.5.4.6","value":"SE"},` +
				`{"id":"2.5.4.10","name":"organizationName","type":"2.5.4.10","value":"Stampede CA"},` +
				`{"id":"2.5.4.3","name":"commonName","type":"2.5.4.3","value":"Test CA"}]}`},
		{"RSA key algorithm", `x509.parse(leafPEM).publicKey.algorithm`, "RSA"},
		{"RSA key e", `x509.parse(leafPEM).publicKey.key.e`, "65537"},
		{"RSA key n", `x509.parse(leafPEM).publicKey.key.n.toString(16)`, c.rsaKey.N.Text(16)},
		{"RSA key n is a BigInt", `typeof x509.parse(leafPEM).publicKey.key.n`, "bigint"},
		{"ECDSA key", `const k = x509.parse(caPEM).publicKey; [k.algorithm, k.key.curve, k.key.x, k.key.y].join()`,
			"ECDSA,P-256," + caX + "," + caY},
		{"self-signed", `const ca = x509.parse(caPEM); JSON.stringify(ca.subject) === JSON.stringify(ca.issuer)`, "true"},
		{"no alt names", `JSON.stringify(x509.parse(caPEM).altNames)`, "[]"},
		{"Ed25519 key", `const k = x509.parse(edPEM).publicKey; k.algorithm + " " + k.key.byteLength`, "Ed25519 32"},
		{"getAltNames", `x509.getAltNames(leafPEM).join()`,
			"example.com,www.example.com,admin@example.com,127.0.0.1,::1,https://svc.example.com/x"},
		{"getIssuer", `x509.getIssuer(leafPEM).commonName`, "Test CA"},
		{"getSubject", `x509.getSubject(leafPEM).organizationalUnitName[1]`, "Testing"},
		{"ArrayBuffer input", `x509.parse(` + leafBuf + `).subject.commonName`, "example.com"},
		{"first certificate of a chain", `x509.parse(leafPEM + caPEM).subject.commonName`, "example.com"},
		{"skips other blocks", `x509.parse("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n" + caPEM).subject.commonName`, "Test CA"},
		{"key JSON", `JSON.parse(JSON.stringify(x509.parse(leafPEM).publicKey.key)).n`, c.rsaKey.N.String()},
		{"key own keys", `Object.keys(x509.parse(leafPEM).publicKey.key).join()`, "n,e"},
		{"JSON", `Object.keys(JSON.parse(JSON.stringify(x509.parse(leafPEM)))).join()`,
			"subject,issuer,notBefore,notAfter,altNames,signatureAlgorithm,fingerPrint,publicKey"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := newVU(t, c).MustRun(tc.js).String(); got != tc.want {
				t.Errorf("%s\n got %s\nwant %s", tc.js, got, tc.want)
			}
		})
	}
}

func TestErrors(t *testing.T) {
	t.Parallel()
	c := makeCerts(t)
	corrupt := strings.Replace(c.leafPEM, "MII", "MIA", 1)
	for _, tc := range []struct{ name, js, want string }{
		{"not PEM", `x509.parse("hello")`, "parse: failed to decode certificate PEM file"},
		{"empty", `x509.getSubject("")`, "getSubject: failed to decode certificate PEM file"},
		{"undefined", `x509.getIssuer()`, "getIssuer: failed to decode certificate PEM file"},
		{"number", `x509.getAltNames(42)`, "failed to decode certificate PEM file"},
		{"no certificate block", `x509.parse("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n")`, "failed to decode certificate PEM file"},
		{"bad DER", `x509.parse("-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n")`, "parse: failed to parse certificate: x509:"},
		{"corrupt DER", `x509.parse(corrupt)`, "failed to parse certificate"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t, c)
			if err := vu.Runtime().Set("corrupt", corrupt); err != nil {
				t.Fatal(err)
			}
			got := vu.MustRun(`(() => { try { ` + tc.js + `; return "no error"; } catch (e) { return String(e.message || e); } })()`).String()
			if !strings.Contains(got, tc.want) {
				t.Errorf("%s threw %q, want it to contain %q", tc.js, got, tc.want)
			}
		})
	}
}

func FuzzParse(f *testing.F) {
	f.Add("-----BEGIN CERTIFICATE-----\nMIIBAA==\n-----END CERTIFICATE-----\n")
	f.Add("hello")
	f.Fuzz(func(t *testing.T, in string) {
		vu := jsmodtest.New(t)
		vu.Load("x509", mod.RootModule{})
		_ = vu.Runtime().Set("input", in)
		_, _ = vu.Run(`x509.parse(input)`)
	})
}
