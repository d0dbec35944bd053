import http from 'k6/http';
import { check } from 'k6';
export const options = { iterations: 1 };
export default function () {
  const ok = http.get(`${__ENV.TARGET}/status/200`);
  const notFound = http.get(`${__ENV.TARGET}/status/404`);
  const refused = http.get('http://127.0.0.1:1/');
  check(null, {
    '404 has error_code 1404': () => notFound.status === 404 && notFound.error_code === 1404,
    'refused has status 0': () => refused.status === 0 && refused.error_code === 1212,
    'ok has no error': () => ok.error === '' && ok.error_code === 0,
  });
}
