// Pipeline edits that are not lost: drafts that survive a reload, and a three-way merge that
// rebases a draft made on an old revision onto the current one.
import {tabStorage} from './app.js';

/** JSON with object keys sorted, so two equal values compare equal whatever their key order. */
export function canon(v) {
  if (v === undefined) return 'undefined';
  if (v === null || typeof v !== 'object') return JSON.stringify(v);
  if (Array.isArray(v)) return '[' + v.map(canon).join(',') + ']';
  return '{' + Object.keys(v).sort().filter(k => v[k] !== undefined).map(k => JSON.stringify(k) + ':' + canon(v[k])).join(',') + '}';
}

export function same(a, b) {
  return canon(a) === canon(b);
}

// ---- Drafts in sessionStorage: this tab only, gone when it closes; one per principal and environment.

const stored = tabStorage('draft');

/**
 * Keeps a draft across reloads: {base, stages, reason, droppedSecrets}. Secret values typed into
 * the draft are not written to storage (the caller lists them in droppedSecrets instead).
 */
export function storeDraft(me, env, draft) {
  stored.save(me, env, draft);
}

export function loadDraft(me, env) {
  const d = stored.load(me, env);
  return d && Number.isInteger(d.base) && Array.isArray(d.stages) ? d : null;
}

export function clearDraft(me, env) {
  stored.clear(me, env);
}

// ---- Three-way merge, stage by stage (matched by name) and field by field.

/** A stage as fields: its top-level values (but name and config) and config.<key> per config key. */
function flat(stage) {
  const out = {};
  if (!stage) return out;
  for (const [k, v] of Object.entries(stage)) {
    if (k === 'name' || k === 'config') continue;
    out[k] = v;
  }
  for (const [k, v] of Object.entries(stage.config || {})) out['config.' + k] = v;
  return out;
}

function unflat(name, fields) {
  const stage = {name, config: {}};
  for (const [k, v] of Object.entries(fields)) {
    if (v === undefined) continue;
    if (k.startsWith('config.')) stage.config[k.slice('config.'.length)] = v;
    else stage[k] = v;
  }
  return stage;
}

function unique(list) {
  return [...new Set(list)];
}

/**
 * Applies the changes from {@code base} to {@code mine} onto {@code theirs}. A change only one
 * side made is taken; the same change on both sides is taken once; different changes to the same
 * field of the same stage, a stage one side edited and the other removed, and two different
 * reorderings are conflicts, settled by {@code picks} (conflict key → 'mine' or 'theirs').
 *
 * @returns {{stages: object[], conflicts: object[], unresolved: object[]}} the merged stages (with
 *     unresolved conflicts taken from theirs) and every conflict: {key, kind, stage, field, base, mine, theirs}
 */
export function rebase(base, theirs, mine, picks = {}) {
  const byName = list => new Map(list.map(s => [s.name, s]));
  const B = byName(base), T = byName(theirs), M = byName(mine);
  const conflicts = [];
  const kept = new Map();
  const pick = c => { conflicts.push(c); return picks[c.key]; };
  for (const name of unique([...theirs.map(s => s.name), ...mine.map(s => s.name), ...base.map(s => s.name)])) {
    const b = B.get(name), t = T.get(name), m = M.get(name);
    if (!t && !m) continue;
    if (b && !t) {
      if (same(m, b)) continue;
      const p = pick({key: name + '|stage', kind: 'removed-by-them', stage: name, field: null, base: b, mine: m, theirs: null});
      if (p === 'mine') kept.set(name, m);
      continue;
    }
    if (b && !m) {
      if (same(t, b)) continue;
      const p = pick({key: name + '|stage', kind: 'removed-by-me', stage: name, field: null, base: b, mine: null, theirs: t});
      if (p !== 'mine') kept.set(name, t);
      continue;
    }
    if (!m) { kept.set(name, t); continue; }
    if (!t) { kept.set(name, m); continue; }
    const fb = flat(b), ft = flat(t), fm = flat(m);
    const merged = {};
    for (const f of unique([...Object.keys(ft), ...Object.keys(fm), ...Object.keys(fb)])) {
      const bv = fb[f], tv = ft[f], mv = fm[f];
      if (same(tv, bv)) merged[f] = mv;
      else if (same(mv, bv) || same(tv, mv)) merged[f] = tv;
      else merged[f] = pick({key: name + '|' + f, kind: 'field', stage: name, field: f, base: bv, mine: mv, theirs: tv}) === 'mine' ? mv : tv;
    }
    kept.set(name, unflat(name, merged));
  }

  // Order: the kept stages all three have, in whichever order changed (theirs if both or neither did);
  // the others slot in after the stage they follow in their own pipeline.
  const common = name => B.has(name) && T.has(name) && M.has(name) && kept.has(name);
  const rel = list => list.map(s => s.name).filter(common);
  let first = theirs, second = mine;
  if (!same(rel(mine), rel(base)) && !same(rel(theirs), rel(mine))) {
    if (same(rel(theirs), rel(base))) {
      first = mine; second = theirs;
    } else if (pick({key: '(order)', kind: 'order', stage: '(order of stages)', field: 'position',
      base: rel(base), mine: rel(mine), theirs: rel(theirs)}) === 'mine') {
      first = mine; second = theirs;
    }
  }
  const order = [];
  for (const list of [first, second, base]) {
    list.forEach((s, i) => {
      if (!kept.has(s.name) || order.includes(s.name)) return;
      let at = 0;
      for (let j = i - 1; j >= 0; j--) {
        const p = order.indexOf(list[j].name);
        if (p >= 0) { at = p + 1; break; }
      }
      order.splice(at, 0, s.name);
    });
  }
  return {stages: order.map(n => structuredClone(kept.get(n))), conflicts,
    unresolved: conflicts.filter(c => picks[c.key] !== 'mine' && picks[c.key] !== 'theirs')};
}
