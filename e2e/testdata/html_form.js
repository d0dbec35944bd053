import http from 'k6/http';
import { check } from 'k6';
import html, { parseHTML } from 'k6/html';

export const options = { iterations: 2, vus: 1 };

const base = __ENV.TARGET;

export default function () {
  const page = http.get(`${base}/forms/post`);
  const doc = page.html();
  check(doc, {
    'form fields found': (d) => d.find('form input').size() === 11,
    'form action attr': (d) => d.find('form').attr('action') === '/post',
    'missing attr undefined': (d) => d.find('form').attr('nope') === undefined,
    'serializeObject': (d) => d.find('form').serializeObject().custname === '',
  });
  const posted = page.submitForm({ fields: { custname: 'Ann', custtel: '123' }, params: { tags: { name: 'submit' } } });
  check(posted, {
    'submitForm posted': (r) => r.status === 200 && r.url === `${base}/post`,
    'submitForm fields': (r) => r.json('form.custname.0') === 'Ann' && r.json('form.custtel.0') === '123',
  });
  const links = http.get(`${base}/links/5/0`);
  check(links, {
    'links listed': (r) => r.html('a').size() === 4,
    'parseHTML': () => parseHTML('<p class="a">x</p><p>y</p>').find('p').last().text() === 'y' &&
      html.parseHTML('<i id="q"></i>').find('i').get(0).id() === 'q',
    'clickLink follows': (r) => r.clickLink({ selector: 'a[href$="/2"]' }).url === `${base}/links/5/2`,
  });
}
