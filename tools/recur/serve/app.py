"""The FastAPI app: suggestions, patterns, the problem board, Alertmanager, feedback, health, metrics, docs, the site.

``create_app(engine_factory, site_dir, feedback_path)`` builds it; ``engine_factory`` is a
callable returning a ``recur.retrieval.engine.Engine`` (e.g. ``lambda: Engine.open(kb, index)``), run
once in the background at startup (see runtime.py). The routes live in ``routes/`` (one
APIRouter per concern) and read what they need from ``app.state`` through the dependencies
of deps.py. Routes are plain ``def`` so the encoder runs in the worker thread pool, never on
the event loop.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from contextlib import asynccontextmanager
from pathlib import Path
from types import SimpleNamespace

from recur import config
from recur.serve.bodies import BODY_HINTS, BODY_TAKES, TOO_LARGE_HINTS
from recur.serve.deps import ALERTMANAGER_MAX_BODY, SearchGate, Settings, engine_now, get_engine, share_of
from recur.serve.guard import (
    CLIENT_GONE,
    DEFAULT_MAX_BODY,
    Answering,
    BodyGuard,
    ClientGone,
    Compressed,
    ConcurrencyLimit,
    HeadAsGet,
    StopAnswer,
    Stopping,
    error_body,
    install_error_handlers,
)
from recur.serve.runtime import EngineHolder
from recur.serve.served_kb import ServedKB, patterns_now

JSON_PATHS = frozenset({"/api/suggest", "/api/alertmanager", "/api/feedback"})
# a text to search or vote on, or an MCP tool's call (suggest_patterns' text, record_incident's description): each
# with config.TEXT_MAX_BODY_KIB, at least. /mcp was held to --max-body-kib's 64 KiB, half of /api/suggest's for one text
TEXT_PATHS = frozenset({"/api/suggest", "/api/feedback", "/mcp", "/mcp/"})
SLACK_PATHS = frozenset({"/api/slack/commands", "/api/slack/interactions"})  # signed forms, read as sent
# the routes that search, and so wait for an inference slot: their own --max-concurrent pool (guard.ConcurrencyLimit)
SEARCH_PATHS = frozenset({"/api/suggest"}) | SLACK_PATHS
# the webhook's searches: a pool of their own, a share of --max-concurrent, so a storm's groups never
# take the places responders search from (and a share of the inference slots: deps.SearchGate)
WEBHOOK_PATHS = frozenset({"/api/alertmanager"})
# the searches capped per client address (--max-concurrent-per-client): one client with long texts filled the search
# pool and every responder got 503 (security review). Not Slack's: every command comes from Slack's addresses.
# POST /mcp is counted too, apart (guard.ConcurrencyLimit._of_client)
PER_CLIENT_PATHS = frozenset({"/api/suggest"})


# long: 22 settings, a line each, and the docstring saying what they do; the body is ~20 lines
def create_app(
    engine_factory: Callable,
    site_dir=None,
    feedback_path=config.default("feedback"),
    *,
    feedback_min_free_mib: int = config.default("min_free_mib"),
    max_body: int = DEFAULT_MAX_BODY,
    reload_interval: float = 1.0,
    on_fatal: Callable[[str], None] | None = None,
    inference_threads: int | None = None,
    token: str | None = None,
    token_scope: str = config.default("token_scope"),
    feedback_per_minute: int = config.default("feedback_rate"),
    max_concurrent: int = config.default("max_concurrent"),
    max_concurrent_per_client: int = config.default("max_concurrent_per_client"),
    webhook_share: float = config.default("webhook_share"),
    webhook_max_wait: float = config.default("webhook_max_wait"),
    body_timeout: float = config.default("body_timeout"),
    slack_signing_secret: str | None = None,
    slack_reply_within: float = 2.5,
    site_url: str | None = None,
    host: str | None = None,
    mcp_max_sessions: int = config.default("mcp_max_sessions"),
    mcp_idle_seconds: float = config.default("mcp_idle_timeout"),
    mcp_allowed_hosts: tuple = (),
    mcp_max_sessions_per_client: int = config.default("mcp_max_sessions_per_client"),
    kb_dir=None,
):
    """Build the app. ``inference_threads`` bounds concurrent searches (default: one per CPU core; `recur serve`
    gives torch one thread per encode, so they do not fight for cores). ``feedback_path`` None: votes off
    (/api/feedback and Slack's buttons answer 404 feedback_off; /healthz and the site's discovery file say
    ``"feedback": false``). ``token`` guards feedback
    (``token_scope="all"``: every API route and /metrics); /healthz says when the feedback log's disk has less
    than ``feedback_min_free_mib`` MiB free;
    ``max_concurrent`` requests at once, then 503 (webhooks: ``webhook_share`` of it, and of the inference slots,
    after any responder waiting, for at most ``webhook_max_wait`` seconds a call: then in line with them;
    ``max_concurrent_per_client`` /api/suggest searches of one client address, and apart as many POST /mcp,
    at least 4; 0: a quarter of it);
    ``body_timeout`` seconds to send a body.
    ``slack_signing_secret`` turns on /api/slack/* (``site_url``: where pattern links in replies
    point; ``slack_reply_within``: seconds a command's answer is waited for before Slack, which wants one within
    3 s, is told "searching…" and the answer goes to its response_url); the MCP server is at /mcp (``host``: the SDK's DNS-rebinding checks on loopback; at
    most ``mcp_max_sessions`` sessions open at once, each closed after ``mcp_idle_seconds`` idle, and
    ``mcp_max_sessions_per_client`` per client address (mcp_sessions.SessionCaps);
    ``mcp_allowed_hosts``: a reverse proxy's host names those checks also accept; security.HostCheck,
    every route's). ``kb_dir``: the KB folder the engine is loaded from (`recur serve --kb`), known before it
    loads: GET /api/report reads its records while the model loads, and after a load that failed (None: the
    loaded engine's, for an app built over an engine alone).

    Every query goes through ``Engine.answer``, so an answer is exactly what
    ``recur suggest --json`` prints for the same text (no batch encoding: padding in a batch
    moves scores in the last digits)."""
    from recur.serve.metrics import Metrics
    from recur.serve.preload import preload
    from recur.serve.security import RateLimiter

    # Recur's modules imported at the start (preload.py: a server then runs the code it started with, not the files a
    # pip install put under it). In the engine's background thread, before the model loads: not before the start-up
    # line, which they would delay (0.35 s of CPU; 3-5 s on a machine loaded 5 times over: a service manager's start
    # timeout, a script waiting for the line), nor on the event loop after it, which would answer nothing meanwhile
    # (not even /healthz's 503). /healthz turns 200 only after them (on that loaded machine 2.5-4 s later than
    # without), and the searches and webhook calls answer 503 not_ready until then. What answers before (the site,
    # /api/report, /mcp's KB tools) can still import a module on first use in those seconds, from the same files as
    # the preload: the start's own, unless an upgrade runs as the server starts, which would mix even the modules the
    # start imports. Their failure fails the start as the model's does (on_fatal: the ERROR line, exit 1).
    holder = EngineHolder(
        engine_factory, reload_interval=reload_interval, on_fatal=on_fatal, site_dir=site_dir, prepare=preload
    )
    gate = SearchGate(max(1, inference_threads or os.cpu_count() or 1), webhook_share, webhook_max_wait)
    settings = _settings(site_dir, feedback_path, feedback_min_free_mib, token, token_scope, gate)
    webhooks = share_of(max_concurrent, webhook_share)

    app = _fastapi(_lifespan(holder, 2 * max_concurrent + webhooks), max_body)
    app.state.holder, app.state.settings = holder, settings
    app.state.metrics = Metrics(holder, settings)
    app.state.feedback_limiter = RateLimiter(feedback_per_minute)
    # the limit of /api/suggest, where the site's box sends (recur-api.json: the box cuts a paste to it; it said
    # --max-body-kib, 64 KiB, where /api/suggest took 128); runbook_url pages
    app.state.max_body, app.state.site_url = _limits(max_body)[0], site_url
    app.state.stopping = Stopping()  # told by the protocol when uvicorn begins a stop (server.config)
    install_error_handlers(app, BODY_HINTS, BODY_TAKES)  # what a route takes, with a refusal of its body
    slack = {"signing_secret": slack_signing_secret, "site_url": site_url, "reply_within": slack_reply_within}
    mcp = dict(host=host, max_sessions=mcp_max_sessions, idle_seconds=mcp_idle_seconds, allowed_hosts=mcp_allowed_hosts)
    mcp.update(max_sessions_per_client=mcp_max_sessions_per_client)
    mcp.update(on_session_closed=lambda reason: app.state.metrics.mcp_closed.labels(reason).inc())
    # /mcp's answers say the staleness the server's own check found (/healthz's), not a second walk of the KB
    mcp.update(stale_files=lambda: holder.kb_changed, kb_files=lambda: holder.kb_files)
    # the KB GET /api/report and /mcp's problem_report read, one for both: read again once the holder's look finds
    # its files changed (served_kb.ServedKB), not at each request, nor once at start
    app.state.served_kb = mcp["kbs"] = ServedKB(lambda: holder.kb_files)
    # GET /api/report's answers and boards, kept for that KB, which /mcp's problem_report pages from (served_kb.Boards)
    app.state.report_boards = app.state.served_kb.boards
    app.state.kb_dir = Path(kb_dir) if kb_dir is not None else None  # the board's, without the engine
    mcp["kb_dir"] = app.state.kb_dir  # and /mcp's problem_report and get_incident's (mcp_server.KB_ONLY)
    # GET /api/patterns and /api/patterns/{id} read the KB's patterns while the model loads, as /mcp's list_patterns
    app.state.patterns_now = patterns_now(lambda: engine_now(holder), app.state.served_kb, app.state.kb_dir)
    _routes(app, settings, slack=slack, mcp=mcp)
    per_client = max_concurrent_per_client or max(1, max_concurrent // 4)
    _middleware(app, max_body=max_body, pools=(max_concurrent, webhooks, per_client), body_timeout=body_timeout)
    _outer_middleware(app, host, tuple(mcp_allowed_hosts))
    return app


def _lifespan(holder: EngineHolder, bounded: int):
    """At start: room in the thread pool, then the engine loads in the background; at stop, it stops."""

    @asynccontextmanager
    async def lifespan(app):
        _thread_room(bounded)
        holder.start()
        yield
        # Slack commands promised an answer that will not come (the model still loading, say): told to run it again,
        # in a worker thread (its posts take up to about 2 s, which held the event loop and every other task)
        owed = getattr(app.state, "slack_owed", None)
        if owed is not None:
            import anyio.to_thread

            await anyio.to_thread.run_sync(owed.tell_restarted)
        holder.stop()

    return lifespan


# worker threads beyond --max-concurrent: for what is exempt from it (/healthz, /metrics) and the site
THREAD_HEADROOM = 16


def _thread_room(bounded: int) -> None:
    """Enough worker threads that the requests the concurrency bound lets in cannot take them all.
    Routes and their dependencies run in AnyIO's thread pool (40 threads); a search waiting for its
    inference slot holds its thread, so 40 searches queued behind the two slots left /healthz,
    /metrics, the site and the pattern reads waiting for a thread, for seconds under load (found in
    the service audit: with 60 clients searching, /healthz took up to 1.4 s and the site 2 s, past
    the 1 s a Kubernetes probe waits). Threads are only started when needed. ``bounded``: the places
    of the bounded pools together (searches and the rest, max_concurrent each, and the webhooks')."""
    import anyio.to_thread

    limiter = anyio.to_thread.current_default_thread_limiter()  # this event loop's
    # full pools of searches and webhooks leave the reads their threads
    limiter.total_tokens = max(limiter.total_tokens, bounded + THREAD_HEADROOM)


def _settings(site_dir, feedback_path, min_free_mib: int, token, token_scope: str, gate: SearchGate) -> Settings:
    """What the routes read from ``app.state.settings``: where votes go and the free MiB under which /healthz
    and /metrics say its disk is low, the site (and whether it is built), the token and its scope, and the
    gate bounding concurrent searches."""
    site = Path(site_dir) if site_dir else None
    return Settings(
        feedback_path=Path(feedback_path) if feedback_path is not None else None,  # None: votes off
        feedback_min_free_mib=min_free_mib,
        site=site,
        token=token,
        token_scope=token_scope,
        gate=gate,
    )


def _fastapi(lifespan, max_body: int):
    """The bare app, with its title, version and the description /docs shows."""
    from fastapi_offline import FastAPIOffline

    from recur import __version__
    from recur.serve import prefix

    text, slack = _limits(max_body)
    app = FastAPIOffline(
        title="Recur API",
        version=__version__,
        lifespan=lifespan,
        docs_url=prefix.DOCS_UI,  # the documentation's paths as prefix.py has them, which the middleware reads
        redoc_url=prefix.DOCS_REDOC,
        openapi_url=prefix.DOCS_SCHEMA,
        swagger_ui_oauth2_redirect_url=prefix.DOCS_OAUTH2_REDIRECT,
        static_url=prefix.DOCS_ASSETS,
        description="Suggestions of known failure patterns for what a responder sees. Every error is "
        '`{"error": {"code", "message"}}`, with a 4xx status, or 501 (a transfer coding other than chunked) or 503 '
        "(not ready yet, overloaded, stopping, the feedback file not writable); request bodies are limited to "
        f"{max_body // 1024} KiB ({text // 1024} KiB for /api/suggest, /api/feedback and /mcp, a text "
        f"of 20,000 characters however JSON escapes it; {ALERTMANAGER_MAX_BODY // 1024} KiB for /api/alertmanager, "
        f"{slack // 1024} KiB for /api/slack/*).",
    )
    _docs_assets_as_site_files(app)
    return app


def _docs_assets_as_site_files(app) -> None:
    """Swagger UI's and ReDoc's files (fastapi_offline's StaticFiles) answered as the site's are (site_files.SiteFiles):
    their 304 said the strong ETag and no Vary to a client their gzipped 200 had said the weak one and Vary:
    Accept-Encoding, and a HEAD of swagger-ui-bundle.js (1.5 MB) read it all (found by an operator's curl)."""
    from starlette.routing import Mount

    from recur.serve import prefix
    from recur.serve.site_files import SiteFiles

    for route in app.routes:
        if isinstance(route, Mount) and route.path == prefix.DOCS_ASSETS:
            route.app = SiteFiles(directory=route.app.directory)


def _limits(max_body: int) -> tuple[int, int]:
    """(the body limit of /api/suggest, /api/feedback and /mcp, that of the Slack routes) under --max-body-kib
    ``max_body``: each its own floor or ``max_body`` when larger. One rule for what the middleware enforces
    (_middleware) and what /docs says (_fastapi), which computed it apart."""
    from recur.serve.slack import MAX_BODY as SLACK_MAX_BODY

    return config.text_max_body(max_body), max(max_body, SLACK_MAX_BODY)


class _Gated:
    """An engine whose ``answer`` waits for a slot of ``gate`` (the bound on searches at once). Once it
    has one, a search whose client has gone (``CLIENT_GONE``, set by the MCP and Slack transports) is
    not made: ``ClientGone`` instead, and the slot goes to the next search at once."""

    def __init__(self, engine, gate):
        self._engine, self._gate = engine, gate

    def answer(self, *args, **kwargs):
        with self._gate:
            gone = CLIENT_GONE.get()
            if gone is not None and gone():
                raise ClientGone
            return self._engine.answer(*args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._engine, name)


def _routes(app, settings: Settings, *, slack: dict, mcp: dict) -> None:
    from recur.serve.mcp_http import http_router
    from recur.serve.openapi_doc import publish
    from recur.serve.routes import alertmanager, feedback, meta, patterns, report, site, suggest
    from recur.serve.security import TokenGate
    from recur.serve.slack import slack_router

    def engine():  # the MCP and Slack surfaces take a getter: the same engine, or the same 503, whose
        # searches take a slot of the same gate as /api/suggest's (they ran beside it, unbounded)
        return _Gated(get_engine(SimpleNamespace(app=app)), settings.gate)

    # Slack requests carry Slack's signature, never our bearer token: its router checks that instead
    slack_api = slack_router(engine, settings=settings, **slack)
    app.state.slack_owed = slack_api.owed  # told at the stop (_lifespan)
    # pages in answers, as Slack links them; event streams end at a stop (server.protocol tells app.state.stopping)
    mcp_api = http_router(engine, site_url=slack["site_url"], stopping=app.state.stopping, **mcp)
    for route in mcp_api.routes:  # a plain ASGI route: the token rule is applied around it (include_router
        route.endpoint = route.app = TokenGate(route.endpoint, settings)  # copies the endpoint)
    api = (meta, suggest, patterns, report, alertmanager, feedback)
    app.state.api_routers = [m.router for m in api] + [slack_api, mcp_api]
    for router in app.state.api_routers:
        app.include_router(router)
    # the catch-all 404/405 for /api goes after every API route, and the site after everything
    app.include_router(meta.fallback_router)
    home = site.mount_site(app, settings)
    # every router included, for a 405's Allow (prefix.route_methods): FastAPI keeps one whole, its routes not the app's
    app.state.included_routers = [*app.state.api_routers, meta.fallback_router, *([home] if home else [])]
    publish(app)  # what /openapi.json says beyond the routes: the answers of the layers before them, the token


def _middleware(app, *, max_body: int, pools: tuple[int, int, int], body_timeout: float) -> None:
    """Outermost last: security headers on everything, then metrics and the access log (they see
    every status, 503s included), then the Host and Origin check (these three: create_app adds them
    after this), then the answer to a request cut short by a stop, then HEAD as GET, then gzip (guard.Compressed), then the token
    (a route that needs it is refused before its body is read), then the body guard (a client still sending its body holds no slot; the bodies held at once are
    bounded to what ``max_concurrent`` of the largest could hold), then the concurrency bound (``pools``:
    ``max_concurrent``, the webhooks' share of it, and one client's searches of /api/suggest)."""
    from recur.serve.security import TokenFirst

    max_concurrent, webhooks, per_client = pools
    text, slack = _limits(max_body)
    limits = {"/api/alertmanager": ALERTMANAGER_MAX_BODY, **dict.fromkeys(SLACK_PATHS, slack)}
    limits.update(dict.fromkeys(TEXT_PATHS, text))  # a text of 20,000 characters as \uXXXX escapes
    app.add_middleware(
        ConcurrencyLimit,
        limit=max_concurrent,
        on_reject=app.state.metrics.rejected.inc,
        search_paths=SEARCH_PATHS,
        webhook_paths=WEBHOOK_PATHS,
        webhook_limit=webhooks,
        per_client_limit=per_client,
        per_client_paths=PER_CLIENT_PATHS,
    )
    app.add_middleware(
        BodyGuard,
        max_body=max_body,
        limits=limits,
        json_paths=JSON_PATHS,
        plain_paths=SLACK_PATHS,  # /mcp refuses a content coding itself, as JSON-RPC (mcp_http.JsonRpcErrors)
        body_timeout=body_timeout,
        budget=max_concurrent * max(max_body, *limits.values()),
        on_reject=app.state.metrics.rejected.inc,
        hints=TOO_LARGE_HINTS,  # what to send instead of a body over the limit
    )
    app.add_middleware(TokenFirst, settings=app.state.settings, fastapi_app=app)  # before any body is read
    # inside HeadAsGet: a HEAD's head is the GET's, compressed (no body compressed for it); outside every answer the
    # app makes, errors too
    app.add_middleware(Compressed)
    app.add_middleware(HeadAsGet)
    app.state.answering = Answering()  # read by the stop's log line (server.quiet_shutdown_cancel)
    app.add_middleware(StopAnswer, answering=app.state.answering)


def _outer_middleware(app, host: str | None, allowed_hosts: tuple) -> None:
    """The outermost four: the Host and Origin check (before the token: a 421, not a 401), inside
    metrics and the access log (a refused request is counted), then the security headers on every answer, and
    outside all of them a webhook route's trailing slash taken off (prefix.WebhookSlash: each layer sees its path).
    Between the check and the metrics, the 500 of an unexpected exception in any layer inside (guard.Unexpected):
    counted, logged and given the headers like every other answer."""
    from recur.serve.guard import Unexpected
    from recur.serve.metrics import MetricsMiddleware
    from recur.serve.prefix import WebhookSlash
    from recur.serve.security import HostCheck, SecurityHeaders

    app.add_middleware(HostCheck, host=host, allowed=allowed_hosts)
    app.add_middleware(Unexpected)
    app.add_middleware(MetricsMiddleware, metrics=app.state.metrics)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(WebhookSlash, paths=WEBHOOK_PATHS | SLACK_PATHS)  # /api/alertmanager/ as /api/alertmanager


__all__ = ["create_app", "error_body"]
