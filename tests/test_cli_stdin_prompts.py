"""The terminal's edges of the CLI (found in a CLI review): closed stdin (`<&-`), Ctrl-C at a prompt, and
prompts kept off stdout, which carries the result alone."""

from __future__ import annotations

import json
import os
import pty
import select
import signal
import subprocess
import sys
from pathlib import Path

from click.testing import CliRunner
from kbfactory import small_kb

from recur.cli.main import cli

TOOLS = str(Path(__file__).resolve().parents[1] / "tools")


def recur(args: list, cwd: Path, closed_stdin: bool = True) -> subprocess.CompletedProcess:
    """`recur ARGS` in a process of its own, started with stdin closed (as `<&-` starts it): Python's sys.stdin
    is None then, which CliRunner cannot show."""
    env = dict(os.environ, PYTHONPATH=TOOLS, RECUR_MODEL="fake:64", RECUR_INDEX=str(cwd / "idx"))
    return subprocess.run(
        [sys.executable, "-m", "recur", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        preexec_fn=(lambda: os.close(0)) if closed_stdin else None,
        timeout=300,
        check=False,
    )


def test_closed_stdin_is_no_terminal_and_no_input_not_a_traceback(tmp_path):
    """`sys.stdin.isatty()` with sys.stdin None was an AttributeError traceback in `recur suggest -`,
    `recur suggest`, `recur incident new` and `recur incident link`; `recur suggest --queries -` a RuntimeError's."""
    small_kb(tmp_path / "kb")
    for args in (["suggest", "-"], ["suggest"]):
        res = recur(args, tmp_path)
        assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
        assert "stdin held no text to search" in res.stderr
    res = recur(["suggest", "--queries", "-"], tmp_path)  # click's File raised for a stdin it could not find
    assert res.returncode == 0 and "no queries in <stdin>; nothing to answer" in res.stderr, res.stderr
    res = recur(["incident", "new", "-t", "Checkout 502s", "-s", "sev2", "--no-suggest"], tmp_path)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    recorded = res.stdout.split()[1].rstrip(":")  # "Recorded INC-...: kb/incidents/..."
    assert any((tmp_path / "kb" / "incidents").rglob(f"{recorded}.md")), res.stdout
    res = recur(["incident", "new", "-t", "Checkout 502s", "-s", "sev2", "--no-suggest", "-d", "-"], tmp_path)
    assert res.returncode == 2 and "stdin was empty" in res.stderr and "Traceback" not in res.stderr, res.stderr
    # no stored candidates: searched now; no terminal to pick at, so the line to link one later
    res = recur(["incident", "link", recorded], tmp_path)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stderr
    assert f"{recorded}: no stored candidates; searching its title and summary now:" in res.stdout
    # and `recur new incident`, which guarded it already, still says why nothing can be asked
    res = recur(["new", "incident", "-t", "x"], tmp_path)
    assert res.returncode == 2 and "stdin is not a terminal and holds no answers" in res.stderr, res.stderr


def _at_prompt(args: list, cwd: Path, prompt: bytes) -> tuple[subprocess.Popen, int, bytes]:
    """`recur ARGS` with a terminal (a pty) as stdin, stdout and stderr, read until ``prompt`` is shown."""
    env = dict(os.environ, PYTHONPATH=TOOLS, RECUR_MODEL="fake:64", RECUR_INDEX=str(cwd / "idx"))
    controller, terminal = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, "-m", "recur", *args],
        cwd=cwd,
        env=env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
        # a test run started in the background (`pytest &`) ignores SIGINT, and a child inherits that: Python then
        # installs no handler of its own and the SIGINT sent below is never seen (the test hung)
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    os.close(terminal)
    shown = b""
    while prompt not in shown:
        chunk = os.read(controller, 1000)
        assert chunk, shown
        shown += chunk
    return proc, controller, shown


def _interrupted(proc: subprocess.Popen, controller: int) -> bytes:
    """Ctrl-C (SIGINT) to ``proc`` waiting at a prompt, then all it writes until it ends. The terminal is read while
    waiting (a child blocked on a full terminal never ends), and the signal is sent again every few seconds until
    it ends: under a loaded parallel run one signal was once not acted on within 120 s (the wait is a hang guard
    only; what the test asserts is how it ends)."""
    out, sent = b"", 0
    while proc.poll() is None and sent < 24:
        proc.send_signal(signal.SIGINT)
        sent += 1
        out += _read_for(controller, 5.0, proc)
    proc.wait(timeout=60)
    out += _read_for(controller, 0.5, proc)
    os.close(controller)
    return out


def _read_for(controller: int, seconds: float, proc: subprocess.Popen) -> bytes:
    """What the terminal shows within ``seconds`` (less once ``proc`` has ended and nothing more is to read)."""
    out = b""
    while True:
        ready, _, _ = select.select([controller], [], [], seconds)
        if not ready:
            return out
        try:
            chunk = os.read(controller, 1000)
        except OSError:  # the terminal's other end closed: all read
            return out
        if not chunk:
            return out
        out += chunk
        if proc.poll() is not None:
            seconds = 0.5


def test_ctrl_c_at_a_prompt_says_interrupted_and_exits_130_as_every_command_does(tmp_path):
    """click turned Ctrl-C at a prompt into "Aborted!" and exit 1; everywhere else it is "Interrupted." and
    130. Ctrl-C (SIGINT) at `recur new pattern`'s and `recur incident new`'s first questions, on a terminal."""
    small_kb(tmp_path / "kb")
    for args in (["new", "pattern"], ["incident", "new", "--no-suggest"]):
        proc, controller, _ = _at_prompt(args, tmp_path, b"Title")
        out = _interrupted(proc, controller)
        assert proc.returncode == 130, out
        assert b"Interrupted." in out and b"Aborted!" not in out and b"Traceback" not in out, out


def test_prompts_and_their_errors_go_to_stderr_and_stdout_is_the_result_alone(tmp_path, monkeypatch):
    """`path=$(printf '\\n\\nsev2\\n' | recur new incident -t x)` captured "Date [..]: Severity (...): ..."
    before the path: the questions, and what was wrong with an answer, were on stdout."""
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    res = CliRunner().invoke(cli, ["new", "incident", "--kb", "kb", "-t", "x"], input="\nsoon\n\nsev9\nsev2\n\n\n")
    assert res.exit_code == 0, res.output
    assert [line for line in res.stdout.splitlines() if "kb/incidents/" in line] == res.stdout.splitlines()[:1]
    assert "Date" not in res.stdout and "Severity" not in res.stdout and "Error" not in res.stdout, res.stdout
    assert "Date [" in res.stderr and "Severity (" in res.stderr and "Error: Severity: unknown 'sev9'" in res.stderr
    answers = "Cache stampede\n\ncapacity\nsev2\nhit rate drops to zero\n\n\n\n\n"
    res = CliRunner().invoke(cli, ["new", "pattern", "--kb", "kb"], input=answers)
    assert res.exit_code == 0, res.output
    assert "Title" not in res.stdout and "Symptom" not in res.stdout and "kb/patterns/" in res.stdout, res.stdout
    assert "Title (the failure mode in a few words)" in res.stderr and "Symptom, as a responder" in res.stderr


def _shown_until(stream, text: bytes) -> bytes:
    """What ``stream`` (a pipe) gives until ``text`` is among it; fails, not hangs, when it ends first."""
    shown = b""
    while text not in shown:
        chunk = stream.read1(1000)
        assert chunk, shown
        shown += chunk
    return shown


def _new_pattern_on_pipes(tmp_path) -> subprocess.Popen:
    """`recur new pattern` in ``tmp_path`` (its KB ``kb``) on three pipes, without PYTHONUNBUFFERED (CI sets it)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}
    env.update(PYTHONPATH=TOOLS, RECUR_MODEL="fake:64", RECUR_INDEX=str(tmp_path / "idx"))
    return subprocess.Popen(
        [sys.executable, "-m", "recur", "new", "pattern", "--kb", "kb"],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )


def test_a_program_on_a_pipe_sees_each_question_before_it_answers_without_pythonunbuffered(tmp_path):
    """A program driving `recur new pattern` through pipes waits for each question before it answers. Without
    PYTHONUNBUFFERED (CI sets it) a question left in a buffer would leave both waiting: each is on stderr, flushed
    (click hands it to input(), which flushes it), the first one and the next. The 120 s guard is against a hang."""
    small_kb(tmp_path / "kb")
    proc = _new_pattern_on_pipes(tmp_path)
    try:
        assert _shown_until(proc.stderr, b"Title (the failure mode in a few words): ").endswith(b": ")
        proc.stdin.write(b"Writes fail on a full disk\n")
        proc.stdin.flush()
        assert b"Id [writes-fail-on-a-full-disk]: " in _shown_until(proc.stderr, b"Id [")
        proc.stdin.write(b"\ncapacity\nsev2\nwrites fail\n\n\n\n\n")
        out, err = proc.communicate(timeout=120)
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    assert (tmp_path / "kb/patterns/capacity/writes-fail-on-a-full-disk.md").is_file(), (out, err)


def test_a_kill_right_at_a_question_on_a_pipe_ends_it_while_stdin_stays_open(tmp_path):
    """SIGTERM sent the moment the first question shows, stdin a pipe left open and PYTHONUNBUFFERED unset: a signal
    between the question's flush and the read was handled only once stdin gave a line or ended, so `recur` waited
    at the question (and tests/test_new.py's kill test, whose communicate() closes stdin, got exit 2, "stdin ended
    before every question was answered", 3 runs in 3 without PYTHONUNBUFFERED). It ends as Ctrl-C does, each time
    of several (the moment is a race). The 60 s wait is a guard against the hang, not a measure."""
    small_kb(tmp_path / "kb")
    for _ in range(5):
        proc = _new_pattern_on_pipes(tmp_path)
        try:
            _shown_until(proc.stderr, b"Title (the failure mode in a few words): ")
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                raise AssertionError("still waiting at the question 60 s after SIGTERM, stdin open") from None
            err = proc.stderr.read()
        finally:
            proc.kill()
            proc.stdin.close()
        assert proc.returncode == 130 and b"Interrupted." in err and b"Traceback" not in err, err


def test_the_id_prompt_says_when_the_titles_id_is_a_pattern_already(tmp_path):
    """A title whose id a pattern has: the Id prompt had no default, and Enter asked again without a word of
    why (found in review). It says which pattern has it, as --id does, and takes another id typed."""
    small_kb(tmp_path / "kb")
    proc = _new_pattern_on_pipes(tmp_path)
    try:
        out, err = proc.communicate(
            b"Disk full\n\ndisk-full-on-nfs\ncapacity\nsev2\nwrites fail\n\n\n\n\n", timeout=120
        )
    finally:
        proc.kill()
    assert proc.returncode == 0, err
    said = b"pattern 'disk-full' already exists ("
    assert said in err and b"disk-full.md); extend it, or choose another id" in err, err
    assert err.index(said) < err.index(b"Id: "), err  # before the question, not after an answer
    assert (tmp_path / "kb/patterns/capacity/disk-full-on-nfs.md").is_file(), (out, err)


def test_the_id_prompt_names_a_misplaced_pattern_that_has_the_titles_id(tmp_path):
    """The title's id is a pattern's only in a file named .MD (kb.misplaced, not kb.pattern_files): the prompt's
    line raised KeyError, a traceback, before the question (found in review). It names that file."""
    small_kb(tmp_path / "kb")
    (tmp_path / "kb/patterns/capacity/disk-full.md").rename(tmp_path / "kb/patterns/capacity/disk-full.MD")
    proc = _new_pattern_on_pipes(tmp_path)
    try:
        out, err = proc.communicate(
            b"Disk full\n\ndisk-full-on-nfs\ncapacity\nsev2\nwrites fail\n\n\n\n\n", timeout=120
        )
    finally:
        proc.kill()
    assert b"Traceback" not in err, err
    assert b"pattern 'disk-full' already exists (kb/patterns/capacity/disk-full.MD)" in err, err
    assert proc.returncode == 0, err
    assert (tmp_path / "kb/patterns/capacity/disk-full-on-nfs.md").is_file(), (out, err)


def _terminal_until(controller: int, text: bytes, guard: float = 120.0) -> bytes:
    """What the terminal ``controller`` shows until ``text`` is among it: fails, not hangs, when it closes first or
    nothing of the kind comes within ``guard`` seconds (a hang guard, not a measure)."""
    shown = b""
    while text not in shown:
        ready, _, _ = select.select([controller], [], [], guard)
        chunk = os.read(controller, 1000) if ready else b""
        if not chunk:
            raise AssertionError(f"nothing said of stdin still being read: {shown!r}")
        shown += chunk
    return shown


def _reading_stdin(proc: subprocess.Popen, guard: float = 120.0) -> None:
    """Wait until ``proc``'s main thread is blocked reading its stdin pipe (Linux's /proc: its wait channel a
    pipe's read); a hang guard, not a measure."""
    import time

    wchan = Path(f"/proc/{proc.pid}/wchan")
    until = time.monotonic() + guard
    while "pipe" not in wchan.read_text():
        assert proc.poll() is None and time.monotonic() < until, "never read its stdin"
        time.sleep(0.05)


STILL_READING = b"reading standard input until it ends"


def _reader(args: list, cwd: Path, stderr) -> subprocess.Popen:
    env = dict(os.environ, PYTHONPATH=TOOLS, RECUR_MODEL="fake:64", RECUR_INDEX=str(cwd / "idx"))
    return subprocess.Popen(
        [sys.executable, "-m", "recur", *args], cwd=cwd, env=env, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
        stderr=stderr,
    )  # fmt: skip


def _answer_of(out: bytes, cwd: Path) -> str:
    answer = json.loads(out)  # stdout is the JSON alone
    return answer["query"] if "query" in answer else (cwd / answer["path"]).read_text(encoding="utf-8")


SUGGEST = ["suggest", "--json", "-"]
RECORD = ["incident", "new", "-t", "Disk filled", "-s", "sev2", "--no-suggest", "--json", "-d", "-"]


def test_a_pipe_left_open_is_said_on_a_terminals_stderr_and_the_answer_still_comes_when_it_closes(tmp_path):
    """Found in review: `kubectl logs -f deploy/x | recur suggest -` (and `recur incident new … -d -`, which reads
    stdin as suggest does) waited in silence for ever: a followed log never ends. With the pipe still open, one note
    on stderr, a terminal (a person waiting), says stdin is read until it ends and how to end it; stdout stays the
    answer alone, which comes once the pipe closes."""
    small_kb(tmp_path / "kb")
    for args, command in ((SUGGEST, b"| recur suggest -"), (RECORD, b"| recur incident new \xe2\x80\xa6 -d -")):
        controller, terminal = pty.openpty()
        proc = _reader(args, tmp_path, terminal)
        os.close(terminal)
        try:
            said = _terminal_until(controller, b"Ctrl-C stops.")
            proc.stdin.write(b"ERROR write failed: No space left on device\n")
            out, _ = proc.communicate(timeout=120)
            said += _read_for(controller, 0.5, proc)
        finally:
            proc.kill()
            os.close(controller)
        assert proc.returncode == 0, said
        assert said.count(STILL_READING) == 1, said
        assert b"if it is a followed log (-f), it never ends" in said and b"head -n 500 " + command in said, said
        assert "No space left on device" in _answer_of(out, tmp_path)


def test_a_slow_producer_that_ends_is_not_said_when_stderr_is_no_terminal(tmp_path):
    """Found in review: `(sleep 6; echo disk full) | recur suggest - --json` in cron had the note mailed every run:
    it is for a person waiting at a terminal. Stderr a pipe (cron's mail, a log), stdin open past the note's 2 s:
    nothing said of it."""
    import time

    from recur.cli.core import STILL_READING_AFTER

    small_kb(tmp_path / "kb")
    for args in (SUGGEST, RECORD):
        proc = _reader(args, tmp_path, subprocess.PIPE)
        try:
            _reading_stdin(proc)
            time.sleep(STILL_READING_AFTER + 1.5)  # past the note's time: the producer is slow, not endless
            out, err = proc.communicate(b"ERROR write failed: No space left on device\n", timeout=120)
        finally:
            proc.kill()
        assert proc.returncode == 0, err
        assert STILL_READING not in err and b"Traceback" not in err, err
        assert "No space left on device" in _answer_of(out, tmp_path)


def test_a_paste_at_a_terminal_is_asked_for_with_how_to_end_it_on_windows_too(tmp_path):
    """At a terminal the note comes at once, before reading: Ctrl-D ends the paste, Ctrl-Z then Enter on Windows."""
    import time

    small_kb(tmp_path / "kb")
    for args in (["suggest", "-"], ["incident", "new", "-t", "x", "-s", "sev2", "--no-suggest", "-d", "-"]):
        proc, controller, shown = _at_prompt(args, tmp_path, b"Ctrl-D")
        guard = time.monotonic() + 120  # against a hang (the note's end never shown), not a measure
        while b"Enter on Windows)" not in shown and proc.poll() is None and time.monotonic() < guard:
            shown += _read_for(controller, 1.0, proc)
        _interrupted(proc, controller)
        assert b"Paste or type the " in shown and b"Ctrl-D on a line of its own (Ctrl-Z then Enter on Windows)" in shown


def test_a_closed_stdout_is_an_error_naming_it_as_coreutils_fail(tmp_path):
    """Found in review: `recur suggest x >&-` exited 0 having written nothing (Python sets sys.stdout to None, and
    click then writes nothing without a word). A write to a closed stdout is one `Error:` line naming it, exit 1;
    a command that writes nothing there (`recur index`) is as before, and a reader that stopped (`| head`) stays
    exit 0 (docs/cli.md's exit status)."""
    small_kb(tmp_path / "kb")
    env = dict(os.environ, PYTHONPATH=TOOLS, RECUR_MODEL="fake:64", RECUR_INDEX=str(tmp_path / "idx"))

    def closed(*args: str) -> subprocess.CompletedProcess:
        shell = ["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m", "recur", *args]
        return subprocess.run(shell, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)

    res = closed("index")
    assert res.returncode == 0 and "Indexed " in res.stderr, res.stderr
    # `recur mcp`, whose stdout is the protocol's channel, was the MCP SDK's AttributeError traceback
    for args in (["suggest", "disk", "full"], ["suggest", "--json", "disk", "full"], ["--version"], ["mcp"]):
        res = closed(*args)
        assert res.returncode == 1, (args, res.stderr)
        assert res.stderr.splitlines()[-1] == "Error: cannot write to standard output: it is closed (>&-)", res.stderr
        assert "Traceback" not in res.stderr, res.stderr
    # a pipe whose reader is gone before the answer is written (`| head` that stopped): exit 0, as documented
    proc = subprocess.Popen(
        [sys.executable, "-m", "recur", "suggest", "disk", "full"], cwd=tmp_path, env=env, stdout=subprocess.PIPE
    )
    proc.stdout.close()
    assert proc.wait(timeout=300) == 0


def _files(root: Path) -> dict:
    """Every file under ``root`` and its bytes, to tell a command wrote nothing there (but the index, a cache)."""
    files = (p for p in sorted(root.rglob("*")) if p.is_file() and "idx" not in p.relative_to(root).parts)
    return {p.relative_to(root): p.read_bytes() for p in files}


def test_a_command_that_writes_the_kb_refuses_a_closed_stdout_before_writing(tmp_path):
    """`recur incident new … >&-` recorded the incident, then failed at its first line of output, exit 1: a script
    retrying on the error recorded it again. Each command that changes the KB (or makes one) and then says what it
    did checks stdout first: the same `Error:` line, exit 1, nothing written; --json and --dry-run alike."""
    small_kb(tmp_path / "kb")
    (tmp_path / "pm.md").write_text(
        "# Postmortem: Checkout down\n\nDate: 2026-11-20\nSeverity: SEV2\n\n## Summary\nNo space left on device.\n"
    )
    env = dict(os.environ, PYTHONPATH=TOOLS, RECUR_MODEL="fake:64", RECUR_INDEX=str(tmp_path / "idx"))
    before = _files(tmp_path)
    new = ["incident", "new", "-t", "Disk full", "-s", "sev2", "-d", "no space left"]
    for args in (
        new,
        [*new, "--json"],
        ["incident", "link", "INC-2026-0002", "disk-full"],
        ["incident", "flag", "INC-2026-0002", "why slow"],
        ["incident", "follow-up", "INC-2026-0001", "--add", "Add an alert"],
        ["incident", "review", "INC-2026-0001", "--done"],
        ["import", "--json", "pm.md"],
        ["fix", "disk-full", "--owner", "bob"],
        ["new", "incident", "--no-input", "-t", "Cert expired", "-s", "sev2", "--summary", "s"],
        ["new", "pattern", "--no-input", "--title", "Cert expired", "--category", "network", "--symptom", "x"],
        ["new", "path", "--no-input", "--id", "p2", "--title", "P2", "--audience", "all", "--step", "disk-full: why"],
        ["init", "newkb"],
        ["tune"],  # refused before it reads the KB (this one is too small to tune: another error, after)
    ):
        shell = ["sh", "-c", 'exec "$0" "$@" >&-', sys.executable, "-m", "recur", *args]
        res = subprocess.run(shell, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert res.returncode == 1, (args, res.stderr)
        assert res.stderr.splitlines()[-1] == "Error: cannot write to standard output: it is closed (>&-)", res.stderr
        assert _files(tmp_path) == before, args
    # the same command with stdout open records the incident (the refusal is the closed stdout's alone)
    res = subprocess.run(
        [sys.executable, "-m", "recur", *new], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300
    )
    assert res.returncode == 0 and "INC-2026-0003" in res.stdout, res.stderr
