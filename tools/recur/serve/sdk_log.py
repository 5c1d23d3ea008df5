"""The MCP SDK's warnings said as the server's own lines, for `recur serve` (its log's format, applog) and `recur mcp`
(stdio, ``warning: …``). A module of its own, with nothing but logging: `recur mcp` takes it without
server.py, which loads uvicorn's HTTP protocol (httptools), and both kept a near-copy of it."""

from __future__ import annotations

import logging
import sys


class _SdkWarnings(logging.StreamHandler):
    """The handler ``sdk_warnings_to_stderr`` adds to the SDK's logger: found again by its class, so that it
    is added once in a process."""


def sdk_warnings_to_stderr(formatter: logging.Formatter, *filters: logging.Filter, stream=None) -> None:
    """The MCP SDK's WARNING and worse records on stderr in ``formatter`` (through ``filters``), once. Its
    loggers have no handler, so Python's last resort printed its warnings bare, with no level, among the
    server's lines ("Invalid Host header: evil.example" under `recur serve`, "dropped
    'notifications/cancelled': malformed params" under `recur mcp`; found in review). Its INFO and DEBUG
    records stay out, as before. ``stream``: where to write, when not ``sys.stderr`` (`recur serve`'s log
    replaces it: applog)."""
    sdk = logging.getLogger("mcp")
    if any(isinstance(h, _SdkWarnings) for h in sdk.handlers):
        return
    handler = _SdkWarnings(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler.setLevel(logging.WARNING)
    for f in filters:
        handler.addFilter(f)
    sdk.addHandler(handler)
    sdk.propagate = False  # once: not again through a handler the root logger may have
