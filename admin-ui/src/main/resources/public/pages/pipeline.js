import {h, fill, badge, table, pipelineDiff, diagnostics, show, when} from '../dom.js';
import {api, can, needs, errorBox, flash, drafts, session, ApiError} from '../app.js';
import {configForm, stageProblems, showDiagnostics} from './config-form.js';
import {confirmDialog} from '../dialog.js';
import {rebase, same, storeDraft, loadDraft, clearDraft} from '../edits.js';
import {sampleArea, dryRun} from './plan-sample.js';

export async function render(view, {args, query}) {
  const envs = (await api('/environments')).body;
  if (!envs.length) {
    fill(view, h('h1', {}, 'Pipelines'), h('p', {class: 'empty'}, 'No environment exists yet.'));
    return;
  }
  const env = args[0] || (envs.find(e => e.servedByThisNode) || envs[0]).name;
  const envInfo = envs.find(e => e.name === env);
  if (!envInfo) {
    fill(view, h('h1', {}, 'Pipelines'), h('p', {class: 'error'}, 'No environment "' + env + '".'));
    return;
  }
  const [pipeline, catalog, revisions, pendingRequests] = await Promise.all([
    api('/environments/' + encodeURIComponent(env) + '/pipeline'),
    api('/processors'),
    api('/environments/' + encodeURIComponent(env) + '/pipeline/revisions'),
    api('/change-requests?status=pending').catch(e => e)]);
  const processors = catalog.body;
  const details = {};
  async function detail(id) {
    if (!details[id]) details[id] = (await api('/processors/' + encodeURIComponent(id))).body;
    return details[id];
  }
  await Promise.all(pipeline.body.stages.map(s => detail(s.processor).catch(() => null)));

  const current = pipeline.body;
  const history = revisions.body;
  const revisionStages = n => (history.find(r => r.revision === n) || {}).stages;
  const editable = can('operator');
  const me = session.me;

  // The draft: this tab's unsaved edits (in memory, with any secret typed; else from sessionStorage,
  // without). One made on an older revision is kept and offered for a rebase, never applied as is.
  const stored = drafts[env] || loadDraft(me, env);
  const storedBase = stored ? revisionStages(stored.base) : null;
  const keep = stored && storedBase && (stored.base === current.revision || !same(stored.stages, storedBase));
  let draftBase = keep ? stored.base : current.revision;
  const state = {stages: structuredClone(keep ? stored.stages : current.stages)};
  const retype = keep && !drafts[env] ? stored.droppedSecrets || [] : [];
  const baseStages = () => draftBase === current.revision ? current.stages : revisionStages(draftBase);

  const stageList = h('ol', {class: 'stages', id: 'stages'});
  const planBox = h('section', {id: 'plan', 'aria-live': 'polite'});
  const sample = sampleArea(env, me);
  const resultBox = h('div', {id: 'apply-result', 'aria-live': 'polite'});
  const reason = h('input', {id: 'reason', type: 'text', placeholder: 'why this change (kept in the audit trail)',
    'aria-required': envInfo && envInfo.protected ? 'true' : null, value: keep && stored.reason ? stored.reason : null,
    oninput: () => save()});
  const dirtyNote = h('span', {id: 'dirty', class: 'muted'});
  const rebaseBox = h('section', {id: 'rebase-region', 'aria-live': 'polite'});

  function isDirty() {
    return !same(state.stages, baseStages()) || draftBase !== current.revision;
  }

  /** Keeps the draft in memory (for Simulate) and in this tab's storage, secrets typed left out. */
  function save() {
    if (!isDirty() && !reason.value) {
      delete drafts[env];
      clearDraft(me, env);
      return;
    }
    drafts[env] = {base: draftBase, stages: state.stages, reason: reason.value};
    const droppedSecrets = [];
    const stages = structuredClone(state.stages);
    const before = new Map((baseStages() || []).map(s => [s.name, s]));
    for (const s of stages) {
      const d = schemaOf(s);
      for (const f of (d && d.config) || []) {
        const v = (s.config || {})[f.name];
        if (!f.secret || v === undefined || same(v, {set: true})) continue;
        droppedSecrets.push(s.name + '.' + f.name);
        const was = before.get(s.name);
        if (was && was.config && was.config[f.name] !== undefined) s.config[f.name] = {set: true};
        else delete s.config[f.name];
      }
    }
    storeDraft(me, env, {base: draftBase, stages, reason: reason.value, droppedSecrets});
  }

  function changed() {
    save();
    const dirty = isDirty();
    const stale = draftBase !== current.revision;
    dirtyNote.textContent = stale ? 'Draft on revision #' + draftBase + ': rebase it onto #' + current.revision + ' to apply it'
      : dirty ? 'Unsaved changes' : 'No unsaved changes';
    applyButton.disabled = !editable || !dirty || stale;
    fill(planBox);
  }

  function schemaOf(stage) {
    const d = details[stage.processor];
    if (!d) return null;
    const versions = d.versionDetails.filter(v => v.available);
    const chosen = versions.find(v => v.version === stage.version) || versions[versions.length - 1] || d.versionDetails[d.versionDetails.length - 1];
    return chosen ? chosen.descriptor : null;
  }

  function renderStages() {
    fill(stageList, state.stages.map((stage, i) => [editable ? insertSlot(i) : null, stageItem(stage, i)]));
    if (!state.stages.length) fill(stageList, h('li', {class: 'empty'}, 'No stages: items pass through unchanged. Add a processor below.'));
  }

  /** Adds a stage running processor {@code id} at {@code index} (0-based), named after it, and focuses its configuration. */
  async function addStage(id, index) {
    if (!id) return false;
    try { await detail(id); } catch (e) { flash(e.message, 'error'); return false; }
    let name = id;
    for (let n = 2; state.stages.some(s => s.name === name); n++) name = id + '-' + n;
    state.stages.splice(index, 0, {name, processor: id, version: null, enabled: true, config: {}, onFailure: 'skip'});
    changed(); renderStages();
    document.getElementById('configure-' + name.replace(/[^A-Za-z0-9_-]/g, '_'))?.focus();
    return true;
  }

  /** "Insert here" before the stage at {@code i}: opens a small picker in place. */
  function insertSlot(i) {
    const position = i + 1;
    const slot = h('li', {class: 'insert-slot'});
    const closed = () => fill(slot, h('button', {type: 'button', class: 'insert-here', id: 'insert-at-' + position,
      'aria-label': 'Insert a stage at position ' + position + (position === 1 ? ' (first)' : ', before ' + state.stages[i].name),
      onclick: open}, '+ Insert here'));
    function open() {
      const select = h('select', {id: 'insert-processor', 'aria-label': 'Processor to insert at position ' + position},
        [...addSelect.cloneNode(true).children]);
      select.value = addSelect.value;
      const cancel = () => { closed(); document.getElementById('insert-at-' + position)?.focus(); };
      fill(slot, h('div', {class: 'insert-picker card', onkeydown: e => { if (e.key === 'Escape') { e.preventDefault(); cancel(); } }},
        h('label', {for: 'insert-processor'}, 'Insert at position ' + position + ' '), select, ' ',
        h('button', {type: 'button', id: 'insert-confirm', class: 'primary', onclick: () => addStage(select.value, i)}, 'Insert'), ' ',
        h('button', {type: 'button', id: 'insert-cancel', onclick: cancel}, 'Cancel')));
      select.focus();
    }
    closed();
    return slot;
  }

  /** Asks, showing what the stage does, before removing it from the draft. */
  async function removeStage(stage) {
    const d = schemaOf(stage);
    const writes = d && d.writes && d.writes.length ? d.writes : null;
    const ok = await confirmDialog({title: 'Remove stage ' + stage.name + '?', confirmLabel: 'Remove stage', danger: true, body: [
      h('p', {}, h('strong', {}, stage.name), ' runs ', h('code', {}, stage.processor + (stage.version ? '@' + stage.version : ' (latest)')),
        d && d.title ? ': ' + d.title : '', stage.enabled ? '' : ' (disabled)', '.'),
      d && d.description ? h('p', {class: 'muted'}, String(d.description).split(/\n\s*\n/)[0]) : null,
      writes ? h('p', {}, 'Without it, nothing sets or changes: ', writes.map((k, j) => [j ? ', ' : '', h('code', {}, k)])) : null,
      Object.keys(stage.config || {}).length ? h('p', {}, 'Its configuration (' + Object.keys(stage.config).length + ' value(s)) goes with it.') : null,
      h('p', {}, 'It is removed from your draft only: nothing changes in ' + env + ' until you ' + (envInfo.protected ? 'submit' : 'apply') + '.')]});
    if (!ok) return;
    const at = state.stages.indexOf(stage);
    if (at >= 0) state.stages.splice(at, 1);
    changed(); renderStages();
    (document.getElementById('insert-at-' + Math.min(at + 1, state.stages.length)) || document.getElementById('add-processor'))?.focus();
  }

  function stageItem(stage, i) {
    const d = details[stage.processor];
    const summary = processors.find(p => p.id === stage.processor);
    const versions = summary ? summary.availableVersions : [];
    const slug = String(stage.name).replace(/[^A-Za-z0-9_-]/g, '_');
    const version = h('select', {id: 'version-' + slug, disabled: !editable, onchange: e => {
      stage.version = e.target.value || null; changed(); renderStages();
    }}, h('option', {value: ''}, 'latest available'),
    versions.map(v => h('option', {value: v, selected: stage.version === v}, v)),
    stage.version && !versions.includes(stage.version) ? h('option', {value: stage.version, selected: true}, stage.version + ' (not loaded)') : null);
    const enabled = h('input', {type: 'checkbox', id: 'enabled-' + slug, checked: stage.enabled, disabled: !editable,
      onchange: e => { stage.enabled = e.target.checked; changed(); item.classList.toggle('disabled', !stage.enabled); }});
    const policy = h('select', {id: 'policy-' + slug, disabled: !editable, onchange: e => { stage.onFailure = e.target.value; changed(); }},
      ['skip', 'default', 'dead-letter'].map(p => h('option', {value: p, selected: stage.onFailure === p}, p)));
    const move = (delta) => {
      const j = i + delta;
      if (j < 0 || j >= state.stages.length) return;
      [state.stages[i], state.stages[j]] = [state.stages[j], state.stages[i]];
      changed(); renderStages();
      const again = document.getElementById((delta < 0 ? 'up-' : 'down-') + slug);
      if (again && !again.disabled) again.focus(); else document.getElementById('configure-' + slug)?.focus();
    };
    const descriptor = schemaOf(stage);
    const problems = h('div', {class: 'stage-problems'});
    const form = descriptor ? configForm(stage, descriptor, slug, !editable, () => changed()) :
      h('p', {class: 'error'}, 'The catalog has no loaded version of ' + stage.processor + ': its configuration cannot be edited.');
    const item = h('li', {class: 'stage card' + (stage.enabled ? '' : ' disabled'), dataset: {stage: stage.name}},
      h('div', {class: 'stage-head'},
        h('span', {class: 'pos'}, String(i + 1)),
        h('div', {class: 'stage-title'}, h('strong', {}, stage.name), ' ',
          h('a', {href: '#/processors/' + encodeURIComponent(stage.processor)}, stage.processor),
          d && d.stability === 'deprecated' ? [' ', badge('deprecated')] : null),
        h('label', {}, enabled, ' Enabled'),
        h('label', {}, 'Version ', version),
        h('label', {}, 'On failure ', policy),
        h('span', {class: 'buttons'},
          h('button', {type: 'button', id: 'up-' + slug, disabled: !editable || i === 0, title: needs('operator'),
            'aria-label': 'Move ' + stage.name + ' up', onclick: () => move(-1)}, '↑'),
          h('button', {type: 'button', id: 'down-' + slug, disabled: !editable || i === state.stages.length - 1, title: needs('operator'),
            'aria-label': 'Move ' + stage.name + ' down', onclick: () => move(1)}, '↓'),
          h('button', {type: 'button', id: 'remove-' + slug, class: 'danger', disabled: !editable, title: needs('operator'),
            'aria-label': 'Remove ' + stage.name, onclick: () => removeStage(stage)}, 'Remove'))),
      h('details', {class: 'config'}, h('summary', {id: 'configure-' + slug}, 'Configuration',
        Object.keys(stage.config || {}).length ? ' (' + Object.keys(stage.config).length + ' set)' : ' (defaults)'),
      form, problems));
    return item;
  }

  const addSelect = h('select', {id: 'add-processor', disabled: !editable},
    processors.filter(p => p.availableVersions.length).map(p => h('option', {value: p.id}, p.id + ' — ' + (p.title || ''))));
  const addButton = h('button', {type: 'button', id: 'add-stage', disabled: !editable, title: needs('operator'),
    onclick: () => addStage(addSelect.value, state.stages.length)}, 'Add stage');

  function invalid() {
    const list = [];
    for (const s of state.stages) {
      const d = schemaOf(s);
      if (d) list.push(...stageProblems(s, d));
    }
    return list;
  }

  // Planning compiles a candidate pipeline: the server allows it to operators only.
  const planButton = h('button', {type: 'button', id: 'plan-button', disabled: !editable, title: needs('operator'), onclick: async () => {
    const problems = invalid();
    if (problems.length) { fill(planBox, h('div', {class: 'error', role: 'alert'}, 'Fix the form first: ', problems.join('; '))); return; }
    // A sample that cannot run is said by its textarea; the plan goes on without the dry run.
    const items = sample.read();
    fill(planBox, h('p', {class: 'muted'}, 'Planning…'));
    try {
      const base = '/environments/' + encodeURIComponent(env);
      const check = (await api(base + '/pipeline/check', {method: 'POST', body: {stages: state.stages}})).body;
      showDiagnostics(stageList, check.diagnostics); // each on its field, besides the list below
      let dry = null;
      if (check.compiles && items) {
        try { dry = (await api(base + '/simulate', {method: 'POST', body: Object.assign({}, items.body, {stages: state.stages})})).body; }
        catch (e) {
          dry = e;
          if (e.status === 400) sample.refused(e);
        }
      }
      fill(planBox, h('h2', {}, 'Plan against revision ' + check.baseRevision),
        check.compiles ? h('p', {class: 'ok', id: 'plan-verdict'}, 'The pipeline compiles.')
          : h('p', {class: 'error', id: 'plan-verdict'}, 'The pipeline does not compile: it cannot be applied.'),
        h('h3', {}, 'Changes'), pipelineDiff(check.diff),
        h('h3', {}, 'Errors and warnings'), diagnostics(check.diagnostics),
        h('h3', {id: 'plan-dry-title'}, 'Dry run on ' + (items ? items.what : 'the sample')),
        !check.compiles ? h('p', {class: 'muted'}, 'Not run: the pipeline does not compile.')
          : !items ? h('p', {class: 'error', id: 'plan-dry-not-run'}, 'Not run: the dry-run sample cannot be used (see the problem under ',
            h('a', {href: '#plan-sample-text', onclick: e => { e.preventDefault(); document.getElementById('plan-sample-text')?.focus(); }},
              'Dry-run sample'), ').')
          : dry instanceof Error ? errorBox(dry) : dryRun(dry));
    } catch (e) { fill(planBox, errorBox(e)); }
  }}, 'Plan');

  const applyButton = h('button', {type: 'button', id: 'apply-button', class: 'primary', disabled: true, title: needs('operator'),
    onclick: async () => {
      const problems = invalid();
      if (problems.length) { fill(resultBox, h('div', {class: 'error', role: 'alert'}, 'Fix the form first: ', problems.join('; '))); return; }
      applyButton.disabled = true;
      try {
        const r = await api('/environments/' + encodeURIComponent(env) + '/pipeline', {method: 'PUT',
          body: {baseRevision: draftBase, stages: state.stages, reason: reason.value || null}});
        delete drafts[env];
        clearDraft(me, env);
        if (r.status === 202) {
          const cr = r.body.changeRequest;
          flash(h('span', {id: 'flash-message'}, 'Change request #' + cr.id + ' submitted: ' + env + ' is protected, another approver must approve it. ',
            h('a', {href: '#/approvals'}, 'Approvals')), 'ok');
        } else {
          flash(h('span', {id: 'flash-message'}, 'Revision ' + r.body.revision + ' of ' + env + ' written.'), 'ok');
        }
        window.dispatchEvent(new HashChangeEvent('hashchange'));
      } catch (e) {
        applyButton.disabled = false;
        if (e.status === 409 && e.code === 'stale_revision') {
          // Someone wrote first. The draft stays (memory and storage, on its own base); the page
          // reloads the new revision and offers to rebase the draft onto it.
          save();
          flash(h('span', {id: 'flash-message'}, 'Not applied: ' + env + ' moved to revision ' + (e.body.currentRevision || 'a newer one')
            + ' while you edited #' + draftBase + '. Your draft is kept: rebase it below.'), 'error');
          window.dispatchEvent(new HashChangeEvent('hashchange'));
          return;
        }
        if (e.body && Array.isArray(e.body.diagnostics)) showDiagnostics(stageList, e.body.diagnostics);
        fill(resultBox, errorBox(e));
      }
    }}, envInfo.protected ? 'Submit for approval' : 'Apply');

  /** When the draft was made on an older revision: both sides' changes, the conflicts, and a way on. */
  function renderRebase() {
    if (draftBase === current.revision) return fill(rebaseBox);
    const base = baseStages();
    const picks = {};
    const first = rebase(base, current.stages, state.stages);
    const between = history.filter(r => r.revision > draftBase && r.revision <= current.revision).reverse();
    const error = h('div', {id: 'rebase-error', 'aria-live': 'assertive'});
    const conflictRows = first.conflicts.map((c, i) => {
      const choice = (side, label, value) => h('label', {class: 'pick'}, h('input', {type: 'radio', name: 'conflict-' + i,
        id: 'conflict-' + i + '-' + side, value: side, onchange: () => { picks[c.key] = side; fill(error); }}), ' ', label, ' ', value);
      const text = v => h('code', {}, v === undefined || v === null ? '(not set)' : show(v));
      if (c.kind === 'field') {
        return h('fieldset', {class: 'conflict', dataset: {stage: c.stage, field: c.field}},
          h('legend', {}, h('strong', {}, c.stage), ' · ', h('code', {}, c.field), ' was ', text(c.base)),
          choice('mine', 'Mine:', text(c.mine)), choice('theirs', 'Theirs (#' + current.revision + '):', text(c.theirs)));
      }
      if (c.kind === 'order') {
        return h('fieldset', {class: 'conflict', dataset: {stage: c.stage, field: 'position'}},
          h('legend', {}, 'Both reordered the stages'),
          choice('mine', 'My order:', c.mine.join(' → ')), choice('theirs', 'Their order:', c.theirs.join(' → ')));
      }
      return h('fieldset', {class: 'conflict', dataset: {stage: c.stage, field: 'stage'}},
        h('legend', {}, c.kind === 'removed-by-them' ? ['You edited ', h('strong', {}, c.stage), '; revision #' + current.revision + ' removed it']
          : ['You removed ', h('strong', {}, c.stage), '; revision #' + current.revision + ' changed it']),
        c.kind === 'removed-by-them' ? [choice('mine', 'Keep my stage', ''), choice('theirs', 'Remove it (theirs)', '')]
          : [choice('mine', 'Remove it (mine)', ''), choice('theirs', 'Keep theirs', '')]);
    });
    const rebaseButton = h('button', {type: 'button', id: 'rebase-button', class: 'primary', disabled: !editable, onclick: () => {
      const merged = rebase(base, current.stages, state.stages, picks);
      if (merged.unresolved.length) {
        fill(error, h('div', {class: 'error', role: 'alert'}, 'Pick mine or theirs for each conflict first: ',
          merged.unresolved.map(c => c.stage + (c.field ? ' ' + c.field : '')).join('; ')));
        const i = first.conflicts.findIndex(c => merged.unresolved.some(u => u.key === c.key));
        document.getElementById('conflict-' + i + '-mine')?.focus();
        return;
      }
      state.stages = merged.stages;
      draftBase = current.revision;
      changed(); renderStages(); renderRebase();
      fill(resultBox, h('p', {class: 'ok', id: 'rebase-done'}, 'Rebased onto #' + current.revision + ': your changes'
        + (first.conflicts.length ? ' (with ' + first.conflicts.length + ' conflict(s) settled as you picked)' : '')
        + ' are now a draft on the current revision. Plan, then ' + (envInfo.protected ? 'submit' : 'apply') + ' it.'));
      applyButton.focus();
    }}, 'Rebase my changes onto #' + current.revision);
    const discardButton = h('button', {type: 'button', id: 'discard-draft', class: 'danger', onclick: async () => {
      const ok = await confirmDialog({title: 'Discard your draft?', confirmLabel: 'Discard my draft', danger: true, body: [
        h('p', {}, 'These changes you made on #' + draftBase + ' are lost; the page shows revision #' + current.revision + '.'),
        pipelineDiff(diffStages(base, state.stages))]});
      if (!ok) return;
      state.stages = structuredClone(current.stages);
      draftBase = current.revision;
      reason.value = '';
      changed(); renderStages(); renderRebase();
      document.getElementById('current-revision')?.focus();
    }}, 'Discard my draft');
    fill(rebaseBox, h('section', {class: 'card rebase', id: 'rebase', 'aria-labelledby': 'rebase-title'},
      h('h2', {id: 'rebase-title', tabindex: '-1'}, 'Your draft is on revision #' + draftBase + '; ' + env + ' is now at #' + current.revision),
      h('p', {}, 'Written since: ', between.map((r, j) => [j ? '; ' : '', '#' + r.revision + ' by ' + r.author,
        r.reason ? [' (', h('q', {}, r.reason), ')'] : ''])),
      h('div', {class: 'rebase-sides'},
        h('div', {id: 'rebase-theirs'}, h('h3', {}, 'What others changed (#' + draftBase + ' → #' + current.revision + ')'),
          pipelineDiff(diffStages(base, current.stages))),
        h('div', {id: 'rebase-mine'}, h('h3', {}, 'What you changed (#' + draftBase + ' → your draft)'),
          pipelineDiff(diffStages(base, state.stages)))),
      h('h3', {}, 'Conflicts (' + first.conflicts.length + ')'),
      first.conflicts.length ? h('div', {id: 'rebase-conflicts'}, h('p', {}, 'Both sides changed these differently: pick one for each.'), conflictRows)
        : h('p', {class: 'ok', id: 'rebase-conflicts'}, 'None: your changes and theirs touch different things.'),
      error,
      h('div', {class: 'buttons'}, rebaseButton, ' ', discardButton)));
  }

  /** A pending change request for this environment, with a Withdraw button for its requester. */
  function pendingPanel() {
    if (pendingRequests instanceof Error) return h('section', {id: 'pending-cr'}, errorBox(pendingRequests));
    const mine = pendingRequests.body.filter(c => c.env === env);
    if (!mine.length) return null;
    return h('section', {id: 'pending-cr'}, mine.map(c => {
      const own = me && me.id === c.requesterId;
      const status = h('div', {'aria-live': 'polite'});
      return h('article', {class: 'card pending-request', id: 'pending-cr-' + c.id},
        h('h2', {}, badge('pending'), ' Change request #' + c.id + ' waits for approval'),
        h('p', {}, 'Requested by ', h('strong', {class: 'requester'}, c.requester), ' ', when(c.createdAt), ' against revision #' + c.baseRevision,
          c.reason ? [': ', h('q', {}, c.reason)] : '', ' · ', h('a', {href: '#/approvals'}, 'Open in Approvals')),
        h('details', {open: true}, h('summary', {}, 'Its changes against the current revision #' + current.revision),
          c.baseRevision === current.revision ? pipelineDiff(c.diff) : pipelineDiff(diffStages(current.stages, c.stages))),
        own ? h('div', {class: 'buttons'}, h('button', {type: 'button', class: 'danger', id: 'withdraw-' + c.id, onclick: async () => {
          const ok = await confirmDialog({title: 'Withdraw change request #' + c.id + '?', confirmLabel: 'Withdraw it', danger: true, body: [
            h('p', {}, 'Nobody can approve it afterwards; ' + env + ' stays at revision #' + current.revision + '. The withdrawal is audited.'),
            pipelineDiff(c.diff)]});
          if (!ok) return;
          try {
            await api('/change-requests/' + c.id + '/withdraw', {method: 'POST', body: {reason: null}});
            flash(h('span', {id: 'flash-message'}, 'Change request #' + c.id + ' withdrawn.'), 'ok');
            window.dispatchEvent(new HashChangeEvent('hashchange'));
          } catch (e) { fill(status, errorBox(e)); }
        }}, 'Withdraw')) : h('p', {class: 'muted'}, 'Only ' + c.requester + ' can withdraw it; an approver decides it in Approvals.'),
        status);
    }));
  }

  /** Compare any two revisions; the choice is kept in the URL (…?compare=A..B). */
  const compareMatch = /^(\d+)\.\.(\d+)$/.exec(query && query.get('compare') || '');
  const revisionOptions = selected => history.map(r => h('option', {value: r.revision, selected: r.revision === selected},
    '#' + r.revision + ' — ' + r.author + (r.reason ? ': ' + r.reason : '')));
  const oldest = history.length ? history[history.length - 1].revision : 1;
  const compareFrom = h('select', {id: 'compare-from'}, revisionOptions(compareMatch ? Number(compareMatch[1]) : (history[1] || history[0] || {}).revision));
  const compareTo = h('select', {id: 'compare-to'}, revisionOptions(compareMatch ? Number(compareMatch[2]) : current.revision));
  const compareBox = h('div', {id: 'compare-result', 'aria-live': 'polite'});
  function compare(a, b, updateUrl) {
    if (updateUrl) replaceHash('#/environments/' + encodeURIComponent(env) + '?compare=' + a + '..' + b);
    const ra = history.find(r => r.revision === a), rb = history.find(r => r.revision === b);
    if (!ra || !rb) {
      fill(compareBox, h('div', {class: 'error', role: 'alert'}, 'Revision #' + (ra ? b : a) + ' does not exist in ' + env
        + ' (it has #' + oldest + ' to #' + current.revision + ').'));
      return;
    }
    fill(compareBox, h('h3', {id: 'compare-title'}, 'From #' + a + ' to #' + b),
      a === b ? h('p', {class: 'empty'}, 'The same revision: nothing to compare.') : pipelineDiff(diffStages(ra.stages, rb.stages)));
  }
  const compareButton = h('button', {type: 'button', id: 'compare-button', onclick: () => compare(Number(compareFrom.value), Number(compareTo.value), true)}, 'Compare');

  const historyRows = history.map((r, i) => {
    const previous = history[i + 1];
    return h('tr', {dataset: {revision: r.revision}},
      h('td', {class: 'mono'}, '#' + r.revision, r.revision === current.revision ? [' ', badge('current', 'ok')] : null),
      h('td', {}, when(r.createdAt)), h('td', {}, r.author),
      h('td', {}, r.reason || h('span', {class: 'muted'}, '—'),
        r.rolledBackFrom ? h('div', {class: 'muted'}, 'rollback to #' + r.rolledBackFrom) : null,
        r.changeRequest ? h('div', {class: 'muted'}, 'change request #' + r.changeRequest) : null),
      h('td', {}, previous ? h('details', {}, h('summary', {}, 'Diff against #' + previous.revision),
        pipelineDiff(diffStages(previous.stages, r.stages))) : h('span', {class: 'muted'}, 'first revision')),
      h('td', {}, r.revision === current.revision ? null : h('button', {type: 'button', class: 'rollback', disabled: !editable,
        title: needs('operator'), dataset: {revision: r.revision}, onclick: async () => {
          const why = reason.value || 'rollback to revision ' + r.revision;
          const dirty = isDirty();
          const ok = await confirmDialog({title: 'Roll ' + env + ' back to #' + r.revision + '?', confirmLabel: 'Roll back to #' + r.revision,
            danger: true, body: [
              h('p', {id: 'rollback-outcome'}, envInfo.protected
                ? 'This submits a change request to give ' + env + ' the content of #' + r.revision + '; nothing changes until another approver approves it.'
                : 'This writes revision #' + (current.revision + 1) + ' of ' + env + ' with the content of #' + r.revision + '; nodes pick it up within seconds.'),
              h('p', {}, 'Reason: ', h('q', {}, why)),
              dirty ? h('p', {class: 'note'}, 'Your unsaved changes stay as a draft: afterwards you can rebase them onto the new revision or discard them.') : null,
              h('h3', {}, 'Changes from the current #' + current.revision + ' to #' + r.revision),
              pipelineDiff(diffStages(current.stages, r.stages))]});
          if (!ok) return;
          try {
            const out = await api('/environments/' + encodeURIComponent(env) + '/pipeline/rollback', {method: 'POST',
              body: {revision: r.revision, baseRevision: current.revision, reason: why}});
            flash(out.status === 202 ? 'Rollback submitted as change request #' + out.body.changeRequest.id
              : 'Rolled back: revision ' + out.body.revision + ' has the content of #' + r.revision + '.', 'ok');
            if (!dirty) { delete drafts[env]; clearDraft(me, env); }
            window.dispatchEvent(new HashChangeEvent('hashchange'));
          } catch (e) { fill(resultBox, errorBox(e)); }
        }}, 'Roll back to #' + r.revision)));
  });

  fill(view,
    h('h1', {}, 'Pipeline of ', h('span', {id: 'env-name'}, env)),
    h('nav', {class: 'tabs', 'aria-label': 'Environments'}, envs.map(e => h('a', {href: '#/environments/' + encodeURIComponent(e.name),
      'aria-current': e.name === env ? 'page' : null}, e.name, e.protected ? ' (protected)' : ''))),
    h('p', {}, 'Current revision ', h('strong', {id: 'current-revision'}, '#' + current.revision), ' by ', current.author,
      ' · ', when(current.createdAt),
      envInfo.protected ? [' · ', badge('protected'), ' changes need a second person\'s approval'] : null,
      ' · ', h('a', {href: '#/simulate/' + encodeURIComponent(env)}, 'Simulate'),
      ' · ', h('a', {href: '#/timings/' + encodeURIComponent(env)}, 'Timings')),
    editable ? null : h('p', {class: 'note'}, 'You can look and plan, but editing needs the operator role.'),
    pendingPanel(),
    rebaseBox,
    retype.length ? h('p', {class: 'note', id: 'retype-secrets'}, 'Your draft was restored after a reload. Secret values are never kept'
      + ' in the browser: type these again before applying: ', retype.join(', ')) : null,
    stageList,
    h('div', {class: 'add card'}, h('label', {for: 'add-processor'}, 'Add a processor '), addSelect, ' ', addButton),
    h('div', {class: 'actions card'},
      h('label', {for: 'reason'}, envInfo.protected ? 'Reason (required: ' + env + ' is protected, the approvers read it)' : 'Reason'), reason,
      h('div', {class: 'buttons'}, planButton, ' ', applyButton, ' ',
        h('button', {type: 'button', id: 'discard', onclick: () => {
          state.stages = structuredClone(current.stages); draftBase = current.revision; changed(); renderStages(); renderRebase();
        }}, 'Discard changes'),
        ' ', dirtyNote),
      sample.element),
    resultBox,
    planBox,
    h('h2', {}, 'Revision history'),
    history.length > 1 ? h('div', {class: 'compare card'},
      h('label', {for: 'compare-from'}, 'Compare '), compareFrom, h('label', {for: 'compare-to'}, ' with '), compareTo, ' ', compareButton,
      compareBox) : null,
    table(['Revision', 'When', 'Author', 'Reason', 'Changes', ''], historyRows, 'No revisions.', {id: 'revisions'}));
  renderStages();
  changed();
  renderRebase();
  if (compareMatch) compare(Number(compareMatch[1]), Number(compareMatch[2]), false);
}

function replaceHash(hash) {
  // Keeps the comparison in the address without a navigation (no hashchange: the draft stays as it is).
  window.history.replaceState(null, '', hash);
}

/** Stage-by-stage differences between two pipelines, like the server's (matched by stage name). */
export function diffStages(before, after) {
  const out = [];
  const oldIndex = new Map(before.map((s, i) => [s.name, i]));
  const newIndex = new Map(after.map((s, i) => [s.name, i]));
  for (const s of before) if (!newIndex.has(s.name)) out.push({type: 'removed', stage: s.name});
  const keptOld = before.map(s => s.name).filter(n => newIndex.has(n));
  const keptNew = after.map(s => s.name).filter(n => oldIndex.has(n));
  after.forEach((s, i) => {
    if (!oldIndex.has(s.name)) { out.push({type: 'added', stage: s.name, field: 'position', after: i + 1}); return; }
    const was = oldIndex.get(s.name);
    if (keptOld.indexOf(s.name) !== keptNew.indexOf(s.name)) out.push({type: 'moved', stage: s.name, field: 'position', before: was + 1, after: i + 1});
    const old = before[was];
    for (const f of ['processor', 'version', 'enabled', 'onFailure']) {
      if (JSON.stringify(old[f]) !== JSON.stringify(s[f])) out.push({type: 'changed', stage: s.name, field: f, before: old[f], after: s[f]});
    }
    const keys = new Set([...Object.keys(old.config || {}), ...Object.keys(s.config || {})]);
    for (const k of keys) {
      const a = (old.config || {})[k], b = (s.config || {})[k];
      if (JSON.stringify(a) !== JSON.stringify(b)) out.push({type: 'changed', stage: s.name, field: 'config.' + k, before: a, after: b});
    }
  });
  return out;
}
