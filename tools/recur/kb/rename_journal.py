"""The journal of a `recur rename` (``.recur-rename.json`` at the KB's root): written, on disk, once every file is
staged and before the first is put in place, and removed once the last is. `util.files.write_all_atomic` puts every
file back when the renames fail or are interrupted (Ctrl-C, SIGTERM), but a ``kill -9`` (the OOM killer, a power cut)
among them left some files renamed and some not, with nothing to say so: a retired stub with no new file, or the new
file beside an old one still in use, two patterns of one title. The journal holds each file's new text and the
digests of its bytes before and after, so the next `recur rename` finishes the rename as planned (a file that is
neither, edited by hand since, is named and nothing written), and `recur check` names the half-done state with that
command. Hidden, it is never read as a record; every rename holds the KB root's edit lock while its journal exists,
so a journal found under that lock is one a gone process left."""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shlex
from dataclasses import dataclass, field
from pathlib import Path

from recur.util.errors import Problem, RecurError
from recur.util.files import editing, editing_if_free, process_gone, write_all_atomic, write_atomic
from recur.util.text import plural

JOURNAL = ".recur-rename.json"


def digest(data: str | bytes | None) -> str | None:
    """The SHA-256 of a file's bytes (a text: as it is written, UTF-8); None for no file."""
    if data is None:
        return None
    return hashlib.sha256(data.encode("utf-8") if isinstance(data, str) else data).hexdigest()


def _now(path: Path) -> bytes | None:
    """The file's bytes (None: no such file), as the journal's digests are of them."""
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None


def write_journaled(root: Path, old: str, new: str, texts: dict, new_files: list) -> None:
    """``texts`` ({path: text}) written as one change (``write_all_atomic``), the journal written first and removed
    once all are in place (or all put back: a failure or an interruption it could undo). The caller holds the
    root's edit lock."""
    files = [
        {
            "path": Path(path).relative_to(root).as_posix(),
            "before": None if path in new_files else digest(_now(Path(path))),
            "after": digest(text),
            "text": text,
        }
        for path, text in texts.items()
    ]
    journal = root / JOURNAL
    doc = {"rename": [old, new], "pid": os.getpid(), "files": files}
    try:  # the journal once every file is staged: a full disk is met there first, with the file it refused
        write_all_atomic(
            texts, new=new_files, staged_hook=lambda: write_atomic(journal, json.dumps(doc, ensure_ascii=False) + "\n")
        )
    except BaseException:  # put back whole: nothing is left to finish; its own error is the one said
        with contextlib.suppress(OSError):
            journal.unlink()
        raise
    _remove(journal, f"`recur rename {old} {new}` renamed every file")


def _remove(journal: Path, done: str) -> None:
    """Remove the journal of a rename ``done`` (said so). Refused (a KB root made read-only meanwhile), every file
    written: it said `Error: <path>: Operation not permitted` alone, as if nothing was; a RecurError says the
    rename is done and the journal left is to be deleted."""
    try:
        journal.unlink()
    except FileNotFoundError:
        pass
    except OSError as exc:
        raise RecurError(
            f"{_shown(journal)}: {done}, but its journal could not be removed ({exc.strerror or exc}); delete it"
        ) from None


@dataclass
class Finished:
    """An interrupted rename finished (or, in a dry run, to finish): its ids, the files written and those it had
    written already."""

    old: str
    new: str
    written: list[Path] = field(default_factory=list)
    already: list[Path] = field(default_factory=list)
    mentions: list = field(default_factory=list)  # rename_mentions.Mention: its prose still naming OLD, as a rename


def _read(root: Path) -> dict | None:
    path = root / JOURNAL
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise RecurError(
            f"{_shown(path)}: rename: the journal of an interrupted rename does not read ({exc})"
        ) from None
    if not _well_formed(doc):
        raise RecurError(f"{_shown(path)}: rename: not a journal this Recur wrote; move it out of the KB")
    return doc


def _well_formed(doc) -> bool:
    """Whether ``doc`` is a journal as ``write_journaled`` writes one: two ids, its writer's pid, and files each
    within the KB."""
    rename = doc.get("rename") if isinstance(doc, dict) else None
    if not (isinstance(rename, list) and len(rename) == 2 and all(isinstance(pid, str) for pid in rename)):
        return False
    pid = doc.get("pid")  # its writer's, asked after where locks cannot be told (0 or -1: a process group)
    if not (isinstance(pid, int) and not isinstance(pid, bool) and pid > 0):
        return False
    files = doc.get("files")
    return isinstance(files, list) and all(
        isinstance(f, dict)
        and isinstance(f.get("path"), str)
        and not Path(f["path"]).is_absolute()
        and ".." not in Path(f["path"]).parts
        and isinstance(f.get("text"), str)
        and isinstance(f.get("after"), str)
        and "before" in f  # None: a file the rename makes
        and isinstance(f["before"], (str, type(None)))
        for f in files
    )


def _shown(path: Path) -> str:
    from recur.kb.loader import display_path

    return display_path(path)


def finish_interrupted(root: Path, dry: bool = False) -> Finished | None:
    """The rename a killed `recur rename` left half done, finished as it planned it (``dry``: said, nothing
    written), its journal then removed; None when there is none. Under the edit lock of the root and of every
    folder it writes. A RecurError, nothing written, when a file it would write was changed since (its text is
    neither the one before the rename nor the one after)."""
    root = Path(root)
    if not (root / JOURNAL).exists():
        return None
    with editing(root, _shown(root)):
        doc = _read(root)
        if doc is None:  # finished by another run meanwhile
            return None
        files = [(root / f["path"], f) for f in doc["files"]]
        with contextlib.ExitStack() as stack:
            for folder in sorted({p.parent for p, _ in files if p.parent != root and p.parent.is_dir()}):
                stack.enter_context(editing(folder, _shown(folder)))
            done = Finished(*map(str, doc["rename"][:2]))
            for path, f in files:
                now = digest(_now(path))
                if now == f["after"]:
                    done.already.append(path)
                elif now == f["before"]:
                    done.written.append(path)
                else:
                    raise RecurError(
                        f"{_shown(path)}: changed since `recur rename {done.old} {done.new}` was interrupted: "
                        f"the rest of that rename is not written over it; finish it by hand (as "
                        f"{_shown(root / JOURNAL)} says, each file's text after the rename), then delete that journal"
                    )
            from recur.kb.rename_mentions import prose_mentions

            # the killed rename never listed them: it lists them once every file is written
            done.mentions = prose_mentions(root, done.old, None, {path: f["text"] for path, f in files})
            if not dry:
                texts = {path: f["text"] for path, f in files if path in done.written}
                new_files = [path for path, f in files if path in done.written and f["before"] is None]
                write_all_atomic(texts, new=new_files)
                _remove(root / JOURNAL, f"the interrupted `recur rename {done.old} {done.new}` is finished")
    return done


def interrupted_problems(root, flags: str = "") -> list[Problem]:
    """A problem for the journal of a rename a gone process left: an error when the KB is half renamed (`recur
    rename OLD NEW` finishes it) or a file of it was changed since (to finish by hand); a warning when no file of
    it, or every file, is renamed yet: the KB is whole. None while the KB root's edit lock is held: a rename in
    progress, which holds it while its journal exists. The lock decides, not the journal's pid (asked only where
    locks cannot be told): a pid come round again, or a live process's on the CI machine where the journal was
    committed by mistake, said nothing of a rename killed long ago. Read under that lock, taken without waiting:
    a rename that ends meanwhile removes its journal first."""
    root = Path(root)
    if not (root / JOURNAL).exists():
        return []
    with editing_if_free(root) as taken:
        return [] if taken is False else _left_problems(root, flags, lockless=taken is None)


def _left_problems(root: Path, flags: str, lockless: bool) -> list[Problem]:
    """``interrupted_problems`` once no rename is known to run (``lockless``: the pid says whether one does)."""
    try:
        doc = _read(root)
    except RecurError as exc:
        return [Problem(_shown(root / JOURNAL), 1, "rename", str(exc).split(": rename: ", 1)[-1], "error")]
    if doc is None or (lockless and not process_gone(doc["pid"])):
        return []
    old, new = map(str, doc["rename"][:2])
    now = [(f, digest(_now(root / f["path"]))) for f in doc["files"]]
    changed = [_shown(root / f["path"]) for f, d in now if d not in (f["before"], f["after"])]
    left = sum(1 for f, d in now if d != f["after"])
    level, said = _interrupted_said(old, new, len(now), left, changed, f"recur rename {flags}")
    return [Problem(_shown(root / JOURNAL), 1, "rename", said, level)]


def _interrupted_said(old: str, new: str, total: int, left: int, changed: list, command: str) -> tuple[str, str]:
    """(level, message) of `recur check` for a journal left: ``left`` files of ``total`` not renamed yet,
    ``changed`` those neither as they were nor as planned (their paths, shown)."""
    run = f"`{command}{shlex.quote(old)} {shlex.quote(new)}`"
    if changed:
        return "error", (
            f"`recur rename {old} {new}` was killed part-way, and {plural(len(changed), 'file')} of it changed "
            f"since ({', '.join(changed[:3])}{', …' if len(changed) > 3 else ''}), which {run} does not write "
            "over: finish it by hand (this journal holds each file's text after the rename), then delete the journal"
        )
    if not left:  # killed once every file was in place, before the journal was removed: the KB is whole
        return "warning", (
            f"`recur rename {old} {new}` was killed as it ended: every file of it is renamed, only its journal is "
            "left; delete it (the next `recur rename` removes it too)"
        )
    if left == total:  # killed before its first replace: the KB is as it was
        return "warning", (
            f"`recur rename {old} {new}` was killed before it renamed any file: the KB is as it was; run {run} "
            "to rename as it was planned, or delete this journal to leave it undone (the next `recur rename` "
            "does it first)"
        )
    return "error", (
        f"`recur rename {old} {new}` was killed part-way: {plural(left, 'file')} of {total} not yet renamed, the "
        f"KB half renamed; run {run} to finish it as it was planned (a file changed since is named, nothing "
        "written over it)"
    )
