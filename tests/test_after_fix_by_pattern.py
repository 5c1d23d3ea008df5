"""`recur report`'s "Recurrence after fix" listed every incident after a fix marked done, since any date: on an
18-month KB 21 rows, 7 of them one pattern whose fix was done in 2025 and never reopened, burying this week's
(found in a problem manager's review). Each surface lists one row a pattern now, newest first, with how many
incidents since the fix and the latest; the JSON keeps every incident and adds the rows by pattern."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from kbfactory import pattern_text, write

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import board
from recur.serve.mcp_board import board_text
from recur.site import pages

AS_OF = dt.date(2026, 12, 5)
OLD_DAYS = ("2025-03-10", "2025-05-02", "2025-08-19", "2025-11-30", "2026-02-14", "2026-06-01", "2026-09-09")


def _kb(root):
    write(
        root,
        "patterns/capacity/disk-full.md",
        pattern_text("disk-full", fix="fix: {status: done, done: 2025-01-15, owner: alice}"),
    )
    write(root, "patterns/network/dns-down.md", pattern_text("dns-down", "network", fix="fix: {status: done, done: 2026-10-01}"))  # fmt: skip
    days = [(d, "disk-full") for d in OLD_DAYS] + [("2026-12-02", "dns-down")]
    for n, (day, pid) in enumerate(sorted(days), 1):
        iid = f"INC-{day[:4]}-{n:04d}"
        write(root, f"incidents/{day[:4]}/{iid}.md",
              f"---\nid: {iid}\ntitle: outage {n}\ndate: {day}\nseverity: sev3\npatterns: [{pid}]\n---\n\n## Summary\nx\n")  # fmt: skip
    return root


def _report(root, *args):
    res = CliRunner().invoke(cli, ["report", "--kb", str(root), "--as-of", AS_OF.isoformat(), *args])
    assert res.exit_code == 0, res.output
    return res.stdout


def test_the_report_lists_one_row_a_pattern_newest_first_and_the_json_keeps_every_incident(tmp_path):
    root = _kb(tmp_path / "kb")
    text = _report(root)
    section = text.split("Recurrence after fix: the fix did not hold")[1].split("\n\n")[0]
    assert section.startswith(" (8 incidents of 2 patterns)"), section
    rows = [ln.split() for ln in section.splitlines()[2:] if ln.startswith("  ") and not ln.startswith("  One row")]
    assert [r[0] for r in rows] == ["dns-down", "disk-full"], section  # newest first: this week's on top
    assert rows[1][1:6] == ["2025-01-15", "7", "0", "INC-2026-0007", "2026-09-09"], rows  # 7 said once
    assert rows[0][1:6] == ["2026-10-01", "1", "1", "INC-2026-0008", "2026-12-02"], rows
    assert "--format json (recurrence_after_fix)" in section
    md = _report(root, "--format", "markdown").split("## Recurrence after fix")[1].split("\n## ")[0]
    assert md.count("| disk-full |") == 1 and "| 7 |" in md and "INC-2025-0001" not in md, md
    out = json.loads(_report(root, "--format", "json"))
    assert len(out["recurrence_after_fix"]) == 8  # every incident, as before
    grouped = out["recurrence_after_fix_by_pattern"]
    assert [(g["pattern"], g["incidents"], g["incidents_30"], g["latest"]) for g in grouped] == [
        ("dns-down", 1, 1, "INC-2026-0008"),
        ("disk-full", 7, 0, "INC-2026-0007"),
    ]
    assert grouped[1]["first_date"] == "2025-03-10" and grouped[1]["path"] == "incidents/2026/INC-2026-0007.md"
    mine = _report(root, "--owner", "alice")  # a row by its fix's owner, the heading counting what is left
    assert "the fix did not hold (7 incidents of 1 pattern)" in mine and "dns-down " not in mine, mine
    cut = _report(root, "--limit", "1").split("Recurrence after fix")[1].split("\n\n")[0]
    assert "INC-2026-0008" in cut and "INC-2026-0007" not in cut and "… and 1 more not shown" in cut, cut  # newest kept


def test_the_site_board_and_mcp_text_list_one_row_a_pattern(tmp_path):
    kb = load_kb(_kb(tmp_path / "kb"))
    b = board(kb, AS_OF)
    page = pages(kb, as_of=AS_OF, board=b)["board/index.md"]
    table = page.split("## Recurred after the fix")[1].split("\n## ")[0]
    assert table.count("<tr>") == 3 and "INC-2025-0001" not in table, table  # a header and two patterns
    assert table.index("dns-down") < table.index("disk-full") and "8 incidents of 2 patterns" in table
    text = board_text(b, b, 10).splitlines()
    at = text.index("Recurred after a permanent fix, by pattern (2):")
    assert text[at + 1].startswith("- dns-down: ") and text[at + 1].endswith("INC-2026-0008 (2026-12-02)")
    assert "7 incidents since (0 in the last 30 days)" in text[at + 2] and len(text) == at + 3, text
