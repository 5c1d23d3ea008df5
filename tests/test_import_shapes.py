"""`recur import` on more shapes teams write postmortems in (issue 14 audit): a paragraph after the
action-item list, an action restated in a table and a list, pandoc's grid tables from a Word
document, numbered H1 sections, a postmortem re-saved at the same path. Our own text."""

import datetime as dt
import json
import re

import pytest
from click.testing import CliRunner
from import_helpers import import_file as imp

from recur.cli.main import cli
from recur.ingest.action_items import parse_action_items
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb


def test_a_paragraph_after_the_action_item_list_is_not_part_of_the_last_item():
    # GitLab's incident issue ends with quick actions; reviews end with a note. Both were glued onto
    # the last follow-up's title ("... expires , tracked in /label ~incident ~severity::2")
    items = parse_action_items(
        "- [ ] Alert 14 days before a service account key expires\n"
        "      (owner: @kim), tracked in #4414\n"
        "- [x] Rotate the remaining static keys #4413\n\n"
        '/label ~"incident" ~"severity::2"\n\n'
        "1. Raise the ulimit on search nodes\n"
        "2. Add an alert on fd usage\n\n"
        "These were agreed in the review on 2026-03-01.\n"
    )
    assert [(i["title"], i["owner"], i["ticket"], i["status"]) for i in items] == [
        ("Alert 14 days before a service account key expires, tracked in", "kim", "#4414", "open"),
        ("Rotate the remaining static keys", None, "#4413", "done"),
        ("Raise the ulimit on search nodes", None, None, "open"),
        ("Add an alert on fd usage", None, None, "open"),
    ]
    # a continuation paragraph indented under its item still belongs to it
    cont = parse_action_items("- Batch backfills\n\n  in 50k-row transactions (LED-310)\n- Expire silences\n")
    assert [(i["title"], i["ticket"]) for i in cont] == [
        ("Batch backfills in 50k-row transactions", "LED-310"),
        ("Expire silences", None),
    ]


def test_an_action_restated_in_a_table_and_a_list_is_one_follow_up():
    items = parse_action_items(
        "| Action | Owner | Jira |\n|---|---|---|\n| Add a dead-letter queue | marco | NOTIF-77 |\n\n"
        "Summary of what we agreed:\n\n- Add a dead-letter queue ✅\n- Page on crash loops\n"
    )
    assert [(i["title"], i["owner"], i["ticket"], i["status"]) for i in items] == [
        ("Add a dead-letter queue", "marco", "NOTIF-77", "done"),
        ("Page on crash loops", None, None, "open"),
    ]
    # the same words for two teams are two actions
    two = parse_action_items(
        "| Action | Owner |\n|---|---|\n| Update the runbook | payments |\n| Update the runbook | search |\n"
    )
    assert [(i["title"], i["owner"]) for i in two] == [
        ("Update the runbook", "payments"),
        ("Update the runbook", "search"),
    ]


def test_an_owner_written_inline_as_a_mention_leaves_the_title():
    # PagerDuty-style "— @jin — due 2026-04-15": the owner and due date were read, "— @jin" stayed
    [it] = parse_action_items("- [ ] Synthetic login probe from a mobile TLS stack — @jin — due 2026-04-15\n")
    assert (it["title"], it["owner"], it["due"]) == (
        "Synthetic login probe from a mobile TLS stack",
        "jin",
        dt.date(2026, 4, 15),
    )


WEBHOOKS = """\
# Payment webhooks dropped during the load balancer move

Date: 2026-03-09
Severity: sev2

## Summary
Webhooks got 502s for 40 minutes: the new load balancer had no rule for /hooks.
"""
BACKUP = """\
# Nightly backup fills the NFS share

Date: 2026-04-02
Severity: sev3

## Summary
The backup job wrote full copies after a typo in its config, and the share filled up.
"""


def test_another_postmortem_saved_at_the_same_path_is_a_new_incident(kb_dir, tmp_path):
    # "Already imported (same source path)", nothing written, for a different postmortem that a team
    # saved where the last one was (downloads/postmortem.md)
    path = tmp_path / "downloads" / "postmortem.md"
    first = json.loads(imp(kb_dir, path, WEBHOOKS, "--json").output)
    r = imp(kb_dir, path, BACKUP, "--json")
    second = json.loads(r.output)
    assert second["already"] is None and second["incident"] != first["incident"], r.output
    assert any(f"imported before as {first['incident']}, a different postmortem" in n for n in second["notes"])
    kb = load_kb(kb_dir)
    assert kb.incidents[second["incident"]].title == "Nightly backup fills the NFS share"
    # the same document edited (a line added, the title kept) is still recognised by its path
    edited = json.loads(imp(kb_dir, path, BACKUP + "Reviewed on 2026-04-09.\n", "--json").stdout)
    assert edited["already"] == {
        "incident": second["incident"],
        "path": second["incident_path"],
        "by": "source path",
        "kept_record": None,
    }
    # and so is one whose title was corrected but whose date is the same
    retitled = json.loads(imp(kb_dir, path, BACKUP.replace("Nightly backup", "Backup"), "--json").stdout)
    assert retitled["already"]["incident"] == second["incident"]
    assert len(load_kb(kb_dir).incidents) == 4  # two shipped + two imported


# What pandoc writes for a Word report: a bold title line, numbered Heading 1 sections (Setext "===",
# escaped "1\\."), and a grid table for a table whose cells wrap.
WORD = """\
**Incident Report -- Warehouse Scanner Outage**

**Date:** 2026-04-22

1\\. Executive Summary
=====================

Scanners in the Leeds warehouse could not reach the inventory service for four hours after a
firewall change blocked port 8443 from the scanner VLAN.

2\\. Corrective Actions
======================

+---------------------------------+-------------+------------+--------------+
| Action                          | Owner       | Due        | Status       |
+=================================+=============+============+==============+
| Review firewall changes against | NetOps      | 2026-05-01 | Complete     |
| the VLAN allow-list             |             |            |              |
+---------------------------------+-------------+------------+--------------+
| Add a synthetic check from the  | Ops Eng     | 2026-05-15 | Open         |
| scanner VLAN                    |             |            |              |
+---------------------------------+-------------+------------+--------------+
"""


def test_a_word_export_reads_its_title_sections_and_grid_table():
    pm = parse(WORD)
    # the title was "1. Executive Summary", and the grid table's wrapped rows were read as rows
    # of their own: "the VLAN allow-list" and "scanner VLAN" were two open follow-ups, owners and
    # due dates lost
    assert pm.title == "Warehouse Scanner Outage"
    assert [m[1] for m in pm.mapped] == ["Summary", "Action items"]
    assert pm.sections["Summary"].endswith("blocked port 8443 from the scanner VLAN.")
    assert "Incident Report" not in pm.sections["Summary"]
    assert [(a["title"], a["owner"], a["due"], a["status"]) for a in pm.action_items] == [
        ("Review firewall changes against the VLAN allow-list", "NetOps", dt.date(2026, 5, 1), "done"),
        ("Add a synthetic check from the scanner VLAN", "Ops Eng", dt.date(2026, 5, 15), "open"),
    ]
    # the record keeps the table as a pipe table (a grid table renders as text on the site)
    assert (
        "| Review firewall changes against the VLAN allow-list | NetOps | 2026-05-01 | Complete |"
        in (pm.sections["Action items"])
    )
    # a grid table inside a code block stays as it is
    fenced = parse("# T\n\n## Summary\nText here about it.\n\n```\n+---+---+\n| a | b |\n+---+---+\n```\n")
    assert "+---+---+\n| a | b |" in fenced.sections["Summary"]


def test_sections_written_as_h3_keep_an_unknown_section_of_their_own():
    # "# Title" then every section a "###": "Supporting information" was folded into the Timeline
    # as a sub-heading, and "Authors" into the Date, where its text was lost
    pm = parse(
        "# Search outage\n\n### Date\n\n2026-02-11\n\n### Authors\n\n* priya, lee\n\n"
        "### Summary\n\nSearch was down for 52 minutes.\n\n### Timeline\n\n* 18:02 deploy\n\n"
        "### Supporting information\n\n* dashboard: search / thread pools\n"
    )
    assert pm.date == dt.date(2026, 2, 11) and pm.unmapped == ["Authors", "Supporting information"]
    assert pm.sections["Timeline"] == "* 18:02 deploy"
    assert pm.sections["Supporting information"] == "* dashboard: search / thread pools"
    assert pm.sections["Authors"] == "* priya, lee"
    # under "##" sections a "###" nobody maps is still a sub-heading of its section
    nested = parse("# T\n\n## Timeline\n\n* 18:02 deploy\n\n### Notes\n\n* taken by lee\n")
    assert nested.unmapped == [] and "**Notes**" in nested.sections["Timeline"]


JIRA_FIELDS = """\
# Checkout errors after the tax service deploy

| Field | Value |
|---|---|
| Priority | P3 |
| Severity | SEV-1 |
| Date | 2026-05-04 |

## Summary
Checkout failed for every EU customer for 20 minutes after the tax service deploy.
"""


def test_a_severity_field_wins_over_a_priority_field_before_it(kb_dir, tmp_path):
    # Jira and ServiceNow exports have both: the first one read won, so a SEV-1 with priority P3 was
    # recorded as sev3 (a light review, not a full one), with nothing marked for triage
    assert parse(JIRA_FIELDS).severity_text == "SEV-1"
    out = json.loads(imp(kb_dir, tmp_path / "jira.md", JIRA_FIELDS, "--json").output)
    assert out["severity"] == "sev1" and out["triage"] == []
    assert "severity: sev1 from 'SEV-1'" in out["notes"]
    # a priority alone still gives the severity, and says so
    only = JIRA_FIELDS.replace("| Severity | SEV-1 |\n", "").replace("tax service", "tax svc")
    out = json.loads(imp(kb_dir, tmp_path / "prio.md", only, "--json").output)
    assert out["severity"] == "sev3"
    assert "severity: sev3 from 'P3' (a Priority field; no severity was named)" in out["notes"]


def test_severities_as_gitlab_and_word_reports_write_them(kb_dir):
    from recur.ingest.postmortem import severity_key

    levels = load_kb(kb_dir).severity  # sev1..sev4
    got = {t: severity_key(t, levels) for t in ("S2", "severity::1", "1 - Critical", "Sev - 3", "High", "Users 2")}
    assert got == {
        "S2": "sev2",
        "severity::1": "sev1",
        "1 - Critical": "sev1",
        "Sev - 3": "sev3",
        "High": None,
        "Users 2": None,
    }


CONFLUENCE_EXPORT = """\
# Postmortem: Orders stuck in pending

Created by Jane Doe, last modified by Sam Lee on Apr 02, 2026

## Leadup

On 2026-03-01 we upgraded the payment SDK to 7.2.

## Incident summary

On March 28, 2026 at 14:10 UTC orders stopped moving from pending to paid for 35 minutes.
"""


def test_the_first_dated_sentence_is_about_the_incident():
    # a Confluence export's "last modified on" line and the Leadup (what came before) gave the date
    pm = parse(CONFLUENCE_EXPORT)
    assert pm.date == dt.date(2026, 3, 28), pm.date_source
    assert pm.date_source.startswith('the first dated sentence: "On March 28, 2026 at 14:10 UTC')
    assert parse(CONFLUENCE_EXPORT.replace("## Incident summary", "## Leadup too")).date == dt.date(2026, 3, 1)
    only = parse("# Orders stuck\n\nLast updated: 2026-04-02\n\n## Summary\nOrders failed for an hour.\n")
    assert only.date == dt.date(2026, 4, 2)  # nothing else dated: the document's date, and it says so
    assert "Last updated: 2026-04-02" in only.date_source
    # day-first dotted dates (a German or French report) are read, in a label or a due column
    assert parse("# Ausfall\n\nDate: 04.03.2026\n\n## Summary\nOrders failed for an hour.\n").date == dt.date(
        2026, 3, 4
    )


PAGERDUTY = """\
# Login failures after certificate rotation

| | |
|---|---|
| Date | March 3, 2026 |
| Severity | SEV-1 |

## Overview
Mobile clients could not log in for 72 minutes: the edge served a chain without its intermediate.

## How'd We Do?

### What went well
- Paging worked.

### What didn't go so well
- It took 40 minutes to suspect the certificate.

## Action Items
- [ ] Synthetic login probe from a mobile TLS stack
"""


def test_pagerduty_and_gitlab_review_headings_are_lessons_learned():
    # "How'd We Do?" (PagerDuty) and "What can be improved" (GitLab) were left unmapped
    pm = parse(PAGERDUTY)
    assert pm.unmapped == [] and pm.sections["Lessons learned"] == (
        "**What went well**\n- Paging worked.\n\n**What didn't go so well**\n"
        "- It took 40 minutes to suspect the certificate."
    )
    gitlab = parse(
        "## Summary\nPushes failed.\n\n## What went well\n- Fast rollout.\n\n## What can be improved\n- Keys.\n"
    )
    assert gitlab.unmapped == [] and "**What can be improved**\n- Keys." in gitlab.sections["Lessons learned"]


def test_check_does_not_say_the_postmortem_named_no_severity_when_it_named_one_import_cannot_read(kb_dir, tmp_path):
    text = "# Scanner outage\n\nDate: 2026-04-22\nSeverity: High\n\n## Summary\nScanners lost the inventory service.\n"
    out = json.loads(imp(kb_dir, tmp_path / "w.md", text, "--json").output)
    assert out["triage"] == ["severity"] and any("could not read 'High'" in n for n in out["notes"])
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir)]).output
    assert "needs triage: sev3 is a placeholder (recur import found none it could read in the postmortem)" in check
    assert "did not say" not in check


THUMBS = """\
# Thumbnails render blank for CMYK uploads

Date: 2026-05-02
Severity: sev3

## Summary
Product thumbnails rendered as blank grey squares because the image worker rejected CMYK JPEG files
uploaded by a new supplier; the resize step failed with `unsupported color space`.

## Root cause
The image worker's libvips build lacked CMYK ICC profile support.
"""
THUMBS_AGAIN = """\
# Blank product images after a supplier upload

Date: 2026-06-10
Severity: sev3

## Summary
After another supplier upload, product thumbnails showed as blank grey squares: the image worker
logged `unsupported color space` for CMYK JPEG files.

## Root cause
The rebuilt image worker again lacked CMYK ICC profile support in libvips.
"""


def test_the_same_failure_as_an_earlier_imports_draft_writes_no_second_draft(kb_dir, tmp_path):
    # the draft is not linked (a person must promote it), but a second draft of the same failure was
    # written beside it, splitting one failure over two patterns; the real model ranks it
    def run(name, text, *extra):
        path = tmp_path / name
        path.write_text(text)
        args = ["import", "--kb", str(kb_dir), "--index", str(tmp_path / "idx"), str(path), "--json", *extra]
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 0, r.output
        return json.loads(r.output)

    first = run("thumbs.md", THUMBS, "--category", "media")
    draft = first["draft"]["id"]
    second = run("thumbs2.md", THUMBS_AGAIN)
    assert second["candidates"][0]["id"] == draft and second["candidates"][0]["confidence"] in ("high", "medium")
    assert second["draft"] is None and second["patterns"] == [] and second["link"]["pending_draft"] == draft
    assert f"no new draft written: {draft}, a draft an earlier import wrote, is the best candidate" in second["notes"]
    kb = load_kb(kb_dir)
    assert sorted(kb.import_drafts()) == [draft] and kb.incidents[second["incident"]].candidates[0]["id"] == draft
    path = tmp_path / "thumbs3.md"
    path.write_text(THUMBS_AGAIN.replace("2026-06-10", "2026-07-01").replace("another", "a third"))
    args = ["import", "--kb", str(kb_dir), "--index", str(tmp_path / "idx"), str(path)]
    shown = CliRunner().invoke(cli, args).output
    assert f"Next: review the draft {draft} (it looks like the same failure)" in shown and "wrote draft" not in shown
    assert sorted(load_kb(kb_dir).import_drafts()) == [draft]


ATLASSIAN_BLANK = """\
# Incident postmortem: {{Incident name}}

| | |
|---|---|
| **Incident date** | YYYY-MM-DD |
| **Owner** | @mention |

## Incident summary
Briefly summarize the incident. Include the following information:
- What happened?
- When did it happen?

## Leadup
Describe the sequence of events that led to the incident.

## Fault
Describe what didn't work as expected.

## Five whys
1. Why?
2. Why?

## Corrective actions
Describe the corrective actions ordered to prevent this class of incident in the future.
"""
PAGERDUTY_BLANK = """\
# [Incident Title] Postmortem

**Date**: YYYY-MM-DD
**Severity**: SEV-X

## Overview
<!-- A sentence or two summarizing the contributing factors, timeline summary, and the impact. -->

## Action Items
| Owner | Action | Jira |
|-------|--------|------|
|       |        |      |
"""


def test_unfilled_templates_whose_instructions_are_prose_are_refused(kb_dir, tmp_path):
    # the template's own instructions ("Describe ...", "What happened?") and an empty table's header
    # counted as the author's words: both were recorded as incidents dated today, for triage
    for name, text in (("atl.md", ATLASSIAN_BLANK), ("pd.md", PAGERDUTY_BLANK)):
        r = imp(kb_dir, tmp_path / name, text)
        assert r.exit_code != 0 and "looks like an unfilled postmortem template" in r.output, r.output
        assert f"{name}" in r.output
    assert len(load_kb(kb_dir).incidents) == 2  # the two shipped ones: nothing written
    # filled in, the same layout imports, its questions answered and its actions listed
    filled = ATLASSIAN_BLANK.replace("{{Incident name}}", "Orders stuck").replace("YYYY-MM-DD", "2026-03-28")
    filled = filled.replace("Describe the sequence of events that led to the incident.", "We upgraded the SDK.")
    filled += "\n- Add a dead-letter queue (NOTIF-77)\n"
    r = imp(kb_dir, tmp_path / "filled.md", filled, "--json")
    assert r.exit_code == 0, r.output
    inc = load_kb(kb_dir).incidents[json.loads(r.output)["incident"]]
    assert inc.title == "Orders stuck" and [(f.title, f.ticket) for f in inc.follow_ups] == [
        ("Add a dead-letter queue", "NOTIF-77")
    ]
    # a terse real postmortem is not taken for a template
    short = "# Disk full on db-3\n\nDate: 2026-02-02\n\n## Summary\nWAL filled the disk; we grew the volume.\n"
    assert imp(kb_dir, tmp_path / "short.md", short).exit_code == 0


def test_a_title_row_after_a_generic_heading_is_the_title():
    """Found in review: "# Postmortem" then a metadata table with a Title row gave the incident the
    title "Postmortem" (the table's Date and Severity were used)."""
    table = "| Field | Value |\n|---|---|\n| Title | Kafka consumer lag |\n| Date | 2026-11-05 |\n| Severity | P2 |\n"
    pm = parse(f"# Postmortem\n\n{table}\n## Summary\nConsumer lag grew to 2 million messages.\n")
    assert (pm.title, pm.date, pm.severity_text) == ("Kafka consumer lag", dt.date(2026, 11, 5), "P2")
    pm = parse(f"# Checkout outage\n\n{table}\n## Summary\nx y z\n")  # a heading that names it stays
    assert pm.title == "Checkout outage"
    front = "---\ntitle: Kafka consumer lag\n---\n# Incident report\n\n## Summary\nx y z\n"
    assert parse(front).title == "Kafka consumer lag"


def test_a_front_matter_date_that_is_not_a_date_is_named_as_unread(kb_dir, tmp_path):
    """Found in review: `date: "last tuesday"` gave "date: none found in the postmortem", though the
    postmortem has a date field; a date like 2026-02-30 was already named ("could not read")."""
    r = imp(
        kb_dir,
        tmp_path / "pm.md",
        '---\ntitle: Cache stampede\ndate: "last tuesday"\nseverity: sev2\n---\n\n## Summary\nThe cache expired at noon and every request went to the database, which fell over under the load.\n',
        "--json",
    )
    assert r.exit_code == 0, r.output
    notes = " ".join(json.loads(r.stdout)["notes"])
    assert "could not read 'last tuesday' (front matter (date))" in notes and "none found" not in notes


# Setext headings, as pandoc writes Markdown by default and people write by hand: "Title" over "===",
# sections over "---", numbered ones too; a "---" after a blank line is a rule, a table's "|---|" no heading.
SETEXT_PM = """\
---
service: dns-resolver
---
Resolver cache poisoning drops internal names
=============================================

Severity: SEV3

1. Summary
----------
Internal lookups for `*.corp` failed for 25 minutes after a resolver cache filled with NXDOMAIN answers.

---

Root cause
----------
The negative-cache TTL was raised to one day in a config change.

| Step | Note |
|------|------|
| 1 | TTL raised |

3. Follow-ups
-------------
- Cap the negative-cache TTL at 60 seconds
- Alert on NXDOMAIN rate (DNS-88)
"""


def test_setext_headings_map_sections_like_atx_ones():
    # "1. Summary" over "----" was read as a list item, not a heading: nothing was mapped, the whole
    # postmortem was the summary and no follow-up was read
    pm = parse(SETEXT_PM)
    atx_text = re.sub(r"(?m)^(=|-){10,}\n", "", SETEXT_PM).replace("Resolver cache", "# Resolver cache")
    atx = parse(re.sub(r"(?m)^(1\. Summary|Root cause|3\. Follow-ups)$", r"## \1", atx_text))
    assert pm.title == atx.title == "Resolver cache poisoning drops internal names"
    assert (
        pm.mapped
        == atx.mapped
        == [("1. Summary", "Summary"), ("Root cause", "Root cause"), ("3. Follow-ups", "Action items")]
    )
    assert pm.severity_text == "SEV3" and pm.front_matter == "yaml"
    assert pm.sections["Summary"].startswith("Internal lookups") and pm.sections["Summary"].endswith(
        "NXDOMAIN answers."
    )
    assert "| 1 | TTL raised |" in pm.sections["Root cause"]  # the table stays text
    assert [(a["title"], a["ticket"]) for a in pm.action_items] == [
        ("Cap the negative-cache TTL at 60 seconds", None),
        ("Alert on NXDOMAIN rate", "DNS-88"),
    ]
    assert [(a["title"], a["ticket"]) for a in atx.action_items] == [(a["title"], a["ticket"]) for a in pm.action_items]
    # a numbered list over a rule is still a list
    listed = parse("# T\n\n## Summary\nWhat we saw:\n\n1. The cache filled\n---\n\nMore text.\n")
    assert "1. The cache filled" in listed.sections["Summary"] and listed.unmapped == []


def test_a_line_of_dot_separated_fields_gives_each_field():
    # "Ticket: … · Severity: **SEV2** · Date: …" was one "Ticket:" label: the severity was lost
    pm = parse(
        "# Queue backlog delays invoices\n\n"
        "Ticket: OPS-311 · Severity: **SEV2** · Date: 2026-06-02 · Duration: 50 min\n\n"
        "## Summary\nInvoice emails were 50 minutes late because the mail queue consumer stalled.\n"
    )
    assert pm.severity_text == "SEV2" and pm.date == dt.date(2026, 6, 2) and pm.duration_minutes == 50
    assert pm.unkept == ["ticket: OPS-311"]  # said in the notes, not dropped unsaid
    assert "Severity" not in pm.sections["Summary"]
    # a sentence with a middle dot is no field line
    prose = parse("# T\n\nWe paged at 10:02 · the queue drained by 10:40.\n\n## Impact\nLate mail.\n")
    assert prose.severity_text is None and "10:02 · the queue" in prose.sections["Summary"]


CANCELLED_ITEMS = """\
# Search index rebuild stalls

**Date:** 2026-08-04
**Severity:** SEV-3

## Summary
The nightly search index rebuild stalled for six hours on a lock held by a stuck vacuum job.

## Action items

| Action | Owner | Due | Status |
|---|---|---|---|
| Time out vacuum after 30 minutes | Lee | 2026-08-20 | Open |
| Move the rebuild off the primary | Lee | H2 2027 | Not started |
| Rewrite the rebuild in Go | Ana | | Won't do |
| Page on lock waits over 10 minutes | Ana | 2026-08-11 | Cancelled |
| ~~Upgrade the database first~~ | Sam | | |
| Check lock graphs in the **~~old~~ new** dashboard | Sam | 2026-08-15 | Done |
"""


def test_cancelled_action_items_are_no_open_follow_ups_and_an_unread_due_is_said(kb_dir, tmp_path):
    # "Won't do", "Cancelled" and ~~struck~~ items were open follow-ups (the "~~" kept in the title),
    # and a due date no reader knew ("H2 2027") was dropped without a word
    pm = parse(CANCELLED_ITEMS)
    # one closed undone is status done with resolution wont-do, as the record has it
    assert [(a["title"], a.get("resolution") or a["status"], a["due"]) for a in pm.action_items] == [
        ("Time out vacuum after 30 minutes", "open", dt.date(2026, 8, 20)),
        ("Move the rebuild off the primary", "open", None),
        # closed undone, in their place: what the review decided against (they were left out of the record)
        ("Rewrite the rebuild in Go", "wont-do", None),
        ("Page on lock waits over 10 minutes", "wont-do", dt.date(2026, 8, 11)),
        ("Upgrade the database first", "wont-do", None),
        ("Check lock graphs in the ~~old~~ new dashboard", "done", dt.date(2026, 8, 15)),
    ]
    assert pm.cancelled_items == [
        "Rewrite the rebuild in Go",
        "Page on lock waits over 10 minutes",
        "Upgrade the database first",
    ]
    assert pm.unread_dues == [("Move the rebuild off the primary", "H2 2027")]
    for status in ("Won’t fix", "wontfix", "Dropped", "Obsolete", "Canceled"):
        assert parse_action_items(f"| Action | Status |\n|---|---|\n| Shard the index | {status} |\n")[0]["cancelled"]
    out = json.loads(imp(kb_dir, tmp_path / "pm" / "search.md", CANCELLED_ITEMS, "--json").output)
    notes = out["notes"]
    assert (
        "follow-ups recorded won't do (cancelled): Rewrite the rebuild in Go; "
        "Page on lock waits over 10 minutes; Upgrade the database first" in notes
    )
    assert "follow-up 'Move the rebuild off the primary': due 'H2 2027' not read as a date, left empty" in notes
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert [(f.title, f.status, f.resolution) for f in inc.follow_ups] == [
        (a["title"], a["status"], a.get("resolution")) for a in pm.action_items
    ]


def test_a_jira_json_or_csv_export_is_refused_not_imported_as_prose(kb_dir, tmp_path):
    # the export was read as prose: titled from the file name, the raw JSON recorded as the summary
    issue = {"key": "WEB-41", "fields": {"summary": "CDN purge wiped the image cache", "priority": {"name": "High"}}}
    rows = 'Issue key,Summary,Priority\nWEB-41,"CDN purge wiped the image cache",High\n'
    for name, text in (("web41.json", json.dumps(issue)), ("export.txt", json.dumps([issue])), ("web41.csv", rows)):
        res = imp(kb_dir, tmp_path / "pm" / name, text)
        assert res.exit_code != 0
        assert (
            str(tmp_path / "pm" / name) in res.output
            and "export the postmortem itself as Markdown or text" in res.output
        )
        assert ("CSV" if name.endswith(".csv") else "JSON") in res.output
    assert len(load_kb(kb_dir).incidents) == 2  # the two shipped ones: nothing written
    # a Markdown postmortem that starts with a bracket is still a postmortem
    ok = imp(
        kb_dir,
        tmp_path / "pm" / "ok.md",
        "[Draft] CDN purge wiped the image cache\n\n## Summary\nA purge of /img/* emptied the CDN cache; origin load went 9x for 40 minutes on 2026-05-02.\n",
    )
    assert ok.exit_code == 0, ok.output


JIRA_ROWS = (
    "Summary,Issue key,Issue id,Status,Assignee,Due Date,Labels\n"
    '"Set max_overflow to a bounded value, and add a pool wait timeout",PAY-4411,104411,Done,Michal K,25/Nov/26,pm\n'
    '"Make the load-test runner refuse production targets",LT-210,100210,In Progress,Tuan N,02/Dec/26,pm\n'
    '"Alert on pool waits",PAY-4412,104412,To Do,Michal K,,pm\n'
)


@pytest.mark.parametrize(
    "name, text",
    [
        ("jira-actions.txt", JIRA_ROWS),
        ("rows.md", JIRA_ROWS.replace(",", ";").replace("value; and", "value, and")),
        ("rows.txt", JIRA_ROWS.replace(",", "\t").replace("value\t and", "value, and").replace('"', "")),
    ],
)
def test_a_csv_export_under_another_name_is_refused_by_its_content(kb_dir, tmp_path, name, text):
    # a Jira CSV saved as .txt was imported as a postmortem titled "jira actions", its rows the summary, where the
    # same bytes as .csv were refused
    res = imp(kb_dir, tmp_path / "pm" / name, text)
    assert res.exit_code != 0 and "is a CSV export" in res.output and str(tmp_path / "pm" / name) in res.output
    assert len(load_kb(kb_dir).incidents) == 2  # the two shipped ones: nothing written


def test_prose_with_commas_on_its_first_line_is_no_csv(kb_dir, tmp_path):
    text = (
        "Checkout, payments, and search were down\n\n## Summary\n\nThe deploy at 10:02, a config push, broke "
        "checkout on 2026-05-02.\nWe rolled back, then\nwaited for caches to warm, and it recovered.\n"
    )
    res = imp(kb_dir, tmp_path / "pm" / "ok.txt", text)
    assert res.exit_code == 0, res.output


def test_a_one_line_html_export_longer_than_the_csv_look_is_imported_not_a_traceback(kb_dir, tmp_path):
    # the CSV look reads the first 64 KiB and drops its last row as cut off: one line of 96 KB with ";" in its
    # style left no row, and `recur import` ended in an IndexError (security review of 2026-12)
    filler = "<p>The pool stayed full while retries piled up.</p>" * 1900
    html = (
        "<html><head><style>p{margin:0;padding:0;color:#000}</style></head><body><h1>Postmortem: DB outage</h1>"
        f"<p>Date: 2026-11-01</p><h2>Summary</h2><p>The database ran out of connections.</p>{filler}</body></html>"
    )
    assert "\n" not in html and len(html) > 64 * 1024
    res = imp(kb_dir, tmp_path / "pm" / "oneline.html", html)
    assert res.exit_code == 0 and res.exception is None, res.output
    assert "DB outage" in [inc.title for inc in load_kb(kb_dir).incidents.values()]


def test_a_postmortem_with_cr_line_ends_is_imported_and_a_cr_csv_still_refused(kb_dir, tmp_path):
    # CR alone between lines (an old Mac editor's): the CSV look read the file as one line with commas, and the csv
    # module's "new-line character seen in unquoted field" ended `recur import` in a traceback (found by fuzzing)
    text = (
        "Checkout, payments, and search were down\r\r## Summary\rThe deploy at 10:02, a config push, broke "
        "checkout on 2026-05-02.\rWe rolled back, then waited for caches to warm.\r"
    )
    res = imp(kb_dir, tmp_path / "pm" / "mac.txt", "", raw=text.encode())
    assert res.exit_code == 0 and res.exception is None, res.output
    recorded = [p.read_text() for p in (kb_dir / "incidents").rglob("*.md") if "mac.txt" in p.read_text()]
    assert len(recorded) == 1 and "\nWe rolled back, then waited" in recorded[0]  # its lines read apart
    rows = imp(kb_dir, tmp_path / "pm" / "rows.txt", "", raw=JIRA_ROWS.replace("\n", "\r").encode())
    assert rows.exit_code == 1 and "is a CSV export" in rows.output, rows.output


def test_two_candidates_as_confident_are_left_for_a_person_to_pick():
    """As `incident new --link-top`: import linked rank 1 (medium, 0.49) over rank 2 (medium, 0.53)."""
    from recur.retrieval.results import Answer, choose_link

    def answer(*confidences):  # calibrated (a rule-rated medium is never linked: tests/test_rule_confidence.py)
        p = {"high": 0.9, "medium": 0.5, "low": 0.1}
        results = [
            {"id": f"p{i}", "rank": i + 1, "confidence": c, "probability": p[c]} for i, c in enumerate(confidences)
        ]
        return Answer("q", results, False)

    link, reason, unknown = choose_link(answer("medium", "medium", "low"), set())[:3]
    assert link is None and not unknown and "p0 and p1 are both medium confidence" in reason
    assert "p0 and p1, p2 are all medium confidence" in choose_link(answer("medium", "medium", "medium"), set())[1]
    assert choose_link(answer("medium", "low"), set())[0] == "p0"
    assert choose_link(answer("high", "medium"), set())[0] == "p0"
    assert choose_link(answer("medium", "medium"), {"p1"})[0] == "p0"  # an unpromoted draft is no rival


def test_a_candidate_below_the_first_rated_more_likely_right_is_not_passed_over():
    """Found in review: a postmortem quoting a Postgres connection-slots error ranked the pool pattern
    first (a specific signal found whole goes first) at 60%, medium, over the cache stampede it
    described at 96%, high; import linked rank 1, while `recur suggest` on the same text said "check
    both". A candidate at least as confident as the first is a choice for a person."""
    from recur.retrieval.results import Answer, choose_link

    def answer(*rated):
        results = [{"id": f"p{i}", "rank": i + 1, "confidence": c, "probability": p} for i, (c, p) in enumerate(rated)]
        return Answer("q", results, False)

    link, reason, unknown = choose_link(answer(("medium", 0.6), ("high", 0.96), ("low", 0.01)), set())[:3]
    assert link is None and not unknown
    assert reason == (
        "p1 (#2, high confidence (96% likely right)) is rated at least as likely right as the top-ranked p0"
        " (medium confidence (60% likely right)); a person picks one"
    )
    # each probability as `recur suggest` says it (results.confidence_text): the note said 0.996 "99%"
    reason = choose_link(answer(("medium", 0.6), ("high", 0.996)), set())[1]
    assert reason.startswith("p1 (#2, high confidence (>99% likely right)) is rated"), reason
    # further down counts too, and the drafts an earlier import wrote still do not
    assert choose_link(answer(("medium", 0.6), ("low", 0.2), ("high", 0.9)), set())[0] is None
    assert choose_link(answer(("medium", 0.6), ("high", 0.96)), {"p1"})[0] == "p0"
    assert choose_link(answer(("high", 0.9), ("medium", 0.7)), set())[0] == "p0"


def test_link_top_and_import_link_by_one_rule_at_their_own_level():
    """`incident new --link-top` links by import's rule (results.choose_link) at high: a medium top is not
    linked, nor an unpromoted import draft, and a result rated as likely right, among those shown or the
    answer's ``likelier`` that a short --top left out, is a rival; import at medium counts that one too."""
    from recur.retrieval.results import Answer, choose_link

    def r(i, confidence, p):
        return {"id": f"p{i}", "rank": i + 1, "confidence": confidence, "probability": p}

    hidden = r(2, "high", 0.95)
    choice = choose_link(Answer("q", [r(0, "high", 0.9), r(1, "medium", 0.5)], False, likelier=hidden), accept="high")
    assert choice.pattern is None and choice.rivals == ("p2",)
    assert choice.reason == "p0 and p2 are both high confidence; a person picks one"
    assert choose_link(Answer("q", [r(0, "high", 0.9), r(1, "medium", 0.5)], False), accept="high").pattern == "p0"
    medium = choose_link(Answer("q", [r(0, "medium", 0.6), r(1, "low", 0.1)], False), accept="high")
    assert medium.pattern is None and medium.rivals == () and "only medium confidence" in medium.reason
    draft = choose_link(Answer("q", [r(0, "medium", 0.6), r(1, "low", 0.1)], False), {"p0"}, accept="high")
    assert draft.pattern is None and draft.rivals == () and "written by an earlier import" in draft.reason
    shown = [r(0, "medium", 0.6), r(1, "low", 0.1)]
    assert choose_link(Answer("q", shown, False, likelier=r(2, "medium", 0.7))).rivals == ("p2",)
    assert choose_link(Answer("q", shown, False, likelier=r(2, "medium", 0.7)), {"p2"}).pattern == "p0"


def test_import_leaves_the_choice_when_a_lower_ranked_candidate_is_more_confident(real_engine):
    """The same, on the shipped KB with the real model: our own postmortem text of a cache stampede
    that quotes the database's refusal word for word."""
    from recur.cli.render import _best_match
    from recur.retrieval.results import choose_link

    text = (
        "Cache stampede on the catalog database after a Redis failover. The Redis primary was replaced and the "
        "cache came back cold, so every product page request hit Postgres at once. FATAL: remaining connection "
        "slots are reserved for non-replication superuser connections. No single-flight on cache misses; keys "
        "expire together on the hour."
    )
    answer = real_engine.answer(text, top=5)
    first, second = answer.results[:2]
    assert first["id"] == "db-connection-pool-exhausted" and second["id"] == "cache-stampede"
    assert first["confidence"] == "medium" and second["confidence"] == "high"
    link, reason = choose_link(answer, set())[:2]
    assert link is None and reason.startswith("cache-stampede (#2, high confidence (")
    assert "cache-stampede (#2) is rated more likely right" in _best_match(answer.results)  # what suggest says


def test_an_import_draft_rated_medium_is_still_the_pending_draft_at_accept_high():
    """Search rates an unpromoted import draft at most medium (search.IMPORT_DRAFT): at --accept high the
    draft an import matches best must still be named (and no second draft written), not passed over."""
    from recur.ingest.importer import _pending_draft

    draft = {"id": "orders-wal-full", "import_draft": True, "confidence": "medium"}
    assert _pending_draft([draft], "high") == _pending_draft([draft], "medium") == "orders-wal-full"
    assert _pending_draft([{**draft, "confidence": "low"}], "medium") is None
    assert _pending_draft([{**draft, "import_draft": False, "confidence": "high"}], "high") is None


PROSE_FOLLOW_UPS = """\
# DNS outage in eu-west

On 2 December 2026 our resolvers in eu-west stopped answering for 25 minutes. This was a SEV2.

A typo in the Corefile made CoreDNS fail to parse its config on reload.

Follow-ups we agreed on in the review:

1. Add a config parse check to the CI, by December 9.
2. Set maxUnavailable to 1 on the resolver deployment. Owner: Tom Becker. Due 2026-12-05. Done.
3. Write down how to roll back the Corefile (Jo, by 12/12/2026).

Why it matters: the second time a resolver change took out a region.
"""


def test_a_list_under_a_sentence_naming_the_follow_ups_is_the_action_items_of_a_prose_write_up(kb_dir, tmp_path):
    # no heading over the list: it was read as the summary's text and no follow-up recorded; once read,
    # a sentence's full stop left "deployment. ." in the title
    pm = parse(PROSE_FOLLOW_UPS)
    assert [(a["title"], a["status"], a["owner"], a["due"]) for a in pm.action_items] == [
        ("Add a config parse check to the CI", "open", None, dt.date(2026, 12, 9)),  # the incident's year
        ("Set maxUnavailable to 1 on the resolver deployment", "done", "Tom Becker", dt.date(2026, 12, 5)),
        ("Write down how to roll back the Corefile", "open", "Jo", dt.date(2026, 12, 12)),
    ]
    assert "Why it matters" in pm.sections["Summary"] and "Why it matters" not in pm.sections["Action items"]
    out = json.loads(imp(kb_dir, tmp_path / "pm" / "dns.md", PROSE_FOLLOW_UPS, "--json").output)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert [f.title for f in inc.follow_ups] == [a["title"] for a in pm.action_items]
    # a sentence naming follow-ups of another incident, with a heading for this one's, starts no section
    other = parse("# X\n\nSee the follow-ups from INC-7:\n\n- Old item\n\n## Action items\n- New item\n")
    assert [a["title"] for a in other.action_items] == ["New item"]


def test_a_title_over_the_limit_is_cut_at_a_word_and_said_not_refused(kb_dir, tmp_path):
    """Found in review: an H1 of 640 characters was recorded whole (`recur incident new` refuses one over
    TITLE_MOST); the import is not refused for it: the title is cut at a word, and a note says so."""
    from recur.kb.incident_record import TITLE_MOST

    heading = " ".join(f"word{i:03d}" for i in range(80))  # 639 characters
    text = f"# {heading}\n\nDate: 2026-03-02\nSeverity: SEV-2\n\n## Summary\nThe queue backed up.\n"
    res = imp(kb_dir, tmp_path / "long.md", text, "--json")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output)
    title = load_kb(kb_dir).incidents[out["incident"]].title
    assert len(title) <= TITLE_MOST and title.endswith("\u2026") and heading.startswith(title[:-1])
    assert title[:-1].split(" ")[-1] in heading.split(" ")  # at a word: none cut in two
    assert [n for n in out["notes"] if n.startswith(f"title: 639 characters, over the {TITLE_MOST}")], out["notes"]
    # edited at the same path, no date: the same document (the title compared is the cut one), its title unchanged
    edited = text.replace("Date: 2026-03-02\n", "").replace("backed up.", "backed up for an hour.")
    again = json.loads(imp(kb_dir, tmp_path / "long.md", edited, "--json").stdout)
    assert again["already"]["incident"] == out["incident"] and again["already"]["by"] == "source path", again
    assert [n for n in again["notes"] if "differs from" in n and "title" not in n], again["notes"]
