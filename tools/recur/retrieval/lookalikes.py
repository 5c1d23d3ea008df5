"""Look-alikes: the patterns a pattern is most often confused with, and what tells them apart.

Two sources: nearest neighbours in the index (the mean of a pattern's view vectors, cosine)
and co-matched incidents (incidents that linked both patterns). The signal that tells two
patterns apart comes from ``distinguish: [{from: id, by: "..."}]`` declared on either one.

- ``look_alikes(index, top, floor)`` -> {pattern id: [{id, title, similarity, co_incidents, by}]}
  for pattern pages (the site), the index docs (API, MCP) and ``recur lookalikes`` (no floor).
- ``annotate(results, docs, margin)`` adds ``look_alikes: [{id, title, by}]`` to suggest results
  whose score is within ``margin`` of another result's: two close candidates compete.
"""

from __future__ import annotations

from collections import Counter
from itertools import islice

MARGIN = 1.5  # fused-score gap (z units, see search.py) under which two suggestions are "competing"
# The similarity (cosine of the mean view vectors) a nearest neighbour needs to be a look-alike on a
# pattern page, in the API and MCP: the top 3 were listed whatever they were, and a KB of seven patterns
# showed 0.42 and 0.38 as "patterns that read much like this one". On the starter KB (60 patterns, the
# bundled model) 14% of all pairs reach 0.50, and 26 of the 30 pairs authors declared with
# `distinguish:` and 9 of the 12 pairs where kb/eval ranked the other pattern above the right one do;
# 50 patterns keep 3 look-alikes, 8 keep 2, 2 none. Patterns matched by the same incidents are
# look-alikes whatever their similarity. `recur lookalikes` lists every neighbour with its score.
# Measured by bench/lookalike_floor.py (0.45 keeps 28/30 declared pairs and 22% of all pairs; 0.55, 20/30).
FLOOR = 0.50
# A neighbour that rests on its similarity alone (no incident matched both, no `distinguish:` declared) and is
# under this is labelled "similar wording only": `recur lookalikes disk-full` listed "poison-message-crashloop
# (similarity 0.59): no distinguishing signal declared", which a newcomer read as "a full disk might be a poison
# message" (found in a new-hire review). On the starter KB (3 a pattern) 87 of the 122 such neighbours from FLOOR
# are under it (6 more share a signal, and are not such);
# from it on (0.65-0.81: retry-storm and third-party-api-outage, thread-pool-exhaustion and
# timeout-cascade-no-circuit-breaker) they read alike enough to be worth an author's `distinguish:`.
WORDING_ONLY_BELOW = 0.65
# From this similarity on, `recur check --similar` gives a notice for a look-alike neither pattern declares a
# `distinguish:` for (similar._undeclared_lookalike). On the starter KB 3 pairs reach 0.75: disk-full and
# inode-exhaustion (0.80, declared), thread-pool-exhaustion and timeout-cascade-no-circuit-breaker (0.81, declared),
# failover-did-not-trigger and split-brain-after-failover (0.77, declared); a pattern written anew for a failure
# disk-full covers (storage-exhausted, found in review) is 0.81.
TELL_APART = 0.80
WORDING_ONLY = "similar wording only"


def wording_only(x: dict) -> bool:
    """Whether a look-alike ({similarity, co_incidents, by, shared_signals}) is one by similar wording only
    (WORDING_ONLY_BELOW). Two patterns that share a signal are not: bad-deploy-crashloop and
    poison-message-crashloop both declare `KubePodCrashLooping` and `Back-off restarting failed container`, and
    were called "similar wording only" (found in a responder review)."""
    sim = x.get("similarity")
    alone = not x.get("co_incidents") and not x.get("by") and not x.get("shared_signals")
    return isinstance(sim, (int, float)) and sim < WORDING_ONLY_BELOW and alone


def shared_signals(mine, theirs) -> list[str]:
    """The signals of ``mine`` that ``theirs`` declares too (compared without case or outer spaces), in mine's order."""
    seen = {str(s).strip().casefold() for s in theirs or []}
    return [s for s in mine or [] if str(s).strip().casefold() in seen]


def told_apart(x: dict, close: str) -> str:
    """What a look-alike's line says after its id where no similarity is printed before it (`recur show`, `recur
    suggest`'s "vs" line, MCP's text): the declared signal, else the wording-only label, else ``close``. `recur
    suggest` said "close call" of the pair `recur show` labelled otherwise (found in a responder review)."""
    return x.get("by") or (wording_only_said(x) if wording_only(x) else close)


def wording_only_said(x: dict, note: str = "") -> str:
    """What a wording-only look-alike's line says after its id, in every text of a pattern (`recur show`, MCP's
    get_pattern) and in `recur lookalikes` (``note``: its ", under 0.50: ..." after the similarity); the pattern
    page puts the same label in its own line. `recur show` said "close call" for the neighbour `recur lookalikes`
    labels "similar wording only" (found in a re-read), and the two worded the label apart (found in a review)."""
    return (
        f"{WORDING_ONLY} (similarity {similarity_said(x['similarity'])}{note}): "
        "no incident matched both, no distinguishing signal declared"
    )


def similarity_said(sim: float) -> str:
    """A similarity in 2 decimals, or as many more (up to 4) as keep one under FLOOR from reading as FLOOR: `recur
    lookalikes integer-id-overflow` said "similarity 0.50, under 0.50" of a 0.4979 (found in a responder review)."""
    for places in (2, 3, 4):
        said = f"{sim:.{places}f}"
        if not (sim < FLOOR and float(said) >= FLOOR):
            break
    return said


def distinction(docs: dict, a: str, b: str) -> str | None:
    """The declared signal that tells pattern a from pattern b (either direction), or None."""
    for d in docs.get(a, {}).get("distinguish", []) or []:
        if d.get("from") == b:
            return d.get("by")
    for d in docs.get(b, {}).get("distinguish", []) or []:
        if d.get("from") == a:
            return d.get("by")
    return None


def co_matched(docs: dict) -> dict:
    """{pattern id: Counter(other pattern id -> incidents that linked both)} from the index docs."""
    by_incident: dict = {}
    for pid, doc in docs.items():
        for inc in doc.get("incidents", []) or []:
            if isinstance(inc, dict) and inc.get("under"):  # a replaced pattern's: a split's two halves share them
                continue
            by_incident.setdefault(inc["id"] if isinstance(inc, dict) else inc, set()).add(pid)
    out: dict = {pid: Counter() for pid in docs}
    for pids in by_incident.values():
        for a in pids:
            for b in pids:
                if a != b:
                    out[a][b] += 1
    return out


def centroids(index) -> tuple[list, object]:
    """(pattern ids, L2-normalised mean view vector per pattern) from a loaded index."""
    import numpy as np

    rows: dict = {}
    for n, view in enumerate(index.views):
        rows.setdefault(view["pattern"], []).append(n)
    ids = [pid for pid in index.docs if pid in rows]
    if not ids:
        return [], np.zeros((0, index.vectors.shape[1] if index.vectors.ndim == 2 else 0), np.float32)
    mat = np.stack([index.vectors[rows[pid]].mean(axis=0) for pid in ids]).astype(np.float32)
    mat /= np.maximum(np.linalg.norm(mat, axis=1, keepdims=True), 1e-12)
    return ids, mat


def look_alikes(index, top: int = 3, floor: float | None = FLOOR) -> dict:
    """For each pattern of a loaded index: its nearest neighbours (of the ``top`` nearest, those at
    ``floor`` or more; None: all of them) and its co-matched patterns."""
    docs = index.docs
    ids, mat = centroids(index)
    sims = mat @ mat.T if len(ids) else None
    pos = {pid: n for n, pid in enumerate(ids)}
    co = co_matched(docs)
    out = {}
    for pid in docs:
        if docs[pid].get("status") == "retired":
            continue
        cands: dict = {}
        if pid in pos:
            row = sims[pos[pid]]
            order = (j for j in row.argsort()[::-1] if ids[j] != pid and docs[ids[j]].get("status") != "retired")
            for j in islice(order, top):  # lazily: the first few of 1,000 (a fifth of a one-pattern re-index)
                if floor is None or row[j] >= floor:
                    cands[ids[j]] = float(row[j])
        for other, _ in co.get(pid, Counter()).most_common(top):
            if docs.get(other, {}).get("status") != "retired":
                cands.setdefault(other, float(sims[pos[pid], pos[other]]) if pid in pos and other in pos else None)
        items = [
            {
                "id": o,
                "title": docs[o]["title"],
                "similarity": round(s, 4) if s is not None else None,
                "co_incidents": co.get(pid, Counter()).get(o, 0),
                "by": distinction(docs, pid, o),
                "shared_signals": shared_signals(docs[pid].get("signals"), docs[o].get("signals")),
            }
            for o, s in cands.items()
        ]
        items.sort(key=lambda x: (-x["co_incidents"], -(x["similarity"] or 0), x["id"]))
        out[pid] = items
    return out


def annotate(results: list, docs: dict, margin: float = MARGIN) -> list:
    """Add ``look_alikes`` to results that compete with another result (scores within margin, neither
    rated low), and to results whose authors declared what tells them from another result shown
    (``distinguish:``), whatever the scores: a plain "No space left on device" log ranked inode-exhaustion
    `high` and disk-full `low`, 1.9 apart, and the one line that settles it (`df -i` against `df -h`),
    written in both patterns, was not shown (found in review)."""
    for r in results:
        r["look_alikes"] = []
        for o in results:
            by = None if o is r else distinction(docs, r["id"], o["id"])
            close = abs(o["score"] - r["score"]) <= margin and "low" not in (o["confidence"], r["confidence"])
            if o is not r and (close or by):
                r["look_alikes"].append(
                    {"id": o["id"], "title": o["title"], "by": by, **_facts(docs, r["id"], o["id"])}
                )
    return results


def _facts(docs: dict, a: str, b: str) -> dict:
    """What the index knows of b as a's look-alike (its similarity, shared incidents, shared signals), so the "vs"
    line says what `recur show` says of the pair (told_apart); the signals shared whatever the index holds."""
    known = next((x for x in docs.get(a, {}).get("look_alikes") or [] if x.get("id") == b), {})
    facts = {k: known[k] for k in ("similarity", "co_incidents") if k in known}
    facts["shared_signals"] = shared_signals(docs.get(a, {}).get("signals"), docs.get(b, {}).get("signals"))
    return facts
