// The hosted chat page of a public bot: no account, a visitor session kept in this
// browser (localStorage, per bot), replies streamed as server-sent events. The page is
// also what the embed widget (widget.js) opens in its frame. Text is only ever set as
// text, never parsed as HTML.

import { readEvents } from './sse.js';
import { el } from './ui.js';

const botId = decodeURIComponent(location.pathname.split('/')[2] || '');
const base = `/api/chat/${encodeURIComponent(botId)}`;
const storageKey = `trove.bot.${botId}.session`;
const log = document.getElementById('bot-log');
const form = document.getElementById('bot-form');
const input = document.getElementById('bot-input');
const send = document.getElementById('bot-send');
const alertLine = document.getElementById('bot-alert');
let greeting = '';

// Storage may be refused (a third-party frame with storage blocked): the chat still
// works, for this page's lifetime.
let memorySession = null;
const session = {
  get() { try { return localStorage.getItem(storageKey) || memorySession; } catch { return memorySession; } },
  set(value) { memorySession = value; try { value ? localStorage.setItem(storageKey, value) : localStorage.removeItem(storageKey); } catch { /* kept in memory */ } },
};

function say(text) { alertLine.textContent = text; alertLine.hidden = !text; }

function bubble(role, text) {
  const item = el('li', { class: role }, text);
  log.append(item);
  item.scrollIntoView({ block: 'end' });
  return item;
}

async function errorText(response) {
  try { return (await response.json()).error.message; } catch { return `the server answered ${response.status}`; }
}

async function start() {
  const info = await fetch(base);
  if (!info.ok) { say(info.status === 404 ? 'This chat is not available.' : await errorText(info)); form.hidden = true; return; }
  const bot = await info.json();
  document.title = bot.widget.title || bot.name;
  document.getElementById('bot-title').textContent = bot.widget.title || bot.name;
  document.documentElement.style.setProperty('--accent', bot.widget.color);
  greeting = bot.widget.greeting;
  const id = session.get();
  if (id) {
    const history = await fetch(`${base}/session/${encodeURIComponent(id)}`);
    if (history.ok) {
      for (const m of (await history.json()).data) bubble(m.role, m.content);
      if (log.children.length) return;
    } else if (history.status === 404) {
      session.set(null);
    }
  }
  if (greeting) bubble('assistant', greeting);
}

async function ask(text) {
  say('');
  bubble('user', text);
  const reply = bubble('assistant pending', '');
  send.disabled = true;
  try {
    const body = { message: text };
    if (session.get()) body.session_id = session.get();
    const response = await fetch(`${base}?stream=true`, {
      method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body),
    });
    if (!response.ok) {
      if (response.status === 404 && body.session_id) session.set(null);
      throw new Error(await errorText(response));
    }
    await readEvents(response, (name, data) => {
      if (name === 'session') session.set(data.session_id);
      else if (name === 'delta') reply.textContent += data.content;
      else if (name === 'done') reply.textContent = data.message.content;
      else if (name === 'error') throw new Error(data.error.message);
      reply.scrollIntoView({ block: 'end' });
    });
    reply.className = 'assistant';
  } catch (e) {
    reply.className = 'assistant failed';
    say(e.message);
  } finally {
    send.disabled = false;
    input.focus();
  }
}

form.addEventListener('submit', (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text || send.disabled) return;
  input.value = '';
  ask(text);
});
input.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
});
document.getElementById('bot-new').addEventListener('click', async () => {
  const id = session.get();
  session.set(null);
  if (id) await fetch(`${base}/session/${encodeURIComponent(id)}`, { method: 'DELETE' }).catch(() => {});
  log.replaceChildren();
  if (greeting) bubble('assistant', greeting);
});

start().catch((e) => say(`The chat could not start: ${e.message}`));
