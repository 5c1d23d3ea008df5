"""Standard output at the shell's edges (a CLI review): open read-only (`1</dev/null`), failing (`>/dev/full`), a
reader gone (`| head`), and which commands refuse a stdout they cannot write before they change anything."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click

from recur.cli.main import cli, marked_writes_then_says

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")

# every command that changes files (the KB, a new repository, the tuned model) and then says so on stdout: a new
# one must be classified here, marked options.writes_then_says or not
WRITES_THEN_SAYS = {
    "fix",
    "import",
    "incident flag",
    "incident follow-up",
    "incident link",
    "incident new",
    "incident review",
    "init",
    "new incident",
    "new path",
    "new pattern",
    "tune",
}


def _env(tmp_path: Path) -> dict:
    return dict(os.environ, PYTHONPATH=TOOLS, RECUR_MODEL="fake:64", RECUR_INDEX=str(tmp_path / "idx"))


def test_the_mark_below_the_command_decorator_refuses_a_closed_stdout_as_above_it(tmp_path):
    """`writes_then_says` below `@group.command()` marked the function, which RecurGroup never looked at: the
    command changed its file, then failed on the closed stdout."""
    script = textwrap.dedent(
        """
        from pathlib import Path

        import click

        from recur.cli.main import LazyGroup, _stdout_closed
        from recur.cli.options import writes_then_says


        @click.group(cls=LazyGroup)
        def group():
            pass


        @group.command()
        @writes_then_says
        @click.pass_context
        def write(ctx):
            Path("written").write_text("x")
            click.echo("Wrote it.")


        _stdout_closed()
        group(["write"], prog_name="g")
        """
    )
    shell = ["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-c", script]
    res = subprocess.run(shell, cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=120)
    assert res.returncode == 1, res.stderr
    assert res.stderr.splitlines()[-1] == "Error: cannot write to standard output: it is closed (>&-)", res.stderr
    assert not (tmp_path / "written").exists()


def test_the_commands_marked_writes_then_says_are_those_classified_here():
    """A command that changes files and then says so must be marked, or a closed stdout is found only after the
    change: each command of the group is classified in WRITES_THEN_SAYS or not, so a new one must be."""

    def walk(group: click.Group, ctx: click.Context, above: tuple = ()):
        for name in group.list_commands(ctx):
            command = group.get_command(ctx, name)
            if isinstance(command, click.Group):
                yield from walk(command, ctx, (*above, name))
            else:
                yield " ".join((*above, name)), command

    marked = {name for name, command in walk(cli, click.Context(cli)) if marked_writes_then_says(command)}
    assert marked == WRITES_THEN_SAYS
