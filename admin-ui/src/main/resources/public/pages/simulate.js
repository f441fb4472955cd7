import {h, fill, badge, table, show, pre} from '../dom.js';
import {api, errorBox, drafts} from '../app.js';
import {liveSamples, livePicker, takeHandOff, AS_EXPORTED} from '../samples.js';

const SAMPLES = {
  'Log line with an e-mail address and a card number': {kind: 'log', severityText: 'ERROR',
    body: 'payment failed for alice@example.com card 4111 1111 1111 1111',
    attributes: {'user.email': 'alice@example.com', 'http.request.method': 'POST'}},
  'HTTP server span (old semantic conventions)': {kind: 'span', name: 'GET /checkout',
    traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7',
    attributes: {'http.method': 'GET', 'http.status_code': 200, 'http.url': 'https://shop.example/checkout?session=abc'}},
  'OTLP/JSON export request (as curl sends it)': {resourceSpans: [{resource: {attributes: [{key: 'service.name', value: {stringValue: 'checkout'}}]},
    scopeSpans: [{scope: {name: 'shop.checkout', version: '1.4.0'}, spans: [{traceId: '5b8efff798038103d269b633813fc60c', spanId: 'eee19b7ec3c1b174',
      name: 'POST /cart', kind: 2, startTimeUnixNano: '1718000000000000000', endTimeUnixNano: '1718000000250000000',
      attributes: [{key: 'http.method', value: {stringValue: 'POST'}}, {key: 'user.email', value: {stringValue: 'ada@example.com'}}]}]}]}]},
  'Event with a bearer token': {kind: 'event', name: 'login',
    attributes: {'http.request.header.authorization': 'Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl', 'client.address': '203.0.113.7'}},
};

export async function render(view, {args}) {
  const envs = (await api('/environments')).body;
  const env = args[0] || (envs.find(e => e.servedByThisNode) || envs[0]).name;
  const draft = drafts[env];
  const item = h('textarea', {id: 'sim-item', rows: 12, spellcheck: 'false', 'aria-describedby': 'sim-item-help'});
  item.value = JSON.stringify(Object.values(SAMPLES)[0], null, 2);
  const note = h('div', {id: 'sim-sample-note', 'aria-live': 'polite'});
  const sample = h('select', {id: 'sim-sample', onchange: () => {
    if (!SAMPLES[sample.value]) return;
    item.value = JSON.stringify(SAMPLES[sample.value], null, 2);
    fill(note);
  }}, Object.keys(SAMPLES).map(k => h('option', {value: k}, k)));
  /** Shows a sample from Live in the editor, and says what it is. */
  function loadLive(text, what) {
    item.value = text;
    if (!sample.querySelector('option[value=live]')) sample.prepend(h('option', {value: 'live'}, 'From Live'));
    sample.value = 'live';
    fill(note, h('p', {class: 'warning sample-note', id: 'sim-from-live'}, what));
  }
  const handed = takeHandOff(env);
  if (handed) loadLive(handed.text, handed.note || AS_EXPORTED);

  // Pick from Live: the node's recent items for this environment, several of one signal at once.
  const pickBox = h('div', {id: 'sim-live-box'});
  async function pickFromLive() {
    fill(pickBox, h('p', {class: 'muted'}, 'Loading the recent items…'));
    let found;
    try { found = await liveSamples(env, {limit: 50}); } catch (e) { fill(pickBox, errorBox(e)); return; }
    if (!found.servedByThisNode) {
      fill(pickBox, h('p', {class: 'empty'}, 'This node does not serve ' + env + ': pick from Live on a node started with --env ' + env + ', or paste an item.'));
      return;
    }
    if (!found.samples.length) {
      fill(pickBox, h('p', {class: 'empty'}, 'No recent items on this node for ' + env + ' yet: send telemetry to its OTLP ports, then pick again.'));
      return;
    }
    const picker = livePicker(found, 'sim', {cancel: () => fill(pickBox), load: (built, picked) => {
      loadLive(JSON.stringify(built.body.items || built.body.otlp, null, 2), picked.length + ' item(s) from Live ('
        + picked.map(s => '#' + s.seq).join(', ') + '). ' + built.note
        + (picked.length === 1 && picked[0].item.lineage ? ' On the data plane its stages did: ' + picked[0].item.lineage + '.' : ''));
      fill(pickBox);
    }});
    fill(pickBox, picker);
    picker.focusFirst();
  }
  const which = h('fieldset', {class: 'choice'}, h('legend', {}, 'Pipeline'),
    h('label', {}, h('input', {type: 'radio', name: 'which', value: 'current', id: 'sim-current', checked: true}), ' current revision'),
    h('label', {}, h('input', {type: 'radio', name: 'which', value: 'edited', id: 'sim-edited', disabled: !draft}),
      ' edited, unsaved pipeline', draft ? '' : h('span', {class: 'muted'}, ' (edit it on the pipeline page first)')));
  const out = h('section', {id: 'sim-results', 'aria-live': 'polite'});

  async function run(ev) {
    ev.preventDefault();
    let parsed;
    try { parsed = JSON.parse(item.value); } catch (e) {
      fill(out, h('div', {class: 'error', role: 'alert'}, 'The item is not valid JSON: ' + e.message)); return;
    }
    // An OTLP/JSON export request (what an SDK or the README's curl sends) goes as it is; the
    // server decodes it as its receiver would.
    const isOtlp = parsed && !Array.isArray(parsed) && typeof parsed === 'object'
      && ['resourceSpans', 'resourceLogs', 'resourceMetrics'].some(k => k in parsed);
    const body = isOtlp ? {otlp: parsed} : {items: Array.isArray(parsed) ? parsed : [parsed]};
    if (view.querySelector('#sim-edited').checked && drafts[env]) body.stages = drafts[env].stages;
    fill(out, h('p', {class: 'muted'}, 'Running…'));
    try {
      const r = (await api('/environments/' + encodeURIComponent(env) + '/simulate', {method: 'POST', body})).body;
      fill(out, h('h2', {}, r.revision ? 'Result with revision #' + r.revision : 'Result with the edited pipeline'),
        (r.notes || []).length ? h('ul', {class: 'notes'}, r.notes.map(n => h('li', {class: 'muted'}, n))) : null,
        r.diagnostics.length ? h('ul', {class: 'diagnostics'}, r.diagnostics.map(d => h('li', {class: d.severity}, badge(d.severity), ' ', d.stage || '', ' ', d.message))) : null,
        r.results.map((res, n) => h('article', {class: 'card sim-result'},
          r.results.length > 1 ? h('h3', {}, 'Item ' + (n + 1)) : null,
          res.deadLetter ? h('p', {class: 'error'}, 'Dead-lettered: ' + res.deadLetter) : null,
          table(['Stage', 'Processor', 'Outcome', 'Time', 'What changed'], res.stages.map(s => h('tr', {dataset: {stage: s.stage}},
            h('td', {}, s.stage), h('td', {class: 'mono'}, s.processor), h('td', {}, badge(s.outcome), s.failure ? h('div', {class: 'error small'}, s.failure) : null),
            h('td', {}, (s.nanos / 1000).toFixed(1) + ' µs'),
            h('td', {}, s.changes.length ? h('table', {class: 'changes'}, h('tbody', {}, s.changes.map(c => h('tr', {},
              h('th', {scope: 'row', class: 'mono'}, c.key), h('td', {class: 'mono before'}, show(c.before)), h('td', {}, '→'),
              h('td', {class: 'mono after'}, show(c.after)))))) : h('span', {class: 'muted'}, 'nothing'))))),
          h('div', {class: 'example-io'}, h('div', {}, h('h4', {}, 'Input'), pre(res.input)), h('div', {}, h('h4', {}, 'Output'), pre(res.output))))));
    } catch (e) { fill(out, errorBox(e)); }
  }

  fill(view,
    h('h1', {}, 'Simulate on ', env),
    h('nav', {class: 'tabs', 'aria-label': 'Environments'}, envs.map(e => h('a', {href: '#/simulate/' + encodeURIComponent(e.name),
      'aria-current': e.name === env ? 'page' : null}, e.name))),
    h('form', {class: 'card', onsubmit: run},
      h('label', {for: 'sim-sample'}, 'Sample '), sample, ' ',
      h('button', {type: 'button', id: 'sim-pick-live', onclick: pickFromLive}, 'Pick from Live'),
      pickBox, note,
      h('label', {for: 'sim-item'}, 'Item (JSON; a list runs several)'), item,
      h('p', {class: 'help', id: 'sim-item-help'}, 'An item, a list of items (fields: kind (span, log, metric, event), name, body, traceId, spanId, severityText, attributes, resource), or an OTLP/JSON export request as an SDK or curl sends it to /v1/traces, /v1/logs or /v1/metrics. Nothing is stored or sent on.'),
      which,
      h('button', {type: 'submit', class: 'primary', id: 'sim-run'}, 'Run')),
    out);
}
