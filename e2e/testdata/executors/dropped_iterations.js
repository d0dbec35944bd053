import { sleep } from 'k6';

// 20 starts a second need 10 busy VUs; 1 can run only about 2 of them.
export const options = {
  scenarios: {
    starved: {
      executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '1s',
      preAllocatedVUs: 1, maxVUs: 1,
    },
  },
};

export default function () {
  sleep(0.5);
}
