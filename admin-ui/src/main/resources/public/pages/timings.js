import {h, fill, badge, table, formatNanos} from '../dom.js';
import {api, errorBox} from '../app.js';

const LIVE_MILLIS = 3000;
const HISTORY_MILLIS = 10000;
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4d7c0f', '#be185d'];
const RANGE_NAMES = {'15m': '15 minutes', '1h': '1 hour', '3h': '3 hours', '6h': '6 hours'};

let uPlotModule;
async function loadUPlot() {
  if (uPlotModule === undefined) {
    try { uPlotModule = (await import('/webjars/uplot/1.6.30/dist/uPlot.esm.js')).default; } catch (e) { uPlotModule = null; }
  }
  return uPlotModule;
}

function micros(nanos) {
  if (nanos === null || nanos === undefined) return null;
  return nanos < 10000 ? (nanos / 1000).toFixed(2) + ' µs' : (nanos / 1000).toFixed(0) + ' µs';
}

function percent(share) {
  return (100 * share).toFixed(share < 0.1 ? 1 : 0) + ' %';
}

/** The node's short name in the picker: its host, and the start of its id to tell two on one host apart. */
function nodeName(n) {
  return (n.host || 'stopped node') + ' (' + n.id.slice(0, 8) + ')' + (n.reporting ? '' : ' · not reporting');
}

export async function render(view, {args, query}) {
  const envs = (await api('/environments')).body;
  const served = envs.find(e => e.servedByThisNode);
  const env = args[0] || (served ? served.name : envs[0].name);
  const range = query.get('range') || '1h';
  const node = query.get('node') || '';
  const base = '/environments/' + encodeURIComponent(env);
  const go = (r, n) => {
    const q = new URLSearchParams();
    if (r !== '1h') q.set('range', r);
    if (n) q.set('node', n);
    location.hash = '#/timings/' + encodeURIComponent(env) + (q.toString() ? '?' + q : '');
  };

  const status = h('p', {id: 'timings-status', class: 'muted', 'aria-live': 'polite'});
  const historyBox = h('div', {id: 'timings-history'});
  const chartBox = h('div', {class: 'chart', id: 'timings-chart', role: 'img',
    'aria-label': 'Time per item of each stage over the last ' + (RANGE_NAMES[range] || range)});
  const nodePicker = h('select', {id: 'timings-node', onchange: e => go(range, e.target.value)},
    h('option', {value: ''}, 'All nodes combined'));
  const liveBox = h('div', {id: 'timings-table'});
  let chart = null;
  let chartStages = '';
  let stopped = false;

  fill(view,
    h('h1', {}, 'Timings of ', env),
    h('nav', {class: 'tabs', 'aria-label': 'Environments'}, envs.map(e => h('a', {href: '#/timings/' + encodeURIComponent(e.name),
      'aria-current': e.name === env ? 'page' : null}, e.name))),
    h('div', {class: 'toolbar'},
      h('div', {class: 'segmented', role: 'group', 'aria-label': 'Time range'}, Object.entries(RANGE_NAMES).map(([r, name]) =>
        h('button', {type: 'button', id: 'range-' + r, 'aria-pressed': String(r === range), onclick: () => go(r, node)}, 'Last ' + name))),
      h('label', {}, 'Nodes ', nodePicker)),
    status,
    h('h2', {}, 'Per stage over the last ' + (RANGE_NAMES[range] || range)),
    h('p', {class: 'muted small'}, 'µs per item is the stage\'s time divided by the items it was given; share is its part of the time'
      + ' all stages took. Figures come from the catalog, where every node serving ' + env + ' writes them every 10 s:'
      + ' they survive a reload and a restart.'),
    historyBox,
    h('h2', {}, 'Time per item, per stage'), chartBox,
    h('h2', {}, 'Now, on this node'), liveBox);

  async function pollHistory() {
    let t;
    try {
      t = (await api(base + '/timings?range=' + encodeURIComponent(range) + (node ? '&node=' + encodeURIComponent(node) : ''))).body;
    } catch (e) { if (!stopped) fill(historyBox, errorBox(e)); return; }
    if (stopped) return;
    if (nodePicker.options.length !== t.nodes.length + 1) {
      fill(nodePicker, h('option', {value: ''}, 'All nodes combined (' + t.nodes.length + ')'),
        t.nodes.map(n => h('option', {value: n.id, selected: n.id === node}, nodeName(n))));
    }
    fill(status, (node ? 'One node' : t.nodes.length + ' node(s)') + ' · ' + t.stepSeconds + ' s steps · '
      + t.reportedSteps + ' of ' + t.times.length + ' steps reported · updated ' + new Date().toLocaleTimeString());
    if (!t.traffic) {
      fill(historyBox, h('p', {class: 'empty', id: 'no-traffic'}, t.reportedSteps
        ? 'No traffic in the last ' + (RANGE_NAMES[range] || range) + ': ' + env + '\'s stages were given no item, so there is nothing to time.'
        : 'No figures for the last ' + (RANGE_NAMES[range] || range) + ': no node serving ' + env
          + ' wrote any. Start one with --env ' + env + ' and send it telemetry.'));
      await drawChart(t); // the axes of the range, with no line: nothing ran
      return;
    }
    fill(historyBox, table(['Stage', 'Processor', 'Items', 'µs per item', 'Share of time', 'Modified', 'Failed', 'Error rate', 'Dead-lettered'],
      t.stages.map(s => h('tr', {class: s.slowest ? 'slowest' : null, dataset: {stage: s.stage}},
        h('td', {}, s.stage, s.slowest ? [' ', badge('slowest', 'warn')] : null),
        h('td', {class: 'mono'}, s.processor || '—'),
        h('td', {class: 'items'}, s.items),
        h('td', {class: 'per-item'}, s.items ? micros(s.nanosPerItem) : h('span', {class: 'muted'}, 'no traffic')),
        h('td', {class: 'share'}, s.share === null ? '—' : [h('meter', {min: 0, max: 1, value: s.share, 'aria-hidden': 'true'}), ' ', percent(s.share)]),
        h('td', {}, s.modified), h('td', {}, s.failed),
        h('td', {}, s.items ? (100 * s.failed / s.items).toFixed(2) + ' %' : '—'),
        h('td', {}, s.deadLettered))),
      'The pipeline has no stages.', {id: 'timings-history-table'}));
    await drawChart(t);
  }

  async function drawChart(t) {
    const names = t.stages.filter(s => s.items).map(s => s.stage);
    const xs = t.times;
    const series = names.map(n => t.stages.find(s => s.stage === n).series.nanosPerItem.map(v => v === null ? null : v / 1000));
    const uPlot = await loadUPlot();
    if (stopped) return;
    const width = Math.max(300, chartBox.clientWidth || 800);
    if (!uPlot) { fill(chartBox, svgChart(xs, series, names, width)); return; }
    if (!chart || chartStages !== names.join()) {
      if (chart) chart.destroy();
      fill(chartBox);
      chartStages = names.join();
      chart = new uPlot({width, height: 260, scales: {x: {time: true}},
        axes: [{}, {label: 'µs per item', size: 60}],
        series: [{}, ...names.map((n, i) => ({label: n, stroke: COLORS[i % COLORS.length], width: 2}))]},
      [xs, ...series], chartBox);
    } else {
      chart.setData([xs, ...series]);
      if (Math.abs(chart.width - width) > 20) chart.setSize({width, height: 260});
    }
  }

  const previous = {};
  async function pollLive() {
    let stats;
    try {
      stats = (await api(base + '/stats')).body;
    } catch (e) { if (!stopped) fill(liveBox, errorBox(e)); return; }
    if (stopped) return;
    if (!stats.servedByThisNode) {
      fill(liveBox, h('p', {class: 'empty'}, 'This node runs another environment: its breakers and percentiles are on a node started with --env ' + env + '.'));
      return;
    }
    const now = Date.now() / 1000;
    fill(liveBox, h('p', {class: 'muted small'}, 'Revision #' + stats.revision + ' · percentiles of batch time over the last 2 minutes · every ' + LIVE_MILLIS / 1000 + ' s'),
      table(['Stage', 'Items/s', 'p50', 'p95', 'p99', 'Undeclared writes', 'Breaker'],
        stats.stages.map(s => {
          const before = previous[s.stage];
          const rate = before && now > before.t ? ((s.items - before.items) / (now - before.t)).toFixed(1) : '—';
          previous[s.stage] = {t: now, items: s.items};
          const quiet = s.batchNanos.p50 === undefined;
          return h('tr', {dataset: {stage: s.stage}},
            h('td', {}, s.stage), h('td', {}, rate),
            quiet ? h('td', {colspan: 3, class: 'muted quiet'}, 'no traffic in the last 2 minutes')
              : [h('td', {}, formatNanos(s.batchNanos.p50)), h('td', {}, formatNanos(s.batchNanos.p95)), h('td', {}, formatNanos(s.batchNanos.p99))],
            h('td', {class: 'undeclared'}, s.undeclaredWrites
              ? [badge(String(s.undeclaredWrites), 'warn'), h('div', {class: 'muted small'},
                  'writes to keys ' + s.processor + ' does not declare: tell its author; --strict-writes fails them')]
              : '0'),
            h('td', {}, badge(s.breaker, s.breaker === 'closed' ? 'ok' : 'error'), s.lastFailure ? h('div', {class: 'muted small'}, s.lastFailure) : null));
        }), 'The pipeline has no stages.'));
  }

  // The first polls wait until the page is on screen, so the chart can take its real width.
  const first = setTimeout(() => { if (!stopped) { pollHistory(); pollLive(); } }, 0);
  const historyTimer = setInterval(() => { if (!stopped) pollHistory(); }, HISTORY_MILLIS);
  const liveTimer = setInterval(() => { if (!stopped) pollLive(); }, LIVE_MILLIS);
  return () => { stopped = true; clearTimeout(first); clearInterval(historyTimer); clearInterval(liveTimer); if (chart) chart.destroy(); };
}

/** Plain SVG lines: used only if the uPlot module cannot be loaded. */
function svgChart(xs, series, names, width) {
  const ns = 'http://www.w3.org/2000/svg';
  const height = 240;
  const svg = document.createElementNS(ns, 'svg');
  svg.setAttribute('width', width); svg.setAttribute('height', height);
  const max = Math.max(1, ...series.flat().filter(v => v != null));
  const x0 = xs[0] || 0, x1 = Math.max(x0 + 1, xs[xs.length - 1] || 1);
  series.forEach((ys, i) => {
    const points = ys.map((y, j) => y == null ? null : ((xs[j] - x0) / (x1 - x0) * (width - 10) + 5) + ',' + (height - 5 - y / max * (height - 10))).filter(Boolean);
    const line = document.createElementNS(ns, 'polyline');
    line.setAttribute('points', points.join(' ')); line.setAttribute('fill', 'none');
    line.setAttribute('stroke', COLORS[i % COLORS.length]); line.setAttribute('stroke-width', '2');
    const title = document.createElementNS(ns, 'title'); title.textContent = names[i];
    line.append(title); svg.append(line);
  });
  return svg;
}
