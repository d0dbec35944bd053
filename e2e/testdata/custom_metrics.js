import { Counter, Gauge, Rate, Trend } from 'k6/metrics';

const counter = new Counter('my_counter');
const gauge = new Gauge('my_gauge');
const rate = new Rate('my_rate');
const trend = new Trend('my_trend');
const timeTrend = new Trend('my_time', true);

export const options = {
  iterations: 10,
  thresholds: {
    my_counter: ['count==20'],
    my_gauge: ['value==9'],
    my_rate: ['rate==0.5'],
    my_trend: ['p(50)==4.5', 'avg==4.5', 'min==0', 'max==9'],
    'my_trend{kind:even}': ['max==8'],
    my_time: ['max<1000'],
  },
};

export default function () {
  counter.add(2);
  gauge.add(__ITER);
  rate.add(__ITER % 2 === 0);
  trend.add(__ITER, { kind: __ITER % 2 === 0 ? 'even' : 'odd' });
  timeTrend.add(12.5);
}
