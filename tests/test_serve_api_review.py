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
from serve_util import fake_app, running

from recur.retrieval.query import MAX_QUERY_CHARS

JSON = {"content-type": "application/json"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """A server with a built site at / (whose handler answered every path no route took) and one without."""
    root = tmp_path_factory.mktemp("review")
    kb = small_kb(root / "kb")
    site = root / "site"
    (site / "assets").mkdir(parents=True)
    (site / "index.html").write_text("<h1>Recur site</h1>")
    (site / "404.html").write_text("<h1>mkdocs 404</h1>")
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
