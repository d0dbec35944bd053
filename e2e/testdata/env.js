import { check } from 'k6';
export default function () {
  check(__ENV, {
    'flag env': (e) => e.FROM_FLAG === 'yes',
    'system env passed': (e) => e.FROM_SYSTEM === 'sys',
  });
}
