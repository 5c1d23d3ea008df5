"""What keeps recurring on the site's board page (a real mkdocs build), and `recur report` for a meeting, a
ticket or a chat: its headline, `--owner`, `--limit` and `--site-url`, on a small KB in tmp_path."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import write, write_pattern
from site_helpers import AS_OF, crawl

from recur.cli.main import cli
from recur.problems.report import count_cell


def _incident(root: Path, n: int, day: str, patterns: str, extra: str = "") -> None:
    write(
        root,
        f"incidents/2026/INC-2026-{n:04d}.md",
        f"---\nid: INC-2026-{n:04d}\ntitle: Incident {n}\ndate: {day}\nseverity: sev3\npatterns: [{patterns}]\n"
        f"{extra}---\n\n## Summary\nSomething broke.\n",
    )


def recurring_kb(root: Path) -> Path:
    """As of 2026-05-01: disk-full struck 3 times in 30 days, its fix open, Bob's, 30 days overdue; queue-lag
    twice, no fix; cert-expiry twice, @bob's fix due in June; in 90 days but not 30, dns-failure twice after
    its fix was done and old-cache (retired, superseded by disk-full: counted as disk-full's) twice. INC-2026-0020 matched no pattern,
    with a follow-up of BOB's and one of alice's."""
    fix = "fix:\n  status: {}\n  owner: {}\n  due: {}\n"
    write_pattern(root, "disk-full", "storage", title="Disk full", extra_front=fix.format("open", "Bob", "2026-04-01"))
    write_pattern(
        root, "cert-expiry", "security", title="Cert expired", extra_front=fix.format("open", "'@bob'", "2026-06-01")
    )
    write_pattern(root, "queue-lag", "capacity", title="Queue lag")
    write_pattern(
        root,
        "dns-failure",
        "network",
        title="DNS fails",
        extra_front="fix:\n  status: done\n  owner: alice\n  done: 2026-03-01\n",
    )
    write_pattern(
        root, "old-cache", "capacity", title="Old cache", status="retired", extra_front="superseded_by: disk-full\n"
    )
    for n, (day, pid) in enumerate(
        [
            ("2026-04-10", "disk-full"),
            ("2026-04-20", "disk-full"),
            ("2026-04-25", "disk-full"),
            ("2026-04-15", "queue-lag"),
            ("2026-04-28", "queue-lag"),
            ("2026-04-05", "cert-expiry"),
            ("2026-04-06", "cert-expiry"),
            ("2026-03-05", "dns-failure"),
            ("2026-03-20", "dns-failure"),
            ("2026-02-15", "old-cache"),
            ("2026-03-01", "old-cache"),
        ],
        start=1,
    ):
        _incident(root, n, day, pid)
    _incident(
        root,
        20,
        "2026-04-29",
        "",
        "follow_ups:\n  - {title: Rotate logs, owner: BOB, due: 2026-04-30}\n"
        "  - {title: Page the vendor, owner: alice, due: 2026-04-30}\n  - {title: Nobody's, due: 2026-05-20}\n",
    )
    return root


def run(*args, **kw):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False, **kw)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    from recur.site.build import build_site
    from recur.util.dates import given_date

    tmp = tmp_path_factory.mktemp("recurring")
    kb = recurring_kb(tmp / "kb")
    out = tmp / "out"
    build_site(kb, out, browser_search=False, index_dir=tmp / "none", as_of=given_date(AS_OF, "--as-of"))
    return kb, out


def _rows(section: str) -> list[list[str]]:
    # a card table's cells after the first carry their header as data-label (a card per row on a phone)
    return [re.findall(r"<td(?: data-label=\"[^\"]*\")?>(.*?)</td>", r, re.S) for r in section.split("</tr>")[1:-1]]


def test_the_board_page_says_what_keeps_recurring_with_each_fix(built):
    """The board page had no "what keeps recurring" section (a bar chart on trends.html, the home page's
    90-day table): now the last 30 and 90 days, each pattern linked, its count and its fix's state, owner,
    due, overdue marked, in the order and numbers of board.json's recurring lists."""
    _, out = built
    page = (out / "board/index.html").read_text(encoding="utf-8")
    data = json.loads((out / "board/board.json").read_text(encoding="utf-8"))
    assert 'id="recurring"' in page
    thirty = page.split('id="recurring-30"')[1].split('id="recurring-90"')[0]
    ninety = page.split('id="recurring-90"')[1]
    assert re.findall(r"<th>(.*?)</th>", thirty) == ["pattern", "incidents", "last", "fix", "overdue", "owner", "due"]
    for section, days in ((thirty, "30"), (ninety, "90")):
        rows = _rows(section.split("</table>")[0])
        # the count's text as the report says it (a replaced id in it links to its page, below)
        shown = [(re.search(r'href="([^"]+)"', r[0]).group(1), re.sub(r"<[^>]+>", "", r[1])) for r in rows]
        want = [(f"../patterns/{r['category']}/{r['pattern']}.html", count_cell(r)) for r in data["recurring"][days]]
        assert shown == want, days
    disk = _rows(thirty)[0]
    assert "Disk full" in disk[0] and disk[1:4] == ["3", "2026-04-25", "open"]
    # "Bob" written, "@bob" shown: one owner, named in every row as By owner names them ("@bob", written most)
    assert "overdue 30d" in disk[4] and disk[5:] == ["@bob", "2026-04-01"]
    queue = next(r for r in _rows(thirty) if "Queue lag" in r[0])
    assert queue[3:] == ["none recorded", "", "-", "-"]
    cert = next(r for r in _rows(thirty) if "Cert expired" in r[0])
    assert cert[3:] == ["open", "", "@bob", "2026-06-01"]
    dns = next(r for r in _rows(ninety) if "DNS fails" in r[0])
    assert dns[3] == "done 2026-03-01, did not hold"
    # old-cache's incidents are disk-full's, which replaced it, said as its: no row of its own
    assert not any("Old cache" in r[0] for r in _rows(ninety))
    disk_90 = next(r for r in _rows(ninety) if "Disk full" in r[0])
    # the replaced id links to the retired pattern's page, which the site keeps and which says what replaced it
    assert disk_90[1] == '5 (2 under <a href="../patterns/capacity/old-cache.html">old-cache</a>)', disk_90


def test_the_new_section_and_the_trends_link_to_it_break_no_link(built):
    _, out = built
    trends = (out / "board/trends.html").read_text(encoding="utf-8")
    assert 'href="index.html#recurring-30"' in trends and 'href="index.html#recurring-90"' in trends
    checked, broken = crawl(out)
    assert checked and not broken, broken[:10]


def test_the_headline_names_needs_analysis_and_what_recurred_in_30_days(tmp_path):
    kb = recurring_kb(tmp_path / "kb")
    for fmt in ("text", "markdown"):
        out = run("report", "--kb", str(kb), "--as-of", AS_OF, "--format", fmt).output
        head = out.splitlines()[2 if fmt == "markdown" else 1]
        assert "1 incident with no known pattern (needs analysis)" in head, head
        assert "recurred in the last 30 days: disk-full (3), queue-lag (2), cert-expiry (2)." in head, head
    quiet = run("report", "--kb", str(kb), "--as-of", "2026-09-01").output.splitlines()[1]
    assert "nothing recurred in the last 30 days" in quiet


def test_owner_narrows_every_rendering_one_owner_however_spelt(tmp_path):
    kb = recurring_kb(tmp_path / "kb")
    whole = json.loads(run("report", "--kb", str(kb), "--as-of", AS_OF, "--format", "json").output)
    assert "filtered" not in whole and whole["counts"]["unknown"] == 1 and len(whole["follow_ups"]) == 3
    b = json.loads(run("report", "--kb", str(kb), "--as-of", AS_OF, "--format", "json", "--owner", "bob").output)
    assert b["filtered"] == {"owner": "bob", "spellings": ["@bob", "BOB", "Bob"], "left_out": list(
        ("unknown", "triage", "flags")), "reviews_from_pattern": 0}  # fmt: skip
    assert [f["title"] for f in b["follow_ups"]] == ["Rotate logs"]
    assert sorted(f["pattern"] for f in b["fixes"]) == ["cert-expiry", "disk-full"]
    assert [r["pattern"] for r in b["recurring"]["30"]] == ["disk-full", "cert-expiry"]
    assert b["recurring"]["90"] == [r for r in whole["recurring"]["90"] if r["pattern"] in ("disk-full", "cert-expiry")]
    assert (
        b["unknown"] == [] and b["recurrence_after_fix"] == [] and list(b["by_owner"]) == ["@bob"]
    )  # the spelling By owner shows
    c = b["counts"]
    assert (c["follow_ups_open"], c["fixes_open"], c["fixes_overdue"], c["unknown"]) == (1, 2, 1, 0)
    assert c["incidents_30"] == whole["counts"]["incidents_30"]
    alice = json.loads(run("report", "--kb", str(kb), "--as-of", AS_OF, "--format", "json", "--owner", "Alice").output)
    assert [r["pattern"] for r in alice["recurrence_after_fix"]] == ["dns-failure", "dns-failure"]
    assert [f["title"] for f in alice["follow_ups"]] == ["Page the vendor"] and alice["fixes"] == []
    text = run("report", "--kb", str(kb), "--as-of", AS_OF, "--owner", "@BOB").output
    assert text.splitlines()[1].startswith("Only what @BOB owns (@bob, BOB, Bob):")
    # the headline counts what is listed: no "0 … needs analysis" for a list left out; bob's reviews are
    # listed (by review.owner: none here), so counted
    assert text.splitlines()[2] == (
        "8 incidents in the last 30 days, 12 in 90; 0 reviews, 1 follow-up and 1 permanent fix overdue; "
        "recurred in the last 30 days: disk-full (3), cert-expiry (2)."
    )
    alice_text = run("report", "--kb", str(kb), "--as-of", AS_OF, "--owner", "alice").output.splitlines()[2]
    assert alice_text.endswith("; nothing of theirs recurred in the last 30 days.")
    assert "Rotate logs" in text and "Page the vendor" not in text
    assert "Needs analysis" not in text and "Reviews pending (0, 0 overdue)" in text  # bob holds no review
    md = run("report", "--kb", str(kb), "--as-of", AS_OF, "--owner", "bob", "--format", "markdown").output
    assert "Only what bob owns" in md and "Page the vendor" not in md and "queue-lag" not in md
    gate = run("report", "--kb", str(kb), "--as-of", AS_OF, "--owner", "alice", "--fail-on", "overdue")
    assert gate.exit_code == 1 and "Page the vendor" in gate.stderr and "disk-full" not in gate.stderr
    unowned = run("report", "--kb", str(kb), "--as-of", AS_OF, "--owner", "(unowned)").output
    assert unowned.splitlines()[1].startswith("Only what no one owns: ")
    assert "Nobody's" in unowned and "Rotate logs" not in unowned and "disk-full" not in unowned
    nobody = run("report", "--kb", str(kb), "--as-of", AS_OF, "--owner", "zed")
    assert (
        nobody.exit_code == 0 and "warning: 'zed' owns nothing on this board; its owners: alice, @bob" in nobody.stderr
    )
    assert run("report", "--kb", str(kb), "--owner", " @ ").exit_code == 2


def test_limit_cuts_each_list_and_says_how_many_more(tmp_path):
    kb = recurring_kb(tmp_path / "kb")
    text = run("report", "--kb", str(kb), "--as-of", AS_OF, "--limit", "1").output
    section = text.split("Most recurring patterns, last 30 days")[1].split("\n\n")[0].splitlines()
    assert len(section) == 4 and "disk-full" in section[2], section  # heading, header, one row, the rest counted
    assert section[3].strip() == "… and 2 more not shown (--limit 1; --format json lists them all)"
    assert "Page the vendor" in text and "Rotate logs" not in text  # the first follow-up by owner only
    md = run("report", "--kb", str(kb), "--as-of", AS_OF, "--limit", "2", "--format", "markdown").output
    assert "*… and 1 more not shown (--limit 2; --format json lists them all)*" in md
    assert "*… and 1 more" not in md.split("## Incidents per month")[1]  # the trends are a chart: whole
    whole = json.loads(run("report", "--kb", str(kb), "--as-of", AS_OF, "--limit", "1", "--format", "json").output)
    assert len(whole["recurring"]["30"]) == 3  # the JSON keeps every item
    assert run("report", "--kb", str(kb), "--limit", "0").exit_code == 2


def test_site_url_links_ids_in_markdown_to_the_pages_the_board_links(tmp_path, monkeypatch, built):
    kb = recurring_kb(tmp_path / "kb")
    monkeypatch.chdir(tmp_path)  # no mkdocs.yml here
    monkeypatch.delenv("RECUR_SITE_URL", raising=False)
    args = ("report", "--kb", str(kb), "--as-of", AS_OF, "--format", "markdown")
    plain = run(*args).output
    assert "](" not in plain and "| INC-2026-0020 |" in plain
    md = run(*args, "--site-url", "https://kb.example.com/team/").output
    assert "| [INC-2026-0020](https://kb.example.com/team/incidents/2026/INC-2026-0020.html) |" in md
    assert "| [disk-full](https://kb.example.com/team/patterns/storage/disk-full.html) |" in md
    # each linked path is a page of the built site
    _, site = built
    for path in set(re.findall(r"\]\(https://kb\.example\.com/team/([^)]+)\)", md)):
        assert (site / path).is_file(), path
    assert "](" not in run("report", "--kb", str(kb), "--as-of", AS_OF, "--site-url", "https://x.example/").output
    # mkdocs.yml's site_url, where `recur site` reads it, unless the option or RECUR_SITE_URL gives one
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nsite_url: https://docs.example.org/kb/\n")
    assert "(https://docs.example.org/kb/incidents/2026/INC-2026-0020.html)" in run(*args).output
    monkeypatch.setenv("RECUR_SITE_URL", "https://env.example.net/")
    assert "(https://env.example.net/incidents/2026/INC-2026-0020.html)" in run(*args).output
    monkeypatch.delenv("RECUR_SITE_URL")
    (tmp_path / "mkdocs.yml").write_text("site_name: T\nsite_url: ftp://nope/\n")
    bad = run(*args)
    assert bad.exit_code == 0 and "](" not in bad.output
    assert "warning: mkdocs.yml: site_url: must be an http:// or https:// URL" in bad.stderr
    assert run(*args, "--site-url", "kb.example.com").exit_code == 2


def _section(text: str, heading: str) -> str:
    """The rows under ``heading`` (text or Markdown), up to the next section, the list with no due date."""
    return text.split(heading, 1)[1].split(" with no due date")[0]


def test_limit_keeps_the_most_overdue_rows_not_the_first_by_owner(tmp_path):
    """`--limit` kept the first rows in owner-name order: 10 of 43 fixes shown, a fix not yet due first, 5 of
    20 overdue ones (found in a docs-vs-behaviour review). Here the owners' order is the reverse of lateness."""
    kb = recurring_kb(tmp_path / "kb")
    fix = "fix:\n  status: open\n  owner: {}\n  due: {}\n"
    write_pattern(kb, "aaa-later", "capacity", title="Not due", extra_front=fix.format("aaron", "2026-09-01"))
    write_pattern(kb, "zzz-late", "capacity", title="Very late", extra_front=fix.format("zoe", "2026-02-01"))
    _incident(kb, 30, "2026-04-02", "", "follow_ups:\n  - {title: Zed's late one, owner: zed, due: 2026-03-01}\n")
    text = run("report", "--kb", str(kb), "--as-of", AS_OF, "--limit", "1").output
    fixes = _section(text, "Open permanent fixes (")
    assert "zzz-late" in fixes and "aaa-later" not in fixes and "disk-full" not in fixes, fixes  # 89 days over
    follow = _section(text, "Open follow-ups (")
    assert "Zed's late one" in follow and "Page the vendor" not in follow, follow  # 61 days over, then 1
    two = run("report", "--kb", str(kb), "--as-of", AS_OF, "--limit", "2", "--format", "markdown").output
    fixes = _section(two, "Open permanent fixes (")
    assert fixes.index("zzz-late") < fixes.index("disk-full") and "aaa-later" not in fixes, fixes
    whole = run("report", "--kb", str(kb), "--as-of", AS_OF).output  # no --limit: by owner, as before
    fixes = _section(whole, "Open permanent fixes (")
    assert fixes.index("aaa-later") < fixes.index("zzz-late"), fixes


def test_the_headline_names_a_fix_that_did_not_hold_in_the_last_30_days(tmp_path):
    """A pattern whose fix was marked done struck again last week: the headline said "nothing recurred in the
    last 30 days" (no pattern had two incidents then), the one thing a manager acts on first left to a table
    further down. Now it names the pattern and the incident; an older recurrence after a fix is not named."""
    kb = recurring_kb(tmp_path / "kb")
    _incident(kb, 30, "2026-08-20", "dns-failure")  # after dns-failure's fix (done 2026-03-01)
    head = run("report", "--kb", str(kb), "--as-of", "2026-09-01").output.splitlines()[1]
    assert "nothing recurred in the last 30 days" in head, head
    assert head.endswith("; the fix did not hold in the last 30 days: dns-failure (INC-2026-0030)."), head
    md = run("report", "--kb", str(kb), "--as-of", "2026-09-01", "--format", "markdown").output.splitlines()[2]
    assert md.endswith("; the fix did not hold in the last 30 days: dns-failure (INC-2026-0030)."), md
    # its two recurrences in March and the other older ones are not this month's news
    later = run("report", "--kb", str(kb), "--as-of", "2026-10-15").output.splitlines()[1]
    assert "did not hold" not in later, later
    # the owner's view names it only for the fix's owner (alice), as its recurrence list does
    bob = run("report", "--kb", str(kb), "--as-of", "2026-09-01", "--owner", "bob").output.splitlines()[2]
    alice = run("report", "--kb", str(kb), "--as-of", "2026-09-01", "--owner", "alice").output.splitlines()[2]
    assert "did not hold" not in bob and "dns-failure (INC-2026-0030)" in alice, (bob, alice)


def test_since_lists_what_came_after_the_last_review_with_how_often_its_pattern_struck_before(tmp_path):
    """The weekly review asks what came back since last week: the recurring lists need two incidents in a window,
    so a pattern striking once more after five earlier incidents was in none of them. `--since DATE` lists each
    incident after DATE with its pattern (a retired one's under the pattern that replaced it), how often that
    pattern struck before and its fix, newest first; JSON `since`; absent without the flag."""
    kb = recurring_kb(tmp_path / "kb")
    _incident(kb, 31, "2026-04-30", "dns-failure")
    args = ["report", "--kb", str(kb), "--as-of", AS_OF]
    assert "since" not in json.loads(run(*args, "--json").output)
    s = json.loads(run(*args, "--json", "--since", "2026-04-24").output)["since"]
    assert (s["date"], s["incidents"], s["repeats"], s["needs_analysis"]) == ("2026-04-24", 4, 3, 1), s
    got = [(r["incident"], r["pattern"], r["seen_before"]) for r in s["rows"]]
    # disk-full: old-cache's two (under it) and two of its own before INC-2026-0003
    assert got == [
        ("INC-2026-0031", "dns-failure", 2),
        ("INC-2026-0020", None, 0),
        ("INC-2026-0005", "queue-lag", 1),
        ("INC-2026-0003", "disk-full", 4),
    ], got
    text = run(*args, "--since", "2026-04-24").output
    section = text.split("Since 2026-04-24: 4 incidents, 3 of a pattern seen before, 1 with no known pattern\n")[1]
    lines = section.split("\n\n")[0].splitlines()
    assert "done 2026-03-01, did not hold" in lines[1] and "needs analysis" in lines[2], lines
    none = run(*args, "--since", AS_OF, "--format", "markdown").output
    assert "No incident after 2026-05-01." in none


def test_since_after_the_reports_date_is_a_usage_error(tmp_path):
    """`--since` a day after the report's date (`--as-of`, or today) said "Since 2027-06-01: 0 incidents" and
    "No incident after 2027-06-01.", as if nothing had happened, whatever the KB held: a typo in the year read as
    a quiet week. It is click's usage error naming the flag and both days, exit 2; the report's own day is fine."""
    kb = recurring_kb(tmp_path / "kb")
    r = run("report", "--kb", str(kb), "--as-of", AS_OF, "--since", "2026-05-02")
    assert r.exit_code == 2 and "'--since'" in r.output and "2026-05-02" in r.output and AS_OF in r.output, r.output
    assert "No incident after" not in r.output and "Traceback" not in r.output
    same = run("report", "--kb", str(kb), "--as-of", AS_OF, "--since", AS_OF, "--json")
    assert same.exit_code == 0 and json.loads(same.stdout)["since"]["incidents"] == 0, same.output


def test_the_headline_says_what_the_more_fixes_that_did_not_hold_are(tmp_path):
    """Four patterns whose fixes failed in the last 30 days: the headline names three and said "and 1 more", with
    no word of one more what (an incident? it had just listed incident ids). It says "and 1 more pattern"."""
    kb = tmp_path / "kb"
    for k, pid in enumerate(("alpha", "bravo", "charlie", "delta")):
        write_pattern(
            kb, pid, title=f"Failure {pid}", symptoms=(f"{pid} words",),
            extra_front="fix:\n  status: done\n  owner: carol\n  done: 2026-01-10\n",
        )  # fmt: skip
        _incident(kb, k + 40, f"2026-04-{10 + k:02d}", pid)
    head = run("report", "--kb", str(kb), "--as-of", AS_OF).output.splitlines()[1]
    assert head.endswith(
        "the fix did not hold in the last 30 days: delta (INC-2026-0043), charlie (INC-2026-0042), "
        "bravo (INC-2026-0041) and 1 more pattern."
    ), head
