"""The result object: what every surface (CLI --json, API, site box, MCP, Slack) shows for a query.

One place builds it (``result_object``) and one type describes it (``Result``), so a key cannot
drift between surfaces. ``Answer`` is one query's answer: the ranked results plus the verdict
on the whole answer (``no_known_pattern``), serialised by ``to_json``.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TypedDict

from recur.retrieval import calibrate
from recur.util.dates import happened


class Why(TypedDict):
    field: str
    text: str
    score: float


class LookAlike(TypedDict):
    id: str
    title: str
    by: str | None


class Result(TypedDict, total=False):
    rank: int
    id: str
    title: str
    score: float  # fused, in z units relative to the other candidates for this query
    confidence: str  # high | medium | low (from probability when there is one)
    probability: float | None  # calibrated chance this result is a right answer; None on a KB too small
    category: str
    severity: str
    status: str
    draft: bool
    import_draft: bool  # a draft of recur import no person has promoted: rated at most medium, not reviewed
    why: list[Why]
    runbook: list[str]
    evidence: list[str]
    summary: str
    signals: list[str]
    path: str  # relative to the KB
    incidents: int
    related: list[str]
    distinguish: list[dict]
    scores: dict  # {dense, lexical, signal}
    look_alikes: list[LookAlike]  # added by lookalikes.annotate


CONFIDENCE_RANK = {"low": 0, "medium": 1, "high": 2}


def rivals(results: list, skip=frozenset()) -> list[int]:
    """Positions of the results after the first that are rated at least as likely right as the
    first: a confidence as high as its own or higher (calibrated, confidence follows the probability,
    so every result with a probability at or above the first's is one). The ranking (fused scores, a
    specific signal found whole put first: search.VERBATIM) and the probabilities can disagree: a
    postmortem quoting a connection-pool error ranked that pattern first at 60% over the cache
    stampede it described at 96%. Then the first is not the answer on its own: `recur suggest` says
    "check both", and `recur import` and `incident new --link-top` link neither, for a person to
    pick. ``skip``: ids that do not count (import: drafts an earlier import wrote, not promoted)."""
    if not results:
        return []
    first = CONFIDENCE_RANK[results[0]["confidence"]]
    return [
        i for i, r in enumerate(results[1:], 1) if r["id"] not in skip and CONFIDENCE_RANK[r["confidence"]] >= first
    ]


def happened_incidents(doc: dict, as_of: dt.date | None = None) -> list:
    """The incidents of an indexed pattern doc dated up to ``as_of`` (default today), as the board and
    the site list them (``dates.happened``): the index keeps every one, and a later one is listed from
    its date on."""
    as_of = as_of or dt.date.today()
    return [i for i in doc.get("incidents", []) or [] if not isinstance(i, dict) or happened(i.get("date"), as_of)]


def result_object(rank: int, hit, doc: dict) -> Result:
    """A search ``Hit`` and the pattern's indexed doc, as the result object."""
    return {
        "rank": rank,
        "id": hit.id,
        "title": doc["title"],
        "score": round(hit.score, 4),
        "confidence": hit.confidence,
        "probability": None if hit.probability is None else calibrate.shown(hit.probability),
        "category": doc["category"],
        "severity": doc["severity"],
        "status": doc["status"],
        "draft": doc["status"] == "draft",
        "import_draft": bool(doc.get("import_draft")),
        "why": hit.why,
        "runbook": doc["runbook"],
        "evidence": doc["evidence"],
        "summary": doc["summary"],
        "signals": doc["signals"],
        "path": doc["path"],
        "incidents": len(happened_incidents(doc)),  # as the pattern's page and the API list them
        "related": doc.get("related", []),
        "distinguish": doc.get("distinguish", []),
        "scores": {"dense": round(hit.dense, 4), "lexical": round(hit.lexical, 4), "signal": round(hit.signal, 4)},
    }


@dataclass
class Answer:
    """One suggestion answer: the ranked result objects, and whether any of them is a known
    pattern for the text at all ("no known pattern": record it, draft a pattern). ``query`` is the text
    searched (recur.retrieval.query.prepare), ``query_note`` what that left out of the text given
    ("searched the 1 error line of a 40-line log"), or None when it is the text as given."""

    query: str
    results: list[Result]
    no_known_pattern: bool
    query_note: str | None = None

    def to_json(self, extra: dict | None = None) -> dict:
        """The answer as JSON; ``extra``: a --queries line's other keys, echoed first (a dict, not
        **kwargs: a line's own "self" key was a TypeError after the whole batch had been answered)."""
        return {
            **(extra or {}),
            "query": self.query,
            "query_note": self.query_note,
            "no_known_pattern": self.no_known_pattern,
            "results": self.results,
        }
