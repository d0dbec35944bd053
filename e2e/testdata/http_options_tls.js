// insecureSkipTLSVerify, tlsVersion, tlsCipherSuites, HTTP/2 by ALPN and
// TLS handshake timings (k6-spec §2, §7.3, §8, §13). TLS_URL serves HTTP/2
// with a self-signed certificate; TLS12_URL serves only TLS 1.2.
import http from 'k6/http';
import { check } from 'k6';

const cases = {
  untrusted: {
    options: {},
    run() {
      check(http.get(__ENV.TLS_URL), {
        'self-signed is refused with 1310': (r) => r.status === 0 && r.error_code === 1310,
      });
    },
  },
  insecureSkipTLSVerify: { options: { insecureSkipTLSVerify: true }, run: expectOK },
  insecureFromFlag: { options: {}, run: expectOK },
  tls13AgainstTLS12: {
    options: { insecureSkipTLSVerify: true, tlsVersion: { min: 'tls1.3', max: 'tls1.3' } },
    run() {
      check(http.get(__ENV.TLS12_URL), {
        'handshake fails with a TLS error': (r) => r.status === 0 && r.error_code === 1300 &&
          r.error.indexOf('protocol version') >= 0,
      });
    },
  },
  tls12Pinned: {
    options: { insecureSkipTLSVerify: true, tlsVersion: 'tls1.2' },
    run() {
      check(http.get(__ENV.TLS_URL), { 'tls_version is tls1.2': (r) => r.status === 200 && r.tls_version === http.TLS_1_2 });
    },
  },
  // tlsCipherSuites takes k6's names, and tls_cipher_suite gives them
  // back; k6's ChaCha20 names lack Go's _SHA256 suffix.
  cipherSuite: {
    options: {
      insecureSkipTLSVerify: true,
      tlsVersion: { min: 'tls1.2', max: 'tls1.2' },
      tlsCipherSuites: ['TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'],
    },
    run() { expectSuite('TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384'); },
  },
  cipherSuiteChaCha: {
    options: {
      insecureSkipTLSVerify: true,
      tlsVersion: { min: 'tls1.2', max: 'tls1.2' },
      tlsCipherSuites: ['TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305'],
    },
    run() { expectSuite('TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305'); },
  },
  // HTTP/2 over TLS by ALPN, HTTP/1.1 in plain text; only the first TLS
  // request of the VU does a handshake.
  protocols: {
    options: {
      insecureSkipTLSVerify: true,
      thresholds: {
        'http_reqs{proto:HTTP/2.0}': ['count==3'],
        'http_reqs{proto:HTTP/1.1}': ['count==1'],
        // one handshake, then none on the reused connection
        http_req_tls_handshaking: ['max>0', 'min==0'],
      },
    },
    run() {
      const first = http.get(__ENV.TLS_URL);
      const again = [http.get(__ENV.TLS_URL), http.get(__ENV.TLS_URL)];
      const plain = http.get(`${__ENV.TARGET}/get`);
      check(first, {
        'HTTP/2.0 over TLS': (r) => r.status === 200 && r.proto === 'HTTP/2.0' && r.tls_version === http.TLS_1_3,
        'first request shakes hands': (r) => r.timings.tls_handshaking > 0,
      });
      check(again, {
        'the connection is reused': (rs) => rs.every((r) => r.proto === 'HTTP/2.0' && r.timings.tls_handshaking === 0),
      });
      check(plain, { 'HTTP/1.1 in plain text': (r) => r.status === 200 && r.proto === 'HTTP/1.1' && r.tls_version === '' });
    },
  },
};

function expectOK() {
  check(http.get(__ENV.TLS_URL), { 'accepted without verification': (r) => r.status === 200 });
}

function expectSuite(name) {
  check(http.get(__ENV.TLS_URL), {
    'tls_cipher_suite is the pinned one': (r) => r.status === 200 && r.tls_cipher_suite === name,
  });
}

const c = cases[__ENV.CASE];

export const options = Object.assign({ vus: 1, iterations: 1 }, c.options);

export default function () {
  c.run();
}
