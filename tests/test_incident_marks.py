"""`recur incident review|follow-up` and `flag --done`: an incident's review, follow-ups and flags are
shown and marked done from the command line, the author's layout kept, and the board follows."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner

from recur import config
from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.kb.record_edit import drop_value, set_value
from recur.problems.board import board
from recur.util.errors import RecurError

BLOCK = """---
id: INC-2026-0300
title: Cart times out
date: 2026-11-01
severity: sev2  # guessed on the call
follow_ups:
  - title: Alert on pool saturation
    owner: team-db   # volunteered
    ticket: DB-77
  - title: Raise the pool size
    status: open
flags:
  - why did the canary pass?
  - text: "heap dump lost"
    status: open
---

## Summary
Carts timed out.
"""

FLOW = """---
id: INC-2026-0301
title: DNS outage
date: 2026-11-02
severity: sev1
review: {level: full, status: pending, due: 2026-11-07}
follow_ups:
  - {title: "Second resolver", status: open, owner: team-net, due: 2026-11-20, ticket: NET-9}
---

## Summary
DNS failed.
"""


def run(*args):
    return CliRunner().invoke(cli, list(args))


@pytest.fixture
def kb(kb_dir):
    folder = kb_dir / "incidents" / "2026"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "INC-2026-0300.md").write_text(BLOCK)
    (folder / "INC-2026-0301.md").write_text(FLOW)
    return kb_dir


def record(kb, iid):
    return (kb / "incidents" / "2026" / f"{iid}.md").read_text()


def test_review_done_takes_it_off_the_boards_overdue_reviews_and_keeps_the_layout(kb, some_day):
    as_of = dt.date(2026, 12, 1)
    before = board(load_kb(kb), as_of)
    assert {r["incident"] for r in before["reviews"] if r["overdue"]} >= {"INC-2026-0300", "INC-2026-0301"}
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0301")
    assert r.exit_code == 0 and "full review, pending, due 2026-11-07" in r.output
    assert record(kb, "INC-2026-0301") == FLOW  # showing writes nothing
    assert run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--done").exit_code == 0
    assert run("incident", "review", "--kb", str(kb), "INC-2026-0300", "--done").exit_code == 0
    # the day it was held: today, no --on given
    assert some_day(
        lambda d: f"review: {{level: full, status: done, due: 2026-11-07, done: {d}}}" in record(kb, "INC-2026-0301")
    )
    # a record with no review: mapping (the framework's defaults) gets one, at the end of the front matter
    assert some_day(
        lambda d: (
            record(kb, "INC-2026-0300")
            == BLOCK.replace("    status: open\n---", f"    status: open\nreview:\n  status: done\n  done: {d}\n---")
        )
    )
    # held today: off today's board (one as of a day before today lists it pending then)
    after = board(load_kb(kb), dt.date.today())
    assert not {r["incident"] for r in after["reviews"]} & {"INC-2026-0300", "INC-2026-0301"}
    again = run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--done")
    assert again.exit_code == 0 and "(unchanged)" in again.output


def test_review_due_moves_the_date_and_a_bad_date_writes_nothing(kb):
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--pending", "--due", "2026-12-20")
    assert r.exit_code == 0, r.output
    assert "due: 2026-12-20}" in record(kb, "INC-2026-0301")
    assert load_kb(kb).incidents["INC-2026-0301"].review.due == dt.date(2026, 12, 20)
    bad = run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--due", "2026-02-30")
    assert bad.exit_code != 0 and "--due" in bad.output and "Traceback" not in bad.output
    assert "due: 2026-12-20}" in record(kb, "INC-2026-0301")


def test_follow_up_by_number_ticket_or_title_words_in_block_and_flow_layouts(kb):
    listed = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300")
    assert listed.exit_code == 0
    assert "1. Alert on pool saturation  (open, team-db, DB-77)" in listed.output
    assert run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "db-77", "--done").exit_code == 0
    assert run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "pool", "size", "--done").exit_code == 0
    assert run("incident", "follow-up", "--kb", str(kb), "INC-2026-0301", "1", "--done").exit_code == 0
    text = record(kb, "INC-2026-0300")
    assert "    owner: team-db   # volunteered\n    ticket: DB-77\n    status: done\n" in text  # comment kept
    assert "  - title: Raise the pool size\n    status: done\n" in text
    assert '{title: "Second resolver", status: done, owner: team-net' in record(kb, "INC-2026-0301")
    # as of the day they were marked done (today): a board before it shows them open then
    assert board(load_kb(kb), dt.date.today())["counts"]["follow_ups_open"] == 0
    reopened = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0301", "NET-9", "--open")
    assert reopened.exit_code == 0 and "marked open" in reopened.output
    assert load_kb(kb).incidents["INC-2026-0301"].follow_ups[0].status == "open"


def test_a_follow_up_named_ambiguously_or_not_at_all_is_a_clear_error(kb):
    for which, said in (("pool", "2 follow-ups match 'pool'"), ("9", "no number 9"), ("nope", "no follow-up matches")):
        r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", which, "--done")
        assert r.exit_code != 0 and said in r.output and "1. Alert on pool saturation · DB-77" in r.output
    assert run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "2").exit_code == 2  # --done missing
    assert record(kb, "INC-2026-0300") == BLOCK


def test_flag_done_turns_a_plain_flag_into_a_mapping_with_the_note(kb, some_day):
    flagged = [f["text"] for f in board(load_kb(kb), dt.date(2026, 12, 1))["flags"] if f["incident"] == "INC-2026-0300"]
    assert flagged == ["why did the canary pass?", "heap dump lost"]
    listed = run("incident", "flag", "--kb", str(kb), "INC-2026-0300")
    assert listed.exit_code == 0 and "1. why did the canary pass?  (open)" in listed.output
    r = run(
        "incident",
        "flag",
        "--kb",
        str(kb),
        "INC-2026-0300",
        "--done",
        "canary",
        "--note",
        "its check hit /healthz only",
    )
    assert r.exit_code == 0, r.output
    assert run("incident", "flag", "--kb", str(kb), "INC-2026-0300", "--done", "2").exit_code == 0
    text = record(kb, "INC-2026-0300")
    assert some_day(
        lambda d: (
            f'  - {{text: "why did the canary pass?", status: done, note: "its check hit /healthz only", done: {d}}}\n'
            in text
        )
    )
    assert some_day(lambda d: f'  - text: "heap dump lost"\n    status: done\n    done: {d}\n' in text)
    flags = load_kb(kb).incidents["INC-2026-0300"].flags
    assert [(f.status, f.note) for f in flags] == [("done", "its check hit /healthz only"), ("done", None)]
    # done today: off today's board (one as of a day before counts them open then)
    assert not [f for f in board(load_kb(kb), dt.date.today())["flags"] if f["incident"] == "INC-2026-0300"]
    both = run("incident", "flag", "--kb", str(kb), "INC-2026-0300", "new text", "--done", "1")
    assert both.exit_code == 2


def test_crlf_and_a_byte_order_mark_survive_an_edit(kb, some_day):
    path = kb / "incidents" / "2026" / "INC-2026-0301.md"
    path.write_bytes(b"\xef\xbb\xbf" + FLOW.replace("\n", "\r\n").encode())
    assert run("incident", "follow-up", "--kb", str(kb), "INC-2026-0301", "1", "--done").exit_code == 0
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf---\r\n") and b"\n" not in raw.replace(b"\r\n", b"")
    unmarked = raw.replace(b"status: done, owner", b"status: open, owner")
    assert some_day(  # less the day it was marked done
        lambda d: (
            unmarked.replace(f", done: {d}".encode(), b"") == b"\xef\xbb\xbf" + FLOW.replace("\n", "\r\n").encode()
        )
    )


def test_a_value_in_a_layout_the_tool_does_not_edit_is_said_with_file_and_line():
    front = "id: X\nreview: [done]\n"
    with pytest.raises(RecurError, match=r"^f.md:3: review: not a mapping"):
        set_value(front, ("review", "status"), "done", "f.md")
    assert set_value("id: X\nreview:\n  level: full  # kept\n", ("review", "status"), "done", "f.md") == (
        "id: X\nreview:\n  level: full  # kept\n  status: done\n"
    )
    assert set_value("a: {b: 1 }", ("a", "c"), "2", "f.md") == "a: {b: 1, c: 2 }"


@pytest.mark.parametrize(
    "front, left",
    [
        ("f:\n  - {title: A, done: 2026-11-20, owner: x}\n", "f:\n  - {title: A, owner: x}\n"),
        ("f:\n  - {done: 2026-11-20, title: A}\n", "f:\n  - {title: A}\n"),
        ("f:\n  - title: A\n    done: 2026-11-20  # late\n  - title: B\n", "f:\n  - title: A\n  - title: B\n"),
        ("f:\n  - title: A\n    done: 2026-11-20", "f:\n  - title: A"),
        ("f:\n  - title: A\n", "f:\n  - title: A\n"),  # no done day: nothing to take out
    ],
)
def test_a_done_day_is_taken_out_with_its_comma_or_its_line(front, left):
    """--open takes the done day out (a reopened follow-up with one was counted open and warned of)."""
    assert drop_value(front, ("f", 0, "done"), "f.md") == left


def test_a_done_day_opening_its_item_is_left_to_change_by_hand():
    with pytest.raises(RecurError, match=r"^f.md:3: f\[0\]\.done: written in a layout .* remove it by hand"):
        drop_value("f:\n  - done: 2026-11-20\n    title: A\n", ("f", 0, "done"), "f.md")


def test_a_mark_waits_for_another_edit_of_the_folder_and_then_lands(kb, monkeypatch):
    """Two people closing two follow-ups of one incident at once: each read-modify-write holds the
    folder's edit lock, so the second waits and neither change is lost."""
    import fcntl
    import threading

    from recur.util.files import editing

    path = kb / "incidents" / "2026" / "INC-2026-0301.md"
    results, refused, flock = [], threading.Event(), fcntl.flock

    def watched(fd, operation):  # the real lock; told when it is found held
        try:
            return flock(fd, operation)
        except BlockingIOError:
            refused.set()
            raise

    monkeypatch.setattr(fcntl, "flock", watched)
    with editing(path.parent, "the other edit"):
        worker = threading.Thread(
            target=lambda: results.append(run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--done"))
        )
        worker.start()
        # until the mark has found the lock held (a sleep of 0.5 s passed unchecked on a loaded machine)
        while worker.is_alive() and not refused.wait(0.05):
            pass
        assert refused.is_set() and worker.is_alive() and path.read_text() == FLOW
    worker.join(30)
    assert results and results[0].exit_code == 0, results
    assert "status: done" in path.read_text()


def test_follow_up_add_writes_an_open_follow_up_the_board_lists_and_not_twice(kb):
    args = ("incident", "follow-up", "--kb", str(kb), "INC-2026-0301")
    r = run(*args, "--add", "Cache  the zone", "--owner", "team-net", "--due", "2026-12-19", "--ticket", "NET-10")
    assert r.exit_code == 0 and "'Cache the zone' added" in r.output, r.output
    follow_ups = load_kb(kb).incidents["INC-2026-0301"].follow_ups
    assert [(f.title, f.status, f.owner, f.due, f.ticket) for f in follow_ups][1] == (
        "Cache the zone",
        "open",
        "team-net",
        dt.date(2026, 12, 19),
        "NET-10",
    )
    listed = {f["title"] for f in board(load_kb(kb), dt.date(2026, 12, 1))["follow_ups"]}
    assert "Cache the zone" in listed
    before = record(kb, "INC-2026-0301")
    again = run(*args, "--add", "Cache the zone")
    assert again.exit_code == 0 and "is there already" in again.output and record(kb, "INC-2026-0301") == before
    for bad in (("--owner", "x"), ("--add", "x", "1", "--done"), ("--add", "x", "--due", "19 Dec")):
        r = run(*args, *bad)
        assert r.exit_code != 0 and "Traceback" not in r.output, bad
    assert run(*args, "--add", "  ").exit_code == 1
    assert record(kb, "INC-2026-0301") == before


HEAD = "---\nid: INC-2026-0302\ntitle: Search slow\ndate: 2026-11-03\nseverity: sev2\n"
BODY = "---\n\n## Summary\nSlow.\n"


def write(kb, front: str, iid: str = "INC-2026-0302"):
    path = kb / "incidents" / "2026" / f"{iid}.md"
    path.write_text(front + BODY if front.startswith("---") else HEAD + front + BODY)
    return path


def checked(kb, iid: str = "INC-2026-0302"):
    """The incident as `recur check` (no error for its file), the report and the board read it."""
    r = run("check", "--kb", str(kb))
    assert r.exit_code == 0 and not [ln for ln in r.output.splitlines() if iid in ln and "warning:" not in ln], r.output
    return load_kb(kb).incidents[iid]


@pytest.mark.parametrize(
    ("given", "written"),
    [
        ("review:\n", "review: {status: done, due: 2026-11-20, done: TODAY}\n"),
        (
            "review: ~   # framework defaults\n",
            "review: {status: done, due: 2026-11-20, done: TODAY}   # framework defaults\n",
        ),
        ("review: {}\n", "review: {status: done, due: 2026-11-20, done: TODAY}\n"),
    ],
)
def test_an_empty_review_which_check_passes_is_marked_not_refused(kb, given, written, some_day):
    """``review:`` with nothing (or ~, or {}) is the framework's defaults to `recur check`; the tool
    said "not a mapping this tool can edit" and wrote nothing."""
    path = write(kb, given + "follow_ups: []\n")
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0302", "--done", "--due", "2026-11-20")
    assert r.exit_code == 0, r.output
    # done: the day it was held, no --on given
    assert some_day(lambda d: path.read_text() == HEAD + written.replace("TODAY", d) + "follow_ups: []\n" + BODY)
    review = checked(kb).review
    assert (review.status, review.due) == ("done", dt.date(2026, 11, 20))


def test_a_nested_block_list_last_in_a_follow_up_gets_the_status_after_it(kb, some_day):
    """The follow-up's last value a block list (then a comment line): the status went under the next
    follow-up's title, the read-back refused it, and the first could not be marked at all."""
    path = write(kb, "follow_ups:\n  - title: Alpha\n    links:\n      - a\n    # why\n  - title: Beta\n")
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "alpha", "--done")
    assert r.exit_code == 0, r.output
    text = path.read_text()
    assert some_day(
        lambda d: f"    links:\n      - a\n    status: done\n    done: {d}\n    # why\n  - title: Beta\n" in text
    )
    assert [f.status for f in checked(kb).follow_ups] == ["done", "open"]


def test_a_record_written_as_one_flow_mapping_gets_its_review(kb, some_day):
    """A front matter written as one {...} mapping with no review: the review was added as a block
    after it, which does not parse ("could not change it safely (... <document start>)")."""
    one = "{id: INC-2026-0302, title: Search slow, date: 2026-11-03, severity: sev2}"
    path = write(kb, f"---\n{one}\n")
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0302", "--done", "--due", "2026-11-20")
    assert r.exit_code == 0, r.output
    text = path.read_text()
    assert some_day(
        lambda d: text == f"---\n{one[:-1]}, review: {{status: done, due: 2026-11-20, done: {d}}}}}\n" + BODY
    )
    assert checked(kb).review.status == "done"


def test_a_number_like_ticket_names_its_follow_up_and_a_clash_with_a_number_is_said(kb):
    """``1234`` is a ticket, not follow-up number 1234 (there are 3); ``2`` is number 2 and the third's
    ticket: said, not guessed."""
    path = write(
        kb,
        "follow_ups:\n  - title: Réparer le cache ☕\n    ticket: 1234\n  - title: Two\n  - {title: Three, ticket: '2'}\n",
    )
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "1234", "--done")
    assert r.exit_code == 0 and "1. Réparer le cache ☕ marked done" in r.output, r.output
    before = path.read_text()
    clash = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "2", "--done")
    assert clash.exit_code == 1 and "'2' is follow-up number 2 and the ticket or title of number 3" in clash.output
    assert path.read_text() == before
    assert [f.status for f in checked(kb).follow_ups] == ["done", "open", "open"]


def test_review_due_before_the_incident_is_written_with_a_warning(kb):
    write(kb, "review: {level: full, status: pending, due: 2026-11-08}\n")
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0302", "--due", "2026-10-01")
    assert r.exit_code == 0
    assert "warning: --due 2026-10-01 is before the incident's date 2026-11-03." in r.output
    assert load_kb(kb).incidents["INC-2026-0302"].review.due == dt.date(2026, 10, 1)


@pytest.mark.parametrize(
    ("front", "args", "said"),
    [
        ("review: done\n", ("review", "--done"), ":6: review: must be a mapping"),
        ("services: [web]\nfollow_ups:\n  title: a\n", ("follow-up", "1", "--done"), ":7: follow_ups: must be a list"),
        ("flags: look at it\n", ("flag", "--done", "1"), ":6: flags: must be a list"),
    ],
)
def test_a_part_not_in_the_formats_shape_is_named_with_its_line(kb, front, args, said):
    """The message named the file only (its absolute path), not the line, as every other one does."""
    path = write(kb, front)
    r = run("incident", args[0], "--kb", str(kb), "INC-2026-0302", *args[1:])
    assert r.exit_code == 1 and f"incidents/2026/INC-2026-0302.md{said}" in r.output, r.output
    assert "nothing written" in r.output and path.read_text() == HEAD + front + BODY


def test_a_pattern_id_or_an_id_in_other_case_given_for_the_incident_is_said(kb):
    pid = next(iter(load_kb(kb).patterns))
    r = run("incident", "review", "--kb", str(kb), pid, "--done")
    assert r.exit_code == 1 and f"{pid} is a pattern; give the incident's id" in r.output, r.output
    r = run("incident", "follow-up", "--kb", str(kb), "inc-2026-0301", "1", "--done")
    assert r.exit_code == 1 and "did you mean INC-2026-0301?" in r.output, r.output
    assert record(kb, "INC-2026-0301") == FLOW


def test_a_flow_mapping_over_lines_with_a_trailing_comma_or_a_comment_gets_its_status(kb, some_day):
    """``{`` on one line, a key a line, a comma after the last: ", status: done" went after that comma
    (",,", which does not parse: "could not change it safely"); a comment before the brace took it in."""
    path = write(kb, 'follow_ups:\n  - {\n      title: "A",\n      owner: x,\n    }\n  - {title: B  # why\n    }\n')
    for which in ("A", "B"):
        r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", which, "--done")
        assert r.exit_code == 0, r.output
    text = path.read_text()
    assert some_day(
        lambda d: (
            f"      owner: x, status: done, done: {d},\n    }}\n  - {{title: B, status: done, done: {d}  # why\n"
            in text
        )
    )
    assert [f.status for f in checked(kb).follow_ups] == ["done", "done"]


def test_an_edit_that_does_not_read_back_is_said_at_the_values_line(kb):
    """A status shared by an anchor (``&st open``, ``*st``): the edit cannot be made safely, and the
    message named neither the line nor the field ("front matter: could not change it safely")."""
    front = "follow_ups:\n  - title: A\n    status: &st open\n  - title: B\n    status: *st\n"
    path = write(kb, front)
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "B", "--done")
    assert r.exit_code == 1 and "INC-2026-0302.md:10: follow_ups[1].status: could not change it safely" in r.output
    assert "change it by hand" in r.output and path.read_text() == HEAD + front + BODY


def test_a_new_note_on_a_done_flag_says_the_note_it_replaces(kb):
    """`flag --done WHICH --note` on a flag done already replaced its note and said "marked done": the
    finding written before was gone without a word."""
    path = write(kb, "flags:\n  - {text: heap dump lost, status: done, note: a cache leak}\n")
    r = run("incident", "flag", "--kb", str(kb), "INC-2026-0302", "--done", "heap", "--note", "the pool too")
    assert r.exit_code == 0, r.output
    assert "is done already; its note is now 'the pool too' (it was 'a cache leak')" in r.output
    assert '{text: heap dump lost, status: done, note: "the pool too"}' in path.read_text()
    again = run("incident", "flag", "--kb", str(kb), "INC-2026-0302", "--done", "1")
    assert again.exit_code == 0 and "'heap dump lost' is done already (" in again.output


def test_title_words_typed_decomposed_match_the_records_accented_title(kb):
    import unicodedata

    write(kb, "follow_ups:\n  - title: Réparer le cache\n  - title: Other\n")
    typed = unicodedata.normalize("NFD", "RÉPARER")
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", typed, "--done")
    assert r.exit_code == 0 and "1. Réparer le cache marked done" in r.output, r.output


def test_follow_up_add_of_a_title_there_in_other_case_is_not_a_second_follow_up(kb):
    before = record(kb, "INC-2026-0301")
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0301", "--add", "second  RESOLVER")
    assert r.exit_code == 0 and "is there already" in r.output, r.output
    assert record(kb, "INC-2026-0301") == before


def test_follow_up_add_and_flag_to_a_quoted_key_add_to_it_not_a_second_key(kb):
    """``"follow_ups":`` (a key quoted, as a JSON-minded author or a generator writes it): --add wrote a
    second follow_ups: at the end, the record then had a duplicate key, its first follow-up was lost to
    the reader, and the whole record was left out of the board."""
    path = write(kb, '"follow_ups":\n  - title: Alpha\n"flags": [one]  # kept\n')
    assert run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "--add", "Beta").exit_code == 0
    assert run("incident", "flag", "--kb", str(kb), "INC-2026-0302", "two").exit_code == 0
    assert (
        path.read_text()
        == HEAD
        + ('"follow_ups":\n  - title: Alpha\n  - {title: "Beta", status: open}\n"flags": [one, "two"]  # kept\n')
        + BODY
    )
    inc = checked(kb)
    assert [f.title for f in inc.follow_ups] == ["Alpha", "Beta"] and [f.text for f in inc.flags] == ["one", "two"]


@pytest.mark.parametrize(
    "written, added",
    [
        (  # the review's case: a flow list over two lines; the comment and the next key stay as they were
            "follow_ups: [ {title: a},\n  {title: b} ]  # two\nflags: [x]\n",
            'follow_ups: [ {title: a},\n  {title: b}, {title: "Beta", status: open} ]  # two\nflags: [x]\n',
        ),
        (  # one item a line, a trailing comma and a comment after the last
            "follow_ups: [\n  {title: a},\n  {title: b},  # last\n]\n",
            'follow_ups: [\n  {title: a},\n  {title: b}, {title: "Beta", status: open},  # last\n]\n',
        ),
        (  # the list on the lines under its key
            "follow_ups:\n  [ {title: a},\n    {title: b} ]\n",
            'follow_ups:\n  [ {title: a},\n    {title: b}, {title: "Beta", status: open} ]\n',
        ),
    ],
    ids=["two-lines", "an-item-a-line", "under-its-key"],
)
def test_follow_up_add_to_a_flow_list_over_lines_keeps_it_and_the_rest(kb, written, added):
    """``follow_ups: [ {title: a},`` with its items going on to the next lines: --add said "a layout this tool
    does not edit", and a list written under its key got a block ``- item`` after it (refused on read-back).
    The item goes after the last one, the lines, comments and other keys as written, the file valid."""
    path = write(kb, written)
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "--add", "Beta")
    assert r.exit_code == 0 and "follow-up 'Beta' added" in r.output, r.output
    assert path.read_text() == HEAD + added + BODY
    assert [f.title for f in checked(kb).follow_ups] == ["a", "b", "Beta"]


def test_flag_and_link_add_to_flow_lists_over_lines(kb):
    """The other lists a command appends to (``flags`` by `recur incident flag`, ``patterns`` by `recur
    incident link`) go through the same writer: a flow list over lines takes the item too."""
    path = write(kb, 'patterns: [\n  disk-full,\n]\nflags: [\n  "a"]\n')
    assert run("incident", "link", "--kb", str(kb), "INC-2026-0302", "dns-failure").exit_code == 0
    assert run("incident", "flag", "--kb", str(kb), "INC-2026-0302", "b").exit_code == 0
    assert path.read_text() == HEAD + 'patterns: [\n  disk-full, dns-failure,\n]\nflags: [\n  "a", "b"]\n' + BODY
    inc = checked(kb)
    assert inc.patterns == ["disk-full", "dns-failure"] and [f.text for f in inc.flags] == ["a", "b"]


def test_an_added_item_that_would_not_keep_the_items_there_is_refused(kb):
    """A key the line-based writer does not know as the list (``!!str flags:``): the item would go in a
    second key; the read-back now also requires the items there to stay and no key to appear twice."""
    front = "!!str flags: [one]\n"
    path = write(kb, front)
    r = run("incident", "flag", "--kb", str(kb), "INC-2026-0302", "two")
    assert r.exit_code == 1 and "flags: could not add the item safely in this layout" in r.output, r.output
    assert path.read_text() == HEAD + front + BODY


def test_an_empty_which_is_an_error_not_a_listing_that_exits_0(kb):
    """`flag ID --done "$N"` with N unset listed the flags and exited 0: the script took it as done."""
    for args in (("flag", "INC-2026-0300", "--done", ""), ("follow-up", "INC-2026-0300", " ", "--done")):
        r = run("incident", args[0], "--kb", str(kb), *args[1:])
        assert r.exit_code == 1 and "WHICH is empty" in r.output and "1. " in r.output, (args, r.output)
    assert record(kb, "INC-2026-0300") == BLOCK


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("review", "INC-2026-0301", "--done", "--pending"), "--done and --pending"),
        (("review", "INC-2026-0301", "--pending", "--done"), "--done and --pending"),
        (("follow-up", "INC-2026-0301", "1", "--done", "--open"), "--done and --open"),
        (("follow-up", "INC-2026-0301", "1", "--open", "--done"), "--done and --open"),
    ],
)
def test_done_with_pending_or_open_is_a_usage_error_naming_both(kb, args, named):
    """``--done --pending`` shared one click dest: the last one given won without a word."""
    r = run("incident", args[0], "--kb", str(kb), *args[1:])
    assert r.exit_code == 2 and named in r.output, r.output
    assert record(kb, "INC-2026-0301") == FLOW


def test_a_follow_up_marked_on_a_record_with_errors_is_named_by_its_title(kb):
    """The KB leaves a record with errors out, and the line said "follow-up 1. marked done": the title
    is read from the record as the mark reads it."""
    front = HEAD.replace("sev2", "sev9") + "follow_ups:\n  - title: Alert on the pool\n    status: open\n"
    path = write(kb, front)
    assert "INC-2026-0302" not in load_kb(kb).incidents  # an unknown severity: recur check reports it
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "pool", "--done")
    assert r.exit_code == 0 and "follow-up 1. Alert on the pool marked done" in r.output, r.output
    assert "status: done" in path.read_text()


def test_a_flag_marked_on_a_record_with_errors_is_named_by_its_text(kb, some_day):
    """As a follow-up's title: on a record the KB leaves out (a typo in another field), the line said
    "flag 'number 1' marked done", naming nothing the manager could check."""
    front = HEAD.replace("sev2", "sev9") + "flags:\n  - heap dump lost\n  - why did the canary pass?\n"
    path = write(kb, front)
    assert "INC-2026-0302" not in load_kb(kb).incidents
    r = run("incident", "flag", "--kb", str(kb), "INC-2026-0302", "--done", "2")
    assert r.exit_code == 0 and "flag 'why did the canary pass?' marked done" in r.output, r.output
    assert some_day(lambda d: f'{{text: "why did the canary pass?", status: done, done: {d}}}' in path.read_text())


def test_a_review_of_level_none_is_shown_as_none_to_hold(kb):
    """A sev4's review (level none) was shown "none review, done", read in a weekly review as a
    review held; the board lists none of them."""
    write(kb, "severity: sev4\n".join(HEAD.split("severity: sev2\n")) + "review: {level: none, due: 2026-11-20}\n")
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0302")
    assert r.exit_code == 0, r.output
    assert r.output == "INC-2026-0302: no review to hold (level none, due 2026-11-20; the board does not list it)\n"


def test_the_review_of_a_record_with_errors_is_shown_as_written_with_the_error(kb):
    """A typo in the review's status left the record out of the board, and `incident review ID` said
    only "review as the record says (it has errors …)": neither the review nor the error."""
    path = write(kb, "review: {level: full, status: pendng, due: 2026-11-13}\n")
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0302")
    assert r.exit_code == 0, r.output
    assert "review.status: must be one of pending, done, not 'pendng'" in r.output
    assert "left out of recur report, the board and the site" in r.output
    assert r.output.endswith("Its review as written: level full, status pendng, due 2026-11-13\n")
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0302", "--pending")
    assert r.exit_code == 0 and "INC-2026-0302: full review, pending, due 2026-11-13 (" in r.output, r.output
    assert "status: pending," in path.read_text()


def test_the_flags_and_follow_ups_of_a_record_with_errors_are_listed_as_written(kb):
    """`--done 1` marks an item of a record the KB leaves out (an error in another field), but listing
    them to find that number said only "its flags are not read while the record has errors"."""
    front = HEAD.replace("sev2", "sev9") + (
        "flags:\n  - heap dump lost\n  - {text: why did the canary pass?, status: done}\n"
        "follow_ups:\n  - {title: Alert on the pool, ticket: DB-7}\n"
    )
    write(kb, front)
    r = run("incident", "flag", "--kb", str(kb), "INC-2026-0302")
    assert r.exit_code == 0, r.output
    assert "INC-2026-0302 has errors recur check names (" in r.output and "severity" in r.output
    assert "left out of recur report, the board and the site. Its flags as written:" in r.output
    assert "  1. heap dump lost  (open)\n  2. why did the canary pass?  (done)\n" in r.output
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302")
    assert r.exit_code == 0 and "  1. Alert on the pool · DB-7  (open)\n" in r.output, r.output


def test_a_title_with_a_middle_dot_is_matched_whole_not_by_its_halves(kb):
    """The matcher split the listed "title · ticket" on " · ": "dns", half of the title "Cache · DNS",
    was taken as that follow-up's whole title or ticket, and the one of two matches was marked unasked."""
    path = write(kb, "follow_ups:\n  - title: Cache · DNS\n  - title: DNS resolver\n")
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "dns", "--done")
    assert r.exit_code == 1 and "2 follow-ups match 'dns'" in r.output, r.output
    assert path.read_text() == HEAD + "follow_ups:\n  - title: Cache · DNS\n  - title: DNS resolver\n" + BODY
    whole = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0302", "cache · dns", "--done")
    assert whole.exit_code == 0 and "1. Cache · DNS marked done" in whole.output, whole.output
    listed = run(
        "incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "Alert on pool saturation · DB-77", "--done"
    )
    assert listed.exit_code == 0 and "1. Alert on pool saturation marked done" in listed.output, listed.output


def test_follow_up_add_due_before_the_incident_is_written_with_a_warning(kb):
    """review --due before the incident's date warns; follow-up --add --due said nothing."""
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0301", "--add", "Cache it", "--due", "2025-11-20")
    assert r.exit_code == 0, r.output
    assert "warning: --due 2025-11-20 is before the incident's date 2026-11-02." in r.output
    assert load_kb(kb).incidents["INC-2026-0301"].follow_ups[1].due == dt.date(2025, 11, 20)
    later = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0301", "--add", "Later", "--due", "2026-11-20")
    assert later.exit_code == 0 and "warning" not in later.output, later.output


def test_success_lines_name_the_record_as_the_error_lines_do(kb, monkeypatch):
    """Errors named the record relative to the working directory (display_path), the lines saying it
    was written named it absolute: one record, two names."""
    monkeypatch.chdir(kb)
    shown = "(incidents/2026/INC-2026-0301.md)"
    for args in (
        ("review", "INC-2026-0301", "--done"),
        ("follow-up", "INC-2026-0301", "1", "--done"),
        ("follow-up", "INC-2026-0301", "--add", "Cache it"),
        ("flag", "INC-2026-0301", "look at the TTL"),
        ("flag", "INC-2026-0301", "--done", "1"),
        ("link", "INC-2026-0301", "disk-full"),  # it named the record absolute still
    ):
        r = run("incident", args[0], "--kb", str(kb), *args[1:])
        assert r.exit_code == 0 and shown in r.output and str(kb) not in r.output, (args, r.output)
    write(kb, "review: done\n", "INC-2026-0301")
    bad = run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--done")
    assert bad.exit_code == 1 and "incidents/2026/INC-2026-0301.md:6: review" in bad.output, bad.output


def test_mixed_line_endings_are_kept_line_by_line(kb, some_day):
    """A CRLF front matter over an LF body (a template pasted in on Windows): every line was rewritten
    as CRLF. Each line keeps its own ending; a line the edit adds takes the one of the line it follows."""
    path = kb / "incidents" / "2026" / "INC-2026-0300.md"
    front, body = BLOCK.split("---\n\n", 1)
    path.write_bytes((front.replace("\n", "\r\n") + "---\n\n" + body).encode())
    assert run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "DB-77", "--done").exit_code == 0
    assert run("incident", "flag", "--kb", str(kb), "INC-2026-0300", "is the pool shared?").exit_code == 0

    def edited(day):
        marked = front.replace("ticket: DB-77\n", f"ticket: DB-77\n    status: done\n    done: {day}\n")
        return (marked + '  - "is the pool shared?"\n').replace("\n", "\r\n") + "---\n\n" + body

    raw = path.read_bytes()
    assert some_day(lambda d: raw == edited(d).encode())
    assert [f.status for f in load_kb(kb).incidents["INC-2026-0300"].follow_ups] == ["done", "open"]


def test_words_of_a_title_in_any_order_name_it_and_several_matches_list_only_those(kb):
    """ "words of its title" took the words only side by side: "saturation pool" named no follow-up of
    "Alert on pool saturation", and two matches were listed among every item, done ones too, to find
    them in."""
    named = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "saturation pool", "--done")
    assert named.exit_code == 0 and "1. Alert on pool saturation marked done" in named.output, named.output
    assert "    ticket: DB-77\n    status: done\n" in record(kb, "INC-2026-0300")
    none = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "saturation disk", "--done")
    assert none.exit_code == 1 and "no follow-up matches 'saturation disk'" in none.output, none.output
    added = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "--add", "Canary for the cart")
    assert added.exit_code == 0, added.output
    two = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "pool", "--done")
    said = two.output.split("match 'pool'")[1]
    assert two.exit_code == 1 and "1. Alert on pool saturation" in said and "2. Raise the pool size" in said
    assert "Canary" not in said, two.output  # the third, no "pool" in it, is not offered


def test_follow_up_due_gives_one_a_date_or_moves_it_and_the_board_follows(kb):
    """`recur report` lists the open follow-ups with no due date, but `--due` went only with `--add`:
    giving an existing one its date meant editing the record. WHICH --due sets it, the layout kept."""
    as_of = dt.date(2026, 12, 1)
    no_due = [f["title"] for f in board(load_kb(kb), as_of)["follow_ups_no_due"]]
    assert no_due == ["Alert on pool saturation", "Raise the pool size"]
    args = ("incident", "follow-up", "--kb", str(kb))
    r = run(*args, "INC-2026-0300", "saturation", "alert", "--due", "2026-12-19")
    assert r.exit_code == 0 and "follow-up 1. Alert on pool saturation now due 2026-12-19 (" in r.output, r.output
    assert "(was" not in r.output  # it had no date to replace
    assert record(kb, "INC-2026-0300") == BLOCK.replace(
        "    ticket: DB-77\n", "    ticket: DB-77\n    due: 2026-12-19\n"
    )  # the comment and the other follow-up as they were
    again = run(*args, "INC-2026-0300", "1", "--due", "2026-12-19")
    assert again.exit_code == 0 and "already due 2026-12-19" in again.output
    both = run(*args, "INC-2026-0300", "pool size", "--done", "--due", "2026-12-05")
    assert both.exit_code == 0 and "marked done, now due 2026-12-05" in both.output, both.output
    assert "  - title: Raise the pool size\n    status: done\n    due: 2026-12-05\n" in record(kb, "INC-2026-0300")
    moved = run(*args, "INC-2026-0301", "NET-9", "--due", "2026-12-24")
    # moving a date says the one it replaced ("now due 2026-12-24" alone lost 2026-11-20)
    assert moved.exit_code == 0, moved.output
    assert "Second resolver now due 2026-12-24 (was 2026-11-20) (" in moved.output, moved.output
    assert "owner: team-net, due: 2026-12-24, ticket: NET-9}" in record(kb, "INC-2026-0301")
    b = board(load_kb(kb), dt.date.today())  # the day "pool size" was marked done: before it, it was open
    assert b["follow_ups_no_due"] == [] and [f["due"] for f in b["follow_ups"]] == ["2026-12-19", "2026-12-24"]


def test_follow_up_due_errors_write_nothing_and_a_date_before_the_incident_warns(kb):
    args = ("incident", "follow-up", "--kb", str(kb), "INC-2026-0300")
    for bad, code, said in (
        (("1", "--due", "19 Dec"), 2, "Invalid value for '--due'"),
        (("--due", "2026-12-19"), 2, "--due goes with --add TITLE (a new follow-up) or with WHICH"),
        (("--owner", "bob"), 2, "--owner and --ticket go with --add TITLE (a new follow-up) or with WHICH"),
        (("nope", "--due", "2026-12-19"), 1, "no follow-up matches 'nope'"),
    ):
        r = run(*args, *bad)
        assert r.exit_code == code and said in r.output and "Traceback" not in r.output, (bad, r.output)
    assert record(kb, "INC-2026-0300") == BLOCK
    early = run(*args, "2", "--due", "2026-10-01")
    assert (
        early.exit_code == 0 and "warning: --due 2026-10-01 is before the incident's date 2026-11-01." in early.output
    )
    assert load_kb(kb).incidents["INC-2026-0300"].follow_ups[1].due == dt.date(2026, 10, 1)


def test_follow_up_due_on_a_follow_up_written_as_text_is_named_at_its_line(kb):
    path = kb / "incidents" / "2026" / "INC-2026-0300.md"
    text = BLOCK.replace("  - title: Raise the pool size\n    status: open\n", "  - Raise the pool size\n")
    path.write_text(text)
    r = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", "2", "--due", "2026-12-19")
    assert r.exit_code == 1 and "INC-2026-0300.md:10: follow_ups[1]:" in r.output, r.output
    assert "change it by hand" in r.output and path.read_text() == text


def test_the_reports_last_line_names_the_due_command_when_a_follow_up_has_no_due_date(kb):
    def last_line():
        r = run("report", "--kb", str(kb), "--as-of", "2026-12-01")
        assert r.exit_code == 0, r.output
        return r.output.rstrip().splitlines()[-1]

    # then, as the small KB has an incident needing analysis, how to link it (recur incident link)
    flags = config.where_flags(kb)  # this KB's --kb, in each command (found in review)
    assert f"; give one with no due date its date: recur incident follow-up {flags}ID WHICH --due YYYY-MM-DD;" in (
        last_line()
    )
    for which in ("1", "2"):
        assert (
            run("incident", "follow-up", "--kb", str(kb), "INC-2026-0300", which, "--due", "2026-12-19").exit_code == 0
        )
    assert last_line().startswith("Close them with:") and "--due" not in last_line()


def test_follow_up_done_keeps_the_day_so_a_past_report_shows_it_open_then(kb, some_day):
    """A follow-up marked done had no day: `recur report --as-of` a date before it was done left it out
    of that week's open follow-ups, today's status read back into the past. --done writes `done:` (the
    day given with --on, else today), --open takes it out again, and the board reads it as a fix's."""
    args = ("incident", "follow-up", "--kb", str(kb))
    r = run(*args, "INC-2026-0300", "db-77", "--done", "--on", "2026-11-20")
    assert r.exit_code == 0 and "Alert on pool saturation marked done on 2026-11-20 (" in r.output, r.output
    assert "    ticket: DB-77\n    status: done\n    done: 2026-11-20\n  - title: Raise" in record(kb, "INC-2026-0300")
    assert run(*args, "INC-2026-0301", "NET-9", "--done").exit_code == 0
    assert some_day(lambda d: f"ticket: NET-9, done: {d}}}" in record(kb, "INC-2026-0301"))

    def open_titles(day):
        return [f["title"] for f in board(load_kb(kb), day)["follow_ups"]]

    assert open_titles(dt.date(2026, 11, 19)) == ["Second resolver", "Alert on pool saturation", "Raise the pool size"]
    assert open_titles(dt.date(2026, 11, 20)) == ["Second resolver", "Raise the pool size"]  # done that day
    assert open_titles(dt.date.today()) == ["Raise the pool size"]
    report = run("report", "--kb", str(kb), "--as-of", "2026-11-19", "--format", "json")
    assert "Alert on pool saturation" in [f["title"] for f in json.loads(report.output)["follow_ups"]]
    listed = run(*args, "INC-2026-0300")
    assert "1. Alert on pool saturation  (done 2026-11-20, team-db, DB-77)" in listed.output, listed.output
    check = run("check", "--kb", str(kb), "--strict")
    assert check.exit_code == 0 and "warning" not in check.output, check.output  # the key is known
    # done already: --done again keeps the day, --on moves it and says from what
    again = run(*args, "INC-2026-0300", "1", "--done")
    assert again.exit_code == 0 and "already done (" in again.output
    moved = run(*args, "INC-2026-0300", "1", "--done", "--on", "2026-11-18")
    assert "already done, done day now 2026-11-18 (was 2026-11-20)" in moved.output, moved.output
    # opened again: the day goes, in a block and a flow mapping, the rest as it was
    assert run(*args, "INC-2026-0300", "1", "--open").exit_code == 0
    assert run(*args, "INC-2026-0301", "1", "--open").exit_code == 0
    assert record(kb, "INC-2026-0300") == BLOCK.replace("    ticket: DB-77\n", "    ticket: DB-77\n    status: open\n")
    assert record(kb, "INC-2026-0301") == FLOW
    assert load_kb(kb).incidents["INC-2026-0300"].follow_ups[0].done is None
    # a done day left on an open one by hand (recur check warns of it): --open takes it out, and says so
    path = kb / "incidents" / "2026" / "INC-2026-0300.md"
    path.write_text(
        record(kb, "INC-2026-0300").replace("    status: open\n", "    status: open\n    done: 2026-11-20\n", 1)
    )
    left = run(*args, "INC-2026-0300", "1", "--open")
    assert "already open (its done day 2026-11-20 taken out)" in left.output, left.output
    assert "done:" not in record(kb, "INC-2026-0300")


def test_follow_up_done_on_errors_write_nothing(kb):
    args = ("incident", "follow-up", "--kb", str(kb), "INC-2026-0300")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    for bad, code, said in (
        (("1", "--on", "2026-11-20"), 2, "--on goes with --done"),
        (("1", "--open", "--on", "2026-11-20"), 2, "--on goes with --done"),
        (("1", "--done", "--on", "20 Nov"), 2, "Invalid value for '--on'"),
        (("1", "--done", "--on", tomorrow), 2, f"Invalid value for '--on': {tomorrow} is after today"),
    ):
        r = run(*args, *bad)
        assert r.exit_code == code and said in r.output and "Traceback" not in r.output, (bad, r.output)
    assert record(kb, "INC-2026-0300") == BLOCK


def test_a_done_date_on_an_open_follow_up_or_before_its_incident_is_warned_of(kb):
    path = kb / "incidents" / "2026" / "INC-2026-0300.md"
    path.write_text(
        BLOCK.replace("    ticket: DB-77\n", "    ticket: DB-77\n    done: 2026-11-20\n").replace(
            "    status: open\n", "    status: done\n    done: 2026-10-02\n"
        )
    )
    r = run("check", "--kb", str(kb), "--today", "2026-12-01")
    assert (
        "INC-2026-0300.md:10: follow_ups[0].done: warning: a done date (2026-11-20) on a follow-up whose status "
        "is open: the problem board counts it open" in r.output
    ), r.output
    assert (
        "INC-2026-0300.md:13: follow_ups[1].done: warning: the follow-up was done 2026-10-02, before the "
        "incident's date 2026-11-01" in r.output
    )
    assert run("check", "--kb", str(kb), "--today", "2026-11-19").output.count("is after today") == 1
    b = board(load_kb(kb), dt.date(2026, 12, 1))
    assert [f["title"] for f in b["follow_ups"] if f["incident"] == "INC-2026-0300"] == ["Alert on pool saturation"]


def test_follow_up_owner_and_ticket_are_changed_saying_what_they_were(kb):
    """--owner and --ticket went only with --add: a follow-up whose owner left, or whose work moved to
    another ticket, meant editing the record. With WHICH they change it, as --due does, "(was …)"."""
    args = ("incident", "follow-up", "--kb", str(kb))
    r = run(*args, "INC-2026-0300", "pool", "alert", "--owner", "@alice", "--ticket", "DB-80")
    assert r.exit_code == 0, r.output
    assert "Alert on pool saturation owner is now @alice (was team-db), ticket is now DB-80 (was DB-77) (" in r.output
    assert '    owner: "@alice"   # volunteered\n    ticket: "DB-80"\n' in record(kb, "INC-2026-0300")  # comment kept
    added = run(*args, "INC-2026-0300", "2", "--owner", "team-db")
    assert added.exit_code == 0 and "Raise the pool size owner is now team-db (" in added.output
    assert "(was" not in added.output
    same = run(*args, "INC-2026-0301", "NET-9", "--owner", "team-net", "--done", "--on", "2026-11-30")
    assert "marked done on 2026-11-30, owner is already team-net (" in same.output, same.output
    assert "owner: team-net, due: 2026-11-20, ticket: NET-9, done: 2026-11-30}" in record(kb, "INC-2026-0301")
    b = board(load_kb(kb), dt.date(2026, 12, 1))
    assert [(f["title"], f["owner"], f["ticket"]) for f in b["follow_ups"]] == [
        ("Alert on pool saturation", "@alice", "DB-80"),
        ("Raise the pool size", "team-db", None),
    ]
    empty = run(*args, "INC-2026-0300", "1", "--owner", "\u200b")
    assert empty.exit_code == 2 and "--owner is empty" in empty.output


def test_review_done_records_the_day_it_was_held_and_a_board_before_it_lists_it_pending(kb):
    """A review kept only its status: `recur report --as-of` a day before it was held left it off that
    week's pending (and overdue) reviews, today's status read into the past. --done writes the day
    (`done:`, --on DATE or today), as a follow-up's --done does; --pending takes it out."""
    args = ("incident", "review", "--kb", str(kb), "INC-2026-0301")
    r = run(*args, "--done", "--on", "2026-11-20")
    assert r.exit_code == 0 and "INC-2026-0301: full review, done 2026-11-20, due 2026-11-07 (" in r.output, r.output
    assert "review: {level: full, status: done, due: 2026-11-07, done: 2026-11-20}" in record(kb, "INC-2026-0301")
    kb_now = load_kb(kb)
    assert kb_now.incidents["INC-2026-0301"].review.done == dt.date(2026, 11, 20)
    pending = board(kb_now, dt.date(2026, 11, 15))["reviews"]
    assert [(r["incident"], r["days_overdue"]) for r in pending if r["incident"] == "INC-2026-0301"] == [
        ("INC-2026-0301", 8)
    ]
    assert "INC-2026-0301" not in {r["incident"] for r in board(kb_now, dt.date(2026, 11, 20))["reviews"]}
    report = run("report", "--kb", str(kb), "--as-of", "2026-11-15", "--format", "json")
    assert "INC-2026-0301" in [r["incident"] for r in json.loads(report.output)["reviews"]], report.output
    check = run("check", "--kb", str(kb), "--strict", "--today", "2026-12-01")
    assert check.exit_code == 0 and "INC-2026-0301" not in check.output, check.output  # the key is known
    # done already: --done again keeps the day, --on moves it and says from what
    again = run(*args, "--done")
    assert again.exit_code == 0 and "(unchanged)" in again.output and "done 2026-11-20" in again.output
    moved = run(*args, "--done", "--on", "2026-11-18")
    assert "full review, done 2026-11-18, due 2026-11-07 (done day was 2026-11-20) (" in moved.output, moved.output
    # pending again: the day goes, the rest as it was
    back = run(*args, "--pending")
    assert back.exit_code == 0 and "(its done day 2026-11-18 taken out)" in back.output, back.output
    assert record(kb, "INC-2026-0301") == FLOW
    # --on without --done, or a day to come, writes nothing
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    for bad, code, said in (
        (("--on", "2026-11-20"), 2, "--on goes with --done"),
        (("--pending", "--on", "2026-11-20"), 2, "--on goes with --done"),
        (("--done", "--on", tomorrow), 2, f"Invalid value for '--on': {tomorrow} is after today"),
    ):
        r = run(*args, *bad)
        assert r.exit_code == code and said in r.output and "Traceback" not in r.output, (bad, r.output)
    assert record(kb, "INC-2026-0301") == FLOW


def test_a_review_done_date_on_a_pending_review_or_before_its_incident_is_warned_of(kb):
    path = kb / "incidents" / "2026" / "INC-2026-0301.md"
    path.write_text(FLOW.replace("due: 2026-11-07}", "due: 2026-11-07, done: 2026-11-20}"))
    r = run("check", "--kb", str(kb), "--today", "2026-12-01")
    assert (
        "INC-2026-0301.md:6: review.done: warning: a done date (2026-11-20) on a review whose status is pending: "
        "the problem board lists it pending and ignores the date" in r.output
    ), r.output
    path.write_text(
        FLOW.replace("status: pending, due: 2026-11-07}", "status: done, due: 2026-11-07, done: 2026-10-02}")
    )
    r = run("check", "--kb", str(kb), "--today", "2026-12-01")
    assert "review.done: warning: the review was held 2026-10-02, before the incident's date 2026-11-02" in r.output
    path.write_text(
        FLOW.replace("status: pending, due: 2026-11-07}", "status: done, due: 2026-11-07, done: 2026-11-20}")
    )
    assert (
        "review.done: warning: the review's done date 2026-11-20 is after today"
        in run("check", "--kb", str(kb), "--today", "2026-11-10").output
    )


def test_a_held_reviews_day_is_in_the_incidents_json(kb):
    """The day a review was held (`review --done --on`) is in the JSON the API, MCP and --json give a recorded
    incident (`incident_object`), beside level, status and due; null while it is pending."""
    from recur.retrieval.patterns import incident_object

    assert incident_object(load_kb(kb).incidents["INC-2026-0301"])["review"]["done"] is None
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--done", "--on", "2026-11-06")
    assert r.exit_code == 0, r.output
    review = incident_object(load_kb(kb).incidents["INC-2026-0301"])["review"]
    assert review == {"level": "full", "status": "done", "due": "2026-11-07", "done": "2026-11-06", "owner": None}


def test_a_review_and_a_follow_up_written_done_without_a_day_say_how_to_give_it(kb):
    """A review or follow-up written done before its day was kept, marked --done again: unchanged, and both
    commands say how --on gives it the day (the one wording, _NO_DAY, that no test read before)."""
    path = kb / "incidents" / "2026" / "INC-2026-0301.md"
    path.write_text(FLOW.replace("status: pending", "status: done").replace("status: open", "status: done"))
    before = path.read_text()
    hint = "no day recorded: --on YYYY-MM-DD gives it, for a report --as-of before it"
    review = run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--done")
    assert review.exit_code == 0 and f"(unchanged; {hint})" in review.output, review.output
    follow = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0301", "1", "--done")
    assert follow.exit_code == 0 and f"follow-up 1. Second resolver already done ({hint})" in follow.output, (
        follow.output
    )
    assert path.read_text() == before


@pytest.mark.parametrize(
    ("iid", "args", "said"),
    [
        (
            "INC-2026-0301",
            ("review",),
            "--on 2026-01-02 is before the incident's date 2026-11-02: give a day on or after it",
        ),
        (
            "INC-2026-0300",
            ("follow-up",),
            "--on 2026-01-02 is before the incident's date 2026-11-01: give a day on or after it",
        ),
    ],
)
def test_done_on_a_day_before_the_incident_is_refused_naming_the_day_given(kb, iid, args, said):
    """Found in review: `recur incident review ID --done --on 2026-01-02` on an incident of 2026-11-25 wrote a
    record that `recur check --strict` then failed (held before the incident); a follow-up's --on likewise.
    Refused, naming the day given and the incident's, the record untouched; the incident's own day is taken."""
    which = ("1",) if args == ("follow-up",) else ()
    before = record(kb, iid)
    r = run("incident", *args, "--kb", str(kb), iid, *which, "--done", "--on", "2026-01-02")
    # the whole message: it said "give the day it held" (the verb's last word)
    # it said "the follow-up was done 2026-01-02, before the incident's date …", of what it had refused
    assert r.exit_code == 1 and r.output == f"Error: {said}\n", r.output
    assert record(kb, iid) == before
    day = load_kb(kb).incidents[iid].date.isoformat()
    ok = run("incident", *args, "--kb", str(kb), iid, *which, "--done", "--on", day)
    assert ok.exit_code == 0, ok.output
    assert f"done: {day}" in record(kb, iid)
    assert run("check", "--kb", str(kb), "--strict").exit_code == 0


def test_the_shared_marks_refuse_a_done_day_before_the_incident(kb):
    """Found in a re-read: the rule lived in the CLI alone, so mark_review and mark_follow_up, which every
    surface that marks a review or follow-up shares, wrote a done day before the incident's date, a record
    `recur check --strict` then fails. They refuse it, naming the flag it was given by."""
    from recur.kb.incident_marks import mark_follow_up, mark_review
    from recur.util.errors import RecurError

    before = (record(kb, "INC-2026-0301"), record(kb, "INC-2026-0300"))
    early = dt.date(2026, 1, 2)
    with pytest.raises(RecurError) as review:
        mark_review(load_kb(kb), "INC-2026-0301", "done", None, early)
    assert str(review.value) == "--on 2026-01-02 is before the incident's date 2026-11-02: give a day on or after it"
    with pytest.raises(RecurError) as follow:
        mark_follow_up(load_kb(kb), "INC-2026-0300", "1", "done", on=early, flag="done")
    assert str(follow.value).startswith("done 2026-01-02 is before the incident's date 2026-11-01")
    assert (record(kb, "INC-2026-0301"), record(kb, "INC-2026-0300")) == before
    # the incident's own day is a day it can have been held
    mark_review(load_kb(kb), "INC-2026-0301", "done", None, dt.date(2026, 11, 2))
    assert "done: 2026-11-02" in record(kb, "INC-2026-0301")


def test_flag_done_keeps_the_day_so_a_past_report_shows_it_open_then(kb, some_day):
    """Found in a problem manager's review: a flag kept no closing day, so `recur report --as-of 2026-11-30`
    counted 27 open flags on the stock KB, and 26 after `recur incident flag ID --done 1` on 12-03: today's
    status read into the past. --done writes `done:` (the day given with --on, else today), as a
    follow-up's does, and the board as of a day before it counts the flag open then."""
    args = ("incident", "flag", "--kb", str(kb), "INC-2026-0300")
    r = run(*args, "--done", "canary", "--on", "2026-11-20", "--note", "its check hit /healthz only")
    assert r.exit_code == 0 and "marked done on 2026-11-20 (" in r.output, r.output
    assert (
        '  - {text: "why did the canary pass?", status: done, note: "its check hit /healthz only", done: 2026-11-20}\n'
        in record(kb, "INC-2026-0300")
    )
    assert run(*args, "--done", "2").exit_code == 0
    assert some_day(
        lambda d: f'  - text: "heap dump lost"\n    status: done\n    done: {d}\n' in record(kb, "INC-2026-0300")
    )
    flags = load_kb(kb).incidents["INC-2026-0300"].flags
    assert flags[0].done == dt.date(2026, 11, 20)

    def open_flags(day):
        return [f["text"] for f in board(load_kb(kb), day)["flags"] if f["incident"] == "INC-2026-0300"]

    assert open_flags(dt.date(2026, 11, 19)) == ["why did the canary pass?", "heap dump lost"]
    assert open_flags(dt.date(2026, 11, 20)) == ["heap dump lost"]  # done that day
    assert open_flags(dt.date.today()) == []

    def reported(day):
        out = run("report", "--kb", str(kb), "--as-of", day, "--format", "json").output
        return [f["text"] for f in json.loads(out)["flags"] if f["incident"] == "INC-2026-0300"]

    assert reported("2026-11-19") == ["why did the canary pass?", "heap dump lost"]
    assert reported("2026-11-20") == ["heap dump lost"]
    listed = run(*args)
    assert "1. why did the canary pass?  (done 2026-11-20: its check hit /healthz only)" in listed.output, listed.output
    check = run("check", "--kb", str(kb), "--strict")
    assert check.exit_code == 0 and "warning" not in check.output, check.output  # the key is known
    # done already: --done again keeps the day; --on moves it and says from what
    again = run(*args, "--done", "1")
    assert (
        again.exit_code == 0
        and "is done already" in again.output
        and "done: 2026-11-20}" in record(kb, "INC-2026-0300")
    )
    moved = run(*args, "--done", "1", "--on", "2026-11-18")
    assert "done day now 2026-11-18 (was 2026-11-20)" in moved.output, moved.output


def test_flag_done_on_errors_write_nothing(kb):
    args = ("incident", "flag", "--kb", str(kb), "INC-2026-0300")
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    for bad, code, said in (
        (("--on", "2026-11-20"), 2, "--on goes with --done"),
        (("x", "--on", "2026-11-20"), 2, "--on goes with --done"),
        # a malformed or future day is the command line's mistake: click's usage error, as every date flag
        (("--done", "1", "--on", "20 Nov"), 2, "Invalid value for '--on'"),
        (("--done", "1", "--on", tomorrow), 2, f"'--on': {tomorrow} is after today"),
        (
            ("--done", "1", "--on", "2026-01-02"),
            1,
            "Error: --on 2026-01-02 is before the incident's date 2026-11-01: give a day on or after it\n",
        ),
    ):
        r = run(*args, *bad)
        assert r.exit_code == code and said in r.output and "Traceback" not in r.output, (bad, r.output)
    assert record(kb, "INC-2026-0300") == BLOCK


def test_a_flag_done_date_on_an_open_flag_before_its_incident_or_to_come_is_warned_of(kb):
    path = kb / "incidents" / "2026" / "INC-2026-0300.md"
    path.write_text(
        BLOCK.replace("  - why did the canary pass?\n", "  - {text: canary, status: open, done: 2026-11-20}\n").replace(
            '"heap dump lost"\n    status: open\n', '"heap dump lost"\n    status: done\n    done: 2026-10-02\n'
        )
    )
    r = run("check", "--kb", str(kb), "--today", "2026-12-01")
    assert (
        "INC-2026-0300.md:13: flags[0].done: warning: a done date (2026-11-20) on a flag whose status is open: "
        "the problem board counts it open" in r.output
    ), r.output
    assert (
        "INC-2026-0300.md:16: flags[1].done: warning: the flag was done 2026-10-02, before the incident's date "
        "2026-11-01" in r.output
    ), r.output
    path.write_text(
        BLOCK.replace(
            '"heap dump lost"\n    status: open\n', '"heap dump lost"\n    status: done\n    done: 2026-11-20\n'
        )
    )
    later = run("check", "--kb", str(kb), "--today", "2026-11-10")
    assert "flags[1].done: warning: a flag's done date 2026-11-20 is after today" in later.output, later.output
    path.write_text(BLOCK.replace('"heap dump lost"\n    status: open\n', '"heap dump lost"\n    done: 20 Nov\n'))
    bad = run("check", "--kb", str(kb))
    assert bad.exit_code == 1 and "flags[1].done" in bad.output, bad.output


def test_follow_up_owner_and_due_dash_take_them_out_as_fix_and_review_do(kb):
    # `--owner -` wrote "-" as the owner, where `recur fix` and `recur incident review` take '-' to remove;
    # `--due -` was refused as no date
    args = ("incident", "follow-up", "--kb", str(kb))
    r = run(*args, "INC-2026-0300", "1", "--owner", "-")
    assert r.exit_code == 0, r.output
    assert "owner taken out (was team-db)" in r.output, r.output
    assert "    ticket: DB-77\n" in record(kb, "INC-2026-0300") and "owner:" not in record(kb, "INC-2026-0300")
    again = run(*args, "INC-2026-0300", "1", "--owner", "-")
    assert again.exit_code == 0 and "no owner already" in again.output, again.output
    flow = run(*args, "INC-2026-0301", "NET-9", "--due", "-", "--owner", "-")
    assert flow.exit_code == 0, flow.output
    assert "due taken out (was 2026-11-20)" in flow.output and "owner taken out (was team-net)" in flow.output
    assert '{title: "Second resolver", status: open, ticket: NET-9}' in record(kb, "INC-2026-0301")
    f = load_kb(kb).incidents["INC-2026-0301"].follow_ups[0]
    assert (f.owner, f.due, f.ticket) == (None, None, "NET-9")
    added = run(*args, "INC-2026-0300", "--add", "Page the DBA", "--owner", "-", "--due", "-")
    assert added.exit_code == 0, added.output
    new = load_kb(kb).incidents["INC-2026-0300"].follow_ups[-1]
    assert (new.title, new.owner, new.due) == ("Page the DBA", None, None)
    assert run(*args, "INC-2026-0300", "1", "--owner", " ").exit_code == 2  # empty: refused, not read as '-'


def test_review_overdue_said_as_recur_show_says_it(kb, monkeypatch):
    """`recur incident review` counted the days itself ("overdue by 1 days"); it says what `recur show`
    says, by the board's rule: "overdue 1 day", "overdue 3 days"."""
    monkeypatch.setenv("RECUR_TODAY", "2026-11-08")
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0301")
    assert r.exit_code == 0 and r.output.strip().endswith("due 2026-11-07 (overdue 1 day)"), r.output
    shown = run("show", "--kb", str(kb), "INC-2026-0301")
    assert "(overdue 1 day)" in shown.output, shown.output
    monkeypatch.setenv("RECUR_TODAY", "2026-11-10")
    r = run("incident", "review", "--kb", str(kb), "INC-2026-0301")
    assert r.output.strip().endswith("(overdue 3 days)"), r.output


def test_a_mark_where_the_folder_cannot_be_locked_is_made_and_said_not_an_error(kb, monkeypatch):
    """On Linux NFS `flock` is done as a POSIX write lock (fcntl F_SETLK, F_WRLCK), which needs a descriptor open for
    writing: on the incident folder's, opened read-only, it fails with EBADF, and every mark stopped with `Error: Bad
    file descriptor`. Here every flock is made as NFS makes it, the real lockf on the real descriptor, so the kernel
    refuses the folder's lock as the NFS client does. The mark is made without the lock, a warning saying so once."""
    import errno
    import fcntl
    import os

    lockf = fcntl.lockf
    folder = kb / "incidents" / "2026"
    fd = os.open(folder, os.O_RDONLY)
    try:  # the trigger is real: this kernel refuses a write lock on a descriptor open for reading
        with pytest.raises(OSError) as refused:
            lockf(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        assert refused.value.errno == errno.EBADF
    finally:
        os.close(fd)
    monkeypatch.setattr(fcntl, "flock", lambda fd, operation: lockf(fd, operation))
    path = folder / "INC-2026-0301.md"
    res = run("incident", "review", "--kb", str(kb), "INC-2026-0301", "--done")
    assert res.exit_code == 0, res.output
    assert "status: done" in path.read_text()
    assert res.stderr.startswith("warning: ") and res.stderr.count("\n") == 1, res.stderr
    assert res.stderr.endswith(
        f"INC-2026-0301.md: changed without the lock on {folder}, which this file system refuses (Bad file "
        "descriptor; NFS without locking?): a change another command makes to it at the same moment could be lost\n"
    )
    res = run("incident", "follow-up", "--kb", str(kb), "INC-2026-0301", "--add", "Cache the zone")
    assert res.exit_code == 0 and "'Cache the zone' added" in res.output, res.output
    assert res.stderr == ""  # said once in a process (a server's edits), not at every edit
