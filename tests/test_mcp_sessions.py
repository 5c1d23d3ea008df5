"""/mcp's session caps per client address and when the whole table is full (serve/mcp_sessions.py), on a live
uvicorn server, sessions opened by hand as the protocol says (and by the SDK's client). Clients are told apart
by X-Forwarded-For, which the server takes from its loopback peer as from a reverse proxy on the same host."""

from __future__ import annotations

import contextlib
import os

import httpx
from kbfactory import small_kb
from mcp import Client
from serve_util import MCP_ACCEPT, MCP_INIT, fake_app, run_async, running, wait_healthy
from test_mcp import READ_TOOLS

JSON_SSE = {"Content-Type": "application/json", **MCP_ACCEPT}
PING = {"jsonrpc": "2.0", "id": 2, "method": "ping"}


def initialize(client: httpx.Client, url: str, address: str) -> httpx.Response:
    """The opening request alone, from the client at ``address``."""
    return client.post(url, headers={**JSON_SSE, "X-Forwarded-For": address}, json=MCP_INIT)


def opened(client: httpx.Client, url: str, address: str) -> dict:
    """A session the client at ``address`` opened (initialize, then notifications/initialized): its headers."""
    r = initialize(client, url, address)
    assert r.status_code == 200, r.text
    headers = {**JSON_SSE, "mcp-session-id": r.headers["mcp-session-id"], "mcp-protocol-version": "2025-06-18"}
    client.post(url, headers=headers, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
    return headers


def ping(client: httpx.Client, url: str, session: dict) -> int:
    return client.post(url, headers=session, json=PING).status_code


def test_one_clients_flood_of_sessions_leaves_the_table_to_the_others(tmp_path):
    """Found in an operator's review: with no token needed on /mcp (--token-scope write), 25 bare
    initialize POSTs from one address filled --mcp-max-sessions 20 and every other client got the SDK's
    503 for the 30-minute idle timeout. Now one address keeps --mcp-max-sessions-per-client sessions,
    its least recently used one closed for each new one, and the others open theirs."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, mcp_max_sessions=6, mcp_max_sessions_per_client=2)
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        flood = [initialize(client, url, "10.0.0.66") for _ in range(25)]
        assert [r.status_code for r in flood] == [200] * 25, [r.text for r in flood if r.status_code != 200]
        kept = [{**JSON_SSE, "mcp-session-id": r.headers["mcp-session-id"]} for r in flood]
        assert [ping(client, url, s) for s in kept] == [404] * 23 + [200] * 2  # its two latest are open
        others = [opened(client, url, f"10.0.0.{n}") for n in (1, 1, 2, 2)]
        assert [ping(client, url, s) for s in others] == [200] * 4


def test_with_the_table_full_a_new_client_takes_a_place_from_the_client_holding_the_most(tmp_path):
    """The review's case: --mcp-max-sessions at or below the cap per client (20 and 20), one address's flood
    filled the table and every other client got the SDK's 503 for 30 minutes. The flood's surplus replaces
    its own sessions; another client's new session closes the flood's least recently used one while the flood
    holds more than it will; once each holds as many, a new client takes the least recently used idle session
    of all, and a client that has one replaces its own."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, mcp_max_sessions=4)  # the cap per client is the default, 20
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        flood = [initialize(client, url, "10.0.0.66") for _ in range(6)]
        assert [r.status_code for r in flood] == [200] * 6  # its 5th and 6th each closed its own oldest
        b1 = opened(client, url, "10.0.0.1")
        c1 = opened(client, url, "10.0.0.2")
        kept = [{**JSON_SSE, "mcp-session-id": r.headers["mcp-session-id"]} for r in flood]
        assert [ping(client, url, s) for s in kept] == [404] * 4 + [200, 200]
        assert ping(client, url, b1) == 200 and ping(client, url, c1) == 200
        d1 = opened(client, url, "10.0.0.3")  # the flood holds 2, more than d1 will: one more is taken from it
        assert [ping(client, url, s) for s in (*kept[4:], b1, c1, d1)] == [404, 200, 200, 200, 200]
        e1 = opened(client, url, "10.0.0.4")  # each holds one, as e1 will: the least recently used, the flood's
        assert [ping(client, url, s) for s in (kept[5], b1, c1, d1, e1)] == [404, 200, 200, 200, 200]
        b2 = opened(client, url, "10.0.0.1")  # b1 is the least recently used, and 10.0.0.1's own: closed
        assert [ping(client, url, s) for s in (b1, c1, d1, e1, b2)] == [404, 200, 200, 200, 200]


def test_past_its_cap_a_client_loses_its_least_recently_used_session_and_no_other_clients(tmp_path):
    """Used, not opened, counts: a session the client keeps using stays open."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, mcp_max_sessions_per_client=2)
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        a1, a2 = opened(client, url, "10.0.0.1"), opened(client, url, "10.0.0.1")
        b1, b2 = opened(client, url, "10.0.0.2"), opened(client, url, "10.0.0.2")
        assert ping(client, url, a1) == 200  # a2 is now the one used least recently
        a3 = opened(client, url, "10.0.0.1")
        assert ping(client, url, a2) == 404
        assert [ping(client, url, s) for s in (a1, a3, b1, b2)] == [200] * 4


def test_a_busy_session_is_never_closed_and_a_client_whose_sessions_are_all_busy_is_told_the_cap(tmp_path):
    """An assistant holds its GET /mcp event stream open while idle: that session is never the one closed.
    A client whose sessions are all busy is refused with a JSON-RPC error naming the cap, not the SDK's
    "Too many open sessions", which says nothing of whose."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, mcp_max_sessions_per_client=2)
    with running(app) as base, contextlib.ExitStack() as stack:
        url = base + "/mcp"
        client = stack.enter_context(httpx.Client(timeout=30))

        def stream(session):
            events = {**session, "Accept": "text/event-stream"}
            r = stack.enter_context(stack.enter_context(httpx.Client(timeout=30)).stream("GET", url, headers=events))
            assert r.status_code == 200

        a1 = opened(client, url, "10.0.0.1")
        stream(a1)
        a2 = opened(client, url, "10.0.0.1")
        a3 = opened(client, url, "10.0.0.1")  # a1 is used least recently, but busy: a2 is closed
        assert ping(client, url, a2) == 404 and ping(client, url, a1) == 200
        stream(a3)
        refused = initialize(client, url, "10.0.0.1")
        assert refused.status_code == 429, refused.text
        error = refused.json()["error"]
        assert error["code"] == -32603 and refused.json()["id"] is None
        assert "Too many open sessions from this client: 2 (--mcp-max-sessions-per-client)" in error["message"]
        assert "mcp-session-id" not in refused.headers
        assert initialize(client, url, "10.0.0.2").status_code == 200  # another client is not refused


def test_a_full_table_closes_the_least_recently_used_idle_session_instead_of_refusing(tmp_path):
    """--mcp-max-sessions reached by clients of one session each: the least recently used idle session makes
    room, however short its idle time (it had to be idle 5 minutes, and the new client got the SDK's 503 until
    then); one used since stays open. (With every session busy the 503 stands: test_mcp's
    test_http_mcp_session_cap.)"""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, mcp_max_sessions=2)
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        a1, b1 = opened(client, url, "10.0.0.1"), opened(client, url, "10.0.0.2")
        assert ping(client, url, b1) == 200  # b1 used again: a1 is the least recently used
        c1 = opened(client, url, "10.0.0.3")
        assert [ping(client, url, s) for s in (a1, b1, c1)] == [404, 200, 200]


def test_an_assistant_that_reconnects_is_not_locked_out_by_its_old_sessions(tmp_path):
    """A crashed assistant's sessions stay open until they idle out (30 minutes): at its cap, its new one
    (the SDK's client with the initialize handshake, as assistants before the 2026 protocol connect; the
    2026 protocol opens no session) closes the oldest of them and works, even with the table full."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, mcp_max_sessions=2, mcp_max_sessions_per_client=2)
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        old = [opened(client, url, "127.0.0.1") for _ in range(2)]  # the SDK's client connects from 127.0.0.1

        async def reconnect():
            from mcp.client.streamable_http import streamable_http_client

            async with Client(streamable_http_client(url), mode="legacy", read_timeout_seconds=60) as assistant:
                return {t.name for t in (await assistant.list_tools()).tools}

        assert "suggest_patterns" in run_async(reconnect())
        assert ping(client, url, old[0]) == 404


def test_requests_of_the_2026_protocol_which_opens_no_session_close_none(tmp_path):
    """The SDK's client speaks the 2026 protocol by default: each request stands alone, without a session
    id, and the SDK opens no session for it, so it never counts against the cap nor closes one."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, mcp_max_sessions=1, mcp_max_sessions_per_client=1)
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        kept = opened(client, url, "127.0.0.1")

        async def sessionless():
            from mcp.client.streamable_http import streamable_http_client

            async with Client(streamable_http_client(url), read_timeout_seconds=60) as assistant:
                return [{t.name for t in (await assistant.list_tools()).tools} for _ in range(3)]

        assert run_async(sessionless()) == [READ_TOOLS] * 3  # every request answered, a session kept or not
        assert ping(client, url, kept) == 200


def test_recur_serve_takes_the_cap_from_its_flag_and_the_environment(tmp_path):
    """`recur serve --mcp-max-sessions-per-client N`, or RECUR_MCP_MAX_SESSIONS_PER_CLIENT, is the cap."""
    from test_serve_cli import serve_process

    kb = small_kb(tmp_path / "kb")
    env = {**os.environ, "RECUR_MCP_MAX_SESSIONS_PER_CLIENT": "1"}
    for run, extra in (({**os.environ}, ["--mcp-max-sessions-per-client", "1"]), (env, [])):
        with serve_process(kb, tmp_path, env=run, extra=extra) as (base, _), httpx.Client(timeout=30) as client:
            wait_healthy(base)
            first, second = (opened(client, base + "/mcp", "10.0.0.1") for _ in range(2))
            assert [ping(client, base + "/mcp", s) for s in (first, second)] == [404, 200]
