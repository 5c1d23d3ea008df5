"""The tests' reading of a process's output (procs.read_until): a line that never comes fails the test, with what
was awaited and what the process said, instead of hanging the run."""

from __future__ import annotations

import subprocess
import sys

import pytest
from procs import read_line, read_until

SILENT = "import time; print('started', flush=True); time.sleep(600)"  # one line, then nothing more


def test_a_line_that_never_comes_fails_naming_it_and_what_was_said():
    proc = subprocess.Popen([sys.executable, "-c", SILENT], stdout=subprocess.PIPE, text=True)
    said: list = []
    try:
        with pytest.raises(AssertionError, match=r"waited 1 s for the handler's line .*\nstarted\n$"):
            read_until(proc.stdout, said, lambda line: "handler" in line, 1, "the handler's line")
        with pytest.raises(AssertionError, match="waited 1 s for a second line: no line"):
            read_line(proc.stdout, 1, "a second line")
    finally:
        proc.kill()
        proc.wait(timeout=60)
    assert said == ["started\n"]


def test_an_output_that_ends_first_fails_and_the_line_awaited_is_returned():
    code = "print('one'); print('port 8123'); print('three')"
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE)
    said: list = []
    assert read_until(proc.stdout, said, lambda line: line.startswith(b"port") and line.split()[1]) == b"8123"
    assert said == [b"one\n", b"port 8123\n"]
    with pytest.raises(AssertionError, match=r"the output ended before the end:\none\nport 8123\nthree\n$"):
        read_until(proc.stdout, said, lambda line: False, what="the end")
    assert proc.wait(timeout=60) == 0
