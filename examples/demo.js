// The demo run by `stampede demo`: a short, real load test against the
// built-in httpbin target. Run it yourself against any target with
//   stampede target &            # prints the target's URL
//   stampede run -e TARGET=http://127.0.0.1:PORT examples/demo.js
import http from 'k6/http';
import { check, group, sleep } from 'k6';
import { Trend, Rate, Counter } from 'k6/metrics';

const BASE = __ENV.TARGET || 'http://127.0.0.1:8080';

const jsonTime = new Trend('json_time', true);
const okRate = new Rate('ok_rate');
const bytesSeen = new Counter('bytes_seen');

export const options = {
  stages: [
    { duration: '3s', target: 5 },
    { duration: '4s', target: 5 },
    { duration: '3s', target: 0 },
  ],
  thresholds: {
    http_req_duration: ['p(95)<500'],
    http_req_failed: ['rate<0.01'],
    checks: ['rate>0.99'],
    'json_time{kind:slideshow}': ['avg<200'],
  },
};

export default function () {
  group('browse', () => {
    const res = http.get(`${BASE}/get?page=home`);
    okRate.add(res.status === 200);
    check(res, {
      'status is 200': (r) => r.status === 200,
      'echoes the query': (r) => r.json('args.page.0') === 'home',
    });
  });

  group('api', () => {
    const res = http.get(`${BASE}/json`, { tags: { name: 'json' } });
    jsonTime.add(res.timings.duration, { kind: 'slideshow' });
    bytesSeen.add(res.body.length);
    check(res, { 'has a slideshow': (r) => r.json('slideshow.title') !== undefined });

    const post = http.post(`${BASE}/post`, JSON.stringify({ hello: 'stampede' }), {
      headers: { 'Content-Type': 'application/json' },
    });
    check(post, { 'post echoed': (r) => r.json('json.hello') === 'stampede' });
  });

  sleep(0.5);
}
