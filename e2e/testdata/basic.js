import http from 'k6/http';
import { check, group, sleep } from 'k6';

const BASE = __ENV.TARGET;

export const options = {
  vus: 2,
  iterations: 10,
  thresholds: {
    http_req_duration: ['p(95)<5000'],
    checks: ['rate==1'],
  },
};

export default function () {
  const res = http.get(`${BASE}/get?vu=${__VU}`);
  check(res, {
    'status is 200': (r) => r.status === 200,
    'vu echoed': (r) => r.json('args.vu.0') === String(__VU),
  });
  group('second', () => {
    const r2 = http.post(`${BASE}/post`, { a: '1' });
    check(r2, { 'form posted': (r) => r.json('form.a.0') === '1' });
  });
  sleep(0.01);
}
