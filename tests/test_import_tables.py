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
