"""An incident linked to a pattern whose permanent fix was marked done before the incident's date: a recurrence
after the fix. Found in a handoff review: `recur incident link`, `recur incident new --pattern` and MCP's
record_incident said nothing of it, only the next weekly report said the fix "did not hold"; and `recur fix ID`
named no incident since its done day."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from kbfactory import write, write_pattern

from recur.kb.loader import load_kb
from recur.kb.pattern_fix import fix_not_held
from recur.kb.records import Fix, recurred_after_fix
from recur.problems.board import board

SAID = (
    "disk-full's fix (PRB-087) was marked done 2026-03-05: this incident is a recurrence after the fix; "
    "reopen it with `recur fix disk-full --status open`"
)


@pytest.fixture
def done_fix(run, kb_dir):
    """disk-full's fix marked done 2026-03-05 with its ticket; `recur fix` run without --kb (RECUR_KB names it)."""
    made = run("fix", "disk-full", "--done", "--on", "2026-03-05", "--ticket", "PRB-087")
    assert made.exit_code == 0, made.output
    return run


def _new(run, *args):
    common = ("incident", "new", "--no-input", "--no-suggest", "-s", "sev3", "-d", "writes fail: disk full")
    return run(*common, *args)


def test_recording_or_linking_after_the_fix_says_it_is_a_recurrence(done_fix):
    run = done_fix
    new = _new(run, "-t", "Disk full again", "--date", "2026-03-06", "--pattern", "disk-full")
    assert new.exit_code == 0 and f"warning: {SAID}" in new.stderr.splitlines(), new.stderr
    as_json = json.loads(
        _new(run, "-t", "Disk full once more", "--date", "2026-03-07", "--pattern", "disk-full", "--json").stdout
    )
    assert as_json["recurrence_after_fix"] == [
        {"pattern": "disk-full", "fix_done": "2026-03-05", "tickets": ["PRB-087"], "said": SAID, "under": None}
    ]
    bare = json.loads(_new(run, "-t", "Writes failing", "--date", "2026-03-08", "--json").stdout)
    assert "recurrence_after_fix" not in bare
    linked = run("incident", "link", bare["id"], "disk-full")
    assert linked.exit_code == 0 and f"warning: {SAID}" in linked.stderr.splitlines(), linked.stderr
    # an incident before the fix's done day is no recurrence: nothing said
    before = run("incident", "link", "INC-2026-0001", "disk-full")
    assert before.exit_code == 0 and "recurrence" not in before.stderr, before.stderr
    # `recur fix ID`: the incidents since its done day, oldest first
    shown = run("fix", "disk-full").stdout.splitlines()
    head = shown.index("Incidents linked to disk-full since its fix was marked done 2026-03-05 (3):")
    assert shown[head + 1 :] == [
        f"  - 2026-03-06 {new.stdout.split()[1]}: Disk full again",
        f"  - 2026-03-07 {as_json['id']}: Disk full once more",
        f"  - 2026-03-08 {bare['id']}: Writes failing",
    ], shown
    doc = json.loads(run("fix", "disk-full", "--json").stdout)
    assert [i["id"] for i in doc["incidents_since_done"]] == [new.stdout.split()[1], as_json["id"], bare["id"]]


def test_a_fix_with_no_incident_since_says_so(done_fix):
    assert (
        "No incident linked to disk-full since its fix was marked done 2026-03-05."
        in done_fix("fix", "disk-full").stdout
    )


def test_record_incident_says_it_too(done_fix, kb_dir, tmp_path, monkeypatch):
    from test_mcp_review import calls

    from recur.retrieval.engine import Engine
    from recur.serve.mcp_server import build_server

    monkeypatch.setenv("RECUR_TODAY", "2026-03-06")
    engine = Engine.open(kb_dir, tmp_path / "i", model="fake:64", quiet=True)
    given = {"title": "Disk full again", "severity": "sev3", "description": "writes fail", "patterns": ["disk-full"]}
    ((err, out, text),) = calls(
        build_server(lambda: engine, stale_files=list, allow_writes=True), ("record_incident", given)
    )
    assert not err and out["recurrence_after_fix"][0]["pattern"] == "disk-full", text
    assert "Warning: disk-full's fix (PRB-087) was marked done 2026-03-05: this incident is a recurrence" in text, text


POSTMORTEM = """\
# Postmortem: Writes fail on the reports volume

**Date:** 2026-03-09
**Severity:** SEV-3

## Summary

The reports volume filled up again and writes failed for twenty minutes.

## Root cause

The cleanup job skipped a new export folder.
"""


def test_an_import_linking_a_fix_done_before_says_it_is_a_recurrence(done_fix, kb_dir, tmp_path):
    """Found in a re-read: `recur import --pattern` of a postmortem dated after the fix's done day linked it and
    said nothing, where `recur incident new` and `link` warn; its --json had no ``recurrence_after_fix``."""
    from kbfactory import fake_model_flags

    run = done_fix
    pm = tmp_path / "pm.md"
    pm.write_text(POSTMORTEM)
    flags = (*fake_model_flags(kb_dir, tmp_path / "idx"), "--pattern", "disk-full")
    dry = run("import", *flags, str(pm), "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    assert json.loads(dry.stdout)["recurrence_after_fix"] == [
        {"pattern": "disk-full", "fix_done": "2026-03-05", "tickets": ["PRB-087"], "said": SAID, "under": None}
    ]
    assert f"warning: {SAID}" in dry.stderr.splitlines(), dry.stderr
    made = run("import", *flags, str(pm))
    assert made.exit_code == 0 and f"warning: {SAID}" in made.stderr.splitlines(), made.stderr
    # imported before: nothing linked now, nothing said
    again = run("import", *flags, str(pm), "--json")
    assert "recurrence_after_fix" not in json.loads(again.stdout) and "recurrence" not in again.stderr, again.stderr


def test_fix_lists_no_incident_dated_after_today_and_null_with_no_done_day(done_fix, monkeypatch):
    """Found in a re-read: `recur fix ID` listed an incident dated after today (RECUR_TODAY) among those since its
    done day, which today's report leaves out; an open fix with no done day gave ``incidents_since_done: []``, a
    list read as "none since", where docs/cli.md gives the key with a done day."""
    run = done_fix
    for title, day in (("Disk full in March", "2026-03-06"), ("Disk full in April", "2026-04-02")):
        made = _new(run, "-t", title, "--date", day, "--pattern", "disk-full")
        assert made.exit_code == 0, made.output
    monkeypatch.setenv("RECUR_TODAY", "2026-03-10")
    shown = run("fix", "disk-full").stdout
    assert "since its fix was marked done 2026-03-05 (1):" in shown and "April" not in shown, shown
    doc = json.loads(run("fix", "disk-full", "--json").stdout)
    assert [i["title"] for i in doc["incidents_since_done"]] == ["Disk full in March"], doc
    assert run("fix", "db-pool-exhausted", "--status", "open", "--owner", "team-db").exit_code == 0
    assert json.loads(run("fix", "db-pool-exhausted", "--json").stdout)["incidents_since_done"] is None


DONE = dt.date(2026, 3, 5)


@pytest.mark.parametrize(
    ("fix", "day", "as_board", "as_warning"),
    [
        (Fix(status="done", done=DONE), DONE + dt.timedelta(days=1), True, True),  # the day after: it did not hold
        (Fix(status="done", done=DONE), DONE, False, False),  # the same day as done: not after it
        (Fix(status="done", done=DONE), DONE - dt.timedelta(days=1), False, False),  # before it landed
        (Fix(status="open", done=DONE), DONE + dt.timedelta(days=1), True, False),  # reopened: listed, not warned
        (Fix(status="in-progress", done=DONE), DONE + dt.timedelta(days=1), True, False),
        (Fix(status="open", done=DONE), DONE, False, False),  # reopened, the same day
        (Fix(status="done"), DONE, False, False),  # no done date: nothing to compare
        (Fix(status="open"), DONE, False, False),
        (Fix(status="wont-fix", done=DONE), DONE + dt.timedelta(days=1), False, False),  # no fix to hold
        (None, DONE, False, False),  # no fix recorded
    ],
)
def test_the_shared_rule_of_a_recurrence_after_a_fix(fix, day, as_board, as_warning):
    """One predicate (kb.records) decides it for the board's recurrence_after_fix and for the warning when an
    incident is linked (pattern_fix.fix_not_held); the one difference is a parameter (``reopened``)."""
    assert recurred_after_fix(fix, day, reopened=True) is as_board
    assert recurred_after_fix(fix, day, reopened=False) is as_warning


def test_the_board_and_the_warning_agree_on_each_edge(tmp_path):
    """The two callers on one KB: a fix done the incident's day, one reopened, one with no done date, one done
    the day before. The board lists the reopened one too; the warning only the fix still marked done."""
    root = tmp_path / "kb"
    fixes = {
        "same-day": "fix: {status: done, done: 2026-03-05}",
        "reopened": "fix: {status: open, done: 2026-03-04}",
        "no-done-day": "fix: {status: done}",
        "day-before": "fix: {status: done, done: 2026-03-04}",
    }
    for pid, fix in fixes.items():
        write_pattern(root, pid, fix=fix)
    write(
        root,
        "incidents/2026/INC-2026-0001.md",
        f"---\nid: INC-2026-0001\ntitle: Again\ndate: 2026-03-05\nseverity: sev4\npatterns: [{', '.join(fixes)}]\n"
        "---\n\n## Summary\nIt happened again.\n",
    )
    kb = load_kb(root)
    rows = board(kb, dt.date(2026, 3, 10))["recurrence_after_fix"]
    assert sorted((r["pattern"], r["fix_reopened"]) for r in rows) == [("day-before", False), ("reopened", True)]
    warned = fix_not_held(kb.patterns, list(fixes), dt.date(2026, 3, 5))
    assert [w["pattern"] for w in warned] == ["day-before"]


def test_an_incident_naming_a_retired_pattern_is_checked_against_its_successor_s_fix(done_fix, kb_dir):
    """The board counts an incident naming a retired pattern for the one that replaced it (``superseded_by``), its
    "Recurrence after fix" row under the retired id; linking one said nothing of the successor's fix done before,
    and warned of the retired one's own fix, which the board counts for no one (found in review). One naming the
    successor is not checked against the fix of the pattern it replaced: nor is it on the board."""
    run = done_fix  # disk-full's fix done 2026-03-05 (PRB-087)
    write_pattern(kb_dir, "disk-old", status="retired", extra_front="superseded_by: disk-full",
                  fix="fix: {status: done, done: 2026-01-01}")  # fmt: skip
    write_pattern(kb_dir, "cache-old", status="retired", extra_front="superseded_by: cache-new",
                  fix="fix: {status: done, done: 2026-01-01}")  # fmt: skip
    write_pattern(kb_dir, "cache-new", fix="fix: {status: open}")
    said = SAID.replace("after the fix;", "after the fix (it names disk-old, which disk-full replaced);")
    new = _new(run, "-t", "Disk full again", "--date", "2026-03-06", "--pattern", "disk-old", "--json")
    assert new.exit_code == 0 and f"warning: {said}" in new.stderr.splitlines(), new.stderr
    expected = {"pattern": "disk-full", "fix_done": "2026-03-05", "tickets": ["PRB-087"], "said": said}
    assert json.loads(new.stdout)["recurrence_after_fix"] == [expected | {"under": "disk-old"}]
    # named with its successor, it is the successor's own, once
    both = json.loads(
        _new(
            run,
            "-t",
            "Disk full twice",
            "--date",
            "2026-03-07",
            "--pattern",
            "disk-old",
            "--pattern",
            "disk-full",
            "--json",
        ).stdout  # fmt: skip
    )
    assert both["recurrence_after_fix"] == [{**expected, "said": SAID, "under": None}]
    linked = run("incident", "link", "INC-2026-0002", "disk-old")
    assert linked.exit_code == 0 and f"warning: {said}" in linked.stderr.splitlines(), linked.stderr
    # the retired one's own fix done, its successor's open: no one's fix to reopen, nothing said, nothing on the board
    for pid in ("cache-old", "cache-new"):
        other = _new(run, "-t", f"Cache {pid}", "--date", "2026-03-08", "--pattern", pid)
        assert other.exit_code == 0 and "recurrence" not in other.stderr, (pid, other.stderr)
    kb = load_kb(kb_dir)
    rows = board(kb, dt.date(2026, 4, 30))["recurrence_after_fix"]
    assert {(r["incident"], r["pattern"], r["under"]) for r in rows} == {
        (new_id, "disk-full", under)
        for new_id, under in (
            (json.loads(new.stdout)["id"], "disk-old"),
            (both["id"], None),
            ("INC-2026-0002", "disk-old"),
        )
    }
    warned = fix_not_held(kb.patterns, ["cache-old", "disk-old", "cache-new"], dt.date(2026, 3, 9))
    assert [(w["pattern"], w["under"]) for w in warned] == [("disk-full", "disk-old")]


def test_linking_a_retired_pattern_beside_its_successor_says_nothing_again(done_fix, kb_dir):
    """An incident linking disk-full, whose fix was done before it, was warned when it was linked; linking disk-old
    (retired, replaced by disk-full) to it as well warned again, "it names disk-old", though the board counts it as
    disk-full's own, once (found in review). Linking disk-full to one naming disk-old likewise says nothing again."""
    run = done_fix
    write_pattern(kb_dir, "disk-old", status="retired", extra_front="superseded_by: disk-full")
    for first, then in (("disk-full", "disk-old"), ("disk-old", "disk-full")):
        new = _new(run, "-t", f"Disk full, {first}", "--date", "2026-03-06", "--pattern", first, "--json")
        assert "recurrence after the fix" in new.stderr, new.stderr
        linked = run("incident", "link", json.loads(new.stdout)["id"], then)
        assert linked.exit_code == 0 and "recurrence after the fix" not in linked.stderr, (first, linked.stderr)
