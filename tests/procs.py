"""Python processes released at the same moment, for the tests of writers that race."""

from __future__ import annotations

import os
import subprocess
import sys
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
