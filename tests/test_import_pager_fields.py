"""`recur import` of PagerDuty's and Opsgenie's postmortem fields (a reviewer's, 2026-12): "Created:" or
"Triggered:" over "Resolved:" gave no duration, the Resolved line said "not recorded", and "Owner of the
postmortem:" was no review owner. Our own texts."""

from import_helpers import imported_record

from recur.ingest.postmortem import parse

PAGED = """\
# Login errors after a config push

{start}: {when}
Resolved: {end}
Priority: P3
Owner of the postmortem: Rui Costa

## Summary
Logins failed after the identity service's config was pushed.
"""


def test_created_or_triggered_is_the_start_and_owner_of_the_postmortem_the_review_owner(fresh_kb, tmp_path):
    out, inc = imported_record(
        fresh_kb,
        tmp_path,
        PAGED.format(start="Created", when="Nov 12, 2026 at 9:05:00 AM PST", end="Nov 12, 2026 at 10:20:00 AM PST"),
    )
    assert inc.duration_minutes == 75, out["notes"]  # was none, "not recorded: resolved: …"
    assert not any("not recorded" in n for n in out["notes"]), out["notes"]
    assert inc.review.owner == "Rui Costa"  # was "not recorded"
    pm = parse(PAGED.format(start="Triggered", when="2026-11-12T17:05:00Z", end="2026-11-12T18:20:00Z"))
    assert pm.duration_minutes == 75 and "'Triggered:' line 3" in pm.duration_note


def test_a_created_line_that_is_no_incident_start_gives_no_duration():
    # a page created the day after the incident ended: the document's date, never a start
    pm = parse(PAGED.format(start="Created", when="2026-11-13 09:00 UTC", end="2026-11-12 18:20 UTC"))
    assert pm.duration_minutes is None and not (pm.duration_note or "").startswith("duration: not read")
    # a Created: day alone is the document's date, read as the incident's for want of one, and no start
    pm = parse(PAGED.format(start="Created", when="2026-11-12", end="2026-11-12 18:20 UTC"))
    assert pm.duration_minutes is None and str(pm.date) == "2026-11-12"


TRIGGER_WORDS = """\
# Edge fleet outage

Date: 2026-11-20
Severity: SEV2

{label}: a config push to the edge fleet
Resolved: 2026-11-20 15:10 UTC

## Summary

Edge nodes rejected traffic after the push, from 14:05 to 15:10 UTC.
"""


def test_a_triggered_or_created_line_of_words_stays_text_not_the_start():
    # "Triggered: a config push …" was taken as the start, its words lost; it was the Summary's first line
    for label in ("Triggered", "Created"):
        pm = parse(TRIGGER_WORDS.format(label=label))
        assert pm.start is None, label
        assert f"{label}: a config push to the edge fleet" in pm.sections["Summary"], (label, pm.sections)
        assert pm.duration_minutes == 65, pm.duration_note  # the Summary's span, as before
    # a moment after it is still the start, a weekday before its date too
    pm = parse(
        TRIGGER_WORDS.format(label="Triggered").replace(
            "a config push to the edge fleet", "Friday, Nov 20, 2026 14:02 UTC"
        )
    )
    assert pm.start and pm.duration_minutes == 68 and "'Triggered:' line" in pm.duration_note
