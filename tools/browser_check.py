"""Open every page of the built book in headless Chromium and report what a reader would hit.

Serves the HTML folder on localhost and loads each page with Debian's ``chromium``
driven through ``chromedriver`` (Selenium; no browser is downloaded). A page fails on:
a request the server answers with an error (page, image, script or style), an image
that does not render (natural width 0), a console error, an internal link to a
missing page or anchor, a traceback or warning in the text, a printed dict where a
table belongs, a table wider than the page at 1400 px (its verdict column off-screen),
an image without alt text (or with a file hash as its alt), a figure numbered across the
whole book (the paper's Fig. 5 shown as "Fig. 8"), and a chapter that does not open with its
verdicts of record. Saves screenshots of the landing page and of three
chapters.

    python tools/browser_check.py _build/book/_build/html --screenshots _build/screenshots
"""
from __future__ import annotations

import argparse
import functools
import http.server
import re
import shutil
import sys
import threading
from pathlib import Path
from urllib.parse import unquote, urldefrag, urlparse

CHROMIUM, CHROMEDRIVER = "/usr/bin/chromium", "/usr/bin/chromedriver"
SCREENSHOTS = {"landing.png": "index.html", "double_descent.png": "book/executed/double_descent.html",
               "classification.png": "book/executed/classification.html",
               "lottery.png": "book/executed/lottery.html", "scorecard.png": "book/generated/scorecard.html"}
WIDTH = 1400  # px: the reader's window
WIDE_TABLES = ("return [...document.querySelectorAll('main table')].filter(t => t.getBoundingClientRect().right > "
               "document.documentElement.clientWidth + 1 || (t.parentElement.scrollWidth > "
               "t.parentElement.clientWidth + 1)).map(t => (t.innerText || '').slice(0, 60));")
NO_ALT = ("return [...document.querySelectorAll('main img')].filter(i => !i.alt || /^[0-9a-f]{16,}/.test(i.alt))"
          ".map(i => i.src);")
BOOK_FIGURE_NUMBERS = "return [...document.querySelectorAll('.caption-number')].map(c => c.innerText);"
RECORD_BANNER = ("Results of record", "Not yet run at the paper")  # (Sphinx curls the apostrophe)
PROBLEM_TEXT = re.compile(r"Traceback \(most recent call last\)|\b[A-Z]\w*(?:Warning|Error): ")
DICT_OUTPUT = re.compile(r"^\s*\{\s*['\"]")  # a printed dict: {'key': ...
BROKEN_IMAGES = "return [...document.images].filter(i => !i.complete || i.naturalWidth === 0).map(i => i.src);"
OUTPUT_TEXTS = "return [...document.querySelectorAll('.cell_output pre')].map(p => p.innerText);"
LINKS = "return [...document.querySelectorAll('a[href]')].map(a => a.href);"


def browser_available() -> str | None:
    """None when Chromium, its driver and Selenium are all here, else what is missing."""
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not shutil.which(p)]
    try:
        import selenium  # noqa: F401
    except ImportError:
        missing.append("selenium (pip)")
    return ", ".join(missing) or None


class _Server:
    """A quiet static server on a free localhost port that remembers failed requests."""

    def __init__(self, root: Path):
        failures = self.failures = []

        class Handler(http.server.SimpleHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def send_error(self, code, message=None, explain=None):
                failures.append(f"HTTP {code}: {self.path}")
                super().send_error(code, message, explain)

        class Server(http.server.ThreadingHTTPServer):
            def handle_error(self, request, client_address):
                pass  # the browser left a page before a response was written: not the book's problem

        self.httpd = Server(("127.0.0.1", 0), functools.partial(Handler, directory=str(root)))
        self.base = f"http://127.0.0.1:{self.httpd.server_address[1]}/"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()


def _driver():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for flag in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 f"--window-size={WIDTH},1600", "--no-first-run", "--disable-background-networking"):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    return webdriver.Chrome(service=Service(CHROMEDRIVER), options=options)


def _anchors(page: Path, cache: dict) -> set[str]:
    if page not in cache:
        cache[page] = set(re.findall(r'\bid="([^"]+)"', page.read_text(errors="replace")))
    return cache[page]


def check_book(html: Path, screenshots: Path | None = None) -> dict[str, list[str]]:
    """Problems per page (relative path -> messages) of the book built in ``html``; empty when all is well."""
    html = Path(html)
    pages = sorted(p.relative_to(html).as_posix() for p in html.rglob("*.html") if "_static" not in p.parts)
    if "index.html" not in pages:
        return {"index.html": ["the book has no landing page"]}
    server, driver, problems, anchor_cache = _Server(html), _driver(), {}, {}
    try:
        for page in pages:
            found = []
            server.failures.clear()
            driver.get(server.base + page)
            if driver.execute_script("return document.readyState") != "complete":
                found.append("page did not finish loading")
            found += [f"image does not render: {src}" for src in driver.execute_script(BROKEN_IMAGES)]
            found += [f"console {e['level']}: {e['message']}" for e in driver.get_log("browser")
                      if e["level"] == "SEVERE"]
            text = driver.find_element("tag name", "body").text
            found += [f"text shows {m.group(0).strip()!r}" for m in PROBLEM_TEXT.finditer(text)]
            found += [f"printed dict instead of a table: {t[:60]!r}" for t in driver.execute_script(OUTPUT_TEXTS)
                      if DICT_OUTPUT.match(t)]
            found += [f"table wider than the page at {WIDTH} px: {t!r}" for t in driver.execute_script(WIDE_TABLES)]
            found += [f"image without alt text: {src}" for src in driver.execute_script(NO_ALT)]
            found += [f"figure numbered across the book: {n.strip()!r}"
                      for n in driver.execute_script(BOOK_FIGURE_NUMBERS)]
            if page.startswith("book/executed/") and not any(b in text for b in RECORD_BANNER):
                found.append("the chapter does not open with its verdicts of record")
            for href in driver.execute_script(LINKS):
                url, fragment = urldefrag(href)
                if not url.startswith(server.base):
                    continue  # external
                target = html / unquote(urlparse(url).path).lstrip("/")
                if target.is_dir():
                    target = target / "index.html"
                if not target.exists():
                    found.append(f"broken link: {href}")
                elif fragment and target.suffix == ".html" and unquote(fragment) not in _anchors(target, anchor_cache):
                    found.append(f"broken anchor: {href}")
            found += list(server.failures)
            if found:
                problems[page] = sorted(set(found))
        if screenshots:
            screenshots.mkdir(parents=True, exist_ok=True)
            for name, page in SCREENSHOTS.items():
                if page in pages:
                    driver.get(server.base + page)
                    driver.save_screenshot(str(screenshots / name))
            if server.failures:
                problems["(screenshots)"] = sorted(set(server.failures))
    finally:
        driver.quit()
        server.close()
    return problems


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("html", type=Path, help="the built book's HTML folder")
    parser.add_argument("--screenshots", type=Path, default=None, help="folder for the screenshots")
    args = parser.parse_args(argv)
    missing = browser_available()
    if missing:
        print(f"cannot check the book in a browser: missing {missing} (make browser installs them)")
        return 2
    problems = check_book(args.html, args.screenshots)
    for page, messages in problems.items():
        print(page, *(f"  {m}" for m in messages), sep="\n")
    n = len(list(args.html.rglob("*.html")))
    print(f"browser check: {len(problems)} of {n} pages with problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
