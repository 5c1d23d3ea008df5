"""The board's "recurring" lists count a pattern's incidents as its "seen before" does: those naming a retired
pattern it replaced (``superseded_by``) are its own, said as the old id's. Found ageing a KB two years: dns-failure,
which replaced old-retired a month ago, was on `recur report` as recurring 2 times, its 3 incidents under the old id
on a row of their own, while `recur suggest` said "seen before: 5 incidents"."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from kbfactory import small_kb, write, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import board, report_board
from recur.serve.mcp_board import board_text
from recur.site import pages

AS_OF = dt.date(2026, 12, 1)


def _incident(kb_dir, n: int, day: str, patterns: str) -> None:
    write(
        kb_dir,
        f"incidents/2026/INC-2026-{n:04d}.md",
        f"---\nid: INC-2026-{n:04d}\ntitle: Resolver outage {n}\ndate: {day}\nseverity: sev3\n"
        f"patterns: [{patterns}]\nreview: {{level: none}}\n---\n\n## Summary\nIt happened.\n",
    )


def aged_kb(tmp_path):
    """old-retired replaced by dns-failure: three incidents in November under the old id, one under the new, one
    naming both (the new one's own, counted once); gone-away, retired with nothing replacing it, twice."""
    kb_dir = small_kb(tmp_path / "kb")
    old = kb_dir / "patterns/deploys/old-retired.md"
    old.write_text(old.read_text().replace("status: retired", "status: retired\nsuperseded_by: dns-failure"))
    write_pattern(kb_dir, "gone-away", "deploys", status="retired")
    for n, (day, pids) in enumerate(
        [
            ("2026-11-11", "old-retired"),
            ("2026-11-12", "old-retired"),
            ("2026-11-13", "old-retired"),
            ("2026-11-20", "dns-failure"),
            ("2026-11-21", "old-retired, dns-failure"),
            ("2026-11-14", "gone-away"),
            ("2026-11-15", "gone-away"),
        ],
        start=11,
    ):
        _incident(kb_dir, n, day, pids)
    return kb_dir


def test_the_board_counts_a_replaced_pattern_s_incidents_for_the_pattern_that_replaced_it(tmp_path):
    kb = load_kb(aged_kb(tmp_path))
    b = board(kb, AS_OF)
    for days in ("30", "90"):
        rows = {r["pattern"]: r for r in b["recurring"][days]}
        assert "old-retired" not in rows, rows  # its incidents are dns-failure's now: no second row
        assert rows["dns-failure"]["count"] == 5 and rows["dns-failure"]["last"] == "2026-11-21"
        assert rows["dns-failure"]["incidents_inherited"] == {"old-retired": 3}
        # a retired pattern nothing in use replaced keeps its own, as before
        gone = rows["gone-away"]
        assert gone["count"] == 2 and gone["retired"] and gone["incidents_inherited"] == {}
    # as "seen before" counts them (suggest, show, MCP): one rule
    seen = [i.id for i in kb.incidents_for("dns-failure")] + [i.id for i, _ in kb.inherited_incidents("dns-failure")]
    assert len(seen) == b["recurring"]["30"][0]["count"]


def test_report_site_and_mcp_say_which_came_under_the_old_id(tmp_path):
    kb_dir = aged_kb(tmp_path)
    env = {"RECUR_TODAY": AS_OF.isoformat()}
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", AS_OF.isoformat()], env=env)
    assert res.exit_code == 0, res.output
    assert "recurred in the last 30 days: dns-failure (5, 3 under old-retired), gone-away (2)." in res.output
    row = next(ln for ln in res.output.splitlines() if "dns-failure" in ln and "DNS" in ln)
    assert row.split()[:5] == ["5", "(3", "under", "old-retired)", "dns-failure"], row
    assert not any(ln.split()[1:2] == ["old-retired"] for ln in res.output.splitlines()), res.output
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--format", "json", "--as-of", "2026-12-01"], env=env)
    rows = json.loads(res.output)["recurring"]["30"]
    assert [(r["pattern"], r["count"], r["incidents_inherited"]) for r in rows] == [
        ("dns-failure", 5, {"old-retired": 3}),
        ("gone-away", 2, {}),
    ]
    kb = load_kb(kb_dir)
    b = report_board(kb, AS_OF, today=AS_OF)
    site = pages(kb, as_of=AS_OF, board=b)
    assert (
        '5 (3 under <a href="../patterns/deploys/old-retired.html">old-retired</a>)' in site["board/index.md"]
    )  # the old id links its retired page
    text = board_text(b, b, 10)
    assert "dns-failure: DNS resolution failure (5 incidents, 3 under old-retired, last 2026-11-21" in text, text


def test_the_home_page_s_all_time_list_counts_them_too(tmp_path):
    """A quiet quarter: the home page falls back to all time, counted as the board counts."""
    kb = load_kb(aged_kb(tmp_path))
    later = dt.date(2027, 6, 1)
    b = board(kb, later)
    assert b["recurring"]["90"] == []
    home = pages(kb, as_of=later, board=b)["index.md"]
    assert "Most recurring patterns (all time)" in home
    assert '5 (3 under <a href="patterns/deploys/old-retired.html">old-retired</a>)' in home, home
    assert "Retired pattern about deploys" not in home, home


def fixed_kb(tmp_path):
    """``aged_kb`` with dns-failure's fix open (overdue) and disk-full, which replaced disk-old, fixed on 2026-11-01:
    two incidents after that under disk-old, the retired id; disk-old's own fix, done long ago, is no one's now."""
    kb_dir = aged_kb(tmp_path)
    write_pattern(kb_dir, "dns-failure", "network", title="DNS resolution failure",
                  fix="fix: {status: open, owner: team-net, due: 2026-11-15}")  # fmt: skip
    write_pattern(kb_dir, "disk-full", title="Disk full on a host",
                  fix="fix: {status: done, owner: team-disk, done: 2026-11-01}")  # fmt: skip
    write_pattern(kb_dir, "disk-old", title="Old disk pattern", status="retired",
                  extra_front="superseded_by: disk-full", fix="fix: {status: done, owner: nobody, done: 2025-01-01}")  # fmt: skip
    _incident(kb_dir, 21, "2026-11-23", "disk-old")
    _incident(kb_dir, 22, "2026-11-24", "disk-old")
    return kb_dir


def test_an_open_fix_counts_the_incidents_of_the_pattern_it_replaced(tmp_path):
    """The open-fixes table said dns-failure had 2 incidents while its recurring row said 5 (3 under old-retired):
    one board, two counts of one pattern (found in a re-read)."""
    kb = load_kb(fixed_kb(tmp_path))
    b = board(kb, AS_OF)
    fix = next(f for f in b["fixes"] if f["pattern"] == "dns-failure")
    recurring = next(r for r in b["recurring"]["90"] if r["pattern"] == "dns-failure")
    assert fix["incidents"] == recurring["count"] == 5
    assert fix["incidents_inherited"] == recurring["incidents_inherited"] == {"old-retired": 3}
    assert fix["last_incident"] == "2026-11-21" and fix["age_days"] == (AS_OF - dt.date(2026, 11, 11)).days
    env = {"RECUR_TODAY": AS_OF.isoformat()}
    res = CliRunner().invoke(cli, ["report", "--kb", str(tmp_path / "kb"), "--as-of", AS_OF.isoformat()], env=env)
    row = next(ln for ln in res.output.splitlines() if ln.split()[:2] == ["team-net", "dns-failure"])
    assert "5 (3 under old-retired)" in row, row
    site = pages(kb, as_of=AS_OF, board=report_board(kb, AS_OF, today=AS_OF))["board/index.md"]
    fixes = site.split("Open and overdue permanent fixes")[1].split("## ")[0]
    assert '5 (3 under <a href="../patterns/deploys/old-retired.html">old-retired</a>)' in fixes, fixes


def test_recurrence_after_fix_counts_the_replaced_pattern_s_incidents_for_its_successor(tmp_path):
    """disk-full's fix was done on 2026-11-01; two incidents after it name disk-old, which it replaced. Its
    recurring row said "done 2026-11-01, did not hold" while "Recurrence after fix" listed them under disk-old's own
    fix, retired and no one's, and the gate named disk-old (found in a re-read)."""
    kb = load_kb(fixed_kb(tmp_path))
    b = board(kb, AS_OF)
    rows = [(r["incident"], r["pattern"], r["under"], r["fix_done"]) for r in b["recurrence_after_fix"]]
    assert rows == [
        ("INC-2026-0022", "disk-full", "disk-old", "2026-11-01"),
        ("INC-2026-0021", "disk-full", "disk-old", "2026-11-01"),
    ]
    assert b["counts"]["recurrence_after_fix"] == 2
    assert next(r for r in b["recurring"]["30"] if r["pattern"] == "disk-full")["fix"]["done"] == "2026-11-01"
    env = {"RECUR_TODAY": AS_OF.isoformat()}
    args = ["report", "--kb", str(tmp_path / "kb"), "--as-of", AS_OF.isoformat(), "--fail-on", "recurrence"]
    res = CliRunner().invoke(cli, args, env=env)
    assert res.exit_code != 0
    assert "INC-2026-0021 matched disk-full (under disk-old) after its fix was done on 2026-11-01" in res.output
    row = next(ln for ln in res.output.splitlines() if ln.startswith("  disk-full ("))  # one row a pattern
    assert "disk-full (2 under disk-old)" in row and "INC-2026-0022" in row, row
    text = board_text(b, b, 10)
    assert "INC-2026-0022" in text and "disk-full (2 under disk-old)" in text, text
    site = pages(kb, as_of=AS_OF, board=report_board(kb, AS_OF, today=AS_OF))
    after = site["board/index.md"].split("Recurred after the fix")[1]
    assert 'Disk full on a host</a> (2 under <a href="../patterns/capacity/disk-old.html">disk-old</a>)' in after
    # the pattern page's green "done" says it did not hold, as its recurring row does
    assert "recurred 22 days after the fix, and 1 more time" in site["patterns/capacity/disk-full.md"]


def test_recur_fix_lists_the_incidents_since_done_as_the_report_counts_them(tmp_path):
    """`recur fix disk-full` said "No incident linked to disk-full since its fix was marked done" while the report
    listed two recurrences of it under disk-old, the id it replaced (found in a re-read)."""
    kb_dir = fixed_kb(tmp_path)
    env = {"RECUR_TODAY": AS_OF.isoformat()}
    res = CliRunner().invoke(cli, ["fix", "disk-full", "--kb", str(kb_dir), "--json"], env=env)
    assert res.exit_code == 0, res.output
    since = json.loads(res.output)["incidents_since_done"]
    assert [(i["id"], i["under"]) for i in since] == [("INC-2026-0021", "disk-old"), ("INC-2026-0022", "disk-old")]
    res = CliRunner().invoke(cli, ["fix", "disk-full", "--kb", str(kb_dir)], env=env)
    assert "Incidents linked to disk-full since its fix was marked done 2026-11-01 (2):" in res.output, res.output
    assert "2026-11-23 INC-2026-0021: Resolver outage 21 (under disk-old, which it replaced)" in res.output
