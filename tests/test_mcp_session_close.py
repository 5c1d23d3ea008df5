"""Each /mcp session that closes is said in the server's log with why, and counted in /metrics by reason
(serve/mcp_sessions.py), on a live uvicorn server with sessions opened by hand as the protocol says.

Found in an operator's review: a session closed by the idle timeout, by the cap per client, by its client or by
the stop left no trace an operator could see (the SDK's own INFO lines are below what the log shows of other
libraries, and none says why), so an assistant's "session not found" could not be explained."""

from __future__ import annotations

import logging
import re
import time

import httpx
from kbfactory import small_kb
from serve_util import fake_app, metric, running
from test_mcp_sessions import opened, ping

LINE = re.compile(r"MCP session (\w{8})… of (\S+) closed \((idle|cap|client|shutdown): .+\)")


def closed_lines(caplog) -> list[tuple[str, str, str]]:
    """(id's first 8 characters, client, reason) of each "session closed" line of recur.serve, in order."""
    said = [LINE.fullmatch(r.getMessage()) for r in caplog.records if r.name == "recur.serve"]
    return [m.groups() for m in said if m]


def closed_counts(base: str) -> dict:
    """/metrics' count of closed sessions by reason; each series is there from the start (a rate() needs it)."""
    text = httpx.get(base + "/metrics", timeout=30).text
    for reason in ("idle", "cap", "client", "shutdown"):
        assert f'recur_mcp_sessions_closed_total{{reason="{reason}"}} ' in text, text
    return {r: metric(text, "recur_mcp_sessions_closed_total", reason=r) for r in ("idle", "cap", "client", "shutdown")}


def test_a_client_s_delete_the_cap_and_the_stop_each_say_and_count_the_session_closed(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="recur.serve")
    app = fake_app(small_kb(tmp_path / "kb"), tmp_path, mcp_max_sessions_per_client=1)
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        assert closed_counts(base) == {"idle": 0, "cap": 0, "client": 0, "shutdown": 0}
        a1 = opened(client, url, "10.0.0.1")
        assert client.delete(url, headers=a1).status_code == 200
        b1 = opened(client, url, "10.0.0.2")
        b2 = opened(client, url, "10.0.0.2")  # past its cap of one: b1 is closed to make room
        assert ping(client, url, b1) == 404 and ping(client, url, b2) == 200
        assert closed_counts(base) == {"idle": 0, "cap": 1, "client": 1, "shutdown": 0}
        assert closed_lines(caplog) == [
            (a1["mcp-session-id"][:8], "10.0.0.1", "client"),
            (b1["mcp-session-id"][:8], "10.0.0.2", "cap"),
        ]
        ids = (a1["mcp-session-id"], b1["mcp-session-id"])
        assert not any(sid in r.getMessage() for r in caplog.records for sid in ids)  # never a whole id
    # the server stopped: b2, still open, ended with it
    assert closed_lines(caplog)[2:] == [(b2["mcp-session-id"][:8], "10.0.0.2", "shutdown")]


def test_an_idle_session_is_said_and_counted_closed_once_the_idle_timeout_passes(tmp_path, caplog):
    caplog.set_level(logging.INFO, logger="recur.serve")
    app = fake_app(small_kb(tmp_path / "kb"), tmp_path, mcp_idle_seconds=1.0)
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        a1 = opened(client, url, "10.0.0.1")
        deadline = time.monotonic() + 60  # waits for the idle timeout and the sweep; asserts nothing of the time
        while closed_counts(base)["idle"] == 0:
            assert time.monotonic() < deadline, closed_lines(caplog)
            time.sleep(0.1)
        assert closed_lines(caplog) == [(a1["mcp-session-id"][:8], "10.0.0.1", "idle")]
        assert ping(client, url, a1) == 404  # the SDK had closed it too
        assert closed_counts(base) == {"idle": 1, "cap": 0, "client": 0, "shutdown": 0}  # the 404 counted nothing more
    assert len(closed_lines(caplog)) == 1  # nothing left open at the stop
