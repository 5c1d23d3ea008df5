"""POST /api/alertmanager: the Alertmanager webhook, suggestions for each alert of a group."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from recur.serve.deps import JSONResponse, errors, get_engine, get_gate, get_metrics
from recur.serve.guard import ApiError
from recur.serve.models import MAX_ALERTS, AlertmanagerIn, alert_query
from recur.serve.security import require_read

router = APIRouter(tags=["suggest"], dependencies=[Depends(require_read)])


@router.post("/api/alertmanager", responses=errors(400, 401, 408, 413, 415, 422, 503))
def alertmanager(body: AlertmanagerIn, top: int = 3, engine=Depends(get_engine), gate=Depends(get_gate),
                 metrics=Depends(get_metrics)):
    """Alertmanager webhook (payload version 4): suggestions for each alert of the group.

    The query is the alertname, then the summary and description annotations, then the
    labels that say what is affected. Point a webhook receiver at this URL.
    """
    if not 1 <= top <= 50:
        raise ApiError(422, "invalid_request", "top: must be between 1 and 50")
    alerts = body.alerts[:MAX_ALERTS]
    queries = [alert_query(a) for a in alerts]
    by_query = {}
    for q in dict.fromkeys(q for q in queries if q):  # each distinct query once
        with gate:
            by_query[q] = engine.answer(q, top=top)
        metrics.observe_answer(by_query[q])
    out = []
    for a, q in zip(alerts, queries):
        found = by_query.get(q)
        out.append({"alertname": a.labels.get("alertname"), "status": a.status, "fingerprint": a.fingerprint,
                    "labels": a.labels, "query": q, "no_known_pattern": found.no_known_pattern if found else True,
                    "results": found.results if found else []})
    return JSONResponse({"status": body.status, "groupKey": body.groupKey, "alerts": out,
                         "skipped": max(0, len(body.alerts) - MAX_ALERTS)})
