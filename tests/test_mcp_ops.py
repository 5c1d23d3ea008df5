"""What the MCP server tells the one who runs it, driven by the official SDK's client: `recur mcp` as a
subprocess over stdio and /mcp of `recur serve` on a live uvicorn server (fake:64 encoder). A KB the server
cannot read is named as the running command's, and a tool call whose client gave up is a 499 in the access
log and /metrics, as a search whose client left is on /api/suggest."""

from __future__ import annotations

import logging
import shutil
import threading
import time

import anyio
import httpx
import pytest
from kbfactory import small_kb
from mcp import Client
from serve_util import fake_app, metric, run_async, running, wait_healthy
from test_mcp import call, open_session, session, stdio

from recur.retrieval.engine import Engine
from recur.serve import create_app


def _kb_gone_answers(server, kb) -> list:
    """past_incidents and problem_report once ``kb``'s folder is gone (the server answers from its index)."""

    async def work(client):
        shutil.rmtree(kb)
        return [
            await call(client, "past_incidents", {"pattern_id": "disk-full"}),
            await call(client, "problem_report", {}),
        ]

    return session(server, work)


def test_a_kb_the_server_cannot_read_names_the_command_that_runs_it(tmp_path):
    """Found in the last session's notes: kb_unavailable said "the --kb of the `recur serve` or `recur mcp`
    that runs it" on both, leaving the user to work out which of the two the assistant talks to. Each
    names its own: `recur mcp` over stdio, `recur serve` on /mcp."""
    kb = small_kb(tmp_path / "stdio" / "kb")
    Engine.open(kb, tmp_path / "stdio" / "index", model="fake:64", quiet=True)  # built before the server starts
    over_stdio = _kb_gone_answers(stdio(kb, tmp_path / "stdio" / "index"), kb)
    kb = small_kb(tmp_path / "http" / "kb")
    with running(fake_app(kb, tmp_path / "http")) as base:
        over_http = _kb_gone_answers(base + "/mcp", kb)
    for answers, command, other in ((over_stdio, "recur mcp", "recur serve"), (over_http, "recur serve", "recur mcp")):
        for err, body, text in answers:
            assert err and body["error"]["code"] == "kb_unavailable", text
            assert f"(the --kb of the `{command}` that runs it)" in text, text
            assert other not in text, text


def _numbered_calls(client) -> threading.Event:
    """``client`` (httpx2's, the SDK client's) sending each tools/call POST with the X-Request-Id
    ``tools-call-N`` (N from 1), which its access-log line ends with; the event returned is set once the first
    call's answer has begun (its 200 and headers: the server has the call)."""
    begun, calls = threading.Event(), []

    async def numbered(request):
        if b'"tools/call"' in request.content:
            calls.append(request)
            request.headers["X-Request-Id"] = f"tools-call-{len(calls)}"

    async def answered(response):
        if response.request.headers.get("X-Request-Id") == "tools-call-1":
            begun.set()

    client.event_hooks = {"request": [numbered], "response": [answered]}
    return begun


def _logged(caplog, rid: str) -> str:
    """The access-log line of the request ``rid``, once written (when its answer ends)."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        lines = [r.getMessage() for r in list(caplog.records) if r.getMessage().endswith(" " + rid)]
        if lines:
            return lines[0]
        time.sleep(0.05)
    raise AssertionError(f"no access-log line for {rid}")


def test_a_tool_call_its_client_gave_up_on_is_a_499_in_the_access_log_and_metrics(tmp_path, caplog):
    """Found in the last session's notes: /api/suggest's search whose client left is a 499 (nginx's "client
    closed request"), but an MCP tool call is answered on an event stream whose 200 goes out at its start, and
    one its client gave up on was logged and counted as a 200. Two calls wait for the model's load: one the
    SDK's client cancels (the protocol with sessions: notifications/cancelled, which the SDK answers on the
    call's stream), one whose connection its client closes (driven by hand). Both are 499s; the session's next
    call, once the model has loaded, is answered: a 200."""
    from mcp.client.streamable_http import streamable_http_client
    from mcp.shared._httpx_utils import create_mcp_http_client

    caplog.set_level(logging.INFO, logger="recur.access")
    kb, loaded = small_kb(tmp_path / "kb"), threading.Event()

    def load():  # the model still loading: each call waits for it (HTTP_LOAD_WAIT)
        loaded.wait(120)
        return Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)

    app = create_app(load, site_dir=None, feedback_path=tmp_path / "fb.jsonl", host="127.0.0.1")
    call_body = {"jsonrpc": "2.0", "id": 2, "method": "tools/call"}
    call_body["params"] = {"name": "suggest_patterns", "arguments": {"text": "closed connection"}}

    async def work(client, begun: threading.Event):
        with anyio.CancelScope() as gave_up:
            async with anyio.create_task_group() as tg:
                tg.start_soon(client.call_tool, "suggest_patterns", {"text": "gave up"})
                await anyio.to_thread.run_sync(begun.wait, 60)
                gave_up.cancel()  # the SDK's client sends notifications/cancelled
        with httpx.Client(timeout=30) as raw:
            headers = {**open_session(raw, url), "X-Request-Id": "closed-by-hand"}
            with raw.stream("POST", url, headers=headers, json=call_body) as r:
                assert r.status_code == 200  # its event stream has begun: closed here, unread
        _logged(caplog, "closed-by-hand")
        loaded.set()
        return await call(client, "suggest_patterns", {"text": "ENOSPC", "top": 1})

    async def main():
        async with create_mcp_http_client() as http:
            begun = _numbered_calls(http)
            async with Client(streamable_http_client(url, http_client=http), mode="legacy") as client:
                return await work(client, begun)

    with running(app, wait_ready=False) as base:
        url = base + "/mcp"
        err, body, _ = run_async(main())
        logged = {rid: _logged(caplog, rid) for rid in ("tools-call-1", "closed-by-hand", "tools-call-2")}
        text = httpx.get(base + "/metrics", timeout=30).text
    assert not err and body["results"][0]["id"] == "disk-full"
    for rid, status in (("tools-call-1", 499), ("closed-by-hand", 499), ("tools-call-2", 200)):
        assert f'"POST /mcp HTTP/1.1" {status} ' in logged[rid], logged
    assert metric(text, "recur_http_requests_total", route="/mcp", method="POST", status="499") == 2, text


def test_a_table_full_of_other_addresses_sessions_makes_room_for_a_new_assistant(tmp_path, caplog):
    """Found in the last session's notes: with --mcp-max-sessions filled by clients of other addresses, one
    session each and none idle 5 minutes, a new assistant got the SDK's 503 until one idled out (30 minutes)
    or reached 5 minutes idle: many addresses (a scan, or clients behind a proxy that names them) locked out
    every new one. The table now closes its least recently used idle session for the newcomer, says so in the
    log and counts it; the total stays bounded, and the other session is kept."""
    from test_mcp_sessions import opened, ping

    caplog.set_level(logging.INFO, logger="recur.serve")
    app = fake_app(small_kb(tmp_path / "kb"), tmp_path, mcp_max_sessions=2)
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        older, newer = opened(client, url, "10.0.0.1"), opened(client, url, "10.0.0.2")
        assert ping(client, url, older) == 200 and ping(client, url, newer) == 200  # `older` used least recently

        async def assistant():  # the SDK's client, from 127.0.0.1, with the handshake that opens a session
            from mcp.client.streamable_http import streamable_http_client

            async with Client(streamable_http_client(url), mode="legacy", read_timeout_seconds=60) as it:
                return {t.name for t in (await it.list_tools()).tools}

        assert "suggest_patterns" in run_async(assistant())
        assert [ping(client, url, s) for s in (older, newer)] == [404, 200]
        text = httpx.get(base + "/metrics", timeout=30).text
    said = [r.getMessage() for r in caplog.records if r.name == "recur.serve" and "closed (cap:" in r.getMessage()]
    assert len(said) == 1 and " of 10.0.0.1 closed (cap: --mcp-max-sessions (2) reached" in said[0], said
    assert metric(text, "recur_mcp_sessions_closed_total", reason="cap") == 1, text


def test_mcp_that_cannot_be_imported_fails_the_start_and_mcp_says_to_restart(tmp_path, caplog, monkeypatch):
    """Found in an operator's review: /mcp imported the MCP server's modules only once the engine was ready,
    so a Recur upgraded meanwhile (new files on disk, old ones loaded) failed that import: a traceback that
    ended the MCP task group in the log, then every /mcp request a 500 internal_error in the API's shape, each
    with a traceback, for as long as the server ran. Every module is now imported as the server starts
    (serve/preload.py: test_serve_upgrade), and one that cannot be (here as Python's own "import halted": None in
    sys.modules) fails the start as a model that cannot load does: /healthz and the searches 503 engine_failed
    naming it (`recur serve` then exits 1, its ERROR line saying so); /mcp answers a JSON-RPC error saying to
    restart, said once in the log, no traceback."""
    import sys

    monkeypatch.setitem(sys.modules, "recur.serve.mcp_server", None)
    caplog.set_level(logging.INFO, logger="recur.serve")
    accept = {"Accept": "application/json, text/event-stream"}
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {}}
    with running(fake_app(small_kb(tmp_path / "kb"), tmp_path), wait_ready=False) as base:
        with pytest.raises(RuntimeError, match="the engine failed to load"):
            wait_healthy(base)
        health = httpx.get(base + "/healthz", timeout=30)
        answers = [httpx.post(base + "/mcp", json=init, headers=accept, timeout=30) for _ in range(2)]
        suggest = httpx.post(base + "/api/suggest", json={"text": "ENOSPC", "top": 1}, timeout=30)
    for r in (health, suggest):
        assert r.status_code == 503 and r.json()["error"]["code"] == "engine_failed", r.text
        said = r.json()["error"]["message"]
        assert said.startswith("cannot import recur.serve.") and "import of recur.serve.mcp_server halted" in said, said
        assert said.endswith("install Recur again, then start recur serve again"), said
    for r in answers:
        assert r.status_code == 500 and r.headers["content-type"] == "application/json", r.text
        body = r.json()
        assert body["jsonrpc"] == "2.0" and body["error"]["code"] == -32603, body
        assert body["error"]["message"].startswith("/mcp could not start (ModuleNotFoundError: import of "), body
        assert body["error"]["message"].endswith("restart recur serve"), body
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert len(errors) == 1 and errors[0].getMessage().startswith("/mcp could not start"), errors
    assert errors[0].exc_info is None  # one line, no traceback
