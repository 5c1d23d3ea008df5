"""The built site opened from disk (file://, as from a file share), in real Chromium: the default build says
in the page that search needs the site served over http(s), with no page errors; a `--file-search` build's
header search works there; served over http, a --file-search build's search is material's own, as before."""

from __future__ import annotations

import pytest
from browser import serve_dir  # the chromium and page fixtures come from conftest.py
from site_helpers import recur_site, site_kb

pytestmark = pytest.mark.browser
SEARCH = "input.md-search__input"
RESULTS = ".md-search-result__item"


@pytest.fixture(scope="module")
def sites(tmp_path_factory):
    """site_kb built twice (no browser bundle: conftest): the default site and a --file-search one."""
    tmp = tmp_path_factory.mktemp("file-site")
    kb = site_kb(tmp / "kb")
    out = {}
    for name, extra in (("default", ()), ("file", ("--file-search",))):
        out[name] = tmp / name
        result = recur_site(kb, out[name], "--strict", "-q", *extra)
        assert result.exit_code == 0, result.output
    return out


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
        assert "--file-search" in said and page.locator(RESULTS).count() == 0, said
        assert "`" not in said and meta.locator("code").all_inner_texts() == COMMANDS + ["recur site --file-search"]
    page.goto((sites["default"] / "suggest.html").as_uri())
    page.wait_for_selector("div.recur-suggest[data-mode=file]")
    said = page.inner_text(".recur-suggest__status")
    assert "need the site served over http(s)" in said and "recur serve" in said, said
    # the commands as code, not Markdown's backticks shown as they are (found in review)
    assert "`" not in said and page.locator(".recur-suggest__status code").all_inner_texts() == COMMANDS
    assert page.errors == []


COMMANDS = ["recur serve --site DIR", "python -m http.server 8000"]  # the file:// notice's commands (SERVE)


def test_from_disk_a_file_search_site_finds_a_pattern_by_its_title(page, sites):
    for where in ("index.html", "incidents/2026/INC-2026-0003.html"):
        page.goto((sites["file"] / where).as_uri())
        page.wait_for_load_state("load")
        _search(page, "Disk full")
        hit = page.locator(RESULTS, has_text="Disk full on a host").first
        hit.wait_for(timeout=60_000)
        assert "served over http" not in page.inner_text(".md-search-result__meta")
    hit.locator("a").first.click()  # the result opens the pattern's page, from disk too
    page.wait_for_url("**/patterns/capacity/disk-full.html*")
    assert page.locator("h1").inner_text().startswith("Disk full on a host")
    assert page.errors == []


def test_served_over_http_a_file_search_site_runs_materials_own_worker(page, sites):
    """Over http the shim does nothing: material fetches search_index.json and starts its worker file."""
    asked: list = []
    page.on("request", lambda r: asked.append(r.url))
    with serve_dir(sites["file"]) as url:
        page.goto(url + "/index.html")
        _search(page, "Disk full")
        page.locator(RESULTS, has_text="Disk full on a host").first.wait_for(timeout=60_000)
        assert page.evaluate("() => /\\[native code\\]/.test(String(window.Worker))")
    assert any(u.endswith("/search/search_index.json") for u in asked) and any("/workers/search." in u for u in asked)
    assert not [u for u in asked if u.split("?")[0].endswith(("/search_index.js", "/recur-search-worker.js"))]
    assert page.errors == []


def test_from_disk_a_file_search_sites_box_ranks_pattern_pages_by_words_leaving_retired_ones_out(page, sites):
    """The box cannot load its model from disk; on a --file-search site it lists the pattern pages by words from
    the index script, and a retired pattern stays out, as served (patterns/retired.json, here its script)."""
    page.goto((sites["file"] / "suggest.html").as_uri())
    page.wait_for_selector("div.recur-suggest[data-mode=file]")
    said = page.inner_text(".recur-suggest__status")
    assert "need the site served over http(s)" in said and "share your text\u2019s words" in said, said
    page.fill("textarea.recur-suggest__input", "deploys failing, disk full retired")  # old-retired has these words too
    page.click("button.recur-suggest__go")
    page.locator(".recur-suggest__search-link").wait_for()
    listed = [el.get_attribute("data-pattern") for el in page.locator(".recur-suggest__words").all()]
    assert listed == ["disk-full"], listed
    assert page.errors == []


def _ask_box(page, text: str) -> list:
    page.evaluate("document.querySelector('.recur-suggest__results').textContent = ''")
    page.fill("textarea.recur-suggest__input", text)
    page.click("button.recur-suggest__go")
    page.locator(".recur-suggest__search-link").wait_for()
    return [el.get_attribute("data-pattern") for el in page.locator(".recur-suggest__words").all()]


def test_from_disk_the_word_search_says_no_known_pattern_matches_as_the_served_box_does(page, sites):
    """Found in review: from disk the box listed any pattern page sharing one everyday word ("full") as the answer,
    and with no word shared it opened the header search, saying nothing. A page must share a distinctive word of the
    text, or two of its words; when none does, the box says no known pattern matches and what to do next, in the
    served box's words (data-no-known-pattern), the closest pages for comparison only; a match then says it again."""
    page.goto((sites["file"] / "suggest.html").as_uri())
    page.wait_for_selector("div.recur-suggest[data-mode=file]")
    before = page.inner_text(".recur-suggest__status")
    box = page.locator("div.recur-suggest")
    for text, compared in (("the coffee machine in the kitchen makes a strange noise", []),
                           ("the kitchen sink is full of water", ["disk-full"])):  # fmt: skip
        assert _ask_box(page, text) == compared, text
        assert box.get_attribute("data-no-known-pattern") == "true", text
        said = page.inner_text(".recur-suggest__status")
        assert said.startswith("No known pattern matches this") and "recur incident new" in said, said
        assert "recur new pattern" in said and ("for comparison only" in said) == bool(compared), said
        assert page.input_value("input.md-search__input") == ""  # the header search was not opened over it
    assert _ask_box(page, "disk full") == ["disk-full"]  # two words in common
    assert box.get_attribute("data-no-known-pattern") == "false"
    assert page.inner_text(".recur-suggest__status") == before  # why it answers by words, said again
    assert _ask_box(page, "ENOSPC") == ["disk-full"]  # one distinctive word is a match
    assert box.get_attribute("data-no-known-pattern") == "false"
    assert page.errors == []


def test_from_disk_the_word_search_reads_a_typo_as_the_pages_word_and_says_so(page, sites):
    """Found in review: every surface reads a typo as the KB's word (search.TYPO: the API, the in-browser ranker),
    but the box's word search did not: "dsik full" shared one everyday word with the pages, and the box said no
    known pattern matches. Matching nothing as typed, it is read as the ranker reads it (RecurQuery.Typos, one
    copy), "dsik" as "disk", and the disk-full page is listed, the reading said in the ranker's words."""
    page.goto((sites["file"] / "suggest.html").as_uri())
    page.wait_for_selector("div.recur-suggest[data-mode=file]")
    before = page.inner_text(".recur-suggest__status")
    assert _ask_box(page, "dsik full") == ["disk-full"]
    assert page.locator("div.recur-suggest").get_attribute("data-no-known-pattern") == "false"
    heading = page.inner_text("p.recur-suggest__caption")  # said before the list (not its first item)
    assert heading.startswith(
        "Read 'dsik' as 'disk' (a word the knowledge base does not have, read as the nearest it has). Pattern pages"
    ), heading
    assert page.inner_text(".recur-suggest__status") == before  # why it answers by words, as for any match
    # a text that matches as typed is not read: nothing said
    assert _ask_box(page, "disk full") == ["disk-full"]
    assert page.inner_text("p.recur-suggest__caption").startswith("Pattern pages")
    assert page.errors == []
