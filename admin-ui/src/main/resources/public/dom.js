// Small DOM helpers. Everything is built with createElement and textContent, never innerHTML,
// so values from the API (attribute values, reasons, plugin errors) cannot inject markup.

/** h('button', {class: 'x', onclick: fn}, 'text', child, ...) */
export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith('on') && typeof v === 'function') el.addEventListener(k.slice(2), v);
    else if (k === 'class') el.className = v;
    else if (k === 'value') el.value = v;
    else if (k === 'checked') el.checked = !!v;
    else if (k === 'dataset') Object.assign(el.dataset, v);
    else if (v === true) el.setAttribute(k, '');
    else el.setAttribute(k, String(v));
  }
  append(el, children);
  return el;
}

function append(el, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    el.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

/** Replaces an element's children. */
export function fill(el, ...children) {
  el.replaceChildren();
  append(el, children);
  return el;
}

/** A value as compact text: strings as they are, everything else as JSON. */
export function show(v) {
  if (v === null || v === undefined) return '—';
  if (typeof v === 'string') return v;
  return JSON.stringify(v);
}

export function pre(value) {
  return h('pre', {class: 'json'}, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
}

export function badge(text, kind) {
  return h('span', {class: 'badge ' + (kind || String(text).toLowerCase())}, text);
}

/** A table from column titles and rows of cells; an empty state when there are no rows. */
export function table(columns, rows, empty, attrs) {
  if (!rows.length) return h('p', {class: 'empty'}, empty || 'Nothing here yet.');
  return h('div', {class: 'table-wrap'},
    h('table', attrs || {},
      h('thead', {}, h('tr', {}, columns.map(c => h('th', {scope: 'col'}, c)))),
      h('tbody', {}, rows)));
}

/** A pipeline diff (from the API: added, removed, moved, changed) as a table. */
export function pipelineDiff(diff) {
  if (!diff || !diff.length) return h('p', {class: 'empty'}, 'No change against the current revision.');
  return table(['Change', 'Stage', 'Field', 'Before', 'After'], diff.map(d =>
    h('tr', {class: 'diff-' + d.type},
      h('td', {}, badge(d.type)), h('td', {}, d.stage), h('td', {}, d.field || ''),
      h('td', {class: 'mono'}, show(d.before)), h('td', {class: 'mono'}, show(d.after)))));
}

/** Compile diagnostics (errors and warnings with their stage and key). */
export function diagnostics(list) {
  if (!list || !list.length) return h('p', {class: 'ok'}, 'Compiles with no errors or warnings.');
  const item = d => h('li', {class: d.severity}, badge(d.severity),
    ' ', d.stage ? h('strong', {}, d.stage) : '', d.key ? h('code', {}, ' ' + d.key) : '', ' ', d.message);
  const errors = list.filter(d => d.severity === 'error');
  const others = list.filter(d => d.severity !== 'error');
  // Wildcard writers can produce dozens of ordering warnings: errors stay in sight, the rest fold.
  return h('div', {class: 'diagnostics-box'},
    errors.length ? h('ul', {class: 'diagnostics'}, errors.map(item)) : h('p', {class: 'ok'}, 'No errors.'),
    others.length ? h('details', {open: others.length <= 5},
      h('summary', {}, others.length + ' warning(s) and note(s)'), h('ul', {class: 'diagnostics'}, others.map(item))) : null);
}

export function formatNanos(ns) {
  if (ns === null || ns === undefined) return '—';
  if (ns < 1000) return ns + ' ns';
  if (ns < 1e6) return (ns / 1000).toFixed(1) + ' µs';
  if (ns < 1e9) return (ns / 1e6).toFixed(2) + ' ms';
  return (ns / 1e9).toFixed(2) + ' s';
}

export function when(iso) {
  if (!iso) return '—';
  const d = new Date(iso);
  return isNaN(d) ? iso : d.toLocaleString();
}

/** Offers text as a file download, built in the browser. */
export function download(name, type, text) {
  const url = URL.createObjectURL(new Blob([text], {type}));
  const a = h('a', {href: url, download: name});
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

/**
 * Descriptor prose as elements: paragraphs at blank lines, `code` and **bold** inline. Built from
 * text nodes like everything else, so a plugin's description cannot inject markup.
 */
export function prose(text, attrs) {
  const blocks = String(text || '').split(/\n\s*\n/).filter(p => p.trim() !== '');
  const a = Object.assign({}, attrs || {});
  a.class = 'prose' + (a.class ? ' ' + a.class : '');
  return h('div', a, blocks.map(block));
}

/** One Markdown block: a table (| a | b | over |---|---|), a list (- or 1.), or a paragraph. */
function block(text) {
  const lines = text.split('\n').map(l => l.trim()).filter(l => l !== '');
  if (lines.length >= 2 && lines.every(l => l.startsWith('|')) && /^\|[\s:|-]+\|?$/.test(lines[1])) {
    const cells = l => l.replace(/^\|/, '').replace(/\|$/, '').split(/(?<!\\)\|/).map(c => c.trim().replace(/\\\|/g, '|'));
    return h('div', {class: 'table-wrap'}, h('table', {class: 'md'},
      h('thead', {}, h('tr', {}, cells(lines[0]).map(c => h('th', {}, inline(c))))),
      h('tbody', {}, lines.slice(2).map(l => h('tr', {}, cells(l).map(c => h('td', {}, inline(c))))))));
  }
  const bullet = /^[-*] /;
  const numbered = /^\d+\. /;
  for (const [marker, tag] of [[bullet, 'ul'], [numbered, 'ol']]) {
    if (marker.test(lines[0])) {
      // Items start with the marker; other lines continue the item before them.
      const items = [];
      for (const l of lines) {
        if (marker.test(l) || items.length === 0) items.push(l.replace(marker, ''));
        else items[items.length - 1] += ' ' + l;
      }
      return h(tag, {}, items.map(i => h('li', {}, inline(i))));
    }
  }
  return h('p', {}, inline(text));
}

function inline(text) {
  const parts = [];
  const pattern = /(`[^`]+`|\*\*[^*]+\*\*)/g;
  let last = 0;
  for (const m of text.matchAll(pattern)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    const token = m[0];
    parts.push(token.startsWith('`') ? h('code', {}, token.slice(1, -1)) : h('strong', {}, token.slice(2, -2)));
    last = m.index + token.length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}
