"""`recur import` of a postmortem whose follow-ups are a Jira table (a problem manager's review, 2026-12):
Jira's dates (`18/Nov/26`, its default dd/MMM/yy) were said not read, the items listed under "no due
date" and never overdue; its `Resolved` column was not the day an item was done, and a `Duplicate`
issue was an open follow-up. Our own texts, in the shapes Jira writes."""

import datetime as dt
import json

from click.testing import CliRunner
from import_helpers import import_file

from recur.cli.main import cli
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

TABLE = """\
| Key | Summary | Assignee | Status | Due date | Resolved |
|---|---|---|---|---|---|
| SRCH-501 | Cap bulk size at 2k documents | Aisha Khan | Done | 18/Nov/26 | 17/Nov/26 |
| SRCH-502 | Alert on rejected bulk requests | Unassigned | To Do | 01/Dec/26 | |
| SRCH-503 | Backpressure in the indexer | Aisha Khan | In Progress | 15/Jan/2027 | |
| SRCH-504 | Page on indexer lag | Ben Ortiz | Open | 2/Dec/26 | |
| SRCH-505 | Merge the two lag dashboards | Ben Ortiz | Duplicate | 20/Nov/26 | 21/Nov/26 |
| SRCH-506 | Add dashboards for write queue | Ben Ortiz | Won't Do | | 20/Nov/26 |
"""


def imp(kb_dir, path, text, *extra):
    return import_file(kb_dir, path, text, "--json", *extra)


def report(kb_dir, *extra):
    args = ["report", "--kb", str(kb_dir), "--as-of", "2026-12-05", *extra]
    return CliRunner().invoke(cli, args)


def follow_ups(kb_dir, iid):
    return {f.title: (closed_as(f), f.due, f.done) for f in load_kb(kb_dir).incidents[iid].follow_ups}


def closed_as(f) -> str:
    """A follow-up's status, ``wont-do`` for one closed undone: ``status: done`` with ``resolution: wont-do``."""
    return "wont-do" if (f.status, f.resolution) == ("done", "wont-do") else f.status


def test_a_jira_table_s_dates_are_read_and_its_overdue_item_fails_the_gate(fresh_kb, tmp_path):
    r = imp(fresh_kb, tmp_path / "pm.md", JIRA.format(date="10/Nov/26", table=TABLE))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    # the incident's own date field in Jira's form too: every date field of the import reads it
    assert out["date"] == "2026-11-10", out["notes"]
    assert not [n for n in out["notes"] if "not read as a date" in n], out["notes"]
    # "Duplicate" closes the issue undone, as "Won't Do": a follow-up won't do (closed, its due date kept: never
    # overdue), named in the notes
    assert (
        "follow-ups recorded won't do (cancelled): Merge the two lag dashboards; Add dashboards for write queue"
        in out["notes"]
    )
    assert follow_ups(fresh_kb, out["incident"]) == {
        # the Resolved column is the day it was done (done: was left out)
        "Cap bulk size at 2k documents": ("done", dt.date(2026, 11, 18), dt.date(2026, 11, 17)),
        "Alert on rejected bulk requests": ("open", dt.date(2026, 12, 1), None),
        "Backpressure in the indexer": ("open", dt.date(2027, 1, 15), None),
        "Page on indexer lag": ("open", dt.date(2026, 12, 2), None),
        # closed undone on the day it was resolved (the Resolved column), as one done is
        "Merge the two lag dashboards": ("wont-do", dt.date(2026, 11, 20), dt.date(2026, 11, 21)),
        "Add dashboards for write queue": ("wont-do", None, dt.date(2026, 11, 20)),
    }
    rep = report(fresh_kb, "--format", "json")
    got = json.loads(rep.stdout)
    assert got["follow_ups_no_due"] == []  # were all listed here
    assert {f["title"]: f["days_overdue"] for f in got["follow_ups"] if f["overdue"]} == {
        "Alert on rejected bulk requests": 4,
        "Page on indexer lag": 3,
    }
    gate = report(fresh_kb, "--fail-on", "overdue")
    assert gate.exit_code == 1, gate.output  # was 0: nothing was ever overdue
    assert "follow-up 'Alert on rejected bulk requests' of INC-2026-0001" in gate.output


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
        "Merge the two lag dashboards": ("wont-do", None, dt.date(2026, 11, 21)),
        "Reindex the stale shards": ("wont-do", None, dt.date(2026, 11, 21)),
    }
    # Jira's resolutions that close an issue undone are cancelled, as "Won't Do": were open follow-ups
    assert (
        "follow-ups recorded won't do (cancelled): Merge the two lag dashboards; Reindex the stale shards"
        in out["notes"]
    )


US_SHORT = """\
| Action item | Owner | Due |
|---|---|---|
| Cap bulk size at 2k documents | Aisha Khan | 11/30/26 |
| Alert on rejected bulk requests | Ben Ortiz | 12/05/26 |
"""

AMBIGUOUS = """\
- Cap bulk size at 2k documents (owner: Aisha Khan, due: 01/12/26)
- Alert on rejected bulk requests (owner: Ben Ortiz, due: 3-Dec-26)
- Page on indexer lag (owner: Ben Ortiz, due: 18/Dec/2026)
"""


def test_a_two_digit_year_slash_date_is_read_when_one_order_alone_makes_a_day(fresh_kb, tmp_path):
    # 11/30/26 is month first; its column settles 12/05/26 (5 December), as 12/05/2026 was
    out = json.loads(imp(fresh_kb, tmp_path / "a.md", JIRA.format(date="2026-11-09", table=US_SHORT)).stdout)
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("open", dt.date(2026, 11, 30), None),
        "Alert on rejected bulk requests": ("open", dt.date(2026, 12, 5), None),
    }
    # 01/12/26 alone may be 12 January or 1 December: not read, said; the other forms in list items
    out = json.loads(imp(fresh_kb, tmp_path / "b.md", JIRA.format(date="2026-11-10", table=AMBIGUOUS)).stdout)
    assert (
        "follow-up 'Cap bulk size at 2k documents': due '01/12/26' not read as a date, left empty: day and month could "
        "be either way round (12 January 2026 or 1 December 2026); set it with recur incident follow-up "
        f"{out['incident']} "
    ) in " ".join(out["notes"]), out["notes"]
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("open", None, None),
        "Alert on rejected bulk requests": ("open", dt.date(2026, 12, 3), None),
        "Page on indexer lag": ("open", dt.date(2026, 12, 18), None),
    }


def test_numbers_with_slashes_in_prose_are_no_incident_date(fresh_kb, tmp_path):
    # with no date field, the first dated sentence dates the incident: "5/30/60" is burn-rate windows,
    # not 30 May 2060, while a Jira date in a sentence is one
    text = "# Postmortem: Indexer lag\n\n## Summary\n\nWe alert on 5/30/60 minute windows. {}\n"
    out = json.loads(imp(fresh_kb, tmp_path / "a.md", text.format("The lag began on 18/Nov/26.")).stdout)
    assert out["date"] == "2026-11-18" and "18/Nov/26" in out["date_source"], out["notes"]


# Jira writes its Resolved column with the time of day ("Date Time Format", by default "dd/MMM/yy h:mm a"),
# and an ISO export or a hand-written field as "2026-11-17 15:45": the day was no date alone, no done day
TIMED = """\
| Key | Summary | Assignee | Status | Due date | Resolved |
|---|---|---|---|---|---|
| SRCH-511 | Cap bulk size at 2k documents | Aisha Khan | Done | 18/Nov/26 | 17/Nov/26 3:45 PM |
| SRCH-512 | Alert on rejected bulk requests | Ben Ortiz | Done | 20/Nov/26 | 2026-11-19 15:45 |
| SRCH-513 | Page on indexer lag | Ben Ortiz | Done | 24/Nov/26 | 23/Nov/26 09:10 |
| SRCH-514 | Backpressure in the indexer | Aisha Khan | In Progress | 15/Jan/2027 | |
"""

TIMED_FIELDS = """\
- Cap bulk size at 2k documents — Owner: Aisha Khan — Done: 2026-11-17 15:45
- Alert on rejected bulk requests
  - Owner: Ben Ortiz
  - Resolved: 19/Nov/26 3:45 PM
- Page on indexer lag
  - Owner: Ben Ortiz
  - Done: 2026-11-23T09:10:00Z
- Backpressure in the indexer
  - Owner: Aisha Khan
  - Resolved: not yet, waiting on the client release
"""


def test_a_resolved_day_with_its_time_is_the_done_day(fresh_kb, tmp_path):
    out = json.loads(imp(fresh_kb, tmp_path / "a.md", JIRA.format(date="2026-11-10", table=TIMED)).stdout)
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("done", dt.date(2026, 11, 18), dt.date(2026, 11, 17)),
        "Alert on rejected bulk requests": ("done", dt.date(2026, 11, 20), dt.date(2026, 11, 19)),
        "Page on indexer lag": ("done", dt.date(2026, 11, 24), dt.date(2026, 11, 23)),
        "Backpressure in the indexer": ("open", dt.date(2027, 1, 15), None),
    }
    # a labelled Done: or Resolved: field (on the item's line or as a sub-item) with its time: the same
    out = json.loads(imp(fresh_kb, tmp_path / "b.md", JIRA.format(date="2026-11-11", table=TIMED_FIELDS)).stdout)
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("done", None, dt.date(2026, 11, 17)),
        "Alert on rejected bulk requests": ("done", None, dt.date(2026, 11, 19)),
        "Page on indexer lag": ("done", None, dt.date(2026, 11, 23)),
        # words that are no day stay an item of their own, as "Done: rotate the other keys" does
        "Backpressure in the indexer": ("open", None, None),
        "Resolved: not yet, waiting on the client release": ("open", None, None),
    }


# Jira's export of a closed issue: Status "Closed" and, in a column of its own, how it was closed
RESOLUTIONS = """\
| Key | Summary | Assignee | Status | Resolution | Due date | Resolved |
|---|---|---|---|---|---|---|
| SRCH-521 | Cap bulk size at 2k documents | Aisha Khan | Closed | Done | 18/Nov/26 | 17/Nov/26 |
| SRCH-522 | Alert on rejected bulk requests | Ben Ortiz | Closed | Fixed | 20/Nov/26 | 19/Nov/26 |
| SRCH-523 | Merge the two lag dashboards | Ben Ortiz | Closed | Duplicate | 20/Nov/26 | 21/Nov/26 |
| SRCH-524 | Add dashboards for write queue | Ben Ortiz | Closed | Won't Do | | 20/Nov/26 |
| SRCH-525 | Reindex the stale shards | Aisha Khan | Closed | Cannot Reproduce | | 22/Nov/26 |
| SRCH-526 | Rewrite the bulk client | Aisha Khan | Closed | Declined | | 22/Nov/26 |
| SRCH-527 | Shard the write queue | Aisha Khan | Closed | Won't Fix | | 22/Nov/26 |
| SRCH-528 | Backpressure in the indexer | Aisha Khan | In Progress | Unresolved | 15/Jan/2027 | |
"""


def test_a_resolution_column_that_closes_an_issue_undone_cancels_it(fresh_kb, tmp_path):
    out = json.loads(imp(fresh_kb, tmp_path / "a.md", JIRA.format(date="2026-11-10", table=RESOLUTIONS)).stdout)
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("done", dt.date(2026, 11, 18), dt.date(2026, 11, 17)),
        "Alert on rejected bulk requests": ("done", dt.date(2026, 11, 20), dt.date(2026, 11, 19)),
        "Backpressure in the indexer": ("open", dt.date(2027, 1, 15), None),
        # closed undone on the day it was resolved (the Resolved column)
        "Add dashboards for write queue": ("wont-do", None, dt.date(2026, 11, 20)),
        **dict.fromkeys(
            ["Reindex the stale shards", "Rewrite the bulk client", "Shard the write queue"],
            ("wont-do", None, dt.date(2026, 11, 22)),
        ),
        "Merge the two lag dashboards": ("wont-do", dt.date(2026, 11, 20), dt.date(2026, 11, 21)),
    }
    assert (
        "follow-ups recorded won't do (cancelled): Merge the two lag dashboards; Add dashboards for write queue; "
        "Reindex the stale shards; Rewrite the bulk client; Shard the write queue" in out["notes"]
    ), out["notes"]


RESOLUTION_ONLY = """\
| Key | Summary | Assignee | Resolution | Due date |
|---|---|---|---|---|
| SRCH-531 | Cap bulk size at 2k documents | Aisha Khan | Fixed | 18/Nov/26 |
| SRCH-532 | Alert on rejected bulk requests | Ben Ortiz | Unresolved | 01/Dec/26 |
| SRCH-533 | Merge the two lag dashboards | Ben Ortiz | Won't Fix | 20/Nov/26 |
"""


def test_a_resolution_column_alone_says_done_or_cancelled(fresh_kb, tmp_path):
    out = json.loads(imp(fresh_kb, tmp_path / "a.md", JIRA.format(date="2026-11-10", table=RESOLUTION_ONLY)).stdout)
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("done", dt.date(2026, 11, 18), None),
        "Alert on rejected bulk requests": ("open", dt.date(2026, 12, 1), None),
        "Merge the two lag dashboards": ("wont-do", dt.date(2026, 11, 20), None),
    }
    assert "follow-ups recorded won't do (cancelled): Merge the two lag dashboards" in out["notes"], out["notes"]


def test_a_two_digit_year_dash_date_is_read_as_the_slash_one(fresh_kb, tmp_path):
    # "11-30-26" and "12-05-26" were said not read (a dash date's year was read in four digits only); now as the
    # slash ones: 11-30-26 month first, its column settling 12-05-26 (5 December)
    table = US_SHORT.replace("11/30/26", "11-30-26").replace("12/05/26", "12-05-26")
    out = json.loads(imp(fresh_kb, tmp_path / "a.md", JIRA.format(date="11-19-26", table=table)).stdout)
    assert out["date"] == "2026-11-19" and "Date" in out["date_source"], out
    assert follow_ups(fresh_kb, out["incident"]) == {
        "Cap bulk size at 2k documents": ("open", dt.date(2026, 11, 30), None),
        "Alert on rejected bulk requests": ("open", dt.date(2026, 12, 5), None),
    }
    # one that either order makes a day is said not read, as '01/12/26' is
    text = JIRA.format(date="2026-11-10", table=AMBIGUOUS.replace("01/12/26", "01-12-26"))
    out = json.loads(imp(fresh_kb, tmp_path / "b.md", text).stdout)
    assert (
        "follow-up 'Cap bulk size at 2k documents': due '01-12-26' not read as a date, left empty: day and month could "
        "be either way round (12 January 2026 or 1 December 2026); set it with recur incident follow-up "
        f"{out['incident']} "
    ) in " ".join(out["notes"]), out["notes"]


def test_numbers_with_dashes_in_prose_are_no_incident_date(fresh_kb, tmp_path):
    # as "5/30/60": "10-20-30" in a sentence is steps of a rollout, not 20 October 2030; nor "v1-2-26" a date
    text = "# Postmortem: Indexer lag\n\n## Summary\n\nWe ramp 10-20-30 percent on v1-2-26. {}\n"
    out = json.loads(imp(fresh_kb, tmp_path / "a.md", text.format("The lag began on 18/Nov/26.")).stdout)
    assert out["date"] == "2026-11-18" and "18/Nov/26" in out["date_source"], out["notes"]
