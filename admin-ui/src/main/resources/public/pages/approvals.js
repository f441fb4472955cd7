import {h, fill, badge, when, table, show, pre, pipelineDiff} from '../dom.js';
import {api, isApprover, can, session, errorBox, flash} from '../app.js';
import {confirmDialog} from '../dialog.js';

export async function render(view) {
  const [pending, recent] = await Promise.all([api('/change-requests?status=pending'), api('/change-requests')]);
  const decided = recent.body.filter(c => c.status !== 'pending').slice(0, 20);
  fill(view,
    h('h1', {}, 'Approvals'),
    isApprover() ? null : h('p', {class: 'note'}, 'You can read change requests; deciding them needs the approver right.'),
    h('h2', {}, 'Pending (' + pending.body.length + ')'),
    pending.body.length ? pending.body.map(request) : h('p', {class: 'empty'}, 'No change request waits for a decision.'),
    h('h2', {}, 'Recently decided'),
    table(['#', 'Environment', 'Status', 'Requested by', 'Decided by', 'Reason', 'Revision'], decided.map(c => h('tr', {id: 'decided-' + c.id},
      h('td', {}, '#' + c.id), h('td', {}, c.env), h('td', {}, badge(c.status)), h('td', {}, c.requester),
      h('td', {}, c.status === 'withdrawn' ? 'withdrawn by its requester' : c.status === 'superseded' ? 'superseded by a newer revision'
        : c.decidedBy || '—', ' ', h('span', {class: 'muted'}, when(c.decidedAt))), h('td', {}, c.decisionReason || '—'),
      h('td', {}, c.appliedRevision ? '#' + c.appliedRevision : '—'))), 'Nothing decided yet.'));
}

/**
 * Everything the approver approves: each stage of the proposal in its new order (then the removed
 * ones) with its complete configuration (secrets only as {"set": true}) and, for a changed stage,
 * each changed value before and after.
 */
function review(c) {
  const entries = c.review || [];
  const touched = entries.filter(e => e.change !== 'unchanged').length;
  return h('section', {class: 'review', id: 'review-' + c.id},
    h('h4', {}, 'What you approve: ' + touched + ' of ' + entries.length + ' stage(s) touched'),
    entries.length ? entries.map(stageReview) : h('p', {class: 'empty'}, 'The proposal has no stages.'));
}

function stageReview(e) {
  const stage = e.after || e.before;
  const position = e.change === 'added' ? 'new at position ' + e.positionAfter
    : e.change === 'removed' ? 'was at position ' + e.positionBefore
    : e.positionBefore !== e.positionAfter ? 'position ' + e.positionBefore + ' → ' + e.positionAfter
    : 'position ' + e.positionAfter;
  return h('div', {class: 'stage-review review-' + e.change, dataset: {stage: e.stage, change: e.change}},
    h('p', {}, badge(e.change), ' ', h('strong', {}, e.stage), ' ',
      h('span', {class: 'mono'}, stage.processor + (stage.version ? '@' + stage.version : ' (latest)')), ' · ', position,
      ' · ', stage.enabled ? 'enabled' : 'disabled', ' · on failure: ', stage.onFailure || 'default'),
    e.changes && e.changes.length ? table(['Field', 'Before', 'After'], e.changes.map(f =>
      h('tr', {class: 'changed-value'}, h('td', {class: 'mono'}, f.field, f.secret ? [' ', badge('secret')] : null),
        h('td', {class: 'mono before'}, show(f.before)),
        h('td', {class: 'mono after'}, f.secret ? f.note : show(f.after))))) : null,
    h('details', {open: e.change !== 'moved' && e.change !== 'unchanged'},
      h('summary', {}, e.change === 'removed' ? 'Configuration removed' : e.change === 'unchanged' ? 'Configuration (unchanged)' : 'Full configuration'),
      pre(stage.config || {})));
}

function request(c) {
  const own = session.me && session.me.id === c.requesterId;
  const allowed = isApprover() && !own;
  const why = !isApprover() ? 'Needs the approver right' : own ? 'You cannot decide your own request' : null;
  const reasonId = 'decision-reason-' + c.id;
  const reason = h('input', {id: reasonId, type: 'text', placeholder: 'why (kept in the audit trail)', disabled: !allowed});
  const status = h('div', {'aria-live': 'polite'});
  async function decide(action) {
    if (action === 'approve') {
      const ok = await confirmDialog({title: 'Approve change request #' + c.id + ' for ' + c.env + '?', confirmLabel: 'Approve and apply', body: [
        h('p', {}, 'Approving applies it now: ' + c.env + ' gets a new revision on top of #' + c.baseRevision + ', authored by '
          + c.requester + ', and nodes pick it up within seconds.'),
        h('h3', {}, 'What changes'), pipelineDiff(c.diff),
        (c.changedSecrets || []).length ? h('p', {class: 'note'}, 'Secret values replaced (never shown): ' + c.changedSecrets.join(', ')) : null]});
      if (!ok) return;
    } else if (action === 'reject') {
      const ok = await confirmDialog({title: 'Reject change request #' + c.id + ' for ' + c.env + '?', confirmLabel: 'Reject it', danger: true, body: [
        h('p', {}, 'Nobody can approve it afterwards; ' + c.env + ' stays as it is, and ' + c.requester
          + ' has to submit it again to change it. ' + (reason.value ? 'Your reason is kept in the audit trail.'
            : 'You gave no reason: the requester will not know why (type one in the Reason field first).')),
        h('h3', {}, 'What it would have changed'), pipelineDiff(c.diff)]});
      if (!ok) return;
    } else if (action === 'withdraw') {
      const ok = await confirmDialog({title: 'Withdraw change request #' + c.id + '?', confirmLabel: 'Withdraw it', danger: true, body: [
        h('p', {}, 'Nobody can approve it afterwards; ' + c.env + ' stays as it is. The withdrawal is audited.'), pipelineDiff(c.diff)]});
      if (!ok) return;
    }
    try {
      const r = await api('/change-requests/' + c.id + '/' + action, {method: 'POST', body: {reason: reason.value || null}});
      flash(h('span', {id: 'flash-message'}, action === 'approve'
        ? 'Change request #' + c.id + ' approved: ' + c.env + ' is now at revision ' + r.body.appliedRevision + '.'
        : 'Change request #' + c.id + ' ' + (action === 'withdraw' ? 'withdrawn' : 'rejected') + '.'), 'ok');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (e) { fill(status, errorBox(e)); }
  }
  return h('article', {class: 'card change-request', id: 'cr-' + c.id},
    h('h3', {}, 'Change request #' + c.id + ' for ', h('a', {href: '#/environments/' + encodeURIComponent(c.env)}, c.env)),
    h('p', {}, 'Requested by ', h('strong', {}, c.requester), ' ', when(c.createdAt), ' against revision #' + c.baseRevision,
      c.reason ? [': ', h('q', {}, c.reason)] : ''),
    review(c),
    h('div', {class: 'decide'},
      h('label', {for: reasonId}, 'Reason '), reason, ' ',
      h('button', {type: 'button', class: 'primary approve', disabled: !allowed, title: why, onclick: () => decide('approve')}, 'Approve'), ' ',
      h('button', {type: 'button', class: 'danger reject', disabled: !allowed, title: why, onclick: () => decide('reject')}, 'Reject'),
      own && can('operator') ? [' ', h('button', {type: 'button', class: 'danger withdraw', id: 'withdraw-' + c.id,
        title: 'Take your request back', onclick: () => decide('withdraw')}, 'Withdraw')] : null,
      why ? h('span', {class: 'muted'}, ' ' + why) : null),
    status);
}
