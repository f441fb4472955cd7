// Tributary admin UI: a hash router over plain ES modules, talking only to the REST API.
import {h, fill} from './dom.js';

/** An error answer of the API: status, stable code, message for people, and the whole body. */
export class ApiError extends Error {
  constructor(status, body) {
    super(body && body.message ? body.message : 'HTTP ' + status);
    this.status = status;
    this.code = body && body.error;
    this.body = body || {};
  }
}

export const session = {me: null};

/** Unsaved pipeline edits per environment, so Simulate can run the edited pipeline. */
export const drafts = {};

/**
 * JSON kept in this tab's sessionStorage under `kind`, one value per principal and environment:
 * it survives a reload and goes with the tab. Storage that is full or off keeps nothing.
 */
export function tabStorage(kind) {
  const key = (me, env) => 'tributary.' + kind + '.' + (me ? me.id : 'anonymous') + '.' + env;
  return {
    save(me, env, value) { try { sessionStorage.setItem(key(me, env), JSON.stringify(value)); } catch (e) { /* memory only */ } },
    load(me, env) { try { return JSON.parse(sessionStorage.getItem(key(me, env)) || 'null'); } catch (e) { return null; } },
    clear(me, env) { try { sessionStorage.removeItem(key(me, env)); } catch (e) { /* nothing kept */ } },
  };
}

/**
 * Calls the REST API with the session cookie. JSON in, JSON out; an error answer becomes an
 * ApiError carrying the server's message. A 401 on a page other than login sends the user to log in.
 */
export async function api(path, {method = 'GET', body} = {}) {
  const init = {method, credentials: 'same-origin', headers: {Accept: 'application/json'}};
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  let response;
  try {
    response = await fetch('/api/v1' + path, init);
  } catch (e) {
    throw new ApiError(0, {error: 'network', message: 'The server cannot be reached: ' + e.message});
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = {message: text}; }
  if (!response.ok) {
    if (response.status === 401 && path !== '/session' && path !== '/me') {
      session.me = null;
      renderWho();
      if (!location.hash.startsWith('#/login')) location.hash = '#/login?next=' + encodeURIComponent(location.hash);
    }
    throw new ApiError(response.status, json);
  }
  return {status: response.status, body: json, headers: response.headers};
}

/** Whether the logged-in principal has at least this role ('viewer' < 'operator' < 'admin'). */
export function can(role) {
  const order = ['viewer', 'operator', 'admin'];
  return !!session.me && order.indexOf(session.me.role) >= order.indexOf(role);
}

export function isApprover() {
  return !!session.me && session.me.approver && can('operator');
}

/** Why a control is disabled for this role, for its title attribute. */
export function needs(role) {
  return can(role) ? null : 'Needs the ' + role + ' role (you are ' + (session.me ? session.me.role : 'logged out') + ')';
}

/** A message for everyone who uses the page: the server's words, and its details if any. */
export function errorBox(e) {
  const lines = [];
  if (e.body && Array.isArray(e.body.diagnostics)) {
    for (const d of e.body.diagnostics) lines.push(h('li', {}, (d.stage ? d.stage + ': ' : '') + (d.key ? d.key + ': ' : '') + d.message));
  }
  return h('div', {class: 'error', role: 'alert'},
    h('strong', {}, e.status ? 'Error ' + e.status + (e.code ? ' (' + e.code + ')' : '') + ': ' : 'Error: '),
    e.message, lines.length ? h('ul', {}, lines) : null);
}

/** When the last flash message was shown: a page change clears it unless it came right after. */
let flashShownAt = -Infinity;

export function flash(message, kind = 'info') {
  const box = document.getElementById('flash');
  flashShownAt = performance.now();
  fill(box, h('div', {class: 'flash ' + kind}, message,
    h('button', {type: 'button', class: 'link', 'aria-label': 'Dismiss', onclick: () => fill(box)}, '×')));
}

const pages = {
  login: () => import('./pages/login.js'),
  home: () => import('./pages/home.js'),
  catalog: () => import('./pages/catalog.js'),
  processors: () => import('./pages/processor.js'),
  plugins: () => import('./pages/plugins.js'),
  environments: () => import('./pages/pipeline.js'),
  approvals: () => import('./pages/approvals.js'),
  audit: () => import('./pages/audit.js'),
  timings: () => import('./pages/timings.js'),
  simulate: () => import('./pages/simulate.js'),
  live: () => import('./pages/live.js'),
  tokens: () => import('./pages/tokens.js'),
};

const NAV = [
  ['home', 'Home'], ['catalog', 'Catalog'], ['plugins', 'Plugins'], ['environments', 'Pipelines'], ['approvals', 'Approvals'],
  ['audit', 'Audit'], ['timings', 'Timings'], ['live', 'Live'], ['simulate', 'Simulate'],
  ['tokens', 'Tokens', 'admin'],
];

let cleanup = null;

function renderNav(current) {
  const nav = document.getElementById('nav');
  if (!session.me) return fill(nav);
  fill(nav, h('ul', {}, NAV.filter(([, , role]) => !role || can(role)).map(([id, label]) =>
    h('li', {}, h('a', {href: '#/' + id, 'aria-current': id === current ? 'page' : null}, label,
      BADGED[id] ? h('span', {class: 'nav-badge', id: 'badge-' + id, hidden: true}) : null)))));
  refreshBadges();
}

/** Nav entries that carry a count: what needs someone's attention. */
const BADGED = {plugins: 'failed plugin file(s)', timings: 'open breaker(s)', approvals: 'pending approval(s)'};
let badgesAt = 0;

/** Failed plugins, open breakers and pending approvals as counts in the nav, from the overview (at most every 15 s). */
async function refreshBadges(force = false) {
  if (!session.me || (!force && Date.now() - badgesAt < 15000)) return;
  badgesAt = Date.now();
  let o;
  try { o = (await api('/overview')).body; } catch (e) { return; }
  const counts = {plugins: (o.failedPlugins || []).length, timings: (o.openBreakers || []).length,
    approvals: (o.pendingApprovals || []).length};
  for (const [id, n] of Object.entries(counts)) {
    const b = document.getElementById('badge-' + id);
    if (!b) continue;
    b.textContent = String(n);
    b.title = n + ' ' + BADGED[id];
    b.setAttribute('aria-label', n + ' ' + BADGED[id]);
    b.hidden = n === 0;
  }
}
setInterval(() => refreshBadges(), 30000);

function renderWho() {
  const who = document.getElementById('who');
  if (!session.me) return fill(who);
  const me = session.me;
  fill(who,
    h('span', {id: 'principal'}, h('strong', {}, me.name), ' ',
      h('span', {class: 'badge role', id: 'role'}, me.role + (me.approver ? ' · approver' : ''))),
    h('button', {type: 'button', id: 'logout', onclick: logout}, 'Log out'));
}

async function logout() {
  try { await api('/session', {method: 'DELETE'}); } catch (e) { /* already logged out */ }
  session.me = null;
  renderWho();
  location.hash = '#/login';
}

export function loggedIn(me) {
  session.me = me;
  renderWho();
}

/** Parses '#/name/a/b?x=1' into the page name, its path parts and its query. */
function parseHash() {
  const raw = location.hash.replace(/^#\/?/, '');
  const [path, query] = raw.split('?');
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  return {name: parts[0] || 'home', args: parts.slice(1), query: new URLSearchParams(query || '')};
}

async function route() {
  if (cleanup) { try { cleanup(); } catch (e) { /* ignore */ } cleanup = null; }
  const {name, args, query} = parseHash();
  const main = document.getElementById('main');
  if (!session.me && name !== 'login') {
    try {
      loggedIn((await api('/me')).body);
    } catch (e) {
      // A logged-out deep link comes back here after the login.
      if (!location.hash.startsWith('#/login')) {
        location.hash = '#/login' + (name ? '?next=' + encodeURIComponent(location.hash || '#/catalog') : '');
      }
      return;
    }
  }
  renderNav(name);
  const load = pages[name];
  if (!load) {
    fill(main, h('h1', {}, 'Not found'), h('p', {}, 'There is no page "' + name + '". ', h('a', {href: '#/catalog'}, 'Go to the catalog')));
    return;
  }
  fill(main, h('p', {class: 'muted'}, 'Loading…'));
  try {
    const module = await load();
    const view = h('div', {class: 'page page-' + name});
    const result = await module.render(view, {args, query});
    fill(main, view);
    const heading = view.querySelector('h1');
    document.title = (heading ? heading.textContent + ' · ' : '') + 'Tributary admin';
    // Keyboard and screen-reader users land on the new page's heading, not the old link.
    if (heading && name !== 'login') {
      heading.setAttribute('tabindex', '-1');
      heading.focus({preventScroll: true});
    }
    cleanup = typeof result === 'function' ? result : null;
  } catch (e) {
    if (e instanceof ApiError && e.status === 401) return;
    fill(main, h('h1', {}, 'Something went wrong'), errorBox(e instanceof ApiError ? e : new ApiError(0, {message: String(e)})));
  }
}

window.addEventListener('hashchange', () => {
  // A message belongs to the page it was shown on; one shown just before a navigation the page
  // itself started (write, then show the result) is kept for the page it leads to.
  if (performance.now() - flashShownAt > 500) fill(document.getElementById('flash'));
  route();
});
route();
