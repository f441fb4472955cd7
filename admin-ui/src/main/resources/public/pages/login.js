import {h, fill} from '../dom.js';
import {api, loggedIn, errorBox, session} from '../app.js';

export async function render(view, {query}) {
  const status = h('div', {id: 'login-status'});
  const token = h('input', {id: 'token', name: 'token', type: 'password', autocomplete: 'current-password',
    required: true, spellcheck: 'false', 'aria-describedby': 'token-help'});
  const form = h('form', {class: 'card narrow', id: 'login-form'},
    h('h1', {}, 'Log in'),
    h('label', {for: 'token'}, 'Token'),
    token,
    h('p', {id: 'token-help', class: 'help'},
      'Paste an API token (an admin creates them; the first one is in the data directory\'s admin.token). ',
      'The browser keeps only a session cookie that scripts cannot read.'),
    h('button', {type: 'submit', class: 'primary', id: 'login'}, 'Log in'),
    status);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    fill(status);
    try {
      const me = (await api('/session', {method: 'POST', body: {token: token.value}})).body;
      token.value = '';
      loggedIn(me);
      const next = query.get('next');
      location.hash = next && next.startsWith('#/') && !next.startsWith('#/login') ? next : '#/home';
    } catch (e) {
      fill(status, errorBox(e));
      token.focus();
    }
  });
  if (session.me) {
    fill(view, h('div', {class: 'card narrow'}, h('h1', {}, 'Logged in'),
      h('p', {}, 'You are logged in as ', h('strong', {}, session.me.name), '. ', h('a', {href: '#/catalog'}, 'Open the catalog'))));
    return;
  }
  fill(view, form);
  setTimeout(() => token.focus(), 0);
}
