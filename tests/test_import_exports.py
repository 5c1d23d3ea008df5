"""`recur import` on postmortems as tools and wikis export them (review of 2026-12): durations written
the ways incident tools write them, a Confluence "Export to Word" (MIME) file, Confluence and Google
Docs HTML, Google Docs Markdown with inline images, FireHydrant / incident.io / PagerDuty layouts, and
an edited postmortem imported again. Our own texts, in the shapes those exports have."""

import datetime as dt
import json
import textwrap
from pathlib import Path

import pytest
from import_helpers import import_file as imp

from recur.ingest.postmortem import parse, parse_duration
from recur.kb.loader import load_kb

# --- durations ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text, minutes",
    [
        ("1h30m", 90),  # was 30: no \b between "h" and "3"
        ("1d2h", 1560),  # was 120
        ("45 mins (detection 12m)", 45),  # was 57: every duration in the text summed
        ("1h10m (TTD 5m, TTR 1h05m)", 70),  # was 20
        ("1:10", 70),  # was None
        ("01:10:00", 70),  # was None
        ("1 hour 30 minutes", 90),
        ("1 hour and 30 minutes", 90),
        ("90 min", 90),
        ("2h 5m", 125),
        ("09:40–10:25 UTC", 45),  # a range of times: the time between, not 580 minutes
        ("23:50 - 00:20", 30),  # over midnight
        ("14:30 UTC", None),  # a time of day is no duration
        ("4M requests", None),  # millions, not minutes
        ("18 months", None),
        ("about an hour", None),
    ],
)
def test_a_duration_is_the_first_expression_compound_units_and_clock_forms_included(text, minutes):
    assert parse_duration(text) == minutes


def test_a_duration_field_reads_its_first_duration_and_the_import_says_which(kb_dir, tmp_path):
    doc = """\
    ---
    title: Session store evicted every key
    date: 2026-05-11
    severity: sev2
    duration: 2h15m
    ---

    ## Summary
    The session store ran out of memory and evicted every key; all users were logged out.
    """
    # front matter "duration: 2h15m" was recorded as duration_minutes: 15
    assert parse(textwrap.dedent(doc)).duration_minutes == 135
    labelled = doc.replace("duration: 2h15m", "x: y").replace(
        "## Summary", "**Duration:** 1h05m (time to detect 20m, time to mitigate 45m)\n\n## Summary"
    )
    out = json.loads(imp(kb_dir, tmp_path / "pm.md", labelled, "--json").output)
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert inc.duration_minutes == 65  # was 130: 1h05m + 20m + 45m
    assert any(n.startswith("duration: 65 minutes from") and "not 20m, 45m" in n for n in out["notes"]), out["notes"]
    # a value read as no duration is said, not dropped unsaid
    vague_doc = labelled.replace("1h05m (time to detect 20m, time to mitigate 45m)", "most of the morning")
    vague = json.loads(imp(kb_dir, tmp_path / "v.md", vague_doc.replace("Session store", "Cache"), "--json").output)
    assert any("not read as a duration" in n for n in vague["notes"]), vague["notes"]


def test_a_duration_in_the_impact_after_for_is_read_with_compound_units():
    pm = parse("# Cart outage\n\n## Impact\nCarts failed for 1h20m while the cache was rebuilt.\n")
    assert pm.duration_minutes == 80  # the old reader's "\b" after "h" read nothing here
    latent = parse("# Cart outage\n\n## Impact\nThe bad config had been live for 3 days before it hurt.\n")
    assert latent.duration_minutes is None  # how long a cause lay unnoticed is not the outage


# --- an edited postmortem imported again -----------------------------------------------------------

REPLICA = """\
# Read replica fell behind during the reindex

Date: 2026-06-03
Severity: sev2

## Summary
The reporting replica fell 40 minutes behind while the nightly reindex ran on the primary.

## Action items
- [ ] Throttle the reindex to 200 rows a batch (owner: @mo)
- [ ] Page on replica lag over 5 minutes
"""


def changed_note(kb_dir, path, edited):
    """``edited`` imported again as ``path`` (imported before): exit 3 and the line saying what changed."""
    r = imp(kb_dir, path, edited)
    assert r.exit_code == 3, r.output
    return next(ln for ln in r.output.splitlines() if "changed since it was imported" in ln)


def test_an_edited_postmortem_imported_again_exits_3_naming_the_incident_and_what_changed(kb_dir, tmp_path):
    path = tmp_path / "pm" / "replica.md"
    first = imp(kb_dir, path, REPLICA, "--json")
    iid = json.loads(first.output)["incident"]
    # the same document again: nothing to do, exit 0 (a nightly job imports every file every night)
    again = imp(kb_dir, path, REPLICA)
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {iid} (same content)")
    # edited: a follow-up done, one added, the summary corrected. It exited 0 with "edit it by hand",
    # and a nightly import job dropped every such update without a sign
    edited = (
        REPLICA.replace("- [ ] Page on", "- [x] Page on")
        .replace("40 minutes", "45 minutes")
        .replace("## Action items\n", "## Action items\n- [ ] Move the reindex off the primary\n")
    )
    note = changed_note(kb_dir, path, edited)
    assert f"differs from {iid} in: Summary section; Action items section" in note
    assert "follow-ups added: 'Move the reindex off the primary'" in note
    assert "follow-ups changed: 'Page on replica lag over 5 minutes'" in note
    assert f"{iid} is not updated" in note
    # the record is as it was; --json says the same, with the same status
    assert load_kb(kb_dir).incidents[iid].follow_ups[1].status == "open"
    rj = imp(kb_dir, path, edited, "--json")
    assert rj.exit_code == 3 and json.loads(rj.stdout)["already"]["by"] == "source path"
    # once the record is updated by hand and its sha256 set as the note says, the import is quiet again
    digest = note.split('field to "')[1].split('"')[0]
    record = kb_dir / "incidents" / "2026" / f"{iid}.md"
    text = record.read_text()
    old = json.loads(text.split("imported: ")[1].split("\n")[0])["sha256"]
    record.write_text(text.replace(old, digest))
    assert imp(kb_dir, path, edited).exit_code == 0


def test_a_changed_follow_up_is_named_with_what_changed_old_to_new(kb_dir, tmp_path):
    # the note named the follow-up only: which of its status, owner, due date or ticket changed, and
    # from what, the reader had to find by comparing the record with the document
    path = tmp_path / "pm" / "replica.md"
    iid = json.loads(imp(kb_dir, path, REPLICA, "--json").output)["incident"]
    edited = REPLICA.replace("- [ ] Throttle", "- [x] Throttle").replace(
        "(owner: @mo)", "(owner: @ana, due: 2026-07-01) OPS-88"
    )
    note = changed_note(kb_dir, path, edited)
    assert (
        "follow-ups changed: 'Throttle the reindex to 200 rows a batch' "
        "(status open → done, owner mo → ana, due none → 2026-07-01, ticket none → OPS-88)"
    ) in note
    assert "Page on replica lag" not in note  # unchanged: not named
    follow_up = load_kb(kb_dir).incidents[iid].follow_ups[0]
    assert (follow_up.status, follow_up.owner, follow_up.due) == ("open", "mo", None)  # nothing written


def test_a_reworded_follow_up_is_named_changed_not_gone_and_added(kb_dir, tmp_path):
    # a follow-up reworded in the document (its ticket kept, or its title alike) was said "gone" and
    # "added": two changes for one, and its status or due date changed with it unsaid
    path = tmp_path / "pm" / "replica.md"
    doc = REPLICA.replace("## Action items\n", "## Action items\n- [ ] Split the reindex job OPS-7\n")
    imp(kb_dir, path, doc, "--json")
    edited = (
        doc.replace("Split the reindex job OPS-7", "Run the reindex in two halves OPS-7")
        .replace("- [ ] Page on replica lag over 5 minutes", "- [x] Page on replica lag over 5 min")
        .replace("- [ ] Throttle the reindex to 200 rows a batch (owner: @mo)", "- [ ] Drop the unused indexes")
    )
    note = changed_note(kb_dir, path, edited)
    assert (
        "follow-ups changed: 'Split the reindex job' → 'Run the reindex in two halves', "
        "'Page on replica lag over 5 minutes' → 'Page on replica lag over 5 min' (status open → done)"
    ) in note
    # a title not alike, with no ticket to tie it, is a follow-up gone and one added, as before
    assert "follow-ups added: 'Drop the unused indexes'" in note
    assert "follow-ups gone: 'Throttle the reindex to 200 rows a batch'" in note


# --- a Confluence "Export to Word" file (MIME) ------------------------------------------------------

BROKER_PAGE = """\
<!DOCTYPE html>
<html><head><title>OPS : Queue backlog after broker failover</title></head>
<body><div id="page"><div id="main-header">
<div id="breadcrumb-section"><ol id="breadcrumbs">
<li class="first"><span><a href="index.html">OPS</a></span></li>
<li><span><a href="Reviews_77.html">Reviews</a></span></li></ol></div>
<h1 id="title-heading" class="pagetitle"><span id="title-text">OPS : Queue backlog after broker failover</span></h1>
</div>
<div class="page-metadata">Created by <span class="author">Ines Ford</span>, last modified on Apr 20, 2026</div>
<div id="main-content" class="wiki-content group">
<table class="confluenceTable"><tbody>
<tr><th class="confluenceTh">Incident date</th><td class="confluenceTd"><time datetime="2026-04-02">02 Apr 2026</time></td></tr>
<tr><th class="confluenceTh">Severity</th><td class="confluenceTd"><span class="status-macro">SEV2</span></td></tr>
</tbody></table>
<h2 id="Review-Summary">Summary</h2>
<p>After the primary broker failed over, consumers kept their old connections and the order queue grew to 2&nbsp;million messages.</p>
<h2 id="Review-Actionitems">Action items</h2>
<ul class="inline-task-list" data-inline-tasks-content-id="9">
<li class="checked" data-inline-task-id="1"><span>Enable client failover reconnect <a class="confluence-userlink user-mention" href="/display/~ines">Ines Ford</a> <time datetime="2026-04-09">09 Apr 2026</time></span></li>
<li data-inline-task-id="2"><span>Alert on queue depth over 100k <a class="confluence-userlink user-mention" href="/display/~raj">Raj Patel</a> <time datetime="2026-04-30">30 Apr 2026</time></span></li>
</ul>
</div></div></body></html>
"""


def word_export(html: str, *, parts: str = "html", sender: str = "") -> bytes:
    """A MIME file as Confluence's "Export to Word" writes it: the page as quoted-printable HTML."""
    import quopri

    boundary = "----=_Part_7_99.1776680000000"
    qp = quopri.encodestring(html.encode("utf-8")).decode("ascii")
    html_part = (
        f"--{boundary}\nContent-Type: text/html; charset=UTF-8\n"
        f"Content-Transfer-Encoding: quoted-printable\nContent-Location: file:///C:/page.htm\n\n{qp}\n"
    )
    image = f"--{boundary}\nContent-Type: image/png\nContent-Transfer-Encoding: base64\n\niVBORw0KGgo=\n"
    head = (
        f"{sender}Date: Mon, 20 Apr 2026 16:05:11 +0000 (UTC)\nMessage-ID: <77.99@wiki.example.org>\n"
        "Subject: Exported From Confluence\nMIME-Version: 1.0\n"
        f'Content-Type: multipart/related;\n\tboundary="{boundary}"\n\n'
    )
    body = (html_part if "html" in parts else "") + (image if "image" in parts else "")
    return (head + body + f"--{boundary}--\n").encode("ascii")


def test_a_confluence_word_export_is_read_through_its_html_part(kb_dir, tmp_path):
    # it was "Mapped: nothing", titled by the file name, dated by the export's Date: header (20 Apr),
    # its summary raw "=3D" HTML, and it passed recur check
    r = imp(kb_dir, tmp_path / "Queue+backlog.doc", None, "--json", raw=word_export(BROKER_PAGE, parts="html image"))
    out = json.loads(r.output)
    assert [m["section"] for m in out["mapped"]] == ["Summary", "Action items"], r.output
    assert out["date"] == "2026-04-02" and out["date_source"] == "the Incident date row of a table"
    assert out["severity"] == "sev2" and out["follow_ups"] == 2
    inc = load_kb(kb_dir).incidents[out["incident"]]
    assert "Queue backlog after broker failover" in inc.title
    assert "=3D" not in inc.summary and "<p>" not in inc.summary
    assert "consumers kept their old connections" in inc.summary
    assert any("read the text/html part of a MIME file" in n for n in out["notes"])
    # saved with CRLF line ends, as Windows tools write MIME, it is the same page
    crlf = word_export(BROKER_PAGE.replace("Queue backlog", "Order backlog")).replace(b"\n", b"\r\n")
    again = json.loads(imp(kb_dir, tmp_path / "crlf.doc", None, "--json", raw=crlf).output)
    assert [m["section"] for m in again["mapped"]] == ["Summary", "Action items"] and again["follow_ups"] == 2


def test_a_mime_file_without_text_is_refused_and_an_email_keeps_its_subject(kb_dir, tmp_path):
    r = imp(kb_dir, tmp_path / "images.doc", None, raw=word_export(BROKER_PAGE, parts="image"))
    assert r.exit_code == 1 and "is a MIME file (an export or a saved email) with no HTML or text part" in r.output
    # an email saved with its MIME headers: From, Subject and Date read as an email's, as before
    mail = word_export(
        BROKER_PAGE.replace("<title>OPS : Queue backlog after broker failover</title>", "").replace(
            '<h1 id="title-heading" class="pagetitle"><span id="title-text">OPS : Queue backlog after broker failover</span></h1>',
            "",
        ),
        sender="From: Ines Ford <ines@example.org>\n",
    ).replace(b"Subject: Exported From Confluence", b"Subject: Re: Postmortem: Broker failover backlog")
    out = json.loads(imp(kb_dir, tmp_path / "mail.eml", None, "--json", raw=mail).output)
    assert load_kb(kb_dir).incidents[out["incident"]].title == "Broker failover backlog"
    assert any("read the text/html part of an email" in n for n in out["notes"]), out["notes"]


# --- Google Docs Markdown: inline images ------------------------------------------------------------


def test_inline_base64_images_are_taken_out_before_the_size_limit(kb_dir, tmp_path):
    import base64
    import random

    blob = base64.b64encode(random.Random(7).randbytes(1_200_000)).decode("ascii")  # 1.6 MB of base64
    doc = (
        "# Cache nodes evicted during the kernel upgrade\n\n**Incident date:** 2026-05-19\n**Severity:** SEV3\n\n"
        "## Summary\n\nThe rolling kernel upgrade drained two cache nodes at once and hit rates fell to 40%.\n\n"
        "![][image1]\n\nHit rate during the upgrade, above.\n\n"
        "![inline](data:image/gif;base64,R0lGODlhAQABAAAAACw=)\n\n"
        f"[image1]: <data:image/png;base64,{blob}>\n"
    )
    path = tmp_path / "export.md"
    path.write_text(doc)
    assert path.stat().st_size > 1024 * 1024
    r = imp(kb_dir, path, None, "--json", raw=doc.encode())
    assert r.exit_code == 0, r.output  # was "is over 1,048,576 bytes", nothing imported
    out = json.loads(r.output)
    assert any(n.startswith("took out 2 inline images") for n in out["notes"]), out["notes"]
    record = Path(out["incident_path"]).read_text()
    assert "data:image" not in record and "![][image1]" not in record
    assert "Hit rate during the upgrade, above." in record
    # pasted text over the limit is still refused, images or not
    big = doc.replace("Hit rate during", "x" * (1024 * 1024) + " Hit rate during")
    r2 = imp(kb_dir, tmp_path / "big.md", None, raw=big.encode())
    assert r2.exit_code == 1 and "is over 1,048,576 bytes (its inline images taken out)" in r2.output


# --- Confluence and Google Docs HTML ----------------------------------------------------------------


def test_a_confluence_page_reads_its_tasks_title_and_leaves_the_page_chrome_out():
    pm = parse(BROKER_PAGE)
    # the space prefix "OPS : " stayed in the title
    assert pm.title == "Queue backlog after broker failover"
    # checked tasks were open follow-ups (overdue on the board), and the mention and the date were
    # pasted into the title: "Enable client failover reconnect Ines Ford 09 Apr 2026"
    assert [(a["title"], a["status"], a["owner"], a["due"]) for a in pm.action_items] == [
        ("Enable client failover reconnect", "done", "Ines Ford", dt.date(2026, 4, 9)),
        ("Alert on queue depth over 100k", "open", "Raj Patel", dt.date(2026, 4, 30)),
    ]
    # the summary started with the breadcrumbs and "Created by … last modified on …"
    assert pm.sections["Summary"].startswith("After the primary broker failed over")
    assert "Created by" not in pm.sections["Summary"] and "Reviews" not in pm.sections["Summary"]
    assert pm.date == dt.date(2026, 4, 2) and pm.date_source == "the Incident date row of a table"
    # a heading of another page with " : " in it is its own text; a mention outside a task is a name
    other = parse(
        "<h1>Checkout : payment retries doubled</h1><p>Date: 2026-04-03</p>"
        '<h2>Summary</h2><p>Retries doubled, said <a class="user-mention">Ines Ford</a>.</p>'
    )
    assert other.title == "Checkout : payment retries doubled"
    assert other.sections["Summary"] == "Retries doubled, said Ines Ford."


def test_an_older_confluence_pages_userlink_is_the_tasks_owner():
    """Older pages and server editions write a mention as ``<a class="confluence-userlink"
    data-username>`` with no user-mention class: its name stayed glued to the follow-up's title
    ("Validate BIC/IBAN at onboarding Ana Ruiz") and the follow-up had no owner."""
    pm = parse(
        "<h1>Payouts rejected by the bank</h1><p>Date: 2026-04-03</p><h2>Summary</h2><p>Bad IBANs.</p>"
        '<h2>Action items</h2><ul class="inline-task-list">'
        '<li data-inline-task-id="1"><span>Validate BIC/IBAN at onboarding <a class="confluence-userlink" '
        'data-username="ana.ruiz" href="/display/~ana.ruiz">Ana Ruiz</a> <time datetime="2026-05-01">01 May '
        "2026</time></span></li>"
        # an avatar link, no name written: the user name is all there is
        '<li class="checked" data-inline-task-id="2"><span>Page on payout rejects <a class="confluence-userlink '
        'userlink-0" data-username="raj.patel" href="/display/~raj.patel"><img class="userLogo" src="raj.png">'
        "</a></span></li>"
        # the avatar link first, then the name link (Confluence's user profile macro): the name
        '<li data-inline-task-id="3"><span>Alert on IBAN rejects <a class="confluence-userlink userlink-0" '
        'data-username="li.wei"><img class="userLogo" src="li.png"></a> <a class="confluence-userlink '
        'userlink-1" data-username="li.wei">Li Wei</a></span></li></ul>'
    )
    assert [(a["title"], a["status"], a["owner"], a["due"]) for a in pm.action_items] == [
        ("Validate BIC/IBAN at onboarding", "open", "Ana Ruiz", dt.date(2026, 5, 1)),
        ("Page on payout rejects", "done", "raj.patel", None),
        ("Alert on IBAN rejects", "open", "Li Wei", None),
    ]


def test_a_google_docs_html_export_takes_its_title_paragraph_as_the_title():
    pm = parse(
        '<html><head><style>.title{font-size:26pt}</style></head><body class="doc-content">'
        '<p class="c4 title" id="h.t"><span class="c2">Incident review: Image uploads failed in eu-west</span></p>'
        '<p class="c1"><span class="c3">Date:</span><span class="c0">&nbsp;2026-05-06</span></p>'
        '<h2 class="c7"><span>Summary</span></h2><p class="c1"><span>Uploads failed for 25 minutes.</span></p>'
        "</body></html>"
    )
    assert pm.title == "Image uploads failed in eu-west"  # the file name was the title
    assert pm.sections["Summary"] == "Uploads failed for 25 minutes."


def test_a_confluence_cell_s_line_breaks_are_its_lines_as_in_a_markdown_table():
    """A ``<br>`` or a paragraph in an HTML table cell was a space: "Ana Ruiz<br/>Lee Park" one owner "Ana Ruiz
    Lee Park", "TBD<br>Ana Ruiz" the owner "TBD Ana Ruiz", a Services cell's lines one service. They are the cell's
    lines, read as a Markdown table's ``<br>`` is (docs/problems.md)."""
    pm = parse(
        "<h1>Queue backlog</h1><table><tbody><tr><th>Incident date</th><td>2026-11-10</td></tr>"
        "<tr><th>Services</th><td>session-store<br/>web-frontend</td></tr></tbody></table>"
        "<h2>Summary</h2><p>Consumer lag grew.</p><h2>Action items</h2><table><tbody>"
        "<tr><th><p>Action</p></th><th><p>Owner</p></th><th><p>Due</p></th></tr>"
        "<tr><td><p>Scale consumers</p></td><td>Ana Ruiz<br/>Lee Park</td><td>2026-12-20</td></tr>"
        "<tr><td><p>Alert on lag</p></td><td><p>Ana Ruiz</p><p><strong>Lee Park</strong></p></td><td>2026-12-20</td></tr>"
        "<tr><td><p>Runbook</p></td><td>TBD<br>Ana Ruiz<br></td><td><p>2026-12-20</p></td></tr>"
        "</tbody></table>"
    )
    assert [(a["title"], a["owner"], a["due"]) for a in pm.action_items] == [
        ("Scale consumers", "Ana Ruiz", dt.date(2026, 12, 20)),
        ("Alert on lag", "Ana Ruiz", dt.date(2026, 12, 20)),
        ("Runbook", "Ana Ruiz", dt.date(2026, 12, 20)),
    ]
    assert pm.owners_left == [("Scale consumers", "Ana Ruiz", ["Lee Park"]), ("Alert on lag", "Ana Ruiz", ["Lee Park"])]
    assert pm.services == ["session-store", "web-frontend"]


# --- Google Docs Markdown: backslash escapes -----------------------------------------------------------


def test_markdown_escapes_are_taken_out_of_one_line_fields_and_of_a_sections_prose():
    pm = parse(
        "# **Postmortem: Search timeouts \\(eu\\-west\\)**\n\n**Incident date:** May 7, 2026\n\n"
        "## **Summary**\n\nQueries over 2\\.5 s timed out for \\~20% of users\\.\n\n"
        "## **Action Items**\n\n| Action Item | Owner | Status |\n| :---- | :---- | :---- |\n"
        "| Alert when p99 \\> 2 s for 10m | @nia | TODO |\n| Cap shard\\_count at 12 per node | @ole | Done |\n\n"
        "* Document the \\#search\\-oncall escalation\n"
    )
    assert pm.title == "Search timeouts (eu-west)"
    assert [(a["title"], a["owner"], a["status"]) for a in pm.action_items] == [
        ("Alert when p99 > 2 s for 10m", "nia", "open"),  # was "p99 \\> 2 s"
        ("Cap shard_count at 12 per node", "ole", "done"),  # was "shard\\_count"
        ("Document the #search-oncall escalation", None, "open"),
    ]
    # a section stays Markdown: the escapes that mean nothing in prose are taken out (the record kept "2\\.5"),
    # one that may be markup kept ("\\~", strikethrough's mark)
    assert pm.sections["Summary"] == "Queries over 2.5 s timed out for \\~20% of users."


# --- FireHydrant, incident.io and PagerDuty layouts -----------------------------------------------------

FIREHYDRANT = """\
# Retrospective: Search indexer stalled on a poison document

**Incident:** #2210 Search indexer stalled
**Started:** 2026-06-14 03:12:40 UTC
**Severity:** SEV3
**Incident commander:** Lena Ortiz

## Description

The indexer retried one malformed document forever and new listings did not show up in search for 3 hours.

## Milestones

| Milestone | Time |
|---|---|
| Started | 2026-06-14 03:12 |
| Resolved | 2026-06-14 06:20 |

## Tasks

| Task | Assignee | State |
|---|---|---|
| Send poison documents to a dead-letter index | ada@example.org | Done |
| Alert on indexer lag over 10 minutes | Unassigned | Open |
"""


def test_firehydrant_tasks_and_milestones_are_follow_ups_and_the_timeline():
    pm = parse(FIREHYDRANT)
    # "## Tasks" mapped to nothing: 0 follow-ups; "## Milestones" was not the timeline
    assert [(a["title"], a["owner"], a["status"]) for a in pm.action_items] == [
        ("Send poison documents to a dead-letter index", "ada@example.org", "done"),
        ("Alert on indexer lag over 10 minutes", None, "open"),  # "Unassigned" is nobody
    ]
    assert ("Milestones", "Timeline") in pm.mapped and "| Resolved | 2026-06-14 06:20 |" in pm.sections["Timeline"]
    # "Started:" is the date field, "Incident commander:" a field no record holds; both were summary lines
    assert pm.date == dt.date(2026, 6, 14) and pm.date_source == "the 'Started:' line 4"
    assert ("Incident commander", "Lena Ortiz") in pm.people and "incident lead: Lena Ortiz" not in pm.unkept
    assert "Incident commander" not in pm.sections["Summary"] and "Started" not in pm.sections["Summary"]


INCIDENT_IO = """\
# INC-512: Login page blank after CDN purge

| | |
| --- | --- |
| **Severity** | Minor |
| **Reported** | 3 Jun 2026, 10:02 BST |
| **Lead** | Kofi Mensah |
| **Duration** | 1h 05m |

## 📝 Summary

A CDN purge removed the login bundle and the page loaded blank for 65 minutes.

## ✅ Follow-ups

- [x] Pin the login bundle in the CDN — **Kofi Mensah** — WEB-301
- [ ] Synthetic check of the login page — **Mei** — WEB-302 — due 2026-07-01
- [ ] Review who may purge the CDN — *Unassigned*
"""


def test_incident_io_owners_between_dashes_and_unassigned_leave_the_title():
    pm = parse(INCIDENT_IO)
    assert [(a["title"], a["owner"], a["ticket"], a["status"], a["due"]) for a in pm.action_items] == [
        ("Pin the login bundle in the CDN", "Kofi Mensah", "WEB-301", "done", None),  # was "… CDN — Kofi Mensah"
        ("Synthetic check of the login page", "Mei", "WEB-302", "open", dt.date(2026, 7, 1)),
        ("Review who may purge the CDN", None, None, "open", None),  # was "… CDN — *Unassigned*"
    ]
    assert pm.date == dt.date(2026, 6, 3) and pm.date_source == "the Reported row of a table"
    assert pm.duration_minutes == 65 and pm.unmapped == []  # "Reported" and "Lead" were sections of their own
    # a bold word between dashes that is no name stays in the title
    from recur.ingest.action_items import parse_action_items

    # ("**Blocked**" there is the item's state, taken out: test_a_blocked_item_is_open_and_said_in_the_notes)
    [it] = parse_action_items("- [ ] Rotate the signing key — **Critical** — SEC-9\n")
    assert (it["title"], it["owner"]) == ("Rotate the signing key — Critical", None)
    # "unassigned" as the title's own word, not after a dash, stays
    [own] = parse_action_items("- [ ] Find out why the pages went unassigned\n")
    assert own["title"] == "Find out why the pages went unassigned"


PAGERDUTY = """\
Postmortem Report
=================

Overview
--------
On May 21, 2026 between 11:40 and 12:25 CEST the image service returned 503s for thumbnails. A config push halved its workers.

Corrective Actions
------------------
1. Validate worker counts in the config pipeline (owner: @ravi)
"""


def test_a_title_that_only_names_the_document_falls_back_to_something_specific(kb_dir, tmp_path):
    pm = parse(PAGERDUTY)
    assert pm.title == "The image service returned 503s for thumbnails"  # was "Postmortem Report"
    # a heading under the generic one, before any section, says more: it is the title
    named = parse(
        PAGERDUTY.replace(
            "Overview\n",
            "Thumbnails failed after a config push\n-------------------------------------\n\nOverview\n",
            1,
        )
    )
    assert named.title == "Thumbnails failed after a config push" and named.sections["Summary"].startswith("On May 21")
    # one over the document's fields is not
    fields = parse(
        "# Incident report\n\n## Incident details\n\nDate: 2026-05-21\n\n## Summary\nThumbnails failed for an hour.\n"
    )
    assert fields.title == "Thumbnails failed for an hour" and fields.date == dt.date(2026, 5, 21)
    out = json.loads(imp(kb_dir, tmp_path / "pd.md", PAGERDUTY, "--json").output)
    assert load_kb(kb_dir).incidents[out["incident"]].title == "The image service returned 503s for thumbnails"
    assert any(n.startswith("title: 'Postmortem Report' names the kind of document") for n in out["notes"])


def test_jira_wiki_markup_tick_and_cross_icons_and_user_mentions_in_action_items():
    pm = parse(
        "h1. PIR: Search shards unassigned after node loss\n\n||Field||Value||\n|Incident date|2026-06-20|\n\n"
        "h2. Summary\nTwo data nodes were lost and 40 shards stayed unassigned for an hour.\n\n"
        "h2. Action items\n# (/) Raise the shard allocation retries - [~nia] - SRCH-71\n"
        "# (x) Spread replicas across zones - [~ole.berg] - SRCH-72\n* Document the recovery - unassigned\n"
    )
    # the icons and "[~nia]" stayed in the titles, and the done item was open
    assert [(a["title"], a["status"], a["owner"], a["ticket"]) for a in pm.action_items] == [
        ("Raise the shard allocation retries", "done", "nia", "SRCH-71"),
        ("Spread replicas across zones", "open", "ole.berg", "SRCH-72"),
        ("Document the recovery", "open", None, None),
    ]


@pytest.mark.parametrize(
    ("line", "date", "minutes"),
    [
        ("**Date:** Oct 21–22, 2026\n**Time to resolve:** 90 minutes", dt.date(2026, 10, 21), 90),
        ("**Date:** 21-22 October 2026\n**Downtime:** 1h 5m", dt.date(2026, 10, 21), 65),
        ("**Date:** 21 Oct 2026 – 22 Oct 2026\n**Time to recovery:** 45 min", dt.date(2026, 10, 21), 45),
    ],
)
def test_a_date_over_two_days_is_its_first_and_a_time_to_resolve_is_the_duration(line, date, minutes):
    # "Oct 21–22, 2026" was said not read (the incident left for triage), "21-22 October 2026" read as
    # the 22nd; "Time to resolve:" / "Downtime:" lines were the summary's text, no duration recorded
    pm = parse(f"# Cache stampede\n\n{line}\n\n## Summary\nThe cache expired at once and the DB was overloaded.\n")
    assert (pm.date, pm.date_unread, pm.duration_minutes) == (date, None, minutes)
    assert "Time to" not in pm.sections["Summary"] and "Downtime" not in pm.sections["Summary"]
