// Agents: the caller's own (every user may have agents; the API scopes them to their
// owner). Create, and edit prompt, model, temperature and retrieval settings; an agent's
// own endpoint and key; and its public face: visitor chat, allowed sites, the widget's
// look, a daily token budget, and the snippet to paste into a site.

import * as api from './api.js';
import { el, field, render, attempt, showError } from './ui.js';

function agentForm(agent, done) {
  const a = agent || { name: '', system_prompt: '', model: null, temperature: null, retrieval: { enabled: false, collections: [], top_k: 5, hybrid: true } };
  const name = el('input', { name: 'name', required: true, maxlength: 200, value: a.name });
  const prompt = el('textarea', { name: 'system_prompt', rows: 6 }, a.system_prompt || '');
  const model = el('input', { name: 'model', placeholder: 'the server default', value: a.model || '' });
  const temperature = el('input', { name: 'temperature', type: 'number', min: 0, max: 2, step: 0.1, placeholder: 'default', value: a.temperature ?? '' });
  const retrieval = el('input', { name: 'retrieval', type: 'checkbox', checked: a.retrieval.enabled });
  const collections = el('input', { name: 'collections', placeholder: 'files', value: a.retrieval.collections.join(', ') });
  const topK = el('input', { name: 'top_k', type: 'number', min: 1, max: 100, value: a.retrieval.top_k });
  const hybrid = el('input', { name: 'hybrid', type: 'checkbox', checked: a.retrieval.hybrid });
  const bot = publicFields(a);
  const form = el('form', { class: 'card', 'aria-label': agent ? `Edit ${a.name}` : 'New agent' },
    el('h2', {}, agent ? `Edit ${a.name}` : 'New agent'),
    field('Name', name), field('System prompt', prompt),
    el('div', { class: 'row' }, field('Model', model), field('Temperature', temperature)),
    el('div', { class: 'row' }, field('Answer from documents (retrieval)', retrieval), field('Collections (comma-separated)', collections),
      field('Passages (top k)', topK), field('Hybrid search', hybrid)),
    bot.section,
    el('div', { class: 'row' }, el('button', { type: 'submit' }, agent ? 'Save' : 'Create agent'),
      agent ? el('button', { type: 'button', class: 'secondary', onclick: () => done(null) }, 'Cancel') : null));
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const body = {
      name: name.value.trim(), system_prompt: prompt.value,
      model: model.value.trim() || null,
      temperature: temperature.value === '' ? null : Number(temperature.value),
      retrieval: {
        enabled: retrieval.checked, top_k: Number(topK.value) || 5, hybrid: hybrid.checked,
        collections: collections.value.split(',').map((s) => s.trim()).filter(Boolean),
      },
      ...bot.values(),
    };
    const saved = await attempt(() => (agent ? api.call('PATCH', `/api/agents/${encodeURIComponent(agent.id)}`, body) : api.call('POST', '/api/agents', body)));
    if (saved) { showError(`Saved ${saved.name}.`, true); done(saved); }
  });
  return form;
}

/** The fields of an agent's own endpoint and public face, and what they send. */
function publicFields(a) {
  const widget = a.widget || { title: '', greeting: '', color: '#2563eb', position: 'bottom-right' };
  const baseURL = el('input', { name: 'base_url', type: 'url', placeholder: "the server's", value: a.base_url || '' });
  const apiKey = el('input', { name: 'api_key', type: 'password', autocomplete: 'off',
    placeholder: a.api_key_set ? 'set (type to replace)' : 'none' });
  const removeKey = a.api_key_set ? el('input', { name: 'remove_api_key', type: 'checkbox' }) : null;
  const isPublic = el('input', { name: 'public', type: 'checkbox', checked: Boolean(a.public) });
  const origins = el('input', { name: 'allowed_origins', placeholder: 'any site, e.g. https://shop.example', value: (a.allowed_origins || []).join(', ') });
  const title = el('input', { name: 'widget_title', maxlength: 200, placeholder: 'the agent\'s name', value: widget.title });
  const greeting = el('input', { name: 'widget_greeting', maxlength: 2000, value: widget.greeting });
  const color = el('input', { name: 'widget_color', type: 'color', value: widget.color });
  const position = el('select', { name: 'widget_position' },
    ['bottom-right', 'bottom-left'].map((p) => el('option', { value: p, selected: widget.position === p }, p)));
  const budget = el('input', { name: 'daily_token_budget', type: 'number', min: 1, placeholder: 'none', value: a.daily_token_budget ?? '' });
  const section = el('fieldset', { class: 'card' }, el('legend', {}, 'Endpoint and public bot'),
    el('div', { class: 'row' }, field('Provider URL', baseURL), field('Provider API key', apiKey),
      removeKey ? field('Remove the stored key', removeKey) : null),
    el('div', { class: 'row' }, field('Public: visitors chat without an account', isPublic), field('Sites allowed to embed it (comma-separated)', origins)),
    el('div', { class: 'row' }, field('Widget title', title), field('Greeting', greeting), field('Colour', color), field('Position', position),
      field('Daily token budget', budget)),
    a.public && a.id ? snippet(a.id) : null);
  const values = () => {
    const out = {
      base_url: baseURL.value.trim() || null, public: isPublic.checked,
      allowed_origins: origins.value.split(',').map((s) => s.trim()).filter(Boolean),
      widget: { title: title.value, greeting: greeting.value, color: color.value, position: position.value },
      daily_token_budget: budget.value === '' ? null : Number(budget.value),
    };
    if (apiKey.value) out.api_key = apiKey.value;
    else if (removeKey && removeKey.checked) out.api_key = null;
    return out;
  };
  return { section, values };
}

/** The tag to paste into a site, with a copy button, and the hosted page's address. */
function snippet(id) {
  const tag = `<script src="${location.origin}/widget.js" data-bot-id="${id}" async></script>`;
  const code = el('textarea', { name: 'widget_snippet', rows: 2, readonly: true, 'aria-label': 'Widget snippet' }, tag);
  const page = `${location.origin}/chat/${encodeURIComponent(id)}`;
  return el('div', {},
    field('Add the widget to a site: paste this before </body>', code),
    el('div', { class: 'row' },
      el('button', { type: 'button', class: 'secondary', onclick: async () => {
        try { await navigator.clipboard.writeText(tag); showError('Copied.', true); } catch { code.select(); }
      } }, 'Copy snippet'),
      el('a', { href: page, target: '_blank', rel: 'noopener' }, 'Open the chat page')));
}

export async function agentsPage() {
  const list = el('tbody');
  const editor = el('div');
  const refresh = async () => {
    const agents = await api.listAll('/api/agents', 500);
    list.replaceChildren(...agents.map((a) => el('tr', {},
      el('td', {}, a.name), el('td', {}, a.model || 'default'), el('td', {}, a.temperature ?? 'default'),
      el('td', {}, a.retrieval.enabled ? `on (${a.retrieval.collections.join(', ') || 'files'}, top ${a.retrieval.top_k})` : 'off'),
      el('td', {}, a.public ? 'public' : 'private'),
      el('td', {}, el('div', { class: 'row' },
        el('button', { type: 'button', class: 'secondary', onclick: () => editor.replaceChildren(agentForm(a, finish)) }, 'Edit'),
        el('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!confirm(`Delete the agent ${a.name}?`)) return;
          await attempt(() => api.call('DELETE', `/api/agents/${encodeURIComponent(a.id)}`));
          await attempt(refresh);
        } }, 'Delete'))))));
    if (!agents.length) list.replaceChildren(el('tr', {}, el('td', { colspan: 6, class: 'muted' }, 'No agents yet.')));
  };
  const finish = async () => { editor.replaceChildren(agentForm(null, finish)); await attempt(refresh); };
  editor.append(agentForm(null, finish));
  render(el('h1', {}, 'Agents'),
    el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Agents' },
      el('thead', {}, el('tr', {}, ['Name', 'Model', 'Temperature', 'Retrieval', 'Visitors', ''].map((h) => el('th', { scope: 'col' }, h)))), list)),
    editor);
  await refresh().catch(showError);
}
