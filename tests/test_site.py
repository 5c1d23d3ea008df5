"""Page generation (no mkdocs): what each generated page says and links to, and the tree sync."""

from __future__ import annotations

import datetime as dt
import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from site_helpers import AS_OF, loaded_site_kb, site_kb

from recur.kb.loader import load_kb
from recur.problems.board import board
from recur.site import charts, generate, pages
from recur.util.errors import RecurError

DAY = dt.date.fromisoformat(AS_OF)


@pytest.fixture
def kb(tmp_path):
    return loaded_site_kb(tmp_path / "kb")


def _pages(kb, **kw):
    return pages(kb, as_of=DAY, board=board(kb, DAY), **kw)


def test_tree_mirrors_the_kb_layout(kb):
    out = _pages(kb)
    for p in kb.patterns.values():
        assert p.relpath in out
    for i in kb.incidents.values():
        assert i.relpath in out
    for name in (
        "index.md",
        "suggest.md",
        "patterns/index.md",
        "patterns/by-service.md",
        "patterns/by-tag.md",
        "patterns/by-severity.md",
        "incidents/index.md",
        "paths/index.md",
        "paths/first-week.md",
        "paths/storage-basics.md",
        "board/index.md",
        "board/trends.md",
        "board/board.json",
    ):
        assert name in out


def test_pattern_page_card_sections_and_links(kb):
    page = _pages(kb, edit_base="https://git.example.com/kb/-/edit/main/kb/")["patterns/capacity/disk-full.md"]
    card = page[page.index('<dl class="recur-card"') : page.index("</dl>")]
    for text in (
        "sev2 · Major",
        "capacity",
        "checkout",
        "postgres-main",
        "disk",
        "storage",
        "team-storage",
        "in-progress",
        "due 2026-04-01",
        "overdue 30d",
        "PRB-7",
        "2 incidents, last on 2026-04-20",
    ):
        assert text in card, text
    assert card.count("<circle") == 2 and "../../incidents/2026/INC-2026-0003.html" in card
    assert 'href="../by-service.html#service-checkout"' in card and 'href="../by-tag.html#tag-disk"' in card
    # evidence is highlighted before the runbook, which is a numbered list in a copyable block
    assert page.index("Evidence to preserve") < page.index("## Runbook") < page.index("## Root cause")
    assert (
        '!!! danger recur-evidence ""\n    ## Evidence to preserve {#evidence-to-preserve .admonition-title}\n\n    Capture it '
        in page
    )
    assert "## Runbook {: #runbook .recur-runbook }\n\n1. Run `df -h`" in page and "3. Free space" in page
    assert "<code>ENOSPC</code>" in page and "<code>KubePodCrashLooping</code>" in page
    assert '<a href="db-pool-exhausted.html">Database connection pool exhausted</a> · capacity' in page
    assert (
        'Not to be confused with <a href="db-pool-exhausted.html">Database connection pool exhausted</a>: '
        "<code>df</code> shows 100%"  # a code span shown as code (found in review: its backticks were shown)
    ) in page
    assert '<a href="../../incidents/2026/INC-2026-0003.html">INC-2026-0003</a>' in page
    assert 'href="https://git.example.com/kb/-/edit/main/kb/patterns/capacity/disk-full.md"' in page
    assert 'recur_edit_url: "https://git.example.com/kb/-/edit/main/kb/patterns/capacity/disk-full.md"' in page


def test_edit_line_without_a_base_names_the_file(kb):
    page = _pages(kb)["patterns/capacity/disk-full.md"]
    assert "<code>kb/patterns/capacity/disk-full.md</code>" in page and "recur_edit_url" not in page


def test_lookalikes_are_rendered_when_given(kb):
    looks = {
        "disk-full": [
            {"id": "dns-failure", "title": "DNS", "similarity": 0.61, "co_incidents": 0, "by": None},
            {"id": "no-such-pattern", "similarity": 0.9},
        ]
    }
    page = _pages(kb, lookalikes=looks)["patterns/capacity/disk-full.md"]
    assert "Look-alikes</strong>" in page
    assert (
        '<a href="../network/dns-failure.html">DNS resolution failure</a> (similarity 0.61, similar wording only)'
        in page
    )
    assert "no-such-pattern" not in page
    assert "Look-alikes" not in _pages(kb)["patterns/capacity/disk-full.md"]


def test_service_and_tag_anchors_keep_their_letters(tmp_path):
    """Found in an international team's review: 'postgres-münchen' was #service-postgres-m-nchen, 決済サービス
    #service-x, ストレージ #tag-x and ディスク #tag-x-2, so a tag added before one moved a saved link to another
    tag's section. A non-ASCII name keeps its letters (lowercased, NFKC); an ASCII one is cut as before."""
    from kbfactory import write_pattern

    root = site_kb(tmp_path / "kb")
    write_pattern(
        root,
        "disk-yoryo-busoku",
        "speicher",
        title="ディスク容量不足",
        extra_front="tags: [ストレージ, ディスク, Ｄｉｓｋ２]\nservices: [決済サービス, Postgres-München]",
    )
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    out = _pages(kb)
    by_tag, by_service = out["patterns/by-tag.md"], out["patterns/by-service.md"]
    for heading in ("## ストレージ {#tag-ストレージ ", "## ディスク {#tag-ディスク ", "## Ｄｉｓｋ２ {#tag-disk2 "):
        assert heading in by_tag
    assert "## storage {#tag-storage " in by_tag and "## disk {#tag-disk " in by_tag  # ASCII: as before
    assert "{#service-決済サービス " in by_service and "{#service-postgres-münchen " in by_service
    assert "{#service-checkout " in by_service
    card = out["patterns/speicher/disk-yoryo-busoku.md"]
    assert 'href="../by-tag.html#tag-ストレージ"' in card and 'href="../by-service.html#service-決済サービス"' in card
    assert 'href="../by-service.html#service-postgres-münchen"' in card


def test_indexes_by_category_service_tag_severity(kb):
    out = _pages(kb)
    cats = out["patterns/index.md"]
    assert (
        "## capacity {#category-capacity data-search-exclude }" in cats
        and '<a href="capacity/disk-full.html">Disk full on a host</a>' in cats
    )
    assert "## checkout {#service-checkout data-search-exclude }" in out["patterns/by-service.md"]
    assert '<a href="capacity/disk-full.html">Disk full on a host</a>' in out["patterns/by-service.md"]
    assert "## storage {#tag-storage data-search-exclude }" in out["patterns/by-tag.md"]
    sev = out["patterns/by-severity.md"]
    assert "## sev2 · Major {#severity-sev2 data-search-exclude }" in sev and "<i>(retired)</i>" in sev
    assert "exclude" not in cats.split("---")[1]  # the page's title and intro are searched, its lists are not


def test_incident_pages_and_list(kb):
    out = _pages(kb)
    inc = out["incidents/2026/INC-2026-0003.md"]
    for text in (
        '<span title="42 minutes">42 min</span>',
        "sev1 · Critical",
        "Disk full on a host",
        "## Timeline",
        "Log rotation on checkout hosts",
        "overdue 6d",
        "why did the disk alert not fire?",
        "## Dig into this later",
    ):
        assert text in inc, text
    # the follow-ups table names every column (the overdue one had a blank header), as recur report does
    header = next(line for line in inc.split("## Follow-ups")[1].splitlines() if line.startswith("|"))
    assert [c.strip() for c in header.strip("|").split("|")] == [
        "follow-up",
        "status",
        "owner",
        "due",
        "overdue",
        "ticket",
    ]
    assert "unknown: needs analysis" in out["incidents/2026/INC-2026-0002.md"]
    listing = out["incidents/index.md"]
    assert listing.index("INC-2026-0003") < listing.index("INC-2025-0009")  # newest first
    assert "<i>needs analysis</i>" in listing and "## 2025 {#year-2025 data-search-exclude }" in listing
    assert "exclude" not in listing.split("---")[1]  # searched by its title and intro, its year lists are not


def test_path_page_has_ordered_steps_why_and_checklist(kb):
    page = _pages(kb)["paths/storage-basics.md"]
    assert 'data-path="storage-basics"' in page and "0 of 2 done" in page
    assert page.index('data-step="disk-full"') < page.index('data-step="db-pool-exhausted"')
    assert "Why it matters:</strong> the disk fills before anything else does" in page
    assert 'href="../patterns/capacity/disk-full.html"' in page
    assert "A filesystem runs out of bytes and writes fail." in page  # the gist, first sentence only
    assert "An [onboarding path](index.md) for storage on-call." in page


def test_a_path_steps_gist_is_its_summarys_prose_not_a_pasted_log(kb):
    """Found in a re-read after format 7 -> 8: the gist was read from the raw Markdown, so a summary opening
    with a fenced log showed "text [2026/03/06 …" (the fence's info string and the log) as the step's gist.
    A summary that is only code has no gist."""
    log = "```text\n[2026/03/06 13:02:04] [error] [engine] No space left on device\n```\n\n"
    kb.patterns["disk-full"].sections["Summary"] = log + "A filesystem runs out of bytes. More."
    page = _pages(kb)["paths/storage-basics.md"]
    assert '<p class="recur-gist">A filesystem runs out of bytes.</p>' in page, page
    assert "2026/03/06" not in page.split('data-step="disk-full"')[1].split("</li>")[0]
    kb.patterns["disk-full"].sections["Summary"] = log
    step = _pages(kb)["paths/storage-basics.md"].split('data-step="disk-full"')[1].split("</li>")[0]
    assert "recur-gist" not in step and "2026/03/06" not in step, step


def test_a_step_why_shows_its_code_and_emphasis(kb):
    """A why written `kubectl` and *never*, as a path's title and audience are, showed its backticks and
    stars on the path's page: it is rendered as they are, still escaped."""
    step = kb.paths["storage-basics"].steps[0]
    kb.paths["storage-basics"].steps[0] = type(step)(step.pattern, "run `df -h` first, *never* `rm` a <data> file", 4)
    page = _pages(kb)["paths/storage-basics.md"]
    said = "Why it matters:</strong> run <code>df -h</code> first, <em>never</em> <code>rm</code> a &lt;data&gt; file"
    assert said in page, page


def test_a_one_step_path_says_one_step(kb):
    del kb.paths["storage-basics"].steps[1:]
    page = _pages(kb)["paths/storage-basics.md"]
    assert "1 step, in order. Tick each one" in page and "1 steps" not in page
    assert "2 steps, in order." in _pages(kb)["paths/first-week.md"]


def test_a_pattern_page_says_where_it_stands_on_each_path(kb):
    """The way on from a step's pattern page: its place on each path listing it, with the steps around it;
    a step naming no pattern the site has is skipped, as the path's checklist does not count it."""
    kb.paths["first-week"].steps.insert(1, type(kb.paths["first-week"].steps[0])("no-such-pattern", None, 9))
    out = _pages(kb)
    places = out["patterns/capacity/db-pool-exhausted.md"].split("## On the onboarding paths", 1)[1]
    assert 'Step 1 of 2 on <a href="../../paths/first-week.html#step-1">First week</a> · next: ' in places
    assert "Step 2 of 2, the last step of" in places and ">Storage basics</a> · previous: " in places
    assert "Step 2 of 2, the last step of" in out["patterns/network/dns-failure.md"]
    assert "onboarding paths" not in out["patterns/deploys/old-retired.md"]  # on no path: nothing said


def test_a_patterns_own_onboarding_paths_section_and_the_sites_do_not_clash(tmp_path):
    """A pattern whose body has a "## Onboarding paths" of its own, on a path: the site added a second
    "## Onboarding paths", so the two shared a name and toc gave the site's #onboarding-paths_1 (the author's
    link to #onboarding-paths landed on whichever came first). The site's is "On the onboarding paths",
    #recur-onboarding-paths, on the page as rendered and in the anchors recur check works out (kb.anchors)."""
    import markdown
    from kbfactory import pattern_text, write

    from recur.kb.anchors import PageAnchors
    from recur.kb.parse import MARKDOWN_EXTENSIONS

    root = site_kb(tmp_path / "kb")
    body = pattern_text("disk-full", title="Disk full on a host", symptoms=("writes fail",), signals=("ENOSPC",))
    write(root, "patterns/capacity/disk-full.md", body + "\n## Onboarding paths\n\nRead it after the pool one.\n")
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    page = _pages(kb)["patterns/capacity/disk-full.md"]
    assert page.count("## Onboarding paths\n") == 1 and "Read it after the pool one." in page
    assert "## On the onboarding paths {: #recur-onboarding-paths data-search-exclude }" in page
    headings = [line for line in page.splitlines() if line.startswith("## ")]  # the page's, as toc reads them
    html = markdown.markdown("\n\n".join(headings), extensions=MARKDOWN_EXTENSIONS)
    ids = re.findall(r'<h2[^>]* id="([^"]+)"', html)
    assert "onboarding-paths" in ids and "recur-onboarding-paths" in ids and "onboarding-paths_1" not in ids, ids
    assert ">On the onboarding paths</h2>" in html
    anchors = PageAnchors(kb).ids(kb.patterns["disk-full"])
    assert {"onboarding-paths", "recur-onboarding-paths"} <= anchors and "onboarding-paths_1" not in anchors
    assert "recur-onboarding-paths" not in PageAnchors(kb).ids(kb.patterns["old-retired"])  # on no path


def test_a_path_step_on_a_retired_pattern_says_so(kb):
    """Found in review: an onboarding step pointing at a retired pattern was shown like any other;
    a new hire should know the failure no longer happens."""
    import dataclasses

    kb.patterns["db-pool-exhausted"] = dataclasses.replace(kb.patterns["db-pool-exhausted"], status="retired")
    page = _pages(kb)["paths/storage-basics.md"]
    step = page[page.index('data-step="db-pool-exhausted"') :].split("</li>")[0]
    assert "(retired: kept for history)" in step
    first = page[page.index('data-step="disk-full"') :].split("</li>")[0]
    assert "retired" not in first


def test_a_retired_pattern_page_names_what_superseded_it(kb):
    """A retired pattern's page said only "kept for history": an old link, a bookmark or a path step led
    there and nowhere on. Near the top it now links the pattern(s) of its superseded_by, a retired
    successor followed to the one in use (old-retired -> db-pool-exhausted -> disk-full)."""
    import dataclasses

    page = _pages(kb)["patterns/deploys/old-retired.md"]  # site_kb: superseded_by: dns-failure
    note = page[page.index('!!! note "Retired"') :].split("## Summary")[0]
    assert 'Retired: superseded by <a href="../network/dns-failure.html">DNS resolution failure</a>.' in note
    kb.patterns["db-pool-exhausted"] = dataclasses.replace(
        kb.patterns["db-pool-exhausted"], status="retired", superseded_by=["disk-full"]
    )
    kb.patterns["old-retired"].superseded_by = ["db-pool-exhausted", "dns-failure"]
    out = _pages(kb)
    note = out["patterns/deploys/old-retired.md"].split("## Summary")[0]
    assert (
        'superseded by <a href="../capacity/disk-full.html">Disk full on a host</a> and '
        '<a href="../network/dns-failure.html">DNS resolution failure</a>.'
    ) in note
    step = out["paths/storage-basics.md"].split('data-step="db-pool-exhausted"')[1].split("</li>")[0]
    assert '· superseded by <a href="../patterns/capacity/disk-full.html">Disk full on a host</a>' in step
    assert "superseded" not in out["patterns/capacity/disk-full.md"]


def test_a_successor_whose_file_has_errors_is_named_with_why_it_has_no_page(tmp_path):
    """A successor whose file has errors is left out of the KB (recur site without --strict still builds):
    beside another successor it was dropped from the note without a word, and alone it was shown as if
    the id were the page's. It is named, not linked, with why it has no page, in its written place."""
    from kbfactory import pattern_text, write

    root = site_kb(tmp_path / "kb")
    write(root, "patterns/network/new-dns.md", pattern_text("new-dns", "network", severity="sev9"))
    retired = root / "patterns/deploys/old-retired.md"
    retired.write_text(
        retired.read_text().replace("superseded_by: dns-failure", "superseded_by: [new-dns, dns-failure]")
    )
    kb = load_kb(root)
    assert "new-dns" not in kb.patterns and kb.pattern_known("new-dns")
    note = _pages(kb)["patterns/deploys/old-retired.md"].split("## Summary")[0]
    assert (
        "Retired: superseded by <code>new-dns</code> <i>(no page: its file has errors; recur check names them)</i> "
        'and <a href="../network/dns-failure.html">DNS resolution failure</a>.'
    ) in note, note
    assert "new-dns.html" not in note
    retired.write_text(retired.read_text().replace("[new-dns, dns-failure]", "new-dns"))
    note = _pages(load_kb(root))["patterns/deploys/old-retired.md"].split("## Summary")[0]
    assert "Retired: superseded by <code>new-dns</code> <i>(no page: its file has errors;" in note, note


def test_a_retired_pattern_superseded_by_only_itself_says_nothing_of_a_successor(kb):
    """superseded_by naming only the pattern itself (recur check's error; recur site without --strict still
    builds): the page said "Retired: superseded by . This failure..." and the path step "· superseded by "
    with nothing after. With no successor to link, neither says "superseded by"."""
    import dataclasses

    pid = "db-pool-exhausted"  # a step of the storage-basics path
    kb.patterns[pid] = dataclasses.replace(kb.patterns[pid], status="retired", superseded_by=[pid])
    out = _pages(kb)
    note = out[kb.patterns[pid].relpath].split("## Summary")[0]
    assert '!!! note "Retired"' in note and "superseded by" not in note, note
    step = out["paths/storage-basics.md"].split(f'data-step="{pid}"')[1].split("</li>")[0]
    assert "retired: kept for history" in step and "superseded by" not in step, step


def test_the_build_lists_the_retired_patterns_pages_for_the_box(kb):
    """The describe box's word ranking (no model) reads the site search's index, which has every
    pattern page; patterns/retired.json names the retired ones' pages (site paths, no extension) for
    it to leave out, as every other surface leaves retired patterns out (tested in Chromium in
    test_site_fallback_browser.py)."""
    import dataclasses
    import json

    assert json.loads(_pages(kb)["patterns/retired.json"])["retired"] == ["patterns/deploys/old-retired"]
    kb.patterns["disk-full"] = dataclasses.replace(kb.patterns["disk-full"], status="retired")
    listed = json.loads(_pages(kb)["patterns/retired.json"])["retired"]
    assert listed == ["patterns/capacity/disk-full", "patterns/deploys/old-retired"]


def test_board_pages_come_from_problems_board(kb):
    b = board(kb, DAY)
    out = pages(kb, as_of=DAY, board=b)
    page = out["board/index.md"]
    assert f"As of **{AS_OF}**" in page
    assert '<a href="../patterns/capacity/disk-full.html">Disk full on a host</a>' in page and "overdue 30d" in page
    assert "team-storage" in page and "Log rotation on checkout hosts" in page  # by owner, follow-ups
    # the by-owner table counts follow-ups too, and its heading says so
    # it counts the reviews each owner holds too, under the id its old heading had (links to it still land)
    assert "## Open fixes, follow-ups and reviews by owner {#open-fixes-and-follow-ups-by-owner" in page
    assert "follow-ups open" in page
    assert '<a href="../incidents/2026/INC-2026-0002.html">INC-2026-0002</a>' in page  # needs analysis
    assert "why did the disk alert not fire?" in page and "restored by restarting" in page  # open flags
    assert b["reviews"] and all(r["incident"] in page for r in b["reviews"])
    # each list says the command that closes its items (recur incident review / follow-up / flag --done)
    for section, command in (("## Reviews pending", "`recur incident review ID --done`"),
                             ("## Open follow-ups", "`recur incident follow-up ID WHICH --done`"),
                             ('## "Dig into this later"', "`recur incident flag ID --done WHICH")):  # fmt: skip
        assert command in page.split(section)[1].split("\n## ")[0], section
    trends = out["board/trends.md"]
    n_recurring = sum(bool(b["recurring"][d]) for d in ("30", "90"))  # charts only for patterns seen twice or more
    assert trends.count("<svg") == 2 + n_recurring and "incidents per month by category" in trends
    assert '"as_of": "2026-05-01"' in out["board/board.json"]


def test_home_and_suggest_carry_the_suggest_box(kb):
    out = _pages(kb)
    home = out["index.md"]
    # the boxes of both take the focus on load; they say where to look instead where they cannot start
    # data-paths: the KB has onboarding paths, which the box names to a newcomer's question about no failure
    paths = " data-paths" if kb.paths else ""
    focused = (
        f'<div class="recur-suggest recur-suggest-home" data-api="/api" data-focus="load"{paths} data-search-exclude>'
    )
    assert home.index(focused) < home.index("## Most recurring patterns")
    # seen once in 90 days is not recurring (issue 14): the home page falls back to all time, two or more
    row = '<a href="patterns/capacity/disk-full.html">Disk full on a host</a></td><td data-label="incidents">2</td>'
    assert "(all time)" in home and row in home
    assert focused in out["suggest.md"]
    assert kb.paths and " data-paths" in home
    kb.paths.clear()  # no onboarding path: no paths page to point a newcomer to (its list is empty)
    assert all(" data-paths" not in page for page in _pages(kb).values())


def test_charts_are_valid_svg():
    months = ["2026-01", "2026-02", "2026-03"]
    svgs = [
        charts.stacked_bars(months, {f"cat{n}": [n, 0, 2] for n in range(9)}),
        charts.hbars([("a <b>", 3, "x.html"), ("c", 1, None)]),
        charts.timeline([(dt.date(2026, 2, 1), "INC & co", "i.html")], dt.date(2025, 1, 1), dt.date(2026, 5, 1)),
    ]
    for svg in svgs:
        assert ET.fromstring(svg).tag == "svg"
    # a stacked chart is one image, named by its aria-label; its <title> said nearly the same again (review): none
    stacked = ET.fromstring(svgs[0])
    assert stacked.get("role") == "img" and stacked.get("aria-label", "").startswith("Chart: ")
    assert stacked.find("title") is None
    assert all(ET.fromstring(svg).find("title") is not None for svg in svgs[1:])  # the others' name
    assert "other" in svgs[0] and "a &lt;b&gt;" in svgs[1] and "2026" in svgs[2]


def test_generate_syncs_only_changes_and_removes_stale_files(kb, tmp_path):
    out = tmp_path / "src"
    first = generate(kb, out, as_of=DAY, board=board(kb, DAY))
    assert first["written"] == first["files"] and (out / "assets" / "recur.js").is_file()
    stale = out / "patterns" / "gone" / "old.md"
    stale.parent.mkdir(parents=True)
    stale.write_text("x")
    again = generate(kb, out, as_of=DAY, board=board(kb, DAY))
    assert again["written"] == 0 and again["removed"] == 1 and not stale.parent.exists()


def test_generate_refuses_a_folder_it_did_not_write(kb, tmp_path):
    other = tmp_path / "docs"
    other.mkdir()
    (other / "keep.md").write_text("mine")
    with pytest.raises(RecurError, match="not a generated site tree"):
        generate(kb, other, as_of=DAY, board=board(kb, DAY))
    assert (other / "keep.md").read_text() == "mine"


def test_path_step_gist_keeps_identifiers():
    from recur.site.record_pages import _first_sentence

    assert _first_sentence("The server hit `max_connections`. More.") == "The server hit max_connections."
    assert (
        _first_sentence("A **bad** [thing](x.md) hit snake_case_names, _really_. Then.")
        == "A bad thing hit snake_case_names, really."
    )


def test_pages_as_of_a_date_count_only_the_incidents_up_to_it_as_the_board_does(tmp_path):
    """Found by QA: a site built --as-of a past date showed, on a pattern's card and on the home page's
    "most recurring (all time)", incidents dated after it, and the incident list counted them under
    "needs analysis", while the board of the same site (problems.board) leaves them out."""
    from kbfactory import small_kb, write

    root = small_kb(tmp_path / "kb")
    later = (
        "---\nid: {i}\ntitle: Later\ndate: {d}\nseverity: sev3\npatterns: [db-pool-exhausted]\n---\n\n## Summary\nx\n"
    )
    write(root, "incidents/2026/INC-2026-0003.md", later.format(i="INC-2026-0003", d="2026-04-01"))
    write(root, "incidents/2026/INC-2026-0004.md", later.format(i="INC-2026-0004", d="2026-04-02"))
    kb = load_kb(root)
    day = dt.date(2026, 3, 5)
    b = board(kb, day)
    assert b["counts"]["unknown"] == 0 and b["counts"]["incidents_90"] == 1
    out = pages(kb, as_of=day, board=b)
    card = out["patterns/capacity/db-pool-exhausted.md"]
    assert "1 incident, last on 2026-03-02" in card and "2026-04-0" not in card
    assert "db-pool-exhausted.html" not in out["index.md"].split("## Most recurring")[1].split("## Ways in")[0]
    assert "0 with no known pattern yet" in out["incidents/index.md"]


def test_board_follow_ups_group_one_owner_however_spelt(tmp_path):
    """The board's follow-up table sorted owners by their spelling: "alice", "Alice" and "@alice"
    (one person, counted once in the by-owner table above it) were three groups, with Bob's items
    in between."""
    from kbfactory import write

    root = tmp_path / "kb"
    write(root, "patterns/.gitkeep", "")
    items = "".join(
        f"  - {{title: Item {n}, owner: '{o}', due: 2026-04-2{n}}}\n"
        for n, o in enumerate(["alice", "Bob", "Alice", "@alice", "bob"])
    )
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        f"---\nid: INC-2026-0001\ntitle: t\ndate: 2026-04-20\nseverity: sev4\nfollow_ups:\n{items}"
        "  - {title: Item 9}\n---\n\n## Summary\nx\n",
    )
    kb = load_kb(root)
    page = pages(kb, as_of=DAY, board=board(kb, DAY))["board/index.md"]
    table = page.split("## Open follow-ups")[1].split("## Follow-ups with no due date")[0]
    order = [int(n) for n in re.findall(r"Item (\d)", table)]
    assert set(order[:3]) == {0, 2, 3}, order  # alice's, whichever the spelling
    assert set(order[3:5]) == {1, 4} and order[5:] == [9], order  # then Bob's, the unowned last


def test_board_lists_the_open_follow_ups_with_no_due_date_apart(tmp_path):
    """recur report listed the open follow-ups with no due date (never overdue: no count or badge points
    them out); the site's board had them in board.json only, mixed into the open follow-ups with a "-"."""
    from kbfactory import write

    root = tmp_path / "kb"
    write(root, "patterns/.gitkeep", "")
    for n, (day, items) in enumerate(
        [("2026-03-01", "  - {title: Old no date, owner: team-db, ticket: PRB-7}\n"),
         ("2026-04-20", "  - {title: Dated one, due: 2026-05-01}\n  - {title: New no date}\n"
                        "  - {title: Closed no date, status: done}\n")], start=1):  # fmt: skip
        write(root, f"incidents/2026/INC-2026-000{n}.md", f"---\nid: INC-2026-000{n}\ntitle: t\ndate: {day}\n"
              f"severity: sev4\nfollow_ups:\n{items}---\n\n## Summary\nx\n")  # fmt: skip
    kb = load_kb(root)
    page = pages(kb, as_of=DAY, board=board(kb, DAY))["board/index.md"]
    assert re.search(r"^## Follow-ups with no due date \{#follow-ups-no-due data-search-exclude \}$", page, re.M)
    section = page.split("## Follow-ups with no due date")[1].split("## Needs analysis")[0]
    head = re.findall(r"<th>(.*?)</th>", section)
    assert head == ["follow-up", "owner", "incident", "age", "ticket"], head
    rows = section.split("</tr>")[1:-1]  # the header row first, the table's end last
    assert [re.search(r"<td>(.*?)</td>", r).group(1) for r in rows] == ["Old no date", "New no date"], rows
    assert "team-db" in rows[0] and "PRB-7" in rows[0] and "INC-2026-0001" in rows[0]
    assert "(unowned)" in rows[1] and "INC-2026-0002" in rows[1]
    assert "Dated one" not in section and "Closed no date" not in section
    assert "`recur incident follow-up ID WHICH --due YYYY-MM-DD`" in section  # the command, not "edit the YAML"
    # every due date given: the section says so, as the report does
    for n in (1, 2):
        f = root / f"incidents/2026/INC-2026-000{n}.md"
        f.write_text(f.read_text().replace(" no date", " no date, due: 2026-06-01"))
    kb = load_kb(root)
    page = pages(kb, as_of=DAY, board=board(kb, DAY))["board/index.md"]
    assert "None: every open follow-up has a due date." in page.split("## Follow-ups with no due date")[1]


def test_board_recurred_after_fix_names_the_incident_date_column(tmp_path):
    """The "Recurred after the fix" table had two columns headed "incident", the second holding
    the incident's date; `recur report` heads it "date"."""
    from kbfactory import pattern_text, write

    root = tmp_path / "kb"
    write(
        root, "patterns/capacity/disk-full.md", pattern_text("disk-full", fix="fix: {status: done, done: 2026-04-01}")
    )
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        "---\nid: INC-2026-0001\ntitle: t\ndate: 2026-04-20\nseverity: sev4\npatterns: [disk-full]\n---\n\n"
        "## Summary\nx\n",
    )
    kb = load_kb(root)
    page = pages(kb, as_of=DAY, board=board(kb, DAY))["board/index.md"]
    table = page.split("## Recurred after the fix")[1]
    head = re.findall(r"<th>(.*?)</th>", table)[:7]
    # one row a pattern now (test_after_fix_by_pattern), its latest incident and that one's date
    assert head == ["pattern", "fix done", "incidents since", "last 30 days", "latest", "date", "after"], head


def test_the_incident_list_shows_the_newest_and_each_year_has_a_page_of_all_its_incidents(tmp_path, monkeypatch):
    """One list of every incident was 4,004 rows at 2,000 patterns (1.5 MB, 4-5 s to open). The list shows the
    newest (record_pages.LATEST_INCIDENTS, 3 here) under their years' headings, and links each year's page
    (incidents/<year>.md), which lists all of that year's; an old link to a year's heading still lands on it."""
    from kbfactory import write

    from recur.site import record_pages

    root = site_kb(tmp_path / "kb")
    for n, day in ((1, "2024-03-01"), (2, "2024-09-15")):
        write(root, f"incidents/2024/INC-2024-000{n}.md",
              f"---\nid: INC-2024-000{n}\ntitle: Old outage {n}\ndate: {day}\nseverity: sev3\npatterns: [disk-full]\n"
              "---\n\n## Summary\nA disk filled.\n")  # fmt: skip
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    monkeypatch.setattr(record_pages, "LATEST_INCIDENTS", 3, raising=False)
    out = _pages(kb)
    listing = out["incidents/index.md"]
    newest = ["INC-2026-0003", "INC-2026-0002", "INC-2026-0001"]
    assert [i for i in re.findall(r">(INC-\d{4}-\d{4})</a>", listing)] == newest
    assert "6 incidents;" in listing and "The newest 3 are listed here" in listing
    for year in (2024, 2025, 2026):
        assert f"## {year} {{#year-{year} data-search-exclude }}" in listing  # incidents/index.html#year-2025 lands
        assert f"]({year}.md)" in listing  # the year's page, linked
    assert "0 of 2 here: [all incidents in 2024](2024.md)." in listing
    # the top line: a year none of whose incidents is shown goes to its page ("2024 (2)" led to "0 of 2 here")
    assert "[2024 (2)](2024.md)" in listing and "[2026 (3)](index.md#year-2026)" in listing, listing
    assert "0 of 1 here" in listing and "of 3 here" not in listing  # 2026: all shown
    assert set(out) >= {"incidents/2024.md", "incidents/2025.md", "incidents/2026.md"}
    assert "incidents/2023.md" not in out
    year = out["incidents/2024.md"]
    assert 'title: "Incidents in 2024"' in year and "2 incidents in 2024." in year and "](index.md)" in year
    # what the list holds: the newest of all years (it said "the newest of every year")
    assert "The newest 3 of all years: [Incidents](index.md)." in year, year
    assert re.findall(r">(INC-\d{4}-\d{4})</a>", year) == ["INC-2024-0002", "INC-2024-0001"]  # newest first
    assert 'href="2024/INC-2024-0002.html"' in year and "Disk full on a host" in year  # its pattern, linked
    assert "exclude" not in year.split("---")[1]  # searched by its title and intro, not its list
    assert re.findall(r">(INC-\d{4}-\d{4})</a>", out["incidents/2026.md"]) == newest
    # every incident on the list or its year's page; with the default, the list has all six, as before
    monkeypatch.undo()
    whole = _pages(kb)
    assert len(re.findall(r">(INC-\d{4}-\d{4})</a>", whole["incidents/index.md"])) == 6
    # and each year's page is linked still (with the list not cut they were built but linked from nowhere)
    assert "Each year's page: [2026](2026.md) · [2025](2025.md) · [2024](2024.md)." in whole["incidents/index.md"]
    assert "The newest" not in whole["incidents/index.md"]
    assert "All 6 of all years: [Incidents](index.md)." in whole["incidents/2024.md"]


def test_lists_of_incidents_stop_at_as_of_as_the_board_does(kb):
    """Found in review: with --as-of before some incidents, the home page's 'Latest incidents' and the
    incident index listed them (and counted them), while the board and the pattern pages left them out."""
    late = dt.date(2026, 4, 20)  # INC-2026-0003's date
    out = pages(kb, as_of=late - dt.timedelta(days=1), board=board(kb, late - dt.timedelta(days=1)))
    assert "INC-2026-0003" not in out["index.md"] and "INC-2026-0003" not in out["incidents/index.md"]
    listed = sum(1 for i in kb.incidents.values() if i.date < late)
    assert f"{listed} incidents;" in out["incidents/index.md"]
    assert "INC-2026-0003" in _pages(kb)["incidents/index.md"]  # listed once the build date reaches it


@pytest.mark.parametrize(
    "written, shown",
    [
        ("The pool ran out because:\n- a slow query\n- a leak", "<p>The pool ran out because:</p>\n<ul>\n<li>a slow"),
        ("- a\n  - b\n    - c\n- d", "<li>a<ul>\n<li>b<ul>\n<li>c</li>"),
        ("1. one\n   - sub\n2. two", "<li>one<ul>\n<li>sub</li>\n</ul>\n</li>\n<li>two</li>"),
        ("In\n2026. we moved", "<p>In\n2026. we moved</p>"),  # as GitHub: only a list from 1 interrupts
        ("Text\n\n```\n- not a list\n  - nope\n```", "<code>- not a list\n  - nope\n</code>"),
        # an indented code block is code: escaped once (it showed '&lt;node>' on the page)
        ("Run:\n\n    kubectl describe node <node>\n\nThen.", "<code>kubectl describe node &lt;node&gt;\n</code>"),
        ("- item\n\n    more of the item", "<p>more of the item</p>"),  # in a list: not code
        # in a list with a blank line in it, the next item was read as more of the line above
        ("- a\n\n    more\n- b", "<p>more</p>\n</li>\n<li>\n<p>b</p>"),
        ("1. a\n\n    more\n2. b\n3. c", "<p>more</p>\n</li>\n<li>\n<p>b</p>\n</li>\n<li>c</li>"),
        ("- a\n\n  - n1\n  - n2\n- b", "<li>n2</li>\n</ul>\n</li>\n<li>\n<p>b</p>"),
        ("- a\n\n    more\n    - nested\n- b", "<p>more</p>\n<ul>\n<li>nested</li>\n</ul>\n</li>\n<li>\n<p>b</p>"),
        ("- a\n  - n1\n- b", "<li>a<ul>\n<li>n1</li>\n</ul>\n</li>\n<li>b</li>"),  # no blank line: stays tight
        # fences read as the checks read them (parse.outside_fences): a "```" inside a "````" block is code,
        # not its end (the list in the block was re-spaced and the open box below it shown as "[ ]")
        ("````\n```\n- x\n````\n\n- [ ] open", "<code>```\n- x\n</code>"),
        ("````\n```\n- x\n````\n\n- [ ] open", "<li>" + '<b class="rb r-task-open">open</b> open</li>'),
        ("Then:\n~~~\n- a list, the fence never closed", "<li>a list, the fence never closed</li>"),
    ],
)
def test_kb_lists_render_as_github_shows_them(written, shown):
    """Found in review: a list right under a paragraph line ran into the paragraph as text, a list
    nested by 2 spaces did not nest (Python-Markdown needs a blank line first and 4 spaces a level),
    and an indented code block was escaped twice."""
    import markdown

    from recur.site.md import kb_md
    from recur.site.plugin import EXTENSIONS

    html = markdown.markdown(kb_md(written), extensions=EXTENSIONS)
    assert shown in html, html


def test_mkdocs_build_puts_its_state_where_the_config_table_says(tmp_path, monkeypatch):
    """The hook's index and generated tree sit beside mkdocs.yml under config.STATE_DIR (.recur/): it
    spelt ".recur" itself, so a change to the table would have left `mkdocs build` reading another folder."""
    from dataclasses import replace

    from mkdocs.config.defaults import MkDocsConfig

    from recur import config
    from recur.site import hook

    for name in ("index", "site_src"):
        monkeypatch.delenv(config.env(name), raising=False)
    cfg = MkDocsConfig(config_file_path=str(tmp_path / "mkdocs.yml"))
    assert hook.index_dir(cfg) == tmp_path / ".recur" / "index"
    assert hook.src_dir(cfg, tmp_path / "kb") == tmp_path / ".recur" / "site-src"
    assert hook.src_dir(cfg, tmp_path / "other").parent == tmp_path / ".recur"
    monkeypatch.setattr(config, "STATE_DIR", config.Path("state"))
    monkeypatch.setitem(config.SETTINGS, "index", replace(config.SETTINGS["index"], default="state/idx"))
    assert hook.index_dir(cfg) == tmp_path / "state" / "idx"
    assert hook.src_dir(cfg, tmp_path / "kb") == tmp_path / "state" / "site-src"


def test_an_incident_linked_only_to_an_import_draft_is_needs_analysis_on_its_page_and_in_the_list(tmp_path):
    """The board and the report count an incident whose only pattern is a draft `recur import` wrote
    and no person promoted under "needs analysis" (README: it stays so until the draft is promoted, as
    nobody has analysed it yet; a draft a person wrote and linked is analysis and is not counted). The
    incident list's heading gave that count, but its rows marked only the incidents with no pattern,
    and the incident's page showed the import's draft as its matched pattern, needing nothing."""
    from kbfactory import pattern_text, small_kb, write

    root = small_kb(tmp_path / "kb")
    imported = "imported: {source: postmortems/flux.md, sha256: 9f2c}"
    write(root, "patterns/software/flux-desync.md", pattern_text("flux-desync", "software", status="draft",
                                                                  root_cause=None, extra_front=imported))  # fmt: skip
    write(root, "patterns/capacity/cache-stampede.md", pattern_text("cache-stampede", status="draft"))
    inc = "---\nid: {i}\ntitle: {t}\ndate: 2026-04-20\nseverity: sev3\npatterns: [{p}]\n---\n\n## Summary\nx\n"
    write(root, "incidents/2026/INC-2026-0003.md", inc.format(i="INC-2026-0003", t="Flux", p="flux-desync"))
    write(root, "incidents/2026/INC-2026-0004.md", inc.format(i="INC-2026-0004", t="Stampede", p="cache-stampede"))
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    b = board(kb, DAY)
    assert [u["incident"] for u in b["unknown"]] == ["INC-2026-0003", "INC-2026-0002"]  # not the person's draft
    out = pages(kb, as_of=DAY, board=b)
    listing = out["incidents/index.md"]
    assert f"{b['counts']['unknown']} with no known pattern yet (needs analysis)" in listing
    rows = {re.search(r"INC-\d{4}-\d{4}", r).group(): r for r in listing.split("<tr>")[1:] if "INC-" in r}
    assert sorted(i for i, r in rows.items() if "needs analysis" in r) == ["INC-2026-0002", "INC-2026-0003"]
    assert "(draft: needs analysis)" in rows["INC-2026-0003"] and "flux-desync.html" in rows["INC-2026-0003"]
    assert "draft: needs analysis" in out["incidents/2026/INC-2026-0003.md"]
    assert "needs analysis" not in out["incidents/2026/INC-2026-0004.md"] + rows["INC-2026-0004"]


def test_a_fix_marked_done_that_did_not_hold_is_flagged_on_its_pattern_page(tmp_path):
    """The pattern page showed a green "done · done 2025-12-01" while the board listed the pattern under
    "Recurred after the fix": by the board's own rule, the fix row warns how soon it recurred and names
    the incidents, which are marked in the page's incidents table (the one before the fix is not)."""
    from kbfactory import write

    root = site_kb(tmp_path / "kb")
    path = root / "patterns/capacity/disk-full.md"
    path.write_text(path.read_text().replace("status: in-progress", "status: done\n  done: 2025-12-01"))
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    b = board(kb, DAY)
    assert [(r["incident"], r["days_after_fix"]) for r in b["recurrence_after_fix"]] == [("INC-2026-0003", 140)]
    page = pages(kb, as_of=DAY, board=b)["patterns/capacity/disk-full.md"]
    card = page[page.index('<dl class="recur-card"') : page.index("</dl>")]
    fix = card.split("<dt>Permanent fix</dt>")[1].split("</dd>")[0]
    assert '<b class="rb r-recurred">recurred 140 days after the fix</b>' in fix
    assert '<a href="../../incidents/2026/INC-2026-0003.html">INC-2026-0003</a>' in fix
    rows = {re.search(r"INC-\d{4}-\d{4}", r).group(): r for r in page.split("## Incidents")[1].split("<tr>")[2:]}
    assert '<b class="rb r-recurred">after the fix (+140 days)</b>' in rows["INC-2026-0003"]
    assert "after the fix" not in rows["INC-2025-0009"]  # before the fix was done
    # a second incident after the fix: counted, both named
    write(root, "incidents/2026/INC-2026-0004.md", "---\nid: INC-2026-0004\ntitle: Again\ndate: 2026-04-28\n"
          "severity: sev3\npatterns: [disk-full]\n---\n\n## Summary\nx\n")  # fmt: skip
    kb = load_kb(root)
    fix = pages(kb, as_of=DAY, board=board(kb, DAY))["patterns/capacity/disk-full.md"].split("Permanent fix</dt>")[1]
    fix = fix.split("</dd>")[0]
    assert "recurred 140 days after the fix, and 1 more time</b>" in fix
    assert fix.index("INC-2026-0003") < fix.index("INC-2026-0004")
    # a fix done after the last incident held: no warning
    path.write_text(path.read_text().replace("done: 2025-12-01", "done: 2026-04-29"))
    kb = load_kb(root)
    assert "r-recurred" not in pages(kb, as_of=DAY, board=board(kb, DAY))["patterns/capacity/disk-full.md"]


def test_board_tiles_link_to_their_sections_overdue_comes_early_and_counts_show_0(kb):
    """Found in review: the count tiles were not links, the age columns were not explained, a by-owner
    cell was blank or 0 for the same nothing, and "overdue" was the 4th to 5th column (off a phone's screen)."""
    page = _pages(kb)["board/index.md"]
    tiles = page.split('<section class="recur-tiles"')[1].split("</section>")[0]
    targets = re.findall(r'<a class="recur-tile" href="([^"]+)">', tiles)
    assert len(targets) == 8 and targets[-2:] == ["trends.html", "trends.html"]
    for target in targets[:-2]:  # each one a section heading of the page
        assert re.search(r"^## .*\{" + re.escape(target) + r" data-search-exclude \}$", page, re.M), target
    assert "**Age** counts days up to the as-of date" in page and "from the incident's date" in page
    owners = page.split("## Open fixes, follow-ups and reviews by owner")[1].split("## ")[0]
    assert not re.search(r"<td[^>]*></td>", owners), owners  # a phone's card cells carry data-label
    for heading, name in (("## Open and overdue", "pattern"), ("## Reviews pending", "incident"),
                          ("## Open follow-ups", "follow-up")):  # fmt: skip
        head = re.findall(r"<th>(.*?)</th>", page.split(heading)[1])
        assert head[:2] == [name, "overdue"], head
    fixes = page.split("## Open and overdue")[1].split("</tr>")[1]
    assert re.search(r"Disk full on a host</a></td><td[^>]*><b class=\"rb r-overdue\">overdue 30d", fixes), fixes


def test_board_json_and_report_keep_their_keys_and_columns(kb):
    """The board page's new column order is the page's own: board.json keeps its keys."""
    b = board(kb, DAY)
    assert list(b["fixes"][0])[:5] == ["pattern", "title", "category", "status", "owner"]
    assert list(b["follow_ups"][0])[:3] == ["incident", "title", "owner"]


@pytest.mark.parametrize("day, label", [("2026-12-03", "Dec 1–3"), ("2026-05-01", "May 1"), ("2026-02-28", None),
                                        ("2028-02-28", "Feb 1–28"), ("2026-12-31", None)])  # fmt: skip
def test_the_month_still_running_is_labelled_so_far(day, label):
    from recur.site.board_pages import month_so_far

    assert month_so_far(dt.date.fromisoformat(day)) == label


def test_trends_mark_the_last_month_as_partial(kb):
    """The current month was drawn as an empty bar that read "no incidents": it is labelled by the days
    it counts so far, in the chart, the intro and the numbers."""
    trends = _pages(kb)["board/trends.md"]  # as of 2026-05-01
    assert "the last bar counts May 1 only, as the month is not over" in trends
    chart = trends[trends.index("<svg") : trends.index("</svg>")]
    assert '<rect class="pt"' in chart and ">so far</text>" in chart and ">May 1</text>" in chart
    assert ">26-05</text>" not in chart
    ET.fromstring(chart + "</svg>")
    assert "<td>2026-05 (May 1, so far)</td>" in trends
    assert "so far" not in charts.stacked_bars(["2026-01"], {"a": [1]})


def test_path_steps_are_keyed_by_pattern_and_drafts_are_marked(kb):
    """A checklist keyed "<step number>-<pattern>" un-ticked every step after one inserted above it; a
    draft pattern in a path read as finished (a retired one was already marked)."""
    import dataclasses

    before = _pages(kb)["paths/storage-basics.md"]
    kb.paths["storage-basics"].steps.insert(0, kb.paths["first-week"].steps[1])  # a step inserted first
    kb.patterns["disk-full"] = dataclasses.replace(kb.patterns["disk-full"], status="draft")
    page = _pages(kb)["paths/storage-basics.md"]
    keys = re.findall(r'data-step="([^"]+)"', page)
    assert keys == ["dns-failure", "disk-full", "db-pool-exhausted"]
    assert set(re.findall(r'data-step="([^"]+)"', before)) <= set(keys)  # the ticks kept
    step = page[page.index('data-step="disk-full"') :].split("</li>")[0]
    assert "(draft: still being written)" in step
    assert '<span class="recur-progress-text" aria-live="polite">0 of 3 done</span>' in page
    # the pattern page's heading is "Runbook": "first steps" sent a new hire looking for a section it has not
    assert "read it and walked through its runbook" in page and "never run them in production" in page


def test_paths_are_listed_by_their_order_then_title_with_a_progress_cell(tmp_path):
    """/paths/ listed paths by title, so "First week on call" came last: an `order` (a Recur extension of
    the path file) puts a path first; the rest follow by title."""
    from kbfactory import write

    root = site_kb(tmp_path / "kb")
    write(root, "paths/zz-first.yml", "title: Zz first week\norder: 1\nsteps:\n  - pattern: disk-full\n")
    kb = load_kb(root)
    assert not kb.problems, kb.problems  # a known key: no "unknown key" warning
    listing = _pages(kb)["paths/index.md"]
    titles = re.findall(r'<a href="[^"]+">([^<]+)</a>', listing)
    assert titles == ["Zz first week", "First week", "Storage basics"]
    assert '<span class="recur-path-progress" data-patterns="disk-full db-pool-exhausted"></span>' in listing
    write(root, "paths/bad.yml", "title: Bad\norder: first\nsteps:\n  - pattern: disk-full\n")
    assert any(p.field == "order" and p.line == 2 for p in load_kb(root).errors)


def test_home_intro_says_in_plain_words_what_the_box_does_without_suggestions(kb):
    home = _pages(kb)["index.md"]
    assert "browser search bundle" not in home
    assert (
        "If the box says it cannot suggest here, it lists the pattern pages that share your text's telling words instead."
        in home
    )


def _home(root) -> str:
    kb = load_kb(root)
    return pages(kb, as_of=DAY, board=board(kb, DAY))["index.md"]


def test_the_home_page_sends_a_new_hire_to_the_onboarding_path_the_team_lists_first(tmp_path):
    """Right under the box: the path listed first (its order, else by title), the list when there are others;
    no line with no path to start with (the "Ways in" list still links the empty list of paths)."""
    from kbfactory import write

    root = site_kb(tmp_path / "kb")
    write(root, "paths/storage-basics.yml", "title: Storage *basics*\norder: 1\nsteps:\n  - pattern: disk-full\n")
    home = _home(root)
    line = next(ln for ln in home.splitlines() if "New here?" in ln)
    assert line == (
        '<p class="recur-new-here">New here? Start with the onboarding path <a href="paths/storage-basics.html">'
        'Storage <em>basics</em></a>, or choose from all <a href="paths/index.html">2 onboarding paths</a>.</p>'
    )
    assert home.index("recur-suggest-home") < home.index("New here?") < home.index("Describe it in your")
    (root / "paths/storage-basics.yml").unlink()
    assert (
        '<p class="recur-new-here">New here? Start with the onboarding path <a href="paths/first-week.html">'
        "First week</a>.</p>" in _home(root)
    )
    (root / "paths/first-week.yml").unlink()
    assert "New here?" not in _home(root) and "[Onboarding paths](paths/index.md)" in _home(root)


def test_the_site_and_recur_check_lay_out_a_pattern_page_from_one_definition():
    """recur check works out a page's anchors by laying the page out as the site does (kb.anchors);
    its Markdown extensions and section order were copies of the site's, which could drift apart
    without a word (found in review). kb defines them once; the site takes them from there."""
    from recur.kb import anchors, parse, schema
    from recur.site import pattern_pages, plugin

    assert plugin.EXTENSIONS is parse.MARKDOWN_EXTENSIONS
    assert pattern_pages.LATER_SECTIONS is anchors.LATER_SECTIONS is schema.LATER_SECTIONS
    assert pattern_pages.PLACED_SECTIONS is anchors.PLACED_SECTIONS is schema.PLACED_SECTIONS
    assert set(schema.PATTERN_SECTIONS) == schema.PLACED_SECTIONS  # a pattern's every named section is placed


def test_the_home_pages_most_recurring_patterns_say_their_permanent_fix(tmp_path):
    """The home page's "most recurring" named the patterns only; whether each is being fixed, whose and
    by when, was on the board among every open fix (the report's list now says it too)."""
    from kbfactory import small_kb, write

    root = small_kb(tmp_path / "kb")
    fix = "fix: {status: open, owner: team-db, due: 2026-02-01}\n"
    path = root / "patterns/capacity/db-pool-exhausted.md"
    path.write_text(path.read_text().replace("---\n", "---\n" + fix, 1))  # into its front matter
    again = "---\nid: INC-2026-0003\ntitle: Again\ndate: 2026-03-03\nseverity: sev3\npatterns: [db-pool-exhausted]\n"
    write(root, "incidents/2026/INC-2026-0003.md", again + "---\n\n## Summary\nx\n")
    kb = load_kb(root)
    day = dt.date(2026, 3, 5)
    home = pages(kb, as_of=day, board=board(kb, day))["index.md"].split("## Most recurring")[1].split("## Ways")[0]
    row = next(ln for ln in home.splitlines() if "db-pool-exhausted.html" in ln)
    assert "<th>permanent fix</th>" in home and "open, team-db, due 2026-02-01, OVERDUE 32d" in row, home


def test_the_severity_framework_is_on_the_site_and_levels_are_named_where_keys_are_listed(tmp_path):
    """kb/severity.yml named each level and the review it asks for, and no page said it: by-severity listed
    "sev1 (22)", the board said "Under the severity framework" linking nowhere (found in a new hire's review)."""
    root = site_kb(tmp_path / "kb")
    (root / "severity.yml").write_text(
        "levels:\n  sev1: {name: Critical, review: full, review_within_days: 5}\n"
        "  sev2: {name: Major, review: full, review_within_days: 10}\n"
        "  sev3: {name: Minor, review: light, review_within_days: 20}\n  sev4: {name: Low, review: none}\n"
    )
    inc = root / "incidents/2026/INC-2026-0003.md"
    inc.write_text(inc.read_text().replace("severity: sev1\n", "severity: sev1\ntriage: [date]\n", 1))
    kb = load_kb(root)
    out = _pages(kb)
    sev = out["patterns/by-severity.md"]
    levels = sev.split("## Severity levels {#levels}")[1].split("\n## ")[0]
    assert "| sev1 | Critical | full | 5 days |" in levels and "| sev3 | Minor | light | 20 days |" in levels
    assert "| sev4 | Low | none | - |" in levels
    # the jump list and the group headings name the levels; the group anchors stay as they were
    assert ">sev2 · Major (" in sev and "## sev2 · Major {#severity-sev2 data-search-exclude }" in sev
    assert "<td>sev2 · Major</td>" in out["patterns/index.md"]  # a list's severity column
    board_md = out["board/index.md"]
    assert "Under [the severity framework](../patterns/by-severity.md#levels)" in board_md
    assert "## Severity levels" not in out["patterns/by-tag.md"]
    home = out["index.md"]
    assert '<td data-label="severity">sev1 · Critical</td>' in home.split("## Latest incidents")[1]  # their severity
    # the incident list, a pattern's incidents table and the board's Needs triage showed the bare key
    assert '<td class="recur-inline">sev1 · Critical</td>' in out["incidents/index.md"]
    assert "<td>sev1 · Critical</td>" in out["patterns/capacity/disk-full.md"].split("## Incidents (")[1]
    triage = board_md.split("## Needs triage")[1].split("\n## ")[0]  # a card table on a phone: cells labelled
    assert re.search(r'<td data-label="[^"]+">sev1 · Critical</td>', triage), triage


def test_the_suggest_page_speaks_to_a_responder_and_folds_the_operator_detail_away(kb):
    """The page said "When the site is served by `recur serve` ... (built with `--no-browser-search` ...)" to
    someone mid-incident, who runs neither (found in a new hire's review): it says what the box gives them, and
    the how, for whoever runs the site, is in a collapsed note."""
    page = _pages(kb)["suggest.md"]
    said, note = page.split('<details class="note"><summary>')
    assert "recur serve" not in said and "--no-browser-search" not in said
    assert "check each one against what you see" in said
    assert note.startswith("Where the suggestions come from (for whoever runs this site)</summary>")
    assert "<code>recur serve</code>" in note and "--no-browser-search" in note


def test_unsearched_marks_a_heading_once_and_joins_its_own_attribute_list():
    """Run twice, unsearched added a second marker (`## X {: data-search-exclude } {: data-search-exclude }`)
    and a heading with classes as well as an id (`{#a .b}`) gained a second attribute list, which attr_list
    keeps as heading text (found in a re-read of the merges)."""
    from recur.site.md import unsearched

    text = "# Page\n\n## Plain\n\n## Anchored {#a}\n\n### Classed {#b .wide}\n\n## Colon {: #c }\n\ntext {#x}\n"
    once = unsearched(text)
    assert unsearched(once) == once
    assert "## Plain {: data-search-exclude }\n" in once and "## Anchored {#a data-search-exclude }\n" in once
    assert "### Classed {#b .wide data-search-exclude }\n" in once and "## Colon {#c data-search-exclude }\n" in once
    assert once.startswith("# Page\n") and once.endswith("text {#x}\n")  # the title and body text as they were


def test_unsearched_reads_a_long_heading_of_spaces_and_braces():
    """The heading pattern rescanned the rest of the line at each step of its lazy text: a 50,000-character
    heading of " {:x" took 110 s (found in a re-read). The wait is a hang guard, not a timing."""
    import threading

    from recur.site.md import unsearched

    lines = ["## h" + " {:x" * 12_500 + "x", "## h" + " " * 50_000 + "x", "## h" + " {" * 25_000 + "x"]
    done = []
    worker = threading.Thread(target=lambda: done.extend(unsearched(line) for line in lines), daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert len(done) == 3 and all(out.endswith("x {: data-search-exclude }") for out in done), len(done)


LOG_FENCE = '```\n"pool-3-thread-1" #41 prio=5\n   java.lang.Thread.State: WAITING (parking)\n        at Unsafe.park(Native)\n```'
LOG_HTML = (
    '<pre><code>"pool-3-thread-1" #41 prio=5\n   java.lang.Thread.State: WAITING (parking)\n'
    "        at Unsafe.park(Native)\n</code></pre>"
)


@pytest.mark.parametrize(
    "evidence",
    [
        f"- The full log line:\n\n{LOG_FENCE}\n\nKeep the thread dump too.",  # right under the list
        f"- The full log line\n\nKeep the thread dump's first lines too:\n\n{LOG_FENCE}",  # after a paragraph
        f"Before anything:\n\n{LOG_FENCE}\n\n- The full log line",  # before the list
        f"No list here, only the dump:\n\n{LOG_FENCE}",  # a section with no items
    ],
)
def test_a_fence_in_the_evidence_box_is_a_code_block_with_its_lines(tmp_path, evidence):
    """Found in review (phones): a fence at the start of a line in "Evidence to preserve" became one inline
    code span, its lines and their indentation run together: the box's text was indented into the admonition,
    where Python-Markdown's fenced_code sees no fence. The same fence in ## Summary was a code block."""
    import markdown
    from kbfactory import pattern_text, small_kb, write

    from recur.site.plugin import EXTENSIONS

    root = small_kb(tmp_path / "kb")
    text = pattern_text("disk-full", summary=f"Logs:\n\n{LOG_FENCE}", evidence=("EVIDENCE",))
    write(root, "patterns/capacity/disk-full.md", text.replace("- EVIDENCE", evidence))
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    page = _pages(kb)["patterns/capacity/disk-full.md"]
    html = markdown.markdown(page.split("\n---\n", 1)[1], extensions=EXTENSIONS)
    box = html[html.index('<div class="admonition danger recur-evidence">') :].split("</div>")[0]
    assert LOG_HTML in box, box
    assert "<code>" not in box.replace("<pre><code>", "")  # no inline span left of it
    if "- The full log line" in evidence:
        assert "<li>The full log line" in box and box.count("<li>") == 1, box
    summary = html[html.index('id="summary"') : html.index('id="what-you-see"')]
    assert LOG_HTML in summary.replace("&quot;", '"')  # as the Summary shows the same fence (its quotes escaped)


def test_a_fence_in_a_sub_item_of_the_evidence_list_is_a_code_block_in_that_sub_item(tmp_path):
    """Found in review (phones): a fence under a sub-item ("- Item" / "  - sub:" / its fence 4 spaces in) was
    indented as one right under the item, its lines 2 spaces past the sub-item's where Python-Markdown wants 4:
    a paragraph, its lines run together. Its lines lose the fence's own indent and sit 4 past the sub-item's."""
    import markdown
    from kbfactory import pattern_text, small_kb, write

    from recur.site.plugin import EXTENSIONS

    fence = "\n".join("    " + line for line in LOG_FENCE.split("\n"))
    root = small_kb(tmp_path / "kb")
    text = pattern_text("disk-full", evidence=("EVIDENCE",))
    write(root, "patterns/capacity/disk-full.md", text.replace("- EVIDENCE", f"- Item\n  - sub:\n\n{fence}\n- Other"))
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    page = _pages(kb)["patterns/capacity/disk-full.md"]
    html = markdown.markdown(page.split("\n---\n", 1)[1], extensions=EXTENSIONS)
    box = html[html.index('<div class="admonition danger recur-evidence">') :].split("</div>")[0]
    sub = box[box.index("<p>sub:</p>") :]
    assert sub.startswith("<p>sub:</p>\n" + LOG_HTML + "\n</li>\n</ul>"), box  # in the sub-item, its lines kept
    assert "<li>\n<p>Other</p>" in box and box.count("<li>") == 3, box


def test_the_early_describe_box_is_the_scripts_box():
    """The box the page is sent with (generate.EARLY_BOX) and the one recur-suggest.js draws where a page has none
    are one box: the same label, field class, rows and placeholder (found in a re-read: each written out apart)."""
    from recur.site.generate import EARLY_BOX

    js = (Path(__file__).resolve().parents[1] / "site_config" / "assets" / "recur-suggest.js").read_text(
        encoding="utf-8"
    )
    field = re.search(
        r'el\("textarea", \{\s*class: "([^"]+)", rows: "(\d+)", spellcheck: "false",\s*'
        r'placeholder: ("[^"]*")',
        js,
    )
    assert field, "recur-suggest.js draws no describe field"
    label = re.search(r'el\("label", \{ for: id, class: "([^"]+)", text: ("[^"]*") \}\)', js)
    assert label, "recur-suggest.js draws no label"
    placeholder = json.loads(field.group(3))  # the JS string's \u escapes, read as JSON reads them
    assert f'<label for="recur-q-early" class="{label.group(1)}">{json.loads(label.group(2))}</label>' in EARLY_BOX
    assert (
        f'class="{field.group(1)}" rows="{field.group(2)}" spellcheck="false" placeholder="{placeholder}"' in EARLY_BOX
    )


def test_a_count_under_a_replaced_id_links_the_retired_patterns_page(tmp_path):
    """The board's and home page's count of a pattern that replaced another, "3 (2 under old-retired)", named
    the old id as plain text, where the site keeps the retired pattern's page (its note says what replaced it):
    the id links there; an id with no page stays plain text."""
    from kbfactory import write

    from recur.site.context import BOARD, HOME, Site

    root = site_kb(tmp_path / "kb")  # old-retired: superseded_by dns-failure
    for n, (day, pid) in enumerate(
        [("2026-04-10", "old-retired"), ("2026-04-12", "old-retired"), ("2026-04-14", "dns-failure")], start=1
    ):
        write(
            root,
            f"incidents/2026/INC-2026-01{n:02}.md",
            f"---\nid: INC-2026-01{n:02}\ntitle: DNS failed {n}\ndate: {day}\nseverity: sev2\n"
            f"patterns: [{pid}]\n---\n\n## Summary\nNames did not resolve.\n",
        )
    dns = root / "patterns/network/dns-failure.md"  # a fix done before them: each "recurred after the fix"
    dns.write_text(
        dns.read_text().replace("\n---\n", "\nfix:\n  status: done\n  owner: alice\n  done: 2026-04-01\n---\n", 1)
    )
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    out = _pages(kb)
    # the recurrences after the fix whose incidents name the old id, one row: "DNS resolution failure (2 under old-retired)"
    assert '</a> (2 under <a href="../patterns/deploys/old-retired.html">old-retired</a>)' in out[BOARD]
    for page in (BOARD, HOME):
        up = "../" * page.count("/")
        linked = f'3 (2 under <a href="{up}patterns/deploys/old-retired.html">old-retired</a>)'
        assert linked in out[page], (page, [ln for ln in out[page].splitlines() if "under" in ln])
    site = Site(kb, as_of=DAY, board=board(kb, DAY))
    assert site.old_id_html(BOARD, "gone-id") == "gone-id"


def test_a_retired_pattern_page_says_its_successors_cover_the_failure_not_that_it_is_gone(kb):
    """Found in a re-read: a renamed, merged or split pattern's page said "Retired: superseded by X. This failure
    mode should no longer happen", where the failure goes on under X (the API and MCP say "ask for X, which covers
    this failure now"). With a successor it says so; with none, as before."""
    import dataclasses

    def note(superseded_by):
        kb.patterns["old-retired"] = dataclasses.replace(kb.patterns["old-retired"], superseded_by=superseded_by)
        page = _pages(kb)["patterns/deploys/old-retired.md"]
        return page[page.index('!!! note "Retired"') :].split("## Summary")[0]

    assert "DNS resolution failure</a>. It covers this failure now; it is kept for history." in note(["dns-failure"])
    assert "</a>. They cover this failure now; it is kept for history." in note(["dns-failure", "disk-full"])
    assert "This failure mode should no longer happen; it is kept for history." in note([])
