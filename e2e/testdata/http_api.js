import http from 'k6/http';
import { check } from 'k6';

export const options = { iterations: 2, vus: 1 };

let initError = '';
try {
  http.cookieJar();
} catch (e) {
  initError = String(e);
}

const base = __ENV.TARGET;

export default function () {
  const jar = http.cookieJar();
  check(null, {
    'cookieJar throws in init': () => initError.indexOf('Making cookie jars in the init context is not supported') >= 0,
    'jar reset each iteration': () => jar.cookiesForURL(base).it === undefined,
  });
  http.get(`${base}/cookies/set?it=${__ITER}`);
  const own = new http.CookieJar();
  own.set(base, 'own', 'yes');

  http.setResponseCallback(http.expectedStatuses(200, { min: 400, max: 404 }));
  const notFound = http.get(`${base}/status/404`);
  http.setResponseCallback(http.expectedStatuses({ min: 200, max: 399 }));

  const id = 7;
  const rs = http.batch([
    `${base}/cookies`,
    ['GET', `${base}/cookies`, null, { jar: own }],
    { method: 'POST', url: `${base}/post`, body: { f: http.file('filedata', 'a.txt', 'text/plain'), k: 'v' } },
    http.url`${base}/anything/${id}`,
  ]);
  const digest = http.get(base.replace('http://', 'http://u:p@') + '/digest-auth/auth/u/p', { auth: 'digest' });
  const gz = http.get(`${base}/gzip`);
  const posted = http.post(`${base}/post`, 'hello', { compression: 'gzip' });

  check(null, {
    'jar holds the cookie': () => jar.cookiesForURL(base).it[0] === String(__ITER),
    'batch returns all': () => rs.length === 4 && rs.every((r) => r.status === 200),
    'batch sends jar cookies': () => rs[0].json().cookies.it === String(__ITER),
    'batch uses own jar': () => rs[1].json().cookies.own === 'yes' && rs[1].json().cookies.it === undefined,
    'multipart upload': () => rs[2].json().files.f[0] === 'filedata' && rs[2].json().form.k[0] === 'v',
    'url template': () => rs[3].json().url.indexOf('/anything/7') >= 0,
    'digest auth': () => digest.status === 200 && digest.json().authenticated === true,
    'gzip body': () => gz.json().gzipped === true,
    'compressed request': () => posted.status === 200 && posted.request.headers['Content-Encoding'][0] === 'gzip',
    'expected 404': () => notFound.status === 404,
  });
}
