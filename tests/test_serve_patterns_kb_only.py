"""GET /api/patterns and /api/patterns/{id} need the index's patterns, not the model: while the model loads, and after
a load that failed, they answer from the --kb folder's patterns (served_kb.patterns_now), as /mcp's list_patterns and
get_pattern do, where they answered 503 not_ready (then engine_failed) though MCP gave the same patterns. The
answers are the loaded server's, key for key, but for the look-alikes by meaning, which need the model: said in
`look_alikes_note`. /api/suggest still says not_ready, /healthz 503; an index-only server (no KB folder) waits as
before. A real `recur serve` app under uvicorn, the load held or failed by the load given, nothing mocked."""

from __future__ import annotations

import threading

import httpx
from serve_util import fake_app, running
from test_mcp_board import fixes_kb
from test_mcp_kb_only import INCIDENT, _held

from recur.serve import create_app
from recur.util.errors import RecurError

GETS = (
    "/api/patterns",
    "/api/patterns?category=storage&limit=2",
    "/api/patterns?limit=2&cursor=x",
    "/api/patterns?severity=P2",
    "/api/patterns/broke-again",
    "/api/patterns/Disk-Full",
    "/api/patterns/capacity/disk-full",
    "/api/patterns/disk-ful",
    "/api/patterns/old-retired",
    "/api/patterns/" + INCIDENT,
    "/api/patterns/broke-again/extra",
    "/api/patterns?categry=x",
)
LATER = "the model has not loaded"


def answers(base: str) -> dict:
    got = {}
    for path in GETS:
        r = httpx.get(base + path, timeout=60)
        got[path] = (r.status_code, r.json())
    return got


def others(base: str) -> dict:
    return {
        "suggest": httpx.post(base + "/api/suggest", json={"text": "ENOSPC"}, timeout=60),
        "healthz": httpx.get(base + "/healthz", timeout=60),
    }


def _app(load, kb, root):
    return create_app(load, site_dir=None, feedback_path=root / "fb.jsonl", kb_dir=kb, host="127.0.0.1")


def _failed_load():
    raise RecurError("the index cannot be read")


def assert_as_loaded(got: dict, loaded: dict) -> None:
    """``got`` (the KB's patterns) is ``loaded`` (the loaded engine's) answer for answer, key for key, but for a
    pattern's look-alikes, which are said to lack those by meaning."""
    for path, (status, body) in loaded.items():
        got_status, got_body = got[path]
        assert got_status == status, (path, got_body)
        if status == 200 and "id" in body:  # a pattern: look-alikes by meaning need the model
            assert got_body.pop("look_alikes_note").startswith(LATER), got_body
            assert "look_alikes" in got_body or "look_alikes" not in body, got_body  # every key the loaded has
            got_body.pop("look_alikes", None), body.pop("look_alikes", None)
        assert got_body == body, path
    status, body = loaded["/api/patterns/broke-again"]
    assert status == 200 and body["id"] == "broke-again" and [i["id"] for i in body["incidents"]], body
    assert loaded["/api/patterns/Disk-Full"][1]["id"] == "disk-full"
    status, body = loaded["/api/patterns/disk-ful"]
    assert status == 404 and "did you mean 'disk-full'" in body["error"]["message"], body
    assert "retired" in loaded["/api/patterns/old-retired"][1]["error"]["message"]
    assert loaded["/api/patterns?categry=x"][0] == 422


def test_pattern_routes_answer_from_the_kb_while_the_model_loads_and_after_a_failed_load(tmp_path):
    kb = fixes_kb(tmp_path / "kb")
    with running(fake_app(kb, tmp_path / "loaded")) as base:
        loaded = answers(base)
    release = threading.Event()
    try:
        with running(_app(_held(kb, tmp_path / "index", release), kb, tmp_path), wait_ready=False) as base:
            loading, loading_others = answers(base), others(base)
    finally:
        release.set()
    with running(_app(_failed_load, kb, tmp_path / "f"), wait_ready=False) as base:
        failed, failed_others = answers(base), others(base)
    assert_as_loaded(loading, loaded)
    assert_as_loaded(failed, loaded)
    suggest, healthz = loading_others["suggest"], loading_others["healthz"]
    assert suggest.status_code == 503 and suggest.json()["error"]["code"] == "not_ready", suggest.text
    assert suggest.headers["retry-after"] == "2" and healthz.status_code == 503, healthz.text
    suggest = failed_others["suggest"]
    assert suggest.status_code == 503 and suggest.json()["error"]["code"] == "engine_failed", suggest.text
    assert failed_others["healthz"].status_code == 503


def test_an_index_only_server_still_says_not_ready_while_it_loads(tmp_path):
    """No --kb folder to read: the index's patterns are the engine's, so the routes say not_ready until it loads."""
    kb = fixes_kb(tmp_path / "kb")
    release = threading.Event()
    try:
        with running(_app(_held(kb, tmp_path / "index", release), None, tmp_path), wait_ready=False) as base:
            listed = httpx.get(base + "/api/patterns", timeout=60)
            one = httpx.get(base + "/api/patterns/broke-again", timeout=60)
    finally:
        release.set()
    for r in (listed, one):
        assert r.status_code == 503 and r.json()["error"]["code"] == "not_ready", r.text
        assert r.headers["retry-after"] == "2"
    with running(_app(_failed_load, None, tmp_path / "f"), wait_ready=False) as base:
        r = httpx.get(base + "/api/patterns", timeout=60)
    assert r.status_code == 503 and r.json()["error"]["code"] == "engine_failed", r.text
