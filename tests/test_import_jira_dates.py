"""`recur import` of a postmortem whose follow-ups are a Jira table (a problem manager's review, 2026-12):
its `Resolved` column was not the day an item was done, and a `Duplicate` issue was an open follow-up.
Our own texts, in the shapes Jira writes."""

import datetime as dt
import json

import pytest
from import_helpers import import_file

from recur.kb.loader import load_kb

JIRA = """\
# Postmortem: Search index stale for 3 hours

**Date:** {date}
**Status:** Complete
**Severity:** SEV3
**Service:** search-indexer

## Summary

The search indexer stopped consuming updates for 3 hours after its bulk requests were rejected
with es_rejected_execution_exception: the write queue of the cluster was full.

## Action items

{table}
"""


def imp(kb_dir, path, text, *extra):
    return import_file(kb_dir, path, text, "--json", *extra)


@pytest.fixture
def fresh_kb(kb_dir):
    """The small KB without its incidents (their reviews are long overdue): only the import is reported."""
    for path in (kb_dir / "incidents").rglob("*.md"):
        path.unlink()
    return kb_dir


def follow_ups(kb_dir, iid):
    return {f.title: (f.status, f.due, f.done) for f in load_kb(kb_dir).incidents[iid].follow_ups}


RESOLVED_ONLY = """\
| Action item | Owner | Due | Resolution date |
|---|---|---|---|
| Cap bulk size at 2k documents | Aisha Khan | 2026-11-18 | 2026-11-17 |
| Alert on rejected bulk requests | Ben Ortiz | 2026-12-01 | |
"""

RESOLVED_MARKS = """\
| Action item | Owner | Status | Resolved date |
|---|---|---|---|
| Cap bulk size at 2k documents | Aisha Khan | To Do | 2026-11-17 |
| Page on indexer lag | Ben Ortiz | | ✅ |
| Merge the two lag dashboards | Ben Ortiz | Duplicate | 2026-11-21 |
| Reindex the stale shards | Ben Ortiz | Cannot Reproduce | 2026-11-21 |
"""


def test_a_resolved_date_is_the_done_day_where_no_status_says_otherwise(fresh_kb, tmp_path):
    # no status column: a resolved date says the item is done, and when
    out = json.loads(imp(fresh_kb, tmp_path / "a.md", JIRA.format(date="2026-11-10", table=RESOLVED_ONLY)).stdout)
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("done", dt.date(2026, 11, 18), dt.date(2026, 11, 17)),
        "Alert on rejected bulk requests": ("open", dt.date(2026, 12, 1), None),
    }
    # a status that says open wins over a resolved date; a mark, not a day, in the column is a status
    out = json.loads(imp(fresh_kb, tmp_path / "b.md", JIRA.format(date="2026-11-11", table=RESOLVED_MARKS)).stdout)
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("open", None, None),
        "Page on indexer lag": ("done", None, None),
    }
    # Jira's resolutions that close an issue undone are cancelled, as "Won't Do": were open follow-ups
    assert (
        "not imported as follow-ups (cancelled): Merge the two lag dashboards; Reindex the stale shards" in out["notes"]
    )
