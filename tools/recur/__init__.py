"""Recur: a searchable knowledge base of failure patterns.

As a library (docs/library.md): ``recur.load_kb``, ``recur.run_checks``, ``recur.Engine``,
``recur.record_incident``, ``recur.report_board``, the records they return and ``recur.RecurError``,
the one error they raise for what a KB or a caller's input got wrong. ``import recur`` imports nothing
else: each name loads its module on first use, so a bot that only checks a KB never loads numpy or the model.
"""

import importlib

# The one place the version is written: pyproject.toml reads it (dynamic = ["version"]) for the wheel's
# metadata, so `recur --version`, `pip show recur` and the pin `recur init` writes cannot disagree.
__version__ = "0.2.1.dev0"

# The library's names: name -> the module that defines it, loaded on first use (as cli/main.py's COMMANDS).
# A table, not imports: the package's own modules import `recur` for __version__, and an import of these
# here would put every layer above each of them (tests/test_library.py: no module of the package takes them
# from here).
EXPORTS = {
    "RecurError": "recur.util.errors",
    "Problem": "recur.util.errors",
    "load_kb": "recur.kb.loader",
    "KB": "recur.kb.records",
    "Pattern": "recur.kb.records",
    "Incident": "recur.kb.records",
    "OnboardingPath": "recur.kb.records",
    "run_checks": "recur.kb.check",
    "check_path": "recur.kb.check",
    "NewIncident": "recur.kb.incident_record",
    "record_incident": "recur.kb.incident_record",
    "RecordedIncident": "recur.kb.incident_record",
    "Engine": "recur.retrieval.engine",
    "Answer": "recur.retrieval.results",
    "Result": "recur.retrieval.results",
    "report_board": "recur.problems.board",
    "Board": "recur.problems.board",
}

__all__ = ["__version__", *EXPORTS]


def __getattr__(name: str):
    if name in EXPORTS:
        value = getattr(importlib.import_module(EXPORTS[name]), name)
        globals()[name] = value  # found by the next lookup without this function
        return value
    raise AttributeError(f"module 'recur' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(EXPORTS))
