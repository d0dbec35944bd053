package crypto_test

import (
	"strings"
	"testing"

	"github.com/stampede-load/stampede/internal/jsmods/k6/crypto"
	"github.com/stampede-load/stampede/internal/jsmodtest"
)

func newVU(t *testing.T) *jsmodtest.VU {
	t.Helper()
	vu := jsmodtest.New(t)
	vu.Load("crypto", crypto.RootModule{})
	vu.MustRun(`function hex(ab) { return Array.from(new Uint8Array(ab), (b) => (b < 16 ? '0' : '') + b.toString(16)).join(''); }
const rfc4231Key = new Uint8Array(20).fill(0x0b).buffer;`)
	return vu
}

func run(t *testing.T, cases []struct{ name, js, want string }) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			if got := newVU(t).MustRun(tc.js).String(); got != tc.want {
				t.Errorf("%s\n got %s\nwant %s", tc.js, got, tc.want)
			}
		})
	}
}

// Vectors: RFC 1320 (MD4), RFC 1321 (MD5), FIPS 180-4 examples (SHA), the
// RIPEMD-160 paper.
func TestHashes(t *testing.T) {
	t.Parallel()
	run(t, []struct{ name, js, want string }{
		{"md4", `crypto.md4("abc", "hex")`, "a448017aaf21d8525fc10ae87aa6729d"},
		{"md4 empty", `crypto.md4("", "hex")`, "31d6cfe0d16ae931b73c59d7e0c089c0"},
		{"md5", `crypto.md5("abc", "hex")`, "900150983cd24fb0d6963f7d28e17f72"},
		{"md5 hello", `crypto.md5("hello", "hex")`, "5d41402abc4b2a76b9719d911017c592"},
		{"sha1", `crypto.sha1("abc", "hex")`, "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"sha256", `crypto.sha256("abc", "hex")`, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"sha256 hello", `crypto.sha256("hello", "hex")`, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{"sha384", `crypto.sha384("abc", "hex")`, "cb00753f45a35e8bb5a03d699ac65007272c32ab0eded1631a8b605a43ff5bed8086072ba1e7cc2358baeca134c825a7"},
		{"sha512", `crypto.sha512("abc", "hex")`, "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f"},
		{"sha512_224", `crypto.sha512_224("abc", "hex")`, "4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa"},
		{"sha512_256", `crypto.sha512_256("abc", "hex")`, "53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23"},
		{"ripemd160", `crypto.ripemd160("abc", "hex")`, "8eb208f7e05d987a9b044a8e98c6b087f15a0bfc"},
		{"ripemd160 empty", `crypto.ripemd160("", "hex")`, "9c1185a5c5e9fc54612808977ee8f548b2258d31"},
		{"base64", `crypto.sha256("hello", "base64")`, "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
		{"base64url", `crypto.sha256("hello", "base64url")`, "LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
		{"base64rawurl", `crypto.sha256("hello", "base64rawurl")`, "LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ"},
		{"binary is ArrayBuffer", `crypto.sha256("hello", "binary") instanceof ArrayBuffer`, "true"},
		{"binary bytes", `hex(crypto.sha256("hello", "binary"))`, "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{"utf-8 input", `crypto.md5("ü", "hex") === crypto.md5(new Uint8Array([0xc3, 0xbc]), "hex")`, "true"},
		{"ArrayBuffer input", `crypto.sha1(new Uint8Array([97, 98, 99]).buffer, "hex")`, "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"typed array view input", `crypto.sha1(new Uint8Array([0, 97, 98, 99, 0]).subarray(1, 4), "hex")`, "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"byte array input", `crypto.sha1([97, 98, 99], "hex")`, "a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"hexEncode string", `crypto.hexEncode("abc")`, "616263"},
		{"hexEncode ArrayBuffer", `crypto.hexEncode(new Uint8Array([0, 15, 255]).buffer)`, "000fff"},
	})
}

// Vectors: RFC 4231 test cases 1 and 2, RFC 2202 test case 2.
func TestHMAC(t *testing.T) {
	t.Parallel()
	const jefe = `"Jefe", "what do ya want for nothing?"`
	run(t, []struct{ name, js, want string }{
		{"rfc4231 1 sha256", `crypto.hmac("sha256", rfc4231Key, "Hi There", "hex")`, "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{"rfc4231 1 sha384", `crypto.hmac("sha384", rfc4231Key, "Hi There", "hex")`, "afd03944d84895626b0825f4ab46907f15f9dadbe4101ec682aa034c7cebc59cfaea9ea9076ede7f4af152e8b2fa9cb6"},
		{"rfc4231 1 sha512", `crypto.hmac("sha512", rfc4231Key, "Hi There", "hex")`, "87aa7cdea5ef619d4ff0b4241a1d6cb02379f4e2ce4ec2787ad0b30545e17cdedaa833b7d6b8a702038b274eaea3f4e4be9d914eeb61f1702e696c203a126854"},
		{"rfc4231 2 sha256", `crypto.hmac("sha256", ` + jefe + `, "hex")`, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{"rfc2202 2 md5", `crypto.hmac("md5", ` + jefe + `, "hex")`, "750c783e6ab0b503eaa86e310a5db738"},
		{"rfc2202 2 sha1", `crypto.hmac("sha1", ` + jefe + `, "hex")`, "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79"},
		{"binary", `hex(crypto.hmac("sha256", ` + jefe + `, "binary"))`, "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"},
		{"createHMAC", `const h = crypto.createHMAC("sha256", rfc4231Key); h.update("Hi "); h.update("There"); h.digest("hex")`,
			"b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"},
		{"every algorithm", `["md4", "md5", "sha1", "sha256", "sha384", "sha512", "sha512_224", "sha512_256", "ripemd160"]
			.map((a) => crypto.hmac(a, "k", "d", "hex").length).join()`, "32,32,40,64,96,128,56,64,40"},
	})
}

func TestHasher(t *testing.T) {
	t.Parallel()
	run(t, []struct{ name, js, want string }{
		{"chunks", `const h = crypto.createHash("sha256"); h.update("hel"); h.update("lo"); h.digest("hex")`,
			"2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824"},
		{"update returns undefined", `typeof crypto.createHash("md5").update("x")`, "undefined"},
		{"digest twice", `const h = crypto.createHash("sha1"); h.update("abc"); h.digest("hex") + " " + h.digest("base64")`,
			"a9993e364706816aba3e25717850c26c9cd0d89d qZk+NkcGgWq6PiVxeFDCbJzQ2J0="},
		{"digest so far", `const h = crypto.createHash("md5"); h.update("hel"); h.digest("hex"); h.update("lo"); h.digest("hex")`,
			"5d41402abc4b2a76b9719d911017c592"},
		{"empty", `crypto.createHash("sha256").digest("hex")`, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"mixed inputs", `const h = crypto.createHash("sha1"); h.update("a"); h.update(new Uint8Array([98]).buffer); h.update([99]); h.digest("hex")`,
			"a9993e364706816aba3e25717850c26c9cd0d89d"},
		{"every algorithm", `["md4", "md5", "sha1", "sha256", "sha384", "sha512", "sha512_224", "sha512_256", "ripemd160"]
			.every((a) => { const h = crypto.createHash(a); h.update("abc"); return h.digest("hex") === crypto[a]("abc", "hex"); })`, "true"},
	})
}

func TestRandomBytes(t *testing.T) {
	t.Parallel()
	run(t, []struct{ name, js, want string }{
		{"ArrayBuffer", `crypto.randomBytes(16) instanceof ArrayBuffer`, "true"},
		{"length", `crypto.randomBytes(33).byteLength`, "33"},
		{"differs", `hex(crypto.randomBytes(16)) !== hex(crypto.randomBytes(16))`, "true"},
	})
}

func TestErrors(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ name, js, want string }{
		{"unknown encoding", `crypto.sha256("x", "base32")`, "Invalid output encoding: base32"},
		{"missing encoding", `crypto.md5("x")`, "Invalid output encoding: "},
		{"hmac unknown encoding", `crypto.hmac("sha256", "k", "x", "HEX")`, "Invalid output encoding: HEX"},
		{"digest unknown encoding", `crypto.createHash("sha1").digest("utf8")`, "Invalid output encoding: utf8"},
		{"hmac unknown algorithm", `crypto.hmac("sha3", "k", "x", "hex")`, "Invalid algorithm: sha3"},
		{"createHash unknown algorithm", `crypto.createHash("whirlpool")`, "Invalid algorithm: whirlpool"},
		{"createHMAC unknown algorithm", `crypto.createHMAC("SHA256", "k")`, "Invalid algorithm: SHA256"},
		{"createHash no algorithm", `crypto.createHash()`, "Invalid algorithm: "},
		{"bad input", `crypto.sha256({}, "hex")`, "invalid type Object"},
		{"undefined input", `crypto.sha256(undefined, "hex")`, "invalid type undefined"},
		{"bad secret", `crypto.hmac("sha256", 5, "x", "hex")`, "invalid type number"},
		{"bad update", `crypto.createHash("md5").update(null)`, "invalid type null"},
		{"bad byte array", `crypto.hexEncode([1, -1])`, "element 1 is -1"},
		{"randomBytes zero", `crypto.randomBytes(0)`, "invalid size"},
		{"randomBytes negative", `crypto.randomBytes(-5)`, "invalid size"},
		{"randomBytes NaN", `crypto.randomBytes("x")`, "invalid size"},
		{"randomBytes huge", `crypto.randomBytes(1e15)`, "invalid size"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			vu := newVU(t)
			got := vu.MustRun(`(() => { try { ` + tc.js + `; return "no error"; } catch (e) { return String(e.message || e); } })()`).String()
			if !strings.Contains(got, tc.want) {
				t.Errorf("%s threw %q, want it to contain %q", tc.js, got, tc.want)
			}
		})
	}
}

func TestNamedExports(t *testing.T) {
	t.Parallel()
	vu := newVU(t)
	got := vu.MustRun(`["md4", "md5", "sha1", "sha256", "sha384", "sha512", "sha512_224", "sha512_256", "ripemd160",
		"hmac", "createHash", "createHMAC", "randomBytes", "hexEncode"].filter((k) => typeof crypto[k] !== "function").join()`).String()
	if got != "" {
		t.Errorf("not functions: %s", got)
	}
}
