"""The temp files writes killed mid-way (kill -9, a power cut) left in a KB's folders (util/files.py names them
``.NAME.<pid>-<hex>.tmp``): `recur check` names them, `recur index` removes them. A write removes those of its own
folder; one in a folder nothing writes to again (a year's incidents folder, once the year is over) stayed for good."""

from __future__ import annotations

import os
from pathlib import Path

from recur.kb.loader import KB_FOLDERS, KB_ROOT_FILES, display_path
from recur.util import files
from recur.util.errors import Problem


def kb_folders(root) -> list[Path]:
    """The KB's root and every folder under its KB_FOLDERS a write puts records in (hidden ones aside), sorted."""
    root = Path(root)
    found = [root]
    for sub in KB_FOLDERS:
        for here, dirs, _ in os.walk(root / sub):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            found.append(Path(here))
    return sorted(found)


def left_temp_problems(root) -> list[Problem]:
    """A warning for each temp file a gone writer left in the KB (``files.stale_temps``, its age read on this
    machine's clock: a warning, nothing removed), which --strict does not fail on (no record: a killed write's
    leftover, gitignored by `recur init`)."""
    problems = []
    for folder in kb_folders(root):
        for path, pid, age in files.stale_temps(folder, targets=_targets(root, folder)):
            who = f"process {pid}, which is gone" if pid else "an older Recur"
            said = (
                f"a temp file a write killed mid-way left ({who}; unchanged for {_age(age)}): what it holds was never "
                "put in place; delete it, or let `recur index` or the next write in its folder remove it"
            )
            problems.append(Problem(display_path(path), 1, "file", said, "warning", strict=False))
    return problems


def remove_left_temps(root) -> list[Path]:
    """Remove the temp files gone writers left in the KB (``files.remove_stale_temps_in``); returns them."""
    return [path for folder in kb_folders(root) for path in files.remove_stale_temps_in(folder, _targets(root, folder))]


def _targets(root, folder: Path) -> tuple[str, ...] | None:
    """Whose temp files an older Recur's (no process in the name) may be in ``folder``: any file's in the KB's own
    folders; at its root, which may be a repository's (require_kb_root), the KB files there alone: a name with no
    process in it is too like a file of the team's (``.build.0123456789ab.tmp``), which check said to delete."""
    return KB_ROOT_FILES if Path(folder) == Path(root) else None


def _age(seconds: float) -> str:
    minutes = int(seconds // 60)
    if minutes < 120:
        return f"{minutes} min"
    return f"{minutes // 60} h" if minutes < 48 * 60 else f"{minutes // (24 * 60)} days"
