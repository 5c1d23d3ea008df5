"""`recur import` and the postmortem's own Status field (review of a new team's KB, 2026-12): a
completed postmortem was recorded with its review pending and, imported days after its incident,
already overdue, so the team's first `make report` (`recur report --fail-on overdue`) failed on a
review that had been held. Our own texts, in the shapes the usual tools export."""

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from import_helpers import import_file
from kbfactory import fake_model_flags
from procs import finishes

from recur.cli.main import cli
from recur.ingest.pm_text import read_review_due, review_held, review_status, review_when
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb

VAULT = """\
# Postmortem: Stored cards declined after the vault key was rotated

**Date:** 2025-11-18
**Authors:** Ines Ruiz, Bo Lee
**Status:** {status}
**Severity:** SEV-1

## Summary

For two hours every payment with a stored card was declined: the monthly rotation of the vault's
data key disabled the old key version while cards encrypted with it were still stored.

## Action Items

| Action item | Owner | Bug |
|---|---|---|
| Keep the previous key version enabled until re-encryption ends | bo | VLT-12 |
"""


def imp(kb_dir, path, text, *extra):
    return import_file(kb_dir, path, text, "--json", *extra)


def gate(kb_dir):
    """`recur report --fail-on overdue` as CI's `make report` runs it, on the day of the review."""
    args = ["report", "--kb", str(kb_dir), "--as-of", "2026-12-03", "--fail-on", "overdue"]
    return CliRunner().invoke(cli, args)


def test_a_completed_postmortem_records_its_review_done_and_passes_the_overdue_gate(fresh_kb, tmp_path):
    r = imp(fresh_kb, tmp_path / "pm.md", VAULT.format(status="Complete"))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    # was {level: full, status: pending, due: 2025-11-23}: overdue from the first report
    # the first author is who holds the review (review.owner), as import reads the postmortem's people
    assert out["review"] == {"level": "full", "status": "done", "due": "2025-11-23", "done": None, "owner": "Ines Ruiz"}
    assert load_kb(fresh_kb).incidents[out["incident"]].review.status == "done"
    assert "review: recorded done, as the postmortem's status 'Complete' says (the 'Status:' line 5)" in out["notes"]
    # "Status: Complete" was also named as a field the record does not hold
    assert not any("status: Complete" in n for n in out["notes"]), out["notes"]
    res = gate(fresh_kb)
    assert res.exit_code == 0, res.output  # was 1: "review of INC-… overdue by …"


def test_a_draft_stays_pending_and_the_import_says_it_is_already_overdue_and_what_to_set(fresh_kb, tmp_path):
    out = json.loads(imp(fresh_kb, tmp_path / "pm.md", VAULT.format(status="In review")).stdout)
    iid = out["incident"]
    assert out["review"] == {
        "level": "full",
        "status": "pending",
        "due": "2025-11-23",
        "done": None,
        "owner": "Ines Ruiz",
    }
    assert (
        "review: recorded pending, as the postmortem's status 'In review' says (the 'Status:' line 5)" in out["notes"]
    )
    late = [n for n in out["notes"] if "already overdue" in n]
    # the gate failed on the first report without a word from the import
    assert late and late[0].startswith(
        "review: due 2025-11-23 (sev1 asks for a full review within 5 days in the severity framework), already overdue by "
    ), out["notes"]
    assert (
        "recur report --fail-on overdue fails on it" in late[0]
        and f"reviewed: recur incident review {iid} --done;" in late[0]
    )
    assert gate(fresh_kb).exit_code == 1
    # not late (the review is still ahead): how the status was read, and what to set once reviewed
    day = (dt.date.today() - dt.timedelta(days=1)).isoformat()
    soon = VAULT.format(status="Draft").replace("2025-11-18", day).replace("vault key", "vault's key")
    out = json.loads(imp(fresh_kb, tmp_path / "soon.md", soon).stdout)
    assert out["review"]["status"] == "pending" and not any("already overdue" in n for n in out["notes"])
    assert (
        f"review: recorded pending, as the postmortem's status 'Draft' says (the 'Status:' line 5); "
        f"once it is reviewed: recur incident review {out['incident']} --done"
    ) in out["notes"]


@pytest.mark.parametrize(
    "doc",
    [
        # Confluence page properties with a status lozenge
        '<html><body><h1 id="title-text">PAY : Payout file rejected</h1><table><tr><th>Incident date</th>'
        '<td>2025-11-24</td></tr><tr><th>Status</th><td><span class="status-macro aui-lozenge">COMPLETE</span>'
        "</td></tr></table><h2>Summary</h2><p>The bank rejected the payout file.</p></body></html>",
        # incident.io's field table
        "# INC-88: Payout file rejected\n\n| | |\n| --- | --- |\n| **Reported** | 24 Nov 2025, 07:30 GMT |\n"
        "| **Status** | Closed |\n\n## Summary\n\nThe bank rejected the payout file.\n",
        # Jira wiki markup
        "h1. PIR: Payout file rejected\n\n||Field||Value||\n|Incident date|2025-11-24|\n|Status|Done|\n\n"
        "h2. Summary\nThe bank rejected the payout file.\n",
        # YAML front matter
        "---\ntitle: Payout file rejected\ndate: 2025-11-24\nstatus: published\n---\n\n## Summary\n"
        "The bank rejected the payout file because one new merchant's BIC was invalid.\n",
        # a Google Docs HTML export
        '<html><body class="doc-content"><p class="c4 title"><span>Incident review: Payout file rejected</span></p>'
        '<p><span>Date:</span><span>&nbsp;2025-11-24</span></p><p><span class="c3">Status:</span>'
        "<span>&nbsp;Final</span></p><h2><span>Summary</span></h2><p><span>The bank rejected it.</span></p></body></html>",
        # Google's SRE template: the document is final, its action items are follow-ups
        "# Payout file rejected\n\n**Date:** 2025-11-24\n\n**Status:** Complete, action items in progress\n\n"
        "## Summary\n\nThe bank rejected the payout file.\n",
    ],
    ids=["confluence", "incident.io", "jira", "front-matter", "google-docs-html", "google-sre"],
)
def test_every_export_takes_its_status_field_the_same_way(fresh_kb, tmp_path, doc):
    path = tmp_path / ("pm.html" if doc.startswith("<") else "pm.md")
    out = json.loads(imp(fresh_kb, path, doc, "--severity", "sev2").stdout)
    assert out["review"]["status"] == "done", out["notes"]
    assert any(n.startswith("review: recorded done, as the postmortem's status") for n in out["notes"])


def test_the_words_read_as_the_reviews_state():
    done = ["Complete", "**Completed**", "Done", "closed", "Published on 2025-11-20", "Reviewed", "Final", "✅ Done"]
    done += ["Review complete", "Postmortem completed", "Approved", "Complete, action items in progress"]
    pending = ["Draft", "In review", "in-progress", "Open", "Not complete", "Incomplete", "Ready for review", "WIP"]
    assert {w: review_status(w) for w in done} == dict.fromkeys(done, "done")
    assert {w: review_status(w) for w in pending} == dict.fromkeys(pending, "pending")
    # the incident's own state says nothing of its review: named as a field the record does not hold
    for other in ("Resolved", "Mitigated", "Monitoring", ""):
        assert review_status(other) is None, other
    # a template's placeholder is no status
    assert (
        parse("# Disk filled\n\nDate: 2025-01-02\nStatus: [draft | in review | final]\n\n## Summary\nx\n").status
        is None
    )
    pm = parse("# Indexer stalled\n\n**Started:** 2025-06-14\n**Status:** Resolved\n\n## Summary\nIt stalled.\n")
    assert pm.status is None and "status: Resolved" in pm.unkept
    # "Status: done" written inside a content section is the author's text, not the document's field
    inside = parse("# Disk filled\n\nDate: 2025-01-02\n\n## Resolution\n\nStatus: done\n\n## Summary\nFull.\n")
    assert inside.status is None


def test_a_draft_imported_then_completed_names_the_review_among_the_changes(fresh_kb, tmp_path):
    path = tmp_path / "pm.md"
    first = json.loads(imp(fresh_kb, path, VAULT.format(status="Draft")).stdout)
    again = imp(fresh_kb, path, VAULT.format(status="Complete"))
    assert again.exit_code == 3  # a changed document: nothing written, what differs named
    note = " ".join(json.loads(again.stdout)["notes"])
    assert f"it now differs from {first['incident']} in: review (done)" in note, note


@pytest.mark.parametrize("label", ["Postmortem status", "Review status", "Document status", "PIR status"])
def test_the_postmortems_status_under_its_own_name_is_its_reviews_state(fresh_kb, tmp_path, label):
    # "**Postmortem status:** Published" was read as the summary's first line and the review left pending
    text = VAULT.replace("**Status:** {status}", f"**{label}:** Published")
    pm = parse(text)
    assert pm.status is not None and pm.status[2] == "done"
    assert label not in pm.sections["Summary"]
    out = json.loads(imp(fresh_kb, tmp_path / "pm.md", text).stdout)
    assert out["review"]["status"] == "done"
    # the incident's own state is no review's: said in the notes as before, the review left pending
    pm = parse(VAULT.replace("**Status:** {status}", "**Incident status:** Resolved"))
    assert pm.status is None


LOCK = """\
# Infra pipeline blocked by stale Terraform lock

**Date:** 2026-11-30
**Severity:** SEV-2
**Status:** {status}

## Summary

Every infra pipeline waited on a Terraform state lock a cancelled apply left behind, for two hours.
"""


@pytest.mark.parametrize(
    "status",
    [
        "Draft, review scheduled 2026-12-09",
        "In review (review due Dec 9)",  # no year: the first Dec 9 on or after the incident
        "Pending — review on 9 December 2026",
        "Draft; PIR scheduled for Dec 9, 2026",
        "**Draft**, review scheduled **2026-12-09**",
    ],
)
def test_the_review_date_a_status_line_gives_is_the_reviews_due_date(fresh_kb, tmp_path, status):
    # the record got the framework's default (2026-12-10), the Status line quoted, the date not said dropped
    out = json.loads(imp(fresh_kb, tmp_path / "pm.md", LOCK.format(status=status)).stdout)
    assert out["review"] == {"level": "full", "status": "pending", "due": "2026-12-09", "done": None, "owner": None}, (
        out["notes"]
    )
    assert load_kb(fresh_kb).incidents[out["incident"]].review.due == dt.date(2026, 12, 9)
    assert any(n.startswith("review: due 2026-12-09, as the postmortem says (") for n in out["notes"]), out["notes"]


def test_a_review_date_line_is_the_reviews_due_date_and_one_not_read_is_said(fresh_kb, tmp_path):
    text = LOCK.format(status="Draft").replace("**Status:** Draft", "**Status:** Draft\n**Review date:** 2026-12-09")
    out = json.loads(imp(fresh_kb, tmp_path / "pm.md", text).stdout)
    assert out["review"]["due"] == "2026-12-09"
    assert "Review date" not in load_kb(fresh_kb).incidents[out["incident"]].sections["Summary"]
    late = json.loads(imp(fresh_kb, tmp_path / "b.md", LOCK.format(status="Draft, review scheduled next week")).stdout)
    assert late["review"]["due"] == "2026-12-10"  # the framework's
    assert (
        "review: the date 'next week' (the 'Status:' line 5) not read as a date; due from the severity framework: "
        f"to give the day, recur incident review {late['incident']} --due YYYY-MM-DD (or import with --review-due)"
    ) in late["notes"]


def test_review_due_given_on_the_command_line_is_the_due_date(fresh_kb, tmp_path):
    text = LOCK.format(status="Draft, review scheduled 2026-12-09")
    out = json.loads(imp(fresh_kb, tmp_path / "pm.md", text, "--review-due", "2026-12-16").stdout)
    assert out["review"]["due"] == "2026-12-16"  # over what the postmortem says
    early = json.loads(
        imp(fresh_kb, tmp_path / "b.md", LOCK.format(status="Draft"), "--review-due", "2026-11-01").stdout
    )
    assert early["review"]["due"] == "2026-11-01"
    assert "warning: --review-due 2026-11-01 is before the incident's date 2026-11-30" in early["notes"]
    bad = imp(fresh_kb, tmp_path / "c.md", LOCK.format(status="Draft"), "--review-due", "12/16/2026")
    assert bad.exit_code != 0 and "--review-due" in bad.output and "Traceback" not in bad.output
    assert "--review-due" in CliRunner().invoke(cli, ["import", "--help"]).output


def test_a_review_date_moved_in_the_document_is_named_among_the_changes(fresh_kb, tmp_path):
    path = tmp_path / "pm.md"
    first = json.loads(imp(fresh_kb, path, LOCK.format(status="Draft, review scheduled 2026-12-09")).stdout)
    again = imp(fresh_kb, path, LOCK.format(status="Draft, review scheduled 2026-12-16"))
    assert again.exit_code == 3
    note = " ".join(json.loads(again.stdout)["notes"])
    assert f"it now differs from {first['incident']} in: review due (2026-12-16)" in note, note


def test_only_words_of_a_time_after_review_scheduled_or_due_are_its_date():
    said = {
        "Draft, review scheduled 2026-12-09": "2026-12-09",
        "Draft; PIR scheduled for Dec 9, 2026": "Dec 9, 2026",  # the date's own comma
        "Draft, review on the 9th": "the 9th",
        "Draft, review scheduled next week": "next week",  # not read as a date: said in the notes
    }
    assert {s: review_when(s) for s in said} == said
    # "due to", "planned changes": no date, none to say unread
    for status in ("Draft — due to the holidays, review postponed", "Draft, planned changes listed", "In review"):
        assert review_when(status) is None, status
    assert read_review_due("the 9th", dt.date(2026, 11, 30)) == dt.date(2026, 12, 9)
    assert read_review_due("next week", dt.date(2026, 11, 30)) is None


@pytest.mark.parametrize(
    "status, said",
    [
        ("**Status:** Complete, reviewed on 2026-12-01", "'2026-12-01', the 'Status:' line 5"),
        ("**Status:** PIR completed 2026-12-01", "'2026-12-01', the 'Status:' line 5"),
        ("**Status:** Done (Dec 1)", "'Dec 1', the 'Status:' line 5"),  # no year: the first Dec 1 on or after
        ("**Status:** Complete\n**Review held:** Dec 1", "'Dec 1', the 'Review held:' line 6"),
        ("**Status:** Complete\n**Review date:** 2026-12-01", "'2026-12-01', the 'Review date:' line 6"),
    ],
)
def test_a_completed_postmortem_gives_its_review_the_day_it_was_held(fresh_kb, tmp_path, status, said):
    # the review was recorded done with no day: a board or report as of Nov 30 counted it held then
    text = LOCK.replace("**Status:** {status}", status)
    out = json.loads(imp(fresh_kb, tmp_path / "pm.md", text).stdout)
    assert out["review"] == {
        "level": "full",
        "status": "done",
        "due": "2026-12-10",
        "done": "2026-12-01",
        "owner": None,
    }
    assert load_kb(fresh_kb).incidents[out["incident"]].review.done == dt.date(2026, 12, 1)
    assert f"review: held 2026-12-01, as the postmortem says ({said})" in out["notes"], out["notes"]


def test_front_matter_gives_the_reviews_day_held_and_due(fresh_kb, tmp_path):
    def front(fields):
        head = f"---\ntitle: Infra pipeline blocked by stale Terraform lock\ndate: 2026-11-30\n{fields}---\n\n"
        return head + "## Summary\n\nEvery infra pipeline waited on a stale Terraform lock for two hours.\n"

    def review(name, fields):
        return json.loads(imp(fresh_kb, tmp_path / name, front(fields), "--severity", "sev2").stdout)["review"]

    # reviewed: was a note of a field the record has none for, the review's day not recorded
    assert review("a.md", "status: Complete\nreviewed: 2026-12-01\n")["done"] == "2026-12-01"
    # review_date: on a completed review is the day it was held, not its due date
    assert review("b.md", "status: Complete\nreview_date: 2026-12-01\n") == {
        "level": "full",
        "status": "done",
        "due": "2026-12-10",
        "done": "2026-12-01",
        "owner": None,
    }
    # on a draft it is the due date; review_due: is a due date even on a completed one
    assert review("c.md", "status: Draft\nreview_date: 2026-12-09\n")["due"] == "2026-12-09"
    assert review("d.md", "status: Complete\nreview_due: 2026-12-09\n") == {
        "level": "full",
        "status": "done",
        "due": "2026-12-09",
        "done": None,
        "owner": None,
    }
    # a JSON export's camelCase key, a review: mapping: named in the notes as fields no record holds
    assert review("e.md", "status: Draft\nreviewDate: 2026-12-09\n")["due"] == "2026-12-09"
    nested = review("f.md", "review:\n  status: done\n  date: 2026-12-01\n")
    assert (nested["status"], nested["done"]) == ("done", "2026-12-01")
    toml = "+++\ntitle = 'Infra pipeline blocked by stale Terraform lock'\ndate = 2026-11-30\nstatus = 'Complete'\n"
    toml += (
        "review_date = 2026-12-01\n+++\n\n## Summary\n\nEvery infra pipeline waited on a stale lock for two hours.\n"
    )
    out = json.loads(imp(fresh_kb, tmp_path / "g.md", toml, "--severity", "sev2").stdout)
    assert out["review"]["done"] == "2026-12-01", out["notes"]


def test_a_review_day_held_not_read_before_the_incident_or_ahead_is_said_and_never_today(fresh_kb, tmp_path):
    def imported(name, status):
        return json.loads(imp(fresh_kb, tmp_path / name, LOCK.replace("**Status:** {status}", status)).stdout)

    # words of a time that are no date: done, with no day (never today), and how to record it
    vague = imported("a.md", "**Status:** Complete, reviewed on Monday")
    assert vague["review"]["status"] == "done" and vague["review"]["done"] is None
    assert (
        "review: the day it was held, 'Monday' (the 'Status:' line 5), not read as a date; done: left out: to "
        f"record it, recur incident review {vague['incident']} --done --on YYYY-MM-DD"
    ) in vague["notes"]
    # a day before the incident: written as given, with a warning (as a due date before it is)
    early = imported("b.md", "**Status:** Complete, reviewed on 2026-11-20")
    assert early["review"]["done"] == "2026-11-20"
    assert "warning: the review held '2026-11-20' is before the incident's date 2026-11-30" in early["notes"]
    # a day after today: not held yet, a review scheduled for that day (it was recorded done, held ahead)
    day = (dt.date.today() + dt.timedelta(days=30)).isoformat()
    ahead = imported("c.md", f"**Status:** Complete, reviewed on {day}")
    assert (ahead["review"]["status"], ahead["review"]["due"], ahead["review"]["done"]) == ("pending", day, None)
    # no Status line: a Review held: day says the review was held
    bare = imported("d.md", "**Review held:** 2026-12-02")
    assert (bare["review"]["status"], bare["review"]["done"]) == ("done", "2026-12-02")
    assert any(n.startswith("review: recorded done, held 2026-12-02, as the postmortem says") for n in bare["notes"])
    # a draft's review is pending: a day held is said, not written
    draft = imported("e.md", "**Status:** Draft\n**Reviewed:** 2026-12-02")
    assert (draft["review"]["status"], draft["review"]["done"]) == ("pending", None)
    assert any(n.startswith("review: held '2026-12-02' (") and "says pending" in n for n in draft["notes"])


def test_a_day_held_changed_in_the_document_is_named_among_the_changes(fresh_kb, tmp_path):
    path = tmp_path / "pm.md"
    first = json.loads(imp(fresh_kb, path, LOCK.format(status="Draft")).stdout)
    again = imp(fresh_kb, path, LOCK.format(status="Complete, reviewed on 2026-12-01"))
    assert again.exit_code == 3
    note = " ".join(json.loads(again.stdout)["notes"])
    assert f"it now differs from {first['incident']} in: review (done); review held (2026-12-01)" in note, note


def test_the_words_of_the_day_a_review_was_held():
    said = {
        "Complete, reviewed on 2026-12-01": "2026-12-01",
        "PIR completed 2026-12-01": "2026-12-01",
        "Closed — review held Dec 1": "Dec 1",
        "Complete; review was held on 1 December 2026": "1 December 2026",
        "Complete, reviewed on Monday": "Monday",  # not read as a date: said in the notes
    }
    assert {s: review_held(s) for s in said} == said
    # another thing's date, or none: no day of the review
    for status in ("Complete", "Complete, action items due 2026-12-20", "Complete (incident resolved 2026-11-28)"):
        assert review_held(status) is None, status


def test_a_status_line_of_review_words_is_read_in_linear_time():
    # each "review on" (or "done") looked for its date in the whole rest of the line: 10,000 characters
    # took 1.7 s, 100,000 minutes; a forked process whose 60 s limit guards against a hang (not a speed test)
    for status in ("Draft, " + "due review on " * 15_000, "Complete, " + "done on " * 25_000):
        pm = finishes(parse, f"# Disk filled\n\nDate: 2026-11-30\n**Status:** {status}\n\n## Summary\nFull.\n")
        assert pm.status is not None and pm.review_due is None and pm.review_done is None


def test_review_done_given_on_the_command_line_records_the_review_held(fresh_kb, tmp_path):
    # a draft reviewed since it was written: the record said pending, and only `recur incident review ID
    # --done --on DATE` afterwards recorded the day it was held
    r = imp(fresh_kb, tmp_path / "pm.md", LOCK.format(status="Draft"), "--review-done", "2026-12-03")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["review"] == {
        "level": "full",
        "status": "done",
        "due": "2026-12-10",
        "done": "2026-12-03",
        "owner": None,
    }
    review = load_kb(fresh_kb).incidents[out["incident"]].review
    assert (review.status, review.done) == ("done", dt.date(2026, 12, 3))
    assert (
        "review: recorded done, held 2026-12-03 (--review-done), over the postmortem's status 'Draft' "
        "(the 'Status:' line 5)"
    ) in out["notes"]
    assert not any("recorded pending" in n or "once it is reviewed" in n for n in out["notes"]), out["notes"]
    # alone (FILE before it): held today; a review overdue by the framework is off the gate
    late = imp(fresh_kb, tmp_path / "late.md", VAULT.format(status="In review"), "--review-done")
    assert late.exit_code == 0, late.output
    late = json.loads(late.stdout)
    assert late["review"]["status"] == "done" and late["review"]["done"] == dt.date.today().isoformat()
    assert not any("already overdue" in n for n in late["notes"]), late["notes"]
    today = ["report", "--kb", str(fresh_kb), "--as-of", dt.date.today().isoformat(), "--fail-on", "overdue"]
    assert CliRunner().invoke(cli, today).exit_code == 0  # was 1: overdue by the framework, never marked held
    # over the day a completed postmortem gives; with --review-due done wins, that date the day it was due
    held = LOCK.format(status="Complete, reviewed on 2026-12-01")
    both = imp(fresh_kb, tmp_path / "held.md", held, "--review-done", "2026-12-02", "--review-due", "2026-12-04")
    both = json.loads(both.stdout)
    assert both["review"] == {
        "level": "full",
        "status": "done",
        "due": "2026-12-04",
        "done": "2026-12-02",
        "owner": None,
    }
    assert (
        "review: recorded done, held 2026-12-02 (--review-done), over the day the postmortem says ('2026-12-01', "
        "the 'Status:' line 5)"
    ) in both["notes"]
    # a day before the incident's date: refused, nothing written, as `recur incident review --done --on` refuses
    # it (it was written with a warning, a record `recur check --strict` then failed)
    records = sorted((fresh_kb / "incidents").rglob("*.md"))
    early = imp(fresh_kb, tmp_path / "e2.md", VAULT.format(status="Draft"), "--review-done", "2025-11-10")
    assert early.exit_code == 1 and "Traceback" not in early.output, early.output
    assert (
        "--review-done 2025-11-10 is before the incident's date 2025-11-18: give a day on or after it" in early.output
    )
    assert sorted((fresh_kb / "incidents").rglob("*.md")) == records
    assert CliRunner().invoke(cli, ["check", "--kb", str(fresh_kb), "--strict"]).exit_code == 0


def test_review_done_refuses_a_day_after_today_and_a_file_taken_for_its_date(fresh_kb, tmp_path, monkeypatch):
    before = sorted((fresh_kb / "incidents").rglob("*.md"))
    tomorrow = (dt.date.today() + dt.timedelta(days=1)).isoformat()
    r = imp(fresh_kb, tmp_path / "pm.md", LOCK.format(status="Draft"), "--review-done", tomorrow)
    assert r.exit_code == 2 and "Traceback" not in r.output
    assert f"Invalid value for '--review-done': {tomorrow} is after today ({dt.date.today().isoformat()})" in r.output
    bad = imp(fresh_kb, tmp_path / "pm.md", LOCK.format(status="Draft"), "--review-done", "12/03/2026")
    assert bad.exit_code == 2 and "Invalid value for '--review-done': '12/03/2026' is not a date" in bad.output
    # an optional DATE takes the word after it: the file, which click then said was missing
    path = tmp_path / "pm.md"
    args = ["import", *fake_model_flags(fresh_kb, fresh_kb.parent / "idx"), "--review-done", str(path)]
    taken = CliRunner().invoke(cli, args)
    assert taken.exit_code == 2 and "Missing argument" not in taken.output
    assert f"--review-done took {str(path)!r} for its DATE: put FILE first" in taken.output
    # a file named as its day, as postmortems often are: said the same, not "is not a date"
    dated = tmp_path / "2026-12-01-pm.md"
    dated.write_text(LOCK.format(status="Draft"), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    taken = CliRunner().invoke(cli, [*args[:-1], dated.name])
    assert taken.exit_code == 2 and "is not a date" not in taken.output, taken.output
    assert "--review-done took '2026-12-01-pm.md' for its DATE: put FILE first" in taken.output
    assert sorted((fresh_kb / "incidents").rglob("*.md")) == before  # nothing written
    assert "--review-done [DATE]" in CliRunner().invoke(cli, ["import", "--help"]).output
    # a re-import writes nothing: the flag is said not applied
    imp(fresh_kb, path, LOCK.format(status="Draft"))
    again = json.loads(imp(fresh_kb, path, LOCK.format(status="Draft"), "--review-done").stdout)
    assert any(n.startswith("--review-done not applied") for n in again["notes"]), again["notes"]


FUTURE_REVIEW = """\
# Log shipping outage on ingest nodes

**Date:** 2026-12-06
**Severity:** SEV-2
**Status:** Final
**Review date:** {review}

## Summary

fluent-bit crash-looped on the ingest nodes: its buffer directory had used every inode of /var.
"""


@pytest.mark.parametrize("review", ["2026-12-15", "Dec 15"])
def test_a_final_postmortem_with_a_review_date_after_today_records_a_scheduled_review(
    fresh_kb, tmp_path, monkeypatch, review
):
    # found in review: "Status: Final" and "Review date: 2026-12-15" on the 6th was recorded
    # {status: done, due: 2026-12-16, done: 2026-12-15}, a note saying "'2026-12-15' 2026-12-15 is after today",
    # and `recur check --strict` then failed on the record import had just written
    monkeypatch.setenv("RECUR_TODAY", "2026-12-06")
    r = imp(fresh_kb, tmp_path / "pm.md", FUTURE_REVIEW.format(review=review))
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["review"]["status"] == "pending" and out["review"]["due"] == "2026-12-15", out["review"]
    assert out["review"]["done"] is None
    said = [n for n in out["notes"] if n.startswith("review:")]
    shown = "'2026-12-15'" if review == "2026-12-15" else "'Dec 15' (2026-12-15)"
    assert said == [
        f"review: {shown} (the 'Review date:' line 6) is after today (2026-12-06): a review scheduled, not held; "
        f"recorded pending, due 2026-12-15, whatever the status 'Final' says; once it is held: recur incident "
        f"review {out['incident']} --done"
    ], out["notes"]
    assert not any("2026-12-15' 2026-12-15" in n for n in out["notes"])
    strict = CliRunner().invoke(cli, ["check", "--kb", str(fresh_kb), "--strict"])
    assert strict.exit_code == 0, strict.output
