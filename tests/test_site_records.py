"""Pattern, incident and path pages against the rest of the site: what a card, a link or a step says
agrees with the board, `recur check` and the KB (found by a problem manager and a new hire in review)."""

from __future__ import annotations

import datetime as dt

from site_helpers import AS_OF, site_kb

from recur.kb.loader import load_kb
from recur.problems.board import board
from recur.site import pages

DAY = dt.date.fromisoformat(AS_OF)


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
