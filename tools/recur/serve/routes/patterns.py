"""GET /api/patterns and /api/patterns/{id}: the patterns as indexed, as every surface gives them
(recur.retrieval.patterns: MCP's list_patterns and get_pattern are the same answers). Neither needs the model: while
it loads, and after a load that failed, they read the --kb folder's patterns (deps.get_patterns), as MCP's do."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request

from recur.retrieval import patterns as pat
from recur.serve.answers import PatternList, PatternObject, ok
from recur.serve.deps import JSONResponse, errors, get_patterns, index_stale, only_query
from recur.serve.guard import ApiError
from recur.serve.prefix import not_found_message
from recur.serve.security import require_read
from recur.serve.served_kb import look_alikes_noted

router = APIRouter(tags=["patterns"], dependencies=[Depends(require_read)])


PAGING = ("limit", "cursor")


# an unknown or misspelt filter is an error: it was ignored, and ?categry=x listed every pattern
@router.get(
    "/api/patterns",
    operation_id="listPatterns",
    responses={200: ok(PatternList, "The patterns, briefly, or a page of them"), **errors(401, 422, 503)},
    dependencies=[Depends(only_query(*pat.FILTERS, *PAGING))],
)
def patterns(
    category: str | None = None,
    service: str | None = None,
    tag: str | None = None,
    severity: str | None = None,
    # the range is published here and checked by retrieval.patterns.list_page, in MCP's words
    limit: int | None = Query(None, json_schema_extra={"minimum": 1, "maximum": pat.LIST_MOST}),
    cursor: str | None = None,
    *,
    request: Request,
    engine=Depends(get_patterns),
):
    """Every indexed pattern, briefly; `category`, `service`, `tag` and `severity` filter it
    (case-insensitive, exact; a service or tag matches any of the pattern's), as MCP's list_patterns: a severity
    by its number or a priority (Sev-1, P1) read as the patterns' one severity of that number, and a level's name
    in severity.yml (critical) as that level, said in `severity_note`. With `limit` (1 to 500) or `cursor` (a page's `next_cursor`), a page of them, as
    list_patterns pages (50 when only `cursor` is given): `total` counts the patterns the filters keep, and
    `next_cursor` is the cursor of the next page (null on the last). With neither, every pattern, as before.
    `stale`: as /api/suggest's, null when incident records alone changed (the patterns listed are current, as
    MCP's list_patterns says nothing then: CURRENT_INCIDENTS); it had none, where list_patterns said it."""
    read, note = pat.pattern_severity(engine.docs, severity)
    filters = {"category": category, "service": service, "tag": tag, "severity": read}
    listed = pat.pattern_list(engine.docs, **filters)  # filtered, then paged
    out: dict = {"patterns": listed}
    if limit is not None or cursor is not None:
        # as an empty filter is (a script's unset variable): it was to go on, not to start again
        if cursor is not None and not cursor.strip():
            raise ApiError(422, "invalid_request", "cursor: must not be empty (leave it out for the first page)")
        rows, _, next_cursor = pat.list_page(listed, pat.LIST_PAGE if limit is None else limit, cursor)
        out = {"patterns": rows, "total": len(listed), "next_cursor": next_cursor}
    stale = index_stale(request)
    stale = None if stale and stale["only_incidents"] else stale
    return JSONResponse({**out, **({"severity_note": note} if note else {}), "stale": stale})


# :path, so that a pattern's file or page given for its id (`capacity/disk-full`, `patterns/data/x.md`) reaches the
# route and is read as get_pattern reads it (patterns.given_pattern_id); the metrics label drops the converter
@router.get(
    "/api/patterns/{pattern_id:path}",
    operation_id="getPattern",
    responses={200: ok(PatternObject, "The pattern object"), **errors(401, 404, 422, 503)},
    # ?steps=3 was answered 200 without a word, where /api/patterns refuses a parameter it does not read (found in review)
    dependencies=[Depends(only_query(none="the pattern is named by the path"))],
)
def pattern(pattern_id: str, request: Request, engine=Depends(get_patterns)):
    """One pattern as indexed: symptoms, signals, runbook, evidence, fix, incidents. The id in any letter case or
    with spaces around it, or its file or page (`capacity/disk-full`, `…/disk-full.html`), as MCP's get_pattern
    reads it (the answer's `id` is the pattern's own)."""
    if not pattern_id.strip(" /"):  # `/api/patterns/`: no route, as before :path let it reach this one
        raise ApiError(404, "not_found", not_found_message(request.method, request.scope))
    given = pat.given_pattern_id(pattern_id)
    try:
        found = pat.pattern_object(engine.docs, given, pat.retired(engine.manifest), kb_dir=engine.kb_dir)
        found = look_alikes_noted(engine, found)  # the KB's patterns, while the model loads: as MCP says it
        return JSONResponse(found | {"stale": index_stale(request)})  # an edited pattern's old text: said, as /mcp
    except pat.PatternNotFound as exc:
        if isinstance(given, pat.FromPath) and not pattern_id.strip().lower().endswith((".md", ".html")):
            # `/api/patterns/disk-full/extra`: a path under a pattern is no route, and was said so before :path;
            # still said so, with what its last segment read as a pattern's file would be
            said = f"{not_found_message(request.method, request.scope)}, nor a pattern's file: {exc}"
            raise ApiError(404, "not_found", said) from None
        raise ApiError(404, exc.code, str(exc)) from None
