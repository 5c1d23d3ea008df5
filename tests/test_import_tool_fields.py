"""`recur import` of write-ups as a reviewer's realistic inputs wrote them (2026-12): an emailed write-up dated by
when it was sent, durations with dotted units misread, review statuses under Blameless's and FireHydrant's labels,
dates in German and year-less forms, incident.io's key timestamps, tools' metadata rows in the Summary, tracker
and severity leftovers in titles, Notion's toggle lists. Our own texts, in the shapes those tools write."""

import datetime as dt

import pytest
from import_helpers import imported_record

from recur.ingest.pm_text import read_duration
from recur.ingest.postmortem import parse

MAIL = """\
From: Dana Kim <dana@example.com>
Date: Wed, 2 Dec 2026 09:12:44 +0100
To: eng@example.com
Subject: Re: [Postmortem] Cart errors on Thursday 11/26

Hi all,

the writeup for Thursday's cart incident (Nov 26, 2026). The pool of 5 was copied from staging.

Follow-ups:
- Add pool size to the checklist (Dana Kim, due Dec 11)
"""


def test_an_emailed_write_up_is_dated_by_the_day_its_body_names_before_the_day_it_was_sent():
    pm = parse(MAIL)
    assert pm.date == dt.date(2026, 11, 26)
    assert pm.date_source.startswith('the first dated sentence: "the writeup for Thursday')
    # a day after the mail is a due date or a review, not the outage's: the header stays
    later = parse(MAIL.replace("(Nov 26, 2026)", "(review on Dec 9, 2026)"))
    assert (later.date, later.date_source) == (dt.date(2026, 12, 2), "the email's Date: header")
    # and with no dated sentence the header is the date, as before
    bare = parse(MAIL.replace(" (Nov 26, 2026)", ""))
    assert (bare.date, bare.date_source) == (dt.date(2026, 12, 2), "the email's Date: header")


def test_an_imported_mail_records_the_outages_day(fresh_kb, tmp_path):
    out, inc = imported_record(fresh_kb, tmp_path, MAIL, "mail.txt")
    assert inc.date == dt.date(2026, 11, 26)
    assert [f.due for f in inc.follow_ups] == [dt.date(2026, 12, 11)]


YEARLESS_MAIL = """\
From: Dana Kim <dana@example.com>
Date: Wed, 2 Dec 2026 09:12:44 +0100
To: eng@example.com
Subject: Checkout errors

Hi all,

here is the writeup for the checkout outage on Thursday (Nov 26). Card payments failed for 40 minutes.
We will go through it at the review on Dec 9.

Follow-ups:
- Add pool size to the checklist (Dana Kim, due Dec 11)
"""


def test_an_emailed_write_up_is_dated_by_the_day_its_body_names_without_a_year():
    # "on Thursday (Nov 26)" was no date: the header's Dec 2, when the mail was sent, was recorded
    pm = parse(YEARLESS_MAIL)
    assert pm.date == dt.date(2026, 11, 26)
    assert pm.date_source.startswith(
        'the first dated sentence: "here is the writeup for the checkout outage on Thursday'
    )
    assert pm.date_note == (
        "date: 'Nov 26' has no year; read as 2026-11-26, the last Nov 26 on or before the email's Date: header "
        "(2026-12-02): correct it in the record if another was meant"
    )
    timeline = parse(YEARLESS_MAIL.replace("on Thursday (Nov 26)", "from Nov 26 14:05 UTC"))
    assert timeline.date == dt.date(2026, 11, 26)


def test_a_day_after_the_mail_is_in_the_year_before_only_across_the_new_year():
    # sent 3 January: "Dec 30" is the last one before it, 2026-12-30
    new_year = parse(YEARLESS_MAIL.replace("Wed, 2 Dec 2026", "Sun, 3 Jan 2027").replace("Nov 26", "Dec 30"))
    assert new_year.date == dt.date(2026, 12, 30)
    # the review's day (Dec 9) and the follow-up's due day (Dec 11), after the mail of Dec 2, are no outage's day:
    # a year back they are far before the mail, and the header stays
    bare = parse(YEARLESS_MAIL.replace(" on Thursday (Nov 26)", ""))
    assert (bare.date, bare.date_source, bare.date_note) == (dt.date(2026, 12, 2), "the email's Date: header", None)
    # nor is a follow-up's due day before the mail (sent 20 December, due Dec 11): the follow-ups date no outage
    late = YEARLESS_MAIL.replace("Wed, 2 Dec 2026", "Sun, 20 Dec 2026").replace(" on Thursday (Nov 26)", "")
    assert parse(late.replace("Dec 9", "Friday")).date == dt.date(2026, 12, 20)
    # a time before a lower-case "may" names no May; a day with its year is read as ever
    verb = parse(YEARLESS_MAIL.replace("on Thursday (Nov 26)", "at 10:05 may 3 times").replace("Dec 9", "Friday"))
    assert (verb.date, verb.date_source) == (dt.date(2026, 12, 2), "the email's Date: header")
    assert parse(YEARLESS_MAIL.replace("(Nov 26)", "(Nov 25, 2026)")).date == dt.date(2026, 11, 25)


def test_a_mails_day_without_a_year_is_not_read_in_its_leadup_nor_its_documents_lines():
    """The Leadup (what came before) and the lines about the document are read for a yearless day never, as
    before _mail_day took _first_dated's text: dated only there, the text _first_dated found the day in has them
    (found while mending: "On Nov 20 we changed the pool" in the Leadup was read as the outage's day)."""
    head = "From: a@x.io\nDate: Wed, 2 Dec 2026 09:12:44 +0100\nSubject: Checkout down\n\n"
    leadup = "## Summary\nCheckout returned 503s.\n\n## Leadup\nOn Nov 20 we changed the pool. The config from 2026-11-18 was kept.\n"
    assert parse(head + leadup).date == dt.date(2026, 11, 18)
    doc = "Created: Nov 28\nLast modified: 2026-11-30\n\n## Summary\nCheckout returned 503s.\n"
    assert parse(head + doc).date == dt.date(2026, 11, 30)


def test_an_imported_mail_records_the_day_its_body_names_and_says_the_year_was_inferred(fresh_kb, tmp_path):
    out, inc = imported_record(fresh_kb, tmp_path, YEARLESS_MAIL, "mail.txt")
    assert inc.date == dt.date(2026, 11, 26) and out["date"] == "2026-11-26"
    assert any(n.startswith("date: 'Nov 26' has no year; read as 2026-11-26") for n in out["notes"]), out["notes"]
    assert [f.due for f in inc.follow_ups] == [dt.date(2026, 12, 11)]


def _duration_pm(value):
    return parse(f"# Payment API outage\n\n**Date:** 2026-11-30\n**Duration:** {value}\n\n## Summary\n\nDown.\n")


@pytest.mark.parametrize("value", ["1 hr. 25 min.", "1h25", "1 hr 25 min", "1h 25m", "1 hour, 25 minutes"])
def test_a_duration_with_dotted_units_or_bare_minutes_after_its_hours_is_read_whole(value):
    # "1 hr. 25 min." and "1h25" were 60: the dot stopped the reading, the bare 25 was dropped
    pm = _duration_pm(value)
    assert pm.duration_minutes == 85, (value, pm.duration_note)


def test_a_duration_with_a_unit_not_read_is_refused_whole_with_a_note():
    # "1 godz. 25 min." (Polish) would be 25 minutes, the hour's part unread, as "1 Std. 25 Min." was
    pm = _duration_pm("1 godz. 25 min.")
    assert pm.duration_minutes is None
    assert pm.duration_note == (
        "duration: '1 godz. 25 min.' (the 'Duration:' line 4) not read: '1 godz.' is no unit read; left empty"
    )


@pytest.mark.parametrize(
    "value, minutes",
    [
        ("1 Std. 25 Min.", 85),
        ("2 Std", 120),
        ("45 Min.", 45),
        ("1 Stunde 25 Minuten", 85),
        ("2 Stunden und 30 Minuten", 150),
        ("1,5 Std.", 90),
        ("90 Sek.", 2),
    ],
)
def test_a_duration_in_german_units_is_read_as_the_english_one(value, minutes):
    # "1 Std. 25 Min." was refused with a note ("'1 Std.' is no unit read"), "2 Std" not read at all
    pm = _duration_pm(value)
    assert pm.duration_minutes == minutes, (value, pm.duration_note)
    assert pm.duration_note is None


def test_a_comma_with_three_digits_before_a_german_unit_is_decimal_and_before_an_english_one_is_not():
    # a thousands comma: "1,500 minutes" was 500 (the "1," dropped unsaid); two groups at most
    assert read_duration("1,500 minutes").minutes == 1500
    assert read_duration("12,345 mins").minutes == 12345 and read_duration("1,000,000 minutes").minutes == 1_000_000
    assert read_duration("1,500 Std.").minutes == 90  # German: a decimal comma whatever its digits
    assert read_duration("1,5 Std. 10 Min.").minutes == 100
    assert _duration_pm("1h 25 users").duration_minutes == 60  # a number with a word after: not the hours' minutes


@pytest.mark.parametrize(
    "value, minutes",
    [("1,5 hours", 90), ("2,25 h", 135), ("1,5h", 90), ("1,50 hours", 90), ("0,5 days", 720), ("1,5 hrs 10 min", 100)],
)
def test_a_decimal_comma_with_one_or_two_digits_is_read_before_an_english_unit(value, minutes):
    # "Duration: 1,5 hours" was 300 minutes ("5 hours"), "2,25 h" 1,500: the digits before the comma dropped unsaid
    pm = _duration_pm(value)
    assert pm.duration_minutes == minutes, (value, pm.duration_note)
    assert pm.duration_note is None


@pytest.mark.parametrize(
    "line",
    [
        "Retrospective Status: Completed",  # Blameless
        "Retro status: Done",
        "**Postmortem:** Completed",
        "**Current milestone:** Retrospective completed",  # FireHydrant
        "**Current milestone:** Postmortem completed",
        "| **Postmortem** | Completed |\n|---|---|\n| Date | 2026-11-30 |",
    ],
)
def test_a_review_status_under_a_tools_label_records_the_review_done(fresh_kb, tmp_path, line):
    # these were lines of the summary and the review recorded pending, overdue from the first report
    text = f"# Kafka rebalance storm\n\n**Date:** 2026-11-22\n{line}\n\n## Summary\n\nConsumers were kicked out.\n"
    out, inc = imported_record(fresh_kb, tmp_path, text)
    assert inc.review.status == "done", out["notes"]
    assert "completed" not in (fresh_kb / out["incident_path"]).read_text().split("## Summary")[1].lower()


def test_a_postmortem_label_naming_no_status_is_no_review_status():
    pm = parse("Postmortem: Payment API outage\n\n**Current milestone:** Mitigated\n\n## Summary\n\nDown.\n")
    assert pm.status is None
    assert "Postmortem: Payment API outage" in pm.sections["Summary"]


def _dated(value, more=""):
    return f"# Payment API outage\n\n**Date:** {value}\n**Severity:** SEV1\n\n## Summary\n\nThe API was down.\n{more}"


def test_a_german_dotted_date_with_a_two_digit_year_is_read_day_first():
    # "30.11.26" gave "date: none found": a dotted date is day first (de), never month first
    pm = parse(_dated("30.11.26"))
    assert (pm.date, pm.date_source) == (dt.date(2026, 11, 30), "the 'Date:' line 3")
    assert parse(_dated("31.11.26")).date_unread == "'31.11.26' (the 'Date:' line 3)"  # no such day: said unread


def test_a_date_without_its_year_takes_the_year_of_the_documents_dates_or_says_it_could_not_be_read(fresh_kb, tmp_path):
    pm = parse(_dated("30 Nov", "\n## Action items\n\n- Pin the driver (Ana, due 2027-01-11)\n"))
    assert pm.date == dt.date(2026, 11, 30)  # nearer 2027-01-11 than 2027-11-30 is
    assert pm.date_note == (
        "date: '30 Nov' (the 'Date:' line 3) has no year; read as 2026-11-30, the nearest to the document's first "
        "dated words ('2027-01-11'): correct it in the record if another was meant"
    )
    out, _ = imported_record(fresh_kb, tmp_path, _dated("30 Nov"))
    said = "date: could not read '30 Nov' (the 'Date:' line 3): it has no year and no other date of the document gives one;"
    assert any(n.startswith(said) for n in out["notes"]), out["notes"]


KEY_TIMESTAMPS = """\
# Search latency after a shard rebalance

**Severity:** Major

## Summary

Search requests timed out after a shard rebalance.

## Key timestamps

| Event | Time |
| --- | --- |
| {start} | 3 Nov 2026 09:41 GMT |
| Reported at | 3 Nov 2026 09:52 GMT |
| {end} | 3 Nov 2026 11:55 GMT |
| Closed at | 3 Nov 2026 12:30 GMT |
"""


@pytest.mark.parametrize(
    ("start", "end"), [("Impact started", "Fixed at"), ("Impact started", "Impact ended"), ("Started", "Resolved at")]
)
def test_incident_ios_impact_started_and_fixed_at_rows_give_the_duration(start, end):
    # "Impact started" / "Fixed at" gave none; "Started" / "Resolved at" gave 134
    pm = parse(KEY_TIMESTAMPS.format(start=start, end=end))
    assert pm.duration_minutes == 134, pm.duration_note
    assert (pm.date, pm.date_source) == (dt.date(2026, 11, 3), f"the {start} row of a table")


BLAMELESS = """\
# Kafka consumer group rebalance storm

Incident Type: Service Degradation
Severity: SEV-2
Incident Commander: Mateo Rossi
Communications Lead: Elif Yilmaz
Start Time: 2026-11-22 18:02:00 +0100
Time to Detect: 9m
Time to Mitigate: 1h 12m
Customer Impact: Yes
**Incident:** #1187 Order events backlog
**Impacted functionalities:** Order confirmations
Assignees: @kwame @lucia
Milestone: Q4 reliability

## Summary

The order-events consumer group entered a rebalance loop after max.poll.interval.ms was lowered.
"""

ROOTLY = """\
# DNS resolution failures

| Field | Value |
|---|---|
| Severity | SEV1 |
| Started At | Nov 30th 2026, 2:14 pm CET |
| Environments | production |
| Teams | Platform, Identity |
| Functionalities | Login, Checkout |

## Summary

CoreDNS pods were evicted and lookups timed out.
"""


def test_a_tools_metadata_lines_go_to_people_references_and_details_not_the_summary():
    pm = parse(BLAMELESS)
    assert pm.sections["Summary"] == (
        "The order-events consumer group entered a rebalance loop after max.poll.interval.ms was lowered."
    )
    assert pm.people == [
        ("Incident Commander", "Mateo Rossi"),
        ("Communications Lead", "Elif Yilmaz"),
        ("Assignees", "@kwame @lucia"),
    ]
    assert pm.sections["References"] == "- Incident: #1187 Order events backlog"
    assert pm.sections["Details"] == (
        "- Incident Type: Service Degradation\n- Time to Detect: 9m\n- Time to Mitigate: 1h 12m\n"
        "- Customer Impact: Yes\n- Impacted functionalities: Order confirmations\n- Milestone: Q4 reliability"
    )
    # a sentence under such a label is the text's: "Customer impact: …" stays in the summary
    said = parse(BLAMELESS.replace("Customer Impact: Yes", "Customer Impact: emails were delayed for 18,000 users"))
    assert "emails were delayed for 18,000 users" in said.sections["Summary"]
    assert (
        "Incident: checkout down"
        in parse("# X\n\nIncident: checkout down\n\n## Summary\n\nDown.\n").sections["Summary"]
    )


def test_a_tools_metadata_rows_are_one_details_section_not_sections_of_their_own(fresh_kb, tmp_path):
    # "## Environments", "## Teams", "## Functionalities" were sections, said as unmapped
    out, inc = imported_record(fresh_kb, tmp_path, ROOTLY)
    text = (fresh_kb / out["incident_path"]).read_text()
    assert (
        "## Details\n- Environments: production\n- Teams: Platform, Identity\n- Functionalities: Login, Checkout\n"
        in text
    )
    assert "## Environments" not in text and "## Teams" not in text
    assert out["unmapped"] == []


BODY = "Requests timed out for a third of users after a rollout copied a pool size of 5 from staging."


@pytest.mark.parametrize(
    ("heading", "title", "reference"),
    [
        (
            "INC-482: Search API latency after a shard rebalance",
            "Search API latency after a shard rebalance",
            "INC-482",
        ),
        ("Postmortem: Redis failover drops sessions (#4521)", "Redis failover drops sessions", "#4521"),
        ("Incident writeup: checkout 500s on Thursday", "checkout 500s on Thursday", None),
    ],
)
def test_a_titles_tracker_key_goes_to_references_and_its_prefix_goes(fresh_kb, tmp_path, heading, title, reference):
    text = f"# {heading}\n\n**Date:** 2026-11-03\n**Severity:** SEV-3\n\n## Summary\n\n{BODY}\n"
    out, inc = imported_record(fresh_kb, tmp_path, text)
    assert inc.title == title
    refs = (fresh_kb / out["incident_path"]).read_text().split("## References")[1]
    assert (f"- Incident: {reference}" in refs) if reference else "- Incident:" not in refs


def test_a_severity_after_the_title_is_read_and_taken_out_of_it(fresh_kb, tmp_path):
    # "(SEV2)" was read as the severity and kept in the title too
    text = f"# Incident writeup: checkout 500s on Thursday (SEV2)\n\n**Date:** 2026-11-26\n\n## Summary\n\n{BODY}\n"
    out, inc = imported_record(fresh_kb, tmp_path, text)
    assert (inc.title, inc.severity) == ("checkout 500s on Thursday", "sev2")


TOGGLES = """\
# Image thumbnailer backlog

Date: December 1, 2026
Severity: Sev 3

## Summary

The thumbnailer workers stopped consuming after a credentials rotation.

- Timeline
    - 07:15 Credentials rotated by the secrets job
    - 09:18 Workers restarted, backlog drains
- Why did it happen? (5 whys)
    - The workers read credentials once at startup.

The backlog drained by 10:30.

## Action items

- Detection
    - [ ] Alert on thumbnailer 4xx ratio (Lars)
"""


def test_a_notion_toggle_list_naming_a_section_is_that_section():
    # "- Timeline" and "- Why did it happen?" with their entries indented were lines of the Summary
    pm = parse(TOGGLES)
    assert pm.sections["Timeline"] == (
        "- 07:15 Credentials rotated by the secrets job\n- 09:18 Workers restarted, backlog drains"
    )
    assert pm.sections["Root cause"] == "- The workers read credentials once at startup."
    # the text after the toggles is the Summary's again
    assert pm.sections["Summary"] == (
        "The thumbnailer workers stopped consuming after a credentials rotation.\n\nThe backlog drained by 10:30."
    )
    assert ("Why did it happen? (5 whys)", "Root cause") in pm.mapped
    # a toggle in the Action items groups follow-ups: no section of its own
    assert "Alert on thumbnailer 4xx ratio (Lars)" in [it["title"] for it in pm.action_items]
    assert "Detection" not in pm.sections
