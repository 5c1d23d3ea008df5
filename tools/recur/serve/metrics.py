"""The server's own metrics, in Prometheus' text format at GET /metrics (prometheus-client).

One registry per app (not the library's global one): tests and embedders can build several
apps in one process. Route labels are route templates (``/api/patterns/{pattern_id}``), never
raw paths, so a scan of random URLs cannot grow the number of series.
"""

from __future__ import annotations

import datetime as dt
import platform
import time

from prometheus_client import (
    CollectorRegistry,
    Counter,
    Gauge,
    GCCollector,
    Histogram,
    PlatformCollector,
    ProcessCollector,
)
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

from recur.serve.access import CLIENT_LEFT, answered
from recur.serve.prefix import is_docs_path, is_mcp_path, route_path

# why an MCP session closed (mcp_sessions.SessionCaps): recur_mcp_sessions_closed_total's ``reason`` label
MCP_CLOSE_REASONS = ("idle", "cap", "client", "shutdown")
# 60 and 120 s: an Alertmanager group of 1,176 alerts took 34.6 s, past 30 s, and counted only under +Inf
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 120.0)


class _IndexCollector:
    """Index build, age and reloads, read from the engine holder at scrape time."""

    def __init__(self, holder):
        self.holder = holder

    def collect(self):
        holder = self.holder
        eng = holder.engine
        ready = GaugeMetricFamily("recur_ready", "1 once the model and index are loaded and warm")
        ready.add_metric([], 1.0 if eng is not None else 0.0)
        yield ready
        reloads = CounterMetricFamily("recur_index_reloads", "Rebuilt indexes picked up without a restart")
        reloads.add_metric([], float(holder.reloads))
        yield reloads
        failed = GaugeMetricFamily(
            "recur_index_reload_failed", "1 while a rebuilt index on disk cannot be loaded (the old one is served)"
        )
        failed.add_metric([], 1.0 if holder.reload_error else 0.0)
        yield failed
        stale = GaugeMetricFamily(
            "recur_index_stale", "1 while the KB has changes the served index was not built from (/healthz says which)"
        )
        stale.add_metric([], 1.0 if holder.stale else 0.0)
        yield stale
        site_stale = GaugeMetricFamily(
            "recur_site_stale",
            "1 while the served site was built from other KB files than the served index, or by another recur "
            "(/healthz site_stale)",
        )
        site_stale.add_metric([], 1.0 if holder.site_stale else 0.0)
        yield site_stale
        if eng is None:
            return
        m = eng.manifest
        info = GaugeMetricFamily(
            "recur_index_info", "The index being served (value is always 1)", labels=["build_id", "model"]
        )
        info.add_metric([str(m.get("build_id", "")), str(m.get("model", ""))], 1.0)
        yield info
        patterns = GaugeMetricFamily("recur_index_patterns", "Patterns in the index being served")
        patterns.add_metric([], float(len(eng.docs)))
        yield patterns
        left_out = GaugeMetricFamily(
            "recur_index_patterns_left_out", "Pattern files with errors, not in the served index (recur check)"
        )
        left_out.add_metric([], float(len(m.get("left_out") or [])))
        yield left_out
        built = _timestamp(m.get("built"))
        if built is not None:
            age = GaugeMetricFamily("recur_index_age_seconds", "Seconds since the served index was built")
            age.add_metric([], max(0.0, time.time() - built))
            yield age


def _timestamp(value) -> float | None:
    try:
        return dt.datetime.fromisoformat(str(value).replace("Z", "+00:00")).timestamp()
    except ValueError:
        return None


class _FeedbackCollector:
    """Votes not written (serve.deps.FeedbackHealth), read at scrape time: the 503s of /api/feedback
    alone missed Slack's votes, and said nothing of whether the file is writable again. And the room left
    where they are written (a statvfs a scrape): /healthz's feedback_space_low alone gave an alert nothing
    to watch before the disk was full."""

    def __init__(self, settings):
        self.health, self.path = settings.feedback_health, settings.feedback_path
        self.min_free_mib = settings.feedback_min_free_mib

    def collect(self):
        from recur.ingest.feedback import free_space

        failing = GaugeMetricFamily(
            "recur_feedback_failing", "1 while the last vote could not be written to the feedback file (/healthz why)"
        )
        failing.add_metric([], 1.0 if self.health.error else 0.0)
        yield failing
        failures = CounterMetricFamily("recur_feedback_write_failures", "Votes not written to the feedback file")
        failures.add_metric([], float(self.health.failures))
        yield failures
        low = GaugeMetricFamily(
            "recur_feedback_space_low",
            "1 while the file system votes are written to has less free space than RECUR_MIN_FREE_MIB "
            "(/healthz feedback_space_low)",
        )
        free = free_space(self.path) if self.path is not None else None  # once a scrape, both series; None: votes off
        low.add_metric([], 1.0 if free is not None and free < self.min_free_mib * 2**20 else 0.0)
        yield low
        if free is not None:  # the folder gone: no value (the next vote's write says why)
            room = GaugeMetricFamily("recur_feedback_free_bytes", "Bytes free on the file system votes are written to")
            room.add_metric([], float(free))
            yield room


class Metrics:
    def __init__(self, holder, settings):
        self.registry = CollectorRegistry()
        r = self.registry
        self.requests = Counter(
            "recur_http_requests", "HTTP requests answered", ["route", "method", "status"], registry=r
        )
        self.latency = Histogram(
            "recur_http_request_duration_seconds",
            "Time to answer, by route and status class (2xx, 3xx, 4xx with 499 a client that left, 5xx)",
            ["route", "status"],
            buckets=LATENCY_BUCKETS,
            registry=r,
        )
        self.in_flight = Gauge("recur_http_requests_in_flight", "Requests being answered now", registry=r)
        self.answers = Counter(
            "recur_suggest_answers",
            "Suggestion answers (API, Alertmanager and Slack) by the top result's confidence and by no_known_pattern "
            "(true, false, not_searched)",
            ["confidence", "no_known_pattern"],
            registry=r,
        )
        self.rejected = Counter("recur_overload_rejections", "Requests turned away with 503 overloaded", registry=r)
        self.mcp_closed = Counter(
            "recur_mcp_sessions_closed",
            "MCP sessions closed, by why: idle (--mcp-idle-timeout), cap (room made), client (DELETE), shutdown",
            ["reason"],
            registry=r,
        )
        for reason in MCP_CLOSE_REASONS:  # each at 0 from the start: a rate() needs the series before its first
            self.mcp_closed.labels(reason)
        r.register(_IndexCollector(holder))
        r.register(_FeedbackCollector(settings))  # the feedback log's path and health (serve.deps.Settings)
        _register_runtime(r)

    def observe_answer(self, answer) -> None:
        top = answer.results[0]["confidence"] if answer.results else "none"
        # null (nothing searched: an SNS subscription confirmation) is its own value: it was counted "false", as if
        # a known pattern had matched (found in a re-read)
        verdict = "not_searched" if answer.no_known_pattern is None else str(bool(answer.no_known_pattern)).lower()
        self.answers.labels(top, verdict).inc()


def _register_runtime(registry) -> None:
    """What any exporter has: the process's memory, CPU, open files and start time (``process_*``),
    Python's version and garbage collector (``python_*``), and which recur runs (``recur_build_info``,
    the ``*_info`` convention: 1, with the facts as labels). On this registry, not the library's
    global one, which /metrics does not read; several apps in one process each get their own."""
    ProcessCollector(registry=registry)
    PlatformCollector(registry=registry)
    GCCollector(registry=registry)
    from recur import __version__

    info = Gauge("recur_build_info", "The recur serving (value is always 1)", ["version", "python"], registry=registry)
    info.labels(__version__, platform.python_version()).set(1)


def status_class(status: int) -> str:
    """The latency histogram's status label: a class, not the code, so that fast refusals (404, 413,
    503 overloaded) are apart from real answers without a series per code for each bucket."""
    return f"{status // 100}xx"


# fixed API paths, for requests turned away before routing (413, 415, 408, 503 overloaded)
FIXED_ROUTES = frozenset(
    {
        "/api/suggest",
        "/api/alertmanager",
        "/api/feedback",
        "/api/patterns",
        "/api/report",
        "/api/slack/commands",
        "/api/slack/interactions",
        "/healthz",
        "/metrics",
        "/mcp",
    }
)
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


UNKNOWN_API = "/api/{unknown}"  # any /api path no route has: the same label whoever answered it


DOCS = "/docs"  # the API's documentation: its pages, the schema, their assets and any 404 under them (is_docs_path)


def _route_label(scope) -> str:
    if is_docs_path(route_path(scope)):  # one label: Swagger UI's page was "/docs", the rest of it "docs" (review)
        return DOCS
    route = scope.get("route")
    if route is not None and getattr(route, "path", None):
        # the JSON 404/405 fallback matches every /api path: labelled as a request turned away before routing is
        # a route's converter is no part of its label (`/api/patterns/{pattern_id:path}` is `…/{pattern_id}`)
        return UNKNOWN_API if route.path == "/api/{rest:path}" else getattr(route, "path_format", route.path)
    path = route_path(scope)
    if is_mcp_path(path):  # a mounted app, not a route with a template: was "site"
        return "/mcp"
    if path in FIXED_ROUTES:
        return path
    if path.startswith("/api/") or path == "/api":
        return UNKNOWN_API
    return "site"


class MetricsMiddleware:
    """ASGI middleware: counts and times every response, whichever layer produced it, and hands
    it to the access log (``recur serve --access-log``)."""

    def __init__(self, app, metrics: Metrics):
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        status, size = 499, 0  # nginx's "client closed request": the client left before any answer
        t0 = time.perf_counter()

        async def record(message):
            nonlocal status, size
            if message["type"] == "http.response.start":
                status = message["status"]
            elif message["type"] == "http.response.body":
                size += len(message.get("body", b""))
            await send(message)

        self.metrics.in_flight.inc()
        try:
            await self.app(scope, receive, record)
        except Exception:
            status = 500 if status == 499 else status  # the server answers 500 for it (server._send_500)
            raise
        finally:
            seconds = time.perf_counter() - t0
            status = 499 if scope.get(CLIENT_LEFT) else status  # its status went out, but its client gave up
            self.metrics.in_flight.dec()
            route = _route_label(scope)
            method = scope["method"] if scope["method"] in METHODS else "OTHER"
            self.metrics.requests.labels(route, method, str(status)).inc()
            self.metrics.latency.labels(route, status_class(status)).observe(seconds)
            answered(scope, status, size, seconds)
