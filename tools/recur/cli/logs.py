"""What the library says while it works, printed by `recur`'s commands as they printed it before it was logged.

The library logs (docs/library.md: a bot embedding Recur routes or silences it as it does any library's); a
command prints each record's message alone on stderr, so its output is what it was: "No index at …: building it
now", the warnings of pattern files left out. ``printing_library_logs`` holds for a command's run (cli/main.py).
"""

from __future__ import annotations

import logging
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

# The library's layers, whose loggers are named by module (``recur.retrieval.engine``). `recur serve`'s own loggers
# (recur.serve, recur.access) are not among them: serve/applog.py writes those, and each line printed here too.
LIBRARY_LOGGERS = ("recur.kb", "recur.retrieval", "recur.ingest", "recur.problems", "recur.tuning", "recur.util")


class _Printed(logging.Handler):
    """A record's message on stderr as ``print`` put it (the stderr of the moment: a test's, `recur serve`'s
    lines, which applog.py logs as its own, as before)."""

    def handle(self, record: logging.LogRecord) -> bool:
        # no handler lock around a write to stderr: a print never took one, and a blocked stderr held every thread
        if self.filter(record):
            self.emit(record)
        return True

    def emit(self, record: logging.LogRecord) -> None:
        print(record.getMessage(), file=sys.stderr, flush=True)


_PRINTED = _Printed(logging.INFO)
_LOCK = threading.Lock()
_held = {"runs": 0, "kept": {}}  # runs at once (CliRunner in threads) and each logger's level and propagate before


@contextmanager
def printing_library_logs() -> Iterator[None]:
    """The library's records (INFO and up) printed on stderr while a command runs, and not passed on to the root
    logger's handlers (`recur serve`'s, which log each printed line already): its loggers as they were after."""
    with _LOCK:
        if _held["runs"] == 0:
            for name in LIBRARY_LOGGERS:
                logger = logging.getLogger(name)
                _held["kept"][name] = (logger.level, logger.propagate)
                logger.addHandler(_PRINTED)
                logger.setLevel(logging.INFO)
                logger.propagate = False
        _held["runs"] += 1
    try:
        yield
    finally:
        with _LOCK:
            _held["runs"] -= 1
            if _held["runs"] == 0:
                for name, (level, propagate) in _held["kept"].items():
                    logger = logging.getLogger(name)
                    logger.removeHandler(_PRINTED)
                    logger.setLevel(level)
                    logger.propagate = propagate
