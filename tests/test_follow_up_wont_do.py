"""A follow-up closed undone, `status: wont-do` (Won't Do, Cancelled, Duplicate, Declined): a value of the
format, written by `recur incident follow-up ID WHICH --wont-do` and by `recur import`, closed on the board
and in the report, never overdue. Before it, `status: cancelled` was an error that left the whole incident
out of the report, and the command had only --done and --open."""

import datetime as dt
import json

from click.testing import CliRunner
from import_helpers import import_file
from kbfactory import write

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import board

RECORD = """---
id: INC-2026-0400
title: Search index rebuild stalls
date: 2026-11-01
severity: sev3
patterns: [disk-full]
follow_ups:
  - title: Time out vacuum after 30 minutes
    status: open
    owner: lee
    due: 2026-11-10
  - title: Rewrite the rebuild in Go
    status: {status}
    owner: ana
    due: 2026-11-12
---

## Summary
The nightly rebuild stalled on a lock.
"""

AS_OF = dt.date(2026, 12, 1)


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def record(kb_dir, status: str):
    return write(kb_dir, "incidents/2026/INC-2026-0400.md", RECORD.replace("{status}", status))


def test_a_hand_written_wont_do_is_valid_closed_and_never_overdue(kb_dir):
    record(kb_dir, "wont-do")
    kb = load_kb(kb_dir)
    assert not [p for p in kb.errors if "INC-2026-0400" in str(p.path)], kb.errors
    assert [f.status for f in kb.incidents["INC-2026-0400"].follow_ups] == ["open", "wont-do"]
    b = board(kb, AS_OF)
    mine = [f["title"] for f in b["follow_ups"] if f["incident"] == "INC-2026-0400"]
    assert mine == ["Time out vacuum after 30 minutes"]  # the won't-do one, due 2026-11-12, is not open
    assert not [x for x in b["follow_ups_no_due"] if x["incident"] == "INC-2026-0400"]
    listed = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400")
    assert listed.exit_code == 0, listed.output
    assert "  2. Rewrite the rebuild in Go  (won't do, ana, due 2026-11-12)" in listed.output.splitlines()
    checked = run("check", "--kb", kb_dir, "--strict", "--today", "2026-12-01")
    assert checked.exit_code == 0, checked.output


def test_cancelled_written_by_hand_is_an_error_naming_wont_do(kb_dir):
    # the error named open and done alone: no value said "will not be done"
    record(kb_dir, "cancelled")
    out = run("check", "--kb", kb_dir).output
    assert "follow_ups[1].status: must be one of open, done, wont-do, not 'cancelled' (did you mean wont-do?)" in out, (
        out
    )


def test_wont_do_closes_an_open_follow_up_and_the_report_no_longer_counts_it(kb_dir):
    record(kb_dir, "open")
    before = json.loads(run("report", "--kb", kb_dir, "--as-of", AS_OF, "--format", "json").output)
    marked = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do")
    assert marked.exit_code == 0, marked.output
    assert "INC-2026-0400: follow-up 2. Rewrite the rebuild in Go marked won't do (" in marked.output
    f = load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1]
    assert (f.title, f.status, f.owner, f.due, f.done) == ("Rewrite the rebuild in Go", "wont-do", "ana",
                                                           dt.date(2026, 11, 12), None)  # fmt: skip
    after = json.loads(run("report", "--kb", kb_dir, "--as-of", AS_OF, "--format", "json").output)
    assert after["counts"]["follow_ups_open"] == before["counts"]["follow_ups_open"] - 1
    assert after["counts"]["follow_ups_overdue"] == before["counts"]["follow_ups_overdue"] - 1
    again = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do")
    assert "marked" not in again.output and "already won't do" in again.output, again.output
    reopened = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "Rewrite", "--open")
    assert "marked open" in reopened.output, reopened.output
    assert load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1].status == "open"


def test_wont_do_on_a_done_follow_up_takes_its_done_day_out(kb_dir):
    # a done: day left on a won't-do follow-up would say it was done (recur check warns of it)
    record(kb_dir, "done\n    done: 2026-11-05")
    marked = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do")
    assert marked.exit_code == 0, marked.output
    f = load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1]
    assert (f.status, f.done) == ("wont-do", None)
    assert "done: 2026" not in (kb_dir / "incidents/2026/INC-2026-0400.md").read_text()


def test_wont_do_with_done_open_or_on_is_a_usage_error(kb_dir):
    record(kb_dir, "open")
    for extra in (["--done"], ["--open"], ["--on", "2026-11-20"]):
        r = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do", *extra)
        assert r.exit_code == 2, r.output
    assert load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1].status == "open"


def test_import_records_a_cancelled_action_item_wont_do_not_overdue(kb_dir, tmp_path):
    # "Won't Do" and "Duplicate" items were left out of the record: the decision against them was lost
    text = """# Search index rebuild stalls
Date: 2026-11-01
Severity: SEV3
## Summary
The nightly rebuild stalled on a lock.
## Action items
| Action | Owner | Due | Status |
|---|---|---|---|
| Time out vacuum after 30 minutes | Lee | 2026-11-10 | Open |
| Rewrite the rebuild in Go | Ana | 2026-11-12 | Won't Do |
| Page on lock waits | Ana | 2026-11-12 | Duplicate |
"""
    out = json.loads(import_file(kb_dir, tmp_path / "pm.md", text, "--json", "--pattern", "disk-full").output)
    got = [(f.title, f.status, f.due) for f in load_kb(kb_dir).incidents[out["incident"]].follow_ups]
    assert got == [
        ("Time out vacuum after 30 minutes", "open", dt.date(2026, 11, 10)),
        ("Rewrite the rebuild in Go", "wont-do", dt.date(2026, 11, 12)),
        ("Page on lock waits", "wont-do", dt.date(2026, 11, 12)),
    ]
    assert "follow-ups recorded won't do (cancelled): Rewrite the rebuild in Go; Page on lock waits" in out["notes"]
    overdue = run("report", "--kb", kb_dir, "--as-of", AS_OF, "--fail-on", "overdue")
    mine = [line for line in overdue.output.splitlines() if out["incident"] in line and "follow-up" in line]
    assert mine == [f"  follow-up 'Time out vacuum after 30 minutes' of {out['incident']} (Lee) overdue by 21 day(s)"]


def test_the_incident_page_shows_won_t_do_not_overdue(tmp_path):
    # the page showed the status's key; an open follow-up overdue has its badge in the last column
    from site_helpers import AS_OF, site_kb

    from recur.site import pages

    root = site_kb(tmp_path / "kb")
    path = root / "incidents/2026/INC-2026-0003.md"  # the follow-up is due 2026-04-25, 6 days before AS_OF
    path.write_text(
        path.read_text().replace("status: open, owner: team-storage", "status: wont-do, owner: team-storage")
    )
    kb = load_kb(root)
    day = dt.date.fromisoformat(AS_OF)
    page = pages(kb, as_of=day, board=board(kb, day))["incidents/2026/INC-2026-0003.md"]
    table = page.split("## Follow-ups")[1].split("\n\n")[1]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    assert [r[:2] + r[4:5] for r in rows] == [["Log rotation on checkout hosts", "won't do", ""]]
