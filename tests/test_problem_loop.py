"""The problem loop as a problem manager runs it (a review of `recur report`, the board and `recur import`):
what a report counts, gates and says how to act on."""

import datetime as dt
import json

from click.testing import CliRunner
from kbfactory import write_pattern
from test_problems_board import incident

from recur.cli.main import cli


def report(root, *args, today="2026-05-15"):
    return CliRunner().invoke(
        cli, ["report", "--kb", str(root), "--as-of", "2026-05-15", *args], env={"RECUR_TODAY": today}
    )


def test_an_incident_linking_a_misspelt_pattern_is_left_out_and_fails_every_gate(tmp_path):
    """A typo in an incident's patterns is an error of `recur check`; the report counted the incident silently
    (not left out, not needs analysis, every gate passing) and the pattern's counts dropped."""
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full")
    incident(root, "INC-1", "2026-05-01", patterns=["disk-full"])
    incident(root, "INC-2", "2026-05-10", patterns=["disk-ful"])
    b = json.loads(report(root, "--format", "json").stdout)
    [x] = b["left_out"]
    assert x["path"] == "incidents/2026/INC-2.md" and x["field"] == "patterns[0]"
    assert "no pattern has id 'disk-ful'; did you mean disk-full?" in x["message"]
    assert b["counts"]["incidents_30"] == 1  # left out of the counts, as a file with errors is
    for gate in ("overdue", "recurrence", "unknown"):
        res = report(root, "--fail-on", gate)
        assert res.exit_code == 1, gate
        assert "INC-2.md" in res.stderr and "did you mean disk-full?" in res.stderr
    assert "Left out of this report: 1 file with errors" in report(root).stdout
    assert "did you mean disk-full?" in report(root, "--format", "markdown").stdout
    # the site's board (board.json and its page) reads the same report_board
    from recur.kb.loader import load_kb
    from recur.problems.board import report_board
    from recur.site.generate import pages

    kb, day = load_kb(root), dt.date(2026, 5, 15)
    built = report_board(kb, day)
    assert [x["path"] for x in built["left_out"]] == ["incidents/2026/INC-2.md"]
    assert "did you mean disk-full?" in pages(kb, as_of=day, board=built)["board/index.md"]


def test_a_reopened_fix_keeps_its_recurrences_listed_and_only_the_gate_drops_them(tmp_path):
    """Reopening a fix, as the recurrence gate's FAILED line says to, deleted the pattern's "Recurrence after
    fix" history from the report. A reopened fix keeps ``done:``, the day it was done (the spec's "date it
    landed"): the report lists the recurrences after it, marked reopened; the gate no longer counts them."""
    root = tmp_path / "kb"
    fix = "fix:\n  status: done\n  owner: team-a\n  due: 2026-03-31\n  done: 2026-03-20"
    write_pattern(root, "disk-full", title="Disk full", fix=fix)
    incident(root, "INC-1", "2026-05-01", patterns=["disk-full"])
    before = report(root, "--fail-on", "recurrence")
    assert before.exit_code == 1 and "PATTERN --status open --due" in before.stderr  # how to reopen it
    assert "done: day kept" in before.stderr
    write_pattern(
        root,
        "disk-full",
        title="Disk full",
        fix="fix:\n  status: open\n  owner: team-a\n  due: 2026-06-30\n  done: 2026-03-20",
    )
    b = json.loads(report(root, "--format", "json").stdout)
    assert [(r["incident"], r["fix_done"], r["fix_reopened"]) for r in b["recurrence_after_fix"]] == [
        ("INC-1", "2026-03-20", True)
    ]
    assert b["counts"]["recurrence_after_fix"] == 1
    assert report(root, "--fail-on", "recurrence").exit_code == 0  # out of the gate: the fix is open work again
    assert "2026-03-20 (reopened)" in report(root).stdout
    assert "2026-03-20 (reopened)" in report(root, "--format", "markdown").stdout
    check = CliRunner().invoke(cli, ["check", "--kb", str(root)], env={"RECUR_TODAY": "2026-05-15"}).output
    # what the date is read as, a notice (--strict passes it): it was a warning that the board ignored it
    assert "fix.done: notice: a fix open with a done date (2026-03-20): read as a fix reopened" in check
    assert "fix.done: warning" not in check


def test_a_misspelt_owner_with_a_gate_is_a_usage_error_with_the_owner_meant(tmp_path):
    """`recur report --owner team-platfrom --fail-on overdue` exited 0 with a warning: a scheduled per-team gate
    with a typo stayed green for ever."""
    root = tmp_path / "kb"
    write_pattern(
        root, "disk-full", title="Disk full", fix="fix: {status: open, owner: team-platform, due: 2026-05-01}"
    )
    write_pattern(root, "dns", title="DNS", fix="fix: {status: done, owner: team-net, done: 2026-01-01}")
    incident(root, "INC-1", "2026-05-01", patterns=["disk-full"])
    res = report(root, "--owner", "team-platfrom", "--fail-on", "overdue")
    assert res.exit_code == 2, res.output
    assert "did you mean team-platform?" in res.stderr and "--owner" in res.stderr
    # without a gate: the warning, with the owner meant
    res = report(root, "--owner", "team-platfrom")
    assert (
        res.exit_code == 0
        and "warning: 'team-platfrom' owns nothing on this board (did you mean team-platform?)" in res.stderr
    )
    # an owner the KB knows, with nothing open today (team-net's fix is done): the gate passes, as before
    res = report(root, "--owner", "team-net", "--fail-on", "overdue")
    assert res.exit_code == 0 and "warning: 'team-net' owns nothing on this board" in res.stderr
    assert report(root, "--owner", "team-platform", "--fail-on", "overdue").exit_code == 1


def test_an_undated_postmortem_is_never_dated_by_an_action_items_due_date(tmp_path, monkeypatch):
    """`- [ ] Add a timeout … due 2026-12-01` dated an undated postmortem 2026-12-01, not flagged for triage. With no
    date of its own it is recorded as one with no date at all: today's date, listed under triage."""
    from import_helpers import import_file
    from kbfactory import small_kb

    monkeypatch.setenv("RECUR_TODAY", "2026-12-10")
    kb = small_kb(tmp_path / "kb")
    body = "# Reports export stuck for a day\n\n## Summary\nThe nightly export hung for a whole day.\n\n"
    items = (
        "## Action items\n- [ ] Add a timeout to the export lock (owner: Tom Becker, due 2026-12-01)\n"
        "- [x] Kill stuck export runs on deploy\n"
    )
    got = []
    for n, text in enumerate((body, body + items, body + "## Follow-ups\n- Add the alert, due 2026-12-01\n")):
        res = import_file(kb, tmp_path / f"pm{n}.md", text, "--dry-run", "--json")
        assert res.exit_code == 0, res.output
        out = json.loads(res.stdout)
        got.append((out["date"], "date" in out["triage"]))
    assert got == [("2026-12-10", True)] * 3


def test_the_report_and_the_board_say_how_to_act_on_an_open_permanent_fix(tmp_path):
    """The last line and the site's board said how to close reviews, follow-ups and flags, not the open and overdue
    permanent fixes, the biggest overdue list: a fix is closed with `recur fix PATTERN --done`, or in its pattern's
    file, its fix: keys."""
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full", fix="fix: {status: open, owner: team-a, due: 2026-05-01}")
    incident(root, "INC-1", "2026-03-01", patterns=["disk-full"], extra="review: {level: none}")
    how = f"lose a permanent fix with recur fix --kb {root} PATTERN --done once it is in (--due YYYY-MM-DD to move it"
    keys = (
        "patterns/CATEGORY/PATTERN.md in the KB), under fix: status: done, done: YYYY-MM-DD",
        "due: YYYY-MM-DD",
        "owner: NAME",
    )
    for fmt in ("text", "markdown"):
        last = report(root, "--format", fmt).stdout.rstrip().splitlines()[-1]
        assert how in last and all(k in last for k in keys), (fmt, last)
    from recur.kb.loader import load_kb
    from recur.problems.board import report_board
    from recur.site.generate import pages

    kb, day = load_kb(root), dt.date(2026, 5, 15)
    page = pages(kb, as_of=day, board=report_board(kb, day))["board/index.md"]
    assert "`patterns/capacity/disk-full.md`" not in page  # the how-to names the file's place, not one file
    assert all(f"`{k}`" in page for k in ("status: done", "done: YYYY-MM-DD", "due: YYYY-MM-DD", "owner: NAME"))
    assert "`recur fix PATTERN --done`" in page


def test_limit_cuts_the_least_urgent_owners_and_the_oldest_flags(tmp_path):
    """`--limit` cut the by-owner table alphabetically (the busiest owners hidden: "zoe" with 3 overdue) and kept
    the oldest flags, while the docs say it cuts the least urgent."""
    root = tmp_path / "kb"
    write_pattern(root, "disk-full", title="Disk full")
    items = [("ann", "2026-06-30"), ("bob", "2026-06-30"), ("bob", "2026-06-30")]
    items += [("zoe", "2026-05-01")] * 3 + [("kim", "2026-05-01"), ("kim", "2026-06-30"), ("kim", "2026-06-30")]
    follow = "\n".join(f"  - {{title: Item {n}, owner: {o}, due: {d}}}" for n, (o, d) in enumerate(items))
    incident(
        root,
        "INC-1",
        "2026-03-01",
        patterns=["disk-full"],
        extra=f"review: {{level: none}}\nflags: [old one]\nfollow_ups:\n{follow}",
    )
    incident(root, "INC-2", "2026-05-10", patterns=["disk-full"], extra="review: {level: none}\nflags: [new one]")
    text = report(root, "--limit", "2").stdout
    owners = text.split("By owner")[1].split("\n\n")[0]
    assert "zoe" in owners and "kim" in owners and "ann" not in owners and "bob" not in owners, owners
    assert owners.index("zoe") < owners.index("kim")  # 3 overdue before 1 overdue
    md = report(root, "--limit", "1", "--format", "markdown").stdout
    flags = md.split("Dig into this later")[1].split("##")[0]
    assert "new one" in flags and "old one" not in flags
    b = json.loads(report(root, "--format", "json").stdout)
    assert [f["text"] for f in b["flags"]] == ["new one", "old one"]  # the board's own order: newest first


def test_the_fixes_table_of_text_and_markdown_has_the_tickets(tmp_path):
    """The site's fixes table and the JSON had each fix's tickets; the report's text and Markdown had no column."""
    root = tmp_path / "kb"
    fix = "fix: {status: open, owner: team-a, due: 2026-05-01, tickets: [PRB-135, OPS-7]}"
    write_pattern(root, "disk-full", title="Disk full", fix=fix)
    incident(root, "INC-1", "2026-03-01", patterns=["disk-full"])
    text = report(root).stdout.split("Open permanent fixes")[1].split("\n\n")[0]
    head, row = text.splitlines()[1:3]
    assert head.split()[-1] == "tickets" and row.endswith("PRB-135, OPS-7"), text
    md = report(root, "--format", "markdown").stdout
    assert "| team-a | disk-full | open | 2026-05-01 | 75d | OVERDUE 14d | 1 | PRB-135, OPS-7 |" in md


def test_a_follow_up_written_with_a_ticket_due_another_day_elsewhere_is_warned_of_then(tmp_path):
    """`recur incident follow-up INC --add … --ticket PRB-135 --due 2027-03-01`, PRB-135 due 2026-12-18 in a
    pattern's fix, said only "added"; `recur check` reported the conflict later. Said when written, as check says it."""
    root = tmp_path / "kb"
    fix = "fix: {status: open, owner: team-a, due: 2026-12-18, tickets: [PRB-135]}"
    write_pattern(root, "disk-full", title="Disk full", fix=fix)
    incident(root, "INC-1", "2026-05-01", patterns=["disk-full"])

    def run(*args):
        res = CliRunner().invoke(cli, ["incident", "follow-up", "--kb", str(root), "INC-1", *args])
        assert res.exit_code == 0, res.output
        return res.output

    said = run("--add", "Add the alert", "--ticket", "PRB-135", "--due", "2027-03-01")
    check = CliRunner().invoke(cli, ["check", "--kb", str(root)]).output
    warned = [x for x in check.splitlines() if "ticket PRB-135 is due 2027-03-01 here but 2026-12-18" in x]
    assert len(warned) == 1 and warned[0] in said.splitlines(), said  # check's line, as check prints it
    # moved to the fix's day: nothing to say; a ticket given later is checked too
    assert "ticket PRB-135" not in run("1", "--due", "2026-12-18")
    run("--add", "Tune the disk", "--due", "2027-01-10")
    assert "ticket PRB-135 is due 2027-01-10 here but" in run("2", "--ticket", "PRB-135")
