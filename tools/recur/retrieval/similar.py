"""Near-duplicate patterns (``recur check --similar``): cosine of the stored "doc" vectors, and shared signals."""

from __future__ import annotations

import os
import re
import unicodedata
from pathlib import Path
from typing import NamedTuple

import numpy as np

from recur import config
from recur.kb.loader import display_path
from recur.kb.records import KB
from recur.retrieval.engine import ensure_index
from recur.retrieval.index import load_vectors
from recur.util.errors import Problem


class Compared(NamedTuple):
    """What ``compare`` found, and what it compared: ``queries`` patterns (the named ones, or all) with
    the KB's ``among`` patterns, at ``threshold``."""

    problems: list
    queries: int
    among: int
    threshold: float
    notices: tuple | list = ()  # look-alikes that no `distinguish:` tells apart (_undeclared_lookalike): never failing


def similar_warnings(
    kb: KB, only=None, *, index_dir, model: str | None, threshold: float | None = None
) -> list[Problem]:
    """``compare``'s warnings."""
    return compare(kb, only, index_dir=index_dir, model=model, threshold=threshold).problems


def compare(kb: KB, only=None, *, index_dir, model: str | None, threshold: float | None = None) -> Compared:
    """Patterns whose text is nearly the same as another's (cosine of the "doc" vectors), or that are a
    look-alike of another (as `recur lookalikes` measures it) with most of its signals (``_Signals``), two
    or more, or with one of its signals and a lookalikes similarity at ``threshold`` or more.

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
    ids = [pid for _, pid in rows]
    if only:
        wanted = {os.path.normcase(os.path.abspath(f)) for f in only}
        queries = [
            pid for pid in ids if any(os.path.normcase(os.path.abspath(f)) in wanted for f in _files_of(kb, pid))
        ]
    else:
        queries = list(ids)
    if len(ids) < 2 or not queries:
        return Compared([], len(queries), len(ids), threshold, [])
    vecs = vectors[[r for r, _ in rows]].astype(np.float32)
    vecs /= np.maximum(np.linalg.norm(vecs, axis=1, keepdims=True), 1e-12)
    pos = {pid: n for n, pid in enumerate(ids)}
    sims = vecs[[pos[pid] for pid in queries]] @ vecs.T
    signals = _Signals(kb, ids)
    means = _Means(ids, vectors, views)
    out, notices, told = [], [], set()  # told: the look-alike pairs a notice named, each once
    for row, pid in enumerate(queries):
        sims[row, pos[pid]] = -1.0
        p = kb.patterns[pid]
        shared = signals.related(pid)
        found = _by_text(kb, pid, ids, sims[row], threshold, shared) or _by_signals(kb, pid, shared, means, threshold)
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
        elif notice := _undeclared_lookalike(kb, pid, ids, means, told):
            notices.append(notice)
    return Compared(out, len(queries), len(ids), threshold, notices)


def _undeclared_lookalike(kb: KB, pid: str, ids: list, means: _Means, told: set) -> Problem | None:
    """A notice for the pattern's nearest look-alike at ``lookalikes.TELL_APART`` or more (as `recur lookalikes`
    measures it), when neither declares a ``distinguish`` entry for the other; None. A pattern written anew in
    its own words (storage-exhausted: no text, no signal of disk-full's) was "no near-duplicates" while `recur
    lookalikes` said disk-full at 0.81, "no distinguishing signal declared", and it then outranked disk-full on
    "the server ran out of disk space" (found in review). A notice: siblings read alike too (the starter KB's
    thread-pool-exhaustion and timeout-cascade-no-circuit-breaker, 0.81, now told apart), and what tells them apart is
    the author's to say, not a failure of the change. A pair in ``told`` (frozensets of two ids, added to here) is
    said once: each of two look-alikes is the other's nearest, and the pair was said twice, A of B and B of A."""
    from recur.retrieval.lookalikes import TELL_APART

    near = [(means.similarity(pid, other), other) for other in ids if other != pid]
    near = [(sim, other) for sim, other in near if sim >= TELL_APART and not _declared(kb, pid, other)]
    if not near:
        return None
    sim, other = max(near)
    if (pair := frozenset((pid, other))) in told:
        return None
    told.add(pair)
    p = kb.patterns[pid]
    return Problem(
        display_path(kb.root / p.relpath),
        p.line("id"),
        "id",
        f"{pid} looks like {other} ({sim:.2f}, as `recur lookalikes` measures it) and neither says how to tell them "
        f"apart: add distinguish: [{{from: {other}, by: <what this failure shows and {other} does not>}}], or "
        f"extend {other} if they are one failure",
        "notice",
    )


def _declared(kb: KB, pid: str, other: str) -> bool:
    """Whether the authors wrote a ``distinguish`` entry between the two (either way round)."""
    return other in {d["from"] for d in kb.patterns[pid].distinguish} or pid in {
        d["from"] for d in kb.patterns[other].distinguish
    }


def _by_text(kb: KB, pid: str, ids: list, row, threshold: float, signals: dict):
    """(other id, why) for the nearest pattern whose doc view is at ``threshold`` or more, or a little less
    with a signal or a service in common; None."""
    p = kb.patterns[pid]
    for j in np.argsort(-row)[:5]:
        score, other = float(row[j]), ids[j]
        if score < threshold - config.SIMILAR_SHARED_MARGIN:
            break
        shared = "" if score >= threshold else _shared(p, kb.patterns[other], signals.get(other))
        if (score >= threshold or shared) and not _declared(kb, pid, other):
            return other, f"{score:.2f}{shared}"
    return None


class _Signals:
    """Every pattern's signals, and which of them two patterns share: the same signal (its words the
    same), or one whose words run whole, in order, inside the other's (the short form of a log line the
    other quotes whole). A new pattern with "HikariPool-1 - Connection is not available" and "remaining
    connection slots are reserved" was OK by `check --strict --similar` while the pattern it copied, its
    runbook step and dashboard the same, had "HikariPool-1 - Connection is not available, request timed
    out after 30000ms" and the whole Postgres line: signals were shared only word for word (`recur
    lookalikes` said 0.89; found by a first-time pattern author).

    Words are runs of letters and digits, casefolded: case, spacing and punctuation aside. The numbers are
    kept, not masked as ``normalise_signal`` masks them to read a log line: masked, "HTTP 503" would be part
    of "HTTP 429 Too Many Requests". Each signal of the other pattern is paired with one of this pattern's at
    most: disk-full's "... no space left on device" and "ENOSPC: no space left on device, write" are one signal
    of inode-exhaustion's ("No space left on device"), not two. Built once for every pattern; each signal is
    looked for by its rarest word, so no pair of signals is compared that has none in common."""

    def __init__(self, kb: KB, ids: list):
        self._kb = kb
        self._words: dict = {}  # (pid, n) -> " w1 w2 ... " (padded: a containment is of whole words)
        self._postings: dict = {}  # word -> {(pid, n)}: the signals that have it
        for pid in ids:
            for n, s in enumerate(kb.patterns[pid].signals):
                words = _words(s)
                if words:
                    self._words[(pid, n)] = f" {' '.join(words)} "
                    for w in set(words):
                        self._postings.setdefault(w, set()).add((pid, n))
        self._by_rarest: dict = {}  # word -> [(pid, n)]: the signals whose rarest word it is
        for key, words in self._words.items():
            self._by_rarest.setdefault(self._rarest(words), []).append(key)

    def _rarest(self, words: str) -> str:
        return min(words.split(), key=lambda w: (len(self._postings[w]), w))

    def related(self, pid: str) -> dict:
        """{other id: [(this pattern's signal, the other's)]}, each signal used once, the same ones first."""
        found: dict = {}
        for n, _ in enumerate(self._kb.patterns[pid].signals):
            mine = self._words.get((pid, n))
            if mine is None:
                continue
            for key in self._holding(mine) | self._held(mine):
                if key[0] != pid:
                    found.setdefault(key[0], []).append((n, key[1], self._words[key] == mine))
        return {other: self._paired(pid, other, links) for other, links in found.items()}

    def _holding(self, mine: str) -> set:
        """The signals whose words hold all of ``mine``'s, in order: among those with its rarest word."""
        return {k for k in self._postings[self._rarest(mine)] if mine in self._words[k]}

    def _held(self, mine: str) -> set:
        """The signals all of whose words are in ``mine``, in order: among those whose rarest word it has."""
        return {k for w in set(mine.split()) for k in self._by_rarest.get(w, ()) if self._words[k] in mine}

    def _paired(self, pid: str, other: str, links: list) -> list:
        """[(this pattern's signal, the other's)], each of either used once, the same signal first."""
        mine, theirs = self._kb.patterns[pid].signals, self._kb.patterns[other].signals
        used_mine, used_theirs, out = set(), set(), []
        for n, t, _ in sorted(links, key=lambda x: (not x[2], x[0], x[1])):
            if n not in used_mine and t not in used_theirs:
                used_mine.add(n)
                used_theirs.add(t)
                out.append((mine[n], theirs[t]))
        return sorted(out, key=lambda x: mine.index(x[0]))


def _words(signal) -> list:
    return re.findall(r"\w+", unicodedata.normalize("NFKC", str(signal)).casefold())


def _named(pairs: list) -> str:
    """The shared signals as this pattern writes them, each with the other's wording when it differs."""
    said = []
    for s, t in pairs:
        if _words(s) == _words(t):
            said.append(repr(s))
        else:
            said.append(f"{s!r} (part of {t!r})" if len(_words(s)) < len(_words(t)) else f"{s!r} (contains {t!r})")
    return ", ".join(said)


class _Means:
    """Each pattern's L2-normalised mean view vector, the measure `recur lookalikes` gives (``lookalikes.centroids``):
    built once, for every pattern, when the first similarity is asked (a pair sharing a signal, or the look-alike
    notice, which asks of every pattern no warning names). It was built again for the two patterns of each pair
    sharing a signal, from a walk over every view of the index."""

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


def _by_signals(kb: KB, pid: str, shared: dict, means: _Means, threshold: float = 1.0):
    """(other id, why) for a look-alike (as `recur lookalikes` measures it: the cosine of the mean view vectors,
    at ``lookalikes.FLOOR`` or more) that shares most of this pattern's signals (``_Signals``), two or more,
    or that shares one of them at least and is at ``threshold`` or more by that measure; None.

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

    mine = {" ".join(_words(s)) for s in kb.patterns[pid].signals} - {""}
    best = None
    for other, both in sorted(shared.items()):
        if _declared(kb, pid, other):
            continue
        most = len(both) >= 2 and 2 * len(both) >= len(mine)
        similarity = means.similarity(pid, other)
        if similarity >= (FLOOR if most else threshold) and (best is None or (len(both), similarity) > best[0]):
            named = _named(both)
            if len(both) == 1:
                held = f"both have the signal {named}"
            else:
                held = f"{len(both)} of its {len(mine)} signals are {other}'s: {named}"
            why = f"similarity {similarity:.2f} as `recur lookalikes` measures it, and {held}"
            best = ((len(both), similarity), other, why)
    return best[1:] if best else None


def _shared(p, other, signals: list | None) -> str:
    """What two patterns have in common that makes a pair a little less alike than the threshold a
    likely duplicate too (config.SIMILAR_SHARED_MARGIN): a signal (``_Signals``: the same, or one inside
    the other), or a service; "" when nothing. ``signals``: the pairs of their signals shared."""
    if signals:
        return f", and both have the signal {_named(signals[:1])}"
    service = next((s for s in p.services if s in other.services), None)
    return f", and both are about the service {service!r}" if service is not None else ""


def _files_of(kb: KB, pid: str) -> list[str]:
    p = kb.patterns[pid]
    return [str(kb.root / p.relpath)] + list(kb.pattern_files.get(pid, []))
