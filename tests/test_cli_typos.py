"""A misspelt command is answered with the command meant, as a misspelt option is (found in a CLI review:
`recur sugest x` said "No such command 'sugest'." alone); `recur import -` says why stdin is not read."""

from __future__ import annotations

from click.testing import CliRunner
from kbfactory import small_kb

from recur.cli.main import cli


def test_a_misspelt_command_or_subcommand_is_answered_with_did_you_mean():
    for args, said in (
        (["sugest", "x"], "No such command 'sugest'. Did you mean 'suggest'?"),
        (["indx"], "No such command 'indx'. Did you mean 'index'?"),
        (["incident", "lnik", "INC-2026-0001"], "No such command 'lnik'. Did you mean 'link'?"),
        (["feedback", "exprot"], "No such command 'exprot'. Did you mean 'export'?"),
    ):
        res = CliRunner().invoke(cli, args)
        assert res.exit_code == 2 and said in res.output, res.output
    res = CliRunner().invoke(cli, ["zzzz"])  # nothing close: click's line as it was
    assert res.exit_code == 2 and "No such command 'zzzz'." in res.output and "Did you mean" not in res.output


def test_import_dash_says_it_needs_the_file_and_why_and_writes_nothing(tmp_path):
    kb = small_kb(tmp_path / "kb")
    before = sorted(p for p in kb.rglob("*"))
    res = CliRunner().invoke(cli, ["import", "--kb", str(kb), "-"], input="# Postmortem: checkout 502s\n")
    assert res.exit_code == 2 and "Traceback" not in res.output, res.output
    assert "FILE: - (stdin) is not read: recur import needs the postmortem's file" in res.output, res.output
    assert "does not exist" not in res.output and sorted(p for p in kb.rglob("*")) == before
