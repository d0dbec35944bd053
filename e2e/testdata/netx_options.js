// hosts, blockHostnames and blacklistIPs (k6-spec §2, §8). Only names
// mapped by hosts or blocked before any lookup are used: nothing reaches a
// system resolver.
import http from 'k6/http';
import { check } from 'k6';

const port = __ENV.TARGET.split(':')[2];

export const options = {
  iterations: 1,
  hosts: {
    'Target.test': '127.0.0.1',
    'moved.test': `127.0.0.1:${port}`,
    'black.test': '127.0.0.2',
  },
  blockHostnames: ['*.Blocked.test', 'exact.test'],
  blacklistIPs: ['127.0.0.2/32', '10.0.0.0/8'],
  thresholds: {
    'http_reqs{error_code:1111}': ['count==2'],
    'http_reqs{error_code:1110}': ['count==2'],
  },
};

export default function () {
  const mapped = http.get(`http://target.test:${port}/headers`);
  const moved = http.get('http://moved.test:1/status/200');
  const wild = http.get(`http://a.b.blocked.TEST:${port}/status/200`);
  const exact = http.get(`http://exact.test:${port}/status/200`);
  const black = http.get(`http://black.test:${port}/status/200`);
  const blackIP = http.get(`http://10.1.2.3:${port}/status/200`);
  check(null, {
    'hosts maps the name': () => mapped.status === 200 && mapped.json().headers.Host[0] === `target.test:${port}`,
    'hosts redirects the port': () => moved.status === 200,
    'wildcard is blocked': () => wild.status === 0 && wild.error_code === 1111 && wild.error === 'hostname is blocked',
    'exact is blocked': () => exact.error_code === 1111,
    'mapped IP is blacklisted': () => black.status === 0 && black.error_code === 1110 && black.error === 'ip is blacklisted',
    'IP literal is blacklisted': () => blackIP.error_code === 1110,
  });
}
