// Chat: conversations (listed, searched by text and date, renamed, deleted), a thread
// whose replies stream in as server-sent events and render as Markdown, a stop button,
// citations that open their passage, and token usage per reply and per conversation.

import * as api from './api.js';
import { el, field, render, attempt, showError, snippet, formatTime } from './ui.js';
import { markdown } from './markdown.js';

const usageText = (u) => `${u.prompt_tokens} prompt + ${u.completion_tokens} completion = ${u.total_tokens} tokens${u.estimated ? ' (estimated)' : ''}`;

function passageDialog(source) {
  const link = el('a', { href: '#', 'data-testid': 'download' }, 'Download the file');
  link.addEventListener('click', async (event) => {
    event.preventDefault();
    const signed = await attempt(() => api.call('GET', `/api/files/${encodeURIComponent(source.file_id)}/url`));
    if (signed) location.assign(signed.url);
  });
  const dialog = el('dialog', { 'aria-labelledby': 'passage-title', class: 'passage' },
    el('h2', { id: 'passage-title' }, `[${source.number}] ${source.file_name}`),
    el('p', { class: 'muted' }, `Passage ${source.chunk}, bytes ${source.start}–${source.end}, score ${Number(source.score).toFixed(3)}`),
    el('pre', {}, source.text), el('p', {}, link),
    el('form', { method: 'dialog' }, el('button', { type: 'submit' }, 'Close')));
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
}

function sourcesList(sources) {
  if (!sources || !sources.length) return null;
  return el('ol', { class: 'sources', 'aria-label': 'Sources' }, sources.map((s) => el('li', { value: s.number },
    el('a', { href: '#', class: 'citation', onclick: (e) => { e.preventDefault(); passageDialog(s); } }, s.file_name),
    el('span', { class: 'muted' }, ` — ${s.text.slice(0, 80)}${s.text.length > 80 ? '…' : ''}`))));
}

function messageView(m) {
  const body = el('div', { class: 'content' });
  if (m.role === 'assistant') body.append(markdown(m.content)); else body.append(el('p', {}, m.content));
  return el('article', { class: `message ${m.role}`, 'data-id': m.id },
    el('div', { class: 'who' }, `${m.role === 'user' ? 'You' : 'Assistant'} · ${formatTime(m.created_at)}`),
    body,
    m.error ? el('p', { class: 'error' }, `The model failed: ${m.error}`) : null,
    sourcesList(m.sources),
    m.role === 'assistant' && m.token_usage ? el('div', { class: 'muted usage' }, usageText(m.token_usage)) : null);
}

async function searchForm(results) {
  const q = el('input', { type: 'search', name: 'q', placeholder: 'Words in messages' });
  const from = el('input', { type: 'date', name: 'from' });
  const to = el('input', { type: 'date', name: 'to' });
  const form = el('form', { role: 'search', 'aria-label': 'Search messages' },
    field('Search messages', q), el('div', { class: 'row' }, field('From', from), field('To', to)),
    el('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const params = new URLSearchParams({ limit: '30' });
    if (q.value.trim()) { params.set('q', q.value.trim()); params.set('order', 'relevance'); }
    if (from.value) params.set('from', new Date(`${from.value}T00:00:00`).toISOString());
    // The day `to` names is included: the range ends at the next midnight.
    if (to.value) { const end = new Date(`${to.value}T00:00:00`); end.setDate(end.getDate() + 1); params.set('to', end.toISOString()); }
    const page = await attempt(() => api.call('GET', `/api/messages/search?${params}`));
    if (!page) return;
    results.replaceChildren(page.data.length
      ? el('ul', { class: 'hits', 'aria-label': 'Message search results' }, page.data.map((hit) => el('li', {},
        el('a', { href: `#/chat/${hit.message.conversation_id}` }, hit.snippet ? snippet(hit.snippet) : hit.message.content.slice(0, 120)),
        el('div', { class: 'muted' }, formatTime(hit.message.created_at)))))
      : el('p', { class: 'muted' }, 'No message matches.'));
  });
  return form;
}

async function conversationList(current, refreshAll) {
  const conversations = await api.listAll('/api/conversations', 200);
  return el('ul', { class: 'conversations', 'aria-label': 'Conversations' }, conversations.map((c) => el('li', {},
    el('a', { href: `#/chat/${c.id}`, 'aria-current': c.id === current ? 'true' : 'false', title: c.title }, c.title || 'New chat'),
    el('button', { type: 'button', class: 'secondary', 'aria-label': `Rename ${c.title}`, onclick: async () => {
      const title = prompt('New title', c.title);
      if (title === null || !title.trim()) return;
      if (await attempt(() => api.call('PATCH', `/api/conversations/${c.id}`, { title: title.trim() }))) await refreshAll();
    } }, 'Rename'),
    el('button', { type: 'button', class: 'secondary', 'aria-label': `Delete ${c.title}`, onclick: async () => {
      if (!confirm(`Delete "${c.title}" and its messages?`)) return;
      if (await attempt(() => api.call('DELETE', `/api/conversations/${c.id}`).then(() => true))) {
        if (c.id === current) location.hash = '#/chat'; else await refreshAll();
      }
    } }, 'Delete'))));
}

async function thread(conversationId, refreshList) {
  if (!conversationId) {
    return el('section', { class: 'thread', 'aria-label': 'Conversation' },
      el('p', { class: 'muted' }, 'Pick a conversation, or start a new chat with an agent.'));
  }
  const [conversation, messages, totals] = await Promise.all([
    api.call('GET', `/api/conversations/${encodeURIComponent(conversationId)}`),
    api.listAll(`/api/conversations/${encodeURIComponent(conversationId)}/messages`, 2000),
    api.call('GET', `/api/conversations/${encodeURIComponent(conversationId)}/tokens`),
  ]);
  const list = el('div', { class: 'messages', 'aria-live': 'polite', 'aria-label': 'Messages' }, messages.map(messageView));
  const heading = el('h1', { class: 'conversation-title' }, conversation.title || 'New chat');
  const total = el('p', { class: 'muted total-usage' }, `Conversation: ${totals.total_tokens} tokens over ${totals.replies} replies`);
  const input = el('textarea', { name: 'message', rows: 3, placeholder: 'Ask something (Enter sends, Shift+Enter adds a line)', required: true });
  const send = el('button', { type: 'submit' }, 'Send');
  const stop = el('button', { type: 'button', class: 'danger', hidden: true }, 'Stop generating');
  let controller = null;
  stop.addEventListener('click', () => controller && controller.abort());
  const form = el('form', { class: 'composer', 'aria-label': 'Send a message' }, field('Message', input), send, stop);
  input.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) { event.preventDefault(); form.requestSubmit(); }
  });
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const content = input.value.trim();
    if (!content || controller) return;
    input.value = '';
    list.append(messageView({ role: 'user', content, created_at: new Date().toISOString() }));
    const replyBody = el('div', { class: 'content' });
    const reply = el('article', { class: 'message assistant streaming', 'aria-busy': 'true' }, el('div', { class: 'who' }, 'Assistant'), replyBody);
    list.append(reply);
    list.scrollTop = list.scrollHeight;
    controller = new AbortController();
    send.disabled = true; stop.hidden = false;
    let text = '';
    try {
      await api.streamMessage(conversationId, content, [], (name, data) => {
        if (name === 'delta') {
          text += data.content;
          replyBody.replaceChildren(markdown(text));
          list.scrollTop = list.scrollHeight;
        } else if (name === 'done') {
          reply.replaceWith(messageView(data.assistant));
          heading.textContent = data.conversation.title || 'New chat';
        } else if (name === 'error') {
          showError(data.error ? data.error.message : 'the reply failed');
        }
      }, controller.signal);
    } catch (e) {
      if (e.name === 'AbortError') {
        reply.append(el('p', { class: 'muted' }, 'Stopped.'));
      } else showError(e);
    } finally {
      reply.removeAttribute('aria-busy');
      reply.classList.remove('streaming');
      controller = null;
      send.disabled = false; stop.hidden = true;
      const t = await api.call('GET', `/api/conversations/${encodeURIComponent(conversationId)}/tokens`).catch(() => null);
      if (t) total.textContent = `Conversation: ${t.total_tokens} tokens over ${t.replies} replies`;
      await refreshList();
      input.focus();
    }
  });
  setTimeout(() => { list.scrollTop = list.scrollHeight; input.focus(); }, 0);
  return el('section', { class: 'thread', 'aria-label': 'Conversation' },
    heading, total, list, form);
}

export async function chatPage({ args }) {
  const current = args[0];
  const agents = await api.listAll('/api/agents', 200);
  const agent = el('select', { name: 'agent' },
    el('option', { value: '' }, 'Default model'), agents.map((a) => el('option', { value: a.id }, a.name)));
  const start = el('form', { class: 'card' }, field('Agent', agent), el('button', { type: 'submit' }, 'New chat'));
  start.addEventListener('submit', async (event) => {
    event.preventDefault();
    const created = await attempt(() => api.call('POST', '/api/conversations', agent.value ? { agent_id: agent.value } : {}));
    if (created) location.hash = `#/chat/${created.id}`;
  });
  const listHolder = el('div');
  const refreshList = async () => { listHolder.replaceChildren(await conversationList(current, refreshList)); };
  const results = el('div', { 'aria-live': 'polite' });
  const sidebar = el('aside', { class: 'sidebar', 'aria-label': 'Conversations and search' },
    start, await searchForm(results), results, el('h2', {}, 'Conversations'), listHolder);
  await refreshList();
  render(el('div', { class: 'chat' }, sidebar, await thread(current, refreshList)));
}
