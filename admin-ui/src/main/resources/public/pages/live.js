import {h, fill, pre, badge} from '../dom.js';
import {api, errorBox} from '../app.js';
import {describe, toOtlpRequest, whyNotOtlp, handOff, AS_EXPORTED, AS_RECEIVED} from '../samples.js';

const POLL_MILLIS = 2000;
const LIMIT = 50;
// The filters live in the URL (#/live/dev?attribute=user.tier%3Dgold&outcome=failed), so a reload or
// a shared link shows the same items; the server filters, so the rows are the last LIMIT that match.
const FILTERS = ['attribute', 'traceId', 'stage', 'outcome', 'deadLettered'];
const MAX_FILTER = 200;
const OUTCOMES = ['modified', 'unchanged', 'failed', 'skipped', 'defaulted', 'routed', 'dead-lettered'];

/** A lineage ("dev#3 pii-redaction@1.0.0=modified …") as it reads, each stage's outcome as a badge. */
function lineageCell(lineage) {
  if (!lineage) return '—';
  const [revision, ...stages] = lineage.split(' ');
  return [h('span', {class: 'mono small'}, revision), ' ', stages.map(s => {
    const at = s.lastIndexOf('=');
    return [h('span', {class: 'lineage-stage'}, h('span', {class: 'mono small'}, s.slice(0, at)), '=', badge(s.slice(at + 1))), ' '];
  })];
}

const LISTENER_NAMES = {admin: 'Admin UI and API', 'otlp-http': 'OTLP/HTTP', 'otlp-grpc': 'OTLP/gRPC'};
const TLS_NAMES = {none: 'plaintext', tls: 'TLS', 'mutual-tls': 'mutual TLS'};

/** Where this node listens, from /api/v1/health: name, address:port, and TLS or not. */
function listeners(health) {
  const up = (health && health.listeners) || [];
  if (!up.length) return null;
  return h('ul', {id: 'listeners', class: 'listeners', 'aria-label': 'Listeners'}, up.map(l =>
    h('li', {}, h('strong', {}, LISTENER_NAMES[l.name] || l.name), ' ',
      h('span', {class: 'mono'}, l.address + ':' + l.port), ' · ',
      h('span', {class: 'tls-' + l.tls}, TLS_NAMES[l.tls] || l.tls))));
}

function mib(bytes) {
  return (bytes / 1048576).toFixed(bytes < 10485760 ? 1 : 0) + ' MiB';
}

/** The gateway's queue as the environment's stats give it: kind, depth, age, replayed items. */
function queuePanel(gateway) {
  if (!gateway) return null;
  const signals = gateway.signals || {};
  const total = key => Object.values(signals).reduce((n, s) => n + (s[key] || 0), 0);
  const kind = gateway.queue === 'disk' ? 'on disk' + (gateway.queueSync === 'fsync' ? ' (fsync)' : '') : 'in memory';
  const parts = [
    h('strong', {}, 'Queue ' + kind), ' · ',
    h('span', {id: 'queue-depth'}, (gateway.queued ?? 0) + ' item(s), ' + mib(gateway.queuedBytes || 0) + ' of '
      + mib(gateway.queueMaxBytes || 0)), ' · ',
    h('span', {id: 'queue-age'}, 'oldest waiting ' + (gateway.oldestQueuedSeconds || 0) + ' s'), ' · ',
    h('span', {id: 'queue-replayed'}, (gateway.replayed || 0) + ' replayed after a restart'), ' · ',
    h('span', {}, total('received') + ' received, ' + total('throttled') + ' refused (retry), '
      + total('deadLettered') + ' dead-lettered')];
  const failing = (gateway.failingOutputs || []).map(o => o.output + (o.problem ? ': ' + o.problem : ''));
  return h('div', {id: 'queue', class: 'queue-panel'}, h('p', {}, parts),
    failing.length ? h('p', {class: 'error'}, 'Not writing: ' + failing.join('; ')) : null);
}

export async function render(view, {args, query}) {
  const [envs, health] = await Promise.all([
    api('/environments').then(r => r.body),
    api('/health').then(r => r.body).catch(() => null)]);
  const otlpPorts = ((health && health.listeners) || []).filter(l => l.name !== 'admin')
    .map(l => (LISTENER_NAMES[l.name] || l.name) + ' ' + l.port).join(', ');
  const served = envs.find(e => e.servedByThisNode);
  const env = args[0] || (served ? served.name : envs[0].name);
  const base = '#/live/' + encodeURIComponent(env);
  const filters = new URLSearchParams();
  for (const k of FILTERS) if (query.get(k)) filters.set(k, query.get(k));

  const status = h('p', {id: 'live-status', class: 'muted', 'aria-live': 'polite'});
  const problem = h('div', {id: 'live-problem'});
  const queueBox = h('div', {id: 'queue-box'});
  const tbody = h('tbody', {});
  const tableBox = h('div', {class: 'table-wrap', hidden: true}, h('table', {id: 'live-table'},
    h('thead', {}, h('tr', {}, ['#', 'Signal', 'Name', 'Service', 'Trace id', 'Stages (lineage)', ''].map(c => h('th', {scope: 'col'}, c)))),
    tbody));
  const empty = h('p', {class: 'empty', id: 'live-empty', hidden: true});
  const rows = new Map(); // seq → <tr>: a row is built once and kept, so what is open or focused stays
  const stagesSeen = new Set();
  const stageList = h('datalist', {id: 'live-stages'});
  let stopped = false;
  let paused = false;
  let pausedAt = null; // {seq: newest shown, newestSeq}
  let shownTop = 0;

  const input = (k, attrs) => h('input', Object.assign({id: 'live-' + k, name: k, type: 'text', maxlength: MAX_FILTER,
    value: query.get(k) || ''}, attrs || {}));
  const inputs = {
    attribute: input('attribute', {placeholder: 'key or key=value'}),
    traceId: input('traceId', {placeholder: 'hex, or its start', pattern: '[0-9a-fA-F]{1,32}',
      title: '1 to 32 hex digits'}),
    stage: input('stage', {placeholder: 'processor id', list: 'live-stages'}),
    outcome: h('select', {id: 'live-outcome', name: 'outcome'}, h('option', {value: ''}, 'any'),
      OUTCOMES.map(o => h('option', {value: o, selected: query.get('outcome') === o ? true : null}, o))),
    deadLettered: h('input', {id: 'live-dead', type: 'checkbox', checked: query.get('deadLettered') === 'true'}),
  };
  function go(params) {
    const hash = base + (String(params) ? '?' + params : '');
    if (location.hash === hash) poll(); else location.hash = hash;
  }
  function fromForm() {
    const q = new URLSearchParams();
    for (const k of ['attribute', 'traceId', 'stage', 'outcome']) if (inputs[k].value.trim()) q.set(k, inputs[k].value.trim());
    if (inputs.deadLettered.checked) q.set('deadLettered', 'true');
    return q;
  }
  const pauseButton = h('button', {type: 'button', id: 'live-pause', 'aria-pressed': 'false', onclick: togglePause}, 'Pause');

  function togglePause() {
    paused = !paused;
    pauseButton.textContent = paused ? 'Resume' : 'Pause';
    pauseButton.setAttribute('aria-pressed', String(paused));
    pauseButton.classList.toggle('primary', paused);
    view.classList.toggle('live-paused', paused);
    pausedAt = paused ? {seq: shownTop, newestSeq: null} : null;
    poll();
  }

  function openInSimulate(item) {
    const what = 'Item #' + item.seq + ' from Live (' + describe(item).name + '). ';
    const did = item.lineage ? ' On the data plane its stages did: ' + item.lineage + '.' : '';
    if (item.received) {
      handOff(env, {text: JSON.stringify(item.received, null, 2), note: what + AS_RECEIVED + did});
      location.hash = '#/simulate/' + encodeURIComponent(env);
      return;
    }
    const otlp = toOtlpRequest(item);
    if (!otlp) { fill(problem, h('p', {class: 'error', role: 'alert'}, 'Cannot open item #' + item.seq + ' in Simulate: ' + whyNotOtlp([item]))); return; }
    handOff(env, {text: JSON.stringify(otlp, null, 2), note: 'Item #' + item.seq + ' from Live (' + describe(item).name + '). ' + AS_EXPORTED
      + (item.lineage ? ' On the data plane its stages did: ' + item.lineage + '.' : '')});
    location.hash = '#/simulate/' + encodeURIComponent(env);
  }

  function row(item) {
    const d = describe(item);
    return h('tr', {dataset: {seq: item.seq}, class: item.deadLetter ? 'dead-lettered' : null},
      h('td', {class: 'mono small'}, item.seq),
      h('td', {}, d.signal, item.deadLetter ? [' ', badge('dead-lettered', 'failed')] : null),
      h('td', {}, d.name, item.deadLetter ? h('div', {class: 'error small'}, item.deadLetter) : null),
      h('td', {}, d.service),
      h('td', {class: 'mono small'}, d.traceId ? h('a', {href: base + '?traceId=' + d.traceId, title: 'Only this trace'}, d.traceId) : '—'),
      h('td', {class: 'lineage'}, lineageCell(d.lineage)),
      h('td', {class: 'buttons'},
        h('button', {type: 'button', class: 'open-simulate', onclick: () => openInSimulate(item)}, 'Open in Simulate'),
        h('details', {}, h('summary', {}, 'JSON'), item.received
          ? [h('h4', {}, 'As received'), pre(item.received), h('h4', {}, 'As exported'), pre(Object.assign({}, item, {received: undefined}))]
          : pre(item))));
  }

  /** Shows these items newest first: new rows go in above, gone rows go; a kept row is never rebuilt or moved. */
  function show(items) {
    const wanted = new Set(items.map(i => String(i.seq)));
    for (const [seq, tr] of rows) if (!wanted.has(seq)) { tr.remove(); rows.delete(seq); }
    let next = tbody.firstChild;
    for (const item of items) {
      const seq = String(item.seq);
      let tr = rows.get(seq);
      if (!tr) {
        tr = row(item);
        rows.set(seq, tr);
        tbody.insertBefore(tr, next);
      } else if (tr !== next) {
        tbody.insertBefore(tr, next); // not expected: the order of kept rows does not change
      }
      next = tr.nextSibling;
      for (const s of (item.lineage || '').split(' ').slice(1)) stagesSeen.add(s.slice(0, s.lastIndexOf('=')).replace(/@.*/, ''));
    }
    if (stageList.children.length !== stagesSeen.size) fill(stageList, [...stagesSeen].sort().map(s => h('option', {value: s})));
    shownTop = items.length ? items[0].seq : shownTop;
  }

  function params(extra) {
    const p = new URLSearchParams(filters);
    p.set('limit', String(LIMIT));
    for (const [k, v] of Object.entries(extra || {})) p.set(k, v);
    return p;
  }

  async function pollQueue() {
    try {
      const stats = (await api('/environments/' + encodeURIComponent(env) + '/stats')).body;
      if (!stopped) fill(queueBox, stats.servedByThisNode ? queuePanel(stats.gateway) : null);
    } catch (e) { /* the live items say what is wrong */ }
  }

  let polling = false;
  async function poll() {
    if (stopped || polling) return;
    polling = true;
    try { await pollOnce(); } finally { polling = false; }
  }

  async function pollOnce() {
    pollQueue();
    const path = '/environments/' + encodeURIComponent(env) + '/recent?';
    let recent;
    try {
      // Paused: only count what arrived after the newest row shown; the rows stay as they are.
      recent = (await api(path + params(paused ? {after: String(pausedAt.seq)} : {}))).body;
    } catch (e) {
      fill(problem, errorBox(e), rows.size ? h('p', {class: 'muted'}, 'The rows below are from the last update that worked.') : null);
      return;
    }
    if (stopped) return;
    fill(problem);
    if (!recent.servedByThisNode) {
      fill(status, 'This node runs another environment.');
      tableBox.hidden = true;
      empty.hidden = false;
      fill(empty, 'No live items here: this node does not serve ' + env + '. Open the Live page on a node started with --env ' + env + '.');
      return;
    }
    const filtered = String(filters) !== '';
    const kept = recent.searched + ' kept by this node (at most ' + recent.capacity + ')';
    if (paused) {
      if (pausedAt.newestSeq === null) pausedAt.newestSeq = recent.newestSeq;
      const arrived = Math.max(0, recent.newestSeq - pausedAt.newestSeq);
      const matching = recent.items.length;
      fill(status, h('strong', {class: 'paused-badge'}, 'Paused'), ' · ',
        h('span', {id: 'live-new'}, (matching >= LIMIT ? LIMIT + '+' : matching) + ' new matching item(s)'
          + (filtered ? ' (' + arrived + ' new in all)' : '') + ' since you paused'),
        ' · press Resume to show them');
      return;
    }
    show(recent.items);
    tableBox.hidden = recent.items.length === 0;
    empty.hidden = recent.items.length > 0;
    fill(empty, filtered
      ? 'No item matches these filters among the ' + kept + '. Loosen them, or Clear; new items are checked every ' + POLL_MILLIS / 1000 + ' s.'
      : 'Nothing yet: send telemetry to this node\'s OTLP ports (' + (otlpPorts || 'OTLP/gRPC 4317, OTLP/HTTP 4318 by default') + ').');
    fill(status, recent.items.length + (filtered ? ' matching' : '') + ' item(s) of the ' + kept
      + ' · updated ' + new Date().toLocaleTimeString() + ' · every ' + POLL_MILLIS / 1000 + ' s',
      recent.receivedForm ? h('div', {id: 'live-received-form', class: 'small'}, recent.receivedForm.why + '.') : null);
  }

  fill(view,
    h('h1', {}, 'Live: ', env),
    h('nav', {class: 'tabs', 'aria-label': 'Environments'}, envs.map(e => h('a', {href: '#/live/' + encodeURIComponent(e.name),
      'aria-current': e.name === env ? 'page' : null}, e.name))),
    h('p', {class: 'muted'}, 'The last ' + LIMIT + ' items this node enriched that match, newest first: exported ones as they were exported, dead-lettered ones with why, each with what every stage did.'),
    listeners(health), queueBox,
    h('form', {class: 'filters', id: 'live-filters', onsubmit: e => { e.preventDefault(); go(fromForm()); }},
      h('label', {}, 'Attribute ', inputs.attribute), h('label', {}, 'Trace id ', inputs.traceId),
      h('label', {}, 'Stage ', inputs.stage), h('label', {}, 'Outcome ', inputs.outcome),
      h('label', {class: 'inline'}, inputs.deadLettered, ' dead-lettered only'), stageList,
      h('button', {type: 'submit', id: 'live-filter'}, 'Filter'), ' ',
      h('button', {type: 'button', id: 'live-clear', onclick: () => go(new URLSearchParams())}, 'Clear')),
    h('p', {class: 'help'}, 'Attribute matches the item\'s, its resource\'s or its scope\'s attributes (key alone: present). Stage and outcome read the lineage: e.g. stage pii-redaction, outcome modified. The URL keeps the filters.'),
    h('p', {class: 'buttons'}, pauseButton),
    status, problem, h('div', {id: 'live-items'}, tableBox, empty));

  const first = setTimeout(poll, 0);
  const timer = setInterval(poll, POLL_MILLIS);
  return () => { stopped = true; clearTimeout(first); clearInterval(timer); };
}
