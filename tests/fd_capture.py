"""What a library call writes on the process's stdout and stderr, at the file descriptors.

tqdm, the Hugging Face libraries' warnings and C extensions write to fd 1 and 2 whatever ``sys.stdout`` is, so a
check of ``capsys`` alone misses them; and pytest's own capture points ``sys.stdout``/``sys.stderr`` at its files,
not at the descriptors, so a check of the descriptors alone misses a ``print``. Both helpers take both, as a
program of the caller's own would see them: ``written_to_fds`` with fds 1 and 2 a file (a pipe, CI),
``written_to_a_terminal`` with them a terminal (a pty), where tqdm and the library decide to draw a progress bar.
"""

from __future__ import annotations

import fcntl
import os
import pty
import struct
import sys
import tempfile
import termios
import threading
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def written_to_fds() -> Iterator[list[str]]:
    """``with written_to_fds() as written:`` … ``written[0]``: all fds 1 and 2 received meanwhile (set on exit)."""
    written: list[str] = []
    with tempfile.TemporaryFile() as tmp:
        try:
            with _fds_to(tmp.fileno()):
                yield written
        finally:
            tmp.seek(0)
            written.append(tmp.read().decode(errors="replace"))


@contextmanager
def written_to_a_terminal() -> Iterator[list[str]]:
    """``written_to_fds`` with fds 1 and 2 a terminal: a pty, read as it is written (a full one blocks the writer)."""
    written: list[str] = []
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 100, 0, 0))  # a window tqdm draws in
    chunks: list[bytes] = []

    def drain() -> None:
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # EIO: every copy of the follower is closed
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    try:
        with _fds_to(follower):
            yield written
    finally:
        os.close(follower)  # the last copy: the reader meets the end once it has read all
        reader.join()
        os.close(leader)
        written.append(b"".join(chunks).decode(errors="replace"))


@contextmanager
def _fds_to(fd: int) -> Iterator[None]:
    """fds 1 and 2 on ``fd``, and ``sys.stdout``, ``sys.stderr`` over them (as in a process pytest does not capture)."""
    streams = sys.stdout, sys.stderr
    for stream in streams:
        stream.flush()
    saved = os.dup(1), os.dup(2)
    os.dup2(fd, 1)
    os.dup2(fd, 2)
    sys.stdout = open(1, "w", closefd=False)  # noqa: SIM115 - closed below, after the call's writes
    sys.stderr = open(2, "w", closefd=False)  # noqa: SIM115
    try:
        yield
    finally:
        sys.stdout.close()  # flushes
        sys.stderr.close()
        sys.stdout, sys.stderr = streams
        for target, old in zip((1, 2), saved):
            os.dup2(old, target)
            os.close(old)
