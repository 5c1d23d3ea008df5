"""What a library call writes on the process's stdout and stderr, at the file descriptors.

tqdm, the Hugging Face libraries' warnings and C extensions write to fd 1 and 2 whatever ``sys.stdout`` is, so a
check of ``capsys`` alone misses them; and pytest's own capture points ``sys.stdout``/``sys.stderr`` at its files,
not at the descriptors, so a check of the descriptors alone misses a ``print``. ``written_to_fds`` takes both, as
a program of the caller's own would see them on its terminal.
"""

from __future__ import annotations

import os
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def written_to_fds() -> Iterator[list[str]]:
    """``with written_to_fds() as written:`` … ``written[0]``: all fds 1 and 2 received meanwhile (set on exit)."""
    written: list[str] = []
    streams = sys.stdout, sys.stderr
    for stream in streams:
        stream.flush()
    saved = os.dup(1), os.dup(2)
    with tempfile.TemporaryFile() as tmp:
        os.dup2(tmp.fileno(), 1)
        os.dup2(tmp.fileno(), 2)
        # Python's writes go to the descriptors, as in a process pytest does not capture
        sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - closed below, after the call's writes
        sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
        try:
            yield written
        finally:
            sys.stdout.close()  # flushes
            sys.stderr.close()
            sys.stdout, sys.stderr = streams
            os.dup2(saved[0], 1)
            os.dup2(saved[1], 2)
            os.close(saved[0])
            os.close(saved[1])
            tmp.seek(0)
            written.append(tmp.read().decode(errors="replace"))
