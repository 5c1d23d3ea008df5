"""One error shape on every route, and the limits that keep bad input from hurting the server.

Every error is ``{"error": {"code": "<snake_case>", "message": "<one readable sentence>"}}``
with a 4xx status (503 only while the engine is still loading). The body limit and the
content-type check run in a plain ASGI middleware, before FastAPI reads or parses anything.
"""

from __future__ import annotations

import json

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from recur.util.errors import RecurError

DEFAULT_MAX_BODY = 64 * 1024

HTTP_CODES = {400: "bad_request", 404: "not_found", 405: "method_not_allowed", 406: "not_acceptable",
              413: "body_too_large", 415: "unsupported_media_type", 422: "invalid_request",
              429: "too_many_requests", 503: "not_ready"}


class ApiError(Exception):
    """An expected failure inside a route: becomes the JSON error shape with this status."""

    def __init__(self, status: int, code: str, message: str, headers: dict | None = None):
        super().__init__(message)
        self.status, self.code, self.message, self.headers = status, code, message, headers


def error_body(code: str, message: str) -> dict:
    return {"error": {"code": code, "message": message}}


def error_response(status: int, code: str, message: str, headers: dict | None = None) -> JSONResponse:
    return JSONResponse(error_body(code, message), status_code=status, headers=headers)


def _field(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body",)]
    return ".".join(parts) or "body"


def _validation_response(exc: RequestValidationError) -> JSONResponse:
    errors = exc.errors()
    first = errors[0] if errors else {"type": "", "loc": (), "msg": "invalid request"}
    if first.get("type") == "json_invalid":
        ctx = first.get("ctx") or {}
        detail = ctx.get("error") or "syntax error"
        return error_response(400, "bad_json", f"the request body is not valid JSON ({detail})")
    if first.get("type") == "missing" and tuple(first.get("loc", ())) == ("body",):
        return error_response(400, "empty_body", "the request body is empty; send a JSON object")
    if first.get("type") == "model_attributes_type" or tuple(first.get("loc", ())) == ("body",):
        return error_response(422, "invalid_request", "the request body must be a JSON object")
    return error_response(422, "invalid_request", invalid_message(errors))


def invalid_message(errors: list) -> str:
    """The ``invalid_request`` message for pydantic errors: the first problem, named by field
    (also used by the MCP tools, so a bad argument reads the same there as in the API)."""
    first = errors[0] if errors else {"loc": (), "msg": "invalid request"}
    msg = str(first.get("msg", "invalid value")).removeprefix("Value error, ")
    more = f" (and {len(errors) - 1} more problem(s))" if len(errors) > 1 else ""
    return f"{_field(first.get('loc', ()))}: {msg}{more}"


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ApiError)
    async def _api_error(request: Request, exc: ApiError):
        return error_response(exc.status, exc.code, exc.message, exc.headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(request: Request, exc: RequestValidationError):
        return _validation_response(exc)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException):
        code = HTTP_CODES.get(exc.status_code, f"http_{exc.status_code}")
        if exc.status_code == 404:
            message = f"no such route: {request.method} {request.url.path}"
        elif exc.status_code == 405:
            message = f"{request.method} is not allowed on {request.url.path}"
        else:
            message = str(exc.detail)
        return error_response(exc.status_code, code, message, getattr(exc, "headers", None))

    @app.exception_handler(RecurError)
    async def _recur(request: Request, exc: RecurError):
        return error_response(422, "invalid_request", str(exc))

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception):  # pragma: no cover - a bug, still one shape
        return error_response(500, "internal_error", f"unexpected {type(exc).__name__}; see the server log")


class BodyGuard:
    """ASGI middleware: size-limit request bodies and require JSON on POSTs, before parsing.

    ``limits`` maps a path to its own limit (Alertmanager groups can be larger than one query).
    The body is read here once (bounded) and replayed to the app.
    """

    def __init__(self, app, max_body: int = DEFAULT_MAX_BODY, limits: dict | None = None,
                 json_paths: frozenset = frozenset()):
        self.app = app
        self.max_body = max_body
        self.limits = limits or {}
        self.json_paths = json_paths  # POST routes that take a JSON body (others answer 404/405)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http" or scope["method"] not in ("POST", "PUT", "PATCH"):
            return await self.app(scope, receive, send)
        limit = self.limits.get(scope["path"], self.max_body)
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
        length = headers.get("content-length")
        if length is not None:
            if not length.strip().isdigit():
                return await self._reply(send, 400, "bad_request", "Content-Length is not a number")
            if int(length) > limit:
                return await self._reply(send, 413, "body_too_large",
                                         f"the request body is {int(length)} bytes; the limit is {limit} bytes")
        if scope["method"] == "POST" and scope["path"] in self.json_paths:
            ctype = headers.get("content-type", "").split(";")[0].strip().lower()
            if ctype != "application/json" and not (ctype.startswith("application/") and ctype.endswith("+json")):
                shown = ctype or "none"
                return await self._reply(send, 415, "unsupported_media_type",
                                         f"send the body as application/json (got Content-Type: {shown})")
        body, more = b"", True
        while more:
            message = await receive()
            if message["type"] == "http.disconnect":
                return
            body += message.get("body", b"")
            more = message.get("more_body", False)
            if len(body) > limit:
                return await self._reply(send, 413, "body_too_large",
                                         f"the request body is over the limit of {limit} bytes")
        sent = False

        async def replay():
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        return await self.app(scope, replay, send)

    @staticmethod
    async def _reply(send, status: int, code: str, message: str) -> None:
        payload = json.dumps(error_body(code, message), separators=(",", ":")).encode()
        await send({"type": "http.response.start", "status": status,
                    "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(payload)).encode()),
                                (b"connection", b"close")]})
        await send({"type": "http.response.body", "body": payload})


class SiteFiles(StaticFiles):
    """The built site. Missing files become the JSON 404 (not mkdocs' 404.html), like every route."""

    async def get_response(self, path, scope):
        response = await super().get_response(path, scope)
        if response.status_code == 404:
            raise StarletteHTTPException(404)
        return response
