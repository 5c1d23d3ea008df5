"""`recur report --window DAYS` adds a recurring list over the last DAYS days to the 30 and 90: a year-end review
wants the year's (found ageing a KB two years: a pattern seen every few months never showed as recurring). Without
it the report, its JSON and the site are as before."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from kbfactory import write

from recur.cli.main import cli

DAY = dt.date(2026, 12, 31)


def report(kb_dir, *args):
    return CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", DAY.isoformat(), *args])


def disk_full_twice(kb_dir):
    """Two disk-full incidents of 2026, 296 and 164 days before DAY: in a year's window, not in 90 days'."""
    for iid, day in (("INC-2026-0101", "2026-03-10"), ("INC-2026-0102", "2026-07-20")):
        write(
            kb_dir,
            f"incidents/2026/{iid}.md",
            f"---\nid: {iid}\ntitle: Disk full again\ndate: {day}\nseverity: sev4\npatterns: [disk-full]\n---\n\n"
            "## Summary\nIt happened.\n",
        )


def test_a_year_window_lists_what_recurred_over_the_year(kb_dir):
    disk_full_twice(kb_dir)
    plain = json.loads(report(kb_dir, "--json").stdout)
    assert list(plain["recurring"]) == ["30", "90"] and list(plain["recurring_more"]) == ["30", "90"]
    res = report(kb_dir, "--json", "--window", "365")
    b = json.loads(res.stdout)
    assert list(b["recurring"]) == ["30", "90", "365"], res.output
    assert [(r["pattern"], r["count"]) for r in b["recurring"]["365"]] == [("disk-full", 2)]
    assert b["recurring"]["90"] == [] and b["recurring_more"]["365"] == 0
    assert {k: v for k, v in b.items() if k not in ("recurring", "recurring_more", "recurring_tied")} == {
        k: v for k, v in plain.items() if k not in ("recurring", "recurring_more", "recurring_tied")
    }
    text = report(kb_dir, "--window", "365", "--window", "90").stdout  # 90 is there already: listed once
    assert (
        text.count("Most recurring patterns, last 365 days") == 1
        and text.count("Most recurring patterns, last 90 days") == 1
    ), text
    assert "Most recurring patterns, last 365 days" not in report(kb_dir).stdout
    md = report(kb_dir, "--format", "markdown", "--window", "365").stdout
    assert "last 365 days" in md and "disk-full" in md.split("last 365 days", 1)[1], md


def test_the_library_board_with_a_window_keeps_30_and_90(kb_dir):
    """``recur.report_board(kb, day, windows=(365,))`` (docs/library.md) gave a board whose ``recurring`` had only
    "365": its text, Markdown, MCP's and the site's renderings failed with KeyError '30'. The given windows are added
    to 30 and 90, after them, each once, as `recur report --window` adds them."""
    import recur
    from recur.problems.report import render_markdown, render_text

    disk_full_twice(kb_dir)
    kb = recur.load_kb(kb_dir)
    b = recur.report_board(kb, DAY, windows=(365,))
    assert list(b["recurring"]) == list(b["recurring_more"]) == list(b["recurring_tied"]) == ["30", "90", "365"]
    assert [(r["pattern"], r["count"]) for r in b["recurring"]["365"]] == [("disk-full", 2)]
    assert "Most recurring patterns, last 365 days" in render_text(b) and "last 30 days" in render_text(b)
    assert "last 365 days" in render_markdown(b)
    assert list(recur.report_board(kb, DAY, windows=[365, 90, 30, 365])["recurring"]) == ["30", "90", "365"]
    assert list(recur.report_board(kb, DAY)["recurring"]) == ["30", "90"]
