import { sleep } from 'k6';

export const options = {
  scenarios: {
    rate: {
      executor: 'constant-arrival-rate', rate: 20, timeUnit: '1s', duration: '2s',
      preAllocatedVUs: 4, maxVUs: 8,
    },
  },
};

// 20/s for 2s = 40 iterations, whatever the iterations take.
export default function () {
  sleep(0.05);
}
