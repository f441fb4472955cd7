import {h, fill, badge, table, pipelineDiff, diagnostics, show, when, pre} from '../dom.js';
import {api, can, needs, errorBox, flash, drafts} from '../app.js';
import {configForm, stageProblems} from './config-form.js';

const SAMPLE = {kind: 'log', body: 'checkout failed for alice@example.com from 10.1.2.3',
  attributes: {'http.method': 'POST', 'user.email': 'alice@example.com'}};

export async function render(view, {args}) {
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
  const [pipeline, catalog, revisions] = await Promise.all([
    api('/environments/' + encodeURIComponent(env) + '/pipeline'),
    api('/processors'),
    api('/environments/' + encodeURIComponent(env) + '/pipeline/revisions')]);
  const processors = catalog.body;
  const details = {};
  async function detail(id) {
    if (!details[id]) details[id] = (await api('/processors/' + encodeURIComponent(id))).body;
    return details[id];
  }
  await Promise.all(pipeline.body.stages.map(s => detail(s.processor).catch(() => null)));

  const current = pipeline.body;
  const state = {stages: structuredClone(drafts[env] && drafts[env].base === current.revision ? drafts[env].stages : current.stages)};
  const editable = can('operator');

  const stageList = h('ol', {class: 'stages', id: 'stages'});
  const planBox = h('section', {id: 'plan', 'aria-live': 'polite'});
  const resultBox = h('div', {id: 'apply-result', 'aria-live': 'polite'});
  const reason = h('input', {id: 'reason', type: 'text', placeholder: 'why this change (kept in the audit trail)',
    'aria-required': envInfo && envInfo.protected ? 'true' : null});
  const dirtyNote = h('span', {id: 'dirty', class: 'muted'});

  function changed() {
    drafts[env] = {base: current.revision, stages: state.stages};
    const dirty = JSON.stringify(state.stages) !== JSON.stringify(current.stages);
    dirtyNote.textContent = dirty ? 'Unsaved changes' : 'No unsaved changes';
    applyButton.disabled = !editable || !dirty;
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
    fill(stageList, state.stages.map((stage, i) => stageItem(stage, i)));
    if (!state.stages.length) fill(stageList, h('li', {class: 'empty'}, 'No stages: items pass through unchanged. Add a processor below.'));
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
            onclick: () => { state.stages.splice(i, 1); changed(); renderStages(); }}, 'Remove'))),
      h('details', {class: 'config'}, h('summary', {id: 'configure-' + slug}, 'Configuration',
        Object.keys(stage.config || {}).length ? ' (' + Object.keys(stage.config).length + ' set)' : ' (defaults)'),
      form, problems));
    return item;
  }

  const addSelect = h('select', {id: 'add-processor', disabled: !editable},
    processors.filter(p => p.availableVersions.length).map(p => h('option', {value: p.id}, p.id + ' — ' + (p.title || ''))));
  const addButton = h('button', {type: 'button', id: 'add-stage', disabled: !editable, title: needs('operator'), onclick: async () => {
    const id = addSelect.value;
    if (!id) return;
    try { await detail(id); } catch (e) { flash(e.message, 'error'); return; }
    let name = id;
    for (let n = 2; state.stages.some(s => s.name === name); n++) name = id + '-' + n;
    state.stages.push({name, processor: id, version: null, enabled: true, config: {}, onFailure: 'skip'});
    changed(); renderStages();
    document.getElementById('configure-' + name.replace(/[^A-Za-z0-9_-]/g, '_'))?.focus();
  }}, 'Add stage');

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
    fill(planBox, h('p', {class: 'muted'}, 'Planning…'));
    try {
      const base = '/environments/' + encodeURIComponent(env);
      const check = (await api(base + '/pipeline/check', {method: 'POST', body: {stages: state.stages}})).body;
      let dry = null;
      if (check.compiles) {
        try { dry = (await api(base + '/simulate', {method: 'POST', body: {items: [SAMPLE], stages: state.stages}})).body; }
        catch (e) { dry = e; }
      }
      fill(planBox, h('h2', {}, 'Plan against revision ' + check.baseRevision),
        check.compiles ? h('p', {class: 'ok', id: 'plan-verdict'}, 'The pipeline compiles.')
          : h('p', {class: 'error', id: 'plan-verdict'}, 'The pipeline does not compile: it cannot be applied.'),
        h('h3', {}, 'Changes'), pipelineDiff(check.diff),
        h('h3', {}, 'Errors and warnings'), diagnostics(check.diagnostics),
        h('h3', {}, 'Dry run on a sample item'),
        dry === null ? h('p', {class: 'muted'}, 'Not run: the pipeline does not compile.')
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
          body: {baseRevision: current.revision, stages: state.stages, reason: reason.value || null}});
        delete drafts[env];
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
        fill(resultBox, errorBox(e));
      }
    }}, envInfo.protected ? 'Submit for approval' : 'Apply');

  const history = revisions.body;
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
        title: needs('operator'), onclick: async () => {
          try {
            const out = await api('/environments/' + encodeURIComponent(env) + '/pipeline/rollback', {method: 'POST',
              body: {revision: r.revision, baseRevision: current.revision, reason: reason.value || 'rollback to revision ' + r.revision}});
            flash(out.status === 202 ? 'Rollback submitted as change request #' + out.body.changeRequest.id
              : 'Rolled back: revision ' + out.body.revision + ' has the content of #' + r.revision + '.', 'ok');
            delete drafts[env];
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
    stageList,
    h('div', {class: 'add card'}, h('label', {for: 'add-processor'}, 'Add a processor '), addSelect, ' ', addButton),
    h('div', {class: 'actions card'},
      h('label', {for: 'reason'}, envInfo.protected ? 'Reason (required: ' + env + ' is protected, the approvers read it)' : 'Reason'), reason,
      h('div', {class: 'buttons'}, planButton, ' ', applyButton, ' ',
        h('button', {type: 'button', id: 'discard', onclick: () => { state.stages = structuredClone(current.stages); changed(); renderStages(); }}, 'Discard changes'),
        ' ', dirtyNote)),
    resultBox,
    planBox,
    h('h2', {}, 'Revision history'),
    table(['Revision', 'When', 'Author', 'Reason', 'Changes', ''], historyRows, 'No revisions.', {id: 'revisions'}));
  renderStages();
  changed();
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

function dryRun(result) {
  const r = result.results[0];
  return h('div', {class: 'dry-run'},
    table(['Stage', 'Outcome', 'Time', 'Changes'], r.stages.map(s => h('tr', {},
      h('td', {}, s.stage), h('td', {}, badge(s.outcome)), h('td', {}, (s.nanos / 1000).toFixed(1) + ' µs'),
      h('td', {}, s.changes.length ? s.changes.map(c => h('div', {class: 'mono small'}, c.key + ': ' + show(c.before) + ' → ' + show(c.after)))
        : h('span', {class: 'muted'}, 'none'))))),
    h('details', {}, h('summary', {}, 'Sample item and result'), h('div', {class: 'example-io'},
      h('div', {}, h('h4', {}, 'Input'), pre(r.input)), h('div', {}, h('h4', {}, 'Output'), pre(r.output)))));
}
