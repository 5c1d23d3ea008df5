"""An integration engineer's review of the API (found with curl and Python's requests): a text under the character
limit refused for the bytes its JSON escapes took, wrong paths answered a misleading 405 by the site, a query
parameter GET /api/patterns/{id} ignored, a body in a declared charset refused, a misspelt alert status read as
firing. Through a real uvicorn server (fake:64 encoder), the error shape checked on every refusal."""

from __future__ import annotations

import json
import socket
from urllib.parse import urlsplit

import httpx
import pytest
from kbfactory import small_kb
from serve_util import alert_payload, fake_app, running, stub_site

from recur.retrieval.query import MAX_QUERY_CHARS

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server with a built site at / (whose handler answered every path no route took) and one without."""
    root = tmp_path_factory.mktemp("review")
    kb = small_kb(root / "kb")
    site = stub_site(root)
    with running(fake_app(kb, root, site_dir=site, feedback_path=root / "fb.jsonl")) as with_site:
        other = tmp_path_factory.mktemp("review-bare")
        with running(fake_app(kb, other)) as bare:
            yield {"site": with_site, "bare": bare}


def refused(r: httpx.Response, status: int, code: str) -> str:
    """The message of an error answered in the one shape, ``{"error": {"code", "message"}}``."""
    assert r.status_code == status, (r.status_code, r.text)
    assert r.headers["content-type"].startswith("application/json"), r.headers
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    assert body["error"]["code"] == code, body
    return body["error"]["message"]


def raw_request(base: str, method: str, path: str, body: bytes = b"", headers: dict | None = None):
    """A request with its path exactly as given (``//api/suggest``: an HTTP client normalises it), as curl
    --path-as-is sends it: (status, headers, the JSON body)."""
    u = urlsplit(base)
    head = {"Host": u.netloc, "Content-Length": str(len(body)), "Connection": "close", **(headers or {})}
    lines = "".join(f"{k}: {v}\r\n" for k, v in head.items())
    with socket.create_connection((u.hostname, u.port), timeout=30) as s:
        s.sendall(f"{method} {path} HTTP/1.1\r\n{lines}\r\n".encode() + body)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    top, _, payload = data.partition(b"\r\n\r\n")
    status_line, *header_lines = top.decode("latin-1").split("\r\n")
    got = dict(line.split(": ", 1) for line in header_lines)
    return int(status_line.split()[1]), {k.lower(): v for k, v in got.items()}, json.loads(payload)


# 1. The body limit holds a text of MAX_QUERY_CHARS characters however its JSON escapes them


def test_a_text_under_the_character_limit_is_not_refused_for_its_escapes(served):
    """Found in review: 15,000 Japanese characters sent by requests.post(json=...) (\\uXXXX, 6 bytes each) were a
    413 of 90,022 bytes, where the same text as UTF-8 (45,012 bytes) was searched."""
    base = served["bare"]
    text = "ディスク容量不足" * (MAX_QUERY_CHARS // 8)  # MAX_QUERY_CHARS characters, 6 bytes each escaped
    body = json.dumps({"text": text, "top": 3}).encode()  # ensure_ascii, as requests' json= writes it
    assert len(body) > 6 * MAX_QUERY_CHARS
    r = httpx.post(base + "/api/suggest", content=body, headers=JSON, timeout=60)
    assert r.status_code == 200, r.text
    vote = {"query": text, "pattern": "disk-full", "useful": True, "voter": "v" * 200}
    r = httpx.post(base + "/api/feedback", content=json.dumps(vote).encode(), headers=JSON, timeout=60)
    assert r.status_code == 201 and r.json()["status"] == "recorded", r.text


def test_a_body_its_escapes_made_too_large_says_so(served):
    """A text of characters outside the BMP, escaped as surrogate pairs (12 bytes a character), can still pass
    the limit: the 413 says the escapes made it large and how to send it instead, with Content-Length and
    chunked alike."""
    base = served["bare"]
    body = json.dumps({"text": "\U00020000" * MAX_QUERY_CHARS}).encode()
    for content in (body, (body[i : i + 8192] for i in range(0, len(body), 8192))):
        message = refused(
            httpx.post(base + "/api/suggest", content=content, headers=JSON, timeout=60), 413, "body_too_large"
        )
        assert "\\uXXXX escapes" in message and "ensure_ascii=False" in message, message
        assert f"a text is searched up to {MAX_QUERY_CHARS:,} characters" in message, message
    plain = json.dumps({"text": "x" * 140_000}).encode()  # no escapes: nothing said of them
    message = refused(httpx.post(base + "/api/suggest", content=plain, headers=JSON, timeout=60), 413, "body_too_large")
    assert "escape" not in message, message


# 2. A path that is no route is a 404 naming the right one; Allow is right on every route for every method


# Requests refused for their path or their method, each asked of both servers: (method, path, the status, what the
# answer names: for a 404 the route meant, None where there is none; for a 405 the route's Allow)
WRONG_PATH_OR_METHOD = [
    ("POST", "//api/suggest", 404, "/api/suggest"),
    ("POST", "/webhook", 404, "/api/alertmanager"),
    ("POST", "/alertmanager", 404, "/api/alertmanager"),
    ("POST", "/api/webhook", 404, "/api/alertmanager"),
    ("PUT", "/suggest", 404, None),
    ("DELETE", "/nope.html", 404, None),
    ("PROPFIND", "/api/feedback", 405, "POST"),
    ("GET", "/api/suggest", 405, "POST"),
    ("MKCOL", "/api/alertmanager", 405, "POST"),
    ("DELETE", "/api/patterns/disk-full", 405, "GET, HEAD"),
    ("PROPFIND", "/api/patterns", 405, "GET, HEAD"),
    ("POST", "/healthz", 405, "GET, HEAD"),
]


def answered(status: int) -> list[tuple]:
    """The requests of WRONG_PATH_OR_METHOD answered ``status``: (method, path, what the answer names)."""
    return [(method, path, named) for method, path, said, named in WRONG_PATH_OR_METHOD if said == status]


@pytest.mark.parametrize("server", ["site", "bare"])
@pytest.mark.parametrize("method,path,meant", answered(404))
def test_a_method_on_a_path_that_is_no_route_is_a_404_naming_the_route(served, server, method, path, meant):
    """Found in review: POST //api/suggest, /webhook and /alertmanager were the site's 405 "allow: GET, HEAD", and
    Alertmanager does not retry a 4xx: the message must name the right path."""
    status, headers, body = raw_request(served[server], method, path, b"{}", JSON)
    assert status == 404 and set(body) == {"error"} and body["error"]["code"] == "not_found", (status, body)
    message = body["error"]["message"]
    assert message.startswith(f"no such route: {method} {path}"), message
    assert ("did you mean" not in message) if meant is None else f"(did you mean {meant}?)" in message, message


@pytest.mark.parametrize("server", ["site", "bare"])
@pytest.mark.parametrize(
    "method, path, said",
    [
        ("GET", "/patterns/%2e%2e/%2e%2e/etc/passwd", "/patterns/../../etc/passwd"),
        ("GET", "/patterns/.%2E/x", "/patterns/../x"),
        ("GET", "//api/patterns/%2e%2e/x", "//api/patterns/../x"),
        ("POST", "/%2e/webhook", "/./webhook"),
    ],
)
def test_a_path_with_a_dot_segment_is_pointed_at_no_route(served, server, method, path, said):
    """Found in a re-read: GET /patterns/%2e%2e/%2e%2e/etc/passwd said "did you mean /api/patterns/../../etc/passwd?",
    a did-you-mean echoing a traversal as a path to try. A path with a "." or ".." segment is pointed at none."""
    status, _, body = raw_request(served[server], method, path, b"{}", {**JSON, "accept": "application/json"})
    assert status == 404 and body["error"]["code"] == "not_found", (status, body)
    assert body["error"]["message"] == f"no such route: {method} {said}", body


@pytest.mark.parametrize("server", ["site", "bare"])
@pytest.mark.parametrize("method,path,allow", answered(405))
def test_a_route_asked_with_another_method_is_a_405_with_its_allow(served, server, method, path, allow):
    """Found in review: PROPFIND /api/feedback was the site's 405 "allow: GET, HEAD", where the route takes POST."""
    status, headers, body = raw_request(served[server], method, path)
    assert status == 405 and body["error"]["code"] == "method_not_allowed", (status, body)
    assert headers["allow"] == allow, headers
    assert body["error"]["message"] == f"{method} is not allowed on {path} (allowed: {allow})"


def test_a_site_file_asked_with_another_method_is_still_a_405(served):
    status, headers, body = raw_request(served["site"], "POST", "/index.html")
    assert status == 405 and headers["allow"] == "GET, HEAD" and body["error"]["code"] == "method_not_allowed"


def test_the_home_page_of_a_site_not_built_yet_takes_get_only(tmp_path):
    """A --site folder not built yet: / is a page saying so, which POST got too (200); any other path is no route."""
    with running(fake_app(small_kb(tmp_path / "kb"), tmp_path, site_dir=tmp_path / "unbuilt")) as base:
        status, headers, body = raw_request(base, "POST", "/", b"{}", JSON)
        assert status == 405 and headers["allow"] == "GET, HEAD" and body["error"]["code"] == "method_not_allowed"
        status, _, body = raw_request(base, "POST", "/webhook", b"{}", JSON)
        assert (
            status == 404
            and body["error"]["message"] == "no such route: POST /webhook (did you mean /api/alertmanager?)"
        )
        assert httpx.get(base + "/", timeout=30).status_code == 200


# 3. GET /api/patterns/{id} refuses a query parameter it does not read, as GET /api/patterns does


def test_a_pattern_refuses_an_unknown_query_parameter(served):
    base = served["bare"]
    message = refused(httpx.get(base + "/api/patterns/disk-full?steps=3", timeout=30), 422, "invalid_request")
    assert message.startswith("unknown query parameter(s): steps (it takes none"), message
    assert httpx.get(base + "/api/patterns/disk-full", timeout=30).status_code == 200


# 4. A body in a declared charset other than UTF-8 is read in that charset


@pytest.mark.parametrize("charset", ["iso-8859-1", "windows-1252", "latin1"])
def test_a_body_in_its_declared_charset_is_read(served, charset):
    """Found in review: `charset=iso-8859-1` with é was "not UTF-8 text: byte 0xe9 at offset 22" (PowerShell 5.1
    sends its bodies in Latin-1)."""
    base = served["bare"]
    body = '{"text": "disque plein: écriture refusée", "top": 2}'.encode("latin-1")
    r = httpx.post(
        base + "/api/suggest", content=body, headers={"content-type": f"application/json; charset={charset}"}
    )
    assert r.status_code == 200, r.text
    assert r.json()["query"] == "disque plein: écriture refusée"


def test_a_body_its_charset_cannot_read_names_it(served):
    base = served["bare"]
    said = {"content-type": "application/json; charset=windows-1252"}
    r = httpx.post(base + "/api/suggest", content=b'{"text": "disk \x81"}', headers=said, timeout=30)
    message = refused(r, 400, "bad_json")
    assert "windows-1252" in message and "0x81" in message, message
    # undeclared, not UTF-8: said as before, with what to do
    r = httpx.post(base + "/api/suggest", content='{"text": "é"}'.encode("latin-1"), headers=JSON, timeout=30)
    message = refused(r, 400, "bad_json")
    assert "not UTF-8 text: byte 0xe9 at offset 10" in message and "charset=" in message, message


@pytest.mark.parametrize("charset", ["base64", "rot13", "hex", "zlib", "undefined"])
def test_a_charset_naming_no_text_encoding_is_an_unknown_charset(served, charset):
    """Found in review: Python names bytes-to-bytes codecs too; as a charset, a 500 with a traceback."""
    base = served["bare"]
    said = {"content-type": f"application/json; charset={charset}"}
    r = httpx.post(base + "/api/suggest", content=b'{"text": "disk full caf\xe9"}', headers=said, timeout=30)
    message = refused(r, 400, "bad_json")
    assert f"charset={charset} is not one this server knows" in message, message
    # a UTF-8 body under such a label is read as UTF-8, as under a name Python does not know at all
    r = httpx.post(base + "/api/suggest", content='{"text": "disk full café"}'.encode(), headers=said, timeout=30)
    assert r.status_code == 200 and r.json()["query"] == "disk full café", r.text


@pytest.mark.parametrize("charset", ["utf-8", "UTF8", '"utf-8"'])
def test_a_body_declared_utf8_that_is_not_is_not_told_its_charset_is_unknown(served, charset):
    """Found in review: a Latin-1 body declared UTF-8 was told "charset=utf-8 is not one this server knows"."""
    base = served["bare"]
    said = {"content-type": f"application/json; charset={charset}"}
    r = httpx.post(base + "/api/suggest", content=b'{"text": "caf\xe9"}', headers=said, timeout=30)
    message = refused(r, 400, "bad_json")
    assert "not UTF-8 text: byte 0xe9 at offset 13" in message, message
    assert "not one this server knows" not in message and "name the charset it is in" in message, message


# 5. An alert's status is "firing" or "resolved": a misspelt one is refused, naming the alert


@pytest.mark.parametrize("status", ["resovled", "pending", "", "FIRED"])
def test_an_unknown_alert_status_is_refused_naming_the_alert(served, status):
    """Found in review: "resovled" was read as firing, the alert searched and answered as if it fired."""
    base = served["bare"]
    payload = alert_payload({"labels": {"alertname": "HostDiskFull"}}, {"labels": {"alertname": "CoreDNSDown"}})
    payload["alerts"][1]["status"] = status
    message = refused(httpx.post(base + "/api/alertmanager", json=payload, timeout=30), 422, "invalid_request")
    assert message.startswith('alerts.1.status: must be "firing" or "resolved"'), message
    assert json.dumps(status) in message, message


@pytest.mark.parametrize("status", ["firing", "resolved", "Resolved", " firing ", " FIRING"])
def test_the_statuses_alertmanager_and_grafana_send_are_read(served, status):
    """Found in re-review: the alert's status was said back as sent (" FIRING"): it is said as read."""
    base = served["bare"]
    payload = alert_payload({"labels": {"alertname": "HostDiskFull"}})
    payload["alerts"][0]["status"] = status
    r = httpx.post(base + "/api/alertmanager", json=payload, timeout=30)
    assert r.status_code == 200, r.text
    assert r.json()["alerts"][0]["resolved"] == (status.strip().lower() == "resolved")
    assert r.json()["alerts"][0]["status"] == status.strip().lower(), r.json()["alerts"][0]["status"]


@pytest.mark.parametrize("status", ["FIRING", "resovled"])
def test_a_pasted_alerts_status_is_read_as_the_webhook_reads_it(served, status):
    """Found in re-review: pasted to /api/suggest, "FIRING" was read as resolved and "resovled" silently as
    resolved, where the webhook reads the one as firing and refuses the other; a paste cannot be refused, so an
    unknown status is read as firing and the query_note says so."""
    base = served["bare"]
    payload = alert_payload({"labels": {"alertname": "Gone"}}, {"labels": {"alertname": "HostDiskFull"}})
    payload["alerts"][0]["status"], payload["alerts"][1]["status"] = "resolved", status
    r = httpx.post(base + "/api/suggest", json={"text": json.dumps(payload)}, timeout=30)
    assert r.status_code == 200, r.text
    note = r.json()["query_note"]
    assert r.json()["query"] == "HostDiskFull", r.json()["query"]
    assert "searched alert 'HostDiskFull' by" in note and "resolved (none" not in note, note
    unread = f"its status '{status}' is neither firing nor resolved: read as firing"
    assert (unread in note) == (status == "resovled"), note


@pytest.mark.parametrize("status", ["resovled", "pending", "", "FIRED"])
def test_an_unknown_group_status_is_refused_as_an_alerts_is(served, status):
    """Found in review: the group's top-level status was taken whatever it said ("resovled" said back in the
    answer's status), where the same word on an alert was a 422."""
    payload = alert_payload({"labels": {"alertname": "HostDiskFull"}})
    payload["status"] = status
    message = refused(
        httpx.post(served["bare"] + "/api/alertmanager", json=payload, timeout=30), 422, "invalid_request"
    )
    assert message.startswith('status: must be "firing" or "resolved"'), message
    assert json.dumps(status) in message, message


@pytest.mark.parametrize("status", ["firing", "resolved", "Resolved", " firing ", " FIRING"])
def test_the_group_statuses_alertmanager_and_grafana_send_are_read(served, status):
    """Found in re-review: " FIRING" was taken and said back as sent: it is said as read, "firing"."""
    payload = alert_payload({"labels": {"alertname": "HostDiskFull"}})
    payload["status"] = status
    r = httpx.post(served["bare"] + "/api/alertmanager", json=payload, timeout=30)
    assert r.status_code == 200 and r.json()["status"] == status.strip().lower(), r.text
