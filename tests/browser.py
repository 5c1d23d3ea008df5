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
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
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
    from playwright.sync_api import sync_playwright

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


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


@contextlib.contextmanager
def serve_dir(directory):
    """Serve ``directory`` over HTTP on 127.0.0.1 (a free port) in a thread; yields the base URL."""
    with serve_handler(functools.partial(_QuietHandler, directory=str(directory))) as url:
        yield url


@contextlib.contextmanager
def serve_handler(handler):
    """An http.server request handler class served on 127.0.0.1 (a free port) in a thread; yields
    the base URL and stops the server afterwards."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
