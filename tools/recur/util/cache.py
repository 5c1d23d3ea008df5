"""The one rule for what Recur's caches of derived files keep: the server's fp32 ONNX exports
(``RECUR_CACHE/onnx/``), the browser model's exports (``.recur/browser-model/``) and the gzip copies of
the browser runtime (``.recur/browser-model/gz/``); docs/operating.md, "Caches", says it to operators.

An entry is a folder whose use is stamped on its ``info.json`` (an export: written last, so a folder
without one is no entry: ``gz/`` itself, or one being made), or a plain file whose use is its own mtime.
Every entry used within ``UNUSED_DAYS`` is kept, and in any case the ``KEEP_NEWEST`` most recently used,
but never more than ``MAX_KEPT``: a KB built twice a year still finds its only export, and a checkout never
gathers every export and runtime it ever had (each export ~45-90 MB; every `recur tune` makes a model, every
upgrade a runtime), nor a shared cache a month of daily tunes (~30 exports, 2.7 GB).
"""

from __future__ import annotations

import contextlib
import os
import shutil
import time
from pathlib import Path

UNUSED_DAYS = 30
# the most recently used entries kept however old: the active model's export, the one before it (a
# rollback) and the bundled model's; the runtime of this install and of the one before it
KEEP_NEWEST = 3
# the most kept, used within UNUSED_DAYS or not, the least recently used going first: a team tuning daily on
# a shared cache (RECUR_CACHE) used a new export every day and kept ~30 of 90 MB; 8 holds the newest models,
# a rollback and the bundled one, and what other checkouts sharing the cache use this month
MAX_KEPT = 8
STAMP = "info.json"
TEMP = ".tmp-"  # in the names of the work folders and temp files of an entry being made (util.files)


def stamp(entry: Path) -> Path:
    """The file whose mtime says when ``entry`` was last used."""
    return entry / STAMP if entry.is_dir() else entry


def mark_used(entry: Path) -> None:
    """Record that ``entry`` was used now, when it is reused as well as when it is made: ``prune``
    goes by use, and a file's mtime alone said when it was made (the runtime's gzip copies); best effort."""
    with contextlib.suppress(OSError):
        os.utime(stamp(entry))


def last_used(entry: Path) -> float | None:
    """When ``entry`` was last used (its stamp's mtime), or None for no entry."""
    try:
        return stamp(entry).stat().st_mtime
    except OSError:
        return None


def prune(root: Path) -> list[Path]:
    """Remove from the cache folder ``root`` the entries unused for ``UNUSED_DAYS`` beyond the
    ``KEEP_NEWEST`` most recently used, and any beyond the ``MAX_KEPT`` most recently used; returns them. A work folder or temp file (``TEMP`` in its
    name) is no entry: it is removed only once untouched for ``UNUSED_DAYS`` (left by a killed run;
    a running build touches it within minutes). One removed by mistake is made again."""
    cutoff = time.time() - UNUSED_DAYS * 86400
    try:
        children = list(root.iterdir())
    except OSError:
        return []
    entries, removed = [], []
    for child in children:
        if TEMP in child.name:
            with contextlib.suppress(OSError):
                if child.lstat().st_mtime < cutoff:
                    removed.append(child)
            continue
        used = last_used(child)
        if used is not None:
            entries.append((used, child))
    entries.sort(key=lambda e: e[0], reverse=True)
    removed += [
        child for n, (used, child) in enumerate(entries) if n >= MAX_KEPT or (n >= KEEP_NEWEST and used < cutoff)
    ]
    for child in removed:
        if child.is_dir() and not child.is_symlink():
            shutil.rmtree(child, ignore_errors=True)
        else:
            with contextlib.suppress(OSError):
                child.unlink()
    return removed
