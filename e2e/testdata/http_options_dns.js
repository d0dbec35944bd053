// The dns option (k6-spec §2): ttl, select and policy, with every lookup
// sent to the Go test's DNS server (STAMPEDE_DNS_SERVER). Each request
// opens a new connection, so each one resolves the name; the Go test counts
// the DNS questions and which address each request reached.
import http from 'k6/http';
import { check } from 'k6';

const cases = {
  roundRobinForever: { dns: { ttl: 'inf', select: 'roundRobin' } },
  firstNoCache: { dns: { ttl: '0', select: 'first' } },
  onlyIPv4: { dns: { select: 'roundRobin', policy: 'onlyIPv4' } },
  onlyIPv6: { dns: { policy: 'onlyIPv6' } },
  fromEnv: {}, // K6_DNS or --dns
};

export const options = Object.assign({ vus: 1, iterations: 1, noConnectionReuse: true }, cases[__ENV.CASE]);

export default function () {
  for (let i = 0; i < 6; i++) {
    const res = http.get(`http://${__ENV.DNS_HOST}:${__ENV.PORT}/`);
    if (__ENV.WANT_DNS_ERROR) {
      check(res, { 'DNS error': (r) => r.status === 0 && r.error_code >= 1100 && r.error_code <= 1101 });
    } else {
      check(res, { 'status is 200': (r) => r.status === 200 });
    }
  }
}
