import { randomSeed, check } from 'k6';
randomSeed(1);
const first = Math.random();
export const options = { iterations: 1 };
export default function () {
  check(first, { 'seeded like k6': (v) => Math.abs(v - 0.6046602879796196) < 1e-12 });
}
