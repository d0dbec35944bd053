// Throughput / CPU-per-request benchmark (bench/run.sh, figures 1 and 2):
// one GET per iteration against the built-in target, passed as -e TARGET=URL.
import http from 'k6/http';

export default function () {
  http.get(`${__ENV.TARGET}/get`);
}
