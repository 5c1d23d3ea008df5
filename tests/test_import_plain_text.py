"""`recur import` of a plain-text export (Google Docs' File > Download > Plain text): no Markdown headings,
its section names alone on a line, its list items marked with bullet characters."""

from import_helpers import imported_record

GDOC_TXT = """\
Postmortem: Search index served stale results for two days

Date: 2026-10-12
Severity: SEV-3
Owner: Ines Costa

Summary
The search indexer stopped consuming change events after a schema change; results went stale.

Root cause
The consumer rejected events with the new field and skipped them without logging.

Action items
\u25cf\tLog and count rejected events (Ines Costa, due 2026-10-20) \u2014 DONE
\u25cf\tAlert when index lag exceeds one hour (Ines Costa, due 2026-10-30)
\u25e6\tAdd a schema compatibility test to the indexer's CI
\u25aa\tDocument the event schema change process
"""


def test_a_plain_text_export_has_its_title_sections_and_follow_ups(fresh_kb, tmp_path):
    """Found in review: "no title found; used the file name" though the first line is "Postmortem: …",
    the lines "Summary" and "Root cause" no headings (the whole export was the Summary) and the `●`
    items under "Action items" no follow-ups."""
    out, inc = imported_record(fresh_kb, tmp_path, GDOC_TXT, name="export.txt")
    assert inc.title == "Search index served stale results for two days"
    assert not any("no title found" in n for n in out["notes"])
    assert out["mapped"] == [
        {"heading": "Summary", "section": "Summary"},
        {"heading": "Root cause", "section": "Root cause"},
        {"heading": "Action items", "section": "Action items"},
    ]
    assert inc.summary.startswith("The search indexer stopped") and "Postmortem:" not in inc.summary
    assert [f.title for f in inc.follow_ups] == [
        "Log and count rejected events",
        "Alert when index lag exceeds one hour",
        "Add a schema compatibility test to the indexer's CI",
        "Document the event schema change process",
    ]
    assert inc.follow_ups[0].status == "done" and inc.follow_ups[1].owner == "Ines Costa"


def test_a_plain_line_is_a_heading_only_alone_after_a_blank_line(fresh_kb, tmp_path):
    """A section's name inside a paragraph is the paragraph's text; a greeting opening a mail is no title."""
    text = (
        "Hi all\n\nDate: 2026-10-12\nSeverity: SEV-3\n\nThe queue stalled twice this week and the\n"
        "Impact\nwas a delay of two hours for every export.\n\nRoot cause\nA lock was never released.\n"
    )
    out, inc = imported_record(fresh_kb, tmp_path, text, name="mail.txt")
    assert inc.title != "Hi all"
    assert out["mapped"] == [{"heading": "Root cause", "section": "Root cause"}]
    assert "the\nImpact\nwas a delay" in inc.summary


def test_bullet_characters_in_a_code_block_stay(fresh_kb, tmp_path):
    text = "# Queue stalled\n\n## Summary\nThe queue stalled.\n\n```\n\u25cf worker-1 stuck\n```\n"
    _, inc = imported_record(fresh_kb, tmp_path, text)
    assert "\u25cf worker-1 stuck" in inc.summary
