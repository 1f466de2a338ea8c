// Files: upload by drag and drop or picker with a progress bar, the list with size,
// type, chunks and ingestion state, delete, and a signed download link to copy.

import * as api from './api.js';
import { el, field, render, attempt, showError, formatBytes, formatTime } from './ui.js';

async function copyLink(file, out) {
  const signed = await attempt(() => api.call('GET', `/api/files/${encodeURIComponent(file.id)}/url?expires_in=86400`));
  if (!signed) return;
  const url = new URL(signed.url, location.origin).href;
  const box = el('input', { readonly: true, value: url, 'aria-label': `Download link for ${file.name}`, size: 60, class: 'signed-link' });
  out.replaceChildren(el('p', {}, `Link for ${file.name}, valid until ${formatTime(signed.expires_at)}: `), box);
  box.select();
  try { await navigator.clipboard.writeText(url); showError('Link copied.', true); } catch { showError('Copy the selected link.', true); }
}

export async function filesPage() {
  const rows = el('tbody');
  const linkOut = el('div', { 'aria-live': 'polite' });
  const uploads = el('div', { class: 'uploads', 'aria-live': 'polite' });
  const collection = el('input', { name: 'collection', placeholder: 'files', pattern: '[a-z0-9_\\-]{1,64}' });
  const refresh = async () => {
    const files = await api.listAll('/api/files', 1000);
    rows.replaceChildren(...files.map((f) => el('tr', { 'data-name': f.name },
      el('td', {}, f.name), el('td', {}, formatBytes(f.size)), el('td', {}, f.type), el('td', {}, f.collection),
      el('td', {}, String(f.chunks)), el('td', { class: `state ${f.status}`, title: f.error || '' }, f.status + (f.error ? `: ${f.error}` : '')),
      el('td', {}, formatTime(f.created_at)),
      el('td', {}, el('div', { class: 'row' },
        el('button', { type: 'button', class: 'secondary', onclick: () => copyLink(f, linkOut) }, 'Copy link'),
        el('button', { type: 'button', class: 'danger', onclick: async () => {
          if (!confirm(`Delete ${f.name}? Its passages leave search and chat citations.`)) return;
          await attempt(() => api.call('DELETE', `/api/files/${encodeURIComponent(f.id)}`));
          await attempt(refresh);
        } }, 'Delete'))))));
    if (!files.length) rows.replaceChildren(el('tr', {}, el('td', { colspan: 8, class: 'muted' }, 'No files yet.')));
  };
  const send = async (fileList) => {
    for (const file of fileList) {
      const bar = el('progress', { max: 1, value: 0, 'aria-label': `Uploading ${file.name}` });
      const line = el('div', { class: 'upload' }, el('span', {}, `${file.name} (${formatBytes(file.size)})`), bar);
      uploads.append(line);
      try {
        const stored = await api.upload(file, collection.value.trim(), (p) => { bar.value = p; });
        bar.value = 1;
        line.append(el('span', { class: 'muted' }, ` ${stored.status}, ${stored.chunks} passages`));
      } catch (e) {
        line.append(el('span', { class: 'error' }, ` failed: ${e.message}`));
        showError(`${file.name}: ${e.message}`);
      }
    }
    await attempt(refresh);
  };
  const picker = el('input', { type: 'file', multiple: true, id: 'file-picker' });
  picker.addEventListener('change', () => { send([...picker.files]); picker.value = ''; });
  const drop = el('div', { class: 'drop', tabindex: 0, role: 'button', 'aria-label': 'Drop files here, or press Enter to pick files' },
    'Drop files here, or ', el('label', { for: 'file-picker', class: 'inline' }, 'pick files'), picker);
  drop.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); picker.click(); } });
  drop.addEventListener('dragover', (e) => { e.preventDefault(); drop.classList.add('over'); });
  drop.addEventListener('dragleave', () => drop.classList.remove('over'));
  drop.addEventListener('drop', (e) => { e.preventDefault(); drop.classList.remove('over'); send([...e.dataTransfer.files]); });
  render(el('h1', {}, 'Files'), field('Collection (optional)', collection), drop, uploads, linkOut,
    el('div', { class: 'table-wrap' }, el('table', { 'aria-label': 'Files' },
      el('thead', {}, el('tr', {}, ['Name', 'Size', 'Type', 'Collection', 'Chunks', 'State', 'Uploaded', ''].map((h) => el('th', { scope: 'col' }, h)))),
      rows)));
  await refresh().catch(showError);
}
