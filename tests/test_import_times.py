"""`recur import`: the times of a postmortem's Start:/End:/Resolved: lines and timeline table in their
zones (named ones by the table in docs/cli.md), and what the notes say about how they were read."""

import datetime as dt
import json
import re
from pathlib import Path

from import_helpers import import_file

from recur.ingest.pm_clock import AMBIGUOUS, ASSUMED, US_GENERIC, ZONES
from recur.ingest.postmortem import _timeline_entries, parse
from recur.kb.loader import load_kb

PM = """# Billing queue stalled

Start: {start}
End: {end}

## Summary
The billing queue stopped draining after a consumer deploy left every worker waiting on a lock.

## Root cause
A migration took a table lock that the consumers needed on start-up.
"""


def _start_end(start: str, end: str, label: str = "End"):
    return parse(f"# Queue stalled\n\nStart: {start}\n{label}: {end}\n\n## Summary\nThe queue stalled.\n")


def test_named_zones_in_start_and_end_lines_are_read_by_their_offsets():
    # a zone's name gave no offset: "10:00 UTC" to "11:30 CET" had no duration ("in two zones")
    pm = _start_end("10:00 UTC", "11:30 CET")
    assert pm.duration_minutes == 30 and pm.duration_note.endswith("; CET read as UTC+01:00")
    assert _start_end("9:12 PST", "12:40 EST").duration_minutes == 28
    assert _start_end("14:05 CEST", "12:35 GMT", "Resolved").duration_minutes == 30
    assert _start_end("2026-07-14 23:50 AEST", "2026-07-14 14:20 UTC").duration_minutes == 30
    assert _start_end("2026-03-14 09:12 EET", "2026-03-14 16:40 JST").duration_minutes == 28
    assert _start_end("14:05 (CET)", "14:50 (CET)").duration_minutes == 45
    # "UTC+2" was read as UTC: 09:00 to 08:30 UTC was 1410 minutes, "across midnight"
    assert _start_end("09:00 UTC+2", "08:30 UTC").duration_minutes == 90
    assert _start_end("09:00 GMT-05:00", "14:20 UTC").duration_minutes == 20
    # a US zone without standard or daylight is read by the date's rule, and not without a date
    summer = _start_end("2026-07-01 09:00 PT", "2026-07-01 17:00 UTC")
    assert summer.duration_minutes == 60 and "PT on 2026-07-01 read as PDT (UTC-07:00)" in summer.duration_note
    assert _start_end("2026-12-01 09:00 ET", "2026-12-01 15:00 UTC").duration_minutes == 60
    undated = _start_end("09:00 PT", "17:00 UTC")
    assert undated.duration_minutes is None and "PT is standard or daylight time by the date" in undated.duration_note


def test_a_timeline_table_in_two_zones_is_counted_in_utc():
    table = "| Milestone | Time |\n|---|---|\n| Started | 2026-03-14 10:12 CET |\n| Resolved | 2026-03-14 10:05 UTC |\n"
    pm = parse(f"# Queue stalled\n\n## Summary\nThe queue stalled.\n\n## Timeline\n\n{table}")
    assert pm.duration_minutes == 53 and "CET read as UTC+01:00" in pm.duration_note


def test_an_ambiguous_zone_is_read_one_way_or_not_at_all_and_the_notes_say_which(kb_dir, tmp_path):
    ist = _start_end("09:00 IST", "09:30 UTC")
    assert ist.duration_minutes is None
    assert "IST may be India (UTC+05:30), Irish (UTC+01:00) or Israel (UTC+02:00)" in ist.duration_note
    cst = _start_end("09:00 CST", "16:30 UTC")
    assert cst.duration_minutes == 90 and "CST read as US Central Standard Time (UTC-06:00)" in cst.duration_note
    bst = _start_end("09:00 BST", "08:30 UTC")
    assert bst.duration_minutes == 30 and "BST read as British Summer Time (UTC+01:00)" in bst.duration_note
    # one zone on both: no reading of it needed, nothing to say
    same = _start_end("09:00 IST", "09:30 IST")
    assert same.duration_minutes == 30 and not any(w in same.duration_note for w in ("read as", "may be"))
    # a name that is no zone this reads gives none, said
    assert "'XYZT' is no time zone" in _start_end("10:00 XYZT", "11:00 UTC").duration_note
    r = import_file(kb_dir, tmp_path / "pm.md", PM.format(start="09:00 IST", end="09:30 UTC"), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert load_kb(kb_dir).incidents[out["incident"]].duration_minutes is None
    assert any("IST may be India" in n and n.endswith("left empty") for n in out["notes"]), out["notes"]


def test_a_time_without_a_zone_beside_one_with_a_zone_is_read_in_that_zone_and_said():
    # taken as the same zone silently
    pm = _start_end("2026-03-14 09:00 CET", "2026-03-14 10:05")
    assert pm.duration_minutes == 65 and pm.date == dt.date(2026, 3, 14)
    assert pm.duration_note.endswith("; '10:05' names no zone: read in CET, as '09:00 CET'")
    iso = _start_end("2026-03-14T09:12:00Z", "10:20")
    assert iso.duration_minutes == 68 and "'10:20' names no zone: read in UTC" in iso.duration_note
    # a word in capitals after a time is no zone unless it is one; lower case never is: "then" was a zone
    assert _start_end("09:00 UTC", "10:05 then restarted").duration_minutes == 65
    assert "read in UTC" in _start_end("09:00 UTC", "10:05 ETA").duration_note
    assert "zone" not in _start_end("09:00", "10:05").duration_note


def test_the_zone_table_in_the_docs_is_the_one_read():
    # the names a user may write are the documented ones: a name added to one and not the other fails
    text = (Path(__file__).parents[1] / "docs" / "cli.md").read_text()
    section = text.split("### Times and zones in `recur import`")[1].split("\n### ")[0]
    documented = {}
    for sign, hours, minutes, names in re.findall(r"^\| ([+-])(\d\d):(\d\d) \| (.+) \|$", section, re.M):
        for name in re.findall(r"`([A-Z]+)`", names):
            documented[name] = (1 if sign == "+" else -1) * (int(hours) * 60 + int(minutes))
    assert documented == ZONES
    for name in (*ASSUMED, *AMBIGUOUS, *US_GENERIC):
        assert f"`{name}`" in section, name


def test_dates_without_times_give_no_duration_and_the_note_says_the_days():
    # the record's duration is minutes of user-visible impact (kb-format), which days do not say: the
    # note said only "no time of day in one of them"
    pm = _start_end("2026-10-21", "2026-10-23")
    assert pm.duration_minutes is None and pm.date == dt.date(2026, 10, 21)
    assert "dates without times (3 calendar days) say no minutes of impact; left empty" in pm.duration_note
    assert "(1 calendar day)" in _start_end("Oct 21, 2026", "Oct 21, 2026").duration_note
    assert "no time of day in one of them" in _start_end("2026-10-21 09:00", "2026-10-23").duration_note


def _summary(text: str):
    return parse(f"# Checkout down\n\n## Summary\n{text}\n\n## Impact\nUsers could not pay.\n")


def test_a_range_of_times_in_prose_with_a_zone_after_each_is_the_duration():
    # "from 09:12 UTC to 10:05 UTC": the zone between the times made both times of day, no duration;
    # "between 14:05 and 14:50 CET", one zone at the end, was read
    pm = _summary("Checkout failed from 09:12 UTC to 10:05 UTC for every user.")
    assert pm.duration_minutes == 53
    assert (
        pm.duration_note
        == "duration: 53 minutes read from the Summary ('from 09:12 UTC to 10:05 UTC'): no field says it"
    )
    two = _summary("Checkout failed from 14:05 CET to 13:50 UTC.")
    assert two.duration_minutes == 45 and two.duration_note.endswith("; CET read as UTC+01:00")
    assert _summary("Checkout failed between 9:12am and 10:05am PT.").duration_minutes == 53
    assert _summary("Checkout failed from 11:40 PM to 12:25 AM EST.").duration_minutes == 45
    assert _summary("Checkout failed between 14:05 and 14:50 CET.").duration_minutes == 45  # as before
    unread = _summary("Checkout failed from 14:05 IST to 13:50 UTC.")
    assert unread.duration_minutes is None and "IST may be India" in unread.duration_note
    # a duration the prose says first is still the one read
    assert _summary("Checkout failed for 66 minutes from 14:05 CET.").duration_minutes == 66


def test_a_duration_field_written_as_two_times_in_zones_is_the_time_between():
    # "Duration: 09:12 UTC – 10:05 UTC" was "not read as a duration" ("09:12–10:05 UTC" was read)
    def duration(value):
        return parse(f"# Queue stalled\n\nDuration: {value}\n\n## Summary\nThe queue stalled for a while.\n")

    assert duration("09:12 UTC – 10:05 UTC").duration_minutes == 53
    two = duration("14:05 CET - 13:50 UTC")
    assert two.duration_minutes == 45 and two.duration_note.endswith("; CET read as UTC+01:00")
    assert duration("9:12am to 10:05am PT").duration_minutes == 53
    unread = duration("14:05 IST - 13:50 UTC")
    assert unread.duration_minutes is None and "IST may be India" in unread.duration_note
    assert duration("09:12–10:05 UTC").duration_minutes == 53  # as before


def _duration(value):
    return parse(f"# Queue stalled\n\nDuration: {value}\n\n## Summary\nThe queue stalled for a while.\n")


def test_a_time_glued_after_a_zones_name_and_a_minus_is_a_range_where_one_is_looked_for():
    # "10:00 UTC-11:00" was a time at UTC-11:00: a Duration: field of it was read as 660 minutes (the
    # "11:00" alone), the Impact's "from 10:00 UTC-11:00" as nothing; the note says the other reading
    glued = _duration("10:00 UTC-11:00")
    assert glued.duration_minutes == 60
    assert glued.duration_note.endswith(
        "'10:00 UTC-11:00' read as the range 10:00 to 11:00 UTC, not 10:00 at UTC-11:00"
    )
    impact = parse(
        "# Checkout down\n\n## Summary\nCheckout failed.\n\n## Impact\nUsers could not pay from 10:00 UTC-11:00.\n"
    )
    assert impact.duration_minutes == 60 and "read as the range 10:00 to 11:00 UTC" in impact.duration_note
    # no offset is -13:15: a range, nothing to say
    never = _duration("10:00 UTC-13:15")
    assert never.duration_minutes == 195 and never.duration_note.endswith("the time from '10:00 UTC-13:15'")
    # an offset whose time is no end after the start is the offset: no duration (it was 300 minutes, "05:00")
    offset = _duration("09:00 GMT-05:00")
    assert offset.duration_minutes is None and "not read as a duration" in offset.duration_note


def test_a_start_that_may_be_an_offset_or_a_range_gives_no_duration_and_the_note_says_both():
    # "Start: 10:00 UTC-11:00" beside "End: 12:00 UTC" was 900 minutes (10:00 at UTC-11:00 is 21:00 UTC)
    pm = _start_end("10:00 UTC-11:00", "12:00 UTC")
    assert pm.duration_minutes is None
    assert "'10:00 UTC-11:00' may be 10:00 at UTC-11:00 or the range 10:00 to 11:00 UTC: not read" in pm.duration_note
    assert "write '10:00 – 11:00 UTC' for the range, '10:00 UTC-11' for the offset" in pm.duration_note
    # the same offset on both is one zone; an offset that is no range, or one no range could be, is read
    assert _start_end("10:00 UTC-11:00", "12:00 UTC-11:00").duration_minutes == 120
    assert _start_end("10:00 UTC-11", "22:00 UTC").duration_minutes == 60
    assert _start_end("09:00 GMT-05:00", "14:20 UTC").duration_minutes == 20  # as before
    assert _start_end("2026-03-14T03:00:00-05:00", "2026-03-14T09:00:00Z").duration_minutes == 60  # as before
    # "-13:00" is no offset: the time is 10:00 UTC (it was read as UTC-13:00, 780 minutes)
    assert _start_end("10:00 UTC-13:00", "12:00 UTC").duration_minutes == 120


def test_a_start_glued_to_its_offset_is_read_when_the_other_line_gives_its_own_offset_too(kb_dir, tmp_path):
    # "Start: 03:00 UTC-05:00" beside "End: 09:10 UTC+01:00" was left unread, the note giving both readings:
    # a writer of offsets on both lines gives two points in time, each converted to UTC (08:00 to 08:10)
    pm = _start_end("2026-03-14 03:00 UTC-05:00", "2026-03-14 09:10 UTC+01:00")
    assert pm.duration_minutes == 10
    assert pm.duration_note.endswith(
        "; '03:00 UTC-05:00' read as 03:00 at UTC-05:00, not the range 03:00 to 05:00 UTC: "
        "the other time gives its own offset too"
    )
    assert _start_end("03:00 UTC-05:00", "2026-03-14T08:40:00Z").duration_minutes == 40
    assert _start_end("03:00 UTC-05:00", "08:40 +00:00", "Resolved").duration_minutes == 40
    assert _start_end("03:00 UTC-05:00", "04:10 UTC-04:00").duration_minutes == 10  # a summer-time change between
    both = _start_end("03:00 UTC-05:00", "03:00 UTC-06:00")
    assert both.duration_minutes == 60 and both.duration_note.count("the other time gives its own offset too") == 2
    # beside a zone's name or no zone the line may still be a range: not read, the note says both readings
    for end in ("08:40 UTC", "08:40", "09:40 CET"):
        pm = _start_end("03:00 UTC-05:00", end)
        assert pm.duration_minutes is None, end
        assert "'03:00 UTC-05:00' may be 03:00 at UTC-05:00 or the range 03:00 to 05:00 UTC: not read" in (
            pm.duration_note
        )
    text = PM.format(start="2026-03-14 03:00 UTC-05:00", end="2026-03-14 09:10 UTC+01:00")
    r = import_file(kb_dir, tmp_path / "pm.md", text, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert load_kb(kb_dir).incidents[out["incident"]].duration_minutes == 10
    assert any("read as 03:00 at UTC-05:00" in n for n in out["notes"]), out["notes"]


def _timeline(entries: str, fields: str = ""):
    return parse(f"# Checkout down\n\n{fields}## Summary\nCheckout failed.\n\n## Timeline\n{entries}\n")


def test_a_timeline_that_marks_a_start_and_an_end_is_the_duration_and_the_note_names_its_lines(kb_dir, tmp_path):
    # a timeline's bullets gave no duration when no Start:/End: line did
    pm = _timeline(
        "- 13:50 CET: deploy of v2.3\n- 14:05 CET: alert fired\n- 14:20 CET: rolled back\n- 15:10 CET: resolved"
    )
    assert pm.duration_minutes == 65
    assert pm.duration_note == (
        "duration: 65 minutes read from the timeline ('14:05 CET: alert fired' to '15:10 CET: resolved'), its "
        "first time marking a start to its last marking an end: no field says it"
    )
    # in two zones (counted in UTC), as a table, under dated headings across midnight
    assert _timeline("- 14:05 CET: paged\n- 14:10 UTC: service restored").duration_minutes == 65
    table = "| Time | Event |\n|---|---|\n| 14:05 UTC | Paged on-call |\n| 15:10 UTC | Resolved |"
    assert _timeline(table).duration_minutes == 65
    dated = _timeline("### 2026-03-14\n- 23:40 UTC alert fired\n### 2026-03-15\n- 00:25 UTC resolved")
    assert dated.duration_minutes == 45
    # a field or the prose says it first; without a start and an end marked, nothing is inferred
    assert _timeline("- 14:05 alert fired\n- 15:10 resolved", "Duration: 45 minutes\n\n").duration_minutes == 45
    for unmarked in ("- 14:05 alert fired\n- 14:50 mitigated", "- 14:05 alert fired\n- 14:50 not resolved yet"):
        assert (_timeline(unmarked).duration_minutes, _timeline(unmarked).duration_note) == (None, None)
    assert _timeline("- 14:05 latency rose\n- 14:50 resolved").duration_minutes is None
    assert _timeline("- 14:05 paged\n- 14:30 recovery started\n- 14:50 partially restored").duration_minutes is None
    assert _timeline("- 14:05 paged\n- 14:50 resolved, still monitoring").duration_minutes == 45
    # over more than a day with no dates: no guess
    long = _timeline("- 23:40 alert fired\n- 08:00 still failing\n- 20:00 still failing\n- 00:25 resolved")
    assert long.duration_minutes is None and "may run over more than a day" in long.duration_note
    text = "# Checkout down\n\n## Summary\nCheckout failed.\n\n## Timeline\n- 14:05 CET: alert fired\n- 15:10 CET: resolved\n"
    r = import_file(kb_dir, tmp_path / "pm.md", text, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert load_kb(kb_dir).incidents[out["incident"]].duration_minutes == 65
    assert any(n.startswith("duration: 65 minutes read from the timeline") for n in out["notes"]), out["notes"]


def test_a_timeline_table_with_its_time_in_a_later_column_reads_detected_as_a_start(kb_dir, tmp_path):
    # "| Detected | 14:05 UTC |" gave no duration where "- 14:05 UTC: Detected" gave one: a row was an entry
    # only when it opened with its time, and "Detected" as a row's label is no Started: field
    bullets = _timeline("- 14:05 UTC: Detected\n- 14:40 UTC: rolled back\n- 15:10 UTC: Resolved")
    assert bullets.duration_minutes == 65
    table = (
        "| Event | Time |\n|---|---|\n| Detected | 14:05 UTC |\n| Rolled back | 14:40 UTC |\n| Resolved | 15:10 UTC |"
    )
    pm = _timeline(table)
    assert pm.duration_minutes == 65
    assert pm.duration_note.startswith(
        "duration: 65 minutes read from the timeline ('Detected 14:05 UTC' to 'Resolved 15:10 UTC')"
    )
    assert "detected: 14:05 UTC" in pm.unkept  # named in the notes, as ever
    numbered = "| # | Time | Event |\n|---|---|---|\n| 1 | 23:40 CET | Detected |\n| 2 | 00:25 CET | Resolved |"
    assert _timeline(numbered).duration_minutes == 45
    dated = (
        "| Event | Date | Time |\n|---|---|---|\n| Detected | 2026-03-14 | 23:40 |\n| Resolved | 2026-03-16 | 00:25 |"
    )
    assert _timeline(dated).duration_minutes == 1485  # each row on its own date column's day
    # a timeline summary's columns, "| Detected | Resolved |" over a row of times, as the rows (it gave none)
    columns = _timeline("| Date | Detected | Resolved |\n|---|---|---|\n| 2026-03-14 | 23:40 UTC | 00:25 UTC |")
    assert (
        columns.duration_minutes == 45 and "('Detected: 23:40 UTC' to 'Resolved: 00:25 UTC')" in columns.duration_note
    )
    # a line that gives its time after a label, as such a row does (it gave none either)
    labels = _timeline("- Detected: 14:05 UTC\n- Rolled back: 14:40 UTC\n- Resolved: 15:10 UTC")
    assert labels.duration_minutes == 65 and "('Detected: 14:05 UTC' to 'Resolved: 15:10 UTC')" in labels.duration_note
    assert _timeline("- Deploy: 14:05 v2.3 rolled out\n- Resolved: 15:10 UTC").duration_minutes is None
    # as in a bullet list: a table marking no start, or no end, gives none; a Started row is the start
    for unmarked in ("| Latency rose | 14:05 |\n| Resolved | 15:10 |", "| Detected | 14:05 |\n| Mitigated | 15:10 |"):
        assert _timeline(f"| Event | Time |\n|---|---|\n{unmarked}").duration_minutes is None, unmarked
    started = _timeline(table.replace("| Rolled back | 14:40 UTC |", "| Started | 13:50 UTC |"))
    assert started.duration_minutes == 80 and "Started row" in started.duration_note
    text = f"# Checkout down\n\n## Summary\nCheckout failed.\n\n## Timeline\n{table}\n"
    r = import_file(kb_dir, tmp_path / "pm.md", text, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert load_kb(kb_dir).incidents[out["incident"]].duration_minutes == 65


INGRESS = """\
# Postmortem: Checkout 502s after the ingress controller reload

**Date:** 2026-11-20
**Severity:** SEV-2

## Summary

Checkout answered 502 for an hour: an ingress controller reload dropped the upstreams of the
checkout service and the health checks kept the empty pool in rotation.

## Timeline

{timeline}

## Action Items

Action item | Owner | Due
--- | --- | ---
Add a canary for ingress reloads | Sam Ortiz | 2026-12-19
"""


def test_a_timeline_table_without_outer_pipes_is_read_as_the_piped_one(kb_dir, tmp_path):
    # GitHub-flavoured Markdown's "Event | Time" over "--- | ---": its rows were text, no entry read,
    # the record had no duration (and the follow-up table without its pipes no follow-up)
    rows = (
        "Event | Time (UTC)\n:--- | ---:\nAlert fired: checkout 5xx above 5% | 14:05\n"
        "Ingress rolled back | 14:40\nResolved, error rate back to normal | 15:10"
    )
    r = import_file(kb_dir, tmp_path / "pm.md", INGRESS.format(timeline=rows), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.duration_minutes == 65
    assert (
        "duration: 65 minutes read from the timeline ('Alert fired: checkout 5xx above 5% 14:05' to "
        "'Resolved, error rate back to normal 15:10')"
    ) in " ".join(out["notes"])
    assert [(f.title, f.owner, f.due) for f in inc.follow_ups] == [
        ("Add a canary for ingress reloads", "Sam Ortiz", dt.date(2026, 12, 19))
    ]
    assert "| Ingress rolled back | 14:40 |" in inc.sections["Timeline"]  # kept as the table it is
    # as the piped table is read: a summary's columns, a time in a middle column, a Started row
    for timeline, minutes in (
        ("Detected | Resolved\n--- | ---\n14:05 UTC | 15:10 UTC", 65),
        ("Step | Time | Event\n---|---|---\n1 | 14:05 UTC | Paged\n2 | 15:10 UTC | Resolved", 65),
        ("Event | Time\n--- | ---\nStarted | 13:50 UTC\nDetected | 14:05 UTC\nResolved | 15:10 UTC", 80),
    ):
        assert _timeline(timeline).duration_minutes == minutes, timeline
        assert _timeline(timeline).duration_minutes == _timeline(_piped(timeline)).duration_minutes
    # in a list item: its rows stay indented under it
    listed = _timeline(
        "- From the incident channel:\n\n  Event | Time\n  --- | ---\n  Paged | 14:05\n  Resolved | 15:10"
    )
    assert listed.duration_minutes == 65 and "\n  | Paged | 14:05 |\n" in listed.sections["Timeline"]
    # no table (as GFM reads none): a delimiter row under a list item, or in a code block
    assert _timeline("- Paged | 14:05\n--- | ---\nResolved | 15:10\n").duration_minutes is None
    code = "```\nEvent | Time\n--- | ---\nPaged | 14:05\nResolved | 15:10\n```"
    assert _timeline(code).duration_minutes is None


def _piped(table: str) -> str:
    return "\n".join(f"| {row} |" for row in table.split("\n"))


def test_a_timeline_line_with_its_label_in_bold_and_no_colon_gives_its_time(kb_dir, tmp_path):
    # "- **Detected** 14:05 — alert fired" was no entry (only "- **Detected:** 14:05" alone was one): the
    # timeline marked no start and the record had no duration
    timeline = (
        "- **Detected** 14:05 — alert fired: checkout 5xx above 5%\n- **Mitigated** 14:40 — ingress rolled back\n"
        "- **Resolved** 15:10 — error rate back to normal"
    )
    r = import_file(kb_dir, tmp_path / "pm.md", INGRESS.format(timeline=timeline), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert load_kb(kb_dir).incidents[out["incident"]].duration_minutes == 65
    assert (
        "duration: 65 minutes read from the timeline ('Detected 14:05 — alert fired: checkout 5xx above 5%' to "
        "'Resolved 15:10 — error rate back to normal')"
    ) in " ".join(out["notes"])
    # its neighbours: "at" before the time, italics, the colon inside or after the label, words after a colon
    for start in (
        "**Detected** at 14:05",
        "*Detected* 14:05",
        "__Detected__ 14:05 UTC: paged",
        "**Detected:** 14:05 — alert fired",
        "**Detected**: 14:05",
        "Detected: 14:05 — alert fired",
    ):
        assert _timeline(f"- {start}\n- **Resolved** 15:10").duration_minutes == 65, start
    # no label closed by emphasis or a colon, no time right after it, or words straight after the time: no entry
    for line in (
        "Detected 3 errors in the payment logs at 14:05",
        "Detected 14:05 alert fired",
        "**Detected** 3 errors at 14:05",
        "*Detected* errors from 14:05",
        "**Detected** 14:05 v2.3 canary rolled out",
    ):
        assert _timeline(f"- {line}\n- **Resolved** 15:10").duration_minutes is None, line


def test_a_time_field_with_its_label_in_bold_and_no_colon_is_the_field(kb_dir, tmp_path):
    # "**Started** 2026-11-20 14:05 UTC" among the fields was the summary's first line and gave no duration,
    # where "**Started:** 2026-11-20 14:05 UTC" gave one
    fields = "**Started** 2026-11-20 14:05 UTC\n- **Resolved** at 2026-11-20 15:10 UTC\n**Detected** 3 errors an hour"
    text = INGRESS.format(timeline="The on-call's notes are in the channel.").replace("**Severity:** SEV-2", fields)
    r = import_file(kb_dir, tmp_path / "pm.md", text, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.duration_minutes == 65
    # the labels quoted as written: no colon on those lines, none in the note
    assert "duration: 65 minutes from the 'Started' line 4 ('2026-11-20 14:05 UTC') to the 'Resolved' line 5" in (
        " ".join(out["notes"])
    )
    assert "Started" not in inc.sections["Summary"] and "Resolved" not in inc.sections["Summary"]
    # no time after the label: no field ("**Detected** 3 errors" is the author's text, as before)
    assert "**Detected** 3 errors an hour" in inc.sections["Summary"]


def test_a_time_field_in_italics_is_the_field_as_in_bold():
    # "*Started* at 14:05" was an entry of a timeline but no Started field, where "**Started** at 14:05" was one:
    # the fields and the timeline read a label then a time with two regexes that differed
    for started in ("**Started** at", "*Started* at", "- _Started_ @"):
        fields = f"{started} 2026-11-20 14:05 UTC\n- **Resolved** 2026-11-20 15:10 UTC\n\n"
        pm = _timeline("The on-call's notes are in the channel.", fields)
        assert pm.duration_minutes == 65, started
        assert pm.duration_note.startswith(
            "duration: 65 minutes from the 'Started' line 3 ('2026-11-20 14:05 UTC') to the 'Resolved' line 4"
        ), (started, pm.duration_note)
        assert "Started" not in pm.sections["Summary"], started


def _imported(kb_dir, tmp_path, text: str):
    """The record and the notes of ``text`` imported through `recur import --json`."""
    r = import_file(kb_dir, tmp_path / "pm.md", text, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    return load_kb(kb_dir).incidents[out["incident"]], " ".join(out["notes"])


def test_a_timeline_bullet_with_a_time_label_and_no_colon_or_emphasis_gives_its_time(kb_dir, tmp_path):
    # "- Detected 14:05" and "- Resolved 15:10" were no entries (only "- **Detected** 14:05" or
    # "- Detected: 14:05" were): the timeline marked no start and the record had no duration
    timeline = (
        "- Detected 14:05 — alert fired: checkout 5xx above 5%\n- Mitigated at 14:40 — ingress rolled back\n"
        "- Resolved 15:10"
    )
    inc, notes = _imported(kb_dir, tmp_path, INGRESS.format(timeline=timeline))
    assert inc.duration_minutes == 65
    assert (
        "duration: 65 minutes read from the timeline ('Detected 14:05 — alert fired: checkout 5xx above 5%' to "
        "'Resolved 15:10')"
    ) in notes
    assert "- Detected 14:05 — alert fired" in inc.sections["Timeline"]  # the timeline kept as written
    # "at" or "@" before the time, a zone, a date, a numbered list, lower case, the field's longer names
    for start, end, minutes in (
        ("Detected at 14:05 UTC", "Resolved at 15:20 UTC", 75),
        ("Detected 2026-03-04 14:05", "Resolved: 2026-03-04 15:20", 75),
        ("detected @ 14:05", "resolved 15:20 - error rate back to normal", 75),
        ("Started 13:50 UTC", "Recovered 15:20 UTC", 90),
        ("Start time 13:50", "Ended at 15:20", 90),
    ):
        assert _timeline(f"- {start}\n- Rolled back: 14:40\n- {end}").duration_minutes == minutes, start
        assert _timeline(f"1. {start}\n2. {end}").duration_minutes == minutes, start
    # mitigated is no end, as ever
    assert _timeline("- Detected 14:05\n- Mitigated 2026-03-04 15:00").duration_minutes is None


def test_a_timeline_bullet_of_prose_is_no_entry_with_a_time_label_or_without(kb_dir, tmp_path):
    # a sentence, a label that names no time field, a count after the label, or words straight after the
    # time: no entry, as a line with no colon or emphasis was none before
    timeline = "- We detected the issue after customers complained at 14:05 via support\n- Resolved 15:10"
    inc, notes = _imported(kb_dir, tmp_path, INGRESS.format(timeline=timeline))
    assert inc.duration_minutes is None and "duration" not in notes, notes
    assert "- We detected the issue after customers complained at 14:05 via support" in inc.sections["Timeline"]
    for line in (
        "We detected the issue after customers complained at 14:05 via support",
        "We detected the issue at 14:05",
        "Detected 3 errors in the payment logs at 14:05",
        "Detected 14:05 alert fired",
        "Detected after 14:05",
        "Detected by support at 14:05",
        "Noticed 14:05",  # a label no field and no step of the response names
        "Paged 2 engineers at 14:05",
        "Paged 14:05 the database on-call",
        "Detectedness 14:05",
    ):
        assert _timeline(f"- {line}\n- **Resolved** 15:10").duration_minutes is None, line
    # not a list item: a paragraph's line stays prose
    assert _timeline("Detected 14:05\n\n- **Resolved** 15:10").duration_minutes is None


def test_a_timeline_bullet_labelled_with_a_step_of_the_response_is_an_entry(kb_dir, tmp_path):
    # "- Paged 14:05", "- Escalated 14:20 UTC": no entries, where "- Detected 14:05" was one; a timeline opening
    # with the page was counted from its next line that marks a start (here none: no duration)
    timeline = (
        "- Paged 14:05 — checkout 5xx above 5%\n- Acknowledged at 14:07 by the on-call\n"
        "- Escalated 14:20 UTC - ingress team joined\n- Mitigated at 14:40 — ingress rolled back\n"
        "- Resolved at 15:10 UTC"
    )
    inc, notes = _imported(kb_dir, tmp_path, INGRESS.format(timeline=timeline))
    assert inc.duration_minutes == 65, notes
    assert "read from the timeline ('Paged 14:05 — checkout 5xx above 5%' to 'Resolved at 15:10 UTC')" in notes
    # each is an entry with its time, its label its words (the words past a colon or a dash after the time)
    entries = _timeline_entries(
        "- Acked 14:07\n- Escalated 14:20 UTC\n- Declared at 14:22 — SEV2\n- Acknowledged @ 14:09\n- Alerted 14:01"
    )
    assert [(at.minute, words) for at, words, _ in entries] == [
        (14 * 60 + 7, "Acked"),
        (14 * 60 + 20, "Escalated"),
        (14 * 60 + 22, "Declared SEV2"),
        (14 * 60 + 9, "Acknowledged"),
        (14 * 60 + 1, "Alerted"),
    ]


def test_a_time_field_in_a_bullet_with_no_colon_or_emphasis_is_the_field(kb_dir, tmp_path):
    # "- Started 2026-11-20 14:05 UTC" among the fields was the summary's first line and gave no duration,
    # where "- **Started** 2026-11-20 14:05 UTC" and "- Started: 2026-11-20 14:05 UTC" gave one
    fields = (
        "- Started 2026-11-20 14:05 UTC\n- Detected at 2026-11-20 14:12 UTC\n- Resolved 2026-11-20 15:10 UTC\n"
        "- Started 3 rollbacks before noon"
    )
    text = INGRESS.format(timeline="The on-call's notes are in the channel.").replace("**Severity:** SEV-2", fields)
    inc, notes = _imported(kb_dir, tmp_path, text)
    assert inc.duration_minutes == 65
    assert "duration: 65 minutes from the 'Started' line 4 ('2026-11-20 14:05 UTC') to the 'Resolved' line 6" in notes
    assert "detected: 2026-11-20 14:12 UTC" in notes  # named in the notes, as a Detected: line is
    summary = inc.sections["Summary"]
    assert "Started 2026-11-20" not in summary and "Resolved" not in summary and "Detected" not in summary
    # no time after the label: the author's text, as before
    assert "- Started 3 rollbacks before noon" in summary
    # a Mitigated line is never the end, with or without its colon
    for mitigated in ("- Mitigated 2026-11-20 15:00 UTC", "- Mitigated: 2026-11-20 15:00 UTC"):
        fields = f"- Started 2026-11-20 14:05 UTC\n{mitigated}"
        pm = _timeline("The on-call's notes are in the channel.", fields + "\n\n")
        assert pm.duration_minutes is None, mitigated
        assert "mitigated is not the end of the incident" in pm.duration_note, mitigated


def test_a_duration_field_the_start_and_end_disagree_with_is_kept_and_said(fresh_kb, tmp_path):
    text = (
        "# Cache down\n\nDate: 2026-11-02\nStart: 2026-11-02 14:00 UTC\nEnd: 2026-11-02 16:30 UTC\n"
        "Duration: 90 min\n\n## Summary\nThe cache cluster was down.\n"
    )
    r = import_file(fresh_kb, tmp_path / "pm.md", text, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert load_kb(fresh_kb).incidents[out["incident"]].duration_minutes == 90  # the Duration field's
    # 150 minutes from Start to End, which went unsaid
    assert any("90 minutes recorded" in n and "is 150 minutes" in n for n in out["notes"]), out["notes"]
    # the two agreeing (a minute apart at most: seconds): nothing said
    pm = parse(text.replace("16:30", "15:31"))
    assert pm.duration_minutes == 90 and pm.duration_note is None


def test_a_us_zone_without_standard_or_daylight_is_read_by_the_time_on_the_day_its_clocks_change():
    # 01:30 PT on 2026-03-08 is PST and 03:10 PT PDT (02:00 became 03:00): 40 minutes, read as 100 by the day
    spring = _start_end("2026-03-08 01:30 PT", "2026-03-08 03:10 PT")
    assert spring.duration_minutes == 40, spring.duration_note
    assert "01:30 PT on 2026-03-08 read as PST (UTC-08:00)" in spring.duration_note
    assert "03:10 PT on 2026-03-08 read as PDT (UTC-07:00)" in spring.duration_note
    # from the evening before, the end on its own date
    assert _start_end("2026-03-07 23:30 PT", "2026-03-08 03:10 PT").duration_minutes == 160
    # 00:30 PDT on 2026-11-01, and 02:30 PST after 01:00 to 02:00 happened twice: 180 minutes
    assert _start_end("2026-11-01 00:30 PT", "2026-11-01 02:30 PT").duration_minutes == 180
    # a time of that hour is either: 50 or 110 minutes, not read one way without a word
    twice = _start_end("2026-11-01 00:30 PT", "2026-11-01 01:20 PT")
    assert twice.duration_minutes is None and "01:20 PT on 2026-11-01 happened twice" in twice.duration_note
    gone = _start_end("2026-03-08 01:30 ET", "2026-03-08 02:30 ET")
    assert gone.duration_minutes is None and "02:30 ET on 2026-03-08 did not happen" in gone.duration_note
    # the same zone on another day, and a time with no zone beside one, as ever
    assert _start_end("2026-07-01 09:00 PT", "2026-07-01 10:30 PT").duration_minutes == 90
    assert _start_end("2026-03-08 01:30 PT", "03:10").duration_minutes == 40


def test_a_timeline_in_a_us_zone_over_its_clock_change_is_counted_on_the_incidents_date():
    text = (
        "# Checkout down\n\nDate: 2026-03-08\n\n## Summary\nCheckout failed.\n\n## Timeline\n"
        "- 01:30 PT: alert fired, checkout down\n- 02:00 PT: paged\n- 03:10 PT: rolled back, resolved\n"
    )
    pm = parse(text)
    assert pm.duration_minutes == 40, pm.duration_note
    assert parse(text.replace("2026-03-08", "2026-03-09")).duration_minutes == 100


def test_a_start_and_end_on_dates_either_order_of_day_and_month_reads_give_no_duration_and_say_both():
    # the dates were not read, the times counted as of one day: 100 minutes for 2 days, or 2 months
    pm = _start_end("03/08/2026 10:30 UTC", "05/08/2026 12:10 UTC")
    assert pm.duration_minutes is None
    assert "'03/08/2026' may be 8 March 2026 or 3 August 2026" in pm.duration_note
    assert "'05/08/2026' may be 8 May 2026 or 5 August 2026: the days between them are not known" in pm.duration_note
    assert _start_end("03/08/2026 10:30 UTC", "2026-03-09 12:10 UTC").duration_minutes is None
    # one date written the same on both, or none beside the end: the days between them are known
    assert _start_end("03/08/2026 10:30 UTC", "03/08/2026 12:10 UTC").duration_minutes == 100
    assert _start_end("03/08/2026 23:30 UTC", "00:10 UTC").duration_minutes == 40
    assert _start_end("13/03/2026 23:30 UTC", "14/03/2026 00:10 UTC").duration_minutes == 40


def test_a_range_in_a_us_zone_in_prose_or_a_duration_field_is_counted_on_the_incidents_date():
    # "from 01:30 PT to 03:10 PT" on 2026-03-08 was 100 minutes: PST to PDT is 40
    def read(body: str):
        return parse(f"# Checkout down\n\nDate: 2026-03-08\n{body}")

    prose = read("\n## Summary\nCheckout failed from 01:30 PT to 03:10 PT.\n")
    assert prose.duration_minutes == 40 and "03:10 PT on 2026-03-08 read as PDT" in prose.duration_note
    assert read("Duration: 01:30 PT to 03:10 PT\n\n## Summary\nx\n").duration_minutes == 40
    # another day, or a zone of fixed offset, as ever
    assert parse("# Down\n\nDate: 2026-03-09\n\n## Summary\nDown from 01:30 PT to 03:10 PT.\n").duration_minutes == 100
    assert read("\n## Summary\nCheckout failed from 01:30 CET to 03:10 CET.\n").duration_minutes == 100


def test_start_and_end_times_in_a_us_zone_without_their_date_are_counted_on_the_incidents_date():
    # "Start: 01:30 PT" / "End: 03:10 PT" under "Date: 2026-03-08" was 100 minutes (no date: the zone twice), where
    # the same times in the timeline, the prose or a Duration: field were 40 (PST to PDT) (found by a re-read)
    def read(start: str, end: str, date: str = "2026-03-08", duration: str = ""):
        return parse(
            f"# Checkout down\n\nDate: {date}\n{duration}Start: {start}\nEnd: {end}\n\n## Summary\nCheckout failed.\n"
        )

    pm = read("01:30 PT", "03:10 PT")
    assert pm.duration_minutes == 40, pm.duration_note
    assert "03:10 PT on 2026-03-08 read as PDT (UTC-07:00)" in pm.duration_note
    assert read("01:30 PT", "03:10 PT", "2026-03-09").duration_minutes == 100
    twice = read("00:30 PT", "01:20 PT", "2026-11-01")
    assert twice.duration_minutes is None and "01:20 PT on 2026-11-01 happened twice" in twice.duration_note
    # the Duration: field and the Start:/End: agree: nothing said of them disagreeing
    agreed = read("01:30 PT", "03:10 PT", duration="Duration: 40 minutes\n")
    assert agreed.duration_minutes == 40 and "check which is right" not in (agreed.duration_note or "")


def test_a_start_on_a_date_either_order_reads_in_a_us_zone_gives_no_duration_when_the_readings_differ():
    # "03/08/2026 01:30 PT" to "03:10 PT": 8 March, the clocks changing (40 minutes), or 3 August (100): it was 100
    pm = _start_end("03/08/2026 01:30 PT", "03:10 PT")
    assert pm.duration_minutes is None, pm.duration_note
    assert (
        "'03/08/2026' may be 8 March 2026 or 3 August 2026: its zone's standard or daylight time depends on which"
    ) in pm.duration_note
    # the end's date written the same way round: day first (8 March or 3 August) it is each time
    assert _start_end("08/03/2026 01:30 PT", "08/03/2026 03:10 PT").duration_minutes is None
    # a day either reading keeps the clocks: one duration, read
    assert _start_end("06/07/2026 01:30 PT", "03:10 PT").duration_minutes == 100
    assert _start_end("03/08/2026 10:30 UTC", "03/08/2026 12:10 UTC").duration_minutes == 100


def test_a_duration_field_in_a_us_zone_above_the_date_line_is_counted_on_the_incidents_date():
    # "Duration: 01:30 PT to 03:10 PT" above "Date: 2026-03-08" was 100 minutes without a word (read before the date
    # was), where below it it is 40: docs/cli.md said to write the offsets there (found by a re-read)
    above = parse("# Checkout down\n\nDuration: 01:30 PT to 03:10 PT\nDate: 2026-03-08\n\n## Summary\nx\n")
    assert above.duration_minutes == 40, above.duration_note
    assert "03:10 PT on 2026-03-08 read as PDT (UTC-07:00)" in above.duration_note
    front = parse("---\nduration: 01:30 PT to 03:10 PT\ndate: 2026-03-08\n---\n# Checkout down\n\n## Summary\nx\n")
    assert front.duration_minutes == 40, front.duration_note
    # a duration in minutes, or a later field's, is kept as read
    assert parse("# Down\n\nDuration: 95 minutes\nDate: 2026-03-08\n\n## Summary\nx\n").duration_minutes == 95
    twice = parse("# Down\n\nDuration: 00:30 PT to 01:20 PT\nDate: 2026-11-01\n\n## Summary\nx\n")
    assert twice.duration_minutes is None and "01:20 PT on 2026-11-01 happened twice" in twice.duration_note


def test_import_date_given_reads_a_documents_undated_us_zone_times_on_that_day(fresh_kb, tmp_path):
    # `recur import --date 2026-03-08` of a document giving no date: its times were read before --date applied, so
    # "01:30 PT" to "03:10 PT" (PST to PDT, 40 minutes) was recorded as 100 (found in the last read of the session)
    start_end = PM.format(start="01:30 PT", end="03:10 PT")
    timeline = (
        "# Checkout down\n\n## Summary\nCheckout failed.\n\n## Timeline\n"
        "- 01:30 PT: alert fired, checkout down\n- 02:00 PT: paged\n- 03:10 PT: rolled back, resolved\n"
    )
    for n, text in enumerate((start_end, timeline)):
        r = import_file(fresh_kb, tmp_path / f"pm{n}.md", text, "--date", "2026-03-08", "--json")
        assert r.exit_code == 0, r.output
        out = json.loads(r.stdout)
        assert load_kb(fresh_kb).incidents[out["incident"]].duration_minutes == 40, out["notes"]
        assert any("03:10 PT on 2026-03-08 read as PDT (UTC-07:00)" in note for note in out["notes"]), out["notes"]
    # another day given: the same times, 100 minutes, as ever
    assert parse(start_end, day=dt.date(2026, 3, 9)).duration_minutes == 100
    assert parse(start_end).duration_minutes == 100


def test_import_date_correcting_the_documents_own_reads_its_undated_times_on_the_date_given(fresh_kb, tmp_path):
    # found in the re-read: --date 2026-03-08 over the document's "Date: 2026-03-09" read "01:30 PT" to "03:10 PT" on
    # the document's date, 100 minutes, while a due date without its year is read against --date then (dues_against):
    # on 8 March, PST to PDT, it is 40; the record's follow-up and its duration now follow the same date
    text = PM.format(start="01:30 PT", end="03:10 PT").replace("\n\nStart:", "\n\nDate: 2026-03-09\nStart:")
    text += "\n## Action items\n- Alert on billing queue depth, due 3/20\n"
    r = import_file(fresh_kb, tmp_path / "pm.md", text, "--date", "2026-03-08", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    inc = load_kb(fresh_kb).incidents[out["incident"]]
    assert inc.date == dt.date(2026, 3, 8) and inc.duration_minutes == 40, out["notes"]
    assert str(inc.follow_ups[0].due) == "2026-03-20", inc.follow_ups
    assert any("03:10 PT on 2026-03-08 read as PDT (UTC-07:00)" in note for note in out["notes"]), out["notes"]
    read = parse(text, day=dt.date(2026, 3, 8))
    assert read.date == dt.date(2026, 3, 9) and read.duration_minutes == 40  # the document's date stays its own
    assert parse(text).duration_minutes == 100 and parse(text, day=dt.date(2026, 3, 9)).duration_minutes == 100
    # autumn: the day given has 01:20 PT twice, so no duration is read, where the document's day gives 50
    autumn = PM.format(start="00:30 PT", end="01:20 PT").replace("\n\nStart:", "\n\nDate: 2026-11-02\nStart:")
    twice = parse(autumn, day=dt.date(2026, 11, 1))
    assert twice.duration_minutes is None and "01:20 PT on 2026-11-01 happened twice" in twice.duration_note
    assert parse(autumn).duration_minutes == 50


def test_undated_us_zone_times_under_a_date_either_way_round_say_what_each_reading_gives():
    # "Date: 03/08/2026" is not read (8 March or 3 August), and its undated PT times gave 100 minutes without a word:
    # 8 March, when the clocks changed, makes 40
    def read(start: str, end: str, date: str = "03/08/2026"):
        return parse(f"# Checkout down\n\nDate: {date}\nStart: {start}\nEnd: {end}\n\n## Summary\nCheckout failed.\n")

    pm = read("01:30 PT", "03:10 PT")
    assert pm.date is None and pm.duration_minutes == 100, pm.duration_note
    assert (
        "counted as of no date (each zone's offset from UTC the same all day): the date '03/08/2026' (the 'Date:' line "
        "3) was not read, and its readings give 40 minutes on 8 March 2026 and 100 minutes on 3 August 2026; pass "
        "--date with the real one"
    ) in pm.duration_note
    twice = read("00:30 PT", "01:20 PT", "11/01/2026")
    assert "50 minutes on 11 January 2026 and no duration on 1 November 2026" in twice.duration_note
    # times whose zone keeps its offset, or a date read: nothing more said
    assert "counted as of no date" not in read("01:30 UTC", "03:10 UTC").duration_note
    assert "counted as of no date" not in read("01:30 PT", "03:10 PT", "2026-03-08").duration_note


def test_a_no_break_space_before_am_pm_or_the_zone_is_a_space():
    # macOS and Chrome write "11:30\u202fAM" (a narrow no-break space), Confluence and Google Docs "\u00a0": the
    # am/pm and the zone after one were not read, "11:30 AM" to "1:10 PM" counted as 11:30 to 01:10, 820 minutes
    for space in ("\u202f", "\u00a0"):
        pm = _start_end(f"11:30{space}AM", f"1:10{space}PM")
        assert pm.duration_minutes == 100, (space, pm.duration_note)
        dst = _start_end(f"2026-03-08 01:30{space}PT", f"2026-03-08 03:10{space}PT")
        assert dst.duration_minutes == 40, (space, dst.duration_note)
