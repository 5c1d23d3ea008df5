"""`recur import`'s incident date beside the review's own lines (a re-read of the date changes, 2026-12): a run of
capitals between two days took minutes, a review line inside the Leadup let the Leadup's day through, and a
review's date line written without a colon was read as the incident's date."""

import json

import pytest
from import_helpers import import_file as imp
from procs import finishes

from recur.ingest.postmortem import parse

SUMMARY = "## Summary\n\nOn Nov 29, 2026 payments failed for forty minutes: the card router ran out of connections.\n"


def _dates(docs: list[str]) -> list[str]:
    return [str(parse(d).date) for d in docs]


def test_a_run_of_capitals_between_two_days_is_read_at_once():
    """Capitals "ON", "AT" and "THE" were read both as words and as a zone's letters between the two days of a span: each
    one doubled the readings tried, 24 of them 11 s a document (131 bytes). Ten such documents within the guard's
    60 s; read as before, they took minutes."""
    docs = [
        f"# Outage {n}\n\n## Summary\n\n1 Nov" + f" {word}" * 24 + " Nov 30, 2026 we lost payments.\n"
        for n in range(5)
        for word in ("ON", "AT")
    ]
    assert finishes(_dates, docs) == ["2026-11-30"] * len(docs)


def test_the_gaps_of_a_span_are_read_as_before(kb_dir, tmp_path):
    """The words a span's gap may hold, the zone's letters among them, still make a span its first day."""
    for n, sentence in enumerate(
        [
            "Between 22:10 UTC on Nov 29 and 00:24 UTC on Nov 30, 2026 webhooks were delayed.",
            "From Nov 29 – Nov 30, 2026 webhooks were delayed.",
            "From Nov 29 22:10 UTC TO Nov 30, 2026 webhooks were delayed.",
            "On Nov 29, 22:10 UTC – 00:24 UTC on the Nov 30, 2026 webhooks were delayed.",
        ]
    ):
        text = f"# Webhooks delayed\n\n## Summary\n\n{sentence}\n"
        out = json.loads(imp(kb_dir, tmp_path / f"pm{n}.md", text, "--json").output)
        assert out["date"] == "2026-11-29", (sentence, out["date"], out["date_source"])


def test_a_review_line_in_the_leadup_leaves_the_leadup_out(kb_dir, tmp_path):
    """The review's lines were taken out before the Leadup was: one inside it left the Leadup no longer as the
    text had it, and the Leadup's day (the deploy, days before) was the incident's."""
    leadup = "## Leadup\n\nOn Nov 18, 2026 we deployed the new router.\n- Design review: Nov 10, 2026 approved it\n"
    text = f"# Payments down\n\n{leadup}\n{SUMMARY}"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    assert out["date"] == "2026-11-29", (out["date"], out["date_source"])


@pytest.mark.parametrize(
    "label",
    [
        "**Review date** 2026-12-09",
        "**Review date** — 2026-12-09",
        "*Review date* Dec 9, 2026",
        "Review date - 2026-12-09",
        "Review date 2026-12-09",
        "Review date Dec 9, 2026",
        "| Review date | Owner |\n|---|---|\n| 2026-12-09 | Sam Okafor |",
        "| Incident | Review date |\n|---|---|\n| Payments down | 2026-12-09 |",
    ],
)
def test_a_review_date_line_without_a_colon_is_not_the_incidents_date(kb_dir, tmp_path, label):
    """A review's date line was known by its colon or pipe alone: its label closed by its emphasis, a dash after
    it, no mark at all after a review field's own label, or a table's column headed by it, and the review's day
    (a week after the incident) was the first dated sentence, the incident's date."""
    text = f"# Payments down\n\n{label}\n\n{SUMMARY}"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    assert out["date"] == "2026-11-29", (out["date"], out["date_source"])
    assert out["date_source"].startswith('the first dated sentence: "On Nov 29, 2026'), out["date_source"]


@pytest.mark.parametrize(
    "label",
    [
        "**Review date** 2026-12-15",
        "**Review date** — 2026-12-15",
        "*Review date* Dec 15, 2026",
        # a dash, or a space alone, after the review field's own label; a table's column headed by it
        "Review date - 2026-12-15",
        "Review date — 2026-12-15",
        "Review date 2026-12-15",
        "Review date Dec 15, 2026",
        "- Review due 2026-12-15",
        "| Review date | Owner |\n|---|---|\n| 2026-12-15 | Sam Okafor |",
        "| Incident | Review date |\n|---|---|\n| Payments down | 2026-12-15 |",
        "| Incident | Owner | PIR date |\n|---|---|---|\n| Payments down | Sam Okafor | Dec 15, 2026 |",
    ],
)
def test_a_review_date_line_without_a_colon_is_the_reviews_due_day(kb_dir, tmp_path, label):
    """A "Review date: 2026-12-15" line is the review's due day; the same label closed by its emphasis, with no
    colon, was no field at all (the framework's default due day was written, 2026-12-09 for a SEV2 of Nov 29), as
    "**Started** 14:05" had been no Started. So were the other forms kept out of the incident's date: a dash or a
    space after the label, a table's column headed by it."""
    text = f"# Payments down\n\nSeverity: SEV2\n{label}\n\n{SUMMARY}"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    assert out["date"] == "2026-11-29", (out["date"], out["date_source"])
    assert out["review"]["due"] == "2026-12-15", out["review"]


@pytest.mark.parametrize(
    "label",
    [
        "Review date TBD",  # no day: the framework's due day, as "Review date: TBD" leaves it
        "| Review date | 2026-12-15 |\n|---|---|\n| Owner | Sam Okafor |",  # a key/value table: its header row
    ],
)
def test_words_that_are_no_review_date_line_leave_the_frameworks_due_day(kb_dir, tmp_path, label):
    text = f"# Payments down\n\nSeverity: SEV2\n{label}\n\n{SUMMARY}"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    due = "2026-12-15" if label.startswith("| Review date | 2026") else "2026-12-09"
    assert out["review"]["due"] == due, (label, out["review"])


def test_a_completed_review_s_date_line_without_a_colon_is_the_day_it_was_held(kb_dir, tmp_path):
    """As "Review date: …" on a completed postmortem: the day the review was held, its done day."""
    text = f"# Payments down\n\nSeverity: SEV2\nStatus: Complete\nReview date - 2026-12-03\n\n{SUMMARY}"
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", text, "--json").output)
    assert out["review"]["status"] == "done" and out["review"]["done"] == "2026-12-03", out["review"]
