import http from 'k6/http';

export const options = {
  iterations: 3,
  thresholds: {
    http_req_duration: ['p(95)<0.0001', 'avg<10000'],
    'http_req_duration{name:never}': ['max<1'],
    http_reqs: ['count>=3'],
  },
};

export default function () {
  http.get(`${__ENV.TARGET}/get`);
}
