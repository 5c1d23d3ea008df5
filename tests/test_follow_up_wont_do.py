"""A follow-up closed undone (Won't Do, Cancelled, Duplicate, Declined): the KB format's `status: done` with
Recur's extension key `resolution: wont-do`, and its `done:` day the day it was closed. Written by `recur
incident follow-up ID WHICH --wont-do` and by `recur import`, closed on the board and in the report, never
overdue, shown as won't do. A status of its own (`status: wont-do`, as Recur wrote it first) is no value of
the KB format (/work/shared/spec/kb-format.md: follow-up status `open` / `done`), which every other tool of
it rejects: it is an error here too, saying what to write."""

import datetime as dt
import json
import re

import yaml
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
# the follow-up statuses of the KB format (/work/shared/spec/kb-format.md), which every tool of it accepts
SPEC_STATUS = {"open", "done"}


def run(*args):
    return CliRunner().invoke(cli, [str(a) for a in args])


def record(kb_dir, status: str):
    return write(kb_dir, "incidents/2026/INC-2026-0400.md", RECORD.replace("{status}", status))


def follow_ups_as_written(path) -> list[dict]:
    """The record's follow-ups as YAML reads them: what another tool of the KB format is given."""
    front = re.match(r"---\n(.*?)\n---\n", path.read_text(), re.S).group(1)
    return yaml.safe_load(front)["follow_ups"]


def test_every_follow_up_recur_writes_won_t_do_has_a_status_of_the_kb_format(kb_dir, tmp_path):
    # `status: wont-do` was written, a value the format's other tools reject (and the file with it)
    path = record(kb_dir, "open")
    assert run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do").exit_code == 0
    marked = follow_ups_as_written(path)[1]
    assert marked["status"] in SPEC_STATUS and marked["resolution"] == "wont-do", marked
    out = json.loads(import_file(kb_dir, tmp_path / "pm.md", IMPORTED, "--json", "--pattern", "disk-full").output)
    imported = follow_ups_as_written(kb_dir / out["incident_path"].split("kb/", 1)[-1])
    assert [f["status"] for f in imported] == ["open", "done", "done"], imported
    assert all(f["status"] in SPEC_STATUS for f in imported)
    assert [f.get("resolution") for f in imported] == [None, "wont-do", "wont-do"]


def test_done_with_resolution_wont_do_is_valid_closed_never_overdue_and_shown_won_t_do(kb_dir):
    record(kb_dir, "done\n    resolution: wont-do")
    kb = load_kb(kb_dir)
    assert not [p for p in kb.problems if "INC-2026-0400" in str(p.path)], kb.problems
    f = kb.incidents["INC-2026-0400"].follow_ups[1]
    assert (f.status, f.resolution, f.done) == ("done", "wont-do", None)
    b = board(kb, AS_OF)
    mine = [f["title"] for f in b["follow_ups"] if f["incident"] == "INC-2026-0400"]
    assert mine == ["Time out vacuum after 30 minutes"]  # the won't-do one, due 2026-11-12, is not open
    assert not [x for x in b["follow_ups_no_due"] if x["incident"] == "INC-2026-0400"]
    listed = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400")
    assert listed.exit_code == 0, listed.output
    assert "  2. Rewrite the rebuild in Go  (won't do, ana, due 2026-11-12)" in listed.output.splitlines()
    checked = run("check", "--kb", kb_dir, "--strict", "--today", "2026-12-01")
    assert checked.exit_code == 0, checked.output


def test_a_status_of_its_own_written_by_hand_is_an_error_saying_what_to_write(kb_dir):
    # `wont-do` (as Recur wrote it first), `cancelled`, `won't do`, `duplicate`: no value of the KB format
    for status in ("wont-do", "cancelled", '"won\'t do"', "Duplicate"):
        record(kb_dir, status)
        out = run("check", "--kb", kb_dir).output
        shown = status.strip('"')
        said = (
            f"follow_ups[1].status: must be one of open, done, not {shown!r} (a follow-up that will not be done is "
            "closed: write status: done and resolution: wont-do)"
        )
        assert said in out, out


def test_a_resolution_other_than_wont_do_is_an_error_and_on_an_open_follow_up_a_warning(kb_dir):
    record(kb_dir, "done\n    resolution: fixed")
    out = run("check", "--kb", kb_dir).output
    assert "follow_ups[1].resolution: must be one of wont-do, not 'fixed'" in out, out
    # the board counts it open, as every tool of the format does: said, as a done: day on an open one is
    record(kb_dir, "open\n    resolution: wont-do")
    checked = run("check", "--kb", kb_dir, "--today", "2026-12-01")
    assert checked.exit_code == 0, checked.output
    said = (
        "follow_ups[1].resolution: warning: resolution: wont-do on a follow-up whose status is open: the problem "
        "board counts it open"
    )
    assert said in checked.output, checked.output
    kb = load_kb(kb_dir)
    assert [f["title"] for f in board(kb, AS_OF)["follow_ups"] if f["incident"] == "INC-2026-0400"] == [
        "Time out vacuum after 30 minutes",
        "Rewrite the rebuild in Go",
    ]


def test_wont_do_closes_an_open_follow_up_today_and_the_report_no_longer_counts_it(kb_dir):
    path = record(kb_dir, "open")
    before = json.loads(run("report", "--kb", kb_dir, "--as-of", AS_OF, "--format", "json").output)
    marked = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do")
    assert marked.exit_code == 0, marked.output
    assert "INC-2026-0400: follow-up 2. Rewrite the rebuild in Go marked won't do (" in marked.output
    f = load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1]
    today = dt.date.today()
    assert (f.title, f.status, f.resolution, f.owner, f.due, f.done) == (
        "Rewrite the rebuild in Go", "done", "wont-do", "ana", dt.date(2026, 11, 12), today
    )  # fmt: skip
    assert "resolution: wont-do" in path.read_text()
    listed = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400").output
    assert f"  2. Rewrite the rebuild in Go  (won't do {today.isoformat()}, ana, due 2026-11-12)" in listed.splitlines()
    after = json.loads(run("report", "--kb", kb_dir, "--as-of", today, "--format", "json").output)
    assert not [x for x in after["follow_ups"] if x["title"] == "Rewrite the rebuild in Go"], after["follow_ups"]
    assert after["counts"]["follow_ups_open"] == before["counts"]["follow_ups_open"] - 1
    again = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do")
    assert "marked" not in again.output and "already won't do" in again.output, again.output


def test_wont_do_on_a_day_and_done_or_open_take_the_resolution_out(kb_dir):
    path = record(kb_dir, "open")
    marked = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do", "--on", "2026-11-20")
    assert marked.exit_code == 0, marked.output
    assert "marked won't do on 2026-11-20" in marked.output, marked.output
    f = load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1]
    assert (f.status, f.resolution, f.done) == ("done", "wont-do", dt.date(2026, 11, 20))
    kb = load_kb(kb_dir)
    titles = lambda day: [x["title"] for x in board(kb, day)["follow_ups"] if x["incident"] == "INC-2026-0400"]  # noqa: E731
    assert "Rewrite the rebuild in Go" in titles(dt.date(2026, 11, 19))  # not closed yet then
    assert "Rewrite the rebuild in Go" not in titles(dt.date(2026, 11, 20))
    done = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--done")
    assert "marked done" in done.output, done.output
    f = load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1]
    assert (f.status, f.resolution, f.done) == ("done", None, dt.date(2026, 11, 20))  # the day it was closed, kept
    assert "resolution" not in path.read_text()
    run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do")
    reopened = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "Rewrite", "--open")
    assert "marked open" in reopened.output, reopened.output
    f = load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1]
    assert (f.status, f.resolution, f.done) == ("open", None, None)
    assert "resolution" not in path.read_text()


def test_a_status_wont_do_recur_wrote_before_is_made_valid_by_wont_do(kb_dir):
    # the error says what to write; running --wont-do again writes it
    path = record(kb_dir, "wont-do")
    marked = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do", "--on", "2026-11-20")
    assert marked.exit_code == 0, marked.output
    assert follow_ups_as_written(path)[1] == {
        "title": "Rewrite the rebuild in Go", "status": "done", "owner": "ana", "due": dt.date(2026, 11, 12),
        "resolution": "wont-do", "done": dt.date(2026, 11, 20),
    }  # fmt: skip
    assert run("check", "--kb", kb_dir, "--strict", "--today", "2026-12-01").exit_code == 0


def test_wont_do_with_done_or_open_is_a_usage_error(kb_dir):
    record(kb_dir, "open")
    for extra in (["--done"], ["--open"]):
        r = run("incident", "follow-up", "--kb", kb_dir, "INC-2026-0400", "2", "--wont-do", *extra)
        assert r.exit_code == 2, r.output
    assert load_kb(kb_dir).incidents["INC-2026-0400"].follow_ups[1].status == "open"


IMPORTED = """# Search index rebuild stalls
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


def test_import_records_a_cancelled_action_item_wont_do_not_overdue(kb_dir, tmp_path):
    # "Won't Do" and "Duplicate" items were left out of the record: the decision against them was lost
    out = json.loads(import_file(kb_dir, tmp_path / "pm.md", IMPORTED, "--json", "--pattern", "disk-full").output)
    got = [(f.title, f.status, f.resolution, f.due) for f in load_kb(kb_dir).incidents[out["incident"]].follow_ups]
    assert got == [
        ("Time out vacuum after 30 minutes", "open", None, dt.date(2026, 11, 10)),
        ("Rewrite the rebuild in Go", "done", "wont-do", dt.date(2026, 11, 12)),
        ("Page on lock waits", "done", "wont-do", dt.date(2026, 11, 12)),
    ]
    assert "follow-ups recorded won't do (cancelled): Rewrite the rebuild in Go; Page on lock waits" in out["notes"]
    overdue = run("report", "--kb", kb_dir, "--as-of", AS_OF, "--fail-on", "overdue")
    mine = [line for line in overdue.output.splitlines() if out["incident"] in line and "follow-up" in line]
    assert mine == [f"  follow-up 'Time out vacuum after 30 minutes' of {out['incident']} (Lee) overdue by 21 days"]


def test_import_keeps_the_day_a_cancelled_item_was_resolved_as_its_done_day(kb_dir, tmp_path):
    text = IMPORTED.replace("| Status |\n|---|---|---|---|", "| Status | Resolved |\n|---|---|---|---|---|")
    text = text.replace("Won't Do |", "Won't Do | 2026-11-21 |").replace("Duplicate |", "Duplicate | |")
    text = text.replace("| Open |", "| Open | |")
    out = json.loads(import_file(kb_dir, tmp_path / "pm.md", text, "--json", "--pattern", "disk-full").output)
    got = {f.title: (f.status, f.resolution, f.done) for f in load_kb(kb_dir).incidents[out["incident"]].follow_ups}
    assert got["Rewrite the rebuild in Go"] == ("done", "wont-do", dt.date(2026, 11, 21))
    assert got["Page on lock waits"] == ("done", "wont-do", None)  # no day given: closed on any date


def test_the_incident_page_shows_won_t_do_not_overdue(tmp_path):
    # the page showed the status's key; an open follow-up overdue has its badge in the last column
    from site_helpers import AS_OF, site_kb

    from recur.site import pages

    root = site_kb(tmp_path / "kb")
    path = root / "incidents/2026/INC-2026-0003.md"  # the follow-up is due 2026-04-25, 6 days before AS_OF
    path.write_text(
        path.read_text().replace(
            "status: open, owner: team-storage", "status: done, resolution: wont-do, owner: team-storage"
        )
    )
    kb = load_kb(root)
    day = dt.date.fromisoformat(AS_OF)
    page = pages(kb, as_of=day, board=board(kb, day))["incidents/2026/INC-2026-0003.md"]
    table = page.split("## Follow-ups")[1].split("\n\n")[1]
    rows = [[c.strip() for c in line.strip("|").split("|")] for line in table.splitlines()[2:]]
    assert [r[:2] + r[4:5] for r in rows] == [["Log rotation on checkout hosts", "won't do", ""]]
