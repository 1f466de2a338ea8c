// Agents: the caller's own (every user may have agents; the API scopes them to their
// owner). Create, and edit prompt, model, temperature and retrieval settings.

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
  const form = el('form', { class: 'card', 'aria-label': agent ? `Edit ${a.name}` : 'New agent' },
    el('h2', {}, agent ? `Edit ${a.name}` : 'New agent'),
    field('Name', name), field('System prompt', prompt),
    el('div', { class: 'row' }, field('Model', model), field('Temperature', temperature)),
    el('div', { class: 'row' }, field('Answer from documents (retrieval)', retrieval), field('Collections (comma-separated)', collections),
      field('Passages (top k)', topK), field('Hybrid search', hybrid)),
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
    };
    const saved = await attempt(() => (agent ? api.call('PATCH', `/api/agents/${encodeURIComponent(agent.id)}`, body) : api.call('POST', '/api/agents', body)));
    if (saved) { showError(`Saved ${saved.name}.`, true); done(saved); }
  });
  return form;
}

export async function agentsPage() {
  const list = el('tbody');
  const editor = el('div');
  const refresh = async () => {
    const agents = await api.listAll('/api/agents', 500);
    list.replaceChildren(...agents.map((a) => el('tr', {},
      el('td', {}, a.name), el('td', {}, a.model || 'default'), el('td', {}, a.temperature ?? 'default'),
      el('td', {}, a.retrieval.enabled ? `on (${a.retrieval.collections.join(', ') || 'files'}, top ${a.retrieval.top_k})` : 'off'),
      el('td', {}, el('div', { class: 'row' },
        el('button', { type: 'button', class: 'secondary', onclick: () => editor.replaceChildren(agentForm(a, finish)) }, 'Edit'),
        el('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!confirm(`Delete the agent ${a.name}?`)) return;
          await attempt(() => api.call('DELETE', `/api/agents/${encodeURIComponent(a.id)}`));
          await attempt(refresh);
        } }, 'Delete'))))));
    if (!agents.length) list.replaceChildren(el('tr', {}, el('td', { colspan: 5, class: 'muted' }, 'No agents yet.')));
  };
  const finish = async () => { editor.replaceChildren(agentForm(null, finish)); await attempt(refresh); };
  editor.append(agentForm(null, finish));
  render(el('h1', {}, 'Agents'),
    el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Agents' },
      el('thead', {}, el('tr', {}, ['Name', 'Model', 'Temperature', 'Retrieval', ''].map((h) => el('th', { scope: 'col' }, h)))), list)),
    editor);
  await refresh().catch(showError);
}
