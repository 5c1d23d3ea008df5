"""`recur serve`'s log: every line it writes to stderr as a record of Python logging, in one format.

Its lines came from four places, each in its own shape: the server's own ``print``s (``warning: …``
lowercase, ``Reloaded the index (…)`` with no level at all), uvicorn's ``WARNING:  stopping: …``, the MCP
SDK's, and the access log; none had a time, so outside journald (a container's log, a file) an operator
could not tell when a reload failed (found in an operator's review). Once ``install`` has run:

- uvicorn's loggers and every other library's warnings reach one handler on the root logger, in the
  format ``--log-format`` names: ``text``, ``2026-12-05T10:01:02Z WARNING recur.serve: message`` (UTC), or
  ``json``, one object a line, ``{"time", "level", "logger", "message"}``;
- ``sys.stderr`` is ``_Lines``: each line written to it (the server's and the engine's ``print``s, shared
  with the other commands, which keep their plain lines; the CLI's ``Error: …``) becomes a record of the
  ``recur.serve`` logger, its level read from its prefix (``warning:``, ``error:``, ``note:``; none: INFO).

The access log keeps its own handler: in ``text``, the Combined Log Format it documents, which has its time;
in ``json``, an object like the others, with the request's fields (``request_fields``).
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import sys
import threading

from recur.util.lines import WholeLines
from recur.util.text import escape_controls

FORMATS = ("text", "json")
LOGGER = "recur.serve"  # the logger of every line printed to stderr
# the prefix the server's printed lines carry for their level, as the other commands print them
_PREFIX = re.compile(r"(warning|error|note): ", re.IGNORECASE)
_LEVELS = {"warning": logging.WARNING, "error": logging.ERROR, "note": logging.INFO}
_installed: dict = {}  # "format", "stream" (the real stderr) once install has run


def loggable(text: str) -> str:
    """Text a client gave (a path, a header, a pattern id), as a log line may hold it: each control character,
    line breaks and ESC among them, written as ``\\x0a``, ``\\x1b``. Found in a security review: a 413's path
    ``/x%0a2026-… ERROR …%1b[8m`` wrote a forged ERROR line into the text log, and hid what followed it on a
    terminal. Every line of serve/ that says what a client sent goes through this one function, but for the
    access log's (access._escape): its Combined Log Format is nginx's, read by nginx's parsers, so it escapes as
    nginx does, ``\\x0A`` in upper case, and ``"`` and ``\\`` too, which would end or confuse a quoted field."""
    return escape_controls(text, keep="")


class Throttle:
    """The first log line of a kind in ``window`` seconds is said, the others of that kind then only counted
    (their requests are answered as ever, and counted in /metrics); the next one said says how many were not.
    A line any client can cause, once per request, filled the log: a scanner's sweep of requests that are not
    HTTP (server.InvalidRequestsCondensed), bodies over the limit (guard.BodyGuard's 413s), /mcp's refused
    ``Host`` (server.McpRefusalsSaid) (found in an operator's and an SRE's reviews)."""

    def __init__(self, window: float = 60.0, clock=None) -> None:
        import time

        self.window = window
        self.clock = clock or time.monotonic
        self._lock = threading.Lock()  # the filters run in whichever thread logs
        self._kinds: dict = {}  # kind -> (when one was last said, how many not said since)

    def admit(self, kind: str = "") -> int | None:
        """None: one of ``kind`` was said less than ``window`` s ago, so this one is counted, not said; else
        how many of ``kind`` were not said before it."""
        now = self.clock()
        with self._lock:
            said_at, unsaid = self._kinds.get(kind, (None, 0))
            if said_at is not None and now - said_at < self.window:
                self._kinds[kind] = (said_at, unsaid + 1)
                return None
            self._kinds[kind] = (now, 0)
            return unsaid

    def before(self, unsaid: int) -> str:
        """What a line said says of those not said before it: " (4 more since the last such line)", or "". Not "in
        the 60 s before it": the ones counted may be an hour older than the line that says them (found in review)."""
        return f" ({unsaid} more since the last such line)" if unsaid else ""


def _time(record: logging.LogRecord) -> str:
    return dt.datetime.fromtimestamp(record.created, dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class TextFormatter(logging.Formatter):
    """``2026-12-05T10:01:02Z WARNING recur.serve: message``: a time in UTC, whatever the host's zone."""

    def format(self, record: logging.LogRecord) -> str:
        text = f"{_time(record)} {record.levelname} {record.name}: {record.getMessage()}"
        if record.exc_info:
            text += "\n" + self.formatException(record.exc_info)
        return text


class JsonFormatter(logging.Formatter):
    """One JSON object a line: time, level, logger, message (a traceback within it), and the request's
    fields on an access log record (``request_fields``)."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {"time": _time(record), "level": record.levelname, "logger": record.name}
        entry["message"] = record.getMessage()
        if record.exc_info:
            entry["message"] += "\n" + self.formatException(record.exc_info)
        fields = getattr(record, "request_fields", None)
        if isinstance(fields, dict):
            entry.update({key: value for key, value in fields.items() if key not in entry})
        return json.dumps(entry, ensure_ascii=False)


def formatter(fmt: str) -> logging.Formatter:
    return JsonFormatter() if fmt == "json" else TextFormatter()


class _Lines(WholeLines):
    """``sys.stderr`` while `recur serve` runs: each whole line written becomes a record of ``recur.serve``,
    its level taken from its ``warning:``/``error:``/``note:`` prefix (then left out: the level says it). A
    thread's line without its newline yet waits for it (``WholeLines``: a line shared by all threads took
    another thread's line into it); blank lines are dropped."""

    def __init__(self, real) -> None:
        super().__init__(real)
        self._inside = threading.local()  # a line written while one is logged (a handler's error): as it is
        self._log = logging.getLogger(LOGGER)

    def write(self, text: str) -> int:
        if getattr(self._inside, "on", False):
            return self._real.write(text)
        return super().write(text)

    def emit(self, line: str) -> None:
        if not line.strip():
            return
        level = logging.INFO
        if m := _PREFIX.match(line):
            level, line = _LEVELS[m.group(1).lower()], line[m.end() :]
        self._inside.on = True
        try:
            self._log.log(level, "%s", line)
        finally:
            self._inside.on = False


def install(fmt: str = "text", stream=None) -> None:
    """Send every line `recur serve` writes to stderr through logging, in ``fmt`` (``text`` or ``json``):
    one handler on the root logger writing to ``stream`` (the real stderr), ``recur.serve`` at INFO, and
    ``sys.stderr`` replaced by ``_Lines``. Again in the same process: the format and stream of the last call."""
    if fmt not in FORMATS:
        raise ValueError(f"log format {fmt!r}: not one of {', '.join(FORMATS)}")
    current = sys.stderr  # the stream stderr is now (a test's redirect), or the one _Lines writes to
    real = stream or (current._real if isinstance(current, _Lines) else current)
    root = logging.getLogger()
    for old in [h for h in root.handlers if isinstance(h, _Handler)]:
        root.removeHandler(old)
    handler = _Handler(real)
    handler.setFormatter(formatter(fmt))
    root.addHandler(handler)
    logging.getLogger(LOGGER).setLevel(logging.INFO)
    _installed.update(format=fmt, stream=real)
    sys.stderr = _Lines(real)
    # a traceback or a Python warning is one record (one JSON object), not a record for each of its lines
    logging.captureWarnings(True)
    threading.excepthook = _thread_died
    sys.excepthook = _main_died


def _uncaught(where: str, exc_info: tuple) -> None:
    """One ERROR record with the traceback of an exception nothing caught: Python printed it on stderr, a
    line each, so that it came out as a record a line, all INFO."""
    logging.getLogger(LOGGER).error("uncaught%s: %s", where, exc_info[0].__name__, exc_info=exc_info)


def _thread_died(args) -> None:
    """threading.excepthook: an exception no code of a thread caught. SystemExit ends a thread in silence,
    as Python's own hook lets it."""
    if args.exc_type is SystemExit:
        return
    name = args.thread.name if args.thread is not None else "?"
    _uncaught(f" in thread {name}", (args.exc_type, args.exc_value, args.exc_traceback))


def _main_died(exc_type, exc_value, exc_traceback) -> None:
    """sys.excepthook: an exception the main thread did not catch (main() turns RecurError and the
    expected ones into a message; this is the rest), as one record too."""
    _uncaught("", (exc_type, exc_value, exc_traceback))


class _Handler(logging.StreamHandler):
    """The root logger's handler ``install`` adds: found again by its class, so that a second install
    replaces it. Records of loggers other than Recur's and uvicorn's only from WARNING up, as Python's
    last resort wrote them before: bm25s sets its own logger to DEBUG, and its "Building index from
    tokens" came out at each load."""

    def filter(self, record: logging.LogRecord) -> bool:
        if record.levelno < logging.WARNING and record.name.partition(".")[0] not in ("recur", "uvicorn"):
            return False
        return super().filter(record)


def installed() -> str | None:
    """The format ``install`` set, or None when it has not run (the tests' in-process servers)."""
    return _installed.get("format")


def stream():
    """The real stderr (``sys.stderr`` before ``install``): where a handler of its own writes."""
    return _installed.get("stream") or sys.stderr


def uvicorn_log_config() -> dict:
    """uvicorn.Config's ``log_config``: its loggers without handlers of their own (its default gives them
    ``WARNING:  …`` on stderr), so that their records reach the root logger's, in the same format."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "loggers": {
            name: {"handlers": [], "propagate": True} for name in ("uvicorn", "uvicorn.error", "uvicorn.access")
        },
    }
