"""A new hire's review of the static site (a `recur site` build served by http.server, or opened from disk),
in real Chromium: what a keyboard, a screen reader or a reader of the box's words met."""

from __future__ import annotations

import json

import pytest
from browser import serve_dir  # the chromium and page fixtures come from conftest.py
from click.testing import CliRunner
from kbfactory import pattern_text, write
from site_helpers import AS_OF, site_kb

from recur.cli.main import cli

pytestmark = pytest.mark.browser
BOX = "textarea.recur-suggest__input"


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """site_kb (plus a pattern with a fix, no incident and no `created:`) built with --no-browser-search."""
    tmp = tmp_path_factory.mktemp("review-site")
    kb = site_kb(tmp / "kb")
    write(kb, "patterns/capacity/inode-exhaustion.md", pattern_text(
        "inode-exhaustion", title="Inodes run out", extra_front="fix:\n  status: open\n  owner: team-storage"))  # fmt: skip
    out = tmp / "out"
    args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "--strict", "-q", "--no-browser-search"]
    result = CliRunner().invoke(cli, [*args, "--index", str(tmp / "no-index")])
    assert result.exit_code == 0, result.output
    return out


@pytest.fixture(scope="module")
def base(site):
    with serve_dir(site) as url:
        yield url


def _focused(page, selector) -> bool:
    return page.evaluate("s => !!document.activeElement && document.activeElement.matches(s)", selector)


def _assert_tabbed_to_with_a_ring(page, selector: str, tabs: int) -> None:
    """Tabbing (at most ``tabs`` presses) reaches ``selector``, focus-visible, and it shows an outline."""
    for _ in range(tabs):
        page.keyboard.press("Tab")
        if _focused(page, selector):
            break
    assert _focused(page, f"{selector}:focus-visible")
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                          "return [s.outlineStyle, s.outlineWidth]; }")  # fmt: skip
    assert style[0] != "none" and style[1] != "0px", style


def test_a_path_steps_checkbox_shows_a_focus_ring_when_tabbed_to(page, base):
    """mkdocs-material's reset (input{outline:none}) took the ring off the step boxes: tabbing through a
    path, nothing showed which box Space would tick. Links and buttons have one; the boxes have it too."""
    page.goto(base + "/paths/storage-basics.html")
    page.wait_for_selector(".recur-path[data-recur-ready]")
    _assert_tabbed_to_with_a_ring(page, "input.recur-step-check", 80)
    assert page.errors == []


def test_a_pattern_pages_read_checkbox_shows_a_focus_ring_when_tabbed_to(page, base):
    """The pattern page's "Read" box (the tick of its step on the paths that list it) had no ring either: material's
    reset took it and Recur gave one back to the path page's boxes only (found in review)."""
    page.goto(base + "/patterns/capacity/disk-full.html")
    page.locator("input.recur-read-check[data-recur-ready]").wait_for()
    _assert_tabbed_to_with_a_ring(page, "input.recur-read-check", 120)
    assert page.errors == []


def test_the_describe_box_shows_its_focus_in_forced_colours(page, base):
    """The box showed its focus by its border's colour alone (outline: none): in forced colours (Windows High
    Contrast) the border is the system's colour whatever the focus, and nothing showed it (found in review). It keeps
    an outline, transparent, that forced colours paint."""
    page.emulate_media(forced_colors="active")
    page.goto(base + "/index.html")
    page.wait_for_selector("div.recur-suggest[data-ready]")
    page.focus(BOX)
    style = page.evaluate("() => { const s = getComputedStyle(document.activeElement); "
                          "return [document.activeElement.tagName, s.outlineStyle, s.outlineWidth, s.outlineColor]; }")  # fmt: skip
    assert style[:3] == ["TEXTAREA", "solid", "2px"], style
    assert style[3] not in ("transparent", "rgba(0, 0, 0, 0)"), style  # forced colours paint it
    assert page.errors == []


def test_a_static_copy_says_it_is_static_not_the_token_scope_reason(page, base):
    """The static build's assets/recur-api.json carries a note for whoever opens the file ("about"); the box
    took any "about" for `recur serve --token-scope all`'s reason and showed the note as why there is no
    suggestion service. Only an answer with token_scope is that reason: a static copy says it is static."""
    page.goto(base + "/index.html")
    page.wait_for_selector("div.recur-suggest[data-mode=static]")
    said = page.inner_text(".recur-suggest__status")
    assert "This site cannot suggest by meaning, only by words." in said, said
    assert "No suggestion service for this browser" not in said and "recur serve` answers this file" not in said, said
    assert page.errors == []


def test_opened_from_disk_the_header_search_says_it_needs_http(page, site):
    """From file:// material loads search/search_index.js and a worker Chromium refuses there: its search
    said "Initializing search" for ever. It says the site must be served over HTTP, and how."""
    page.goto((site / "index.html").as_uri())
    page.wait_for_selector("div.recur-suggest[data-mode=file]")
    page.focus("input.md-search__input")  # material opens its search when its box has the focus
    page.keyboard.type("disk", delay=20)
    page.wait_for_timeout(500)
    meta = page.inner_text(".md-search-result__meta")
    assert "needs the site served over http(s)" in meta and "python -m http.server" in meta, meta
    assert "Initializing" not in meta


def test_page_titles_copy_buttons_and_the_board_legend(page, base):
    """The home page was titled "Recur - Recur"; the runbook's Copy buttons were all named "Copy" to a screen
    reader; the board's legend promised an age for every fix, where a fix with no incident and no
    `created:` shows "-"."""
    page.goto(base + "/index.html")
    title = page.title()  # "Recur" on a site named Recur (the repository's mkdocs.yml), "Recur - <name>" else
    assert title and len(set(title.split(" - "))) == len(title.split(" - ")), title
    page.goto(base + "/suggest.html")
    assert page.title() == f"Describe what you see - {title.split(' - ')[-1]}"
    page.goto(base + "/patterns/capacity/disk-full.html")
    for n in (1, 2, 3):
        assert page.get_by_role("button", name=f"Copy step {n}", exact=True).count() == 1
    page.goto(base + "/board/index.html")
    row = page.locator("article tr", has_text="Inodes run out").first
    assert row.is_visible() and "-" in row.locator("td").all_inner_texts()
    legend = page.locator("article p", has_text="counts days up to the as-of date").inner_text()
    assert "`-`" not in legend and "- when it has neither" in legend, legend
    assert page.errors == []


def _opened(page, address):
    page.goto("about:blank")
    page.goto(address)
    page.wait_for_selector("div.recur-suggest[data-mode]")
    page.wait_for_timeout(300)


def test_the_suggest_page_focuses_its_box_on_load_by_the_home_pages_rules(page, base):
    _opened(page, base + "/suggest.html")
    assert _focused(page, BOX)
    assert page.evaluate("window.scrollY") == 0
    for address in ("/suggest.html#describe-what-you-see", "/suggest.html?describe=disk%20full"):
        _opened(page, base + address)
        assert not _focused(page, BOX), address
    _opened(page, base + "/suggest.html?q=ENOSPC")  # material's search has it
    assert _focused(page, "input.md-search__input")
    assert page.errors == []


def test_the_reset_question_counts_its_steps_in_words(page, base):
    """ "Untick the 1 step(s)": one step is "the step", more are "the 2 steps"."""
    asked: list = []

    def answer(dialog):
        asked.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", answer)
    page.goto(base + "/paths/storage-basics.html")
    page.evaluate("localStorage.clear()")
    page.reload()
    page.locator('input[data-step="disk-full"]').check()
    page.locator(".recur-reset").click()
    page.locator('input[data-step="db-pool-exhausted"]').check()
    page.locator(".recur-reset").click()
    page.evaluate("localStorage.clear()")
    assert asked == [
        "Untick the step you ticked on this path? It is unticked on the other paths that list it too.",
        "Untick the 2 steps you ticked on this path? They are unticked on the other paths that list them too.",
    ]
    assert json.dumps(page.errors) == "[]"
