"""Near-duplicate patterns (``recur check --similar``): cosine of the stored "doc" vectors, and shared signals."""

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
    """Patterns whose text is nearly the same as another's (cosine of the "doc" vectors), or that are a
    look-alike of another (as `recur lookalikes` measures it) with most of its exact signals, two or more,
    or with one of its signals and a lookalikes similarity at ``threshold`` or more.

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
    holders = _signal_holders(kb, ids)
    means = _Means(ids, vectors, views)
    out = []
    for row, pid in enumerate(queries):
        sims[row, pos[pid]] = -1.0
        p = kb.patterns[pid]
        found = _by_text(kb, pid, ids, sims[row], threshold) or _by_signals(kb, pid, holders, means, threshold)
        if found:
            other, why = found
            shown = display_path(kb.root / p.relpath)
            out.append(
                Problem(
                    shown,
                    p.line("id"),
                    "id",
                    f"looks like a duplicate of {other} ({why}) — extend it instead? (or add a "
                    f"`distinguish: [{{from: {other}, by: ...}}]` entry if they differ)",
                    "warning",
                )
            )
    return out


def _declared(kb: KB, pid: str, other: str) -> bool:
    """Whether the authors wrote a ``distinguish`` entry between the two (either way round)."""
    return other in {d["from"] for d in kb.patterns[pid].distinguish} or pid in {
        d["from"] for d in kb.patterns[other].distinguish
    }


def _by_text(kb: KB, pid: str, ids: list, row, threshold: float):
    """(other id, why) for the nearest pattern whose doc view is at ``threshold`` or more, or a little less
    with a signal or a service in common; None."""
    p = kb.patterns[pid]
    for j in np.argsort(-row)[:5]:
        score, other = float(row[j]), ids[j]
        if score < threshold - config.SIMILAR_SHARED_MARGIN:
            break
        shared = "" if score >= threshold else _shared(p, kb.patterns[other])
        if (score >= threshold or shared) and not _declared(kb, pid, other):
            return other, f"{score:.2f}{shared}"
    return None


def _signal_holders(kb: KB, ids: list) -> dict:
    """{signal, case and spacing aside: the ids of the patterns that have it}, read once for every pattern."""
    holders: dict = {}
    for pid in ids:
        for s in kb.patterns[pid].signals:
            holders.setdefault(_key(s), set()).add(pid)
    return holders


class _Means:
    """Each pattern's L2-normalised mean view vector, the measure `recur lookalikes` gives (``lookalikes.centroids``):
    built once, for every pattern, when the first pair sharing a signal asks (a KB with none asks for none). It was
    built again for the two patterns of each such pair, from a walk over every view of the index."""

    def __init__(self, ids: list, vectors, views):
        self._ids, self._vectors, self._views = ids, vectors, views
        self._of: dict | None = None

    def similarity(self, pid: str, other: str) -> float:
        """The cosine of the two patterns' mean vectors; 0.0 when one has no view."""
        if self._of is None:
            from types import SimpleNamespace

            from recur.retrieval.lookalikes import centroids

            index = SimpleNamespace(views=self._views, vectors=self._vectors, docs=dict.fromkeys(self._ids))
            self._of = dict(zip(*centroids(index)))
        a, b = self._of.get(pid), self._of.get(other)
        return float(a @ b) if a is not None and b is not None else 0.0


def _by_signals(kb: KB, pid: str, holders: dict, means: _Means, threshold: float = 1.0):
    """(other id, why) for a look-alike (as `recur lookalikes` measures it: the cosine of the mean view vectors,
    at ``lookalikes.FLOOR`` or more) that has most of this pattern's exact signals, two or more, or that has
    one of them at least and is at ``threshold`` or more by that measure; None.

    A new pattern scaffolded with a title, a symptom and two signals both another pattern's ("No space
    left on device", "ENOSPC", disk-full's) was OK by the doc view (0.51: its TODO summary waters it
    down) while `recur lookalikes` said disk-full at 0.71 (0.81 for a reviewer's wording). The measure
    alone does not tell it from real siblings (0.81, sharing a service, on the starter KB); the signals
    do: no two starter patterns have two or more in common that are half of one's signals.

    Most of a team's patterns have one signal, its alert's name: a copy with a reworded title and reworded
    symptoms, the same alert and the same body, was OK (its doc view 0.80, title and symptoms first,
    under 0.90 - 0.10) while `recur lookalikes` said 0.95 (its summary, cause and signal views are the
    original's; found adopting Recur). One signal in common is a likely duplicate too from ``threshold``
    (0.90) by lookalikes' measure: of the 10 pairs of starter patterns sharing a signal (ENOSPC,
    HTTP 503 ...), the closest is 0.80 (disk-full, inode-exhaustion; told apart by distinguish), the
    closest not told apart 0.73 (retry-storm, third-party-api-outage)."""
    from recur.retrieval.lookalikes import FLOOR

    mine = {_key(s): s for s in kb.patterns[pid].signals}
    shared: dict = {}
    for k, s in mine.items():
        for other in holders.get(k, ()) - {pid}:
            shared.setdefault(other, []).append(s)
    best = None
    for other, both in sorted(shared.items()):
        if _declared(kb, pid, other):
            continue
        most = len(both) >= 2 and 2 * len(both) >= len(mine)
        similarity = means.similarity(pid, other)
        if similarity >= (FLOOR if most else threshold) and (best is None or (len(both), similarity) > best[0]):
            named = ", ".join(repr(s) for s in both)
            if len(both) == 1:
                held = f"both have the signal {named}"
            else:
                held = f"{len(both)} of its {len(mine)} signals are {other}'s: {named}"
            why = f"similarity {similarity:.2f} as `recur lookalikes` measures it, and {held}"
            best = ((len(both), similarity), other, why)
    return best[1:] if best else None


def _key(s) -> str:
    return " ".join(str(s).split()).casefold()


def _shared(p, other) -> str:
    """What two patterns have in common that makes a pair a little less alike than the threshold a
    likely duplicate too (config.SIMILAR_SHARED_MARGIN): a signal, verbatim (case and spacing aside),
    or a service; "" when nothing."""

    theirs = {_key(s) for s in other.signals}
    signal = next((s for s in p.signals if _key(s) in theirs), None)
    if signal is not None:
        return f", and both have the signal {signal!r}"
    service = next((s for s in p.services if s in other.services), None)
    return f", and both are about the service {service!r}" if service is not None else ""


def _files_of(kb: KB, pid: str) -> list[str]:
    p = kb.patterns[pid]
    return [str(kb.root / p.relpath)] + list(kb.pattern_files.get(pid, []))
