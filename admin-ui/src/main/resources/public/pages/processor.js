import {h, fill, badge, table, pre, show, when, prose} from '../dom.js';
import {api} from '../app.js';
import {constraints} from './config-form.js';

export async function render(view, {args}) {
  const id = args[0];
  const p = (await api('/processors/' + encodeURIComponent(id))).body;
  const versions = [...p.versionDetails].reverse();
  const topDescription = p.description || '';
  fill(view,
    h('p', {}, h('a', {href: '#/catalog'}, '← Catalog')),
    h('h1', {}, p.title || p.id, ' ', h('code', {}, p.id)),
    h('p', {}, badge(p.stability), ' latest ', h('code', {}, p.latestVersion),
      p.plugin ? [' from plugin ', h('code', {}, p.plugin)] : ' (built in)'),
    p.stability === 'deprecated' ? h('div', {class: 'warning', role: 'note'}, 'Deprecated.',
      p.replacement ? [' Use ', h('a', {href: '#/processors/' + encodeURIComponent(p.replacement)}, p.replacement), ' instead.'] : '') : null,
    prose(p.description, {class: 'description'}),
    h('h2', {}, 'Where it runs'),
    table(['Environment', 'Stage', 'Version', 'Enabled'], p.usedBy.map(u => h('tr', {},
      h('td', {}, h('a', {href: '#/environments/' + encodeURIComponent(u.env)}, u.env)), h('td', {}, u.stage),
      h('td', {class: 'mono'}, u.version || 'latest'), h('td', {}, u.enabled ? 'yes' : 'no'))),
    'No environment runs this processor.'),
    h('h2', {}, 'Versions'),
    versions.map((v, i) => versionSection(v, i === 0, topDescription)));
}

function versionSection(v, open, topDescription) {
  const d = v.descriptor || {};
  return h('details', {class: 'version', open: open, id: 'version-' + v.version},
    h('summary', {}, h('strong', {}, v.version), ' ', v.available ? badge('available', 'ok') : badge('not loaded', 'muted'),
      ' ', badge(d.stability || 'unknown'), ' ', h('span', {class: 'muted'}, 'first seen ' + when(v.firstSeen))),
    h('dl', {class: 'facts'},
      h('dt', {}, 'Source'), h('dd', {}, v.source + (v.plugin ? ' · plugin ' + v.plugin + '@' + (v.pluginVersion || '?') : '')),
      v.sha256 ? [h('dt', {}, 'Jar SHA-256'), h('dd', {class: 'mono small'}, v.sha256)] : null,
      h('dt', {}, 'Reads'), h('dd', {}, keys(d.reads)),
      h('dt', {}, 'Writes'), h('dd', {}, keys(d.writes)),
      h('dt', {}, 'Requires'), h('dd', {}, keys((d.requires || []).concat(d.requiredServices || []))),
      d.redacts && d.redacts.length ? [h('dt', {}, 'Redacts'), h('dd', {}, keys(d.redacts))] : null,
      d.replacement ? [h('dt', {}, 'Replacement'), h('dd', {}, d.replacement)] : null),
    d.description && d.description !== topDescription ? prose(d.description) : null,
    h('h3', {}, 'Configuration'),
    table(['Name', 'Type', 'Default', 'Required', 'Allowed values', 'Description'], configRows(d.config || [], ''),
    'No configuration.'),
    h('h3', {}, 'Examples'),
    (d.examples || []).length ? d.examples.map(x => h('figure', {class: 'example'},
      h('figcaption', {}, x.title),
      x.config && Object.keys(x.config).length ? h('div', {}, h('h4', {}, 'Config'), pre(x.config)) : null,
      h('div', {class: 'example-io'},
        h('div', {}, h('h4', {}, 'Input'), pre(x.input)),
        h('div', {}, h('h4', {}, 'Output'), pre(x.expected))))) : h('p', {class: 'empty'}, 'No worked examples.'));
}

function keys(list) {
  if (!list || !list.length) return h('span', {class: 'muted'}, 'nothing');
  return list.map(k => h('code', {class: 'chip'}, k));
}

/** One row per config field; an object list's fields follow it, named list[].field. */
function configRows(fields, prefix) {
  return fields.flatMap(c => [h('tr', {},
    h('td', {class: 'mono'}, prefix + c.name, c.secret ? [' ', badge('secret')] : null,
      c.deprecation ? [' ', badge('deprecated')] : null),
    h('td', {}, c.type), h('td', {class: 'mono'}, show(c.default)), h('td', {}, c.required ? 'yes' : 'no'),
    h('td', {}, allowed(c)),
    h('td', {}, c.doc || '', c.deprecation ? [c.doc ? ' ' : '', h('em', {}, 'Deprecated: ' + c.deprecation)] : null)),
    ...(c.type === 'object_list' ? configRows(c.fields || [], prefix + c.name + '[].') : [])]);
}

function allowed(c) {
  const parts = [];
  if (c.allowedValues && c.allowedValues.length) parts.push(c.allowedValues.join(', '));
  // The element keys of an object list are listed as rows of their own.
  parts.push(...constraints({...c, fields: null}));
  return parts.length ? parts.join('; ') : '—';
}
