"""The access log (``recur serve --access-log``): one line per request, in the Combined Log Format
that nginx and Apache write, so the log tools an operator already has (GoAccess, lnav, a log
shipper's nginx parser) read it, with the time taken in milliseconds after it, as nginx's
``$request_time`` is often logged, then the request's id (the ``X-Request-Id`` its answer carries, as
nginx's ``$request_id`` is logged), so the id a user or a proxy's log gives an operator finds its line:

    127.0.0.1 - - [02/Dec/2026:02:40:11 +0000] "POST /api/suggest HTTP/1.1" 200 4113 "-" "curl/8.5.0" 38ms 4f6c0e1d…

Off by default: every request is a line, and query strings can carry what a responder typed. The
request line, referrer and user agent come from the client, so a quote, a backslash or a control
character in them is written as ``\\"``, ``\\\\`` or ``\\xHH`` (as nginx does): one request is always
one line, and nobody can forge another.

What a responder typed or pasted, and what looks like a secret, is written as ``REDACTED`` (the name kept),
in the request's query string and in the Referer alike, in both formats: the values of ``describe`` (the
describe box's shared links and the header search's "Ask the describe box"), ``q`` (the site's search)
and ``h`` (mkdocs-material's search.highlight puts the searched words on a result's link), and of a
secret-looking name (``token``, ``access_token``, ``password``, ``api_key``, ``sig``, ``*_secret`` …:
SECRET_NAMES). A name is matched once percent-decoded, in any case, ``-`` read as ``_``, as the app reads
it (found in review: a pasted log line with an e-mail address and ``password=…`` in it was written whole
from a shared describe link).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import uuid
from urllib.parse import unquote_plus

from recur.serve.prefix import received_path

LOG = logging.getLogger("recur.access")
_UNSAFE = re.compile(r'["\\\x00-\x1f\x7f-\xff]')


def _escape(text: str) -> str:
    # nginx's escaping (\xHH upper case, \" and \\), not applog.loggable's: the Combined Log Format's readers expect it
    return _UNSAFE.sub(lambda m: "\\" + m.group() if m.group() in '"\\' else f"\\x{ord(m.group()):02X}", text)


def header_value(headers, name: bytes) -> str | None:
    """The first ``name`` header (lower-case bytes) of an ASGI scope's or message's ``headers``, or None: the
    access line, its JSON fields and /mcp's session caps each read their headers so."""
    return next((v.decode("latin-1") for k, v in headers or () if k.lower() == name), None)


# The scope key of a request's id (set by security.SecurityHeaders, the outermost layer, so every layer
# inside, the access log and the 500's log line among them, reads the one the answer carries)
REQUEST_ID = "recur.request_id"
# The scope key a layer inside sets on a request its client gave up on after its status had gone out (an MCP
# tool call's event stream, 200 from its start: the client closed it, or cancelled the call): MetricsMiddleware
# counts and logs it as 499, as a request whose client left before any answer (mcp_http.GivenUp)
CLIENT_LEFT = "recur.client_left"
# An X-Request-Id kept as given: 1 to 128 visible ASCII characters, not '"' nor '\\'. It is echoed in a
# header and written unquoted and unescaped in the access line, so it can neither split the line (no space,
# no control character) nor read differently there than in the answer (nothing the line escapes).
SANE_REQUEST_ID = re.compile(r"[!#-\[\]-~]{1,128}")


def new_request_id() -> str:
    """An id for a request that brought none (or one not kept): 32 hex digits, random (uuid4)."""
    return uuid.uuid4().hex


def request_id(scope) -> str:
    """The request's id, given to it on first asking: the client's or proxy's ``X-Request-Id`` when sane
    (SANE_REQUEST_ID; else ignored, not trimmed: a cut id would match nothing upstream), else a new one."""
    found = scope.get(REQUEST_ID)
    if found is None:
        given = header_value(scope.get("headers"), b"x-request-id")
        found = given if given is not None and SANE_REQUEST_ID.fullmatch(given) else new_request_id()
        scope[REQUEST_ID] = found
    return found


def _header(scope, name: bytes) -> str:
    value = header_value(scope.get("headers"), name)
    return "-" if value is None else _escape(value if name != b"referer" else redacted_url(value))


def _entry(client, request: str, status: int, size: int, referer: str, agent: str, took: str, rid: str) -> str:
    """One line of the log; ``client``: ASGI's (host, port) or None; ``rid``: the request's id, written as it
    is (request_id keeps none that needs escaping). The host comes from X-Forwarded-For when uvicorn trusts
    the peer, so it is escaped like the other client parts, and its spaces too: it is the one unquoted field
    a parser splits on (found in review: "1.2.3.4 - - [..." sent as the header forged the fields after it)."""
    host = _escape(str((client or ("-",))[0] or "-")).replace(" ", "\\x20")
    when = dt.datetime.now(dt.timezone.utc).strftime("%d/%b/%Y:%H:%M:%S %z")
    return f'{host} - - [{when}] "{request}" {status} {size} "{referer}" "{agent}" {took} {rid}'


def _target(scope) -> str:
    path = received_path(scope).decode("latin-1")  # as received: without the --root-path uvicorn added
    query = _redacted(scope.get("query_string") or b"")
    return path + ("?" + query if query else "")


def line(scope, status: int, size: int, seconds: float) -> str:
    """The log line for one answered request (``scope``: the ASGI scope)."""
    target = _target(scope)
    request = _escape(f"{scope.get('method', '-')} {target} HTTP/{scope.get('http_version', '1.1')}")
    referer, agent = _header(scope, b"referer"), _header(scope, b"user-agent")
    took = f"{round(seconds * 1000)}ms"
    return _entry(scope.get("client"), request, status, size, referer, agent, took, request_id(scope))


# The texts a responder pastes travel in these (the site's own links: recur-suggest.js, mkdocs-material)
TEXT_NAMES = frozenset({"describe", "q", "h"})
# Names a client or a link may put a credential under (found in review: only token and access_token were
# redacted; ?password=… and ?api_key=… were written whole), and the endings of more such names
SECRET_NAMES = frozenset(
    {"token", "access_token", "refresh_token", "id_token", "auth", "authorization", "password", "passwd", "pwd"}
    | {"pass", "secret", "client_secret", "api_key", "apikey", "key", "signature", "sig", "credential"}
    | {"credentials", "session", "sessionid", "session_id", "jwt"}
)
_SECRET_ENDINGS = ("_token", "_secret", "_key", "_password", "_passwd", "_signature", "_credential", "_sig")


def sensitive(name: str) -> bool:
    """Whether a query parameter's value is kept out of the log (``name`` as sent: percent-decoded here,
    as the app reads it: "%74oken=" was named a token by the 401 and written whole, found in the security
    review). Not "tokens" nor "author": a name that only contains one of these stays readable."""
    key = unquote_plus(name, encoding="latin-1").strip().lower().replace("-", "_")
    return key in TEXT_NAMES or key in SECRET_NAMES or key.endswith(_SECRET_ENDINGS) or "password" in key


def _redact_piece(piece: str) -> str:
    # ';' separates parameters for some readers and not for Starlette, which reads "x=1;token=t" as x:
    # from the first sensitive name on, all up to the next '&' is its value (no part of it is written)
    parts = piece.split(";")
    for i, part in enumerate(parts):
        name, eq, _ = part.partition("=")
        if eq and sensitive(name):
            return ";".join([*parts[:i], name + "=REDACTED"])
    return piece


def _redacted(query: bytes | str) -> str:
    """A query string with each sensitive value (``sensitive``) written as ``REDACTED``, the rest as sent."""
    text = query.decode("latin-1") if isinstance(query, bytes) else query
    return "&".join(_redact_piece(piece) for piece in text.split("&"))


def redacted_url(url: str | None) -> str | None:
    """A URL (a Referer) with its query's and its fragment's sensitive values redacted as a request's are
    (found in review: a Referer with ?token=… was written whole); None stays None."""
    if url is None or ("?" not in url and "#" not in url):
        return url
    url, hashed, fragment = url.partition("#")
    base, asked, query = url.partition("?")
    return base + asked + _redacted(query) + hashed + _redacted(fragment)


def protocol_error(status: int, size: int, client, rid: str) -> None:
    """Log an error the HTTP protocol answered before any app ran (408, 431, 400, and the stop's 503 for a
    request it found unread): no request line could be read, so it is ``"-"``, as nginx logs it; ``rid``:
    the id its answer carries (a new one: its headers were not read)."""
    if LOG.isEnabledFor(logging.INFO):
        fields = {"client": (client or (None,))[0], "status": status, "size": size, "request_id": rid}
        LOG.info(_entry(client, "-", status, size, "-", "-", "-", rid), extra={"request_fields": fields})


def answered(scope, status: int, size: int, seconds: float) -> None:
    """Log one answered request, when the log is on. Called by MetricsMiddleware, which already
    sees every response's status, size and time (one wrapper of each answer, not two)."""
    if LOG.isEnabledFor(logging.INFO):
        LOG.info(
            line(scope, status, size, seconds), extra={"request_fields": request_fields(scope, status, size, seconds)}
        )


def request_fields(scope, status: int, size: int, seconds: float) -> dict:
    """The line's parts, as they were (JSON escapes what it must), for ``--log-format json``'s object: a log
    shipper reads them without parsing the line. The query's and the Referer's sensitive values are redacted
    as in the line."""
    return {
        "client": (scope.get("client") or (None,))[0],
        "method": scope.get("method"),
        "path": _target(scope),
        "protocol": f"HTTP/{scope.get('http_version', '1.1')}",
        "status": status,
        "size": size,
        "referer": redacted_url(header_value(scope.get("headers"), b"referer")),
        "user_agent": header_value(scope.get("headers"), b"user-agent"),
        "duration_ms": round(seconds * 1000),
        "request_id": request_id(scope),
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
