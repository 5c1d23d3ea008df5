"""A re-import of a postmortem whose record a person edited (review, 2026-12): its `imported:` set to null or taken
out, a section the postmortem dropped, and what `--keep-record` says it kept and took on each later version."""

import json
import re

import pytest
from click.testing import CliRunner
from import_helpers import import_file

from recur.cli.main import cli
from recur.kb.loader import load_kb

PM = """\
# Postmortem: Nightly export stalls on a full scratch disk

**Date:** 2026-10-02
**Severity:** SEV-3

## Summary
The nightly export stalled for two hours when its scratch disk filled.

## Root cause
No cleanup of the scratch disk.
"""


def _records(kb) -> list[str]:
    return sorted(p.name for p in (kb / "incidents").rglob("*.md"))


def _unmark(record, how: str) -> int | None:
    """The record's `imported:` set to null (``how`` "null") or taken out ("gone"); the line it was on."""
    lines = record.read_text().split("\n")
    at = next(i for i, ln in enumerate(lines) if ln.startswith("imported: "))
    if how == "null":
        lines[at] = "imported: null"
    else:
        del lines[at]
    record.write_text("\n".join(lines))
    return at + 1 if how == "null" else None


@pytest.mark.parametrize("how", ["null", "gone"])
def test_a_record_whose_imported_a_person_removed_is_found_by_its_references_line(fresh_kb, tmp_path, how):
    # found in review: `imported: null` (or the block taken out) and the same postmortem imported again wrote
    # INC-2026-0002 beside it, a second record of one incident, said only as "has the same title and date"
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    assert first.exit_code == 0, first.output
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    line = _unmark(record, how)
    before = record.read_bytes()
    again = import_file(fresh_kb, tmp_path / "pm.md", PM)
    assert again.exit_code == 0, again.output
    assert _records(fresh_kb) == [record.name] and record.read_bytes() == before  # no INC-…-0002, nothing written
    said = " ".join(again.output.split())
    assert said.startswith(f"Already imported as {record.stem} (found by its References line: no imported: field)")
    where = f"{record.name}:{line}: imported: is null" if how == "null" else f"{record.name}: imported: is missing"
    assert where in said, said
    assert f"recur import {tmp_path / 'pm.md'} --into {record.stem}" in said, said
    # changed since: still no second record; exit 3, what differs named
    edited = import_file(fresh_kb, tmp_path / "pm.md", PM.replace("two hours", "three hours"))
    assert edited.exit_code == 3, edited.output
    assert f"it now differs from {record.stem} in: Summary section" in " ".join(edited.output.split())
    assert f"recur import {tmp_path / 'pm.md'} --into {record.stem} (exit 3)" in edited.stderr, edited.stderr
    assert "--keep-record" not in edited.stderr  # it has no imported: to count a version in
    assert _records(fresh_kb) == [record.name] and record.read_bytes() == before
    # --into it merges this version and writes imported: again, so the next run is a plain re-import
    into = import_file(fresh_kb, tmp_path / "pm.md", PM.replace("two hours", "three hours"), "--into", record.stem)
    assert into.exit_code == 0, into.output
    assert load_kb(fresh_kb).incidents[record.stem].imported["source"] == "pm.md"
    last = import_file(fresh_kb, tmp_path / "pm.md", PM.replace("two hours", "three hours"))
    assert last.exit_code == 0 and last.output.startswith(f"Already imported as {record.stem} (same content)")
    assert _records(fresh_kb) == [record.name]


def test_another_postmortem_saved_at_that_path_is_still_recorded(fresh_kb, tmp_path):
    # the References line alone is no proof: a team saving each postmortem as pm.md imports the next one
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    _unmark(record, "null")
    other = PM.replace("Nightly export stalls on a full scratch disk", "Login page down after a certificate expired")
    again = import_file(fresh_kb, tmp_path / "pm.md", other.replace("2026-10-02", "2026-11-20"), "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["incident"] != record.stem and len(_records(fresh_kb)) == 2
    assert re.search(r"^imported: null$", record.read_text(), flags=re.M)


OWN = """\
# Postmortem: Log buffer filled the ingest disks

**Date:** 2026-12-06
**Severity:** SEV-2

## Summary
The log shipper's buffer filled /var on every ingest node for 47 minutes.

## Root cause
No size limit on the shipper's file buffer.

## Detection
The disk alert fired 20 minutes late.

## Action Items
- [ ] Cap the buffer size per input (owner: Lena Fischer)
"""
NAMED = OWN.replace("**Severity:** SEV-2\n", "**Severity:** SEV-2\n**Incident:** {iid}\n")


def _record_of(kb, out) -> tuple[str, object]:
    iid = json.loads(out.stdout)["incident"]
    return iid, next((kb / "incidents").rglob(f"{iid}.md"))


def _edit(path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))


def test_keep_record_says_what_it_kept_and_took_on_every_later_version(fresh_kb, tmp_path):
    # found in review: --keep-record of a record of its own said what it took on its first line and what it kept
    # only folded into a note ("its Root cause section is the record's own"), the follow-up owner and the duration
    # a person set not at all as kept; a later version changing them again said what was taken alone
    iid, path = _record_of(fresh_kb, import_file(fresh_kb, tmp_path / "pm.md", OWN, "--json"))
    _edit(path, "No size limit on the shipper's file buffer.", "The shipper buffered to /var with no cap.")
    _edit(path, "duration_minutes: 47", "duration_minutes: 50")
    _edit(path, 'owner: "Lena Fischer"', 'owner: "Kim Lee"')
    v = OWN
    for n, (minutes, cause, owner) in enumerate([(52, "A config typo.", "Jo Park"), (55, "A template typo.", "Al Bo")]):
        v = re.sub(r"for \d+ minutes", f"for {minutes} minutes", v)
        v = re.sub(r"(## Root cause\n).*\n", rf"\1{cause}\n", v)
        v = re.sub(r"\(owner: [^)]*\)", f"(owner: {owner})", v)
        r = import_file(fresh_kb, tmp_path / "pm.md", v, "--keep-record")
        assert r.exit_code == 0, r.output
        lines = r.output.splitlines()
        assert lines[0].startswith(f"Updated incident {iid}: ") and "took what the document adds or corrects: " \
            "Summary section (the document's corrected;" in lines[0], (n, lines[0])  # fmt: skip
        kept = [ln for ln in lines if ln.startswith("Kept the record's ")]
        assert kept == [
            "Kept the record's Root cause section (a person edited it since the import wrote it; the document's "
            "differs)",
            "Kept the record's follow-ups as they are where the document says otherwise: 'Cap the buffer size per "
            f"input' (owner Kim Lee → {owner})",
            "Kept the record's Action items section (the one the import wrote: the document's contradicts the "
            "follow-ups it copies, which keep values it says otherwise: 'Cap the buffer size per input')",
            f"Kept the record's duration_minutes 50 (the corrected Summary says {minutes}; the text it replaced said "
            f"{[47, 52][n]}, so it may be set by hand: edit the record to take it)",
        ], (n, kept)
        out = json.loads(import_file(fresh_kb, tmp_path / "pm.md", v, "--json").stdout)
        assert out["already"]["by"] == "content"  # this version counted as imported: the next run is quiet
    inc = load_kb(fresh_kb).incidents[iid]
    assert inc.sections["Root cause"] == "The shipper buffered to /var with no cap." and inc.duration_minutes == 50
    assert "for 55 minutes" in inc.summary and inc.follow_ups[0].owner == "Kim Lee"
    assert "(owner: Lena Fischer)" in inc.sections["Action items"]  # the import's copy, as the person left it


def test_keep_record_of_a_record_0_2_0_imported_does_not_call_its_section_edited(fresh_kb, tmp_path):
    # found upgrading a 0.2.0 team KB: a record 0.2.0 imported keeps no section hashes, and --keep-record over a
    # corrected Root cause said "Kept the record's Root cause section (a person edited it since the import wrote
    # it; ...)" of a section no one had touched: it cannot tell, and says so
    iid, path = _record_of(fresh_kb, import_file(fresh_kb, tmp_path / "pm.md", PM, "--json"))
    text = path.read_text()
    as_0_2_0 = re.sub(r', "?(sections_sha256|summary_sha256|kept_sha256)"?: \{[^}]*\}', "", text)
    assert as_0_2_0 != text and "sha256" in as_0_2_0 and "sections_sha256" not in as_0_2_0, as_0_2_0
    path.write_text(as_0_2_0)
    corrected = PM.replace("No cleanup of the scratch disk.", "No cleanup job for the scratch disk's temp files.")
    held = import_file(fresh_kb, tmp_path / "pm.md", corrected)
    assert held.exit_code == 3, held.output  # held back, as 0.2.0 held it: the changelog's upgrade step
    r = import_file(fresh_kb, tmp_path / "pm.md", corrected, "--keep-record")
    assert r.exit_code == 0, r.output
    kept = [ln for ln in r.output.splitlines() if ln.startswith("Kept the record's ")]
    assert kept == [
        "Kept the record's Root cause section (the record keeps no hash of the text the import wrote, so an edit "
        "cannot be told from a correction; the document's differs)"
    ], r.output
    assert load_kb(fresh_kb).incidents[iid].sections["Root cause"] == "No cleanup of the scratch disk."


def test_keep_record_json_lists_what_it_kept(fresh_kb, tmp_path):
    iid, path = _record_of(fresh_kb, import_file(fresh_kb, tmp_path / "pm.md", OWN, "--json"))
    _edit(path, "No size limit on the shipper's file buffer.", "The shipper buffered to /var with no cap.")
    v2 = OWN.replace("No size limit", "No limit").replace("47 minutes", "52 minutes")
    r = import_file(fresh_kb, tmp_path / "pm.md", v2, "--keep-record", "--json")
    assert r.exit_code == 0, r.output
    said = json.loads(r.stdout)["already"]["kept_record"]
    assert said["sections"] == ["Root cause"] and said["removed"] == []
    assert said["kept"] == ["Root cause section (a person edited it since the import wrote it; the document's differs)"]


@pytest.mark.parametrize("how", ["keep-record", "into"])
def test_a_section_the_postmortem_dropped_leaves_the_record_unless_a_person_edited_it(fresh_kb, tmp_path, how):
    # found in review: a section the postmortem dropped since stayed in the record on every re-import, though no one
    # had edited it (its hash in imported.sections_sha256 the import's): an untouched one follows the postmortem,
    # taken out; one a person edited is kept, said, and its hash dropped (the record's own, left alone after)
    if how == "into":
        made = CliRunner().invoke(cli, ["incident", "new", "--kb", str(fresh_kb), "-t", "ingest disk full", "-s", "sev3",
                                        "-d", "Disk full.", "--date", "2026-12-06", "--no-suggest", "--json"])  # fmt: skip
        assert made.exit_code == 0, made.output
        iid = json.loads(made.stdout)["id"]
        v1 = NAMED.format(iid=iid)
        assert import_file(fresh_kb, tmp_path / "pm.md", v1).exit_code == 0
        path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    else:
        v1 = OWN
        iid, path = _record_of(fresh_kb, import_file(fresh_kb, tmp_path / "pm.md", v1, "--json"))
    assert "## Detection" in path.read_text()
    _edit(path, "No size limit on the shipper's file buffer.", "The shipper buffered to /var with no cap.")
    v2 = v1.replace("## Detection\nThe disk alert fired 20 minutes late.\n\n", "")
    v2 = v2.replace("## Root cause\nNo size limit on the shipper's file buffer.\n\n", "")
    held = import_file(fresh_kb, tmp_path / "pm.md", v2)
    if how == "keep-record":  # without the flag: nothing written, what differs said
        assert held.exit_code == 3, held.output
        assert "Detection section gone" in held.output and "Root cause section gone" in held.output, held.output
        dry = import_file(fresh_kb, tmp_path / "pm.md", v2, "--keep-record", "--dry-run")
        assert (
            "Kept the record's Root cause section (a person edited it since the import wrote it; the document no "
            "longer has it)"
            in dry.output
            and "would remove what it no longer has: Detection section" in dry.output
        )
        r = import_file(fresh_kb, tmp_path / "pm.md", v2, "--keep-record", "--json")
        assert r.exit_code == 0, r.output
        said = json.loads(r.stdout)["already"]["kept_record"]
        assert said["removed"] == [
            "Detection section (the document no longer has it; the record's was the one the import wrote, not "
            "edited since)"
        ], said  # fmt: skip
        assert said["kept"] == [
            "Root cause section (a person edited it since the import wrote it; the document no longer has it)"
        ], said  # fmt: skip
    else:
        assert held.exit_code == 0, held.output
        said = " ".join(held.output.split())
        assert "Removed: Detection section (the postmortem no longer has it; the record's was the one the import " \
            "wrote, not edited since)." in said, said  # fmt: skip
        assert "Kept the record's Root cause section (edited since the import wrote it; the postmortem no longer " \
            "has it)" in said, said  # fmt: skip
    inc = load_kb(fresh_kb).incidents[iid]
    assert "Detection" not in inc.sections and inc.sections["Root cause"] == "The shipper buffered to /var with no cap."
    assert "Detection" not in json.dumps(inc.imported) and "Root cause" not in json.dumps(inc.imported)
    check = CliRunner().invoke(cli, ["check", "--kb", str(fresh_kb), "--strict"])
    assert check.exit_code == 0, check.output
    again = import_file(fresh_kb, tmp_path / "pm.md", v2)  # the next scheduled run: quiet, the record as it is
    before = path.read_bytes()
    assert again.exit_code == 0 and again.output.startswith(f"Already imported as {iid}"), again.output
    assert path.read_bytes() == before


def _imported_as(kb, tmp_path, how: str, own: str = OWN) -> tuple[str, object, str]:
    """``own`` (a postmortem) imported as a record of its own (``how`` "keep-record") or into one recorded first
    ("into"): (its id, its path, the postmortem as imported)."""
    if how == "into":
        made = CliRunner().invoke(cli, ["incident", "new", "--kb", str(kb), "-t", "ingest disk full", "-s", "sev2",
                                        "-d", "Disk full.", "--date", "2026-12-06", "--no-suggest", "--json"])  # fmt: skip
        assert made.exit_code == 0, made.output
        iid = json.loads(made.stdout)["id"]
        v1 = own.replace("**Severity:** SEV-2\n", f"**Severity:** SEV-2\n**Incident:** {iid}\n")
        assert import_file(kb, tmp_path / "pm.md", v1).exit_code == 0
        return iid, next((kb / "incidents").rglob(f"{iid}.md")), v1
    return (*_record_of(kb, import_file(kb, tmp_path / "pm.md", own, "--json")), own)


def _imported_again(kb, tmp_path, how: str, text: str) -> str:
    """``text`` (a later version of the postmortem _imported_as imported) imported again, with --keep-record for a
    record of its own ("keep-record"), as it is for one it names ("into"): what it said, on one line."""
    extra = ["--keep-record"] if how == "keep-record" else []
    r = import_file(kb, tmp_path / "pm.md", text, *extra)
    assert r.exit_code == 0, r.output
    return " ".join(r.output.split())


def _owner_edited(kb, tmp_path, how: str) -> tuple[str, object, str]:
    """OWN imported (_imported_as), its follow-up's owner then changed in the front matter alone (Kim Lee): (its id,
    its path, the postmortem)."""
    iid, path, v1 = _imported_as(kb, tmp_path, how)
    _edit(path, 'owner: "Lena Fischer"', 'owner: "Kim Lee"')
    return iid, path, v1


@pytest.mark.parametrize("how", ["keep-record", "into"])
def test_the_action_items_copy_is_not_taken_where_it_contradicts_the_follow_ups_kept(fresh_kb, tmp_path, how):
    # found in review: the record's Action items (the import's copy of the follow-ups, no one had edited it) took
    # the document's version while the follow-up it copies kept the person's owner: the body said Jo Park, the
    # front matter (the board) Kim Lee. The copy stays the one the import wrote, said; the follow-up is kept
    iid, path, v1 = _owner_edited(fresh_kb, tmp_path, how)
    v2 = v1.replace("(owner: Lena Fischer)", "(owner: Jo Park)")
    said = _imported_again(fresh_kb, tmp_path, how, v2)
    assert "Kept the record's Action items section (the one the import wrote: the " in said, said
    assert "Action items section (the document's corrected" not in said, said
    assert "Action items section (the postmortem's corrected" not in said, said
    inc = load_kb(fresh_kb).incidents[iid]
    assert inc.follow_ups[0].owner == "Kim Lee" and "Jo Park" not in inc.sections["Action items"], path.read_text()
    _checked_and_settled(fresh_kb, tmp_path, path, v2)
    # once the follow-up agrees with the document (the owner set to its), the next version's copy is taken
    _owner_agrees(fresh_kb, iid)
    v3 = v2 + "- [ ] Page on buffer growth (owner: Jo Park)\n"
    _imported_again(fresh_kb, tmp_path, how, v3)
    assert "Page on buffer growth (owner: Jo Park)" in load_kb(fresh_kb).incidents[iid].sections["Action items"]


def _checked_and_settled(kb, tmp_path, path, text: str) -> None:
    """The record passes `recur check --strict`, and the next scheduled import of ``text`` writes nothing (exit 0)."""
    assert CliRunner().invoke(cli, ["check", "--kb", str(kb), "--strict"]).exit_code == 0
    before = path.read_bytes()
    again = import_file(kb, tmp_path / "pm.md", text)
    assert again.exit_code == 0 and path.read_bytes() == before, again.output


def _owner_agrees(kb, iid: str) -> None:
    """The record's first follow-up given the owner the postmortem says, Jo Park."""
    args = ["incident", "follow-up", "--kb", str(kb), iid, "1", "--owner", "Jo Park"]
    assert CliRunner().invoke(cli, args).exit_code == 0


def test_keep_record_says_the_record_s_own_value_it_kept(fresh_kb, tmp_path):
    # found in review: a value the document says otherwise was said as "Kept the record's title (Log buffer filled
    # ingest disks) (the document's; the record's kept)": the document's title, named as the record's
    iid, path = _record_of(fresh_kb, import_file(fresh_kb, tmp_path / "pm.md", OWN, "--json"))
    v2 = OWN.replace("filled the ingest", "filled ingest").replace("SEV-2", "SEV-1")
    r = import_file(fresh_kb, tmp_path / "pm.md", v2, "--keep-record", "--json")
    assert r.exit_code == 0, r.output
    assert json.loads(r.stdout)["already"]["kept_record"]["kept"] == [
        "title 'Log buffer filled the ingest disks' (the document's: 'Log buffer filled ingest disks')",
        "severity 'sev2' (the document's: 'sev1')",
    ]
    inc = load_kb(fresh_kb).incidents[iid]
    assert (inc.title, inc.severity) == ("Log buffer filled the ingest disks", "sev2")


def test_the_references_line_note_says_what_matched(fresh_kb, tmp_path):
    # found in review: a record found by its References line and its title alone (the postmortem's date corrected
    # since) was said to have "this postmortem's title and date"
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    _unmark(record, "null")
    again = import_file(fresh_kb, tmp_path / "pm.md", PM.replace("2026-10-02", "2026-10-03"))
    assert again.exit_code == 3, again.output
    said = " ".join(again.output.split())
    assert "names pm.md and it has this postmortem's title (its date differs): taken as" in said, said
    retitled = PM.replace("Nightly export stalls on a full scratch disk", "Nightly export stalls on full scratch")
    by_date = import_file(fresh_kb, tmp_path / "pm.md", retitled)
    said = " ".join(by_date.output.split())
    assert "names pm.md and it has this postmortem's date and a title sharing most of its words: taken as" in said
    assert _records(fresh_kb) == [record.name]


def _headings(path) -> list[str]:
    return re.findall(r"^## (.+)$", path.read_text(), flags=re.M)


def test_a_section_a_later_version_adds_goes_where_the_postmortem_has_it(fresh_kb, tmp_path):
    """A re-import of a version with a section the record lacks wrote it at the record's end, below References
    (found in review). It goes where the postmortem has it among the record's sections, the record's others in place:
    after the one before it in the postmortem (Detection after Root cause, the Leadup, read from Background, after
    the Summary); a record's own section (Notes) stays where the person put it."""
    v1 = OWN.replace("## Detection\nThe disk alert fired 20 minutes late.\n\n", "")
    iid, path = _record_of(fresh_kb, import_file(fresh_kb, tmp_path / "pm.md", v1, "--json"))
    _edit(path, "\n## Root cause\n", "\n## Notes\nAsk the vendor about a cap.\n\n## Root cause\n")
    before = _headings(path)
    assert before[-1] == "References" and "Detection" not in before, before
    v2 = OWN.replace("## Root cause\n", "## Background\nThe shipper was rolled out in May.\n\n## Root cause\n")
    r = import_file(fresh_kb, tmp_path / "pm.md", v2, "--keep-record")
    assert r.exit_code == 0, r.output
    after = _headings(path)
    assert [h for h in after if h not in ("Leadup", "Detection")] == before, after
    assert after.index("Leadup") == after.index("Summary") + 1, after
    assert after.index("Detection") == after.index("Root cause") + 1, after
    assert "\n\n## Leadup\nThe shipper was rolled out in May.\n\n## Notes\n" in path.read_text(), path.read_text()
    inc = load_kb(fresh_kb).incidents[iid]
    assert inc.sections["Detection"] == "The disk alert fired 20 minutes late."
    assert inc.sections["Leadup"] == "The shipper was rolled out in May."
    assert CliRunner().invoke(cli, ["check", "--kb", str(fresh_kb), "--strict"]).exit_code == 0


@pytest.mark.parametrize(
    "record, order, expected",
    [
        # none before it in the postmortem that the record has: before the nearest one after it
        (["## Impact", "x", "", "## References", "- r"], ["summary", "new", "impact"], ["New", "Impact", "References"]),
        # only the trailing sections before it: not after them, before them
        (["## Action items", "- a", "", "## References", "- r"], ["action items", "new"],
         ["New", "Action items", "References"]),
        # none of the record's in the postmortem at all: before Action items and References
        (["## Notes", "n", "", "## References", "- r"], ["new"], ["Notes", "New", "References"]),
        # the record has none of those: at its end
        (["## Notes", "n"], ["new"], ["Notes", "New"]),
    ],
)  # fmt: skip
def test_where_a_new_section_goes_without_one_before_it(record, order, expected):
    from recur.ingest.pm_merge import _insert

    body = list(record)
    _insert(body, "New", "text", order)
    assert re.findall(r"^## (.+)$", "\n".join(body), flags=re.M) == expected, body
    assert "## New\ntext\n" in "\n".join(body) + "\n"


def test_a_section_a_later_version_adds_into_a_record_goes_where_the_postmortem_has_it(fresh_kb, tmp_path):
    """As above, a postmortem merged into a record recorded first (it names the incident): Detection after Root
    cause, not below References."""
    made = CliRunner().invoke(cli, ["incident", "new", "--kb", str(fresh_kb), "-t", "ingest disk full", "-s", "sev3",
                                    "-d", "Disk full.", "--date", "2026-12-06", "--no-suggest", "--json"])  # fmt: skip
    iid = json.loads(made.stdout)["id"]
    v2 = NAMED.format(iid=iid)
    v1 = v2.replace("## Detection\nThe disk alert fired 20 minutes late.\n\n", "")
    assert import_file(fresh_kb, tmp_path / "pm.md", v1).exit_code == 0
    path = next((fresh_kb / "incidents").rglob(f"{iid}.md"))
    before = _headings(path)
    r = import_file(fresh_kb, tmp_path / "pm.md", v2)
    assert r.exit_code == 0 and "Detection section" in r.output, r.output
    after = _headings(path)
    assert [h for h in after if h != "Detection"] == before and before[-1] == "References", after
    assert after.index("Detection") == after.index("Root cause") + 1, after
    assert load_kb(fresh_kb).incidents[iid].sections["Detection"] == "The disk alert fired 20 minutes late."


@pytest.mark.parametrize("how", ["keep-record", "into"])
def test_the_action_items_copy_kept_gains_the_rows_of_new_follow_ups(fresh_kb, tmp_path, how):
    # found in a re-read: while a follow-up kept the record's owner, the import's copy of the Action items was kept
    # whole, and a follow-up the postmortem added reached the front matter (the board) but not the table. The kept
    # copy now gains the new item's row as the postmortem writes it; the disagreeing row stays the record's
    iid, path, v1 = _owner_edited(fresh_kb, tmp_path, how)
    v2 = v1.replace("(owner: Lena Fischer)", "(owner: Jo Park)") + "- [ ] Page on buffer growth (owner: Jo Park)\n"
    said = _imported_again(fresh_kb, tmp_path, how, v2)
    assert "Kept the record's Action items section (the one the import wrote: the " in said, said
    assert "Action items section (the rows of the follow-ups the " in said and "'Page on buffer growth'" in said, said
    inc = load_kb(fresh_kb).incidents[iid]
    assert [f.title for f in inc.follow_ups] == ["Cap the buffer size per input", "Page on buffer growth"]
    assert inc.follow_ups[0].owner == "Kim Lee"
    assert inc.sections["Action items"].split("\n") == [
        "- [ ] Cap the buffer size per input (owner: Lena Fischer)",
        "- [ ] Page on buffer growth (owner: Jo Park)",
    ], path.read_text()
    _checked_and_settled(fresh_kb, tmp_path, path, v2)
    # the copy is still the import's: once the follow-up agrees, the next version's is taken whole
    _owner_agrees(fresh_kb, iid)
    v3 = v2.replace("Page on buffer growth (owner: Jo Park)", "Page on buffer growth (owner: Jo Park, due 2026-12-20)")
    _imported_again(fresh_kb, tmp_path, how, v3)
    assert "(owner: Jo Park, due 2026-12-20)" in load_kb(fresh_kb).incidents[iid].sections["Action items"]


@pytest.mark.parametrize("how", ["keep-record", "into"])
def test_a_follow_up_the_postmortem_renames_keeps_its_row_as_the_record_names_it(fresh_kb, tmp_path, how):
    # found in a re-read: an item renamed in the postmortem (the same ticket) is the record's follow-up, its title
    # kept in the front matter, yet a rename was no disagreement: the table took the new name, and the two named
    # the follow-up otherwise. A rename is a value the record keeps: its row stays as the record has it
    own = OWN.replace("(owner: Lena Fischer)", "(owner: Lena Fischer, OPS-12)")
    iid, path, v1 = _imported_as(fresh_kb, tmp_path, how, own)
    v2 = v1.replace("Cap the buffer size per input", "Cap the shipper's buffer per input")
    said = _imported_again(fresh_kb, tmp_path, how, v2)
    assert "Kept the record's Action items section (the one the import wrote: the " in said, said
    inc = load_kb(fresh_kb).incidents[iid]
    assert [(f.title, f.ticket) for f in inc.follow_ups] == [("Cap the buffer size per input", "OPS-12")]
    assert "Cap the buffer size per input" in inc.sections["Action items"], path.read_text()
    assert "shipper's" not in inc.sections["Action items"], path.read_text()


def test_a_record_whose_imported_a_person_removed_is_found_from_another_path(fresh_kb, tmp_path):
    # found in review: the same postmortem imported again from another path (moved, saved under another name) was
    # written as INC-…-0002 beside the record whose imported: a person had set to null; its References line names
    # the first path, and with no digest left, the same title and date say it is this postmortem's record
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    line = _unmark(record, "null")
    before = record.read_bytes()
    moved = tmp_path / "archive" / "export-final.md"
    again = import_file(fresh_kb, moved, PM)
    assert again.exit_code == 0, again.output
    assert _records(fresh_kb) == [record.name] and record.read_bytes() == before
    said = " ".join(again.output.split())
    assert said.startswith(f"Already imported as {record.stem} (found by its References line: no imported: field)")
    assert f"{record.name}:{line}: imported: is null" in said, said
    assert "its References line names pm.md, not archive/export-final.md (imported from another path) and it has this " \
        "postmortem's title and date, and its Summary and Root cause sections" in said, said  # fmt: skip
    assert f"recur import {moved} --into {record.stem}" in said, said
    # edited there: still no second record; exit 3, what differs named
    edited = import_file(fresh_kb, moved, PM.replace("two hours", "three hours"))
    assert edited.exit_code == 3, edited.output
    assert f"it now differs from {record.stem} in: Summary section" in " ".join(edited.output.split())
    assert _records(fresh_kb) == [record.name] and record.read_bytes() == before


def test_from_another_path_a_shared_ticket_finds_a_retitled_postmortem(fresh_kb, tmp_path):
    # a ticket of the postmortem's (kept in References) the record has too is this postmortem's, its title corrected
    ticketed = PM.replace("**Severity:** SEV-3\n", "**Severity:** SEV-3\n**Jira:** OPS-4411\n")
    first = import_file(fresh_kb, tmp_path / "pm.md", ticketed, "--json")
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    _unmark(record, "gone")
    retitled = ticketed.replace("Nightly export stalls on a full scratch disk", "Export job stuck: /scratch at 100%")
    again = import_file(fresh_kb, tmp_path / "moved" / "export.md", retitled)
    assert again.exit_code == 3, again.output  # the title differs: said, not written
    said = " ".join(again.output.split())
    assert f"{record.name}: imported: is missing" in said, said
    assert (
        "and it has this postmortem's ticket OPS-4411 and its date, and its Summary and Root cause sections: taken as"
        in said
    ), said
    assert _records(fresh_kb) == [record.name]


def test_from_another_path_another_postmortem_of_the_day_is_recorded(fresh_kb, tmp_path):
    # the date alone is a team's second postmortem of the day saved under another name; a title alone, a title
    # its postmortems share: each a new incident, the record whose imported: is null left as it is
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    _unmark(record, "null")
    before = record.read_bytes()
    other = PM.replace("Nightly export stalls on a full scratch disk", "Login page down after a certificate expired")
    assert import_file(fresh_kb, tmp_path / "b" / "login.md", other).exit_code == 0
    later = import_file(fresh_kb, tmp_path / "c" / "export.md", PM.replace("2026-10-02", "2026-11-20"))
    assert later.exit_code == 0, later.output
    assert len(_records(fresh_kb)) == 3 and record.read_bytes() == before


EVENING = """\
# Postmortem: Export API slow after the orders index rebuild

**Date:** 2026-10-02
**Severity:** SEV-3

## Summary
From 18:40 to 19:05 UTC the export API answered in 4 s: migration 0412 rebuilt the orders index without
CONCURRENTLY and every lookup did a full scan.

## Root cause
Migrations are not linted for blocking index builds.

## References
- Jira: DB-76
- Epic: OPS-4000
"""

NEXT_WEEK = """\
# Postmortem: Weekly DB failover test

**Date:** 2026-11-12
**Severity:** SEV-4

## Summary
The failover test failed: PgBouncer kept sending writes to the old primary for 90 s (its DNS cache).

## Impact
None: the test runs in the Sunday maintenance window.

## Root cause
PgBouncer's dns_max_ttl left at its default.

## References
- Runbook ticket: OPS-12
"""


@pytest.mark.parametrize("case", ["epic of the day", "recurring title"])
def test_from_another_path_another_incident_sharing_a_ticket_is_recorded(fresh_kb, tmp_path, case):
    # found in a re-read: the evening's postmortem (the day's epic, OPS-4000, in its References) was taken for the
    # morning's record, and week 46's "Weekly DB failover test" (its runbook's ticket) for week 45's: "Already
    # imported", nothing written, exit 3, and the --into it named replaced the other incident's sections
    if case == "epic of the day":
        first_text = PM + "\n## References\n- Jira: OPS-3990\n- Epic: OPS-4000\n"
        second = EVENING
    else:
        first_text = (
            NEXT_WEEK.replace("2026-11-12", "2026-11-05")
            .replace(
                "The failover test failed: PgBouncer kept sending writes to the old primary for 90 s (its DNS cache).",
                "Failing over took 4 minutes, not 30 s: the replica was 12 GB of WAL behind.",
            )
            .replace("PgBouncer's dns_max_ttl left at its default.", "A bulk import the night before.")
        )
        second = NEXT_WEEK
    first = import_file(fresh_kb, tmp_path / "a" / "first.md", first_text, "--json")
    assert first.exit_code == 0, first.output
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    _unmark(record, "null")
    before = record.read_bytes()
    again = import_file(fresh_kb, tmp_path / "b" / "second.md", second, "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["incident"] != record.stem and len(_records(fresh_kb)) == 2
    assert record.read_bytes() == before
    # --into the other record reads it as a person's own: its sections kept, not replaced by this postmortem's
    into = import_file(fresh_kb, tmp_path / "b" / "second.md", second, "--into", record.stem, "--dry-run")
    assert "the record's replaced" not in into.output, into.output


def test_into_a_record_whose_imported_a_person_removed_says_a_persons_edit_is_replaced(fresh_kb, tmp_path):
    # found in a re-read: the on-call's line added to the Summary was replaced, said "Added: Summary section (the
    # postmortem's corrected; …: the record's read as the import's)", and the note naming --into said "merge"
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    iid = json.loads(first.stdout)["incident"]
    record = fresh_kb / "incidents" / "2026" / f"{iid}.md"
    line = _unmark(record, "null")
    record.write_text(record.read_text().replace("filled.\n", "filled.\nOn-call: customers told at 10:05.\n", 1))
    fixed = PM.replace("two hours", "three hours").replace("No cleanup", "No cleanup job")
    note = " ".join(import_file(fresh_kb, tmp_path / "pm.md", fixed).output.split())
    assert f"--into {iid} (it takes this version's sections where they differ, a person's edit in them replaced: " \
        "--dry-run first)" in note, note  # fmt: skip
    dry = " ".join(import_file(fresh_kb, tmp_path / "pm.md", fixed, "--into", iid, "--dry-run").output.split())
    assert "Summary section (the postmortem's corrected; the record's replaced, a person's edit in it too: " in dry, dry
    assert f"{record.name}:{line}: imported: is null, so no hash tells" in dry, dry
    assert "Root cause section (the postmortem's corrected; the record's replaced, a person's edit in it too, as " \
        "above)" in dry, dry  # fmt: skip
    assert "On-call" in record.read_text()


@pytest.mark.parametrize("where", ["pm.md", "archive/export-final.md"])
def test_into_a_record_whose_imported_a_person_removed_takes_a_corrected_summary(fresh_kb, tmp_path, where):
    # found in review: --into (the command the re-import names) said the corrected Summary "kept, not written",
    # exit 0, and wrote imported: with this version's digest: the next import said "Already imported" and the
    # correction was lost. It is this document's record (its References line): its sections are the import's
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    iid = json.loads(first.stdout)["incident"]
    record = fresh_kb / "incidents" / "2026" / f"{iid}.md"
    line = _unmark(record, "null")
    fixed = PM.replace("two hours", "three hours").replace("No cleanup", "No cleanup job")
    into = import_file(fresh_kb, tmp_path / where, fixed, "--into", iid)
    assert into.exit_code == 0, into.output
    said = " ".join(into.output.split())
    why = f"{record.name}:{line}: imported: is null, so no hash tells a person's edit from the import's text"
    for section in ("Summary", "Root cause"):
        assert f"{section} section (the postmortem's corrected; the record's replaced, a person's edit in it too" \
            in said, said  # fmt: skip
    assert why in said, said
    inc = load_kb(fresh_kb).incidents[iid]
    assert "three hours" in inc.sections["Summary"] and "No cleanup job" in inc.sections["Root cause"]
    assert inc.imported["source"] == where and set(inc.imported["sections_sha256"]) >= {"Summary", "Root cause"}
    last = import_file(fresh_kb, tmp_path / where, fixed)
    assert last.exit_code == 0 and last.output.startswith(f"Already imported as {iid} (same content)"), last.output
    # the next correction is taken as of a record no one edited
    again = import_file(fresh_kb, tmp_path / where, fixed.replace("three hours", "four hours"), "--into", iid)
    assert again.exit_code == 0 and "four hours" in load_kb(fresh_kb).incidents[iid].sections["Summary"]
    assert _records(fresh_kb) == [record.name]
