import {h, fill, badge, table} from '../dom.js';
import {api} from '../app.js';

export async function render(view, {query}) {
  const [processors, envs] = await Promise.all([api('/processors'), api('/environments')]);
  const list = processors.body;
  const plugins = [...new Set(list.map(p => p.plugin || '(built in)'))].sort();

  const search = h('input', {id: 'catalog-search', type: 'search', value: query.get('q') || '',
    placeholder: 'id, title, description'});
  const stability = h('select', {id: 'filter-stability'},
    h('option', {value: ''}, 'any'), ['experimental', 'stable', 'deprecated'].map(s => h('option', {value: s}, s)));
  const plugin = h('select', {id: 'filter-plugin'}, h('option', {value: ''}, 'any'),
    plugins.map(p => h('option', {value: p}, p)));
  const usedBy = h('select', {id: 'filter-env'}, h('option', {value: ''}, 'any or none'),
    h('option', {value: '-'}, 'no environment'),
    envs.body.map(e => h('option', {value: e.name}, e.name)));
  const results = h('div', {id: 'catalog-results', 'aria-live': 'polite'});

  function update() {
    const q = search.value.trim().toLowerCase();
    const shown = list.filter(p =>
      (!q || [p.id, p.title, p.description].some(t => (t || '').toLowerCase().includes(q)))
      && (!stability.value || p.stability === stability.value)
      && (!plugin.value || (p.plugin || '(built in)') === plugin.value)
      && (!usedBy.value || (usedBy.value === '-' ? p.usedBy.length === 0 : p.usedBy.some(u => u.env === usedBy.value))));
    fill(results,
      h('p', {class: 'muted'}, shown.length + ' of ' + list.length + ' processors'),
      table(['Processor', 'Title', 'Latest', 'Stability', 'Plugin', 'Used by'], shown.map(p =>
        h('tr', {},
          h('td', {}, h('a', {href: '#/processors/' + encodeURIComponent(p.id), class: 'processor-link'}, p.id)),
          h('td', {}, p.title, p.replacement ? h('div', {class: 'muted'}, 'replaced by ' + p.replacement) : null),
          h('td', {class: 'mono'}, p.latestVersion),
          h('td', {}, badge(p.stability)),
          h('td', {}, p.plugin || h('span', {class: 'muted'}, 'built in')),
          h('td', {}, p.usedBy.length ? p.usedBy.map(u => h('span', {class: 'chip' + (u.enabled ? '' : ' off')},
            u.env + (u.version ? '@' + u.version : '') + (u.enabled ? '' : ' (off)'))) : h('span', {class: 'muted'}, 'unused')))),
      list.length ? 'No processor matches these filters.' : 'The catalog is empty: no plugin has been loaded yet.'));
  }
  [search, stability, plugin, usedBy].forEach(el => el.addEventListener('input', update));

  fill(view,
    h('h1', {}, 'Processor catalog'),
    h('form', {class: 'filters', role: 'search', onsubmit: e => e.preventDefault()},
      h('label', {}, 'Search ', search),
      h('label', {}, 'Stability ', stability),
      h('label', {}, 'Plugin ', plugin),
      h('label', {}, 'Used by ', usedBy)),
    results);
  update();
}
