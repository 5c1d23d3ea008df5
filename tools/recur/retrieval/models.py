"""Which model serves a KB: --model / RECUR_MODEL, else the KB's tuned model, else the bundled MiniLM.

Cheap on purpose (one small JSON file, no torch): every ``recur suggest`` asks it. ``recur tune``
writes the tuned model and its manifest; this module only finds and reads them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from recur import config
from recur.retrieval import embed
from recur.retrieval.embed import TUNED_MANIFEST

DEFAULT_OUT = config.MODEL_DIR


def read_tuned_manifest(folder) -> dict | None:
    """The manifest of the tuned model in ``folder``, or None when there is none. Its ``kb`` decides
    which KB the model is found for: when present it must be non-empty text, else RecurError naming
    the file and the field (it cannot tell whether the model is this KB's, as a damaged ``model_id``
    cannot name the model). A manifest without it is no KB's (a model used only with --model)."""
    path = Path(folder) / TUNED_MANIFEST
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError):
        return None
    if not (isinstance(data, dict) and "model_id" in data):
        return None
    if "kb" in data and not (isinstance(data["kb"], str) and data["kb"].strip()):
        raise embed.bad_manifest_field(path, "kb", data["kb"])
    return data


def same_kb(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:
        return str(Path(a).resolve()) == str(Path(b).resolve())
    except ValueError:  # a path with a NUL in it ("kb": "a\u0000b") names no folder
        return False


def tuned_on(folder, manifest: dict | None, kb_dir) -> bool:
    """Whether the model (or report) in ``folder`` was tuned on ``kb_dir``: the KB path its manifest
    records, or the KB at the same place relative to ``folder`` (``kb_relative``), so a repository
    moved, renamed or copied with its ``.recur/`` keeps its tuned model."""
    if not manifest or not isinstance(manifest.get("kb"), str) or not manifest["kb"]:
        return False  # read_tuned_manifest refuses such a kb; a report.json (the site's model page) is left out
    if same_kb(manifest["kb"], kb_dir):
        return True
    rel = manifest.get("kb_relative")
    return isinstance(rel, str) and bool(rel) and same_kb(Path(folder) / rel, kb_dir)


def candidate_folders(kb_dir) -> list:
    """Where a KB's tuned model is looked for: RECUR_TUNED, ./.recur/model, <kb>/../.recur/model."""
    out = []
    if config.get("tuned"):
        out.append(Path(config.get("tuned")))
    out += [DEFAULT_OUT, Path(kb_dir).resolve().parent / DEFAULT_OUT]
    return out


def tuned_model_for(kb_dir) -> Path | None:
    """The active tuned model folder for this KB, or None. Cheap: reads one small JSON file."""
    for folder in candidate_folders(kb_dir):
        if tuned_on(folder, read_tuned_manifest(folder), kb_dir):
            return folder.resolve()
    return None


def would_be_found(kb_dir, folder) -> bool:
    """Whether a tuned model of ``kb_dir`` put in ``folder`` would be the one ``tuned_model_for``
    finds: ``folder`` is a place it looks, and no place before it holds a model of this KB."""
    target = Path(folder).resolve()
    for candidate in candidate_folders(kb_dir):
        if candidate.resolve() == target:
            return True
        if tuned_on(candidate, read_tuned_manifest(candidate), kb_dir):
            return False
    return False


def active_model(kb_dir, explicit: str | None = None) -> str:
    """The model to use: --model/RECUR_MODEL, else the KB's tuned model, else the bundled one."""
    if explicit:
        return explicit
    tuned = tuned_model_for(Path(kb_dir))
    return str(tuned) if tuned else embed.DEFAULT
