"""The one exception type shown to users, and the problem record every check emits."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

# Whom an error is said to. A library caller by default, who gave the KB folder as an argument: "knowledge base
# folder not found: kb" (the CLI's "pass --kb DIR or set RECUR_KB" spoke of a flag and a variable the library
# never reads; found using Recur as a library). `recur`'s commands set it for their run (cli/main.py's
# LazyGroup.invoke), whose errors say which flag to pass. A context variable, not an argument of load_kb: its
# forty callers at the edge would each have to pass it, and one left out would change what the CLI says.
ON_COMMAND_LINE: ContextVar[bool] = ContextVar("recur_on_command_line", default=False)


def given_as(flag: str, argument: str) -> str:
    """What an error calls a value its caller gave: ``flag`` on the command line (``ON_COMMAND_LINE``), else the
    library's ``argument`` name (``import_postmortem(category=…)`` was told "--category: …", a flag it never passed)."""
    return flag if ON_COMMAND_LINE.get() else argument


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
