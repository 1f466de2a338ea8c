/* Trove's embed widget. On the owner's site:
 *   <script src="https://trove.example/widget.js" data-bot-id="BOT_ID" async></script>
 * adds a launcher button that opens the bot's chat page (/chat/BOT_ID) in a frame. It
 * defines no global name, and lives in a shadow root whose styles are set through the
 * CSSOM, so the host page's CSS and scripts and the widget leave each other alone. The
 * frame's own page is served with `frame-ancestors` naming the bot's allowed origins, and
 * the bot's settings answer only those, so on another site no launcher appears. */
(function () {
  'use strict';
  var script = document.currentScript;
  if (!script || !script.src) return;
  var botId = script.getAttribute('data-bot-id');
  if (!botId) { console.warn('Trove widget: the script tag needs data-bot-id'); return; }
  var origin = new URL(script.src).origin;
  var chatURL = origin + '/chat/' + encodeURIComponent(botId) + '?embed=1';

  function css(node, styles) {
    for (var name in styles) node.style.setProperty(name, styles[name], 'important');
    return node;
  }

  /** A 24-px outline icon of `path` (a speech bubble; a cross when open), drawn in SVG so no font is needed. */
  function icon(path) {
    var ns = 'http://www.w3.org/2000/svg';
    var svg = document.createElementNS(ns, 'svg');
    svg.setAttribute('viewBox', '0 0 24 24');
    svg.setAttribute('width', '26');
    svg.setAttribute('height', '26');
    svg.setAttribute('aria-hidden', 'true');
    var line = document.createElementNS(ns, 'path');
    line.setAttribute('d', path);
    line.setAttribute('fill', 'none');
    line.setAttribute('stroke', '#fff');
    line.setAttribute('stroke-width', '2');
    line.setAttribute('stroke-linejoin', 'round');
    svg.appendChild(line);
    return svg;
  }

  function build(settings) {
    var host = document.createElement('div');
    host.setAttribute('data-trove-widget', botId);
    css(host, { all: 'initial', position: 'fixed', 'z-index': '2147483000', bottom: '20px' });
    css(host, settings.position === 'bottom-left' ? { left: '20px' } : { right: '20px' });
    var root = host.attachShadow({ mode: 'open' });
    var panel = css(document.createElement('div'), {
      display: 'none', position: 'absolute', bottom: '72px', width: 'min(380px, calc(100vw - 40px))',
      height: 'min(600px, calc(100vh - 120px))', 'border-radius': '14px', overflow: 'hidden',
      'box-shadow': '0 12px 40px rgba(0,0,0,.25)', background: '#fff',
    });
    css(panel, settings.position === 'bottom-left' ? { left: '0' } : { right: '0' });
    var frame = null;
    var button = css(document.createElement('button'), {
      all: 'initial', display: 'flex', 'align-items': 'center', 'justify-content': 'center', width: '56px', height: '56px',
      'border-radius': '50%', background: settings.color || '#2563eb', color: '#fff', cursor: 'pointer',
      'box-shadow': '0 6px 20px rgba(0,0,0,.25)', font: '600 22px/1 system-ui, sans-serif',
    });
    button.type = 'button';
    button.appendChild(icon('M4 5h16v11H8l-4 4z'));
    button.setAttribute('aria-label', 'Open chat: ' + (settings.title || settings.name || 'chat'));
    button.setAttribute('aria-expanded', 'false');
    button.addEventListener('click', function () {
      var open = panel.style.getPropertyValue('display') === 'none';
      if (open && !frame) {
        // The frame is made on first open, so a page that never opens the chat costs nothing.
        frame = css(document.createElement('iframe'), { border: '0', width: '100%', height: '100%', display: 'block' });
        frame.title = settings.title || settings.name || 'Chat';
        frame.src = chatURL;
        frame.setAttribute('allow', 'clipboard-write');
        panel.appendChild(frame);
      }
      css(panel, { display: open ? 'block' : 'none' });
      button.replaceChildren(icon(open ? 'M6 6l12 12M18 6L6 18' : 'M4 5h16v11H8l-4 4z'));
      button.setAttribute('aria-expanded', open ? 'true' : 'false');
      button.setAttribute('aria-label', (open ? 'Close chat: ' : 'Open chat: ') + (settings.title || settings.name || 'chat'));
    });
    root.appendChild(panel);
    root.appendChild(button);
    document.body.appendChild(host);
  }

  fetch(origin + '/api/chat/' + encodeURIComponent(botId), { credentials: 'omit' })
    .then(function (r) { if (!r.ok) throw new Error('the bot answered ' + r.status); return r.json(); })
    .then(function (bot) {
      var settings = { name: bot.name, title: bot.widget.title, color: bot.widget.color, position: bot.widget.position };
      if (document.body) build(settings); else document.addEventListener('DOMContentLoaded', function () { build(settings); });
    })
    .catch(function (e) { console.warn('Trove widget: the chat is not available on this page (' + e.message + ')'); });
})();
