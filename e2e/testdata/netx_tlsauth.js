// tlsAuth: the client certificate goes only to the servers it names.
import http from 'k6/http';
import { check } from 'k6';

export const options = {
  iterations: 1,
  insecureSkipTLSVerify: true,
  hosts: { 'client.test': '127.0.0.1', 'other.test': '127.0.0.1' },
  tlsAuth: [{ domains: ['client.test'], cert: open(__ENV.CERT_FILE), key: open(__ENV.KEY_FILE) }],
};

export default function () {
  const mine = http.get(`https://client.test:${__ENV.TLS_PORT}/`);
  const other = http.get(`https://other.test:${__ENV.TLS_PORT}/`);
  check(null, {
    'certificate sent to its domain': () => mine.status === 200 && mine.body === 'stampede-client',
    'no certificate elsewhere': () => other.status === 200 && other.body === 'none',
  });
}
