"""`recur import` of a completed postmortem whose action items are still open."""

from import_helpers import imported_record

PM = """\
# Postmortem: Export queue stalled behind a held lock

**Date:** 2026-10-12
**Severity:** SEV-3
**Status:** Complete, action items in progress

## Summary
The export queue stalled for forty minutes because a crashed run held its lock.

## Action items
- [x] Release the lock when a run crashes
- [ ] Alert when the queue has not moved for ten minutes
- [ ] Add a lock timeout
- ~~Move exports to another queue~~ (won't do: too costly)
"""


def test_a_completed_review_with_open_follow_ups_says_they_remain(fresh_kb, tmp_path):
    """Found in review: `Status: Complete, action items in progress` recorded the review done (right), and
    nothing said that the work it asked for was still open."""
    out, inc = imported_record(fresh_kb, tmp_path, PM)
    assert inc.review.status == "done"
    assert [f.status for f in inc.follow_ups] == ["done", "open", "open", "done"]  # the last one won't do
    note = next(n for n in out["notes"] if n.startswith("review: recorded done"))
    assert note.endswith(f"; 2 follow-ups still open: recur incident follow-up {out['incident']} lists them"), note


def test_a_completed_review_with_every_follow_up_closed_says_nothing_more(fresh_kb, tmp_path):
    out, _ = imported_record(fresh_kb, tmp_path, PM.replace("- [ ]", "- [x]"))
    note = next(n for n in out["notes"] if n.startswith("review: recorded done"))
    assert "still open" not in note and note.endswith("(the 'Status:' line 5)"), note


def test_a_status_saying_only_complete_adds_nothing(fresh_kb, tmp_path):
    """Most completed postmortems have open follow-ups: only a status saying its action items are open says it."""
    out, _ = imported_record(fresh_kb, tmp_path, PM.replace("Complete, action items in progress", "Complete"))
    note = next(n for n in out["notes"] if n.startswith("review: recorded done"))
    assert "still open" not in note, note
