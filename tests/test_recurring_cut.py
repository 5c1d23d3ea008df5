"""The recurring lists' cut, one owner's part of them, and the problems layer's smaller slips found in a re-read:
`recur report --owner` narrowed the top ten (an owner whose pattern ranked 11th was told nothing of theirs
recurred), a tie of many listed every tied row, the headline's "and N more" counted the rows shown alone,
`recur incident list` ignored RECUR_TODAY, and the Markdown report's --owner line was markup."""

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from kbfactory import write, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import board, report_board
from recur.problems.incidents import incident_rows
from recur.problems.owner import for_owner
from recur.serve.mcp_board import board_answer

AS_OF = "2026-05-15"


def incident(root, iid, date, patterns=(), extra=""):
    write(
        root,
        f"incidents/{date[:4]}/{iid}.md",
        f"---\nid: {iid}\ntitle: Incident {iid}\ndate: {date}\nseverity: sev3\npatterns: [{', '.join(patterns)}]\n"
        f"{extra}---\n\n## Summary\nIt happened.\n",
    )


def report(root, *args):
    return CliRunner().invoke(cli, ["report", "--kb", str(root), "--as-of", AS_OF, *args])


def ranked_kb(root, owners: dict, counts: dict):
    """A pattern per id of ``counts``, its fix owned by ``owners[id]``, matched by ``counts[id]`` incidents in May."""
    for pid, n in counts.items():
        write_pattern(root, pid, title=f"Pattern {pid}", fix=f"fix: {{status: open, owner: {owners[pid]}}}")
        for k in range(n):
            incident(root, f"INC-{pid}-{k}", f"2026-05-{k + 1:02d}", patterns=[pid])
    return root


def test_an_owner_whose_pattern_ranks_eleventh_is_told_it_recurred(tmp_path):
    counts = {**{f"a{n:02d}": 3 for n in range(10)}, "b00": 2}
    owners = {**{f"a{n:02d}": "ann" for n in range(10)}, "b00": "bob"}
    root = ranked_kb(tmp_path / "kb", owners, counts)
    whole = json.loads(report(root, "--format", "json").stdout)
    assert [r["pattern"] for r in whole["recurring"]["30"]] == [f"a{n:02d}" for n in range(10)]
    assert whole["recurring_more"] == {"30": 1, "90": 1}
    bob = json.loads(report(root, "--owner", "bob", "--format", "json").stdout)
    assert [(r["pattern"], r["count"]) for r in bob["recurring"]["30"]] == [("b00", 2)]
    assert bob["recurring_more"] == {"30": 0, "90": 0}  # the board's 1 left out was bob's own row
    text = report(root, "--owner", "bob").stdout
    assert "recurred in the last 30 days: b00 (2)." in text and "Nothing recurred" not in text
    ann = json.loads(report(root, "--owner", "ann", "--format", "json").stdout)
    assert len(ann["recurring"]["30"]) == 10 and ann["recurring_more"] == {"30": 0, "90": 0}
    # MCP's problem_report owner is the same rule, on the board as it is built
    structured, mcp_text = board_answer(
        report_board(load_kb(root), dt.date(2026, 5, 15), owner="bob"), owner="bob", limit=None, paged=lambda rows: rows
    )
    assert [r["pattern"] for r in structured["recurring"]["30"]] == ["b00"]
    assert structured["recurring_more"] == {"30": 0, "90": 0}


def test_an_owners_list_is_cut_at_top_keeping_ties_and_counts_the_rest(tmp_path):
    counts = {**{f"a{n:02d}": 4 for n in range(11)}, **{f"c{n:02d}": 2 for n in range(3)}, "z00": 3}
    owners = {**{pid: "ann" for pid in counts}, "z00": "zed"}
    root = ranked_kb(tmp_path / "kb", owners, counts)
    kb, day = load_kb(root), dt.date(2026, 5, 15)
    ann = for_owner(board(kb, day, owner="Ann"), "Ann")
    assert [r["count"] for r in ann["recurring"]["30"]] == [4] * 11  # the tie at the tenth kept
    assert ann["recurring_more"] == {"30": 3, "90": 3} and ann["recurring_tied"] == {"30": 0, "90": 0}
    zed = for_owner(board(kb, day, owner="@ZED"), "zed")
    assert [r["pattern"] for r in zed["recurring"]["30"]] == ["z00"] and zed["recurring_more"] == {"30": 0, "90": 0}
    # a copy of the board, or the board read back from JSON, is the owner's board still: the ranking is not
    # something the lists carry besides their rows (a list subclass did, and a copy or JSON lost it)
    again = for_owner(json.loads(json.dumps(board(kb, day, owner="ann"))), "ann")
    assert again["recurring"] == ann["recurring"] and again["recurring_more"] == ann["recurring_more"]


def test_a_tie_of_many_is_cut_at_twice_the_top_and_said(tmp_path):
    counts = {f"p{n:02d}": 2 for n in range(40)}
    root = ranked_kb(tmp_path / "kb", dict.fromkeys(counts, "ann"), counts)
    b = json.loads(report(root, "--format", "json").stdout)
    assert len(b["recurring"]["30"]) == 20 and len(b["recurring"]["90"]) == 20
    assert b["recurring_more"] == {"30": 20, "90": 20} and b["recurring_tied"] == {"30": 20, "90": 20}
    note = "20 more patterns recurred: 20 as often as the last above (2 times), not listed"
    assert note in report(root).stdout and note in report(root, "--format", "markdown").stdout
    # the headline counts the patterns left out too: 3 named, 17 more shown, 20 not
    assert "and 37 more." in report(root).stdout


def test_the_headline_counts_the_recurring_rows_left_out(tmp_path):
    counts = {"top": 4, **{f"p{n:02d}": 3 for n in range(11)}, "x00": 2, "x01": 2}
    root = ranked_kb(tmp_path / "kb", dict.fromkeys(counts, "ann"), counts)
    text = report(root).stdout
    assert "recurred in the last 30 days: top (4), " in text
    assert "and 11 more." in text  # 12 shown, 3 named, and the two of 2 incidents left out (was "and 9 more")
    assert "2 more patterns recurred, each fewer times than those above (2 or fewer)" in text


def test_incident_list_dates_from_recur_today(tmp_path, monkeypatch):
    monkeypatch.setenv("RECUR_TODAY", AS_OF)
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full")
    incident(root, "INC-1", "2026-04-01", patterns=["disk-full"])
    incident(root, "INC-2", "2026-05-10", patterns=["disk-full"])
    incident(root, "INC-3", "2026-05-20", patterns=["disk-full"])  # after RECUR_TODAY, before the clock's date
    r = CliRunner().invoke(cli, ["incident", "list", "--kb", str(root), "--json"])
    assert r.exit_code == 0, r.output
    assert [x["id"] for x in json.loads(r.stdout)] == ["INC-2", "INC-1"]
    assert "note: 1 incident dated after today (2026-05-15) not listed (INC-3)" in r.stderr
    r = CliRunner().invoke(cli, ["incident", "list", "--kb", str(root), "--json", "--days", "30"])
    assert [x["id"] for x in json.loads(r.stdout)] == ["INC-2"]  # 2026-04-16 to 2026-05-15


def test_incident_list_and_the_board_agree_on_overdue_follow_ups(tmp_path):
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full")
    ups = (
        "follow_ups:\n  - {title: Late, status: open, due: 2026-05-14}\n  - {title: Due today, status: open, "
        "due: 2026-05-15}\n  - {title: No date, status: open}\n"
    )
    incident(root, "INC-1", "2026-05-01", patterns=["disk-full"], extra=ups)
    kb, day = load_kb(root), dt.date(2026, 5, 15)
    [row] = incident_rows(kb, day)
    b = board(kb, day)
    assert row["follow_ups_overdue"] == b["counts"]["follow_ups_overdue"] == 1
    assert row["follow_ups_open"] == b["counts"]["follow_ups_open"] == 3


def test_the_markdown_owner_line_is_text_not_markup(tmp_path):
    evil = "[Bob](https://evil.example/x) <img src=x>"
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full")
    incident(root, "INC-1", "2026-05-01", ["disk-full"], f'follow_ups:\n  - {{title: X, owner: "{evil}"}}\n')
    md = report(root, "--owner", evil, "--format", "markdown")
    assert md.exit_code == 0, md.output
    line = next(x for x in md.stdout.splitlines() if x.startswith("Only what "))
    assert "<img" not in line and not re.search(r"(?<!\\)\]\(", line)  # no tag, no link: "](" only escaped
    assert "\\[Bob\\](https://evil.example/x) &lt;img src=x&gt;" in line


def test_a_board_ranked_for_all_or_another_owner_is_not_narrowed_to_one(tmp_path):
    """Found in a re-read: for_owner kept the recurring lists as the board had them, so a board built for all
    (or for alice) narrowed to bob kept alice's recurring rows, and owns_nothing said bob owned something. The
    board says whose its ranking is (``recurring_owner``), and for_owner refuses another's: a caller's mistake."""
    from recur.problems.owner import owns_nothing

    root = ranked_kb(tmp_path / "kb", {"a00": "alice", "b00": "bob"}, {"a00": 3, "b00": 2})
    kb, day = load_kb(root), dt.date(2026, 5, 15)
    whole = board(kb, day)
    assert whole["recurring_owner"] is None
    for built in (whole, board(kb, day, owner="alice"), json.loads(json.dumps(board(kb, day, owner="alice")))):
        with pytest.raises(ValueError, match="ranked for"):
            for_owner(built, "bob")
    # built for bob, however spelt: his rows alone, and a board with nothing of carol's says so
    bob = for_owner(board(kb, day, owner="@Bob"), "bob")
    assert [r["pattern"] for r in bob["recurring"]["30"]] == ["b00"] and bob["recurring_owner"] == "bob"
    assert owns_nothing(for_owner(board(kb, day, owner="carol"), "carol"))
    # the JSON says whose the lists are: the owner given, null for the whole board
    assert json.loads(report(root, "--format", "json").stdout)["recurring_owner"] is None
    assert json.loads(report(root, "--owner", "@Bob", "--format", "json").stdout)["recurring_owner"] == "bob"
