"""The built site opened from disk (file://, as from a file share), in real Chromium: the default build says
in the page that search needs the site served over http(s), with no page errors."""

from __future__ import annotations

import pytest
from browser import page_errors  # the chromium fixture comes from conftest.py
from site_helpers import recur_site, site_kb

pytestmark = pytest.mark.browser
SEARCH = "input.md-search__input"
RESULTS = ".md-search-result__item"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """site_kb built (no browser bundle: conftest)."""
    tmp = tmp_path_factory.mktemp("file-site")
    kb = site_kb(tmp / "kb")
    out = {}
    for name, extra in (("default", ()),):
        out[name] = tmp / name
        result = recur_site(kb, out[name], "--strict", "-q", *extra)
        assert result.exit_code == 0, result.output
    return out


@pytest.fixture
def page(chromium):
    pg = chromium.new_page()
    pg.errors = page_errors(pg)
    yield pg
    pg.close()


def _search(page, words: str) -> None:
    page.focus(SEARCH)  # material opens its search when its box has the focus
    page.keyboard.type(words, delay=20)


def test_from_disk_the_default_site_says_both_searches_need_http_with_no_page_errors(page, sites):
    """Material loaded search/search_index.js at once from file:// (a page error, "Invalid script", where there is
    none) and its worker was refused: the header search said nothing of why. It says it needs http(s) and how."""
    for where in ("index.html", "patterns/capacity/disk-full.html"):
        page.goto((sites["default"] / where).as_uri())
        page.wait_for_load_state("load")
        _search(page, "disk")
        meta = page.locator(".md-search-result__meta").first
        page.wait_for_function(
            "() => /served over http/i.test(document.querySelector('.md-search-result__meta').textContent)"
        )
        assert page.errors == [], where
        said = meta.inner_text()
        assert "needs the site served over http(s)" in said and "recur serve" in said, said
        assert page.locator(RESULTS).count() == 0, said
    page.goto((sites["default"] / "suggest.html").as_uri())
    page.wait_for_selector("div.recur-suggest[data-mode=file]")
    said = page.inner_text(".recur-suggest__status")
    assert "need the site served over http(s)" in said and "recur serve" in said, said
    assert page.errors == []
