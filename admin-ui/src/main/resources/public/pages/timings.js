import {h, fill, badge, table, formatNanos} from '../dom.js';
import {api, errorBox} from '../app.js';

const POLL_MILLIS = 3000;
const WINDOW_SECONDS = 15 * 60;
const COLORS = ['#2563eb', '#dc2626', '#16a34a', '#9333ea', '#ea580c', '#0891b2', '#4d7c0f', '#be185d'];

/** Samples survive page switches (per environment), so the chart keeps its last 15 minutes. */
const history = {};

let uPlotModule;
async function loadUPlot() {
  if (uPlotModule === undefined) {
    try { uPlotModule = (await import('/webjars/uplot/1.6.30/dist/uPlot.esm.js')).default; } catch (e) { uPlotModule = null; }
  }
  return uPlotModule;
}

export async function render(view, {args}) {
  const envs = (await api('/environments')).body;
  const served = envs.find(e => e.servedByThisNode);
  const env = args[0] || (served ? served.name : envs[0].name);
  const samples = history[env] || (history[env] = []);
  const status = h('p', {id: 'timings-status', class: 'muted', 'aria-live': 'polite'});
  const tableBox = h('div', {id: 'timings-table'});
  const chartBox = h('div', {class: 'chart', id: 'timings-chart', role: 'img', 'aria-label': 'p95 batch time per stage, last 15 minutes'});
  let chart = null;
  let chartStages = '';
  let stopped = false;

  fill(view,
    h('h1', {}, 'Timings of ', env),
    h('nav', {class: 'tabs', 'aria-label': 'Environments'}, envs.map(e => h('a', {href: '#/timings/' + encodeURIComponent(e.name),
      'aria-current': e.name === env ? 'page' : null}, e.name))),
    status, tableBox,
    h('h2', {}, 'p95 batch time per stage (last 15 minutes)'), chartBox);

  async function poll() {
    let stats;
    try {
      stats = (await api('/environments/' + encodeURIComponent(env) + '/stats')).body;
    } catch (e) { fill(tableBox, errorBox(e)); return; }
    if (!stats.servedByThisNode) {
      fill(status, stats.message || 'This node does not run ' + env + '.');
      fill(tableBox, h('p', {class: 'empty'}, 'No live numbers here: this node runs another environment.'));
      return;
    }
    const now = Date.now() / 1000;
    const previous = samples[samples.length - 1];
    samples.push({t: now, stages: stats.stages});
    while (samples.length && samples[0].t < now - WINDOW_SECONDS) samples.shift();
    const seconds = previous ? now - previous.t : null;
    const slowest = stats.stages.reduce((a, s) => (s.batchNanos.p95 || 0) > ((a && a.batchNanos.p95) || 0) ? s : a, null);
    fill(status, 'Revision #' + stats.revision + ' · updated ' + new Date().toLocaleTimeString() + ' · every ' + POLL_MILLIS / 1000 + ' s');
    fill(tableBox, table(['Stage', 'Processor', 'Items', 'Items/s', 'Modified', 'Failed', 'Error rate', 'Undeclared writes', 'p50', 'p95', 'p99', 'Breaker'],
      stats.stages.map(s => {
        const before = previous && previous.stages.find(x => x.stage === s.stage);
        const rate = before && seconds ? ((s.items - before.items) / seconds).toFixed(1) : '—';
        const isSlowest = slowest && s === slowest && (s.batchNanos.p95 || 0) > 0;
        return h('tr', {class: isSlowest ? 'slowest' : null},
          h('td', {}, s.stage, isSlowest ? [' ', badge('slowest', 'warn')] : null), h('td', {class: 'mono'}, s.processor),
          h('td', {}, s.items), h('td', {}, rate), h('td', {}, s.modified), h('td', {}, s.failed),
          h('td', {}, s.items ? (100 * s.failed / s.items).toFixed(2) + ' %' : '—'),
          h('td', {class: 'undeclared'}, s.undeclaredWrites
            ? [badge(String(s.undeclaredWrites), 'warn'), h('div', {class: 'muted small'},
                'writes to keys ' + s.processor + ' does not declare: tell its author; --strict-writes fails them')]
            : '0'),
          h('td', {}, formatNanos(s.batchNanos.p50)), h('td', {}, formatNanos(s.batchNanos.p95)), h('td', {}, formatNanos(s.batchNanos.p99)),
          h('td', {}, badge(s.breaker, s.breaker === 'closed' ? 'ok' : 'error'), s.lastFailure ? h('div', {class: 'muted small'}, s.lastFailure) : null));
      }), 'The pipeline has no stages.'));
    await drawChart(stats.stages.map(s => s.stage));
  }

  async function drawChart(names) {
    const xs = samples.map(s => s.t);
    const series = names.map(n => samples.map(s => { const x = s.stages.find(y => y.stage === n); return x && x.batchNanos.p95 != null ? x.batchNanos.p95 / 1000 : null; }));
    const uPlot = await loadUPlot();
    const width = Math.max(300, chartBox.clientWidth || 800);
    if (!uPlot) { fill(chartBox, svgChart(xs, series, names, width)); return; }
    if (!chart || chartStages !== names.join()) {
      if (chart) chart.destroy();
      fill(chartBox);
      chartStages = names.join();
      chart = new uPlot({width, height: 260, scales: {x: {time: true}},
        axes: [{}, {label: 'µs', size: 60}],
        series: [{}, ...names.map((n, i) => ({label: n, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: true}))]},
      [xs, ...series], chartBox);
    } else {
      chart.setData([xs, ...series]);
      if (Math.abs(chart.width - width) > 20) chart.setSize({width, height: 260});
    }
  }

  // The first poll waits until the page is on screen, so the chart can take its real width.
  const first = setTimeout(() => { if (!stopped) poll(); }, 0);
  const timer = setInterval(() => { if (!stopped) poll(); }, POLL_MILLIS);
  return () => { stopped = true; clearTimeout(first); clearInterval(timer); if (chart) chart.destroy(); };
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
