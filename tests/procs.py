"""Python processes for the tests: released at the same moment (the tests of writers that race), run under a
guard against a hang, and a process's output read a line at a time within a bound (read_line, read_until)."""

from __future__ import annotations

import os
import subprocess
import sys
import threading
import time
from pathlib import Path


def released_together(argvs: list[list[str]]) -> list[str]:
    """Run ``python -c SCRIPT ARGS...`` for each of ``argvs``, wait until every one has printed
    "ready" (its SCRIPT then reads one byte of stdin), release them at once, and return each one's
    stripped stdout, in order."""
    procs = [
        subprocess.Popen([sys.executable, "-c", *argv], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        for argv in argvs
    ]
    for p in procs:
        assert p.stdout.readline() == "ready\n"
    for p in procs:
        p.stdin.write("x")
        p.stdin.flush()
    return [p.communicate()[0].strip() for p in procs]


def python_guarded(code: str, *args: str, stdin: str | None = None) -> subprocess.CompletedProcess:
    """``python -c CODE ARGS...`` (text in and out) with this checkout's tools/ on PYTHONPATH, in a process of its
    own whose 60 s timeout is a guard against a hang, not a measure of speed: the tests of readers of hostile input
    (bench/pathological.py) give it what takes about a second on linear code and minutes on the code they guard
    against."""
    tools = str(Path(__file__).resolve().parents[1] / "tools")
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, "PYTHONPATH": tools},
    )


def finishes(fn, *args):
    """``fn(*args)``'s value, computed in a forked process that must finish within 60 s: a guard against a reader
    that hangs on hostile input (a quadratic regex), as python_guarded's timeout is, not a measure of speed (timing
    is bench/pathological.py's). A process, not a thread: a regex running holds the GIL, and a thread's join could
    not time out until it returned. ``fn``'s value must pickle."""
    import multiprocessing

    with multiprocessing.get_context("fork").Pool(1) as pool:  # leaving the block terminates a hung child
        try:
            return pool.apply_async(fn, args).get(60)
        except multiprocessing.TimeoutError:
            raise AssertionError(
                f"{getattr(fn, '__name__', fn)} still running after 60 s: a hang on this input"
            ) from None


HANG = 300  # seconds: the bound on a wait for a process's line; a guard against a hang, not a measure of speed


def read_line(stream, seconds: float = HANG, what: str = "a line"):
    """``stream.readline()`` (a process's output, text or bytes; "" or b"" at its end) within ``seconds``, read by
    a thread: a bare readline has no timeout, and a process that never printed hung the whole run instead of
    failing. Past the bound, an AssertionError naming ``what`` was awaited; the thread is a daemon, left in its
    read (the test then ends the process, which ends the read)."""
    got: list = []

    def read() -> None:
        try:
            got.append(stream.readline())
        except Exception as exc:  # handed to the caller, as a plain readline would raise it
            got.append(exc)

    reader = threading.Thread(target=read, name="read_line", daemon=True)
    reader.start()
    reader.join(max(0.0, seconds))
    if not got:
        raise AssertionError(f"waited {seconds:.0f} s for {what}: no line (a bound on a hang)")
    if isinstance(got[0], Exception):
        raise got[0]
    return got[0]


def read_until(stream, said: list, wanted, seconds: float = HANG, what: str = "the line awaited"):
    """``stream``'s lines (a process's output) read one at a time, each kept in ``said``, up to the first for which
    ``wanted(line)`` is true: that value. The output's end, or no such line within ``seconds`` (a guard against a
    hang, not a timing), is an AssertionError naming ``what`` and giving the lines read."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            line = read_line(stream, deadline - time.monotonic(), what)
        except AssertionError:
            raise AssertionError(
                f"waited {seconds:.0f} s for {what} (a bound on a hang); the output so far:\n{_joined(said)}"
            ) from None
        if not line:
            raise AssertionError(f"the output ended before {what}:\n{_joined(said)}")
        said.append(line)
        if found := wanted(line):
            return found


def _joined(lines: list) -> str:
    return "".join(x.decode(errors="replace") if isinstance(x, bytes) else x for x in lines)
