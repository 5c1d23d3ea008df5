"""`recur report` and the board say what they leave out: an incident dated ahead, the recurring rows past the
cut, the fixes with no due date, and recurrences older than the gate's window (a problem manager's review)."""

import datetime as dt
import json
from functools import partial

from click.testing import CliRunner
from kbfactory import write_pattern
from test_problems_board import incident as board_incident

from recur.cli.main import cli
from recur.problems.report import render_text

# test_problems_board's incident file (one writer for both), at sev3 as this file's tests were written
incident = partial(board_incident, severity="sev3")


def report(root, *args):
    return CliRunner().invoke(cli, ["report", "--kb", str(root), "--as-of", "2026-05-15", *args])


def test_an_incident_dated_ahead_is_said_and_its_overdue_follow_up_still_fails_the_gate(tmp_path, monkeypatch):
    """`--date 2027-05-10` for 2026-05-10: the incident vanished from the report, the board and the gates,
    its follow-up overdue since May 1st with it."""
    monkeypatch.setenv("RECUR_TODAY", "2026-05-15")
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full")
    incident(root, "INC-1", "2026-05-01", patterns=["disk-full"])
    incident(
        root,
        "INC-2",
        "2027-05-10",
        patterns=["disk-full"],
        extra="follow_ups:\n  - {title: Add the alert, owner: ann, due: 2026-05-01}",
    )
    b = json.loads(report(root, "--format", "json").stdout)
    assert [(x["incident"], x["date"], x["days_ahead"]) for x in b["dated_after"]] == [("INC-2", "2027-05-10", 360)]
    assert b["counts"]["dated_after"] == 1
    assert b["counts"]["incidents_30"] == 1  # out of the counts by date, and of the recurring lists
    assert b["recurring"]["30"] == []
    assert [(f["incident"], f["overdue"], f["age_days"]) for f in b["follow_ups"]] == [("INC-2", True, 0)]
    text = report(root).stdout
    assert "Dated after 2026-05-15: 1 incident that cannot have happened yet" in text
    assert "INC-2 dated 2027-05-10 (360 days ahead)" in text
    assert "Dated after 2026-05-15" in report(root, "--format", "markdown").stdout
    gate = report(root, "--fail-on", "overdue")
    assert gate.exit_code == 1 and "'Add the alert' of INC-2 (ann) overdue by 14 days" in gate.stderr


def test_a_board_as_of_a_past_date_does_not_call_later_incidents_ahead(tmp_path, monkeypatch):
    monkeypatch.setenv("RECUR_TODAY", "2026-05-15")
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full")
    incident(root, "INC-1", "2026-05-10", patterns=["disk-full"], extra="follow_ups:\n  - {title: X, due: 2026-05-01}")
    b = json.loads(
        CliRunner().invoke(cli, ["report", "--kb", str(root), "--as-of", "2026-04-01", "--format", "json"]).stdout
    )
    assert b["dated_after"] == [] and b["follow_ups"] == []  # it had not happened yet on April 1st


def test_recurring_lists_keep_a_tie_at_the_cut_and_say_how_many_more(tmp_path):
    root = tmp_path / "kb"
    # p00: 4 incidents; p01..p11: 3 each (a tie across the tenth row); p12, p13: 2 each
    for n, times in enumerate([4] + [3] * 11 + [2, 2]):
        write_pattern(root, f"p{n:02d}", title=f"P{n}")
        for k in range(times):
            incident(root, f"INC-{n:02d}{k}", f"2026-05-{k + 1:02d}", patterns=[f"p{n:02d}"])
    b = json.loads(report(root, "--format", "json").stdout)
    assert [r["count"] for r in b["recurring"]["30"]] == [4] + [3] * 11  # all twelve: no 3 dropped for its id
    assert b["recurring_more"] == {"30": 2, "90": 2}
    note = "2 more patterns recurred, each fewer times than those above (2 or fewer)"
    assert note in report(root).stdout and note in report(root, "--format", "markdown").stdout
    # the site's board page lists the same cut rows, so it says the same of those it leaves out
    from recur.kb.loader import load_kb
    from recur.problems.board import report_board
    from recur.site.generate import pages

    kb, day = load_kb(root), dt.date(2026, 5, 15)
    page = pages(kb, as_of=day, board=report_board(kb, day))["board/index.md"]
    recurring = page[page.index("## What keeps recurring") :]
    assert recurring.count(f"{note}, not listed.") == 2, recurring


def test_an_open_fix_with_no_due_date_is_listed_as_never_overdue(tmp_path):
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full", fix="fix: {status: open, owner: ann}")
    write_pattern(root, "dns", "network", title="DNS", fix="fix: {status: open, owner: bob, due: 2026-06-01}")
    incident(root, "INC-1", "2026-05-01", patterns=["disk-full"])
    b = json.loads(report(root, "--format", "json").stdout)
    assert [f["pattern"] for f in b["fixes_no_due"]] == ["disk-full"] and b["counts"]["fixes_no_due"] == 1
    assert b["fixes_no_due"][0]["owner"] == "ann" and b["fixes_no_due"][0]["age_days"] == 14
    for fmt in ("text", "markdown"):
        out = report(root, "--format", fmt).stdout
        assert "Permanent fixes with no due date: never overdue (1)" in out
        assert "1 open permanent fix with no due date" in out


def test_the_recurrence_gate_counts_the_last_n_days_and_says_what_clears_it(tmp_path):
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full", fix="fix: {status: done, owner: ann, done: 2025-01-01}")
    incident(root, "INC-1", "2025-06-01", patterns=["disk-full"])  # a year ago: history
    assert len(json.loads(report(root, "--format", "json").stdout)["recurrence_after_fix"]) == 1  # listed
    assert report(root, "--fail-on", "recurrence").exit_code == 0  # default 90 days: not the gate's
    old = report(root, "--fail-on", "recurrence", "--recurrence-days", "0")  # any date, as before
    assert old.exit_code == 1 and "INC-1 matched disk-full after its fix was done on 2025-01-01" in old.stderr
    incident(root, "INC-2", "2026-05-01", patterns=["disk-full"])
    gate = report(root, "--fail-on", "recurrence")
    assert gate.exit_code == 1 and "INC-2 matched disk-full" in gate.stderr and "INC-1" not in gate.stderr
    assert "FAILED --fail-on recurrence: 1 item; a recurrence clears when its pattern's fix is reopened" in (
        gate.stderr
    )
    assert f"(recur fix --kb {root} PATTERN --status open --due YYYY-MM-DD, or fix: status: open" in gate.stderr
    assert report(root, "--fail-on", "recurrence", "--recurrence-days", "10").exit_code == 0  # 14 days ago
    write_pattern(root, "disk-full", title="Disk full", fix="fix: {status: open, owner: ann, due: 2026-06-01}")
    assert report(root, "--fail-on", "recurrence").exit_code == 0  # reopened: the gate clears


def test_text_tables_pad_by_display_width_with_cjk_owners_and_titles(tmp_path):
    import unicodedata

    def display_width(s):  # the test's own count, not the code's under test
        return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in s)

    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full", fix="fix: {status: open, owner: 山田太郎, due: 2026-06-01}")
    write_pattern(root, "dns", "network", title="DNS", fix="fix: {status: open, owner: bob, due: 2026-06-02}")
    incident(root, "INC-1", "2026-05-01", patterns=["disk-full"])
    b = json.loads(report(root, "--format", "json").stdout)
    lines = render_text(b).splitlines()
    at = lines.index(next(x for x in lines if x.startswith("Open permanent fixes")))
    rows = lines[at + 1 : at + 4]  # the header, bob's row and 山田太郎's
    assert any("山田太郎" in r for r in rows) and any("bob" in r for r in rows)
    # the pattern column starts at the same terminal column on every row
    starts = {display_width(r[: r.index(key)]) for r, key in zip(rows, ("pattern", "dns", "disk-full"))}
    assert len(starts) == 1, rows
    from recur.util.text import display_width as width

    assert width("山田 a") == 6 and width("e\u0301") == 1
