"""`recur import` of the postmortem of an incident recorded during the response (review of one incident lived
through Recur, 2026-12): the responder's `recur incident new` wrote INC-2026-0001; the postmortem, naming it on
its "Incident:" line, was imported as a second record, INC-2026-0002, and the weekly report showed a recurrence
that never happened, every follow-up twice. Now the import updates the record it names (or --into's): what the
record lacks added, what the responder wrote kept and said. Our own texts."""

import json
import textwrap

from kbfactory import fake_model_flags

from recur.kb.loader import load_kb

POSTMORTEM = """\
# Postmortem: Ingest nodes ran out of disk for the log buffer

**Incident:** {ref}
**Date:** 2026-12-06
**Severity:** SEV-2
**Status:** Draft
**Postmortem owner:** Aylin Demir

## Summary

The log shipper's buffer filled /var on every ingest node for 47 minutes: the search cluster refused bulk
writes and the shipper kept every chunk.

## Root Cause

No size limit on the shipper's file buffer.

## Action Items

| Action item | Owner | Due | Ticket |
| --- | --- | --- | --- |
| Clean the buffer directory nightly | team-platform | 2026-12-13 | PRB-301 |
| Cap the buffer size per input | Lena Fischer | 2026-12-20 | |
"""


def _env(monkeypatch, kb, tmp_path):
    monkeypatch.setenv("RECUR_TODAY", "2026-12-06")
    return [*fake_model_flags(kb, tmp_path / "idx")]


def _responder_record(run):
    """The record written during the response, as a responder writes it: a log line, a pattern, one follow-up."""
    made = run(
        "incident", "new", "-t", "ingest disk full", "-s", "sev3", "-d", "-", "--no-suggest", "--json",
        "--pattern", "disk-full", "--date", "2026-12-06",
        input="write failed: No space left on device\n",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    iid = json.loads(made.stdout)["id"]
    added = run("incident", "follow-up", iid, "--add", "Nightly buffer cleanup", "--ticket", "PRB-301")
    assert added.exit_code == 0, added.output
    return iid


def _import(run, kb, tmp_path, monkeypatch, text, *extra, name="pm.md"):
    path = tmp_path / name
    path.write_text(textwrap.dedent(text))
    return run("import", *_env(monkeypatch, kb, tmp_path), str(path), "--no-draft", *extra)


def _records(kb):
    return sorted(p.name for p in (kb / "incidents").rglob("*.md"))


def test_a_postmortem_naming_the_record_written_during_the_response_updates_it(fresh_kb, run, tmp_path, monkeypatch):
    iid = _responder_record(run)
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    path.write_text(path.read_text().replace("severity: sev3", "severity: sev3  # paged at 13:02"))
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid))
    assert r.exit_code == 0, r.output
    assert _records(fresh_kb) == [f"{iid}.md"]  # no second record: no false recurrence
    assert r.output.startswith(f"Updated incident {iid}, the postmortem's 'Incident' line names it: "), r.output
    inc = load_kb(fresh_kb).incidents[iid]
    # the responder's, kept and said: title, severity, Summary, the pattern linked, their comment
    assert (inc.title, inc.severity, inc.patterns) == ("ingest disk full", "sev3", ["disk-full"])
    assert "No space left on device" in inc.sections["Summary"]
    assert "severity: sev3  # paged at 13:02" in path.read_text()
    assert "Kept the record's severity 'sev3' (the postmortem's: 'sev2'; edit the record to take it)" in r.output
    assert "Kept the record's Summary section (the postmortem's differs; not written)" in r.output
    # what it lacked, added: the same ticket is the same follow-up (its empty fields filled), the other added
    assert [(f.title, f.ticket, f.owner) for f in inc.follow_ups] == [
        ("Nightly buffer cleanup", "PRB-301", "team-platform"),
        ("Cap the buffer size per input", None, "Lena Fischer"),
    ]
    assert str(inc.follow_ups[0].due) == "2026-12-13"
    assert "No size limit" in inc.sections["Root cause"] and "Aylin Demir" in inc.sections["People"]
    assert inc.review.owner == "Aylin Demir" and inc.duration_minutes == 47  # "for 47 minutes"
    assert inc.imported["source"] == "pm.md"
    check = run("check", "--strict")
    assert check.exit_code == 0, check.output
    # the same postmortem again: a re-import, nothing written
    again = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid))
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {iid} (same content)"), again.output


def test_a_dry_run_says_what_it_would_add_and_writes_nothing(fresh_kb, run, tmp_path, monkeypatch):
    iid = _responder_record(run)
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    before = path.read_bytes()
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--dry-run", "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert path.read_bytes() == before and _records(fresh_kb) == [f"{iid}.md"]
    assert out["id"] == iid
    assert out["updated"]["by"] == "the postmortem's 'Incident' line names it"
    assert "follow-ups 'Cap the buffer size per input'" in out["updated"]["added"], out["updated"]
    assert "follow-up 'Nightly buffer cleanup' owner 'team-platform'" in out["updated"]["added"]
    assert "severity 'sev3' (the postmortem's: 'sev2'; edit the record to take it)" in out["updated"]["kept"]


def test_into_names_the_record_and_is_refused_where_it_cannot_be(fresh_kb, run, tmp_path, monkeypatch):
    iid = _responder_record(run)
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "")
    r = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--into", iid)
    assert r.exit_code == 0 and r.output.startswith(f"Updated incident {iid}, as --into asks: "), r.output
    assert _records(fresh_kb) == [f"{iid}.md"]
    other = unnamed.replace("47 minutes", "48 minutes")  # another document: not a re-import of the first
    missing = _import(run, fresh_kb, tmp_path, monkeypatch, other, "--into", "INC-2026-0999", name="b.md")
    assert missing.exit_code == 1 and "no incident 'INC-2026-0999'" in missing.output, missing.output
    both = _import(run, fresh_kb, tmp_path, monkeypatch, other, "--into", iid, "--id", "INC-2026-0500", name="c.md")
    assert both.exit_code == 2 and "--id and --into: give one" in both.output, both.output
    assert _records(fresh_kb) == [f"{iid}.md"]


def test_a_named_id_the_kb_lacks_is_said_and_an_existing_id_says_how_to_update_it(fresh_kb, run, tmp_path, monkeypatch):
    iid = _responder_record(run)
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref="INC-2026-0777"), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["updated"] is None and out["id"] != iid
    assert (
        "the postmortem's 'Incident' line names INC-2026-0777, which the KB has no record of: recorded as a new "
        "incident (to fill in a record written during the response instead: --into ID)"
    ) in out["notes"]
    # --id of the record there: "already exists", now with the way forward
    taken = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref="x").replace("Ingest", "Other"),
                    "--id", iid, name="other.md")  # fmt: skip
    assert taken.exit_code == 1 and "already exists" in taken.output and f"--into {iid}" in taken.output, taken.output


HAND_WRITTEN = """\
---
id: INC-2026-0042
title: "ingest disk"   # first guess, on the bridge
date: 2026-12-06
severity: sev2
patterns: []
review:
  level: full
  status: pending
follow_ups:
  - title: Nightly buffer cleanup
    ticket: PRB-301
    status: open
---

## Summary
ingest disk

## Log
No space left on device
"""


# an action item a later version of the postmortem adds
NEW_ROW = "| Page on buffer growth | Sam Ortiz | 2026-12-23 | PRB-306 |\n"


def _imported_into_hand_written(fresh_kb, run, tmp_path, monkeypatch):
    """HAND_WRITTEN in the KB and the postmortem imported into it (exit 0): its path and the postmortem."""
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0042.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN)
    v1 = POSTMORTEM.format(ref="INC-2026-0042")
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v1).exit_code == 0
    return path, v1


def test_a_hand_written_record_keeps_its_layout_and_comments(fresh_kb, run, tmp_path, monkeypatch):
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0042.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN)
    text = POSTMORTEM.format(ref="INC-2026-0042")
    r = _import(run, fresh_kb, tmp_path, monkeypatch, text, "--pattern", "disk-full")
    assert r.exit_code == 0, r.output
    written = path.read_text()
    # block mappings stay block mappings, the comment stays; the empty list filled; the Summary that was the
    # title alone given the postmortem's; the responder's own section kept
    assert 'title: "ingest disk"   # first guess, on the bridge\n' in written
    assert "  - title: Nightly buffer cleanup\n    ticket: PRB-301\n    status: open\n    owner: " in written
    assert "  level: full\n  status: pending\n" in written
    inc = load_kb(fresh_kb).incidents["INC-2026-0042"]
    assert inc.patterns == ["disk-full"] and [f.title for f in inc.follow_ups] == [
        "Nightly buffer cleanup",
        "Cap the buffer size per input",
    ]
    assert inc.summary.startswith("The log shipper's buffer filled /var") and inc.sections["Log"].startswith("No space")
    assert "Kept the record's follow-up 'Nightly buffer cleanup' title (the postmortem's: 'Clean the buffer" in r.output
    assert run("check", "--strict").exit_code == 0


def test_a_record_in_a_layout_not_edited_is_refused_and_left_as_it_is(fresh_kb, run, tmp_path, monkeypatch):
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0043.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '---\n{id: INC-2026-0043, title: "ingest disk", date: 2026-12-06, severity: sev2, patterns: []}\n---\n\n'
        "## Summary\ningest disk\n"
    )
    before = path.read_bytes()
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref="INC-2026-0043"))
    assert r.exit_code == 1 and "written as one {...} mapping, a layout this tool does not edit" in r.output, r.output
    assert "Traceback" not in r.output and path.read_bytes() == before
    assert _records(fresh_kb) == ["INC-2026-0043.md"]


JULY = """\
---
id: INC-2026-0105
title: Postgres primary hangs, Patroni never promotes a replica
date: 2026-07-08
severity: sev1
patterns: []
---

## Summary
The primary's storage stalled; no failover.
"""


def test_a_named_record_of_another_date_is_not_updated_and_a_mention_names_none(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: a typo'd id updated July's record with December's postmortem; a References line that
    # mentions a record ("- Incident: INC-… had the same root cause") was read as the postmortem's own
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0105.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(JULY)
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref="INC-2026-0105"), "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["updated"] is None and out["id"] != "INC-2026-0105" and path.read_text() == JULY
    assert (
        "the postmortem's 'Incident' line names INC-2026-0105, dated 2026-07-08 ('Postgres primary hangs, Patroni "
        "never promotes a replica'), not within 2 days of the postmortem's 2026-12-06: not updated, recorded as a "
        "new incident (if it is that incident: --into INC-2026-0105)"
    ) in out["notes"]
    mention = POSTMORTEM.replace("**Incident:** {ref}\n", "") + (
        "\n## References\n\n- Incident: INC-2026-0105 had the same root cause last summer\n"
    )
    m = _import(run, fresh_kb, tmp_path, monkeypatch, mention.replace("47", "46"), "--json", name="b.md")
    assert m.exit_code == 0, m.output
    assert json.loads(m.stdout)["updated"] is None and not any(
        "INC-2026-0105" in n for n in json.loads(m.stdout)["notes"]
    )
    assert path.read_text() == JULY


def test_only_an_incident_line_whose_value_is_the_id_names_a_record():
    from recur.ingest.pm_merge import _NAMED

    named = ["- Incident: INC-2026-0105", "- Incident: INC-2026-0105.", "- Incident ID: [INC-2026-0105]",
             "- Incident: [INC-2026-0105](https://x/INC-2026-0105)", "- Incident: (INC-2026-0105)"]  # fmt: skip
    for line in named:
        assert _NAMED.match(line).group(2) == "INC-2026-0105", line
    for line in ["- Incident: INC-2026-0105 had the same root cause", "- Incident: INC-2026-0999, INC-2026-0105",
                 "- Incident: PD-12345 (INC-2026-0105)"]:  # fmt: skip
        assert _NAMED.match(line) is None, line


def test_items_sharing_one_ticket_are_not_merged_into_one_follow_up(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: three items of one epic (PRB-301) became the record's one follow-up, the last one's owner
    iid = _responder_record(run)  # "Nightly buffer cleanup", PRB-301
    epic = POSTMORTEM.format(ref=iid).replace(
        "| Cap the buffer size per input | Lena Fischer | 2026-12-20 | |",
        "| Cap the buffer size per input | Lena Fischer | 2026-12-20 | PRB-301 |\n"
        "| Alert on buffer usage | Sam Ortiz | 2026-12-22 | PRB-301 |",
    )
    r = _import(run, fresh_kb, tmp_path, monkeypatch, epic)
    assert r.exit_code == 0, r.output
    inc = load_kb(fresh_kb).incidents[iid]
    assert [(f.title, f.ticket, f.owner, str(f.due)) for f in inc.follow_ups] == [
        ("Nightly buffer cleanup", "PRB-301", "team-platform", "2026-12-13"),
        ("Cap the buffer size per input", "PRB-301", "Lena Fischer", "2026-12-20"),
        ("Alert on buffer usage", "PRB-301", "Sam Ortiz", "2026-12-22"),
    ]


def test_the_same_title_is_matched_before_a_shared_ticket(fresh_kb, run, tmp_path, monkeypatch):
    iid = _responder_record(run)  # "Nightly buffer cleanup", PRB-301
    text = POSTMORTEM.format(ref=iid).replace(
        "| Clean the buffer directory nightly | team-platform | 2026-12-13 | PRB-301 |",
        "| Cap the buffer dir | Sam Ortiz | 2026-12-11 | PRB-301 |\n"
        "| Nightly buffer cleanup | team-platform | 2026-12-13 | PRB-301 |",
    )
    r = _import(run, fresh_kb, tmp_path, monkeypatch, text)
    assert r.exit_code == 0, r.output
    inc = load_kb(fresh_kb).incidents[iid]
    assert [(f.title, f.owner) for f in inc.follow_ups] == [
        ("Nightly buffer cleanup", "team-platform"),
        ("Cap the buffer dir", "Sam Ortiz"),
        ("Cap the buffer size per input", "Lena Fischer"),
    ]


def test_a_re_import_reads_a_review_date_ahead_as_the_first_import_did(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: Final with a review date after today was recorded pending, due that day; an edited copy
    # re-imported then said "differs … in: review (done); review held (2026-12-15)" of what the import wrote
    text = POSTMORTEM.format(ref="x").replace("**Status:** Draft", "**Status:** Final\n**Review date:** 2026-12-15")
    first = _import(run, fresh_kb, tmp_path, monkeypatch, text, "--json")
    assert first.exit_code == 0, first.output
    iid = json.loads(first.stdout)["id"]
    review = load_kb(fresh_kb).incidents[iid].review
    assert (review.status, str(review.due)) == ("pending", "2026-12-15")
    again = _import(run, fresh_kb, tmp_path, monkeypatch, text.replace("47 minutes", "48 minutes"))
    assert again.exit_code == 3, again.output
    assert "Summary section" in again.output and "review" not in again.output.split("differs")[1], again.output


def test_an_edited_postmortem_re_imported_adds_what_is_new_to_the_record_it_named(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: exit 3 "not updated: edit it by hand", naming the title and severity the merge keeps on
    # purpose, and "Kept the record's imported {…}" (the import's bookkeeping) said as a value kept
    iid = _responder_record(run)
    first = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid))
    assert first.exit_code == 0, first.output
    edited = POSTMORTEM.format(ref=iid) + "| Page on buffer growth | Sam Ortiz | 2026-12-23 | PRB-306 |\n"
    r = _import(run, fresh_kb, tmp_path, monkeypatch, edited)
    assert r.exit_code == 0 and r.output.startswith(f"Updated incident {iid}, "), r.output
    assert "Added: follow-ups 'Page on buffer growth'" in r.output and "imported" not in r.output, r.output
    assert [f.title for f in load_kb(fresh_kb).incidents[iid].follow_ups][-1] == "Page on buffer growth"
    again = _import(run, fresh_kb, tmp_path, monkeypatch, edited)  # its digest recorded: this version imported
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {iid} (same content)"), again.output


def test_flags_and_triage_defaults_are_not_said_as_the_postmortems(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: --severity sev1 was said as "the postmortem's: 'sev1'", and so was the triage default of a
    # postmortem naming no severity. Then the flags were "not applied with --into", the record's kept, though the
    # person typed them to change it (found in review): they are set now, and the review the framework derived
    # from the old severity and date follows them
    iid = _responder_record(run)  # sev3, 2026-12-06: review light, due 2026-12-26
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    path.write_text(path.read_text().replace("severity: sev3", "severity: sev3  # paged at 13:02"))
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "").replace("**Severity:** SEV-2\n", "")
    flags = ("--into", iid, "--severity", "sev1", "--date", "2026-12-05", "--json")
    r = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, *flags)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert not [k for k in out["updated"]["kept"] if k.startswith(("severity", "date", "review level"))], out
    assert not [n for n in out["notes"] if "not applied" in n], out["notes"]
    assert out["updated"]["set"] == [
        "date '2026-12-05' (was '2026-12-06'; --date)",
        "severity 'sev1' (was 'sev3'; --severity)",
        "review level 'full' (was 'light', the severity framework's for the severity and date given)",
        "review due '2026-12-10' (was '2026-12-26', the severity framework's for the severity and date given)",
    ]
    inc = load_kb(fresh_kb).incidents[iid]
    assert (inc.severity, str(inc.date), inc.review.level, str(inc.review.due)) == (
        "sev1",
        "2026-12-05",
        "full",
        "2026-12-10",
    )
    assert "severity: sev1  # paged at 13:02" in path.read_text()  # the layout and the comment kept
    assert run("check", "--strict").exit_code == 0
    bare = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed.replace("47", "46"), "--into", iid, "--json",
                   name="b.md")  # fmt: skip
    assert bare.exit_code == 0, bare.output
    kept = json.loads(bare.stdout)["updated"]["kept"]
    assert not [k for k in kept if k.startswith(("severity", "review level"))], kept  # the triage default's


def test_into_for_a_document_imported_before_is_said_not_applied(fresh_kb, run, tmp_path, monkeypatch):
    iid = _responder_record(run)
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "")
    first = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--json")
    assert first.exit_code == 0, first.output
    other = json.loads(first.stdout)["id"]
    r = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--into", iid, "--json")
    assert r.exit_code == 0, r.output
    notes = json.loads(r.stdout)["notes"]
    assert f"--into not applied: the document was imported before, as {other}; not merged into another" in notes


def test_an_incident_line_with_words_after_the_id_names_the_record_the_kb_has(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: "**Incident:** INC-… (SEV-2)" and "INC-… — checkout 502s" named nothing, and the import wrote
    # a second record of the incident without a word; an id the KB has, then a bracket, a dash, a comma or a colon
    # and more words, names that record (a mention, "INC-… had the same cause", still names none)
    from recur.ingest.pm_merge import _NAMED_LEAD

    for line in ["- Incident: INC-2026-0105 (SEV-2)", "- Incident: INC-2026-0105 — checkout 502s",
                 "- Incident: INC-2026-0105 – checkout", "- Incident: INC-2026-0105 - checkout 502s",
                 "- Incident: INC-2026-0105, checkout", "- Incident ID: INC-2026-0105: checkout 502s"]:  # fmt: skip
        assert _NAMED_LEAD.match(line).group(2) == "INC-2026-0105", line
    for line in ["- Incident: INC-2026-0105 had the same root cause", "- Incident: INC-2026-0105-b",
                 "- Incident: INC-2026-0105 (", "- Incident: PD-12345 (INC-2026-0105)"]:  # fmt: skip
        m = _NAMED_LEAD.match(line)
        assert m is None or m.group(2) != "INC-2026-0105", line
    iid = _responder_record(run)
    for n, ref in enumerate([f"{iid} (SEV-2)", f"{iid} — ingest disk full"]):
        # one path, edited: from another path, the record imported from pm.md is another document's (exit 3)
        r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=ref).replace("47", str(40 + n)))
        assert r.exit_code == 0 and r.output.startswith(f"Updated incident {iid}, "), r.output
        assert _records(fresh_kb) == [f"{iid}.md"], r.output  # no second record
    # of another date, still not updated: the 2-day check applies
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0105.md"
    path.write_text(JULY)
    far = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref="INC-2026-0105 (SEV-2)"), "--json",
                  name="far.md")  # fmt: skip
    assert far.exit_code == 0 and json.loads(far.stdout)["updated"] is None and path.read_text() == JULY
    assert any("names INC-2026-0105, dated 2026-07-08" in n for n in json.loads(far.stdout)["notes"]), far.stdout


def test_a_re_import_whose_correction_is_kept_exits_3_and_keeps_saying_it(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: the postmortem's Root cause corrected and re-imported said "Kept the record's Root cause
    # section" (which the first import wrote), exit 0, and with something added the record's digest moved to this
    # version: the next run said "Already imported (same content)", the correction hidden for good
    iid = _responder_record(run)
    first = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid))
    assert first.exit_code == 0, first.output
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    # the responder edits the Root cause the import wrote (one no one edited takes the correction: next tests)
    path.write_text(path.read_text().replace("file buffer.", "file buffer (on-call's note)."))
    digest = load_kb(fresh_kb).incidents[iid].imported["sha256"]
    edited = POSTMORTEM.format(ref=iid).replace("No size limit on", "A config typo removed the size limit of")
    edited += "| Page on buffer growth | Sam Ortiz | 2026-12-23 | PRB-306 |\n"
    r = _import(run, fresh_kb, tmp_path, monkeypatch, edited)
    assert r.exit_code == 3, r.output
    assert "Kept the record's Root cause section (edited since the import wrote it; the postmortem's differs" in (
        r.output
    )
    assert f"changed since it was imported into {iid}" in r.stderr, r.stderr
    inc = load_kb(fresh_kb).incidents[iid]
    assert inc.follow_ups[-1].title == "Page on buffer growth"  # what is new, added
    assert inc.imported["sha256"] == digest and "No size limit" in path.read_text()
    again = _import(run, fresh_kb, tmp_path, monkeypatch, edited)  # said again, never "Already imported"
    assert again.exit_code == 3 and "Kept the record's Root cause section" in again.output, again.output


def test_a_review_marked_done_since_the_import_is_not_held_on_re_import(fresh_kb, run, tmp_path, monkeypatch):
    # found in a re-read: a review marked done after the import (the record's own state, not the postmortem's) was
    # held as a correction: a re-import of the edited postmortem exited 3 on every run, "edit the record by hand"
    iid = _responder_record(run)
    assert _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid)).exit_code == 0
    assert run("incident", "review", iid, "--done").exit_code == 0
    edited = POSTMORTEM.format(ref=iid) + "| Page on buffer growth | Sam Ortiz | 2026-12-23 | PRB-306 |\n"
    r = _import(run, fresh_kb, tmp_path, monkeypatch, edited)
    assert r.exit_code == 0 and "changed since it was imported" not in r.stderr, (r.output, r.stderr)
    assert _import(run, fresh_kb, tmp_path, monkeypatch, edited).exit_code == 0  # then "Already imported"


def test_a_named_id_the_kb_lacks_with_words_after_it_is_said(fresh_kb, run, tmp_path, monkeypatch):
    # found in a re-read: "INC-2026-0999 (SEV-2)" (a typo'd id, words after it) wrote a second record with no word
    _responder_record(run)
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref="INC-2026-0999 (SEV-2)"), "--json")
    assert r.exit_code == 0, r.output
    assert any("names INC-2026-0999, which the KB has no record of" in n for n in json.loads(r.stdout)["notes"]), (
        r.stdout
    )


def test_a_folder_counts_a_merge_with_a_correction_held_as_updated(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: `recur import DIR`'s total counted a postmortem merged into the record it names, what was new
    # added and a corrected Root cause held back (exit 3), as "1 changed since imported (not updated)"; and a
    # merge that added something as "recorded", though no record was written
    iid = _responder_record(run)
    folder = tmp_path / "pms"
    folder.mkdir()
    (folder / "pm.md").write_text(POSTMORTEM.format(ref=iid))
    flags = _env(monkeypatch, fresh_kb, tmp_path)
    first = run("import", *flags, str(folder), "--no-draft")
    assert first.exit_code == 0, first.output
    assert (
        first.stdout.splitlines()[-1]
        == "Imported 1 postmortem: 0 recorded, 1 updated, 0 unchanged (re-import), 0 refused"
    )
    record = next((fresh_kb / "incidents").rglob(f"{iid}.md"))  # its Root cause edited since the import wrote it
    record.write_text(record.read_text().replace("file buffer.", "file buffer (on-call's note)."))
    edited = POSTMORTEM.format(ref=iid).replace("No size limit on", "A config typo removed the size limit of")
    (folder / "pm.md").write_text(edited + "| Page on buffer growth | Sam Ortiz | 2026-12-23 | PRB-306 |\n")
    again = run("import", *flags, str(folder), "--no-draft")
    assert again.exit_code == 3, again.output
    assert again.stdout.splitlines()[-1] == (
        "Imported 1 postmortem: 0 recorded, 1 updated (1 with a correction held back for a hand edit), "
        "0 unchanged (re-import), 0 refused"
    )
    assert load_kb(fresh_kb).incidents[iid].follow_ups[-1].title == "Page on buffer growth"
    # nothing new now, the correction still held: the record not updated, changed since imported
    third = run("import", *flags, str(folder), "--no-draft")
    assert third.exit_code == 3, third.output
    assert third.stdout.splitlines()[-1] == (
        "Imported 1 postmortem: 0 recorded, 0 unchanged (re-import), 1 changed since imported (not updated), 0 refused"
    )


def test_a_corrected_summary_the_import_wrote_is_taken_and_one_edited_since_is_held(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in review: the Summary the first import wrote (over a record's title-only one), corrected in the
    # postmortem and imported again, was kept with exit 0 and, something else added, the digest moved: dropped
    path, v1 = _imported_into_hand_written(fresh_kb, run, tmp_path, monkeypatch)
    assert load_kb(fresh_kb).incidents["INC-2026-0042"].summary.startswith("The log shipper's buffer filled /var")
    v2 = v1.replace("for 47 minutes", "for 52 minutes")
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v2)
    assert r.exit_code == 0, r.output
    assert "Summary section (the postmortem's corrected; the record's was the one the import wrote" in r.output
    inc = load_kb(fresh_kb).incidents["INC-2026-0042"]
    assert "for 52 minutes" in inc.summary and inc.imported["sections_sha256"]["Summary"]
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2).output.startswith("Already imported")
    # the responder edits the Summary; the postmortem is corrected again: held back, exit 3, on every run
    path.write_text(path.read_text().replace("kept every chunk.", "kept every chunk (on-call's note: and the WAL)."))
    v3 = v2.replace("for 52 minutes", "for 53 minutes")
    held = _import(run, fresh_kb, tmp_path, monkeypatch, v3)
    assert held.exit_code == 3, held.output
    assert (
        "Kept the record's Summary section (edited since the import wrote it; the postmortem's differs" in held.output
    )
    assert "on-call's note" in path.read_text() and "53 minutes" not in path.read_text()
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v3).exit_code == 3
    assert run("check", "--strict").exit_code == 0


def test_a_record_the_import_wrote_takes_a_corrected_summary_once_the_postmortem_names_it(
    fresh_kb, run, tmp_path, monkeypatch
):
    # a postmortem imported as a new record, then given its "Incident:" line and a corrected Summary: merged again
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "")
    first = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--json")
    assert first.exit_code == 0, first.output
    iid = json.loads(first.stdout)["id"]
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid).replace("47 minutes", "52 minutes"))
    assert r.exit_code == 0 and r.output.startswith(f"Updated incident {iid}"), r.output
    assert "for 52 minutes" in load_kb(fresh_kb).incidents[iid].summary


def test_severity_given_with_a_postmortem_naming_the_record_is_set_on_it(fresh_kb, run, tmp_path, monkeypatch):
    # found in review: --severity with an "Incident:" line naming the record was "not applied", the record's kept
    iid = _responder_record(run)  # sev3, review light due 2026-12-26
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    run("incident", "review", iid, "--due", "2026-12-20")  # a due date the responder chose: theirs, kept
    dry = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--severity", "sev2", "--dry-run")
    assert dry.exit_code == 0 and "Would set as given: severity 'sev2' (was 'sev3'; --severity); review level" in (
        dry.output
    ), dry.output
    before = path.read_bytes()
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--severity", "sev2")
    assert r.exit_code == 0, r.output
    assert "Set as given: severity 'sev2' (was 'sev3'; --severity); review level 'full' (was 'light'" in r.output
    assert "Kept the record's severity" not in r.output and "not applied" not in r.output, r.output
    inc = load_kb(fresh_kb).incidents[iid]
    assert (inc.severity, inc.review.level, str(inc.review.due)) == ("sev2", "full", "2026-12-20")
    assert path.read_bytes() != before and run("check", "--strict").exit_code == 0
    # the same document again, --severity sev1: set too (it was "not applied: set it by hand")
    again = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--severity", "sev1")
    assert again.exit_code == 0 and "Set as given: severity 'sev1' (was 'sev2'; --severity)" in again.output, (
        again.output
    )
    assert load_kb(fresh_kb).incidents[iid].severity == "sev1"
    dated = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--date", "2026-12-07")
    assert dated.exit_code == 0 and "date '2026-12-07' (was '2026-12-06'; --date)" in dated.output, dated.output
    inc = load_kb(fresh_kb).incidents[iid]
    assert (str(inc.date), inc.imported["date_from"]) == ("2026-12-07", "--date")  # where the date was read


def test_a_date_the_record_cannot_take_is_a_usage_error_and_nothing_is_written(fresh_kb, run, tmp_path, monkeypatch):
    iid = _responder_record(run)  # 2026-12-06, filed under incidents/2026/
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    assert run("incident", "review", iid, "--done", "--on", "2026-12-06").exit_code == 0
    before = path.read_bytes()
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "")
    other_year = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--into", iid, "--date", "2025-12-31")
    assert other_year.exit_code == 2, other_year.output
    assert f"--date 2025-12-31: {iid} is filed under incidents/2026/" in other_year.output
    after_review = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--into", iid, "--date", "2026-12-07")
    assert after_review.exit_code == 2, after_review.output
    assert "the review was held 2026-12-06, before the incident's date 2026-12-07" in after_review.output
    assert "Traceback" not in after_review.output and path.read_bytes() == before
    assert _records(fresh_kb) == [f"{iid}.md"]


def test_a_flag_given_takes_its_placeholder_out_of_triage(fresh_kb, run, tmp_path, monkeypatch):
    # found in a re-read: a postmortem with no date or severity, imported (triage: [date, severity]), then again
    # with --severity: the severity was set but `triage:` kept listing it, so `recur check` warned that the value
    # the person typed was a placeholder ("set the real severity"), and the import's own line said "Needs triage:
    # date"; a flag confirming the placeholder's value (--date of the day recorded) changed nothing at all
    bare = POSTMORTEM.replace("**Incident:** {ref}\n", "").replace("**Date:** 2026-12-06\n", "")
    bare = bare.replace("**Severity:** SEV-2\n", "")
    first = _import(run, fresh_kb, tmp_path, monkeypatch, bare, "--json")
    assert first.exit_code == 0, first.output
    iid = json.loads(first.stdout)["id"]
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    assert 'triage: ["date", "severity"]' in path.read_text()
    sev = _import(run, fresh_kb, tmp_path, monkeypatch, bare, "--into", iid, "--severity", "sev2", "--json")
    assert sev.exit_code == 0, sev.output
    assert "triage date (was date, severity; --severity)" in json.loads(sev.stdout)["updated"]["set"], sev.stdout
    assert 'triage: ["date"]' in path.read_text()
    check = run("check")
    assert "severity: warning: needs triage" not in check.output and "date: warning: needs triage" in check.output
    day = _import(run, fresh_kb, tmp_path, monkeypatch, bare, "--into", iid, "--date", "2026-12-06")
    assert day.exit_code == 0 and "Set as given: triage taken out (was date; --date)" in day.output, day.output
    assert "triage" not in path.read_text() and "needs triage" not in run("check").output
    assert run("check", "--strict").exit_code == 0


def test_a_flag_not_applied_to_a_re_import_names_into_which_applies_it(fresh_kb, run, tmp_path, monkeypatch):
    # found in a re-read: the same document imported again with --severity, naming no record (or one dated more
    # than 2 days from --date), is "already imported", the flag "not applied: set it in … by hand", though
    # --into that record now applies it
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "")
    first = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--json")
    iid = json.loads(first.stdout)["id"]
    again = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--severity", "sev1")
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {iid}"), again.output
    assert f"--severity not applied: set it in {iid} by hand, or import again with --into {iid}" in again.output
    into = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--severity", "sev1", "--into", iid)
    assert into.exit_code == 0 and "Set as given: severity 'sev1' (was 'sev2'; --severity)" in into.output
    patterned = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--pattern", "disk-full")
    assert "--pattern not applied: set it in" in patterned.output and "--into" not in patterned.output


def test_a_summary_edited_since_is_kept_without_exit_3_while_the_postmortem_has_not_corrected_it(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in a re-read: the responder edits the Summary the import wrote; the postmortem, its Summary as it was,
    # gains an action item: merged, the item added, but the Summary was held back as a correction (exit 3, and
    # the digest kept the earlier version's: exit 3 on every run), though the postmortem corrected nothing there;
    # before imported.summary_sha256 such an edit was kept, exit 0
    path, v1 = _imported_into_hand_written(fresh_kb, run, tmp_path, monkeypatch)
    path.write_text(path.read_text().replace("kept every chunk.", "kept every chunk (on-call's note: and the WAL)."))
    v2 = v1 + NEW_ROW
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v2)
    assert r.exit_code == 0, r.output
    assert "Kept the record's Summary section (edited since the import wrote it; the postmortem's has not" in r.output
    inc = load_kb(fresh_kb).incidents["INC-2026-0042"]
    assert inc.follow_ups[-1].title == "Page on buffer growth" and "on-call's note" in inc.summary
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2).output.startswith("Already imported")
    # corrected in the postmortem now: held back, exit 3 (the responder's edit is not overwritten)
    held = _import(run, fresh_kb, tmp_path, monkeypatch, v2.replace("for 47 minutes", "for 52 minutes"))
    assert held.exit_code == 3 and "edited since the import wrote it; the postmortem's differs" in held.output
    assert "on-call's note" in path.read_text()


def test_the_imports_own_candidates_are_not_said_kept_when_a_corrected_summary_searches_otherwise(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in the 0.2.0 upgrade review: a record imported unlinked keeps the search's candidates; its postmortem
    # corrected (a Summary's words) and merged --into searched again, with other scores, and the report said
    # "Kept the record's candidates {'id': …, 'score': 18.69, …} (the postmortem's: {…}; edit the record to take
    # it)": two dumps of the import's own bookkeeping, no word of the postmortem's, as if a person should act
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "").replace("Ingest nodes ran out of disk", "Odd outage")
    first = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--accept", "high", "--json")
    assert first.exit_code == 0, first.output
    iid = json.loads(first.stdout)["id"]
    had = load_kb(fresh_kb).incidents[iid]
    assert not had.patterns and had.candidates, "the test needs a record kept unlinked with its candidates"
    corrected = unnamed.replace("refused bulk", "refused searches and bulk")
    r = _import(run, fresh_kb, tmp_path, monkeypatch, corrected, "--into", iid)
    assert r.exit_code == 0 and r.output.startswith(f"Updated incident {iid}"), r.output
    assert "candidates" not in r.output, r.output
    inc = load_kb(fresh_kb).incidents[iid]
    assert "refused searches and bulk" in inc.summary and inc.candidates == had.candidates


ROOT_CAUSE = "No size limit on the shipper's file buffer."
CORRECTED_CAUSE = "A config typo removed the size limit of the shipper's file buffer."


def _held_on_every_run(run, fresh_kb, tmp_path, monkeypatch, v2: str, kept: str) -> tuple[str, list]:
    """``v2`` with its Root cause corrected, imported twice: held back each time (exit 3), ``kept`` said. The
    corrected postmortem and the two runs."""
    v3 = v2.replace(ROOT_CAUSE, CORRECTED_CAUSE)
    runs = [_import(run, fresh_kb, tmp_path, monkeypatch, v3) for _ in range(2)]
    for held in runs:
        assert held.exit_code == 3, held.output
        assert kept in held.output, held.output
    return v3, runs


def test_a_root_cause_edited_since_is_kept_without_exit_3_and_held_once_the_postmortem_corrects_it(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in a re-read: the Summary's rule held for no other section: the responder edits the Root cause the
    # import wrote, the postmortem (its Root cause as it was) gains an action item: exit 3 on every run
    path, v1 = _imported_into_hand_written(fresh_kb, run, tmp_path, monkeypatch)
    path.write_text(path.read_text().replace(ROOT_CAUSE, "No size limit on the buffer (on-call: and no alert)."))
    v2 = v1 + NEW_ROW
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v2)
    assert r.exit_code == 0, r.output
    assert "Kept the record's Root cause section (edited since the import wrote it; the postmortem's has not" in (
        r.output
    )
    # the Action items section no one edited takes the postmortem's new row, as the follow-ups do (the rest kept as
    # the import wrote it: the record's follow-up PRB-301 keeps its own title, the postmortem's renamed it)
    said = " ".join(r.output.split())
    assert "Action items section (the rows of the follow-ups the postmortem adds, 'Page on buffer growth';" in said
    text = path.read_text()
    assert "on-call: and no alert" in text and "| Page on buffer growth |" in text
    assert load_kb(fresh_kb).incidents["INC-2026-0042"].follow_ups[-1].title == "Page on buffer growth"
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2).output.startswith("Already imported")
    # the postmortem corrects the Root cause now: held back, exit 3, on every run; the edit not overwritten
    kept = "Kept the record's Root cause section (edited since the import wrote it; the postmortem's differs"
    _held_on_every_run(run, fresh_kb, tmp_path, monkeypatch, v2, kept)
    assert "on-call: and no alert" in path.read_text() and "config typo" not in path.read_text()
    assert run("check", "--strict").exit_code == 0


def test_a_corrected_root_cause_no_one_edited_is_taken(fresh_kb, run, tmp_path, monkeypatch):
    # found in a re-read: a corrected Root cause the import wrote, no one having edited it, was never taken
    path, v1 = _imported_into_hand_written(fresh_kb, run, tmp_path, monkeypatch)
    v2 = v1.replace(ROOT_CAUSE, CORRECTED_CAUSE)
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v2)
    assert r.exit_code == 0, r.output
    assert "Root cause section (the postmortem's corrected; the record's was the one the import wrote" in r.output
    marks = load_kb(fresh_kb).incidents["INC-2026-0042"].imported["sections_sha256"]
    assert {"Summary", "Root cause", "Action items"} <= set(marks) and "References" not in marks
    assert "config typo" in load_kb(fresh_kb).incidents["INC-2026-0042"].sections["Root cause"]
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2).output.startswith("Already imported")
    assert run("check", "--strict").exit_code == 0


def test_a_record_keeping_summary_sha256_alone_still_takes_a_corrected_summary(fresh_kb, run, tmp_path, monkeypatch):
    # records imported on 2026-12-06 keep imported.summary_sha256, the Summary's hash alone: read as before
    path, v1 = _imported_into_hand_written(fresh_kb, run, tmp_path, monkeypatch)
    text = path.read_text()
    marks = load_kb(fresh_kb).incidents["INC-2026-0042"].imported["sections_sha256"]
    start = text.index(", sections_sha256: {")
    text = text[:start] + f', summary_sha256: "{marks["Summary"]}"' + text[text.index("}", start) + 1 :]
    path.write_text(text)
    assert "sections_sha256" not in path.read_text()
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v1.replace("for 47 minutes", "for 52 minutes"))
    assert r.exit_code == 0, r.output
    assert "Summary section (the postmortem's corrected; the record's was the one the import wrote" in r.output
    inc = load_kb(fresh_kb).incidents["INC-2026-0042"]
    assert "for 52 minutes" in inc.summary and "summary_sha256" not in inc.imported
    assert inc.imported["sections_sha256"]["Summary"] != marks["Summary"]
    assert run("check", "--strict").exit_code == 0


def test_a_corrected_summary_taken_takes_the_duration_it_says(fresh_kb, run, tmp_path, monkeypatch):
    # found in a re-read: the corrected Summary was taken ("for 52 minutes") and duration_minutes, read from the
    # Summary it replaced, stayed 47
    path, v1 = _imported_into_hand_written(fresh_kb, run, tmp_path, monkeypatch)
    assert load_kb(fresh_kb).incidents["INC-2026-0042"].duration_minutes == 47
    v2 = v1.replace("for 47 minutes", "for 52 minutes")
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v2)
    assert r.exit_code == 0, r.output
    assert "duration_minutes 52 (was 47, as the Summary the correction replaced said)" in r.output
    inc = load_kb(fresh_kb).incidents["INC-2026-0042"]
    assert "for 52 minutes" in inc.summary and inc.duration_minutes == 52
    # a duration the responder set by hand (the Summary the import wrote says 52): kept, and said why
    path.write_text(path.read_text().replace("duration_minutes: 52", "duration_minutes: 55"))
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v2.replace("for 52 minutes", "for 53 minutes"))
    assert r.exit_code == 0, r.output
    assert (
        "Kept the record's duration_minutes 55 (the corrected Summary says 53; the text it replaced said 52, so it may "
        "be set by hand: edit the record to take it)" in r.output
    )
    inc = load_kb(fresh_kb).incidents["INC-2026-0042"]
    assert "for 53 minutes" in inc.summary and inc.duration_minutes == 55
    assert run("check", "--strict").exit_code == 0


def test_a_date_given_to_correct_the_named_record_updates_it_and_writes_no_second_record(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in a re-read: --date more than 2 days from the date of the record the postmortem names was the date the
    # "same incident" check compared, so the flag given to correct the record's date wrote a second record of it
    iid = _responder_record(run)  # 2026-12-06, as the postmortem says
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--date", "2026-12-01")
    assert r.exit_code == 0, r.output
    assert r.output.startswith(f"Updated incident {iid}") and _records(fresh_kb) == [f"{iid}.md"], r.output
    assert "date '2026-12-01' (was '2026-12-06'; --date)" in r.output
    assert str(load_kb(fresh_kb).incidents[iid].date) == "2026-12-01"
    # a --date near the record's corrects a postmortem's date typo the same way: either date near it will do
    typo = POSTMORTEM.format(ref=iid).replace("**Date:** 2026-12-06", "**Date:** 2026-11-06")
    # (the postmortem at the path it was imported from: at another, the record is another document's, exit 3)
    again = _import(run, fresh_kb, tmp_path, monkeypatch, typo, "--date", "2026-12-02")
    assert again.exit_code == 0 and again.output.startswith(f"Updated incident {iid}"), again.output
    assert str(load_kb(fresh_kb).incidents[iid].date) == "2026-12-02"
    # neither date near it: a typo'd id, not that incident; said, a new record written
    other = typo.replace("for 47 minutes", "for 48 minutes")  # not the content pm.md holds now
    far = _import(run, fresh_kb, tmp_path, monkeypatch, other, "--date", "2026-11-07", "--json", name="far.md")
    assert far.exit_code == 0 and json.loads(far.stdout)["updated"] is None, far.output
    assert any(
        f"names {iid}, dated 2026-12-02 ('ingest disk full'), not within 2 days of the postmortem's 2026-11-06 nor "
        "--date 2026-11-07" in n
        for n in json.loads(far.stdout)["notes"]
    ), far.stdout
    assert run("check", "--strict").exit_code == 0


def test_a_corrected_impact_taken_takes_the_duration_it_says(fresh_kb, run, tmp_path, monkeypatch):
    # the Impact is read for a duration before the Summary: its correction carries the duration too
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0042.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN)
    v1 = POSTMORTEM.format(ref="INC-2026-0042").replace(" for 47 minutes", "")
    v1 = v1.replace("## Root Cause", "## Impact\n\nSearch was read-only for 47 minutes.\n\n## Root Cause")
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v1).exit_code == 0
    assert load_kb(fresh_kb).incidents["INC-2026-0042"].duration_minutes == 47
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v1.replace("for 47 minutes", "for 58 minutes"))
    assert r.exit_code == 0, r.output
    assert "duration_minutes 58 (was 47, as the Impact the correction replaced said)" in r.output
    assert load_kb(fresh_kb).incidents["INC-2026-0042"].duration_minutes == 58


def test_the_responders_own_root_cause_is_not_held_on_every_re_import_while_the_postmortem_keeps_its_own(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in a re-read: the record has a Root cause the responder wrote, the postmortem another; the first import
    # keeps the record's, and every later import of the postmortem (one more action item) exited 3, "changed since
    # it was imported", though its Root cause was the one the record had kept over, and the digest never moved
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0042.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN + "\n## Root cause\nThe shipper buffered to /var (on-call's guess).\n")
    v1 = POSTMORTEM.format(ref="INC-2026-0042")
    first = _import(run, fresh_kb, tmp_path, monkeypatch, v1)
    assert first.exit_code == 0, first.output
    assert "Kept the record's Root cause section (the postmortem's differs; not written)" in first.output
    assert set(load_kb(fresh_kb).incidents["INC-2026-0042"].imported["kept_sha256"]) == {"Root cause"}
    v2 = v1 + NEW_ROW
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v2)
    assert r.exit_code == 0, r.output
    assert "changed since" not in r.stderr, r.stderr
    assert "Kept the record's Root cause section (the record's own; the postmortem's has not changed since)" in (
        r.output
    )
    assert load_kb(fresh_kb).incidents["INC-2026-0042"].follow_ups[-1].title == "Page on buffer growth"
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2).output.startswith("Already imported")
    # the postmortem corrects its Root cause now: held back, exit 3, said on every run; the record's not overwritten
    kept = "Kept the record's Root cause section (the record's own; the postmortem's changed since"
    v3, runs = _held_on_every_run(run, fresh_kb, tmp_path, monkeypatch, v2, kept)
    assert all("changed since it was imported into INC-2026-0042" in held.stderr for held in runs)
    assert "on-call's guess" in path.read_text() and "config typo" not in path.read_text()
    # the responder takes the postmortem's Root cause by hand: the record holds all it gives, exit 0
    path.write_text(path.read_text().replace("The shipper buffered to /var (on-call's guess).", CORRECTED_CAUSE))
    taken = _import(run, fresh_kb, tmp_path, monkeypatch, v3)
    assert taken.exit_code == 0 and "holds all the postmortem gives already" in taken.output, taken.output
    # then one more action item: written, the Root cause the import's now (a later correction taken)
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v3 + "| Alert on /var at 80% | Sam Ortiz | 2026-12-23 | |\n")
    assert r.exit_code == 0, r.output
    marks = load_kb(fresh_kb).incidents["INC-2026-0042"].imported
    assert "Root cause" in marks["sections_sha256"] and "kept_sha256" not in marks, marks
    assert run("check", "--strict").exit_code == 0


def test_a_done_review_kept_over_the_postmortems_pending_names_the_command_that_sets_it(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in an upgrade review: "Kept the record's review status 'done' (the postmortem's: 'pending')" without
    # the command, where every other kept review value (due, owner, done) names the one that takes it
    iid = _responder_record(run)
    done = run("incident", "review", iid, "--done", "--on", "2026-12-06")
    assert done.exit_code == 0, done.output
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--json")
    assert r.exit_code == 0, r.output
    kept = [k for k in json.loads(r.stdout)["updated"]["kept"] if k.startswith("review status")]
    assert kept == [
        f"review status 'done' (the postmortem's: 'pending'); recur incident review {iid} --pending sets it"
    ]
    again = run("incident", "review", iid, "--pending")  # and it does: the record's review is pending again
    assert again.exit_code == 0, again.output
    assert load_kb(fresh_kb).incidents[iid].review.status == "pending"


def _digest_of(text: str) -> str:
    """A section's hash as the record's imported: keeps it (pm_merge: its spacing aside)."""
    import hashlib

    return hashlib.sha256(" ".join(text.split()).encode()).hexdigest()


def test_keep_record_keeps_the_responders_root_cause_over_a_correction_until_the_postmortem_changes_again(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in review: the postmortem's changed Root cause, which the responder does not want over their own, was
    # held back, exit 3, on every re-import until someone edited the record to match or the hashes by hand: a CI
    # job importing postmortems failed for good. --keep-record records the postmortem's as kept over, exit 0
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0042.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN + "\n## Root cause\nThe shipper buffered to /var (on-call's guess).\n")
    v1 = POSTMORTEM.format(ref="INC-2026-0042")
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v1).exit_code == 0
    fixed = "A config typo removed the size limit of the shipper's file buffer."
    v2 = v1.replace(ROOT_CAUSE, fixed) + NEW_ROW
    held = _import(run, fresh_kb, tmp_path, monkeypatch, v2)
    assert held.exit_code == 3, held.output
    assert f"recur import {tmp_path / 'pm.md'} --keep-record (exit 3)" in held.stderr, held.stderr
    before = path.read_text()
    dry = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert dry.output.startswith("Dry run, nothing written: would update incident INC-2026-0042"), dry.output
    assert "Root cause section (kept over the postmortem's as it is now, --keep-record" in dry.output
    assert path.read_text() == before
    kept = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--json")
    assert kept.exit_code == 0, kept.output
    assert json.loads(kept.stdout)["updated"]["kept_record_sections"] == ["Root cause"]
    assert "changed since" not in kept.stderr, kept.stderr
    inc = load_kb(fresh_kb).incidents["INC-2026-0042"]
    assert "on-call's guess" in inc.sections["Root cause"] and "config typo" not in path.read_text()
    assert inc.imported["kept_sha256"]["Root cause"] == _digest_of(fixed)
    # the next scheduled run, no flag: nothing held, exit 0; nor with one more action item (merged, the Root
    # cause the record's own while the postmortem's is the one kept over)
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2).output.startswith("Already imported")
    more = _import(run, fresh_kb, tmp_path, monkeypatch, v2 + "| Alert on /var at 80% | Sam Ortiz | 2026-12-23 | |\n")
    assert more.exit_code == 0, more.output
    assert "Root cause section (the record's own; the postmortem's has not changed since)" in more.output
    # the postmortem's Root cause changes again: held again, exit 3, the record's kept
    v3 = v2.replace(fixed, "The buffer had no size limit: a config typo.")
    again = _import(run, fresh_kb, tmp_path, monkeypatch, v3)
    assert again.exit_code == 3 and "the postmortem's changed since; not written" in again.output, again.output
    assert "on-call's guess" in path.read_text() and "config typo" not in path.read_text()
    assert run("check", "--strict").exit_code == 0


def test_keep_record_keeps_sections_the_import_wrote_and_the_responder_edited(fresh_kb, run, tmp_path, monkeypatch):
    # the Summary and Root cause the import wrote, each edited by the responder and corrected in the postmortem:
    # held, exit 3; --keep-record makes them the record's own (out of sections_sha256, into kept_sha256), and a
    # later change of either is held again; what was new (an action item) is added the same run
    path, v1 = _imported_into_hand_written(fresh_kb, run, tmp_path, monkeypatch)
    text = path.read_text().replace(ROOT_CAUSE, "No size limit on the buffer (on-call: and no alert).")
    path.write_text(text.replace("kept every chunk.", "kept every chunk (on-call: and the WAL)."))
    v2 = v1.replace(ROOT_CAUSE, "A config typo removed the size limit.").replace("47 minutes", "52 minutes")
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2).exit_code == 3
    kept = _import(run, fresh_kb, tmp_path, monkeypatch, v2 + NEW_ROW, "--keep-record")
    assert kept.exit_code == 0, kept.output
    for section in ("Summary", "Root cause"):
        assert f"Kept the record's {section} section (kept over the postmortem's as it is now, --keep-record" in (
            kept.output
        )
    inc = load_kb(fresh_kb).incidents["INC-2026-0042"]
    assert set(inc.imported["kept_sha256"]) == {"Summary", "Root cause"}
    assert not {"Summary", "Root cause"} & set(inc.imported["sections_sha256"]), inc.imported
    assert inc.follow_ups[-1].title == "Page on buffer growth" and "on-call: and the WAL" in inc.summary
    v3 = v2 + NEW_ROW + "| Alert on /var at 80% | Sam Ortiz | 2026-12-23 | |\n"
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v3).exit_code == 0
    held = _import(run, fresh_kb, tmp_path, monkeypatch, v3.replace("52 minutes", "55 minutes"))
    assert held.exit_code == 3, held.output
    assert "Kept the record's Summary section (the record's own; the postmortem's changed since" in held.output
    assert "on-call: and the WAL" in path.read_text() and "55 minutes" not in path.read_text()
    assert run("check", "--strict").exit_code == 0


def test_keep_record_with_nothing_held_says_so_and_names_into_for_a_document_not_merged(
    fresh_kb, run, tmp_path, monkeypatch
):
    iid = _responder_record(run)
    r = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--keep-record")
    assert r.exit_code == 0 and "--keep-record: no section was held back" in r.output, r.output
    again = _import(run, fresh_kb, tmp_path, monkeypatch, POSTMORTEM.format(ref=iid), "--keep-record")
    assert again.exit_code == 0 and "--keep-record: nothing held back, nothing kept" in again.output, again.output
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "").replace("Ingest nodes ran out of disk", "Odd outage")
    new = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--keep-record", "--json", name="odd.md")
    assert new.exit_code == 0, new.output
    odd = json.loads(new.stdout)["id"]
    assert any(
        n.startswith(f"--keep-record not applied: {odd} is a new record") for n in json.loads(new.stdout)["notes"]
    )
    changed = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed + NEW_ROW, "--keep-record", name="odd.md")
    assert changed.exit_code == 0, changed.output  # a record of its own: merged, this version imported
    assert changed.output.startswith(f"Updated incident {odd}: "), changed.output  # the follow-up added


def test_keep_record_keeps_a_section_with_no_hash_the_postmortem_added_since(fresh_kb, run, tmp_path, monkeypatch):
    # a section the record has of its own and the postmortem gained since its first import keeps no hash: held on
    # every run (its text may be new); --keep-record stores the postmortem's, and a change of it is held again
    path = fresh_kb / "incidents" / "2026" / "INC-2026-0042.md"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(HAND_WRITTEN + "\n## Detection\nA customer told support (on-call's note).\n")
    v1 = POSTMORTEM.format(ref="INC-2026-0042")
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v1).exit_code == 0
    v2 = v1.replace("## Action Items", "## Detection\n\nThe disk alert fired 20 minutes late.\n\n## Action Items")
    held = _import(run, fresh_kb, tmp_path, monkeypatch, v2)
    assert held.exit_code == 3 and "Detection section (the postmortem's differs; not written)" in held.output
    kept = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record")
    assert kept.exit_code == 0 and "Detection section (kept over the postmortem's" in kept.output, kept.output
    assert set(load_kb(fresh_kb).incidents["INC-2026-0042"].imported["kept_sha256"]) == {"Detection"}
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2 + NEW_ROW).exit_code == 0
    again = _import(run, fresh_kb, tmp_path, monkeypatch, v2.replace("20 minutes", "25 minutes") + NEW_ROW)
    assert again.exit_code == 3 and "Detection section (the record's own; the postmortem's changed" in again.output
    assert "on-call's note" in path.read_text() and "fired 20 minutes" not in path.read_text()


def test_keep_record_with_into_another_record_does_not_count_the_version_as_imported(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in a re-read: `--into OTHER --keep-record` of a document imported as a record of its own and changed
    # since was not merged (--into not applied) yet counted this version as imported into the first record, exit 0:
    # the next run said Already imported, the merge asked for never done and nothing failed. It is held, exit 3
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "").replace("Ingest nodes ran out of disk", "Odd outage")
    odd = json.loads(_import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--json", name="odd.md").stdout)["id"]
    other = _responder_record(run)
    path = next((fresh_kb / "incidents").rglob(f"{odd}.md"))
    before = path.read_text()
    v2 = unnamed.replace(ROOT_CAUSE, "A config typo removed the size limit.")
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--into", other, "--keep-record", name="odd.md")
    assert r.exit_code == 3, r.output
    assert "--into not applied" in r.output and "--keep-record not applied: --into names another record" in r.output
    assert path.read_text() == before
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2, name="odd.md").exit_code == 3


UNNAMED = POSTMORTEM.replace("**Incident:** {ref}\n", "").replace("Ingest nodes ran out of disk", "Odd outage")
DETECTION = "## Detection\n\nThe disk alert fired 20 minutes late.\n\n## Action Items"
RESPONDERS_CAUSE = "The shipper buffered to /var with no cap (on-call: confirmed in the config repo)."


def _own_record_edited(run, fresh_kb, tmp_path, monkeypatch) -> tuple[str, object]:
    """UNNAMED imported as a record of its own, whose Root cause the responder then corrected by hand, and to
    which they added a follow-up the postmortem will add too."""
    odd = json.loads(_import(run, fresh_kb, tmp_path, monkeypatch, UNNAMED, "--json", name="odd.md").stdout)["id"]
    path = next((fresh_kb / "incidents").rglob(f"{odd}.md"))
    path.write_text(path.read_text().replace(ROOT_CAUSE, RESPONDERS_CAUSE))
    assert run("incident", "follow-up", odd, "--add", "Alert on /var at 80%").exit_code == 0
    return odd, path


def test_keep_record_of_its_own_record_takes_in_the_follow_ups_and_sections_the_document_adds(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in review: --keep-record on a postmortem imported as a record of its own kept the record as it is and
    # counted this version as imported, so a follow-up or a section the document added since was said, not
    # recorded, and no later run added it (Already imported): a team lost it. The record's content is kept (the
    # responder's Root cause over the document's), what the document adds is taken in, nothing twice
    odd, path = _own_record_edited(run, fresh_kb, tmp_path, monkeypatch)
    v2 = UNNAMED.replace(ROOT_CAUSE, CORRECTED_CAUSE).replace("## Action Items", DETECTION)
    v2 += NEW_ROW + "| Alert on /var at 80% | Sam Ortiz | 2026-12-23 | |\n"  # the second: the record's already
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2, name="odd.md").exit_code == 3
    before = path.read_text()
    dry = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--dry-run", name="odd.md")
    assert dry.exit_code == 0 and path.read_text() == before, dry.output
    assert dry.output.startswith(f"Dry run, nothing written: would update incident {odd}: "), dry.output
    assert "would take what the document adds or corrects: Detection section; " in dry.output
    kept = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--json", name="odd.md")
    assert kept.exit_code == 0 and "changed since" not in kept.stderr, kept.output
    said = json.loads(kept.stdout)["already"]["kept_record"]
    assert said["sections"] == ["Root cause"] and said["added"][0] == "Detection section", said
    assert said["added"][-1] == "follow-ups 'Page on buffer growth'", said
    inc = load_kb(fresh_kb).incidents[odd]
    titles = [f.title for f in inc.follow_ups]
    assert titles == [
        "Clean the buffer directory nightly", "Cap the buffer size per input", "Alert on /var at 80%",
        "Page on buffer growth",
    ], titles  # fmt: skip
    assert inc.follow_ups[-1].owner == "Sam Ortiz" and inc.follow_ups[-1].ticket == "PRB-306"
    assert inc.sections["Detection"] == "The disk alert fired 20 minutes late."
    assert inc.sections["Root cause"] == RESPONDERS_CAUSE and "config typo" not in path.read_text()
    assert "Page on buffer growth" in inc.sections["Action items"]  # no one had edited the import's table
    assert run("check", "--strict").exit_code == 0
    # the next scheduled runs, with the flag and without: quiet, exit 0, nothing written
    text = path.read_text()
    again = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", name="odd.md")
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {odd}"), again.output
    plain = _import(run, fresh_kb, tmp_path, monkeypatch, v2, name="odd.md")
    assert plain.exit_code == 0 and plain.output.startswith(f"Already imported as {odd}"), plain.output
    assert path.read_text() == text


def test_keep_record_adds_the_first_follow_ups_and_leaves_a_removed_section_out(fresh_kb, run, tmp_path, monkeypatch):
    # a record with no follow_ups key gets one; a section a person removed from the record (its hash kept in
    # imported:) is not written back by a correction of it: the removal is the record's, said kept
    bare = UNNAMED[: UNNAMED.index("## Action Items")]
    odd = json.loads(_import(run, fresh_kb, tmp_path, monkeypatch, bare, "--json", name="odd.md").stdout)["id"]
    path = next((fresh_kb / "incidents").rglob(f"{odd}.md"))
    text = path.read_text()
    path.write_text(text[: text.index("## Root cause")] + text[text.index("## References") :])
    v2 = bare.replace(ROOT_CAUSE, CORRECTED_CAUSE) + "## Action Items\n\n- [ ] Cap the buffer (owner: Ana Ruiz)\n"
    kept = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--json", name="odd.md")
    assert kept.exit_code == 0, kept.output
    said = json.loads(kept.stdout)["already"]["kept_record"]
    assert said["sections"] == ["Root cause"] and said["added"] == [
        "Action items section", "follow-ups 'Cap the buffer'"
    ], said  # fmt: skip
    # found in review: said as "a person edited it", though they took it out
    assert said["kept"] == ["Root cause section (a person took it out of the record; the document's differs)"], said
    inc = load_kb(fresh_kb).incidents[odd]
    assert [(f.title, f.owner) for f in inc.follow_ups] == [("Cap the buffer", "Ana Ruiz")]
    assert "Root cause" not in inc.sections and "config typo" not in path.read_text()
    assert run("check", "--strict").exit_code == 0
    again = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", name="odd.md")
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {odd}"), again.output


def test_sections_a_record_keeps_are_not_listed_again_when_the_document_changes_elsewhere(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in review: once --keep-record kept the responder's Root cause over the document's, every later change
    # of the document elsewhere listed "Root cause section" again among what it now says otherwise (and the Action
    # items, whose follow-ups were compared one by one already): only what the document changed since is said
    odd, path = _own_record_edited(run, fresh_kb, tmp_path, monkeypatch)
    v2 = UNNAMED.replace(ROOT_CAUSE, CORRECTED_CAUSE) + NEW_ROW
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", name="odd.md").exit_code == 0
    v3 = v2.replace("47 minutes", "52 minutes")
    r = _import(run, fresh_kb, tmp_path, monkeypatch, v3, name="odd.md")
    assert r.exit_code == 3, r.output
    note = next(ln for ln in r.output.splitlines() if "it now differs" in ln)
    assert f"(it now differs from {odd} in: duration (52); Summary section; follow-ups gone: " in note, note
    assert "Root cause" not in note and "Action items" not in note, note
    # a section the responder edited that the document has not changed since is no change of the document's either
    fresh = UNNAMED.replace("Odd outage", "Quiet outage")
    other = json.loads(_import(run, fresh_kb, tmp_path, monkeypatch, fresh, "--json", name="q.md").stdout)["id"]
    qpath = next((fresh_kb / "incidents").rglob(f"{other}.md"))
    qpath.write_text(qpath.read_text().replace(ROOT_CAUSE, RESPONDERS_CAUSE))
    q = _import(run, fresh_kb, tmp_path, monkeypatch, fresh.replace("47 minutes", "52 minutes"), name="q.md")
    assert q.exit_code == 3 and f"differs from {other} in: duration (52); Summary section); " in q.output, q.output


SUMMARY_52 = """The log shipper's buffer filled /var on every ingest node for 52 minutes: the search cluster refused bulk
writes and the shipper kept every chunk."""


def test_keep_record_of_its_own_record_takes_a_correction_of_a_section_no_one_edited(
    fresh_kb, run, tmp_path, monkeypatch
):
    # decided in a re-read: --keep-record of a document imported as a record of its own kept every section the
    # document said otherwise, those no one had edited too: the Summary corrected from 47 to 52 minutes was lost,
    # exit 0, and a CI job passing the flag on every run lost every correction. Merged three ways now: a section
    # no one edited takes the document's (its duration with it), the Root cause the responder edited is kept
    odd, path = _own_record_edited(run, fresh_kb, tmp_path, monkeypatch)
    v2 = UNNAMED.replace("47 minutes", "52 minutes").replace(ROOT_CAUSE, CORRECTED_CAUSE)
    kept = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--json", name="odd.md")
    assert kept.exit_code == 0 and "changed since" not in kept.stderr, kept.output
    said = json.loads(kept.stdout)["already"]["kept_record"]
    assert said["sections"] == ["Root cause"], said
    assert said["added"] == [
        "Summary section (the document's corrected; the record's was the one the import wrote, not edited since)",
        "duration_minutes 52 (was 47, as the Summary the correction replaced said)",
    ], said
    inc = load_kb(fresh_kb).incidents[odd]
    assert inc.summary == SUMMARY_52 and inc.duration_minutes == 52, (inc.summary, inc.duration_minutes)
    assert inc.sections["Root cause"] == RESPONDERS_CAUSE and "config typo" not in path.read_text()
    assert inc.imported["sections_sha256"]["Summary"] == _digest_of(SUMMARY_52)
    assert inc.imported["kept_sha256"] == {"Root cause": _digest_of(CORRECTED_CAUSE)}
    notes = " ".join(json.loads(kept.stdout)["notes"])
    assert f"took what the document adds or corrects (it differed from {odd} in: duration (52); Summary section; " in (
        notes
    )
    assert run("check", "--strict").exit_code == 0
    again = _import(run, fresh_kb, tmp_path, monkeypatch, v2, name="odd.md")  # the next scheduled run: quiet
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {odd}"), again.output
    # corrected again: taken again (its hash is the document's, no one edited it since), the Root cause kept
    v3 = v2.replace("52 minutes", "55 minutes")
    later = _import(run, fresh_kb, tmp_path, monkeypatch, v3, "--keep-record", name="odd.md")
    assert later.exit_code == 0 and later.output.startswith(f"Updated incident {odd}: "), later.output
    inc = load_kb(fresh_kb).incidents[odd]
    assert "for 55 minutes" in inc.summary and inc.duration_minutes == 55
    assert inc.sections["Root cause"] == RESPONDERS_CAUSE


def test_keep_record_keeps_a_duration_set_by_hand_when_it_takes_the_corrected_summary(
    fresh_kb, run, tmp_path, monkeypatch
):
    # as a merge does: the duration the responder set by hand (not the one the replaced Summary said) is theirs
    odd = json.loads(_import(run, fresh_kb, tmp_path, monkeypatch, UNNAMED, "--json", name="odd.md").stdout)["id"]
    path = next((fresh_kb / "incidents").rglob(f"{odd}.md"))
    path.write_text(path.read_text().replace("duration_minutes: 47", "duration_minutes: 50"))
    v2 = UNNAMED.replace("47 minutes", "52 minutes")
    kept = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--json", name="odd.md")
    assert kept.exit_code == 0, kept.output
    inc = load_kb(fresh_kb).incidents[odd]
    assert inc.summary == SUMMARY_52 and inc.duration_minutes == 50
    notes = " ".join(json.loads(kept.stdout)["notes"])
    assert "kept duration_minutes 50 (the corrected Summary says 52; the text it replaced said 47" in notes, notes


def test_into_its_own_record_with_keep_record_takes_the_correction_no_one_edited_too(
    fresh_kb, run, tmp_path, monkeypatch
):
    # the way to merge the stderr line names besides --keep-record: the same three ways (checked in a re-read)
    odd, path = _own_record_edited(run, fresh_kb, tmp_path, monkeypatch)
    v2 = UNNAMED.replace("47 minutes", "52 minutes").replace(ROOT_CAUSE, CORRECTED_CAUSE)
    into = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--into", odd, "--keep-record", name="odd.md")
    assert into.exit_code == 0, into.output
    inc = load_kb(fresh_kb).incidents[odd]
    assert inc.summary == SUMMARY_52 and inc.duration_minutes == 52
    assert inc.sections["Root cause"] == RESPONDERS_CAUSE
    assert _import(run, fresh_kb, tmp_path, monkeypatch, v2, name="odd.md").exit_code == 0


def test_keep_record_of_a_document_imported_as_its_own_record_counts_this_version_as_imported(
    fresh_kb, run, tmp_path, monkeypatch
):
    # found in review: a postmortem imported as a record of its own (no Incident: line, no --into) and changed
    # since is not merged: "changed since it was imported as INC-…; not updated (exit 3)" on every run, a CI job
    # importing a folder of postmortems failing for good; the only way out was the stdout note's hand edit of the
    # record's imported.sha256. --keep-record does it: this version imported, exit 0, the Root cause the responder
    # edited kept as it is (the document's correction of it the record's own)
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "").replace("Ingest nodes ran out of disk", "Odd outage")
    odd = json.loads(_import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--json", name="odd.md").stdout)["id"]
    path = next((fresh_kb / "incidents").rglob(f"{odd}.md"))
    path.write_text(path.read_text().replace(ROOT_CAUSE, RESPONDERS_CAUSE))
    v2 = unnamed.replace(ROOT_CAUSE, "A config typo removed the size limit.")
    held = _import(run, fresh_kb, tmp_path, monkeypatch, v2, name="odd.md")
    assert held.exit_code == 3, held.output
    said = " ".join(held.stderr.split())
    cmd = f"recur import {tmp_path / 'odd.md'}"
    assert f"count this version as imported: {cmd} --keep-record; to merge it instead: {cmd} --into {odd}" in said
    before = path.read_text()
    dry = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--dry-run", name="odd.md")
    assert dry.exit_code == 0 and dry.output.startswith(f"Dry run, nothing written: would keep incident {odd} as it")
    assert path.read_text() == before
    kept = _import(run, fresh_kb, tmp_path, monkeypatch, v2, "--keep-record", "--json", name="odd.md")
    assert kept.exit_code == 0 and "changed since" not in kept.stderr, kept.output
    digest = load_kb(fresh_kb).incidents[odd].imported["sha256"]
    assert json.loads(kept.stdout)["already"]["kept_record"] == {
        "sha256": digest,
        "sections": ["Root cause"],
        "added": [],
        "removed": [],
        "kept": ["Root cause section (a person edited it since the import wrote it; the document's differs)"],
    }
    notes = " ".join(json.loads(kept.stdout)["notes"])
    assert (
        f"--keep-record: {odd} kept as it is, not updated (it now differs from {odd} in: Root cause section)" in notes
    )
    inc = load_kb(fresh_kb).incidents[odd]
    assert "config typo" not in path.read_text() and "Root cause" not in inc.imported["sections_sha256"]
    assert inc.imported["kept_sha256"] == {"Root cause": _digest_of("A config typo removed the size limit.")}
    assert path.read_text().split("\n---\n", 1)[1] == before.split("\n---\n", 1)[1]  # the body byte for byte
    again = _import(run, fresh_kb, tmp_path, monkeypatch, v2, name="odd.md")  # the next scheduled run
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {odd}"), again.output
    # merged later, the Root cause stays the record's (its own now), and a later change of the document is seen
    into = _import(run, fresh_kb, tmp_path, monkeypatch, v2 + NEW_ROW, "--into", odd, name="odd.md")
    assert into.exit_code == 0 and "config typo" not in path.read_text(), into.output
    assert "Root cause section (the record's own; the postmortem's has not changed since)" in into.output
    v3 = v2.replace("config typo", "config template typo") + NEW_ROW
    later = _import(run, fresh_kb, tmp_path, monkeypatch, v3, name="odd.md")
    assert later.exit_code == 3, later.output
    assert run("check", "--strict").exit_code == 0


def test_a_date_after_a_review_closed_on_a_timestamp_is_refused_too(fresh_kb, run, tmp_path, monkeypatch):
    # found in the last read: the merge read a `done:` day by its own copy of util.dates.iso_date, which took a
    # timestamp (valid in a record, `recur check` reads it) for no date, so --date after a review or follow-up
    # closed on a timestamp was written, and `recur check --strict` then failed the record
    monkeypatch.setenv("RECUR_TZ", "UTC")
    iid = _responder_record(run)  # 2026-12-06
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    assert run("incident", "review", iid, "--done", "--on", "2026-12-06").exit_code == 0
    text = path.read_text()
    assert text.count("done: 2026-12-06") == 1, text
    path.write_text(text.replace("done: 2026-12-06", "done: 2026-12-06T10:00:00Z"))
    assert run("check", "--strict").exit_code == 0
    before = path.read_bytes()
    unnamed = POSTMORTEM.replace("**Incident:** {ref}\n", "")
    later = _import(run, fresh_kb, tmp_path, monkeypatch, unnamed, "--into", iid, "--date", "2026-12-07")
    assert later.exit_code == 2, later.output
    assert "the review was held 2026-12-06, before the incident's date 2026-12-07" in later.output
    assert "Traceback" not in later.output and path.read_bytes() == before


def test_into_reads_a_dateless_documents_undated_times_on_the_records_date(fresh_kb, run, tmp_path, monkeypatch):
    # found in the re-read: --into a record of 2026-03-08 with a postmortem giving no date read "01:30 PT" to
    # "03:10 PT" on no date, 100 minutes, though the record it fills in has the incident's date: on it (PST to
    # PDT) it is 40, as --date 2026-03-08 reads it
    made = run(
        "incident", "new", "-t", "checkout down", "-s", "sev3", "-d", "checkout failing", "--no-suggest", "--json",
        "--pattern", "disk-full", "--date", "2026-03-08",
    )  # fmt: skip
    assert made.exit_code == 0, made.output
    iid = json.loads(made.stdout)["id"]
    text = (
        "# Checkout down\n\nStart: 01:30 PT\nEnd: 03:10 PT\n\n"
        "## Summary\nCheckout failed after a deploy left every worker waiting on a lock.\n"
    )
    dry = _import(run, fresh_kb, tmp_path, monkeypatch, text, "--into", iid, "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "01:30 PT on 2026-03-08 read as PST (UTC-08:00)" in " ".join(dry.output.split()), dry.output
    assert load_kb(fresh_kb).incidents[iid].duration_minutes is None  # a dry run writes nothing
    done = _import(run, fresh_kb, tmp_path, monkeypatch, text, "--into", iid)
    assert done.exit_code == 0, done.output
    assert load_kb(fresh_kb).incidents[iid].duration_minutes == 40
    assert run("check", "--strict").exit_code == 0
