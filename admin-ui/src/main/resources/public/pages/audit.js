import {h, fill, table, when, show} from '../dom.js';
import {api, errorBox} from '../app.js';

// The filters and the page live in the URL (#/audit?actor=ada&action=pipeline&before=120), so a
// reload or a shared link shows the same events; the form is filled from it.
const TEXT_FILTERS = ['actor', 'action', 'target', 'env', 'q'];
const KEPT = [...TEXT_FILTERS, 'since', 'until', 'limit'];
const MAX_FILTER = 200;

/** An ISO instant as a datetime-local input value (local time), or ''. */
function localInput(iso) {
  const d = iso ? new Date(iso) : null;
  if (!d || isNaN(d)) return '';
  const p = n => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours()) + ':' + p(d.getMinutes());
}

const SECRET = v => v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && v.set === true;

/** A value in a diff: secrets stay masked, text as it is, the rest as compact JSON. */
function value(v) {
  if (v === undefined || v === null) return h('span', {class: 'muted'}, '—');
  if (SECRET(v)) return h('span', {class: 'secret'}, '•••••• (secret, set)');
  return h('code', {}, show(v));
}

/** Nested objects as path → value (lists and leaves as they are). */
function flatten(v, prefix, out) {
  if (v && typeof v === 'object' && !Array.isArray(v) && !SECRET(v)) {
    for (const [k, x] of Object.entries(v)) flatten(x, prefix ? prefix + '.' + k : k, out);
  } else if (prefix) {
    out[prefix] = v;
  }
  return out;
}

const same = (a, b) => JSON.stringify(a) === JSON.stringify(b);

/** The fields that changed besides the stages: path, old, new (the chain's seal is left to the JSON). */
function fieldChanges(e) {
  const wrap = x => x === null || x === undefined ? {} : (typeof x === 'object' && !Array.isArray(x) ? x : {value: x});
  const before = flatten(wrap(e.before), '', {});
  const after = flatten(wrap(e.after), '', {});
  const rows = [];
  for (const path of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (e.diff && (path === 'stages' || path === 'pipeline.stages')) continue;
    if (path === 'seal' || path.endsWith('.seal') || path === 'sealedRevisions') continue;
    if (!same(before[path], after[path])) rows.push([path, before[path], after[path]]);
  }
  return rows;
}

const DESCRIBE = {added: 'stage added', removed: 'stage removed', moved: 'stage moved', changed: 'changed'};

/** Before → after as people read it: stage by stage for a pipeline, then field by field. */
function readableDiff(e) {
  const parts = [];
  if (e.diff) {
    parts.push(e.diff.length
      ? table(['Stage', 'Change', 'Field', 'Before', 'After'], e.diff.map(d => h('tr', {class: 'diff-' + d.type},
          h('td', {}, h('strong', {}, d.stage)), h('td', {}, DESCRIBE[d.type] || d.type),
          h('td', {}, d.type === 'added' || d.type === 'removed' ? '' : (d.field || '')),
          h('td', {class: 'mono'}, d.type === 'added' ? '' : value(d.before)),
          h('td', {class: 'mono'}, d.type === 'removed' ? '' : value(d.after)))), null, {class: 'audit-diff stage-diff'})
      : h('p', {class: 'muted'}, 'The stages did not change.'));
  }
  const fields = fieldChanges(e);
  if (fields.length) {
    parts.push(table(['Field', 'Before', 'After'], fields.map(([path, b, a]) => h('tr', {},
      h('td', {}, h('code', {}, path)), h('td', {class: 'mono'}, value(b)), h('td', {class: 'mono'}, value(a)))),
    null, {class: 'audit-diff field-diff'}));
  }
  return parts;
}

function changesCell(e) {
  if (e.before == null && e.after == null) return '—';
  const stageChanges = e.diff ? e.diff.length : 0;
  const fields = fieldChanges(e).length;
  const summary = e.diff
    ? stageChanges + ' stage change(s)' + (fields ? ', ' + fields + ' field(s)' : '')
    : fields + ' field(s)';
  return h('details', {class: 'audit-changes'}, h('summary', {}, summary),
    readableDiff(e),
    h('details', {class: 'raw'}, h('summary', {}, 'JSON'),
      h('pre', {class: 'json'}, 'before: ' + JSON.stringify(e.before, null, 2) + '\nafter:  ' + JSON.stringify(e.after, null, 2))));
}

export async function render(view, {query}) {
  const input = (k, attrs) => h('input', Object.assign({id: 'audit-' + k, name: k, type: 'text', maxlength: MAX_FILTER,
    value: query.get(k) || ''}, attrs || {}));
  const inputs = {
    actor: input('actor', {placeholder: 'contains, e.g. ada'}),
    action: input('action', {placeholder: 'contains, e.g. pipeline'}),
    target: input('target', {placeholder: 'contains, e.g. prod or token:'}),
    env: input('env', {placeholder: 'exact environment'}),
    q: input('q', {type: 'search', placeholder: 'reason or details contain…'}),
    since: h('input', {id: 'audit-since', type: 'datetime-local', value: localInput(query.get('since'))}),
    until: h('input', {id: 'audit-until', type: 'datetime-local', value: localInput(query.get('until'))}),
    limit: h('input', {id: 'audit-limit', type: 'number', min: 1, max: 500, value: query.get('limit') || '50'}),
  };
  const chain = h('div', {id: 'chain-status', 'aria-live': 'polite'});
  const results = h('div', {id: 'audit-results', 'aria-live': 'polite'});
  const pager = h('nav', {id: 'audit-pager', class: 'buttons', 'aria-label': 'Audit pages'});
  const page = new URLSearchParams();
  for (const k of [...KEPT, 'before', 'after']) if (query.get(k)) page.set(k, query.get(k));

  /** Shows #/audit with these parameters: a new URL re-renders the page, the same one reloads. */
  function go(params) {
    const hash = '#/audit' + (String(params) ? '?' + params : '');
    if (location.hash === hash) load(); else location.hash = hash;
  }

  function filters() {
    const q = new URLSearchParams();
    for (const k of TEXT_FILTERS) if (inputs[k].value.trim()) q.set(k, inputs[k].value.trim());
    for (const k of ['since', 'until']) if (inputs[k].value) q.set(k, new Date(inputs[k].value).toISOString());
    if (inputs.limit.value.trim() && inputs.limit.value.trim() !== '50') q.set('limit', inputs.limit.value.trim());
    return q;
  }

  /** The URL's filters (not its page) with a cursor. */
  function pageFrom(cursor, id) {
    const q = new URLSearchParams();
    for (const k of KEPT) if (page.get(k)) q.set(k, page.get(k));
    if (cursor) q.set(cursor, id);
    return q;
  }

  async function load() {
    try {
      const answer = await api('/audit?' + page);
      const events = answer.body;
      const older = answer.headers.get('X-Has-More') === 'true';
      const newer = answer.headers.get('X-Has-Newer') === 'true';
      const clamped = answer.headers.get('X-Limit-Clamped');
      const first = events.length ? events[0].id : null;
      const last = events.length ? events[events.length - 1].id : null;
      fill(pager,
        h('button', {type: 'button', id: 'audit-newest', disabled: !newer, onclick: () => go(pageFrom())}, '« Newest'), ' ',
        h('button', {type: 'button', id: 'audit-newer', disabled: !newer || first === null,
          onclick: () => go(pageFrom('after', first))}, '‹ Newer'), ' ',
        h('button', {type: 'button', id: 'audit-older', disabled: !older || last === null,
          onclick: () => go(pageFrom('before', last))}, 'Older ›'));
      fill(results,
        clamped ? h('p', {class: 'warning', role: 'status'}, clamped) : null,
        h('p', {class: 'muted', id: 'audit-count'}, events.length
          ? 'Events #' + first + ' to #' + last + ' (' + events.length + ' shown, newest first)' + (older ? '; older ones follow' : '')
          : 'No events on this page.'),
        table(['#', 'When', 'Actor', 'Action', 'Target', 'Reason', 'Changes'], events.map(e => h('tr', {'data-id': e.id},
          h('td', {}, e.id), h('td', {}, when(e.at)), h('td', {}, e.actor), h('td', {}, h('code', {}, e.action)),
          h('td', {}, e.target || '—'), h('td', {}, e.reason || '—'), h('td', {}, changesCell(e)))),
        'No audit event matches these filters.', {id: 'audit-table'}));
    } catch (e) { fill(pager); fill(results, errorBox(e)); }
    try {
      const v = (await api('/audit/verify')).body;
      fill(chain, v.valid
        ? h('p', {class: 'ok'}, '✔ Chain intact: all ' + v.events + ' events verify.')
        : h('p', {class: 'error', role: 'alert'}, v.firstBroken == null
            ? '✘ Audit trail not intact: ' + v.problem
            : '✘ Chain broken at event #' + v.firstBroken + ': ' + v.problem));
    } catch (e) { fill(chain, errorBox(e)); }
  }

  // The server writes both exports (the events shown: same filters, same page); the CSV with
  // formula-like cells neutralised, the JSON with before and after as objects.
  function exportFile(kind) {
    const a = h('a', {href: '/api/v1/audit/export.' + kind + '?' + page, download: 'tributary-audit.' + kind});
    document.body.append(a);
    a.click();
    a.remove();
  }

  fill(view,
    h('h1', {}, 'Audit trail'),
    chain,
    h('form', {class: 'filters', id: 'audit-filters', onsubmit: e => { e.preventDefault(); go(filters()); }},
      h('label', {}, 'Actor ', inputs.actor), h('label', {}, 'Action ', inputs.action),
      h('label', {}, 'Target ', inputs.target), h('label', {}, 'Environment ', inputs.env),
      h('label', {}, 'Reason or details ', inputs.q),
      h('label', {}, 'Since ', inputs.since), h('label', {}, 'Until ', inputs.until),
      h('label', {}, 'Per page ', inputs.limit),
      h('button', {type: 'submit', id: 'audit-filter'}, 'Filter'), ' ',
      h('button', {type: 'button', id: 'audit-clear', onclick: () => go(new URLSearchParams())}, 'Clear')),
    h('p', {class: 'muted'}, 'Text filters match anywhere, ignoring case; the URL keeps them, so the link shows the same events.'),
    h('p', {class: 'buttons'},
      h('button', {type: 'button', id: 'export-csv', onclick: () => exportFile('csv')}, 'Export CSV'), ' ',
      h('button', {type: 'button', id: 'export-json', onclick: () => exportFile('json')}, 'Export JSON')),
    results,
    pager);
  await load();
}
