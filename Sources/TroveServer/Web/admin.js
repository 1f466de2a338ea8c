// Admin pages (the shell draws them only for admins, and the API answers 403 to anyone
// else): users (create, disable, reset password) and health (engine, embedder, provider).

import * as api from './api.js';
import { el, field, render, attempt, showError, formatTime, formatBytes } from './ui.js';

export async function usersPage({ me }) {
  const list = el('tbody');
  const refresh = async () => {
    const users = await api.listAll('/api/users', 1000);
    list.replaceChildren(...users.map((u) => el('tr', { 'data-username': u.username },
      el('td', {}, u.username), el('td', {}, u.role), el('td', {}, u.disabled ? 'disabled' : 'active'), el('td', {}, formatTime(u.created_at)),
      el('td', {}, u.id === me.id ? el('span', { class: 'muted' }, 'you') : el('div', { class: 'row' },
        el('button', { type: 'button', class: 'secondary', onclick: async () => {
          await attempt(() => api.call('PATCH', `/api/users/${encodeURIComponent(u.id)}`, { disabled: !u.disabled }));
          await attempt(refresh);
        } }, u.disabled ? 'Enable' : 'Disable'),
        el('button', { type: 'button', class: 'secondary', onclick: async () => {
          const password = prompt(`New password for ${u.username} (8 characters or more)`);
          if (!password) return;
          if (await attempt(() => api.call('PATCH', `/api/users/${encodeURIComponent(u.id)}`, { password }))) showError(`Password of ${u.username} reset.`, true);
        } }, 'Reset password'))))));
  };
  const username = el('input', { name: 'new-username', required: true, pattern: '[a-z0-9._\\-]{3,64}', autocomplete: 'off' });
  const password = el('input', { name: 'new-password', type: 'password', required: true, minlength: 8, autocomplete: 'new-password' });
  const role = el('select', { name: 'role' }, el('option', { value: 'user' }, 'user'), el('option', { value: 'admin' }, 'admin'));
  const form = el('form', { class: 'card', 'aria-label': 'New user' }, el('h2', {}, 'New user'),
    el('div', { class: 'row' }, field('Username', username), field('Password', password), field('Role', role)),
    el('button', { type: 'submit' }, 'Create user'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const created = await attempt(() => api.call('POST', '/api/users', { username: username.value.trim(), password: password.value, role: role.value }));
    if (!created) return;
    username.value = ''; password.value = '';
    showError(`Created ${created.username}.`, true);
    await attempt(refresh);
  });
  render(el('h1', {}, 'Users'), form, el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Users' },
    el('thead', {}, el('tr', {}, ['Username', 'Role', 'State', 'Created', ''].map((h) => el('th', { scope: 'col' }, h)))), list)));
  await refresh().catch(showError);
}

export async function healthPage() {
  const health = await api.call('GET', '/health');
  const rows = [
    ['Collections', health.engine.collections], ['Documents', health.engine.documents],
    ['Engine size on disk', health.engine.bytes === undefined ? 'unknown' : formatBytes(health.engine.bytes)],
    ['Embedder', `${health.embedder.model} (${health.embedder.dimension} dimensions)`],
    ['Chat provider', `${health.chat_provider.provider}, model ${health.chat_provider.model}`],
    ['Provider status', health.chat_provider.status],
  ];
  render(el('h1', {}, 'Health'), el('table', { 'aria-label': 'Health' }, el('tbody', {},
    rows.map(([k, v]) => el('tr', {}, el('th', { scope: 'row' }, k), el('td', { class: k === 'Provider status' ? `state ${v === 'ok' ? 'indexed' : 'failed'}` : '' }, String(v)))))));
}
