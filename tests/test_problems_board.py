"""problems.board: the problem-management computations shared by `recur report` and the site."""

import datetime as dt
import json
from functools import partial

import pytest
from kbfactory import write, write_pattern

from recur.kb.loader import load_kb
from recur.problems.board import board, month_range, overdue_items

AS_OF = dt.date(2026, 5, 15)


def incident(root, iid, date, severity="sev2", patterns=(), services=(), extra=""):
    write(
        root,
        f"incidents/{date[:4]}/{iid}.md",
        "\n".join(
            [
                "---",
                f"id: {iid}",
                f"title: Incident {iid}",
                f"date: {date}",
                f"severity: {severity}",
                f"patterns: [{', '.join(patterns)}]",
                f"services: [{', '.join(services)}]",
                extra.rstrip(),
                "---",
                "",
                "## Summary",
                "Something happened.",
                "",
            ]
        ),
    )


@pytest.fixture
def pm_kb(tmp_path):
    root = tmp_path / "kb"
    write_pattern(
        root,
        "disk-full",
        title="Disk full",
        fix="fix: {status: done, owner: team-a, due: 2026-01-31, done: 2026-02-01}",
    )
    write_pattern(
        root,
        "pool-exhausted",
        title="Pool exhausted",
        fix="fix: {status: in-progress, owner: team-b, due: 2026-04-30, tickets: [DB-1]}",
    )
    write_pattern(
        root,
        "dns-failure",
        "network",
        title="DNS failure",
        fix="fix: {status: open, due: 2026-12-31}",
        extra_front="owner: team-net",
    )
    write_pattern(root, "old", "network", status="retired", fix="fix: {status: open, owner: x, due: 2020-01-01}")
    # fixed before its fix landed: not a recurrence after fix
    incident(root, "INC-1", "2026-01-10", patterns=["disk-full"], services=["api"], extra="review: {status: done}")
    # after the fix landed: recurrence after fix; review pending and overdue (sev1: 5 days)
    incident(
        root,
        "INC-2",
        "2026-04-20",
        "sev1",
        patterns=["disk-full", "pool-exhausted"],
        services=["api", "db"],
        extra="follow_ups:\n  - {title: Add alert, owner: team-b, due: 2026-05-01, ticket: OPS-9}\n"
        "  - {title: Done thing, status: done}\n"
        "flags:\n  - heap dump lost\n  - {text: old question, status: done}",
    )
    # unknown pattern, sev3 review due in 20 days (not overdue), open follow-up without owner
    incident(
        root,
        "INC-3",
        "2026-05-10",
        "sev3",
        services=["web"],
        extra="follow_ups:\n  - {title: Find the cause, due: 2026-06-01}",
    )
    # sev4: no review; pool-exhausted again
    incident(root, "INC-4", "2026-05-12", "sev4", patterns=["pool-exhausted"])
    # after as_of: ignored everywhere
    incident(root, "INC-5", "2026-06-01", "sev1", patterns=["dns-failure"], services=["edge"])
    return load_kb(root)


def test_board_is_json_safe_and_complete(pm_kb):
    b = board(pm_kb, AS_OF)
    assert json.loads(json.dumps(b)) == b
    for key in (
        "as_of",
        "counts",
        "reviews",
        "follow_ups",
        "fixes",
        "by_owner",
        "unknown",
        "flags",
        "recurring",
        "recurrence_after_fix",
        "trends",
    ):
        assert key in b
    assert b["as_of"] == "2026-05-15"
    assert all(r["incident"] != "INC-5" for r in b["reviews"])


def test_reviews_follow_severity_framework(pm_kb):
    b = board(pm_kb, AS_OF)
    got = {r["incident"]: r for r in b["reviews"]}
    assert set(got) == {"INC-2", "INC-3"}  # INC-1 done, INC-4 sev4 (none)
    assert got["INC-2"]["due"] == "2026-04-25" and got["INC-2"]["overdue"] and got["INC-2"]["days_overdue"] == 20
    assert got["INC-3"]["level"] == "light" and got["INC-3"]["due"] == "2026-05-30" and not got["INC-3"]["overdue"]
    assert b["reviews"][0]["incident"] == "INC-2"


def test_follow_ups_fixes_and_owners(pm_kb):
    b = board(pm_kb, AS_OF)
    fu = {f["title"]: f for f in b["follow_ups"]}
    assert set(fu) == {"Add alert", "Find the cause"}
    assert fu["Add alert"]["overdue"] and fu["Add alert"]["days_overdue"] == 14 and fu["Add alert"]["age_days"] == 25
    assert fu["Add alert"]["ticket"] == "OPS-9" and fu["Find the cause"]["owner"] is None
    fixes = {f["pattern"]: f for f in b["fixes"]}
    assert set(fixes) == {"pool-exhausted", "dns-failure"}  # done and retired are left out
    assert fixes["pool-exhausted"]["overdue"] and fixes["pool-exhausted"]["days_overdue"] == 15
    assert fixes["pool-exhausted"]["incidents"] == 2 and fixes["pool-exhausted"]["age_days"] == 25
    assert fixes["dns-failure"]["owner"] == "team-net"  # falls back to the pattern owner
    assert fixes["dns-failure"]["incidents"] == 0 and not fixes["dns-failure"]["overdue"]
    assert b["by_owner"]["team-b"] == {
        "follow_ups": 1,
        "follow_ups_overdue": 1,
        "fixes": 1,
        "fixes_overdue": 1,
        "reviews": 0,
        "reviews_overdue": 0,
    }
    assert b["by_owner"]["(unowned)"]["follow_ups"] == 1
    lines = overdue_items(b)
    assert len(lines) == 3 and any("INC-2" in x for x in lines)
    # whose each is, as the tables say (a gate's lines are what a cron job posts)
    assert "follow-up 'Add alert' of INC-2 (team-b) overdue by 14 days" in lines
    assert "permanent fix of pool-exhausted (team-b) overdue by 15 days" in lines


def test_one_owner_spelled_three_ways_is_counted_once(tmp_path):
    """by_owner split "Bob" from "bob" (and "@bob", as trackers write it): one person's overdue
    work looked like three people's, each with less of it."""
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", fix="fix: {status: open, owner: bob}")
    items = "".join(
        f"  - {{title: Item {n}, owner: '{o}', due: 2026-05-01}}\n" for n, o in enumerate(["Bob", "bob", "@bob", "Bob"])
    )
    incident(
        root, "INC-1", "2026-04-20", patterns=["disk-full"], extra="follow_ups:\n" + items + "  - {title: Nobody's}"
    )
    b = board(load_kb(root), AS_OF)
    assert b["by_owner"] == {
        "(unowned)": {
            "follow_ups": 1,
            "follow_ups_overdue": 0,
            "fixes": 0,
            "fixes_overdue": 0,
            "reviews": 1,  # INC-1's review, pending with no review.owner: no one's
            "reviews_overdue": 1,
        },
        "Bob": {
            "follow_ups": 4,
            "follow_ups_overdue": 4,
            "fixes": 1,
            "fixes_overdue": 0,
            "reviews": 0,
            "reviews_overdue": 0,
        },
    }
    assert [f["owner"] for f in b["follow_ups"]].count("@bob") == 1  # each item keeps its own spelling


def test_unknown_flags_recurring_after_fix_and_trends(pm_kb):
    b = board(pm_kb, AS_OF)
    assert [u["incident"] for u in b["unknown"]] == ["INC-3"]
    assert [(f["incident"], f["text"]) for f in b["flags"]] == [("INC-2", "heap dump lost")]
    assert b["flags"][0]["age_days"] == 25
    assert b["recurring"]["30"][0] == {
        "pattern": "pool-exhausted",
        "title": "Pool exhausted",
        "category": "capacity",
        "count": 2,
        "last": "2026-05-12",
        "fix": {
            "status": "in-progress",
            "owner": "team-b",
            "due": "2026-04-30",
            "done": None,
            "overdue": True,
            "days_overdue": 15,
        },
        "retired": False,
        "superseded_by": [],
        "incidents_inherited": {},
    }
    assert {r["pattern"]: r["count"] for r in b["recurring"]["90"]} == {"pool-exhausted": 2}  # once is not recurring
    assert b["recurrence_after_fix"] == [
        {
            "incident": "INC-2",
            "title": "Incident INC-2",
            "pattern": "disk-full",
            "pattern_title": "Disk full",
            "fix_done": "2026-02-01",
            "incident_date": "2026-04-20",
            "days_after_fix": 78,
            "fix_owner": "team-a",
            "path": "incidents/2026/INC-2.md",
            "fix_reopened": False,
            "under": None,
        }
    ]
    t = b["trends"]
    assert t["months"][-1] == "2026-05" and len(t["months"]) == 12
    jan, apr, may = t["months"].index("2026-01"), t["months"].index("2026-04"), t["months"].index("2026-05")
    assert t["total"][jan] == 1 and t["total"][apr] == 1 and t["total"][may] == 2
    assert t["by_category"]["capacity"][apr] == 1 and t["by_category"]["unknown"][may] == 1
    assert t["by_service"]["api"][jan] == 1 and t["by_service"]["(none)"][may] == 1
    assert b["counts"]["recurrence_after_fix"] == 1 and b["counts"]["incidents_30"] == 3


def test_as_of_earlier_hides_later_incidents(pm_kb):
    b = board(pm_kb, dt.date(2026, 3, 1))
    assert [r["incident"] for r in b["reviews"]] == []
    assert b["recurrence_after_fix"] == [] and b["counts"]["incidents_90"] == 1


def test_as_of_earlier_reopens_fixes_done_later(pm_kb):
    """disk-full's fix was done on 2026-02-01: as of 2026-01-20 it was still open (not yet due)."""
    before = {f["pattern"]: f for f in board(pm_kb, dt.date(2026, 1, 20))["fixes"]}
    assert before["disk-full"]["status"] == "open" and before["disk-full"]["owner"] == "team-a"
    assert not before["disk-full"]["overdue"]
    late = {f["pattern"]: f for f in board(pm_kb, dt.date(2026, 2, 1))["fixes"]}
    assert "disk-full" not in late  # done that day
    write_pattern(pm_kb.root, "later", "network", extra_front="created: 2026-04-01\nfix: {status: open}")
    k = load_kb(pm_kb.root)
    assert "later" not in {f["pattern"] for f in board(k, dt.date(2026, 3, 31))["fixes"]}
    assert "later" in {f["pattern"] for f in board(k, dt.date(2026, 4, 1))["fixes"]}


def test_month_range_crosses_years():
    assert month_range(dt.date(2026, 2, 3), 4) == ["2025-11", "2025-12", "2026-01", "2026-02"]


def test_board_on_shipped_kb_runs():
    from conftest import ROOT

    b = board(load_kb(ROOT / "kb"), dt.date(2026, 6, 1))
    assert b["counts"]["recurrence_after_fix"] >= 1  # INC-2026-0201 recurs after cache-stampede's fix


def test_the_site_board_names_what_it_could_not_count_by_its_path_in_the_kb(tmp_path, monkeypatch):
    """A file with errors (left out) and a misspelt key (`follow-ups:`, not read) vanished from the
    site's board without a word there (only the build log said the first): the board page names them,
    as `recur report` does, by the path in the KB, never the build machine's."""
    from kbfactory import small_kb

    from recur.site.hook import prepare

    root = small_kb(tmp_path / "kb")
    one, two = root / "incidents/2026/INC-2026-0001.md", root / "incidents/2026/INC-2026-0002.md"
    one.write_text(one.read_text().replace("severity: sev2", "severity: sev9"))
    two.write_text(two.read_text().replace("patterns: []", "patterns: []\nfollow-ups:\n  - {title: Add an alert}"))
    monkeypatch.chdir(tmp_path)
    prepare(root, tmp_path / "src", as_of=dt.date(2026, 5, 1))
    page = (tmp_path / "src/board/index.md").read_text()
    assert "Not counted on this board: 2 problems in the KB's files" in page, page
    assert "<code>incidents/2026/INC-2026-0001.md:5</code> severity: unknown severity" in page
    assert "<i>(left out: the file has errors)</i>" in page
    assert "<code>incidents/2026/INC-2026-0002.md:7</code> follow-ups: unknown key in front matter" in page
    assert str(tmp_path) not in page
    b = json.loads((tmp_path / "src/board/board.json").read_text())
    assert [x["path"] for x in b["left_out"] + b["unread"]] == [
        "incidents/2026/INC-2026-0001.md",
        "incidents/2026/INC-2026-0002.md",
    ]
    one.write_text(one.read_text().replace("sev9", "sev2"))
    two.write_text(two.read_text().replace("follow-ups:", "follow_ups:"))
    prepare(root, tmp_path / "src", as_of=dt.date(2026, 5, 1))
    assert "Not counted on this board" not in (tmp_path / "src/board/index.md").read_text()


def test_open_follow_ups_not_yet_due_come_soonest_due_first(tmp_path):
    """Past the overdue ones, follow-ups came by their incident's age: one due in a year from an older
    incident was listed above one due in three days from last week's, on the board and in the report."""
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full")
    incident(root, "INC-1", "2026-01-10", extra="follow_ups:\n  - {title: Next year, owner: a, due: 2027-05-01}")
    incident(root, "INC-2", "2026-05-08", extra="follow_ups:\n  - {title: Soon, owner: a, due: 2026-05-18}")
    incident(root, "INC-3", "2026-03-01", extra="follow_ups:\n  - {title: Undated, owner: a}")
    incident(root, "INC-4", "2026-02-01", extra="follow_ups:\n  - {title: Late, owner: a, due: 2026-05-01}")
    titles = [f["title"] for f in board(load_kb(root), AS_OF)["follow_ups"]]
    assert titles == ["Late", "Soon", "Next year", "Undated"]


def test_a_retired_recurring_pattern_is_shown_retired_not_its_open_fix(pm_kb):
    """A retired pattern that recurred showed its old fix, "open, x, due 2020-01-01, OVERDUE …", in the
    recurring lists, while the fixes table and the overdue gate leave retired patterns out: a nudge to
    chase a fix nobody tracks. One nothing replaced is shown retired; one a pattern in use replaced is no row of
    its own: its incidents count for that pattern, said as its ("seen before"'s rule, test_recurring_replaced)."""
    from recur.problems.report import render_text

    root = pm_kb.root
    write_pattern(
        root,
        "old-dns",
        "network",
        status="retired",
        fix="fix: {status: open, owner: x, due: 2026-01-01}",
        extra_front="superseded_by: dns-failure",
    )
    for n, day in enumerate(("2026-05-01", "2026-05-05")):
        incident(root, f"INC-R{n}", day, patterns=["old-dns"])
        incident(root, f"INC-O{n}", day, patterns=["old"])
    b = board(load_kb(root), AS_OF)
    rows = {r["pattern"]: r for r in b["recurring"]["30"]}
    assert "old-dns" not in rows and rows["dns-failure"]["incidents_inherited"] == {"old-dns": 2}, rows
    assert rows["old"]["retired"] and rows["old"]["superseded_by"] == []
    assert not rows["old"]["fix"] or not rows["old"]["fix"]["overdue"]
    assert not rows["pool-exhausted"]["retired"] and rows["pool-exhausted"]["superseded_by"] == []
    assert not {"old", "old-dns"} & {f["pattern"] for f in b["fixes"]}  # as before: off the fixes table
    text = render_text(b)
    section = text.split("Most recurring patterns, last 30 days")[1].split("\n\n")[0].splitlines()[2:]
    lines = {ln.split()[1]: ln for ln in section}
    assert "old-dns" not in lines and "(2 under old-dns)" in text and "OVERDUE" not in lines["old"], text
    assert " retired " in lines["old"] and "open" not in lines["old"], text
    assert "in-progress, team-b, due 2026-04-30, OVERDUE 15d" in lines["pool-exhausted"]


def test_a_report_builds_its_owner_names_once(pm_kb, monkeypatch):
    """The rows' owner names (board.owner_names, read from by_owner and owner_aliases) were built once per
    section that names owners, seven times a report; now once per rendering, passed to each section, whose rows
    still name each owner as By owner does."""
    from recur.problems import board as board_module
    from recur.problems import report

    built = []

    def counted(b):
        built.append(b["as_of"])
        return board_module.owner_names(b)

    monkeypatch.setattr(report, "owner_names", counted)
    b = board(pm_kb, AS_OF)
    for render in (report.render_text, report.render_markdown, partial(report.render_text, limit=1)):
        built.clear()
        text = render(b)
        assert built == [AS_OF.isoformat()], render
        assert "team-b" in text and "(unowned)" in text
