"""Retrieval metrics, shared by ``recur eval``, ``recur tune`` and bench/retrieval.py.

recall@k: share of cases with at least one expected pattern in the top k.
MRR: mean over cases of 1/rank of the first expected pattern (0 if not in the top 10).
"""

from __future__ import annotations

from dataclasses import dataclass

MRR_DEPTH = 10


@dataclass
class CaseResult:
    query: str
    expect: list
    ranked: list  # pattern ids, best first
    line: int = 0

    @property
    def rank(self) -> int | None:
        for i, pid in enumerate(self.ranked[:MRR_DEPTH]):
            if pid in self.expect:
                return i + 1
        return None


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
    """Rank every case with the engine (batch-encoded)."""
    lists = engine.ranked_many([c.query for c in cases], top=top)
    return [
        CaseResult(c.query, list(c.expect), [r["id"] for r in results], getattr(c, "line", 0))
        for c, results in zip(cases, lists)
    ]
