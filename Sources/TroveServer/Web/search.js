// The search explorer: one of the caller's collections, its schema, and text, vector-by-
// text or hybrid search with filters and a time range; results with snippets and scores,
// paged by cursor.

import * as api from './api.js';
import { el, field, render, attempt, snippet } from './ui.js';

function schemaTable(schema) {
  return el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Schema' },
    el('thead', {}, el('tr', {}, ['Field', 'Type', 'Details'].map((h) => el('th', { scope: 'col' }, h)))),
    el('tbody', {}, schema.fields.map((f) => el('tr', {}, el('td', {}, f.name), el('td', {}, f.type),
      el('td', { class: 'muted' }, Object.entries(f).filter(([k]) => !['name', 'type'].includes(k))
        .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ')))))));
}

export async function searchPage() {
  const collections = await api.call('GET', '/api/collections');
  if (!collections.data.length) {
    render(el('h1', {}, 'Search'), el('p', {}, 'You have no collections yet. Create one through the API (POST /api/collections, see /docs); uploaded files are searched by chat agents with retrieval and by POST /api/retrieve.'));
    return;
  }
  const pick = el('select', { name: 'collection' }, collections.data.map((c) => el('option', { value: c.name }, `${c.name} (${c.documents} documents)`)));
  const schemaOut = el('div');
  const text = el('input', { type: 'search', name: 'text', placeholder: 'Query' });
  const mode = el('select', { name: 'mode' }, ['text', 'vector', 'hybrid'].map((m) => el('option', { value: m }, m)));
  const filterField = el('select', { name: 'filter-field' });
  const filterValue = el('input', { name: 'filter-value', placeholder: 'equals…' });
  const timeField = el('select', { name: 'time-field' });
  const from = el('input', { type: 'datetime-local', name: 'from' });
  const to = el('input', { type: 'datetime-local', name: 'to' });
  const limit = el('input', { type: 'number', name: 'limit', min: 1, max: 100, value: 10 });
  const results = el('div', { 'aria-live': 'polite' });
  const more = el('button', { type: 'button', class: 'secondary', hidden: true }, 'Next page');
  let cursor = null, request = null;
  const current = () => collections.data.find((c) => c.name === pick.value);
  const showSchema = () => {
    const c = current();
    schemaOut.replaceChildren(schemaTable(c.schema));
    const keywords = c.schema.fields.filter((f) => f.type === 'keyword' || f.type === 'int');
    filterField.replaceChildren(el('option', { value: '' }, 'no filter'), ...keywords.map((f) => el('option', { value: f.name }, f.name)));
    const times = c.schema.fields.filter((f) => f.type === 'timestamp');
    timeField.replaceChildren(el('option', { value: '' }, 'no time range'), ...times.map((f) => el('option', { value: f.name }, f.name)));
    const hasEmbed = c.schema.fields.some((f) => f.type === 'vector' && f.embed);
    for (const option of mode.options) option.disabled = option.value !== 'text' && !hasEmbed;
    if (!hasEmbed) mode.value = 'text';
    results.replaceChildren();
    more.hidden = true;
  };
  pick.addEventListener('change', showSchema);
  const run = async (page) => {
    const answer = await attempt(() => api.call('POST', `/api/collections/${encodeURIComponent(pick.value)}/search`, { ...request, cursor: page || undefined }));
    if (!answer) return;
    const rows = answer.data.map((hit) => el('li', {},
      el('div', {}, el('strong', {}, hit.id), el('span', { class: 'muted' }, ` score ${Number(hit.score).toFixed(4)}`)),
      hit.snippets ? Object.entries(hit.snippets).map(([f, s]) => el('div', {}, el('span', { class: 'muted' }, `${f}: `), snippet(s))) : null,
      hit.document ? el('details', {}, el('summary', {}, 'Document'), el('pre', {}, JSON.stringify(hit.document, null, 2))) : null));
    if (!page) results.replaceChildren(el('ol', { class: 'hits', 'aria-label': 'Results' }));
    const list = results.querySelector('ol');
    list.append(...rows);
    if (!page && !rows.length) results.replaceChildren(el('p', { class: 'muted' }, 'No document matches.'));
    cursor = answer.next_cursor;
    more.hidden = !cursor;
  };
  more.addEventListener('click', () => run(cursor));
  const form = el('form', { role: 'search', 'aria-label': 'Search the collection' },
    el('div', { class: 'row' }, field('Query', text), field('Mode', mode), field('Results per page', limit)),
    el('div', { class: 'row' }, field('Filter field', filterField), field('Value', filterValue)),
    el('div', { class: 'row' }, field('Time field', timeField), field('From', from), field('To', to)),
    el('button', { type: 'submit' }, 'Search'));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const c = current();
    const textFields = c.schema.fields.filter((f) => f.type === 'text').map((f) => f.name);
    request = { limit: Number(limit.value) || 10, mode: mode.value, snippets: textFields, filters: [] };
    if (text.value.trim()) request.text = text.value.trim();
    if (filterField.value && filterValue.value) request.filters.push({ field: filterField.value, equals: filterValue.value });
    if (timeField.value && (from.value || to.value)) {
      const range = { field: timeField.value };
      if (from.value) range.from = new Date(from.value).toISOString();
      if (to.value) range.to = new Date(to.value).toISOString();
      request.filters.push(range);
    }
    run(null);
  });
  render(el('h1', {}, 'Search'), field('Collection', pick), el('h2', {}, 'Schema'), schemaOut, form, results, more);
  showSchema();
}
