// Run by e2e/grpc_test.go against a loopback RouteGuide server whose
// address is in GRPC_ADDR; modelled on k6's samples/grpc.js.
import grpc from 'k6/net/grpc';
import { check } from 'k6';

const client = new grpc.Client();
client.load([], 'grpc_route_guide.proto');

export const options = {
  vus: 2,
  iterations: 6,
  thresholds: {
    grpc_req_duration: ['p(95)<5000'],
    'grpc_req_duration{status:5}': ['max<5000'],
    checks: ['rate==1'],
  },
};

export default () => {
  client.connect(__ENV.GRPC_ADDR, { plaintext: true, timeout: '10s' });

  const res = client.invoke('main.RouteGuide/GetFeature', {
    latitude: 410248224,
    longitude: -747127767,
  }, { headers: { 'x-token': 'e2e' }, tags: { kind: 'found' } });
  check(res, {
    'status is OK': (r) => r && r.status === grpc.StatusOK,
    'feature name': (r) => r.message.name === 'feature-410248224--747127767',
    'camelCase JSON name': (r) => r.message.displayName === 'Feature 410248224',
    'location echoed': (r) => r.message.location.longitude === -747127767,
    'header from metadata': (r) => r.headers['x-echo'][0] === 'e2e',
    'trailer': (r) => r.trailers['x-trailer'][0] === 'done',
    'no error': (r) => r.error === null,
  });

  const missing = client.invoke('/main.RouteGuide/GetFeature', { latitude: 404 });
  check(missing, {
    'status is NotFound': (r) => r.status === grpc.StatusNotFound,
    'error message': (r) => r.error.message === 'no feature at 404,0',
  });

  client.close();
};
