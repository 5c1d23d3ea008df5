"""The postmortem parser on a reviewer's findings: label lines inside a section's prose taken as the
record's fields, the paragraph under a key/value table dropped, a field H1 taken as the title,
escaped pipes in a table cell, old-Mac line endings. Our own text."""

import datetime as dt

from recur.ingest.postmortem import parse

# "Service:" and "Duration:" lines in the Root cause are the author's prose; the real field is in the
# unmapped "Details" section further down, which the first value read used to shadow
PROSE_LABELS = """\
# Queue consumers stalled after the broker upgrade
Date: 2025-06-10
Severity: SEV-3

## Root cause
- Service: the consumer library, which had pinned an old protocol version since 2022
- Duration: the library was deprecated for 18 months and nobody noticed

## Resolution
Bumped the consumer library and restarted the workers.

## Details
Services: order-queue, invoice-worker
Duration: 35 minutes
"""


def test_label_lines_in_a_content_section_do_not_override_the_fields():
    pm = parse(PROSE_LABELS)
    assert pm.services == ["order-queue", "invoice-worker"]
    assert pm.duration_minutes == 35
    # the lines stay the section's text
    assert "- Service: the consumer library, which had pinned" in pm.sections["Root cause"]
    assert "- Duration: the library was deprecated" in pm.sections["Root cause"]


def test_a_sentence_after_a_field_label_in_a_section_is_never_a_field():
    pm = parse(PROSE_LABELS.split("## Details")[0])  # no real field anywhere
    assert pm.services == []
    assert pm.duration_minutes is None  # not 18 months read as a duration


def test_a_short_label_in_a_content_section_is_a_fallback_only():
    # nothing else names the services or the duration: the short values in the Impact are used
    short = (
        "# Cache stampede on the catalog\nDate: 2025-06-11\n\n## Impact\n"
        "Services: catalog-api, search-web\nDuration: 1 hour 10 minutes\n"
        "Product pages were slow for most shoppers.\n"
    )
    pm = parse(short)
    assert pm.services == ["catalog-api", "search-web"] and pm.duration_minutes == 70
    assert pm.sections["Impact"].startswith("Services: catalog-api, search-web\n")
    # a field of a section that maps to nothing wins over the same label in a content section, even
    # one read first; the preamble's too
    assert parse(short + "\n## Meta\nDuration: 50m\n").duration_minutes == 50
    preamble = parse(short.replace("Date: 2025-06-11\n", "Date: 2025-06-11\nServices: storefront\n"))
    assert preamble.services == ["storefront"]


def test_a_metadata_row_in_a_section_table_is_a_fallback_only():
    text = (
        "# DNS resolver timeouts\nDate: 2025-06-12\n\n## Impact\n"
        "| Measure | Value |\n|---|---|\n| Duration | 3 hours |\n| Errors | 12,000 |\n\n"
        "## Details\nDuration: 25 minutes\n"
    )
    pm = parse(text)
    assert pm.duration_minutes == 25 and "| Duration | 3 hours |" in pm.sections["Impact"]
    # alone, the short row still gives the duration, as before; a sentence in one never does
    alone = text.split("## Details")[0]
    assert parse(alone).duration_minutes == 180
    sentence = alone.replace("| 3 hours |", "| the retries ran 3 hours into the nightly batch |")
    assert parse(sentence).duration_minutes is None


def test_text_under_a_key_value_table_is_kept():
    pm = parse(
        "# Ledger export late\n"
        "| Field | Value |\n|---|---|\n| Date | 2025-06-13 |\n| Severity | SEV-3 |\n"
        "| Summary | The nightly ledger export finished 4 hours late. |\n\n"
        "Note for readers: finance reconciles from this export at 06:00.\n"
        "The export shares a worker pool with ad-hoc reports.\n\n"
        "## Impact\nReconciliation started at 10:00 instead of 06:00.\n"
    )
    assert pm.date == dt.date(2025, 6, 13) and pm.severity_text == "SEV-3"
    summary = pm.sections["Summary"]
    assert summary.startswith("The nightly ledger export finished 4 hours late.")
    assert "Note for readers: finance reconciles" in summary
    assert "shares a worker pool with ad-hoc reports." in summary
    assert pm.sections["Impact"] == "Reconciliation started at 10:00 instead of 06:00."


def test_a_field_h1_before_any_title_is_the_field():
    pm = parse(
        "# Severity\nSEV-2\n\n# Date\n2025-06-14\n\n"
        "# Summary\nThe image resizer ran out of disk and returned errors for every upload.\n"
    )
    assert pm.title is None
    assert pm.severity_text == "SEV-2" and pm.date == dt.date(2025, 6, 14)
    assert pm.sections["Summary"] == "The image resizer ran out of disk and returned errors for every upload."
    # the title that follows a field H1 is still the title
    titled = parse("# Date\n2025-06-14\n\n# Image resizer out of disk\n\n# Summary\nUploads failed.\n")
    assert titled.title == "Image resizer out of disk" and titled.date == dt.date(2025, 6, 14)


def test_an_escaped_pipe_is_part_of_a_table_cell():
    pm = parse(
        "# Log lines dropped\n| Field | Value |\n|---|---|\n| Severity | SEV-4 |\n"
        "| Summary | The parser split records on `x \\| y` and dropped the tail |\n"
        "| Root cause | a regex `(a\\|b)+` without an anchor |\n"
    )
    assert pm.sections["Summary"] == "The parser split records on `x | y` and dropped the tail"
    assert pm.sections["Root cause"] == "a regex `(a|b)+` without an anchor"
    assert pm.severity_text == "SEV-4"


def test_lone_carriage_returns_are_line_breaks():
    text = (
        "# Backup job skipped the archive volume\nDate: 2025-06-15\nSeverity: SEV-3\n\n"
        "## Summary\nThe weekly backup skipped the archive volume after a mount path changed.\n\n"
        "## Resolution\nFixed the mount path and ran the backup again.\n"
    )
    pm = parse(text.replace("\n", "\r"))
    assert pm.title == "Backup job skipped the archive volume"
    assert pm.date == dt.date(2025, 6, 15) and pm.severity_text == "SEV-3"
    assert pm.sections["Resolution"] == "Fixed the mount path and ran the backup again."
    assert parse(text.replace("\n", "\r\n")).sections == pm.sections == parse(text).sections
