// rps caps requests across all VUs of the run (k6-spec §2).
import http from 'k6/http';

export const options = {
  rps: 20,
  scenarios: {
    flood: { executor: 'constant-vus', vus: 50, duration: '2s', gracefulStop: '0s' },
  },
};

export default function () {
  http.get(__ENV.URL);
}
