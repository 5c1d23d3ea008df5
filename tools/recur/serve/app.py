"""The FastAPI app: suggestions, patterns, Alertmanager, feedback, health, docs and the site.

``create_app(engine_factory, site_dir, feedback_path)`` builds it; ``engine_factory`` is a
callable returning a ``recur.retrieval.engine.Engine`` (e.g. ``lambda: Engine.open(kb, index)``), run
once in the background at startup (see runtime.py). Routes are plain ``def`` so the
encoder runs in the worker thread pool, never on the event loop.
"""

from __future__ import annotations

import html
import json
import os
import threading
import time
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.responses import JSONResponse as _JSONResponse

from recur import config
from recur.serve.guard import DEFAULT_MAX_BODY, ApiError, BodyGuard, SiteFiles, error_body, install_error_handlers
from recur.serve.models import MAX_ALERTS, AlertmanagerIn, FeedbackIn, SuggestIn, alert_query
from recur.serve.runtime import EngineHolder

ALERTMANAGER_MAX_BODY = 512 * 1024


def _plain(obj):
    """numpy scalars/arrays that slip into a result object become plain JSON, never a 500."""
    if hasattr(obj, "tolist"):
        return obj.tolist()
    raise TypeError(f"{type(obj).__name__} is not JSON serializable")


class JSONResponse(_JSONResponse):
    def render(self, content) -> bytes:
        return json.dumps(content, ensure_ascii=False, allow_nan=False, separators=(",", ":"),
                          default=_plain).encode("utf-8")
ERROR_SCHEMA = {"type": "object", "properties": {"error": {
    "type": "object", "properties": {"code": {"type": "string"}, "message": {"type": "string"}},
    "required": ["code", "message"]}}, "required": ["error"]}


def _errors(*statuses: int) -> dict:
    return {s: {"description": "One JSON error shape on every route",
                "content": {"application/json": {"schema": ERROR_SCHEMA}}} for s in statuses}


def create_app(engine_factory: Callable, site_dir=None, feedback_path=config.default("feedback"), *,
               max_body: int = DEFAULT_MAX_BODY, reload_interval: float = 1.0,
               on_fatal: Callable[[str], None] | None = None, inference_threads: int | None = None,
               slack_signing_secret: str | None = None, site_url: str | None = None, host: str | None = None):
    """Build the app. ``inference_threads`` bounds concurrent searches (default: one per CPU
    core; `recur serve` gives torch one thread per encode, so they do not fight for cores).

    Every query goes through ``Engine.suggest``, so an answer is exactly what
    ``recur suggest --json`` prints for the same text (no batch encoding: padding in a batch
    moves scores in the last digits)."""
    from fastapi_offline import FastAPIOffline

    from recur import __version__
    from recur.ingest import feedback as feedback_mod

    holder = EngineHolder(engine_factory, reload_interval=reload_interval, on_fatal=on_fatal)
    site = Path(site_dir) if site_dir else None
    site_ok = bool(site and (site / "index.html").is_file())
    gate = threading.BoundedSemaphore(max(1, inference_threads or os.cpu_count() or 1))

    @asynccontextmanager
    async def lifespan(app):
        holder.start()
        yield
        holder.stop()

    app = FastAPIOffline(
        title="Recur API", version=__version__, lifespan=lifespan, static_url="/_docs-assets",
        description="Suggestions of known failure patterns for what a responder sees. Every error is "
                    '`{"error": {"code", "message"}}` with a 4xx status; request bodies are limited to '
                    f"{max_body // 1024} KiB ({ALERTMANAGER_MAX_BODY // 1024} KiB for /api/alertmanager).")
    app.state.holder = holder
    install_error_handlers(app)

    def engine():
        eng = holder.engine
        if eng is None:
            if holder.error:
                raise ApiError(503, "engine_failed", holder.error)
            raise ApiError(503, "not_ready", "the model and index are still loading; retry in a few seconds",
                           {"Retry-After": "2"})
        return eng

    @app.get("/healthz", tags=["health"], responses=_errors(503))
    @app.get("/api/healthz", tags=["health"], responses=_errors(503), include_in_schema=False)
    def healthz():
        """200 once the index is loaded and the model has answered one query; 503 before."""
        eng = engine()
        m = eng.manifest
        return {"status": "ok", "patterns": len(eng.docs), "model": m.get("model"), "build_id": m.get("build_id"),
                "built": m.get("built"), "reloads": holder.reloads, "site": site_ok}

    @app.post("/api/suggest", tags=["suggest"], responses=_errors(400, 413, 415, 422, 503))
    def suggest(body: SuggestIn):
        """Ranked patterns for a description: the same result objects as `recur suggest --json`."""
        eng = engine()
        t0 = time.perf_counter()
        with gate:
            t1 = time.perf_counter()
            answer = eng.answer(body.text, top=body.top)
        t2 = time.perf_counter()
        # Server-Timing (W3C): time queued for an inference slot and spent ranking, shown by
        # browsers' dev tools and read by bench/serve.py to split latency into server and transport
        timing = f"queue;dur={(t1 - t0) * 1000:.2f}, suggest;dur={(t2 - t1) * 1000:.2f}"
        return JSONResponse(answer.to_json(), headers={"Server-Timing": timing})

    @app.get("/api/patterns", tags=["patterns"], responses=_errors(503))
    def patterns():
        """Every indexed pattern, briefly."""
        docs = engine().docs
        keys = ("id", "title", "category", "severity", "status", "summary", "path")
        return JSONResponse({"patterns": [{k: d.get(k) for k in keys} for _, d in sorted(docs.items())]})

    @app.get("/api/patterns/{pattern_id}", tags=["patterns"], responses=_errors(404, 503))
    def pattern(pattern_id: str):
        """One pattern as indexed: symptoms, signals, runbook, evidence, fix, incidents."""
        doc = engine().docs.get(pattern_id)
        if doc is None:
            raise ApiError(404, "pattern_not_found", f"no pattern with id {pattern_id!r} in the index")
        return JSONResponse(doc)

    @app.post("/api/alertmanager", tags=["suggest"], responses=_errors(400, 413, 415, 422, 503))
    def alertmanager(body: AlertmanagerIn, top: int = 3):
        """Alertmanager webhook (payload version 4): suggestions for each alert of the group.

        The query is the alertname, then the summary and description annotations, then the
        labels that say what is affected. Point a webhook receiver at this URL.
        """
        if not 1 <= top <= 50:
            raise ApiError(422, "invalid_request", "top: must be between 1 and 50")
        eng = engine()
        alerts = body.alerts[:MAX_ALERTS]
        queries = [alert_query(a) for a in alerts]
        unique = list(dict.fromkeys(q for q in queries if q))
        by_query = {}
        for q in unique:
            with gate:
                by_query[q] = eng.answer(q, top=top)
        out = []
        for a, q in zip(alerts, queries):
            found = by_query.get(q)
            out.append({"alertname": a.labels.get("alertname"), "status": a.status, "fingerprint": a.fingerprint,
                        "labels": a.labels, "query": q, "no_known_pattern": found.no_known_pattern if found else True,
                        "results": found.results if found else []})
        return JSONResponse({"status": body.status, "groupKey": body.groupKey, "alerts": out,
                             "skipped": max(0, len(body.alerts) - MAX_ALERTS)})

    @app.post("/api/feedback", status_code=201, tags=["feedback"], responses=_errors(400, 404, 413, 415, 422))
    def feedback(body: FeedbackIn):
        """Record a 👍/👎 on a suggestion; `recur feedback export` turns 👍 into eval cases."""
        eng = engine()
        if body.pattern not in eng.docs:
            raise ApiError(404, "pattern_not_found", f"no pattern with id {body.pattern!r} in the index")
        feedback_mod.record(feedback_path, body.query, body.pattern, body.useful,
                            build_id=eng.manifest.get("build_id"))
        return JSONResponse({"status": "recorded", "pattern": body.pattern, "useful": body.useful}, status_code=201)

    # -- issue 17: the Slack slash command and the MCP server (streamable HTTP at /mcp), each a router of
    # its own over the same engine getter; before the /api fallback and the site, so they match first.
    from recur.serve.mcp_server import http_router
    from recur.serve.slack import slack_router

    app.include_router(slack_router(engine, feedback_path=feedback_path, signing_secret=slack_signing_secret,
                                    site_url=site_url))
    app.include_router(http_router(engine, host=host))
    # -- end issue 17

    @app.api_route("/api/{rest:path}", methods=["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"],
                   include_in_schema=False)
    def api_fallback(request: Request, rest: str):
        """Unknown /api routes are a JSON 404, known ones with another method a 405 (the site
        mount at / would otherwise answer them)."""
        from fastapi.routing import APIRoute
        from starlette.routing import Match

        scope = {"type": "http", "path": request.url.path, "method": request.method}
        for route in app.router.routes:
            if isinstance(route, APIRoute) and route.endpoint is not api_fallback:
                match, _ = route.matches(scope)
                if match == Match.PARTIAL:
                    allow = ", ".join(sorted(route.methods))
                    raise ApiError(405, "method_not_allowed", f"{request.method} is not allowed on "
                                   f"{request.url.path} (allowed: {allow})", {"Allow": allow})
        raise ApiError(404, "not_found", f"no such route: {request.method} {request.url.path}")

    @app.get("/assets/recur-api.json", include_in_schema=False)
    def api_discovery():
        """Tells the site's suggest box that an API stands behind this copy of the site (the
        static build ships the same file with {"api": null}, so a static host sees no 404)."""
        return {"api": "/api"}

    if site_ok:
        app.mount("/", SiteFiles(directory=str(site), html=True), name="site")
    else:
        note = (f"The static site is not built at {html.escape(str(site))} (run: recur site --out "
                f"{html.escape(str(site))}); the API is running." if site else "No site folder given (--site); "
                "the API is running.")

        @app.get("/", include_in_schema=False)
        def home():
            return HTMLResponse(f"<!doctype html><meta charset=utf-8><title>Recur API</title>"
                                f"<h1>Recur API</h1><p>{note}</p><p>API documentation: <a href=\"docs\">/docs</a> "
                                f"(<a href=\"redoc\">ReDoc</a>, <a href=\"openapi.json\">openapi.json</a>). "
                                f"Health: <a href=\"healthz\">/healthz</a>.</p>")

    app.add_middleware(BodyGuard, max_body=max_body, limits={"/api/alertmanager": ALERTMANAGER_MAX_BODY},
                       json_paths=frozenset({"/api/suggest", "/api/alertmanager", "/api/feedback"}))
    return app


__all__ = ["create_app", "error_body"]
