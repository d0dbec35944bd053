// br/zstd compression both ways, NTLM auth, and the stapled OCSP response.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  iterations: 1,
  insecureSkipTLSVerify: true,
  thresholds: {
    // Only met when the ocsp_status system tag is attached.
    'http_reqs{ocsp_status:revoked}': ['count==1'],
  },
};

export default function () {
  const plain = __ENV.PLAIN;
  const ntlmURL = plain.replace('http://', 'http://user:pass@') + '/ntlm';
  check(null, {
    'br response decoded': () => http.get(`${plain}/br`).json('enc') === 'br',
    'zstd response decoded': () => http.get(`${plain}/zstd`).json('enc') === 'zstd',
    'br,zstd request compressed': () => {
      const res = http.post(`${plain}/echo`, 'hello stampede', { compression: 'br, zstd' });
      return res.status === 200 && res.body === 'hello stampede';
    },
    // Before the handshake: NTLM authenticates the kept-alive connection.
    'no ntlm without auth param': () => http.get(ntlmURL).status === 401,
    'ntlm handshake': () => {
      const res = http.get(ntlmURL, { auth: 'ntlm' });
      return res.status === 200 && res.body === 'welcome';
    },
    'ocsp revoked': () => {
      const o = http.get(__ENV.TLS).ocsp;
      return o.status === http.OCSP_STATUS_REVOKED && o.revocation_reason === http.OCSP_REASON_SUPERSEDED &&
        o.revoked_at > 0 && o.this_update > 0 && o.next_update === 0;
    },
  });
}
