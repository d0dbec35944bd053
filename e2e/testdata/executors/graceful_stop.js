import { sleep } from 'k6';

// Both iterations outlive the 1s duration and end at 2s: "kept" waits for
// it (gracefulStop 3s), "cut" interrupts it at 1.5s.
export const options = {
  scenarios: {
    kept: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '3s' },
    cut: { executor: 'constant-vus', vus: 1, duration: '1s', gracefulStop: '500ms' },
  },
  thresholds: {
    'iterations{scenario:kept}': ['count==1'],
  },
};

export default function () {
  sleep(2);
}
