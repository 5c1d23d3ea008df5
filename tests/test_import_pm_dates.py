"""`recur import`'s incident date and done days, as a problem manager's real postmortems write them: a
review's or meeting's date is never the incident's, and a span of days is its first day."""

import json

import pytest
from import_helpers import import_file as imp

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
    text = "# Payment webhooks delayed\n\nReview date: 2026-12-09\n\n## Summary\n\nWebhooks were delayed.\n"
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
