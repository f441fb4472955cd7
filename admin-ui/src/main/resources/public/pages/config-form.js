// A configuration form generated from a processor's config schema, with inline validation.
// Secrets are write-only: the API shows a stored secret as {"set": true}; leaving the field
// blank sends that marker back, which keeps the stored value.
import {h, show} from '../dom.js';

const SET = {set: true};

function isSetMarker(v) {
  return v && typeof v === 'object' && !Array.isArray(v) && v.set === true && Object.keys(v).length === 1;
}

/** The text a field shows for a config value. */
function toText(field, v) {
  if (v === undefined || v === null || isSetMarker(v)) return '';
  if (field.type === 'scalar' && typeof v === 'string') {
    // A string that would read back as a number or boolean is shown quoted, as JSON.
    return v.trim() !== v || v.startsWith('"') || typeof scalar(v) !== 'string' ? JSON.stringify(v) : v;
  }
  if (typeof v === 'string') return v;
  if (field.type === 'object_list') return JSON.stringify(v, null, 2);
  if (field.type === 'string_list') return Array.isArray(v) ? v.join('\n') : String(v);
  if (field.type === 'string_map') return Object.entries(v).map(([k, x]) => k + '=' + x).join('\n');
  return String(v);
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

/** The field's pattern as a JavaScript RegExp matching whole values, or null where it does not translate. */
function wholeMatch(pattern) {
  if (!pattern || pattern.includes('&&')) return null; // Java class intersections mean something else here
  try { return new RegExp('^(?:' + pattern + ')$', 'u'); } catch (e) { return null; }
}

/** What a value breaking the field's pattern is told: the rule in words the processor gave, else the regex. */
function patternRule(field) {
  return field.patternRule || 'must match ' + field.pattern;
}

/** {error} if a number lies outside the field's range, else null. */
function outOfRange(field, n) {
  if (field.min !== null && field.min !== undefined && n < field.min) return {error: 'must be at least ' + field.min};
  if (field.max !== null && field.max !== undefined && n > field.max) return {error: 'must be at most ' + field.max};
  return null;
}

/** {error} if a string breaks the field's allowed values or pattern, else null. */
function badString(field, t) {
  if (field.allowedValues && field.allowedValues.length && !field.allowedValues.includes(t)) {
    return {error: 'must be one of ' + field.allowedValues.join(', ')};
  }
  const re = wholeMatch(field.pattern);
  if (re && !re.test(t)) return {error: patternRule(field)};
  return null;
}

function isObject(v) {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Parses an object list (JSON: a list of objects), checking each element against the nested fields. */
function parseObjects(field, t) {
  let list;
  try { list = JSON.parse(t); } catch (e) { return {error: 'must be a JSON list of objects'}; }
  if (!Array.isArray(list) || !list.every(isObject)) return {error: 'must be a JSON list of objects'};
  const fields = field.fields || [];
  const known = new Set(fields.map(f => f.name));
  for (let i = 0; i < list.length; i++) {
    const at = '[' + i + '].';
    const unknown = Object.keys(list[i]).filter(k => !known.has(k));
    if (unknown.length) return {error: at + unknown[0] + ' is not a known key (known: ' + [...known].join(', ') + ')'};
    for (const f of fields) {
      const r = parse(f, toText(f, list[i][f.name]));
      if (r.error) return {error: at + f.name + ' ' + r.error};
    }
  }
  return {value: list};
}

/** Parses a field's text: {value} (undefined = not set, use the default) or {error}. */
export function parse(field, text) {
  const t = text.trim();
  if (t === '') return field.required && (field.default === null || field.default === undefined) ? {error: 'required'} : {value: undefined};
  switch (field.type) {
    case 'long':
      return /^[-+]?\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? outOfRange(field, Number(t)) || {value: Number(t)} : {error: 'must be a whole number'};
    case 'double':
      return t !== '' && isFinite(Number(t)) ? outOfRange(field, Number(t)) || {value: Number(t)} : {error: 'must be a number'};
    case 'boolean':
      return t === 'true' || t === 'false' ? {value: t === 'true'} : {error: 'must be true or false'};
    case 'scalar':
      return {value: scalar(t)};
    case 'object_list':
      return parseObjects(field, t);
    case 'string_list': {
      const values = t.split('\n').map(x => x.trim()).filter(Boolean);
      const bad = field.allowedValues && field.allowedValues.length ? values.filter(v => !field.allowedValues.includes(v)) : [];
      if (bad.length) return {error: bad.join(', ') + ' not allowed (one of ' + field.allowedValues.join(', ') + ')'};
      const re = wholeMatch(field.pattern);
      const unmatched = re ? values.filter(v => !re.test(v)) : [];
      return unmatched.length ? {error: unmatched.map(v => JSON.stringify(v)).join(', ') + ' ' + patternRule(field)} : {value: values};
    }
    case 'string_map': {
      const out = {};
      const lines = t.split('\n').map(x => x.trim()).filter(Boolean);
      for (let i = 0; i < lines.length; i++) {
        const eq = lines[i].indexOf('=');
        if (eq <= 0) return {error: 'line ' + (i + 1) + ' must be key=value'};
        out[lines[i].slice(0, eq).trim()] = lines[i].slice(eq + 1).trim();
      }
      return {value: out};
    }
    default:
      return badString(field, t) || {value: t};
  }
}

/** Problems with a stage's config against its schema (what the inline messages say). */
export function stageProblems(stage, descriptor) {
  const out = [];
  for (const f of descriptor.config || []) {
    const v = (stage.config || {})[f.name];
    if (f.secret && isSetMarker(v)) continue;
    const r = parse(f, toText(f, v));
    if (r.error) out.push(stage.name + '.' + f.name + ' ' + r.error);
  }
  return out;
}

export function configForm(stage, descriptor, slug, readOnly, onChange) {
  stage.config = stage.config || {};
  const fields = descriptor.config || [];
  if (!fields.length) return h('p', {class: 'muted'}, 'This processor has no configuration.');
  const known = new Set(fields.map(f => f.name));
  const unknown = Object.keys(stage.config).filter(k => !known.has(k));
  return h('div', {class: 'config-form'},
    fields.map(f => field(stage, f, slug, readOnly, onChange)),
    unknown.length ? h('p', {class: 'warning'}, 'Keys this version does not know (the compiler will refuse them): ', unknown.join(', ')) : null);
}

function field(stage, f, slug, readOnly, onChange) {
  const id = 'cfg-' + slug + '-' + f.name.replace(/[^A-Za-z0-9_-]/g, '_');
  const current = stage.config[f.name];
  const wasSet = f.secret && isSetMarker(current);
  const message = h('span', {class: 'field-error', id: id + '-error', 'aria-live': 'polite'});
  const defaultText = f.default === null || f.default === undefined ? 'no default' : 'default ' + show(f.default);
  let input;
  if (f.type === 'boolean') {
    input = h('select', {id},
      h('option', {value: ''}, '(' + defaultText + ')'),
      h('option', {value: 'true', selected: current === true}, 'true'),
      h('option', {value: 'false', selected: current === false}, 'false'));
  } else if (f.allowedValues && f.allowedValues.length && f.type === 'string') {
    input = h('select', {id}, h('option', {value: ''}, '(' + defaultText + ')'),
      f.allowedValues.map(v => h('option', {value: v, selected: current === v}, v)));
  } else if (f.type === 'object_list') {
    input = h('textarea', {id, rows: 5, placeholder: 'JSON: [{' + (f.fields || []).map(x => '"' + x.name + '": …').join(', ') + '}]'});
    input.value = toText(f, current);
  } else if (f.type === 'string_list' || (f.type === 'string_map' && !f.secret)) {
    input = h('textarea', {id, rows: 3, placeholder: f.type === 'string_list' ? 'one value per line' : 'key=value, one per line'});
    input.value = toText(f, current);
  } else {
    input = h('input', {id, type: f.secret ? 'password' : 'text', autocomplete: f.secret ? 'new-password' : 'off',
      inputmode: f.type === 'long' || f.type === 'double' ? 'decimal' : null,
      placeholder: wasSet ? 'stored — leave blank to keep it' : defaultText});
    input.value = f.secret ? '' : toText(f, current);
  }
  input.disabled = readOnly;
  input.setAttribute('aria-describedby', id + '-help ' + id + '-error');
  if (f.required) input.setAttribute('aria-required', 'true');
  input.addEventListener('input', () => {
    let r;
    if (f.secret && input.value === '' && wasSet) r = {value: SET};
    else if (f.secret && f.type === 'string_map' && input.value.trim() !== '') {
      try { r = {value: JSON.parse(input.value)}; } catch (e) { r = {error: 'must be a JSON object'}; }
    } else r = parse(f, input.value);
    if (r.error) {
      message.textContent = r.error;
      input.setAttribute('aria-invalid', 'true');
      stage.config[f.name] = input.value; // kept as typed so the plan shows it is invalid
    } else {
      message.textContent = '';
      input.removeAttribute('aria-invalid');
      if (r.value === undefined) delete stage.config[f.name]; else stage.config[f.name] = r.value;
    }
    onChange();
  });
  if (input.tagName === 'SELECT') input.addEventListener('change', () => input.dispatchEvent(new Event('input')));
  return h('div', {class: 'field'},
    h('label', {for: id}, h('code', {}, f.name), f.required ? h('span', {class: 'req', title: 'required'}, ' *') : null,
      ' ', h('span', {class: 'muted'}, f.type.replace('_', ' ')), f.secret ? [' ', h('span', {class: 'badge secret'}, 'secret, write-only')] : null),
    input,
    h('span', {class: 'help', id: id + '-help'}, (f.doc || '') + (f.doc ? ' ' : '') + '(' + [defaultText, ...constraints(f)].join('; ') + ')'),
    f.deprecation ? h('span', {class: 'help warning'}, 'Deprecated: ' + f.deprecation) : null,
    message);
}

/** Short notes on a field's range, pattern and (for an object list) element keys. */
export function constraints(f) {
  const out = [];
  const has = v => v !== null && v !== undefined;
  if (has(f.min) && has(f.max)) out.push(f.min + ' to ' + f.max);
  else if (has(f.min)) out.push('at least ' + f.min);
  else if (has(f.max)) out.push('at most ' + f.max);
  if (f.pattern) out.push(f.patternRule ? 'value ' + f.patternRule : 'matching ' + f.pattern);
  if (f.type === 'object_list' && f.fields) {
    out.push('each with ' + f.fields.map(x => x.name + (x.required ? '*' : '') + ': ' + x.type.replace('_', ' ')).join(', '));
  }
  return out;
}
