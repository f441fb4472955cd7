import {h, fill, badge, table, when, show} from '../dom.js';
import {api, can, session, ApiError, errorBox} from '../app.js';

const VERDICTS = {
  'ok': ['would load', 'ok'],
  'refused': ['would be refused', 'error'],
  'breaks-semver': ['loads but breaks semver', 'error'],
  'examples-fail': ['loads but worked examples fail', 'warn'],
};

/** Uploads a jar to POST /plugins/check as the raw body; the answer, or an ApiError. */
async function checkJar(file) {
  let response;
  try {
    response = await fetch('/api/v1/plugins/check?name=' + encodeURIComponent(file.name.replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 128)), {
      method: 'POST', credentials: 'same-origin',
      headers: {Accept: 'application/json', 'Content-Type': 'application/java-archive'}, body: file});
  } catch (e) {
    throw new ApiError(0, {error: 'network', message: 'The server cannot be reached: ' + e.message});
  }
  const text = await response.text();
  let json = null;
  try { json = text ? JSON.parse(text) : null; } catch (e) { json = {message: text}; }
  if (!response.ok) throw new ApiError(response.status, json);
  return json;
}

/** The check's answer, readably: verdict, reasons, then one block per processor. */
function report(r) {
  const [label, kind] = VERDICTS[r.verdict] || [r.verdict, 'warn'];
  return h('div', {class: 'check-report'},
    h('p', {id: 'check-verdict'}, badge(label, kind), ' ', h('strong', {}, r.summary)),
    h('p', {class: 'muted small'}, (r.pluginId ? 'Plugin ' + r.pluginId + '@' + r.pluginVersion + ' · ' : '') + r.file
      + ' · ' + r.bytes + ' bytes · SHA-256 ', h('span', {class: 'mono'}, r.sha256)),
    (r.refused || []).length ? h('ul', {class: 'refused'}, r.refused.map(x => h('li', {}, badge('refused', 'error'), ' ', x))) : null,
    (r.processors || []).map(p => h('section', {class: 'check-processor', dataset: {processor: p.id + '@' + p.version}},
      h('h3', {}, p.id + '@' + p.version, ' ', badge(p.verdict, VERDICTS[p.verdict] ? VERDICTS[p.verdict][1] : 'warn')),
      (p.refused || []).length ? h('ul', {}, p.refused.map(x => h('li', {}, x))) : null,
      h('p', {}, h('strong', {}, 'Contract: '), p.contract
        ? [p.contract.from + ' → ' + p.contract.to + ': a ' + p.contract.actualBump + ' bump; the changes need '
            + (p.contract.requiredBump === 'none' ? 'no bump' : 'a ' + p.contract.requiredBump + ' one') + ' ',
          badge(p.contract.semverViolation ? 'breaks semver' : 'ok', p.contract.semverViolation ? 'error' : 'ok'),
          p.contract.changes.length ? h('ul', {class: 'small'}, p.contract.changes.map(c => h('li', {},
            (c.breaking ? 'BREAKING ' : '') + c.kind + ' ' + (c.key || '') + (c.detail ? ': ' + c.detail : '')))) : null]
        : 'new: the catalog has no lower version to compare with'),
      h('p', {}, h('strong', {}, 'Worked examples: '), p.examples.length
        ? p.examples.filter(e => e.passed).length + ' of ' + p.examples.length + ' pass' : 'none'),
      p.examples.filter(e => !e.passed).map(e => h('div', {class: 'example-failure'},
        badge('fails', 'error'), ' ', h('strong', {}, e.title),
        e.actual ? h('dl', {class: 'small'}, h('dt', {}, 'expected'), h('dd', {class: 'mono'}, show(e.expected)),
          h('dt', {}, 'actual'), h('dd', {class: 'mono'}, show(e.actual))) : h('p', {class: 'small'}, e.message))))));
}

function checkForm() {
  if (!can('admin')) {
    return h('div', {id: 'check-plugin-form'},
      h('p', {class: 'muted'}, 'Checking a jar runs its code, which is as much as installing it, so it needs the admin role (you are '
        + (session.me ? session.me.role : 'logged out') + '). Anyone can check a jar on their own machine: bin/tributary check-plugin NEW.jar --server URL.'));
  }
  const input = h('input', {type: 'file', id: 'check-jar', accept: '.jar,application/java-archive'});
  const result = h('div', {id: 'check-result', 'aria-live': 'polite'});
  const button = h('button', {type: 'submit', id: 'check-plugin', class: 'primary'}, 'Check');
  return h('form', {id: 'check-plugin-form', onsubmit: async e => {
    e.preventDefault();
    const file = input.files[0];
    if (!file) return fill(result, h('p', {class: 'error', role: 'alert'}, 'Choose a jar first.'));
    button.disabled = true;
    fill(result, h('p', {class: 'muted'}, 'Checking ' + file.name + '… (up to half a minute)'));
    try {
      fill(result, report(await checkJar(file)));
    } catch (err) {
      fill(result, errorBox(err));
    } finally {
      button.disabled = false;
    }
  }},
    h('p', {class: 'muted'}, 'Loads a jar as this node would, in a separate process without access to the database or the server\'s environment,'
      + ' and tells you whether the node would take it: its processors, their worked examples, and each contract against the catalog\'s'
      + ' nearest lower version. Nothing is installed. Admins only: the jar\'s code runs on this server\'s machine.'),
    h('label', {for: 'check-jar'}, 'Plugin jar '), input, ' ', button, result);
}

export async function render(view) {
  const files = (await api('/plugins')).body;
  const failed = files.filter(f => f.state !== 'loaded');
  const loaded = files.filter(f => f.state === 'loaded');
  fill(view,
    h('h1', {}, 'Plugins'),
    h('p', {class: 'muted'}, 'Plugin files in this node\'s plugins folder. A dropped jar is picked up within seconds; reload to see it.'
      + ' A jar whose processor breaks the contract of its previous version under a minor or patch bump is flagged: pipelines that run the latest version get the break without asking for it.'),
    h('h2', {}, 'Failed files (' + failed.length + ')'),
    table(['File', 'State', 'Cause', 'When'], failed.map(f => h('tr', {class: 'failed'},
      h('td', {class: 'mono'}, f.file), h('td', {}, badge(f.state, 'error')),
      h('td', {class: 'cause'}, f.error || 'no cause recorded'), h('td', {}, when(f.at)))),
    'No plugin file failed to load.', {id: 'failed-plugins'}),
    h('h2', {}, 'Loaded files (' + loaded.length + ')'),
    table(['File', 'Plugin', 'Version', 'Processors', 'Contract', 'SHA-256', 'When'], loaded.map(f => h('tr', {class: (f.contractBreaks || []).length ? 'contract-break' : null},
      h('td', {class: 'mono'}, f.file), h('td', {}, f.pluginId || '—'), h('td', {class: 'mono'}, f.version || '—'),
      h('td', {}, (f.processors || []).map(p => h('a', {class: 'chip', href: '#/processors/' + encodeURIComponent(String(p).split('@')[0])}, p))),
      h('td', {class: 'contract'}, (f.contractBreaks || []).length
        ? f.contractBreaks.map(d => h('div', {},
            badge('breaks semver', 'error'), ' ', d.id + ' ' + d.from + ' → ' + d.to + ': a ' + d.actualBump
              + ' bump, but it needs a ' + d.requiredBump + ' one',
            h('ul', {class: 'small'}, d.changes.filter(c => c.breaking).map(c => h('li', {}, c.kind + ' ' + (c.key || '') + (c.detail ? ': ' + c.detail : '')))),
            h('a', {href: '#/processors/' + encodeURIComponent(d.id)}, 'compare versions')))
        : badge('ok', 'ok')),
      h('td', {class: 'mono small'}, f.sha256 ? f.sha256.slice(0, 12) + '…' : '—'), h('td', {}, when(f.at)))),
    'No plugin jar is loaded from the plugins folder (built-in processors on the module path are listed in the catalog).',
    {id: 'loaded-plugins'}),
    h('h2', {}, 'Check a jar before dropping it in'),
    checkForm());
}
