"""Access control and browser hardening: bearer tokens, the feedback rate limit, security headers.

A token (``recur serve --token-file`` or ``RECUR_TOKEN``) guards the write route (feedback,
which flows into eval cases and tuning); ``--token-scope all`` extends it to every API route
and /metrics. /healthz and the site stay open (load-balancer probes, responders' browsers).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import re
import threading
import time

from fastapi import Depends, Request, Security
from fastapi.security import HTTPBearer

from recur.serve.access import request_id
from recur.serve.deps import Settings, get_settings
from recur.serve.guard import ApiError, is_mcp_path
from recur.serve.prefix import DOCS_HTML, route_path
from recur.serve.preflight import LOOPBACK_NAMES, hostname, is_address, names_a_host


def _check(request: Request, settings: Settings) -> None:
    given = request.headers.get("authorization", "")
    scheme, _, value = given.partition(" ")
    # compare_digest: the time taken does not tell an attacker how much of the token matched
    ok = scheme.lower() == "bearer" and hmac.compare_digest(value.strip().encode(), settings.token.encode())
    if not ok:
        # "Token <t>" or "Basic ..." with the right token was "the token is wrong" (found in review)
        why = "the token is missing" if not given else "the token is wrong"
        if not given and _token_in_query(request):  # found in review: "missing" when it was in the URL
            why = "a token in the URL is not read: send it in the Authorization header"
        lone_scheme = not value.strip() and scheme.lower() in ("bearer", "token", "basic", "digest", "negotiate")
        if lone_scheme:  # "Authorization: Bearer" or "Token" with nothing after it
            why = "the token is missing after the scheme"
        elif given and scheme.lower() != "bearer":
            why = f"the scheme is {scheme[:20]!r}, not Bearer" if value.strip() else "no scheme before the token"
        raise ApiError(
            401,
            "unauthorized",
            f"this route needs 'Authorization: Bearer <token>' ({why})",
            {"WWW-Authenticate": 'Bearer realm="recur"'},
        )


def _token_in_query(request: Request) -> bool:
    return any(name.lower() in TOKEN_QUERY_NAMES for name in request.query_params)


# the query parameters a client may put a token in (RFC 6750's access_token, and the plain name):
# never read, and redacted in the access log (access.py)
TOKEN_QUERY_NAMES = ("token", "access_token")


# For the OpenAPI description only: it declares the bearer scheme, so /docs has "Authorize" (a reviewer
# could not try the token-guarded routes there) and clients generated from /openapi.json send the header.
# auto_error off: it never answers; _check does, with the one JSON error shape and its reasons.
BEARER = HTTPBearer(
    auto_error=False,
    scheme_name="token",
    description="The token of `recur serve --token-file` / RECUR_TOKEN: needed by POST /api/feedback "
    "when a token is set, and by every API route and /metrics with `--token-scope all`.",
)


def require_write(request: Request, settings: Settings = Depends(get_settings), _doc=Security(BEARER)) -> None:
    """Dependency of write routes: a token is required whenever one is configured."""
    if settings.token:
        _check(request, settings)


def require_read(request: Request, settings: Settings = Depends(get_settings), _doc=Security(BEARER)) -> None:
    """Dependency of read routes: a token is required only with ``--token-scope all``."""
    if settings.token and settings.token_scope == "all":
        _check(request, settings)


def _rule_of(route):
    """A route's token rule: its require_write/require_read dependency, or require_read for a plain
    ASGI route behind a TokenGate (/mcp), whose body guard would otherwise answer 413 before the 401."""
    if isinstance(getattr(route, "app", None), TokenGate):
        return require_read
    rules = (require_write, require_read)
    return next((d.dependency for d in getattr(route, "dependencies", None) or [] if d.dependency in rules), None)


def needs_token(route, settings: Settings) -> bool:
    """Whether ``route`` asks for the bearer token on this server: a write route whenever a token is set, a read
    route under ``--token-scope all`` (require_write, require_read); as /openapi.json publishes it (openapi_doc)."""
    rule = _rule_of(route)
    return bool(settings.token) and (rule is require_write or (rule is require_read and settings.token_scope == "all"))


class TokenFirst:
    """The token rule at the door: a request to a route that needs the token and does not carry it
    is answered 401 before its body is read. The routes' own dependencies (require_write/read) ran
    only after FastAPI had parsed the body, so an unauthenticated client's malformed JSON was told
    400 bad_json, and its body read and parsed. They still check (and document) it."""

    def __init__(self, app, settings: Settings, fastapi_app):
        self.app, self.settings, self.fastapi_app = app, settings, fastapi_app
        self.guarded = None  # (route, its rule: require_write or require_read), found on the first request

    def _guarded(self) -> list:
        if self.guarded is None:
            self.guarded = [
                (route, rule)
                for router in self.fastapi_app.state.api_routers  # as declared
                for route in router.routes
                if (rule := _rule_of(route)) is not None
            ]
        return self.guarded

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.settings.token:
            from starlette.routing import Match

            rule = next((r for route, r in self._guarded() if route.matches(scope)[0] == Match.FULL), None)
            try:
                if rule is not None:
                    rule(Request(scope), self.settings)  # the route's own rule (write, or read under scope all)
            except ApiError as exc:
                from recur.serve.guard import error_response

                await error_response(exc.status, exc.code, exc.message, exc.headers, scope)(scope, receive, send)
                return
        await self.app(scope, receive, send)


class TokenGate:
    """The read-route token rule for a plain ASGI route (``/mcp``: FastAPI dependencies do not run
    there): with ``--token-scope all``, no valid bearer token, no entry; the same 401 as the API."""

    def __init__(self, app, settings: Settings):
        self.app, self.settings = app, settings

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and self.settings.token and self.settings.token_scope == "all":
            try:
                _check(Request(scope), self.settings)
            except ApiError as exc:
                from recur.serve.guard import error_response

                await error_response(exc.status, exc.code, exc.message, exc.headers, scope)(scope, receive, send)
                return
        await self.app(scope, receive, send)


# the headers a reverse proxy adds to a request it passes on (RFC 7239's, and the X-Forwarded-For nginx, HAProxy,
# Caddy, Traefik and cloud load balancers write), and the others an nginx location is commonly written with, each
# alone: X-Real-IP, X-Forwarded-Proto and -Host, Via (RFC 9110 section 7.6.3). nginx's location with only
# ``proxy_set_header X-Real-IP $remote_addr`` passed an HTTP/1.0 probe without a Host on as HTTP/1.1 without one,
# a 400 (found in review). Any client can send them: they mark no trust, only a request HTTP/1.1 lets through.
FORWARDED = (b"forwarded", b"x-forwarded-for", b"x-real-ip", b"x-forwarded-proto", b"x-forwarded-host", b"via")
# what the 400 for a request without a Host adds, for the proxy that passed one on with none of FORWARDED (the
# nginx line itself, not a docs page: an installed Recur's team repository has no docs/operating.md)
NO_HOST_BEHIND_A_PROXY = (
    "; a reverse proxy passing on a request that had none adds X-Forwarded-For (nginx: proxy_set_header "
    "X-Forwarded-For $proxy_add_x_forwarded_for;)"
)
# A Host is shown at most this long in a 400's or 421's message. The 421 said the whole field and named it twice
# more as the flag's and the variable's value (a 60 KB Host of dotted labels, a 180 KB answer), and /mcp's cut it to
# 100 before naming them: a proxy's public name longer than that was told to set the cut name (found in a re-read).
SHOWN_HOST_CHARS = 100
# the longest DNS name written out (RFC 1035's 255 octets on the wire): longer, no --allowed-host value is named
MAX_HOST_NAME = 253
# A Host field's value, RFC 9110 section 7.2: uri-host [":" port], the host a name (RFC 3986's reg-name: its letters,
# digits, "-._~", sub-delims and %-escapes), an IPv4 address, or an IP literal in brackets; empty where the request's
# target has no authority (RFC 9112 section 3.2)
HOST_FIELD = re.compile(r"(?:\[[0-9A-Za-z:._~!$&'()*+,;=%-]+\]|[0-9A-Za-z._~!$&'()*+,;=%-]*)(?::[0-9]*)?\Z")


def bad_host(scope) -> str | None:
    """Why a request's Host is refused with a 400, as RFC 9112 section 3.2 asks of a server ("MUST respond with a
    400"): none on an HTTP/1.1 request (HTTP/1.0 has no such rule: an old probe's request is answered), more than
    one Host line, or a value that is no host[:port]. ``None``: it is fine. Uvicorn's parser (httptools) passes them
    all, and the server answered 200: curl, Kubernetes' probes, load balancers, Prometheus, Alertmanager and the
    reverse proxies of docs/operating.md all send one Host. A request a proxy passed on (``FORWARDED``) may have
    none: nginx with docs/operating.md's ``proxy_set_header Host $http_host`` sends an HTTP/1.0 client's request
    that had none on as HTTP/1.1 without one (it drops a header set to ''), and refuses an HTTP/1.1 one itself;
    an old probe through the proxy got the 400 (found in review)."""
    lines = [value for name, value in scope.get("headers") or () if name == b"host"]
    if len(lines) > 1:
        return f"{len(lines)} Host header lines: a request carries one (RFC 9112 section 3.2)"
    if not lines:
        if scope.get("http_version") == "1.0" or any(name in FORWARDED for name, _ in scope.get("headers") or ()):
            return None
        return (
            "no Host header: an HTTP/1.1 request carries one, the server's name and port (RFC 9112 section 3.2)"
            + NO_HOST_BEHIND_A_PROXY
        )
    host = lines[0].decode("latin-1")
    if not HOST_FIELD.match(host):
        # shown as a client sent it, UTF-8 (read as latin-1 a name in other letters was mojibake)
        shown = lines[0].decode("utf-8", "backslashreplace")[:SHOWN_HOST_CHARS]
        idna = "" if host.isascii() else " (a name in other letters is sent in its IDNA form, xn--...)"
        return f"Invalid Host header {shown!r}: not a host name or address with an optional :port{idna}"
    return None


class HostCheck:
    """ASGI middleware against DNS rebinding, on every route: a web page whose name an attacker
    rebinds to 127.0.0.1 reaches a server bound to loopback with its own name as ``Host`` (and as
    ``Origin`` on a POST), and before this the API, the site and /metrics answered it; only /mcp
    refused it (the MCP SDK's TransportSecuritySettings, found in review). Active when bound to
    loopback (``host``), or on any bind once the operator names hosts (``allowed``: a reverse
    proxy's public names, --allowed-host). Accepted then: the loopback names and the named hosts, on
    any port; off loopback also an IP address (load-balancer probes and scrapers address the server by
    address, and a page cannot rebind a literal address). A request carrying an ``Origin`` must come
    from one of those hosts too (a browser's same-origin POST carries its page's origin). Refused as
    /mcp refuses them: 421 for the Host, 403 for the Origin, in the shape the route answers in.
    Off loopback only a browser's request is checked (one carrying ``Origin`` or ``Sec-Fetch-*``, as
    every current browser sends): Alertmanager, Prometheus and probes reach a server by a service name
    ("recur:8000") that no one names (found in the read of the diff: every such call got a 421). A
    request with no ``Host`` is refused only where HTTP says so (``bad_host``, on every bind: a 400 before
    any other check): an HTTP/1.0 probe may send none."""

    def __init__(self, app, host: str | None, allowed: tuple = ()):
        self.app = app
        names = (*LOOPBACK_NAMES, *(hostname(n) or n.lower() for n in allowed))  # "kb.example.com:443" too
        self.names = frozenset(unrooted(n.lower().strip("[]")) for n in names)
        self.active = host in LOOPBACK_NAMES or bool(allowed)
        self.addresses_ok = host not in LOOPBACK_NAMES

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and (bad := bad_host(scope)) is not None:
            from recur.serve.guard import error_response

            return await error_response(400, "bad_request", bad, None, scope)(scope, receive, send)
        # bound to loopback the SDK refuses a foreign Host or Origin on /mcp itself, with the same lists
        # (mcp_http._proxied) and its own words, which MCP clients have been shown; off loopback it checks nothing
        sdk_checks = not self.addresses_ok and is_mcp_path(route_path(scope)) if scope["type"] == "http" else True
        if not self.active:
            return await self.app(scope, receive, send)
        if sdk_checks:
            if scope["type"] == "http":
                _lower_host_for_the_sdk(scope)
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or ())
        browser = b"origin" in headers or b"sec-fetch-site" in headers or b"sec-fetch-mode" in headers
        refused = self._refused(headers) if browser or not self.addresses_ok else None
        if refused is not None:
            from recur.serve.guard import error_response

            return await error_response(*refused, None, scope)(scope, receive, send)
        await self.app(scope, receive, send)

    def _refused(self, headers: dict) -> tuple | None:
        host = headers.get(b"host", b"").decode("latin-1")
        if host and not self._accepted(hostname(host)):
            return 421, "misdirected_request", host_refused(host)
        origin = headers.get(b"origin")
        if origin is not None:
            text = origin.decode("latin-1")
            scheme, _, rest = text.partition("://")
            if scheme not in ("http", "https") or not self._accepted(hostname(rest)):
                return 403, "forbidden_origin", f"Invalid Origin header {text!r}: not a page of this server"
        return None

    def _accepted(self, name: str) -> bool:
        name = unrooted(name)
        if name in self.names:
            return True
        return self.addresses_ok and bool(name) and is_address(name)


def host_refused(host: str) -> str:
    """The 421's message for a Host (as sent) that is not accepted, on every route (/mcp's too, mcp_http): the Host
    cut to ``SHOWN_HOST_CHARS``, the --allowed-host value to set whole (``not_answered``)."""
    return f"Invalid Host header {host[:SHOWN_HOST_CHARS]!r}: {not_answered(host)}"


def not_answered(host: str) -> str:
    """Why a Host is a 421, and what the operator of a reverse proxy that passes it sets: the flag and the variable,
    with the name to give them. It said "a reverse proxy's host is named with --allowed-host", and an operator behind
    nginx (``proxy_set_header Host $host``) had to find the variable's name, and that a port is not given, in the
    docs (found in review). A Host that no --allowed-host value could name (``_``, nginx's catch-all server_name)
    gets the flag's name alone."""
    why = "not a name this server answers to"
    name = unrooted(hostname(host))
    if not (names_a_host(name) and any(c.isalnum() for c in name) and len(name) <= MAX_HOST_NAME):
        return f"{why}; a reverse proxy's public name is named with --allowed-host (env RECUR_MCP_ALLOWED_HOSTS)"
    return (
        f"{why}; if it is a reverse proxy's public name, start recur serve with --allowed-host {name} "
        f"(or the variable RECUR_MCP_ALLOWED_HOSTS={name}, names space-separated)"
    )


# the scope's key for the Host as the client sent it, before ``_lower_host_for_the_sdk``
HOST_AS_SENT = "recur.host_as_sent"


def _lower_host_for_the_sdk(scope: dict) -> None:
    """``scope``'s Host and Origin's host put in lower case for the MCP SDK's check of them on /mcp: a host name's
    letter case is not the name (RFC 9110 4.2.3), and every other route reads it so (``_accepted``), but the SDK
    compares them as written with its list (mcp_http._proxied, in lower case), and refused ``Host: LOCALHOST`` with
    a 421 on /mcp alone (found in review). In place: the layers outside read what the router writes in the scope
    (metrics' route). The Origin's scheme is left as sent: both checks take only a lower case ``http``/``https``."""
    headers = []
    for name, value in scope.get("headers") or ():
        if name == b"host":
            scope[HOST_AS_SENT] = value.decode("latin-1")  # what /mcp's 421 shows (mcp_http._host_refused)
            value = value.lower()
        elif name == b"origin":
            scheme, sep, rest = value.partition(b"://")
            value = scheme + sep + rest.lower()
        headers.append((name, value))
    scope["headers"] = headers


def unrooted(name: str) -> str:
    """``name`` without the one trailing dot of a fully-qualified name: ``localhost.`` is the host ``localhost``
    (DNS's root label), and a browser's URL parser reads ``127.0.0.1.`` as the address 127.0.0.1. A client that
    writes it (a resolver search list avoided, ``http://localhost.:8000/``) was refused 421 on a loopback bind.
    Only one dot: ``localhost..`` is no name."""
    return name[:-1] if name.endswith(".") and not name.endswith("..") else name


class RateLimiter:
    """A token bucket per client address: ``per_minute`` sustained, ``burst`` at once.

    Thread-safe (routes run in the thread pool); at most ``max_clients`` buckets are kept, the
    oldest dropped first, so a flood of addresses cannot grow memory without bound."""

    def __init__(self, per_minute: int, burst: int | None = None, max_clients: int = 10_000):
        self.rate = per_minute / 60.0
        self.burst = float(burst or max(1, per_minute // 2))
        self.max_clients = max_clients
        self._buckets: dict[str, tuple[float, float]] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> float:
        """0 when the call may go ahead (and is counted); else the seconds until it may."""
        if self.rate <= 0:
            return 0.0
        now = time.monotonic()
        with self._lock:
            tokens, last = self._buckets.pop(key, (self.burst, now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            wait = 0.0 if tokens >= 1 else (1 - tokens) / self.rate
            self._buckets[key] = (tokens - 1 if wait == 0 else tokens, now)  # re-inserted: newest last
            while len(self._buckets) > self.max_clients:
                self._buckets.pop(next(iter(self._buckets)))
        return wait


def rate_limited(request: Request) -> None:
    """Dependency of the feedback route: 429 with Retry-After past the per-client rate."""
    limiter: RateLimiter = request.app.state.feedback_limiter
    client = request.client.host if request.client else "unknown"
    wait = limiter.retry_after(client)
    if wait:
        seconds = max(1, int(wait + 0.999))
        raise ApiError(
            429,
            "too_many_requests",
            f"too many votes from {client}; retry in {seconds} s",
            {"Retry-After": str(seconds)},
        )


# Only this origin: no inline script (mkdocs-material's two inline snippets are served as
# assets by site_config/overrides), no plugins, no framing. Inline style attributes are
# allowed: the theme and the SVG charts use them, and they cannot run code. 'wasm-unsafe-eval' lets
# the site's in-browser search compile ONNX Runtime's WebAssembly (the box's search under --token-scope
# all: it failed with a CompileError after a 30 MB download), and allows no eval of JavaScript.
CSP = (
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "font-src 'self' data:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; "
    "base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)
HEADERS = [
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"no-referrer"),
    (b"x-frame-options", b"DENY"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# An answer of the API, /mcp, /metrics or /healthz is of this moment, and under --token-scope all for the token's
# holder alone: it said nothing of caching, and a reverse proxy with a cache (nginx's proxy_cache_valid, which
# keys on no Authorization header) kept a token-guarded answer and gave it to the next client without a token
# (found in a security review). No cache keeps one; the site's files keep their ETag and Last-Modified.
NO_STORE = (b"cache-control", b"no-store")


def _no_store(scope) -> bool:
    path = route_path(scope)
    return path.startswith("/api/") or path.rstrip("/") in ("/api", "/mcp", "/metrics", "/healthz")


_INLINE = re.compile(rb"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", re.S | re.I)


def _csp_for(body: bytes | None) -> bytes:
    if body is None:
        return CSP.encode()
    hashes = " ".join(
        f"'sha256-{base64.b64encode(hashlib.sha256(m).digest()).decode()}'" for m in _INLINE.findall(body)
    )
    return CSP.replace("script-src 'self'", f"script-src 'self' {hashes}").encode()


class SecurityHeaders:
    """ASGI middleware: the headers above on every response, whatever produced it, and the request's
    ``X-Request-Id`` (access.request_id), given here, outermost, so the layers inside (the 500 of
    guard.Unexpected, the access log) name the id the answer carries."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        rid = (b"x-request-id", request_id(scope).encode("ascii"))
        if route_path(scope) in DOCS_HTML:  # fastapi's pages, one inline bootstrap script each: allowed by its hash
            return await self._doc_page(scope, receive, send, rid)

        stored = _no_store(scope)

        async def with_headers(message):
            if message["type"] == "http.response.start":
                csp = (b"content-security-policy", CSP.encode())
                headers = message.get("headers", [])
                if stored and not any(name.lower() == b"cache-control" for name, _ in headers):
                    headers = [*headers, NO_STORE]
                message["headers"] = [*headers, *HEADERS, csp, rid]
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _doc_page(self, scope, receive, send, rid: tuple):
        """Buffer the (small) docs page to hash its inline script into the policy."""
        start, chunks = None, []

        async def buffered(message):
            nonlocal start
            if message["type"] == "http.response.start":
                start = message
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body"):
                body = b"".join(chunks)
                csp = (b"content-security-policy", _csp_for(body))
                start["headers"] = [*start.get("headers", []), *HEADERS, csp, rid]
                await send(start)
                await send({"type": "http.response.body", "body": body})

        await self.app(scope, receive, buffered)
