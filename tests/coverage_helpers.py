"""`recur coverage` run in-process, as the coverage tests call it."""

from __future__ import annotations

from click.testing import CliRunner

from recur.cli.main import cli


def coverage_cli(kb, rules, *extra):
    """`recur coverage --kb KB --rules RULES EXTRA...`: click's Result."""
    return CliRunner().invoke(cli, ["coverage", "--kb", str(kb), "--rules", str(rules), *extra])
