"""The access log (``recur serve --access-log``): one line per request, in the Combined Log Format
that nginx and Apache write, so the log tools an operator already has (GoAccess, lnav, a log
shipper's nginx parser) read it, with the time taken in milliseconds at the end, as nginx's
``$request_time`` is often logged:

    127.0.0.1 - - [02/Dec/2026:02:40:11 +0000] "POST /api/suggest HTTP/1.1" 200 4113 "-" "curl/8.5.0" 38ms

Off by default: every request is a line, and query strings can carry what a responder typed. The
request line, referrer and user agent come from the client, so a quote, a backslash or a control
character in them is written as ``\\"``, ``\\\\`` or ``\\xHH`` (as nginx does): one request is always
one line, and nobody can forge another. A ``token=`` or ``access_token=`` value in the query string (a
client that put its bearer token in the URL; the name matched once percent-decoded) is written as
``REDACTED``.
"""

from __future__ import annotations

import datetime as dt
import logging
import re
from urllib.parse import unquote_plus

from recur.serve.prefix import received_path

LOG = logging.getLogger("recur.access")
_UNSAFE = re.compile(r'["\\\x00-\x1f\x7f-\xff]')


def _escape(text: str) -> str:
    return _UNSAFE.sub(lambda m: "\\" + m.group() if m.group() in '"\\' else f"\\x{ord(m.group()):02X}", text)


def header_value(headers, name: bytes) -> str | None:
    """The first ``name`` header (lower-case bytes) of an ASGI scope's or message's ``headers``, or None: the
    access line, its JSON fields and /mcp's session caps each read their headers so."""
    return next((v.decode("latin-1") for k, v in headers or () if k.lower() == name), None)


def _header(scope, name: bytes) -> str:
    value = header_value(scope.get("headers"), name)
    return "-" if value is None else _escape(value)


def _entry(client, request: str, status: int, size: int, referer: str, agent: str, took: str) -> str:
    """One line of the log; ``client``: ASGI's (host, port) or None. The host comes from
    X-Forwarded-For when uvicorn trusts the peer, so it is escaped like the other client parts, and
    its spaces too: it is the one unquoted field a parser splits on (found in review: "1.2.3.4 - - [..."
    sent as the header forged the fields after it)."""
    host = _escape(str((client or ("-",))[0] or "-")).replace(" ", "\\x20")
    when = dt.datetime.now(dt.timezone.utc).strftime("%d/%b/%Y:%H:%M:%S %z")
    return f'{host} - - [{when}] "{request}" {status} {size} "{referer}" "{agent}" {took}'


def _target(scope) -> str:
    path = received_path(scope).decode("latin-1")  # as received: without the --root-path uvicorn added
    query = _redacted(scope.get("query_string") or b"")
    return path + ("?" + query if query else "")


def line(scope, status: int, size: int, seconds: float) -> str:
    """The log line for one answered request (``scope``: the ASGI scope)."""
    target = _target(scope)
    request = _escape(f"{scope.get('method', '-')} {target} HTTP/{scope.get('http_version', '1.1')}")
    referer, agent = _header(scope, b"referer"), _header(scope, b"user-agent")
    return _entry(scope.get("client"), request, status, size, referer, agent, f"{round(seconds * 1000)}ms")


# token=… or access_token=… (names in any case): a client that put its token in the URL (found in review:
# written whole to the log); the value is replaced, the rest of the query kept as sent. The name is
# matched once percent-decoded, as the app reads it: "%74oken=" was named a token by the 401 and
# written whole here (found in the security review)
_PARAM = re.compile(r"(^|[&;])([^&;=]*)=([^&;]*)")


def _redacted(query: bytes) -> str:
    def redact(m: re.Match) -> str:
        name = unquote_plus(m.group(2), encoding="latin-1").lower()
        return m.group(1) + m.group(2) + "=" + ("REDACTED" if name in ("token", "access_token") else m.group(3))

    return _PARAM.sub(redact, query.decode("latin-1"))


def protocol_error(status: int, size: int, client) -> None:
    """Log an error the HTTP protocol answered before any app ran (408, 431, 400, and the stop's 503 for a
    request it found unread): no request line could be read, so it is ``"-"``, as nginx logs it."""
    if LOG.isEnabledFor(logging.INFO):
        fields = {"client": (client or (None,))[0], "status": status, "size": size}
        LOG.info(_entry(client, "-", status, size, "-", "-", "-"), extra={"request_fields": fields})


def answered(scope, status: int, size: int, seconds: float) -> None:
    """Log one answered request, when the log is on. Called by MetricsMiddleware, which already
    sees every response's status, size and time (one wrapper of each answer, not two)."""
    if LOG.isEnabledFor(logging.INFO):
        LOG.info(
            line(scope, status, size, seconds), extra={"request_fields": request_fields(scope, status, size, seconds)}
        )


def request_fields(scope, status: int, size: int, seconds: float) -> dict:
    """The line's parts, as they were (JSON escapes what it must), for ``--log-format json``'s object: a log
    shipper reads them without parsing the line. The query's token values are redacted as in the line."""

    return {
        "client": (scope.get("client") or (None,))[0],
        "method": scope.get("method"),
        "path": _target(scope),
        "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
        "status": status,
        "size": size,
        "referer": header_value(scope.get("headers"), b"referer"),
        "user_agent": header_value(scope.get("headers"), b"user-agent"),
        "duration_ms": round(seconds * 1000),
    }


def enable(stream, fmt: str = "text") -> None:
    """Turn the access log on, one line per record to ``stream`` (``recur serve`` passes stderr): in ``text``,
    the Combined Log Format above (its own time in it); in ``json``, one object a line as the server's other
    lines (applog), with the request's fields."""
    from recur.serve.applog import JsonFormatter

    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter() if fmt == "json" else logging.Formatter("%(message)s"))
    LOG.addHandler(handler)
    LOG.setLevel(logging.INFO)
    LOG.propagate = False  # not again through the root logger's handlers
