import {h, fill, badge, table, when} from '../dom.js';
import {api, errorBox} from '../app.js';

const POLL_MILLIS = 5000;

function duration(seconds) {
  if (seconds < 90) return seconds + ' s';
  if (seconds < 5400) return Math.round(seconds / 60) + ' min';
  if (seconds < 172800) return (seconds / 3600).toFixed(1) + ' h';
  return Math.round(seconds / 86400) + ' d';
}

function listeners(list) {
  return (list || []).map(l => h('span', {class: 'chip'}, l.name + ' ' + l.port + (l.tls && l.tls !== 'none' ? ' (' + l.tls + ')' : '')));
}

/** Per signal: received, exported, rejected, dead-lettered; the rate from the previous poll. */
function signals(gateway, previous, seconds) {
  const rows = Object.entries(gateway.signals || {}).map(([signal, s]) => {
    const exported = Object.values(s.exported || {}).reduce((a, b) => a + b, 0);
    const before = previous && previous.signals && previous.signals[signal];
    const rate = before && seconds ? ((s.received - before.received) / seconds).toFixed(1) + '/s' : '—';
    return h('tr', {dataset: {signal}}, h('td', {}, signal), h('td', {}, s.received), h('td', {}, rate),
      h('td', {}, exported), h('td', {}, s.rejected + s.throttled), h('td', {}, s.deadLettered));
  });
  return table(['Signal', 'Received', 'Rate', 'Exported', 'Refused', 'Dead-lettered'], rows, 'Nothing received yet.', {id: 'home-signals'});
}

export async function render(view) {
  const box = h('div', {id: 'home'});
  let previous = null;
  let previousAt = 0;
  let timer = null;
  async function poll() {
    let o;
    try {
      o = (await api('/overview')).body;
    } catch (e) { fill(box, errorBox(e)); return; }
    const now = Date.now() / 1000;
    const seconds = previous ? now - previousAt : null;
    const g = o.gateway || {};
    const pipeline = o.pipeline || {};
    fill(box,
      h('section', {class: 'home-grid'},
        h('article', {class: 'card', id: 'home-node'}, h('h2', {}, 'This node'),
          h('p', {}, 'Serves ', h('strong', {}, o.node.env), ' · version ', o.node.version, ' · up ', duration(o.node.uptimeSeconds)),
          h('p', {class: 'muted'}, o.node.host),
          pipeline.acceptingTelemetry === false
            ? h('p', {class: 'error', id: 'home-refusing'}, 'Not accepting telemetry: ', (pipeline.problem && pipeline.problem.reason) || 'its pipeline does not run')
            : h('p', {}, badge('accepting telemetry', 'ok'), pipeline.runningRevision ? ' revision #' + pipeline.runningRevision : '',
                pipeline.problem ? h('span', {class: 'error'}, ' · revision #' + pipeline.problem.revision + ' does not run: ' + pipeline.problem.reason) : null)),
        h('article', {class: 'card', id: 'home-queue'}, h('h2', {}, 'Queue'),
          h('p', {}, (g.queued || 0) + ' item(s) waiting, the oldest ' + (g.oldestQueuedSeconds || 0) + ' s; ' + (g.queue === 'disk' ? 'on disk' : 'in memory')),
          (g.failingOutputs || []).length ? h('p', {class: 'error'}, 'Not writing: ', g.failingOutputs.map(f => f.output).join(', ')) : h('p', {class: 'muted'}, 'Every output is writing.')),
        h('article', {class: 'card', id: 'home-attention'}, h('h2', {}, 'Needs attention'),
          h('ul', {},
            h('li', {}, h('a', {href: '#/plugins'}, (o.failedPlugins || []).length + ' failed plugin file(s)')),
            h('li', {}, h('a', {href: '#/timings/' + encodeURIComponent(o.node.env)}, (o.openBreakers || []).length + ' open breaker(s)'),
              (o.openBreakers || []).length ? h('ul', {}, o.openBreakers.map(b => h('li', {}, b.stage + ' (' + b.processor + '): ' + b.state))) : null),
            h('li', {}, h('a', {href: '#/approvals'}, (o.pendingApprovals || []).length + ' pending approval(s)'))))),
      h('h2', {}, 'Telemetry through this node'),
      signals(g, previous, seconds),
      h('h2', {}, 'Nodes sharing this catalog (' + (o.nodes || []).length + ')'),
      table(['Node', 'Environment', 'Version', 'Listeners', 'Up', 'Last report'], (o.nodes || []).map(n => h('tr', {dataset: {node: n.id}},
        h('td', {}, n.host, n.self ? [' ', badge('this node', 'ok')] : null), h('td', {}, n.env), h('td', {class: 'mono'}, n.version),
        h('td', {}, listeners(n.listeners)), h('td', {}, duration(n.uptimeSeconds)), h('td', {}, when(n.lastSeen)))),
        'No node has reported in the last 30 s.', {id: 'home-nodes'}));
    previous = g;
    previousAt = now;
  }
  fill(view, h('h1', {}, 'Home'), h('p', {class: 'muted'}, 'This node, the others sharing its catalog, and what needs attention. Updated every ' + POLL_MILLIS / 1000 + ' s.'), box);
  await poll();
  timer = setInterval(poll, POLL_MILLIS);
  return () => clearInterval(timer);
}
