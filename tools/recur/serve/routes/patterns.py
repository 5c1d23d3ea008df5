"""GET /api/patterns and /api/patterns/{id}: the patterns as indexed."""

from __future__ import annotations

from fastapi import APIRouter, Depends

from recur.serve.deps import JSONResponse, errors, get_engine
from recur.serve.guard import ApiError
from recur.serve.security import require_read

router = APIRouter(tags=["patterns"], dependencies=[Depends(require_read)])
BRIEF = ("id", "title", "category", "severity", "status", "summary", "path")


@router.get("/api/patterns", responses=errors(401, 503))
def patterns(engine=Depends(get_engine)):
    """Every indexed pattern, briefly."""
    return JSONResponse({"patterns": [{k: d.get(k) for k in BRIEF} for _, d in sorted(engine.docs.items())]})


@router.get("/api/patterns/{pattern_id}", responses=errors(401, 404, 503))
def pattern(pattern_id: str, engine=Depends(get_engine)):
    """One pattern as indexed: symptoms, signals, runbook, evidence, fix, incidents."""
    doc = engine.docs.get(pattern_id)
    if doc is None:
        raise ApiError(404, "pattern_not_found", f"no pattern with id {pattern_id!r} in the index")
    return JSONResponse(doc)
