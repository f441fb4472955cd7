import {h, fill, table, when, show, download} from '../dom.js';
import {api, errorBox} from '../app.js';

export async function render(view, {query}) {
  const inputs = {
    env: h('input', {id: 'audit-env', type: 'text', value: query.get('env') || ''}),
    actor: h('input', {id: 'audit-actor', type: 'text', value: query.get('actor') || ''}),
    action: h('input', {id: 'audit-action', type: 'text', value: query.get('action') || '', placeholder: 'e.g. pipeline.revision'}),
    since: h('input', {id: 'audit-since', type: 'datetime-local'}),
    until: h('input', {id: 'audit-until', type: 'datetime-local'}),
    limit: h('input', {id: 'audit-limit', type: 'number', min: 1, max: 1000, value: query.get('limit') || '200'}),
  };
  const chain = h('div', {id: 'chain-status', 'aria-live': 'polite'});
  const results = h('div', {id: 'audit-results', 'aria-live': 'polite'});
  let events = [];
  let shown = new URLSearchParams();

  async function load() {
    const q = new URLSearchParams();
    for (const k of ['env', 'actor', 'action', 'limit']) if (inputs[k].value.trim()) q.set(k, inputs[k].value.trim());
    for (const k of ['since', 'until']) if (inputs[k].value) q.set(k, new Date(inputs[k].value).toISOString());
    shown = q;
    try {
      events = (await api('/audit?' + q)).body;
      fill(results, h('p', {class: 'muted'}, events.length + ' event(s), newest first'),
        table(['When', 'Actor', 'Action', 'Target', 'Reason', 'Before → after'], events.map(e => h('tr', {},
          h('td', {}, when(e.at)), h('td', {}, e.actor), h('td', {}, h('code', {}, e.action)), h('td', {}, e.target || '—'),
          h('td', {}, e.reason || '—'),
          h('td', {}, e.before || e.after ? h('details', {}, h('summary', {}, 'show'),
            h('pre', {class: 'json'}, 'before: ' + show(e.before) + '\nafter:  ' + show(e.after))) : '—'))),
        'No audit event matches these filters.', {id: 'audit-table'}));
    } catch (e) { fill(results, errorBox(e)); }
    try {
      const v = (await api('/audit/verify')).body;
      fill(chain, v.valid
        ? h('p', {class: 'ok'}, '✔ Chain intact: all ' + v.events + ' events verify.')
        : h('p', {class: 'error', role: 'alert'}, v.firstBroken == null
            ? '✘ Audit trail not intact: ' + v.problem
            : '✘ Chain broken at event #' + v.firstBroken + ': ' + v.problem));
    } catch (e) { fill(chain, errorBox(e)); }
  }

  // The server writes the CSV (the events shown, same filters), with formula-like cells neutralised.
  function exportCsv() {
    const a = h('a', {href: '/api/v1/audit/export.csv?' + shown, download: 'tributary-audit.csv'});
    document.body.append(a);
    a.click();
    a.remove();
  }

  fill(view,
    h('h1', {}, 'Audit trail'),
    chain,
    h('form', {class: 'filters', onsubmit: e => { e.preventDefault(); load(); }},
      h('label', {}, 'Environment ', inputs.env), h('label', {}, 'Actor ', inputs.actor),
      h('label', {}, 'Action ', inputs.action), h('label', {}, 'Since ', inputs.since),
      h('label', {}, 'Until ', inputs.until), h('label', {}, 'Limit ', inputs.limit),
      h('button', {type: 'submit', id: 'audit-filter'}, 'Filter')),
    h('p', {class: 'buttons'},
      h('button', {type: 'button', id: 'export-csv', onclick: exportCsv}, 'Export CSV'), ' ',
      h('button', {type: 'button', id: 'export-json', onclick: () => download('tributary-audit.json', 'application/json', JSON.stringify(events, null, 2))}, 'Export JSON')),
    results);
  await load();
}
