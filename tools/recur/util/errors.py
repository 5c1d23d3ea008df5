"""The one exception type shown to users, and the problem record every check emits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field


@dataclass(frozen=True)
class Caller:
    """Whom an error is said to, and what it calls each value it gave: the one way a message names a value, on
    every surface. ``names``: the library's argument name -> this caller's name for it (none: the argument's
    own name, as a library's caller wrote it); ``command_line``: `recur`'s commands, whose errors may say a flag
    to pass or a variable to set (``--kb DIR``, ``RECUR_KB``), which no other caller can; ``lists_ids``: what
    lists the pattern ids for a program's caller (MCP's list_patterns), whose errors name that, and the KB's
    folder absolute (loader.require_patterns). Two mechanisms did this before, a flag "on the command line"
    and a field name passed down (``record_incident(patterns_field=...)``); `recur mcp`, run inside a command,
    told its tools' caller "pass --kb DIR or set RECUR_KB" (found by a developer embedding Recur)."""

    names: Mapping[str, str] = field(default_factory=dict)
    command_line: bool = False
    lists_ids: str | None = None

    def name(self, argument: str) -> str:
        return self.names.get(argument, argument)


LIBRARY = Caller()  # a library's caller, by default: each value named as the argument it was given as

# The caller of what runs now. A context variable, not an argument of load_kb and the rest: their forty callers
# at the edge would each have to pass it, and one left out would change what its surface says. Each edge sets
# its own for its work (``calling``): `recur`'s commands (cli/main.py's LazyGroup.invoke), an MCP tool's call
# (serve/mcp_server.run_tool; `recur serve`'s /mcp too). The HTTP API names its own fields (serve/guard.ApiError).
CALLER: ContextVar[Caller] = ContextVar("recur_caller", default=LIBRARY)


@contextmanager
def calling(caller: Caller) -> Iterator[Caller]:
    """Errors raised inside are said to ``caller``, as it names what it gave."""
    token = CALLER.set(caller)
    try:
        yield caller
    finally:
        CALLER.reset(token)


def given_as(argument: str) -> str:
    """What an error calls the value its caller gave as the library's ``argument``: a flag on the command line
    (``--id``), a tool's argument to MCP, the argument's name to a library's caller (``iid``)."""
    return CALLER.get().name(argument)


def on_command_line() -> bool:
    """Whether errors may tell their reader a flag to pass or a variable to set (`recur`'s commands alone)."""
    return CALLER.get().command_line


class RecurError(Exception):
    """An expected failure. The CLI and API turn it into one clean message, never a traceback."""


class NotWritable(RecurError):
    """The OS refused a write (read-only file system, no such folder, permission, disk full): a
    caller with something to fall back on (an index that is only out of date) may carry on.
    ``why``: the OS's reason alone ("No space left on device"), for a caller that says it its own way."""

    def __init__(self, message: str, why: str = ""):
        super().__init__(message)
        self.why = why


class AlreadyExists(RecurError):
    """A new file's name was taken, perhaps by another writer a moment ago: a caller that chose the
    name itself (the next free incident number) may take another."""


class Busy(RecurError):
    """Another process held a lock longer than the wait for it (``util.files.editing``): a caller
    with something else to do (run the model on PyTorch) may do it, one that says why says so."""


@dataclass(frozen=True)
class Problem:
    """One finding about one place in the KB: printed as ``path:line: field: message``."""

    path: str
    line: int
    field: str
    message: str
    level: str = "error"  # "error", "warning", or "notice" (advice that never fails --strict)
    # a warning --strict does not fail on: a team's own front-matter key, which the KB format says to
    # keep and warn of, never fail (the CI `recur init` writes runs check --strict; found in review)
    strict: bool = True
    # what the finding is, for code that acts on one kind (``UNUSED_SLIP``): the message is for people and
    # may be reworded; "" for a finding nothing looks for
    code: str = ""

    @property
    def is_error(self) -> bool:
        return self.level == "error"

    def __str__(self) -> str:
        prefix = "" if self.is_error else f"{self.level}: "
        return f"{self.path}:{self.line}: {self.field}: {prefix}{self.message}"

    def sort_key(self):
        return (self.path, self.line, self.field, self.message)
