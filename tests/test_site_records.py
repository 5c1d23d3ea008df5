"""Pattern, incident and path pages against the rest of the site: what a card, a link or a step says
agrees with the board, `recur check` and the KB (found by a problem manager and a new hire in review)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from site_helpers import AS_OF, loaded_site_kb, site_kb

from recur.kb.loader import load_kb
from recur.problems.board import board
from recur.site import pages

DAY = dt.date.fromisoformat(AS_OF)


@pytest.fixture
def kb(tmp_path):
    return loaded_site_kb(tmp_path / "kb")


def _fix_row(page: str) -> str:
    return page.split("<dt>Permanent fix</dt>")[1].split("</dd>")[0]


def _fixes_open(b: dict) -> dict:
    return {f["pattern"]: f for f in b["fixes"]}


def test_a_fix_done_after_the_as_of_date_is_open_on_the_card_as_on_the_board(tmp_path):
    """`fix: {status: done, done: <after as_of>}` read "done · done ..." on the pattern page while the
    board and `recur report` counted it open, and overdue: the card asks the board's own question."""
    root = site_kb(tmp_path / "kb")
    path = root / "patterns/capacity/disk-full.md"  # due 2026-04-01, a month before AS_OF
    path.write_text(path.read_text().replace("status: in-progress", "status: done\n  done: 2026-05-10"))
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    b = board(kb, DAY)
    assert _fixes_open(b)["disk-full"]["status"] == "open" and _fixes_open(b)["disk-full"]["days_overdue"] == 30
    fix = _fix_row(pages(kb, as_of=DAY, board=b)["patterns/capacity/disk-full.md"])
    assert '<b class="rb r-fix-open">open</b>' in fix and "r-fix-done" not in fix
    assert '<b class="rb r-overdue">overdue 30d</b>' in fix
    assert "marked done on 2026-05-10, after 2026-05-01" in fix and " · done 2026-05-10" not in fix
    # on or after the day it was done, it is done, with no overdue badge (as the board leaves it out)
    later = dt.date(2026, 5, 10)
    fix = _fix_row(pages(kb, as_of=later, board=board(kb, later))["patterns/capacity/disk-full.md"])
    assert '<b class="rb r-fix-done">done</b>' in fix and "done 2026-05-10" in fix and "overdue" not in fix
    assert "disk-full" not in _fixes_open(board(kb, later))


def _path_kb(tmp_path):
    """small_kb (site_kb) with a path that names a pattern no file has, and one whose file has errors."""
    from kbfactory import pattern_text, write

    root = site_kb(tmp_path / "kb")
    write(
        root, "patterns/network/broken.md", pattern_text("broken", "network").replace("severity: sev2", "severity: 7")
    )
    write(
        root,
        "paths/first-week.yml",
        "title: First week\nsteps:\n  - pattern: db-pool-exhausted\n  - pattern: db-pool-exhaustd\n"
        "    why: a slip of the id\n  - pattern: broken\n  - pattern: dns-failure\n",
    )
    return root


def test_a_path_step_naming_no_pattern_is_marked_missing_not_tickable_not_counted(tmp_path):
    """A path step naming a pattern that does not exist (`recur check`: an error) was an ordinary
    tickable step counted in "0 of 4 done", and the path list's progress counted it too."""
    kb = load_kb(_path_kb(tmp_path))
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    page = out["paths/first-week.md"]
    assert "0 of 2 done" in page and "2 steps, in order (and 2 that name no pattern this site has" in page
    assert page.count('class="recur-step-check"') == 2
    steps = page.split('<ol class="recur-steps">')[1].split("</ol>")[0].split("</li>")
    slip, broken = steps[1], steps[2]
    assert "<code>db-pool-exhaustd</code> <i>(missing: no pattern has this id)</i>" in slip
    assert "recur-step-missing" in slip and "checkbox" not in slip and "data-step" not in slip and "href" not in slip
    assert "Why it matters:</strong> a slip of the id" in slip  # the author's note is still there
    assert "<i>(left out of the site: its pattern file has errors)</i>" in broken and "checkbox" not in broken
    assert 'data-step="dns-failure"' in steps[3]
    row = out["paths/index.md"].split('href="first-week.html"')[1].split("</tr>")[0]
    assert 'data-label="steps">2 (2 missing)</td>' in row and 'data-patterns="db-pool-exhausted dns-failure"' in row


def test_the_site_warning_says_which_files_are_left_out_and_which_are_kept(tmp_path, monkeypatch):
    """`recur site` warned "files with errors are left out of the site" of every error, the checks
    across files too: the path naming a missing pattern was built, as a page. The warning now names
    the files left out apart from the errors in files kept as they are."""
    from recur.site.build import build_site

    root = _path_kb(tmp_path)
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml: Recur's defaults
    made = build_site(root, tmp_path / "out", as_of=DAY, browser_search=False, index_dir=tmp_path / "none")
    (warning,) = [w for w in made.warnings if "KB errors" in w]
    assert "1 file with errors left out of the site: kb/patterns/network/broken.md;" in warning
    assert "1 other error, in a file kept as it is (kb/paths/first-week.yml)" in warning
    assert "a path's step naming it is marked missing" in warning
    assert "files with errors are left out of the site" not in warning
    assert (tmp_path / "out/paths/first-week.html").is_file()
    assert not (tmp_path / "out/patterns/network/broken.html").exists()


def test_the_site_warning_explains_a_missing_id_only_when_an_error_is_one(tmp_path):
    """Retired patterns superseded by each other round (a cycle, no id missing): the warning explained
    "a pattern id no file has is shown as text, not a link", which had nothing to do with them."""
    from kbfactory import small_kb

    from recur.kb.check import cross_checks
    from recur.site.hook import problems_warning

    root = small_kb(tmp_path / "kb")
    path = root / "patterns/deploys/old-retired.md"
    path.write_text(path.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: old-retired\n"))
    kb = load_kb(root)
    warning = problems_warning(kb, root, cross_checks(kb))
    assert "1 other error, in a file kept as it is" in warning and "superseded by itself" in warning
    assert "shown as text" not in warning, warning


@pytest.mark.browser
def test_in_the_browser_a_missing_step_has_no_box_and_the_progress_counts_the_others(tmp_path, monkeypatch, chromium):
    """recur.js counts the path's checkboxes: the missing step, which has none, is not in "N of M done"
    on the page nor on the list of paths (Chromium, over HTTP)."""
    from browser import page_errors, serve_dir

    from recur.site.build import build_site

    monkeypatch.chdir(tmp_path)
    build_site(_path_kb(tmp_path), tmp_path / "out", as_of=DAY, browser_search=False, index_dir=tmp_path / "none")
    page = chromium.new_page()
    errors = page_errors(page)
    try:
        with serve_dir(tmp_path / "out") as url:
            page.goto(url + "/paths/first-week.html")
            assert page.locator(".recur-progress-text").inner_text() == "0 of 2 done"
            assert page.locator(".recur-step-missing input").count() == 0
            page.locator("input.recur-step-check").first.check()
            assert page.locator(".recur-progress-text").inner_text() == "1 of 2 done"
            page.goto(url + "/paths/index.html")
            cell = page.locator("tr", has_text="First week").locator(".recur-path-progress")
            assert cell.inner_text() == "1 of 2 done"
        assert errors == []
    finally:
        page.close()


def _git_init(folder):
    import subprocess

    folder.mkdir(parents=True, exist_ok=True)
    subprocess.run(["git", "init", "-q", str(folder)], check=True)
    return folder


def _footer(kb_root) -> str:
    kb = load_kb(kb_root)
    page = pages(kb, as_of=DAY, board=board(kb, DAY))["patterns/capacity/disk-full.md"]
    return page.split("the source is <code>")[1].split("</code>")[0]


def test_the_edit_footer_names_the_file_as_the_repository_has_it(tmp_path):
    """Every footer said the source was `kb/patterns/...`, "kb/" written in, wherever the KB was: a KB
    at a repository's root, or in another folder, named no file there."""
    assert _footer(site_kb(_git_init(tmp_path / "payments-kb"))) == "patterns/capacity/disk-full.md"
    repo = _git_init(tmp_path / "ops-repo")
    assert _footer(site_kb(repo / "teams" / "kb")) == "teams/kb/patterns/capacity/disk-full.md"
    assert _footer(site_kb(tmp_path / "plain" / "rf-kb")) == "rf-kb/patterns/capacity/disk-full.md"  # no git
    assert _footer(site_kb(tmp_path / "team" / "kb")) == "kb/patterns/capacity/disk-full.md"  # as before
    (tmp_path / "plain/rf-kb/paths/first-week.yml").unlink()
    (tmp_path / "plain/rf-kb/paths/storage-basics.yml").unlink()
    kb = load_kb(tmp_path / "plain" / "rf-kb")
    assert "add one under `rf-kb/paths/`" in pages(kb, as_of=DAY, board=board(kb, DAY))["paths/index.md"]


def test_a_site_without_mkdocs_yml_is_named_after_the_repository(tmp_path, monkeypatch):
    """With no mkdocs.yml the site was named after the folder above the KB: a KB at a repository's root
    (or at /tmp/rf-kb) was titled with the folder above it ("src", "tmp")."""
    from recur.site.build import build_site

    root = site_kb(tmp_path / "tmp" / "rf-kb")
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml: Recur's defaults
    build_site(root, tmp_path / "out", as_of=DAY, browser_search=False, index_dir=tmp_path / "none")
    assert "<title>Recur - rf-kb</title>" in (tmp_path / "out" / "index.html").read_text()

    from recur.site.build import default_site_name

    assert default_site_name(_git_init(tmp_path / "src" / "payments-kb")) == "payments-kb"  # the KB is the repo
    assert default_site_name(tmp_path / "team-kb" / "kb") == "team-kb"  # recur init's layout, as before
    assert default_site_name(_git_init(tmp_path / "src" / "kb")) == "kb"  # a repository named kb


def _incident_of(root, iid: str, title: str, day: str, patterns: list[str]) -> None:
    """An incident record of 2026 naming ``patterns`` (sev3, a one-line summary)."""
    from kbfactory import write

    write(
        root,
        f"incidents/2026/{iid}.md",
        f"---\nid: {iid}\ntitle: {title}\ndate: {day}\nseverity: sev3\npatterns: [{', '.join(patterns)}]\n---\n\n"
        "## Summary\nx\n",
    )


def _matched_patterns(out: dict, iid: str) -> str:
    """The "Matched patterns" entry of incident ``iid``'s page in ``out`` (site.pages)."""
    return out[f"incidents/2026/{iid}.md"].split("<dt>Matched patterns</dt>")[1].split("</dd>")[0]


def test_a_retired_pattern_is_marked_where_it_is_linked(tmp_path):
    """A pattern's "Related patterns" list and an incident's page (and the incident list) showed a
    retired pattern as any other: a responder took a failure mode that no longer happens for a live one."""
    root = site_kb(tmp_path / "kb")
    path = root / "patterns/capacity/disk-full.md"
    path.write_text(
        path.read_text().replace("related: [db-pool-exhausted]", "related: [db-pool-exhausted, old-retired]")
    )
    _incident_of(root, "INC-2026-0009", "Deploy broke", "2026-04-21", ["old-retired", "dns-failure"])
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    related = out["patterns/capacity/disk-full.md"].split("## Related patterns")[1].split("</ul>")[0]
    items = {x.split("</a>")[0].split(">")[-1]: x for x in related.split("<li>")[1:]}
    assert "</a> <i>(retired)</i> · deploys" in items["Retired pattern about deploys"]
    assert "retired" not in items["Database connection pool exhausted"]
    card = _matched_patterns(out, "INC-2026-0009")
    assert card.count("(retired)") == 1 and card.index("(retired)") < card.index("DNS resolution failure")
    row = out["incidents/index.md"].split("INC-2026-0009")[-1].split("</tr>")[0]
    assert "Retired pattern about deploys</a> <i>(retired)</i>" in row and row.count("(retired)") == 1
    assert "(retired)" not in out["incidents/2026/INC-2026-0003.md"]


def test_the_timeline_label_counts_one_incident_in_the_singular(kb):
    """The recurrence timeline's label (its title and aria-label) read "1 incidents matched ..."."""
    one = pages(kb, as_of=DAY, board=board(kb, DAY))["patterns/capacity/db-pool-exhausted.md"]
    assert "1 incident matched Database connection pool exhausted" in one and "1 incidents" not in one
    two = pages(kb, as_of=DAY, board=board(kb, DAY))["patterns/capacity/disk-full.md"]
    assert "2 incidents matched Disk full on a host" in two


def _follow_up_rows(page: str) -> list[list[str]]:
    table = page.split("## Follow-ups")[1].split("\n\n")[1]
    return [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]


def test_a_done_follow_up_shows_its_day_and_is_open_before_it(tmp_path):
    """The incident page's follow-up said "done" alone, where `recur incident follow-up ID` lists "done
    2026-11-20"; and a site built as of a day before it was done showed it done while the board (as of
    that day) counted it open. The page says the day, and the board's status on its as-of date."""
    root = site_kb(tmp_path / "kb")
    path = root / "incidents/2026/INC-2026-0003.md"  # the follow-up is due 2026-04-25, 6 days before AS_OF
    text = path.read_text()
    path.write_text(text.replace("status: open, owner: team-storage", "status: done, owner: team-storage", 1)
                    .replace("ticket: OPS-1}", "ticket: OPS-1, done: 2026-04-28}\n  - {title: Old one, status: done}"))  # fmt: skip
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    rows = _follow_up_rows(pages(kb, as_of=DAY, board=board(kb, DAY))["incidents/2026/INC-2026-0003.md"])
    assert [r[:2] + r[4:5] for r in rows] == [["Log rotation on checkout hosts", "done 2026-04-28", ""],
                                               ["Old one", "done", ""]]  # fmt: skip
    before = dt.date(2026, 4, 27)
    b = board(kb, before)
    assert [f["title"] for f in b["follow_ups"]] == ["Log rotation on checkout hosts"]
    rows = _follow_up_rows(pages(kb, as_of=before, board=b)["incidents/2026/INC-2026-0003.md"])
    assert rows[0][1] == "open <i>(marked done on 2026-04-28, after 2026-04-27)</i>", rows
    assert rows[0][4] == '<b class="rb r-overdue">overdue 2d</b>' and rows[1][1] == "done"


def _review_row(page: str) -> str:
    return page.split("<dt>Review</dt><dd>")[1].split("</dd>")[0]


def test_a_held_review_shows_its_day_and_is_pending_before_it(tmp_path):
    """A review's done: date (the day it was held): the page says it, and a site built as of a day before
    it shows the review pending then, overdue, as the board on that build lists it."""
    root = site_kb(tmp_path / "kb")
    path = root / "incidents/2026/INC-2026-0003.md"
    path.write_text(path.read_text().replace("follow_ups:", "review: {level: full, status: done, due: 2026-04-25, "
                                             "done: 2026-04-28}\nfollow_ups:", 1))  # fmt: skip
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    page = pages(kb, as_of=DAY, board=board(kb, DAY))["incidents/2026/INC-2026-0003.md"]
    assert _review_row(page) == "full review, done 2026-04-28, due 2026-04-25"
    before = dt.date(2026, 4, 27)
    b = board(kb, before)
    assert ("INC-2026-0003", 2) in [(r["incident"], r["days_overdue"]) for r in b["reviews"]]
    assert "INC-2026-0003" not in [r["incident"] for r in board(kb, DAY)["reviews"]]
    page = pages(kb, as_of=before, board=b)["incidents/2026/INC-2026-0003.md"]
    assert _review_row(page) == (
        'full review, pending <i>(marked done on 2026-04-28, after 2026-04-27)</i>, due 2026-04-25 <b class="rb '
        'r-overdue">overdue 2d</b>'
    )
    old = pages(kb, as_of=DAY, board=board(kb, DAY))["incidents/2025/INC-2025-0009.md"]
    assert _review_row(old) == "light review, done, due 2025-11-23"  # held, no day recorded: as before


def test_an_incident_page_names_its_reviews_owner(tmp_path):
    """Found in a handoff review: the board's reviews table named who holds a review, the incident's own page
    did not (its Review row said level, status and due date alone)."""
    root = site_kb(tmp_path / "kb")
    path = root / "incidents/2026/INC-2026-0003.md"
    path.write_text(path.read_text().replace("follow_ups:", "review: {level: full, status: pending, due: 2026-05-25, "
                                             "owner: Aylin <Demir>}\nfollow_ups:", 1))  # fmt: skip
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    page = pages(kb, as_of=DAY, board=board(kb, DAY))["incidents/2026/INC-2026-0003.md"]
    assert _review_row(page) == "full review, pending, due 2026-05-25, owner Aylin &lt;Demir&gt;"


def _path_here(page: str) -> str:
    return page.split('<div class="recur-path-here" data-search-exclude>')[1].split("</div>")[0]


def test_a_pattern_page_on_a_path_says_its_step_at_the_top_and_links_to_that_step(kb):
    """The way on from a path's step was only in the pattern page's last section (six screens down on a phone),
    and "Step 3 of 11 on <path>" led to the top of the path's page, whose steps had no ids: a line under the
    card says the step and the next one, and the path's name links to the step (#step-N, counted as the
    checklist counts: a step naming no pattern the site has is skipped)."""
    kb.paths["first-week"].steps.insert(0, type(kb.paths["first-week"].steps[0])("no-such-pattern", None, 9))
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    page = out["patterns/capacity/db-pool-exhausted.md"]
    here = _path_here(page)
    assert page.index("recur-path-here") < page.index("## Summary")  # at the top, under the card
    first = here.strip().split("</p>")[0]
    assert first == (
        '<p>Step 1 of 2 on <a href="../../paths/first-week.html#step-1">First week</a> · next: '
        '<a href="../network/dns-failure.html">DNS resolution failure</a>'
    )
    places = page.split("## On the onboarding paths", 1)[1]  # the section at the bottom links to the step too
    assert 'Step 1 of 2 on <a href="../../paths/first-week.html#step-1">First week</a> · next: ' in places
    # each tickable step has its id, by the checklist's count: "no-such-pattern", listed first, has none
    steps = out["paths/first-week.md"].split('<ol class="recur-steps">')[1].split("</ol>")[0].split("</li>")
    assert 'id="step' not in steps[0] and "recur-step-missing" in steps[0]
    assert '<li class="recur-step" id="step-1">' in steps[1] and 'data-step="db-pool-exhausted"' in steps[1]
    assert '<li class="recur-step" id="step-2">' in steps[2] and 'data-step="dns-failure"' in steps[2]
    assert "recur-path-here" not in out["patterns/deploys/old-retired.md"]  # on no path: nothing said


def test_a_pattern_named_twice_on_a_path_has_one_step_id(kb):
    step = kb.paths["first-week"].steps[0]
    kb.paths["first-week"].steps.append(type(step)(step.pattern, None, 9))  # `recur check` warns of it
    page = pages(kb, as_of=DAY, board=board(kb, DAY))["paths/first-week.md"]
    assert page.count('id="step-1"') == 1 and page.count('id="step-2"') == 1 and 'id="step-3"' not in page


def test_a_paths_last_step_and_its_finished_note_say_what_to_do_next(kb):
    """At "2 of 2 done" the path said nothing more, and its last step's page nothing of it being the last: both
    point to the next path in the team's order (after the last one, to the list of paths) and to the describe
    box. The note is hidden until recur.js sees every step ticked."""
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    # the paths have no `order`: by title, "First week" then "Storage basics"
    first = _path_here(out["patterns/network/dns-failure.md"])
    box = '<a href="../../suggest.html">the describe box</a>: paste an alert and see what it matches'
    assert first == (
        '\n<p>Step 2 of 2, the last step of <a href="../../paths/first-week.html#step-2">First week</a>'
        ' · after it: the next path, <a href="../../paths/storage-basics.html">Storage basics</a>, '
        f"or try {box}</p>\n"
    )
    last = _path_here(out["patterns/capacity/db-pool-exhausted.md"]).split("<p>")[2]
    assert last.startswith(
        'Step 2 of 2, the last step of <a href="../../paths/storage-basics.html#step-2">Storage '
        'basics</a> · after it: the other <a href="../../paths/index.html">onboarding paths</a>, '
        f"or try {box}"
    )
    places = out["patterns/capacity/db-pool-exhausted.md"].split("## On the onboarding paths", 1)[1]
    assert ">Storage basics</a> · previous: " in places and "· after it: the other <a" in places
    done = out["paths/first-week.md"].split('<p class="recur-path-done" hidden>')[1].split("</p>")[0]
    assert done == (
        "<strong>Path finished</strong>: all 2 steps done. What next: the next path, "
        '<a href="storage-basics.html">Storage basics</a>, or try <a href="../suggest.html">the describe '
        "box</a>: paste an alert and see what it matches."
    )
    assert '<p class="recur-path-done" hidden>' in out["paths/storage-basics.md"]


def test_the_list_of_paths_marks_the_one_to_start_with_as_the_home_page_names_it(tmp_path):
    root = site_kb(tmp_path / "kb")
    (root / "paths/storage-basics.yml").write_text((root / "paths/storage-basics.yml").read_text() + "order: 1\n")
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    rows = out["paths/index.md"].split("<tbody>")[1].split("</tr>")
    assert 'href="storage-basics.html">Storage basics</a> <b class="rb r-start">start here</b>' in rows[0]
    assert "start here" not in "".join(rows[1:])
    assert 'the onboarding path <a href="paths/storage-basics.html">Storage basics</a>' in out["index.md"]


def test_an_incidents_services_link_to_their_patterns_by_service(kb):
    """An incident page showed its services as text where a pattern page links each to the by-service page; a
    service no pattern names has no section there, and stays text."""
    i = kb.incidents["INC-2026-0003"]
    i.services.append("ledger")
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    row = out[i.relpath].split("<dt>Services</dt><dd>")[1].split("</dd>")[0]
    assert row == (
        '<a href="../../patterns/by-service.html#service-checkout">checkout</a>, '
        '<span title="no pattern lists this service yet">ledger</span>'
    )
    # where the link lands (the heading may carry more attributes: data-search-exclude keeps list rows out of search)
    assert re.search(r"^## checkout \{#service-checkout[ }]", out["patterns/by-service.md"], re.M)


def test_a_done_flag_shows_its_day_and_is_open_before_it(tmp_path):
    """A flag keeps the day it was done (`recur incident flag ID --done N`, its `done:`): the incident page said
    "done" alone, and a site built as of a day before it showed it done while the board (as of that day)
    counted it open, as a follow-up's did."""
    root = site_kb(tmp_path / "kb")
    path = root / "incidents/2026/INC-2026-0003.md"
    old = '  - {text: "why did the disk alert not fire?", status: open}\n'
    new = (
        "  - {text: why no alert?, status: done, note: it was muted, done: 2026-04-28}\n  - {text: old, status: done}\n"
    )
    assert old in path.read_text()
    path.write_text(path.read_text().replace(old, new))
    kb = load_kb(root)
    assert not kb.errors, kb.errors

    def flag_lines(day):
        page = pages(kb, as_of=day, board=board(kb, day))["incidents/2026/INC-2026-0003.md"]
        return page.split("## Dig into this later\n")[1].split("\n\n")[0].strip().splitlines()

    now = flag_lines(DAY)
    assert "done 2026-04-28" in now[0] and "why no alert?" in now[0] and "(it was muted)" in now[0], now
    before = flag_lines(dt.date(2026, 4, 27))
    assert "open" in before[0] and "(marked done on 2026-04-28, after 2026-04-27)" in before[0], before
    assert "done" in before[1] and "marked" not in before[1], before
    assert [f["text"] for f in board(kb, dt.date(2026, 4, 27))["flags"] if f["incident"] == "INC-2026-0003"] == [
        "why no alert?"
    ]


def test_the_severity_badge_links_to_what_the_level_means(kb):
    """A new hire saw "sev2 · Major" on every pattern and incident page, a badge linking nowhere: what the level
    asks (its review, in days) was only on the by-severity page's table. The badge links there."""
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    page = out["patterns/capacity/disk-full.md"]
    sev = kb.patterns["disk-full"].severity
    link = re.search(r'<dt>Severity</dt>\s*<dd><a href="([^"]+)"[^>]*><b class="rb r-' + sev, page)
    assert link and link.group(1) == "../by-severity.html#levels", page.split("<dt>Severity</dt>")[1][:300]
    assert "{#levels}" in out["patterns/by-severity.md"]  # the anchor it links to
    incident = next(i for i in kb.incidents.values() if i.severity in kb.severity)
    assert re.search(r'<dt>Severity</dt>\s*<dd><a href="[./]*patterns/by-severity.html#levels"', out[incident.relpath])


def test_an_incident_of_a_retired_pattern_links_what_replaced_it(tmp_path):
    """Found ageing a KB: an incident of two years ago named a pattern since merged into another (superseded_by),
    and its page said "(retired)" alone; it now links the pattern in use, as an onboarding step does."""
    root = site_kb(tmp_path / "kb")  # old-retired: superseded_by dns-failure
    _incident_of(root, "INC-2026-0009", "Deploy broke", "2026-04-21", ["old-retired", "disk-full"])
    kb = load_kb(root)
    assert not kb.errors, kb.errors
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    card = _matched_patterns(out, "INC-2026-0009")
    said = card.split("(retired)</i>")[1].split(", ")[0]
    assert "superseded by" in said and "DNS resolution failure</a>" in said, card
    assert card.count("superseded by") == 1, card


def test_a_retired_pattern_s_successor_is_not_read_with_the_next_matched_pattern(tmp_path):
    """Found in review: "Retired pattern (retired) · superseded by DNS resolution failure, Disk full on a host"
    read as two successors; the matched patterns are parted by "; " after such a note."""
    root = site_kb(tmp_path / "kb")  # old-retired: superseded_by dns-failure
    _incident_of(root, "INC-2026-0009", "Deploy broke", "2026-04-21", ["old-retired", "disk-full"])
    # patterns in use alone: a comma between them, as before
    _incident_of(root, "INC-2026-0008", "Both", "2026-04-20", ["disk-full", "dns-failure"])
    kb = load_kb(root)
    out = pages(kb, as_of=DAY, board=board(kb, DAY))
    card = _matched_patterns(out, "INC-2026-0009")
    assert re.search(r"DNS resolution failure</a></span>; <a [^>]*>Disk full", card), card
    both = _matched_patterns(out, "INC-2026-0008")
    assert re.search(r"Disk full on a host</a>, <a [^>]*>DNS", both), both
