import { check } from 'k6';

export const options = { vus: 2, iterations: 4 };

export function setup() {
  check(__VU, { 'setup runs as VU 0': (v) => v === 0 });
  return { token: 'abc', list: [1, 2, 3] };
}

export default function (data) {
  check(data, {
    'data copied': (d) => d.token === 'abc' && d.list.length === 3 + __ITER,
  });
  data.list.push(__ITER); // mutations stay in this VU
}

export function teardown(data) {
  check(data, { 'teardown gets the original': (d) => d.list.length === 3 });
}
