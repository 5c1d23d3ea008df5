"""Atomic writes: a temp file in the same folder, then os.replace, so a reader never sees half
a file and an interrupted write leaves the old one intact; folders are swapped the same way."""

from __future__ import annotations

import os
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path

from recur.util import utf8
from recur.util.errors import NotWritable, RecurError


@contextmanager
def writing(target, what: str):
    """Name the target, not a temp sibling, when the OS refuses a write (no such folder,
    permission denied, disk full)."""
    try:
        yield
    except OSError as exc:
        raise NotWritable(f"{target}: cannot write {what} there: {exc.strerror or exc}") from None


def write_atomic(path, text: str, overwrite: bool = False) -> Path:
    """Write ``text`` to ``path``; refuse an existing file unless ``overwrite``."""
    path = Path(path)
    with writing(path, "the file"):
        return _write_atomic(path, text, overwrite)


def _write_atomic(path: Path, text: str, overwrite: bool) -> Path:
    if path.exists() and not overwrite:
        raise RecurError(f"{path}: already exists; refusing to overwrite it")
    problem = utf8.problem(text)
    if problem:  # every caller names its fields first: this is the last line, nothing half-written
        raise RecurError(f"{path}: not written: the content {problem}")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            fh.write(text)
        if not overwrite:
            try:  # os.link fails if the target appeared meanwhile: never clobber a record
                os.link(tmp, path)
            except FileExistsError:
                raise RecurError(f"{path}: already exists; refusing to overwrite it") from None
            except OSError:
                os.replace(tmp, path)
        else:
            os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return path


def swap_folder(tmp: Path, final: Path) -> None:
    """Replace folder ``final`` by ``tmp`` with two renames. The previous one sits at
    ``final.old`` between them (where an interrupted swap can be recovered from) and is removed
    after."""
    old = final.with_name(final.name + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if final.exists():
        os.rename(final, old)
    os.rename(tmp, final)
    shutil.rmtree(old, ignore_errors=True)
