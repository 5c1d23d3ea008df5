"""A device name Windows reserves (CON, PRN, AUX, NUL, COM1-COM9, LPT1-LPT9, in any letter case, with any extension)
is no id or category of a new file or folder: `git checkout` of a KB holding CON.md fails for a team's Windows users.
Found by fuzzing: `recur incident new --id CON` wrote CON.md. The one check is kb.schema.name_fits; `recur check`
warns of such a file already there."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from click.testing import CliRunner
from kbfactory import fake_model_flags, small_kb

from recur.cli.main import cli
from recur.kb.incident_record import NewIncident, record_incident
from recur.kb.loader import load_kb
from recur.util.errors import RecurError

WHY = "which Windows reserves (CON, PRN, AUX, NUL, COM1-COM9, LPT1-LPT9: in any letter case, with any extension)"


def run(*args, input=None):
    r = CliRunner().invoke(cli, [str(a) for a in args], input=input)
    assert "Traceback" not in r.output, r.output
    return r


@pytest.mark.parametrize(
    ("name", "device"),
    [("CON", "CON"), ("con", "CON"), ("Con.md", "CON"), ("nul.tar.gz", "NUL"), ("AUX .md", "AUX"), ("com1", "COM1"),
     ("LPT9", "LPT9"), ("com\u00b9", "COM\u00b9"), ("prn.2026", "PRN"), ("COM10", None), ("lpt0", None),
     ("console", None), ("con-1", None), ("INC-2026-0001", None), ("auxiliary.md", None)],
)  # fmt: skip
def test_windows_reserved_names_the_device(name, device):
    from recur.kb.schema import windows_reserved

    assert windows_reserved(name) == device


def test_incident_new_refuses_a_reserved_id_naming_the_flag_and_why(tmp_path):
    kb = small_kb(tmp_path / "kb")
    before = sorted(kb.rglob("*"))
    r = run("incident", "new", "--kb", kb, "-t", "Disk full", "-s", "sev2", "--no-suggest", "--id", "Con.1")
    assert r.exit_code == 2, r.output
    assert f"Error: Invalid value for '--id': 'Con.1' names the device CON, {WHY}" in r.stderr, r.stderr
    assert "cannot be checked out on Windows" in r.stderr and sorted(kb.rglob("*")) == before


def test_a_library_call_is_refused_naming_its_field(tmp_path):
    kb = small_kb(tmp_path / "kb")
    new = NewIncident(title="Disk full", severity="sev2", date=dt.date(2026, 5, 2), iid="aux")
    with pytest.raises(RecurError, match="^iid: 'aux' names the device AUX, which Windows reserves"):
        record_incident(load_kb(kb), new)
    assert not list((kb / "incidents").rglob("aux*"))


@pytest.mark.parametrize("command", [["new", "pattern", "--category", "capacity", "--severity", "sev2",
                                      "--symptom", "x"], ["new", "path", "--step", "disk-full"]])  # fmt: skip
def test_an_id_made_from_a_title_that_is_reserved_is_refused_and_says_so(tmp_path, command):
    """`recur new pattern --title Con` made the id con (con.md); no --id was given, so the refusal names the title."""
    kb = small_kb(tmp_path / "kb")
    before = sorted(kb.rglob("*"))
    r = run(*command[:2], "--kb", kb, "--no-input", "--title", "Con", *command[2:])
    assert r.exit_code == 1, r.output
    assert f"--id: the id made from the title, 'con', names the device CON, {WHY}" in r.stderr, r.stderr
    assert r.stderr.rstrip().endswith("give another with --id") and sorted(kb.rglob("*")) == before


def test_an_import_draft_is_not_named_with_a_reserved_id(tmp_path):
    """`recur import` names its draft pattern from the postmortem's title: a title "Con" made con.md."""
    from recur.kb.schema import windows_reserved

    kb = small_kb(tmp_path / "kb")
    pm = tmp_path / "pm.md"
    pm.write_text("# Con\n\nDate: 2026-03-04\nSeverity: sev2\n\n## Summary\nThe con job never ran.\n")
    args = ("import", pm, "--kb", kb, *fake_model_flags(kb, tmp_path / "index"), "--category", "capacity", "--json")
    r = run(*args)
    assert r.exit_code == 0, r.output
    drafts = [p.name for p in (kb / "patterns").rglob("*.md") if windows_reserved(p.name)]
    assert drafts == [] and json.loads(r.stdout)["draft"]["id"] == "con-2", r.stdout


def test_check_warns_of_a_file_or_folder_with_a_reserved_name(tmp_path):
    """A KB written before (or by hand) may hold one: a warning naming the file, not an error, since the KB reads as
    any other everywhere else (`recur check` keeps passing), and `--strict`, CI's, fails until it is renamed."""
    kb = small_kb(tmp_path / "kb")
    record = next((kb / "incidents").rglob("INC-2026-0001.md"))
    record.rename(record.with_name("CON.md"))
    record.with_name("CON.md").write_text(record.with_name("CON.md").read_text().replace("INC-2026-0001", "CON"))
    (kb / "patterns" / "aux").mkdir()
    r = run("check", "--kb", kb, "--stale-days", "0")
    assert r.exit_code == 0, r.output
    for shown in ("incidents/2026/CON.md", "patterns/aux"):
        line = next((x for x in r.stdout.splitlines() if f"{shown}:1: file: warning: " in x), None)
        name = shown.rsplit("/", 1)[1]
        assert line is not None and f"'{name}' names the device {name.upper().split('.')[0]}, {WHY}" in line, r.stdout
    assert "rename it (an id is its file's name: its id: line too)" in r.stdout
    assert run("check", "--kb", kb, "--stale-days", "0", "--strict").exit_code == 1
    assert "CON" in load_kb(kb).incidents  # read as before
