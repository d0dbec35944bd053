import { check } from 'k6';
import { parseHTML } from 'k6/html';

export const options = { iterations: 1, vus: 1 };

const src = `<!DOCTYPE html><html lang="en"><body>
<ul id="list" class="menu big" data-count="3" data-flag="true" data-user-name="ann" data-obj='{"a":[1,2]}'>
<li id="l1" class="item first">one</li><!-- c --><li id="l2" class="item">two <b>2</b></li><li id="l3" class="item" lang="fr">three</li><li id="l4" class="item last">four</li>
</ul>
<a id="lnk" href="/next" target="_blank">Go</a><img id="im" src="/i.png" alt="pic">
<form id="f" action="/post" method="POST"><input id="inp" name="q" value="v"><input id="cb" type="checkbox" name="c" checked>
<textarea id="ta" name="t">hi</textarea><button id="btn" name="b">B</button>
<select id="s" name="s"><option>one</option><option value="2" selected>two</option></select></form>
</body></html>`;

const ids = (s) => s.map((i, e) => e.attr('id')).join();

export default function () {
  const doc = parseHTML(src);
  const li = doc.find('li');
  const el = (id) => doc.find(`#${id}`).get(0);

  check(doc, {
    // Selection
    'sel add': () => ids(doc.find('#l1').add('#lnk')) === 'l1,lnk',
    'sel attr': () => doc.find('#lnk').attr('href') === '/next' && doc.find('#lnk').attr('x') === undefined,
    'sel children': () => ids(doc.find('#list').children('.first,.last')) === 'l1,l4',
    'sel closest': () => ids(doc.find('#l2 b').closest('li')) === 'l2',
    'sel contents': () => doc.find('#list').contents().size() === 7,
    'sel data': () => doc.find('#list').data('count') === 3 && doc.find('#list').data('flag') === true &&
      doc.find('#list').data().userName === 'ann' && doc.find('#list').data('obj').a[1] === 2 &&
      doc.find('#list').data('nope') === undefined,
    'sel each': () => { let s = ''; li.each((i, e) => { s += e.id(); }); return s === 'l1l2l3l4'; },
    'sel eq': () => li.eq(-1).attr('id') === 'l4',
    'sel filter': () => ids(li.filter('.first')) === 'l1' && ids(li.filter((i, e) => e.id() === 'l2')) === 'l2' &&
      ids(li.filter(doc.find('#l3'))) === 'l3',
    'sel find': () => doc.find('ul li.item').size() === 4,
    'sel first': () => li.first().attr('id') === 'l1',
    'sel get': () => li.get(1).id() === 'l2' && li.get().length === 4 && li.get(9) === undefined,
    'sel has': () => ids(li.has('b')) === 'l2',
    'sel html': () => doc.find('#l2').html() === 'two <b>2</b>',
    'sel index': () => doc.find('#l3').index() === 2,
    'sel is': () => li.is('.last') && li.is((i, e) => e.id() === 'l1') && !li.is(doc.find('#lnk')),
    'sel last': () => li.last().attr('id') === 'l4',
    'sel map': () => li.map((i, s) => s.text()).join() === 'one,two 2,three,four',
    'sel next': () => ids(doc.find('#l1').next()) === 'l2',
    'sel nextAll': () => ids(doc.find('#l2').nextAll()) === 'l3,l4',
    'sel nextUntil': () => ids(doc.find('#l1').nextUntil('.last')) === 'l2,l3' &&
      ids(doc.find('#l1').nextUntil('.last', '[lang]')) === 'l3',
    'sel not': () => ids(li.not('.item:not(.first)')) === 'l1' && ids(li.not((i) => i > 0)) === 'l1',
    'sel parent': () => ids(doc.find('#l1').parent()) === 'list',
    'sel parents': () => ids(doc.find('#l2 b').parents('ul, li')) === 'l2,list',
    'sel parentsUntil': () => ids(doc.find('#l2 b').parentsUntil('body')) === 'l2,list',
    'sel prev': () => ids(doc.find('#l2').prev()) === 'l1',
    'sel prevAll': () => ids(doc.find('#l4').prevAll()) === 'l3,l2,l1',
    'sel prevUntil': () => ids(doc.find('#l4').prevUntil('#l1')) === 'l3,l2',
    'sel serialize': () => doc.find('#f').serialize() === 'q=v&c=on&t=hi&s=2',
    'sel serializeArray': () => doc.find('#f').serializeArray()[0].name === 'q',
    'sel serializeObject': () => doc.find('#f').serializeObject().s === '2',
    'sel siblings': () => ids(doc.find('#l2').siblings()) === 'l1,l3,l4',
    'sel size': () => li.size() === 4,
    'sel slice': () => ids(li.slice(1, 3)) === 'l2,l3' && ids(li.slice(-2)) === 'l3,l4',
    'sel text': () => doc.find('#lnk').text() === 'Go',
    'sel toArray': () => li.toArray()[2].attr('id') === 'l3',
    'sel val': () => doc.find('#s').val() === '2' && doc.find('#ta').val() === 'hi',

    // Element
    'el nodeName': () => el('l1').nodeName() === 'li',
    'el nodeType': () => el('l1').nodeType() === 1 && el('l1').firstChild().nodeType() === 3,
    'el nodeValue': () => el('l1').nodeValue() === null && el('l1').firstChild().nodeValue() === 'one',
    'el id': () => el('l1').id() === 'l1',
    'el isConnected': () => el('l1').isConnected() === true,
    'el attributes': () => el('lnk').attributes().target.value === '_blank',
    'el hasAttribute': () => el('lnk').hasAttribute('href') && !el('lnk').hasAttribute('nope'),
    'el getAttribute': () => el('lnk').getAttribute('href') === '/next' && el('lnk').getAttribute('x') === undefined,
    'el getAttributeNode': () => el('lnk').getAttributeNode('href').name === 'href',
    'el hasAttributes': () => el('lnk').hasAttributes() && !doc.find('b').get(0).hasAttributes(),
    'el hasChildNodes': () => el('l1').hasChildNodes() && !el('im').hasChildNodes(),
    'el childNodes': () => el('l2').childNodes().length === 2,
    'el children': () => el('list').children().length === 4,
    'el firstChild': () => el('list').firstChild().nodeName() === '#text',
    'el lastChild': () => el('l2').lastChild().nodeName() === 'b',
    'el firstElementChild': () => el('list').firstElementChild().id() === 'l1',
    'el lastElementChild': () => el('list').lastElementChild().id() === 'l4',
    'el nextSibling': () => el('l1').nextSibling().nodeType() === 8,
    'el previousSibling': () => el('l2').previousSibling().nodeValue() === ' c ',
    'el nextElementSibling': () => el('l1').nextElementSibling().id() === 'l2',
    'el previousElementSibling': () => el('l2').previousElementSibling().id() === 'l1',
    'el parentElement': () => el('l1').parentElement().id() === 'list',
    'el parentNode': () => doc.find('html').get(0).parentNode().nodeType() === 9,
    'el ownerDocument': () => el('l1').ownerDocument().nodeName() === '#document',
    'el textContent': () => el('l2').textContent() === 'two 2',
    'el innerHTML': () => el('l2').innerHTML() === 'two <b>2</b>',
    'el classList': () => el('list').classList().join() === 'menu,big',
    'el className': () => el('list').className() === 'menu big',
    'el lang': () => el('l3').lang() === 'fr',
    'el getElementsByClassName': () => el('list').getElementsByClassName('item last')[0].id() === 'l4',
    'el getElementsByTagName': () => el('list').getElementsByTagName('li').length === 4,
    'el querySelector': () => el('list').querySelector('.item:nth-child(2)').id() === 'l2',
    'el querySelectorAll': () => el('list').querySelectorAll('li').length === 4,
    'el contains': () => el('list').contains(el('l2')) && !el('l1').contains(el('l2')),
    'el matches': () => el('l1').matches('ul > .first'),
    'el isEqualNode': () => el('l1').isEqualNode(parseHTML('<li id="l1" class="item first">one</li>').find('li').get(0)),
    'el isSameNode': () => el('l1').isSameNode(li.get(0)) && !el('l1').isSameNode(el('l2')),
    'el toString': () => String(el('lnk')) === '[object HTMLAnchorElement]' && el('l1').toString() === '[object HTMLLIElement]',

    // tag-specific accessors
    'a href': () => el('lnk').href() === '/next' && el('lnk').target() === '_blank',
    'img src': () => el('im').src() === '/i.png' && el('im').alt() === 'pic',
    'input value': () => el('inp').value() === 'v' && el('inp').name() === 'q' && el('inp').type() === 'text' &&
      el('cb').checked() && !el('inp').disabled(),
    'form action': () => el('f').action() === '/post' && el('f').method() === 'post' && el('f').elements().length === 5,
    'select options': () => el('s').options().length === 2 && el('s').value() === '2' && el('s').selectedIndex() === 1,
    'option value': () => el('s').options()[0].value() === 'one' && el('s').options()[1].selected() &&
      el('s').options()[1].text() === 'two',
    'textarea value': () => el('ta').value() === 'hi',
    'button type': () => el('btn').type() === 'submit' && el('btn').value() === '',
  });
}
