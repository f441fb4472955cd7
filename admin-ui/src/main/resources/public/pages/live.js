import {h, fill, table, pre} from '../dom.js';
import {api, errorBox} from '../app.js';

const POLL_MILLIS = 2000;
const LIMIT = 50;

/** The value of one OTLP attribute in an exported item, as text. */
function attribute(list, key) {
  const found = (list || []).find(a => a.key === key);
  if (!found || !found.value) return null;
  const v = found.value;
  return v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue ?? JSON.stringify(v);
}

function describe(item) {
  const record = item.span || item.logRecord || item.log || item.dataPoint || item.metric || {};
  const attributes = record.attributes || [];
  const resource = (item.resource && item.resource.attributes) || [];
  const body = record.body ? (record.body.stringValue ?? JSON.stringify(record.body)) : null;
  return {
    signal: item.signal || '?',
    name: record.name || (item.metric && item.metric.name) || body || '—',
    service: attribute(resource, 'service.name') || '—',
    traceId: record.traceId || '—',
    lineage: attribute(attributes, 'tributary.lineage') || item.lineage || '—',
  };
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

export async function render(view, {args}) {
  const [envs, health] = await Promise.all([
    api('/environments').then(r => r.body),
    api('/health').then(r => r.body).catch(() => null)]);
  const otlpPorts = ((health && health.listeners) || []).filter(l => l.name !== 'admin')
    .map(l => (LISTENER_NAMES[l.name] || l.name) + ' ' + l.port).join(', ');
  const served = envs.find(e => e.servedByThisNode);
  const env = args[0] || (served ? served.name : envs[0].name);
  const status = h('p', {id: 'live-status', class: 'muted', 'aria-live': 'polite'});
  const queueBox = h('div', {id: 'queue-box'});
  const box = h('div', {id: 'live-items'});
  let stopped = false;
  fill(view,
    h('h1', {}, 'Live: ', env),
    h('nav', {class: 'tabs', 'aria-label': 'Environments'}, envs.map(e => h('a', {href: '#/live/' + encodeURIComponent(e.name),
      'aria-current': e.name === env ? 'page' : null}, e.name))),
    h('p', {class: 'muted'}, 'The last ' + LIMIT + ' items this node enriched, newest first, as they were exported, with the stages that acted on each.'),
    listeners(health), queueBox, status, box);

  async function pollQueue() {
    try {
      const stats = (await api('/environments/' + encodeURIComponent(env) + '/stats')).body;
      if (!stopped) fill(queueBox, stats.servedByThisNode ? queuePanel(stats.gateway) : null);
    } catch (e) { /* the live items say what is wrong */ }
  }

  async function poll() {
    pollQueue();
    let recent;
    try {
      recent = (await api('/environments/' + encodeURIComponent(env) + '/recent?limit=' + LIMIT)).body;
    } catch (e) { fill(box, errorBox(e)); return; }
    if (stopped) return;
    if (!recent.servedByThisNode) {
      fill(status, 'This node runs another environment.');
      fill(box, h('p', {class: 'empty'}, 'No live items here: ask a node started with --env ' + env + '.'));
      return;
    }
    fill(status, recent.items.length + ' item(s) · updated ' + new Date().toLocaleTimeString() + ' · every ' + POLL_MILLIS / 1000 + ' s');
    fill(box, table(['Signal', 'Name', 'Service', 'Trace id', 'Lineage', ''], recent.items.map(item => {
      const d = describe(item);
      return h('tr', {},
        h('td', {}, d.signal), h('td', {}, d.name), h('td', {}, d.service),
        h('td', {class: 'mono small'}, d.traceId), h('td', {class: 'mono small lineage'}, d.lineage),
        h('td', {}, h('details', {}, h('summary', {}, 'JSON'), pre(item))));
    }), 'Nothing yet: send telemetry to this node\'s OTLP ports (' + (otlpPorts || 'OTLP/gRPC 4317, OTLP/HTTP 4318 by default') + ').'));
  }

  const first = setTimeout(() => { if (!stopped) poll(); }, 0);
  const timer = setInterval(() => { if (!stopped) poll(); }, POLL_MILLIS);
  return () => { stopped = true; clearTimeout(first); clearInterval(timer); };
}
