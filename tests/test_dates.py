"""Dates at the ends of the calendar: a KB file or a flag dated 9999-12-31 or 0001-01-01 is a
clear error (never an OverflowError), and nothing is written; dates inside 1970-01-01..2999-12-31
keep working up to the edges."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from kbfactory import write

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.problems.board import board
from recur.util.dates import day_month, shift

RANGE = "is outside the dates Recur accepts (1970-01-01 to 2999-12-31)"


def run(*args, input=None):
    res = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert res.exception is None or isinstance(res.exception, SystemExit), res.output
    assert "Traceback" not in res.output
    return res


def files(root):
    return sorted((p.relative_to(root).as_posix(), p.read_bytes()) for p in root.rglob("*") if p.is_file())


def incident(kb_dir, rel, iid, day, extra=""):
    write(
        kb_dir,
        rel,
        f"---\nid: {iid}\ntitle: From the far future\ndate: {day}\nseverity: sev1\n{extra}---\n\n"
        "## Summary\nA typo in the year.\n",
    )


def test_shift_stops_at_the_ends_of_the_calendar():
    assert shift(dt.date(2026, 1, 31), 1) == dt.date(2026, 2, 1)
    assert shift(dt.date(2026, 1, 1), -1) == dt.date(2025, 12, 31)
    assert shift(dt.date(9999, 12, 31), 5) == dt.date.max
    assert shift(dt.date(1, 1, 1), -30) == dt.date.min
    assert shift(dt.date(2026, 1, 1), 10**12) == dt.date.max  # more days than a timedelta holds


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1969-12-31", "3000-01-01"])
def test_new_incident_refuses_an_out_of_range_date_and_writes_nothing(kb_dir, day):
    before = files(kb_dir)
    res = run("new", "incident", "--kb", kb_dir, "--no-input", "--title", "x", "--severity", "sev1", "--date", day)
    assert res.exit_code == 2
    assert f"Error: Invalid value for '--date': {day} {RANGE}" in res.output
    assert files(kb_dir) == before
    assert run("check", "--kb", kb_dir, "--today", "2026-06-01").exit_code == 0  # the KB still loads


@pytest.mark.parametrize("day", ["2026-02-30", "2029-13-01"])
def test_an_impossible_date_is_no_such_date_not_a_format_error(kb_dir, tmp_path, monkeypatch, day):
    # click's DateTime leaked strptime's "does not match the format '%Y-%m-%d'" for a well-formed date
    before = files(kb_dir)
    res = run("new", "incident", "--kb", kb_dir, "--no-input", "--title", "x", "--severity", "sev1", "--date", day)
    assert res.exit_code == 2 and f"Error: Invalid value for '--date': no such date: {day}" in res.output, res.output
    assert files(kb_dir) == before
    res = run("check", "--kb", kb_dir, "--today", day)
    assert res.exit_code == 2 and f"Error: Invalid value for '--today': no such date: {day}" in res.output, res.output
    monkeypatch.setenv("RECUR_TODAY", day)
    res = run("check", "--kb", kb_dir)
    # a setting's bad value is a usage error, exit 2, as RECUR_TZ's is (it was the command's error, exit 1)
    assert res.exit_code == 2 and f"Error: RECUR_TODAY: no such date: {day}" in res.output, res.output
    assert "%Y" not in res.output


def test_a_date_in_other_digits_is_not_a_date_not_no_such_date(kb_dir, monkeypatch):
    # only ASCII digits make a date: full-width ones matched the date's shape (\d) and were "no such date"
    day = "\uff12\uff10\uff12\uff16-06-01"  # ２０２６-06-01
    res = run("check", "--kb", kb_dir, "--today", day)
    assert res.exit_code == 2 and f"Error: Invalid value for '--today': {day!r} is not a date" in res.output, res.output
    monkeypatch.setenv("RECUR_TODAY", day)
    res = run("check", "--kb", kb_dir)
    assert res.exit_code == 2 and f"Error: RECUR_TODAY: {day!r} is not a date (YYYY-MM-DD)" in res.output, res.output
    assert "no such date" not in res.output


def test_new_incident_prompt_asks_again_for_an_out_of_range_date(kb_dir):
    res = run("new", "incident", "--kb", kb_dir, input="Login slow\n9999-12-31\n2026-05-04\nsev3\n\n\n")
    assert res.exit_code == 0, res.output
    assert f"Error: Date: 9999-12-31 {RANGE}" in res.output
    assert load_kb(kb_dir).incidents["INC-2026-0003"].date == dt.date(2026, 5, 4)


def test_incident_new_refuses_out_of_range_date_and_review_due(kb_dir, tmp_path):
    before = files(kb_dir)
    common = ["incident", "new", "--kb", kb_dir, "--index", tmp_path / "idx", "--model", "fake:64"]
    common += ["-t", "Checkout hangs", "-s", "sev1", "-d", "requests hang"]
    res = run(*common, "--date", "9999-12-31")
    assert res.exit_code == 2 and f"Error: Invalid value for '--date': 9999-12-31 {RANGE}" in res.output
    res = run(*common, "--date", "2026-05-02", "--review-due", "0001-01-01")
    assert res.exit_code == 2 and f"Error: Invalid value for '--review-due': 0001-01-01 {RANGE}" in res.output
    assert files(kb_dir) == before


def test_the_last_accepted_date_records_and_checks_clean(kb_dir, tmp_path):
    res = run(
        "new",
        "incident",
        "--kb",
        kb_dir,
        "--no-input",
        "--title",
        "x",
        "--severity",
        "sev3",
        "--date",
        "2999-12-31",
        "--summary",
        "Edge of the range.",
    )
    assert res.exit_code == 0, res.output
    inc = load_kb(kb_dir).incidents["INC-2999-0001"]
    assert inc.review.due == dt.date(2999, 12, 31)  # 2999-12-31 + 20 days stops at the last accepted date
    res = run(
        "incident",
        "new",
        "--kb",
        kb_dir,
        "--index",
        tmp_path / "idx",
        "--model",
        "fake:64",
        "-t",
        "first",
        "-s",
        "sev1",
        "-d",
        "requests hang",
        "--date",
        "1970-01-01",
        "--json",
    )
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["review"]["due"] == "1970-01-06"
    assert run("check", "--kb", kb_dir, "--today", "2999-12-31", "--strict").exit_code == 0
    for day in ("1970-01-01", "2999-12-31"):
        assert run("report", "--kb", kb_dir, "--as-of", day).exit_code == 0


def test_an_incident_file_dated_9999_is_a_check_error_and_the_rest_still_works(kb_dir):
    incident(kb_dir, "incidents/9999/INC-9999-0001.md", "INC-9999-0001", "9999-12-31")  # no review: the due is computed
    incident(
        kb_dir,
        "incidents/2026/INC-2026-0009.md",
        "INC-2026-0009",
        "2026-04-01",
        "review: {due: 0001-01-01}\nfollow_ups:\n  - title: t\n    due: 9999-12-31\n",
    )
    res = run("check", "--kb", kb_dir, "--today", "2026-06-01")
    assert res.exit_code == 1
    out = res.output
    assert (
        "kb/incidents/9999/INC-9999-0001.md:4: date: must be a date from 1970-01-01 to 2999-12-31, not 9999-12-31"
        in out
    )
    assert "INC-2026-0009.md:6: review.due: must be a date from 1970-01-01 to 2999-12-31, not 0001-01-01" in out
    assert "INC-2026-0009.md:9: follow_ups[0].due: must be a date from 1970-01-01 to 2999-12-31, not 9999-12-31" in out

    res = run("report", "--kb", kb_dir, "--as-of", "2026-05-01", "--format", "json")
    assert res.exit_code == 0
    assert "warning: 2 files with errors left out of the report" in res.stderr
    reviews = [r["incident"] for r in json.loads(res.stdout)["reviews"]]
    assert reviews == ["INC-2026-0001", "INC-2026-0002"]  # the two bad records are left out
    res = run(
        "new", "incident", "--kb", kb_dir, "--no-input", "--title", "y", "--severity", "sev2", "--date", "2026-05-03"
    )
    assert res.exit_code == 0 and (kb_dir / "incidents/2026/INC-2026-0010.md").is_file()  # after the 0009 on file
    res = run("new", "path", "--kb", kb_dir, "--no-input", "--title", "Week one", "--step", "disk-full: common")
    assert res.exit_code == 0, res.output


def test_review_within_days_has_an_upper_bound(kb_dir):
    sev = kb_dir / "severity.yml"
    sev.write_text(sev.read_text().replace("review_within_days: 5}", "review_within_days: 10000000}"))
    res = run("check", "--kb", kb_dir, "--today", "2026-06-01")
    assert res.exit_code == 1
    assert "kb/severity.yml:2: levels.sev1.review_within_days: must be at most 3650, not 10000000" in res.output
    sev.write_text(sev.read_text().replace("10000000", "3650"))
    assert run("check", "--kb", kb_dir, "--today", "2026-06-01").exit_code == 0
    assert load_kb(kb_dir).severity["sev1"].review_within_days == 3650


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_as_of_and_today_out_of_range_are_clean_errors(kb_dir, tmp_path, day):
    res = run("report", "--kb", kb_dir, "--as-of", day, "--out", tmp_path / "review.md")
    assert res.exit_code == 2 and res.stdout == ""
    assert f"Error: Invalid value for '--as-of': {day} {RANGE}" in res.stderr
    assert not (tmp_path / "review.md").exists()
    res = run("check", "--kb", kb_dir, "--today", day)
    assert res.exit_code == 2 and f"Error: Invalid value for '--today': {day} {RANGE}" in res.output
    res = run("site", "--kb", kb_dir, "--out", tmp_path / "site", "--as-of", day, "--no-browser-search")
    assert res.exit_code == 2 and f"Error: Invalid value for '--as-of': {day} {RANGE}" in res.output
    assert not (tmp_path / "site").exists()


def test_board_is_safe_at_the_ends_of_the_calendar(kb_dir):
    kb = load_kb(kb_dir)
    first, last = board(kb, dt.date.min), board(kb, dt.date.max)
    assert first["counts"]["incidents_90"] == 0 and first["reviews"] == []
    assert last["counts"]["incidents_90"] == 0 and len(last["reviews"]) == 2


POSTMORTEM = """---
title: Disk full on the primary database host
date: {day}
severity: sev2
---

# Disk full on the primary database host

## Summary

The data volume of the primary database host filled up with WAL segments after the archive job
stalled, and writes failed with No space left on device for forty minutes until we freed space.

## Root cause

The archive command failed silently since a credentials rotation, so WAL files piled up.
"""


def test_import_refuses_out_of_range_dates_and_writes_nothing(kb_dir, tmp_path):
    before = files(kb_dir)
    pm = tmp_path / "pm.md"
    pm.write_text(POSTMORTEM.format(day="9999-12-31"))
    common = ["import", "--kb", kb_dir, "--index", tmp_path / "idx", "--model", "fake:64", pm]
    res = run(*common)
    assert res.exit_code == 1
    assert f"Error: {pm}: date: 9999-12-31 {RANGE} (read from front matter (date)); pass --date" in res.output
    res = run(*common, "--date", "0001-01-01")
    assert res.exit_code == 2 and f"Error: Invalid value for '--date': 0001-01-01 {RANGE}" in res.output
    assert files(kb_dir) == before
    res = run(*common, "--date", "2026-04-02", "--json")  # the real date overrides the typo
    assert res.exit_code == 0, res.output
    assert json.loads(res.output)["date"] == "2026-04-02"


@pytest.mark.parametrize("day", ["0001-01-01", "9999-12-31"])
def test_an_out_of_range_date_from_the_environment_names_the_variable(kb_dir, tmp_path, monkeypatch, day):
    """RECUR_TODAY / RECUR_AS_OF set by CI: the error says which variable, not a flag nobody passed."""
    monkeypatch.setenv("RECUR_TODAY", day)
    res = run("check", "--kb", kb_dir)
    assert res.exit_code == 2 and f"Error: RECUR_TODAY: {day} {RANGE}" in res.output, res.output
    monkeypatch.delenv("RECUR_TODAY")
    monkeypatch.setenv("RECUR_AS_OF", day)
    res = run("site", "--kb", kb_dir, "--out", tmp_path / "site", "--no-browser-search")
    assert res.exit_code == 2 and f"Error: RECUR_AS_OF: {day} {RANGE}" in res.output, res.output


# -- a timestamp with an offset is the date on this machine's clock ---------------------------------------
# (found by a problem manager's team: 2026-12-04T01:00:00+10:00, 2026-12-03 15:00 UTC, was kept as 12-04, so
# on a UTC machine that afternoon it was "after today ... a typo in the year?" and left out of the report,
# the board, the incident list and its pattern's page, while the API and MCP listed it)

SYDNEY_1AM = "2026-12-04T01:00:00+10:00"  # 2026-12-03 15:00 UTC


@pytest.fixture
def clock_zone(monkeypatch):
    """Set the machine's time zone (POSIX TZ: no tz database needed) for the test, then put it back."""
    import time

    def use(tz: str) -> None:
        monkeypatch.setenv("TZ", tz)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


def test_a_timestamp_with_an_offset_is_the_date_on_this_machines_clock(kb_dir, clock_zone):
    from recur.retrieval.patterns import incidents_of
    from recur.site import pages

    incident(kb_dir, "incidents/2026/INC-2026-0003.md", "INC-2026-0003", SYDNEY_1AM, "patterns: [db-pool-exhausted]\n")
    incident(
        kb_dir, "incidents/2026/INC-2026-0004.md", "INC-2026-0004", "2026-12-01", "patterns: [db-pool-exhausted]\n"
    )
    clock_zone("AEST-10")  # in Sydney it is the 4th
    assert load_kb(kb_dir).incidents["INC-2026-0003"].date == dt.date(2026, 12, 4)
    clock_zone("UTC0")
    kb = load_kb(kb_dir)
    assert kb.incidents["INC-2026-0003"].date == dt.date(2026, 12, 3)
    day = dt.date(2026, 12, 3)
    res = run("check", "--kb", kb_dir, "--today", day)
    assert res.exit_code == 0 and "after today" not in res.output, res.output
    # every surface lists it, as of that day
    b = board(kb, day)
    assert b["counts"]["incidents_30"] == 2
    assert b["recurring"]["30"][0]["pattern"] == "db-pool-exhausted" and b["recurring"]["30"][0]["count"] == 2
    report = json.loads(run("report", "--kb", kb_dir, "--as-of", day, "--format", "json").output)
    assert report["recurring"] == b["recurring"]
    site = pages(kb, as_of=day, board=b)
    assert "INC-2026-0003" in site["incidents/index.md"]
    assert "INC-2026-0003" in site["patterns/capacity/db-pool-exhausted.md"]
    assert "not listed or counted yet" not in site["incidents/2026/INC-2026-0003.md"]
    before = pages(kb, as_of=day - dt.timedelta(days=1), board=board(kb, day - dt.timedelta(days=1)))
    assert "INC-2026-0003" not in before["incidents/index.md"] + before["patterns/capacity/db-pool-exhausted.md"]
    assert (
        "after 2026-12-02, the date of this build: not listed or counted yet"
        in before["incidents/2026/INC-2026-0003.md"]
    )
    assert [i["id"] for i in incidents_of(kb, ["db-pool-exhausted"], as_of=day)] == [
        "INC-2026-0003",
        "INC-2026-0004",
        "INC-2026-0001",
    ]


def test_one_day_ahead_is_not_called_a_typo_in_the_year(kb_dir, clock_zone):
    clock_zone("UTC0")
    incident(kb_dir, "incidents/2026/INC-2026-0003.md", "INC-2026-0003", "2026-12-04")
    out = run("check", "--kb", kb_dir, "--today", "2026-12-03").output
    assert "date: warning: the incident's date 2026-12-04 is after today (2026-12-03): one day ahead" in out, out
    assert "typo in the year" not in out and "2026-12-04T01:00:00+10:00" in out  # how to write it instead
    out = run("check", "--kb", kb_dir, "--today", "2026-11-20").output
    assert "2026-12-04 is after today (2026-11-20): it has not happened yet; a typo?" in out, out
    out = run("check", "--kb", kb_dir, "--today", "2025-12-04").output
    assert "2026-12-04 is after today (2025-12-04): a typo in the year?" in out, out


def test_one_day_ahead_names_the_zone_dates_are_read_in(kb_dir, clock_zone, monkeypatch):
    # it said "a time zone ahead of this machine's" where RECUR_TZ, not the machine, sets the zone (found in the
    # last read of the session that added RECUR_TZ), and named no zone
    clock_zone("UTC0")
    monkeypatch.delenv("RECUR_TZ", raising=False)
    incident(kb_dir, "incidents/2026/INC-2026-0003.md", "INC-2026-0003", "2026-12-04")
    out = " ".join(run("check", "--kb", kb_dir, "--today", "2026-12-03").output.split())
    assert (
        "2026-12-04 is after today (2026-12-03): one day ahead, a date from a time zone ahead of this machine's (UTC; "
        "RECUR_TZ is not set), the one dates are read in? write the date as it is here, or the time with its UTC "
        "offset (2026-12-04T01:00:00+10:00), read as its date here"
    ) in out, out
    monkeypatch.setenv("RECUR_TZ", "Asia/Tokyo")
    out = " ".join(run("check", "--kb", kb_dir, "--today", "2026-12-03").output.split())
    assert (
        "one day ahead, a date from a time zone ahead of Asia/Tokyo (RECUR_TZ), the one dates are read in? write the "
        "date as it is in Asia/Tokyo, or the time with its UTC offset (2026-12-04T01:00:00+10:00), read as its date in "
        "Asia/Tokyo"
    ) in out, out
    assert "this machine's" not in out


def test_incident_new_stores_a_timestamp_as_the_date_on_this_machines_clock(kb_dir, clock_zone):
    """`recur incident new --date` kept the written date part (12-04) and warned of a typo in the year;
    it stores the date the KB reads the timestamp as (12-03 here), so the record and its id agree."""
    clock_zone("UTC0")
    res = run("incident", "new", "--kb", kb_dir, "-t", "Pool", "-s", "sev3", "--date", SYDNEY_1AM, "--no-suggest")
    assert res.exit_code == 0, res.output
    record = (kb_dir / "incidents/2026/INC-2026-0003.md").read_text()
    assert "\ndate: 2026-12-03\n" in record
    assert load_kb(kb_dir).incidents["INC-2026-0003"].date == dt.date(2026, 12, 3)
    # the new year in Sydney is the old year's last day on a UTC clock: filed under either, no warning
    incident(kb_dir, "incidents/2027/INC-2027-0001.md", "INC-2027-0001", "2027-01-01T01:00:00+10:00")
    assert load_kb(kb_dir).incidents["INC-2027-0001"].date == dt.date(2026, 12, 31)
    assert "filed under" not in run("check", "--kb", kb_dir, "--today", "2027-01-02").output


def test_given_date_with_no_value_is_the_day_its_caller_says():
    """No value was the clock's date inside given_date, which config.today's rule (RECUR_TODAY first)
    contradicts, so every caller guarded it; the caller says now what an absent date means."""
    from recur.util.dates import given_date

    day = dt.date(2026, 5, 2)
    assert given_date(None, "--due") is None and given_date("", "--due") is None
    assert given_date(None, "--date", missing=day) == given_date("", "--date", missing=day) == day
    assert given_date("2026-05-03", "--date", missing=day) == dt.date(2026, 5, 3)  # a value given wins


@pytest.mark.parametrize("day", [dt.date(2026, 3, 1), dt.date(2026, 12, 31), dt.date(2000, 2, 29), dt.date(2026, 9, 9)])
def test_a_note_s_day_is_said_as_glibc_s_strftime_said_it(day):
    """The notes said a day with strftime's "%-d %B %Y", glibc's alone (Windows' C library refuses "%-d", musl
    has no "-"): ``day_month`` says it the same way with no strftime. Compared with glibc's here, which this
    machine has, so it cannot fail before the change: it holds the text the notes said."""
    assert day_month(day) == day.strftime("%-d %B %Y") == f"{day.day} {day:%B %Y}"
    assert day_month(day, year=False) == day.strftime("%-d %B")
    assert day_month(dt.date(2026, 3, 1)) == "1 March 2026" and day_month(dt.date(2026, 12, 31), False) == "31 December"
