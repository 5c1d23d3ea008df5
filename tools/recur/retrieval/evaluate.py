"""Retrieval metrics, shared by ``recur eval``, ``recur tune`` and bench/retrieval.py.

recall@k: share of cases with at least one expected pattern in the top k.
MRR: mean over cases of 1/rank of the first expected pattern (0 if not in the top 10).
A case whose text was not searched (CaseResult.not_searched) has no rank: a miss in both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from recur.util.text import plural

MRR_DEPTH = 10


@dataclass
class CaseResult:
    query: str
    expect: list
    ranked: list  # pattern ids, best first
    line: int = 0
    # what a responder is shown beside the ranks (run_cases): the answer's "no known pattern" verdict, and each
    # ranked id's confidence (high | medium | low), in ``ranked``'s order; a 1.000 recall@1 hid 4 of 11 cases
    # answered "no known pattern" with their pattern first, and 10 of 11 of low confidence (found adopting)
    flagged: bool = False
    confidences: list = field(default_factory=list)
    # why nothing of the case's text was searched (the answer's query_note, its verdict null: a pasted SNS
    # subscription confirmation, a text with nothing to search), or None. Such a case has no result: it counts
    # as a miss, as a responder asking it gets no pattern, but it has no verdict, so it is neither flagged nor
    # answered (``shown`` counts it apart). It was counted "not flagged", as if the model had answered it
    not_searched: str | None = None

    @property
    def rank(self) -> int | None:
        for i, pid in enumerate(self.ranked[:MRR_DEPTH]):
            if pid in self.expect:
                return i + 1
        return None

    @property
    def missed(self) -> bool:
        """Not in the top TOP: `recur eval`'s misses, --verbose's lines and --format github's annotations, one
        test (it was written out three times, `not r.rank or r.rank > 3`)."""
        return out_of_top(self.rank)

    @property
    def confidence(self) -> str | None:
        """The confidence of the right result (the first expected id ranked) when it is in the top TOP, else None."""
        rank = self.rank
        if out_of_top(rank) or len(self.confidences) < rank:
            return None
        return self.confidences[rank - 1]

    @property
    def flagged_in_top(self) -> bool:
        """Answered "no known pattern" while its pattern is in the top TOP: right, and shown as a guess."""
        return self.flagged and not out_of_top(self.rank)

    @property
    def flagged_said(self) -> str:
        """A case flagged_in_top, as -v's line, --format github's annotation and the baseline's newly flagged say
        it (the sentence was written out in two places)."""
        return (
            f"answered 'no known pattern', though {self.ranked[self.rank - 1]} is rank {self.rank} "
            f"({self.confidence} confidence)"
        )

    @property
    def flagged_case(self) -> dict:
        """A case flagged_in_top as `recur eval --json` gives it, in ``flagged_cases`` and ``baseline.newly_flagged``."""
        return {
            "line": self.line,
            "query": self.query,
            "expect": self.expect,
            "rank": self.rank,
            "confidence": self.confidence,
        }


def out_of_top(rank: int | None) -> bool:
    """``rank`` (None: not in the top 10) is below what a responder reads."""
    return rank is None or rank > TOP


def metrics(results: list[CaseResult]) -> dict:
    n = len(results)
    if n == 0:
        return {"cases": 0, "recall@1": 0.0, "recall@3": 0.0, "recall@5": 0.0, "mrr": 0.0}
    ranks = [r.rank for r in results]

    def recall(k):
        return sum(1 for r in ranks if r is not None and r <= k) / n

    return {
        "cases": n,
        "recall@1": round(recall(1), 4),
        "recall@3": round(recall(3), 4),
        "recall@5": round(recall(5), 4),
        "mrr": round(sum(1.0 / r for r in ranks if r) / n, 4),
    }


def run_cases(engine, cases, top: int = MRR_DEPTH) -> list[CaseResult]:
    """Ask every case as a responder does (engine.answer_many, batch-encoded: the same ranks as ranked_many),
    keeping the answer's verdict and the results' confidence beside the ranks."""
    answers = engine.answer_many([c.query for c in cases], top=top)
    return [
        CaseResult(
            c.query,
            list(c.expect),
            [r["id"] for r in a.results],
            getattr(c, "line", 0),
            a.no_known_pattern is True,
            [r["confidence"] for r in a.results],
            (a.query_note or "nothing searched") if a.no_known_pattern is None else None,
        )
        for c, a in zip(cases, answers)
    ]


def shown(results: list[CaseResult], answerable: int) -> dict:
    """What responders are shown for the cases, as `recur eval --json` gives it: ``answerable`` (cases with an
    expected pattern in the index whose text was searched), ``flagged`` (of them, answered "no known pattern" while
    their pattern is in the top TOP), ``flagged_share`` (flagged / answerable; None when none is answerable) and
    ``confidence`` (the right result's, counted over the cases with it in the top TOP), the ``flagged_cases``, and
    the cases whose text was not searched (``not_searched``: no verdict; they count as misses in the metrics)."""
    flagged = sum(1 for r in results if r.flagged_in_top)
    counts = {"high": 0, "medium": 0, "low": 0}
    for r in results:
        if r.confidence in counts:
            counts[r.confidence] += 1
    return {
        "answerable": answerable,
        "flagged": flagged,
        "flagged_share": round(flagged / answerable, 4) if answerable else None,
        "confidence": counts,
        "flagged_cases": [r.flagged_case for r in results if r.flagged_in_top],
        "not_searched": [
            {"line": r.line, "query": r.query, "expect": r.expect, "why": r.not_searched}
            for r in results
            if r.not_searched is not None
        ],
    }


# A case below this rank is out of what a responder reads: `recur eval`'s misses and its recall@3 gate
TOP = 3
# the metrics a comparison with a baseline gates on (recall@1 and recall@5 are shown beside them)
GATED = ("recall@3", "mrr")


@dataclass
class Moved:
    """A case that ranks its pattern lower than the baseline did (``after`` None: not in the top 10)."""

    line: int
    query: str
    expect: list
    before: int | None
    after: int | None

    @property
    def left_top(self) -> bool:
        return not out_of_top(self.before) and out_of_top(self.after)


@dataclass
class Comparison:
    """The same cases asked of the baseline KB and of this one: their metrics, the cases that moved down
    (in the cases file's order), what fails the gate (empty: not worse, within ``tolerance``), and the cases
    ``newly_flagged`` (this KB's CaseResults): answered "no known pattern" with their pattern in the top TOP,
    where the baseline did not say "no known pattern", and ``flagged_before``, the baseline's rank of each. One
    the baseline answered (its pattern in the top TOP: ``lost_answer``) fails as a case leaving the top TOP does:
    the ranks alone passed a change that turned a rank-1 answer into "no known pattern" (found in review). One
    the baseline had below the top TOP moved up, and fails nothing of itself (--max-flagged counts it)."""

    base: dict
    now: dict
    moved_down: list
    tolerance: float
    failed: list
    newly_flagged: list = field(default_factory=list)
    flagged_before: list = field(default_factory=list)

    def lost_answer(self, n: int) -> bool:
        """Whether ``newly_flagged[n]`` was answered by the baseline: its pattern in the top TOP, no "no known
        pattern" (newly flagged: the baseline did not say it)."""
        return not out_of_top(self.flagged_before[n])


def _depth(rank: int | None) -> int:
    return rank if rank is not None else MRR_DEPTH + 1  # below the top 10: below every rank it has


def compare(base: list[CaseResult], now: list[CaseResult], tolerance: float = 0.0) -> Comparison:
    """``base`` and ``now`` are the same cases, in one order. It fails when recall@3 or MRR drops by more
    than ``tolerance`` (the metrics are rounded to 4 places, so a drop is one of those), or when a case
    the baseline had in the top 3 left it: a handful of cases can sink while the mean holds."""
    mb, mn = metrics(base), metrics(now)
    moved = [
        Moved(n.line, n.query, n.expect, b.rank, n.rank) for b, n in zip(base, now) if _depth(n.rank) > _depth(b.rank)
    ]
    failed = []
    for key in GATED:
        drop = round(mb[key] - mn[key], 4)
        if drop > tolerance:
            name = "MRR" if key == "mrr" else key
            failed.append(
                f"{name} {mb[key]:.3f} → {mn[key]:.3f} against the baseline (down {drop:.3f}; tolerance {tolerance:g})"
            )
    left = [m for m in moved if m.left_top]
    if left:
        lines = ", ".join(str(m.line) for m in left)
        many = len(left) != 1
        failed.append(
            f"{plural(len(left), 'case')} left the top {TOP} {'they' if many else 'it'} had in the baseline "
            f"({'lines' if many else 'line'} {lines})"
        )
    pairs = [(b, n) for b, n in zip(base, now) if n.flagged_in_top and not b.flagged]
    lost = [n for b, n in pairs if not out_of_top(b.rank)]  # Comparison.lost_answer, read off the pairs
    if lost:  # whatever --tolerance, as a case leaving the top 3: a responder lost a right answer
        lines = ", ".join(str(r.line) for r in lost)
        many = len(lost) != 1
        failed.append(
            f"{plural(len(lost), 'case')} newly answered 'no known pattern' where the baseline answered "
            f"{'them' if many else 'it'} in the top {TOP} ({'lines' if many else 'line'} {lines})"
        )
    return Comparison(mb, mn, moved, tolerance, failed, [n for _, n in pairs], [b.rank for b, _ in pairs])
