"""One error shape on every route, and the limits that keep bad input from hurting the server.

Every error is ``{"error": {"code": "<snake_case>", "message": "<one readable sentence>"}}``
with a 4xx status (503 only while the engine is still loading). The body limit and the
content-type check run in a plain ASGI middleware, before FastAPI reads or parses anything.
"""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Callable
from contextvars import ContextVar

import anyio
import anyio.from_thread
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.datastructures import MutableHeaders
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from recur import config
from recur.serve.negotiate import accepts_gzip
from recur.serve.prefix import is_mcp_path, not_found_message, route_methods, route_path
from recur.util.errors import RecurError
from recur.util.text import ascii_int

DEFAULT_MAX_BODY = config.default("max_body_kib") * 1024

HTTP_CODES = {
    400: "bad_request",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    401: "unauthorized",
    408: "request_timeout",
    413: "body_too_large",
    415: "unsupported_media_type",
    416: "range_not_satisfiable",
    422: "invalid_request",
    429: "too_many_requests",
    501: "not_implemented",
    503: "not_ready",
}


class ApiError(Exception):
    """An expected failure inside a route: becomes the JSON error shape with this status."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


class ClientGone(Exception):
    """The client closed its connection before a route began its work: nothing is answered, so the
    metrics and the access log count the request as 499, nginx's "client closed request"."""


# For a search made on a request's behalf away from deps.get_slot (the MCP tools, a Slack command):
# whether nobody is left to take its answer. The transport sets it around the work (the value is
# copied into the worker thread the work runs in); the gate reads it once a slot is free (app._Gated)
# and skips the search, as get_slot does for /api/suggest.
CLIENT_GONE: ContextVar[Callable[[], bool] | None] = ContextVar("recur_client_gone", default=None)


def disconnected(request: Request) -> bool:
    """From a worker thread of the event loop: whether ``request``'s client has closed its connection
    (the check hops to the loop, where the connection is)."""
    return anyio.from_thread.run(request.is_disconnected)


class _NoAnswer(Response):
    """A response that sends nothing: there is nobody left to send it to."""

    def __init__(self):
        super().__init__(status_code=499)

    async def __call__(self, scope, receive, send) -> None:
        return None


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict | None = None, scope=None) -> JSONResponse:
    """The one error shape; with the request's ``scope``, in the shape its route answers in (error_payload)."""
    return JSONResponse(error_payload(scope, code, message), status_code=status, headers=headers)


JSON_RPC_INVALID_REQUEST = -32600  # mcp.types.INVALID_REQUEST, without importing the SDK here


def error_payload(scope, code: str, message: str) -> dict:
    """The error body for this request: the API's shape, or on /mcp a JSON-RPC error (the API's code
    in ``data``). The guards in front of every route (token, body size, busy, stopping) answered /mcp
    in the API's shape, which an MCP client shows as "Server returned an error response" only: a
    wrong token could not be told from an overload (found in review)."""
    if scope is not None and scope.get("type") == "http" and is_mcp_path(route_path(scope)):
        return {
            "jsonrpc": "2.0",
            "id": None,
            "error": {"code": JSON_RPC_INVALID_REQUEST, "message": message, "data": {"code": code}},
        }
    return error_body(code, message)


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


# Where FastAPI found a value, the first part of its ``loc``: not part of the name the client wrote.
# ?top=x was "query.top: ..." and ?top=0 "top: ..." (the route's own check), one parameter two names.
LOCATIONS = frozenset({"body", "query", "path", "header", "cookie"})


def _unlocated(errors: list) -> list:
    """The errors with the location left off their ``loc``: ("query", "top") is "top", as ("body", "top")."""
    out = []
    for e in errors:
        loc = tuple(e.get("loc", ()))
        out.append({**e, "loc": loc[1:] if loc[:1] and loc[0] in LOCATIONS and len(loc) > 1 else loc})
    return out


# Error types whose message says it all, the field included: bodies.refuse_unknown_keys, and a webhook body
# that is something else (bodies.AlertmanagerIn: alerts as they are, Grafana's legacy notification).
WHOLE_MESSAGES = frozenset({"unknown_keys", "not_a_payload"})


def _validation_response(
    exc: RequestValidationError, hint: str | None = None, takes: str | None = None
) -> JSONResponse:
    """``hint``: what the route takes (bodies.BODY_HINTS), added to a refusal of its body's shape; ``takes``:
    what it takes as a whole (bodies.BODY_TAKES), said where the body is empty, not JSON or not an object."""
    errors = exc.errors()
    first = errors[0] if errors else {"type": "", "loc": (), "msg": "invalid request"}
    # what to send instead of a body that is not one at all: "send a JSON object" alone left a client who
    # sent '"disk full"' or '[1]' to /api/suggest to guess its keys (found in review)
    send = f"send a JSON object ({takes})" if takes else "send a JSON object"
    if first.get("type") in WHOLE_MESSAGES:
        return error_response(422, "invalid_request", str(first.get("msg")))
    if first.get("type") == "json_invalid":
        ctx = first.get("ctx") or {}
        detail = ctx.get("error") or "syntax error"
        return error_response(400, "bad_json", f"the request body is not valid JSON ({detail}); {send}")
    if first.get("type") == "missing" and tuple(first.get("loc", ())) == ("body",):
        return error_response(400, "empty_body", f"the request body is empty; {send}")
    # the body itself is not an object (a nested one is named by its field); a check of the whole
    # body (value_error) says what it found instead
    if tuple(first.get("loc", ())) == ("body",) and first.get("type") != "value_error":
        return error_response(
            422, "invalid_request", "the request body must be a JSON object" + (f" ({takes})" if takes else "")
        )
    # only a refusal of the body's shape is told what the route takes: a query parameter's is not about the
    # body, and a check of Recur's own (value_error: too many alerts, an unknown version) says what to do
    shape = any(tuple(e.get("loc", ()))[:1] == ("body",) and e.get("type") != "value_error" for e in errors)
    said = f" ({hint})" if hint and shape else ""
    return error_response(422, "invalid_request", invalid_message(_unlocated(errors)) + said)


# Problems named in one invalid_request message, and fields named for one problem; past them, a count. A
# message named the first problem only, "version: Field required (and 1 more problem(s))" (found in review).
MAX_PROBLEMS = 5
MAX_FIELDS = 3


def invalid_message(errors: list) -> str:
    """The ``invalid_request`` message for pydantic errors: every problem, named by field ("version: Field
    required; alerts: Input should be a valid list"), the fields of one problem together ("alerts.0, alerts.1:
    ..."), the first MAX_PROBLEMS problems then a count (also used by the MCP tools and Slack, so a bad
    argument reads the same there as in the API)."""
    fields: dict[str, list[str]] = {}  # message -> the fields it is about, in the order found
    for e in errors or [{"loc": (), "msg": "invalid request"}]:
        msg = str(e.get("msg", "invalid value")).removeprefix("Value error, ")
        fields.setdefault(msg, []).append(_field(e.get("loc", ())))
    said = [_problem(msg, names) for msg, names in fields.items()]
    more = len(said) - MAX_PROBLEMS
    return "; ".join(said[:MAX_PROBLEMS]) + (
        f"; and {more:,} more {'problem' if more == 1 else 'problems'}" if more > 0 else ""
    )


def _problem(msg: str, names: list[str]) -> str:
    # a message that names its field says it once: "text: text is 1599999 characters; ..." (found in review)
    if len(names) == 1 and msg.startswith(f"{names[0]} "):
        return msg
    more = len(names) - MAX_FIELDS
    named = ", ".join(names[:MAX_FIELDS]) + (f" and {more:,} more" if more > 0 else "")
    return f"{named}: {msg}"


def install_error_handlers(
    app: FastAPI, body_hints: dict[str, str] | None = None, body_takes: dict[str, str] | None = None
) -> None:
    """``body_hints``: by route path, what the route's body takes, added to a refusal of its shape;
    ``body_takes``: by route path, what it takes, said to a body that is empty, not JSON or not an object."""

    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        path = route_path(request.scope)
        return _validation_response(exc, (body_hints or {}).get(path), (body_takes or {}).get(path))

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        unreadable = _unreadable_json(exc)
        if unreadable:
            return error_response(400, "bad_json", f"the request body is not valid JSON ({unreadable})")
        if exc.status_code == 404:
            message = not_found_message(request.method, request.scope)
        elif exc.status_code == 405:
            return method_not_allowed(request, getattr(exc, "headers", None))
        else:
            message = str(exc.detail)
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(ClientGone)
    async def _gone(request: Request, exc: ClientGone):
        return _NoAnswer()

    @app.exception_handler(RecurError)
    async def _recur(request: Request, exc: RecurError):
        return error_response(422, "invalid_request", str(exc))

    # Starlette's outermost layer: only what escapes Unexpected (a bug in the security headers or the metrics)
    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - a bug, still one shape
        from recur.serve.access import request_id

        # outside SecurityHeaders: the id it gave the request (in the scope), which its headers would have carried
        return error_response(
            500, "internal_error", unexpected_message(exc), {"X-Request-Id": request_id(request.scope)}
        )


def method_not_allowed(request: Request, headers: dict | None = None) -> JSONResponse:
    """The 405, its Allow every method the routes of its path take (prefix.route_methods), HEAD beside GET; a path
    no route has (a site file) keeps the Allow it was given (``headers``). Starlette's said one route's methods,
    "GET" where HEAD is answered too, and the site's "GET, HEAD" on an API route it had taken (found in review)."""
    allow = ", ".join(route_methods(request.app, route_path(request.scope))) or (headers or {}).get("Allow", "")
    said = f" (allowed: {allow})" if allow else ""
    message = f"{request.method} is not allowed on {request.url.path}{said}"
    return error_response(
        405, "method_not_allowed", message, {**(headers or {}), **({"Allow": allow} if allow else {})}
    )


def _unreadable_json(exc: StarletteHTTPException) -> str | None:
    """Why FastAPI's JSON parsing failed other than by a syntax error (its bare 400 "There was an
    error parsing the body"): nesting past the recursion limit, an integer past Python's digit limit."""
    cause = exc.__cause__
    if exc.status_code != 400 or cause is None:
        return None
    if isinstance(cause, RecursionError):
        return "nested too deeply"
    digits = re.search(r"\((\d+) digits\).*value has (\d+) digits", str(cause))
    if isinstance(cause, ValueError) and digits:
        return f"a number of {digits[2]} digits; at most {digits[1]} are read"
    if isinstance(cause, ValueError):
        return str(cause)[:200]
    return None


class _Reject(Exception):
    def __init__(self, status: int, code: str, message: str, drain: bool = True, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.drain, self.headers = status, code, message, drain, headers
        # a 413's body as far as it was looked at: (its size as said, bytes scanned, alerts counted in them)
        self.seen: tuple = ("", 0, 0)
        self.escapes = 0  # \uXXXX escapes counted in the bytes scanned (_escaped)
        self.sized = ""  # a 413's first sentence, the sizes: said again with what the escapes did


class _Gone(Exception):
    """The client went away while sending its body."""


# An over-limit body is read and thrown away (up to this much, for this long) before the 413,
# so a client that writes its whole body before reading gets the answer, not a connection
# reset (the kernel resets a connection closed with unread data). Past the bound: reset.
DRAIN_MAX_BYTES = 64 * 1024 * 1024
DRAIN_SECONDS = 10.0


class BodyGuard:
    """ASGI middleware: size-limit request bodies and require JSON on POSTs, before parsing; on any
    method, a transfer coding other than chunked is a 501 (RFC 9112 section 6.1).

    ``limits`` maps a path to its own limit (Alertmanager groups can be larger than one query).
    The body is read here once (bounded in size and in time: ``body_timeout`` seconds for the
    whole body) and replayed to the app.

    It runs outside the concurrency bound: a client still sending its body holds no slot, so
    clients that send headers and then trickle (or stall) their bodies cannot turn every other
    request away for ``body_timeout`` (found in the service audit: --max-concurrent of them, one
    byte of body each, made the site and the API a 503 for 30 s). What bounds the memory instead
    is ``budget``: the bytes of all bodies held at once, being read or in the app; a body that
    would pass it is a 503 ``overloaded`` with Retry-After.
    """

    def __init__(
        self,
        app,
        max_body: int = DEFAULT_MAX_BODY,
        limits: dict | None = None,
        json_paths: frozenset = frozenset(),
        body_timeout: float = config.default("body_timeout"),
        budget: int = 64 * 4 * 1024 * 1024,
        on_reject=None,
        plain_paths: frozenset = frozenset(),
        hints: dict | None = None,
    ):
        self.app = app
        self.max_body = max_body
        self.limits = limits or {}
        self.json_paths = json_paths  # POST routes that take a JSON body (others answer 404/405)
        # POST routes that read their body as sent, not as JSON (the Slack forms): no content coding either
        self.uncoded_paths = json_paths | plain_paths
        self.body_timeout = body_timeout
        self.budget, self.held = budget, 0  # one event loop: no lock needed around the count
        self.hints = hints or {}  # by path: what to send instead of a body over its limit
        self.on_reject = on_reject
        self.said = None  # applog.Throttle of the 413 lines, made at the first: one line a route a minute

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        transfer = unknown_transfer_coding(scope)
        if scope["method"] not in ("POST", "PUT", "PATCH") and transfer is None:
            return await self.app(scope, receive, send)
        path = route_path(scope)  # behind --root-path, scope["path"] starts with the prefix
        if scope["method"] == "POST" and path in self.json_paths:
            scope = sns_as_json(scope)
        limit = self.limits.get(path, self.max_body)
        held = [0]  # the bytes of this body counted in self.held, until the app is done with them
        try:
            self._check_headers(scope, path, limit, transfer)
            body = await self._read(receive, limit, held, path)
            if scope["method"] == "POST" and path in self.json_paths:
                body, scope, unread = _as_utf8(body, scope)
                _check_encoding(body, unread)
                _check_repeated_keys(body)
            return await self.app(
                scope, replaying({"type": "http.request", "body": body, "more_body": False}, receive), send
            )
        except _Gone:
            return
        except _Reject as r:
            self.held -= held[0]
            held[0] = 0
            if r.drain:
                scanned, alerts, escapes = await self._drain(receive)
                r.seen = (r.seen[0], r.seen[1] + scanned, r.seen[2] + alerts)
                r.escapes += escapes
            if r.status == 413:
                self._said_too_large(path, limit, r.seen)
                r.message = self._too_large(path, r.sized + _escaped(r.escapes, r.seen[1]))
            return await send_error(send, r.status, r.code, r.message, r.headers, scope)
        finally:
            self.held -= held[0]

    def _check_headers(self, scope, path: str, limit: int, transfer: str | None) -> None:
        """The checks the headers allow, before any body is read. When the client sent ``Expect:
        100-continue`` it sends the body only once told to (uvicorn says so at the first read), so a
        refusal here drains nothing and the client never uploads what would be thrown away (curl does
        this for bodies over 1 MB); others are drained so that they read the answer, not a reset.
        ``transfer``: ``unknown_transfer_coding(scope)``, read by the caller for every request."""
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        waiting = headers.get("expect", "").strip().lower() == "100-continue"  # RFC 9110 section 10.1.1
        if transfer is not None:  # RFC 9112 section 6.1: a transfer coding the server does not understand, 501
            raise _Reject(
                501,
                "not_implemented",
                f"this server decodes no transfer coding but chunked (got Transfer-Encoding: {transfer[:60]}); "
                "send the body uncompressed, with Content-Length or Transfer-Encoding: chunked",
                drain=not waiting,
            )
        length = headers.get("content-length")
        if length is not None:
            if ascii_int(length) is None:
                raise _Reject(400, "bad_request", "Content-Length is not a number", drain=False)
            if int(length) > limit:
                sized = f"the request body is {int(length):,} bytes; the limit is {limit:,} bytes"
                r = _Reject(
                    413,
                    "body_too_large",
                    self._too_large(path, sized),
                    drain=int(length) <= DRAIN_MAX_BYTES and not waiting,
                )
                r.seen, r.sized = (f"{int(length):,} bytes", 0, 0), sized
                raise r
        if scope["method"] == "POST" and path in self.json_paths:
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/json" and not (ctype.startswith("application/") and ctype.endswith("+json")):
                raise _Reject(
                    415,
                    "unsupported_media_type",
                    f"send the body as application/json (got Content-Type: {ctype or 'none'})",
                    drain=not waiting,
                )
        coding = refused_content_coding(scope)
        if scope["method"] == "POST" and path in self.uncoded_paths and coding is not None:
            raise _Reject(415, "unsupported_media_type", uncompressed(coding), drain=not waiting)

    def _said_too_large(self, path: str, limit: int, seen: tuple) -> None:
        """_said_too_large, the first of a route in a minute (a 413 is any client's to cause, one line each
        filled the log: an SRE's review); the others are counted in /metrics, and the next line says how many."""
        from recur.serve.applog import Throttle

        self.said = self.said or Throttle()
        known = path in self.limits or path in self.json_paths or is_mcp_path(path)
        kind = ("/mcp" if is_mcp_path(path) else path) if known else ""  # any other path: one kind, not a line each
        unsaid = self.said.admit(kind)
        if unsaid is not None:
            _said_too_large(path, limit, *seen, before=self.said.before(unsaid), window=self.said.window)

    def _too_large(self, path: str, message: str) -> str:
        """A 413's message, with what to send instead where the route has a word for it (``hints``)."""
        hint = self.hints.get(path) or self.hints.get(path.rstrip("/"))  # /mcp/ is /mcp (is_mcp_path)
        return f"{message}; {hint}" if hint else message

    async def _read(self, receive, limit: int, held: list, path: str = "") -> bytes:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.body_timeout
        chunks, size, more = [], 0, True
        while more:
            try:
                message = await asyncio.wait_for(receive(), max(0.0, deadline - loop.time()))
            except asyncio.TimeoutError:
                raise _Reject(
                    408, "body_timeout", f"the request body did not arrive within {self.body_timeout:g} s", drain=False
                ) from None
            if message["type"] == "http.disconnect":
                raise _Gone()
            chunks.append(message.get("body", b""))
            size += len(chunks[-1])
            more = message.get("more_body", False)
            if size > limit:  # nothing left to drain when that was the last chunk: answer at once
                sized = f"the request body is over the limit of {limit:,} bytes"
                r = _Reject(413, "body_too_large", self._too_large(path, sized), drain=more)
                read = b"".join(chunks)
                r.seen, r.sized = (f"over {limit:,} bytes", len(read), read.count(ALERT_KEY)), sized
                r.escapes = read.count(ESCAPE_KEY)
                raise r
            self.held += len(chunks[-1])
            held[0] = size
            if self.held > self.budget:
                if self.on_reject:
                    self.on_reject()
                raise _Reject(
                    503,
                    "overloaded",
                    f"the server is busy (request bodies of {self.budget // 1024} KiB held); retry in a second",
                    drain=more,
                    headers={"Retry-After": "1"},
                )
        return b"".join(chunks)

    @staticmethod
    async def _drain(receive) -> tuple[int, int, int]:
        """Read and throw away what is left of a refused body (bounded): (bytes read, alerts counted in them,
        ALERT_KEY, for the 413's log line: ``_said_too_large``, and \\uXXXX escapes, ESCAPE_KEY, for its message)."""
        loop = asyncio.get_running_loop()
        deadline, seen, alerts, escapes, tail = loop.time() + DRAIN_SECONDS, 0, 0, 0, b""
        while seen <= DRAIN_MAX_BYTES and loop.time() < deadline:
            try:
                message = await asyncio.wait_for(receive(), deadline - loop.time())
            except asyncio.TimeoutError:
                break
            body = message.get("body", b"")
            seen += len(body)
            # the key split between two chunks is counted once: the tail kept is shorter than the key
            alerts += (tail + body).count(ALERT_KEY)
            escapes += (tail[-1:] + body).count(ESCAPE_KEY)  # tail[-1:]: the first byte of one split in two
            tail = (tail + body)[-(len(ALERT_KEY) - 1) :]
            if message["type"] == "http.disconnect" or not message.get("more_body", False):
                break
        return seen, alerts, escapes


# Each alert of a webhook payload has its "labels" (the group's are "groupLabels", "commonLabels"): counted in
# a refused body to say the max_alerts that would fit (_said_too_large)
ALERT_KEY = b'"labels"'
WEBHOOK_PATH = "/api/alertmanager"
# A JSON string's \uXXXX escape: 6 bytes a character, where UTF-8 takes 1 to 3 (a character past U+FFFF, two escapes
# for 4). Python's json.dumps and requests' json= write every non-ASCII character so: 15,000 Japanese characters
# were a body of 90,022 bytes, a 413 under the 64 KiB limit that said only to send less text (found in review).
ESCAPE_KEY = b"\\u"


def _escaped(escapes: int, scanned: int) -> str:
    """What a 413 says of a body that is mostly escapes (``escapes`` counted in ``scanned`` bytes of it): that
    they made it large, and how to send the text without them; else nothing."""
    if not scanned or escapes * 6 * 2 < scanned:
        return ""
    return (
        f"; most of it is \\uXXXX escapes ({escapes:,} counted, 6 bytes a character where UTF-8 takes at most 3): "
        "send the text as UTF-8, unescaped (Python: data=json.dumps(body, ensure_ascii=False).encode())"
    )


def _said_too_large(path: str, limit: int, size: str, scanned: int, alerts: int, before: str, window: float) -> None:
    """A WARNING line for a body refused 413. The webhook's was said nowhere, and Alertmanager does not retry a
    4xx: the group's notifications were lost in silence (found in an operator's review). For the webhook, the
    max_alerts that would fit, from the average size of the alerts read of the body, else "fewer alerts"."""
    import logging

    from recur.serve.applog import loggable

    todo = ""
    if path == WEBHOOK_PATH:
        fit = int(limit * 0.9 * alerts // scanned) if alerts and scanned else 0  # 10% left for the group's fields
        todo = (
            f"; Alertmanager does not retry it: the group's notifications are lost. Set max_alerts: {fit} in the "
            f"webhook config (about {scanned // alerts:,} bytes an alert)"
            if fit
            else "; Alertmanager does not retry it: the group's notifications are lost. Set max_alerts in the "
            "webhook config to send fewer alerts in one call"
        )
    logging.getLogger("recur.serve").warning(
        "refused a request body to %s (413 body_too_large)%s: %s, the limit is %s bytes%s; others like it in the "
        "next %g s are only counted (/metrics: status 413)",
        loggable(path),  # the decoded path: %0a is a line break there
        before,
        size,
        f"{limit:,}",
        todo,
        window,
    )


def _header_list(scope, name: bytes) -> str:
    """Every line of a header, lower-cased: repeated lines of a field are one comma-separated list
    (RFC 9110 section 5.3); "" when the request has none."""
    lines = [v.decode("latin-1").strip() for k, v in scope.get("headers", []) if k.lower() == name]
    return ", ".join(v for v in lines if v).lower()


def _codings(value: str) -> list[str]:
    return [c.split(";")[0].strip() for c in value.split(",") if c.strip()]


def refused_content_coding(scope) -> str | None:
    """The request's Content-Encoding when it names a coding other than identity (no route decodes
    one: RFC 7694, a 415), else None."""
    coding = _header_list(scope, b"content-encoding")
    return coding if any(c != "identity" for c in _codings(coding)) else None


def uncompressed(coding: str) -> str:
    """The message of the 415 for a body in a content coding."""
    return f"send the body uncompressed (got Content-Encoding: {coding[:40]})"


def unknown_transfer_coding(scope) -> str | None:
    """The request's Transfer-Encoding when it names a coding other than chunked (uvicorn's parser
    takes off the chunked framing and nothing else: "gzip, chunked" reached the routes as gzip bytes);
    "identity", a no-op in RFC 2616, passes. None when there is nothing else. A Transfer-Encoding
    whose last coding is not chunked never gets here: the parser answers it with a 400."""
    coding = _header_list(scope, b"transfer-encoding")
    return coding if any(c not in ("chunked", "identity") for c in _codings(coding)) else None


def replaying(first: dict, receive):
    """A ``receive`` that gives the app ``first`` (a message already read: the whole body, as one),
    then whatever the client sends next (a disconnect)."""
    sent = False

    async def replay():
        nonlocal sent
        if not sent:
            sent = True
            return first
        return await receive()

    return replay


def declared_charset(scope) -> str | None:
    """The ``charset`` parameter of the request's Content-Type, as sent (without quotes), or None."""
    ctype = next((v.decode("latin-1") for k, v in scope.get("headers", []) if k.lower() == b"content-type"), "")
    for param in ctype.split(";")[1:]:
        name, _, value = param.partition("=")
        if name.strip().lower() == "charset" and value.strip().strip('"'):
            return value.strip().strip('"')
    return None


def _codec(charset: str | None) -> str | None:
    """Python's codec for a charset label (``windows-1252``: cp1252), or None: none, or one it does not know as
    a text encoding. ``codecs.lookup`` also names bytes-to-bytes codecs (base64, rot13, hex, zlib): as a charset,
    bytes.decode raised LookupError, a 500 with a traceback (found in review)."""
    import codecs

    try:
        info = codecs.lookup(charset) if charset else None
    except LookupError:
        return None
    return info.name if info is not None and info._is_text_encoding else None


def _as_utf8(body: bytes, scope) -> tuple[bytes, dict, str | None]:
    """A JSON body in the charset its Content-Type declares, other than UTF-8, as UTF-8, and the scope with
    its Content-Type and Content-Length saying so: ``charset=iso-8859-1`` with an é was "not UTF-8 text: byte
    0xe9" (found in review; Windows PowerShell 5.1 sends Latin-1). JSON has no charset parameter (RFC 8259),
    but a client that names one says what its bytes are. A body the declared charset does not decode is the
    ``bad_json`` error naming it; a charset Python cannot read text in is left to the UTF-8 check
    (_check_encoding), and returned third to be named there (None when it was none, or one read)."""
    charset = declared_charset(scope)
    codec = _codec(charset)
    if codec is None:
        return body, scope, charset
    if codec in ("utf-8", "utf-8-sig", "ascii"):  # the parser reads UTF-8 (a BOM too), ASCII in it
        return body, scope, None
    try:
        text = body.decode(codec)
    except UnicodeDecodeError as exc:
        raise _Reject(
            400,
            "bad_json",
            f"the request body is not valid JSON (not {charset} text, as its Content-Type says: byte "
            f"0x{body[exc.start]:02x} at offset {exc.start}); send it as UTF-8, or name its charset",
            drain=False,
        ) from None
    except UnicodeError:  # a codec that decodes nothing (``undefined``): a charset this server cannot read
        return body, scope, charset
    body = text.encode("utf-8")
    said = {b"content-type": b"application/json; charset=utf-8", b"content-length": str(len(body)).encode()}
    headers = [(k, said.get(k.lower(), v)) for k, v in scope.get("headers", [])]
    return body, {**scope, "headers": headers}, None


def _check_encoding(body: bytes, charset: str | None = None) -> None:
    """JSON is UTF-8 (RFC 8259; UTF-16 and UTF-32 with a BOM are read too, as ``json.loads`` does): a
    body that does not decode is the ``bad_json`` error, said here before the parser sees it. ``charset``: the
    one the Content-Type declares, which _as_utf8 could not read (a name Python does not know), said with it;
    None when it declares none or UTF-8 (``charset=utf-8`` was said to be "not one this server knows")."""
    try:
        body.decode(json.detect_encoding(body))
    except UnicodeDecodeError as exc:
        todo = (
            f"its Content-Type's charset={charset} is not one this server knows"
            if charset
            else "send UTF-8, or name the charset it is in: Content-Type: application/json; charset=windows-1252"
        )
        raise _Reject(
            400,
            "bad_json",
            f"the request body is not valid JSON (not UTF-8 text: byte 0x{body[exc.start]:02x} at offset "
            f"{exc.start}); {todo}",
            drain=False,
        ) from None


class _RepeatedKey(Exception):
    pass


def _once_each(pairs: list) -> dict:
    """json.loads's object_pairs_hook: an object, or _RepeatedKey naming the first key it gives twice."""
    obj = dict(pairs)
    if len(obj) != len(pairs):
        seen: set = set()
        raise _RepeatedKey(next(k for k, _ in pairs if k in seen or seen.add(k)))
    return obj


def _check_repeated_keys(body: bytes) -> None:
    """A key given twice in one object of a JSON body is the ``invalid_request`` 422, naming it: JSON's
    parsers keep the last ({"text": "a", "text": "b"} searched "b"), without a word, where the API refuses
    a key it does not know (found in an SRE's review). A second parse of the body, C's with a hook per
    object: 17 ms for a 4.5 MB webhook payload of 4,500 alerts (20 ms without the hook, measured once).
    A body that is not JSON passes: the route's own parser says why (``bad_json``), as before."""
    try:
        json.loads(body, object_pairs_hook=_once_each)
    except _RepeatedKey as exc:
        key = exc.args[0]
        name = key if key.isidentifier() else json.dumps(key)
        if len(name) > 80:  # a 5,000-character identifier was echoed whole, the message 5,105 (found in review)
            name = name[:79] + "…"
        raise _Reject(
            422,
            "invalid_request",
            f"{name}: given more than once in one object of the request body (only one value could count: "
            "send each key once)",
            drain=False,
        ) from None
    except (ValueError, RecursionError):
        return


async def send_error(send, status: int, code: str, message: str, headers: dict | None = None, scope=None) -> None:
    """The JSON error shape from plain ASGI middleware (on /mcp a JSON-RPC error: error_payload); the
    connection is closed after it."""
    payload = json.dumps(error_payload(scope, code, message), separators=(",", ":")).encode()
    extra = [(k.lower().encode(), str(v).encode()) for k, v in (headers or {}).items()]
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
                (b"connection", b"close"),
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})


class ConcurrencyLimit:
    """ASGI middleware: at most ``limit`` requests in the app at once; past it, a fast JSON 503
    with Retry-After instead of an unbounded queue. /healthz and /metrics are exempt so probes
    and scrapes still answer while the server sheds load.

    An MCP client's GET /mcp is an event stream that stays open while the client is idle: those
    streams have their own, smaller pool (a quarter of ``limit``, at least 4), so idle assistants
    can never take the slots the API answers from (found by QA: two idle sessions at
    --max-concurrent 2 turned every API request away).

    An MCP client's other requests (POST, DELETE) have a pool of their own too, of ``limit`` but at
    least 4: the SDK answers a POST on an event stream, and the client reads the answer and sends its
    next request while the server is still closing the last one, so at --max-concurrent 1 a client
    that waited for every answer was refused with 503 now and then (found in review). What they
    search takes a slot of the engine's own gate, as /api/suggest does (app._Gated).

    The routes that search (``search_paths``: /api/suggest, Slack) have a pool of
    ``limit`` apart from the rest (the site, pattern reads, feedback, docs): a search waits for one
    of the few inference slots, so ``limit`` searches queued for the model filled the one shared
    pool, and a browser asking for a page then got a JSON 503 (found in an operator's review).

    The webhook (``webhook_paths``: Alertmanager and Grafana) has a pool of its own, of
    ``webhook_limit`` (a share of ``limit``): a storm's groups, each waiting for its share of the
    model (deps.SearchGate), can never fill the pool responders search from.

    One client address (``scope["client"]``, the feedback rate limit's) has at most ``per_client_limit``
    requests in progress to ``per_client_paths`` (/api/suggest), then a 429 with Retry-After: one client
    sending long texts filled the search pool and every responder was answered 503 (found in a security
    review). Its POST /mcp are counted apart, at most ``per_client_limit`` but at least 4: one MCP client with
    many tool calls in flight held the whole MCP pool (found in the fix's re-read). The 429 is not ``on_reject``'s
    (the metric of 503 overloaded, the server's capacity): one noisy client read as capacity misled an operator;
    /metrics counts it by its status."""

    EXEMPT = ("/healthz", "/metrics")

    def __init__(
        self,
        app,
        limit: int = 64,
        on_reject=None,
        search_paths=frozenset(),
        webhook_paths=frozenset(),
        webhook_limit=0,
        per_client_limit: int = 0,
        per_client_paths=frozenset(),
    ):
        self.app = app
        self.limit = limit
        self.stream_limit = max(4, limit // 4)
        self.mcp_limit = max(4, limit)
        self.search_paths = frozenset(search_paths)
        self.webhook_paths = frozenset(webhook_paths)
        self.webhook_limit = webhook_limit or limit
        self.in_flight = 0
        self.searches = 0
        self.webhooks = 0
        self.streams = 0
        self.mcp = 0
        self.on_reject = on_reject
        self.per_client_limit, self.per_client_paths = per_client_limit, frozenset(per_client_paths)
        self.of_client: dict[str, int] = {}  # per client address: its requests to per_client_paths in progress

    async def __call__(self, scope, receive, send):
        path = route_path(scope) if scope["type"] == "http" else ""
        if scope["type"] != "http" or path in self.EXEMPT:
            return await self.app(scope, receive, send)
        pool, limit, what = self._pool(path, scope["method"])
        if getattr(self, pool) >= limit:  # one event loop: no lock needed around the counters
            if self.on_reject:
                self.on_reject()
            return await send_error(
                send,
                503,
                "overloaded",
                f"the server is busy ({limit} {what}); retry in a second",
                {"Retry-After": "1"},
                scope,
            )
        mine, cap, what = self._of_client(path, scope)
        if mine is not None and self.of_client.get(mine, 0) >= cap:  # not on_reject's: that counts 503 overloaded
            return await send_error(
                send,
                429,
                "too_many_requests",
                f"too many {what} in progress from {mine[1]} ({cap}, --max-concurrent-per-client); retry in a second",
                {"Retry-After": "1"},
                scope,
            )
        setattr(self, pool, getattr(self, pool) + 1)
        if mine is not None:
            self.of_client[mine] = self.of_client.get(mine, 0) + 1
        try:
            await self.app(scope, receive, send)
        finally:
            setattr(self, pool, getattr(self, pool) - 1)
            if mine is not None:
                left = self.of_client.pop(mine) - 1
                if left:  # an address with none in progress is not kept: the table holds only the busy ones
                    self.of_client[mine] = left

    def _of_client(self, path: str, scope) -> tuple[tuple[str, str] | None, int, str]:
        """The per-client count a request takes a place in ((pool, address), or None: not counted), its cap, and
        what the 429 says there are too many of. POST /mcp is counted apart from the searches of
        ``per_client_paths``, at least 4 as its pool is: a client that waits for each answer sends its next
        request while the last one's stream is still closing (the pool's reason, in the class's docstring)."""
        if not self.per_client_limit:
            return None, 0, ""
        if path in self.per_client_paths:
            return ("searches", client_address(scope)), self.per_client_limit, "searches"
        if is_mcp_path(path) and scope["method"] == "POST":
            return ("mcp", client_address(scope)), max(4, self.per_client_limit), "MCP requests"
        return None, 0, ""

    def _pool(self, path: str, method: str) -> tuple[str, int, str]:
        """The counter a request takes a place in, its bound, and what the 503 says is full."""
        if is_mcp_path(path):
            if method == "GET":
                return "streams", self.stream_limit, "MCP event streams open"
            return "mcp", self.mcp_limit, "MCP requests in progress"
        if path in self.search_paths:
            return "searches", self.limit, "searches in progress"
        if path in self.webhook_paths:
            return "webhooks", self.webhook_limit, "webhook calls in progress"
        return "in_flight", self.limit, "requests in progress"


def client_address(scope) -> str:
    """The client's address as the access log and the feedback rate limit have it (behind a trusted proxy,
    uvicorn has put X-Forwarded-For's there): the key of the per-client caps, here and in mcp_sessions."""
    return str((scope.get("client") or ("-",))[0] or "-")


class StopAnswer:
    """ASGI middleware: the answer to a request cut short by the server's stop. On SIGTERM uvicorn
    lets requests in progress finish for a few seconds, then cancels the rest; it answered those
    with a plain-text 500 and logged each with a traceback (an ordinary stop read as a crash). A
    cancelled request that has not started its answer gets a JSON 503 ``shutting_down`` with
    Retry-After instead, which Alertmanager and load balancers retry. Only uvicorn's stop cancels a
    request's task, so nothing else is answered this way.

    ``answering`` counts the requests in the app and those of them whose answer has begun, for the
    stop's log line (server.ShutdownCancelIsNotAnError): only the others get the 503."""

    def __init__(self, app, answering: Answering | None = None):
        self.app = app
        self.answering = answering if answering is not None else Answering()

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False
        counts = self.answering

        async def tracked(message):
            nonlocal started
            if not started and message["type"] == "http.response.start":
                started, counts.sending = True, counts.sending + 1
            await send(message)

        counts.running += 1  # one event loop: no lock needed around the counters
        try:
            await self.app(scope, receive, tracked)
        except asyncio.CancelledError:
            if started:  # half an answer cannot be replaced; uvicorn closes the connection
                raise
            # swallowed on purpose: this task is the request's own and ends here
            await send_error(
                send,
                503,
                "shutting_down",
                "the server is stopping; retry in a few seconds",
                {"Retry-After": "5"},
                scope,
            )
        finally:
            counts.running -= 1
            if started:
                counts.sending -= 1


class Answering:
    """The requests StopAnswer has in the app (``running``) and how many of them have begun their answer
    (``sending``: an MCP event stream, a large file): at a stop those cannot be answered 503, only closed."""

    def __init__(self) -> None:
        self.running = 0
        self.sending = 0


class Stopping:
    """Told when uvicorn begins a graceful stop, so that an answer that only waits (an MCP client's event
    stream, GET /mcp) can end at once. uvicorn tells the app nothing until every connection has closed or
    the grace deadline has passed (its lifespan shutdown comes after), and an idle event stream never
    closes by itself: it held every stop for the whole 5 s. The protocol (server.HeaderTimeoutProtocol)
    calls it from uvicorn's shutdown of each open connection, on the event loop; ``on_stop(callback)``
    runs ``callback`` then (at once when the stop has begun) and returns what forgets it."""

    def __init__(self) -> None:
        self.stopped = False
        self._callbacks: dict[int, Callable[[], None]] = {}
        self._next = 0

    def __call__(self) -> None:
        self.stopped = True
        callbacks, self._callbacks = list(self._callbacks.values()), {}
        for callback in callbacks:
            callback()

    def on_stop(self, callback: Callable[[], None]) -> Callable[[], None]:
        if self.stopped:
            callback()
            return lambda: None
        key, self._next = self._next, self._next + 1
        self._callbacks[key] = callback
        return lambda: self._callbacks.pop(key, None)


# Answers of at least this many bytes go gzip-compressed to a client that accepts it: below ~1 KiB gzip's own
# 18 bytes and the lost Content-Length save little (nginx's gzip_min_length is 20; a whole TCP segment is ~1.4 KB).
GZIP_MIN_BYTES = 1024
GZIP_LEVEL = 6  # zlib's default: level 9 (Starlette's) costs ~2x the CPU for 1-2% fewer bytes on the site's files
# A key of the scope HeadAsGet hands on: the GET is a HEAD's, its body never sent (Compressed compresses its first
# KiB at most)
HEAD_AS_GET = "recur.head_as_get"
# A key of the scope a 304 of a site file (site_files.SiteFiles) puts there: the raw headers of the 200 it stands for,
# so that Compressed gives the 304 the ETag and Vary that 200 would have had through gzip
NOT_MODIFIED_OF = "recur.not_modified_of"


class Compressed:
    """ASGI middleware: an answer gzip-compressed for a client that sends ``Accept-Encoding: gzip`` (the site's
    pages, search index and JSON answers were sent as they are: /search/search_index.json, what every page's
    search fetches, is 3.6x its gzip on the starter KB). Starlette's GZipMiddleware does it: library code kept by
    Starlette's maintainers (a 206 and an answer with a Content-Encoding left as they are; Vary: Accept-Encoding).
    Never on /mcp: an event stream (GET, and a POST's answer) must reach the client event by event, its head
    before any event. Starlette 1.8 and later send the head of a text/event-stream at once and leave it whole, and
    1.5 and later flush each streamed chunk; before 1.8 the head waited for a first body (an idle GET /mcp: never),
    before 1.5 chunks waited in the compressor: pyproject.toml asks for 1.5 or later (fastapi>=0.110 allowed 0.36),
    not 1.8, which needs Python 3.11 (so /mcp is passed by, not left to 1.8). A compressed answer's
    ETag is made weak, as nginx makes it: the bytes are not the file's; If-None-Match compares weakly, so a
    repeated request is still a 304. It says no ``Accept-Ranges: bytes``: a range is of the file's bytes, so a
    client resuming a download of the gzip from where it stopped would join two different byte sequences. A HEAD
    (HeadAsGet's GET) gets the GET's head, Content-Encoding, Vary and ETag, but at most its body's first KiB is
    compressed for it (``_HeadBody``), so a compressed one says no Content-Length.
    A site file's 304 gets the ETag and Vary its 200 would have (RFC 9110 section 15.4.5): it said the strong ETag and
    no Vary to a client that had been sent the weak one and Vary: Accept-Encoding (``_as_the_200``).

    Passed by, whatever the client accepts: a file already compressed (``COMPRESSED_SUFFIXES``: the site's
    model.onnx.gz, 22.8 MB, went through gzip again on every download, application/octet-stream and
    application/wasm being no type Starlette leaves alone: 1.5 s of the event loop's CPU each, /healthz's median
    5.7 → 17.1 ms under 3 downloads). A range (206) goes as it is: its Content-Range counts the file's bytes
    (GZipMiddleware leaves a 206 alone, since Starlette 1.5); a request whose Range is not taken (a whole 200) is
    compressed as any other. Whether gzip is accepted is RFC 9110's reading of Accept-Encoding (``_gzip_decided``),
    not Starlette's, which looks for the word "gzip" in the first such header as written."""

    def __init__(self, app):
        self.app = app
        self.gzip = _gzip(app)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or is_mcp_path(route_path(scope)) or _precompressed(scope):
            return await self.app(scope, receive, send)
        # through Starlette's identity responder: an answer that may be compressed for another request still
        # says Vary: Accept-Encoding
        inner = _gzip_decided(scope)
        head = _HeadBody(self.app) if scope.get(HEAD_AS_GET) else None

        async def weak_etag(message):
            if message["type"] == "http.response.start":
                headers = MutableHeaders(raw=message["headers"])
                coding = headers.get("content-encoding")
                if message["status"] == 304 and inner.get(NOT_MODIFIED_OF) is not None:
                    coding = await _as_the_200(inner, headers)
                etag = headers.get("etag")
                if coding == "gzip" and etag and not etag.startswith("W/"):
                    headers["etag"] = "W/" + etag
                if coding == "gzip" and "accept-ranges" in headers:
                    # a range is of the file's bytes, never of this gzip (as nginx's gzip leaves it out)
                    del headers["accept-ranges"]
                if head is not None and head.cut and headers.get("content-encoding") == "gzip":
                    # the length of the cut body's gzip, not the GET's, known only by compressing all of it: left
                    # out, as RFC 9110 section 8.6 lets a HEAD (a wrong one it forbids)
                    del headers["content-length"]
            await send(message)

        try:
            await (self.gzip if head is None else _gzip(head))(inner, receive, weak_etag)
        finally:
            if inner is not scope:  # what the layers inside put in their copy (the route, for the metrics' label)
                scope.update({key: value for key, value in inner.items() if key != "headers"})


def _gzip(app):
    from starlette.middleware.gzip import GZipMiddleware

    return GZipMiddleware(app, minimum_size=GZIP_MIN_BYTES, compresslevel=GZIP_LEVEL)


async def _as_the_200(scope, headers: MutableHeaders) -> str | None:
    """The 304 of a site file (``headers``) given the Vary of the 200 it stands for (its raw headers are the scope's
    ``NOT_MODIFIED_OF``), and that 200's Content-Encoding returned (for its ETag). A 304 has no body, so GZipMiddleware
    left it as it is; the 200's head is what GZipMiddleware makes of that 200, asked as the 304 was: it decides on the
    first part's size and whether more follows, handed here as a HEAD of the file hands them (``send_file_head``)."""
    of_200 = list(scope[NOT_MODIFIED_OF])
    size = int(MutableHeaders(raw=of_200).get("content-length") or 0)
    said = {}

    async def zeros(count: int) -> bytes:  # what the bytes are does not change gzip's decision
        return bytes(count)

    async def the_200(scope, receive, send):
        await send_file_head(send, {"type": "http.response.start", "status": 200, "headers": of_200}, size, zeros)

    async def head(message):
        if message["type"] == "http.response.start":
            said.update(MutableHeaders(raw=message["headers"]))

    async def nothing():  # pragma: no cover - GZipMiddleware hands it on, and the_200 reads no body
        return {"type": "http.disconnect"}

    await _gzip(the_200)(scope, nothing, head)
    if "vary" in said:
        headers["vary"] = said["vary"]
    return said.get("content-encoding")


class FirstPartOnly:
    """The one model of the body a HEAD's GET hands gzip (and the 200 a site file's 304 stands for): its first part
    cut to ``GZIP_MIN_BYTES``, the parts between dropped, its last part empty. GZipMiddleware decides on the first
    part's size and whether more follows (under the minimum and whole: as it is; else compressed, or a stream), so
    the head is the GET's, and at most 1 KiB is compressed for a body nobody will see. A ``send`` for the messages
    of one answer; every message but a body's is handed on as it is."""

    def __init__(self, send):
        self.send = send
        self.started = False

    async def __call__(self, message) -> None:
        if message["type"] != "http.response.body":
            return await self.send(message)
        first, self.started = not self.started, True
        if first:
            await self.send({**message, "body": message.get("body", b"")[:GZIP_MIN_BYTES]})
        elif not message.get("more_body", False):
            await self.send({**message, "body": b""})
        # a part between: gzip would compress it (a flush at least) for nothing


async def send_file_head(send, start: dict, size: int, read) -> None:
    """A file's answer of ``size`` bytes as a HEAD's GET hands it to gzip (``FirstPartOnly``), its head ``start``:
    the first part as FileResponse sends it (a whole chunk, ``chunk_size``, has more after it, an empty part at
    least), of which ``read(count)`` (awaited) reads the first ``GZIP_MIN_BYTES`` at most."""
    from starlette.responses import FileResponse

    cut = FirstPartOnly(send)
    await cut(start)
    more = size >= FileResponse.chunk_size
    await cut({"type": "http.response.body", "body": await read(min(size, GZIP_MIN_BYTES)), "more_body": more})
    if more:
        await cut({"type": "http.response.body", "body": b"", "more_body": False})


class _HeadBody:
    """The app answering a HEAD (HeadAsGet's GET), its body cut (``FirstPartOnly``) before GZipMiddleware compresses
    what HeadAsGet then throws away: a HEAD of the site's search index (300 KB) or a large file was gzipped whole, at
    a GET's CPU cost and none of its use. ``cut``: whether it cut (not an answer the app encoded itself or a 206, each
    passed by as it is), so that ``Compressed`` leaves out the cut body's Content-Length."""

    def __init__(self, app):
        self.app = app
        self.cut = False

    async def __call__(self, scope, receive, send):
        cut = FirstPartOnly(send)

        async def cut_send(message):
            if message["type"] == "http.response.start":
                coded = any(name.lower() == b"content-encoding" for name, _ in message.get("headers", []))
                self.cut = not coded and message["status"] != 206
            await (cut if self.cut else send)(message)

        await self.app(scope, receive, cut_send)


# Files whose bytes are compressed already: gzip finds nothing to take out of them, at the full CPU cost of a pass
# (the site's model.onnx.gz and ort-wasm's .wasm.gz, fonts, images, archives).
COMPRESSED_SUFFIXES = (
    ".gz",
    ".br",
    ".zst",
    ".zip",
    ".woff2",
    ".woff",
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".webp",
    ".avif",
)


def sns_as_json(scope):
    """``scope`` with the Content-Type of an AWS SNS delivery as what its body is, JSON: SNS posts its messages
    (a notification, a subscription confirmation) as "text/plain; charset=UTF-8" with ``x-amz-sns-message-type``,
    which was a 415 "send the body as application/json", which SNS cannot be told to do by default; read as JSON,
    the webhook says what the message is and what to do (bodies.AlertmanagerIn._not_a_payload). Any other
    text/plain body is still the 415."""
    headers = scope.get("headers") or []
    if not any(name == b"x-amz-sns-message-type" for name, _ in headers):
        return scope
    ctype = next((value for name, value in headers if name == b"content-type"), b"")
    if ctype.split(b";")[0].strip().lower() != b"text/plain":
        return scope
    others = [(name, value) for name, value in headers if name != b"content-type"]
    return {**scope, "headers": [*others, (b"content-type", b"application/json")]}


def _precompressed(scope) -> bool:
    """Whether the request names a file compressed already (its path's suffix, in any letter case)."""
    return scope["path"].lower().endswith(COMPRESSED_SUFFIXES)


def _gzip_decided(scope):
    """``scope`` with the one Accept-Encoding GZipMiddleware reads saying what ``accepts_gzip`` decides ("gzip", or
    "identity" where gzip is not accepted), or ``scope`` itself where Starlette would decide the same. Starlette
    looks for the word "gzip" in the first Accept-Encoding as written: "GZIP" (codings are case-insensitive, RFC
    9110 section 8.4.1) and "*" got none, "gzip;q=0" (refused) and "nogzip" got it, a second header was not read."""
    headers = scope.get("headers") or []
    said = [value.decode("latin-1") for name, value in headers if name == b"accept-encoding"]
    gzip = accepts_gzip(", ".join(said))
    if gzip == ("gzip" in (said or [""])[0]):
        return scope
    others = [(name, value) for name, value in headers if name != b"accept-encoding"]
    return {**scope, "headers": [*others, (b"accept-encoding", b"gzip" if gzip else b"identity")]}


class HeadAsGet:
    """ASGI middleware: HEAD is answered as GET without the body (load balancers probe /healthz
    with HEAD; FastAPI routes answer GET only, so HEAD was a 405). Not on /mcp, where a GET is
    an event stream that stays open. Its scope says ``HEAD_AS_GET``: the head is the GET's, compressed or not
    (Compressed), but at most its body's first KiB is compressed for it."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] != "HEAD" or is_mcp_path(route_path(scope)):
            return await self.app(scope, receive, send)

        async def without_body(message):
            if message["type"] == "http.response.body":
                message = {**message, "body": b""}
            await send(message)

        inner = {**scope, "method": "GET", HEAD_AS_GET: True}  # Compressed compresses no more than 1 KiB of it
        try:
            await self.app(inner, receive, without_body)
        finally:
            if "route" in inner:  # the route matched, for the metrics' label: the copy hid it, and a HEAD of
                scope["route"] = inner["route"]  # /api/patterns/disk-full was counted under /api/{unknown}


class Unexpected:
    """ASGI middleware: an exception nothing expected (a bug) answered 500 ``internal_error`` here, inside the
    security headers and the metrics, and logged once with the request it was. Starlette answered it in its
    outermost layer (its handler for Exception, install_error_handlers' ``_unexpected``, is ServerErrorMiddleware's),
    outside every middleware of create_app: the 500 had no CSP, nosniff or X-Frame-Options, the access log and
    /metrics had it as ``500 0`` (87 bytes were sent), and uvicorn logged its traceback under a bare "Exception in
    ASGI application" naming no request (found in an operator's review). An answer already begun cannot become a
    500: that exception goes on to uvicorn, which closes the connection."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        started = False

        async def tracked(message):
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracked)
        except Exception as exc:  # not CancelledError (a BaseException): a stop's cancel is StopAnswer's
            if started:
                raise
            _log_unexpected(scope, exc)
            message = unexpected_message(exc)
            await error_response(500, "internal_error", message, None, scope)(scope, receive, send)


def unexpected_message(exc: Exception) -> str:
    """What a client is told of a bug (500 internal_error, Slack's reply): its class, not its text, which
    can hold a path or what someone typed; the traceback is in the server's log."""
    return f"unexpected {type(exc).__name__}; see the server log"


def _log_unexpected(scope, exc: Exception) -> None:
    """The traceback, once, under a line naming the request as the access log does (method, path as received,
    client, and its id, the X-Request-Id the 500 carries: in ``--log-format json`` also as ``request_id``), so
    an operator can tie the two, and a user's failed request to both; not its query string, which can carry
    what a responder typed."""
    import logging

    from recur.serve.access import request_id
    from recur.serve.applog import loggable
    from recur.serve.prefix import received_path

    path = received_path(scope).decode("latin-1")  # every byte one character, U+0000 to U+00FF
    host, port = scope.get("client") or ("-", "-")
    # one line: loggable escapes C0, DEL and C1 (every line break of that range: \n, \r, \x1c-\x1e, \x85), as
    # unicode_escape did, but in the \x0a every other line is written in (it wrote \n, \t)
    said = loggable(f"{scope.get('method', '-')} {path} from {host}:{port}")
    rid = request_id(scope)
    logging.getLogger("uvicorn.error").error(
        "unexpected %s answering %s (request_id %s): answered 500 internal_error",
        type(exc).__name__,
        said,
        rid,
        exc_info=exc,
        extra={"request_fields": {"request_id": rid}},
    )
