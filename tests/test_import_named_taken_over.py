"""`recur import` of a postmortem whose Incident line names a record a person took over: its `imported:` set to null
or taken out after the import wrote it (re-read, 2026-12). It was merged into without a word: `imported:` written
again over the person's null, their sections read as a responder's own, exit 0. Now it stops, as the same record
found by its References line does: nothing written, the two ways on named (--into, --keep-record)."""

import json

import pytest
from click.testing import CliRunner
from import_helpers import import_file
from kbfactory import fake_model_flags

from recur.cli.main import cli
from recur.kb.loader import load_kb

PM = """\
# Postmortem: Log buffer filled the ingest disks

**Date:** 2026-12-06
**Severity:** SEV-2
**Incident:** {iid}

## Summary
The log shipper's buffer filled /var on every ingest node for 47 minutes.

## Root cause
No size limit on the shipper's file buffer.

## Detection
The disk alert fired 20 minutes late.

## Action Items
- [ ] Cap the buffer size per input (owner: Lena Fischer)
"""
MINE = "The shipper buffered to /var with no cap."  # the person's Root cause


def _taken_over(kb, tmp_path, how: str = "null") -> tuple[str, object, str]:
    """A record written during the response, the postmortem naming it imported into it, then taken over by a person:
    `imported:` set to null (``how`` "null") or taken out ("gone"), the Root cause rewritten. (Its id, its path,
    the postmortem.)"""
    made = CliRunner().invoke(cli, ["incident", "new", "--kb", str(kb), "-t", "ingest disk full", "-s", "sev2", "-d",
                                    "Disk full.", "--date", "2026-12-06", "--no-suggest", "--json"])  # fmt: skip
    assert made.exit_code == 0, made.output
    iid = json.loads(made.stdout)["id"]
    pm = PM.format(iid=iid)
    assert import_file(kb, tmp_path / "pm.md", pm).exit_code == 0
    path = next((kb / "incidents").rglob(f"{iid}.md"))
    lines = path.read_text().split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("imported: {"))
    lines[at : at + 1] = ["imported: null"] if how == "null" else []
    path.write_text("\n".join(lines).replace("No size limit on the shipper's file buffer.", MINE))
    return iid, path, pm


@pytest.mark.parametrize("how", ["null", "gone"])
@pytest.mark.parametrize("version", ["as imported", "corrected"])
@pytest.mark.parametrize("dry", [False, True])
def test_a_named_record_a_person_took_over_is_not_merged_into_unasked(fresh_kb, tmp_path, how, version, dry):
    # found in a re-read: the scheduled import of the postmortem naming the record wrote `imported:` back over the
    # person's null ("Added: imported."), exit 0, and read their Root cause as a responder's own: the takeover undone
    iid, path, pm = _taken_over(fresh_kb, tmp_path, how)
    before = path.read_bytes()
    text = pm if version == "as imported" else pm.replace("20 minutes late", "25 minutes late")
    r = import_file(fresh_kb, tmp_path / "pm.md", text, *(["--dry-run"] if dry else []))
    assert r.exit_code == 3, r.output
    assert path.read_bytes() == before  # nothing written: imported: still the person's
    said = " ".join(r.stdout.split())
    assert said.startswith(f"Already imported as {iid} (named by its Incident line; a person took it over: no "
                           "imported: field)"), said  # fmt: skip
    field = f"{path.name}:11: imported: is null" if how == "null" else f"{path.name}: imported: is missing"
    assert f"{field}: a person took {iid} over (the postmortem's 'Incident' line names it; its References line " \
        "names pm.md), so recur import does not merge into it unasked" in said, said  # fmt: skip
    cmd = f"recur import {tmp_path / 'pm.md'}"
    # the record's title the responder's: its sections may be their own text, not an edit (the Summary is)
    assert "where they differ, the record's in them, the responder's own text an import kept or a person's edit, " \
        f"replaced, and write its imported: again: {cmd} --into {iid} (--dry-run first)" in said, said  # fmt: skip
    assert f"to keep {iid}'s sections as they are, " in said and f"{cmd} --keep-record" in said, said
    differs = said.split(f"it now differs from {iid} in: ")[1].split(" (said, not written)")[0].split("; ")
    # the record's Summary the responder's, kept by the first import; its Root cause the person's (its title, the
    # responder's too, is none: no merge writes it)
    want = ["Summary section", "Root cause section"]
    assert differs == want + ([] if version == "as imported" else ["Detection section"]), said
    err = " ".join(r.stderr.split())
    assert f"{cmd} --into {iid};" in err and f"{cmd} --keep-record (exit 3)" in err, err
    as_json = import_file(fresh_kb, tmp_path / "pm.md", text, "--json", *(["--dry-run"] if dry else []))
    assert as_json.exit_code == 3 and json.loads(as_json.stdout)["already"]["by"] == "Incident line"
    assert path.read_bytes() == before


def test_keep_record_keeps_the_persons_sections_and_counts_the_version(fresh_kb, tmp_path):
    iid, path, pm = _taken_over(fresh_kb, tmp_path)
    fixed = pm.replace("20 minutes late", "25 minutes late")
    r = import_file(fresh_kb, tmp_path / "pm.md", fixed, "--keep-record")
    assert r.exit_code == 0, r.output
    assert "Kept the record's Root cause section" in r.stdout, r.stdout
    inc = load_kb(fresh_kb).incidents[iid]
    assert inc.sections["Root cause"] == MINE and inc.imported["source"] == "pm.md"
    again = import_file(fresh_kb, tmp_path / "pm.md", fixed)  # counted as imported: the next run is quiet
    assert again.exit_code == 0 and again.stdout.startswith(f"Already imported as {iid} (same content)"), again.output


def test_into_takes_the_postmortems_sections_saying_a_persons_edit_is_replaced(fresh_kb, tmp_path):
    # the record's title is the responder's (the merge kept it), no title of the postmortem's: --into still reads it
    # as this postmortem's record, as the note naming it says (it kept the person's Root cause, said "not written")
    iid, path, pm = _taken_over(fresh_kb, tmp_path)
    fixed = pm.replace("20 minutes late", "25 minutes late")
    r = import_file(fresh_kb, tmp_path / "pm.md", fixed, "--into", iid)
    assert r.exit_code == 0, r.output
    said = " ".join(r.stdout.split())
    assert "Root cause section (the postmortem's; the record's replaced, whoever wrote it" in said, said
    inc = load_kb(fresh_kb).incidents[iid]
    assert inc.sections["Root cause"] == "No size limit on the shipper's file buffer."
    assert inc.sections["Detection"] == "The disk alert fired 25 minutes late." and inc.imported["source"] == "pm.md"


def test_a_named_record_never_imported_is_still_filled_in(fresh_kb, tmp_path):
    # `imported: null` on a record no import wrote (its References line names no postmortem): a response record,
    # filled in by the postmortem naming it as before
    made = CliRunner().invoke(cli, ["incident", "new", "--kb", str(fresh_kb), "-t", "ingest disk full", "-s", "sev2",
                                    "-d", "Disk full.", "--date", "2026-12-06", "--no-suggest", "--json"])  # fmt: skip
    iid = json.loads(made.stdout)["id"]
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    path.write_text(path.read_text().replace("severity: sev2\n", "severity: sev2\nimported: null\n"))
    r = import_file(fresh_kb, tmp_path / "pm.md", PM.format(iid=iid))
    assert r.exit_code == 0 and r.stdout.startswith(f"Updated incident {iid}"), r.output
    assert load_kb(fresh_kb).incidents[iid].sections["Detection"] == "The disk alert fired 20 minutes late."


def test_a_named_record_that_holds_what_the_postmortem_says_is_left_as_it_is(fresh_kb, tmp_path):
    # imported as a record of its own, `imported:` nulled, the postmortem then naming it: nothing differs, exit 0 as
    # of the record found by its References line alone, and still nothing written (it wrote `imported:` back)
    own = PM.replace("**Incident:** {iid}\n", "")
    first = import_file(fresh_kb, tmp_path / "pm.md", own, "--json")
    iid = json.loads(first.stdout)["incident"]
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    lines = path.read_text().split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("imported: {"))
    lines[at] = "imported: null"
    path.write_text("\n".join(lines))
    before = path.read_bytes()
    r = import_file(fresh_kb, tmp_path / "pm.md", PM.format(iid=iid))
    assert r.exit_code == 0, r.output
    assert r.stdout.startswith(f"Already imported as {iid} (named by its Incident line; "), r.output
    assert "it holds what this version says, nothing written" in " ".join(r.stdout.split()), r.output
    assert path.read_bytes() == before and r.stderr == ""


@pytest.mark.parametrize("folder", [False, True])
def test_the_postmortem_at_another_path_stops_too(fresh_kb, tmp_path, folder):
    # found in a re-read: the postmortem moved into the team's folder (`recur import postmortems/`) named the record
    # a person took over from another path: merged unasked, exit 0, `imported:` written back over the person's null
    # and the postmortem's corrected Detection stored as one the record keeps its own over (the bug fixed for pm.md)
    iid, path, pm = _taken_over(fresh_kb, tmp_path)
    before = path.read_bytes()
    moved = tmp_path / "postmortems" / "log-buffer.md"
    fixed = pm.replace("20 minutes late", "25 minutes late")
    if folder:
        moved.parent.mkdir()
        moved.write_text(fixed)
        args = ["import", *fake_model_flags(fresh_kb, fresh_kb.parent / "idx"), str(moved.parent), "--no-draft"]
        r = CliRunner().invoke(cli, args)
    else:
        r = import_file(fresh_kb, moved, fixed)
    assert r.exit_code == 3, r.output
    assert path.read_bytes() == before
    said = " ".join(r.stdout.split())
    assert f"Already imported as {iid} (named by its Incident line; a person took it over" in said, said
    assert "its References line names pm.md, not " in said and f"recur import {moved} --into {iid}" in said, said
    assert "Detection section" in said.split(f"it now differs from {iid} in: ")[1], said


def test_the_responders_title_alone_is_no_difference(fresh_kb, tmp_path):
    # found in a re-read: a record written during the response (its Summary the title only, so the first import
    # took the postmortem's), imported into, then only its `imported:` nulled: exit 3 every run, "it now differs
    # in: title (…)", though no merge writes a title over the record's (--into and --keep-record both keep it)
    made = CliRunner().invoke(cli, ["incident", "new", "--kb", str(fresh_kb), "-t", "ingest disk full", "-s", "sev2",
                                    "--date", "2026-12-06", "--no-suggest", "--json"])  # fmt: skip
    iid = json.loads(made.stdout)["id"]
    pm = PM.format(iid=iid)
    assert import_file(fresh_kb, tmp_path / "pm.md", pm).exit_code == 0
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    text = path.read_text()
    assert "ingest disk full" in text and "The log shipper's buffer filled /var" in text  # the Summary taken
    path.write_text("\n".join("imported: null" if ln.startswith("imported: {") else ln for ln in text.split("\n")))
    before = path.read_bytes()
    r = import_file(fresh_kb, tmp_path / "pm.md", pm)
    assert r.exit_code == 0, r.output
    said = " ".join(r.stdout.split())
    assert "it holds what this version says, nothing written" in said and "differs" not in said, said
    assert path.read_bytes() == before and r.stderr == ""


def test_into_says_the_responders_own_section_is_replaced(fresh_kb, tmp_path):
    # the Summary the responder wrote during the incident, which the first import kept ("Kept the record's Summary
    # section"), is replaced by --into: it was said "the postmortem's corrected; … a person's edit in it too",
    # though the postmortem corrected nothing and no person edited it since
    iid, path, pm = _taken_over(fresh_kb, tmp_path)
    r = import_file(fresh_kb, tmp_path / "pm.md", pm, "--into", iid, "--dry-run")
    assert r.exit_code == 0, r.output
    said = " ".join(r.stdout.split())
    assert "Summary section (the postmortem's corrected" not in said, said
    assert "Summary section (the postmortem's; the record's replaced, whoever wrote it: the responder's own text " \
        "an import kept, or a person's edit since" in said, said  # fmt: skip
    assert "Root cause section (the postmortem's; the record's replaced, whoever wrote it, as above)" in said, said
    # a record imported as the postmortem's own (its title), then named: its sections a person's edits, as before
    own = PM.replace("**Incident:** {iid}\n", "").replace("No size limit", "No cap")
    iid = json.loads(import_file(fresh_kb, tmp_path / "own.md", own, "--json").stdout)["incident"]
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    text = path.read_text().replace("No cap", "A person's cause")
    path.write_text("\n".join("imported: null" if ln.startswith("imported: {") else ln for ln in text.split("\n")))
    r = import_file(fresh_kb, tmp_path / "own.md", PM.format(iid=iid))
    assert r.exit_code == 3, r.output
    assert "where they differ, a person's edit in them replaced, and" in " ".join(r.stdout.split()), r.output
    r = import_file(fresh_kb, tmp_path / "own.md", PM.format(iid=iid), "--into", iid, "--dry-run")
    said = " ".join(r.stdout.split())
    assert (
        "Root cause section (the postmortem's corrected; the record's replaced, a person's edit in it too: " in said
    ), said
