"""The web app in headless Chromium (Selenium, Debian's chromium-driver) against a live
`trove serve` whose chat model is the stand-in. Run by Tests/troveTests/WebAppBrowserTests.swift.

Environment: TROVE_URL, TROVE_ADMIN_PASSWORD, TROVE_ARTIFACTS (screenshots go there).
Prints one "... ok" line per flow; any failure raises and exits non-zero.
"""
import datetime
import os
import sys
import tempfile
import time
import urllib.request

from selenium.common.exceptions import TimeoutException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from browsing import BASE, Page, api, browser, check

ADMIN_PASSWORD = os.environ["TROVE_ADMIN_PASSWORD"]
DIMENSION = int(os.environ.get("TROVE_DIM", "16"))


def seed_collection(name, creek):
    """A collection made through the API (the explorer only reads): text, a day, and a
    vector the server embeds from the text."""
    token = api("POST", "/api/auth/login", {"username": "admin", "password": ADMIN_PASSWORD})["access_token"]
    api("POST", "/api/collections", {"name": name, "schema": {"fields": [
        {"name": "body", "type": "text"}, {"name": "day", "type": "timestamp"},
        {"name": "emb", "type": "vector", "dimension": DIMENSION, "embed": {"from": "body", "model": "embed"}}]}}, token)
    for i, body in enumerate([f"Otters at {creek} Creek fish at dawn.", "Herons nest in the reeds.", "The kettle is on; tea at five."]):
        api("PUT", f"/api/collections/{name}/documents/n{i}", {"body": body, "day": f"2026-11-0{i + 1}T09:00:00Z"}, token)


def csp_and_etag():
    with urllib.request.urlopen(BASE + "/") as r:
        csp = r.headers.get("Content-Security-Policy", "")
        etag = r.headers.get("ETag")
        body = r.read().decode()
    check("script-src 'self'" in csp and "unsafe-inline" not in csp, f"CSP: {csp!r}")
    check("<script>" not in body and "onclick=" not in body, "the page has no inline script")
    request = urllib.request.Request(BASE + "/", headers={"If-None-Match": etag})
    try:
        urllib.request.urlopen(request)
        raise AssertionError("an unchanged page was sent again")
    except urllib.error.HTTPError as e:
        check(e.code == 304, f"If-None-Match answered {e.code}")
    print("csp ok")


def flows(width):
    d = browser(width)
    p = Page(d, width)
    stamp = f"{width}-{int(time.time())}"
    # Each width's file names its own creek: retrieval then has one best passage per run.
    creek = {390: "Bramble"}.get(width, "Willow")
    try:
        d.get(BASE + "/")
        inner = d.execute_script("return window.innerWidth")
        check(inner == width, f"the page is {inner} px wide, not {width}")
        # A wrong password is said in words, and nothing else happens.
        p.sign_in("admin", "not-the-password")
        p.text_in("#alert", "wrong username or password")
        check(d.find_elements(By.CSS_SELECTOR, "form.login"), "still on the sign-in form")
        p.shot("signin-error")
        p.sign_in("admin", ADMIN_PASSWORD)
        p.visible("header.top")
        print(f"signin {width} ok")

        # Admin: an agent whose model streams slowly, with retrieval on, and a user.
        p.go("#/agents")
        p.type("form[aria-label='New agent'] input[name=name]", f"Helper {stamp}")
        p.type("form[aria-label='New agent'] input[name=model]", "drip")
        checkbox = p.find("form[aria-label='New agent'] input[name=retrieval]")
        if not checkbox.is_selected():
            d.execute_script("arguments[0].click()", checkbox)
        p.find("form[aria-label='New agent'] button[type=submit]").click()
        p.text_in("table[aria-label=Agents]", f"Helper {stamp}")
        p.go("#/admin/users")
        p.type("input[name=new-username]", f"reader-{width}")
        p.type("input[name=new-password]", "reader-password-1")
        p.find("form[aria-label='New user'] button[type=submit]").click()
        p.text_in("table[aria-label=Users]", f"reader-{width}")
        p.shot("admin-users")
        print(f"admin {width} ok")

        # Files: upload a text file through the picker; it is indexed.
        path = os.path.join(tempfile.mkdtemp(), f"otters-{width}.txt")
        with open(path, "w") as f:
            f.write(f"Field notes. The otter colony at {creek} Creek counts forty-two otters, "
                    "and they fish at dawn near the old mill.\n")
        p.go("#/files")
        p.find("#file-picker").send_keys(path)
        p.text_in("table[aria-label=Files]", f"otters-{width}.txt")
        p.wait.until(lambda _: "indexed" in p.find(f"tr[data-name='otters-{width}.txt']").text)
        p.shot("files")
        print(f"files {width} ok")

        # Chat with the agent: the reply streams in, then cites the file.
        p.go("#/chat")
        select = p.find("select[name=agent]")
        for option in select.find_elements(By.TAG_NAME, "option"):
            if option.text == f"Helper {stamp}":
                option.click()
        p.find("form.card button[type=submit]").click()
        p.visible("textarea[name=message]").send_keys(f"How many otters live at {creek} Creek?")
        p.find("form.composer button[type=submit]").click()
        streaming = p.visible("article.message.assistant.streaming")
        p.wait.until(lambda _: streaming.find_element(By.CSS_SELECTOR, ".content").text.strip() != "")
        partial = streaming.find_element(By.CSS_SELECTOR, ".content").text
        check(p.find("form.composer button.danger").is_displayed(), "Stop is offered while the reply streams")
        p.shot("chat-streaming")
        p.wait.until(lambda _: not d.find_elements(By.CSS_SELECTOR, "article.message.assistant.streaming"))
        reply = d.find_elements(By.CSS_SELECTOR, "article.message.assistant")[-1]
        check(len(reply.find_element(By.CSS_SELECTOR, ".content").text) > len(partial), "the reply grew after the first piece")
        # The other width's run uploaded a file of the same words: this run's must be among the sources.
        cited = {c.text: c for c in reply.find_elements(By.CSS_SELECTOR, "ol.sources a.citation")}
        check(f"otters-{width}.txt" in cited, f"cites {list(cited)}")
        citation = cited[f"otters-{width}.txt"]
        check("tokens" in reply.find_element(By.CSS_SELECTOR, ".usage").text, "shows the reply's token usage")
        p.text_in(".total-usage", "tokens over 1 replies")
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", citation)
        citation.click()
        p.text_in("dialog.passage pre", f"{creek} Creek")
        p.shot("chat-citation")
        scroll = d.execute_script("return document.documentElement.scrollWidth")
        check(scroll <= width, f"the chat page is {scroll} px wide in a {width} px viewport")
        p.find("dialog.passage form button").click()
        print(f"chat stream {width} ok")

        # Stop generating: the partial reply stays, marked stopped. The stand-in echoes the
        # question a word every 250 ms, so a long one streams for about 20 s: a CI run's
        # loaded browser once took longer than a short reply's 3 s to press Stop.
        question = "Tell me more about the mill and the dawn fishing, " + " ".join(f"then the reeds, the herons and the tide at hour {i}," for i in range(8))
        p.visible("textarea[name=message]").send_keys(question)
        p.find("form.composer button[type=submit]").click()
        p.visible("form.composer button.danger").click()
        p.text_in(".messages", "Stopped.")
        print(f"stop {width} ok")

        # Message search with a date range: today finds it, yesterday does not.
        today = datetime.date.today()
        yesterday = today - datetime.timedelta(days=1)
        p.type("input[name=q]", creek)
        p.set_value("input[name=from]", today.isoformat())
        p.set_value("input[name=to]", today.isoformat())
        p.find("form[role=search] button[type=submit]").click()
        p.text_in("ul[aria-label='Message search results']", creek)
        hit = p.find("ul[aria-label='Message search results'] a")
        check("#/chat/" in hit.get_attribute("href"), "a hit opens its conversation")
        p.set_value("input[name=from]", yesterday.isoformat())
        p.set_value("input[name=to]", yesterday.isoformat())
        p.find("form[role=search] button[type=submit]").click()
        p.text_in(".sidebar", "No message matches.")
        p.shot("chat-search")
        print(f"message search {width} ok")

        # The search explorer: a collection's schema, a text search with snippets, a hybrid
        # one (the server embeds the query), and a time range that leaves one document out.
        seed_collection(f"notes-{width}", creek)
        p.go("#/search")
        pick = p.find("select[name=collection]")
        d.execute_script("arguments[0].value = arguments[1]; arguments[0].dispatchEvent(new Event('change'))", pick, f"notes-{width}")
        p.text_in("table[aria-label=Schema]", "embed")
        p.type("input[name=text]", creek)
        p.find("form[aria-label='Search the collection'] button[type=submit]").click()
        p.text_in("ol[aria-label=Results]", creek)
        check(p.find("ol[aria-label=Results] mark").text.lower() == creek.lower(), "the snippet marks the query word")
        p.type("input[name=text]", "birds in the reeds")
        Select(p.find("select[name=mode]")).select_by_value("hybrid")
        p.find("form[aria-label='Search the collection'] button[type=submit]").click()
        p.wait.until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "ol[aria-label=Results] > li")) == 3)
        Select(p.find("select[name=time-field]")).select_by_value("day")
        p.set_value("input[name=from]", "2026-11-02T00:00")
        p.find("form[aria-label='Search the collection'] button[type=submit]").click()
        p.wait.until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "ol[aria-label=Results] > li")) == 2)
        p.shot("search")
        # An API key is shown once; health names the embedder and the provider's state.
        p.go("#/keys")
        p.type("form.row input", f"browser {width}")
        p.find("form.row button[type=submit]").click()
        check(p.visible("[data-testid=new-key]").text.startswith("trv_"), "the new key is shown")
        # Usage is a chart: a bar per day with replies, split by agent.
        p.go("#/usage")
        p.wait.until(lambda _: len(d.find_elements(By.CSS_SELECTOR, "svg.chart rect")) >= 1)
        check(f"Helper {stamp}" in p.find(".legend").text, "the chart's legend names the agent")
        p.go("#/admin/health")
        p.text_in("table[aria-label=Health]", "Provider status")
        p.text_in("table[aria-label=Health]", "ok")
        # The theme switch flips the page between light and dark.
        before = d.execute_script("return getComputedStyle(document.body).backgroundColor")
        p.find("#theme").click()
        after = d.execute_script("return getComputedStyle(document.body).backgroundColor")
        check(before != after, f"the theme switch changed nothing ({before})")
        p.find("#theme").click()
        print(f"search keys health theme {width} ok")

        # Sign out, then the new user: no admin links, and the admin page by URL shows nothing of it.
        p.find("#signout").click()
        p.visible("form.login")
        p.sign_in(f"reader-{width}", "reader-password-1")
        p.visible("header.top")
        admin_links = [a for a in d.find_elements(By.CSS_SELECTOR, "nav a[data-admin]") if a.is_displayed()]
        check(not admin_links, "a user sees no admin links")
        p.go("#/admin/users")
        p.text_in("main", "Admins only")
        check(not d.find_elements(By.CSS_SELECTOR, "table[aria-label=Users]"), "no user table for a user")
        # A password change keeps this session (its new token) and the new password signs in.
        p.go("#/account")
        p.type("input[autocomplete=current-password]", "reader-password-1")
        p.type("input[autocomplete=new-password]", "reader-password-2")
        p.find("main form button[type=submit]").click()
        p.text_in("#alert", "Password changed.")
        p.go("#/keys")
        p.visible("form.row button[type=submit]")
        check(not d.find_elements(By.CSS_SELECTOR, "form.login"), "still signed in after the change")
        p.find("#signout").click()
        p.visible("form.login")
        p.sign_in(f"reader-{width}", "reader-password-2")
        p.visible("header.top")
        p.find("#signout").click()
        p.visible("form.login")
        print(f"roles and signout {width} ok")

        # Nothing went wrong in the console beyond the one refused sign-in (a 401 is logged
        # by Chromium as a failed resource; it is the point of that step).
        errors = [e for e in d.get_log("browser") if e["level"] == "SEVERE"
                  and not ("/api/auth/login" in e["message"] and "401" in e["message"])]
        check(not errors, f"console errors: {errors}")
        print(f"console {width} ok")
    except (AssertionError, TimeoutException):
        p.shot("failure")
        print("console:", d.get_log("browser"), file=sys.stderr)
        print("page:", d.find_element(By.TAG_NAME, "body").text[:3000], file=sys.stderr)
        raise
    finally:
        d.quit()


csp_and_etag()
for width in (390, 1280):
    flows(width)
print("all ok")
