"""A key of a pattern's `fix` (an incident's `review`) written at the top of the record, below a fix: that
has no such key: an outdented line. It was a team's own key to `recur check --strict`, which passed, and
the fix had no due date, so `recur report --fail-on overdue` missed it (found by a pattern author). It is
now a slip that --strict fails on and the report names as not read; a key of the team's own (no fix: to
come from, or one that has the key) still passes, and a key close to one of fix's is named with it."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import small_kb

from recur.cli.main import cli

DISK = "patterns/capacity/disk-full.md"
INCIDENT = "incidents/2026/INC-2026-0001.md"
OWN_KEY = "(kept, not used; a key of your own: --strict does not fail on it)"
# a top-level key recur.yml's own_keys may declare: the warning says how to stop it (RECUR_YML: its path as shown)
DECLARABLE = OWN_KEY[:-1] + "; to stop this warning, list it in RECUR_YML's own_keys)"


def _kb(tmp_path: Path, rel: str, before: str, lines: str) -> Path:
    """The small KB with ``lines`` written above the ``before`` line of file ``rel``."""
    kb = small_kb(tmp_path / "kb")
    path = kb / rel
    text = path.read_text()
    assert f"\n{before}" in text
    path.write_text(text.replace(f"\n{before}", f"\n{lines}{before}", 1))
    return kb


def _check(kb: Path, *args: str):
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb), "--today", "2026-12-05", "--stale-days", "0", *args])
    assert "Traceback" not in r.output and (r.exception is None or isinstance(r.exception, SystemExit)), r.output
    return r


def _said(kb: Path, rel: str, field: str, *args: str) -> list[str]:
    """What `recur check` says of ``field`` in file ``rel``, the lines as printed without their place."""
    out = _check(kb, *args).output.splitlines()
    return [ln.split(": ", 1)[1] for ln in out if ln.split(":")[0].endswith(rel) and ln.split(": ", 2)[1] == field]


def test_the_small_kb_passes_strict(tmp_path):
    assert _check(small_kb(tmp_path / "kb"), "--strict").exit_code == 0


@pytest.mark.parametrize(
    "fix",
    [
        "fix:\n  status: in-progress\n  owner: dba-team\n",  # as the author wrote it: due: one column left
        "fix:\n",  # every key of it outdented: fix: is empty (status and owner are the pattern's own then)
    ],
)
def test_a_due_outdented_out_of_fix_fails_strict_and_the_report_gate(tmp_path, fix):
    kb = _kb(tmp_path, DISK, "related:", f"{fix}due: 2026-11-15\n")
    fix_line = 1 + kb.joinpath(DISK).read_text().split("\n").index("fix:")
    said = _said(kb, DISK, "due")
    assert said == [
        f"due: warning: unknown key in front matter: due is a key of fix, and the fix: at line {fix_line} has no "
        "due: indent it under fix (kept, not used)"
    ], said
    if fix == "fix:\n":
        assert _check(kb).exit_code == 0  # a warning: the pattern stays in the KB, searchable
    else:
        assert _check(kb).exit_code == 0 and _check(kb, "--strict").exit_code == 1
    report = ["report", "--kb", str(kb), "--as-of", "2026-12-05"]
    board = json.loads(CliRunner().invoke(cli, [*report, "--format", "json"]).stdout)
    assert [(x["path"], x["field"]) for x in board["unread"]] == [(DISK, "due")]
    gate = CliRunner().invoke(cli, [*report, "--fail-on", "overdue"])
    assert gate.exit_code == 1 and f"{DISK}:" in gate.stderr and "(not read by the report: not checked)" in gate.stderr


def test_an_outdented_key_next_to_a_fix_that_has_it_or_with_no_fix_is_a_teams_own(tmp_path):
    """The lenient path is kept: with no fix: to come from, or beside a fix: that has a due of its own, a
    top-level due: may be the team's own key (a review date of the pattern): it does not fail --strict."""
    kb = _kb(tmp_path, DISK, "related:", "due: 2026-11-15\n")
    said = _said(kb, DISK, "due", "--strict")
    assert said == [
        "due: warning: unknown key in front matter: due is a key of fix; if it is fix's, write it under it, "
        f"'fix: {{due: ...}}' {OWN_KEY}"
    ], said
    assert _check(kb, "--strict").exit_code == 0

    kb = _kb(tmp_path / "b", DISK, "related:", "fix:\n  status: open\n  due: 2026-12-20\ndue: 2026-11-15\n")
    assert "is a key of fix; if it is fix's" in _said(kb, DISK, "due")[0]
    assert _check(kb, "--strict").exit_code == 0


def test_a_key_outdented_out_of_an_incidents_review_is_a_slip_but_not_its_own_status(tmp_path):
    """The same for an incident's review: a due: below a review: with none is its due date; a status: whose
    value a review's status does not take (resolved) is the incident's own, as before."""
    kb = _kb(tmp_path, INCIDENT, "flags:", "review:\n  level: full\ndue: 2026-05-01\nstatus: resolved\n")
    assert _said(kb, INCIDENT, "due") == [
        "due: warning: unknown key in front matter: due is a key of review, and the review: at line 8 has no "
        "due: indent it under review (kept, not used)"
    ]
    assert _said(kb, INCIDENT, "status")[0].endswith(OWN_KEY)
    assert _check(kb, "--strict").exit_code == 1


@pytest.mark.parametrize(
    "written, said",
    [
        ("due_date: 2026-11-15", f": did you mean 'fix: {{due: ...}}'? {DECLARABLE}"),
        ("ticket: DBA-42", f": did you mean 'fix: {{tickets: ...}}'? {DECLARABLE}"),
        ("target: web", f" {DECLARABLE}"),  # a team's own target, no date: no hint
    ],
)
def test_a_key_close_to_one_of_fix_beside_a_fix_is_named_with_it(tmp_path, written, said):
    """`due_date:` at the top beside a fix: was the bare "unknown key": it is named with the key of fix it
    is close to. Only a hint (--strict passes): `target:` or `eta:` may be the team's own, and recur.yml's
    own_keys may declare it (the warning says so)."""
    kb = _kb(tmp_path, DISK, "related:", f"fix:\n  status: open\n{written}\n")
    key = written.split(":")[0]
    said = said.replace("RECUR_YML", os.path.relpath(kb / "recur.yml"))
    assert _said(kb, DISK, key) == [f"{key}: warning: unknown key in front matter{said}"]
    assert _check(kb, "--strict").exit_code == 0
