"""/mcp for `recur serve`: the MCP server as streamable HTTP (``http_app``, its JSON-RPC error bodies
``JsonRpcErrors``), with the MCP SDK imported right after the start, not before the server listens.

Importing the SDK (``mcp_server``) took ~0.4 s of the ~1 s from start to a 200 on /healthz with the fake
model (measured against the same start with no /mcp at all), before the server listened and before the
engine's background load began. The routes (and the token rule around them, app.py) exist from the start;
the SDK is imported in a worker thread once the server runs (the event loop keeps answering) and the server
built (``http_app``) once the engine is ready (/healthz 200), or on the first request to /mcp if that
comes first. Its session manager then runs until the server stops, in a task group of the app's lifespan,
as it ran in the lifespan before. An import or build that failed is a JSON-RPC error naming the cause
(``LazyMcp``). This module imports no SDK itself: each use of it is inside a function, run once the server
is built.
"""

from __future__ import annotations

import contextlib
import importlib
import logging
from collections.abc import Callable
from contextlib import asynccontextmanager

import anyio
import anyio.to_thread

from recur import config
from recur.serve.access import CLIENT_LEFT
from recur.serve.guard import refused_content_coding, replaying, uncompressed
from recur.serve.mcp_stdio import not_a_message
from recur.util import utf8


class LazyMcp:
    """The ASGI app at /mcp and /mcp/: ``build()`` -> (session manager, ASGI app). The SDK and the MCP server's
    modules are imported in the background right after the start, the server built once the engine is ready
    or on the first request, whichever comes first. Imported only then (as it was), a Recur upgraded under the
    running server (pip install, git pull of an editable install) broke /mcp for good: the new files did not
    match the old ones already loaded, each request a 500 internal_error with a traceback in the log (found in
    an operator's review). A failed import or build is now said once in the log, and /mcp answers a JSON-RPC
    error that says to restart `recur serve`. The server's preload (preload.py) imports the same modules in the
    engine's thread as the server starts, so an import that fails here fails there too, and with it the start."""

    def __init__(self, build: Callable, stopping=None):
        self._build = build
        self._stopping = stopping  # guard.Stopping: the event stream (GET) ends at a stop
        self._app = None
        self._failed: str | None = None  # why /mcp could not start: said on every request
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
            if self._app is None and self._failed is None:
                try:
                    await _imported()
                    manager, app = self._build()
                    await self._group.start(_run, manager)
                except Exception as exc:  # an ImportError, most likely: files changed under the running server
                    self._failed = f"{type(exc).__name__}: {exc}"
                    logging.getLogger("recur.serve").error("/mcp could not start (%s); %s", self._failed, RESTART)
                else:
                    self._app = app
        return self._app

    async def _build_when_ready(self, holder) -> None:
        """The import at once, in a thread (the 0.4 s the event loop would otherwise not answer anything,
        and the files read while they are those the server started with); the build after the engine's load,
        so that an MCP client's first request finds it built; polled, so that a stop cancels it at once."""
        with contextlib.suppress(Exception):  # said by _started, which tries it again
            await _imported()
        while not holder.ready.is_set():
            await anyio.sleep(0.1)
        await self._started()

    async def __call__(self, scope, receive, send):
        app = self._app or await self._started()
        if app is None:
            text = f"/mcp could not start ({self._failed}); {RESTART}"
            return await _send_json_rpc_error(send, 500, text.encode(), code=INTERNAL_ERROR)
        if scope.get("method") == "GET" and self._stopping is not None:
            return await ended_at_stop(app, self._stopping, scope, receive, send)
        await app(scope, receive, send)


RESTART = "Recur's files may have changed under the running server (an upgrade): restart recur serve"
INTERNAL_ERROR = -32603  # JSON-RPC's; mcp.types' is not imported: the SDK's import may be what failed


async def _imported() -> None:
    await anyio.to_thread.run_sync(importlib.import_module, "recur.serve.mcp_server")


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
    """An ``APIRouter`` serving the MCP server at ``path`` and ``path/`` (``options``: ``http_app``'s),
    whose lifespan holds the session manager once started; ``app.include_router`` merges it into the app's.
    ``stopping`` (guard.Stopping): event streams end when the server stops (``ended_at_stop``).
    Some MCP clients are configured with a trailing slash: /mcp/ is the same endpoint (it fell through to the
    site, whose 405 said POST was not allowed there)."""
    from fastapi import APIRouter

    def build():  # a call waiting for the engine's load is answered at the stop (_Server._loaded)
        return http_app(get_engine, path=path, stopped=lambda: stopping is not None and stopping.stopped, **options)

    lazy = LazyMcp(build, stopping)
    router = APIRouter(lifespan=lazy.lifespan)
    router.add_route(path, lazy, include_in_schema=False)
    router.add_route(path.rstrip("/") + "/", lazy, include_in_schema=False)
    return router


LOOPBACK = ("127.0.0.1", "localhost", "::1")
# How long a request to /mcp waits for the engine still loading (the real model: ~10 s after a start): within
# the 60 s MCP clients commonly give a request; a longer load (a first index build) is then said, as the API says it
HTTP_LOAD_WAIT = 45.0


def http_app(  # long: one keyword argument a line, each of `recur serve`'s /mcp settings, and their doc
    get_engine: Callable,
    *,
    host: str | None = None,
    path: str = "/mcp",
    max_sessions: int = config.default("mcp_max_sessions"),
    idle_seconds: float = config.default("mcp_idle_timeout"),
    allowed_hosts: tuple = (),
    site_url: str | None = None,
    max_sessions_per_client: int = config.default("mcp_max_sessions_per_client"),
    on_session_closed: Callable[[str], None] | None = None,
    stale_files: Callable[[], list[str]],
    kb_files: Callable[[], dict | None] | None = None,
    kbs=None,
    stopped: Callable[[], bool] = lambda: False,
    kb_dir=None,
):
    """(session manager, ASGI app): the MCP server at ``path`` (streamable HTTP, read-only tools; ``site_url``:
    build_server's); http_router serves the app and runs the manager, from the first request to /mcp.
    On a loopback ``host`` the SDK's DNS-rebinding protection (Host / Origin checks) is on. Past
    ``max_sessions`` open sessions a new one closes an idle session to make room (SessionCaps: the least
    recently used idle one of the client holding the most, if that holds more than the newcomer will, else
    the newcomer's own, else of all); a session with a request in flight is never closed, and with
    every one busy the new one gets the SDK's 503 until one ends its request, closes or idles out
    (``idle_seconds``). The default cap is a tenth of the SDK's 10,000: an idle session holds ~40 KiB (measured:
    2,000 sessions, +77 MiB), and sessions open at ~150 a second, so the SDK's cap let one client pin ~400 MiB
    for the 30-minute idle timeout. ``max_sessions_per_client``: see mcp_sessions.SessionCaps, in front of the
    SDK's app, which says each session closed and tells ``on_session_closed`` its reason; the manager returned
    runs its sweep for idle ones (mcp_sessions.Managed). A call its client gave up on is a 499 (``GivenUp``).
    ``stale_files``, ``kb_files``, ``kbs``, ``stopped``, ``kb_dir``: build_server's (`recur serve`: its own check's
    changed files, KB signature, the served_kb.ServedKB its GET /api/report reads, whether its stop has begun, its
    --kb folder)."""
    from mcp.server.streamable_http_manager import StreamableHTTPASGIApp

    from recur.serve.mcp_server import build_server
    from recur.serve.mcp_sessions import Managed, SessionCaps

    server = build_server(
        get_engine,
        site_url=site_url,
        load_wait=HTTP_LOAD_WAIT,
        stopped=stopped,
        served_by="recur serve",
        stale_files=stale_files,
        kb_files=kb_files,
        kbs=kbs,
        kb_dir=kb_dir,
        engine_now=get_engine,  # the API's getter: not_ready at once, never a wait
    )
    server.streamable_http_app(
        streamable_http_path=path,
        transport_security=_security(host, allowed_hosts),
        host=host or "0.0.0.0",
        max_sessions=max_sessions,
        session_idle_timeout=idle_seconds,
    )
    manager = server.session_manager
    capped = SessionCaps(
        StreamableHTTPASGIApp(manager),
        per_client=max_sessions_per_client,
        max_sessions=max_sessions,
        idle_seconds=idle_seconds,
        on_closed=on_session_closed,
    )
    return Managed(manager, capped), GivenUp(JsonRpcErrors(capped))


def _security(host: str | None, allowed_hosts: tuple):
    """The SDK's DNS-rebinding protection: on a loopback ``host`` only, by the Hosts _proxied takes. On loopback
    the SDK's own default took only "127.0.0.1:*" and the like: a Host with no port (a server on port 80) was a
    421 on /mcp alone, every other route serving it (security.HostCheck); _proxied takes both."""
    from mcp.server.transport_security import TransportSecuritySettings

    if host in LOOPBACK:
        return _proxied(allowed_hosts)
    return TransportSecuritySettings(enable_dns_rebinding_protection=False)


# The JSON-RPC error the SDK answers a call with once its client cancelled it (notifications/cancelled), on the
# protocol versions with sessions (mcp.server.streamable_http.REQUEST_CANCELLED; not imported: see the module's doc)
REQUEST_CANCELLED = -32800


class GivenUp:
    """/mcp with each tool call its client gave up on marked for MetricsMiddleware (access.CLIENT_LEFT), which
    counts and logs it as 499, as /api/suggest's search whose client left. A call is answered on an event stream
    whose 200 goes out at its start (the newer protocol's after 15 s), so a call whose client closed the
    connection, or cancelled it (``notifications/cancelled``: the SDK then answers it ``REQUEST_CANCELLED``),
    was logged as a 200, the size of whatever was sent before, as if answered. Marked: a POST whose client
    disconnected before its answer's last byte went out, or whose answer is that error. A GET's event stream
    is not: its client ends it by closing it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope.get("type") != "http" or scope.get("method") != "POST":
            return await self.app(scope, receive, send)
        ended = False

        async def heard():
            message = await receive()
            if message["type"] == "http.disconnect" and not ended:
                scope[CLIENT_LEFT] = True
            return message

        async def told(message):
            nonlocal ended
            if message["type"] == "http.response.body":
                ended = ended or not message.get("more_body", False)
                if _cancelled_answer(message.get("body", b"")):
                    scope[CLIENT_LEFT] = True
            await send(message)

        await self.app(scope, heard, told)


def _cancelled_answer(body: bytes) -> bool:
    """Whether ``body`` (a chunk of an answer: event-stream ``data:`` lines, or JSON) holds the SDK's answer to a
    cancelled call: a JSON-RPC error ``REQUEST_CANCELLED``. A tool's answer is never one (its errors are results)."""
    import json

    if str(REQUEST_CANCELLED).encode() not in body:  # the one test of almost every chunk
        return False
    for line in body.splitlines():
        text = line.removeprefix(b"data:").strip()
        try:
            message = json.loads(text) if text.startswith(b"{") else None
        except ValueError:
            continue
        error = message.get("error") if isinstance(message, dict) else None
        if isinstance(error, dict) and error.get("code") == REQUEST_CANCELLED:
            return True
    return False


def _proxied(hosts: tuple):
    """The SDK's loopback checks (Host and Origin must be loopback: a web page cannot reach the
    server by rebinding a name it controls to 127.0.0.1) widened by the names a reverse proxy in front
    passes on, which the operator named (none: loopback alone): on any port or none, over http or https."""
    from mcp.server.transport_security import TransportSecuritySettings

    names = [_sdk_name(h) for h in ("127.0.0.1", "localhost", "::1", *hosts)]
    # each name also fully qualified ("localhost."), as security.HostCheck takes it on every other route: the SDK
    # compares the Host as written
    names += [f"{n}." for n in names if not n.endswith((".", "]")) and ":" not in n]
    names = list(dict.fromkeys(names))
    return TransportSecuritySettings(
        enable_dns_rebinding_protection=True,
        allowed_hosts=[h for n in names for h in (n, f"{n}:*")],
        allowed_origins=[o for n in names for s in ("http", "https") for o in (f"{s}://{n}", f"{s}://{n}:*")],
    )


def _sdk_name(value: str) -> str:
    """An --allowed-host value (or a loopback name) as the SDK's list must hold it to accept what security.HostCheck
    accepts on every other route: in lower case (HostCheck lowers the request's Host and Origin for the SDK) and
    without a port, which the SDK kept: "kb.example.com:443" became "kb.example.com:443:*" there, refusing
    ``Host: kb.example.com`` on /mcp alone (found in review). An IPv6 address in brackets, as a Host writes it."""
    from recur.serve.preflight import hostname
    from recur.serve.security import unrooted

    name = unrooted(hostname(value) or value.strip().lower())
    return f"[{name}]" if ":" in name else name


class JsonRpcErrors:
    """The SDK answers most bad requests to /mcp with a JSON-RPC error body, but a few (a wrong
    Content-Type, and on loopback a foreign Host or Origin) as bare text with no Content-Type.
    This gives those the same JSON-RPC shape, status and message unchanged, so a client (or an
    operator reading logs) parses one shape from /mcp. A POST body in a content coding (gzip), which
    the SDK does not decode, is a 415 in that shape, as the API's routes refuse it. A POST body with
    a lone surrogate escape (``"\\udcff"``), which the SDK's parser refuses as a parse error, reaches
    the tools as U+FFFD, as over stdio (``mcp_stdio.run_stdio``) and in the API (BodyGuard has already read the
    body, bounded). A POST body that is JSON but no JSON-RPC message (``[1]``, ``"disk full"``, ``null``, an
    object without ``"jsonrpc": "2.0"``) is answered as over stdio (``not_a_message``): the SDK's 400 said
    "Validation error: 4 validation errors for union[JSONRPCRequest, ...]" and pydantic's dump of each."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        sent = None  # the POST body as the SDK reads it
        if scope.get("method") == "POST":
            coding = refused_content_coding(scope)
            if coding is not None:  # the SDK would read the compressed bytes as JSON: a parse error
                return await _send_json_rpc_error(send, 415, f"Unsupported Media Type: {uncompressed(coding)}".encode())
            receive, sent = await _cleaned(receive)
        held: dict = {}

        async def relay(message):
            if message["type"] == "http.response.start" and message["status"] >= 400:
                message = _no_session_header(message)
                names = {k.lower() for k, _ in message.get("headers", [])}
                # a 400 in JSON is held too: it may be the SDK's refusal of a body that is no message
                if b"content-type" not in names or (message["status"] == 400 and sent):
                    held["start"], held["body"], held["typed"] = message, b"", b"content-type" in names
                    return
            if "start" in held and message["type"] == "http.response.body":
                held["body"] += message.get("body", b"")
                if not message.get("more_body"):
                    await _send_held(send, held, sent, scope)
                return
            await send(message)

        await self.app(scope, receive, relay)


async def _send_held(send, held: dict, sent: bytes | None, scope) -> None:
    """A refusal ``JsonRpcErrors`` held: bare text in the JSON-RPC shape (the SDK's 421 for a Host in the words of
    the other routes', ``_host_refused``); the SDK's refusal of a body that is JSON but no JSON-RPC message said as
    ``not_a_message`` says it (status unchanged); any other as it was."""
    import json

    from mcp.types import INVALID_PARAMS

    start, body = held["start"], held["body"]
    if not held["typed"]:
        return await _send_json_rpc_error(send, start["status"], _host_refused(start["status"], body, scope))
    try:
        error = json.loads(body).get("error") or {}
    except (ValueError, AttributeError):
        error = {}
    # the SDK's -32602 "Validation error: ..." for a body its message types refuse (mcp.server.streamable_http):
    # said with JSON-RPC's code for an invalid request, -32600, and in the words stdio says it with
    said = str(error.get("message", ""))
    refusal = (
        not_a_message(sent) if error.get("code") == INVALID_PARAMS and said.startswith("Validation error") else None
    )
    if refusal is None:
        await send(start)
        await send({"type": "http.response.body", "body": body})
        return
    answer = refusal.model_dump_json(by_alias=True, exclude_unset=True).encode()  # as the SDK writes one
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(answer)).encode())]
    await send({"type": "http.response.start", "status": start["status"], "headers": headers})
    await send({"type": "http.response.body", "body": answer})


def _host_refused(status: int, body: bytes, scope) -> bytes:
    """The SDK's 421 ("Invalid Host header", naming neither the Host nor what to set) as every other route says it
    (security.host_refused, with the Host as sent: the SDK was handed it in lower case): a reverse proxy passing its
    public name to a loopback bind was told on /mcp nothing of --allowed-host nor RECUR_MCP_ALLOWED_HOSTS (found in
    review). A request with no Host (HTTP/1.0, or one a proxy passed on), which every other route answers, is told
    that none was sent, not that one was invalid (found in a re-read). Any other ``body`` as it is."""
    if status != 421 or body.strip() != b"Invalid Host header":
        return body
    from recur.serve.negotiate import header
    from recur.serve.security import HOST_AS_SENT, host_refused

    host = scope.get(HOST_AS_SENT) or header(scope, b"host")
    if not host:
        return (
            b"Invalid Host header: none was sent; /mcp on a server bound to loopback answers only a request whose "
            b"Host is a loopback name or one named with --allowed-host (env RECUR_MCP_ALLOWED_HOSTS)"
        )
    return host_refused(host).encode()


def _no_session_header(start: dict) -> dict:
    """A refused request's answer without ``Mcp-Session-Id``: the SDK named a new session on every 405
    (``HEAD /mcp``, a load balancer's probe, a PUT) and opened none, so a client or an operator read a
    session that did not exist (found in review). A session is named by the initialize answer only."""
    headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"mcp-session-id"]
    return {**start, "headers": headers}


async def _cleaned(receive):
    """(``receive`` for a request whose body is handed on cleaned, the body or None). BodyGuard, around
    every route, has read the whole body (bounded in size and time) and gives it as one message; anything
    else is passed on as it came."""
    first = await receive()
    body = None
    if first["type"] == "http.request" and not first.get("more_body"):
        body = utf8.clean_json_line(first.get("body", b""))
        first = {**first, "body": body}
    return replaying(first, receive), body


async def _send_json_rpc_error(send, status: int, text: bytes, code: int | None = None) -> None:
    import json

    if code is None:
        from mcp.types import INVALID_REQUEST as code

    message = text.decode("utf-8", "replace").strip() or HTTP_REASON.get(status, "request refused")
    body = json.dumps({"jsonrpc": "2.0", "id": None, "error": {"code": code, "message": message}}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


HTTP_REASON = {400: "bad request", 403: "forbidden", 421: "misdirected request"}
