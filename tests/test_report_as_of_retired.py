"""A board as of a past day takes a pattern's retired status as it stood on that day: one retired after it (its
``retired: YYYY-MM-DD``) was in use then. Found in review: `recur report --as-of 2026-06-01` counted old-pool's May
incidents for new-pool, a pattern written in October, and left old-pool's fix, open in May, off the fixes table.
With no ``retired:`` date the board cannot tell, and says so rather than guess silently."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from kbfactory import small_kb, write, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import board, report_board
from recur.serve.mcp_board import board_answer

MAY = dt.date(2026, 6, 1)  # a board as of a day when old-pool was in use
TODAY = dt.date(2026, 12, 7)
UNDATED = "1 retired pattern records no day it was retired, so it is taken as retired on 2026-06-01 as today"


def renamed_kb(tmp_path, retired: str | None = "2026-10-01"):
    """old-pool, retired on ``retired`` (None: no date written) for new-pool, written that day; its fix open in May
    (done the day it was retired); three incidents of it in May, two of new-pool in November."""
    kb_dir = small_kb(tmp_path / "kb")
    day = f"\nretired: {retired}" if retired else ""
    write_pattern(kb_dir, "old-pool", status="retired", extra_front=f"superseded_by: new-pool{day}",
                  fix="fix:\n  status: done\n  owner: alice\n  due: 2026-07-01\n  done: 2026-10-01")  # fmt: skip
    write_pattern(kb_dir, "new-pool", extra_front="created: 2026-10-01")
    for n, (date, pid) in enumerate(
        [("2026-05-10", "old-pool"), ("2026-05-20", "old-pool"), ("2026-05-25", "old-pool"),
         ("2026-11-20", "new-pool"), ("2026-11-25", "old-pool")], start=21,
    ):  # fmt: skip
        write(kb_dir, f"incidents/2026/INC-2026-{n:04d}.md",
              f"---\nid: INC-2026-{n:04d}\ntitle: Pool outage {n}\ndate: {date}\nseverity: sev4\npatterns: [{pid}]\n"
              "---\n\n## Summary\nIt happened.\n")  # fmt: skip
    return kb_dir


def test_a_pattern_retired_after_the_day_is_in_use_on_a_board_as_of_that_day(tmp_path):
    kb = load_kb(renamed_kb(tmp_path))
    b = board(kb, MAY, today=TODAY)
    rows = {r["pattern"]: r for r in b["recurring"]["30"]}
    assert set(rows) == {"old-pool"}, rows  # not new-pool, written in October
    assert rows["old-pool"]["count"] == 3 and not rows["old-pool"]["retired"]
    assert rows["old-pool"]["incidents_inherited"] == {} and rows["old-pool"]["superseded_by"] == []
    fix = next(f for f in b["fixes"] if f["pattern"] == "old-pool")  # open in May: its done is in October
    assert fix["owner"] == "alice" and fix["due"] == "2026-07-01" and fix["incidents"] == 3
    assert b["retired_undated"] == []  # its day is written: nothing to say
    # today it is retired: its November incident counts for new-pool, and its fix is on no list
    now = board(kb, TODAY, today=TODAY)
    rows = {r["pattern"]: r for r in now["recurring"]["30"]}
    assert rows["new-pool"]["count"] == 2 and rows["new-pool"]["incidents_inherited"] == {"old-pool": 1}
    assert "old-pool" not in rows and not any(f["pattern"] == "old-pool" for f in now["fixes"])


def test_since_counts_a_pattern_as_it_stood_on_the_report_s_day(tmp_path):
    b = report_board(load_kb(renamed_kb(tmp_path)), MAY, today=TODAY, since=dt.date(2026, 5, 15))
    assert [(r["pattern"], r["under"], r["retired"]) for r in b["since"]["rows"]] == [("old-pool", None, False)] * 2


def test_a_past_board_says_which_retired_patterns_it_cannot_date(tmp_path):
    kb_dir = renamed_kb(tmp_path, retired=None)
    kb = load_kb(kb_dir)
    b = report_board(kb, MAY, today=TODAY)
    # taken as retired as today (its incidents new-pool's), and said; old-retired has no incident nor fix: not named
    assert b["retired_undated"] == ["old-pool"]
    assert [r["pattern"] for r in b["recurring"]["30"]] == ["new-pool"]
    assert report_board(kb, TODAY, today=TODAY)["retired_undated"] == []  # today's board: retired is retired
    env = {"RECUR_TODAY": TODAY.isoformat()}
    for fmt in ("text", "markdown"):
        res = CliRunner().invoke(
            cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-06-01", "--format", fmt], env=env
        )
        assert res.exit_code == 0, res.output
        assert UNDATED in res.output and "Write retired: YYYY-MM-DD in a retired pattern's file" in res.output
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--format", "json", "--as-of", "2026-06-01"], env=env)
    assert json.loads(res.output)["retired_undated"] == ["old-pool"]
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir)], env=env)
    assert res.exit_code == 0 and "records no day it was retired" not in res.output
    _, text = board_answer(b, owner=None, limit=None, paged=lambda rows: rows)
    assert UNDATED in text


def test_check_reads_the_retired_day(tmp_path):
    kb_dir = renamed_kb(tmp_path, retired="2027-03-01")
    write_pattern(kb_dir, "still-used", extra_front="retired: 2026-09-01")
    res = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir)], env={"RECUR_TODAY": TODAY.isoformat()})
    out = " ".join(res.output.split())
    assert "still-used.md:" in out and "retired: warning: retired on a pattern that is active" in out, out
    assert "old-pool.md:" in out and "retired: warning:" in out and "2027-03-01" in out, out
