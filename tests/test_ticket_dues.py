"""One ticket, two due dates: a pattern's permanent fix and an incident's follow-up (or two follow-ups)
tracked in the same ticket but due on different days. `recur check` warns in both files; the problem
board (report and site) notes the other date on each row; the shipped KB has none left."""

from __future__ import annotations

import datetime as dt
import json

from click.testing import CliRunner
from conftest import ROOT
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import board


def _follow_up_incident(root, iid, date, follow_ups):
    items = "\n".join(
        f"  - {{title: {title}, status: {status}, owner: team-a, due: {due}, ticket: {ticket}}}"
        for title, status, due, ticket in follow_ups
    )
    write(
        root,
        f"incidents/{date[:4]}/{iid}.md",
        f"---\nid: {iid}\ntitle: Incident {iid}\ndate: {date}\nseverity: sev3\npatterns: [disk-full]\n"
        f"review: {{status: done}}\nfollow_ups:\n{items}\n---\n\n## Summary\nSomething happened.\n",
    )


def _kb(tmp_path):
    root = small_kb(tmp_path / "kb")
    write(
        root,
        "patterns/capacity/disk-full.md",
        pattern_text(
            "disk-full",
            title="Disk full",
            fix="fix: {status: open, owner: team-a, due: 2026-04-01, tickets: [PRB-1, PRB-9]}",
        ),
    )
    # PRB-1: the fix's ticket due 04-01 here, 06-30 as a follow-up (the conflict the review found)
    # OPS-2: two open follow-ups due apart; OPS-3: a done one's old due is history, not a conflict;
    # PRB-9: the same date in both files
    _follow_up_incident(
        tmp_path / "kb",
        "INC-2026-0001",
        "2026-03-10",
        [
            ("Alert on growth", "open", "2026-06-30", "PRB-1"),
            ("Inventory", "open", "2026-04-15", "OPS-2"),
            ("Old thing", "done", "2026-03-20", "OPS-3"),
            ("Same date", "open", "2026-04-01", "prb-9"),
        ],
    )
    _follow_up_incident(
        tmp_path / "kb",
        "INC-2026-0002",
        "2026-03-12",
        [("Inventory carried over", "open", "2026-05-31", "OPS-2"), ("Old thing again", "open", "2026-05-01", "OPS-3")],
    )
    return root


def _line(path, text: str) -> int:
    return next(n for n, t in enumerate(path.read_text().splitlines(), 1) if text in t)


def test_check_warns_in_each_file_with_the_other_files_line_and_date(tmp_path, monkeypatch):
    root = _kb(tmp_path)
    monkeypatch.chdir(tmp_path)  # paths are shown from the working directory: kb/...
    r = CliRunner().invoke(cli, ["check", "--kb", "kb", "--today", "2026-05-01"])
    fix = f"kb/patterns/capacity/disk-full.md:{_line(root / 'patterns/capacity/disk-full.md', 'fix:')}"
    inc1 = "kb/incidents/2026/INC-2026-0001.md"
    prb1, ops2 = f"{inc1}:{_line(root / inc1[3:], 'PRB-1}')}", f"{inc1}:{_line(root / inc1[3:], 'OPS-2')}"
    inc2 = "kb/incidents/2026/INC-2026-0002.md"
    ops2b = f"{inc2}:{_line(root / inc2[3:], 'OPS-2')}"
    tail = ": the problem board judges it late against each date apart; give it one due date in every file"
    lines = [x for x in r.output.splitlines() if "ticket " in x and " is due " in x]
    # collected: both tickets, in both files each; OPS-3 (one of them done) and PRB-9 (one date) are not
    assert sorted(lines) == sorted(
        [
            f"{fix}: fix.due: warning: ticket PRB-1 is due 2026-04-01 here but 2026-06-30 in {prb1} (follow_ups[0].due)"
            + tail,
            f"{prb1}: follow_ups[0].due: warning: ticket PRB-1 is due 2026-06-30 here but 2026-04-01 in {fix} (fix.due)"
            + tail,
            f"{ops2}: follow_ups[1].due: warning: ticket OPS-2 is due 2026-04-15 here but 2026-05-31 in {ops2b} "
            "(follow_ups[0].due)" + tail,
            f"{ops2b}: follow_ups[0].due: warning: ticket OPS-2 is due 2026-05-31 here but 2026-04-15 in {ops2} "
            "(follow_ups[1].due)" + tail,
        ]
    ), r.output
    assert r.exit_code == 0
    assert CliRunner().invoke(cli, ["check", "--kb", "kb", "--today", "2026-05-01", "--strict"]).exit_code == 1


def test_the_board_notes_the_other_due_date_on_both_rows(tmp_path):
    root = _kb(tmp_path)
    b = board(load_kb(root), dt.date(2026, 5, 1))
    fix = next(f for f in b["fixes"] if f["pattern"] == "disk-full")
    assert fix["overdue"] and fix["other_dues"] == [{"ticket": "PRB-1", "due": "2026-06-30", "record": "INC-2026-0001"}]
    fu = {f["title"]: f for f in b["follow_ups"]}
    assert not fu["Alert on growth"]["overdue"]
    assert fu["Alert on growth"]["other_dues"] == [{"ticket": "PRB-1", "due": "2026-04-01", "record": "disk-full"}]
    assert fu["Inventory"]["other_dues"] == [{"ticket": "OPS-2", "due": "2026-05-31", "record": "INC-2026-0002"}]
    assert fu["Same date"]["other_dues"] == [] and fu["Old thing again"]["other_dues"] == []
    # as of a day before INC-2026-0002 happened, OPS-2 has one date on the board
    early = board(load_kb(root), dt.date(2026, 3, 11))
    assert {f["title"]: f["other_dues"] for f in early["follow_ups"]}["Inventory"] == []

    text = CliRunner().invoke(cli, ["report", "--kb", str(root), "--as-of", "2026-05-01"]).output
    assert "PRB-1 also due 2026-06-30 in INC-2026-0001" in text and "PRB-1 also due 2026-04-01 in disk-full" in text
    as_json = json.loads(
        CliRunner().invoke(cli, ["report", "--kb", str(root), "--as-of", "2026-05-01", "--format", "json"]).output
    )
    assert as_json["fixes"][0]["other_dues"] == fix["other_dues"]

    out = tmp_path / "site"
    args = ["site", "--kb", str(root), "--out", str(out), "--as-of", "2026-05-01", "-q", "--no-browser-search"]
    assert CliRunner().invoke(cli, [*args, "--index", str(tmp_path / "no-index")]).exit_code == 0
    page = (out / "board" / "index.html").read_text(encoding="utf-8")
    assert page.count('class="recur-other-due"') == 4
    assert '<small class="recur-other-due">PRB-1 also due 2026-06-30 in INC-2026-0001</small>' in page


def test_the_shipped_kb_gives_each_ticket_one_due_date():
    r = CliRunner().invoke(cli, ["check", "--kb", str(ROOT / "kb"), "-q"])
    assert [x for x in r.output.splitlines() if "ticket " in x and " is due " in x] == []
    b = board(load_kb(ROOT / "kb"), dt.date(2026, 12, 3))
    assert [f for f in b["fixes"] + b["follow_ups"] if f["other_dues"]] == []


def _section(text: str, heading: str) -> list[str]:
    """The lines of a report's section, from its heading to the blank line ending it."""
    lines = text.splitlines()
    start = next(n for n, x in enumerate(lines) if x.lstrip("# ").startswith(heading))
    end = next((n for n in range(start, len(lines)) if not lines[n].strip()), len(lines))
    return lines[start:end]


def test_a_due_dates_note_is_a_footnote_under_the_table_not_in_its_column(tmp_path):
    """Found in a problem manager's review: the text report's due column held the notes of a ticket's other due
    dates, "2026-04-15 (OPS-2 also due 2026-05-31 in INC-2026-0002)", widening every row of the table (up to
    325 columns). The cell keeps the date and a number; the note is under the table, numbered, in text and
    Markdown alike; the JSON keeps other_dues as it was."""
    root = _kb(tmp_path)
    args = ["report", "--kb", str(root), "--as-of", "2026-05-01"]
    text = CliRunner().invoke(cli, args).output
    follow_ups = _section(text, "Open follow-ups")
    rows = {line.split("  ")[-1].strip(): line for line in follow_ups if line.startswith("  team-a ")}
    assert "2026-04-15 [1]  52d" in rows["Inventory"] and "2026-05-31 [2]  50d" in rows["Inventory carried over"]
    assert "2026-06-30 [3]  52d" in rows["Alert on growth"] and "[" not in rows["Same date"], follow_ups
    assert not [x for x in rows.values() if "also due" in x] and max(len(x) for x in rows.values()) < 100, follow_ups
    assert follow_ups[-3:] == [
        "  [1] OPS-2 also due 2026-05-31 in INC-2026-0002",
        "  [2] OPS-2 also due 2026-04-15 in INC-2026-0001",
        "  [3] PRB-1 also due 2026-04-01 in disk-full",
    ], follow_ups
    fixes = _section(text, "Open permanent fixes")
    assert any("2026-04-01 [1]  52d" in line for line in fixes), fixes
    assert fixes[-1] == "  [1] PRB-1 also due 2026-06-30 in INC-2026-0001", fixes
    md = CliRunner().invoke(cli, [*args, "--format", "markdown"]).output
    assert "| 2026-06-30 \\[3\\] | 52d |" in md and "also due 2026-04-01 in disk-full |" not in md, md
    assert "\n\n- \\[1\\] OPS-2 also due 2026-05-31 in INC-2026-0002\n- \\[2\\] OPS-2" in md, md
    as_json = json.loads(CliRunner().invoke(cli, [*args, "--format", "json"]).output)
    assert {f["title"]: f["due"] for f in as_json["follow_ups"]}["Alert on growth"] == "2026-06-30"
    assert as_json["fixes"][0]["other_dues"] == [{"ticket": "PRB-1", "due": "2026-06-30", "record": "INC-2026-0001"}]
    # --limit: the rows shown have their notes, numbered in the order shown, and no others
    cut = _section(CliRunner().invoke(cli, [*args, "--limit", "2"]).output, "Open follow-ups")
    assert [x for x in cut if x.startswith("  [")] == ["  [1] OPS-2 also due 2026-05-31 in INC-2026-0002"], cut
