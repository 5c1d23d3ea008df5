"""/mcp for `recur serve`, with the MCP SDK imported once the engine is warm, not before the server listens.

Importing the SDK (``mcp_server``) took ~0.4 s of the ~1 s from start to a 200 on /healthz with the fake
model (measured against the same start with no /mcp at all), before the server listened and before the
engine's background load began. The routes (and the token rule around them, app.py) exist from the start;
the SDK is imported in a worker thread (the event loop keeps answering) and the server built
(``mcp_server.http_app``) once the engine is ready (/healthz 200), or on the first request to /mcp if that
comes first (it then waits the 0.4 s). Its session manager then runs until the server stops, in a task
group of the app's lifespan, as it ran in the lifespan before.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread


class LazyMcp:
    """The ASGI app at /mcp and /mcp/: ``build()`` -> (session manager, ASGI app), once the engine is ready or
    on the first request, whichever comes first."""

    def __init__(self, build: Callable, stopping=None):
        self._build = build
        self._stopping = stopping  # guard.Stopping: the event stream (GET) ends at a stop
        self._app = None
        self._group = None
        self._lock = None

    @asynccontextmanager
    async def lifespan(self, app=None):
        async with anyio.create_task_group() as group:
            self._group, self._lock = group, anyio.Lock()
            holder = getattr(getattr(app, "state", None), "holder", None)
            if holder is not None:
                group.start_soon(self._build_when_ready, holder)
            try:
                yield
            finally:
                # the session manager stops, as it did when it ran in the lifespan; a build still importing
                # (not cancellable, in its thread) is cancelled when the import returns
                group.cancel_scope.cancel()

    async def _started(self):
        if self._group is None:
            raise RuntimeError("/mcp is served only while the app's lifespan runs")
        async with self._lock:
            if self._app is None:
                # the import in a thread: 0.4 s the event loop would otherwise not answer anything
                await anyio.to_thread.run_sync(importlib.import_module, "recur.serve.mcp_server")
                manager, app = self._build()
                await self._group.start(_run, manager)
                self._app = app
        return self._app

    async def _build_when_ready(self, holder) -> None:
        """After the engine's load (whose imports it would slow), so that an MCP client's first request
        finds the server built; polled, so that a stop cancels it at once."""
        while not holder.ready.is_set():
            await anyio.sleep(0.1)
        await self._started()

    async def __call__(self, scope, receive, send):
        app = self._app or await self._started()
        if scope.get("method") == "GET" and self._stopping is not None:
            return await ended_at_stop(app, self._stopping, scope, receive, send)
        await app(scope, receive, send)


async def ended_at_stop(app, stopping, scope, receive, send) -> None:
    """``app`` answering a GET /mcp, a session's event stream, ended as soon as the server stops
    (``stopping``: guard.Stopping). The stream carries only what the server sends unasked, never a tool
    call's answer (that goes on the POST that made the call), so it is idle whenever nothing is sent, and
    never ends by itself: it held every stop for the whole grace period (5 s, then cut with a WARNING),
    whenever an assistant was connected. Once its answer has begun it is ended at the stop with the body's
    last chunk, a whole answer (the client sees the stream end, as when the SDK closes it, and may open
    another elsewhere); the POSTs in progress keep their grace period. Before its answer has begun it is
    a request like any other (answered, or 503 shutting_down at the deadline: guard.StopAnswer)."""
    began = ended = False
    forget = None

    with anyio.CancelScope() as cut:

        async def tracked(message):
            nonlocal began, ended, forget
            if message["type"] == "http.response.body" and not message.get("more_body", False):
                ended = True
            await send(message)
            if message["type"] == "http.response.start":
                began = True
                forget = stopping.on_stop(cut.cancel)

        try:
            await app(scope, receive, tracked)
        finally:
            if forget is not None:
                forget()
    if cut.cancel_called and began and not ended:
        await send({"type": "http.response.body", "body": b"", "more_body": False})


async def _run(manager, *, task_status=anyio.TASK_STATUS_IGNORED):
    async with manager.run():
        task_status.started()
        await anyio.sleep_forever()


def http_router(get_engine: Callable, *, path: str = "/mcp", stopping=None, **options):
    """An ``APIRouter`` serving the MCP server at ``path`` and ``path/`` (``options``: ``mcp_server.http_app``'s),
    whose lifespan holds the session manager once started; ``app.include_router`` merges it into the app's.
    ``stopping`` (guard.Stopping): event streams end when the server stops (``ended_at_stop``).
    Some MCP clients are configured with a trailing slash: /mcp/ is the same endpoint (it fell through to the
    site, whose 405 said POST was not allowed there)."""
    from fastapi import APIRouter

    def build():
        from recur.serve.mcp_server import http_app

        return http_app(get_engine, path=path, **options)

    lazy = LazyMcp(build, stopping)
    router = APIRouter(lifespan=lazy.lifespan)
    router.add_route(path, lazy, include_in_schema=False)
    router.add_route(path.rstrip("/") + "/", lazy, include_in_schema=False)
    return router
