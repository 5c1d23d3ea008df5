"""`recur import` on fields written other ways than headings and tables: owners and due dates inside
list items, content in YAML front matter, an email's header lines, a Jira issue's fields. Our own text."""

import datetime as dt
import json

from click.testing import CliRunner
from import_helpers import import_file

from recur.cli.main import cli
from recur.ingest.action_items import parse_action_items
from recur.ingest.postmortem import parse
from recur.kb.loader import load_kb


def imp(kb_dir, path, text, *extra):
    return import_file(kb_dir, path, text, "--json", *extra)


def strict_check(kb_dir):
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb_dir), "--strict", "--stale-days", "0"])
    assert check.exit_code == 0, check.output


LIST_ITEMS = """\
# Reconciliation deadlock

Date: 2026-11-20
Severity: sev2

## Summary
The reconciliation job and the export job locked each other's rows for an hour.

## Action items
- Add lock timeout to reconciliation (owner: Pat Smith, due: Q1 2027)
- Rotate export temp files (owner: Kim Lee, due: Dec 20, 2026)
- Document cleanup — Owner: Jo Lee — Due: 12/18/2026
1. Alert on CoreDNS restarts (Priya, by 2026-12-07)
"""


def test_owners_and_due_dates_in_list_items_are_read_as_a_table_reads_them(kb_dir, tmp_path):
    # owners were cut at the first space ("Pat"), "Dec 20, 2026" and "Q1 2027" deleted with their
    # parentheses unsaid, "Owner:/Due:" left in the title, "(Priya, by …)" kept in it with no owner
    items = parse_action_items(LIST_ITEMS.split("## Action items\n")[1])
    assert [(i["title"], i["owner"], i["due"], i.get("due_unread")) for i in items] == [
        ("Add lock timeout to reconciliation", "Pat Smith", None, "Q1 2027"),
        ("Rotate export temp files", "Kim Lee", dt.date(2026, 12, 20), None),
        ("Document cleanup", "Jo Lee", dt.date(2026, 12, 18), None),
        ("Alert on CoreDNS restarts", "Priya", dt.date(2026, 12, 7), None),
    ]
    # prose is no field: "due to", "by 50%", a mention inside a sentence, a bracket of other words
    [a, b, c] = parse_action_items(
        "- Retry writes due to timeouts by 50% (see runbook, owner: Ana Ruiz)\n"
        "- Ask @kim to review the config\n"
        "- Extend the deadline to 30 days (due: TBD)\n"
    )
    assert (a["title"], a["owner"], a["due"]) == ("Retry writes due to timeouts by 50% (see runbook)", "Ana Ruiz", None)
    assert (b["title"], b["owner"]) == ("Ask @kim to review the config", "kim")
    assert (c["title"], c["due"], c.get("due_unread")) == ("Extend the deadline to 30 days", None, None)
    out = json.loads(imp(kb_dir, tmp_path / "pm" / "recon.md", LIST_ITEMS).output)
    assert (
        "follow-up 'Add lock timeout to reconciliation': due 'Q1 2027' not read as a date, left empty" in out["notes"]
    )
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert [(f.title, f.owner) for f in inc.follow_ups][:2] == [
        ("Add lock timeout to reconciliation", "Pat Smith"),
        ("Rotate export temp files", "Kim Lee"),
    ]
    strict_check(kb_dir)


FRONT_ONLY = """\
---
title: Payment webhooks dropped
date: 2026-11-02
severity: sev2
incident_id: INC-7781
tags: [payments, webhooks]
impact_minutes: 42
summary: >
  Webhooks to the payment provider returned 502 for 42 minutes after the
  load balancer migration dropped the /hooks route.
root_cause: The new load balancer config had no rule for the /hooks path.
action_items:
  - title: Add a synthetic check for /hooks
    owner: Pat Smith
    due: 2026-12-01
  - title: Diff LB rules before cutover
    owner: Kim Lee
    due: Q1 2027
---
See the fields above.
"""


def test_a_postmortem_kept_in_front_matter_is_imported_with_its_content(kb_dir, tmp_path):
    # summary, root_cause, action_items and impact_minutes were skipped unsaid, and the file was
    # refused as an unfilled template: only the body's 4 words were counted as its own text
    pm = parse(FRONT_ONLY)
    assert pm.sections["Summary"].startswith("Webhooks to the payment provider returned 502")
    assert pm.sections["Summary"].endswith("See the fields above.")
    assert pm.sections["Root cause"] == "The new load balancer config had no rule for the /hooks path."
    assert pm.duration_minutes == 42
    assert [(a["title"], a["owner"], a["due"]) for a in pm.action_items] == [
        ("Add a synthetic check for /hooks", "Pat Smith", dt.date(2026, 12, 1)),
        ("Diff LB rules before cutover", "Kim Lee", None),
    ]
    # a body's own Summary heading wins; follow_ups: plain strings are follow-ups too
    own = parse(
        "---\nsummary: from the front\nfollow_ups:\n  - Page on 502s at the edge\n---\n## Summary\nThe body's.\n"
    )
    assert own.sections["Summary"] == "The body's." and own.action_items[0]["title"] == "Page on 502s at the edge"
    # a template's placeholder is no section, nor a field "not recorded"
    blank = parse('---\nsummary: "{{summary}}"\nroot_cause: "[describe the root cause]"\n---\n## Impact\nNone.\n')
    assert list(blank.sections) == ["Impact"] and blank.unkept == []
    r = imp(kb_dir, tmp_path / "pm" / "hooks.md", FRONT_ONLY)
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert "follow-up 'Diff LB rules before cutover': due 'Q1 2027' not read as a date, left empty" in out["notes"]
    assert (
        "not recorded (an incident record has no field for them): incident_id: INC-7781; tags: payments, webhooks"
        in out["notes"]
    )
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert [(f.title, f.owner) for f in inc.follow_ups] == [
        ("Add a synthetic check for /hooks", "Pat Smith"),
        ("Diff LB rules before cutover", "Kim Lee"),
    ]
    assert "no rule for the /hooks path" in (kb_dir / out["incident_path"]).read_text()
    strict_check(kb_dir)


EMAIL = """\
From: Alex <a@x.com>
To: eng@x.com
Date: Tue, 17 Nov 2026 18:02:11 +0000
Subject: Re: Postmortem: DNS outage on Nov 16

Hi all,

What happened
-------------
CoreDNS pods were OOMKilled; lookups timed out.

Follow-ups
----------
1. Alert on CoreDNS restarts (Priya, by 2026-12-07)
"""


def test_an_emailed_write_up_takes_its_title_and_date_from_the_headers(kb_dir, tmp_path):
    # the Subject was ignored (titled "email" from the file name) and the header lines were the summary's
    pm = parse(EMAIL)
    assert pm.title == "DNS outage on Nov 16"
    assert (pm.date, pm.date_source) == (dt.date(2026, 11, 17), "the email's Date: header")
    assert "From:" not in pm.sections["Summary"] and "Subject" not in pm.sections["Summary"]
    assert pm.unkept == ["from: Alex <a@x.com>", "to: eng@x.com"]
    # when the mail was sent is a fallback: a date the write-up names itself is the outage's
    dated = parse(EMAIL.replace("Hi all,", "Hi all,\n\n**Date:** 2026-11-16"))
    assert (dated.date, dated.date_source) == (dt.date(2026, 11, 16), "the 'Date:' line 8")
    assert parse("Subject: Fwd: Incident: Cache stampede\nFrom: a@x.com\n\nThe cache fell over.\n").title == (
        "Cache stampede"
    )
    # "Date:" and "Severity:" fields of a postmortem are no email
    plain = parse("Date: 2026-03-01\nSeverity: sev2\n\nThe cache fell over at noon.\n")
    assert plain.date_source == "the 'Date:' line 1" and plain.severity_text == "sev2"
    r = imp(kb_dir, tmp_path / "pm" / "email.txt", EMAIL, "--severity", "sev3")  # the email names none
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.title == "DNS outage on Nov 16" and str(inc.date) == "2026-11-17"
    assert [(f.title, f.owner) for f in inc.follow_ups] == [("Alert on CoreDNS restarts", "Priya")]
    strict_check(kb_dir)


JIRA = """\
h1. [INC-4411] Orders API latency spike - Postmortem

*Priority:* Highest
*Reporter:* Dana Wu
*Created:* 2026-11-08 14:22
*Resolved:* 2026-11-08 16:05
*Labels:* postmortem
*Assignee:* Sam Okafor

h2. Summary

Orders API p99 rose to 12 s after an unindexed query shipped.
"""


def test_a_jira_issues_fields_stay_out_of_the_summary_and_are_named(kb_dir, tmp_path):
    # Priority and Created were read, but Reporter, Resolved and Labels were the summary's first lines
    pm = parse(JIRA)
    assert pm.sections["Summary"] == "Orders API p99 rose to 12 s after an unindexed query shipped."
    assert pm.unkept == [
        "reporter: Dana Wu",
        "resolved: 2026-11-08 16:05",
        "labels: postmortem",
        "assignee: Sam Okafor",
    ]
    r = imp(kb_dir, tmp_path / "pm" / "jira.md", JIRA, "--severity", "sev1")  # "Highest" names no severity level
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert (
        "not recorded (an incident record has no field for them): reporter: Dana Wu; "
        "resolved: 2026-11-08 16:05; labels: postmortem; assignee: Sam Okafor" in out["notes"]
    )
    assert "Dana Wu" not in (kb_dir / out["incident_path"]).read_text()
    strict_check(kb_dir)


def test_an_owner_said_with_a_mention_leaves_no_label_or_mention_in_the_title():
    """Found in review of the list-item change: "(owner @lee)" left "(owner)" in the title, "(@lee,
    @kim)" left "(@kim)", "— @ana, @bob" left ", @bob", "Owner: Ana - add …" a leading dash."""
    from recur.ingest.action_items import item

    said = {
        t: (item(t)["title"], item(t)["owner"])
        for t in (
            "Fix X (owner @lee)",
            "Add alerts (assigned to @ana)",
            "Migrate the DB (due 2026-12-01; owner @lee)",
            "Fix X (@lee, @kim)",
            "Add capacity alerts — @ana, @bob",
            "Owner: Ana - add capacity alerts",
            "Ask @kim to review the runbook",
            "Fix X (see runbook)",
        )
    }
    assert said == {
        "Fix X (owner @lee)": ("Fix X", "lee"),
        "Add alerts (assigned to @ana)": ("Add alerts", "ana"),
        "Migrate the DB (due 2026-12-01; owner @lee)": ("Migrate the DB", "lee"),
        "Fix X (@lee, @kim)": ("Fix X", "lee"),
        "Add capacity alerts — @ana, @bob": ("Add capacity alerts", "ana"),
        "Owner: Ana - add capacity alerts": ("add capacity alerts", "Ana"),
        "Ask @kim to review the runbook": ("Ask @kim to review the runbook", "kim"),
        "Fix X (see runbook)": ("Fix X (see runbook)", None),
    }


def test_a_date_and_subject_block_without_a_sender_is_no_email_and_a_front_summary_the_body_overrides_is_named():
    """Found in review: "Date: / Subject:" at the top of a write-up was read as an email (its date then
    only a fallback), and a front-matter description was dropped without a note when the body had a
    Summary of its own."""
    pm = parse("Date: 2026-11-17\nSubject: Checkout outage\n\n## Summary\nCheckout failed for an hour.\n")
    assert pm.date_source == "the 'Date:' line 1"
    pm = parse("---\ntitle: T\ndescription: What the front matter says.\n---\n\n## Summary\nWhat the body says.\n")
    assert pm.sections["Summary"] == "What the body says."
    assert any("What the front matter says." in u for u in pm.unkept), pm.unkept


NO_YEAR = """\
# Card payments declined after a TLS bundle rotation

Date: 2026-12-02
Severity: sev2

## Summary
The gateway rejected the processor's new certificate chain for 25 minutes.

## Action items
- [ ] Pin the processor's intermediate in staging first — due: Dec 19
- [ ] Alert on handshake failures per upstream (due Jan 5)
- [ ] Rehearse the rotation with the processor — Due 19 Dec
- [ ] Document the rollback, due: Q1 2027

| Action | Owner | Due |
|---|---|---|
| Expire the old bundle | Ines Duarte | Feb 29 |
"""


def test_a_due_date_without_a_year_is_the_first_such_day_on_or_after_the_incident(kb_dir, tmp_path):
    # "due: Dec 19" was said not read and the follow-up recorded with no due date; "(due Jan 5)" stayed
    # in the title. A postmortem of 2 December 2026 means the coming ones: 2026-12-19 and 2027-01-05
    pm = parse(NO_YEAR)
    assert [(a["title"], a["due"]) for a in pm.action_items] == [
        ("Expire the old bundle", dt.date(2028, 2, 29)),  # the next year that has the day (a table's first)
        ("Pin the processor's intermediate in staging first", dt.date(2026, 12, 19)),
        ("Alert on handshake failures per upstream", dt.date(2027, 1, 5)),
        ("Rehearse the rotation with the processor", dt.date(2026, 12, 19)),
        ("Document the rollback", None),
    ]
    assert pm.unread_dues == [("Document the rollback", "Q1 2027")]
    out = imp(kb_dir, tmp_path / "pm" / "tls.md", NO_YEAR)
    res = json.loads(out.output)
    assert (
        "follow-up 'Alert on handshake failures per upstream': due 'Jan 5' has no year; read as 2027-01-05, "
        "the first Jan 5 on or after the incident's date (2026-12-02)"
    ) in "\n".join(res["notes"])
    assert any("due 'Q1 2027' not read as a date" in n for n in res["notes"])
    inc = load_kb(kb_dir).incidents[res["incident"]]
    assert [str(f.due) for f in inc.follow_ups][:3] == ["2028-02-29", "2026-12-19", "2027-01-05"]
    # --date is the incident's date: the days are read against it, not the document's (the year was wrong)
    given = json.loads(
        imp(kb_dir, tmp_path / "pm" / "tls2.md", NO_YEAR.replace("Card", "Debit"), "--date", "2027-01-10").output
    )
    dues = [(f.title, str(f.due)) for f in load_kb(kb_dir).incidents[given["incident"]].follow_ups]
    assert dues[1:3] == [
        ("Pin the processor's intermediate in staging first", "2027-12-19"),
        ("Alert on handshake failures per upstream", "2028-01-05"),
    ]
    assert any(
        "read as 2028-01-05, the first Jan 5 on or after the incident's date (2027-01-10)" in n for n in given["notes"]
    )
    # and a document with no date of its own has them read against --date rather than said not read
    undated_doc = NO_YEAR.replace("Date: 2026-12-02\n", "").replace("Card", "Credit")
    alone = json.loads(imp(kb_dir, tmp_path / "pm" / "tls3.md", undated_doc, "--date", "2026-12-02").output)
    assert [str(f.due) for f in load_kb(kb_dir).incidents[alone["incident"]].follow_ups][:3] == [
        "2028-02-29",
        "2026-12-19",
        "2027-01-05",
    ]
    assert not any("'Jan 5' not read" in n for n in alone["notes"]) and any(
        "'Q1 2027' not read" in n for n in alone["notes"]
    )
    # no incident date to read it against: said not read, as before
    undated = parse(NO_YEAR.replace("Date: 2026-12-02\n", ""))
    assert (
        undated.date is None and ("Pin the processor's intermediate in staging first", "Dec 19") in undated.unread_dues
    )


PLAIN_DASH_OWNERS = """\
# Orders API timeouts while the connection pool was exhausted

Date: 2026-12-02
Severity: sev2

## Summary
A retry storm from the mobile client held every database connection for 18 minutes.

## Action items
- [ ] Add pool alert — Sam Okafor — 2026-12-19
- [x] Cap client retries at three — Ada Nwosu — MOB-212
- [ ] Shed load at the gateway — Sam Okafor — Jan 5
- [ ] Rotate keys — all regions — by Friday
- [ ] Move the batch jobs to a replica — Kafka Connect
"""


def test_a_plain_name_between_dashes_beside_a_date_or_ticket_is_the_owner(kb_dir, tmp_path):
    # incident.io's bold name between dashes was read, the same name written plain was not: owner,
    # due date and all stayed in the title ("Add pool alert — Sam Okafor — 2026-12-19", no owner, no due)
    got = [(a["title"], a["owner"], a["due"], a["ticket"]) for a in parse(PLAIN_DASH_OWNERS).action_items]
    assert got == [
        ("Add pool alert", "Sam Okafor", dt.date(2026, 12, 19), None),
        ("Cap client retries at three", "Ada Nwosu", None, "MOB-212"),
        ("Shed load at the gateway", "Sam Okafor", dt.date(2027, 1, 5), None),  # its year read as the next
        # ordinary words between dashes are no name, nor is a name-like pair with no date or ticket beside it
        ("Rotate keys — all regions — by Friday", None, None, None),
        ("Move the batch jobs to a replica — Kafka Connect", None, None, None),
    ]
    # "All Regions" capitalised says which, not who; two names are not guessed between: they stay in
    # the title, and the date after them is still the due date
    for text in ("- Rotate keys — All Regions — 2026-12-19\n", "- Add alert — Sam Okafor — Jo Lee — 2026-12-19\n"):
        [it] = parse_action_items(text)
        assert (it["title"], it["owner"], it["due"]) == (text[2:].split(" — 2026")[0], None, dt.date(2026, 12, 19))
    # the bold form now gives the bare date after it as well ("— 2026-12-19" stayed in the title)
    [bold] = parse_action_items("- Add pool alert — **Sam Okafor** — 2026-12-19\n")
    assert (bold["title"], bold["owner"], bold["due"]) == ("Add pool alert", "Sam Okafor", dt.date(2026, 12, 19))
    res = imp(kb_dir, tmp_path / "pm" / "pool.md", PLAIN_DASH_OWNERS)
    inc = load_kb(kb_dir).incidents[json.loads(res.output)["incident"]]
    assert [(f.title, f.owner, str(f.due)) for f in inc.follow_ups][0] == ("Add pool alert", "Sam Okafor", "2026-12-19")


def test_a_product_or_team_between_dashes_is_no_owner():
    # a product, a component or a team's function is capitalised as a name is: each was read as the owner,
    # taken out of the title ("Tune retries", owner "Grafana Cloud")
    for text in (
        "- Tune retries — Grafana Cloud — 2026-12-19\n",
        "- Write a load test — Postgres Pool — ENG-4411\n",
        "- Move alerts to Slack — Incident Review — OPS-12\n",
        "- Review the runbook — Site Reliability — 2026-12-19\n",
    ):
        [it] = parse_action_items(text)
        assert it["owner"] is None and text[2:].split(" — ")[1] in it["title"], text
    # a person's name beside them still is one
    [it] = parse_action_items("- Tune retries — Grace Hopper — 2026-12-19\n")
    assert (it["title"], it["owner"], it["due"]) == ("Tune retries", "Grace Hopper", dt.date(2026, 12, 19))


def test_a_lone_first_name_beside_a_date_or_ticket_is_the_owner():
    # "— Priya — Dec 19" kept the name in the title (only a full name or a bold one was read), and
    # "(Marco, OPS-12)" was dropped whole as a ticket's bracket, the owner with it
    got = [
        (a["title"], a["owner"], a["ticket"], a.get("due_unread"))
        for text in (
            "- Rotate the cert — Priya — Dec 19\n",
            "- Fix retries (Marco, OPS-12)\n",
            "- Drain the old pool (Lawrence, Dec 19)\n",
            "- Pin the TLS library — Ming — OPS-14\n",
        )
        for a in parse_action_items(text)
    ]
    assert got == [
        ("Rotate the cert", "Priya", None, "Dec 19"),
        ("Fix retries", "Marco", "OPS-12", None),
        ("Drain the old pool", "Lawrence", None, "Dec 19"),
        ("Pin the TLS library", "Ming", "OPS-14", None),
    ]
    # a product, a status, a noun by its ending, a title's verb or another common word, capitalised as a
    # name is, is no one
    words = "Kafka Redis Postgres Blocked Done Wip Logging Deployment Performance Fix Runbook Tomorrow"
    for word in words.split():
        [it] = parse_action_items(f"- Add a cache warm-up — {word} — OPS-12\n")
        assert it["owner"] is None, word
        [it] = parse_action_items(f"- Add a cache warm-up ({word}, Dec 19)\n")
        assert it["owner"] is None, word
    # beside a due label too: "(Kafka, by …)" made Kafka the owner, "(Priya, due Dec 19)" kept Priya in the title
    [kafka] = parse_action_items("- Add a consumer lag alert (Kafka, by 2026-12-07)\n")
    assert (kafka["title"], kafka["owner"], kafka["due"]) == (
        "Add a consumer lag alert (Kafka)",
        None,
        dt.date(2026, 12, 7),
    )
    [priya] = parse_action_items("- Add a consumer lag alert (Priya, due Dec 19)\n")
    assert (priya["title"], priya["owner"], priya["due_unread"]) == ("Add a consumer lag alert", "Priya", "Dec 19")


TARGET_DUES = """\
# Queue backlog after the consumer deploy

Date: 2026-12-22

## Summary
Consumers stalled for 30 minutes and the queue grew to two million messages.

## Action items
- Fix consumer retries (target: Dec 19)
- Cap the prefetch count, target date: 2026-12-19
- Pin the consumer version by the 19th
- Drain the dead-letter queue — by the 31st
- Target 99.9% delivery within a minute
"""


def test_a_target_or_a_day_of_the_month_is_a_due_date(kb_dir, tmp_path):
    # "(target: Dec 19)", "target date: …" and "by the 19th" stayed in the titles, no due date read
    pm = parse(TARGET_DUES)
    assert [(a["title"], a["due"]) for a in pm.action_items] == [
        ("Fix consumer retries", dt.date(2027, 12, 19)),  # the first Dec 19 on or after the incident's date
        ("Cap the prefetch count", dt.date(2026, 12, 19)),
        ("Pin the consumer version", dt.date(2027, 1, 19)),  # the first 19th on or after it: next month's
        ("Drain the dead-letter queue", dt.date(2026, 12, 31)),
        ("Target 99.9% delivery within a minute", None),  # a target with no colon is the title's word
    ]
    res = json.loads(imp(kb_dir, tmp_path / "pm" / "queue.md", TARGET_DUES).output)
    assert (
        "follow-up 'Pin the consumer version': due 'the 19th' has no month; read as 2027-01-19, the first 19th "
        "on or after the incident's date (2026-12-22)"
    ) in "\n".join(res["notes"])
    # --date: read against the date given
    given = json.loads(
        imp(kb_dir, tmp_path / "pm" / "queue2.md", TARGET_DUES.replace("Queue", "Topic"), "--date", "2026-12-02").output
    )
    dues = {f.title: str(f.due) for f in load_kb(kb_dir).incidents[given["incident"]].follow_ups}
    assert (dues["Pin the consumer version"], dues["Drain the dead-letter queue"]) == ("2026-12-19", "2026-12-31")


def test_a_status_between_dashes_is_the_status_and_leaves_the_title():
    # "Fix DNS TTL — Done — Priya" was recorded done, titled "Fix DNS TTL — — Priya", no owner
    got = [
        (a["title"], a["status"], a["owner"], a.get("due_unread"))
        for text in (
            "- Fix DNS TTL — Done — Priya\n",
            "- Shorten the resolver cache — WIP — Sam Okafor — Dec 19\n",
            "- Pin the resolver image — TODO\n",
        )
        for a in parse_action_items(text)
    ]
    assert got == [
        ("Fix DNS TTL", "done", "Priya", None),
        ("Shorten the resolver cache", "open", "Sam Okafor", "Dec 19"),
        ("Pin the resolver image", "open", None, None),
    ]
    # a status beside a product names no one: the product stays in the title
    [it] = parse_action_items("- Upgrade the client — Done — Kafka\n")
    assert (it["title"], it["status"], it["owner"]) == ("Upgrade the client — Kafka", "done", None)


SLASH_NO_YEAR = """\
# Checkout 502s while the pool was exhausted

Date: 2026-12-02

## Summary
Checkout returned 502s for 40 minutes after a deploy halved the connection pool.

## Action items
- Upgrade the driver — Jo Lee — 12/19
- Pin the pool size (due 19/12)
- Rotate the keys (due 5/6)

| Action | Owner | Due |
|---|---|---|
| Audit pool settings | Ana Ruiz | 1/15 |
"""


def test_a_slash_due_date_without_a_year_is_read_when_one_order_makes_a_day():
    # "12/19" (as US teams write a due date) was said not read, and in a dash tail kept in the title with its owner
    pm = parse(SLASH_NO_YEAR)
    got = [(a["title"], a["owner"], a["due"]) for a in pm.action_items]
    assert got == [
        ("Audit pool settings", "Ana Ruiz", dt.date(2027, 1, 15)),  # the table's first, then the list's
        ("Upgrade the driver", "Jo Lee", dt.date(2026, 12, 19)),
        ("Pin the pool size", None, dt.date(2026, 12, 19)),
        ("Rotate the keys", None, None),  # May 6 or June 5: not guessed, said not read
    ]
    assert ("Rotate the keys", "5/6") in pm.unread_dues
    assert ("Audit pool settings", "1/15", dt.date(2027, 1, 15), dt.date(2026, 12, 2)) in pm.inferred_dues


def test_a_date_alone_after_a_dash_ending_an_item_is_its_due_date():
    # "Migrate to Kafka Connect — 2026-12-19" kept its due date in the title, the follow-up recorded with none
    [it] = parse_action_items("- Migrate to Kafka Connect — 2026-12-19\n")
    assert (it["title"], it["owner"], it["due"]) == ("Migrate to Kafka Connect", None, dt.date(2026, 12, 19))
    pm = parse(SLASH_NO_YEAR.replace("- Rotate the keys (due 5/6)\n", "- Add origin shielding - Dec 19\n"))
    shielding = next(a for a in pm.action_items if a["title"] == "Add origin shielding")
    assert shielding["due"] == dt.date(2026, 12, 19)
    # a date after words that name no one is the due date too; the words stay in the title
    [it] = parse_action_items("- Rotate keys — not urgent — 2026-12-19\n")
    assert (it["title"], it["owner"], it["due"]) == ("Rotate keys — not urgent", None, dt.date(2026, 12, 19))


DASH_WORDS_THEN_DATE = """\
# Queue backlog after the consumer deploy

Date: 2026-12-02

## Summary
Consumers stalled for 30 minutes and the queue grew to two million messages.

## Action items
- Add alert on queue depth — not urgent — Dec 19
- Fix it — — Dec 20
- Pin the consumer version —  — 2026-12-21 — OPS-12
"""


def test_a_due_date_after_dash_words_or_an_empty_dash_field_is_read():
    # "— not urgent — Dec 19" kept the date in the title and the follow-up had none; "— — Dec 20" (a
    # field left empty) read no field at all
    got = [(a["title"], a["owner"], a["due"], a["ticket"]) for a in parse(DASH_WORDS_THEN_DATE).action_items]
    assert got == [
        ("Add alert on queue depth — not urgent", None, dt.date(2026, 12, 19), None),
        ("Fix it", None, dt.date(2026, 12, 20), None),
        ("Pin the consumer version", None, dt.date(2026, 12, 21), "OPS-12"),
    ]


def test_a_tracker_label_between_dashes_is_no_owner():
    # when, how urgent or what kind, title-cased as a tracker's labels are: each was read as the owner
    for label in ("Next Sprint", "Black Friday", "Tech Debt", "Nice To Have", "Follow Up", "Load Balancer"):
        [it] = parse_action_items(f"- Add a cache warm-up — {label} — 2026-12-19\n")
        assert it["owner"] is None and label in it["title"], label
    # surnames that are words too are still names
    for name in ("Justin Long", "Martin Short", "Mark Little"):
        [it] = parse_action_items(f"- Add a cache warm-up — {name} — 2026-12-19\n")
        assert (it["title"], it["owner"]) == ("Add a cache warm-up", name)


def test_a_due_date_without_a_year_and_an_end_of_day_mark_is_read():
    # "Dec 19 EOD" stayed in the title, with the owner beside it, and the follow-up had no due date
    pm = parse(SLASH_NO_YEAR.replace("- Rotate the keys (due 5/6)\n", "- Rotate the keys — Jo Lee — Dec 19 EOD\n"))
    keys = next(a for a in pm.action_items if a["title"] == "Rotate the keys")
    assert (keys["owner"], keys["due"]) == ("Jo Lee", dt.date(2026, 12, 19))
    [it] = parse_action_items("- Ship the fix (due 19 Dec COB)\n")
    assert (it["title"], it.get("due_unread")) == ("Ship the fix", "19 Dec COB")


def title_and_status(line):
    """(title, status) of the one follow-up a bullet "- LINE" is read as."""
    [it] = parse_action_items(f"- {line}\n")
    return it["title"], it["status"]


def test_a_status_word_inside_a_title_stays_in_it_and_the_item_stays_open():
    # "- Get it done — Priya" was recorded done, titled "Get it — Priya": gone from the open follow-ups
    for line in (
        "Get it done — Priya",
        "Make sure backups are done nightly",
        "Done-criteria for rollbacks",
        "Done criteria for rollbacks",
        "Get the migration done before the freeze",
        "Add a todo list to the runbook",
        "Clean up WIP branches before the release",
    ):
        assert title_and_status(line) == (line, "open"), line
    # where an export writes a status it is still the status, and leaves the title
    for line, want in (
        ("[x] Get it done", ("Get it done", "done")),
        ("[ ] Get it done", ("Get it done", "open")),
        ("Get it done (done)", ("Get it done", "done")),
        ("[Done] Make sure backups are done nightly", ("Make sure backups are done nightly", "done")),
        ("Make sure backups are done nightly ✅", ("Make sure backups are done nightly", "done")),
        ("DONE: Done-criteria for rollbacks", ("Done-criteria for rollbacks", "done")),
        ("Done: Get the migration done", ("Get the migration done", "done")),
        ("**DONE** Get it done", ("Get it done", "done")),
        ("Get it done DONE", ("Get it done", "done")),
        ("Get it done, done", ("Get it done", "done")),
        ("Get it done - done", ("Get it done", "done")),
        ("Get it done | Done |", ("Get it done", "done")),
        ("Get it done | Done | Priya", ("Get it done | Priya", "done")),
        ("Clean up WIP branches (WIP)", ("Clean up WIP branches", "open")),
    ):
        assert title_and_status(line) == want, line
    [it] = parse_action_items("- Get it done — Done — Priya\n")
    assert (it["title"], it["status"], it["owner"]) == ("Get it done", "done", "Priya")
    # in a table the status column says it: a title's word overrode "Open" there
    rows = parse_action_items(
        "| Action | Owner | Status |\n|---|---|---|\n"
        "| Get it done | Priya | Open |\n| Make sure backups are done nightly | Sam | |\n| Fix DNS | Ana | Done |\n"
    )
    assert [(a["title"], a["status"]) for a in rows] == [
        ("Get it done", "open"),
        ("Make sure backups are done nightly", "open"),
        ("Fix DNS", "done"),
    ]


def test_a_status_word_in_capitals_that_the_sentence_takes_stays_in_the_title():
    # "Get the migration DONE" was read done, titled "Get the migration": a word in capitals at either end
    # was a status wherever it stood, the sentence's own word too
    for line in (
        "Get the migration DONE",
        "Mark the epic DONE",
        "Leave the flag TODO",
        "Move the card to DONE",
        "Move the card to IN PROGRESS",
        "TODO comments must name a ticket",
        "WIP limits for the review queue",
        "WIP is capped at three per person",
    ):
        assert title_and_status(line) == (line, "open"), line
    # written after or before the sentence it is the status still
    for line, want in (
        ("Get it done DONE", ("Get it done", "done")),  # "get it done" has its word: the last one is the status
        ("Rotate the keys DONE", ("Rotate the keys", "done")),
        ("Pin the resolver image TODO", ("Pin the resolver image", "open")),
        ("DONE Rotate the keys", ("Rotate the keys", "done")),
        ("TODO allow ICMP on the edge", ("allow ICMP on the edge", "open")),
        ("Get the migration — DONE", ("Get the migration", "done")),
    ):
        assert title_and_status(line) == want, line


def test_a_status_said_as_its_own_sentence_dash_field_start_or_labelled_bracket_is_read():
    # each was read done with the word cut out of the title ("Fix DNS. .", "Fix DNS (Status: )")
    got = [
        (a["title"], a["status"])
        for line in ("Fix DNS. Done.", "Fix DNS — done, Priya", "Fix DNS (Status: Done)", "Fix DNS (state: WIP)")
        for a in parse_action_items(f"- {line}\n")
    ]
    assert got == [("Fix DNS", "done"), ("Fix DNS — Priya", "done"), ("Fix DNS", "done"), ("Fix DNS", "open")]
    # the same words inside a sentence are the title's
    [it] = parse_action_items("- Make sure backups are done. Then rotate them\n")
    assert (it["title"], it["status"]) == ("Make sure backups are done. Then rotate them", "open")


DONE_IN_TITLES = """\
# Nightly backup job skipped for a week

Date: 2026-11-20
Severity: sev2

## Summary
The nightly backup job was skipped for seven days after its cron entry was removed in a cleanup.

## Action items
- Get it done — Priya — 2026-12-19
- Make sure backups are done nightly (INFRA-412)
- [x] Restore the cron entry
"""


def test_an_imported_follow_up_with_done_in_its_title_is_recorded_open(kb_dir, tmp_path):
    # "Get it done — Priya" was recorded done as "Get it": gone from the board's open follow-ups
    out = json.loads(imp(kb_dir, tmp_path / "pm" / "backups.md", DONE_IN_TITLES).output)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert [(f.title, f.status, f.owner) for f in inc.follow_ups] == [
        ("Get it done", "open", "Priya"),
        ("Make sure backups are done nightly", "open", None),
        ("Restore the cron entry", "done", None),
    ]
    strict_check(kb_dir)


def test_a_status_column_or_field_is_read_by_its_first_word():
    # a status field holds only a status: "Done (Dec 3)" is done though its title's "Get it done" is not
    rows = parse_action_items(
        "| Action | Status |\n|---|---|\n| Fix DNS | Done (Dec 3) |\n| Fix TTL | Done on 2026-12-03 |\n"
        "| Fix A | In progress, 50% |\n| Fix B | Closed in INFRA-1 |\n| Get it done | Not done |\n"
    )
    assert [a["status"] for a in rows] == ["done", "done", "open", "done", "open"]
    [a, b] = parse_action_items("- Fix DNS\n  - Status: Done on Dec 3\n- Get it done\n  - Status: open\n")
    assert [(a["title"], a["status"]), (b["title"], b["status"])] == [("Fix DNS", "done"), ("Get it done", "open")]


def test_a_done_bracket_with_its_date_is_the_status():
    # "(done 2026-12-01)" was read done, titled "Fix DNS ( 2026-12-01)"; a bracket of other words is the title's
    got = [
        (a["title"], a["status"])
        for line in (
            "Fix DNS (done 2026-12-01)",
            "Fix DNS (Done on Dec 3)",
            "Fix DNS (done 3 of 5 hosts)",
            "Fix DNS (done within 2 days)",
        )
        for a in parse_action_items(f"- {line}\n")
    ]
    assert got == [
        ("Fix DNS", "done"),
        ("Fix DNS", "done"),
        ("Fix DNS (done 3 of 5 hosts)", "open"),
        ("Fix DNS (done within 2 days)", "open"),
    ]


def test_a_month_is_read_by_the_same_names_in_a_date_a_due_date_and_a_done_bracket():
    # the month names were spelled three times, two of them as any word starting like a month ("dec…"):
    # "(done Mayday 3)" was read done, its bracket cut from the title, while no date reader reads "Mayday 3"
    got = [
        (a["title"], a["status"])
        for line in ("Fix DNS (done Sept. 3)", "Fix DNS (done June 3, 2026)", "Fix DNS (done Mayday 3)")
        for a in parse_action_items(f"- {line}\n")
    ]
    assert got == [("Fix DNS", "done"), ("Fix DNS", "done"), ("Fix DNS (done Mayday 3)", "open")]
    [it] = parse_action_items("- Fix it due @Sept. 1, 2026\n")  # Notion's date mention, its month abbreviated
    assert (it["title"], it["due"]) == ("Fix it", dt.date(2026, 9, 1))


BLOCKED_ITEMS = """\
# Signing key rotation stalled

Date: 2026-11-20
Severity: sev3

## Summary
The signing key rotation stalled for two days waiting on a vendor's certificate.

## Action items
- [ ] Rotate the signing key — **Blocked** — SEC-9
- Fix the renewal job — Blocked — Priya — 2026-12-19
- [blocked] Move the CA bundle to the vault
- Blocked: Add an expiry alert
- Drop the old intermediate (blocked on legal review)
- Unblock blocked deploys
- Remove the (blocked) list

| Action | Status |
|---|---|
| Pin the vendor's CA | Blocked on vendor |
"""


def test_a_blocked_item_is_open_and_said_in_the_notes(kb_dir, tmp_path):
    # "— Blocked —" stayed in the title ("Rotate the signing key — Blocked"): a different follow-up from
    # the same item unblocked, and the word no status the board reads. The KB's follow-ups are open or
    # done: it is open, its words out of the title and said in the import's notes
    pm = parse(BLOCKED_ITEMS)
    got = [(a["title"], a["status"], a["owner"], a["ticket"]) for a in pm.action_items]
    assert got == [
        ("Pin the vendor's CA", "open", None, None),
        ("Rotate the signing key", "open", None, "SEC-9"),
        ("Fix the renewal job", "open", "Priya", None),
        ("Move the CA bundle to the vault", "open", None, None),
        ("Add an expiry alert", "open", None, None),
        ("Drop the old intermediate", "open", None, None),
        ("Unblock blocked deploys", "open", None, None),  # the sentence's own words
        ("Remove the (blocked) list", "open", None, None),
    ]
    assert [w for _, w in pm.blocked_items] == [
        "Blocked on vendor",
        "Blocked",
        "Blocked",
        "blocked",
        "Blocked",
        "blocked on legal review",
    ]
    out = json.loads(imp(kb_dir, tmp_path / "pm" / "keys.md", BLOCKED_ITEMS).output)
    assert (
        "follow-up 'Drop the old intermediate': 'blocked on legal review' recorded open (no follow-up status says "
        "blocked), the words out of its title"
    ) in out["notes"]
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.follow_ups[1].title == "Rotate the signing key" and inc.follow_ups[1].status == "open"
    strict_check(kb_dir)
    # said done elsewhere it is done, and no longer blocked
    [it] = parse_action_items("- [x] Fix the renewal job — Blocked\n")
    assert (it["title"], it["status"], "blocked" in it) == ("Fix the renewal job", "done", False)


def test_an_owner_with_accented_letters_is_read_as_an_ascii_one_is():
    # a name was [A-Z][a-z]…: "José Núñez", "Zoë", "Łukasz Żółw" stayed in the titles, no owner read
    got = [
        (a["title"], a["owner"])
        for text in (
            "- Tune retries — José Núñez — 2026-12-19\n",
            "- Pin the TLS library — Zoë — OPS-14\n",
            "- Fix retries (Zoë, OPS-12)\n",
            "- Restore the IAM policy — **Łukasz Żółw** — ENG-1\n",
            "- Rotate the cert @Zoë Ødegård 2026-12-01\n",
            "- Drain the old pool\n  - owner Émile Zola\n",
        )
        for a in parse_action_items(text)
    ]
    assert got == [
        ("Tune retries", "José Núñez"),
        ("Pin the TLS library", "Zoë"),
        ("Fix retries", "Zoë"),
        ("Restore the IAM policy", "Łukasz Żółw"),
        ("Rotate the cert", "Zoë Ødegård"),
        ("Drain the old pool", "Émile Zola"),
    ]
    # a word that is no name is none, accented or not
    [it] = parse_action_items("- Add a cache warm-up — Café Service — 2026-12-19\n")
    assert (it["title"], it["owner"]) == ("Add a cache warm-up — Café Service", None)


DASH_NAMES_ALONE = """\
# Certificate expiry on the edge

Date: 2026-12-02

## Summary
The edge certificate expired; TLS handshakes failed for 25 minutes.

## Action items
- Get it done — Priya
- Rotate the cert — Priya — Dec 19
- Fix the cache — Pulumi
- Add capacity — Frankfurt
- Pin the TLS library — Sam
- Alert on expiry — Redis

| Action | Owner |
|---|---|
| Renew the intermediate | @sam |
"""


def test_a_name_alone_after_a_dash_is_the_owner_when_the_section_names_that_person_an_owner():
    # "Get it done — Priya" kept the name in the title, no owner read: a name was read after a dash only
    # beside a date or a ticket. Alone it is as often a product or a place, which no word list tells from a
    # person: it is the owner when the section gives that name as the owner of another item
    got = [(a["title"], a["owner"]) for a in parse(DASH_NAMES_ALONE).action_items]
    assert got == [
        ("Renew the intermediate", "sam"),
        ("Get it done", "Priya"),  # Priya owns "Rotate the cert"
        ("Rotate the cert", "Priya"),
        ("Fix the cache — Pulumi", None),  # named as no one's owner: a product, left in the title
        ("Add capacity — Frankfurt", None),
        ("Pin the TLS library", "Sam"),  # "@sam" owns the table's item: the same person
        ("Alert on expiry — Redis", None),
    ]
    # with no owner to say it is a person, the name stays in the title (as "— Pulumi" must)
    [it] = parse_action_items("- Get it done — Priya\n")
    assert (it["title"], it["owner"], it["status"]) == ("Get it done — Priya", None, "open")


def test_a_bold_blocked_without_a_colon_is_a_blocked_marker_after_the_title_before_it_or_below_it():
    # "**Blocked:**" was read, "**Blocked** waiting on vendor" kept in the title with the item not blocked,
    # and as a sub-item it was a follow-up of its own ("waiting on vendor")
    got = [
        (a["title"], a.get("blocked"), a["owner"])
        for a in parse_action_items(
            "- Rotate the certs — **Blocked** waiting on vendor\n"
            "- Renew the wildcard. **Blocked** waiting on legal — Priya — 2026-12-19\n"
            "- **Blocked** Pin the intermediate — owner @ana\n"
            "- Move the CA bundle\n"
            "  - **Blocked** waiting on the vault team\n"
            "- Drop the old root\n"
            "  - Status: Blocked on vendor\n"
            "- Rotate the **blocked** tokens\n"
        )
    ]
    assert got == [
        ("Rotate the certs", "Blocked waiting on vendor", None),
        ("Renew the wildcard", "Blocked waiting on legal", "Priya"),
        ("Pin the intermediate", "Blocked", "ana"),
        ("Move the CA bundle", "Blocked waiting on the vault team", None),
        ("Drop the old root", "Blocked on vendor", None),
        ("Rotate the blocked tokens", None, None),  # emphasis inside the sentence is its own word
    ]


def test_a_blocked_bracket_before_the_owner_due_date_or_ticket_is_a_marker_and_the_owner_label_goes():
    # "(blocked)" was a marker only ending the item: before ", owner @ana" or "SEC-9" it stayed in the
    # title, and "— owner @ana" left "— owner" in the title
    got = [
        (a["title"], a.get("blocked"), a["owner"], a["due"], a["ticket"])
        for text in (
            "- Rotate the certs (blocked) — owner @ana, due 2026-03-01\n",
            "- Rotate the keys (blocked on legal), owner @bo\n",
            "- Pin the CA (blocked) SEC-9\n",
            "- Renew the cert — owner @kim\n",
            "- Remove the (blocked) list — owner @kim\n",
            "- Ask the owner @lee\n",
        )
        for a in parse_action_items(text)
    ]
    assert got == [
        ("Rotate the certs", "blocked", "ana", dt.date(2026, 3, 1), None),
        ("Rotate the keys", "blocked on legal", "bo", None, None),
        ("Pin the CA", "blocked", None, None, "SEC-9"),
        ("Renew the cert", None, "kim", None, None),
        ("Remove the (blocked) list", None, "kim", None, None),
        ("Ask the owner", None, "lee", None, None),  # words of the sentence, not a label
    ]


def test_a_date_after_an_at_sign_or_an_owner_label_is_never_the_owner_and_names_like_words_still_are():
    # "owner @Decimal 1, 2026" made "Decimal 1" the owner (the title "Rotate the certs, 2026"), "(owner:
    # @May 3)" "May 3", "@12/03/2026" "12", an owner column or sub-item holding a date that date
    got = [
        (a["title"], a["owner"])
        for text in (
            "- Rotate the certs — owner @Decimal 1, 2026\n",
            "- Rotate the keys (owner: @May 3)\n",
            "- Rotate the tokens (@Oct 12th)\n",
            "- Pin the CA @12/03/2026\n",
            "- Drain the pool\n  - Owner: 2026-03-01\n",
            "| Action | Owner |\n|---|---|\n| Renew the cert | Dec 4, 2026 |\n",
            "- Renew the root — @May\n",
            "- Renew the leaf (owner: @June Park)\n",
            "- Renew the chain — owner @Decker, due 2026-03-01\n",
            "- Renew the bundle — owner: @sre2\n",
            "- Renew the key @Marta Nowak 2026-12-01\n",
        )
        for a in parse_action_items(text)
    ]
    assert got == [
        ("Rotate the certs — owner @Decimal 1, 2026", None),  # kept as written: no one is named
        ("Rotate the keys (owner: @May 3)", None),
        ("Rotate the tokens (@Oct 12th)", None),
        ("Pin the CA @12/03/2026", None),
        ("Drain the pool", None),
        ("Renew the cert", None),
        ("Renew the root", "May"),
        ("Renew the leaf", "June Park"),
        ("Renew the chain", "Decker"),
        ("Renew the bundle", "sre2"),
        ("Renew the key", "Marta Nowak"),
    ]


def test_a_struck_out_due_date_or_owner_written_again_is_the_new_one_and_a_role_after_an_owner_goes():
    # a due date moved, "~~2026-11-20~~ 2026-12-04", recorded the struck (old) one; an owner changed,
    # "~~Lee~~ Sam Ortiz", was "Lee Sam Ortiz"; "@alice (SRE)" an owner apart from "alice"; "(unassigned)" one
    table = (
        "| Action | Owner | Due |\n|---|---|---|\n"
        "| Add a queue alert | ~~Lee~~ Sam | ~~2026-11-20~~ 2026-12-04 |\n"
        "| Pin the CA | @alice (SRE) | 2026-12-01 (moved from 11-20) |\n"
        "| Drop the old pool | (unassigned) | |\n"
    )
    lists = (
        "- Rotate the keys — due ~~Nov 20, 2026~~ Dec 4, 2026\n"
        "- Renew the cert\n  - Due: ~~2026-11-20~~ 2026-12-04\n  - Owner: ~~Lee~~ Sam Ortiz\n"
    )
    got = [(a["title"], a["owner"], a["due"]) for a in parse_action_items(table + "\n" + lists)]
    assert got == [
        ("Add a queue alert", "Sam", dt.date(2026, 12, 4)),
        ("Pin the CA", "alice", dt.date(2026, 12, 1)),
        ("Drop the old pool", None, None),
        ("Rotate the keys", None, dt.date(2026, 12, 4)),
        ("Renew the cert", "Sam Ortiz", dt.date(2026, 12, 4)),
    ]


def test_a_role_after_a_labelled_owner_and_a_priority_mark_leave_the_follow_up_title():
    # "Owner: Ana Ruiz (payments)" left "(payments)" in the title; "(P1)", "[P2]", "— Priority: High —",
    # "Priority: P0" stayed in it too (the KB's follow-ups have no priority field: it is kept nowhere)
    text = (
        "- Add a pool alert — Owner: Ana Ruiz (payments)\n"
        "- Page on pool saturation (owner: Bo Li (SRE), due: 2026-12-20)\n"
        "- Rotate the webhook secret (P1)\n"
        "- [P2] Pin the CA bundle — owner: @ana\n"
        "- Cap the retry budget — Priority: High — Owner: Jo Lee\n"
        "- Drop the v1 endpoint. Priority: P0. Owner: Tom.\n"
        "- P3: Document the failover\n"
        "- Upgrade the workers to P2 instances\n"
        "- Set priority: high on the DB pages\n"
    )
    got = [(a["title"], a["owner"], a["due"]) for a in parse_action_items(text)]
    assert got == [
        ("Add a pool alert", "Ana Ruiz", None),
        ("Page on pool saturation", "Bo Li", dt.date(2026, 12, 20)),
        ("Rotate the webhook secret", None, None),
        ("Pin the CA bundle", "ana", None),
        ("Cap the retry budget", "Jo Lee", None),
        ("Drop the v1 endpoint", "Tom", None),
        ("Document the failover", None, None),
        ("Upgrade the workers to P2 instances", None, None),
        ("Set priority: high on the DB pages", None, None),
    ]
    assert not any("priority" in a for a in parse_action_items(text))  # no key the format does not have


PROSE_OWNERS = """# Queue consumers stalled

**Date:** 2026-11-02

## Summary
The billing queue stopped draining after a consumer deploy left every worker waiting on a lock.

## Action items
- Add an alert on queue depth, assigned to Sam Ortiz
- Page the owning team on lock waits. Owner is Priya
- Rotate the consumer credentials (owner is Dana, due 2026-12-01)
- Move the replay tool to the new cluster, assigned to @ops-team
- Priya will document the lock order in the runbook
- Lena Fischer will review the deploy checklist by 2026-12-10
- Checkout will retry payments on a lock timeout
- Grafana Cloud will alert on consumer lag
- Fix the escalation policy, assigned to the SRE team
- Triage tickets assigned to December 1
"""


def test_an_owner_said_in_words_is_read_and_a_role_a_thing_or_a_date_is_not(kb_dir, tmp_path):
    # "assigned to Sam Ortiz", "Owner is Priya", "(owner is Dana …)" and "Lena Fischer will …" gave no
    # owner (the words stayed in the title, or the bracket was dropped with its owner)
    got = [(a["title"], a["owner"], a["due"]) for a in parse(PROSE_OWNERS).action_items]
    assert got == [
        ("Add an alert on queue depth", "Sam Ortiz", None),
        ("Page the owning team on lock waits.", "Priya", None),
        ("Rotate the consumer credentials", "Dana", dt.date(2026, 12, 1)),
        ("Move the replay tool to the new cluster", "ops-team", None),
        # a first name leading with "will" is the owner when the section names that person an owner
        ("Document the lock order in the runbook", "Priya", None),
        ("Review the deploy checklist", "Lena Fischer", dt.date(2026, 12, 10)),
        # a service or a product leading so, a team or a date after "assigned to": no owner, words kept
        ("Checkout will retry payments on a lock timeout", None, None),
        ("Grafana Cloud will alert on consumer lag", None, None),
        ("Fix the escalation policy, assigned to the SRE team", None, None),
        ("Triage tickets assigned to December 1", None, None),
    ]
    # a first name alone leading with "will", the section naming no such owner, is no owner
    [alone] = parse_action_items("- Priya will document the lock order\n")
    assert (alone["title"], alone["owner"]) == ("Priya will document the lock order", None)
    # a role where a name would be is no owner
    for said in ("Cut the branch. Owner is Incident Manager", "Cut the branch, assigned to Manager"):
        [it] = parse_action_items(f"- {said}\n- Tag the build (owner: Priya)\n")[:1]
        assert (it["title"], it["owner"]) == (said, None)
    [it] = parse_action_items("- Release Captain will cut the branch\n")
    assert it["owner"] is None
    # an owner column wins; the title keeps its words
    [row] = parse_action_items("| Action | Owner |\n|---|---|\n| Sam Ortiz will fix it | Lee Wong |\n")
    assert (row["title"], row["owner"]) == ("Sam Ortiz will fix it", "Lee Wong")
    r = imp(kb_dir, tmp_path / "pm" / "queue.md", PROSE_OWNERS)
    assert r.exit_code == 0, r.output
    inc = load_kb(kb_dir).incidents[json.loads(r.output)["incident"]]
    assert [f.owner for f in inc.follow_ups][:6] == ["Sam Ortiz", "Priya", "Dana", "ops-team", "Priya", "Lena Fischer"]


def test_a_first_name_leading_with_will_is_the_owner_when_another_item_names_that_person_in_full():
    # "Priya will …" stayed in the title, no owner, when the section named her "Priya Shah": only an
    # owner written "Priya" made the first name a person's
    for owned in (
        "- Add an alert on queue depth — Priya Shah — 2026-12-19",
        "- Add an alert on queue depth (owner: Priya Shah)",
        "| Action | Owner |\n|---|---|\n| Add an alert on queue depth | Priya Shah |\n",
    ):
        items = parse_action_items(f"{owned}\n- Priya will review the runbook\n")
        assert [(a["title"], a["owner"]) for a in items] == [
            ("Add an alert on queue depth", "Priya Shah"),
            ("Review the runbook", "Priya"),
        ], owned
    # a team's or a product's first word is no first name: "Checkout Team" owning an item makes no
    # "Checkout will …" a person's
    for team in ("Checkout Team", "Grafana Cloud", "Platform SRE"):
        word = team.split()[0]
        items = parse_action_items(f"- Add retries (owner: {team})\n- {word} will fail over\n")
        assert (items[1]["title"], items[1]["owner"]) == (f"{word} will fail over", None), team


TO_OWNERS = """# Queue migration stalled

**Date:** 2026-11-09

## Summary
The old queue kept taking writes after the cut-over.

## Action items
- Migrate the queue — Sam to pick up next sprint
- Add an alert - Priya to own
- Drain the old topic — Lena Fischer to drive — 2026-12-12
- Rotate the consumer keys (owner: Sam Ortiz)
- Raise the lag threshold — Priya Shah — 2026-12-01
"""


def test_a_person_to_a_verb_after_a_dash_is_the_owner(kb_dir, tmp_path):
    # "— Sam to pick up next sprint", "- Priya to own" stayed in the title, no owner recorded
    got = [(a["title"], a["owner"], a["due"]) for a in parse(TO_OWNERS).action_items]
    assert got == [
        ("Migrate the queue", "Sam", None),
        ("Add an alert", "Priya", None),
        ("Drain the old topic", "Lena Fischer", dt.date(2026, 12, 12)),
        ("Rotate the consumer keys", "Sam Ortiz", None),
        ("Raise the lag threshold", "Priya Shah", dt.date(2026, 12, 1)),
    ]
    r = imp(kb_dir, tmp_path / "pm" / "migration.md", TO_OWNERS)
    assert r.exit_code == 0, r.output
    inc = load_kb(kb_dir).incidents[json.loads(r.output)["incident"]]
    assert [(f.title, f.owner) for f in inc.follow_ups][:3] == [
        ("Migrate the queue", "Sam"),
        ("Add an alert", "Priya"),
        ("Drain the old topic", "Lena Fischer"),
    ]


def test_a_person_to_a_verb_between_dashes_is_the_owner_and_the_words_after_stay_in_the_title(kb_dir, tmp_path):
    # "— Sam to pick up — after the freeze" kept no owner, the whole tail in the title, where "— Sam to
    # pick up" ending the item was read
    text = TO_OWNERS.replace("Sam to pick up next sprint", "Sam to pick up — after the freeze")
    text += "- Drain the old topic — Lena Fischer will drive — once billing signs off — 2026-12-12\n"
    got = [(a["title"], a["owner"], a["due"]) for a in parse(text).action_items]
    assert got[0] == ("Migrate the queue — after the freeze", "Sam", None)
    assert got[-1] == ("Drain the old topic — once billing signs off", "Lena Fischer", dt.date(2026, 12, 12))
    # by the rules of the dash's end: a place, a team, or a first name no item names owns nothing
    for said in (
        "Promote the build — Staging to prod — after the freeze",
        "Fail over — Checkout Team to own — next sprint",
        "Add an alert — Priya to own — after the freeze",
    ):
        [it] = parse_action_items(f"- {said}\n")
        assert (it["title"], it["owner"]) == (said, None), said
    r = imp(kb_dir, tmp_path / "pm" / "freeze.md", text)
    assert r.exit_code == 0, r.output
    inc = load_kb(kb_dir).incidents[json.loads(r.output)["incident"]]
    assert (inc.follow_ups[0].title, inc.follow_ups[0].owner) == ("Migrate the queue — after the freeze", "Sam")


def test_a_person_will_a_verb_after_a_dash_is_the_owner_by_the_same_rules():
    # "— Priya will own" stayed in the title, no owner, where "— Priya to own" and "Priya will add …" were read
    items = parse_action_items(
        "- Add an alert — Priya will own\n- Drain the old topic - Lena Fischer will drive — 2026-12-12\n"
        "- Raise the lag threshold — Priya Shah — 2026-12-01\n"
    )
    got = [(it["title"], it["owner"], it["due"]) for it in items]
    assert got[:2] == [("Add an alert", "Priya", None), ("Drain the old topic", "Lena Fischer", dt.date(2026, 12, 12))]
    # a first name no item names, a team, or "will" before no verb of its own keeps its words in the title
    for said in (
        "Add an alert - Priya will own",
        "Fail over — Checkout Team will own",
        "Notify support — Sam Ortiz will be told first",
    ):
        [it] = parse_action_items(f"- {said}\n")
        assert (it["title"], it["owner"]) == (said, None), said


def test_a_first_name_a_team_or_a_place_to_a_word_after_a_dash_is_no_owner():
    # by the rules of "Priya will …": a first name the section names no owner, a team, a product, a place
    # a change goes or "to" before no verb keeps its words in the title
    for said in (
        "Add an alert - Priya to own",
        "Fail over — Checkout Team to own",
        "Swap the broker — Kafka to replace it",
        "Promote the build — Staging to prod",
        "Hand over — Sam Ortiz to the on-call",
        "Notify support — Sam Ortiz to be told first",
    ):
        [it] = parse_action_items(f"- {said}\n")
        assert (it["title"], it["owner"]) == (said, None), said
    # an owner said otherwise wins: the words stay
    [it] = parse_action_items("- Migrate the queue — Sam Ortiz to pick up (owner: Lee Wong)\n")
    assert it["owner"] == "Lee Wong"


def test_front_matter_s_title_over_an_h1_of_the_same_title_reads_as_without_front_matter():
    # "# Webhook worker pool exhausted" under "title: Webhook worker pool exhausted" was a section of its own
    # ("Could not map (kept as they are): Webhook worker pool exhausted"), "Author: Ana Ruiz" kept in it
    body = (
        "# Webhook worker pool exhausted\n\nAuthor: Ana Ruiz\n\n## Summary\n\nDeliveries were delayed.\n\n"
        "## Action items\n\n- [ ] Per-partner timeout — Owner: Ana Ruiz — Due: 2026-12-10\n"
    )
    fm = parse("---\ntitle: Webhook worker pool exhausted\ndate: 2026-11-12\nseverity: sev3\n---\n\n" + body)
    plain = parse(body)
    assert fm.title == plain.title == "Webhook worker pool exhausted"
    assert fm.unmapped == plain.unmapped == []
    assert list(fm.sections) == list(plain.sections) and "Webhook worker pool exhausted" not in fm.sections
    assert fm.people == plain.people and fm.people
    # another H1 under the front matter's title is read as before
    other = parse("---\ntitle: Webhook worker pool exhausted\n---\n\n# Bridge call notes\n\nSome text.\n")
    assert other.title == "Webhook worker pool exhausted" and "Bridge call notes" in other.sections


FRONT_TITLE_OTHER_H1 = """\
    ---
    title: Checkout outage
    date: 2026-11-20
    severity: SEV-2
    ---
    # Payment API 502s on Nov 20

    ## Summary
    The payment API returned 502s for 40 minutes.

    ## Root cause
    A bad deploy of the payment gateway.
    """


def test_front_matter_s_title_over_another_h1_keeps_the_h1_as_the_summary_s_first_line(kb_dir, tmp_path):
    # the H1 was a section with nothing under it, dropped: its words were in no part of the record
    r = imp(kb_dir, tmp_path / "pm.md", FRONT_TITLE_OTHER_H1, "--pattern", "dns-failure")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["title"] == "Checkout outage"
    assert (
        "title from the front matter; the heading 'Payment API 502s on Nov 20' kept as the Summary's first line"
        in out["notes"]
    )
    assert "Payment API 502s on Nov 20" not in out["unmapped"]
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.sections["Summary"].split("\n")[0] == "Payment API 502s on Nov 20"
    assert "502s for 40 minutes" in inc.sections["Summary"]
    # the heading as the only line under the front matter: still the Summary's words
    pm = parse("---\ntitle: Checkout outage\n---\n\n# Payment API 502s\n")
    assert (pm.title, pm.sections.get("Summary")) == ("Checkout outage", "Payment API 502s")


def test_an_h1_under_another_front_matter_title_is_kept_over_any_written_form_of_the_first_section():
    # only a "## " next was looked for: a setext H1, a setext "Summary", a "**Summary:**" label or a "---"
    # before "## Summary" left the H1 a section with nothing under it, dropped (unmapped, no note)
    fm, summary = "---\ntitle: Checkout outage\n---\n", "Payment API 502s\n\nThe API failed."
    for body in (
        "Payment API 502s\n================\n\n## Summary\nThe API failed.\n",
        "# Payment API 502s\n\nSummary\n-------\nThe API failed.\n",
        "# Payment API 502s\n\n**Summary:** The API failed.\n",
        "# Payment API 502s\n\n---\n\n## Summary\nThe API failed.\n",
        "Payment API 502s\n================\n\n***\n\nSummary\n=======\nThe API failed.\n",
    ):
        pm = parse(fm + body)
        assert (pm.title, pm.sections.get("Summary"), pm.unmapped) == ("Checkout outage", summary, []), body
        assert pm.title_note and "'Payment API 502s' kept as the Summary's first line" in pm.title_note
    # an H1 over text of its own, or over a bold label naming no section, is a section as before
    for body in ("# Bridge call notes\n\n**Note:** Some text.\n", "Bridge call notes\n=================\n\nText.\n"):
        pm = parse(fm + body)
        assert pm.title == "Checkout outage" and "Bridge call notes" in pm.sections, body
