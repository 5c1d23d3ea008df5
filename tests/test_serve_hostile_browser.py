"""Hostile KB content renders inert, in real Chromium, on the real site served by `recur serve`'s
app under its Content-Security-Policy: pattern pages, the suggest box rendering API results, the
board, the search. Any dialog (alert/confirm/prompt) or console error fails the test — a CSP
violation is a console error, so the theme's own pages must run without inline script too."""

from __future__ import annotations

import pytest
from browser import page_errors  # the chromium fixture comes from conftest.py
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write
from serve_util import fake_app, running

from recur.cli.main import cli

pytestmark = pytest.mark.browser
IMG = "<img src=x onerror=alert(1)>"
CLOSE = "</script><script>alert(2)</script>"


def hostile(kb):
    write(
        kb,
        "patterns/capacity/disk-full.md",
        pattern_text(
            "disk-full",
            title=f"Disk full {IMG}",
            symptoms=(f"writes fail {IMG}", f"no space {CLOSE}"),
            signals=("No space left on device", f"ENOSPC {IMG}"),
            related=("db-pool-exhausted",),
            summary=f"A filesystem runs out of bytes {IMG} and {CLOSE} [click](javascript:alert(3)).",
            runbook=(f"Check `df -h` {IMG}", f"Free space {CLOSE}"),
            evidence=(f"`du` output {IMG}",),
            root_cause=f'<svg onload="alert(4)"></svg> {CLOSE}',
        ),
    )
    return kb


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("hostile")
    kb = hostile(small_kb(tmp / "kb"))
    out = tmp / "site"
    r = CliRunner().invoke(
        cli,
        ["site", "--kb", str(kb), "--out", str(out), "-q", "--index", str(tmp / "no-index"), "--as-of", "2026-04-01"],
    )
    assert r.exit_code == 0, r.output
    app = fake_app(kb, tmp, site_dir=out)
    with running(app) as url:
        yield url


@pytest.fixture
def page(chromium):
    pg = chromium.new_page()
    pg.errors = page_errors(pg)
    pg.dialogs = []

    def on_dialog(d):
        pg.dialogs.append(d.message)
        d.dismiss()

    pg.on("dialog", on_dialog)
    yield pg
    pg.close()


def assert_inert(page):
    page.wait_for_timeout(300)  # give an onerror/onload handler the chance to fire (there must be none)
    assert page.dialogs == [] and page.errors == [], (page.dialogs, page.errors)
    assert (
        page.evaluate(
            "document.querySelectorAll('article img[src=x], article svg[onload], article a[href^=javascript]').length"
        )
        == 0
    )


def test_pattern_page_shows_the_markup_as_text(page, base):
    page.goto(base + "/patterns/capacity/disk-full.html")
    assert IMG in page.locator("h1").inner_text()
    text = page.locator("article").inner_text()
    assert IMG in text and "</script>" in text and "alert(4)" in text
    assert_inert(page)


def test_board_home_and_index_pages(page, base):
    for path in (
        "/index.html",
        "/board/index.html",
        "/board/trends.html",
        "/patterns/index.html",
        "/patterns/by-tag.html",
        "/patterns/by-severity.html",
        "/suggest.html",
        "/incidents/index.html",
        "/incidents/2026/INC-2026-0002.html",
        "/paths/first-week.html",
        "/model.html",
    ):
        resp = page.goto(base + path)
        assert resp.status == 200, path
        assert "Content-Security-Policy" in {k.title(): v for k, v in resp.headers.items()}
        assert_inert(page)


def test_suggest_box_renders_api_results_as_text(page, base):
    page.goto(base + "/suggest.html")
    page.wait_for_selector('.recur-suggest[data-mode="api"]', timeout=60_000)
    page.fill(".recur-suggest__input", "No space left on device")
    page.click(".recur-suggest__go")
    page.wait_for_selector(".recur-suggest__card", timeout=60_000)
    card = page.query_selector('.recur-suggest__card[data-pattern="disk-full"]')
    assert IMG in card.inner_text()
    assert_inert(page)
    assert page.evaluate("document.querySelectorAll('.recur-suggest img, .recur-suggest script').length") == 0


def test_site_search_shows_hostile_titles_as_text(page, base):
    page.goto(base + "/index.html?q=ENOSPC")
    page.wait_for_selector(".md-search-result__item", timeout=60_000)
    assert_inert(page)
