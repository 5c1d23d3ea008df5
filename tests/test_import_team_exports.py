"""`recur import` of postmortems as teams export them (a problem manager's import of real exports):
the Atlassian template's bold field labels on corrective actions, Notion's action items, Google Docs'
tables, PagerDuty's and an email's write-ups."""

import datetime as dt
import json

from click.testing import CliRunner
from import_helpers import import_file as imp

from recur.cli.main import cli
from recur.ingest.action_items import parse_action_items
from recur.ingest.pm_text import clean_title
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb

ATLASSIAN = """\
# 2026-11-14 Postmortem: Mobile logins failing after certificate expiry

**Severity:** Sev 1

## Incident summary
All mobile logins failed: the intermediate certificate on auth.example.com expired.

## Corrective actions
- Move auth.example.com to cert-manager — **Owner:** Chris Ng — **Due:** 2026-11-28 — HOT-9920
- Probe every public endpoint for expiry (**Owner**: Sam Reyes, **Due date**: 2026-12-05)
- Track manual certificates in the inventory (*owner*: Lee Park)
"""


def test_bold_field_labels_on_an_action_item_are_read(kb_dir, tmp_path):
    # "**Due:** 2026-11-28" was a due date not read ('** 2026-11-28'), the title kept "— —", and a
    # bracket of bold labels was dropped whole as meta: its owner and due date lost unsaid
    items = parse(ATLASSIAN).action_items
    assert [(a["title"], a["owner"], str(a["due"]), a["ticket"]) for a in items] == [
        ("Move auth.example.com to cert-manager", "Chris Ng", "2026-11-28", "HOT-9920"),
        ("Probe every public endpoint for expiry", "Sam Reyes", "2026-12-05", None),
        ("Track manual certificates in the inventory", "Lee Park", "None", None),
    ]
    assert not any("due_unread" in a for a in items)
    res = imp(kb_dir, tmp_path / "pm" / "cert.md", ATLASSIAN)
    assert res.exit_code == 0, res.output
    assert "not read as a date" not in res.output
    inc = next(i for i in load_kb(kb_dir).incidents.values() if i.imported)
    assert [(f.owner, str(f.due)) for f in inc.follow_ups][:2] == [
        ("Chris Ng", "2026-11-28"),
        ("Sam Reyes", "2026-12-05"),
    ]


NESTED_FIELDS = """\
# Payment webhooks backlog

**Date:** 2026-11-22
**Severity:** SEV-3

## Summary
Webhook consumers deadlocked on one orders row.

## Action items
- Idempotency key per webhook event id
  - Owner: Alex Kim
  - Due: 2026-12-01
  - Ticket: PAY-991
- Queue depth alert on payments.webhooks
    * **Owner:** Ravi Patel
    * **Due date:** Dec 10, 2026
    * Status: Done
- Retry budget for the consumer
  - first step: measure retries today
  - Due: Q1 2027
"""


def test_field_sub_items_are_the_fields_of_the_action_item_above(kb_dir, tmp_path):
    # "  - Owner: Alex Kim" under an item was read as an item of its own: "Ticket" became a follow-up,
    # "Owner: …" and "Due: …" empty ones dropped, and the item above kept no owner, due date or ticket
    items = parse(NESTED_FIELDS).action_items
    assert [(a["title"], a["owner"], str(a["due"]), a["ticket"], a["status"]) for a in items] == [
        ("Idempotency key per webhook event id", "Alex Kim", "2026-12-01", "PAY-991", "open"),
        ("Queue depth alert on payments.webhooks", "Ravi Patel", "2026-12-10", None, "done"),
        ("Retry budget for the consumer", None, "None", None, "open"),
        ("first step: measure retries today", None, "None", None, "open"),  # a sub-item that is an action
    ]
    pm = parse(NESTED_FIELDS)  # a due date not read is said in the notes, as one in the item's own text is
    assert pm.unread_dues == [("Retry budget for the consumer", "Q1 2027")]
    res = imp(kb_dir, tmp_path / "pm" / "webhooks.md", NESTED_FIELDS)
    assert res.exit_code == 0, res.output
    assert "due 'Q1 2027' not read as a date" in res.output


NOTION = """\
# Payment webhooks backlog after queue consumer deadlock

Status: Done
Severity: SEV-3
Incident date: November 22, 2026 2:10 PM (GMT+1)

## Summary
Webhook consumers deadlocked on one orders row.

## Action items
- [x]  Re-enable lock wait timeout (50s) @Alex Kim
- [ ]  Consumer prefetch limit and per-message timeout @Dana Weiss @December 1, 2026
- [ ]  Queue depth alert on payments.webhooks — owner: @Ravi Patel, due @December 10, 2026
"""


def test_notions_date_mentions_are_due_dates_not_owners(kb_dir, tmp_path):
    # Notion writes a date mention "@December 1, 2026": it was read as a person, "Dana" the owner and
    # "@Dana Weiss @December 1, 2026" left in the title, and "due @December 10, 2026" no due date
    items = parse(NOTION).action_items
    assert [(a["title"], a["owner"], str(a["due"]), a["status"]) for a in items] == [
        ("Re-enable lock wait timeout (50s)", "Alex Kim", "None", "done"),
        ("Consumer prefetch limit and per-message timeout", "Dana Weiss", "2026-12-01", "open"),
        ("Queue depth alert on payments.webhooks", "Ravi Patel", "2026-12-10", "open"),
    ]
    res = imp(kb_dir, tmp_path / "pm" / "notion.md", NOTION)
    assert res.exit_code == 0, res.output
    inc = next(i for i in load_kb(kb_dir).incidents.values() if i.imported)
    assert [(f.owner, str(f.due)) for f in inc.follow_ups][1:] == [
        ("Dana Weiss", "2026-12-01"),
        ("Ravi Patel", "2026-12-10"),
    ]


NOTION_CALLOUT = """\
# Checkout 502s after the pool was halved

Status: Done
Incident date: November 20, 2026

## Summary

<aside>
💡 Checkout returned 502s for 40 minutes after a config push halved the database connection pool.

</aside>

The pool size came from a stale staging config.

## Action items
- [ ] Validate pool sizes in the config pipeline @Ines Duarte
"""


def test_notions_callout_in_the_summary_keeps_its_words_without_tags_or_icon(kb_dir, tmp_path):
    # Notion's Markdown export writes a callout as "<aside>" lines around "💡 …": the tags and the icon
    # were the summary's first words, and the record's
    summary = parse(NOTION_CALLOUT).sections["Summary"]
    assert summary.startswith("Checkout returned 502s for 40 minutes after a config push")
    assert "aside" not in summary and "💡" not in summary and "stale staging config" in summary
    # on one line; an icon of several code points (a ZWJ sequence); one alone on its line
    one = NOTION_CALLOUT.replace("<aside>\n💡 ", "<aside>⚠️ ").replace("pool.\n\n</aside>", "pool.</aside>")
    assert parse(one).sections["Summary"].startswith("Checkout returned 502s")
    assert "aside" not in parse(one).sections["Summary"] and "⚠" not in parse(one).sections["Summary"]
    zwj = parse(NOTION_CALLOUT.replace("💡 ", "🧑\u200d💻\n"))
    assert zwj.sections["Summary"].startswith("Checkout returned 502s")
    # an emoji inside the callout's words, and a callout quoted in a code block, are kept
    kept = NOTION_CALLOUT.replace(
        "stale staging config.", "stale staging config 💡.\n\n```\n<aside>\n💡 x\n</aside>\n```"
    )
    assert (
        "config 💡." in parse(kept).sections["Summary"] and "<aside>\n💡 x\n</aside>" in parse(kept).sections["Summary"]
    )
    # Notion's HTML export: "<aside>" or "<figure class=callout>", the icon an element of its own
    html = (
        "<html><body><h1>Checkout 502s after the pool was halved</h1><h2>Summary</h2>"
        '<figure class="callout"><div><span class="icon">💡</span></div><div>Checkout returned 502s for 40 '
        "minutes after a config push halved the pool.</div></figure><p>The size came from staging.</p></body></html>"
    )
    assert parse(html).sections["Summary"].startswith("Checkout returned 502s for 40 minutes")
    aside = html.replace('<figure class="callout">', "<aside>").replace("</figure>", "</aside>")
    assert parse(aside).sections["Summary"].startswith("Checkout returned 502s for 40 minutes")
    res = imp(kb_dir, tmp_path / "pm" / "callout.md", NOTION_CALLOUT)
    assert res.exit_code == 0, res.output
    inc = next(i for i in load_kb(kb_dir).incidents.values() if i.imported)
    assert inc.sections["Summary"].startswith("Checkout returned 502s") and "aside" not in inc.sections["Summary"]


GDOCS = """\
**Postmortem: Checkout API 503s, DB connection pool exhausted**

**Date:** Nov 12, 2026
**Severity:** SEV-2

**Summary**

checkout\\_api returned HTTP 503 for \\~40% of requests: the HikariCP pool was exhausted.

**Action Items**

| Action Item | Type | Owner | Bug | Due date |
| :---- | :---- | :---- | :---- | :---- |
| Add index on orders.created\\_at | prevent | [Priya Raman](mailto:priya.raman@example.com) | PAY-2231 | Nov 20, 2026 |
| Alert on pending connections | detect | Tom Becker | PAY-2232 | Dec 1, 2026 |

**Follow-ups**

- Load test the report query
  - Owner: [Tom Becker](mailto:tom.becker@example.com)
"""


def test_an_owner_written_as_a_link_is_its_name(kb_dir, tmp_path):
    # Google Docs exports a person chip as a mailto link: the record's owner was
    # "[Priya Raman](mailto:priya.raman@example.com)", a different owner from "Priya Raman" in the report
    items = parse(GDOCS).action_items
    assert [(a["title"], a["owner"]) for a in items] == [
        ("Add index on orders.created_at", "Priya Raman"),
        ("Alert on pending connections", "Tom Becker"),
        ("Load test the report query", "Tom Becker"),
    ]
    assert imp(kb_dir, tmp_path / "pm" / "gdocs.md", GDOCS).exit_code == 0
    report = CliRunner().invoke(cli, ["report", "--kb", str(kb_dir), "--as-of", "2026-12-03"])
    assert report.exit_code == 0, report.output
    assert "mailto" not in report.output


GOOGLE_SRE_HEADINGS = """\
# Shakespeare Sonnet++ Postmortem (incident #465)

### Date

2026-11-30

### Authors

* jennifer
* martym

### Status

Complete, action items in progress

### Summary

Shakespeare Search down for 66 minutes during a period of very high interest.

### Root Causes

Cascading failure: exceptionally high load and a resource leak when searches failed.
"""


def test_the_google_sre_templates_status_heading_is_the_reviews_status(kb_dir, tmp_path):
    # "### Status" over "Complete, action items in progress" was kept as a section of its own and the
    # review recorded pending: a Status line or table row said the same records it done
    pm = parse(GOOGLE_SRE_HEADINGS)
    assert pm.status == ("Complete, action items in progress", "the 'Status' heading", "done")
    assert pm.unmapped == ["Authors"] and "Status" not in pm.sections  # Authors: a section, as it was
    res = imp(kb_dir, tmp_path / "pm" / "sonnet.md", GOOGLE_SRE_HEADINGS, "--severity", "sev2")
    assert res.exit_code == 0, res.output
    inc = next(i for i in load_kb(kb_dir).incidents.values() if i.imported)
    assert inc.review.status == "done"


def test_a_duration_in_seconds_is_no_outage_and_between_two_times_is_one():
    # "held connections for 30s each" was recorded as duration_minutes: 0, the summary's "Between 14:05
    # and 15:20 UTC" unread ("from 14:05 to 15:20" was)
    pm = parse(
        "# Checkout 503s\n\n## Summary\nBetween 14:05 and 15:20 UTC, checkout returned HTTP 503. "
        "A slow query held pool connections for 30s each.\n"
    )
    assert pm.duration_minutes == 75
    assert "'Between 14:05 and 15:20'" in pm.duration_note
    pm = parse("# T\n\n## Summary\nA slow query held connections for 30s each; checkout failed for 40 minutes.\n")
    assert pm.duration_minutes == 40
    assert parse("# T\n\n## Summary\nA slow query held connections for 30s each.\n").duration_minutes is None


EMAIL = """\
From: Jordan Blake <jordan.blake@example.com>
To: eng-incidents@example.com
Date: Fri, 28 Nov 2026 16:02:11 +0000
Subject: Nightly billing job ran twice, duplicate invoices (SEV2)

Summary: On Nov 26 the nightly billing cron ran twice; 1,312 customers got duplicate invoices.

Root cause: The CronJob had concurrencyPolicy: Allow and the job took 26h.
"""


def test_a_severity_an_emails_subject_says_is_read(kb_dir, tmp_path):
    # the Subject is the title, and its header line was blanked before the text was read for a
    # severity: "(SEV2)" was not seen and the import recorded a placeholder for triage
    pm = parse(EMAIL)
    assert [(m.written, m.line) for m in pm.severity_mentions] == [("SEV2", 4)]
    assert pm.title == "Nightly billing job ran twice, duplicate invoices"  # "(SEV2)" read, out of the title
    assert "Subject" not in pm.sections.get("Summary", "")
    res = imp(kb_dir, tmp_path / "pm" / "billing.txt", EMAIL)
    assert res.exit_code == 0, res.output
    inc = next(i for i in load_kb(kb_dir).incidents.values() if i.imported)
    assert inc.severity == "sev2" and not inc.triage


PAGERDUTY = """\
# Search latency degradation

**Status:** Reviewed
**Priority:** P2
**Impacted services:** search-api, elasticsearch-prod
**Incident duration:** 2 hours 14 minutes

## Overview
Search p99 latency rose to 4s after an Elasticsearch data node lost its disk.
"""


def test_pagerdutys_impacted_services_and_incident_duration_are_fields():
    # "Impacted services:" and "Incident duration:" were lines of the summary: no services, no duration
    pm = parse(PAGERDUTY)
    assert pm.services == ["search-api", "elasticsearch-prod"]
    assert pm.duration_minutes == 134
    assert "Impacted" not in pm.sections["Summary"] and "duration" not in pm.sections["Summary"]


def test_pagerdutys_suffix_on_a_postmortem_title_is_taken_off(kb_dir, tmp_path):
    # a PagerDuty postmortem saved from its page is titled "… - Postmortem | PagerDuty": the tool's
    # name stayed in the record's title (" - Postmortem" alone was taken off, "| PagerDuty" not)
    for heading in (
        "Search latency degradation - Postmortem | PagerDuty",
        "Search latency degradation | PagerDuty",
        "Search latency degradation - Postmortem - PagerDuty",
    ):
        assert parse(PAGERDUTY.replace("Search latency degradation", heading, 1)).title == "Search latency degradation"
    # a dash before the tool's name alone is no page title's suffix: the title's own words keep it (this
    # test asserted " - PagerDuty" and "— PagerDuty" were taken off, and "Fix PagerDuty routing - PagerDuty"
    # lost its last word)
    for own in ("Fix PagerDuty routing - PagerDuty", "Search latency degradation — PagerDuty"):
        assert parse(PAGERDUTY.replace("Search latency degradation", own, 1)).title == own
    assert clean_title("Postmortem: Escalations lost — PagerDuty") == "Escalations lost — PagerDuty"
    html = "<html><body><h1>Search latency degradation - Postmortem - PagerDuty</h1><h2>Overview</h2>"
    out = json.loads(
        imp(
            kb_dir,
            tmp_path / "pd.html",
            html + "<p>Search p99 latency rose to 4s after a data node lost its disk.</p></body></html>",
            "--json",
        ).output
    )
    assert load_kb(kb_dir).incidents[out["incident"]].title == "Search latency degradation"
    # PagerDuty named in the title's own words stays
    assert clean_title("Alerts not delivered by PagerDuty") == "Alerts not delivered by PagerDuty"
    assert clean_title("PagerDuty webhooks failed") == "PagerDuty webhooks failed"


PAGERDUTY_ITEMS = """\
# Search latency degradation

**Priority:** P2

## Overview
Search p99 latency rose to 4s after an Elasticsearch data node lost its disk.

## Action Items

| Description | Owner | Ticket | Due Date | Status |
|---|---|---|---|---|
| Add a fifth data node | Lena Fischer | OPS-4410 | 12/15/2026 | In Progress |
| Alert on JVM old-gen > 85% for 15m | Lena Fischer | OPS-4411 | 12/05/2026 | Done |
| Set recovery throttle in cluster settings | Omar Haddad | OPS-4412 | 12/02/2026 | To Do |
"""


def test_a_due_columns_unambiguous_dates_settle_the_order_of_its_others():
    # "12/05/2026" reads as 5 Dec or 12 May: it was said not read and the follow-up kept no due date,
    # though "12/15/2026" in the same column can only be month-first
    pm = parse(PAGERDUTY_ITEMS)
    assert [str(a["due"]) for a in pm.action_items] == ["2026-12-15", "2026-12-05", "2026-12-02"]
    assert pm.unread_dues == []
    # a column that never settles it, or settles it both ways, still reads no ambiguous date
    both = "| Action | Due |\n|---|---|\n| A | 03/04/2026 |\n| B | 25/06/2026 |\n| C | 06/25/2026 |\n"
    assert [a.get("due_unread") for a in parse_action_items(both)] == ["03/04/2026", None, None]
    alone = "| Action | Due |\n|---|---|\n| A | 03/04/2026 |\n| B | 05/06/2026 |\n"
    assert [a["due"] for a in parse_action_items(alone)] == [None, None]


def test_an_email_subjects_bracketed_document_tag_is_taken_off_the_title():
    # "[Postmortem] Nightly billing job …" was the record's title, tag and all ("Postmortem: …" was not)
    pm = parse(EMAIL.replace("Subject: ", "Subject: [Postmortem] "))
    assert pm.title == "Nightly billing job ran twice, duplicate invoices"
    assert clean_title("[PIR] DNS outage") == "DNS outage"
    assert clean_title("[SEV2] Billing ran twice") == "[SEV2] Billing ran twice"  # a tag of another kind stays


def test_an_owner_sub_item_without_a_colon_is_the_items_owner():
    # Notion's export of "Idempotency key … / owner Alex Kim" (a nested bullet): "owner Alex Kim" was a
    # follow-up of its own, unowned, and the item above had no owner
    items = parse_action_items(
        "- Idempotency key per webhook event id (PAY-991)\n    - owner Alex Kim\n"
        "- Runbook update\n  - owner - @sam.r\n- Dashboards\n  - owner fixes it\n"
    )
    assert [(a["title"], a["owner"]) for a in items] == [
        ("Idempotency key per webhook event id", "Alex Kim"),
        ("Runbook update", "sam.r"),
        ("Dashboards", None),
        ("owner fixes it", None),  # words, not a name: an item of its own, as before
    ]


def test_dry_run_writes_nothing_and_says_what_it_would(kb_dir, tmp_path):
    # a problem manager checking what an export gives before it lands in the KB had no way but to
    # import it and delete the record (and the draft pattern) again
    before = sorted(p.relative_to(kb_dir) for p in kb_dir.rglob("*"))
    path = tmp_path / "pm" / "cert.md"
    res = imp(kb_dir, path, ATLASSIAN, "--dry-run")
    assert res.exit_code == 0, res.output
    assert res.output.startswith("Dry run, nothing written: would write incident ")
    assert sorted(p.relative_to(kb_dir) for p in kb_dir.rglob("*")) == before
    dry = imp(kb_dir, path, ATLASSIAN, "--dry-run", "--json")
    assert dry.exit_code == 0, dry.output
    real = imp(kb_dir, path, ATLASSIAN, "--json")
    assert real.exit_code == 0, real.output
    a, b = json.loads(dry.output), json.loads(real.output)
    assert (a["id"], a["path"], a["follow_ups"], a["severity"]) == (b["id"], b["path"], b["follow_ups"], b["severity"])
    again = imp(kb_dir, path, ATLASSIAN, "--dry-run")  # imported now: the dry run says so, as an import does
    assert again.exit_code == 0 and again.output.startswith("Already imported as")
    # edited since: the dry run says what the import would (changed, not updated: exit 3, what differs), in its words
    edited = ATLASSIAN.replace("All mobile logins failed", "All mobile and web logins failed")
    before = {p: p.read_bytes() for p in kb_dir.rglob("*") if p.is_file()}
    dry, real = imp(kb_dir, path, edited, "--dry-run"), imp(kb_dir, path, edited)
    assert dry.exit_code == real.exit_code == 3 and dry.output == real.output, (dry.output, real.output)
    assert "changed since it was imported" in dry.output and "Summary section" in dry.output, dry.output
    assert {p: p.read_bytes() for p in kb_dir.rglob("*") if p.is_file()} == before  # neither wrote


def test_a_blocked_status_in_the_google_template_bug_column_and_a_full_name_mention_between_dashes():
    # the SRE template's "BUG-5524 **BLOCKED**" was read as the ticket with the item not blocked (its
    # **DONE** and **TODO** were read); "— @Tomás Ruiz — Dec 5, 2026 — SRCH-101" made "Tomás" the owner
    # and kept "— @Tomás Ruiz" in the title
    [done, blocked, plain] = parse_action_items(
        "| Action Item | Type | Owner | Bug |\n"
        "|---|---|---|---|\n"
        "| Reject unknown config keys | prevent | kwame | BUG-5521 **DONE** |\n"
        "| Document the key rename | process | @lena | BUG-5524 **BLOCKED** |\n"
        "| Alert on pool saturation | detect | lena | https://bugs.example.com/BLOCKED-7 |\n"
    )
    assert (done["status"], done.get("blocked"), done["ticket"]) == ("done", None, "BUG-5521")
    assert (blocked["status"], blocked.get("blocked"), blocked["ticket"]) == ("open", "BLOCKED", "BUG-5524")
    assert plain.get("blocked") is None  # a ticket's own words
    got = [
        (a["title"], a["owner"], a["due"], a["ticket"])
        for text in (
            "- [ ] Alert on consumer lag — @Tomás Ruiz — Dec 5, 2026 — SRCH-101\n",
            "- [ ] Raise the session timeout — @dev.patel — SRCH-102\n",
        )
        for a in parse_action_items(text)
    ]
    assert got == [
        ("Alert on consumer lag", "Tomás Ruiz", dt.date(2026, 12, 5), "SRCH-101"),
        ("Raise the session timeout", "dev.patel", None, "SRCH-102"),
    ]
