"""A bad flag value is click's usage error, exit 2, naming the flag, whichever flag and command: the command
line is what is wrong, whatever the KB holds (docs/cli.md, Exit status). A CLI survey found a date, an id, a
category, a severity or a missing file refused with `Error: --date: …`, exit 1, where a number out of range
or a value not among the choices was exit 2 (`Invalid value for '--top': …`): a script could not tell a
mistake in its own command line from one in the KB."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import small_kb

from recur.cli.main import cli

INC = "INC-2026-0001"
NEW_INCIDENT = ["incident", "new", "-t", "checkout slow", "--no-suggest", "--dry-run"]
NEW_PATTERN = ["new", "pattern", "--no-input", "--title", "Queue backs up", "--symptom", "jobs wait"]
NEW_RECORD = ["new", "incident", "--no-input", "-t", "checkout slow"]

# (the command line after `recur`, with KB for the small KB and PM for a postmortem file; the flag named)
CASES = [
    (["check", "--kb", "KB", "--today", "2026-02-30"], "--today"),
    (["check", "--kb", "KB", "--today", "tomorrow"], "--today"),
    (["eval", "--kb", "KB", "--cases", "MISSING"], "--cases"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--date", "2026-02-30"], "--date"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--review-due", "soon"], "--review-due"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--review-done", "2026-13-01"], "--review-done"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--review-done", "2026-06-02"], "--review-done"),  # after today
    (["import", "PM", "--kb", "KB", "--dry-run", "--severity", "sev9"], "--severity"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--id", "INC 1"], "--id"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--category", "Data Stores"], "--category"),
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev9"], "--severity"),
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev2", "--date", "2026-02-30"], "--date"),
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev2", "--review-due", "next week"], "--review-due"),
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev2", "--id", "../INC-1"], "--id"),
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev2", "--review-level", "big"], "--review-level"),
    (["incident", "list", "--kb", "KB", "--since", "march"], "--since"),
    (["incident", "list", "--kb", "KB", "--days", "0"], "--days"),
    (["incident", "review", INC, "--kb", "KB", "--due", "2026-04-31"], "--due"),
    (["incident", "review", INC, "--kb", "KB", "--done", "--on", "2026-06-02"], "--on"),  # after today
    (["incident", "follow-up", INC, "--kb", "KB", "--add", "Alert on pool use", "--due", "soon"], "--due"),
    (["incident", "follow-up", INC, "1", "--kb", "KB", "--done", "--on", "06/01/2026"], "--on"),
    ([*NEW_RECORD, "--kb", "KB", "-s", "sev9"], "--severity"),
    ([*NEW_RECORD, "--kb", "KB", "-s", "sev2", "--date", "2026-02-30"], "--date"),
    ([*NEW_RECORD, "--kb", "KB", "-s", "sev2", "--id", "INC 1"], "--id"),
    ([*NEW_PATTERN, "--kb", "KB", "--category", "capacity", "--severity", "sev9"], "--severity"),
    ([*NEW_PATTERN, "--kb", "KB", "--category", "capacity", "--severity", "sev2", "--id", "Queue_Backs_Up"], "--id"),
    ([*NEW_PATTERN, "--kb", "KB", "--category", "Data Stores", "--severity", "sev2"], "--category"),
    (
        ["new", "path", "--no-input", "--kb", "KB", "--title", "Week one", "--step", "disk-full", "--id", "Week 1"],
        "--id",
    ),
    (["report", "--kb", "KB", "--as-of", "2026-02-30"], "--as-of"),
    (["report", "--kb", "KB", "--as-of", ""], "--as-of"),  # found by fuzzing: the board of today, without a word
    (["site", "--kb", "KB", "--out", "OUT", "--as-of", ""], "--as-of"),
    (["report", "--kb", "KB", "--limit", "0"], "--limit"),
    (["site", "--kb", "KB", "--out", "OUT", "--as-of", "now"], "--as-of"),
    (["site", "--kb", "KB", "--out", "OUT", "--config", "MISSING"], "--config"),
    (["site", "--kb", "KB", "--out", "OUT", "--model-dir", "MISSING"], "--model-dir"),
    (["init", "NEW", "--wheel", "MISSING"], "--wheel"),
    (["suggest", "--kb", "KB", "--top", "0", "disk full"], "--top"),
    # a device name Windows reserves (found by fuzzing: CON.md, which a team's Windows users cannot check out)
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev2", "--id", "CON"], "--id"),
    ([*NEW_RECORD, "--kb", "KB", "-s", "sev2", "--id", "nul.2026"], "--id"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--id", "Com1"], "--id"),
    ([*NEW_PATTERN, "--kb", "KB", "--category", "capacity", "--severity", "sev2", "--id", "aux"], "--id"),
    ([*NEW_PATTERN, "--kb", "KB", "--category", "lpt9", "--severity", "sev2"], "--category"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--category", "prn"], "--category"),
    (["new", "path", "--no-input", "--kb", "KB", "--title", "Week one", "--step", "disk-full", "--id", "con"], "--id"),
    # an id or a category too long for a file's name (found by fuzzing: "File name too long" at the write)
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev2", "--id", "x" * 300], "--id"),
    ([*NEW_RECORD, "--kb", "KB", "-s", "sev2", "--id", "x" * 201], "--id"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--id", "x" * 300], "--id"),
    ([*NEW_PATTERN, "--kb", "KB", "--category", "capacity", "--severity", "sev2", "--id", "x" * 300], "--id"),
    ([*NEW_PATTERN, "--kb", "KB", "--category", "c" * 300, "--severity", "sev2"], "--category"),
    (
        ["new", "path", "--no-input", "--kb", "KB", "--title", "Week one", "--step", "disk-full", "--id", "w" * 300],
        "--id",
    ),
]


def _kb_and_postmortem(tmp_path: Path, monkeypatch) -> tuple[Path, Path]:
    """The small KB and a postmortem to import, the date fixed, the fake encoder and an index of the test's own."""
    kb = small_kb(tmp_path / "kb")
    pm = tmp_path / "pm.md"
    pm.write_text("# Postmortem: checkout 502s\n\nDate: 2026-03-04\nSeverity: sev2\n\n## Summary\nCheckout 502s.\n")
    monkeypatch.setenv("RECUR_TODAY", "2026-06-01")
    monkeypatch.setenv("RECUR_MODEL", "fake:64")
    monkeypatch.setenv("RECUR_INDEX", str(tmp_path / "index"))
    return kb, pm


def _case_id(args: list, flag: str) -> str:
    return "-".join([*args[: 2 if args[0] in ("incident", "new") else 1], flag.lstrip("-")])


@pytest.mark.parametrize(("args", "flag"), CASES, ids=[_case_id(a, f) for a, f in CASES])
def test_a_bad_flag_value_is_a_usage_error_naming_the_flag(tmp_path, monkeypatch, args, flag):
    kb, pm = _kb_and_postmortem(tmp_path, monkeypatch)
    where = {"KB": kb, "PM": pm, "MISSING": tmp_path / "missing", "OUT": tmp_path / "site", "NEW": tmp_path / "new"}
    before = sorted(kb.rglob("*"))
    res = CliRunner().invoke(cli, [str(where.get(a, a)) for a in args])
    assert res.exit_code == 2, res.output
    assert f"Error: Invalid value for '{flag}'" in res.output and "Traceback" not in res.output, res.output
    assert sorted(kb.rglob("*")) == before  # nothing written


@pytest.mark.parametrize(
    "variable, value, args, flag",
    [
        ("RECUR_STALE_DAYS", "abc", ["check", "--kb", "KB"], "--stale-days"),
        ("RECUR_SIMILAR_THRESHOLD", "2", ["check", "--kb", "KB"], "--similar-threshold"),
        ("RECUR_MIN_RECALL3", "high", ["eval", "--kb", "KB"], "--min-recall3"),
        ("RECUR_INDEX", "FILE", ["suggest", "--kb", "KB", "disk full"], "--index"),
        ("RECUR_INDEX", "FILE", ["incident", "new", "--kb", "KB", "-t", "x", "-s", "sev2", "--dry-run"], "--index"),
    ],
)
def test_a_bad_value_from_a_variable_names_the_variable(tmp_path, monkeypatch, variable, value, args, flag):
    """Found in a CLI review: `RECUR_STALE_DAYS=abc recur check` said "Invalid value for '--stale-days'", a flag
    the user never passed (RECUR_MIN_RECALL3, RECUR_SIMILAR_THRESHOLD and RECUR_INDEX the same), where
    RECUR_SITE_URL and RECUR_TODAY said "(from RECUR_SITE_URL)". Every option read from its variable says it."""
    kb = small_kb(tmp_path / "kb")
    (tmp_path / "FILE").write_text("not a folder\n")
    monkeypatch.setenv("RECUR_MODEL", "fake:64")  # the runs that get past the flags build an index: a quick one
    monkeypatch.setenv(variable, str(tmp_path / value) if value == "FILE" else value)
    r = CliRunner().invoke(cli, [str(kb) if a == "KB" else a for a in args])
    assert r.exit_code == 2, r.output
    assert f"Invalid value for '{flag}'" in r.stderr and f"(from {variable})" in r.stderr, r.stderr
    assert r.stderr.count(f"(from {variable})") == 1, r.stderr
    given = value if value != "FILE" else str(tmp_path / "index")  # a folder in tmp_path, not in the current one
    r = CliRunner().invoke(cli, [str(kb) if a == "KB" else a for a in args] + [flag, given])
    assert "(from RECUR_" not in r.output  # given on the command line: the flag alone, as before


def test_a_kb_folder_not_found_from_recur_kb_names_the_variable(tmp_path, monkeypatch):
    """`RECUR_KB=/nope/kb recur check`: "knowledge base folder not found: /nope/kb" named no variable."""
    monkeypatch.setenv("RECUR_KB", str(tmp_path / "nope" / "kb"))
    r = CliRunner().invoke(cli, ["check"])
    assert r.exit_code == 1, r.output
    assert f"knowledge base folder not found: {tmp_path / 'nope' / 'kb'} (from RECUR_KB)" in r.stderr, r.stderr
    r = CliRunner().invoke(cli, ["check", "--kb", str(tmp_path / "nope" / "kb")])
    assert r.exit_code == 1 and "knowledge base folder not found" in r.stderr and "(from RECUR_KB)" not in r.stderr


@pytest.mark.parametrize(
    ("value", "said"),
    [
        ("./nope", "knowledge base folder not found: nope (from RECUR_KB) (pass --kb DIR)"),
        ("NOPE/kb/", "knowledge base folder not found: NOPE/kb (from RECUR_KB) (pass --kb DIR)"),
        ("EMPTY", "EMPTY (from RECUR_KB): not a knowledge base: it has no patterns/ folder (pass --kb DIR)"),
    ],
)
def test_a_bad_kb_from_recur_kb_names_the_variable_however_it_is_spelt(tmp_path, monkeypatch, value, said):
    """Found in review: "(from RECUR_KB)" was said only when the message spelt the folder as the variable did:
    `RECUR_KB=./nope` ("not found: nope"), `RECUR_KB=/nope/kb/` and `RECUR_KB=/tmp` ("not a knowledge base")
    named no variable; when it was named, the hint went on "(pass --kb DIR or set RECUR_KB)", the variable that is
    wrong."""
    (tmp_path / "empty").mkdir()
    monkeypatch.chdir(tmp_path)
    for word, path in {"NOPE": str(tmp_path / "nope"), "EMPTY": str(tmp_path / "empty")}.items():
        value, said = value.replace(word, path), said.replace(word, path)
    monkeypatch.setenv("RECUR_KB", value)
    r = CliRunner().invoke(cli, ["check"])
    assert r.exit_code == 1, r.output
    assert f"Error: {said}\n" in r.stderr and "set RECUR_KB" not in r.stderr, r.stderr
    monkeypatch.delenv("RECUR_KB")
    r = CliRunner().invoke(cli, ["check", "--kb", value])  # given as the flag: no variable, and the hint as before
    assert r.exit_code == 1 and "(from RECUR_KB)" not in r.stderr and "or set RECUR_KB" in r.stderr, r.stderr


def test_a_model_not_found_from_recur_model_names_the_variable(tmp_path, monkeypatch):
    """Found in review: `RECUR_MODEL=/nope/model recur suggest …` said "model folder not found: /nope/model",
    naming no variable (docs/cli.md promises a bad value read from a variable is refused naming it)."""
    kb = small_kb(tmp_path / "kb")
    monkeypatch.setenv("RECUR_MODEL", str(tmp_path / "nope" / "model"))
    monkeypatch.setenv("RECUR_INDEX", str(tmp_path / "index"))
    r = CliRunner().invoke(cli, ["suggest", "--kb", str(kb), "disk full"])
    assert r.exit_code == 1, r.output
    assert f"model folder not found: {tmp_path / 'nope' / 'model'} (from RECUR_MODEL)" in r.stderr, r.stderr
    r = CliRunner().invoke(cli, ["suggest", "--kb", str(kb), "--model", str(tmp_path / "nope" / "model"), "disk"])
    assert r.exit_code == 1 and "model folder not found" in r.stderr and "(from RECUR_" not in r.stderr, r.stderr


@pytest.mark.parametrize("command", [["report"], ["site", "--out", "OUT"]])
def test_an_empty_as_of_is_no_date(tmp_path, monkeypatch, command):
    """Found by fuzzing: `recur report --as-of ''` (a script's unset "$DAY") was the board of today, exit 0, as if
    the flag were not given; `recur site` the same. A usage error naming the flag and the format, as a bad date."""
    kb = small_kb(tmp_path / "kb")
    monkeypatch.setenv("RECUR_TODAY", "2026-06-01")
    args = [str(tmp_path / "site") if a == "OUT" else a for a in command]
    r = CliRunner().invoke(cli, [*args, "--kb", str(kb), "--as-of", ""])
    assert r.exit_code == 2, r.output
    said = "Error: Invalid value for '--as-of': '' is not a date (YYYY-MM-DD); leave --as-of out for today"
    assert said in r.stderr and not (tmp_path / "site").exists(), r.stderr


# Every date flag, given an empty value (a script's unset "$DAY"), and what the refusal advises instead
EMPTY_DATES = [
    (["check", "--kb", "KB", "--today", ""], "--today", "leave --today out for today"),
    (["incident", "list", "--kb", "KB", "--since", ""], "--since", "leave --since out"),
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev2", "--date", ""], "--date", "leave --date out for today"),
    ([*NEW_INCIDENT, "--kb", "KB", "-s", "sev2", "--review-due", ""], "--review-due", "leave --review-due out"),
    ([*NEW_RECORD, "--kb", "KB", "-s", "sev2", "--date", ""], "--date", "leave --date out for today"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--date", ""], "--date", "leave --date out"),
    (["import", "PM", "--kb", "KB", "--dry-run", "--review-due", ""], "--review-due", "leave --review-due out"),
    (
        ["import", "PM", "--kb", "KB", "--dry-run", "--review-done", ""],
        "--review-done",
        "give --review-done with no date for today",
    ),
    (["incident", "review", INC, "--kb", "KB", "--due", ""], "--due", "leave --due out"),
    (["incident", "review", INC, "--kb", "KB", "--done", "--on", ""], "--on", "leave --on out for today"),
    (["incident", "follow-up", INC, "--kb", "KB", "--add", "Alert on pool use", "--due", ""], "--due", "give -"),
    (["incident", "follow-up", INC, "1", "--kb", "KB", "--done", "--on", ""], "--on", "leave --on out for today"),
    (["incident", "flag", INC, "--kb", "KB", "--done", "1", "--on", ""], "--on", "leave --on out for today"),
    (["fix", "disk-full", "--kb", "KB", "--due", ""], "--due", "leave --due out, or give - to take the date out"),
    (["fix", "disk-full", "--kb", "KB", "--done", "--on", ""], "--on", "leave --on out for today"),
    (["report", "--kb", "KB", "--as-of", ""], "--as-of", "leave --as-of out for today"),
]


@pytest.mark.parametrize(("args", "flag", "advice"), EMPTY_DATES, ids=[_case_id(a, f) for a, f, _ in EMPTY_DATES])
def test_every_date_flag_given_empty_is_no_date(tmp_path, monkeypatch, args, flag, advice):
    """Found in review: only --as-of '' was refused; `recur check --today ''`, `recur incident new --date ''`,
    `recur incident list --since ''` (and the other date flags) ran as if the flag were left out, without a word,
    and `recur import --review-done ''` was a traceback. One rule: a date flag given "" is a usage error naming the
    flag, nothing written."""
    kb, pm = _kb_and_postmortem(tmp_path, monkeypatch)
    before = {p: p.read_bytes() for p in kb.rglob("*") if p.is_file()}
    res = CliRunner().invoke(cli, [str({"KB": kb, "PM": pm}.get(a, a)) for a in args])
    assert res.exit_code == 2, res.output
    said = f"Error: Invalid value for '{flag}': '' is not a date (YYYY-MM-DD); "
    assert said in res.stderr and advice in res.stderr and "Traceback" not in res.output, res.output
    assert {p: p.read_bytes() for p in kb.rglob("*") if p.is_file()} == before  # nothing written


@pytest.mark.parametrize(("variable", "args"), [("RECUR_TODAY", ["check"]), ("RECUR_AS_OF", ["report"])])
def test_a_date_variable_set_empty_is_unset(tmp_path, monkeypatch, variable, args):
    """The other half of the rule: a variable set empty (RECUR_TODAY= in a CI file) is no value, as click reads
    every variable, not a date refused: the flag was not typed."""
    kb = small_kb(tmp_path / "kb")
    monkeypatch.setenv(variable, "")
    res = CliRunner().invoke(cli, [*args, "--kb", str(kb)])
    assert res.exit_code == 0, res.output
