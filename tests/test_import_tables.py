"""`recur import` of a postmortem made of tables, with no headings (a reviewer's, 2026-12): its action item table
gave no follow-ups (it was the summary's text), and its table of phases (Detected, Mitigated, Resolved rows) no
duration, its rows read as fields no record holds and the table dropped. Our own text."""

from pathlib import Path

from import_helpers import imported_record

TABLES = """\
# Queue backlog in billing

| | |
|---|---|
| Date | 2026-11-14 |
| Severity | SEV-3 |

Invoices waited in the queue while the worker pool was stuck.

| Stage | Time (UTC) | What happened |
|---|---|---|
| Detected | 08:20 | Queue depth alert |
| Mitigated | 08:55 | Workers restarted |
| Resolved | 09:30 | Backlog drained |

| Follow-up | Owner | Due | Status |
|---|---|---|---|
| Add a liveness probe to billing workers | Ines Duarte | 2026-12-01 | Open |
| Alert on the oldest message's age | Tom Berg | 2026-12-08 | Done |

Nothing else was affected.
"""


def test_an_action_item_table_without_a_heading_gives_follow_ups_and_a_phase_table_the_timeline(fresh_kb, tmp_path):
    out, inc = imported_record(fresh_kb, tmp_path, TABLES)
    # no follow-ups were read: the table was the summary's text
    assert [(f.title, f.owner, f.status) for f in inc.follow_ups] == [
        ("Add a liveness probe to billing workers", "Ines Duarte", "open"),
        ("Alert on the oldest message's age", "Tom Berg", "done"),
    ], out["notes"]
    # the phases give the duration, from the first to the end; no duration was read
    assert inc.duration_minutes == 70, out["notes"]
    record = Path(out["incident_path"]).read_text()
    timeline = record.split("## Timeline\n", 1)[1]
    assert "| Detected | 08:20 | Queue depth alert |" in timeline  # the table was dropped
    # the text around the tables stays the summary's
    summary = inc.summary
    assert "Invoices waited in the queue" in summary and "Nothing else was affected." in summary, summary
    assert "Add a liveness probe" not in summary


FIELDS = """\
# Checkout outage

| | |
|---|---|
| Detected | 2026-11-20 10:12 UTC |
| Resolved | 2026-11-20 11:05 UTC |
| Severity | SEV2 |
| Incident commander | Ana Ruiz |
| Postmortem owner | Kim Lee |

## Summary

Checkout returned 502.
"""


def test_a_field_table_whose_first_row_is_a_phase_stays_the_fields_not_the_timeline(fresh_kb, tmp_path):
    # its first row (Detected) made the whole table the Timeline: no severity read, the postmortem owner dropped
    out, inc = imported_record(fresh_kb, tmp_path, FIELDS)
    assert inc.severity == "sev2", out["notes"]
    assert inc.review.owner == "Kim Lee", out["notes"]
    record = Path(out["incident_path"]).read_text()
    assert "| Severity | SEV2 |" not in record and "Ana Ruiz" in record.split("## People", 1)[1]
    # a table of phases alone, each row a phase or each second cell a time, is still the Timeline
    phases = FIELDS.replace(
        "| Severity | SEV2 |\n| Incident commander | Ana Ruiz |\n| Postmortem owner | Kim Lee |\n", ""
    )
    out, inc = imported_record(fresh_kb, tmp_path, phases, name="phases.md")
    assert "| Detected | 2026-11-20 10:12 UTC |" in Path(out["incident_path"]).read_text().split("## Timeline\n", 1)[1]


MITIGATED = """\
# Checkout outage

Date: 2026-11-20
Severity: SEV2

## Summary

Checkout returned 502.

## Mitigation

| Actions | Owner | Status |
|---|---|---|
| Restart payments-api pods | Ana | Done |
| Fail over to the replica | Kim | Done |

## Root cause

Pool too small.

## {heading}

| Action item | Owner | Due |
|---|---|---|
| Size the pool for the peak | Kim Lee | 2026-12-20 |
"""


def test_an_action_table_inside_the_mitigations_stays_the_mitigations_never_follow_ups(fresh_kb, tmp_path):
    # the Mitigation section's table became two done follow-ups, and the Mitigations section was gone
    out, inc = imported_record(fresh_kb, tmp_path, MITIGATED.format(heading="Follow-ups"))
    assert [(f.title, f.owner, f.status) for f in inc.follow_ups] == [
        ("Size the pool for the peak", "Kim Lee", "open")
    ], out["notes"]
    mitigations = Path(out["incident_path"]).read_text().split("## Mitigations\n", 1)[1].split("\n## ", 1)[0]
    assert "| Restart payments-api pods | Ana | Done |" in mitigations
    # under a heading Recur does not map, the same table is still the action items
    out, inc = imported_record(fresh_kb, tmp_path, MITIGATED.format(heading="Next steps we agreed"), name="other.md")
    assert [f.title for f in inc.follow_ups] == ["Size the pool for the peak"], out["notes"]


OWNERS = """\
# Cache stampede on product pages

Date: 2026-11-20
Severity: SEV3
{people}
## Summary

Product pages timed out when the cache was flushed.

## Action items

| Action item | Owner | Due |
|---|---|---|
| Add request coalescing | Priya, Sam | 2026-12-20 |
| Stagger cache TTLs | Ana Ruiz, Bob | 2026-12-20 |
"""


def test_an_owner_cell_of_two_names_is_split_or_said_kept_whole(fresh_kb, tmp_path):
    out, inc = imported_record(fresh_kb, tmp_path, OWNERS.format(people=""))
    owners = {f.title: f.owner for f in inc.follow_ups}
    # "Ana Ruiz, Bob" was one owner with no note: a piece of two words is a name, the comma a list
    assert owners["Stagger cache TTLs"] == "Ana Ruiz", out["notes"]
    assert any("'Stagger cache TTLs'" in n and "'Bob' left out" in n for n in out["notes"]), out["notes"]
    # "Priya, Sam" may be a surname and a given name ("Smith, Ana"): kept whole, and now said
    assert owners["Add request coalescing"] == "Priya, Sam"
    assert any("owner 'Priya, Sam' kept as one name" in n for n in out["notes"]), out["notes"]
    # the postmortem names them apart: two people, the first the owner
    people = "Incident commander: Priya\nScribe: Sam\n"
    out, inc = imported_record(fresh_kb, tmp_path, OWNERS.format(people=people), name="people.md")
    owners = {f.title: f.owner for f in inc.follow_ups}
    assert owners["Add request coalescing"] == "Priya", out["notes"]
    assert any("'Add request coalescing'" in n and "'Sam' left out" in n for n in out["notes"]), out["notes"]
    assert not any("kept as one name" in n for n in out["notes"]), out["notes"]
