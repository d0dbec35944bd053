import http from 'k6/http';
import { check } from 'k6';

// Used by output_test.go: a short run with tagged requests, or a long one
// (DURATION) to be stopped by Ctrl-C, or one aborted by a threshold (ABORT).
const long = __ENV.DURATION;
const abort = __ENV.ABORT === '1';

export const options = long || abort ? {
  vus: 2,
  duration: long || '30s',
  thresholds: abort ? { http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true }] } : {},
} : {
  vus: 2,
  iterations: 20,
  thresholds: { http_req_duration: ['p(95)<5000'] },
};

export default function () {
  const res = http.get(`${__ENV.TARGET}/${abort ? 'status/500' : 'get'}`, { tags: { mine: 'a&b' } });
  check(res, { 'status is 200': (r) => r.status === 200 });
}
