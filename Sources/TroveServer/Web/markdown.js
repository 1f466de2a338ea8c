// Markdown for replies, rendered straight to DOM nodes (never through innerHTML): fenced
// code blocks, headings, lists, quotes, paragraphs; inline code, bold, italic and links
// (http, https and mailto only). Anything else stays as the text it is.

import { el } from './ui.js';

const safeURL = (url) => /^(https?:|mailto:)/i.test(url);

/** Inline markup of one line of text, as nodes. */
export function inline(text) {
  const nodes = [];
  const pattern = /(`+)([^`]|[^`][\s\S]*?[^`])\1(?!`)|\*\*([^*]+)\*\*|__([^_]+)__|\*([^*\s][^*]*)\*|_([^_\s][^_]*)_|\[([^\]]+)\]\(([^)\s]+)\)/g;
  let last = 0, m;
  while ((m = pattern.exec(text)) !== null) {
    if (m.index > last) nodes.push(document.createTextNode(text.slice(last, m.index)));
    if (m[1]) nodes.push(el('code', {}, m[2]));
    else if (m[3] || m[4]) nodes.push(el('strong', {}, inline(m[3] || m[4])));
    else if (m[5] || m[6]) nodes.push(el('em', {}, inline(m[5] || m[6])));
    else if (m[7]) {
      nodes.push(safeURL(m[8]) ? el('a', { href: m[8], rel: 'noopener noreferrer', target: '_blank' }, inline(m[7]))
                               : document.createTextNode(m[0]));
    }
    last = pattern.lastIndex;
  }
  if (last < text.length) nodes.push(document.createTextNode(text.slice(last)));
  return nodes;
}

/** A whole reply, as a fragment. */
export function markdown(source) {
  const lines = String(source).replace(/\r\n?/g, '\n').split('\n');
  const out = document.createDocumentFragment();
  let i = 0;
  const paragraph = [];
  const flush = () => {
    if (paragraph.length) out.append(el('p', {}, inline(paragraph.join(' '))));
    paragraph.length = 0;
  };
  while (i < lines.length) {
    const line = lines[i];
    const fence = line.match(/^\s*(```+|~~~+)\s*([\w+#.-]*)\s*$/);
    if (fence) {
      flush();
      const body = [];
      i += 1;
      while (i < lines.length && !lines[i].trim().startsWith(fence[1])) { body.push(lines[i]); i += 1; }
      i += 1; // the closing fence, or the end of an unfinished (still streaming) block
      const code = el('code', fence[2] ? { class: `language-${fence[2]}` } : {}, body.join('\n'));
      out.append(el('pre', {}, code));
      continue;
    }
    const heading = line.match(/^(#{1,6})\s+(.*)$/);
    if (heading) {
      flush();
      out.append(el(`h${Math.min(6, heading[1].length + 2)}`, {}, inline(heading[2])));
      i += 1;
      continue;
    }
    const item = line.match(/^\s*([-*+]|\d+[.)])\s+(.*)$/);
    if (item) {
      flush();
      const ordered = /\d/.test(item[1]);
      const list = el(ordered ? 'ol' : 'ul');
      while (i < lines.length) {
        const m = lines[i].match(/^\s*([-*+]|\d+[.)])\s+(.*)$/);
        if (!m || /\d/.test(m[1]) !== ordered) break;
        list.append(el('li', {}, inline(m[2])));
        i += 1;
      }
      out.append(list);
      continue;
    }
    if (line.startsWith('>')) {
      flush();
      const quoted = [];
      while (i < lines.length && lines[i].startsWith('>')) { quoted.push(lines[i].replace(/^>\s?/, '')); i += 1; }
      out.append(el('blockquote', {}, markdown(quoted.join('\n'))));
      continue;
    }
    if (line.trim() === '') flush(); else paragraph.push(line.trim());
    i += 1;
  }
  flush();
  return out;
}
