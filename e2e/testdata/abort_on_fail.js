import http from 'k6/http';
import { sleep } from 'k6';

export const options = {
  vus: 2,
  duration: '30s',
  thresholds: {
    http_req_failed: [{ threshold: 'rate<0.5', abortOnFail: true }],
  },
};

export default function () {
  http.get(`${__ENV.TARGET}/status/500`);
  sleep(0.1);
}

export function teardown() {
  console.log('teardown ran');
}
