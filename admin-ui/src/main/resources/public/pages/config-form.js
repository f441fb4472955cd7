// A configuration form generated from a processor's config schema: a typed input per field
// (number with its range, checkbox, select of the allowed values, text with its pattern rule),
// repeatable rows for a string list, key/value rows for a string map and a card per element of a
// list of objects, whose nested fields follow the same rules. Values are written into
// stage.config as JSON types (numbers, booleans, arrays, objects), as the server's ConfigSchema
// reads them. A value that is not valid is kept as typed, so the page's checks (stageProblems)
// refuse to plan or apply it.
//
// Problems show on the field they concern (aria-invalid, the message in aria-describedby): the
// form's own checks as the operator types, and the server's diagnostics that name a key, nested
// ones included (rules[2].from), through showDiagnostics.
//
// Secrets are write-only: the API shows a stored secret as {"set": true}; leaving the field
// blank sends that marker back, which keeps the stored value.
import {h, show} from '../dom.js';

const SET = {set: true};

function isSetMarker(v) {
  return v && typeof v === 'object' && !Array.isArray(v) && v.set === true && Object.keys(v).length === 1;
}

const has = v => v !== null && v !== undefined;
const blank = v => v === undefined || v === null || v === '';
const isScalar = v => typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && isFinite(v));

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** A scalar field's text as the value it means: a boolean, a number, a JSON string, else the text. */
function scalar(t) {
  if (t === 'true' || t === 'false') return t === 'true';
  if (/^[-+]?\d+$/.test(t) && Number.isSafeInteger(Number(t))) return Number(t);
  if (/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) && isFinite(Number(t))) return Number(t);
  if (t.startsWith('"')) {
    try { const s = JSON.parse(t); if (typeof s === 'string') return s; } catch (e) { /* as written */ }
  }
  return t;
}

/** A scalar value as text that reads back as the same value: a string that would not is quoted. */
function scalarText(v) {
  if (!has(v)) return '';
  if (typeof v === 'string') return v.trim() !== v || v.startsWith('"') || typeof scalar(v) !== 'string' ? JSON.stringify(v) : v;
  return typeof v === 'object' ? JSON.stringify(v) : String(v);
}

/** What the value typed in a scalar field is read as. */
function kindOf(v) {
  return typeof v === 'number' ? (Number.isInteger(v) ? 'a whole number' : 'a number') : typeof v === 'boolean' ? 'a boolean' : 'text';
}

/** The field's pattern as a JavaScript RegExp matching whole values, or null where it does not translate. */
function wholeMatch(pattern) {
  if (!pattern || pattern.includes('&&')) return null; // Java class intersections mean something else here
  try { return new RegExp('^(?:' + pattern + ')$', 'u'); } catch (e) { return null; }
}

/** What a value breaking the field's pattern is told: the rule in words the processor gave, else the regex. */
function patternRule(field) {
  return field.patternRule || 'must match ' + field.pattern;
}

/** Why a number lies outside the field's range, or null. */
function outOfRange(field, n) {
  if (has(field.min) && n < field.min) return 'must be at least ' + field.min;
  if (has(field.max) && n > field.max) return 'must be at most ' + field.max;
  return null;
}

/** Why a string breaks the field's allowed values or pattern, or null. */
function badString(field, t) {
  if (field.allowedValues && field.allowedValues.length && !field.allowedValues.includes(t)) {
    return 'must be one of ' + field.allowedValues.join(', ');
  }
  const re = wholeMatch(field.pattern);
  return re && !re.test(t) ? patternRule(field) : null;
}

/**
 * Problems of a config value against its field, as [{key, message, blank}]: key is the path the
 * server names too (rules[2].from), blank marks "nothing given yet" (shown once the operator has
 * edited the field, or on planning: not on leaving it, which would move the page under the pointer). Follows ConfigSchema: numbers may come as numeric strings,
 * a string list as one string, a string map's values as scalars.
 */
export function problems(field, v, key) {
  if (blank(v)) return field.required && !has(field.default) ? [{key, message: 'required', blank: true}] : [];
  if (field.secret && isSetMarker(v)) return [];
  const one = message => [{key, message}];
  switch (field.type) {
    case 'long': {
      const n = typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : v;
      if (typeof n !== 'number' || !Number.isInteger(n)) return one('must be a whole number');
      if (!Number.isSafeInteger(n)) return one('is too large to edit here');
      const r = outOfRange(field, n);
      return r ? one(r) : [];
    }
    case 'double': {
      const n = typeof v === 'string' && v.trim() !== '' ? Number(v) : v;
      if (typeof n !== 'number' || !isFinite(n)) return one('must be a number');
      const r = outOfRange(field, n);
      return r ? one(r) : [];
    }
    case 'boolean':
      return typeof v === 'boolean' || v === 'true' || v === 'false' ? [] : one('must be true or false');
    case 'scalar':
      return isScalar(v) ? [] : one('must be text, a number or true/false');
    case 'string_list': {
      const list = typeof v === 'string' ? [v] : v;
      if (!Array.isArray(list)) return one('must be a list of values');
      const out = [];
      list.forEach((x, i) => {
        const at = key + '[' + i + ']';
        if (x === '') out.push({key: at, message: 'empty: type a value or remove the row', blank: true});
        else if (!isScalar(x)) out.push({key: at, message: 'must be a single value'});
        else {
          const m = badString(field, String(x));
          if (m) out.push({key: at, message: m});
        }
      });
      return out;
    }
    case 'string_map': {
      if (Array.isArray(v)) { // the rows as typed, [[key, value], …], while a key is empty or repeated
        const out = [];
        const seen = new Set();
        v.forEach((pair, i) => {
          const k = Array.isArray(pair) ? pair[0] : '';
          const at = key + '[' + i + ']';
          if (!k) out.push({key: at, message: 'the key is empty: type one or remove the row', blank: true});
          else if (seen.has(k)) out.push({key: at, message: 'the key ' + JSON.stringify(k) + ' is given twice'});
          seen.add(k);
        });
        return out.length ? out : one('must be key/value pairs');
      }
      return isObject(v) && Object.values(v).every(isScalar) ? [] : one('must be key/value pairs');
    }
    case 'object_list': {
      if (!Array.isArray(v)) return one('must be a list of objects');
      const fields = field.fields || [];
      const known = new Set(fields.map(f => f.name));
      const out = [];
      v.forEach((o, i) => {
        const at = key + '[' + i + ']';
        if (!isObject(o)) { out.push({key: at, message: 'must be an object'}); return; }
        for (const k of Object.keys(o)) {
          if (!known.has(k)) out.push({key: at, message: k + ' is not a known key (known: ' + [...known].join(', ') + ')'});
        }
        for (const f of fields) out.push(...problems(f, o[f.name], at + '.' + f.name));
      });
      return out;
    }
    default: { // string
      if (!isScalar(v)) return one('must be text');
      const m = badString(field, String(v));
      return m ? one(m) : [];
    }
  }
}

/** The forms on the page, by stage: stageProblems also shows its findings on the stage's form. */
const formsByStage = new WeakMap();
/** The same, by form element: showDiagnostics finds them in the DOM. */
const formsByElement = new WeakMap();

/**
 * Problems with a stage's config against its schema, as "stage.key message" lines (what the page
 * lists when it refuses to plan); the stage's form, if shown, marks them on their fields.
 */
export function stageProblems(stage, descriptor) {
  const config = stage.config || {};
  const list = (descriptor.config || []).flatMap(f => problems(f, config[f.name], f.name));
  const form = formsByStage.get(stage);
  if (form && list.length) form.reveal();
  return list.map(p => stage.name + '.' + p.key + ' ' + p.message);
}

/** The element id for a key of a stage's form: cfg-<stage>-rules-2-from. */
function idOf(slug, key) {
  return 'cfg-' + slug + '-' + key.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/-+$/, '');
}

/** The key one level up: rules[2].from → rules[2] → rules → ''. */
function parentKey(key) {
  const up = key.replace(/(\.[^.[\]]+|\[\d+\])$/, '');
  return up === key ? '' : up;
}

export function configForm(stage, descriptor, slug, readOnly, onChange) {
  stage.config = stage.config || {};
  const fields = descriptor.config || [];
  if (!fields.length) return h('p', {class: 'muted'}, 'This processor has no configuration.');
  const known = new Set(fields.map(f => f.name));
  const unknown = Object.keys(stage.config).filter(k => !known.has(k));
  // Server findings whose key has no field here (an unknown key, say).
  const general = h('p', {class: 'field-error form-error', id: 'cfg-' + slug + '-form-error', 'aria-live': 'polite'});
  const tops = fields.map(f => {
    const top = {field: f};
    const ctx = {slug, readOnly, commit: () => { top.mark(false); onChange(); }};
    const set = v => { if (v === undefined) delete stage.config[f.name]; else stage.config[f.name] = v; };
    top.el = editor(f, f.name, stage.config[f.name], set, ctx);
    top.mark = revealAll => mark(top.el, problems(f, stage.config[f.name], f.name), revealAll);
    top.mark(false);
    return top;
  });
  const form = h('div', {class: 'config-form', dataset: {stage: stage.name}},
    tops.map(t => t.el),
    unknown.length ? h('p', {class: 'warning'}, 'Keys this version does not know (the compiler will refuse them): ', unknown.join(', ')) : null,
    general);
  const controller = {
    reveal: () => tops.forEach(t => t.mark(true)),
    refresh: () => tops.forEach(t => t.mark(false)),
    general,
  };
  formsByStage.set(stage, controller);
  formsByElement.set(form, controller);
  return form;
}

/**
 * Shows the server's diagnostics (from a plan's check or a refused apply: {severity, stage, key,
 * message}) on the fields they name, in every config form inside container: a nested key
 * (rules[2].from) on that field of that row, else on the nearest enclosing row or field; a key the
 * form has no field for in the form's own message line. Replaces what an earlier call showed; a
 * message goes when its field is edited. Returns how many diagnostics were placed.
 */
export function showDiagnostics(container, diagnostics) {
  const forms = [...container.querySelectorAll('.config-form[data-stage]')];
  for (const form of forms) {
    for (const el of form.querySelectorAll('[data-server]')) { delete el.dataset.server; delete el.dataset.serverSeverity; }
    const c = formsByElement.get(form);
    if (c) c.general.textContent = '';
  }
  let placed = 0;
  for (const d of diagnostics || []) {
    if (!d.stage || !d.key || (d.severity !== 'error' && d.severity !== 'warning')) continue;
    const form = forms.find(f => f.dataset.stage === d.stage);
    const c = form && formsByElement.get(form);
    if (!c) continue;
    // "attributes@1.1.0 failed to start: config 'rules[0].from': rename needs …": the field says the rest.
    const text = String(d.message).replace(/^.*?config '[^']*': /, '');
    let holder = null;
    for (let key = d.key; key && !holder; key = parentKey(key)) {
      holder = form.querySelector('[data-key="' + CSS.escape(key) + '"]');
    }
    if (holder) {
      // A row's card gets "rules[2]: …"-level findings; a field keeps only its own words.
      const prefix = holder.dataset.key === d.key ? '' : d.key + ': ';
      holder.dataset.server = (holder.dataset.server ? holder.dataset.server + '; ' : '') + prefix + text;
      if (d.severity === 'error' || !holder.dataset.serverSeverity) holder.dataset.serverSeverity = d.severity;
    } else {
      c.general.textContent += (c.general.textContent ? '; ' : '') + d.key + ': ' + text;
    }
    const details = form.closest('details');
    if (details) details.open = true;
    placed++;
  }
  for (const form of forms) formsByElement.get(form)?.refresh();
  return placed;
}

/**
 * Shows problems on the elements that hold their keys (data-key): the message in the holder's
 * error line, aria-invalid on its controls. A "required" or empty row shows once the holder was
 * edited or when revealAll; a server diagnostic shows while the form finds nothing itself.
 */
function mark(root, list, revealAll) {
  const byKey = new Map();
  for (const p of list) {
    if (!byKey.has(p.key)) byKey.set(p.key, []);
    byKey.get(p.key).push(p);
  }
  for (const el of [root, ...root.querySelectorAll('[data-key]')]) {
    const found = (byKey.get(el.dataset.key) || []).filter(p => !p.blank || revealAll || el.dataset.touched);
    if (revealAll && found.length) el.dataset.touched = 'true';
    const server = found.length ? '' : el.dataset.server || '';
    const span = el.querySelector(':scope > .field-error, :scope > .row-foot > .field-error');
    if (span) {
      span.textContent = found.length ? found.map(p => p.message).join('; ') : server;
      span.classList.toggle('server', !found.length && server !== '');
      span.classList.toggle('server-warning', !found.length && server !== '' && el.dataset.serverSeverity === 'warning');
    }
    const invalid = found.length > 0 || (server !== '' && el.dataset.serverSeverity !== 'warning');
    for (const c of el.querySelectorAll(':scope > .control, :scope > .check > .control')) {
      if (invalid) c.setAttribute('aria-invalid', 'true'); else c.removeAttribute('aria-invalid');
    }
    if (el.tagName === 'FIELDSET') { if (invalid) el.setAttribute('aria-invalid', 'true'); else el.removeAttribute('aria-invalid'); }
  }
}

/** Forgets the server's message on the holder of a control the operator changed. */
function edited(control) {
  const holder = control.closest('[data-key]');
  if (holder) { delete holder.dataset.server; delete holder.dataset.serverSeverity; holder.dataset.touched = 'true'; }
}

function defaultText(f) {
  return has(f.default) ? 'default ' + show(f.default) : 'no default';
}

/** The default and constraints of a field, in brackets, or ''. */
function facts(f) {
  const parts = [has(f.default) ? defaultText(f) : null, ...constraints(f)].filter(Boolean);
  return parts.length ? '(' + parts.join('; ') + ')' : '';
}

/** The parts of a field's heading: name, required mark, type, badges. */
function heading(f) {
  return [h('code', {}, f.name), f.required ? h('span', {class: 'req', title: 'required', 'aria-label': 'required'}, ' *') : null,
    ' ', h('span', {class: 'muted'}, f.type.replace('_', ' ')),
    f.secret ? [' ', h('span', {class: 'badge secret'}, 'secret, write-only')] : null,
    f.deprecation ? [' ', h('span', {class: 'badge deprecated'}, 'deprecated')] : null];
}

/**
 * The doc, facts (default, constraints), deprecation advice and error line of a field, with the ids
 * aria-describedby names.
 */
function notes(f, id) {
  const doc = f.doc ? h('span', {class: 'help doc', id: id + '-doc'}, f.doc) : null;
  const help = facts(f) ? h('span', {class: 'help', id: id + '-help'}, facts(f)) : null;
  return {
    help: [doc, help],
    deprecated: f.deprecation ? h('span', {class: 'help warning', id: id + '-deprecated'}, 'Deprecated: ' + f.deprecation) : null,
    error: h('span', {class: 'field-error', id: id + '-error', 'aria-live': 'polite'}),
    describedBy: [doc && id + '-doc', help && id + '-help', f.deprecation && id + '-deprecated', id + '-error'].filter(Boolean).join(' '),
  };
}

/**
 * The editor of one field at a key: an element holding data-key, built from the current value.
 * set(value) writes the value (undefined: not set, the default applies); ctx.commit() then says
 * that something changed.
 */
function editor(f, key, current, set, ctx) {
  if (f.type === 'object_list') return objectList(f, key, current, set, ctx);
  if (f.type === 'string_list' && !f.secret) return stringList(f, key, current, set, ctx);
  if (f.type === 'string_map' && !f.secret) return stringMap(f, key, current, set, ctx);
  return single(f, key, current, set, ctx);
}

/** A field with one control: number, checkbox, select, text, password. */
function single(f, key, current, set, ctx) {
  const id = idOf(ctx.slug, key);
  const n = notes(f, id);
  const wasSet = f.secret && isSetMarker(current);
  const common = {id, class: 'control', disabled: ctx.readOnly, 'aria-describedby': n.describedBy, 'aria-required': f.required ? 'true' : null};
  let control;
  let read;
  let extra = null;
  if (f.type === 'boolean' && !(f.required && !has(f.default))) {
    // A checkbox shows the value in effect; leaving it as it was keeps the stored form (absent or explicit).
    const effective = v => v === true || v === 'true';
    control = h('input', {...common, type: 'checkbox', checked: blank(current) ? f.default === true : effective(current)});
    const initial = current;
    read = () => blank(initial) && control.checked === (f.default === true) ? undefined
      : !blank(initial) && control.checked === effective(initial) ? initial : control.checked;
  } else if (f.type === 'boolean') {
    control = h('select', common, h('option', {value: ''}, '(not set)'),
      h('option', {value: 'true', selected: effectiveBool(current) === true}, 'true'),
      h('option', {value: 'false', selected: effectiveBool(current) === false}, 'false'));
    read = () => control.value === '' ? undefined : control.value === 'true';
  } else if (f.type === 'string' && !f.secret && f.allowedValues && f.allowedValues.length) {
    const listed = f.allowedValues.includes(current);
    control = h('select', common, h('option', {value: ''}, '(' + (has(f.default) ? defaultText(f) : 'not set') + ')'),
      f.allowedValues.map(v => h('option', {value: v, selected: current === v}, v)),
      !blank(current) && !listed ? h('option', {value: String(current), selected: true}, String(current) + ' (not allowed)') : null);
    read = () => control.value === '' ? undefined : control.value;
  } else if ((f.type === 'long' || f.type === 'double') && !f.secret) {
    control = h('input', {...common, type: 'number', step: f.type === 'long' ? '1' : 'any', min: has(f.min) ? f.min : null,
      max: has(f.max) ? f.max : null, inputmode: f.type === 'long' ? 'numeric' : 'decimal',
      placeholder: has(f.default) ? defaultText(f) : null});
    control.value = has(current) && !isObject(current) ? String(current) : '';
    // A number input reads '' for text that is no number: NaN keeps it refused (JSON null if it ever left).
    read = () => control.value === '' ? (control.validity.badInput ? NaN : undefined) : Number(control.value);
  } else if (f.secret) {
    control = h('input', {...common, type: 'password', autocomplete: 'new-password',
      placeholder: wasSet ? 'stored — leave blank to keep it' : f.type === 'string_map' ? 'JSON object, e.g. {"key": "value"}' : defaultText(f)});
    control.value = '';
    read = () => {
      const t = control.value;
      if (t === '') return wasSet ? SET : undefined;
      if (f.type === 'string_map') { try { return JSON.parse(t); } catch (e) { return t; } }
      if (f.type === 'long' || f.type === 'double') return t.trim() !== '' && isFinite(Number(t)) ? Number(t) : t;
      return t;
    };
  } else if (f.type === 'scalar') {
    control = h('input', {...common, type: 'text', autocomplete: 'off',
      placeholder: has(f.default) ? defaultText(f) : 'typed as written: 3, "3", true'});
    control.value = scalarText(current);
    const kind = h('span', {class: 'muted small', id: id + '-kind'});
    control.setAttribute('aria-describedby', id + '-kind ' + n.describedBy);
    const showKind = () => { const v = read(); kind.textContent = v === undefined ? '' : 'read as ' + kindOf(v); };
    read = () => control.value.trim() === '' ? undefined : scalar(control.value.trim());
    control.addEventListener('input', showKind);
    showKind();
    extra = kind;
  } else {
    control = h('input', {...common, type: 'text', autocomplete: 'off', placeholder: has(f.default) ? defaultText(f) : null});
    control.value = blank(current) ? '' : Array.isArray(current) || isObject(current) ? JSON.stringify(current) : String(current);
    read = () => control.value.trim() === '' ? undefined : control.value.trim();
  }
  const onEdit = () => { edited(control); set(read()); ctx.commit(); };
  control.addEventListener(control.tagName === 'SELECT' || control.type === 'checkbox' ? 'change' : 'input', onEdit);
  const isCheck = control.type === 'checkbox';
  return h('div', {class: 'field', dataset: {key}},
    h('label', {for: id}, heading(f)),
    isCheck ? h('span', {class: 'check'}, control, extra) : control,
    isCheck ? null : extra,
    n.help, n.deprecated, n.error);
}

function effectiveBool(v) {
  return v === true || v === 'true' ? true : v === false || v === 'false' ? false : null;
}

/** A fieldset for a field made of rows: legend, rows, the add button, notes. */
function rowsShell(f, key, ctx, rows, addButton, status) {
  const id = idOf(ctx.slug, key);
  const n = notes(f, id);
  return h('fieldset', {class: 'field rows-field', id, dataset: {key}, 'aria-describedby': n.describedBy},
    h('legend', {}, heading(f)),
    n.help, n.deprecated, rows, h('div', {class: 'buttons'}, addButton), status, n.error);
}

/** Up, down and remove buttons for row i of n, with labels naming the row. */
function rowButtons(id, name, i, count, ctx, {move, remove}) {
  return [
    move ? h('button', {type: 'button', id: id + '-up', disabled: ctx.readOnly || i === 0, 'aria-label': 'Move ' + name + ' up',
      title: 'Move up', onclick: () => move(i, -1)}, '↑') : null,
    move ? h('button', {type: 'button', id: id + '-down', disabled: ctx.readOnly || i === count - 1, 'aria-label': 'Move ' + name + ' down',
      title: 'Move down', onclick: () => move(i, 1)}, '↓') : null,
    h('button', {type: 'button', id: id + '-remove', class: 'danger', disabled: ctx.readOnly, 'aria-label': 'Remove ' + name,
      title: 'Remove', onclick: () => remove(i)}, '✕')];
}

/** The moves every kind of row list shares: add, move, remove, each re-rendering and keeping focus sensible. */
function rowList(key, ctx, list, render, commit, status, describe) {
  const focus = id => { const b = document.getElementById(id); if (b && !b.disabled) { b.focus(); return true; } return false; };
  const rowId = i => idOf(ctx.slug, key + '[' + i + ']');
  return {
    move(i, delta) {
      const j = i + delta;
      if (j < 0 || j >= list.length) return;
      [list[i], list[j]] = [list[j], list[i]];
      render(); commit();
      status.textContent = describe(j) + ' moved ' + (delta < 0 ? 'up' : 'down') + ' to position ' + (j + 1);
      focus(rowId(j) + (delta < 0 ? '-up' : '-down')) || focus(rowId(j) + (delta < 0 ? '-down' : '-up'));
    },
    remove(i) {
      const name = describe(i);
      list.splice(i, 1);
      render(); commit();
      status.textContent = name + ' removed';
      focus(rowId(Math.min(i, list.length - 1)) + '-remove') || focus(idOf(ctx.slug, key) + '-add');
    },
    added() {
      render(); commit();
      status.textContent = describe(list.length - 1) + ' added';
      const row = document.getElementById(rowId(list.length - 1));
      const first = row && row.querySelector('.control');
      if (first) first.focus();
    },
  };
}

/** A string list: one text row per value, added, moved and removed with buttons. */
function stringList(f, key, current, set, ctx) {
  const id = idOf(ctx.slug, key);
  const values = Array.isArray(current) ? current.map(x => isScalar(x) ? String(x) : JSON.stringify(x))
    : typeof current === 'string' ? [current] : [];
  const rows = h('ol', {class: 'rows'});
  const status = h('span', {class: 'sr-only', 'aria-live': 'polite'});
  const describe = i => f.name + ' value ' + (i + 1);
  const commit = () => { set(values.length ? values.slice() : undefined); ctx.commit(); };
  const startFromDefault = Array.isArray(f.default) && f.default.length ? h('button', {type: 'button', id: id + '-from-default',
    disabled: ctx.readOnly, onclick: () => { values.push(...f.default.map(String)); ops.added(); }}, 'Start from the default') : null;
  function render() {
    rows.replaceChildren(...values.map((v, i) => {
      const rid = idOf(ctx.slug, key + '[' + i + ']');
      const input = h('input', {type: 'text', id: rid + '-value', class: 'control', autocomplete: 'off', disabled: ctx.readOnly,
        'aria-label': describe(i), 'aria-describedby': rid + '-error', value: v});
      input.addEventListener('input', () => { edited(input); values[i] = input.value.trim(); commit(); });
      return h('li', {id: rid, dataset: {key: key + '[' + i + ']'}}, input,
        rowButtons(rid, describe(i), i, values.length, ctx, ops),
        h('span', {class: 'field-error', id: rid + '-error', 'aria-live': 'polite'}));
    }));
    if (!values.length) {
      rows.append(h('li', {class: 'muted small'}, 'No values: ', has(f.default) ? 'the default applies.' : 'none set.', ' ', startFromDefault));
    }
  }
  const ops = rowList(key, ctx, values, render, commit, status, describe);
  const add = h('button', {type: 'button', id: id + '-add', disabled: ctx.readOnly, 'aria-label': 'Add a value to ' + f.name,
    onclick: () => { values.push(''); ops.added(); }}, '+ Add value');
  render();
  return rowsShell(f, key, ctx, rows, add, status);
}

/**
 * A string map: key = value rows, the whole width. Rows with an empty or repeated key are kept as
 * [[key, value], …] until fixed; their problems mark the key input.
 */
function stringMap(f, key, current, set, ctx) {
  const id = idOf(ctx.slug, key);
  const pairs = Array.isArray(current) ? current.filter(Array.isArray).map(p => [String(p[0] ?? ''), String(p[1] ?? '')])
    : isObject(current) ? Object.entries(current).map(([k, v]) => [k, isScalar(v) ? String(v) : JSON.stringify(v)]) : [];
  const rows = h('ol', {class: 'rows'});
  const status = h('span', {class: 'sr-only', 'aria-live': 'polite'});
  const describe = i => f.name + ' entry ' + (i + 1) + (pairs[i] && pairs[i][0] ? ' (' + pairs[i][0] + ')' : '');
  const commit = () => {
    const keys = pairs.map(p => p[0]);
    const clean = keys.every(k => k !== '') && new Set(keys).size === keys.length;
    set(!pairs.length ? undefined : clean ? Object.fromEntries(pairs) : pairs.map(p => p.slice()));
    ctx.commit();
  };
  function render() {
    rows.replaceChildren(...pairs.map((p, i) => {
      const rid = idOf(ctx.slug, key + '[' + i + ']');
      const k = h('input', {type: 'text', id: rid + '-key', class: 'control', autocomplete: 'off', disabled: ctx.readOnly,
        'aria-label': f.name + ' key ' + (i + 1), 'aria-describedby': rid + '-error', placeholder: 'key', value: p[0]});
      const v = h('input', {type: 'text', id: rid + '-value', class: 'control-value', autocomplete: 'off', disabled: ctx.readOnly,
        'aria-label': f.name + ' value ' + (i + 1), 'aria-describedby': rid + '-error', placeholder: 'value', value: p[1]});
      k.addEventListener('input', () => { edited(k); p[0] = k.value.trim(); commit(); });
      v.addEventListener('input', () => { edited(v); p[1] = v.value; commit(); });
      return h('li', {id: rid, dataset: {key: key + '[' + i + ']'}}, k, h('span', {'aria-hidden': 'true'}, '='), v,
        rowButtons(rid, describe(i), i, pairs.length, ctx, {remove: ops.remove}),
        h('span', {class: 'field-error', id: rid + '-error', 'aria-live': 'polite'}));
    }));
    if (!pairs.length) rows.append(h('li', {class: 'muted small'}, 'No entries: ' + (has(f.default) ? 'the default applies.' : 'none set.')));
  }
  const ops = rowList(key, ctx, pairs, render, commit, status, describe);
  const add = h('button', {type: 'button', id: id + '-add', disabled: ctx.readOnly, 'aria-label': 'Add an entry to ' + f.name,
    onclick: () => { pairs.push(['', '']); ops.added(); }}, '+ Add entry');
  render();
  const shell = rowsShell(f, key, ctx, rows, add, status);
  shell.classList.add('wide');
  return shell;
}

/** A list of objects: one card per element, its nested fields edited like any others. */
function objectList(f, key, current, set, ctx) {
  const id = idOf(ctx.slug, key);
  const fields = f.fields || [];
  const list = Array.isArray(current) ? current.map(o => isObject(o) ? {...o} : o) : [];
  const rows = h('ol', {class: 'rows cards'});
  const status = h('span', {class: 'sr-only', 'aria-live': 'polite'});
  const summary = o => isObject(o) ? fields.filter(x => isScalar(o[x.name]) && o[x.name] !== '').slice(0, 2).map(x => String(o[x.name])).join(' ') : '';
  const describe = i => f.name + ' #' + (i + 1) + (summary(list[i]) ? ' (' + summary(list[i]) + ')' : '');
  const commit = () => { set(list.length ? list.map(o => isObject(o) ? {...o} : o) : undefined); ctx.commit(); };
  function render() {
    rows.replaceChildren(...list.map((o, i) => {
      const at = key + '[' + i + ']';
      const rid = idOf(ctx.slug, at);
      const title = h('span', {class: 'muted'}, summary(o));
      const buttons = h('span', {class: 'buttons'});
      const fillButtons = () => buttons.replaceChildren(...rowButtons(rid, describe(i), i, list.length, ctx, ops).filter(Boolean));
      fillButtons();
      // Editing a nested field renames the row (its summary) in the legend and the buttons' labels.
      const inner = {...ctx, commit: () => { title.textContent = summary(o); fillButtons(); commit(); }};
      const body = isObject(o)
        ? h('div', {class: 'row-fields'}, fields.map(x => editor(x, at + '.' + x.name, o[x.name],
          v => { if (v === undefined) delete o[x.name]; else o[x.name] = v; }, inner)))
        : h('p', {class: 'mono small'}, show(o));
      return h('li', {}, h('fieldset', {class: 'row-card', id: rid, dataset: {key: at}},
        h('legend', {}, f.name + ' #' + (i + 1), ' ', title),
        body,
        h('div', {class: 'row-foot'}, buttons, h('span', {class: 'field-error', id: rid + '-error', 'aria-live': 'polite'}))));
    }));
    if (!list.length) rows.append(h('li', {class: 'muted small'}, 'None yet: add one with the button below.'));
  }
  const ops = rowList(key, ctx, list, render, commit, status, describe);
  const add = h('button', {type: 'button', id: id + '-add', disabled: ctx.readOnly, 'aria-label': 'Add an element to ' + f.name,
    onclick: () => { list.push({}); ops.added(); }}, '+ Add to ' + f.name);
  render();
  const shell = rowsShell(f, key, ctx, rows, add, status);
  shell.classList.add('wide');
  return shell;
}

/** Short notes on a field's range, pattern and (for an object list) element keys. */
export function constraints(f) {
  const out = [];
  if (has(f.min) && has(f.max)) out.push(f.min + ' to ' + f.max);
  else if (has(f.min)) out.push('at least ' + f.min);
  else if (has(f.max)) out.push('at most ' + f.max);
  if (f.pattern) out.push(f.patternRule ? 'value ' + f.patternRule : 'matching ' + f.pattern);
  if (f.type === 'object_list' && f.fields) {
    out.push('each with ' + f.fields.map(x => x.name + (x.required ? '*' : '') + ': ' + x.type.replace('_', ' ')).join(', '));
  }
  return out;
}
