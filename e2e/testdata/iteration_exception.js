import { check } from 'k6';

export const options = { iterations: 4 };

export default function () {
  check(__ITER, { 'ran': () => true });
  if (__ITER % 2 === 1) {
    throw new Error(`odd iteration ${__ITER}`);
  }
}
