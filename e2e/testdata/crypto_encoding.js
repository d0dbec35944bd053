// k6/crypto, k6/crypto/x509 and k6/encoding end to end: hash and HMAC
// vectors, Hashers, base64 variants, an HS256 JWT signed and verified the
// way k6's samples/jwt.js does, x509 parsing of an inline certificate, and
// an HTTP Basic auth header built with b64encode against the local target.
import { check } from 'k6';
import http from 'k6/http';
import crypto from 'k6/crypto';
import { hmac, sha256, createHash, randomBytes } from 'k6/crypto';
import x509 from 'k6/crypto/x509';
import encoding from 'k6/encoding';
import { b64encode, b64decode } from 'k6/encoding';

export const options = { iterations: 1, vus: 1 };

// A self-signed ECDSA P-256 certificate, valid 2021-05-01 to 2041-05-01.
const pem = `-----BEGIN CERTIFICATE-----
MIICLjCCAdOgAwIBAgICB+UwCgYIKoZIzj0EAwIwbTELMAkGA1UEBhMCU0UxEjAQ
BgNVBAgTCVN0b2NraG9sbTESMBAGA1UEBxMJU3RvY2tob2xtMREwDwYDVQQKEwhT
dGFtcGVkZTELMAkGA1UECxMCUUExFjAUBgNVBAMTDXN0YW1wZWRlLnRlc3QwHhcN
MjEwNTAxMDAwMDAwWhcNNDEwNTAxMDAwMDAwWjBtMQswCQYDVQQGEwJTRTESMBAG
A1UECBMJU3RvY2tob2xtMRIwEAYDVQQHEwlTdG9ja2hvbG0xETAPBgNVBAoTCFN0
YW1wZWRlMQswCQYDVQQLEwJRQTEWMBQGA1UEAxMNc3RhbXBlZGUudGVzdDBZMBMG
ByqGSM49AgEGCCqGSM49AwEHA0IABLM0g+Y6/W8EQ8dfu0HvoPiWNYBrCQvNF1RG
qJEHlyGahZjEF4lAjsSVoM+8PfJ0mEIwg+Pp1upai9F58Ffj4gajYzBhMA8GA1Ud
EwEB/wQFMAMBAf8wHQYDVR0OBBYEFK70+XzbxVPljulG1ikMRMajXENWMC8GA1Ud
EQQoMCaCDXN0YW1wZWRlLnRlc3SCDyouc3RhbXBlZGUudGVzdIcEfwAAATAKBggq
hkjOPQQDAgNJADBGAiEApUwBRaBTHPtYhru5/CUJfHxp8rVlAmlr3OrJ9evcz98C
IQCsbDUxi9lu0IOwrnItaerd7b8JMlL2d+wEtqSV3mf1Hg==
-----END CERTIFICATE-----`;

function hex(ab) {
  return Array.from(new Uint8Array(ab), (b) => (b < 16 ? '0' : '') + b.toString(16)).join('');
}

function thrown(fn) {
  try {
    fn();
  } catch (e) {
    return String(e.message || e);
  }
  return '';
}

// JWT helpers, as in k6's samples/jwt.js.
function sign(data, secret) {
  return hmac('sha256', secret, data, 'base64rawurl');
}

function encodeJWT(payload, secret) {
  const header = b64encode(JSON.stringify({ typ: 'JWT', alg: 'HS256' }), 'rawurl');
  const body = b64encode(JSON.stringify(payload), 'rawurl');
  return `${header}.${body}.${sign(`${header}.${body}`, secret)}`;
}

function decodeJWT(token, secret) {
  const parts = token.split('.');
  const header = JSON.parse(b64decode(parts[0], 'rawurl', 's'));
  if (header.alg !== 'HS256') {
    throw new Error(`unsupported alg ${header.alg}`);
  }
  if (sign(`${parts[0]}.${parts[1]}`, secret) !== parts[2]) {
    throw new Error('JWT signature verification failed');
  }
  return JSON.parse(b64decode(parts[1], 'rawurl', 's'));
}

export default function () {
  check(null, {
    // k6/encoding
    'b64encode std': () => b64encode('hello?>') === 'aGVsbG8/Pg==',
    'b64encode rawstd': () => encoding.b64encode('hello?>', 'rawstd') === 'aGVsbG8/Pg',
    'b64encode url': () => b64encode('hello?>', 'url') === 'aGVsbG8_Pg==',
    'b64encode rawurl': () => b64encode('hello?>', 'rawurl') === 'aGVsbG8_Pg',
    'b64encode ArrayBuffer': () => b64encode(new Uint8Array([0xfb, 0xff]).buffer) === '+/8=',
    'b64decode ArrayBuffer': () => {
      const ab = b64decode('aGk=');
      return ab instanceof ArrayBuffer && hex(ab) === '6869';
    },
    'b64decode string': () => b64decode('aGVsbG8_Pg', 'rawurl', 's') === 'hello?>',
    'b64decode utf-8 round trip': () => b64decode(b64encode('Grüße 👋'), 'std', 's') === 'Grüße 👋',
    'b64decode invalid throws': () => thrown(() => b64decode('aGk=!')) === 'illegal base64 data at input byte 4',

    // k6/crypto
    'md4': () => crypto.md4('abc', 'hex') === 'a448017aaf21d8525fc10ae87aa6729d',
    'md5': () => crypto.md5('hello', 'hex') === '5d41402abc4b2a76b9719d911017c592',
    'sha1': () => crypto.sha1('abc', 'hex') === 'a9993e364706816aba3e25717850c26c9cd0d89d',
    'sha256 hex': () => sha256('hello', 'hex') === '2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824',
    'sha256 base64': () => sha256('hello', 'base64') === 'LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=',
    'sha256 base64url': () => sha256('hello', 'base64url') === 'LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=',
    'sha256 base64rawurl': () => sha256('hello', 'base64rawurl') === 'LPJNul-wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ',
    'sha256 binary': () => hex(sha256('hello', 'binary')) === sha256('hello', 'hex'),
    'sha384': () => crypto.sha384('abc', 'hex').startsWith('cb00753f45a35e8bb5a03d699ac65007'),
    'sha512': () => crypto.sha512('abc', 'hex').startsWith('ddaf35a193617abacc417349ae204131'),
    'sha512_224': () => crypto.sha512_224('abc', 'hex') === '4634270f707b6a54daae7530460842e20e37ed265ceee9a43e8924aa',
    'sha512_256': () => crypto.sha512_256('abc', 'hex') === '53048e2681941ef99b2e29b76b4c7dabe4c2d0c634fc6d46e0e2f13107e7af23',
    'ripemd160': () => crypto.ripemd160('abc', 'hex') === '8eb208f7e05d987a9b044a8e98c6b087f15a0bfc',
    'hash of ArrayBuffer': () => crypto.sha1(new Uint8Array([97, 98, 99]).buffer, 'hex') === crypto.sha1('abc', 'hex'),
    'hmac rfc4231': () => hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'hex') ===
      '5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843',
    'hmac ArrayBuffer secret': () => hmac('sha256', new Uint8Array(20).fill(0x0b).buffer, 'Hi There', 'hex') ===
      'b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7',
    'createHash': () => {
      const h = createHash('sha256');
      h.update('hel');
      const partial = h.digest('hex');
      h.update('lo');
      return partial === sha256('hel', 'hex') && h.digest('hex') === sha256('hello', 'hex') && h.digest('hex') === sha256('hello', 'hex');
    },
    'createHMAC': () => {
      const h = crypto.createHMAC('sha256', 'Jefe');
      h.update('what do ya want ');
      h.update('for nothing?');
      return h.digest('hex') === hmac('sha256', 'Jefe', 'what do ya want for nothing?', 'hex');
    },
    'randomBytes': () => {
      const a = randomBytes(16);
      return a instanceof ArrayBuffer && a.byteLength === 16 && hex(a) !== hex(randomBytes(16));
    },
    'hexEncode': () => crypto.hexEncode('abc') === '616263',
    'invalid output encoding throws': () => thrown(() => sha256('x', 'utf8')) === 'Invalid output encoding: utf8',
    'invalid algorithm throws': () => thrown(() => createHash('sha3')) === 'Invalid algorithm: sha3',

    // JWT HS256, as k6's samples/jwt.js
    'jwt known signature': () => sign(
      'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ',
      'your-256-bit-secret') === 'SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c',
    'jwt round trip': () => {
      const token = encodeJWT({ user: 'alice', n: 42 }, 'secret');
      const payload = decodeJWT(token, 'secret');
      return token.split('.').length === 3 && payload.user === 'alice' && payload.n === 42;
    },
    'jwt wrong secret rejected': () => thrown(() => decodeJWT(encodeJWT({ a: 1 }, 'secret'), 'other')) ===
      'JWT signature verification failed',

    // k6/crypto/x509
    'x509 subject': () => {
      const s = x509.parse(pem).subject;
      return s.commonName === 'stampede.test' && s.country === 'SE' && s.stateOrProvinceName === 'Stockholm' &&
        s.localityName === 'Stockholm' && s.organizationName === 'Stampede' && s.organizationalUnitName[0] === 'QA' &&
        s.names.length === 6;
    },
    'x509 issuer': () => x509.getIssuer(pem).commonName === 'stampede.test',
    'x509 dates': () => {
      const c = x509.parse(pem);
      return c.notBefore === '2021-05-01T00:00:00Z' && c.notAfter === '2041-05-01T00:00:00Z';
    },
    'x509 altNames': () => x509.getAltNames(pem).join() === 'stampede.test,*.stampede.test,127.0.0.1',
    'x509 signatureAlgorithm': () => x509.parse(pem).signatureAlgorithm === 'ECDSA-SHA256',
    'x509 fingerPrint': () => x509.parse(pem).fingerPrint.map((b) => (b < 16 ? '0' : '') + b.toString(16)).join('') ===
      '8e9acf7324dca3895aced2bffd1c3d4203073bde',
    'x509 publicKey': () => {
      const k = x509.parse(pem).publicKey;
      return k.algorithm === 'ECDSA' && k.key.curve === 'P-256';
    },
    'x509 getSubject': () => x509.getSubject(pem).organizationName === 'Stampede',
    'x509 bad PEM throws': () => thrown(() => x509.parse('nope')).includes('failed to decode certificate PEM file'),
  });

  // HTTP Basic auth with a header built by b64encode.
  const auth = b64encode('user:pass');
  const res = http.get(`${__ENV.TARGET}/basic-auth/user/pass`, { headers: { Authorization: `Basic ${auth}` } });
  const bad = http.get(`${__ENV.TARGET}/basic-auth/user/pass`, { headers: { Authorization: `Basic ${b64encode('user:wrong')}` } });
  check(res, {
    'basic auth header': () => auth === 'dXNlcjpwYXNz',
    'basic auth status 200': (r) => r.status === 200,
    'basic auth authorized': (r) => r.json('authorized') === true && r.json('user') === 'user',
    'basic auth wrong password 401': () => bad.status === 401,
  });
}
