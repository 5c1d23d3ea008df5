"""What the MCP server tells the one who runs it, driven by the official SDK's client: `recur mcp` as a
subprocess over stdio and /mcp of `recur serve` on a live uvicorn server (fake:64 encoder). A KB the server
cannot read is named as the running command's, and a tool call whose client gave up is a 499 in the access
log and /metrics, as a search whose client left is on /api/suggest."""

from __future__ import annotations

import shutil

from kbfactory import small_kb
from serve_util import fake_app, running
from test_mcp import call, session, stdio

from recur.retrieval.engine import Engine


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
