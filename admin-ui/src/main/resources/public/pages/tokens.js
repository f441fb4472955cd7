import {h, fill, badge, table, when} from '../dom.js';
import {api, can, session, errorBox, flash} from '../app.js';

/**
 * Tokens (principals), for admins: the list, a form that creates one (its token is shown once, in
 * this page only: never stored by the browser, gone when the page is left or reloaded), and revoking.
 */
export async function render(view) {
  const heading = h('h1', {tabindex: '-1'}, 'Tokens');
  // Focused once the router has put the page in place (after this function's promise resolves).
  const focusHeading = () => setTimeout(() => heading.focus(), 0);
  if (!can('admin')) {
    fill(view, heading,
      h('p', {class: 'note', id: 'admins-only', role: 'status'},
        'Tokens are managed by admins only. You are logged in as ', h('strong', {}, session.me ? session.me.name : '?'),
        ' with the ' + (session.me ? session.me.role : 'no') + ' role; ask an admin to create or revoke a token.'));
    focusHeading();
    return;
  }

  const principals = (await api('/tokens')).body;
  const newToken = h('div', {id: 'new-token-region', 'aria-live': 'polite'});
  const listBox = h('div', {id: 'tokens-list'});
  const confirmBox = h('div', {id: 'revoke-confirm-region'});
  const revokeStatus = h('div', {id: 'revoke-status', 'aria-live': 'polite'});

  async function reload() {
    drawList((await api('/tokens')).body);
  }

  function drawList(list) {
    fill(listBox, table(['Name', 'Role', 'Approver', 'Created', 'Expires', 'Last used', 'Status', ''],
      list.map(p => row(p, list, askRevoke)), 'No tokens.', {id: 'tokens-table'}));
  }

  function askRevoke(p, button) {
    fill(revokeStatus);
    const own = session.me && session.me.id === p.id;
    const title = h('h2', {id: 'revoke-confirm-title', tabindex: '-1'}, 'Revoke the token of \u201c' + p.name + '\u201d?');
    const cancel = () => { fill(confirmBox); button.focus(); };
    const box = h('section', {class: 'card confirm', id: 'revoke-confirm', role: 'alertdialog',
        'aria-labelledby': 'revoke-confirm-title', 'aria-describedby': 'revoke-confirm-text',
        onkeydown: ev => { if (ev.key === 'Escape') cancel(); }},
      title,
      h('p', {id: 'revoke-confirm-text'},
        'Everything that uses the token of ', h('strong', {}, p.name), ' (' + p.role + (p.approver ? ', approver' : '') + ')',
        ' stops working at once: API calls and CLI commands with it are refused (401) and every browser session logged in',
        ' with it ends. Revoking cannot be undone; a new token would have to be created and handed out.',
        own ? [' ', h('strong', {}, 'This is your own token: you will be logged out.')] : null),
      h('div', {class: 'buttons'},
        h('button', {type: 'button', class: 'danger', id: 'confirm-revoke', onclick: () => revoke(p)},
          'Revoke \u201c' + p.name + '\u201d'),
        h('button', {type: 'button', id: 'cancel-revoke', onclick: cancel}, 'Cancel')));
    fill(confirmBox, box);
    title.focus();
  }

  async function revoke(p) {
    fill(confirmBox);
    try {
      await api('/tokens/' + p.id, {method: 'DELETE'});
      flash(h('span', {id: 'flash-message'}, 'The token of \u201c' + p.name + '\u201d is revoked: it no longer works.'), 'ok');
      await reload();
    } catch (e) {
      fill(revokeStatus, errorBox(e));
    }
  }

  fill(view,
    heading,
    h('p', {class: 'muted'}, 'Every principal that can call the API or log in here. Tributary keeps only a hash of each token:'
      + ' a token is shown once, when it is created.'),
    newToken,
    createForm(newToken, reload),
    h('h2', {}, 'All tokens'),
    confirmBox,
    revokeStatus,
    listBox);
  drawList(principals);
  focusHeading();
  return () => fill(newToken);
}

function isExpired(p) {
  return !!p.expiresAt && new Date(p.expiresAt).getTime() <= Date.now();
}

function time(iso) {
  return h('time', {datetime: iso, title: iso}, when(iso));
}

/** Who created a principal: createdBy is an id (null for the system: first start, reset-admin). */
function creator(p, list) {
  if (p.createdBy === null || p.createdBy === undefined) return 'the system';
  const by = list.find(o => o.id === p.createdBy);
  return by ? by.name : '#' + p.createdBy;
}

function row(p, list, askRevoke) {
  const expired = isExpired(p);
  const active = !p.revokedAt && !expired;
  const status = p.revokedAt ? [badge('revoked', 'error'), ' ', time(p.revokedAt)]
    : expired ? badge('expired', 'warn') : badge('active', 'ok');
  const button = active ? h('button', {type: 'button', class: 'danger revoke', id: 'revoke-' + p.id,
    'aria-label': 'Revoke the token of ' + p.name, onclick: () => askRevoke(p, button)}, 'Revoke') : null;
  const own = session.me && session.me.id === p.id;
  return h('tr', {id: 'token-' + p.id, class: active ? null : 'inactive', dataset: {name: p.name}},
    h('td', {class: 'name'}, h('strong', {}, p.name), own ? h('span', {class: 'muted'}, ' (you)') : null),
    h('td', {class: 'role'}, p.role),
    h('td', {class: 'approver'}, p.approver ? 'yes' : 'no'),
    h('td', {class: 'created'}, time(p.createdAt), h('span', {class: 'muted'}, ' by ' + creator(p, list))),
    h('td', {class: 'expires'}, p.expiresAt ? [time(p.expiresAt), expired ? [' ', badge('expired', 'warn')] : null] : 'never'),
    h('td', {class: 'last-used'}, p.lastUsedAt ? time(p.lastUsedAt) : h('span', {class: 'muted'}, 'never used')),
    h('td', {class: 'status'}, status),
    h('td', {}, button));
}

/** The expiry as an ISO instant, null for none; throws a message for people when the input is unusable. */
function expiry(kind, date, days) {
  if (kind === 'date') {
    if (!date) throw new Error('Pick the day the token expires, or choose another expiry.');
    return date + 'T23:59:59Z';
  }
  if (kind === 'days') {
    const n = Number(days);
    if (!days || !Number.isInteger(n) || n < 1) throw new Error('The number of days must be a whole number of at least 1.');
    return new Date(Date.now() + n * 86400000).toISOString();
  }
  return null;
}

function createForm(newToken, reload) {
  const status = h('div', {id: 'create-status', 'aria-live': 'polite'});
  const name = h('input', {id: 'token-name', name: 'name', type: 'text', required: true, maxlength: '64',
    autocomplete: 'off', spellcheck: 'false', 'aria-describedby': 'token-name-help create-status'});
  const role = h('select', {id: 'token-role', name: 'role'},
    h('option', {value: 'viewer'}, 'viewer — reads everything'),
    h('option', {value: 'operator'}, 'operator — also changes pipelines'),
    h('option', {value: 'admin'}, 'admin — also manages tokens'));
  const approver = h('input', {id: 'token-approver', name: 'approver', type: 'checkbox', 'aria-describedby': 'token-approver-help'});
  const radio = (value, checked) => h('input', {type: 'radio', name: 'expiry', id: 'expiry-' + value, value, checked});
  const never = radio('never', true), onDate = radio('date'), afterDays = radio('days');
  const date = h('input', {id: 'expires-date', type: 'date', 'aria-label': 'Expiry day',
    oninput: () => { onDate.checked = true; }});
  const days = h('input', {id: 'expires-days', type: 'number', min: '1', step: '1', 'aria-label': 'Expiry in days',
    oninput: () => { afterDays.checked = true; }});
  const submit = h('button', {type: 'submit', class: 'primary', id: 'create-token'}, 'Create token');
  const form = h('form', {class: 'card', id: 'create-token-form', 'aria-labelledby': 'create-token-title', novalidate: true},
    h('h2', {id: 'create-token-title'}, 'Create a token'),
    h('div', {class: 'field'}, h('label', {for: 'token-name'}, 'Name'), name,
      h('span', {id: 'token-name-help', class: 'help'}, 'Who or what uses it: letters A-Z a-z, digits and . _ @ -, at most 64.')),
    h('div', {class: 'field'}, h('label', {for: 'token-role'}, 'Role'), role),
    h('div', {class: 'field'}, h('label', {}, approver, ' Approver'),
      h('span', {id: 'token-approver-help', class: 'help'}, 'May approve other people\'s change requests for protected environments (operators and admins).')),
    h('fieldset', {id: 'expiry'}, h('legend', {}, 'Expiry'),
      h('div', {}, h('label', {}, never, ' Never expires')),
      h('div', {}, h('label', {}, onDate, ' At the end of (UTC) '), date),
      h('div', {}, h('label', {}, afterDays, ' After '), days, ' days')),
    h('p', {}, submit),
    status);
  form.addEventListener('submit', async ev => {
    ev.preventDefault();
    fill(status);
    for (const el of [name, date, days]) el.removeAttribute('aria-invalid');
    const kind = form.querySelector('input[name=expiry]:checked').value;
    let expiresAt;
    try {
      expiresAt = expiry(kind, date.value, days.value);
    } catch (e) {
      (kind === 'date' ? date : days).setAttribute('aria-invalid', 'true');
      fill(status, h('div', {class: 'error', role: 'alert'}, e.message));
      return;
    }
    const body = {name: name.value, role: role.value, approver: approver.checked};
    if (expiresAt) body.expiresAt = expiresAt;
    submit.disabled = true;
    try {
      const created = (await api('/tokens', {method: 'POST', body})).body;
      showOnce(newToken, created);
      form.reset();
      await reload();
    } catch (e) {
      if (e.code === 'invalid_name' || e.status === 409) name.setAttribute('aria-invalid', 'true');
      if (e.code === 'invalid_expiry') (kind === 'date' ? date : days).setAttribute('aria-invalid', 'true');
      fill(status, errorBox(e));
      (name.getAttribute('aria-invalid') ? name : submit).focus();
    } finally {
      submit.disabled = false;
    }
  });
  return form;
}

/** The one-time token: marked, with a copy button, gone when the page is left or reloaded. */
function showOnce(region, created) {
  const value = h('code', {id: 'new-token-value', class: 'secret-value'}, created.token);
  const copied = h('span', {id: 'copy-status', role: 'status'});
  async function copy() {
    try {
      await navigator.clipboard.writeText(created.token);
    } catch (e) {
      // No clipboard API (an insecure origin): select the text so Ctrl+C copies it.
      const range = document.createRange();
      range.selectNodeContents(value);
      getSelection().removeAllRanges();
      getSelection().addRange(range);
      fill(copied, 'Selected: press Ctrl+C (⌘C) to copy.');
      return;
    }
    fill(copied, 'Copied to the clipboard.');
  }
  fill(region, h('section', {class: 'card one-time-token', id: 'new-token', 'aria-labelledby': 'new-token-title'},
    h('h2', {id: 'new-token-title'}, 'New token for \u201c' + created.name + '\u201d (' + created.role
      + (created.approver ? ', approver' : '') + ')'),
    h('p', {class: 'warning'}, h('strong', {}, 'Copy it now: it will not be shown again.'),
      ' Tributary keeps only a hash of it; once you leave or reload this page it is gone, and a lost token can only be revoked and replaced.'),
    h('p', {}, value),
    h('div', {class: 'buttons'},
      h('button', {type: 'button', class: 'primary', id: 'copy-token', onclick: copy}, 'Copy token'),
      h('button', {type: 'button', id: 'dismiss-token', onclick: () => fill(region)}, 'I have stored it, hide it'),
      copied)));
  document.getElementById('copy-token')?.focus();
}
