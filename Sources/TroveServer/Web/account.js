// The caller's own account: password change and API keys.

import * as api from './api.js';
import { el, field, render, attempt, showError, formatTime } from './ui.js';

export async function accountPage({ me }) {
  const current = el('input', { type: 'password', autocomplete: 'current-password', required: true });
  const next = el('input', { type: 'password', autocomplete: 'new-password', required: true, minlength: 8 });
  const form = el('form', { class: 'card' }, el('h2', {}, 'Change password'),
    field('Current password', current), field('New password (8 characters or more)', next),
    el('button', { type: 'submit' }, 'Change password'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const done = await attempt(() => api.changePassword(current.value, next.value).then(() => true));
    if (done) { current.value = ''; next.value = ''; showError('Password changed.', true); }
  });
  render(el('h1', {}, 'Account'),
    el('p', {}, `Signed in as ${me.username} (${me.role}).`), form);
}

export async function keysPage() {
  const list = el('tbody');
  const shown = el('div', { 'aria-live': 'polite' });
  const name = el('input', { maxlength: 200, placeholder: 'e.g. laptop script' });
  const refresh = async () => {
    const keys = await api.listAll('/api/keys');
    list.replaceChildren(...keys.map((k) => el('tr', {},
      el('td', {}, k.name || '—'), el('td', { class: 'secret' }, `${k.prefix}…`),
      el('td', {}, formatTime(k.created_at)), el('td', {}, k.revoked ? 'revoked' : 'active'),
      el('td', {}, k.revoked ? '' : el('button', { type: 'button', class: 'danger', onclick: async () => {
        if (!confirm(`Revoke the key ${k.name || k.prefix}? Scripts using it stop working.`)) return;
        await attempt(() => api.call('DELETE', `/api/keys/${encodeURIComponent(k.id)}`));
        await attempt(refresh);
      } }, 'Revoke')))));
  };
  const form = el('form', { class: 'row' }, field('Name', name), el('button', { type: 'submit' }, 'Create key'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const key = await attempt(() => api.call('POST', '/api/keys', { name: name.value }));
    if (!key) return;
    name.value = '';
    shown.replaceChildren(el('div', { class: 'card' },
      el('p', {}, 'Copy this key now. It is shown once and cannot be shown again.'),
      el('p', { class: 'secret', 'data-testid': 'new-key' }, key.key)));
    await attempt(refresh);
  });
  render(el('h1', {}, 'API keys'), form, shown,
    el('div', { class: 'table-wrap' }, el('table', {}, el('thead', {}, el('tr', {},
      el('th', {}, 'Name'), el('th', {}, 'Prefix'), el('th', {}, 'Created'), el('th', {}, 'State'), el('th', {}, ''))), list)));
  await refresh().catch(showError);
}
