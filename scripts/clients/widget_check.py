"""A public bot's embed widget and hosted chat page in headless Chromium (Selenium, Debian's
chromium-driver) against a live `trove serve` whose chat model is the stand-in. Run by
Tests/troveTests/BotWidgetBrowserTests.swift.

Two host pages are served from other 127.0.0.1 ports (other origins): one the bot allows,
whose CSS and scripts are hostile to a careless widget, and one it does not allow.

Environment: TROVE_URL, TROVE_ADMIN_PASSWORD, TROVE_ARTIFACTS (screenshots go there).
Prints one "... ok" line per flow; any failure raises and exits non-zero.
"""
import http.server
import os
import threading
import time
import urllib.error
import urllib.request

from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys

from browsing import BASE, api, check, opened

ADMIN_PASSWORD = os.environ["TROVE_ADMIN_PASSWORD"]

# Styles and names a careless widget would trip over: a global `trove`, every button
# hidden, every iframe hidden, every div boxed in red.
HOST_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Shop</title><link rel="icon" href="data:,">
<style>
  * {{ font-family: serif !important; }}
  button {{ display: none !important; width: 1px !important; }}
  iframe {{ display: none !important; }}
  div {{ border: 5px solid red !important; background: yellow !important; }}
</style>
<script>var trove = "the host's"; window.namesBefore = Object.keys(window);</script>
</head><body><h1>The shop</h1><p>Some products.</p>
<script src="{base}/widget.js" data-bot-id="{bot}" async></script>
</body></html>"""

FRAMING_PAGE = """<!doctype html>
<html><head><meta charset="utf-8"><title>Framing</title><link rel="icon" href="data:,"></head>
<body><iframe id="direct" src="{base}/chat/{bot}" width="400" height="500"></iframe></body></html>"""


def serve_pages(pages):
    """Serves `pages` (path → HTML) on a new 127.0.0.1 port; returns the origin."""
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path.split("?")[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "not here").encode())

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}"


def make_bot(allowed_origin):
    token = api("POST", "/api/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})["access_token"]
    bot = api("POST", "/api/agents", {
        "name": "Shop helper", "model": "drip", "public": True, "allowed_origins": [allowed_origin],
        "widget": {"title": "Ask the shop", "greeting": "Hello! Ask me anything.", "color": "#0a7d45", "position": "bottom-left"},
    }, token)
    return bot["id"], token


def headers_of(path):
    with urllib.request.urlopen(BASE + path) as r:
        return r.headers


def widget_on_allowed_site(origin, bot):
    with opened(1280, "widget") as (d, p):
        d.get(origin + "/shop.html")
        host = p.find(f"[data-trove-widget='{bot}']")
        launcher = host.shadow_root.find_element(By.CSS_SELECTOR, "button")
        size = d.execute_script("const s = getComputedStyle(arguments[0]); return [s.width, s.display, s.backgroundColor]", launcher)
        check(size[0] == "56px" and size[1] == "flex" and size[2] == "rgb(10, 125, 69)", f"the launcher kept its own look: {size}")
        box = d.execute_script("const s = getComputedStyle(arguments[0]); return [s.borderTopWidth, s.left]", host)
        check(box == ["0px", "20px"], f"the host page's div rule did not reach the widget, and it sits bottom-left: {box}")
        # Selenium's own element lookups leave two names on the page; anything else is the widget's.
        selenium = ["se_exportedFunctionSymbol", "ret_nodes"]
        names = d.execute_script("return [window.trove, Object.keys(window).filter(k => !window.namesBefore.includes(k) && k !== 'namesBefore' && !arguments[0].includes(k))]", selenium)
        check(names[0] == "the host's" and names[1] == [], f"the widget left the host's names alone and added none: {names}")
        print("widget isolation ok")
        launcher.click()
        frame = host.shadow_root.find_element(By.CSS_SELECTOR, "iframe")
        check(d.execute_script("return getComputedStyle(arguments[0]).display", frame) == "block", "the frame shows despite the host's iframe rule")
        d.switch_to.frame(frame)
        p.text_in("#bot-title", "Ask the shop")
        p.text_in("#bot-log li.assistant", "Hello! Ask me anything.")
        p.type("#bot-input", "do you sell lanterns")
        p.find("#bot-input").send_keys(Keys.ENTER)
        # The stand-in's `drip` model streams slowly: the reply is seen part-way, then whole.
        reply = "Echo: do you sell lanterns"
        partial = None
        deadline = time.time() + 30
        while time.time() < deadline:
            texts = [e.text for e in d.find_elements(By.CSS_SELECTOR, "#bot-log li.assistant")]
            last = texts[-1] if len(texts) > 1 else ""
            if last and last != reply and reply.startswith(last):
                partial = partial or last
            if last == reply:
                break
            time.sleep(0.05)
        check(partial is not None, "the reply was never seen part-way: it did not stream")
        p.text_in("#bot-log li.assistant:last-child", reply)
        print("widget streams ok")
        d.switch_to.default_content()
        p.shot("widget-open")
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        check(not errors, f"console errors: {errors}")
        print("widget allowed ok")


def widget_on_other_site(origin, bot):
    with opened(1280, "other-site") as (d, p):
        d.get(origin + "/shop.html")
        time.sleep(3)
        check(not d.find_elements(By.CSS_SELECTOR, "[data-trove-widget]"), "a site the bot does not allow got a launcher")
        print("widget refused ok")
        # Framing the chat page directly is refused by its frame-ancestors.
        d.get(origin + "/frame.html")
        d.switch_to.frame(p.find("#direct"))
        time.sleep(2)
        check(not d.find_elements(By.CSS_SELECTOR, "#bot-input"), "the chat page loaded in a frame of a site not allowed")
        d.switch_to.default_content()
        print("frame refused ok")


def hosted_page(bot):
    with opened(390, "hosted") as (d, p):
        d.get(f"{BASE}/chat/{bot}")
        check(d.execute_script("return window.innerWidth") == 390, "phone width")
        p.text_in("#bot-log li.assistant", "Hello! Ask me anything.")
        p.type("#bot-input", "what are your hours")
        p.find("#bot-send").click()
        p.text_in("#bot-log li.assistant:last-child", "Echo: what are your hours")
        # Done (the stored reply came): a reload before then would cancel the exchange.
        p.wait.until(lambda _: d.execute_script("return !document.getElementById('bot-send').disabled"
                                                " && !document.querySelector('#bot-log li.pending')"))
        form = d.execute_script("const r = document.getElementById('bot-form').getBoundingClientRect(); return [r.bottom, window.innerHeight, document.documentElement.scrollWidth]")
        check(form[0] <= form[1] + 1 and form[2] <= 390, f"the composer fits the phone's screen: {form}")
        p.shot("hosted")
        print("hosted page 390 ok")
        # A reload keeps the visitor's session and shows its history; New chat ends it.
        d.refresh()
        p.text_in("#bot-log li.user", "what are your hours")
        p.text_in("#bot-log li.assistant:last-child", "Echo: what are your hours")
        session = d.execute_script(f"return localStorage.getItem('trove.bot.{bot}.session')")
        check(session and session.startswith("vs_"), f"the session is kept: {session}")
        p.find("#bot-new").click()
        p.wait.until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "#bot-log li")) == 1)
        try:
            urllib.request.urlopen(f"{BASE}/api/chat/{bot}/session/{session}")
            raise AssertionError("the ended session still answers")
        except urllib.error.HTTPError as e:
            check(e.code == 404, f"the ended session answered {e.code}")
        print("history kept ok")
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"]
        check(not errors, f"console errors: {errors}")
        print("console ok")


def admin_snippet(bot):
    """The agents page shows a public bot's snippet, ready to paste."""
    with opened(1280, "admin") as (d, p):
        d.get(BASE + "/")
        p.sign_in("admin", ADMIN_PASSWORD)
        p.visible("header.top")
        p.go("#/agents")
        p.text_in("table[aria-label=Agents]", "Shop helper")
        row = [r for r in d.find_elements(By.CSS_SELECTOR, "table[aria-label=Agents] tr") if "Shop helper" in r.text][0]
        check("public" in row.text, f"the list says the bot is public: {row.text}")
        p.click_text("button", "Edit", scope=row)
        snippet = p.find("textarea[name=widget_snippet]").get_attribute("value")
        check(snippet == f'<script src="{BASE}/widget.js" data-bot-id="{bot}" async></script>', f"the snippet: {snippet}")
        check(p.find("input[name=public]").is_selected(), "the public box is ticked")
        p.shot("admin-snippet")
        print("admin snippet ok")


def main():
    pages = {}
    allowed = serve_pages(pages)
    other = serve_pages(pages)
    bot, token = make_bot(allowed)
    pages["/shop.html"] = HOST_PAGE.format(base=BASE, bot=bot)
    pages["/frame.html"] = FRAMING_PAGE.format(base=BASE, bot=bot)
    csp = headers_of(f"/chat/{bot}")["Content-Security-Policy"]
    check(csp.endswith(f"frame-ancestors {allowed}") and "unsafe-inline" not in csp, f"the page's CSP: {csp}")
    widget = headers_of("/widget.js")
    check(widget["Content-Type"].startswith("text/javascript") and widget.get("Content-Security-Policy") is None, "widget.js headers")
    print("headers ok")
    widget_on_allowed_site(allowed, bot)
    widget_on_other_site(other, bot)
    hosted_page(bot)
    admin_snippet(bot)
    # The owner sees the visitors' conversations under the bot.
    conversations = api("GET", f"/api/conversations?agent_id={bot}", token=token)["data"]
    check(len(conversations) >= 1, f"the owner sees the visitors' conversations: {conversations}")
    print("owner sees visitors ok")


main()
print("all ok")
