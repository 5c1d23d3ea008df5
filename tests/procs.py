"""Python processes released at the same moment, for the tests of writers that race."""

from __future__ import annotations

import subprocess
import sys


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
