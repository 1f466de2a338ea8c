// Small DOM helpers: elements are built with text nodes only, so nothing the server or a
// user wrote is ever parsed as HTML.

/** `el('button', {class: 'x', onclick: f}, 'text', child)`. */
export function el(tag, attributes = {}, ...children) {
  const node = document.createElement(tag);
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on') && typeof value === 'function') node.addEventListener(key.slice(2), value);
    else if (key === 'class') node.className = value;
    else if (value === true) node.setAttribute(key, '');
    else node.setAttribute(key, String(value));
  }
  for (const child of children.flat()) {
    if (child === undefined || child === null || child === false) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

/** A label and its control, joined by id. */
export function field(labelText, control) {
  const id = control.id || `f-${Math.random().toString(36).slice(2, 9)}`;
  control.id = id;
  return el('div', {}, el('label', { for: id }, labelText), control);
}

const alertBox = () => document.getElementById('alert');

/** Shows an error (or, with `info`, a notice) in words, in the page's alert region. */
export function showError(error, info = false) {
  const box = alertBox();
  if (!box) return;
  box.textContent = typeof error === 'string' ? error : (error && error.message) || String(error);
  box.className = info ? 'info' : '';
  box.hidden = false;
}

export function clearError() {
  const box = alertBox();
  if (box) { box.hidden = true; box.textContent = ''; }
}

/** Runs an async action, showing any failure; returns its result or undefined. */
export async function attempt(action) {
  try {
    clearError();
    return await action();
  } catch (e) {
    if (e && e.name === 'AbortError') return undefined;
    showError(e);
    return undefined;
  }
}

export function formatBytes(n) {
  if (n < 1024) return `${n} B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let value = n / 1024, i = 0;
  while (value >= 1024 && i < units.length - 1) { value /= 1024; i += 1; }
  return `${value.toFixed(value < 10 ? 1 : 0)} ${units[i]}`;
}

export function formatTime(rfc3339) {
  const d = new Date(rfc3339);
  return Number.isNaN(d.getTime()) ? rfc3339 : d.toLocaleString();
}

/** A snippet with `<em>` marks, as text nodes and <mark> elements. */
export function snippet(text) {
  const parts = String(text).split(/<em>|<\/em>/);
  return parts.map((part, i) => (i % 2 === 1 ? el('mark', {}, part) : document.createTextNode(part)));
}

/** Replaces the main region's content and gives it focus for screen readers. */
export function render(...children) {
  const main = document.getElementById('main');
  main.replaceChildren(...children);
  return main;
}
