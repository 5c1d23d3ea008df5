"""Serving under a path prefix: a reverse proxy publishes `recur serve` at https://host/recur/ and
strips /recur before passing a request on.

The built site links relatively (mkdocs), and the suggest box finds the API beside the site root,
so most of it works under any prefix as it is. Two answers of the site were not relative: the
redirect of a folder URL to its trailing slash (Starlette writes an absolute URL from the path it
saw, without the prefix) and the 404 page (mkdocs builds it with root-absolute links, ``/assets/…``,
as it is served at any depth). Both are made relative to the URL the browser asked for, so they
work behind any prefix, and without one, with no setting.

What must know the prefix (/docs, /redoc and openapi.json, which FastAPI builds from ASGI's
``root_path``) is told it by uvicorn's ``root_path`` (`recur serve --root-path`). uvicorn then puts
the prefix in front of ``scope["path"]``; the middleware that picks a path's limits or exemptions
reads ``route_path(scope)``, the path without it, as Starlette's routing does.
"""

from __future__ import annotations

import json
import re
from urllib.parse import quote, unquote

# the 404 page's root-absolute references: attributes (href, src, and the data-scope of
# recur-md-base.js) and mkdocs-material's config JSON ("base", "search"); never "//host" ones
_ATTR = r'(\s(?:href|src|data-scope)=")'
_CONFIG = re.compile(rb'<script id="__config" type="application/json">(.*?)</script>', re.S)


def route_path(scope) -> str:
    """The request's path without the ``root_path`` uvicorn put in front of it (Starlette's rule)."""
    path, root = scope.get("path", ""), scope.get("root_path", "")
    if root and path.startswith(root) and (len(path) == len(root) or path[len(root)] == "/"):
        return path[len(root) :] or "/"
    return path


class WebhookSlash:
    """A webhook route asked for with one trailing slash (``POST /api/alertmanager/``) served as the route: a URL
    typed into Alertmanager's or Slack's config that way got a bare 404 "no such route", and Alertmanager does not
    retry a 4xx, so every notification was lost. Outermost, so the body limits, pools, metrics and log all see the
    route's own path. ``paths``: the routes (``route_path`` form)."""

    def __init__(self, app, paths: frozenset):
        self.app, self.paths = app, paths

    async def __call__(self, scope, receive, send):
        if scope["type"] == "http" and route_path(scope)[:-1] in self.paths and scope["path"].endswith("/"):
            scope = {**scope, "path": scope["path"][:-1]}
            if isinstance(scope.get("raw_path"), bytes) and scope["raw_path"].endswith(b"/"):
                scope["raw_path"] = scope["raw_path"][:-1]
        await self.app(scope, receive, send)


def received_path(scope) -> bytes:
    """The path as the client sent it, undecoded: ``raw_path`` without the ``root_path`` uvicorn puts in
    front of every request's (a probe straight to the server for /healthz reads /recur/healthz there,
    one through a proxy that does not strip the prefix /recur/recur/x)."""
    raw, root = scope.get("raw_path") or scope.get("path", "").encode("utf-8"), scope.get("root_path", "").encode()
    return raw[len(root) :] if root and raw.startswith(root) else raw


# the API's documentation, FastAPI's pages (Swagger UI, ReDoc), the schema they load and their assets (fastapi_offline):
# written here alone (they were in three modules, found in review): app.py serves them at these paths, security.py
# gives the HTML pages (DOCS_HTML: one inline script each) their CSP
DOCS_UI, DOCS_REDOC, DOCS_SCHEMA = "/docs", "/redoc", "/openapi.json"
DOCS_OAUTH2_REDIRECT = DOCS_UI + "/oauth2-redirect"  # Swagger UI's, where FastAPI puts it
DOCS_PAGES = (DOCS_UI, DOCS_REDOC, DOCS_SCHEMA)
DOCS_HTML = (DOCS_UI, DOCS_REDOC, DOCS_OAUTH2_REDIRECT)
DOCS_ASSETS = "/_docs-assets"


def is_docs_path(path: str) -> bool:
    """Whether a route path (``route_path``) is the API's documentation or under one of its pages."""
    return any(path == p or path.startswith(p + "/") for p in (*DOCS_PAGES, DOCS_ASSETS))


def is_mcp_path(path: str) -> bool:
    """Whether a route path (``route_path``) is the MCP endpoint, with or without its trailing slash."""
    return path.rstrip("/") == "/mcp"


def not_found_message(method: str, scope) -> str:
    """The 404's message: the path as the client asked for it (behind a proxy that strips
    ``--root-path``, with the prefix back on). A path that still starts with the prefix reached the
    server unstripped: said so, not shown with the prefix twice (``/recur/recur/api/x``)."""
    root, path = scope.get("root_path", ""), route_path(scope)
    if root and (path == root or path.startswith(root + "/")):
        return (
            f"no such route: {method} {path} (this server runs with --root-path {root}: the proxy in front "
            f"must strip {root} before passing a request on)"
        )
    return f"no such route: {method} {root}{path}{_slash_hint(method, path, root, scope) or _meant(method, path, root, scope)}"


def _slash_hint(method: str, path: str, root: str, scope) -> str:
    """A did-you-mean for a path that is an API route but for its trailing slash (``GET /api/patterns/``): its 404
    said "no such route" alone, and a slash is easy to miss in a config or a script. Only when the route takes the
    method: ``GET /api/suggest/`` was pointed at /api/suggest, a 405 (POST only)."""
    from starlette.routing import Match

    if len(path) < 2 or not path.endswith("/") or _dotted(path):
        return ""
    bare = path.rstrip("/") or "/"
    # the documentation's pages are routes of FastAPI's own, not the API's (GET /docs/ had no hint: found in review)
    docs = bare in DOCS_PAGES and method in ("GET", "HEAD")
    if docs or api_route_match(scope.get("app"), bare, method)[0] == Match.FULL:
        return f" (did you mean {root}{bare}, without the trailing slash?)"
    return ""


def _dotted(path: str) -> bool:
    """Whether a path has a "." or ".." segment (a traversal, ``/patterns/%2e%2e/%2e%2e/etc/passwd``): a did-you-mean
    names a clean path or none, where it was "did you mean /api/patterns/../../etc/passwd?" (found in a re-read)."""
    return any(segment in (".", "..") for segment in path.split("/"))


# A webhook URL's last segment that names no route but can only mean Alertmanager's: `/webhook`, `/alertmanager`
WEBHOOK_NAMES = frozenset({"webhook", "webhooks", "alertmanager", "alerts"})


def _meant(method: str, path: str, root: str, scope) -> str:
    """A did-you-mean for a path that is no route but reads as one: ``//api/suggest`` (a base URL ending in a
    slash, joined to "/api/suggest"), ``/suggest`` without /api, ``/webhook`` or ``/alertmanager`` for the
    webhook. Alertmanager does not retry a 4xx: its 404 must name the URL to configure (found in review). Only a
    route that takes the method is named, and none for a path with a dot segment (``_dotted``)."""
    from starlette.routing import Match

    if _dotted(path):
        return ""
    single = re.sub("/{2,}", "/", path)
    meant = [single] if single.startswith("/api/") else [single, "/api" + single]
    if method == "POST" and single.rstrip("/").rsplit("/", 1)[-1].lower() in WEBHOOK_NAMES:
        meant.append("/api/alertmanager")
    for candidate in meant:
        if candidate != path and api_route_match(scope.get("app"), candidate, method)[0] == Match.FULL:
            return f" (did you mean {root}{candidate}?)"
    return ""


def route_methods(app, path: str) -> list[str]:
    """The methods the app's routes take on ``path`` (a ``route_path``), sorted, with HEAD beside GET (HeadAsGet
    answers it; not on /mcp): a 405's Allow. The catch-alls (the /api 404, the site) are none of them. A 405 said
    "allow: GET, HEAD" for PROPFIND /api/feedback, the site's methods, where the route takes POST (found in review).
    The routes asked: those of every router the app includes, as ``state.included_routers`` lists them (app.py:
    FastAPI 0.165 keeps an included router whole, no route of it among the app's, where earlier versions copied
    them in), and FastAPI's own (/openapi.json, /docs, /redoc), the app's routes that are routes."""
    from starlette.routing import Route

    state = getattr(app, "state", None)
    included = [r for router in getattr(state, "included_routers", None) or [] for r in router.routes]
    methods: set[str] = set()
    for route in (*included, *getattr(getattr(app, "router", None), "routes", [])):
        if isinstance(route, Route) and route.name not in CATCH_ALLS and route.path_regex.match(path):
            methods |= set(route.methods or ())
    if "GET" in methods and not is_mcp_path(path):
        methods.add("HEAD")
    return sorted(methods)


CATCH_ALLS = frozenset({"api_fallback"})  # routes.meta's: answers every /api path no route took


def api_route_match(app, path: str, method: str) -> tuple:
    """(starlette's Match, the route) of the API route that best matches ``method`` on ``path`` (a ``route_path``):
    FULL, else PARTIAL (the path with another method: a 405), else (NONE, None). The routes asked are the app's
    ``state.api_routers`` (the catch-all 404 is none of them)."""
    from fastapi.routing import APIRoute
    from starlette.routing import Match

    scope = {"type": "http", "path": path, "method": method}
    routers = getattr(getattr(app, "state", None), "api_routers", None) or []
    partial = None
    for route in (r for router in routers for r in router.routes):
        if isinstance(route, APIRoute):
            match, _ = route.matches(scope)
            if match == Match.FULL:
                return Match.FULL, route
            if match == Match.PARTIAL and partial is None:
                partial = route
    return (Match.PARTIAL, partial) if partial is not None else (Match.NONE, None)


def up_to_root(scope) -> str:
    """The relative URL from the page the browser asked for to the site root: "./" for /x,
    "../../" for /a/b/c (empty segments count, as the browser resolves them)."""
    depth = received_path(scope).split(b"?")[0].count(b"/") - 1
    return "../" * depth if depth > 0 else "./"


def sent_segment(scope, before_slash: bool = False) -> str:
    """The path's last segment as the browser sent it, still percent-encoded, each byte one character (latin-1):
    the one a relative Location resolves against (``relative_redirect``, ``site_files.asked_page``); "" when the
    path ends in a slash. ``before_slash``: of a path ending in one, the segment before it ("x" for /paths/x/)."""
    sent = received_path(scope).split(b"?")[0].decode("latin-1")
    if before_slash and sent.endswith("/"):
        sent = sent[:-1]
    return sent.rsplit("/", 1)[-1]


def relative_redirect(scope) -> str:
    """The Location of a folder URL's redirect to its trailing slash, relative to the folder
    itself ("./patterns/" for /patterns), so it keeps whatever prefix the browser used; "./"
    keeps a segment with a colon from reading as a scheme. The segment is the last one as the browser sent it, which
    the Location resolves against: one sent with an encoded slash (/x%2Fsub, the folder x/sub) was redirected to
    ./sub/, /sub/ (found in a re-read); it is ./x%2Fsub/ now."""
    segment = unquote(sent_segment(scope))
    query = scope.get("query_string", b"").decode("latin-1")
    return "./" + quote(segment, safe="!$&'()*+,;=:@~") + "/" + ("?" + query if query else "")


def rebase_404(page: bytes, up: str) -> bytes:
    """mkdocs' 404 page with its root-absolute references made relative (``up``: from
    ``up_to_root``). The root they start from is the page's own "base" (mkdocs: the path of
    ``site_url``, "/" without one)."""
    config = _CONFIG.search(page)
    try:
        base = json.loads(config.group(1))["base"] if config else "/"
    except (ValueError, KeyError, TypeError):
        return page
    if not isinstance(base, str) or not base.startswith("/"):
        return page  # already relative (a site built otherwise): nothing to do
    base = base.rstrip("/") + "/"
    attr = re.compile((_ATTR + re.escape(base) + r"(?!/)").encode())
    page = attr.sub(lambda m: m.group(1) + up.encode(), page)
    value = re.compile(rb'("(?:base|search)": ")' + re.escape(base.encode()) + rb"(?!/)")
    return value.sub(lambda m: m.group(1) + up.encode(), page)
