"""Shared real-browser helpers: Debian's Chromium driven through playwright, and a static HTTP server.

Use from a test module::

    from browser import page_errors, serve_dir  # the ``chromium`` fixture is registered in conftest.py

    def test_home(chromium, tmp_path):
        with serve_dir(site_dir) as base:
            page = chromium.new_page()
            errors = page_errors(page)
            page.goto(base + "/")
            assert not errors

playwright's own browser download does not work here, so we launch /usr/bin/chromium by path
(``make browser`` installs it). When it is missing, or playwright is not installed, the fixture
skips the test with a clear reason instead of failing.
"""

from __future__ import annotations

import contextlib
import functools
import http.server
import shutil
import tempfile
import threading
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
INSECURE_HOST = "recur-intranet.test"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    # a name for 127.0.0.1 that is not a secure context (127.0.0.1 and localhost are): a plain-http intranet host
    f"--host-resolver-rules=MAP {INSECURE_HOST} 127.0.0.1",
]


def chromium_missing_reason() -> str | None:
    """Why the browser tests cannot run here, or None when they can."""
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} not found: install Debian's chromium (`make browser` or apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "python playwright is not installed (pip install -e '.[test]')"
    return None


@pytest.fixture(scope="session")
def chromium():
    """A playwright BrowserContext on Debian's Chromium with a fresh temporary user-data-dir.

    Session-scoped (one browser launch per test run); open pages with ``chromium.new_page()``
    and close them when done. Local storage persists across reloads within the session.
    """
    reason = chromium_missing_reason()
    if reason:
        pytest.skip(reason)
    from playwright.sync_api import expect, sync_playwright

    profile = tempfile.mkdtemp(prefix="recur-chromium-")
    pw = sync_playwright().start()
    try:
        context = pw.chromium.launch_persistent_context(
            profile, executable_path=CHROMIUM, headless=True, args=CHROMIUM_FLAGS
        )
    except Exception as exc:  # a broken install should skip with the reason, not error every test
        pw.stop()
        shutil.rmtree(profile, ignore_errors=True)
        pytest.skip(f"could not launch {CHROMIUM}: {exc}")
    # every wait for a page's condition (an action's, a wait_for's, an expect's) bounded at 60 s, not playwright's
    # 30 s and expect's 5 s: bounds on a condition, never met by a page that works, met by a loaded 2-core machine
    context.set_default_timeout(60_000)
    expect.set_options(timeout=60_000)
    try:
        yield context
    finally:
        context.close()
        pw.stop()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture
def page(chromium):
    """A new Chromium page whose JavaScript errors collect in ``page.errors`` (``page_errors``), closed after
    the test. A module that needs more of its pages (dialogs, requests) defines its own ``page``."""
    pg = chromium.new_page()
    pg.errors = page_errors(pg)
    yield pg
    pg.close()


def page_errors(page) -> list[str]:
    """Collect JavaScript errors (uncaught exceptions and console.error) of a page into a list."""
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(f"pageerror: {exc}"))

    def on_console(msg):
        if msg.type == "error":
            where = (msg.location or {}).get("url", "")
            errors.append(f"console.error: {msg.text}" + (f" ({where})" if where else ""))

    page.on("console", on_console)
    return errors


@contextlib.contextmanager
def sized_page(chromium, width: int, height: int):
    """A new page of ``chromium`` at ``width`` x ``height`` (a phone's screen, say) and the list its JavaScript
    errors collect in (``page_errors``): yields (page, errors); the page is closed after the block."""
    pg = chromium.new_page()
    pg.set_viewport_size({"width": width, "height": height})
    errors = page_errors(pg)
    try:
        yield pg, errors
    finally:
        pg.close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def serve_dir(directory):
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    with serve_handler(functools.partial(_QuietHandler, directory=str(directory))) as url:
        yield url


@contextlib.contextmanager
def serve_handler(handler, port: int = 0):
    """An http.server request handler class served on 127.0.0.1 (``port``, or a free one) in a thread; yields
    the base URL and stops the server afterwards. A port given: a site built for that URL (`--site-url`),
    whose sitemap names it, as mkdocs-material's instant navigation needs."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=60)


# WCAG 2's contrast ratio of each element's text colour on the colour behind it, as the page paints them: the
# backgrounds of the element and its ancestors composited (alpha included: material's colours are translucent)
# up to the first opaque one, over white; then the text colour over that. The background and the text are each
# rounded to whole 8-bit values, the pixels Chromium paints (a screenshot of material's footer: #171717) and
# axe-core counts: its "Made with", #7f7f7f there, is 4.47:1; unrounded (on 22.54) it read 4.51 and passed.
# Colours as Chromium computes them, rgb()/rgba() or color(srgb ...) (what color-mix() gives).
# ``what``: [pseudo-element, property] of another colour than the text's (a ::placeholder's color, a border's).
_CONTRAST_JS = """(els, what) => els.map(el => {
  const parse = c => {
    let m = c.match(/^rgba?\\(([^)]*)\\)$/);
    if (m) { const p = m[1].split(/[\\s,\\/]+/).filter(Boolean).map(Number); return [p[0], p[1], p[2], p.length > 3 ? p[3] : 1]; }
    m = c.match(/^color\\(srgb ([^)]*)\\)$/);
    if (m) { const p = m[1].split(/[\\s\\/]+/).filter(Boolean).map(Number);
             return [p[0] * 255, p[1] * 255, p[2] * 255, p.length > 3 ? p[3] : 1]; }
    throw new Error("colour not understood: " + c);
  };
  const over = (top, bottom) => [0, 1, 2].map(i => top[i] * top[3] + bottom[i] * (1 - top[3])).concat([1]);
  const whole = c => c.map(Math.round);
  const layers = [];
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const bg = parse(getComputedStyle(n).backgroundColor);
    if (bg[3] > 0) layers.push(bg);
    if (bg[3] === 1) break;
  }
  let back = [255, 255, 255, 1];
  for (let i = layers.length - 1; i >= 0; i--) back = over(layers[i], back);
  back = whole(back);
  const colour = what ? getComputedStyle(el, what[0])[what[1]] : getComputedStyle(el).color;
  const text = whole(over(parse(colour), back));
  const lum = c => c.slice(0, 3).map(v => { v /= 255; return v <= 0.04045 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); })
    .reduce((s, v, i) => s + v * [0.2126, 0.7152, 0.0722][i], 0);
  const [hi, lo] = [lum(text), lum(back)].sort((a, b) => b - a);
  return Math.round((hi + 0.05) / (lo + 0.05) * 100) / 100;
})"""


def text_contrast(locator) -> list[float]:
    """WCAG 2's contrast ratio of the text of each element ``locator`` matches, on what is painted behind it."""
    return locator.evaluate_all(_CONTRAST_JS)


def colour_contrast(locator, pseudo: str | None, prop: str) -> list[float]:
    """WCAG 2's contrast ratio of another colour of each element (``prop`` of its ``pseudo`` element, or its own
    with None: "::placeholder", "color"; None, "borderTopColor") on what is painted behind the element."""
    return locator.evaluate_all(_CONTRAST_JS, [pseudo, prop])


def dark_palette(page) -> None:
    """Turn the page to mkdocs-material's dark palette ("slate"), as its palette toggle does (a team's
    mkdocs.yml that offers one), once the colours' transitions (material's links fade over 125 ms) have ended."""
    page.evaluate("document.body.setAttribute('data-md-color-scheme', 'slate')")
    page.evaluate("() => Promise.all(document.getAnimations().map(a => a.finished.catch(() => null)))")
