"""POST /api/suggest: ranked patterns for what a responder sees."""

from __future__ import annotations

import time

from fastapi import APIRouter, Depends, Request

from recur.serve.answers import SuggestAnswer, ok
from recur.serve.bodies import SuggestIn
from recur.serve.deps import JSONResponse, errors, get_engine, get_metrics, get_slot, index_stale, only_query
from recur.serve.security import require_read

router = APIRouter(tags=["suggest"], dependencies=[Depends(require_read)])


# 429: past --max-concurrent-per-client searches of one client address (guard.ConcurrencyLimit)
@router.post(
    "/api/suggest",
    operation_id="suggest",
    responses={
        200: ok(SuggestAnswer, "The answer `recur suggest --json` prints"),
        **errors(400, 401, 408, 413, 415, 422, 429, 503),
    },
    dependencies=[Depends(only_query())],
)
def suggest(
    body: SuggestIn, request: Request, engine=Depends(get_engine), slot=Depends(get_slot), metrics=Depends(get_metrics)
):
    """Ranked patterns for a description: the same result objects as `recur suggest --json`; ``stale`` (null while
    the index is current) says the KB's files changed since the served index was built, as /mcp's answers do."""
    t0 = time.perf_counter()
    with slot():
        t1 = time.perf_counter()
        answer = engine.answer(body.text, top=body.top)
    t2 = time.perf_counter()
    metrics.observe_answer(answer)
    # Server-Timing (W3C): time queued for an inference slot and spent ranking, shown by
    # browsers' dev tools and read by bench/serve.py to split latency into server and transport
    timing = f"queue;dur={(t1 - t0) * 1000:.2f}, suggest;dur={(t2 - t1) * 1000:.2f}"
    return JSONResponse(answer.to_json() | {"stale": index_stale(request)}, headers={"Server-Timing": timing})
