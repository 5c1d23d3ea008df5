"""`recur import`'s incident date and done days, as a problem manager's real postmortems write them: a
review's or meeting's date is never the incident's, a span of days is its first day, and a done day
written without its year is never after today."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from import_helpers import import_file as imp

from recur.cli.main import cli

PM = """\
# Payment webhooks delayed

{label}
Severity: SEV2

## Summary

On Nov 29, 2026 between 22:10 and 23:40 UTC webhooks were delayed.
"""


@pytest.mark.parametrize(
    "label",
    [
        "Review date: 2026-12-09",
        "Review due: 2026-12-09",
        "Status: Draft, review scheduled 2026-12-09",
        "Review held: 2026-12-01",
        "Postmortem review: Dec 3, 2026",
        "Retro date: 2026-12-03",
        "PIR meeting: Dec 1, 2026",
        "**Meeting date:** December 2, 2026",
        "- **Retrospective held on**: Wednesday, December 2, 2026",
        "| Review date | 2026-12-09 |\n|---|---|\n| Owner | Sam Okafor |",
    ],
)
def test_a_review_or_meeting_line_is_not_the_incidents_date(kb_dir, tmp_path, label):
    """The first dated sentence was the review's line ("Review date: 2026-12-09" above the summary), a day
    after today, with a warning; the incident's own day, in the summary, was passed over."""
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", PM.format(label=label), "--json").output)
    assert out["date"] == "2026-11-29" and "date" not in out["triage"], (out["date"], out["date_source"])
    assert out["date_source"].startswith('the first dated sentence: "On Nov 29, 2026'), out["date_source"]
    if label.startswith(("Review date", "| Review date", "Review due", "Status")):  # still the review's due day
        assert out["review"]["due"] == "2026-12-09", out["review"]


def test_a_postmortem_dated_only_by_its_review_is_left_for_triage(kb_dir, tmp_path):
    text = "# Payment webhooks delayed\n\nReview date: 2026-12-09\n\n## Summary\n\nWebhooks were delayed for two hours after the consumer group kept rebalancing.\n"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    assert "date" in out["triage"] and out["review"]["due"] == "2026-12-09", out
    # a label naming the review with no day of its own is text like any other: its date is read
    text = "# Webhooks\n\nIncident review: webhooks delayed on Nov 30, 2026\n\n## Impact\n\nLate webhooks.\n"
    assert json.loads(imp(kb_dir, tmp_path / "t.md", text, "--json").output)["date"] == "2026-11-30"


@pytest.mark.parametrize(
    ("sentence", "day"),
    [
        ("Between 22:10 UTC on Nov 29 and 00:24 UTC on Nov 30, 2026, webhooks were delayed.", "2026-11-29"),
        ("Between 11pm PT on Nov 29 and 1:05 a.m. PT on Nov 30, 2026 webhooks were delayed.", "2026-11-29"),
        ("On Nov 29–30, 2026 webhooks were delayed.", "2026-11-29"),
        ("From 29 Nov to 30 Nov 2026 webhooks were delayed.", "2026-11-29"),
        ("From 29–30 November 2026 webhooks were delayed.", "2026-11-29"),
        ("Between Dec 31 and Jan 1, 2027 webhooks were delayed.", "2026-12-31"),
        # no span: a day earlier in the sentence with more than a time between is another day
        ("On Nov 3 we deployed a change and on Nov 30, 2026 webhooks were delayed.", "2026-11-30"),
        ("On Nov 30, 2026 webhooks were delayed.", "2026-11-30"),
    ],
)
def test_a_span_of_days_in_the_text_is_its_first_day(kb_dir, tmp_path, sentence, day):
    """docs: a date over two days is its first. In prose the year is written once, after the second day,
    and that day was read as the incident's ("between … Nov 29 and … Nov 30, 2026": 2026-11-30)."""
    text = f"# Payment webhooks delayed\n\nSeverity: SEV2\n\n## Summary\n\n{sentence}\n"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    assert out["date"] == day, (out["date"], out["date_source"])


def _yearless(day: dt.date) -> str:
    return f"{day:%b} {day.day}"


def test_a_done_day_without_its_year_is_never_after_today(kb_dir, tmp_path):
    """A "done Dec 1" of a postmortem dated Dec 2 (its review meeting's day, read as the incident's) was read
    as the first Dec 1 on or after it, a year ahead: the record said done 2027-12-01 and `recur report`
    listed the follow-up open. A done day is past: the last such day on or before today, and that is before
    the incident's date, which `recur check --strict` fails: the day is left unread, the follow-up done (the
    test below). Dates are set from today, so the test holds whatever day it runs."""
    today = dt.date.today()
    dated, done, later = today - dt.timedelta(days=3), today - dt.timedelta(days=4), today - dt.timedelta(days=1)
    text = (
        f"# Webhooks delayed\n\nDate: {dated.isoformat()}\nSeverity: SEV2\n\n## Summary\n\nWebhooks were late.\n\n"
        f"## Action items\n\n- [x] Update consumer lag runbook — Sam Okafor — done {_yearless(done)}\n"
        f"- [x] Tune the poll settings — Lin Zhao — done {_yearless(later)}\n"
    )
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    record = next(kb_dir.rglob(f"{out['incident']}.md")).read_text()
    assert f"done: {done.isoformat()}" not in record and f"done: {later.isoformat()}" in record, record
    assert '{title: "Update consumer lag runbook", status: done, owner: "Sam Okafor"}' in record, record
    assert any(
        n.startswith(f"follow-up 'Update consumer lag runbook': done {_yearless(done)!r} has no year and was not read")
        for n in out["notes"]
    ), out["notes"]
    assert (  # after the incident's date and before today: the first on or after it, as before
        f"follow-up 'Tune the poll settings': done {_yearless(later)!r} has no year; read as {later.isoformat()}, "
        f"the first {_yearless(later)} on or after the incident's date ({dated.isoformat()})"
    ) in " ".join(out["notes"])
    report = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", today.isoformat(), "--format", "json"])
    listed = json.loads(report.output)
    open_titles = {f["title"] for f in listed["follow_ups"] + listed.get("follow_ups_no_due", [])}
    assert not open_titles & {"Update consumer lag runbook", "Tune the poll settings"}, open_titles


def test_a_done_day_without_its_year_and_no_incident_date_is_the_last_before_today(kb_dir, tmp_path):
    """With no date in the postmortem the day was left out (none to read it against), though a done day
    can only be one already past."""
    today = dt.date.today()
    done = today - dt.timedelta(days=10)
    text = f"# Webhooks delayed\n\n## Summary\n\nLate.\n\n## Action items\n\n- [x] Fix the alert (done {_yearless(done)})\n"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    assert "date" in out["triage"], out
    record = next(kb_dir.rglob(f"{out['incident']}.md")).read_text()
    assert f"done: {done.isoformat()}" in record, record
    assert any(
        n.startswith(f"follow-up 'Fix the alert': done {_yearless(done)!r} has no year; read as {done.isoformat()}")
        for n in out["notes"]
    ), out["notes"]


def test_a_done_day_without_its_year_that_fits_no_year_is_left_unread(kb_dir, tmp_path):
    """A "(completed Dec 30)" of an incident three days ago, read before Dec 30: the first Dec 30 on or after the
    incident is ahead and the last on or before today before the incident. It was taken back a year, and the
    new record failed `recur check --strict` (done before the incident's date). Now no day is read: the
    follow-up is done without one, and the notes say why. Dates are set from today."""
    today = dt.date.today()
    dated, ahead = today - dt.timedelta(days=3), today + dt.timedelta(days=5)
    ahead += dt.timedelta(days=1) if (ahead.month, ahead.day) == (2, 29) else dt.timedelta(0)
    text = (
        f"# Webhooks delayed\n\nDate: {dated.isoformat()}\nSeverity: SEV2\n\n## Summary\n\nWebhooks were late.\n\n"
        f"## Action items\n\n- [x] Fix the alert (completed {_yearless(ahead)})\n"
    )
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    record = next(kb_dir.rglob(f"{out['incident']}.md")).read_text()
    assert "status: done" in record and "done: 20" not in record, record
    back = ahead.replace(year=ahead.year - 1)
    assert (
        f"follow-up 'Fix the alert': done {_yearless(ahead)!r} has no year and was not read: the first on or after "
        f"the incident's date ({dated.isoformat()}) is after today ({today.isoformat()}) and the last on or before "
        f"today ({back.isoformat()}) is before the incident; recorded done with no done: day, add it in the record"
    ) in out["notes"], out["notes"]
    assert not any(n.startswith("follow-up 'Fix the alert': done") and "read as" in n for n in out["notes"])
    check = CliRunner().invoke(cli, ["check", "--strict", "--kb", str(kb_dir)])
    assert check.exit_code == 0, check.output


@pytest.mark.parametrize(
    "written, day", [("11-30-2026", "2026-11-30"), ("30-11-2026", "2026-11-30"), ("**Date:** 11-30-2026", "2026-11-30")]
)
def test_a_date_label_written_with_dashes_day_and_month_is_read_as_a_slash_one(kb_dir, tmp_path, written, day):
    # "**Date:** 11-30-2026" (month first, certain since 30 > 12) was "could not read"; slash dates were read
    label = written if written.startswith("**") else f"Date: {written}"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", PM.format(label=label), "--json").output)
    assert out["date"] == day and "date" not in out["triage"], out
    assert "Date" in out["date_source"] and "first dated sentence" not in out["date_source"], out["date_source"]


@pytest.mark.parametrize(
    "written, day", [("11-30-26", "2026-11-30"), ("30-11-26", "2026-11-30"), ("**Date:** 11-30-26", "2026-11-30")]
)
def test_a_date_label_written_with_dashes_and_a_two_digit_year_is_read_as_a_slash_one(kb_dir, tmp_path, written, day):
    # "Date: 11-30-26" was no date at all (the summary's Nov 29 taken instead), while "Date: 11/30/26" was read
    label = written if written.startswith("**") else f"Date: {written}"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", PM.format(label=label), "--json").output)
    assert out["date"] == day and "date" not in out["triage"], out
    assert "Date" in out["date_source"] and "first dated sentence" not in out["date_source"], out["date_source"]


def test_an_ambiguous_two_digit_year_dash_date_is_noted_as_either_way_round(kb_dir, tmp_path):
    text = "# Webhooks delayed\n\nDate: 03-04-26\n\n## Summary\n\nOn Nov 29, 2026 webhooks were delayed.\n"
    r = imp(kb_dir, tmp_path / "pm.md", text, "--json", "--no-draft")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert "date" in out["triage"], out  # not guessed from the summary: the label said a date, not read
    assert any(
        "could not read '03-04-26'" in n and "either way round (4 March 2026 or 3 April 2026)" in n
        for n in out["notes"]
    ), out["notes"]


def test_an_ambiguous_dash_date_is_noted_as_either_way_round_as_a_slash_one_is(kb_dir, tmp_path):
    text = "# Webhooks delayed\n\nDate: 03-04-2026\n\n## Summary\n\nWebhooks were delayed for two hours after the consumer group kept rebalancing.\n"
    r = imp(kb_dir, tmp_path / "pm.md", text, "--json", "--no-draft")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert "date" in out["triage"], out
    assert any(
        "could not read '03-04-2026'" in n
        and "day and month could be either way round (4 March 2026 or 3 April 2026)" in n
        for n in out["notes"]
    ), out["notes"]


@pytest.mark.parametrize("written", ["Thursday, Dec 3", "Thu Dec 3", "Thursday 3 December", "Thu, 3 Dec"])
def test_a_date_label_with_a_weekday_and_no_year_is_read_as_one_without_the_weekday(kb_dir, tmp_path, written):
    # "Date: Thursday, Dec 3" was "date: none found in the postmortem" (the date left for triage); "Dec 3" was read
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", PM.format(label=f"Date: {written}"), "--json").output)
    assert out["date"] == "2026-12-03" and "date" not in out["triage"], out
    assert out["date_source"] == "the 'Date:' line 3", out["date_source"]


def test_a_date_label_with_a_month_or_weekday_not_read_is_said_not_read(kb_dir, tmp_path):
    # "none found in the postmortem" was said of a Date: line the import could not read
    r = imp(kb_dir, tmp_path / "pm.md", PM.format(label="Date: Thursday, Dec 32"), "--json")
    out = json.loads(r.output)
    assert "date" in out["triage"], out
    assert any("date: could not read 'Thursday, Dec 32' (the 'Date:' line 3)" in n for n in out["notes"]), out["notes"]
