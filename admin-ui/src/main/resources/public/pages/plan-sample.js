// The pipeline page's dry-run sample for Plan: the built-in log line, item JSON or an OTLP/JSON
// export request typed or pasted, or recent items picked from Live; and the dry run's result, one
// per item. The sample is kept per principal and environment in this tab (memory and
// sessionStorage, like the draft), never in the URL.
import {h, fill, badge, table, show, pre} from '../dom.js';
import {errorBox, tabStorage} from '../app.js';
import {liveSamples, livePicker} from '../samples.js';

/** The sample Plan runs when nobody chose another. */
export const BUILT_IN_SAMPLE = {kind: 'log', body: 'checkout failed for alice@example.com from 10.1.2.3',
  attributes: {'http.method': 'POST', 'user.email': 'alice@example.com'}};
const BUILT_IN_TEXT = JSON.stringify(BUILT_IN_SAMPLE, null, 2);
const BUILT_IN_NAME = 'the built-in sample log';

/** The most items one simulation runs (the /simulate route's limit). */
export const MAX_SAMPLE_ITEMS = 100;

const OTLP = {resourceSpans: ['scopeSpans', 'spans', 'span'], resourceLogs: ['scopeLogs', 'logRecords', 'log record'],
  resourceMetrics: ['scopeMetrics', 'metrics', 'metric']};
const ITEM_FIELDS = ['kind', 'name', 'traceId', 'spanId', 'parentSpanId', 'traceFlags', 'traceState', 'baggage', 'body',
  'severityNumber', 'severityText', 'timeUnixNano', 'endTimeUnixNano', 'observedTimeUnixNano', 'schemaUrl', 'scopeName',
  'scopeVersion', 'attributes', 'resource', 'scope'];

const kinds = v => v === null ? 'null' : Array.isArray(v) ? 'a list' : typeof v === 'object' ? 'an object' : 'a ' + typeof v;
const NEITHER = 'neither an item (an object with fields such as kind, name, body, attributes), a list of items, '
  + 'nor an OTLP/JSON export request (an object with resourceSpans, resourceLogs or resourceMetrics)';

/**
 * The /simulate body for a sample's text: {body, what} (what: the sample in words), or {error}
 * naming the problem: not JSON, neither shape, empty, too many items.
 */
export function parseSample(text) {
  if (!text.trim()) return {error: 'The sample is empty: paste item JSON or an OTLP/JSON export request, or use the built-in sample.'};
  let v;
  try { v = JSON.parse(text); } catch (e) { return {error: 'The sample is not valid JSON: ' + e.message + '.'}; }
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(OTLP).some(k => k in v)) {
    let count = 0;
    const names = [];
    for (const [key, [scopes, records, name]] of Object.entries(OTLP)) {
      if (!(key in v)) continue;
      if (!Array.isArray(v[key])) return {error: 'The sample is an OTLP/JSON export request, but its ' + key + ' is ' + kinds(v[key]) + ', not a list.'};
      const n = v[key].reduce((sum, r) => sum + ((r && Array.isArray(r[scopes])) ? r[scopes] : [])
        .reduce((s, g) => s + (g && Array.isArray(g[records]) ? g[records].length : 0), 0), 0);
      count += n;
      names.push(n + ' ' + name + (n === 1 ? '' : 's'));
    }
    if (!count) return {error: 'The sample is an OTLP/JSON export request that holds no span, log record or metric: nothing to run.'};
    if (count > MAX_SAMPLE_ITEMS) return {error: 'The sample holds ' + count + ' records; a dry run takes at most ' + MAX_SAMPLE_ITEMS + '.'};
    return {body: {otlp: v}, count, what: 'an OTLP/JSON export request (' + names.join(', ') + ')'};
  }
  const list = Array.isArray(v) ? v : [v];
  if (!list.length) return {error: 'The sample is an empty list: give at least one item.'};
  if (list.length > MAX_SAMPLE_ITEMS) return {error: 'The sample holds ' + list.length + ' items; a dry run takes at most ' + MAX_SAMPLE_ITEMS + '.'};
  for (let i = 0; i < list.length; i++) {
    const item = list[i];
    const where = Array.isArray(v) ? 'Item ' + (i + 1) + ' of the list' : 'The sample';
    if (!item || typeof item !== 'object' || Array.isArray(item)) return {error: where + ' is ' + kinds(item) + ': it is ' + NEITHER + '.'};
    if (Array.isArray(v) && Object.keys(OTLP).some(k => k in item)) {
      return {error: where + ' is an OTLP/JSON export request: give one request (not a list of them), or a list of items.'};
    }
    if (!Object.keys(item).some(k => ITEM_FIELDS.includes(k))) {
      return {error: where + ' is an object with none of an item\'s fields (' + (Object.keys(item).slice(0, 5).join(', ') || 'no fields')
        + '): it is ' + NEITHER + '.'};
    }
  }
  return {body: {items: list}, count: list.length, what: list.length === 1 ? 'one item' : list.length + ' items'};
}

// ---- Kept in this tab: memory first (a re-render), else sessionStorage (a reload).

const kept = {};
const stored = tabStorage('plan-sample');
const memoryKey = (me, env) => (me ? me.id : 'anonymous') + '.' + env;

function keep(me, env, sample) {
  if (!sample) {
    delete kept[memoryKey(me, env)];
    stored.clear(me, env);
    return;
  }
  kept[memoryKey(me, env)] = sample;
  stored.save(me, env, sample);
}

function restore(me, env) {
  const s = kept[memoryKey(me, env)] || stored.load(me, env);
  return s && typeof s.text === 'string' ? s : null;
}

/**
 * The "Dry-run sample" area: {element, read, refused}. read() gives {body, what} to run, or null
 * after showing the problem next to the textarea (and opening it); refused(e) shows a sample the
 * server refused there too.
 */
export function sampleArea(env, me) {
  // {text, from: 'live' | null, label, note}: label and note say what a pick from Live loaded.
  let sample = restore(me, env) || {text: BUILT_IN_TEXT, from: null, label: null, note: null};
  const which = h('span', {id: 'plan-sample-which'});
  const text = h('textarea', {id: 'plan-sample-text', rows: 10, spellcheck: 'false',
    'aria-describedby': 'plan-sample-help plan-sample-error plan-sample-note', oninput: () => {
      sample = {text: text.value, from: null, label: null, note: null};
      fill(note);
      clearError();
      remember();
    }});
  text.value = sample.text;
  const error = h('div', {id: 'plan-sample-error', 'aria-live': 'assertive'});
  const note = h('div', {id: 'plan-sample-note', 'aria-live': 'polite'});
  if (sample.note) fill(note, h('p', {class: 'warning sample-note', id: 'plan-from-live'}, sample.label + '. ' + sample.note));
  const pickBox = h('div', {id: 'plan-live-box'});
  const pickButton = h('button', {type: 'button', id: 'plan-pick-live', onclick: pickFromLive}, 'Pick from Live');
  const area = h('details', {class: 'card plan-sample', id: 'plan-sample'},
    h('summary', {id: 'plan-sample-summary'}, 'Dry-run sample: ', which),
    h('p', {class: 'help', id: 'plan-sample-help'}, 'Plan runs the edited pipeline on these items, up to ' + MAX_SAMPLE_ITEMS
      + ': item JSON (one item or a list; fields kind (span, log, metric, event), name, body, traceId, spanId, severityText, '
      + 'attributes, resource), or an OTLP/JSON export request as an SDK or the README\'s curl sends it to /v1/traces, /v1/logs '
      + 'or /v1/metrics. Nothing is stored on the server or sent on; the sample stays in this tab.'),
    h('div', {class: 'buttons'}, pickButton, ' ',
      h('button', {type: 'button', id: 'plan-sample-reset', onclick: () => {
        sample = {text: BUILT_IN_TEXT, from: null, label: null, note: null};
        text.value = BUILT_IN_TEXT;
        fill(note); fill(pickBox); clearError(); remember();
        text.focus();
      }}, 'Use the built-in sample')),
    pickBox, note,
    h('label', {for: 'plan-sample-text'}, 'Sample (item JSON or OTLP/JSON)'), text, error);

  function describe() {
    if (text.value.trim() === BUILT_IN_TEXT) return BUILT_IN_NAME;
    if (sample.from === 'live') return sample.label;
    const parsed = parseSample(text.value);
    return parsed.error ? 'your own, not usable yet (Plan says why)' : 'your own: ' + parsed.what;
  }

  function remember() {
    fill(which, describe());
    keep(me, env, text.value.trim() === BUILT_IN_TEXT ? null : sample);
  }

  function clearError() {
    text.removeAttribute('aria-invalid');
    fill(error);
  }

  function showError(message) {
    area.open = true;
    text.setAttribute('aria-invalid', 'true');
    fill(error, h('p', {class: 'error', role: 'alert', id: 'plan-sample-problem'}, message,
      ' What you typed is kept: fix it, pick from Live, or use the built-in sample.'));
  }

  // Pick from Live: this node's recent items of the environment, several of one signal at once.
  async function pickFromLive() {
    area.open = true;
    fill(pickBox, h('p', {class: 'muted'}, 'Loading the recent items…'));
    let found;
    try { found = await liveSamples(env, {limit: 50}); } catch (e) { fill(pickBox, errorBox(e)); return; }
    if (!found.servedByThisNode) {
      fill(pickBox, h('p', {class: 'empty', id: 'plan-live-empty', tabindex: '-1'}, 'This node does not serve ' + env
        + ', so it has no recent items of it: open this page on a node started with --env ' + env + ' to pick from Live, or paste an item here.'));
      pickBox.firstChild.focus();
      return;
    }
    if (!found.samples.length) {
      fill(pickBox, h('p', {class: 'empty', id: 'plan-live-empty', tabindex: '-1'}, 'No recent items on this node for ' + env
        + ' yet: send telemetry to its OTLP ports, then pick again.'));
      pickBox.firstChild.focus();
      return;
    }
    const cancel = () => { fill(pickBox); pickButton.focus(); };
    const picker = livePicker(found, 'plan', {cancel, load: (built, picked) => {
      text.value = JSON.stringify(built.body.items || built.body.otlp, null, 2);
      sample = {text: text.value, from: 'live', note: built.note,
        label: picked.length + ' item(s) picked from Live (' + picked.map(s => '#' + s.seq).join(', ') + ')'};
      fill(note, h('p', {class: 'warning sample-note', id: 'plan-from-live'}, sample.label + '. ' + built.note));
      fill(pickBox); clearError(); remember();
      text.focus();
    }});
    fill(pickBox, picker);
    picker.focusFirst();
  }

  remember();
  return {
    element: area,
    /** The sample to run, {body, what}; null (the problem shown by the textarea) if it cannot run. */
    read() {
      const parsed = parseSample(text.value);
      if (parsed.error) { showError(parsed.error); return null; }
      clearError();
      return {body: parsed.body, what: describe()};
    },
    /** Shows, by the textarea, why the server refused the sample (a 400 from /simulate). */
    refused(e) { showError('The server refused the sample: ' + e.message + '.'); },
  };
}

/** What one result's item is, in a few words: kind and name or body. */
function itemName(input) {
  if (!input || typeof input !== 'object') return '';
  const name = input.name || (input.body !== undefined && input.body !== null ? show(input.body) : '');
  return (input.kind || '') + (name ? ' ' + (name.length > 60 ? name.slice(0, 59) + '…' : name) : '');
}

/** The dry run's result: a summary, then per item (the first open) its stages' outcomes, changes and time. */
export function dryRun(result) {
  const results = result.results || [];
  const dead = results.filter(r => r.deadLetter).length;
  return h('div', {class: 'dry-run', id: 'plan-dry-run'},
    (result.notes || []).length ? h('ul', {class: 'notes'}, result.notes.map(n => h('li', {class: 'muted'}, n))) : null,
    h('p', {id: 'plan-dry-summary'}, results.length + (results.length === 1 ? ' item' : ' items') + ' run',
      dead ? ', ' + dead + ' dead-lettered' : '', '.'),
    results.map((r, n) => {
      const counts = {};
      for (const s of r.stages) counts[s.outcome] = (counts[s.outcome] || 0) + 1;
      const nanos = r.stages.reduce((sum, s) => sum + s.nanos, 0);
      return h('details', {class: 'dry-item card', open: n === 0, dataset: {item: n + 1}},
        h('summary', {}, h('strong', {}, 'Item ' + (n + 1)), ' ', itemName(r.input), ' · ',
          Object.entries(counts).map(([o, c]) => c + ' ' + o).join(', ') || 'no stage', ' · ', (nanos / 1000).toFixed(1) + ' µs',
          r.deadLetter ? [' · ', badge('dead-lettered')] : null),
        r.deadLetter ? h('p', {class: 'error dead-letter'}, 'Dead-lettered: ' + r.deadLetter) : null,
        table(['Stage', 'Processor', 'Outcome', 'Time', 'Changes'], r.stages.map(s => h('tr', {dataset: {stage: s.stage}},
          h('td', {}, s.stage), h('td', {class: 'mono small'}, s.processor),
          h('td', {}, badge(s.outcome), s.failure ? h('div', {class: 'error small'}, s.failure) : null),
          h('td', {}, (s.nanos / 1000).toFixed(1) + ' µs'),
          h('td', {}, s.changes.length ? s.changes.map(c => h('div', {class: 'mono small'}, c.key + ': ' + show(c.before) + ' → ' + show(c.after)))
            : h('span', {class: 'muted'}, 'none')))), 'No stages: the item passes through unchanged.'),
        h('details', {}, h('summary', {}, 'Item ' + (n + 1) + ' before and after'), h('div', {class: 'example-io'},
          h('div', {}, h('h4', {}, 'Input'), pre(r.input)), h('div', {}, h('h4', {}, 'Output'), pre(r.output)))));
    }));
}
