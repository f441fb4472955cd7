import {h, fill, badge, pipelineDiff, when, table} from '../dom.js';
import {api, isApprover, session, errorBox, flash} from '../app.js';

export async function render(view) {
  const [pending, recent] = await Promise.all([api('/change-requests?status=pending'), api('/change-requests')]);
  const decided = recent.body.filter(c => c.status !== 'pending').slice(0, 20);
  fill(view,
    h('h1', {}, 'Approvals'),
    isApprover() ? null : h('p', {class: 'note'}, 'You can read change requests; deciding them needs the approver right.'),
    h('h2', {}, 'Pending (' + pending.body.length + ')'),
    pending.body.length ? pending.body.map(request) : h('p', {class: 'empty'}, 'No change request waits for a decision.'),
    h('h2', {}, 'Recently decided'),
    table(['#', 'Environment', 'Status', 'Requested by', 'Decided by', 'Reason', 'Revision'], decided.map(c => h('tr', {},
      h('td', {}, '#' + c.id), h('td', {}, c.env), h('td', {}, badge(c.status)), h('td', {}, c.requester),
      h('td', {}, c.decidedBy || '—', ' ', h('span', {class: 'muted'}, when(c.decidedAt))), h('td', {}, c.decisionReason || '—'),
      h('td', {}, c.appliedRevision ? '#' + c.appliedRevision : '—'))), 'Nothing decided yet.'));
}

function request(c) {
  const own = session.me && session.me.name === c.requester;
  const allowed = isApprover() && !own;
  const why = !isApprover() ? 'Needs the approver right' : own ? 'You cannot decide your own request' : null;
  const reasonId = 'decision-reason-' + c.id;
  const reason = h('input', {id: reasonId, type: 'text', placeholder: 'why (kept in the audit trail)', disabled: !allowed});
  const status = h('div', {'aria-live': 'polite'});
  async function decide(action) {
    try {
      const r = await api('/change-requests/' + c.id + '/' + action, {method: 'POST', body: {reason: reason.value || null}});
      flash(h('span', {id: 'flash-message'}, action === 'approve'
        ? 'Change request #' + c.id + ' approved: ' + c.env + ' is now at revision ' + r.body.appliedRevision + '.'
        : 'Change request #' + c.id + ' rejected.'), 'ok');
      window.dispatchEvent(new HashChangeEvent('hashchange'));
    } catch (e) { fill(status, errorBox(e)); }
  }
  return h('article', {class: 'card change-request', id: 'cr-' + c.id},
    h('h3', {}, 'Change request #' + c.id + ' for ', h('a', {href: '#/environments/' + encodeURIComponent(c.env)}, c.env)),
    h('p', {}, 'Requested by ', h('strong', {}, c.requester), ' ', when(c.createdAt), ' against revision #' + c.baseRevision,
      c.reason ? [': ', h('q', {}, c.reason)] : ''),
    pipelineDiff(c.diff),
    h('div', {class: 'decide'},
      h('label', {for: reasonId}, 'Reason '), reason, ' ',
      h('button', {type: 'button', class: 'primary approve', disabled: !allowed, title: why, onclick: () => decide('approve')}, 'Approve'), ' ',
      h('button', {type: 'button', class: 'danger reject', disabled: !allowed, title: why, onclick: () => decide('reject')}, 'Reject'),
      why ? h('span', {class: 'muted'}, ' ' + why) : null),
    status);
}
