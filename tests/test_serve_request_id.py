"""X-Request-Id on every answer, and in the access log, against a real uvicorn server.

Found in an operator's review: nothing tied a user's failed request to its line in the log. Every answer now
carries an id (the client's or its proxy's ``X-Request-Id`` when sane, else a new one), and the access log's
line (text and JSON) names it."""

from __future__ import annotations

import logging
import re
import socket
import time

import httpx
import pytest
from kbfactory import small_kb
from serve_util import MCP_ACCEPT, MCP_INIT, fake_app, running

NEW_ID = re.compile(r"[0-9a-f]{32}")  # one the server made: uuid4's hex


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("request-id")
    app = fake_app(small_kb(root / "kb"), root, slack_signing_secret="not-the-one-slack-signs-with")
    with running(app) as base:
        yield base


def access_records(caplog) -> list:
    return [rec for rec in caplog.records if rec.name == "recur.access"]


def logged_with(caplog, rid: str) -> list:
    """The access log's records of the request with id ``rid``: its line ends with it, its fields name it. Waits
    for one: /mcp's line is written a moment after its answer (the SDK's app returns after sending it); the
    deadline only bounds a hang."""
    deadline = time.monotonic() + 30
    while not (found := [rec for rec in access_records(caplog) if rec.getMessage().endswith(f" {rid}")]):
        assert time.monotonic() < deadline, [rec.getMessage() for rec in access_records(caplog)]
        time.sleep(0.02)
    assert all(rec.request_fields["request_id"] == rid for rec in found), found
    return found


def test_every_kind_of_answer_carries_a_new_id_that_its_access_line_names(served, caplog):
    caplog.set_level(logging.INFO, logger="recur.access")
    answers = {
        "200": httpx.post(served + "/api/suggest", json={"text": "disk full"}),
        "404": httpx.get(served + "/api/patterns/no-such-pattern"),
        "400 bad_json": httpx.post(
            served + "/api/suggest", content=b"{bad", headers={"Content-Type": "application/json"}
        ),
        "405": httpx.delete(served + "/api/suggest"),
        "site 404": httpx.get(served + "/no-such-page"),
        "mcp": httpx.post(served + "/mcp", json=MCP_INIT, headers=MCP_ACCEPT),
        "slack 401": httpx.post(served + "/api/slack/commands", data={"text": "disk full"}),
    }
    statuses = {what: r.status_code for what, r in answers.items()}
    assert statuses == {
        "200": 200,
        "404": 404,
        "400 bad_json": 400,
        "405": 405,
        "site 404": 404,
        "mcp": 200,
        "slack 401": 401,
    }, {what: r.text[:200] for what, r in answers.items()}
    assert answers["404"].json()["error"]["code"] == "pattern_not_found"
    assert answers["400 bad_json"].json()["error"]["code"] == "bad_json"
    ids = {what: r.headers.get("x-request-id") for what, r in answers.items()}
    assert all(rid is not None and NEW_ID.fullmatch(rid) for rid in ids.values()), ids
    assert len(set(ids.values())) == len(ids), ids  # one each
    for what, rid in ids.items():
        (record,) = logged_with(caplog, rid)
        assert f'" {answers[what].status_code} ' in record.getMessage(), (what, record.getMessage())


def test_an_id_the_client_gives_is_echoed_and_logged(served, caplog):
    caplog.set_level(logging.INFO, logger="recur.access")
    for given in ("req-7f3a2c", "Root=1-67a0b2c4-abc;Parent=53995c3f", "a" * 128, "x/y+z=="):
        r = httpx.get(served + "/api/patterns/no-such-pattern", headers={"X-Request-Id": given})
        assert r.status_code == 404 and r.headers["x-request-id"] == given, (given, r.headers)
        (record,) = logged_with(caplog, given)
        assert '"GET /api/patterns/no-such-pattern HTTP/1.1" 404 ' in record.getMessage(), record.getMessage()
    r = httpx.post(served + "/mcp", json=MCP_INIT, headers={**MCP_ACCEPT, "X-Request-Id": "mcp-client-1"})
    assert r.status_code == 200 and r.headers["x-request-id"] == "mcp-client-1", r.headers
    assert len(logged_with(caplog, "mcp-client-1")) == 1


def raw_answer(base: str, head: bytes) -> bytes:
    """The answer's status line and headers to ``head``, sent as it is (httpx refuses control characters)."""
    host, port = base.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(head)
        out = b""
        while b"\r\n\r\n" not in out and (chunk := s.recv(65536)):
            out += chunk
    return out.split(b"\r\n\r\n")[0]


def header_of(head: bytes, name: bytes) -> str | None:
    lines = head.split(b"\r\n")[1:]
    return next(
        (v.strip().decode("latin-1") for k, _, v in (x.partition(b":") for x in lines) if k.lower() == name), None
    )


@pytest.mark.parametrize(
    "given, status",
    [
        (b"a" * 129, b"404"),  # too long
        (b"abc\tdef", b"404"),  # a tab: HTTP allows it inside a value
        (b"two words", b"404"),  # a space would split the access line
        (b'quote"d', b"404"),  # written unescaped in the line: what the line escapes is not kept
        (b"back\\slash", b"404"),
        ("caf\u00e9".encode(), b"404"),  # not ASCII
        (b"abc\x01def", b"400"),  # a control character: the HTTP parser's 400, before the app, with an id too
    ],
    ids=["129-chars", "tab", "space", "quote", "backslash", "non-ascii", "control"],
)
def test_an_insane_id_is_replaced_by_a_new_one(served, caplog, given, status):
    caplog.set_level(logging.INFO, logger="recur.access")
    head = raw_answer(served, b"GET /api/patterns/x HTTP/1.1\r\nHost: x\r\nX-Request-Id: " + given + b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 " + status + b" "), head
    rid = header_of(head, b"x-request-id")
    assert rid is not None and NEW_ID.fullmatch(rid), head
    (record,) = logged_with(caplog, rid)
    assert f'" {status.decode()} ' in record.getMessage(), record.getMessage()
    assert given.decode("latin-1") not in record.getMessage(), record.getMessage()


def test_an_id_given_on_a_json_log_line(served, caplog):
    """``--log-format json``'s object for the request has ``request_id`` beside the other fields."""
    from recur.serve.applog import JsonFormatter

    caplog.set_level(logging.INFO, logger="recur.access")
    httpx.get(served + "/healthz", headers={"X-Request-Id": "probe-42"})
    (record,) = logged_with(caplog, "probe-42")
    import json

    entry = json.loads(JsonFormatter().format(record))
    assert entry["request_id"] == "probe-42" and entry["path"] == "/healthz" and entry["status"] == 200, entry
