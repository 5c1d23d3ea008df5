"""`recur fix ID`: a pattern's permanent fix shown and changed from the command line. The board and `recur report`
list the open fixes; closing one, moving its due date or handing it over meant editing the pattern's `fix:` by
hand (found in a problem manager's review). Each edit changes that mapping alone, byte for byte the rest of the
file as it was, and is checked as `recur check` checks the KB before it is written."""

import json

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, write, write_pattern

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.util.errors import RecurError

TODAY = "2026-12-06"


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setenv("RECUR_TODAY", TODAY)


def run(*args):
    return CliRunner().invoke(cli, list(args))


def fix(kb, *args):
    return run("fix", "--kb", str(kb), *args)


def _commented(kb, fix_text: str):
    """disk-full with ``fix_text`` as its fix (comments and all), and a body below the front matter."""
    return write(kb, "patterns/capacity/disk-full.md", pattern_text("disk-full", title="Disk full", fix=fix_text))


BLOCK = (
    "fix:  # the permanent fix, tracked by the problem manager\n"
    "  status: open   # not started\n"
    "  owner: team-storage\n"
    "  due: 2026-11-30\n"
    "  tickets:\n"
    "    - PRB-135  # the epic\n"
)


def test_done_marks_the_fix_done_today_and_keeps_every_other_byte(kb_dir):
    path = _commented(kb_dir, BLOCK)
    before = path.read_text()
    checked = _check_lines(kb_dir)
    res = fix(kb_dir, "disk-full", "--done")
    assert res.exit_code == 0, res.output
    assert f"disk-full: fix status open → done ({TODAY})" in res.output
    assert "recur report" in res.output.splitlines()[-1]
    # the status's value replaced in place (its comment kept), the day added to the mapping: nothing else moved
    want = before.replace("  status: open   # not started\n", "  status: done   # not started\n").replace(
        "    - PRB-135  # the epic\n", f"    - PRB-135  # the epic\n  done: {TODAY}\n"
    )
    assert path.read_text() == want
    f = load_kb(kb_dir).patterns["disk-full"].fix
    assert (f.status, f.done.isoformat(), f.owner, f.tickets) == ("done", TODAY, "team-storage", ["PRB-135"])
    assert _check_lines(kb_dir) == checked  # recur check passes it, with no word more of it


def _check_lines(kb):
    res = run("check", "--kb", str(kb))
    assert res.exit_code == 0, res.output
    return [line for line in res.output.splitlines() if "disk-full.md" in line]


def test_status_owner_due_and_tickets_round_trip(kb_dir):
    path = _commented(kb_dir, "fix: {status: open, owner: team-a, tickets: [PRB-1]}  # tracked")
    body = path.read_text().split("---\n", 2)[2]
    res = fix(kb_dir, "disk-full", "--status", "in-progress", "--owner", "alice", "--due", "2026-12-20")
    assert res.exit_code == 0, res.output
    assert "status open → in-progress, owner team-a → alice, due (none) → 2026-12-20" in res.output
    res = fix(kb_dir, "disk-full", "--ticket", "PRB-1", "--ticket", "PRB-2", "--ticket", "OPS 7, part 2")
    assert res.exit_code == 0 and "tickets + PRB-2, OPS 7, part 2" in res.output, res.output
    assert 'fix: {status: in-progress, owner: alice, tickets: [PRB-1, PRB-2, "OPS 7, part 2"], due: 2026-12-20}' in (
        path.read_text()
    )
    assert path.read_text().split("---\n", 2)[2] == body  # the body untouched
    f = load_kb(kb_dir).patterns["disk-full"].fix
    assert (f.status, f.owner, f.due.isoformat(), f.tickets) == (
        "in-progress",
        "alice",
        "2026-12-20",
        ["PRB-1", "PRB-2", "OPS 7, part 2"],
    )
    res = fix(kb_dir, "disk-full", "--done", "--on", "2026-12-01", "--json")
    doc = json.loads(res.output)
    assert doc["fix"] == {
        "status": "done",
        "owner": "alice",
        "due": "2026-12-20",
        "done": "2026-12-01",  # a done day before the due is fine
        "tickets": ["PRB-1", "PRB-2", "OPS 7, part 2"],
    }
    assert doc["id"] == "disk-full" and doc["changed"] == ["status in-progress → done (2026-12-01)"]
    # reopened: its done: kept (the format reads it as a fix reopened after that day); the owner taken out
    res = fix(kb_dir, "disk-full", "--status", "open", "--owner", "-")
    assert res.exit_code == 0 and "owner alice → (none)" in res.output, res.output
    shown = fix(kb_dir, "disk-full").output
    assert "disk-full: fix open, due 2026-12-20, done 2026-12-01 (reopened), tickets PRB-1, PRB-2" in shown, shown
    again = fix(kb_dir, "disk-full", "--ticket", "PRB-2")
    assert "nothing to change" in again.output and again.exit_code == 0


def test_a_pattern_with_no_fix_gets_one_and_its_id_is_taken_in_any_case_or_as_its_file(kb_dir):
    path = kb_dir / "patterns/capacity/disk-full.md"
    before = path.read_text()
    assert "no permanent fix recorded" in fix(kb_dir, "Disk-Full").output
    assert json.loads(fix(kb_dir, "disk-full", "--json").output)["fix"] is None
    res = fix(kb_dir, "DISK-FULL", "--owner", "team-storage", "--due", "2027-01-10", "--ticket", "PRB-9")
    assert res.exit_code == 0, res.output
    head, tail = before.split("\n---\n", 1)
    assert (
        path.read_text() == f"{head}\nfix:\n  owner: team-storage\n  due: 2027-01-10\n  tickets: [PRB-9]\n---\n{tail}"
    )
    f = load_kb(kb_dir).patterns["disk-full"].fix
    assert (f.status, f.owner, f.due.isoformat(), f.tickets) == ("open", "team-storage", "2027-01-10", ["PRB-9"])
    shown = fix(kb_dir, "patterns/capacity/disk-full.md")
    assert "disk-full: fix open, team-storage, due 2027-01-10, tickets PRB-9" in shown.output, shown.output


def test_the_report_lists_the_fix_closed_afterwards(kb_dir):
    _commented(kb_dir, BLOCK)
    board = json.loads(run("report", "--kb", str(kb_dir), "--json").output)
    assert [f["pattern"] for f in board["fixes"]] == ["disk-full"] and board["fixes"][0]["overdue"]
    assert fix(kb_dir, "disk-full", "--done").exit_code == 0
    board = json.loads(run("report", "--kb", str(kb_dir), "--json").output)
    assert board["fixes"] == [] and board["counts"]["fixes_overdue"] == 0


def test_dry_run_says_the_change_and_writes_nothing(kb_dir):
    path = _commented(kb_dir, BLOCK)
    before = path.read_text()
    res = fix(kb_dir, "disk-full", "--done", "--dry-run", "--json")
    assert res.exit_code == 0 and json.loads(res.output)["fix"]["status"] == "done", res.output
    assert json.loads(res.output)["dry_run"] is True
    assert "(dry run: nothing written)" in fix(kb_dir, "disk-full", "--owner", "bob", "--dry-run").output
    assert path.read_text() == before


@pytest.mark.parametrize(
    "args,code,said",
    [
        (("disk-ful", "--done"), 1, "unknown pattern id(s) disk-ful (did you mean disk-full?)"),
        (("disk-full", "--status", "closed"), 2, "'closed' is not one of 'open', 'in-progress', 'done', 'wont-fix'"),
        (("disk-full", "--done", "--on", "2026-12-07"), 2, "2026-12-07 is after today (2026-12-06)"),
        (("disk-full", "--due", "2026-02-30"), 2, "no such date: 2026-02-30"),
        (("disk-full", "--on", "2026-12-01"), 2, "--on goes with --done"),
        (("disk-full", "--done", "--status", "open"), 2, "--done and --status open say different things"),
        (("disk-full", "--owner", " "), 2, "--owner is empty"),
        (("", "--done"), 2, "ID is empty"),
    ],
)
def test_bad_input_is_refused_with_nothing_written(kb_dir, args, code, said):
    path = _commented(kb_dir, BLOCK)
    before = path.read_text()
    res = fix(kb_dir, *args)
    assert res.exit_code == code and said in res.output, res.output
    assert "Traceback" not in res.output and path.read_text() == before


def test_a_pattern_recur_check_fails_is_refused_naming_file_line_and_field(kb_dir):
    path = write_pattern(kb_dir, "disk-full", title="Disk full", severity="sev9", fix="fix: {status: open}")
    before = path.read_text()
    res = fix(kb_dir, "disk-full", "--done")
    assert res.exit_code == 1, res.output
    assert "disk-full.md:5: severity:" in res.output and "recur check fails on it); nothing written" in res.output
    assert path.read_text() == before
    # a fix: that is no mapping: said at its line, not guessed at
    path = write_pattern(kb_dir, "disk-full", title="Disk full", fix="fix: done")
    res = fix(kb_dir, "disk-full", "--done")
    assert res.exit_code == 1 and "disk-full.md:" in res.output and "fix: must be a mapping" in res.output


def test_an_edit_that_would_fail_recur_check_is_refused_before_it_is_written(kb_dir):
    """The check run on the new text: an error it would have (a date out of the range Recur reads) refuses it,
    naming the file, the line and the field, as `recur check` would."""
    from recur.kb.pattern_fix import vet_with

    path = _commented(kb_dir, BLOCK)
    kb = load_kb(kb_dir)
    text = path.read_text()
    vet_with(kb, path)(text)  # as it is: it passes
    with pytest.raises(RecurError) as err:
        vet_with(kb, path)(text.replace("due: 2026-11-30", "due: 3026-11-30"))
    assert "disk-full.md:" in str(err.value) and ": fix.due: must be a date" in str(err.value)
    assert "the change would leave it with an error" in str(err.value)


def test_a_fix_reopened_and_closed_again_gets_the_new_done_day_not_the_old_one(kb_dir):
    """A reopened fix keeps its done: (the recurrence after it stays listed); closed again, that old day was kept,
    so the recurrence the reopening answered counted as after the fix again, back on the gate (found in review)."""
    _commented(kb_dir, "fix: {status: done, owner: team-a, done: 2025-10-20}")
    assert fix(kb_dir, "disk-full", "--status", "open", "--due", "2026-12-20").exit_code == 0
    res = fix(kb_dir, "disk-full", "--done")
    assert res.exit_code == 0 and f"status open → done ({TODAY})" in res.output, res.output
    assert load_kb(kb_dir).patterns["disk-full"].fix.done.isoformat() == TODAY
    again = fix(kb_dir, "disk-full", "--done")  # done already: its day kept
    assert again.exit_code == 0 and "nothing to change" in again.output, again.output
    assert fix(kb_dir, "disk-full", "--status", "wont-fix").exit_code == 0
    res = fix(kb_dir, "disk-full", "--done", "--on", "2026-12-02")
    assert res.exit_code == 0 and "status wont-fix → done (2026-12-02)" in res.output, res.output


def test_a_ticket_is_added_beside_numeric_ones(kb_dir):
    """``tickets: [4321]`` is valid; its number read back as a number, unlike the text it was compared with, so
    every --ticket failed with "it read back otherwise" (found in review)."""
    path = _commented(kb_dir, "fix: {status: open, tickets: [4321]}")
    res = fix(kb_dir, "disk-full", "--ticket", "PRB-9", "--ticket", "4321")
    assert res.exit_code == 0 and "tickets + PRB-9" in res.output and "4321," not in res.output, res.output
    assert "fix: {status: open, tickets: [4321, PRB-9]}" in path.read_text()
    assert "nothing to change" in fix(kb_dir, "disk-full", "--ticket", "4321").output
    doc = json.loads(fix(kb_dir, "disk-full", "--ticket", "77", "--dry-run", "--json").output)
    assert doc["fix"]["tickets"] == ["4321", "PRB-9", "77"] and doc["changed"] == ["tickets + 77"]
    assert "fix: {status: open, tickets: [4321, PRB-9]}" in path.read_text()


def test_wont_fix_takes_out_the_done_day_recur_check_would_warn_of(kb_dir):
    path = _commented(kb_dir, BLOCK.replace("status: open", "status: done") + "  done: 2026-11-02  # landed\n")
    checked = _check_lines(kb_dir)
    res = fix(kb_dir, "disk-full", "--status", "wont-fix")
    assert res.exit_code == 0 and "status done → wont-fix" in res.output, res.output
    assert "done:" not in path.read_text() and "warning" not in res.output
    assert load_kb(kb_dir).patterns["disk-full"].fix.done is None
    assert _check_lines(kb_dir) == checked  # no warning of a done day on a wont-fix (--strict failed on it)
    assert "fix.done" not in run("check", "--kb", str(kb_dir), "--strict").output
    doc = json.loads(fix(kb_dir, "disk-full", "--status", "done", "--on", "2026-12-01", "--json").output)
    assert doc["changed"] == ["status wont-fix → done (2026-12-01)"]
    _commented(kb_dir, "fix: {status: done, done: 2026-11-02, owner: team-a}")
    res = fix(kb_dir, "disk-full", "--status", "wont-fix", "--dry-run", "--json")
    assert json.loads(res.output)["changed"] == ["status done → wont-fix", "done 2026-11-02 → (none)"], res.output
    assert fix(kb_dir, "disk-full", "--status", "wont-fix").exit_code == 0
    assert "fix: {status: wont-fix, owner: team-a}" in path.read_text()


@pytest.mark.parametrize(
    "value",
    [
        "?q",
        "? q",
        "-x",
        "- x",
        "a: b",
        "#x",
        "x #y",
        "yes",
        "null",
        "2026-01-01",
        "1e3",
        "0x1f",
        "@x",
        "`x",
        "!x",
        "%x",
        "&x",
        "*x",
        "|x",
        ">x",
        "a,b",
        "[x]",
        "{x}",
        "'x'",
        '"x"',
        "x:",
        ":x",
        "a, b",
        "~",
    ],
)
def test_an_owner_or_ticket_reads_back_as_itself_in_any_layout(value):
    import yaml

    from recur.kb.parse import load_yaml
    from recur.kb.pattern_fix import scalar

    text = scalar(value)
    assert yaml.safe_load(f"[{text}]") == [value] and yaml.safe_load(f"{{k: {text}}}") == {"k": value}
    assert load_yaml(f"k:\n  - {text}\nj: {text}\n").data == {"k": [value], "j": value}


def test_a_ticket_starting_with_a_question_mark_is_quoted_not_refused(kb_dir):
    path = _commented(kb_dir, "fix: {status: open, tickets: [PRB-1]}")
    res = fix(kb_dir, "disk-full", "--ticket", "?q", "--owner", "?team")
    assert res.exit_code == 0 and "tickets + ?q" in res.output, res.output
    f = load_kb(kb_dir).patterns["disk-full"].fix
    assert (f.owner, f.tickets) == ("?team", ["PRB-1", "?q"]) and "layout" not in res.output
    assert path.read_text().count('"?') == 2


def test_owner_taken_out_of_a_pattern_with_no_fix_says_none_is_recorded(kb_dir):
    path = kb_dir / "patterns/capacity/disk-full.md"
    before = path.read_text()
    res = fix(kb_dir, "disk-full", "--owner", "-")
    assert res.exit_code == 0 and "disk-full: no permanent fix recorded" in res.output, res.output
    assert "nothing to change" not in res.output and path.read_text() == before
    shown = fix(kb_dir, "disk-full", "--json").output
    changed = fix(kb_dir, "disk-full", "--owner", "-", "--json").output
    assert (
        json.loads(shown)
        == json.loads(changed)
        == {"id": "disk-full", "path": json.loads(shown)["path"], "fix": None, "changed": [], "dry_run": False}
    )
    assert shown == changed and shown.startswith('{\n "id"')  # printed as every other answer of it (indent 1)


def test_due_and_tickets_are_taken_out_with_dash_every_other_byte_kept(kb_dir):
    """`--owner -` took the owner out, but nothing took out a due date or the tickets: the YAML by hand again."""
    path = _commented(kb_dir, BLOCK + "  done: 2026-11-02  # landed\n")
    crlf = path.read_bytes().replace(b"\n", b"\r\n")
    path.write_bytes(crlf)
    res = fix(kb_dir, "disk-full", "--due", "-")
    assert res.exit_code == 0 and "due 2026-11-30 → (none)" in res.output, res.output
    assert path.read_bytes() == crlf.replace(b"  due: 2026-11-30\r\n", b"")
    res = fix(kb_dir, "disk-full", "--ticket", "-", "--json")
    assert res.exit_code == 0, res.output
    doc = json.loads(res.output)
    assert doc["changed"] == ["tickets PRB-135 → (none)"] and doc["fix"]["tickets"] == [], res.output
    want = crlf.replace(b"  due: 2026-11-30\r\n", b"").replace(b"  tickets:\r\n    - PRB-135  # the epic\r\n", b"")
    assert path.read_bytes() == want
    f = load_kb(kb_dir).patterns["disk-full"].fix
    assert (f.status, f.owner, f.due, f.tickets, f.done.isoformat()) == ("open", "team-storage", None, [], "2026-11-02")
    again = fix(kb_dir, "disk-full", "--due", "-", "--ticket", "-")
    assert again.exit_code == 0 and "nothing to change" in again.output and path.read_bytes() == want


@pytest.mark.parametrize(
    "written,left",
    [
        (
            "fix: {status: open, due: 2026-12-20, tickets: [PRB-1, PRB-2], owner: a}  # kept",
            "fix: {status: open, owner: a}  # kept",
        ),
        ("fix: {tickets: [PRB-1,\n    PRB-2], due: 2026-12-20, owner: a}", "fix: {owner: a}"),
        ("fix:\n  tickets: [PRB-1, PRB-2]  # two\n  due: 2026-12-20\n  owner: a", "fix:\n  owner: a"),
        ("fix:\n  owner: a\n  tickets:\n  - PRB-1\n  # the second\n  - PRB-2\n  due: 2026-12-20", "fix:\n  owner: a"),
    ],
)
def test_due_and_tickets_are_taken_out_of_any_layout(kb_dir, written, left):
    path = _commented(kb_dir, written)
    before = path.read_text()
    checked = _check_lines(kb_dir)
    res = fix(kb_dir, "disk-full", "--ticket", "-", "--due", "-")
    assert res.exit_code == 0, res.output
    assert "due 2026-12-20 → (none)" in res.output and "tickets PRB-1, PRB-2 → (none)" in res.output, res.output
    assert path.read_text() == before.replace(written, left)
    assert _check_lines(kb_dir) == checked


def test_ticket_dash_with_another_ticket_is_a_usage_error_and_dry_run_writes_nothing(kb_dir):
    path = _commented(kb_dir, BLOCK)
    before = path.read_text()
    res = fix(kb_dir, "disk-full", "--ticket", "-", "--ticket", "PRB-9")
    assert res.exit_code == 2 and "--ticket - takes every ticket out" in res.output, res.output
    assert "Traceback" not in res.output and path.read_text() == before
    res = fix(kb_dir, "disk-full", "--ticket", "-", "--due", "-", "--dry-run", "--json")
    doc = json.loads(res.output)
    assert doc["changed"] == ["due 2026-11-30 → (none)", "tickets PRB-135 → (none)"], res.output
    assert doc["fix"]["tickets"] == [] and doc["fix"]["due"] is None and path.read_text() == before
    res = fix(kb_dir, "disk-full", "--due", " ")
    assert res.exit_code == 2 and "--due" in res.output and path.read_text() == before, res.output
    none = kb_dir / "patterns/capacity/disk-full.md"
    none.write_text(before.replace(BLOCK, ""))
    res = fix(kb_dir, "disk-full", "--due", "-", "--ticket", "-")
    assert res.exit_code == 0 and "disk-full: no permanent fix recorded" in res.output, res.output


@pytest.mark.parametrize("dry", [False, True])
def test_ticket_dash_on_a_ticket_written_as_one_value_says_it_is_taken_out(kb_dir, dry):
    # "tickets: PRB-101" (recur check says it must be a list) is no ticket to the fix as read: --ticket - took the
    # line out and said "nothing to change"
    path = _commented(kb_dir, "fix:\n  status: open\n  owner: a\n  tickets: PRB-101\n")
    before = path.read_text()
    res = fix(kb_dir, "disk-full", "--ticket", "-", "--json", *(["--dry-run"] if dry else []))
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["changed"] == ["tickets PRB-101 → (none)"], res.output
    assert path.read_text() == (before if dry else before.replace("  tickets: PRB-101\n", ""))
    if not dry:
        assert "nothing to change" in fix(kb_dir, "disk-full", "--ticket", "-").output
