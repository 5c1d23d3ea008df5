"""`recur import` of a postmortem whose record's `imported:` names another document (re-read, 2026-12-07).

A postmortem whose Incident line names a record imported from another postmortem was merged into it unasked, exit 0
(follow-ups and References lines added, each section it says otherwise "kept"); and a postmortem moved or renamed,
then corrected, was merged with its correction kept out (named), or written as a second record of the incident
(unnamed), exit 0 either way. Now nothing is written: exit 3 when the record differs, the note naming the record's
file, line and field and the way on (--into for another postmortem; for a moved one, its `source` set to the new
path, after which the correction is taken as on any re-import)."""

import json

import pytest
from import_helpers import import_file

from recur.kb.loader import load_kb

PM = """\
# Postmortem: Log buffer filled the ingest disks

**Date:** 2026-12-06
**Severity:** SEV-2
{named}
## Summary
The log shipper's buffer filled /var on every ingest node for 47 minutes.

## Root cause
No size limit on the shipper's file buffer.

## Detection
The disk alert fired 20 minutes late.

## Action Items
- [ ] Cap the buffer size per input (owner: Lena Fischer)
"""

OTHER = """\
# Postmortem: Ingest disks full again after the shipper restart

**Date:** 2026-12-06
**Severity:** SEV-2
**Incident:** {iid}

## Summary
The shipper restarted without its buffer cap and filled /var again.

## Root cause
The restart script dropped the cap flag.

## Action Items
- [ ] Keep the cap in the restart script (owner: Omar Haddad)
"""


def _imported(kb, tmp_path, named: bool = False) -> tuple[str, object, str]:
    """PM imported from tmp_path/pm.md (the folder holding the KB: its source is "pm.md"); with ``named``, into a
    record written during the response, which its Incident line names. (The record's id, its path, the text.)"""
    iid = "INC-2026-0001"
    if named:
        path = kb / "incidents" / "2026" / f"{iid}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\nid: {iid}\ntitle: ingest disk full\ndate: 2026-12-06\nseverity: sev2\npatterns: []\n"
                        "---\n\n## Summary\nDisk full.\n")  # fmt: skip
    text = PM.format(named=f"**Incident:** {iid}\n" if named else "")
    r = import_file(kb, tmp_path / "pm.md", text, "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["incident"] == iid
    return iid, next((kb / "incidents").rglob(f"{iid}.md")), text


def _said(r) -> str:
    return " ".join(r.stdout.split())


@pytest.mark.parametrize("extra", [[], ["--dry-run"], ["--severity", "sev1"]])
def test_a_record_imported_from_another_postmortem_is_not_merged_into_unasked(fresh_kb, tmp_path, extra):
    # found in a re-read: the second postmortem naming the record was merged into it, exit 0: its follow-up and
    # References lines added to a record its imported: says is another document's, every section it says "kept"
    # (with --severity, the way a flag given to the same document again merges, too)
    iid, path, _ = _imported(fresh_kb, tmp_path)
    before = path.read_bytes()
    r = import_file(fresh_kb, tmp_path / "restart.md", OTHER.format(iid=iid), *extra)
    assert r.exit_code == 3, r.output
    assert path.read_bytes() == before and sorted(p.name for p in (fresh_kb / "incidents").rglob("*.md")) == [
        f"{iid}.md"
    ]
    said = _said(r)
    assert said.startswith(f"Already imported as {iid} (its imported: names another document)"), said
    line = next(n for n, ln in enumerate(before.decode().split("\n"), 1) if ln.startswith("imported:"))
    assert f"{path.name}:{line}: imported.source is pm.md, not restart.md: {iid} was imported from another " \
        "postmortem (the postmortem's 'Incident' line names it), so recur import does not merge this one into it " \
        "unasked" in said, said  # fmt: skip
    assert f"recur import {tmp_path / 'restart.md'} --into {iid}" in said, said
    err = " ".join(r.stderr.split())
    assert f"names {iid}, which was imported from another postmortem; not updated" in err, err
    as_json = import_file(fresh_kb, tmp_path / "restart.md", OTHER.format(iid=iid), "--json")
    assert as_json.exit_code == 3 and json.loads(as_json.stdout)["already"]["by"] == "another document"


def test_into_merges_it_and_a_later_run_merges_again_without_asking(fresh_kb, tmp_path):
    iid, path, _ = _imported(fresh_kb, tmp_path)
    r = import_file(fresh_kb, tmp_path / "restart.md", OTHER.format(iid=iid), "--into", iid)
    assert r.exit_code == 0, r.output
    inc = load_kb(fresh_kb).incidents[iid]
    assert inc.imported["source"] == "pm.md" and len(inc.follow_ups) == 2
    assert inc.sections["Root cause"] == "No size limit on the shipper's file buffer."  # the record's own kept
    again = import_file(fresh_kb, tmp_path / "restart.md", OTHER.format(iid=iid))  # its References line names it
    assert again.exit_code == 0 and "nothing written" in again.stdout, again.output


def test_keep_record_is_said_not_applied(fresh_kb, tmp_path):
    iid, path, _ = _imported(fresh_kb, tmp_path)
    before = path.read_bytes()
    r = import_file(fresh_kb, tmp_path / "restart.md", OTHER.format(iid=iid), "--keep-record")
    assert r.exit_code == 3 and path.read_bytes() == before, r.output
    assert f"--keep-record not applied: {iid}'s imported: names another document" in _said(r), r.output


@pytest.mark.parametrize("named", [False, True])
def test_a_moved_and_corrected_postmortem_is_said_moved_and_nothing_written(fresh_kb, tmp_path, named):
    # found in review: moved into the team's folder and corrected, it was written as a second record of the incident
    # (unnamed), or merged with "Kept the record's Detection section (the postmortem's differs; not written)", exit 0
    iid, path, text = _imported(fresh_kb, tmp_path, named)
    (tmp_path / "pm.md").unlink()
    before = path.read_bytes()
    moved = tmp_path / "postmortems" / "log-buffer.md"
    fixed = text.replace("20 minutes late", "25 minutes late")
    r = import_file(fresh_kb, moved, fixed)
    assert r.exit_code == 3, r.output
    assert path.read_bytes() == before and len(list((fresh_kb / "incidents").rglob("*.md"))) == 1
    said = _said(r)
    assert said.startswith(f"Already imported as {iid} (moved: its imported: names another path)"), said
    assert "imported.source is pm.md, not postmortems/log-buffer.md: this postmortem moved or was saved under " \
        "another name (" in said, said  # fmt: skip
    assert 'set "source" in its imported: field to "postmortems/log-buffer.md" and import again' in said, said
    # named: the record's title and Summary are the responder's, kept by the first import, and said too
    assert said.split(f"it now differs from {iid} in: ")[1].endswith("Detection section (said, not written)"), said
    assert "moved or renamed; not updated: set the source" in " ".join(r.stderr.split()), r.stderr
    # the way on, as said: the correction is then taken as on any re-import of the document
    path.write_text(path.read_text().replace('"source": "pm.md"', '"source": "postmortems/log-buffer.md"'))
    after = import_file(fresh_kb, moved, fixed, *(["--keep-record"] if not named else []))
    assert after.exit_code == 0, after.output
    inc = load_kb(fresh_kb).incidents[iid]
    assert inc.sections["Detection"] == "The disk alert fired 25 minutes late.", after.output


def test_the_same_document_at_another_path_says_it_moved(fresh_kb, tmp_path):
    iid, path, text = _imported(fresh_kb, tmp_path)
    (tmp_path / "pm.md").unlink()
    before = path.read_bytes()
    r = import_file(fresh_kb, tmp_path / "postmortems" / "log-buffer.md", text)
    assert r.exit_code == 0 and path.read_bytes() == before, r.output
    said = _said(r)
    assert said.startswith(f"Already imported as {iid} (same content)"), said
    assert "imported.source is pm.md, not postmortems/log-buffer.md: the same document (its sha256), moved or " \
        'saved under another name; ' in said and 'field to "postmortems/log-buffer.md"' in said, said  # fmt: skip


def test_an_unchanged_copy_beside_the_original_is_not_said_moved(fresh_kb, tmp_path):
    iid, path, text = _imported(fresh_kb, tmp_path)
    r = import_file(fresh_kb, tmp_path / "pm (1).md", text)
    assert r.exit_code == 0 and r.stdout.startswith(f"Already imported as {iid} (same content)"), r.output
    assert "moved" not in r.stdout, r.stdout


def test_a_copy_beside_the_original_is_still_another_record_with_a_look_alike_note(fresh_kb, tmp_path):
    # the first path still holds the document: a copy saved under another name and edited, as before
    iid, path, text = _imported(fresh_kb, tmp_path)
    r = import_file(fresh_kb, tmp_path / "pm (1).md", text.replace("20 minutes late", "25 minutes late"))
    assert r.exit_code == 0 and r.stdout.startswith("Wrote incident INC-2026-0002"), r.output
    assert f"{iid} has the same title and date" in _said(r), r.output


def test_a_taken_over_record_named_by_another_postmortem_is_not_said_to_be_this_ones_at_another_path(
    fresh_kb, tmp_path
):
    # the review's case: imported from pm.md, its imported: then set to null by its author, and another postmortem
    # naming it. Nothing written, exit 3 (as on main), but the note said the record "imported from another path", as
    # if this were pm.md moved: it may as well be another postmortem of the incident
    iid, path, _ = _imported(fresh_kb, tmp_path)
    path.write_text(
        "\n".join("imported: null" if ln.startswith("imported: {") else ln for ln in path.read_text().split("\n"))
    )
    before = path.read_bytes()
    r = import_file(fresh_kb, tmp_path / "restart.md", OTHER.format(iid=iid))
    assert r.exit_code == 3 and path.read_bytes() == before, r.output
    said = _said(r)
    assert f"{path.name}:11: imported: is null: a person took {iid} over" in said, said
    assert "its References line names pm.md, not restart.md (imported from another path or postmortem)" in said, said


def test_a_final_postmortem_naming_the_record_beside_the_draft_is_not_said_moved(fresh_kb, tmp_path):
    # found in a re-read: a draft imported, then the final written as a file of its own beside it, naming the record.
    # It was said "moved or saved under another name" (most sections as imported) with the way on "set source to the
    # final's path": done, the next scheduled run wrote the draft, still in the folder, as a second record, exit 0
    iid, path, text = _imported(fresh_kb, tmp_path)
    before = path.read_bytes()
    final = text.replace("**Severity:** SEV-2\n", f"**Severity:** SEV-2\n**Incident:** {iid}\n").replace(
        "No size limit on the shipper's file buffer.", "The shipper's file buffer had no size limit since v2.3."
    )
    r = import_file(fresh_kb, tmp_path / "final.md", final)
    assert r.exit_code == 3 and path.read_bytes() == before, r.output
    said = _said(r)
    assert said.startswith(f"Already imported as {iid} (its imported: names another document)"), said
    assert f"recur import {tmp_path / 'final.md'} --into {iid}" in said, said
    assert "this postmortem moved" not in said, said
    assert "if this one replaces pm.md (a final of its draft): delete pm.md or move it out of the folder you import, " \
        'then: set "source" in its imported: field to "final.md" and import again' in said, said  # fmt: skip
    # the way on, as said: merged, and the next run of both files writes nothing, no second record
    into = import_file(fresh_kb, tmp_path / "final.md", final, "--into", iid)
    assert into.exit_code == 0, into.output
    for name, doc in (("pm.md", text), ("final.md", final)):
        again = import_file(fresh_kb, tmp_path / name, doc)
        assert again.exit_code == 0 and "nothing written" in _said(again).casefold(), again.output
    assert [p.name for p in (fresh_kb / "incidents").rglob("*.md")] == [f"{iid}.md"]


TEMPLATED = """\
# Postmortem: {title}

**Date:** 2026-12-01
**Severity:** SEV-3

## Summary
{summary}

## Root cause
{cause}

## Detection
_How did we find out? Alert, customer report, or by chance?_

## Lessons learned
We follow the blameless template: what went well, what went wrong, where we got lucky.
"""


def test_another_postmortem_of_the_day_sharing_template_sections_is_not_said_moved(fresh_kb, tmp_path):
    # found in a re-read: two postmortems of one day from the team's template, the first moved out of the folder;
    # the second, another incident (its title, Summary and Root cause its own), was said to be the first moved, its
    # date and the two template sections "as imported", and the way on, its source set, routed it to that record
    first = TEMPLATED.format(title="Payment queue backlog", summary="The payment queue backed up for 40 minutes.",
                             cause="The new consumer build had a lower prefetch limit.")  # fmt: skip
    r = import_file(fresh_kb, tmp_path / "queue.md", first, "--json")
    assert r.exit_code == 0, r.output
    (tmp_path / "queue.md").rename(tmp_path / "archived-queue.md")
    iid = json.loads(r.stdout)["incident"]
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    before = path.read_bytes()
    other = TEMPLATED.format(title="Internal DNS resolver timeouts", summary="CoreDNS lookups timed out for 15 "
                             "minutes.", cause="CPU limits on CoreDNS were too low.")  # fmt: skip
    r = import_file(fresh_kb, tmp_path / "dns.md", other, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["already"] is None and out["incident"] != iid and out["title"] == "Internal DNS resolver timeouts"
    assert path.read_bytes() == before


def test_a_final_replacing_its_draft_takes_its_corrections_once_it_is_gone_and_the_source_set(fresh_kb, tmp_path):
    # the other way on the note gives of a final beside its draft, followed literally
    iid, path, text = _imported(fresh_kb, tmp_path)
    final = text.replace("**Severity:** SEV-2\n", f"**Severity:** SEV-2\n**Incident:** {iid}\n").replace(
        "No size limit on the shipper's file buffer.", "The shipper's file buffer had no size limit since v2.3."
    )
    assert import_file(fresh_kb, tmp_path / "final.md", final).exit_code == 3
    (tmp_path / "pm.md").unlink()
    path.write_text(path.read_text().replace('"source": "pm.md"', '"source": "final.md"'))
    r = import_file(fresh_kb, tmp_path / "final.md", final)
    assert r.exit_code == 0, r.output
    assert load_kb(fresh_kb).incidents[iid].sections["Root cause"] == "The shipper's file buffer had no size limit " \
        "since v2.3."  # fmt: skip
    again = import_file(fresh_kb, tmp_path / "final.md", final)
    assert again.exit_code == 0 and again.stdout.startswith(f"Already imported as {iid}"), again.output
    assert [p.name for p in (fresh_kb / "incidents").rglob("*.md")] == [f"{iid}.md"]


def test_a_case_only_rename_on_a_case_insensitive_disk_is_said_moved_not_recorded_again(fresh_kb, tmp_path):
    # a Mac's or Windows' disk: `git mv pm.md PM.md`, then a correction; the old name still opens the file (here a hard
    # link, two names of one file, as such a disk has them). It was taken for a copy beside the original, and the
    # corrected postmortem written as a second record of the incident, exit 0
    iid, path, text = _imported(fresh_kb, tmp_path)
    (tmp_path / "PM.md").hardlink_to(tmp_path / "pm.md")
    r = import_file(fresh_kb, tmp_path / "PM.md", text.replace("20 minutes late", "25 minutes late"))
    assert r.exit_code == 3, r.output
    assert _said(r).startswith(f"Already imported as {iid} (moved: its imported: names another path)"), r.output
    assert 'set "source" in its imported: field to "PM.md"' in _said(r), r.output
    assert [p.name for p in (fresh_kb / "incidents").rglob("*.md")] == [f"{iid}.md"]


@pytest.mark.parametrize("written", ["./postmortems/pm.md", "postmortems\\\\pm.md"])
def test_a_source_written_with_dot_slash_or_backslashes_is_this_path_not_a_move(fresh_kb, tmp_path, written):
    # found in a re-read: `source` set by hand as a shell or Windows writes a path named this very file, and the
    # import said the postmortem "moved or was saved under another name" (`imported.source is ./postmortems/pm.md,
    # not postmortems/pm.md`), unchanged or corrected
    moved = tmp_path / "postmortems" / "pm.md"
    r = import_file(fresh_kb, moved, PM.format(named=""), "--json")
    assert r.exit_code == 0, r.output
    path = next((fresh_kb / "incidents").rglob("*.md"))
    path.write_text(path.read_text().replace('"source": "postmortems/pm.md"', f'"source": "{written}"'))
    same = import_file(fresh_kb, moved, PM.format(named=""))
    assert same.exit_code == 0 and "moved" not in same.stdout, same.output
    fixed = import_file(fresh_kb, moved, PM.format(named="").replace("20 minutes late", "25 minutes late"))
    assert fixed.exit_code == 3 and "(same source path)" in fixed.stdout, fixed.output


WEEKLY = """\
# Postmortem: Weekly DB failover test

**Date:** {day}
**Severity:** SEV-3
**Start:** {day} 06:00 UTC
**End:** {day} 06:{end} UTC
**Authors:** Marta Kowalczyk

## Summary
The scheduled weekly failover of the orders Postgres primary to the standby in eu-west-1b took longer than the
10-minute target.

## Impact
Writes to the orders service returned 503 for {end} minutes; {failed} checkout attempts failed and were retried.

## Root cause
The standby was behind on WAL replay because the nightly VACUUM FULL on orders_archive ran past its window.

## Timeline
- 06:00 Failover started by the scheduler
- 06:0{blocked} Promotion blocked waiting for WAL replay
- 06:{end} Writes healthy again

## Detection
The failover runbook's timer alert fired at 06:10.

## Action Items
- [ ] Move the VACUUM FULL window to end two hours before the failover test (owner: Marta Kowalczyk)
"""


@pytest.mark.parametrize("extra", [[], ["--dry-run"]])
def test_this_weeks_recurring_postmortem_is_not_last_weeks_moved(fresh_kb, tmp_path, extra):
    # found in review: a team's weekly failover test, last week's postmortem archived out of the folder, this week's
    # (its title, Summary, Root cause, Detection and follow-up last week's, its date, times and impact its own) was
    # said to be last week's moved, exit 3, and the way on pointed last week's record at it: this week's never recorded
    last = WEEKLY.format(day="2026-11-30", end="22", failed="1,140", blocked="4")
    r = import_file(fresh_kb, tmp_path / "postmortems" / "2026-11-30-failover.md", last, "--json")
    assert r.exit_code == 0, r.output
    iid = json.loads(r.stdout)["incident"]
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    (tmp_path / "archive").mkdir()
    (tmp_path / "postmortems" / "2026-11-30-failover.md").rename(tmp_path / "archive" / "2026-11-30-failover.md")
    before = path.read_bytes()
    this = WEEKLY.format(day="2026-12-07", end="27", failed="1,390", blocked="2")
    r = import_file(fresh_kb, tmp_path / "postmortems" / "2026-12-07-failover.md", this, "--json", *extra)
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["already"] is None and out["incident"] == "INC-2026-0002" and out["date"] == "2026-12-07", out
    assert path.read_bytes() == before
    note = next(n for n in out["notes"] if n.startswith(f"{iid} (dated 2026-11-30"))
    assert (
        "another date (2026-12-07 here): another incident (a recurring postmortem's), recorded as a new one; if it "
        'is that postmortem moved and its date corrected, remove the new record and set "source" in that record\'s '
        'imported: field to "postmortems/2026-12-07-failover.md"' in note
    ), note
    records = sorted(p.name for p in (fresh_kb / "incidents").rglob("*.md"))
    assert records == ([f"{iid}.md"] if extra else [f"{iid}.md", "INC-2026-0002.md"])


def test_a_moved_postmortem_whose_record_took_its_date_from_the_command_line_is_still_said_moved(fresh_kb, tmp_path):
    # the document's date was wrong and --date gave the incident's: the record's date is no other incident's
    text = WEEKLY.format(day="2026-11-30", end="22", failed="1,140", blocked="4")
    r = import_file(fresh_kb, tmp_path / "pm.md", text, "--json", "--date", "2026-11-29")
    assert r.exit_code == 0, r.output
    iid = json.loads(r.stdout)["incident"]
    (tmp_path / "pm.md").unlink()
    fixed = text.replace("fired at 06:10", "fired at 06:11")
    r = import_file(fresh_kb, tmp_path / "postmortems" / "failover.md", fixed)
    assert r.exit_code == 3, r.output
    assert _said(r).startswith(f"Already imported as {iid} (moved: its imported: names another path)"), r.output


def test_a_moved_postmortem_now_dated_whose_record_has_the_import_day_as_a_placeholder_is_still_moved(
    fresh_kb, tmp_path, monkeypatch
):
    # found in a re-read: imported giving no date, the record took the day of the import (triage: date); moved with its
    # date now filled in, it was said to be another incident dated otherwise and recorded a second time, exit 0
    monkeypatch.setenv("RECUR_TODAY", "2026-12-07")
    undated = WEEKLY.format(day="2026-11-30", end="22", failed="1,140", blocked="4").replace(
        "**Date:** 2026-11-30\n", ""
    )
    undated = undated.replace("2026-11-30 ", "")  # Start: and End: a time alone
    r = import_file(fresh_kb, tmp_path / "pm.md", undated, "--json")
    assert r.exit_code == 0, r.output
    out = json.loads(r.stdout)
    assert out["date"] == "2026-12-07" and "date" in out["triage"], out
    (tmp_path / "pm.md").unlink()
    dated = undated.replace("**Severity:**", "**Date:** 2026-11-30\n**Severity:**")
    r = import_file(fresh_kb, tmp_path / "postmortems" / "failover.md", dated)
    assert r.exit_code == 3, r.output
    assert _said(r).startswith(f"Already imported as {out['incident']} (moved: its imported: names another path)")
    assert len(load_kb(fresh_kb).incidents) == 1


def test_a_moved_postmortem_whose_date_a_date_flag_of_the_record_s_corrects_is_still_moved(fresh_kb, tmp_path):
    # found in a re-read: moved, its date a typo (12-01 for 11-30) that `--date 2026-11-30` corrects, the document's
    # date was compared: said to be another incident, a second record of the same title and date written, exit 0
    text = WEEKLY.format(day="2026-11-30", end="22", failed="1,140", blocked="4")
    r = import_file(fresh_kb, tmp_path / "pm.md", text, "--json")
    assert r.exit_code == 0, r.output
    iid = json.loads(r.stdout)["incident"]
    (tmp_path / "pm.md").unlink()
    typo = text.replace("**Date:** 2026-11-30", "**Date:** 2026-12-01").replace("fired at 06:10", "fired at 06:11")
    r = import_file(fresh_kb, tmp_path / "postmortems" / "failover.md", typo, "--date", "2026-11-30")
    assert r.exit_code == 3, r.output
    assert _said(r).startswith(f"Already imported as {iid} (moved: its imported: names another path)"), r.output
    assert len(load_kb(fresh_kb).incidents) == 1
    # a --date of another day is another incident, as the document's own would be, said with the date it records
    week = text.replace("fired at 06:10", "fired at 06:12")
    r = import_file(fresh_kb, tmp_path / "postmortems" / "failover.md", week, "--date", "2026-12-07")
    assert r.exit_code == 0 and "another date (2026-12-07 here)" in _said(r), r.output
