// A modal confirmation: a real <dialog> opened with showModal(), so the page behind it is inert,
// focus stays inside, and Escape cancels (the browser's own 'cancel' event).
import {h} from './dom.js';

/**
 * Asks before a change and shows what it will do. Resolves true on Confirm, false on Cancel,
 * Escape or closing; focus goes back to where it was. Cancel has the focus first, so a stray
 * Enter changes nothing.
 *
 * @param {{title: string, body: (Node|string|Array)[], confirmLabel?: string, danger?: boolean}} options
 */
export function confirmDialog({title, body, confirmLabel = 'Confirm', danger = false}) {
  const before = document.activeElement;
  return new Promise(resolve => {
    let answered = false;
    const cancel = h('button', {type: 'button', id: 'confirm-cancel'}, 'Cancel');
    const ok = h('button', {type: 'button', id: 'confirm-ok', class: danger ? 'danger' : 'primary'}, confirmLabel);
    const dialog = h('dialog', {id: 'confirm-dialog', class: 'confirm-dialog', 'aria-labelledby': 'confirm-title',
      'aria-describedby': 'confirm-body'},
    h('h2', {id: 'confirm-title'}, title),
    h('div', {id: 'confirm-body', class: 'confirm-body'}, body),
    h('div', {class: 'buttons dialog-buttons'}, cancel, ' ', ok));
    const finish = answer => {
      if (answered) return;
      answered = true;
      if (dialog.open) dialog.close();
      dialog.remove();
      if (before && typeof before.focus === 'function' && document.contains(before)) before.focus();
      resolve(answer);
    };
    cancel.addEventListener('click', () => finish(false));
    ok.addEventListener('click', () => finish(true));
    // Escape (and any other way the browser closes it) is a Cancel.
    dialog.addEventListener('cancel', e => { e.preventDefault(); finish(false); });
    dialog.addEventListener('close', () => finish(false));
    document.getElementById('confirm-dialog')?.remove();
    document.body.append(dialog);
    dialog.showModal();
    cancel.focus();
  });
}
