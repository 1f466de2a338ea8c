"""What the browser checks share: headless Chromium (Debian's chromium-driver) through
Selenium, a page helper with waits, and JSON calls to the server under test (TROVE_URL).
Used by webapp_check.py and widget_check.py.
"""
import contextlib
import json
import os
import sys
import urllib.request

from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions as EC
from selenium.webdriver.support.ui import WebDriverWait

BASE = os.environ["TROVE_URL"].rstrip("/")
ARTIFACTS = os.environ.get("TROVE_ARTIFACTS") or __import__("tempfile").mkdtemp(prefix="trove-web-")
os.makedirs(ARTIFACTS, exist_ok=True)


def check(condition, message):
    if not condition:
        raise AssertionError(message)


def browser(width):
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", f"--window-size={width},900"]:
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    # A window cannot be narrower than about 500 px, so the phone width is emulated.
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride",
                           {"width": width, "height": 900, "deviceScaleFactor": 1, "mobile": width < 700})
    return driver


class Page:
    def __init__(self, driver, width):
        self.d, self.width = driver, width
        self.wait = WebDriverWait(driver, 30)

    def find(self, css):
        return self.wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, css)))

    def visible(self, css):
        return self.wait.until(EC.visibility_of_element_located((By.CSS_SELECTOR, css)))

    def text_in(self, css, text):
        self.wait.until(EC.text_to_be_present_in_element((By.CSS_SELECTOR, css), text))

    def set_value(self, css, value):
        field = self.find(css)
        self.d.execute_script("arguments[0].value = arguments[1]", field, value)

    def type(self, css, text):
        field = self.visible(css)
        field.clear()
        field.send_keys(text)

    def click_text(self, tag, text, scope=None):
        root = scope or self.d
        for candidate in root.find_elements(By.TAG_NAME, tag):
            if candidate.text.strip() == text and candidate.is_displayed():
                self.d.execute_script("arguments[0].scrollIntoView({block: 'center'})", candidate)
                candidate.click()
                return candidate
        raise AssertionError(f"no visible <{tag}> says {text!r}")

    def go(self, route):
        # The menu is folded on phones; a hash change is what a tap on a link does.
        self.d.execute_script("location.hash = arguments[0]", route)

    def shot(self, name):
        self.d.save_screenshot(os.path.join(ARTIFACTS, f"{name}-{self.width}.png"))

    def sign_in(self, username, password):
        self.type("input[name=username]", username)
        self.type("input[name=password]", password)
        self.find("form.login button[type=submit]").click()


def api(method, path, body=None, token=None):
    request = urllib.request.Request(BASE + path, method=method, data=None if body is None else json.dumps(body).encode())
    request.add_header("Content-Type", "application/json")
    if token:
        request.add_header("Authorization", "Bearer " + token)
    with urllib.request.urlopen(request, timeout=60) as r:
        text = r.read()
        return json.loads(text) if text else None


@contextlib.contextmanager
def opened(width, name):
    """A browser `width` px wide and its page helper. On a failed check, a screenshot
    (`<name>-failure`) and the browser's console go to the artifacts and stderr; the browser
    is closed in any case."""
    d = browser(width)
    p = Page(d, width)
    try:
        yield d, p
    except (AssertionError, TimeoutException):
        p.shot(f"{name}-failure")
        print("console:", d.get_log("browser"), file=sys.stderr)
        raise
    finally:
        d.quit()
