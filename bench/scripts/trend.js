// Trend-memory benchmark (bench/run.sh, figure 4): one iteration adds
// __ENV.N values to a custom Trend; max RSS must not grow with N.
import { Trend } from 'k6/metrics';

const t = new Trend('t');

export default function () {
  for (let i = 0; i < Number(__ENV.N); i++) t.add(Math.random() * 1000);
}
