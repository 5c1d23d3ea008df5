"""A bug in a route (an exception nothing expected) answered like every other answer, against a real uvicorn server.

Found in an operator's review: a pattern read that raised was answered the one-shape 500 by Starlette's
outermost layer, outside the security headers and the metrics: no CSP, nosniff or X-Frame-Options on it,
logged `500 0` although 87 bytes were sent, and its traceback under uvicorn's bare "Exception in ASGI
application", with nothing saying which request it was."""

from __future__ import annotations

import logging

import httpx
from kbfactory import small_kb
from serve_util import metric, running

BOOM = "boom: the text the test engine fails on"


class FailingEngine:
    """The real engine, with a bug for one text: its ``answer`` raises KeyError there (a test-only fault, as
    tests/test_serve_api.py's failing engine factory is), so /api/suggest meets an exception nothing expects."""

    def __init__(self, engine):
        self._engine = engine

    def answer(self, text, *args, **kwargs):
        if text == BOOM:
            raise KeyError("injected failure for the test")
        return self._engine.answer(text, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._engine, name)


def test_an_unexpected_exception_is_a_500_with_headers_counted_and_logged_with_its_request(tmp_path, caplog, capfd):
    from recur.retrieval.engine import Engine
    from recur.serve import create_app

    kb = small_kb(tmp_path / "kb")
    app = create_app(
        lambda: FailingEngine(Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)),
        feedback_path=tmp_path / "fb.jsonl",
    )
    caplog.set_level(logging.INFO, logger="recur.access")
    with running(app) as base:
        capfd.readouterr()
        r = httpx.post(
            base + "/api/suggest", json={"text": BOOM}, headers={"X-Request-Id": "user-report-17"}, timeout=30
        )
        assert r.status_code == 500, r.text
        message = "unexpected KeyError; see the server log"
        assert r.json() == {"error": {"code": "internal_error", "message": message}}
        # the headers every answer carries (security.SecurityHeaders), this one too
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["x-frame-options"] == "DENY"
        assert r.headers["referrer-policy"] == "no-referrer"
        assert "default-src 'self'" in r.headers["content-security-policy"]
        assert r.headers["x-request-id"] == "user-report-17"  # the id the client gave, for its report
        counted = httpx.get(base + "/metrics", timeout=30).text
        assert metric(counted, "recur_http_requests_total", route="/api/suggest", method="POST", status="500") == 1
        assert httpx.post(base + "/api/suggest", json={"text": "disk full"}, timeout=30).status_code == 200
        log = capfd.readouterr().err
    logged = [
        rec.getMessage() for rec in caplog.records if rec.name == "recur.access" and "/api/suggest" in rec.getMessage()
    ]
    assert f'"POST /api/suggest HTTP/1.1" 500 {len(r.content)} ' in logged[0], logged
    assert logged[0].endswith(" user-report-17"), logged
    # one traceback, under a line naming the request (not uvicorn's bare "Exception in ASGI application")
    assert log.count("Traceback (most recent call last)") == 1, log
    assert "Exception in ASGI application" not in log, log
    said = next(line for line in log.splitlines() if "KeyError" in line and "POST" in line)
    assert "unexpected KeyError" in said and "POST /api/suggest" in said and "127.0.0.1" in said, said
    assert "(request_id user-report-17)" in said, said  # the 500's id: a user's report finds its traceback
    assert "injected failure for the test" in log, log


def test_the_500s_log_line_writes_what_the_client_sent_as_every_other_line_does(caplog):
    """Found in the security fix's re-read: the 500's line escaped the path with Python's unicode_escape (``\\n``,
    ``\\t``), not as applog.loggable writes every other line of the log (``\\x0a``, as docs/operating.md says), so
    one search of the log for a forged line's ``\\x0a`` missed it. The path as received (raw bytes read as Latin-1)
    goes through loggable: one line, its control characters ``\\xHH``."""
    from recur.serve.guard import _log_unexpected

    scope = {
        "type": "http",
        "method": "GET",
        "raw_path": b"/x\n2026-12-06T05:10:00Z ERROR recur.serve: forged\t\x1b[8m\x85",
        "headers": [(b"x-request-id", b"r-1")],
        "client": ("10.0.0.7", 5000),
    }
    with caplog.at_level(logging.ERROR, logger="uvicorn.error"):
        _log_unexpected(scope, KeyError("x"))
    said = caplog.records[-1].getMessage()
    assert "\n" not in said and "\x1b" not in said, said
    assert "GET /x\\x0a2026-12-06T05:10:00Z ERROR recur.serve: forged\\x09\\x1b[8m\\x85 from 10.0.0.7:5000" in said, (
        said
    )
