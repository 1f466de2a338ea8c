// Token usage per day, split by agent, drawn as a stacked bar chart in SVG (built with
// DOM calls, so it needs no library and no inline script or style).

import * as api from './api.js';
import { el, field, render, attempt } from './ui.js';

const SVG = 'http://www.w3.org/2000/svg';
const svg = (tag, attributes = {}, ...children) => {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, String(v));
  node.append(...children);
  return node;
};
const palette = ['#1f5fbf', '#e07b00', '#1a7f37', '#b42318', '#8250df', '#0a7c86', '#9a6700', '#bf3989'];

/** The chart of `rows` ({day, agent_id, total_tokens}), one stacked bar per day. */
export function usageChart(rows, agentNames) {
  const days = [...new Set(rows.map((r) => r.day))].sort();
  const agents = [...new Set(rows.map((r) => r.agent_id || ''))];
  const totals = days.map((d) => rows.filter((r) => r.day === d).reduce((s, r) => s + r.total_tokens, 0));
  const top = Math.max(1, ...totals);
  const width = 720, height = 280, left = 56, bottom = 40, plotH = height - bottom - 10;
  const bar = Math.max(4, Math.min(48, (width - left - 10) / Math.max(1, days.length) - 6));
  const chart = svg('svg', { viewBox: `0 0 ${width} ${height}`, class: 'chart', role: 'img', 'aria-label': `Tokens per day, ${days.length} days, at most ${top} in a day` });
  for (const fraction of [0, 0.5, 1]) {
    const y = 10 + plotH * (1 - fraction);
    chart.append(svg('line', { x1: left, x2: width - 4, y1: y, y2: y, stroke: 'currentColor', 'stroke-opacity': 0.2 }),
      svg('text', { x: left - 6, y: y + 4, 'text-anchor': 'end' }, String(Math.round(top * fraction))));
  }
  days.forEach((day, i) => {
    const x = left + 6 + i * (bar + 6);
    let y = 10 + plotH;
    agents.forEach((agent, j) => {
      const value = rows.filter((r) => r.day === day && (r.agent_id || '') === agent).reduce((s, r) => s + r.total_tokens, 0);
      if (!value) return;
      const h = (value / top) * plotH;
      y -= h;
      chart.append(svg('rect', { x, y, width: bar, height: h, fill: palette[j % palette.length] },
        svg('title', {}, `${day}, ${agentNames[agent] || 'no agent'}: ${value} tokens`)));
    });
    if (days.length <= 14 || i % Math.ceil(days.length / 14) === 0) {
      chart.append(svg('text', { x: x + bar / 2, y: height - bottom + 16, 'text-anchor': 'middle' }, day.slice(5)));
    }
  });
  const legend = el('div', { class: 'legend' }, agents.map((a, j) => el('span', {},
    el('span', { class: `swatch swatch-${j % palette.length}` }), agentNames[a] || 'no agent')));
  return el('figure', {}, chart, legend);
}

export async function usagePage() {
  const from = el('input', { type: 'date', name: 'from' });
  const to = el('input', { type: 'date', name: 'to' });
  const out = el('div');
  const since = new Date(Date.now() - 29 * 86400e3);
  from.value = since.toISOString().slice(0, 10);
  const agents = await api.listAll('/api/agents', 500);
  const names = Object.fromEntries(agents.map((a) => [a.id, a.name]));
  const show = async () => {
    const params = new URLSearchParams({ by: 'agent' });
    if (from.value) params.set('from', new Date(`${from.value}T00:00:00Z`).toISOString());
    if (to.value) { const end = new Date(`${to.value}T00:00:00Z`); end.setUTCDate(end.getUTCDate() + 1); params.set('to', end.toISOString()); }
    const usage = await attempt(() => api.call('GET', `/api/usage?${params}`));
    if (!usage) return;
    const total = usage.data.reduce((s, r) => s + r.total_tokens, 0);
    out.replaceChildren(el('p', {}, `${total} tokens in ${usage.data.reduce((s, r) => s + r.replies, 0)} replies.`),
      usage.data.length ? usageChart(usage.data, names) : el('p', { class: 'muted' }, 'No replies in this range.'));
  };
  const form = el('form', { class: 'row' }, field('From', from), field('To', to), el('button', { type: 'submit' }, 'Show'));
  form.addEventListener('submit', (e) => { e.preventDefault(); show(); });
  render(el('h1', {}, 'Usage'), el('p', { class: 'muted' }, 'Tokens per day (UTC) of your replies, per agent.'), form, out);
  await show();
}
