// Samples taken from the Live tap (GET /environments/{env}/recent) for Simulate, and later for the
// pipeline page's Plan: fetching them, turning one or several into an OTLP/JSON export request the
// /simulate route accepts ({otlp: …}), and handing one to the Simulate page across a navigation.
import {api} from './app.js';
import {h, fill} from './dom.js';

/** The attribute the gateway adds to exported items; a sample leaves it out (the pipeline adds it again). */
export const LINEAGE_ATTRIBUTE = 'tributary.lineage';

const SIGNALS = {
  traces: {resources: 'resourceSpans', scopes: 'scopeSpans', records: 'spans', field: 'span'},
  logs: {resources: 'resourceLogs', scopes: 'scopeLogs', records: 'logRecords', field: 'logRecord'},
  metrics: {resources: 'resourceMetrics', scopes: 'scopeMetrics', records: 'metrics', field: 'metric'},
};

/** The value of one OTLP/JSON attribute as text, or null. */
export function attributeText(list, key) {
  const found = (list || []).find(a => a.key === key);
  if (!found || !found.value) return null;
  const v = found.value;
  return v.stringValue ?? v.intValue ?? v.doubleValue ?? v.boolValue ?? JSON.stringify(v);
}

/** What a person needs to recognise a recent item: signal, name, service, trace id, lineage. */
export function describe(item) {
  const record = item.span || item.logRecord || item.metric || {};
  const body = record.body ? (record.body.stringValue ?? JSON.stringify(record.body)) : null;
  return {
    signal: item.signal || '?',
    name: record.name || record.eventName || body || (typeof item.item === 'string' ? item.item : null) || '—',
    service: attributeText(item.resource && item.resource.attributes, 'service.name') || '—',
    traceId: record.traceId || '',
    lineage: item.lineage || '',
  };
}

/** The resource or scope of a recent item as OTLP/JSON has it: its schemaUrl moved to its group. */
function split(part) {
  const copy = Object.assign({}, part || {});
  const schemaUrl = copy.schemaUrl;
  delete copy.schemaUrl;
  return [copy, schemaUrl];
}

function withoutLineage(record) {
  const copy = Object.assign({}, record);
  if (Array.isArray(copy.attributes)) copy.attributes = copy.attributes.filter(a => a.key !== LINEAGE_ATTRIBUTE);
  return copy;
}

/**
 * Recent items (as /recent gives them) as one OTLP/JSON export request, their lineage attribute
 * left out; null if they are not all of one signal or one cannot be turned back into OTLP (an item
 * whose enrichment failed is kept only as text). Each item keeps its own resource and scope.
 */
export function toOtlpRequest(items) {
  const list = Array.isArray(items) ? items : [items];
  if (!list.length) return null;
  const signal = list[0].signal;
  const s = SIGNALS[signal];
  if (!s || list.some(i => i.signal !== signal || !i[s.field])) return null;
  return {[s.resources]: list.map(item => {
    const [resource, resourceSchemaUrl] = split(item.resource);
    const [scope, scopeSchemaUrl] = split(item.scope);
    const record = item.span || item.logRecord ? withoutLineage(item[s.field]) : item.metric;
    const scopeGroup = {scope, [s.records]: [record]};
    if (scopeSchemaUrl) scopeGroup.schemaUrl = scopeSchemaUrl;
    const group = {resource, [s.scopes]: [scopeGroup]};
    if (resourceSchemaUrl) group.schemaUrl = resourceSchemaUrl;
    return group;
  })};
}

/** Why {@link toOtlpRequest} gave null for these items, in words. */
export function whyNotOtlp(items) {
  const signals = [...new Set(items.map(i => i.signal))];
  if (signals.length > 1) return 'The items are of different signals (' + signals.join(', ') + '): pick items of one signal.';
  return 'An item whose enrichment failed is kept only as text and cannot be run again.';
}

/** What a sample from Live is, for the page that shows it: it is the exported form, not the received one. */
export const AS_EXPORTED = 'As exported (after this pipeline ran), not as received: stages that already did their work '
  + 'may show nothing left to change. The lineage attribute is left out.';

/**
 * The last recent items of an environment as samples, newest first, each {seq, label, item, otlp,
 * deadLetter}; {servedByThisNode: false} when another node runs the environment. `query` holds
 * /recent's filters (attribute, traceId, stage, outcome, deadLettered), `limit` at most 500.
 */
export async function liveSamples(env, {query = {}, limit = 50} = {}) {
  const params = new URLSearchParams(query);
  params.set('limit', String(limit));
  const r = (await api('/environments/' + encodeURIComponent(env) + '/recent?' + params)).body;
  return {
    servedByThisNode: r.servedByThisNode,
    searched: r.searched,
    samples: (r.items || []).map(item => {
      const d = describe(item);
      return {seq: item.seq, item, otlp: toOtlpRequest(item), received: item.received || null, deadLetter: item.deadLetter || null,
        label: '#' + item.seq + ' ' + d.signal + ' ' + d.name + (d.service !== '—' ? ' (' + d.service + ')' : '')
          + (item.deadLetter ? ' · dead-lettered' : '')};
    }),
  };
}

/** What a sample from Live is when the node kept it as received (before the pipeline ran). */
export const AS_RECEIVED = 'As received, before the pipeline ran: what the stages did to it is what Simulate shows.';

/**
 * The /simulate body that runs these samples (from liveSamples): as received ({items: …}) when
 * the node kept every one so, else as exported ({otlp: …}); with `note`, which of the two it is;
 * null if neither can be built (see whyNotOtlp).
 */
export function simulateBody(samples) {
  if (samples.length && samples.every(s => s.received)) {
    return {body: {items: samples.map(s => s.received)}, note: AS_RECEIVED};
  }
  const otlp = toOtlpRequest(samples.map(s => s.item));
  return otlp ? {body: {otlp}, note: AS_EXPORTED} : null;
}

const HAND_OFF = 'tributary.simulate.sample';

/** Leaves a sample for the Simulate page of `env` to load next: {text, note}. */
export function handOff(env, sample) {
  sessionStorage.setItem(HAND_OFF, JSON.stringify({env, text: sample.text, note: sample.note || null}));
}

/** The sample left for `env`'s Simulate page, once; null if none. */
export function takeHandOff(env) {
  const raw = sessionStorage.getItem(HAND_OFF);
  if (!raw) return null;
  sessionStorage.removeItem(HAND_OFF);
  try {
    const s = JSON.parse(raw);
    return s && s.env === env ? s : null;
  } catch (e) { return null; }
}

/**
 * A checklist of recent items (`found` from liveSamples) to load one or several of one signal:
 * `load(built, picked)` gets simulateBody's answer; what cannot be loaded is said in the list.
 * `cancel()` runs on Cancel or Escape. Ids start with `prefix`: `-live-list`, `-live-load`,
 * `-live-cancel`, `-live-problem`. Call `focusFirst()` on the answer once it is on the page.
 */
export function livePicker(found, prefix, {load, cancel}) {
  const boxes = found.samples.map(s => h('input', {type: 'checkbox', value: String(s.seq), disabled: !s.otlp && !s.received,
    title: s.otlp || s.received ? null : whyNotOtlp([s.item])}));
  const problem = h('div', {id: prefix + '-live-problem', 'aria-live': 'assertive'});
  const picker = h('div', {onkeydown: e => { if (e.key === 'Escape') { e.preventDefault(); cancel(); } }},
    h('fieldset', {class: 'choice'}, h('legend', {}, 'Recent items on this node (newest first; tick one or several of one signal)'),
      h('div', {class: 'live-pick', id: prefix + '-live-list'},
        found.samples.map((s, n) => h('label', {dataset: {seq: s.seq}}, boxes[n], ' ', s.label)))),
    problem,
    h('button', {type: 'button', id: prefix + '-live-load', onclick: () => {
      const picked = found.samples.filter((s, n) => boxes[n].checked);
      if (!picked.length) { fill(problem, h('p', {class: 'error', role: 'alert'}, 'Tick at least one item to load.')); return; }
      const built = simulateBody(picked);
      if (!built) { fill(problem, h('p', {class: 'error', role: 'alert'}, whyNotOtlp(picked.map(s => s.item)))); return; }
      load(built, picked);
    }}, 'Load selected'), ' ',
    h('button', {type: 'button', id: prefix + '-live-cancel', onclick: cancel}, 'Cancel'));
  picker.focusFirst = () => (boxes.find(b => !b.disabled) || picker.querySelector('button')).focus();
  return picker;
}
