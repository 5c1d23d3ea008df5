"""A version, a standard or a cipher ("UTF-8", "SHA-256", "HTTP-2", "AES-256") is no tracker's project key where a
title's prefix or suffix or an "Incident:" line reads one (pm_text.PROJECT_KEY, the one reading; a re-read of
2026-12's merges: "# UTF-8: mojibake in invoice emails" was titled "mojibake in invoice emails" with "- Incident:
UTF-8" in References). A real key still is. Our own text."""

import pytest

from recur.ingest.pm_text import clean_title, prose_ticket, title_reference
from recur.ingest.postmortem import parse


@pytest.mark.parametrize(
    "heading",
    [
        "UTF-8: mojibake in invoice emails",
        "SHA-256: digest mismatch on uploads",
        "HTTP-2: stalls behind the load balancer",
        "Checkout down (AES-256)",
        "Incident utf-8: mojibake",
    ],
)
def test_a_standard_in_a_title_stays_a_word_of_it(heading):
    assert (clean_title(heading), title_reference(heading)) == (heading, None)
    pm = parse(f"# {heading}\n\nDate: 2026-11-20\n\n## Summary\n\nS.\n")
    assert pm.title == heading and "References" not in pm.sections


@pytest.mark.parametrize(
    "heading, title, key",
    [
        ("INC-482: Search API latency", "Search API latency", "INC-482"),
        ("Incident INC-7781: Search API latency", "Search API latency", "INC-7781"),
        ("Checkout down (OPS-12)", "Checkout down", "OPS-12"),
        ("SHAPE-12: Checkout down", "Checkout down", "SHAPE-12"),  # a project whose name starts as a standard's
    ],
)
def test_a_project_key_is_still_taken_off_into_the_references(heading, title, key):
    assert (clean_title(heading), title_reference(heading)) == (title, key)


def test_an_incident_line_naming_a_standard_is_no_reference():
    pm = parse("# Logins failed\n\n**Incident:** AES-256 rollout broke logins\n\n## Summary\n\nS.\n")
    assert "References" not in pm.sections and "AES-256 rollout" in pm.sections["Summary"]
    pm = parse("# Logins failed\n\n**Incident:** INC-77 key rollout\n\n## Summary\n\nS.\n")
    assert pm.sections["References"] == "- Incident: INC-77 key rollout"


def test_a_table_row_naming_a_standard_is_no_reference():
    row = "| **Incident date** | 27 Nov 2026 |\n|---|---|\n| **Incident** | {} |\n\n## Summary\n\nS.\n"
    assert "References" not in parse("# Logins failed\n\n" + row.format("AES-256 rollout")).sections
    assert parse("# Logins failed\n\n" + row.format("INC-3312")).sections["References"] == "- Incident: INC-3312"


def test_prose_keeps_reading_keys_and_not_standards():
    assert prose_ticket("Encrypt backups with AES-256 (OPS-12)").group(0) == "OPS-12"
    assert prose_ticket("Encrypt backups with AES-256 and TLS-1.2") is None


@pytest.mark.parametrize(
    "doc",
    [
        "# T\n\n**Incident:** {caps}\n\n## Summary\n\nS.\n",
        "# T\n\n| Incident | {caps} |\n|---|---|\n\n## Summary\n\nS.\n",
        "# T\n\n**Incident:** {caps} OPS-12\n\n## Summary\n\nS.\n",
    ],
)
def test_a_long_run_of_capitals_in_an_incident_field_is_no_key(doc):
    # a hang guard for the ticket readings' lookbehind (a search from each of 50,000 capitals took seconds): a run
    # of capitals is no key, nor is a key glued to its end
    pm = parse(doc.format(caps="A" * 50_000))
    assert "References" not in pm.sections and pm.title == "T"
