"""The recurrences after a fix are said one way on every surface, the number with its word: found in review, MCP's
problem_report headline said "3 recurrences after a fix" and the site's board tile "3 / Recurred after fix" over a list
of 2 patterns, an incident count read as one of patterns, where `recur report` said "3 incidents of 2 patterns"."""

from __future__ import annotations

import datetime as dt
import re

from click.testing import CliRunner
from kbfactory import small_kb, write, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import report_board
from recur.serve.mcp_board import board_answer
from recur.site import pages

TODAY = dt.date(2026, 12, 7)
SAID = "3 incidents of 2 patterns"


def _kb(tmp_path):
    """pool-a (alice's fix, done in October) struck twice after it, pool-b (bob's) once."""
    kb_dir = small_kb(tmp_path / "kb")
    write_pattern(kb_dir, "pool-a", fix="fix:\n  status: done\n  owner: alice\n  done: 2026-10-01")
    write_pattern(kb_dir, "pool-b", fix="fix:\n  status: done\n  owner: bob\n  done: 2026-10-01")
    for n, (day, pid) in enumerate([("2026-11-20", "pool-a"), ("2026-11-25", "pool-a"), ("2026-11-26", "pool-b")], 21):
        write(kb_dir, f"incidents/2026/INC-2026-{n:04d}.md",
              f"---\nid: INC-2026-{n:04d}\ntitle: Pool outage {n}\ndate: {day}\nseverity: sev4\npatterns: [{pid}]\n"
              "---\n\n## Summary\nIt happened.\n")  # fmt: skip
    return kb_dir


def test_report_mcp_and_the_site_tile_say_incidents_of_patterns(tmp_path):
    kb_dir = _kb(tmp_path)
    kb = load_kb(kb_dir)
    b = report_board(kb, TODAY, today=TODAY)
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir)], env={"RECUR_TODAY": TODAY.isoformat()})
    assert f"Recurrence after fix: the fix did not hold ({SAID})" in res.output, res.output
    _, text = board_answer(b, owner=None, limit=None, paged=lambda rows: rows)
    assert f"; {SAID} recurred after a fix; " in text.splitlines()[0], text
    page = pages(kb, as_of=TODAY, board=b)["board/index.md"]
    tile = re.search(r'<a class="recur-tile" href="#recurred-after-fix">(.*?)</a>', page)[1]
    assert re.sub(r"<[^>]+>", " ", tile).split() == "3 Incidents of 2 patterns recurred after a fix".split(), tile
    assert (b["counts"]["recurrence_after_fix"], b["counts"]["recurrence_after_fix_patterns"]) == (3, 2)


def test_one_owner_s_board_counts_their_patterns_and_mcp_s_headline_the_whole_board_s(tmp_path):
    kb = load_kb(_kb(tmp_path))
    mine = report_board(kb, TODAY, today=TODAY, owner="bob")
    structured, text = board_answer(mine, owner="bob", limit=None, paged=lambda rows: rows)
    c = structured["counts"]
    assert (c["recurrence_after_fix"], c["recurrence_after_fix_patterns"]) == (1, 1)
    assert f"; {SAID} recurred after a fix; " in text.splitlines()[0], text  # the headline counts the whole KB
    env = {"RECUR_TODAY": TODAY.isoformat()}
    res = CliRunner().invoke(cli, ["report", "--kb", str(kb.root), "--owner", "bob"], env=env)
    assert "the fix did not hold (1 incident of 1 pattern)" in res.output, res.output
