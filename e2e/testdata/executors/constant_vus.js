import { sleep } from 'k6';

export const options = {
  scenarios: {
    looping: { executor: 'constant-vus', vus: 2, duration: '1s' },
  },
};

// 2 VUs × 1s / 100ms ≈ 20 iterations.
export default function () {
  sleep(0.1);
}
