"""Health, metrics, the site's API discovery file, and the JSON 404/405 for unknown /api routes."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse, Response

from recur.serve.answers import Health, ok
from recur.serve.deps import Settings, errors, get_engine, get_holder, get_metrics, get_settings
from recur.serve.guard import ApiError, method_not_allowed
from recur.serve.prefix import api_route_match, not_found_message, route_path
from recur.serve.public import public
from recur.serve.security import require_read

router = APIRouter()
fallback_router = APIRouter()  # included after every API router


@router.get(
    "/healthz",
    tags=["health"],
    operation_id="healthz",
    responses={200: ok(Health, "The index is loaded and the model warm"), **errors(503)},
)
@router.get("/api/healthz", tags=["health"], responses=errors(503), include_in_schema=False)
def healthz(engine=Depends(get_engine), holder=Depends(get_holder), settings: Settings = Depends(get_settings)):
    """200 once the index is loaded and the model has answered one query; 503 before. Votes that cannot
    be written (`feedback_error`) leave it 200: searches are still answered."""
    m = engine.manifest
    folders = holder.folders()
    return {
        "status": "ok",
        "patterns": len(engine.docs),
        "model": m.get("model"),
        "build_id": m.get("build_id"),
        "built": m.get("built"),
        "reloads": holder.reloads,
        # the three below without the server's folders (recur.serve.public: /healthz is open to anyone)
        "reload_error": public(holder.reload_error, folders),  # a rebuilt index that could not be loaded
        "stale": public(holder.stale, folders),  # the KB changed since the served index was built (null: it did not)
        "left_out": m.get("left_out", []),  # pattern files with errors, not searched (recur check)
        "site": settings.site_built,  # now, not at start-up
        # the site was built from other KB files than the served index
        "site_stale": public(holder.site_stale, folders),
        # votes taken at all (false: recur serve --no-feedback, or its default log could not be made at start)
        "feedback": settings.feedback_path is not None,
        # votes not written (a full disk, a read-only file): still 200, searches are answered
        **_feedback(settings),
    }


def _feedback(settings: Settings) -> dict:
    """The last vote's write that failed: why (null once a vote is written again), when (kept after), and
    how many since start-up; and whether the disk votes are written to is nearly full now (a statvfs)."""
    health = settings.feedback_health
    return {
        "feedback_error": health.error,
        "feedback_failed_at": health.failed_at,
        "feedback_failures": health.failures,
        "feedback_space_low": settings.feedback_space_low(),
    }


# response_class: the published 200 is text/plain (Prometheus text format), not FastAPI's default JSON
@router.get(
    "/metrics",
    tags=["health"],
    operation_id="metrics",
    dependencies=[Depends(require_read)],
    response_class=PlainTextResponse,
    responses=errors(401),
)
def metrics(m=Depends(get_metrics)):
    """The server's own metrics in Prometheus text format."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    return Response(generate_latest(m.registry), media_type=CONTENT_TYPE_LATEST)


@router.get("/assets/recur-api.json", include_in_schema=False)
def api_discovery(request: Request, settings: Settings = Depends(get_settings)):
    """Tells the site's suggest box that an API stands behind this copy of the site (the
    static build ships the same file with {"api": null}, so a static host sees no 404), and the
    request body limit, so the box cuts a long paste of wide characters to fit it instead of
    meeting a 413. Under ``--token-scope all`` a browser has no token: the box took /api/healthz
    (open) for a usable API, and every search was a 401 (found in review). There it is told there is
    no API for it, as a static copy is, with the built site's own answer (its in-browser search
    bundle, when the site has one; else the box searches the site by words)."""
    if settings.token and settings.token_scope == "all":
        return _static_discovery(settings)
    # feedback: false, votes off (recur serve --no-feedback): the box shows no vote buttons, which could only fail.
    # So with a token too: a vote needs it (require_write) and a browser has none; every press was a 401
    # "The vote was not recorded" (found in a security review). Token holders still vote through the API.
    votes = settings.feedback_path is not None and not settings.token
    return {"api": "/api", "max_body": request.app.state.max_body, "feedback": votes}


def _static_discovery(settings: Settings) -> dict:
    import json

    shipped: dict = {}
    if settings.site is not None:
        try:
            shipped = json.loads((settings.site / "assets" / "recur-api.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            shipped = {}  # no built site, or no file: no bundle to name
    browser = shipped.get("browser") if isinstance(shipped, dict) else None
    about = "recur serve with --token-scope all: the API needs a bearer token a browser does not have"
    # token_scope: what tells the box this "about" is the reason to say (the static build's file has an
    # "about" too, a note to whoever reads the file; the box showed it as this reason: found in review)
    bundle = {"browser": browser} if isinstance(browser, str) else {}
    if bundle and isinstance(shipped.get("browser_bytes"), int):  # what the first question loads, said by the box
        bundle["browser_bytes"] = shipped["browser_bytes"]
    return {"api": None, **bundle, "about": about, "token_scope": "all"}


@fallback_router.api_route(
    "/api/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"], include_in_schema=False
)
def api_fallback(request: Request, rest: str):
    """Unknown /api routes are a JSON 404, known ones with another method a 405 (the site
    mount at / would otherwise answer them). ``app.state.api_routers`` are the routers to ask."""
    from starlette.routing import Match

    match, route = api_route_match(request.app, route_path(request.scope), request.method)
    if match == Match.PARTIAL:
        request.scope["route"] = route  # the metrics label: this route's, not "/api/{unknown}"
        return method_not_allowed(request)
    raise ApiError(404, "not_found", not_found_message(request.method, request.scope))
