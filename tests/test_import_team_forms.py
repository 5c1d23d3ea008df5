"""`recur import` of postmortems as teams write them (a review of real exports): cancel markers in a
list item's text, Notion's "Why did it happen?", trailing mentions and dates on follow-ups, page
furniture of Markdown exports, plain-text email write-ups."""

import datetime as dt
import json

from import_helpers import import_file as imp

from recur.ingest.action_items import parse_action_items
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb

WONT_DO = """\
# Postmortem: Cache node ran out of memory

**Date:** 2026-11-02
**Severity:** SEV-3

## Summary
The session cache node was OOM-killed after maxmemory was unset.

## Action items
- [ ] Restore maxmemory on all cache nodes (@bob, due 2026-11-20)
- [ ] Move sessions to DynamoDB (won't do)
- [ ] ~~Rewrite the session layer~~ (won't do: too costly)
- Add an alert on evicted_keys — Won't do
- [ ] [Cancelled] Shard the cache by tenant
- [ ] ~~Move sessions to Memcached~~ — superseded by the DynamoDB decision
- [ ] Retry cancelled session writes
- [ ] ~~Upgrade~~ Replace the cache client
"""


WONT_DO_TITLES = [
    "Move sessions to DynamoDB",
    "Rewrite the session layer (too costly)",
    "Add an alert on evicted_keys",
    "Shard the cache by tenant",
    "Move sessions to Memcached (superseded by the DynamoDB decision)",
]


def test_a_cancel_marker_in_a_list_items_text_is_no_open_follow_up(kb_dir, tmp_path):
    # "(won't do)", "— Won't do" and "~~X~~ (won't do: why)" were recorded as open follow-ups, the
    # last with its "~~" dropped; the marker was read only in a table's status column
    pm = parse(WONT_DO)
    # one closed undone is status done with resolution wont-do, as the record has it
    assert [(a["title"], a.get("resolution") or a["status"]) for a in pm.action_items] == [
        ("Restore maxmemory on all cache nodes", "open"),
        *[(t, "wont-do") for t in WONT_DO_TITLES],  # closed undone (they were left out of the record)
        ("Retry cancelled session writes", "open"),  # "cancelled" as a word of the title is no marker
        ("~~Upgrade~~ Replace the cache client", "open"),  # a correction: the struck word is kept, as written
    ]
    assert pm.cancelled_items == WONT_DO_TITLES
    assert parse_action_items("- Drop the flag (Won’t fix)\n- Dropped connections: add a retry\n") == [
        {"title": "Drop the flag", "status": "open", "owner": None, "due": None, "ticket": None, "cancelled": True},
        {"title": "Dropped connections: add a retry", "status": "open", "owner": None, "due": None, "ticket": None},
    ]
    notes = json.loads(imp(kb_dir, tmp_path / "pm" / "cache.md", WONT_DO, "--json").output)["notes"]
    said = "follow-ups recorded won't do (cancelled): Move sessions to DynamoDB; "
    assert any(n.startswith(said) for n in notes)


NOTION = """\
# DNS outage on internal resolvers

Date: November 12, 2026
Severity: SEV-2

# TL;DR

Internal service-to-service calls failed for 47 minutes: CoreDNS pods were OOM-killed.

# Why did it happen? (5 whys)

1. Why did lookups fail? CoreDNS was crash-looping.
2. Why? The cache size was raised 100x without raising the memory limit.
"""


def test_notions_why_did_it_happen_heading_is_the_root_cause():
    # "(5 whys)" was cut as an "(optional)" is, and no alias named "Why did it happen?": unmapped
    pm = parse(NOTION)
    assert pm.sections["Root cause"].startswith("1. Why did lookups fail?")
    assert "Why did it happen? (5 whys)" not in pm.sections
    for heading, name in (
        ("Why did this happen?", "Root cause"),
        ("Why did the resolver fail?", "Root cause"),
        ("Analysis (5 whys)", "Five whys"),  # the bracket alone names it
    ):
        assert name in parse(NOTION.replace("Why did it happen? (5 whys)", heading)).sections, heading


def test_a_trailing_mention_is_the_owner_and_a_date_after_it_the_due_date():
    # Confluence's task line "… @Marta Nowak 2026-12-01" gave owner "Marta", no due date, and kept
    # "@Marta Nowak 2026-12-01" in the title; Jira's [~anna.k] left "@anna.k" in the title
    items = parse_action_items(
        "- [ ] Set max_slot_wal_keep_size on all clusters @Marta Nowak 2026-12-01\n"
        "- [x] Drop unused replication slots @Sam Okafor\n"
        "- [ ] Page on WAL growth @Jo Lee Nov 30, 2026\n"
        "- [ ] Escalate disk alerts to @Sam Okafor\n"  # the mention is part of the sentence
        "- [ ] Ask @kim to review the runbook\n"
        "- [ ] Update the runbook — @ana, @bob\n"  # a list of owners: the first, as before
    )
    assert [(a["title"], a["owner"], a["due"]) for a in items[:3]] == [
        ("Set max_slot_wal_keep_size on all clusters", "Marta Nowak", dt.date(2026, 12, 1)),
        ("Drop unused replication slots", "Sam Okafor", None),
        ("Page on WAL growth", "Jo Lee", dt.date(2026, 11, 30)),
    ]
    assert [a["title"] for a in items[3:]] == [
        "Escalate disk alerts to @Sam Okafor",
        "Ask @kim to review the runbook",
        "Update the runbook",
    ]
    assert items[-1]["owner"] == "ana"
    jira = parse("h1. Disk full\n\n*Date:* 2026-11-08\n\nh2. Action Items\n# (/) Rollback 5.12.0 [~anna.k]\n")
    assert [(a["title"], a["owner"], a["status"]) for a in jira.action_items] == [("Rollback 5.12.0", "anna.k", "done")]


CONFLUENCE_MD = """\
Created by Marta Nowak, last modified by Sam Okafor on Nov 19, 2026

# Incident Postmortem: Orders database ran out of disk

| | |
|---|---|
| **Incident date** | 2026-11-17 |
| **Document owner** | @Marta Nowak |
| **Severity** | Sev 2 |

## Incident summary

Writes to the orders database failed because the WAL volume filled up.

## Root cause

A replication slot of a removed connector was never dropped. It was created by the CDC job on deploy.
"""

NOTION_PROPS = """\
# DNS outage on internal resolvers

Owner: Lukas Weber
Date: November 12, 2026 3:40 PM (GMT+1)
Severity: SEV-2
Tags: dns, coredns, kubernetes

# TL;DR

Internal service-to-service calls failed for 47 minutes: CoreDNS pods were OOM-killed.
"""


def test_page_furniture_of_markdown_exports_is_not_the_summary():
    # Confluence's byline (dropped from its HTML export only) and Notion's Tags property were the
    # summary's first lines; the Document owner row an unmapped section
    pm = parse(CONFLUENCE_MD)
    assert pm.sections["Summary"] == "Writes to the orders database failed because the WAL volume filled up."
    # the owner row is a people field: the record's People section (importer._people), not a note
    assert "Document owner" not in pm.sections and pm.people == [("Document owner", "@Marta Nowak")]
    assert "created by the CDC job on deploy" in pm.sections["Root cause"]  # prose that says "created by" stays
    pm = parse(NOTION_PROPS)
    assert pm.sections["Summary"].startswith("Internal service-to-service calls failed")
    assert "tags: dns, coredns, kubernetes" in pm.unkept  # said in the import's notes, not dropped unsaid
    # with no other date, the byline's still dates the incident, as a last resort (with its note)
    assert parse("Created by Marta Nowak on Nov 19, 2026\n\n# Disk full\n\n## Summary\nThe disk filled.\n").date == (
        dt.date(2026, 11, 19)
    )


EMAIL = """\
From: Dana Whitfield <dana@example.com>
To: eng-incidents@example.com
Subject: Post-incident summary: login outage Friday
Date: Mon, 24 Nov 2026 09:12:44 +0000

Hi all,

What happened: from about 14:02 to 14:49 UTC nobody could log in. The token endpoint returned 503s.

Why: the IdP vendor had a regional outage. We were pinned to a single region.

Impact: ~47 minutes, all new logins failed. I'd call it a SEV2.

Follow-ups:
 * Ask the vendor about multi-region endpoints
 * Extend session lifetime during IdP outages - done

Thanks,
Dana
"""


def test_a_plain_text_email_write_up_has_sections_follow_ups_and_a_duration(kb_dir, tmp_path):
    # its "Label:" lines were all one summary: 0 follow-ups, no duration, no note; the title kept
    # "Post-incident summary:" where a "Postmortem:" prefix is taken off
    pm = parse(EMAIL)
    assert pm.title == "login outage Friday"
    assert [(a["title"], a["status"]) for a in pm.action_items] == [
        ("Ask the vendor about multi-region endpoints", "open"),
        ("Extend session lifetime during IdP outages", "done"),
    ]
    assert pm.sections["Root cause"].startswith("the IdP vendor had a regional outage.")
    assert pm.sections["Impact"].startswith("~47 minutes")
    assert pm.duration_minutes == 47
    assert pm.duration_note == "duration: 47 minutes read from the Impact ('~47 minutes'): no field says it"
    # the Summary's range, when the Impact says none
    pm = parse(EMAIL.replace("Impact: ~47 minutes, all", "Impact: all"))
    assert (pm.duration_minutes, pm.duration_note) == (
        47,
        "duration: 47 minutes read from the Summary ('from about 14:02 to 14:49'): no field says it",
    )
    out = json.loads(imp(kb_dir, tmp_path / "pm" / "login.eml.txt", EMAIL, "--json").output)
    assert out["follow_ups"] == 2
    assert "duration: 47 minutes read from the Impact ('~47 minutes'): no field says it" in out["notes"]
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert (inc.title, inc.duration_minutes) == ("login outage Friday", 47)


def test_a_duration_said_only_in_the_summary_is_read_and_said():
    # Google's example: "Shakespeare Search down for 66 minutes" was neither read nor noted
    pm = parse("# Sonnet++\n\n**Date:** 2026-10-21\n\n**Summary:** Search down for 66 minutes during high interest.\n")
    assert pm.duration_minutes == 66
    assert pm.duration_note == "duration: 66 minutes read from the Summary ('for 66 minutes'): no field says it"
    assert parse("# X\n\n## Summary\nThe bug was latent for 3 days.\n").duration_minutes is None


def test_titles_lose_the_prefixes_that_only_name_the_document():
    for title in (
        "Post-incident summary: Login outage",
        "Incident review: Login outage",
        "Incident INC-7781: Login outage",
    ):
        assert parse(f"# {title}\n\n## Summary\nNobody could log in for an hour.\n").title == "Login outage", title
    assert parse("# Incident-free deploys: a plan\n\n## Summary\nA plan.\n").title == "Incident-free deploys: a plan"


def test_jira_monospace_is_a_code_span_and_a_bracketed_name_ending_an_item_its_owner():
    # "{{payments-events}}" stayed in the summary as written (and counted as a template placeholder);
    # Notion's "(Lukas Weber)" after an item stayed in its title, no owner read
    pm = parse(
        "h1. Webhooks delayed\n\n*Date:* 2026-11-08\n\nh2. Summary\nThe {{payments-events}} group fell behind.\n"
    )
    assert pm.sections["Summary"] == "The `payments-events` group fell behind."
    assert pm.code_spans == ["payments-events"] and pm.placeholders == 0
    items = parse_action_items(
        "- [x]  Revert the cache size (Lukas Weber)\n"
        "- [ ]  Add NodeLocal DNSCache (Priya) — Due: December 15, 2026\n"
        "- [x]  Alert on CoreDNS restarts (Priya)\n"  # one word: a name, as its list names owners so
    )
    assert [(a["title"], a["owner"]) for a in items] == [
        ("Revert the cache size", "Lukas Weber"),
        ("Add NodeLocal DNSCache", "Priya"),
        ("Alert on CoreDNS restarts", "Priya"),
    ]
    # in a list that names no owner so, one word in a bracket says what, not who
    items = parse_action_items("- Upgrade the client (Redis)\n- Add a check (see Runbook Index)\n")
    assert [(a["title"], a["owner"]) for a in items] == [
        ("Upgrade the client (Redis)", None),
        ("Add a check (see Runbook Index)", None),
    ]


def test_a_bracket_mid_title_or_a_product_in_brackets_keeps_its_follow_up_as_written():
    """Found in the read of the diff: a cancel word in a bracket anywhere cancelled the item (an open
    follow-up lost, its title changed), and a two-word product in a bracket ending an item was its owner
    and made every one-word bracket of its list one too."""
    items = parse_action_items(
        "- Remove the (obsolete) v1 endpoint\n- Investigate [dropped] packets on eth0\n"
        "- Upgrade the cluster (Google Cloud)\n- Add a replica (Redis)\n- Tune the pool (Postgres)\n"
        "- Rotate the Kafka certs (Kafka Connect)\n"
    )
    assert [(a["title"], a["status"], a["owner"]) for a in items] == [
        ("Remove the (obsolete) v1 endpoint", "open", None),
        ("Investigate [dropped] packets on eth0", "open", None),
        ("Upgrade the cluster (Google Cloud)", "open", None),
        ("Add a replica (Redis)", "open", None),
        ("Tune the pool (Postgres)", "open", None),
        ("Rotate the Kafka certs (Kafka Connect)", "open", None),
    ]


def test_a_struck_owner_is_replaced_not_joined_and_a_done_date_goes_with_its_status():
    # "owner: ~~Lee~~ Sam Ortiz" (reassigned) made "Lee Sam Ortiz" the owner; "~~@oncall~~ @sam" kept the
    # struck mention in the title; "— done Nov 12" stayed in the title and the item open with no checkbox
    got = [
        (a["title"], a["status"], a["owner"])
        for text in (
            "- Roll back the gateway — owner: ~~Lee~~ Sam Ortiz\n",
            "- Pin the gateway version ~~@oncall~~ @sam\n",
            "- Drain the old pool — @sam — done Nov 12\n",
            "- Rotate the keys — done 2026-11-12 — OPS-1\n",
            "- Restart the workers — done soon\n",
        )
        for a in parse_action_items(text)
    ]
    assert got == [
        ("Roll back the gateway", "open", "Sam Ortiz"),
        ("Pin the gateway version", "open", "sam"),
        ("Drain the old pool", "done", "sam"),
        ("Rotate the keys", "done", None),
        ("Restart the workers — done soon", "open", None),  # no date: the words are the title's
    ]


def test_a_mention_leading_an_item_with_a_colon_or_in_bold_is_its_owner_and_an_eta_its_due_date():
    # "@alice: Rotate the certs" and "**@alice** Rotate …" kept the mention in the title; "— ETA: Dec 1,
    # 2026" stayed in it, no due date (an ETA column was read)
    got = [
        (a["title"], a["owner"], a["due"])
        for text in (
            "- [ ] @alice: Rotate the certs by 2026-12-01\n",
            "- [ ] **@bo** Pin the CA bundle\n",
            "- [ ] Renew the leaf — Owner: May Chen — ETA: Dec 1, 2026\n",
            "- [ ] @kim to renew the root\n",
            "- [ ] Improve the ETA: accuracy for riders\n",
            "- [ ] @May 3: renew the chain\n",
        )
        for a in parse_action_items(text)
    ]
    assert got == [
        ("Rotate the certs", "alice", dt.date(2026, 12, 1)),
        ("Pin the CA bundle", "bo", None),
        ("Renew the leaf", "May Chen", dt.date(2026, 12, 1)),
        ("@kim to renew the root", "kim", None),  # a sentence: its words stay
        ("Improve the ETA: accuracy for riders", None, None),  # no date after it: the title's words
        ("@May 3: renew the chain", None, None),  # a date, no one
    ]


DONE_ON = """\
# Postmortem: Checkout certificates expired

**Date:** 2026-03-02
**Severity:** SEV-2

## Summary
The checkout certificates expired and payments failed for 20 minutes.

## Action items
- [x] Rotate the keys (done 2026-03-04)
- [x] Add an expiry alert (completed Mar 6)
- Renew the staging certs — done on 2026-03-05 — @sam
- [x] Pin the cert-manager version, completed 2026-03-07
- [x] Write the renewal runbook
- [ ] Audit every certificate
  - Completed: 2026-03-09

| Action | Owner | Status | Completed |
|---|---|---|---|
| Move certs to the vault | Priya Shah | Done | 2026-03-10 |
| Shorten the cert lifetime | Priya Shah | Open | |

| Task | Owner | Done |
|---|---|---|
| Page on renewal failures | Jo Lee | 2026-03-11 |
| Test the renewal in CI | Jo Lee | |
"""


def test_an_action_item_done_on_a_day_the_postmortem_gives_keeps_it(kb_dir, tmp_path):
    """`recur import` wrote a done action item's follow-up with no done: date, though the postmortem said
    when ("(done 2026-03-04)", a Completed column, "  - Completed: …"): the board --as-of a day before
    it counted it done then. The day is written; one without its year is the first on or after the
    incident's, said in the notes; an item done with no day written gets none (never today)."""
    out = json.loads(imp(kb_dir, tmp_path / "pm" / "certs.md", DONE_ON, "--json").output)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    got = [(f.title, f.status, f.owner, f.done and f.done.isoformat()) for f in inc.follow_ups]
    assert got == [  # the tables' items first, as the import reads them
        ("Move certs to the vault", "done", "Priya Shah", "2026-03-10"),
        ("Shorten the cert lifetime", "open", "Priya Shah", None),
        ("Page on renewal failures", "done", "Jo Lee", "2026-03-11"),
        ("Test the renewal in CI", "open", "Jo Lee", None),
        ("Rotate the keys", "done", None, "2026-03-04"),
        ("Add an expiry alert", "done", None, "2026-03-06"),
        ("Renew the staging certs", "done", "sam", "2026-03-05"),
        ("Pin the cert-manager version", "done", None, "2026-03-07"),
        ("Write the renewal runbook", "done", None, None),
        ("Audit every certificate", "done", None, "2026-03-09"),
    ], got
    assert (
        "follow-up 'Add an expiry alert': done 'Mar 6' has no year; read as 2026-03-06, the first Mar 6 on or "
        "after the incident's date (2026-03-02): correct its done: in the record if another was meant"
    ) in out["notes"]
    text = next(kb_dir.rglob(f"{out['incident']}.md")).read_text()
    assert '{title: "Rotate the keys", status: done, done: 2026-03-04}' in text, text
    assert '{title: "Write the renewal runbook", status: done}' in text
    # the board as of a day between counts the ones done after it open then
    from recur.problems.board import board

    b = board(load_kb(kb_dir), dt.date(2026, 3, 5))
    assert {f["title"] for f in b["follow_ups"] if f["incident"] == out["incident"]} == {
        "Add an expiry alert",
        "Pin the cert-manager version",
        "Audit every certificate",
        "Move certs to the vault",
        "Shorten the cert lifetime",
        "Page on renewal failures",
        "Test the renewal in CI",
    }
    # "Completion date" is as often the day planned: no done day read from it
    [planned] = parse_action_items("| Action | Completion date |\n|---|---|\n| Rotate the keys | 2026-04-01 |\n")
    assert (planned["status"], planned.get("done")) == ("open", None)
    # "done by" is a due date, as before
    assert parse_action_items("- Get it done by 2026-03-04\n") == [
        {"title": "Get it done", "status": "open", "owner": None, "due": dt.date(2026, 3, 4), "ticket": None}
    ]
    # with no date in the document, a day without its year gets none, until a --date gives one to read it against
    from recur.ingest.postmortem import dues_against

    pm = parse(
        "# Certs expired\n\n## Summary\nPayments failed.\n\n## Action items\n- [x] Add an expiry alert (completed Mar 6)\n"
    )
    [alert] = [a for a in pm.action_items if a["title"] == "Add an expiry alert"]
    assert (pm.date, alert["status"], alert["done"]) == (None, "done", None)
    dues_against(pm, dt.date(2026, 3, 7))
    assert alert["done"] == dt.date(2027, 3, 6)
