import {h, fill, badge, table, when} from '../dom.js';
import {api} from '../app.js';

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
    {id: 'loaded-plugins'}));
}
