"""Standard output at the shell's edges (a CLI review): open read-only (`1</dev/null`), failing (`>/dev/full`), a
reader gone (`| head`), and which commands refuse a stdout they cannot write before they change anything."""

from __future__ import annotations

import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import click
import pytest
from kbfactory import small_kb

from recur.cli.main import _stdout_closed, cli, marked_writes_then_says

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
    "rename",
    "tune",
}


def _env(tmp_path: Path) -> dict:
    return dict(os.environ, PYTHONPATH=TOOLS, RECUR_MODEL="fake:64", RECUR_INDEX=str(tmp_path / "idx"))


def _files(root: Path) -> dict:
    """Every file under ``root`` and its bytes, but the index's, to tell a command wrote nothing."""
    files = (p for p in sorted(root.rglob("*")) if p.is_file() and "idx" not in p.relative_to(root).parts)
    return {p.relative_to(root): p.read_bytes() for p in files}


def _run(tmp_path: Path, redirect: str, *args: str) -> subprocess.CompletedProcess:
    """`recur ARGS REDIRECT` as a shell starts it (`1</dev/null`, `>/dev/full`)."""
    shell = ["sh", "-c", f'exec "$0" "$@" {redirect}', sys.executable, "-m", "recur", *args]
    return subprocess.run(
        shell, cwd=tmp_path, env=_env(tmp_path), capture_output=True, text=True, timeout=300, check=False
    )


def test_a_read_only_stdout_is_named_and_a_command_that_writes_the_kb_refuses_it_before_writing(tmp_path):
    """`recur incident new … 1</dev/null` recorded the incident, then exited 1 with `Error: Bad file descriptor`,
    naming nothing: a script retrying on the error recorded it again. Read-only is told as closed is (fcntl's
    access mode), said as such, before the command changes anything."""
    small_kb(tmp_path / "kb")
    before = _files(tmp_path)
    said = "Error: cannot write to standard output: it is open read-only (1<FILE)"
    for args in (
        ["incident", "new", "-t", "Disk full", "-s", "sev2", "-d", "no space left", "--no-suggest"],
        ["incident", "link", "INC-2026-0002", "disk-full"],
        ["suggest", "disk", "full"],
        ["--version"],
    ):
        res = _run(tmp_path, "1</dev/null", *args)
        assert res.returncode == 1, (args, res.stderr)
        assert res.stderr.splitlines()[-1] == said, res.stderr
        assert "Traceback" not in res.stderr, res.stderr
        assert _files(tmp_path) == before, args


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_stdout_that_fails_its_writes_is_named_not_a_traceback(tmp_path):
    """`recur suggest x >/dev/full` said `Error: No space left on device`, naming no file (a full disk where?), and
    `recur --help >/dev/full` or `--version` was a traceback: one `Error:` line naming standard output, exit 1."""
    small_kb(tmp_path / "kb")
    for args in (["suggest", "disk", "full"], ["suggest", "--json", "disk"], ["--help"], ["--version"]):
        res = _run(tmp_path, ">/dev/full", *args)
        assert res.returncode == 1, (args, res.stderr)
        assert res.stderr.splitlines()[-1] == "Error: cannot write to standard output: No space left on device"
        assert "Traceback" not in res.stderr, res.stderr


def test_a_reader_that_stops_is_exit_0_without_a_traceback_for_the_groups_own_output_too(tmp_path):
    """`recur suggest --queries F | head -1`: exit 0, nothing on stderr about the pipe (docs/cli.md's exit status).
    `recur --help` and `--version` to a reader gone were exit 1 (click's own exit on EPIPE), unlike every command."""
    small_kb(tmp_path / "kb")
    queries = tmp_path / "q.jsonl"
    queries.write_text("".join(f'{{"query": "disk full {i}", "top": 50}}\n' for i in range(2000)))
    # buffered as a shell starts it (the lines left in the buffer were flushed at exit into the pipe: exit 120) and
    # unbuffered (-u, PYTHONUNBUFFERED, as some CI runners set)
    for unbuffered in ("", "1"):
        env = {k: v for k, v in _env(tmp_path).items() if k != "PYTHONUNBUFFERED"}
        proc = subprocess.Popen(
            [sys.executable, "-m", "recur", "suggest", "--queries", str(queries)],
            cwd=tmp_path,
            env=dict(env, PYTHONUNBUFFERED=unbuffered) if unbuffered else env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        assert proc.stdout.readline().startswith(b'{"top": 50, "query": "disk full 0"')
        proc.stdout.close()  # head -1 done
        assert proc.wait(timeout=300) == 0, unbuffered
        assert b"Traceback" not in proc.stderr.read()
    for args in (["--help"], ["--version"], ["suggest", "--help"]):
        proc = subprocess.Popen(
            [sys.executable, "-m", "recur", *args], env=_env(tmp_path), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        )
        proc.stdout.close()  # gone before the process writes (it takes far longer to start)
        assert proc.wait(timeout=300) == 0, args
        assert proc.stderr.read() == b"", args


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


def test_a_closed_stderr_keeps_the_errors_off_stdout(tmp_path):
    """`recur suggest --bogus 2>&-` printed its usage error on stdout, into the output a script captures (Python
    sets sys.stderr to None, and click's error falls back to stdout): the message is lost as asked, stdout holds
    only output, and the exit status still says it; a command that works is as before."""
    small_kb(tmp_path / "kb")
    res = _run(tmp_path, "2>&-", "suggest", "--bogus")
    assert (res.returncode, res.stdout) == (2, ""), res.stdout
    res = _run(tmp_path, "2>&-", "incident", "link", "INC-2026-0002", "no-such-pattern")
    assert (res.returncode, res.stdout) == (1, ""), res.stdout
    res = _run(tmp_path, "2>&-", "suggest", "disk", "full")
    assert res.returncode == 0 and "Disk full on a host" in res.stdout, res.stdout


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="no /dev/full")
def test_a_stderr_that_fails_its_writes_keeps_the_exit_status(tmp_path):
    """`recur suggest --bogus 2>/dev/full` exited 1, not a usage error's 2: showing the error raised ENOSPC, and
    Python's traceback of it failed too. The message is lost (nowhere to write it), the exit status says; an error
    of a command is still 1 and a command that works still 0, its output on stdout."""
    small_kb(tmp_path / "kb")
    for args, code in ((["suggest", "--bogus"], 2), (["nosuch"], 2), (["show", "no-such-pattern"], 1)):
        res = _run(tmp_path, "2>/dev/full", *args)
        assert (res.returncode, res.stdout) == (code, ""), (args, res.returncode, res.stdout)
    res = _run(tmp_path, "2>/dev/full", "suggest", "disk", "full")
    assert res.returncode == 0 and "Disk full on a host" in res.stdout, res.stdout


class _ConsoleRaw(io.RawIOBase):
    """fd 1 under a raw layer that is not a file's, as Windows' console (_WindowsConsoleIO, which writes the
    text to the console as UTF-16 whatever its code page)."""

    def writable(self):
        return True

    def fileno(self):
        return 1

    def write(self, data):
        return len(data)


def test_a_stdout_python_built_over_a_console_is_left_as_it_is(monkeypatch):
    """The rebuild over _StdoutFile (fd 1 as a plain file) replaced whatever raw layer Python had put under stdout:
    on a Windows console, _WindowsConsoleIO, so text went out as UTF-8 bytes to a console reading its code page
    (é, — shown as mojibake). Only a stdout over a plain file descriptor (io.FileIO) is rebuilt."""
    console = io.TextIOWrapper(io.BufferedWriter(_ConsoleRaw()), encoding="utf-8")
    monkeypatch.setattr(sys, "stdout", console)
    _stdout_closed()
    assert sys.stdout is console
