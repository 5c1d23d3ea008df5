"""The temp files writes killed mid-way (kill -9, a power cut) left in a KB's folders (util/files.py names them
``.NAME.<pid>-<hex>.tmp``): `recur check` names them, `recur index` removes them. A write removes those of its own
folder; one in a folder nothing writes to again (a year's incidents folder, once the year is over) stayed for good."""

from __future__ import annotations

import os
import shlex
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
    leftover, gitignored by `recur init`). Where this user cannot remove it (``files.removal_refused``: a read-only
    mount, a KB another user owns), it says who can, by hand, in place of `recur index`, which leaves it there."""
    problems = []
    for folder in kb_folders(root):
        for path, pid, age in files.stale_temps(folder, targets=_targets(root, folder)):
            who = f"process {pid}, which is gone" if pid else "an older Recur"
            said = (
                f"a temp file a write killed mid-way left ({who}; unchanged for {_age(age)}): what it holds was never "
                f"put in place; {removal_advice(path)}"
            )
            problems.append(Problem(display_path(path), 1, "file", said, "warning", strict=False))
    return problems


def removal_advice(path: Path) -> str:
    """How the temp file ``path`` can be removed: by `recur index` or a write, or, where this user cannot
    (``files.removal_refused``), by hand, by whom, and the command."""
    refused = files.removal_refused(path.parent)
    if refused is None:
        return "delete it, or let `recur index` or the next write in its folder remove it"
    if refused == files.READ_ONLY_FS:
        by = "remove it by hand where the KB is writable (the checkout mounted here)"
        rm = f"rm {shlex.quote(display_path(path))}"
    else:
        by = f"have its folder's owner ({files.owner_name(path.parent)}), or a user who can write there, remove it by hand"
        # the absolute path: another user runs it, from a folder of their own (one relative to this working folder,
        # `rm ../../srv/kb/…`, named no file from theirs)
        rm = f"rm {shlex.quote(os.path.abspath(path))}"
    return f"its folder is {refused}, so `recur index` cannot remove it: {by}: {rm}"


def remove_left_temps(root) -> tuple[list[Path], list[Path]]:
    """Remove the temp files gone writers left in the KB (``files.remove_stale_temps_in``); returns those removed,
    and those left in folders this user cannot remove a file from (``files.removal_refused``), which `recur check`
    says to remove by hand."""
    removed, refused = [], []
    for folder in kb_folders(root):
        if files.removal_refused(folder):
            refused += [path for path, _, _ in files.stale_temps(folder, targets=_targets(root, folder))]
        else:
            removed += files.remove_stale_temps_in(folder, _targets(root, folder))
    return removed, refused


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
