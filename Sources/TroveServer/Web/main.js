// The app shell: sign-in, the navigation, the theme, and a hash router that draws one
// page at a time into <main>. Pages talk to the server only through api.js.

import * as api from './api.js';
import { el, field, render, attempt, showError, clearError } from './ui.js';
import { chatPage } from './chat.js';
import { filesPage } from './files.js';
import { searchPage } from './search.js';
import { agentsPage } from './agents.js';
import { keysPage, accountPage } from './account.js';
import { usagePage } from './usage.js';
import { usersPage, healthPage } from './admin.js';

/** The signed-in user (`GET /api/auth/me`), or null. */
let me = null;

const pages = {
  chat: chatPage, files: filesPage, search: searchPage, agents: agentsPage,
  keys: keysPage, usage: usagePage, account: accountPage,
  'admin/users': usersPage, 'admin/health': healthPage,
};

function route() {
  const path = location.hash.replace(/^#\/?/, '');
  const [first, second, ...rest] = path.split('/');
  if (first === 'admin') return { page: `admin/${second || 'users'}`, args: rest };
  return { page: first || 'chat', args: [second, ...rest].filter(Boolean) };
}

function signInPage(message) {
  document.querySelector('.top').hidden = true;
  const username = el('input', { name: 'username', autocomplete: 'username', required: true });
  const password = el('input', { name: 'password', type: 'password', autocomplete: 'current-password', required: true });
  const form = el('form', { class: 'login card', 'aria-labelledby': 'signin-title' },
    el('h1', { id: 'signin-title' }, 'Sign in to Trove'),
    field('Username', username), field('Password', password),
    el('button', { type: 'submit' }, 'Sign in'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const user = await attempt(() => api.signIn(username.value.trim(), password.value));
    if (!user) { password.select(); return; }
    me = user;
    password.value = '';
    showShell();
    if (!location.hash || location.hash === '#/signin') location.hash = '#/chat'; else draw();
  });
  render(form);
  if (message) showError(message, true);
  username.focus();
}

function showShell() {
  const top = document.querySelector('.top');
  top.hidden = false;
  for (const link of document.querySelectorAll('[data-admin]')) link.hidden = me.role !== 'admin';
  document.getElementById('signout').title = `Signed in as ${me.username}`;
}

async function draw() {
  if (!me) { signInPage(); return; }
  clearError();
  const { page, args } = route();
  for (const link of document.querySelectorAll('nav a')) {
    const target = link.getAttribute('href').replace(/^#\//, '');
    if (target === page || (page.startsWith(target) && target !== '')) link.setAttribute('aria-current', 'page');
    else link.removeAttribute('aria-current');
  }
  document.getElementById('nav').classList.remove('open');
  const show = pages[page];
  if (!show) { render(el('h1', {}, 'Not found'), el('p', {}, 'There is no such page. ', el('a', { href: '#/chat' }, 'Go to chat'))); return; }
  // The admin pages are not drawn for anyone else (and their API calls answer 403).
  if (page.startsWith('admin/') && me.role !== 'admin') {
    render(el('h1', {}, 'Admins only'), el('p', {}, 'This page is for administrators.'));
    return;
  }
  try {
    await show({ me, args });
  } catch (e) {
    showError(e);
  }
  document.getElementById('main').focus({ preventScroll: true });
}

function applyTheme(theme) {
  if (theme) document.documentElement.dataset.theme = theme; else delete document.documentElement.dataset.theme;
}

function start() {
  const toggle = document.querySelector('.menu-toggle');
  toggle.addEventListener('click', () => {
    const nav = document.getElementById('nav');
    const open = nav.classList.toggle('open');
    toggle.setAttribute('aria-expanded', String(open));
  });
  // The theme is a display choice, not a credential: sessionStorage is enough for it.
  applyTheme(sessionStorage.getItem('trove-theme'));
  document.getElementById('theme').addEventListener('click', () => {
    const dark = document.documentElement.dataset.theme === 'dark'
      || (!document.documentElement.dataset.theme && matchMedia('(prefers-color-scheme: dark)').matches);
    const next = dark ? 'light' : 'dark';
    sessionStorage.setItem('trove-theme', next);
    applyTheme(next);
  });
  document.getElementById('signout').addEventListener('click', () => {
    api.forgetToken();
    me = null;
    location.hash = '#/signin';
    signInPage('You are signed out.');
  });
  api.whenSignedOut((message) => { me = null; signInPage(message); });
  window.addEventListener('hashchange', () => { if (me) draw(); });
  window.addEventListener('unhandledrejection', (event) => showError(event.reason));
  signInPage();
}

start();
