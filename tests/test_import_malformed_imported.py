"""A record whose `imported:` was edited by hand into a wrong shape (a plain string, a list, a mapping missing
its source or sha256): `recur check` left the last two unsaid, the KB left a record in error out, and a second
`recur import` of the same postmortem wrote a second record of it (INC-…-0002). Found in review."""

import json
import re

import pytest
from click.testing import CliRunner
from import_helpers import import_file

from recur.cli.main import cli

PM = """\
# Postmortem: Nightly export stalls on a full scratch disk

**Date:** 2026-10-02
**Severity:** SEV-3

## Summary
The nightly export stalled for two hours when its scratch disk filled.
"""


@pytest.mark.parametrize(
    ("written", "field"),
    [
        ("pm.md", "imported"),  # a plain string
        ("[pm.md]", "imported"),  # a list
        ("{}", "imported"),  # a mapping with none of its keys
        ('{sha256: "abc"}', "imported.source"),  # a mapping missing its source
        ("{source: pm.md}", "imported.sha256"),  # and missing its hash
        ("{source: pm.md", "front matter"),  # YAML cannot read it: known by its References line and title
        ("5", "imported"),  # a number: `5.get`, a traceback (found in a last read)
        ("1.5", "imported"),
        ("true", "imported"),  # a boolean: the same
        ("false", "imported"),
    ],
)
def test_a_malformed_imported_is_an_error_and_a_reimport_refuses(fresh_kb, tmp_path, written, field):
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    assert first.exit_code == 0, first.output
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    text = record.read_text()
    line = text.split("\n").index(next(ln for ln in text.split("\n") if ln.startswith("imported: "))) + 1
    record.write_text(re.sub(r"^imported: .*$", f"imported: {written}", text, flags=re.M))

    check = CliRunner().invoke(cli, ["check", "--kb", str(fresh_kb)])
    assert check.exit_code == 1
    assert re.search(rf"{record.name}:{line}: {re.escape(field)}: ", check.output), check.output

    before = sorted(p.name for p in (fresh_kb / "incidents").rglob("*.md"))
    again = import_file(fresh_kb, tmp_path / "pm.md", PM)
    assert again.exit_code == 1, again.output
    said = again.stderr
    assert f"{record.name}:{line}: {field}: " in said and "nothing imported" in said and "Traceback" not in said
    # the hash to write in it (check's "imported.sha256: is required" named none), for a fault of imported:
    digest = re.search(r'^imported: \{"source": "pm.md", "sha256": "([0-9a-f]{64})"', text, flags=re.M)[1]
    assert (f'this version of it has sha256 "{digest}")' in said) == field.startswith("imported"), said
    assert sorted(p.name for p in (fresh_kb / "incidents").rglob("*.md")) == before  # no INC-…-0002


def test_another_postmortem_saved_at_the_same_path_is_still_imported(fresh_kb, tmp_path):
    """A record in error imported from pm.md blocks only the same document: a team that saves each postmortem as
    pm.md in turn imports the next one (as find_duplicate tells them apart, by title and date)."""
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    record.write_text(re.sub(r"^imported: .*$", "imported: pm.md", record.read_text(), flags=re.M))
    other = PM.replace("Nightly export stalls on a full scratch disk", "Login page down after a certificate expired")
    again = import_file(fresh_kb, tmp_path / "pm.md", other.replace("2026-10-02", "2026-11-20"), "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.stdout)["incident"] != record.stem


def test_a_record_whose_front_matter_yaml_cannot_read_is_known_by_this_document_s_hash(fresh_kb, tmp_path):
    """A hand edit that left `imported:`'s mapping unclosed: YAML reads none of the front matter, the KB leaves the
    record out, and a re-import wrote a second record of the postmortem (INC-…-0002; found re-reading fix-smalls).
    Its hash, still written there, says it is this document, whatever its title now says."""
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    text = re.sub(r"^(imported: .*)}$", r"\1", record.read_text(), flags=re.M)
    record.write_text(re.sub(r"^title: .*$", "title: Something else entirely", text, flags=re.M))
    again = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    assert again.exit_code == 1, again.output
    said = json.loads(again.stdout)["error"]
    assert f"{record.name}:" in said and ": front matter: YAML does not parse" in said, said
    assert "imported from this very document (its imported.sha256)" in said and "nothing imported" in said
    assert [p.name for p in (fresh_kb / "incidents").rglob("*.md")] == [record.name]


@pytest.mark.parametrize("written", ["null", "~", '""'])
def test_an_empty_imported_on_a_record_in_error_is_known_by_its_references_line(fresh_kb, tmp_path, written):
    """`imported:` left empty (null) is as if left out, no error; a record in error for another field is still
    known by its References line and refused, no traceback."""
    first = import_file(fresh_kb, tmp_path / "pm.md", PM, "--json")
    record = fresh_kb / "incidents" / "2026" / f"{json.loads(first.stdout)['incident']}.md"
    text = re.sub(r"^imported: .*$", f"imported: {written}", record.read_text(), flags=re.M)
    record.write_text(re.sub(r"^severity: .*$", "severity: sev99", text, flags=re.M))
    again = import_file(fresh_kb, tmp_path / "pm.md", PM)
    assert again.exit_code == 1, again.output
    said = again.stderr
    assert f"{record.name}:" in said and ": severity: " in said and "nothing imported" in said, said
    assert "pm.md (its References)" in said and "Traceback" not in said
    assert [p.name for p in (fresh_kb / "incidents").rglob("*.md")] == [record.name]
