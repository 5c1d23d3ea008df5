"""Access control, rate limits, metrics and security headers, against a real uvicorn server."""

from __future__ import annotations

import httpx
import pytest
from kbfactory import small_kb
from serve_util import MCP_ACCEPT as MCP_HEADERS
from serve_util import MCP_INIT as INIT
from serve_util import alert_payload, fake_app, metric, running

TOKEN = "s3cret-token-for-tests-0123456789"
VOTE = {"query": "ENOSPC on the WAL", "pattern": "disk-full", "useful": True}


def app_for(root, **kw):
    kb = root / "kb"
    if not kb.exists():
        small_kb(kb)
    return fake_app(kb, root, feedback_path=root / "feedback.jsonl", **kw)


def assert_error(r, status, code):
    assert r.status_code == status, (r.status_code, r.text)
    assert r.json() == {"error": {"code": code, "message": r.json()["error"]["message"]}}


@pytest.fixture(scope="module")
def write_only(tmp_path_factory):
    root = tmp_path_factory.mktemp("token-write")
    with running(app_for(root, token=TOKEN)) as base:
        yield base, root


def test_feedback_needs_the_token(write_only):
    base, root = write_only
    assert_error(httpx.post(base + "/api/feedback", json=VOTE), 401, "unauthorized")
    r = httpx.post(base + "/api/feedback", json=VOTE, headers={"Authorization": "Bearer wrong"})
    assert_error(r, 401, "unauthorized")
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert_error(httpx.post(base + "/api/feedback", json=VOTE, headers={"Authorization": TOKEN}), 401, "unauthorized")
    assert not (root / "feedback.jsonl").exists()
    r = httpx.post(base + "/api/feedback", json=VOTE, headers={"Authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 201
    assert len((root / "feedback.jsonl").read_text().splitlines()) == 1


def test_a_401_says_whether_the_token_or_the_scheme_is_wrong(write_only):
    """Found in review: 'Authorization: Token <the right token>' was "(the token is wrong)"."""
    base, _ = write_only
    said = {}
    for header in (None, "Bearer wrong", f"Token {TOKEN}", TOKEN, "Bearer", "Token"):
        r = httpx.post(base + "/api/feedback", json=VOTE, headers={"Authorization": header} if header else {})
        assert_error(r, 401, "unauthorized")
        said[header] = r.json()["error"]["message"].split("(")[1].rstrip(")")
    assert said == {
        None: "the token is missing",
        "Bearer wrong": "the token is wrong",
        f"Token {TOKEN}": "the scheme is 'Token', not Bearer",
        TOKEN: "no scheme before the token",
        "Bearer": "the token is missing after the scheme",
        "Token": "the token is missing after the scheme",
    }


def test_reads_stay_open_with_a_write_token(write_only):
    base, _ = write_only
    assert httpx.post(base + "/api/suggest", json={"text": "disk full"}).status_code == 200
    assert httpx.get(base + "/api/patterns").status_code == 200
    assert httpx.get(base + "/metrics").status_code == 200


def test_scope_all_guards_every_api_route(tmp_path):
    with running(app_for(tmp_path, token=TOKEN, token_scope="all")) as base:
        auth = {"Authorization": f"Bearer {TOKEN}"}
        for method, path, body in (
            ("POST", "/api/suggest", {"text": "disk full"}),
            ("GET", "/api/patterns", None),
            ("GET", "/api/patterns/disk-full", None),
            ("GET", "/api/report", None),
            ("GET", "/metrics", None),
            ("POST", "/api/alertmanager", alert_payload({"labels": {"alertname": "X"}})),
            ("POST", "/api/feedback", VOTE),
        ):
            assert_error(httpx.request(method, base + path, json=body), 401, "unauthorized")
            assert httpx.request(method, base + path, json=body, headers=auth).status_code in (200, 201), path
        assert httpx.get(base + "/healthz").status_code == 200  # probes stay open
        scrape = documented_scrape(tmp_path)  # Prometheus, as docs/operating.md configures it, gets /metrics
        assert httpx.get(base + scrape["path"], headers=scrape["headers"]).status_code == 200


def documented_scrape(tmp_path) -> dict:
    """docs/operating.md's Prometheus scrape_config (the ```yaml block after ``<!-- prometheus-scrape -->``) with
    TOKEN in its credentials file: the path and the Authorization header Prometheus sends. Its job is the one
    the example rules' ``up{job=...}`` names; promtool, where installed, accepts it."""
    import re
    import shutil
    import subprocess
    import textwrap
    from pathlib import Path

    import yaml

    text = (Path(__file__).resolve().parents[1] / "docs" / "operating.md").read_text(encoding="utf-8")
    m = re.search(r"<!-- prometheus-scrape -->\s*```yaml\n(.*?)\n\s*```", text, re.S)
    assert m, "docs/operating.md has no ```yaml block after <!-- prometheus-scrape -->"
    (job,) = yaml.safe_load(textwrap.dedent(m.group(1)))["scrape_configs"]
    assert f'up{{job="{job["job_name"]}"}}' in text  # the rule RecurDown watches this job
    auth = job["authorization"]
    token_file = tmp_path / "recur-token"
    token_file.write_text(TOKEN + "\n")  # as a --token-file: the token on its first line
    if shutil.which("promtool"):
        config = tmp_path / "prometheus.yml"
        config.write_text(textwrap.dedent(m.group(1)).replace(auth["credentials_file"], str(token_file)))
        checked = subprocess.run(
            ["promtool", "check", "config", str(config)], capture_output=True, text=True, timeout=60
        )
        assert checked.returncode == 0, checked.stdout + checked.stderr
    credentials = token_file.read_text().strip()  # Prometheus trims the file's whitespace
    return {"path": job.get("metrics_path", "/metrics"), "headers": {"Authorization": f"{auth['type']} {credentials}"}}


def test_a_route_that_needs_the_token_refuses_before_it_reads_the_body(tmp_path):
    """Found in review: the token was checked by the routes' dependencies, which FastAPI runs after
    parsing the body: without a token, '{bad' got 400 bad_json and '[]' 401, and an oversized body
    413. A request that needs the token and lacks it now gets the 401 whatever its body."""
    json_header = {"Content-Type": "application/json"}
    with running(app_for(tmp_path, token=TOKEN, token_scope="all")) as base:
        for path in ("/api/suggest", "/api/feedback", "/api/alertmanager"):
            for body in (b"{bad", b"[]", b"{" + b" " * (70 * 1024) + b"}"):
                assert_error(httpx.post(base + path, content=body, headers=json_header), 401, "unauthorized")
        auth = {**json_header, "Authorization": f"Bearer {TOKEN}"}
        assert_error(httpx.post(base + "/api/suggest", content=b"{bad", headers=auth), 400, "bad_json")
    with running(app_for(tmp_path / "w", token=TOKEN)) as base:  # scope write: reads stay open
        assert_error(httpx.post(base + "/api/suggest", content=b"{bad", headers=json_header), 400, "bad_json")
        assert_error(httpx.post(base + "/api/feedback", content=b"{bad", headers=json_header), 401, "unauthorized")


def test_feedback_is_rate_limited_per_client(tmp_path):
    with running(app_for(tmp_path, feedback_per_minute=6)) as base:  # bursts of 3
        codes = [httpx.post(base + "/api/feedback", json=VOTE).status_code for _ in range(5)]
        assert codes[:3] == [201, 201, 201] and codes[3:] == [429, 429]
        r = httpx.post(base + "/api/feedback", json=VOTE)
        assert_error(r, 429, "too_many_requests")
        assert int(r.headers["retry-after"]) >= 1
        assert httpx.post(base + "/api/suggest", json={"text": "disk full"}).status_code == 200
    assert len((tmp_path / "feedback.jsonl").read_text().splitlines()) == 3


def test_metrics_count_requests_answers_and_the_index(tmp_path):
    with running(app_for(tmp_path)) as base:
        httpx.post(base + "/api/suggest", json={"text": "No space left on device"})
        httpx.post(base + "/api/suggest", json={"text": "x" * 140_000})  # over its 128 KiB
        httpx.get(base + "/api/patterns/nope")
        httpx.get(base + "/api/random/path/1")
        httpx.post(base + "/api/random/path/2", json={"text": "x" * 70000})  # turned away before routing
        httpx.get(base + "/api/suggest")  # a known route, the wrong method: a 405 of /api/suggest
        httpx.delete(base + "/api/patterns/disk-full")
        # HEAD is answered as GET: counted under the route it matched (found in review: "/api/{unknown}",
        # and HEAD /docs as "docs" where GET /docs is "/docs")
        assert httpx.head(base + "/api/patterns/disk-full").status_code == 200
        assert httpx.head(base + "/docs").status_code == 200
        r = httpx.get(base + "/metrics")
        assert r.status_code == 200 and r.headers["content-type"].startswith("text/plain")
        m = r.text
    assert metric(m, "recur_http_requests_total", route="/api/suggest", method="POST", status="200") == 1
    assert metric(m, "recur_http_requests_total", route="/api/suggest", method="POST", status="413") == 1
    assert metric(m, "recur_http_requests_total", route="/api/patterns/{pattern_id}", status="404") == 1
    # one label for /api paths no route has, whichever layer answered (found in the service audit:
    # the 404 was "/api/{rest:path}", the fallback's template, and the 413 "/api/{unknown}")
    assert metric(m, "recur_http_requests_total", route="/api/{unknown}", status="404") == 1
    assert metric(m, "recur_http_requests_total", route="/api/{unknown}", status="413") == 1
    assert metric(m, "recur_http_requests_total", route="/api/suggest", method="GET", status="405") == 1
    assert metric(m, "recur_http_requests_total", route="/api/patterns/{pattern_id}", status="405") == 1
    assert metric(m, "recur_http_requests_total", route="/api/{unknown}", status="405") == 0
    assert metric(m, "recur_http_requests_total", route="/api/patterns/{pattern_id}", method="HEAD", status="200") == 1
    assert metric(m, "recur_http_requests_total", route="/docs", method="HEAD", status="200") == 1
    assert metric(m, "recur_http_requests_total", route="/api/{unknown}", status="200") == 0
    assert "/api/random" not in m and "rest:path" not in m  # raw paths never become labels
    assert metric(m, "recur_http_request_duration_seconds_count", route="/api/suggest") == 3  # the 405 too
    assert metric(m, "recur_suggest_answers_total") == 1  # the 413 never reached the engine
    assert metric(m, "recur_suggest_answers_total", confidence="high", no_known_pattern="false") == 1
    assert metric(m, "recur_index_patterns") == 3 and metric(m, "recur_ready") == 1
    assert metric(m, "recur_index_age_seconds") >= 0 and "recur_index_info{build_id=" in m
    assert metric(m, "recur_index_reloads_total") == 0


SECURITY = ("content-security-policy", "x-content-type-options", "referrer-policy")


def test_security_headers_on_every_kind_of_response(tmp_path):
    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<h1>site</h1>")
    (tmp_path / "secret.txt").write_text("outside the site")
    with running(app_for(tmp_path, site_dir=site)) as base:
        for method, path in (
            ("GET", "/"),
            ("GET", "/healthz"),
            ("GET", "/metrics"),
            ("GET", "/api/patterns"),
            ("GET", "/nope.html"),
            ("GET", "/docs"),
            ("GET", "/openapi.json"),
            ("POST", "/api/suggest"),
        ):
            r = httpx.request(method, base + path)
            assert all(h in r.headers for h in SECURITY), (path, r.headers)
            assert r.headers["x-content-type-options"] == "nosniff"
            csp = r.headers["content-security-policy"]
            assert "default-src 'self'" in csp and "'unsafe-inline'" not in csp.split("script-src")[1].split(";")[0]
            # uvicorn's "server: uvicorn" named the server (and told a scanner what to try): left out
            assert "server" not in r.headers, (path, r.headers)
        for path in (
            "/../secret.txt",
            "/%2e%2e/secret.txt",
            "/..%2fsecret.txt",
            "/assets/..%2f..%2fsecret.txt",
            "/assets/%2e%2e/%2e%2e/secret.txt",
            "/%252e%252e/secret.txt",
            "//secret.txt",
        ):
            raw = raw_get(base, path)
            assert b"outside the site" not in raw, path
            assert raw.startswith((b"HTTP/1.1 404", b"HTTP/1.1 400")), (path, raw[:60])
            assert b"\r\nserver:" not in raw.split(b"\r\n\r\n")[0].lower(), raw[:400]


def test_no_cache_keeps_an_answer_of_the_api_and_the_site_files_keep_theirs(tmp_path):
    """A token-guarded answer said nothing of caching: a reverse proxy's cache (nginx's proxy_cache_valid, which
    keys on no Authorization) gave it to the next client without the token (found in a security review). Every
    answer of the API, /metrics and /healthz, its errors too, is Cache-Control: no-store; a site file keeps
    its ETag and no such header."""
    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<h1>site</h1>")
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with running(app_for(tmp_path, site_dir=site, token=TOKEN, token_scope="all")) as base:
        for method, path, headers in (
            ("GET", "/api/patterns", auth),
            ("GET", "/api/patterns/disk-full", auth),
            ("GET", "/api/patterns", {}),
            ("GET", "/api/report", auth),
            ("GET", "/api/report?as_of=x", auth),
            ("GET", "/api/nope", auth),
            ("POST", "/api/suggest", auth),
            ("GET", "/metrics", auth),
            ("GET", "/healthz", {}),
            ("POST", "/mcp", {**auth, **MCP_HEADERS}),
        ):
            body = INIT if path == "/mcp" else ({"text": "disk full"} if method == "POST" else None)
            r = httpx.request(method, base + path, headers=headers, json=body)
            # /mcp's event stream keeps the MCP SDK's own "no-cache, no-transform", which no cache serves again
            wanted = "no-cache, no-transform" if path == "/mcp" else "no-store"
            assert r.headers.get("cache-control") == wanted, (path, r.status_code, r.headers)
        page = httpx.get(base + "/")
        assert page.status_code == 200 and "cache-control" not in page.headers and page.headers["etag"]


def raw_get(base: str, path: str) -> bytes:
    """The path exactly as given (httpx would normalise the dots away)."""
    import socket

    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=60) as s:
        s.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".encode())
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    return out


def test_bound_to_loopback_every_route_refuses_a_foreign_host_or_origin(tmp_path):
    """DNS rebinding (found in review): bound to 127.0.0.1, a page whose name is rebound to it reached the
    API, the site and /metrics with its own Host (200), and posted with its own Origin; only /mcp refused
    it. Every route now refuses as /mcp does: 421 for the Host, 403 for the Origin, in the route's shape;
    the loopback names, a named proxy host and a same-origin POST are served as before."""
    with running(app_for(tmp_path, host="127.0.0.1", mcp_allowed_hosts=("kb.example.com",))) as base:
        evil = {"Host": "evil.example"}
        for path in ("/api/patterns", "/api/patterns/disk-full", "/", "/metrics", "/docs"):
            assert_error(httpx.get(base + path, headers=evil), 421, "misdirected_request")
        assert httpx.head(base + "/api/patterns", headers=evil).status_code == 421
        r = httpx.post(base + "/api/suggest", json={"text": "disk full"}, headers={"Origin": "http://evil.example"})
        assert_error(r, 403, "forbidden_origin")
        r = httpx.post(base + "/mcp", json=INIT, headers={**MCP_HEADERS, **evil})
        assert r.status_code == 421 and r.json()["error"]["code"] == -32600, r.text
        port = base.rsplit(":", 1)[1]
        for host in (f"127.0.0.1:{port}", f"localhost:{port}", f"[::1]:{port}", "kb.example.com", "KB.example.com:443"):
            assert httpx.get(base + "/api/patterns", headers={"Host": host}).status_code == 200, host
        for origin in (base, f"http://localhost:{port}", "https://kb.example.com"):
            r = httpx.post(base + "/api/suggest", json={"text": "disk full"}, headers={"Origin": origin})
            assert r.status_code == 200, (origin, r.text)
        assert_error(httpx.get(base + "/api/patterns", headers={"Host": "10.0.0.5"}), 421, "misdirected_request")
        assert_error(
            httpx.get(base + "/api/patterns", headers={"Host": "localhost.evil.example"}), 421, "misdirected_request"
        )
        # an HTTP/1.0 probe sends no Host (HAProxy's httpchk): no browser does, so it is not refused for it
        import socket

        with socket.create_connection(("127.0.0.1", int(port)), timeout=60) as s:
            s.sendall(b"GET /healthz HTTP/1.0\r\n\r\n")
            assert s.recv(64).split(b"\r\n")[0].endswith(b"200 OK")


def test_named_hosts_are_enforced_on_any_bind_address(tmp_path):
    """--mcp-allowed-host was ignored off loopback (found in review: `--host 0.0.0.0 --mcp-allowed-host
    kb.example.com`, a foreign Host and Origin got 200 on /mcp). Named, the hosts are enforced on every
    route on any bind for a browser's request (Origin, Sec-Fetch-*: what DNS rebinding sends); an IP
    address is accepted there too. A machine's request is not checked off loopback: Alertmanager and
    Prometheus call a server by a service name no one names (found in the read of the diff: 421s).
    Without names, a server off loopback answers any Host, as before. A named host with a port is its name."""
    browser = {"Sec-Fetch-Site": "cross-site", "Sec-Fetch-Mode": "cors"}
    with running(app_for(tmp_path, host="0.0.0.0", mcp_allowed_hosts=("kb.example.com:443",))) as base:
        r = httpx.post(
            base + "/mcp", json=INIT, headers={**MCP_HEADERS, "Host": "evil.example", "Origin": "http://evil.example"}
        )
        assert r.status_code == 421, r.text
        refused = httpx.get(base + "/api/patterns", headers={"Host": "evil.example", **browser})
        assert_error(refused, 421, "misdirected_request")
        for host in ("kb.example.com", "10.1.2.3:8000", "[fd00::5]:8000"):
            assert httpx.get(base + "/healthz", headers={"Host": host, **browser}).status_code == 200, host
        assert httpx.get(base + "/healthz", headers={"Host": "recur:8000"}).status_code == 200  # a service name
        alert = {"version": "4", "status": "firing", "alerts": []}
        assert httpx.post(base + "/api/alertmanager", json=alert, headers={"Host": "recur:8000"}).status_code == 200
        r = httpx.post(base + "/mcp", json=INIT, headers={**MCP_HEADERS, "Host": "kb.example.com"})
        assert r.status_code == 200, r.text
    with running(app_for(tmp_path / "open", host="0.0.0.0")) as base:
        assert httpx.get(base + "/api/patterns", headers={"Host": "anything.example"}).status_code == 200


def test_scope_all_tells_the_site_box_there_is_no_api_for_a_browser(tmp_path):
    """Under --token-scope all the box read {"api": "/api"}, found /api/healthz open, switched to the API
    and every search was a 401 (found in review). The discovery file now says there is no API for a
    browser, and names the built site's in-browser search bundle, as the static copy does."""
    import json

    site = tmp_path / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<html></html>")
    shipped = {"api": None, "browser": "search/bundle.json", "browser_bytes": 29_600_000, "about": "a static copy"}
    (site / "assets" / "recur-api.json").write_text(json.dumps(shipped))
    with running(app_for(tmp_path, token=TOKEN, token_scope="all", site_dir=site)) as base:
        found = httpx.get(base + "/assets/recur-api.json").json()
        assert found["api"] is None and found["browser"] == "search/bundle.json", found
        # the box tells this reason from the static file's own note by token_scope; the bundle's size kept
        assert found["token_scope"] == "all" and "token-scope all" in found["about"], found
        assert found["browser_bytes"] == 29_600_000, found
        assert httpx.post(base + "/api/suggest", json={"text": "disk full"}).status_code == 401
    (site / "assets" / "recur-api.json").unlink()  # a site built without the bundle: the box searches by words
    with running(app_for(tmp_path, token=TOKEN, token_scope="all", site_dir=site)) as base:
        found = httpx.get(base + "/assets/recur-api.json").json()
        assert found["api"] is None and "browser" not in found and found["token_scope"] == "all", found
    with running(app_for(tmp_path, token=TOKEN, site_dir=site)) as base:  # write scope: reads stay open
        assert httpx.get(base + "/assets/recur-api.json").json()["api"] == "/api"


def _feedback_logged(caplog, n: int, wait: float = 60) -> list[str]:
    """The access log's lines for /api/feedback once there are ``n``: a line is written when its answer has gone
    out, so the client may read the last answer before its line is logged (a bound on a hang, not a speed)."""
    import time

    deadline = time.monotonic() + wait
    while True:
        records = list(caplog.records)
        logged = [r.getMessage() for r in records if r.name == "recur.access" and "feedback" in r.getMessage()]
        if len(logged) >= n or time.monotonic() > deadline:
            return logged
        time.sleep(0.02)


def test_a_token_in_the_query_string_is_named_and_kept_out_of_the_access_log(write_only, caplog):
    """`POST /api/feedback?token=...` was told "the token is missing" and the token was written whole to
    the access log (found in review). The 401 says to send it in the header; the log has it redacted."""
    import logging

    caplog.set_level(logging.INFO, logger="recur.access")
    base, root = write_only
    for name in ("token", "access_token", "Access_Token"):
        r = httpx.post(base + f"/api/feedback?x=1&{name}={TOKEN}&y=2", json=VOTE)
        assert_error(r, 401, "unauthorized")
        assert "send it in the Authorization header" in r.json()["error"]["message"], r.text
    r = httpx.post(base + "/api/feedback?tokens=1", json=VOTE)  # another name: the token is just missing
    assert r.json()["error"]["message"].endswith("(the token is missing)"), r.text
    logged = _feedback_logged(caplog, 4)
    assert len(logged) == 4 and all(TOKEN not in line for line in logged), logged
    assert '"POST /api/feedback?x=1&token=REDACTED&y=2 HTTP/1.1" 401' in logged[0], logged[0]
    assert "?tokens=1 " in logged[3]


def test_a_percent_encoded_token_name_is_kept_out_of_the_access_log_too(write_only, caplog):
    """`?%74oken=<token>` (or `access%5Ftoken`) is the name `token` once decoded: the 401 named it as a
    token in the URL, yet the access log matched only the name as sent, and wrote the token whole
    (found in the security review)."""
    import logging

    caplog.set_level(logging.INFO, logger="recur.access")
    base, _ = write_only
    for name in ("%74oken", "access%5Ftoken", "%54OKEN"):
        r = httpx.post(base + f"/api/feedback?x=1&{name}={TOKEN}", json=VOTE)
        assert "send it in the Authorization header" in r.json()["error"]["message"], r.text
    logged = _feedback_logged(caplog, 3)
    assert len(logged) == 3 and all(TOKEN not in line for line in logged), logged
    assert '"POST /api/feedback?x=1&%74oken=REDACTED HTTP/1.1" 401' in logged[0], logged[0]


def test_pasted_texts_and_secrets_are_kept_out_of_the_access_log(tmp_path, caplog):
    """A shared describe link (or the header search's "Ask the describe box") put the pasted log line,
    an e-mail address and a password in it, in the access log; ?password= and ?api_key= were written
    whole, and the Referer never redacted (found in the privacy review). Their values are REDACTED, the
    names kept, in the line and in the JSON fields alike; other parameters stay as sent."""
    import logging

    site = tmp_path / "site"
    site.mkdir()
    (site / "index.html").write_text("<html></html>")
    caplog.set_level(logging.INFO, logger="recur.access")
    pasted = "describe=ERROR+login+failed+for+alice%40example.com+password%3DHunter2Secret"
    query = f"{pasted}&q=bob%40example.com&h=carol&password=abc123&Api-Key=xyz789&x=1&tokens=2&author=dan"
    query += "&X-Amz-Signature=sig0&client_secret=cs0&pwd=p0;sig=s0&k=v;describe=semi+colon"
    referer = "http://other.example/index.html?token=REFTOKEN999&describe=erin%40example.com&page=2#access_token=F0"
    with running(app_for(tmp_path, site_dir=site)) as base:
        assert httpx.get(f"{base}/index.html?{query}", headers={"Referer": referer}).status_code == 200
    records = [rec for rec in caplog.records if rec.name == "recur.access" and "index.html" in rec.getMessage()]
    assert len(records) == 1, [rec.getMessage() for rec in caplog.records]
    line, fields = records[0].getMessage(), records[0].request_fields
    kept = (
        "/index.html?describe=REDACTED&q=REDACTED&h=REDACTED&password=REDACTED&Api-Key=REDACTED&x=1&tokens=2"
        "&author=dan&X-Amz-Signature=REDACTED&client_secret=REDACTED&pwd=REDACTED&k=v;describe=REDACTED"
    )
    said = "http://other.example/index.html?token=REDACTED&describe=REDACTED&page=2#access_token=REDACTED"
    assert f'"GET {kept} HTTP/1.1" 200' in line and f'"{said}"' in line, line
    assert fields["path"] == kept and fields["referer"] == said, fields
    for secret in (
        "alice",
        "Hunter2",
        "bob",
        "carol",
        "abc123",
        "xyz789",
        "sig0",
        "cs0",
        "p0",
        "REFTOKEN999",
        "erin",
        "F0",
        "s0",
        "semi",
    ):
        assert secret not in line and secret not in str(fields), secret


def test_readme_lists_every_metric_metrics_exposes(tmp_path):
    """docs/operating.md's "Metrics" names every series family /metrics exposes, and no other: it left out
    recur_index_patterns_left_out, which its own alert example elsewhere relies on (found in an
    operator's review). Counters are named as scraped (``_total``), a histogram by its family name."""
    import re
    from pathlib import Path

    from prometheus_client.parser import text_string_to_metric_families

    with running(app_for(tmp_path)) as base:
        httpx.post(base + "/api/suggest", json={"text": "No space left on device"})  # the labelled ones have a series
        text = httpx.get(base + "/metrics").text
    families = list(text_string_to_metric_families(text))
    names = {f.name for f in families}
    # prometheus-client's start time of each counter and histogram, a gauge family of its own: README says so once
    created = {n for n in names if n.endswith("_created") and n.removesuffix("_created") in names}
    exposed = {f.name + ("_total" if f.type == "counter" else "") for f in families if f.name not in created}
    readme = (Path(__file__).resolve().parents[1] / "docs" / "operating.md").read_text(encoding="utf-8")
    section = readme.split("- **Metrics.**", 1)[1].split("Example rules", 1)[0]
    listed = set(re.findall(r"`((?:recur|process|python)_[a-z_]+)", section))
    assert listed == exposed, (sorted(exposed - listed), sorted(listed - exposed))
    assert created and "`_created`" in section
