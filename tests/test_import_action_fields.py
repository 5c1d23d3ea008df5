"""`recur import` of an action item whose fields are written with their labels after its title ("— Status:
Won't Do", "| Owner: Ana Ruiz | Status: Done", ". Due: 2026-11-20. Status: Done."), and of one that
opens with its ticket key. Our own text."""

import datetime as dt
import json

import pytest
from import_helpers import import_file

from recur.ingest.action_items import parse_action_items
from recur.kb.loader import load_kb

POSTMORTEM = """\
# DST cron jobs ran twice
Date: 2026-11-20
Severity: SEV3
## Summary
The nightly billing jobs ran twice on the night the clocks went back.
## Action items
- {item}
"""


def import_item(kb_dir, tmp_path, line: str):
    """The import's JSON answer and the follow-ups recorded for a postmortem whose one action item is ``line``."""
    result = import_file(
        kb_dir, tmp_path / "pm" / "dst.md", POSTMORTEM.format(item=line), "--json", "--pattern", "dns-failure"
    )
    assert result.exit_code == 0, result.output
    out = json.loads(result.output)
    follow_ups = load_kb(kb_dir).incidents[out["incident"]].follow_ups
    return out, [(f.title, closed_as(f), f.owner, f.due, f.ticket, f.done) for f in follow_ups]


def closed_as(f) -> str:
    """A follow-up's status, ``wont-do`` for one closed undone: ``status: done`` with ``resolution: wont-do``."""
    return "wont-do" if (f.status, f.resolution) == ("done", "wont-do") else f.status


@pytest.mark.parametrize(
    "line",
    [
        "Lint cron specs — Status: Won't Do",
        "Lint cron specs - Status: Won't Fix",
        "Lint cron specs | Status: Cancelled",
        "Lint cron specs — Owner: Ana Ruiz — Status: Duplicate",
        "Lint cron specs (Won't Do)",  # read so before: the labelled forms are read as it is
    ],
)
def test_a_labelled_status_that_says_the_item_will_not_be_done_records_it_wont_do(kb_dir, tmp_path, line):
    # "— Status: Won't Do" was an open follow-up titled "Lint cron specs — Status: Won't Do": overdue on the board;
    # then it was left out of the record, what the review decided against lost: now closed undone (wont-do)
    out, got = import_item(kb_dir, tmp_path, line)
    owner = "Ana Ruiz" if "Owner" in line else None
    assert got == [("Lint cron specs", "wont-do", owner, None, None, None)] and out["follow_ups"] == 1
    assert f"{WONT_DO_NOTE}Lint cron specs" in out["notes"]


# the import's note naming the cancelled action items it recorded as follow-ups won't do
WONT_DO_NOTE = "follow-ups recorded won't do (cancelled): "


def test_a_labelled_status_in_a_sub_item_that_says_the_item_will_not_be_done_records_it_wont_do(kb_dir, tmp_path):
    # "  - Status: Won't Fix" under the item was read as no status: the item stayed open
    out, got = import_item(kb_dir, tmp_path, "Lint cron specs\n  - Owner: Ana Ruiz\n  - Status: Won't Fix")
    assert got == [("Lint cron specs", "wont-do", "Ana Ruiz", None, None, None)]
    assert f"{WONT_DO_NOTE}Lint cron specs" in out["notes"]


DONE_ON = dt.date(2026, 11, 27)


@pytest.mark.parametrize(
    ("line", "want"),
    [
        # "— Status: Done (2026-11-27)" stayed in the title and the item open
        (
            "Lint cron specs — Owner: Ana Ruiz — Due: 2026-12-01 — Status: Done (2026-11-27)",
            ("Lint cron specs", "done", "Ana Ruiz", dt.date(2026, 12, 1), None, DONE_ON),
        ),
        # the title was "Lint cron specs |", the owner "Ana Ruiz | Status: Done", open
        ("Lint cron specs | Owner: Ana Ruiz | Status: Done", ("Lint cron specs", "done", "Ana Ruiz", None, None, None)),
        # the title was "Add DST dates to the calendar. . . Status: Done.", open
        (
            "Add DST dates to the calendar. Owner: Ben Ortiz. Due: 2026-11-20. Status: Done.",
            ("Add DST dates to the calendar", "done", "Ben Ortiz", dt.date(2026, 11, 20), None, None),
        ),
        # the ticket key was taken out of the title and its colon left: ": Add DST dates to the calendar"
        (
            "BILL-335: Add DST dates to the calendar (Ben Ortiz, due 2026-11-20)",
            ("Add DST dates to the calendar", "open", "Ben Ortiz", dt.date(2026, 11, 20), "BILL-335", None),
        ),
        # the whole line was the title ("— Lint cron specs in CI — Ana Ruiz — …"), open, no owner, no due date
        (
            "BILL-336 — Lint cron specs in CI — Ana Ruiz — 2026-12-01 — Status: Done (2026-11-27)",
            ("Lint cron specs in CI", "done", "Ana Ruiz", dt.date(2026, 12, 1), "BILL-336", DONE_ON),
        ),
        (
            "Lint cron specs; Owner: Ana Ruiz; Done: 2026-11-27",
            ("Lint cron specs", "done", "Ana Ruiz", None, None, DONE_ON),
        ),
        (
            "Lint cron specs — Ana Ruiz — Status: Closed (2026-11-27)",  # a name beside it, as beside "— Done —"
            ("Lint cron specs", "done", "Ana Ruiz", None, None, DONE_ON),
        ),
        (
            "Lint cron specs | Owner: Ana Ruiz | Status: In progress",
            ("Lint cron specs", "open", "Ana Ruiz", None, None, None),
        ),
    ],
)
def test_labelled_fields_after_the_title_are_read_and_leave_it(kb_dir, tmp_path, line, want):
    _, got = import_item(kb_dir, tmp_path, line)
    assert got == [want]


def test_a_labelled_status_no_word_of_which_is_read_stays_in_the_title(kb_dir, tmp_path):
    # words that say no status the follow-up can hold are not dropped unsaid; a sentence's end inside an
    # owner's name is no separator
    _, got = import_item(kb_dir, tmp_path, "Lint cron specs. Owner: J. Smith. Status: Waiting on the vendor")
    assert got == [("Lint cron specs — Status: Waiting on the vendor", "open", "J. Smith", None, None, None)]


@pytest.mark.parametrize(
    "line",
    [
        # Jira's resolutions closing an issue undone were read so only as a status column: written after the
        # title they were open follow-ups with "— Status: Declined" in their title
        "Lint cron specs — Status: Declined",
        "Lint cron specs — Status: Cannot Reproduce",
        "Lint cron specs | Status: Declined (no budget)",
        "Lint cron specs — Status: Duplicate of OPS-12",
        "Lint cron specs\n  - Owner: Ana Ruiz\n  - Status: Declined",
        "Lint cron specs\n  - Status: Cannot Reproduce",
    ],
)
def test_a_labelled_jira_resolution_that_closes_the_item_undone_records_it_wont_do(kb_dir, tmp_path, line):
    out, got = import_item(kb_dir, tmp_path, line)
    cancelled = [n for n in out["notes"] if n.startswith(WONT_DO_NOTE)]
    assert cancelled in ([f"{WONT_DO_NOTE}Lint cron specs"], [f"{WONT_DO_NOTE}Lint cron specs (no budget)"]), out[
        "notes"
    ]
    owner = "Ana Ruiz" if "Owner" in line else None
    ticket = "OPS-12" if "OPS-12" in line else None  # the issue it duplicates: where the work is tracked
    assert got == [(cancelled[0].removeprefix(WONT_DO_NOTE), "wont-do", owner, None, ticket, None)]
    assert out["follow_ups"] == 1


@pytest.mark.parametrize(
    ("line", "title"),
    [
        # a status that only starts with a cancel word says work going on: both were left out as cancelled
        (
            "Reindex the shards — Status: Dropped the old shards, verifying",
            "Reindex the shards — Status: Dropped the old shards, verifying",
        ),
        ("Reindex the shards\n  - Status: Abandoned sessions cleared; verifying", "Reindex the shards"),
    ],
)
def test_a_labelled_status_that_only_starts_with_a_cancel_word_keeps_the_item(kb_dir, tmp_path, line, title):
    out, got = import_item(kb_dir, tmp_path, line)
    assert [(t, s) for t, s, *_ in got] == [(title, "open")], out["notes"]
    assert not any("cancelled" in note for note in out["notes"])


@pytest.mark.parametrize(
    "line",
    [
        "Reconcile duplicates nightly (owner: team-payments, due: 2026-11-30, ticket: PAY-78)",
        "Reconcile duplicates nightly (owner: team-payments; due: 2026-11-30; Ticket: PAY-78)",
        "Reconcile duplicates nightly (Ticket: PAY-78, owner: team-payments, due: 2026-11-30)",
        "Reconcile duplicates nightly (jira: PAY-78; owner: team-payments; due: 2026-11-30) ✅",
    ],
)
def test_a_bracket_of_fields_with_a_ticket_leaves_the_title_alone(line):
    # the ticket was taken out of the bracket and the rest kept: "Reconcile duplicates nightly (ticket: )"
    (item,) = parse_action_items(f"- {line}")
    assert (item["title"], item["owner"], item["due"], item["ticket"]) == (
        "Reconcile duplicates nightly",
        "team-payments",
        dt.date(2026, 11, 30),
        "PAY-78",
    )


@pytest.mark.parametrize(
    ("line", "want"),
    [
        (
            "ディスク監視を追加する（担当：佐藤、期限：2026-12-20）",
            ("ディスク監視を追加する", "佐藤", dt.date(2026, 12, 20)),
        ),
        ("ディスク監視を追加する（担当：佐藤）", ("ディスク監視を追加する", "佐藤", None)),
        ("Add disk alerts（owner: @sato, due: 2026-12-20）", ("Add disk alerts", "sato", dt.date(2026, 12, 20))),
        ("タイムアウトを見直す（決済APIゲートウェイ）", ("タイムアウトを見直す（決済APIゲートウェイ）", None, None)),
    ],
)
def test_a_full_width_bracket_of_fields_is_read_as_an_ascii_one(line, want):
    """Found in review: the fields in （ ） were read and their brackets left in the title, "ディスク監視を追加する（ 、 ）"."""
    (item,) = parse_action_items(f"- {line}")
    assert (item["title"], item["owner"], item["due"]) == want, item


def test_a_bracket_keeps_its_words_once_its_ticket_is_out():
    (item,) = parse_action_items("- Reconcile duplicates nightly (owner: Ann Lee, see runbook, PAY-78)")
    assert item["title"] == "Reconcile duplicates nightly (see runbook)", item  # was "(see runbook, )"
