"""Near-duplicate patterns (``recur check --similar``): cosine of the stored "doc" vectors."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from recur import config
from recur.kb.loader import display_path
from recur.kb.records import KB
from recur.retrieval.engine import ensure_index
from recur.retrieval.index import load_vectors
from recur.util.errors import Problem


def similar_warnings(
    kb: KB, only=None, *, index_dir, model: str | None, threshold: float | None = None
) -> list[Problem]:
    """Patterns whose text is nearly the same as another's (cosine of the "doc" vectors).

    ``only``: file paths (the changed files in CI / pre-commit); only those patterns are
    compared against the whole KB. Pairs whose authors already wrote a ``distinguish`` entry
    between them are not reported: that is the documented way to say "similar, not the same".
    """
    if threshold is None:
        threshold = config.get("similar_threshold")
    index_dir = Path(index_dir or config.get("index"))
    ensure_index(kb.root, index_dir, model, quiet=True, progress=False)
    vectors, views = load_vectors(index_dir)
    rows = [(r, v["pattern"]) for r, v in enumerate(views) if v["kind"] == "doc" and v["pattern"] in kb.patterns]
    if len(rows) < 2:
        return []
    ids = [pid for _, pid in rows]
    vecs = vectors[[r for r, _ in rows]].astype(np.float32)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    pos = {pid: n for n, pid in enumerate(ids)}
    if only:
        wanted = {os.path.normcase(os.path.abspath(f)) for f in only}
        queries = [
            pid for pid in ids if any(os.path.normcase(os.path.abspath(f)) in wanted for f in _files_of(kb, pid))
        ]
    else:
        queries = list(ids)
    if not queries:
        return []
    q = vecs[[pos[pid] for pid in queries]]
    sims = q @ vecs.T
    out = []
    for row, pid in enumerate(queries):
        sims[row, pos[pid]] = -1.0
        p = kb.patterns[pid]
        declared = {d["from"] for d in p.distinguish}
        for j in np.argsort(-sims[row])[:5]:
            score, other = float(sims[row, j]), ids[j]
            if score < threshold - config.SIMILAR_SHARED_MARGIN:
                break
            shared = "" if score >= threshold else _shared(p, kb.patterns[other])
            if score < threshold and not shared:
                continue
            if other in declared or pid in {d["from"] for d in kb.patterns[other].distinguish}:
                continue
            shown = display_path(kb.root / p.relpath)
            out.append(
                Problem(
                    shown,
                    p.line("id"),
                    "id",
                    f"looks like a duplicate of {other} ({score:.2f}{shared}) — extend it instead? (or add a "
                    f"`distinguish: [{{from: {other}, by: ...}}]` entry if they differ)",
                    "warning",
                )
            )
            break
    return out


def _shared(p, other) -> str:
    """What two patterns have in common that makes a pair a little less alike than the threshold a
    likely duplicate too (config.SIMILAR_SHARED_MARGIN): a signal, verbatim (case and spacing aside),
    or a service; "" when nothing."""

    def key(s):
        return " ".join(str(s).split()).casefold()

    theirs = {key(s) for s in other.signals}
    signal = next((s for s in p.signals if key(s) in theirs), None)
    if signal is not None:
        return f", and both have the signal {signal!r}"
    service = next((s for s in p.services if s in other.services), None)
    return f", and both are about the service {service!r}" if service is not None else ""


def _files_of(kb: KB, pid: str) -> list[str]:
    p = kb.patterns[pid]
    return [str(kb.root / p.relpath)] + list(kb.pattern_files.get(pid, []))
