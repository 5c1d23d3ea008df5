"""`recur serve` behind a reverse proxy that publishes it under a path prefix and strips it
(https://tools.example.com/recur/ -> http://127.0.0.1:8000/): the real built site, the API, /docs
and the 404 page, over real uvicorn, through nginx (docs/operating.md's location block; skipped without
nginx) and through a small Python proxy doing the same, and in real Chromium.

Before: a folder URL's redirect (/recur/patterns) sent the browser to /patterns/ at the host's
root, the site's 404 page loaded its CSS and JS from /assets/ at the host's root (an unstyled
page whose links left the prefix), and /docs loaded Swagger UI and openapi.json from the root.
"""

from __future__ import annotations

import contextlib
import html.parser
import re
from contextlib import contextmanager
from types import SimpleNamespace
from urllib.parse import urljoin, urlsplit

import httpx
import pytest
from browser import page_errors  # the chromium fixture comes from conftest.py (one browser per session)
from click.testing import CliRunner
from serve_util import alert_payload, fake_app, nginx_missing_reason, nginx_proxy, prefix_proxy, running
from site_helpers import AS_OF, site_kb

from recur.cli.main import cli

PREFIX = "/recur"
WITH_ROOT_PATH = ["nginx", "python"]  # recur serve --root-path /recur, as docs/operating.md says
EVERY_SETUP = [*WITH_ROOT_PATH, "python-no-root-path"]  # the site needs no setting


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """(kb, site folder): site_kb built with `recur site`, the real site (directory index pages, a 404 page)."""
    tmp = tmp_path_factory.mktemp("prefix-site")
    kb, out = site_kb(tmp / "kb"), tmp / "site"
    args = ["site", "--kb", str(kb), "--out", str(out), "--as-of", AS_OF, "-q", "--index", str(tmp / "no-index")]
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    return kb, out


@pytest.fixture(scope="module")
def proxied(request, site, tmp_path_factory):
    """`recur serve`'s app on real uvicorn behind a prefix-stripping proxy; request.param names the
    setup: "nginx" or "python" (the proxy) with root_path /recur, "python-no-root-path" without."""
    kind = request.param
    if kind == "nginx" and nginx_missing_reason():
        pytest.skip(nginx_missing_reason())
    kb, out = site
    work = tmp_path_factory.mktemp(f"prefix-{kind}")
    app = fake_app(kb, work, site_dir=out)
    root_path = "" if kind.endswith("no-root-path") else PREFIX
    with running(app, root_path=root_path) as upstream, _proxy(kind, upstream, work) as url:
        yield SimpleNamespace(url=url, upstream=upstream, root_path=root_path, kind=kind)


@contextmanager
def _proxy(kind: str, upstream: str, work):
    if kind == "nginx":
        with nginx_proxy(upstream, PREFIX, work / "nginx") as url:
            yield url
    else:
        with prefix_proxy(upstream, PREFIX) as url:
            yield url


class _Refs(html.parser.HTMLParser):
    """Every href, src and data-scope of a page."""

    def __init__(self):
        super().__init__()
        self.refs: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.refs += [v for k, v in attrs if k in ("href", "src", "data-scope") and v is not None]


def refs(page: str) -> list[str]:
    parser = _Refs()
    parser.feed(page)
    return parser.refs


def local(page_url: str, page: str) -> list[str]:
    """The page's references to its own host, resolved (fragments dropped)."""
    host = urlsplit(page_url).netloc
    resolved = [urljoin(page_url, r).split("#")[0] for r in refs(page) if not r.startswith(("#", "mailto:"))]
    return sorted({u for u in resolved if urlsplit(u).netloc == host})


def site_setups():
    return pytest.mark.parametrize("proxied", EVERY_SETUP, indirect=True)


def api_setups():
    return pytest.mark.parametrize("proxied", WITH_ROOT_PATH, indirect=True)


@site_setups()
def test_pages_and_everything_they_load_are_under_the_prefix(proxied):
    home = httpx.get(proxied.url + "/")
    assert home.status_code == 200 and "text/html" in home.headers["content-type"]
    urls = local(proxied.url + "/", home.text)
    assert len(urls) > 10
    outside = [u for u in urls if not u.startswith(proxied.url + "/")]
    assert not outside, outside
    for url in urls:
        assert httpx.get(url).status_code == 200, url
    pattern = httpx.get(proxied.url + "/patterns/capacity/disk-full.html")
    assert pattern.status_code == 200 and "Disk full on a host" in pattern.text


@site_setups()
def test_a_folder_redirect_keeps_the_prefix(proxied):
    """/recur/patterns -> /recur/patterns/: the Location was http://host/patterns/, out of the prefix."""
    r = httpx.get(proxied.url + "/patterns?sort=id", follow_redirects=False)
    assert r.status_code == 307, r.text
    assert urljoin(str(r.url), r.headers["location"]) == proxied.url + "/patterns/?sort=id"
    landed = httpx.get(proxied.url + "/patterns", follow_redirects=True)
    assert landed.status_code == 200 and str(landed.url) == proxied.url + "/patterns/"
    assert "Disk full on a host" in landed.text


@site_setups()
@pytest.mark.parametrize("missing", ["/no-such-page", "/patterns/capacity/gone.html", "/a/b/c/"])
def test_a_browser_asking_a_missing_page_gets_the_404_page_with_its_assets(proxied, missing):
    """The 404 page links root-absolute (/assets/...): behind the prefix its CSS, JS and links all
    missed. Now every reference resolves under the prefix, and loads."""
    r = httpx.get(proxied.url + missing, headers={"Accept": "text/html,*/*"})
    assert r.status_code == 404 and r.headers["content-type"].startswith("text/html")
    urls = local(str(r.url), r.text)
    assert any("/assets/stylesheets/" in u for u in urls) and proxied.url + "/index.html" in urls
    outside = [u for u in urls if not u.startswith(proxied.url + "/")]
    assert not outside, outside
    for url in urls:
        assert httpx.get(url).status_code == 200, url
    assert '"base": "/"' not in r.text and '"search": "/' not in r.text  # mkdocs-material's config


@site_setups()
def test_scripts_still_get_the_json_404(proxied):
    r = httpx.get(proxied.url + "/no-such-page")
    assert r.status_code == 404 and r.json()["error"]["code"] == "not_found"


@api_setups()
def test_the_api_and_its_errors_under_the_prefix(proxied):
    """With --root-path uvicorn puts the prefix in front of the path: the limits, the JSON checks
    and the 405 for a known route still go by the route (they saw /recur/api/suggest and let it by)."""
    base = proxied.url
    assert httpx.get(base + "/healthz").json()["status"] == "ok"
    assert httpx.head(base + "/healthz").status_code == 200
    r = httpx.post(base + "/api/suggest", json={"text": "writes fail: No space left on device", "top": 2})
    assert r.status_code == 200 and r.json()["results"][0]["id"] == "disk-full"
    nope = httpx.get(base + "/api/nope")
    assert nope.status_code == 404 and nope.json()["error"]["code"] == "not_found"
    assert nope.json()["error"]["message"] == f"no such route: GET {PREFIX}/api/nope"  # as the client asked
    wrong = httpx.get(base + "/api/suggest")
    assert wrong.status_code == 405 and wrong.json()["error"]["code"] == "method_not_allowed"
    plain = httpx.post(base + "/api/suggest", content=b'{"text": "x"}', headers={"Content-Type": "text/plain"})
    assert plain.status_code == 415 and plain.json()["error"]["code"] == "unsupported_media_type"
    big = httpx.post(base + "/api/suggest", json={"text": "x" * 140_000})  # over 128 KiB
    assert big.status_code == 413 and big.json()["error"]["code"] == "body_too_large"
    assert httpx.get(base + "/assets/recur-api.json").json()["api"] == "/api"
    metrics = httpx.get(base + "/metrics").text
    assert 'route="/api/suggest",status="415"' in metrics and 'route="/api/suggest",status="413"' in metrics


@api_setups()
def test_a_webhook_body_over_nginxs_default_limit_passes_the_proxy(proxied):
    """Found in an operator's review: README's nginx block kept nginx's default client_max_body_size
    (1 MiB), so an Alertmanager group of 2 MB got nginx's HTML 413 while README said webhooks take
    up to 4 MiB. Through the proxy such a body is answered; one over 4 MiB gets Recur's JSON 413."""
    alerts = [
        {"labels": {"alertname": f"DiskFull{i}"}, "annotations": {"description": "disk is full " * 160}}
        for i in range(1000)
    ]
    body = alert_payload(*alerts)
    r = httpx.post(proxied.url + "/api/alertmanager?brief=true", json=body, timeout=120)
    assert len(r.request.content) > 2 * 1024 * 1024
    assert r.status_code == 200, r.text[:300]
    assert len(r.json()["alerts"]) == 100 and r.json()["skipped"] == 900
    over = alert_payload(*alerts * 2)
    r = httpx.post(proxied.url + "/api/alertmanager", json=over, timeout=120)
    assert 4 * 1024 * 1024 < len(r.request.content) < 5 * 1024 * 1024
    assert r.status_code == 413 and r.json()["error"]["code"] == "body_too_large", r.text[:300]


@api_setups()
def test_probes_straight_to_the_server_still_answer(proxied):
    """A load balancer's probe or Alertmanager on the host itself does not go through the proxy."""
    assert httpx.get(proxied.upstream + "/healthz").status_code == 200
    r = httpx.post(proxied.upstream + "/api/suggest", json={"text": "ENOSPC", "top": 1})
    assert r.status_code == 200 and r.json()["results"]
    # a request that reached the server with the prefix on (a proxy that does not strip it): said so,
    # not shown as /recur/recur/api/patterns, which reads as a prefix added twice (found in review)
    unstripped = httpx.get(proxied.upstream + PREFIX + "/api/patterns").json()["error"]["message"]
    assert unstripped.startswith(f"no such route: GET {PREFIX}/api/patterns (this server runs with --root-path")
    assert f"must strip {PREFIX}" in unstripped and PREFIX + PREFIX not in unstripped


@api_setups()
def test_the_access_log_shows_the_path_the_client_asked_for(proxied, caplog):
    """uvicorn puts --root-path in front of every request's path (raw_path too), and the access log
    wrote that: a health probe straight to the server for /healthz was logged as /recur/healthz, and a
    request that reached it unstripped as /recur/recur/api/patterns. A request line is logged as the
    server received it, as nginx does; the proxy's own log has the public URL."""
    import logging

    caplog.set_level(logging.INFO, logger="recur.access")
    asked = {
        proxied.url + "/healthz?from=proxy": "GET /healthz?from=proxy",  # the proxy strips /recur
        proxied.upstream + "/healthz?from=probe": "GET /healthz?from=probe",  # a probe on the host itself
        proxied.upstream + PREFIX + "/api/patterns": f"GET {PREFIX}/api/patterns",  # a proxy that does not strip
    }
    for url in asked:
        httpx.get(url)
    logged = [r.getMessage().split('"')[1] for r in caplog.records if r.name == "recur.access"]
    for request in asked.values():
        assert f"{request} HTTP/1.1" in logged, logged
    assert not [r for r in logged if r.split()[1].startswith((PREFIX + "/healthz", PREFIX + PREFIX))], logged


@api_setups()
@pytest.mark.parametrize("page", ["/docs", "/redoc"])
def test_api_docs_load_their_assets_and_openapi_json_under_the_prefix(proxied, page):
    """FastAPI builds them from ASGI's root_path: /docs loaded /openapi.json and /_docs-assets/ from the host's root."""
    r = httpx.get(proxied.url + page)
    assert r.status_code == 200
    spec = re.search(r"""(?:url: '|spec-url=")([^'"]*openapi\.json)""", r.text).group(1)
    assert spec == PREFIX + "/openapi.json"
    for url in [urljoin(str(r.url), u) for u in [*refs(r.text), spec]]:
        assert url.startswith(proxied.url + "/"), url
        assert httpx.get(url).status_code == 200, url
    openapi = httpx.get(proxied.url + "/openapi.json").json()
    assert openapi["servers"] == [{"url": PREFIX}]  # where Swagger UI's "Try it out" sends requests


@api_setups()
def test_mcp_under_the_prefix(proxied):
    r = httpx.post(
        proxied.url + "/mcp",
        headers={"Accept": "application/json, text/event-stream"},
        json={
            "jsonrpc": "2.0",
            "id": 1,
            "method": "initialize",
            "params": {
                "protocolVersion": "2025-03-26",
                "capabilities": {},
                "clientInfo": {"name": "t", "version": "1"},
            },
        },
    )
    assert r.status_code == 200 and r.headers.get("mcp-session-id"), r.text
    assert '"serverInfo"' in r.text


# --- in Chromium ---------------------------------------------------------------------------


def failed_requests(page) -> list[str]:
    failed: list[str] = []
    page.on("response", lambda r: r.status >= 400 and failed.append(f"{r.status} {r.url}"))
    page.on("requestfailed", lambda r: failed.append(f"failed {r.url}"))
    return failed


@contextlib.contextmanager
def watched_page(chromium):
    """A new page with its JavaScript errors and failed requests collected; closed afterwards."""
    page = chromium.new_page()
    try:
        yield page, page_errors(page), failed_requests(page)
    finally:
        page.close()


@pytest.mark.browser
@api_setups()
def test_the_suggest_box_and_the_site_search_in_a_browser(chromium, proxied):
    with watched_page(chromium) as (page, errors, failed):
        page.goto(proxied.url + "/")
        page.wait_for_selector('.recur-suggest[data-mode="api"]', timeout=60_000)
        page.fill(".recur-suggest__input", "writes fail: No space left on device")
        page.click(".recur-suggest__go")
        page.wait_for_selector(".recur-suggest__card", timeout=60_000)
        card = page.query_selector(".recur-suggest__card")
        assert card.get_attribute("data-pattern") == "disk-full"
        card.query_selector("a.recur-suggest__title").click()
        page.wait_for_load_state()
        assert page.url == proxied.url + "/patterns/capacity/disk-full.html"
        search(page, "ENOSPC")
        assert page.get_attribute(".md-search-result__item a", "href").startswith(proxied.url + "/patterns/")
        assert not errors and not failed, (errors, failed)


def search(page, text: str) -> None:
    page.locator("label.md-search__icon, .md-search__input").first.click()
    page.locator("input.md-search__input").press_sequentially(text, delay=20)  # material searches on key events
    page.wait_for_selector(".md-search-result__item", timeout=60_000)


@pytest.mark.browser
@api_setups()
def test_the_404_page_and_a_folder_redirect_in_a_browser(chromium, proxied):
    with watched_page(chromium) as (page, errors, failed):
        answer = page.goto(proxied.url + "/patterns/capacity/gone.html")
        assert answer.status == 404
        page.wait_for_selector(".md-search__input")
        # mkdocs-material's stylesheet applied (a sticky header), its script running (the search)
        assert page.eval_on_selector(".md-header", "e => getComputedStyle(e).position") == "sticky"
        search(page, "ENOSPC")
        assert page.get_attribute(".md-search-result__item a", "href").startswith(proxied.url + "/patterns/")
        page.goto(proxied.url + "/patterns")
        assert page.url == proxied.url + "/patterns/"
        assert "Disk full on a host" in page.inner_text("body")
        assert failed == [f"404 {proxied.url}/patterns/capacity/gone.html"], failed
        assert [e for e in errors if "404" not in e] == [], errors


@pytest.mark.browser
@api_setups()
def test_swagger_ui_tries_a_request_under_the_prefix(chromium, proxied):
    """/docs renders (its assets and openapi.json found) and "Try it out" calls /recur/healthz."""
    with watched_page(chromium) as (page, errors, failed):
        sent: list[str] = []
        page.on("request", lambda r: sent.append(r.url))
        page.goto(proxied.url + "/docs")
        page.wait_for_selector(".opblock", timeout=60_000)
        page.click(".opblock-get .opblock-summary-path >> text=/healthz")
        page.click("button.try-out__btn")
        page.click("button.execute")
        page.wait_for_selector(".live-responses-table tbody .response-col_status", timeout=60_000)
        assert page.inner_text(".live-responses-table tbody .response-col_status").strip() == "200"
        assert proxied.url + "/healthz" in sent
        assert not errors and not failed, (errors, failed)


def test_a_404_page_built_with_a_site_url_is_made_relative_too():
    """mkdocs roots the 404 page at site_url's path ("/recur/" for https://host/recur/): also made
    relative, so it works at the prefix it was built for and on the server's own port. Links to
    other hosts ("//cdn...") are left alone."""
    from recur.serve.prefix import rebase_404

    page = (
        b'<link href="/recur/assets/main.css"><a href="/recur/">home</a><a href="//cdn.example/x.js">cdn</a>'
        b'<script src="/recur/assets/base.js" data-scope="/recur/"></script><a href="/other/">other</a>'
        b'<script id="__config" type="application/json">{"base": "/recur/", "search": "/recur/assets/w.js"}</script>'
    )
    out = rebase_404(page, "../../")
    assert out == (
        b'<link href="../../assets/main.css"><a href="../../">home</a><a href="//cdn.example/x.js">cdn</a>'
        b'<script src="../../assets/base.js" data-scope="../../"></script><a href="/other/">other</a>'
        b'<script id="__config" type="application/json">{"base": "../../", "search": "../../assets/w.js"}</script>'
    )
    assert rebase_404(b"<p>not mkdocs</p>", "../") == b"<p>not mkdocs</p>"
