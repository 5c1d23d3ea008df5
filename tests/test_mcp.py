"""The MCP server, driven by the official SDK's client: `recur mcp` as a real subprocess over stdio,
and /mcp over streamable HTTP on a live uvicorn server (fake:64 encoder). Structured results are
checked against the HTTP API's answers for the same input."""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from click.testing import CliRunner
from kbfactory import fake_model_flags, small_kb
from mcp import Client, StdioServerParameters
from mcp.shared.exceptions import MCPError
from procs import read_line
from serve_util import (
    BAD_ENGINE_IDS,
    BAD_ENGINE_INPUTS,
    BAD_FOR_A_REAL_MODEL_ONLY,
    MCP_ACCEPT,
    MCP_INIT,
    CountedGate,
    asked_engine,
    begin_stop,
    fake_app,
    fake_index,
    long_trace,
    metric,
    running,
)

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.retrieval.engine import Engine
from recur.serve import create_app

READ_TOOLS = {"suggest_patterns", "get_pattern", "list_patterns", "past_incidents", "get_incident", "problem_report"}


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The KB, its index and the live HTTP API whose answers the MCP tools must equal."""
    root = tmp_path_factory.mktemp("mcp")
    kb = small_kb(root / "kb")
    idx = root / "index"
    app = create_app(
        lambda: Engine.open(kb, idx, model="fake:64", quiet=True),
        site_dir=None,
        feedback_path=root / "fb.jsonl",
        host="127.0.0.1",
    )
    with running(app) as base:
        yield {"base": base, "kb": kb, "index": idx}


@pytest.fixture(scope="module")
def served_stdio(served):
    """One `recur mcp` over stdio on ``served``'s KB and index, its SDK session open for the module: the
    tests that only read through it send it their work (``session(served_stdio, work)``) instead of
    starting a process each (~3 s a start, seven tests)."""
    shared = SharedStdio(stdio(served["kb"], served["index"]))
    yield shared
    shared.close()


class SharedStdio:
    """An MCP client session kept open in a thread of its own (an event loop there, as run_async's):
    ``run(work)`` is ``await work(client)`` in that session, its result or its exception."""

    def __init__(self, server):
        import queue
        import threading

        self.jobs: queue.Queue = queue.Queue()
        self.broken: Exception | None = None
        self.thread = threading.Thread(target=asyncio.run, args=(self._serve(server),), daemon=True)
        self.thread.start()

    async def _serve(self, server):
        job = None
        try:
            async with Client(server, read_timeout_seconds=120) as client:
                while (job := await asyncio.to_thread(self.jobs.get)) is not None:
                    work, done = job
                    try:
                        done.set_result(await work(client))
                    except Exception as exc:  # the test's to see, in its own thread
                        done.set_exception(exc)
                    job = None
        except Exception as exc:  # the session could not open or broke: the tests waiting are told
            self.broken = exc
            for waiting in [job] + [self.jobs.get_nowait() for _ in range(self.jobs.qsize())]:
                if waiting is not None:
                    waiting[1].set_exception(exc)

    def run(self, work):
        """``await work(client)`` in the shared session; the session's end is said as soon as it is seen (a job put
        as it broke was never taken, and its test waited the whole bound for an answer, then a bare TimeoutError)."""
        from concurrent.futures import Future, wait

        if self.broken:
            raise self.broken
        done: Future = Future()
        self.jobs.put((work, done))
        deadline = time.monotonic() + 300  # a bound on a hang, not a timing
        while not wait([done], timeout=0.5).done:
            if not self.thread.is_alive():
                raise RuntimeError("the shared `recur mcp` session has ended") from self.broken
            assert time.monotonic() < deadline, "the shared `recur mcp` session gave no answer within 300 s"
        return done.result()

    def close(self) -> None:
        self.jobs.put(None)
        self.thread.join(timeout=60)


def stdio(kb, index, *extra) -> StdioServerParameters:
    return StdioServerParameters(
        command=sys.executable,
        env=dict(os.environ),
        args=["-m", "recur", "mcp", "--kb", str(kb), "--index", str(index), "--model", "fake:64", *extra],
    )


def at_every_look(server: StdioServerParameters) -> StdioServerParameters:
    """``server`` (a `recur mcp` of stdio()) whose watcher looks at the KB's files at each of its turns (every second,
    the holder's reload_interval), not every 5 s (runtime.STALE_INTERVAL, a constant): for a test that waits for the
    server to see a change of the KB (as test_serve_api's watcher test sets it for the app in its process)."""
    start = (
        "import sys; import recur.serve.runtime as runtime; runtime.STALE_INTERVAL = 0.0; "
        "from recur.__main__ import main; sys.argv[0] = 'recur'; main()"
    )
    assert server.args[:2] == ["-m", "recur"], server.args
    return server.model_copy(update={"args": ["-c", start, *server.args[2:]]})


def session(server, work):
    """Run ``await work(client)`` inside one MCP session with ``server`` (or in the shared session
    ``server`` is); returns its result."""
    if isinstance(server, SharedStdio):
        return server.run(work)

    async def main():
        async with Client(server, read_timeout_seconds=120) as client:
            return await work(client)

    return run_async(main())


def run_async(coro):
    """asyncio.run in a thread of its own: the session's Chromium (playwright's sync API) may hold
    an event loop in the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


def api(served, path, body=None):
    """(status, JSON) of an API call, for comparing with MCP's answer: an answer's ``"stale": null`` (the index is
    current) left out, as MCP's tools leave it out then (test_serve_mcp_agree compares the two stale objects)."""
    url = served["base"] + path
    r = httpx.post(url, json=body, timeout=30) if body is not None else httpx.get(url, timeout=30)
    got = r.json()
    if isinstance(got, dict) and "stale" in got and got["stale"] is None:
        del got["stale"]
    return r.status_code, got


async def call(client, name, args):
    r = await client.call_tool(name, args)
    return r.is_error, r.structured_content, r.content[0].text


def test_stdio_tools_match_the_api(served, served_stdio):
    async def work(client):
        tools = {t.name: t for t in (await client.list_tools()).tools}
        out = {"tools": tools}
        out["suggest"] = await call(
            client, "suggest_patterns", {"text": "  No space left on device while writing ", "top": 2}
        )
        out["default_top"] = await call(client, "suggest_patterns", {"text": "requests hang"})
        out["pattern"] = await call(client, "get_pattern", {"id": "db-pool-exhausted"})
        out["all"] = await call(client, "list_patterns", {})
        out["capacity"] = await call(client, "list_patterns", {"category": "Capacity", "severity": "sev2"})
        out["by_pattern"] = await call(client, "past_incidents", {"pattern_id": "db-pool-exhausted"})
        out["by_text"] = await call(client, "past_incidents", {"text": "FATAL: sorry, too many clients already"})
        out["report"] = await call(client, "problem_report", {"as_of": "2026-04-01"})
        out["resource"] = (await client.read_resource("recur://patterns/disk-full")).contents[0]
        return out

    out = session(served_stdio, work)
    tools = out["tools"]
    assert set(tools) == READ_TOOLS  # no record_incident without --allow-writes
    schema = tools["suggest_patterns"].input_schema
    assert schema["required"] == ["text"] and schema["properties"]["top"]["anyOf"][0] == {"type": "integer"}
    assert all(t.description and len(t.description) > 40 for t in tools.values())
    # the docstring without its indentation (an assistant was shown "\n        " at every line break)
    assert not [t.name for t in tools.values() if "\n " in t.description]
    assert "probability" in tools["suggest_patterns"].description

    err, got, text = out["suggest"]
    assert (
        not err
        and got == api(served, "/api/suggest", {"text": "  No space left on device while writing ", "top": 2})[1]
    )
    assert got["results"][0]["id"] == "disk-full" and "with medium or high confidence" in text and "disk-full" in text
    assert out["default_top"][1] == api(served, "/api/suggest", {"text": "requests hang"})[1]

    err, doc, text = out["pattern"]
    assert not err and doc == api(served, "/api/patterns/db-pool-exhausted")[1]
    # no look-alikes: the fake encoder's neighbours are under lookalikes.FLOOR, and no incident matched two
    assert doc["root_cause"] == "The mechanism." and doc["look_alikes"] == [] and doc["runbook"] and "fix" in doc
    assert "Root cause" in text and "Look-alikes" not in text

    listed = api(served, "/api/patterns")[1]  # all of a small KB's: fewer than list_patterns' page of 50
    assert out["all"][1] == {**listed, "total": len(listed["patterns"]), "next_cursor": None}
    assert [p["id"] for p in out["capacity"][1]["patterns"]] == ["db-pool-exhausted", "disk-full"]

    err, by_pattern, text = out["by_pattern"]
    assert not err and [i["id"] for i in by_pattern["incidents"]] == ["INC-2026-0001"] and "INC-2026-0001" in text
    err, by_text, _ = out["by_text"]
    assert (
        not err and by_text["patterns"][0] == "db-pool-exhausted" and by_text["incidents"][0]["id"] == "INC-2026-0001"
    )

    report = CliRunner().invoke(cli, ["report", "--kb", str(served["kb"]), "--format", "json", "--as-of", "2026-04-01"])
    # the report's JSON, `more` empty and no next page: no list of this KB's longer than the 10 problem_report shows left out
    assert out["report"][1] == {**json.loads(report.stdout), "more": {}, "next_cursor": None}
    assert "2026-04-01" in out["report"][2]

    resource = out["resource"]
    assert resource.mime_type == "text/markdown"
    assert resource.text == (Path(served["kb"]) / "patterns/capacity/disk-full.md").read_text()


def test_stdio_errors_are_tool_errors_with_the_api_messages(served, served_stdio):
    bad_suggest = [{"text": "   ", "top": 3}, {"text": "disk", "top": 0}, {"text": "disk", "top": 51}]
    # nothing to search: colour codes alone, zero-width characters alone (they were searched as "no known pattern")
    bad_suggest += [{"text": "\x1b[31m\x1b[0m"}, {"text": "\u200b\ufeff"}]

    async def work(client):
        out = {"suggest": [await call(client, "suggest_patterns", args) for args in bad_suggest]}
        out["unknown"] = await call(client, "get_pattern", {"id": "no-such-thing"})
        out["past_unknown"] = await call(client, "past_incidents", {"pattern_id": "no-such-thing"})
        out["past_neither"] = await call(client, "past_incidents", {})
        out["past_empty"] = await call(client, "past_incidents", {"text": " "})
        out["report_date"] = await call(client, "problem_report", {"as_of": "yesterday"})
        out["report_range"] = await call(client, "problem_report", {"as_of": "0001-01-01"})
        try:
            await client.call_tool("record_incident", {"title": "t", "severity": "sev2", "description": "d"})
            out["write"] = None
        except MCPError as exc:  # a tool this server does not offer: a JSON-RPC error
            out["write"] = exc.error
        try:
            await client.read_resource("recur://patterns/no-such-thing")
            out["resource"] = None
        except Exception as exc:  # the SDK raises the server's JSON-RPC error
            out["resource"] = str(exc)
        out["after"] = await call(client, "suggest_patterns", {"text": "ENOSPC", "top": 1})  # still serving
        return out

    out = session(served_stdio, work)
    for args, (err, body, text) in zip(bad_suggest, out["suggest"]):
        status, expected = api(served, "/api/suggest", args)
        assert err and status == 422 and body == expected and text == expected["error"]["message"]
    status, expected = api(served, "/api/patterns/no-such-thing")
    assert status == 404 and out["unknown"][1] == expected and out["past_unknown"][1] == expected
    assert out["past_neither"][0] and "pattern_id or text" in out["past_neither"][2]
    assert out["past_empty"][2] == "text: must not be empty: describe what you see"
    assert "has nothing to search" in out["suggest"][-1][2]
    assert out["report_date"][0] and out["report_date"][2] == "as_of: 'yesterday' is not a date (YYYY-MM-DD)"
    assert out["report_range"][0] and out["report_range"][2] == (
        "as_of: 0001-01-01 is outside the dates Recur accepts (1970-01-01 to 2999-12-31)"
    )
    assert out["write"].code == -32602 and "recur mcp --allow-writes" in out["write"].message  # not offered
    assert out["resource"] and "no pattern with id 'no-such-thing' in the index" in out["resource"]
    assert not out["after"][0] and out["after"][1]["results"][0]["id"] == "disk-full"


def test_a_retired_pattern_is_said_to_be_retired_as_the_api_says_it(served, served_stdio):
    """get_pattern of a retired id answered as GET /api/patterns/<id> did, "no pattern with id ... in the
    index"; both now say it is retired, in the same words, and so do past_incidents and the resource."""

    async def work(client):
        out = {"get": await call(client, "get_pattern", {"id": "old-retired"})}
        out["past"] = await call(client, "past_incidents", {"pattern_id": "old-retired"})
        try:
            await client.read_resource("recur://patterns/old-retired")
            out["resource"] = None
        except Exception as exc:  # the SDK raises the server's JSON-RPC error
            out["resource"] = str(exc)
        return out

    out = session(served_stdio, work)
    status, expected = api(served, "/api/patterns/old-retired")
    assert status == 404 and expected["error"]["code"] == "pattern_not_found"
    assert "'old-retired' is retired (patterns/deploys/old-retired.md)" in expected["error"]["message"]
    err, body, text = out["get"]
    assert err and body == expected and text == expected["error"]["message"]
    assert out["past"][0] and out["past"][1] == expected
    assert out["resource"] and "'old-retired' is retired" in out["resource"]


def test_an_onboarding_paths_id_is_said_to_be_one_as_the_api_says_it(served, served_stdio):
    """get_pattern of a path id (first-week) said only "no pattern with id"; MCP and GET /api/patterns/<id> now
    say it is an onboarding path and how to read it, in the same words (found in a new-hire review)."""

    async def work(client):
        return await call(client, "get_pattern", {"id": "first-week"})

    err, body, text = session(served_stdio, work)
    status, expected = api(served, "/api/patterns/first-week")
    assert status == 404 and expected["error"]["code"] == "pattern_not_found"
    said = "'first-week' is an onboarding path (paths/first-week.yml), not a pattern: recur paths first-week"
    assert expected["error"]["message"] == said
    assert err and body == expected and text == said


@pytest.fixture(scope="module")
def writes_refused(tmp_path_factory):
    """One `recur mcp --allow-writes` over stdio on a small KB of its own, whose retired old-retired is superseded
    by disk-full, its SDK session open for the module (SharedStdio): for the tests whose record_incident calls are
    all refused (each checks that nothing was written), the one reading the superseded id, and the one of a --site
    built with no site_url (its answers link no pages: none of the others reads a link). A process each took
    12-18 s on a loaded machine, four tests."""
    from recur.kb.site_record import SITE_MARKER, site_marker

    root = tmp_path_factory.mktemp("mcp-writes")
    kb = small_kb(root / "kb")
    path = kb / "patterns/deploys/old-retired.md"
    path.write_text(path.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: disk-full\n"))
    (root / "built").mkdir()
    (root / "built" / SITE_MARKER).write_text(site_marker("recur site", {}, None, None))  # built with no site_url
    shared = SharedStdio(stdio(kb, root / "index", "--allow-writes", "--site", str(root / "built")))
    yield {"kb": kb, "server": shared}
    shared.close()


def test_get_pattern_of_a_retired_id_names_what_superseded_it(writes_refused):
    """An agent holding an old id is told the pattern(s) that replaced it (superseded_by), as the API says, and to ask
    for it: "the failure no longer happens" was said of a rename too (kb-format's way to rename one), and an
    assistant told a responder so of a live failure (found in an MCP review). (writes_refused: old-retired is
    superseded by disk-full in its KB.)"""

    async def work(client):
        return await call(client, "get_pattern", {"id": "old-retired"})

    err, body, text = session(writes_refused["server"], work)
    assert err and body["error"]["code"] == "pattern_not_found"
    assert text == (
        "pattern 'old-retired' is retired (patterns/deploys/old-retired.md) and superseded by 'disk-full': ask for "
        "'disk-full', which covers this failure now (a retired pattern is left out of the index and its answers; "
        "its page on the site keeps it for history)"
    )


def test_record_incident_writes_what_the_cli_writes(tmp_path):
    mcp_kb, cli_kb = small_kb(tmp_path / "a" / "kb"), small_kb(tmp_path / "b" / "kb")
    args = {
        "title": "Checkout 502s after deploy",
        "severity": "sev2",
        "description": "pods restarting\nafter 14:05",
        "flags": ["restored by rollback; no heap dump"],
        "patterns": ["db-pool-exhausted"],
    }

    async def work(client):
        names = {t.name for t in (await client.list_tools()).tools}
        bad = await call(client, "record_incident", {**args, "severity": "sev9"})
        unknown = await call(client, "record_incident", {**args, "patterns": ["no-such-thing"]})
        linked = await call(client, "record_incident", args)
        unlinked = await call(client, "record_incident", {k: v for k, v in args.items() if k != "patterns"})
        return names, bad, unknown, linked, unlinked

    names, bad, unknown, (err, out, text), unlinked = session(
        stdio(mcp_kb, tmp_path / "a" / "index", "--allow-writes"), work
    )
    assert names == READ_TOOLS | {"record_incident"}
    assert bad[0] and bad[2] == "severity: unknown 'sev9'; the framework has sev1, sev2, sev3, sev4"
    assert unknown[0] and "no-such-thing" in unknown[2]
    assert not err and out["review"]["level"] == "full" and out["linked"] == ["db-pool-exhausted"]
    assert f"Recorded {out['id']}" in text
    r = CliRunner().invoke(
        cli,
        [
            "incident",
            "new",
            "--kb",
            str(cli_kb),
            "-t",
            args["title"],
            "-s",
            "sev2",
            "-d",
            args["description"],
            "--flag",
            args["flags"][0],
            "--pattern",
            "db-pool-exhausted",
            "--no-suggest",
            "--json",
        ],
    )
    assert r.exit_code == 0, r.output
    by_cli = json.loads(r.stdout)
    assert by_cli["id"] == out["id"] and by_cli["review"] == out["review"]
    # the same object: with the keys `recur import --json` has for the same facts too (docs/incident-json.md)
    assert list(out) == list(by_cli) and out["patterns"] == out["linked"] and out["incident"] == out["id"]
    assert [c["id"] for c in out["candidates"]] == [r["id"] for r in out["suggestions"]]
    written, expected = Path(out["path"]), Path(by_cli["path"])
    assert written.relative_to(mcp_kb) == expected.relative_to(cli_kb)
    assert written.read_text() == expected.read_text()
    # unlinked, its suggestions are stored as `candidates:`, as `recur incident new` and `recur import` store them
    assert not unlinked[0] and unlinked[1]["candidates"]
    stored = load_kb(mcp_kb).incidents[unlinked[1]["id"]].candidates
    assert [c["id"] for c in stored] == [c["id"] for c in unlinked[1]["candidates"]]


def test_record_incident_refuses_a_record_the_kb_could_not_read(writes_refused, tmp_path):
    """Found by QA: a description with a NUL character (a pasted binary log) or of more than 1 MiB was
    written and reported as recorded; Recur's reader refuses such a file (binary / too large), so
    the incident was missing from past_incidents and problem_report and `recur check` failed. The
    CLI's `-d -` (stdin) wrote the same files. (writes_refused's KB for the tool, a KB of its own for the CLI.)"""
    kb = writes_refused["kb"]
    before = sorted((kb / "incidents").rglob("*.md"))
    base = {"title": "Checkout down", "severity": "sev2"}

    async def work(client):
        return [
            await call(client, "record_incident", {**base, "description": "core dumped \x00\x00 ELF"}),
            await call(client, "record_incident", {**base, "description": "No space left on device. " * 50_000}),
            # a terminal's escape sequence in a title: `recur report` printed it raw (found in review)
            await call(
                client, "record_incident", {**base, "title": "db slow \x1b]0;pwned\x07\x1b[2J", "description": "ok"}
            ),
            await call(client, "record_incident", {**base, "description": "ok", "flags": ["a\x00b"]}),
        ]

    answers = session(writes_refused["server"], work)
    for err, body, text in answers:
        assert err and body["error"]["code"] == "invalid_request" and "nothing written" in text, text
    assert answers[2][2].startswith("title: has the control character U+001B at character 9")
    assert answers[3][2].startswith("flags[0]: has the control character U+0000")
    assert sorted((kb / "incidents").rglob("*.md")) == before
    # the CLI's `-d -` takes the NUL out of a pasted description (as of control characters) and writes
    # a record the KB reads: no NUL in the file, and `recur check` passes below
    kb = small_kb(tmp_path / "kb")
    before = sorted((kb / "incidents").rglob("*.md"))
    by_cli = CliRunner().invoke(
        cli, ["incident", "new", "--kb", str(kb), "-t", "x", "-s", "sev2", "-d", "-", "--no-suggest"], input="a\x00b"
    )
    assert by_cli.exit_code == 0, by_cli.output
    (written,) = set((kb / "incidents").rglob("*.md")) - set(before)
    assert b"\x00" not in written.read_bytes() and "ab" in written.read_text(encoding="utf-8")
    check = CliRunner().invoke(cli, ["check", "--kb", str(kb)])
    assert check.exit_code == 0, check.output


class RawStdio:
    """`recur mcp` spoken to by hand, one JSON-RPC line at a time: the SDK's client will not encode a
    lone surrogate, which is the point of the test that uses this."""

    def __init__(self, kb, index, *extra, keep_stderr: bool = False):
        import queue
        import subprocess
        import threading

        params = stdio(kb, index, *extra)
        self.proc = subprocess.Popen(
            [params.command, *params.args],
            env=params.env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE if keep_stderr else None,
        )
        self.lines: queue.Queue = queue.Queue()
        self.reader = threading.Thread(target=lambda: [self.lines.put(x) for x in self.proc.stdout], daemon=True)
        self.reader.start()
        self.err: list[str] = []  # stderr's lines so far, with keep_stderr
        if keep_stderr:
            stderr = self.proc.stderr
            threading.Thread(
                target=lambda: [self.err.append(x.decode(errors="replace")) for x in stderr], daemon=True
            ).start()

    def send(self, line: bytes) -> None:
        self.proc.stdin.write(line + b"\n")
        self.proc.stdin.flush()

    def ask(self, n: int, method: str, params: dict, raw: bytes | None = None) -> dict:
        """Request ``n``, as JSON or as the ``raw`` line given; its answer, within 60 s (else the
        queue's Empty: the server dropped it)."""
        self.send(raw or json.dumps({"jsonrpc": "2.0", "id": n, "method": method, "params": params}).encode())
        while True:
            msg = json.loads(self.lines.get(timeout=60))
            if msg.get("id") == n:
                return msg

    def close(self) -> None:
        self.proc.stdin.close()
        self.proc.wait(timeout=30)


def test_stdio_text_that_is_not_valid_unicode_is_answered_not_dropped(raw_served, served):
    """A lone surrogate escape ("\\udcff") made the SDK drop the message unanswered (the client hung):
    it now reaches the tools as U+FFFD, as bytes that are not UTF-8 do; record_incident refuses text
    with U+FFFD in it (it would be written into the KB) and writes nothing. (raw_served: initialized, with
    --allow-writes, on ``served``'s KB, which nothing is written into.)"""
    kb = served["kb"]
    before = sorted((kb / "incidents").rglob("*.md"))
    server = raw_served

    def tool(n: int, name: str, arguments: str) -> dict:
        line = f'{{"jsonrpc": "2.0", "id": {n}, "method": "tools/call", "params": {{"name": "{name}", '
        return server.ask(n, "", {}, raw=line.encode() + b'"arguments": ' + arguments.encode() + b"}}")["result"]

    found = tool(next(_ping_ids), "suggest_patterns", '{"text": "No space left \\udcff on device", "top": 1}')
    assert not found["isError"] and found["structuredContent"]["query"] == "No space left \ufffd on device"
    assert found["structuredContent"]["results"][0]["id"] == "disk-full"
    refused = tool(next(_ping_ids), "record_incident", '{"title": "t \\udcff", "severity": "sev2", "description": "d"}')
    assert refused["isError"] and refused["structuredContent"]["error"]["code"] == "invalid_request"
    assert refused["content"][0]["text"].startswith("title: has U+FFFD in place of text that was not valid UTF-8")
    flags = tool(
        next(_ping_ids),
        "record_incident",
        '{"title": "t", "severity": "sev2", "description": "d", "flags": ["ok", "\\ud800"]}',
    )
    assert flags["isError"] and flags["content"][0]["text"].startswith("flags[1]: has U+FFFD")
    n = next(_ping_ids)
    latin1 = b'{"jsonrpc": "2.0", "id": %d, "method": "tools/call", "params": {"name": "record_incident", ' % n
    latin1 += b'"arguments": {"title": "caf\xe9 down", "severity": "sev2", "description": "d"}}}'
    assert server.ask(n, "", {}, raw=latin1)["result"]["content"][0]["text"].startswith("title: has U+FFFD")
    still = tool(next(_ping_ids), "suggest_patterns", '{"text": "ENOSPC", "top": 1}')
    assert still["structuredContent"]["results"][0]["id"] == "disk-full"
    assert sorted((kb / "incidents").rglob("*.md")) == before


@pytest.mark.parametrize(
    ("line", "code", "ident", "says"),
    [
        (b"hello, not JSON", -32700, None, "Parse error: the line is not JSON"),
        (b'{"jsonrpc": "2.0", "id": 5, "method": "tools/list"', -32700, None, "Parse error"),  # cut short
        (b"[1, 2]", -32600, None, "Invalid Request: a message is one JSON object (MCP has no JSON-RPC batches)"),
        (b'{"foo": 1}', -32600, None, 'Invalid Request: a message has "jsonrpc": "2.0"'),
        (b'{"jsonrpc": "2.0", "id": 6, "method": 7}', -32600, 6, "Invalid Request: not a JSON-RPC request"),
        (b'{"jsonrpc": "1.0", "id": "a", "method": "ping"}', -32600, "a", "Invalid Request"),
        (b'{"jsonrpc": "2.0", "id": 3}', -32600, None, "Invalid Request"),  # a response's id is not echoed
    ],
)
def test_stdio_a_line_that_is_not_a_message_gets_the_json_rpc_error_and_the_server_serves_on(
    raw_served, line, code, ident, says
):
    """Found in review: the SDK's stdio reader dropped a line it could not read as a JSON-RPC message
    without a word, so a client that sent one waited for an answer that never came. It is answered as
    JSON-RPC 2.0 says: -32700 for a line that is not JSON, -32600 for JSON that is not a message (with
    the request's id when it has one); a blank line is no message and is skipped. Nothing but JSON-RPC
    reaches stdout (raw_served checks the rest when it ends), and the server keeps serving."""
    n = next(_ping_ids)
    logged = len(raw_served.err)
    raw_served.send(b"\n".join([b"", b"  ", line, b'{"jsonrpc": "2.0", "id": %d, "method": "ping"}' % n]))
    answers = []  # every line of stdout is JSON-RPC, read up to the ping's answer
    while not answers or answers[-1].get("id") != n:
        answers.append(json.loads(raw_served.lines.get(timeout=60)))
    assert [a["id"] for a in answers] == [ident, n], answers
    refused = answers[0]
    assert refused["error"]["code"] == code and refused["error"]["message"].startswith(says), refused
    assert "result" not in refused and answers[1]["result"] == {}  # and the server still serves
    # the refused line is logged on stderr (written before the ping was read: here once our reader has
    # it), the blank ones are not
    deadline = time.monotonic() + 30
    while "(answered)" not in "".join(raw_served.err[logged:]) and time.monotonic() < deadline:
        time.sleep(0.02)
    err = "".join(raw_served.err[logged:])
    assert err.count("(answered)") == 1 and "Traceback" not in err, err


def test_stdio_the_sdks_warnings_are_said_as_the_servers_on_stderr(raw_served):
    """The MCP SDK drops a notification whose params it cannot read, with a warning: Python's last resort
    printed it bare ("dropped 'notifications/cancelled': malformed params", no level), unlike the server's
    other lines (found in review, after `recur serve` routed the SDK's warnings through its handler). Over
    stdio it is a ``warning:`` line on stderr; stdout has only the answer to the ping after it."""
    n = next(_ping_ids)
    logged = len(raw_served.err)
    bad = {"jsonrpc": "2.0", "method": "notifications/cancelled", "params": {"requestId": {"not": "an id"}}}
    raw_served.send(json.dumps(bad).encode())
    assert raw_served.ask(n, "ping", {}) == {"jsonrpc": "2.0", "id": n, "result": {}}
    said = "warning: dropped 'notifications/cancelled': malformed params\n"
    deadline = time.monotonic() + 30
    while said not in raw_served.err[logged:] and time.monotonic() < deadline:
        time.sleep(0.02)
    assert said in raw_served.err[logged:], raw_served.err[logged:]


_ping_ids = iter(range(100, 10**6))


@pytest.fixture(scope="module")
def raw_served(served):
    """`recur mcp` over stdio on ``served``'s KB, spoken to by hand (RawStdio), initialized, its stderr
    kept: the bad lines of the test above go to this one process (a process each took ~3 s a line), and the
    text that is not valid unicode (--allow-writes: its record_incident calls, each refused, write nothing).
    When it ends: stdin's EOF ends the server, cleanly, with nothing left on stdout no test read."""
    server = RawStdio(served["kb"], served["index"], "--allow-writes", keep_stderr=True)
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}
    assert "result" in server.ask(1, "initialize", hello)
    server.send(b'{"jsonrpc": "2.0", "method": "notifications/initialized"}')
    yield server
    server.close()
    server.reader.join(timeout=30)
    left = [server.lines.get_nowait() for _ in range(server.lines.qsize())]
    assert server.proc.returncode == 0 and not left, (server.proc.returncode, left)
    assert "Traceback" not in "".join(server.err), server.err


def test_http_mcp_on_a_live_server(served):
    url = served["base"] + "/mcp"

    async def work(client):
        names = {t.name for t in (await client.list_tools()).tools}
        good = await call(client, "suggest_patterns", {"text": "dial tcp: lookup api.internal: no such host", "top": 3})
        bad = await call(client, "get_pattern", {"id": "no-such-thing"})
        doc = await call(client, "get_pattern", {"id": "dns-failure"})
        unknown = await call(client, "suggest_patterns", {"text": "what should we order for lunch on friday"})
        return names, good, bad, doc, unknown

    names, good, bad, doc, unknown = session(url, work)
    # no known pattern: the API's verdict, and the text says so and names every next step
    err, got, text = unknown
    assert not err and got == api(served, "/api/suggest", {"text": "what should we order for lunch on friday"})[1]
    assert got["no_known_pattern"] is True and text.startswith("No known pattern matches")
    assert all(s in text for s in ("recur incident new", "recur new pattern", "recur import", "for comparison only"))
    assert names == READ_TOOLS  # the HTTP mount is read-only
    assert (
        not good[0]
        and good[1] == api(served, "/api/suggest", {"text": "dial tcp: lookup api.internal: no such host", "top": 3})[1]
    )
    assert bad[0] and bad[1] == api(served, "/api/patterns/no-such-thing")[1]
    assert doc[1] == api(served, "/api/patterns/dns-failure")[1]


def test_a_pasted_alert_payload_is_searched_by_suggest_patterns_as_the_webhook_searches_it(served):
    """Found in review: MCP's suggest_patterns searched a pasted alert payload's JSON whole, where `recur
    suggest` and the webhook search its first firing alert; now it reads it as they do, and says so."""
    alert = {
        "labels": {"alertname": "CoreDNSErrorsHigh", "instance": "10.0.0.3:9153", "service": "coredns"},
        "annotations": {"summary": "CoreDNS is returning SERVFAIL", "runbook_url": "https://wiki/x"},
    }
    paste = json.dumps({"version": "4", "status": "firing", "alerts": [alert]})
    hook = api(served, "/api/alertmanager", {"version": "4", "alerts": [alert]})[1]["alerts"][0]

    async def work(client):
        return await call(client, "suggest_patterns", {"text": paste, "top": 3})

    err, got, text = session(served["base"] + "/mcp", work)
    assert (
        not err and got["query"] == hook["query"] == "CoreDNSErrorsHigh. CoreDNS is returning SERVFAIL. service coredns"
    )
    assert [r["id"] for r in got["results"]] == [r["id"] for r in hook["results"]][:3]
    assert "pasted alert: searched alert 'CoreDNSErrorsHigh'" in text, text  # the note, said first


def test_a_pasted_alert_list_is_searched_by_its_real_alert_not_the_always_firing_heartbeat(served, served_stdio):
    """Found pasting `amtool alert query -o json` (Alertmanager's API list) into suggest_patterns as a responder:
    it lists kube-prometheus's Watchdog and InfoInhibitor, which fire all the time by design (severity "none"),
    beside the real alerts, and the first firing one was searched: "searched alert 'Watchdog'", no known
    pattern. A heartbeat is searched only when nothing else in the paste fires."""
    real = {
        "labels": {"alertname": "CoreDNSErrorsHigh", "service": "coredns", "severity": "critical"},
        "annotations": {"summary": "CoreDNS is returning SERVFAIL"},
    }
    beats = [
        {"labels": {"alertname": "Watchdog", "severity": "none"}, "annotations": {"summary": "always firing"}},
        {"labels": {"alertname": "InfoInhibitor", "severity": "none"}, "annotations": {"summary": "inhibits info"}},
    ]
    listed = json.dumps([{**a, "status": {"state": "active"}} for a in [*beats, real]])

    async def work(client):
        return [
            await call(client, "suggest_patterns", {"text": listed, "top": 3}),
            await call(client, "suggest_patterns", {"text": json.dumps(real), "top": 3}),
            await call(client, "suggest_patterns", {"text": json.dumps(beats), "top": 3}),
        ]

    (err, got, text), (_, alone, _), (_, only_beats, beat_text) = session(served_stdio, work)
    assert not err and got["query"] == alone["query"] and got["results"] == alone["results"]
    assert "searched alert 'CoreDNSErrorsHigh'" in text and "2 more in it" in text, text
    assert "searched alert 'Watchdog'" in beat_text  # nothing else fires: the first is searched, as before


def test_a_pasted_alert_lists_other_alerts_are_named_with_advice_an_assistant_can_follow(served, served_stdio):
    """Found in review: the note of a pasted list said "2 more in it: POST the payload to /api/alertmanager to
    have each answered" to an assistant, which cannot; it names the others (a heartbeat as always firing) and
    says to call suggest_patterns with each; /api/suggest keeps its own wording."""
    first = {"labels": {"alertname": "CoreDNSErrorsHigh", "service": "coredns"}, "annotations": {"summary": "SERVFAIL"}}
    second = {"labels": {"alertname": "KubePodCrashLooping", "service": "api"}, "annotations": {"summary": "restarts"}}
    beat = {"labels": {"alertname": "Watchdog", "severity": "none"}, "annotations": {"summary": "always firing"}}
    pasted = json.dumps([beat, first, second])

    async def work(client):
        return await call(client, "suggest_patterns", {"text": pasted, "top": 3})

    err, got, text = session(served_stdio, work)
    assert not err and "/api/alertmanager" not in text and "/api/alertmanager" not in got["query_note"], text
    assert "2 more in it, not searched: 'KubePodCrashLooping', 'Watchdog' (always firing)" in text, text
    assert "call suggest_patterns with that alert alone" in got["query_note"]
    api = httpx.post(served["base"] + "/api/suggest", json={"text": pasted, "top": 3}).json()
    assert "; to have each answered, POST the payload to /api/alertmanager" in api["query_note"]
    assert api["query"] == got["query"] and api["results"] == got["results"]


def test_tool_descriptions_are_paragraphs_not_the_sources_wrapped_lines(served_stdio):
    """Found in review: tools/list gave each description with the docstring's line breaks at ~100 columns,
    which assistants show as they are (a break mid-sentence, "`recur incident new" then "--json`"). The lines
    are joined; a blank line still parts paragraphs and a list's item starts a line (``described``)."""

    async def work(client):
        return {t.name: t.description for t in (await client.list_tools()).tools}

    described_as = session(served_stdio, work)
    assert set(described_as) == READ_TOOLS and not [n for n, d in described_as.items() if "\n" in d], described_as
    assert "in ranked order (each probability is estimated on its own" in described_as["suggest_patterns"]
    from recur.serve.mcp_server import described  # of paragraphs and lists, which no tool's docstring has yet

    doc = """First line
        goes on here.

        Items:
        - one
          continued
        2. two
        """
    assert described(doc) == "First line goes on here.\n\nItems:\n- one continued\n2. two"


def test_http_mcp_answers_with_a_trailing_slash_too(served, tmp_path):
    """Found in review: POST /mcp/ (how some MCP clients are configured) fell through to the site
    (`recur serve` always has a --site folder, built or not) and got the API's 405 'POST is not
    allowed on /mcp/'."""
    app = create_app(
        lambda: Engine.open(served["kb"], served["index"], model="fake:64", quiet=True),
        site_dir=tmp_path / "site",
        feedback_path=tmp_path / "fb.jsonl",
        host="127.0.0.1",
    )

    async def work(client):
        return {t.name for t in (await client.list_tools()).tools}

    with running(app) as base:
        assert session(base + "/mcp/", work) == READ_TOOLS


_LAZY_SDK = """
import json, sys
from starlette.testclient import TestClient
from recur.retrieval.engine import Engine
from recur.serve import create_app
kb, index, feedback = sys.argv[1:]
app = create_app(lambda: Engine.open(kb, index, model="fake:64", quiet=True), feedback_path=feedback, host="127.0.0.1")
at_create = "mcp" in sys.modules
init = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
        "params": {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "t", "version": "1"}}}
with TestClient(app, base_url="http://127.0.0.1:8000") as client:
    r = client.post("/mcp", json=init, headers={"Accept": "application/json, text/event-stream"})
data = json.loads(r.text.partition("data: ")[2])
print(json.dumps([at_create, r.status_code, data["result"]["serverInfo"]["name"]]))
"""


def test_http_mcp_imports_the_sdk_after_start_and_answers_its_first_request(served, tmp_path):
    """The MCP SDK's import was 0.4 s of `recur serve`'s ~1 s to a 200 on /healthz (fake model), paid before
    it listened: create_app no longer imports it (mcp_http.py); /mcp builds it once the engine is ready, or
    on its first request, which is answered as before. In a process of its own: this one has the SDK loaded."""
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    args = [str(served["kb"]), str(served["index"]), str(tmp_path / "fb.jsonl")]
    r = subprocess.run([sys.executable, "-c", _LAZY_SDK, *args], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    assert json.loads(r.stdout) == [False, 200, "recur"], r.stdout


def test_http_mcp_goes_through_the_app_middleware(served):
    """/mcp is a route of the app, so its guards (and the token rules) apply: an oversized body gets
    the API's 413 before the MCP SDK reads it, as a JSON-RPC error (the API's code in its data)."""
    r = httpx.post(
        served["base"] + "/mcp",
        content=b"{" + b" " * (130 * 1024) + b"}",
        headers={"Content-Type": "application/json", "Accept": "application/json, text/event-stream"},
    )
    body = r.json()
    assert r.status_code == 413 and body["error"]["data"]["code"] == "body_too_large"
    assert body["jsonrpc"] == "2.0" and body["id"] is None and "the limit is" in body["error"]["message"]


def test_the_sdk_client_gets_an_over_limit_call_as_a_json_rpc_error_naming_the_limit(served):
    """Checked for a report that a body over the limit was a protocol error: the SDK's client raises the
    server's JSON-RPC error (-32600, the limit in its message, the API's code in its data), and the same
    session answers the next call."""

    async def work(client):
        try:
            await client.call_tool("suggest_patterns", {"text": "No space left on device " * 6000})
            refused = None
        except MCPError as exc:
            refused = exc.error
        return refused, await call(client, "suggest_patterns", {"text": "No space left on device", "top": 1})

    refused, after = session(served["base"] + "/mcp", work)
    assert refused is not None and refused.code == -32600 and refused.data == {"code": "body_too_large"}
    assert refused.message.startswith("the request body is "), refused.message
    # the counts grouped, and what an assistant can do with a long text (it cannot pipe the log through `recur
    # suggest -`, which the terminal is told: found in an MCP integrator's review)
    assert refused.message.endswith(
        "; the limit is 131,072 bytes; for a long text to search, send the error lines, or the last 200 lines of "
        "the log, in a new call"
    ), refused.message
    assert not after[0] and after[1]["results"][0]["id"] == "disk-full"


def test_http_mcp_a_call_while_the_engine_loads_waits_for_it_as_over_stdio(kb_dir, tmp_path):
    """Found calling /mcp right after `recur serve` started (the real model loads in ~10 s): suggest_patterns
    was a tool error, "the model and index are still loading; retry in a few seconds", where `recur mcp`
    waits for the load (holder_engine). The call now waits for it there too (at most MCP_LOAD_WAIT),
    holding no thread; a load that failed is said at once, as before."""
    import threading

    release = threading.Event()

    def slow_load():
        release.wait(60)
        return Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)

    app = create_app(slow_load, site_dir=None, feedback_path=tmp_path / "fb.jsonl", host="127.0.0.1")

    async def work(client):
        threading.Timer(1.0, release.set).start()  # the load ends while the first call waits for it
        first = await call(client, "get_pattern", {"id": "disk-full"})
        return first, await call(client, "suggest_patterns", {"text": "ENOSPC", "top": 2})

    async def read(client):  # a resource read waits too
        threading.Timer(1.0, release.set).start()
        return (await client.read_resource("recur://patterns/disk-full")).contents[0].text

    with running(app, wait_ready=False) as base:
        first, then = session(base + "/mcp", work)
    assert not first[0] and first[1]["id"] == "disk-full", first[2]
    assert not then[0] and then[1]["results"][0]["id"] == "disk-full", then[2]
    release.clear()
    with running(create_app(slow_load, site_dir=None, feedback_path=tmp_path / "fb.jsonl"), wait_ready=False) as base:
        assert "id: disk-full" in session(base + "/mcp", read)


def test_http_mcp_a_call_waiting_for_the_load_is_answered_at_the_stop_not_held_to_its_grace(
    kb_dir, tmp_path, monkeypatch
):
    """A tool call over /mcp that waits for the engine's load (``_Server._loaded``) looked only at the load: a stop
    (SIGTERM: uvicorn's should_exit, as here) during it left the call waiting, and the stop with it, for the whole
    --shutdown-grace (Kubernetes' 30 s), where the call was then cut. It is answered at the stop, "still loading;
    retry", as `recur mcp`'s wait ends at its signal, and the server stops. The wait is made an hour and the grace
    120 s, so that the call returns only if the stop ends its wait; the bound below is on a hang, not a timing."""
    import threading

    from recur.serve import mcp_http

    monkeypatch.setattr(mcp_http, "HTTP_LOAD_WAIT", 3600.0)
    release, asked = threading.Event(), threading.Event()

    def slow_load():
        release.wait(600)
        return Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)

    app = create_app(slow_load, site_dir=None, feedback_path=tmp_path / "fb.jsonl", host="127.0.0.1")
    holder = app.state.holder
    said = holder.not_ready

    def not_ready():  # what the real getter says of the load, seen said: the call is waiting for the load
        asked.set()
        return said()

    holder.not_ready = not_ready

    async def work(client):
        answer = asyncio.ensure_future(call(client, "suggest_patterns", {"text": "ENOSPC"}))
        assert await asyncio.to_thread(asked.wait, 60), "the call never waited for the load"
        begin_stop(base)
        return await asyncio.wait_for(answer, 60)  # a bound on the hang: before, held to the grace (120 s)

    try:
        with running(app, wait_ready=False, timeout_graceful_shutdown=120) as base:
            err, body, text = session(base + "/mcp", work)
    finally:
        release.set()
    assert err and body["error"]["code"] == "not_ready" and "retry" in text, text


def test_stdio_lists_its_tools_while_its_patterns_wait_for_the_load(kb_dir, tmp_path):
    """Found starting `recur mcp` as an assistant's client does (initialize, then tools/list and resources/list at
    once): resources/list waited for the model's load on the event loop, so tools/list, which needs no engine,
    was answered only after it (9.1 s with the real model; behind a first index build, past the time a client
    gives a request). The listing now waits for the load in a worker thread, and the server answers meanwhile."""
    import threading

    from recur.serve.mcp_server import build_server
    from recur.serve.mcp_stdio import holder_engine
    from recur.serve.runtime import EngineHolder

    release = threading.Event()

    def slow_load():
        release.wait(60)
        return Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)

    holder = EngineHolder(slow_load)
    holder.start()
    waits, asked = holder_engine(holder, wait=300), threading.Event()  # the load's wait: a bound on a hang

    def engine():  # the server's getter, seen asked: the listing is waiting for the load
        asked.set()
        return waits()

    async def work(client):
        listing = asyncio.ensure_future(client.list_resources())
        deadline = time.monotonic() + 60  # sent first, as a client at start-up does: waited for, not 0.2 s slept
        while not asked.is_set():
            assert time.monotonic() < deadline, "the resources were never asked for"
            await asyncio.sleep(0.01)
        tools = await client.list_tools()
        release.set()  # the load ends only once the tools are listed
        return {t.name for t in tools.tools}, {r.name for r in (await listing).resources}

    try:
        tools, patterns = session(build_server(engine, stale_files=lambda: holder.kb_changed), work)
    finally:
        release.set()
        holder.stop()
    assert tools == READ_TOOLS and "disk-full" in patterns


def test_stdio_a_call_made_while_the_load_goes_is_told_at_once_when_the_load_fails():
    """Seen in CI: `recur mcp` over an index built with another model, resources/list sent while the load was still
    going, timed out: a call that waited for the load (holder_engine) waited the whole wait (LOAD_WAIT, 300 s)
    when the load then failed, where a call made after the failure was told at once. It is told once it fails."""
    import threading

    from recur.serve import mcp_stdio
    from recur.serve.runtime import EngineHolder
    from recur.util.errors import RecurError

    release, waiting = threading.Event(), threading.Event()

    def failing_load():
        release.wait(60)
        raise RecurError("the index was built with another model")

    class SeenWaiting(threading.Event):  # the real event, which says when the call has begun to wait on it
        def wait(self, timeout=None):
            waiting.set()
            return super().wait(timeout)

    holder = EngineHolder(failing_load)
    holder.ready = SeenWaiting()
    holder.start()
    told: list = []

    def call():
        try:
            mcp_stdio.holder_engine(holder, wait=3600)()  # an hour: the old wait, far past the join below
        except Exception as exc:  # what the tool call is told
            told.append(exc)

    caller = threading.Thread(target=call, daemon=True)
    caller.start()
    try:
        assert waiting.wait(60), "the call never waited for the load"
        release.set()  # the load fails while the call waits for it
        caller.join(60)  # a bound on a hang, not a timing
    finally:
        release.set()
        holder.stop()
    assert not caller.is_alive(), "the call still waits for a load that failed"
    assert [getattr(e, "code", None) for e in told] == ["engine_failed"], told
    assert str(told[0]).startswith("the search engine failed to load: the index was built with another model")


def test_stdio_a_call_made_while_a_rebuilt_index_loads_waits_for_it_not_told_the_old_failure(kb_dir, tmp_path):
    """`recur mcp` tries a failed first load again once the index is rebuilt ("The index changed: loading it
    again."), but the old failure stayed in ``holder.error`` while that load went: a call made then was told at once
    that the engine had failed to load, for the reason the rebuild had just mended. It waits for the load, as a call
    during the first load does (and is told at once should that one fail too)."""
    import threading

    from recur.serve import mcp_stdio
    from recur.serve.runtime import EngineHolder
    from recur.util.errors import RecurError

    Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)
    rebuilt, again, release, waiting = [False], threading.Event(), threading.Event(), threading.Event()

    def load():
        if not rebuilt[0]:
            raise RecurError("the index was built with another model")
        again.set()
        release.wait(60)
        return Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True, update=False)

    class SeenWaiting(threading.Event):  # the real event, which says when the call has begun to wait on it
        def wait(self, timeout=None):
            waiting.set()
            return super().wait(timeout)

    holder = EngineHolder(load, reload_interval=0.05, retry_when=lambda: rebuilt[0])
    holder.start()
    told: list = []

    def call():
        try:
            told.append(mcp_stdio.holder_engine(holder, wait=3600)())
        except Exception as exc:  # what the tool call is told
            told.append(exc)

    try:
        deadline = time.monotonic() + 60  # a state waited for, the first load's failure; the bound is on a hang
        while holder.error is None:
            assert time.monotonic() < deadline, "the first load never failed"
            time.sleep(0.01)
        rebuilt[0] = True  # the index is rebuilt: the holder loads it again
        assert again.wait(60), "the rebuilt index was never loaded"
        holder.ready = SeenWaiting()
        caller = threading.Thread(target=call, daemon=True)
        caller.start()
        assert waiting.wait(60), "the call never looked at the load"
        release.set()  # the load ends once the call is made
        caller.join(60)
    finally:
        release.set()
        holder.stop()
    assert not caller.is_alive(), "the call still waits for a load that ended"
    assert told == [holder.engine], told


def test_stdio_an_index_rebuilt_while_a_failed_load_read_it_is_loaded_again(kb_dir, tmp_path):
    """`recur mcp` loads the index again once its files change after a failed load, but it took the files' signature
    only after the load had failed: an index rebuilt while the load read the old one (`recur mcp` started by an
    editor while `recur index --rebuild` ran) was the signature it then waited to see change, and the server stayed
    failed, every call told so, until the index changed once more or a restart. The signature is the one the load
    began with. The bound below is on that hang, not a timing."""
    from recur.cli.startup import open_engine
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval.index import build
    from recur.serve import mcp_stdio
    from recur.serve.runtime import EngineHolder, index_files_signature
    from recur.util.errors import RecurError

    index = tmp_path / "index"
    build(load_kb(kb_dir), index, embed.load_encoder("fake:32"), progress=False)  # another model's index
    rebuilt = []

    def load():  # as `recur mcp` loads, the rebuild finishing after the load read the old index, before it failed
        try:
            return open_engine(kb_dir, index, "fake:64")
        except RecurError:
            if not rebuilt:
                rebuilt.append(build(load_kb(kb_dir), index, embed.load_encoder("fake:64"), progress=False))
            raise

    holder = EngineHolder(load, reload_interval=0.05, retry_when=lambda: index_files_signature(index))
    holder.start()
    try:
        assert holder.ready.wait(60), f"the index rebuilt during the failed load was never loaded: {holder.error}"
        engine = mcp_stdio.holder_engine(holder, wait=60)()
    finally:
        holder.stop()
    assert rebuilt and engine.manifest["model"] == "fake-hash-64", engine.manifest


def _answer(proc, n: int) -> dict:
    """The answer to request ``n`` on ``proc``'s stdout (a raw `recur mcp`), read within the bound on a hang."""
    while (message := json.loads(read_line(proc.stdout, what=f"the answer to request {n}"))).get("id") != n:
        pass
    return message


def test_stdio_a_copied_checkouts_failed_load_is_not_taken_for_a_rebuild(tmp_path):
    """`recur mcp` over a copied checkout whose index was built with another model: the load tells the index where
    its KB now is (index.record_place rewrites manifest.json, the same build) before it fails, and the watcher, which
    takes the index's files as the load begins, took that write for a rebuild: "The index changed: loading it
    again." with nothing rebuilt, a second load and the same error said twice. One failure, said once."""
    from recur.retrieval import embed
    from recur.retrieval.index import build, read_manifest

    first = tmp_path / "first"
    build(load_kb(small_kb(first / "kb")), first / "index", embed.load_encoder("fake:32"), progress=False)
    copied = tmp_path / "copied"
    shutil.copytree(first, copied)
    params, log = stdio(copied / "kb", copied / "index"), tmp_path / "stderr.txt"
    with log.open("wb") as err:
        proc = subprocess.Popen(
            [params.command, *params.args], env=params.env, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=err
        )
        try:
            hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}
            asked = [(1, "initialize", hello), (None, "notifications/initialized", None)]
            asked.append((2, "tools/call", {"name": "suggest_patterns", "arguments": {"text": "ENOSPC"}}))
            for n, method, args in asked:
                message = {"jsonrpc": "2.0", "method": method} | ({"id": n, "params": args} if n else {})
                proc.stdin.write(json.dumps(message).encode() + b"\n")
                proc.stdin.flush()
                answer = _answer(proc, n) if n else None
            proc.stdin.close()  # the session ends: the server stops, having said all it had to
            assert proc.wait(timeout=60) == 0
        finally:
            proc.kill()
    said = log.read_text()
    assert answer["result"]["isError"] and "built with model 'fake-hash-32'" in answer["result"]["content"][0]["text"]
    assert read_manifest(copied / "index")["kb"] == str((copied / "kb").resolve())  # the load did tell it
    assert said.count("Error: ") == 1 and "The index changed" not in said, said


def test_a_log_line_that_cannot_be_written_does_not_keep_the_engine_from_being_ready_or_its_failure_said(
    kb_dir, tmp_path, monkeypatch
):
    """The engine's thread said "Ready: …" (and "Error: …") on stderr before it signalled the load's end, and a
    write that failed (a client that closed `recur mcp`'s stderr, a log file on a full disk) ended the thread there:
    the engine was set but never ready, so each call waited its whole LOAD_WAIT (300 s) for it; a failed load's
    on_fatal (`recur serve`'s stop) was never called. A line that cannot be written is lost; the load ends as it
    would have. stderr here is a pipe whose reader has closed (EPIPE)."""
    import os
    import sys
    import threading

    from recur.serve.runtime import EngineHolder
    from recur.util.errors import RecurError

    Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)
    read, write = os.pipe()
    os.close(read)
    broken = os.fdopen(write, "w", buffering=1)
    monkeypatch.setattr(sys, "stderr", broken)
    loaded = EngineHolder(lambda: Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True))
    told: list = []

    def failing():
        raise RecurError("the index was built with another model")

    def fatal(message: str) -> None:
        told.append(message)
        fatal_told.set()

    fatal_told = threading.Event()
    failed = EngineHolder(failing, on_fatal=fatal)
    loaded.start()
    failed.start()
    try:  # bounds on the hangs
        assert loaded.ready.wait(60), "the engine loaded but was never ready"
        assert fatal_told.wait(60), "the failed load's on_fatal was never called"
    finally:
        loaded.stop()
        failed.stop()
        monkeypatch.undo()
        with contextlib.suppress(OSError):  # what it holds cannot be written: closed all the same
            broken.close()
    assert told == ["the index was built with another model"], told


def test_http_mcp_needs_the_token_with_scope_all_and_slack_does_not(tmp_path):
    """/mcp follows the API's read-route token rule (--token-scope all): no token, the API's 401;
    with the token, an MCP session works. Slack routes answer on their own signature instead."""
    kb = small_kb(tmp_path / "kb")
    token = "t0k3n-for-the-mcp-test-1234"
    app = fake_app(kb, tmp_path, host="127.0.0.1", token=token, token_scope="all", slack_signing_secret="slack-s3cret")
    with running(app) as base:
        r = httpx.post(base + "/mcp", json={}, headers={"Accept": "application/json, text/event-stream"})
        # the API's 401, as a JSON-RPC error body (an MCP client showed "Server returned an error response")
        assert r.status_code == 401 and r.json()["error"]["data"]["code"] == "unauthorized"
        assert r.json()["jsonrpc"] == "2.0" and "token" in r.json()["error"]["message"]
        assert r.headers["www-authenticate"].startswith("Bearer")
        wrong = httpx.post(base + "/mcp", json={}, headers={"Authorization": "Bearer nope"})
        assert wrong.status_code == 401
        for path in ("/mcp", "/mcp/"):  # refused at the door: no token, no body read (was the body guard's 413)
            big = httpx.post(
                base + path, content=b"{" + b" " * (130 * 1024) + b"}", headers={"Content-Type": "application/json"}
            )
            assert big.status_code == 401 and big.json()["error"]["data"]["code"] == "unauthorized", (path, big.text)
        api = httpx.get(base + "/api/patterns")  # the API's own routes keep the API's shape
        assert api.status_code == 401 and api.json()["error"]["code"] == "unauthorized"

        async def without_token():
            from mcp.client.streamable_http import streamable_http_client
            from mcp.shared.exceptions import MCPError

            try:
                async with Client(streamable_http_client(base + "/mcp"), read_timeout_seconds=60) as client:
                    await client.list_tools()
            except Exception as exc:  # noqa: BLE001 - the SDK raises it inside an ExceptionGroup
                while getattr(exc, "exceptions", None):  # an ExceptionGroup (Python 3.11+), nested
                    exc = exc.exceptions[0]
                assert isinstance(exc, MCPError), exc
                return exc.error.message
            return "connected"

        assert "token" in run_async(without_token())  # what the server said, not a generic error

        async def work():
            from mcp.client.streamable_http import streamable_http_client
            from mcp.shared._httpx_utils import create_mcp_http_client

            http = create_mcp_http_client(headers={"Authorization": f"Bearer {token}"})
            async with (
                http,
                Client(streamable_http_client(base + "/mcp", http_client=http), read_timeout_seconds=60) as client,
            ):
                return {t.name for t in (await client.list_tools()).tools}

        assert run_async(work()) == READ_TOOLS
        slack = httpx.post(base + "/api/slack/commands", data={"text": "disk full"})
        # refused by its own signature check, not the token (Slack sends none); with Slack not set up (a 404) the
        # assert here was 'status != 401 or …', true whatever the token rule did
        assert slack.status_code == 401 and slack.json()["error"]["code"] == "bad_signature", slack.text


def test_http_mcp_resource_read_does_not_follow_a_pattern_file_turned_into_a_symlink_out_of_the_kb(tmp_path):
    """Found in a security review: a pull replaced an indexed pattern's file with a symlink to a secret; the
    index kept the old doc (`recur index --strict` refused the KB), and resources/read over /mcp (no token
    under the default --token-scope write) answered the secret. Now refused, naming the pattern, no path."""
    kb = small_kb(tmp_path / "kb")
    engine = Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
    secret = tmp_path / "secret.txt"
    secret.write_text("TOP-SECRET-VALUE\n", encoding="utf-8")
    target = kb / engine.docs["disk-full"]["path"]
    target.unlink()
    target.symlink_to(secret)
    app = create_app(lambda: engine, site_dir=None, feedback_path=tmp_path / "fb.jsonl", host="127.0.0.1")

    async def read(client):
        try:
            return (await client.read_resource("recur://patterns/disk-full")).contents[0].text
        except MCPError as exc:
            return "error: " + exc.error.message

    with running(app) as base:
        said = session(base + "/mcp", read)
    assert said.startswith("error: ") and "TOP-SECRET" not in said and "disk-full" in said, said
    assert str(tmp_path) not in said and "patterns/" not in said and ".md" not in said, said


# /mcp driven by hand, as the protocol says (some tests need what the SDK client does not do)
JSON_SSE = {"Content-Type": "application/json", **MCP_ACCEPT}
INIT = MCP_INIT


def session_headers(sid: str) -> dict:
    return {**JSON_SSE, "mcp-session-id": sid, "mcp-protocol-version": "2025-06-18"}


def open_session(client, url: str) -> dict:
    """initialize, then notifications/initialized; the headers that name the session."""
    headers = session_headers(client.post(url, headers=JSON_SSE, json=INIT).headers["mcp-session-id"])
    client.post(url, headers=headers, json={"jsonrpc": "2.0", "method": "notifications/initialized"})
    return headers


def test_idle_mcp_sessions_do_not_take_the_apis_slots(tmp_path):
    """Found by QA: an MCP client may hold a GET /mcp event stream open while idle (the protocol's
    channel for server messages); with --max-concurrent 4, four idle sessions turned every API
    request away with 503. Sessions opened as the protocol says, by hand: the SDK client opens
    that stream only in some versions."""
    import contextlib

    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, max_concurrent=4)
    with running(app) as base, contextlib.ExitStack() as stack:
        url = base + "/mcp"
        for _ in range(4):
            client = stack.enter_context(httpx.Client(timeout=30))
            headers = open_session(client, url)
            stream = stack.enter_context(client.stream("GET", url, headers={**headers, "Accept": "text/event-stream"}))
            assert stream.status_code == 200
        r = httpx.post(base + "/api/suggest", json={"text": "disk full"}, timeout=30)
    assert r.status_code == 200, r.text


def test_metrics_label_mcp_requests_as_mcp(served):
    """Found by QA: every /mcp request was counted under route="site"."""
    session(served["base"] + "/mcp", lambda client: client.list_tools())
    text = httpx.get(served["base"] + "/metrics", timeout=60).text
    assert 'route="/mcp"' in text
    assert not [line for line in text.splitlines() if 'route="site"' in line and 'method="POST"' in line]


def test_http_mcp_argument_errors_read_as_the_api(served):
    """Found by QA: arguments that do not fit a tool's signature got the SDK's multi-line pydantic
    dump; they are the API's invalid_request error, named by field, as a tool error."""

    async def work(client):
        return [
            await call(client, "suggest_patterns", {"text": 5}),
            await call(client, "suggest_patterns", {}),
            await call(client, "suggest_patterns", {"text": "disk", "top": "abc"}),
            await call(client, "get_pattern", {"id": ["disk-full"]}),
            await call(client, "suggest_patterns", {"text": "ENOSPC", "top": 1}),
        ]

    wrong_type, missing, bad_top, bad_id, after = session(served["base"] + "/mcp", work)
    for (err, body, text), args in ((wrong_type, {"text": 5}), (missing, {})):
        status, expected = api(served, "/api/suggest", args)
        assert err and status == 422 and body == expected and text == expected["error"]["message"]
    assert bad_top[0] and bad_top[1]["error"]["code"] == "invalid_request" and bad_top[2].startswith("top: ")
    assert bad_id[0] and bad_id[2] == "id: Input should be a valid string"
    assert "\n" not in bad_top[2] + bad_id[2] and "pydantic" not in bad_top[2] + bad_id[2]
    assert not after[0] and after[1]["results"][0]["id"] == "disk-full"  # the session still serves


def test_http_mcp_a_boolean_count_is_refused_as_by_the_api(served):
    """Found by QA: the SDK's lax arguments read top=true as 1 and limit=true as 1, so a client's bool
    silently got one result where POST /api/suggest answers 422 "top: Input should be a valid integer"."""

    async def work(client):
        return [
            await call(client, "suggest_patterns", {"text": "disk", "top": True}),
            await call(client, "suggest_patterns", {"text": "disk", "top": False}),
            await call(client, "past_incidents", {"pattern_id": "disk-full", "limit": True}),
            await call(client, "suggest_patterns", {"text": "ENOSPC", "top": 2}),
        ]

    top_true, top_false, limit_true, after = session(served["base"] + "/mcp", work)
    status, expected = api(served, "/api/suggest", {"text": "disk", "top": True})
    assert status == 422 and expected["error"]["message"] == "top: Input should be a valid integer"
    for err, body, text in (top_true, top_false):
        assert err and body == expected and text == expected["error"]["message"]
    assert limit_true[0] and limit_true[2] == "limit: Input should be a valid integer"
    assert not after[0] and len(after[1]["results"]) == 2


def _failed_then_mended(kb_dir, index, mend, before=None):
    """Ask `recur mcp` over stdio once (its first load fails), call ``mend()``, then ask until it answers
    (the holder polls the index every second): the first and the last answer. ``before(client)``: asked first, in
    the same session (its result is returned)."""

    async def work(client):
        seen = await before(client) if before else None
        first = await call(client, "suggest_patterns", {"text": "ENOSPC"})
        mend()
        for _ in range(300):
            again = await call(client, "suggest_patterns", {"text": "ENOSPC"})
            if not again[0]:
                break
            await asyncio.sleep(0.2)
        return seen, first, again

    seen, (err1, body1, _), (err2, body2, _) = session(stdio(kb_dir, index), work)
    assert err1 and body1["error"]["code"] == "engine_failed"
    assert not err2 and "no_known_pattern" in body2 and body2["results"], body2
    return seen


def test_an_engine_that_cannot_load_is_a_tool_error_and_a_rebuilt_index_is_picked_up(kb_dir, tmp_path):
    """An index built with another model: every tool that needs the model says why, the process stays up. And found in review: the
    message says "rebuild it with: recur index --rebuild", but `recur mcp` (which an editor starts, and a user cannot
    easily restart) kept the failed load until a restart. (One process for both: a start took 12-16 s loaded.)"""
    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval.index import build

    index = tmp_path / "index"
    build(load_kb(kb_dir), index, embed.load_encoder("fake:32"), progress=False)  # another model's index

    async def cannot_load(client):
        try:
            listed = (await client.list_resources()).resources
        except MCPError as exc:  # the patterns cannot be listed: the reason, as a JSON-RPC error
            listed = exc.error.message
        return listed, [await call(client, "suggest_patterns", {"text": "ENOSPC"}) for _ in range(2)]

    def rebuild():
        args = ["index", "--kb", str(kb_dir), "--index", str(index), "--model", "fake:64", "--rebuild"]
        rebuilt = CliRunner().invoke(cli, args)
        assert rebuilt.exit_code == 0, rebuilt.output

    listed, calls = _failed_then_mended(kb_dir, index, rebuild, before=cannot_load)
    # the patterns need no model: after a failed load they are listed from the KB (test_mcp_kb_only for the rest)
    assert not isinstance(listed, str) and "disk-full" in {r.name for r in listed}, listed
    for err, body, text in calls:
        assert err and body["error"]["code"] == "engine_failed" and text.startswith("the search engine failed to load")


def test_an_index_whose_copy_finishes_after_a_failed_first_load_is_picked_up(kb_dir, tmp_path):
    """As `recur serve` since an operator's review: a first load that failed on a half-copied
    vectors.npy was retried only when manifest.json changed, so finishing the copy changed nothing."""
    index = tmp_path / "index"
    fake_index(kb_dir, index)
    whole = (index / "vectors.npy").read_bytes()
    (index / "vectors.npy").write_bytes(whole[: len(whole) // 2])  # a copy still running
    # the copy finishes: manifest.json untouched
    _failed_then_mended(kb_dir, index, lambda: (index / "vectors.npy").write_bytes(whole))


def test_http_mcp_refusals_are_json_rpc_errors(served):
    """The SDK sent a wrong Content-Type, and (on loopback) a foreign Host or Origin, bare text with
    no Content-Type; every /mcp refusal is now a JSON-RPC error body, status and message kept, but the Host's,
    said as every other route says it (naming the Host and what a reverse proxy's operator sets)."""
    url = served["base"] + "/mcp"
    accept = {"Accept": "application/json, text/event-stream"}
    host_said = (
        "Invalid Host header 'evil.example': not a name this server answers to; if it is a reverse proxy's public "
        "name, start recur serve with --allowed-host evil.example (or the variable "
        "RECUR_MCP_ALLOWED_HOSTS=evil.example, names space-separated)"
    )
    cases = [
        (400, "Invalid Content-Type header", {"content": b"{}", "headers": {**accept, "Content-Type": "text/plain"}}),
        (421, host_said, {"json": INIT, "headers": {**accept, "Host": "evil.example"}}),
        (403, "Invalid Origin header", {"json": INIT, "headers": {**accept, "Origin": "http://evil.example"}}),
        (404, "Session not found", {"json": INIT, "headers": {**accept, "mcp-session-id": "no-such-session"}}),
    ]
    for status, message, kwargs in cases:
        r = httpx.post(url, timeout=30, **kwargs)
        assert r.status_code == status and r.headers["content-type"] == "application/json", r.text
        body = r.json()
        assert body["jsonrpc"] == "2.0" and body["id"] is None and body["error"]["message"] == message
        assert r.headers["x-content-type-options"] == "nosniff"  # still through the app's middleware


def test_http_mcp_on_loopback_takes_a_loopback_host_without_a_port_as_every_route_does(served):
    """Bound to loopback with no --allowed-host, /mcp refused `Host: localhost` (a client of a server on
    port 80 sends no port) with the SDK's 421, while every other route served it: docs/operating.md says a
    loopback name on any port (found running recur serve as an operator). The Origin likewise."""
    base = served["base"]
    for host in ("localhost", "127.0.0.1", "[::1]"):
        headers = {"Accept": "application/json, text/event-stream", "Host": host, "Origin": f"http://{host}"}
        assert httpx.get(base + "/api/patterns", headers={"Host": host}).status_code == 200, host
        r = httpx.post(base + "/mcp", json=INIT, headers=headers, timeout=30)
        assert r.status_code == 200, (host, r.text)
    r = httpx.post(base + "/mcp", json=INIT, headers={"Accept": "application/json, text/event-stream", "Host": "evil"})
    assert r.status_code == 421, r.text


def test_http_mcp_a_refused_request_names_no_session(served):
    """HEAD /mcp (a load balancer's probe) and other refused requests were answered with a new
    Mcp-Session-Id each time, for a session the SDK never opened: a client or an operator read a session
    that did not exist (left out in an earlier note). Only the initialize answer names one."""
    url = served["base"] + "/mcp"
    for r in (httpx.head(url, timeout=30), httpx.put(url, timeout=30), httpx.get(url, timeout=30)):
        assert r.status_code in (400, 405), (r.request.method, r.status_code)
        assert "mcp-session-id" not in r.headers, (r.request.method, r.headers)
    r = httpx.post(url, json=INIT, headers={"Accept": "application/json, text/event-stream"}, timeout=30)
    assert r.status_code == 200 and r.headers["mcp-session-id"]


@pytest.mark.parametrize("codings", [["gzip"], ["deflate"], ["identity", "gzip"]])
def test_http_mcp_refuses_a_content_coding_as_a_json_rpc_415(served, codings):
    """The SDK does not decode a content coding: a gzip body was read as its compressed bytes, a
    400 parse error (-32700). Refused as the API's routes refuse it (415), in /mcp's JSON-RPC shape,
    with the SDK's own wording for a media type it does not take."""
    import gzip

    url = served["base"] + "/mcp"
    encoding = [("Content-Encoding", c) for c in codings]
    with httpx.Client(timeout=30) as client:
        r = client.post(url, headers=[*JSON_SSE.items(), *encoding], content=gzip.compress(json.dumps(INIT).encode()))
        assert r.status_code == 415 and r.headers["content-type"] == "application/json", r.text
        said = ", ".join(codings)
        assert r.json() == {
            "jsonrpc": "2.0",
            "id": None,
            "error": {
                "code": -32600,
                "message": f"Unsupported Media Type: send the body uncompressed (got Content-Encoding: {said})",
            },
        }
        assert r.headers["x-content-type-options"] == "nosniff"  # still through the app's middleware
        headers = open_session(client, url)  # within a session too
        ping = json.dumps({"jsonrpc": "2.0", "id": 2, "method": "ping"}).encode()
        r = client.post(url, headers=[*headers.items(), *encoding], content=gzip.compress(ping))
        assert r.status_code == 415 and r.json()["error"]["code"] == -32600, r.text
        r = client.post(url, headers={**headers, "Content-Encoding": "identity"}, content=ping)
        assert r.status_code == 200, r.text


def test_http_mcp_behind_a_reverse_proxy_accepts_the_host_it_is_told(tmp_path):
    """Caddy, Traefik and nginx with `proxy_set_header Host $host` pass the public host name to a
    server bound to loopback, where the SDK refuses any Host but loopback (421): every MCP request
    through the proxy failed. --mcp-allowed-host names the proxy's host; others are still refused."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, host="127.0.0.1", mcp_allowed_hosts=("kb.example.com",))
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"
        proxied = {**JSON_SSE, "Host": "kb.example.com", "Origin": "https://kb.example.com"}
        assert client.post(url, headers=proxied, json=INIT).status_code == 200
        assert client.post(url, headers={**JSON_SSE, "Host": "kb.example.com:8443"}, json=INIT).status_code == 200
        assert client.post(url, headers=JSON_SSE, json=INIT).status_code == 200  # loopback as before
        assert client.post(url, headers={**JSON_SSE, "Host": "evil.example"}, json=INIT).status_code == 421
        evil = {**JSON_SSE, "Host": "kb.example.com", "Origin": "https://evil.example"}
        assert client.post(url, headers=evil, json=INIT).status_code == 403


def test_http_mcp_session_cap(tmp_path):
    """--mcp-max-sessions: past it, with every session busy (each with its event stream open, GET /mcp), a
    new session gets the SDK's 503 while open ones and the API keep working, and a closed session frees its
    place (an idle one is closed for it: test_mcp_sessions)."""
    import contextlib

    kb = small_kb(tmp_path / "kb")
    # an idle timeout far past the test (an hour): with 4 s, a loaded machine could close a session between its
    # opening and its event stream's, and the stream was a 404 (1.5 s failed so under load; 4 s still could).
    # The idle timeout itself: test_http_mcp_idle_sessions_are_closed_and_free_their_places below.
    app = fake_app(kb, tmp_path, mcp_max_sessions=2, mcp_idle_seconds=3600)
    ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"

        def initialize():  # the opening request alone: its status is what is checked
            return client.post(url, headers=JSON_SSE, json=INIT)

        first, second = (initialize().headers["mcp-session-id"] for _ in range(2))
        with contextlib.ExitStack() as streams:
            for sid in (first, second):
                events = {**session_headers(sid), "Accept": "text/event-stream"}
                held = streams.enter_context(httpx.Client(timeout=30))
                assert streams.enter_context(held.stream("GET", url, headers=events)).status_code == 200
            refused = initialize()
            assert refused.status_code == 503 and refused.json()["error"]["message"] == "Too many open sessions"
            assert client.post(url, headers=session_headers(first), json=ping).status_code == 200
            assert client.post(base + "/api/suggest", json={"text": "disk full"}).status_code == 200
            assert client.delete(url, headers=session_headers(second)).status_code == 200
            third = initialize()
            assert third.status_code == 200, third.text
        assert sessions_closed(client, base, "idle") == 0  # none idled out: every check above saw the sessions open


def sessions_closed(client: httpx.Client, base: str, reason: str) -> float:
    return metric(client.get(base + "/metrics").text, "recur_mcp_sessions_closed_total", reason=reason)


def test_http_mcp_idle_sessions_are_closed_and_free_their_places(tmp_path):
    """--mcp-idle-timeout closes a session with no request for that long: its id is then a 404, and its place
    in --mcp-max-sessions is free again (not taken back by closing another to make room). Nothing here needs a
    session to stay open for any time, so a loaded machine only makes the wait longer."""
    kb = small_kb(tmp_path / "kb")
    app = fake_app(kb, tmp_path, mcp_max_sessions=2, mcp_idle_seconds=1)
    ping = {"jsonrpc": "2.0", "id": 2, "method": "ping"}
    with running(app) as base, httpx.Client(timeout=30) as client:
        url = base + "/mcp"

        def initialize():
            return client.post(url, headers=JSON_SSE, json=INIT)

        first, second = (initialize().headers["mcp-session-id"] for _ in range(2))
        # closed by the idle sweep: waited for, not slept through, a bound on a hang only; /metrics is no
        # session's activity
        deadline = time.monotonic() + 120
        while sessions_closed(client, base, "idle") < 2:
            assert time.monotonic() < deadline, "the two idle sessions were not closed in 120 s"
            time.sleep(0.1)
        for sid in (first, second):
            gone = client.post(url, headers=session_headers(sid), json=ping)
            assert gone.status_code == 404 and gone.json()["error"]["message"] == "Session not found"
        assert initialize().status_code == 200 and initialize().status_code == 200  # both places free again
        assert sessions_closed(client, base, "cap") == 0  # free, not made by closing another session


def test_http_text_that_is_not_valid_unicode_is_answered_as_over_stdio(served):
    """Over HTTP the SDK's parser answered a lone surrogate escape with -32700 (parse error), where
    stdio and the API read it as U+FFFD: /mcp now does the same."""
    url = served["base"] + "/mcp"
    with httpx.Client(timeout=30) as client:
        headers = open_session(client, url)
        call_ = b'{"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "suggest_patterns", '
        call_ += b'"arguments": {"text": "No space left \\udcff on device", "top": 1}}}'
        r = client.post(url, headers=headers, content=call_)
    assert r.status_code == 200, r.text
    data = next(line[5:] for line in r.text.splitlines() if line.startswith("data:"))
    result = json.loads(data)["result"]
    assert not result["isError"] and result["structuredContent"]["query"] == "No space left \ufffd on device"
    assert result["structuredContent"]["results"][0]["id"] == "disk-full"


def test_every_pattern_is_a_listed_resource_over_stdio_and_http(served, served_stdio):
    """Found in an audit: resources/list was empty (the patterns were only a URI template), so a client
    that offers the listed resources (an assistant's attach menu) offered no pattern."""

    async def work(client):
        listed = (await client.list_resources()).resources
        return listed, await client.read_resource(listed[0].uri)

    patterns = api(served, "/api/patterns")[1]["patterns"]
    for server in (served_stdio, served["base"] + "/mcp"):
        listed, first = session(server, work)
        assert [str(r.uri) for r in listed] == [f"recur://patterns/{p['id']}" for p in patterns]
        assert [(r.name, r.title) for r in listed] == [(p["id"], p["title"]) for p in patterns]
        assert all(
            r.mime_type == "text/markdown" and r.description.startswith(p["category"]) for r, p in zip(listed, patterns)
        )
        assert first.contents[0].text == (Path(served["kb"]) / patterns[0]["path"]).read_text()


def test_get_pattern_and_past_incidents_take_the_resource_uri_resources_list_shows(served, served_stdio):
    """An assistant holding the listed resources asked get_pattern for "recur://patterns/disk-full" and was told
    "no pattern with id 'recur://patterns/disk-full' in the index"."""

    async def work(client):
        # the load waited for (the search needs the model): before it, get_pattern answers from the KB, whose
        # look-alikes are only the shared incidents' (look_alikes_note), not the loaded API's
        await call(client, "suggest_patterns", {"text": "disk full"})
        uri = str((await client.list_resources()).resources[0].uri)
        return uri, [
            await call(client, "get_pattern", {"id": uri}),
            await call(client, "past_incidents", {"pattern_id": uri}),
            await call(client, "get_pattern", {"id": "recur://patterns/no-such-thing"}),
        ]

    for server in (served_stdio, served["base"] + "/mcp"):
        uri, (doc, past, missing) = session(server, work)
        pid = uri.removeprefix("recur://patterns/")
        assert uri != pid and not doc[0] and doc[1] == api(served, f"/api/patterns/{pid}")[1]
        assert not past[0] and past[1]["incidents"] and all(pid in i["patterns"] for i in past[1]["incidents"])
        assert missing[0] and missing[1] == api(served, "/api/patterns/no-such-thing")[1]


def test_past_incidents_takes_a_pattern_or_a_text_not_both(served):
    """Found in an audit: given both, the text was dropped without a word and the pattern's incidents
    came back as if they answered it."""

    async def work(client):
        both = {"pattern_id": "disk-full", "text": "FATAL: sorry, too many clients already"}
        return await call(client, "past_incidents", both)

    err, body, text = session(served["base"] + "/mcp", work)
    assert err and body == {"error": {"code": "invalid_request", "message": "give pattern_id or text (one of them)"}}
    assert text == "give pattern_id or text (one of them)"


def test_past_incidents_and_problem_report_take_a_blank_argument_as_left_out(served, served_stdio):
    """Found using it as a responder: model clients fill the optional argument they leave out with "" (as
    list_patterns takes it), and past_incidents {"pattern_id": "", "text": "..."} was refused, "give
    pattern_id or text (one of them)", as was {"pattern_id": "...", "text": " "}; problem_report took
    {"as_of": ""} as today but refused {"as_of": " "} as no date. A blank one beside the other is left out."""
    text = "FATAL: sorry, too many clients already"

    async def work(client):
        return [
            await call(client, "past_incidents", {"text": text}),
            await call(client, "past_incidents", {"pattern_id": "", "text": text}),
            await call(client, "past_incidents", {"pattern_id": "db-pool-exhausted"}),
            await call(client, "past_incidents", {"pattern_id": "db-pool-exhausted", "text": "  "}),
            await call(client, "past_incidents", {"pattern_id": "", "text": " "}),
            await call(client, "problem_report", {"as_of": None}),
            await call(client, "problem_report", {"as_of": " "}),
        ]

    by_text, blank_id, by_id, blank_text, both_blank, report, blank_date = session(served_stdio, work)
    assert not blank_id[0] and blank_id[1] == by_text[1] and by_text[1]["incidents"]
    assert not blank_text[0] and blank_text[1] == by_id[1] and by_id[1]["incidents"]
    assert both_blank[0] and both_blank[2] == "give pattern_id or text (one of them)"
    assert not blank_date[0] and blank_date[1] == report[1]


def test_an_incident_dated_after_today_is_listed_nowhere_yet(tmp_path):
    """Found by a problem manager's team: an incident the board, the report and the site left out as
    not happened yet (dated after their date) was listed by GET /api/patterns/<id>, MCP get_pattern
    and past_incidents, and counted by /api/suggest: one rule now, on every surface."""
    from kbfactory import write

    kb = small_kb(tmp_path / "kb")  # INC-2026-0001 (2026-03-02) matched db-pool-exhausted
    later = dt.date.today() + dt.timedelta(days=30)  # whatever today is: not happened yet
    write(
        kb,
        f"incidents/{later.year}/INC-{later.year}-0900.md",
        f"---\nid: INC-{later.year}-0900\ntitle: Pool again\ndate: {later.isoformat()}\nseverity: sev2\n"
        "patterns: [db-pool-exhausted]\n---\n\n## Summary\nA date typed a month ahead.\n",
    )
    text = "FATAL: sorry, too many clients already"

    async def work(client):
        return [
            await call(client, "get_pattern", {"id": "db-pool-exhausted"}),
            await call(client, "past_incidents", {"pattern_id": "db-pool-exhausted"}),
            await call(client, "past_incidents", {"text": text}),
            await call(client, "problem_report", {}),
        ]

    with running(fake_app(kb, tmp_path)) as base:
        served = {"base": base}
        doc = api(served, "/api/patterns/db-pool-exhausted")[1]
        found = api(served, "/api/suggest", {"text": text, "top": 1})[1]["results"][0]
        answers = session(base + "/mcp", work)
    assert [i["id"] for i in doc["incidents"]] == ["INC-2026-0001"]
    assert found["id"] == "db-pool-exhausted" and found["incidents"] == 1
    (_, pattern, _), (_, by_id, _), (_, by_text, _), (_, report, _) = answers
    assert [i["id"] for i in pattern["incidents"]] == ["INC-2026-0001"]
    assert [i["id"] for i in by_id["incidents"]] == [i["id"] for i in by_text["incidents"]] == ["INC-2026-0001"]
    # the report counts it in no period and names it under "dated after" (a year typo is said, not lost; its
    # review is still listed as pending: a due date is a due date, docs/problems.md)
    assert report["counts"]["incidents_90"] == 0 and report["counts"]["dated_after"] == 1
    assert [x["incident"] for x in report["dated_after"]] == [f"INC-{later.year}-0900"]
    assert f"INC-{later.year}-0900" not in json.dumps([report["recurring"], report["trends"], report["unknown"]])
    # from its date on it is listed everywhere (pattern_object's as_of: the API's "today")
    from recur.retrieval.engine import Engine
    from recur.retrieval.patterns import pattern_object

    docs = Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True).docs
    assert [i["id"] for i in pattern_object(docs, "db-pool-exhausted", as_of=later)["incidents"]] == [
        "INC-2026-0001",
        f"INC-{later.year}-0900",
    ]


def test_record_incident_names_its_own_argument_in_errors(writes_refused):
    """Found in an audit: an unknown pattern id was reported as "--pattern: unknown pattern id(s) ...",
    the CLI's flag, which an MCP client never sent; it names the tool's argument, patterns."""
    before = sorted((writes_refused["kb"] / "incidents").rglob("*.md"))

    async def work(client):
        args = {"title": "t", "severity": "sev2", "description": "d", "patterns": ["disk-ful"]}
        return await call(client, "record_incident", args)

    err, body, text = session(writes_refused["server"], work)
    assert err and body["error"]["code"] == "invalid_request"
    assert text.startswith("patterns: unknown pattern id(s) disk-ful (did you mean disk-full?)"), text
    assert sorted((writes_refused["kb"] / "incidents").rglob("*.md")) == before  # refused: nothing written


def test_record_incident_answers_what_incident_new_json_prints_and_cuts_a_long_pasted_log_as_it_does(tmp_path):
    """Two findings, one `recur mcp --allow-writes` (a process each took 11-14 s on a loaded machine): its first
    records on the KB as small_kb made it (the answers, compared with the CLI's on a KB of the same files), then
    the long pasted log (compared by its record's text, not its id).

    Found in an audit: `recur incident new --json` prints {id, path, review, suggestions,
    no_known_pattern, linked}; record_incident gave neither the suggestions nor the verdict, so the
    assistant that recorded an incident was not told whether a known pattern describes it.

    Found in review: `recur incident new -d -` cut a long pasted log down for its record, but record_incident
    wrote it whole: a 6,000-line log with one error line made a 725 KB record whose Summary was its INFO lines
    (the incident's text in the index and the tuning data). Now the tool records the Summary and ## Log the CLI
    records and says the CLI's stderr note in its answer; a long text that is no log is written whole, said."""
    mcp_kb = small_kb(tmp_path / "a" / "kb")
    lines = [f"2026-12-01T10:{k // 60 % 60:02d}:{k % 60:02d}Z INFO request served path=/api/{k}" for k in range(6000)]
    lines[3000] = "2026-12-01T10:50:00Z ERROR FATAL: sorry, too many clients already"
    pasted = "payments API returning 500s since 10:02, log below:\n" + "\n".join(lines) + "\n"
    prose = "".join(f"step {k}: we looked at the dashboards and saw nothing new\n" for k in range(300))
    base = {"title": "Checkout errors", "severity": "sev2"}

    async def work(client):
        answered = [await call(client, "record_incident", args) for args in RECORD_CASES]
        cut = [await call(client, "record_incident", {**base, "description": d}) for d in (pasted, prose, "short")]
        return answered, cut

    answered, cut = session(stdio(mcp_kb, tmp_path / "a" / "index", "--allow-writes"), work)
    _answers_as_incident_new_json(answered, small_kb(tmp_path / "b" / "kb"), tmp_path / "b" / "index")
    _a_long_log_cut_as_incident_new(cut, mcp_kb, small_kb(tmp_path / "c" / "kb"), lines, pasted, prose, base)


RECORD_CASES = [
    {"title": "DB connections refused", "severity": "sev2", "description": "FATAL: sorry, too many clients already"},
    {"title": "Lunch", "severity": "sev4", "description": "what should we order for lunch on friday"},
    {**{"title": "Pool", "severity": "sev2", "description": "too many clients"}, "patterns": ["db-pool-exhausted"]},
    {"title": "Disk", "severity": "sev2", "description": "No space left on device", "patterns": ["db-pool-exhausted"]},
]


def _answers_as_incident_new_json(got, cli_kb, cli_index):
    """record_incident's answers to RECORD_CASES (on a KB as small_kb made it) against `recur incident new --json`'s
    on ``cli_kb``, a KB of the same files."""
    for args, (err, out, _) in zip(RECORD_CASES, got):
        cmd = ["incident", "new", "--kb", str(cli_kb), "--index", str(cli_index), "--model", "fake:64"]
        cmd += ["-t", args["title"], "-s", args["severity"], "-d", args["description"], "--json"]
        cmd += [f"--pattern={p}" for p in args.get("patterns", [])]
        r = CliRunner().invoke(cli, cmd)
        assert r.exit_code == 0, r.output
        by_cli = json.loads(r.stdout)
        assert not err and list(out) == list(by_cli)
        assert out["no_known_pattern"] is by_cli["no_known_pattern"]
        assert [s["id"] for s in out["suggestions"]] == [s["id"] for s in by_cli["suggestions"]]
        assert out["linked"] == by_cli["linked"] == args.get("patterns", [])
        assert not set(out["linked"]) & {s["id"] for s in out["suggestions"]}
    (_, found, text), (_, unknown, said), _, (_, disk, besides) = got
    assert found["no_known_pattern"] is False and found["suggestions"][0]["id"] == "db-pool-exhausted"
    assert f"recur incident link {found['id']}" in text and "db-pool-exhausted" in text
    assert "\n1 pattern matches with medium or high confidence" in text and "; none is linked. Only the user" in text
    assert unknown["no_known_pattern"] is True and "needs analysis" in said
    # beside a pattern linked, as the CLI says it: "none is linked" read as if the one given had not been (review)
    assert disk["no_known_pattern"] is False and disk["suggestions"][0]["id"] == "disk-full", disk["suggestions"]
    assert "\nBesides db-pool-exhausted (linked): 1 pattern matches with medium or high confidence" in besides, besides
    assert "; none of them is linked. Only the user can link one now" in besides and "none is linked" not in besides


def _a_long_log_cut_as_incident_new(got, mcp_kb, cli_kb, lines, pasted, prose, base):
    """record_incident's answers to ``pasted`` (a long log), ``prose`` and a short description against what `recur
    incident new -d -` records and says on ``cli_kb``."""
    (err, out, text), (_, whole, whole_text), (_, short, _) = got
    assert not err, text
    assert Path(out["path"]).stat().st_size < 16 * 1024
    assert out["candidates"][0]["id"] == "db-pool-exhausted"  # still searched by the error line
    note = out["description_note"]
    assert note.startswith("the description is 6,001 lines (") and "read as a log" in note
    assert text.split("\n")[1] == note[0].upper() + note[1:], text
    cmd = ["incident", "new", "--kb", str(cli_kb), "-t", base["title"], "-s", "sev2", "-d", "-"]
    r = CliRunner().invoke(cli, [*cmd, "--no-suggest", "--json"], input=pasted)
    assert r.exit_code == 0, r.output
    assert r.stderr == f"note: {note}\n"  # the CLI's note, word for word
    assert json.loads(r.stdout)["description_note"] == note  # and its --json's key, as the tool's answer has it
    by_mcp, by_cli = load_kb(mcp_kb), load_kb(cli_kb)
    assert not by_mcp.problems, by_mcp.problems
    mine, theirs = by_mcp.incidents[out["id"]], by_cli.incidents[json.loads(r.stdout)["id"]]
    assert mine.summary == theirs.summary and "INFO" not in mine.summary and lines[3000] in mine.summary
    assert mine.sections["Log"] == theirs.sections["Log"] and lines[3000] in mine.sections["Log"]
    # no log: written whole, and the CLI's warning said; a short description is said nothing of
    assert whole["description_note"].startswith("the description is 300 lines (") and "written whole" in whole_text
    assert by_mcp.incidents[whole["id"]].summary.strip() == prose.strip()
    assert "description_note" not in short and "Log" not in by_mcp.incidents[short["id"]].sections


@pytest.mark.parametrize("top", ["abc", 2.5, 1e300, [1], -1])
def test_a_count_of_the_wrong_kind_reads_word_for_word_as_the_api(served, top):
    """Found in an audit: the tools read a count laxly (only a boolean was refused), so "abc", 2.5 or
    1e300 got pydantic's lax messages ("..., unable to parse string as an integer", "..., got a number
    with a fractional part", "... exceeded maximum size") where POST /api/suggest says "top: Input
    should be a valid integer" or names the range."""

    async def work(client):
        return [
            await call(client, "suggest_patterns", {"text": "disk", "top": top}),
            await call(client, "past_incidents", {"pattern_id": "disk-full", "limit": top}),
        ]

    (err, body, text), (limit_err, _, limit_text) = session(served["base"] + "/mcp", work)
    status, expected = api(served, "/api/suggest", {"text": "disk", "top": top})
    assert status == 422 and err and body == expected and text == expected["error"]["message"]
    assert limit_err and limit_text.startswith("limit: ") and limit_text[7:] in (text[5:], "must be between 1 and 100")


def test_http_mcp_searches_wait_for_the_same_slots_as_the_api(served, tmp_path):
    """Found in review: MCP tools (and Slack replies) called the engine directly, beside the gate
    that bounds how many searches run at once for /api/suggest. With every slot taken, an MCP
    search now waits for one instead of running anyway."""
    import threading

    app = create_app(
        lambda: Engine.open(served["kb"], served["index"], model="fake:64", quiet=True),
        site_dir=None,
        feedback_path=tmp_path / "fb.jsonl",
        host="127.0.0.1",
        inference_threads=1,
    )
    gate = app.state.settings.gate

    async def work(client):
        return await call(client, "suggest_patterns", {"text": "dial tcp: no such host", "top": 1})

    with running(app) as base:
        out = []
        gate.acquire()  # the one slot: as a long /api/suggest search would hold it
        try:
            t = threading.Thread(target=lambda: out.append(session(base + "/mcp", work)))
            t.start()
            # the search in line for the slot (it joined the thread for 3 s: under load the call might not have
            # reached the server by then, and the check passed whatever the server did)
            deadline = time.monotonic() + 60  # a guard against a hang, not a speed
            while gate.waiting < 1:
                assert time.monotonic() < deadline and t.is_alive(), f"no search waits for the slot: {out}"
                time.sleep(0.02)
            assert t.is_alive() and not out  # waiting for the slot, not answered beside it
        finally:
            gate.release()
        t.join(60)
        assert out and not out[0][0]  # answered once the slot was free


def test_an_argument_a_tool_does_not_take_is_refused_as_the_api_refuses_it(served, served_stdio):
    """Found in review: list_patterns {"categry": "x"} listed every pattern (the SDK drops arguments
    it does not know), where GET /api/patterns?categry=x is a 422 naming the parameter."""

    async def work(client):
        return [
            await call(client, "list_patterns", {"categry": "capacity"}),
            await call(client, "suggest_patterns", {"text": "disk full", "limit": 2}),
            await call(client, "list_patterns", {"category": "capacity"}),
        ]

    misspelt, extra, fine = session(served_stdio, work)
    assert misspelt[0] and misspelt[1]["error"]["code"] == "invalid_request"
    assert misspelt[2] == (
        "unknown argument(s): categry (list_patterns takes category, cursor, limit, service, severity, tag)"
    )
    assert extra[0] and extra[2] == "unknown argument(s): limit (suggest_patterns takes text, top)"
    assert not fine[0] and fine[1]["patterns"] and all(p["category"] == "capacity" for p in fine[1]["patterns"])
    status, body = api(served, "/api/patterns?categry=capacity")
    assert status == 422 and body["error"]["code"] == misspelt[1]["error"]["code"]


def test_an_unknown_tool_is_a_json_rpc_invalid_params_error_over_stdio_and_http(served, served_stdio):
    """Found in review: a call of a tool the server does not have was answered as a tool result with
    isError (the SDK's default), which says a tool ran and failed. The MCP specification makes an unknown
    tool a protocol error, its example -32602 "Unknown tool: ..."; the session serves on after it."""

    async def work(client):
        out = []
        for name in ("suggest_pattern", "x" * 500):
            try:
                out.append(await client.call_tool(name, {"text": "disk full"}))
            except MCPError as exc:
                out.append(exc.error)
        out.append(await call(client, "suggest_patterns", {"text": "ENOSPC", "top": 1}))
        return out

    for server in (served_stdio, served["base"] + "/mcp"):
        misspelt, long_name, after = session(server, work)
        assert misspelt.code == -32602, misspelt
        assert misspelt.message == (
            "Unknown tool: suggest_pattern; this server's tools: "
            "get_incident, get_pattern, list_patterns, past_incidents, problem_report, suggest_patterns"
        )
        assert long_name.code == -32602 and long_name.message.startswith("Unknown tool: " + "x" * 99 + "…;")
        assert not after[0] and after[1]["results"][0]["id"] == "disk-full"


def test_http_mcp_a_search_whose_client_has_gone_is_not_made(served, tmp_path):
    """Found in review: /api/suggest skips a search whose client left while it waited for the model,
    but an MCP tool call over HTTP was searched for whatever happened to its client, each in turn, ahead
    of the searches of clients still waiting. Here the one slot is held while two calls wait for it: one
    whose HTTP connection closes (driven by hand), one the SDK's client gives up on (its read timeout: on
    the 2026-07-28 protocol it closes the call's POST; on older ones it sends notifications/cancelled).
    Once the slot is free neither is searched for, and the session answers its next call. The slot frees
    once both waiting calls have seen their client gone (CountedGate.watch_gone)."""
    engine, asked = asked_engine(served["kb"], served["index"])
    app = create_app(lambda: engine, feedback_path=tmp_path / "fb.jsonl", host="127.0.0.1", inference_threads=1)
    gate = app.state.settings.gate = CountedGate()
    gate.watch_gone = True
    call_body = {"jsonrpc": "2.0", "id": 2, "method": "tools/call"}
    call_body["params"] = {"name": "suggest_patterns", "arguments": {"text": "closed connection"}}

    async def work(client):
        from mcp.shared.exceptions import MCPError

        with pytest.raises(MCPError):  # the SDK client's read timeout
            await client.call_tool("suggest_patterns", {"text": "gave up"}, read_timeout_seconds=0.5)
        with httpx.Client(timeout=30) as raw:
            headers = open_session(raw, base + "/mcp")
        with pytest.raises(httpx.ReadTimeout):
            httpx.post(base + "/mcp", headers=headers, json=call_body, timeout=httpx.Timeout(30, read=0.5))
        # The slot frees once both waiting calls have seen their client gone. Counting the hand-closed call's 499
        # alone let it free before the SDK client's close went out (sent from this loop, which the blocking httpx
        # calls above held up), and 'gave up' was searched for (CI, once in some forty runs).
        await until(lambda: gate.gone_seen == 2, "both waiting calls to see their client gone")
        gate.release()
        gate.wait_returned(3)  # the test's own slot, then the two waiting calls' (skipped or made)
        return await call(client, "suggest_patterns", {"text": "ENOSPC", "top": 1})

    with running(app) as base:
        gate.acquire()  # the one slot, as a long search would hold it
        err, body, _ = session(base + "/mcp", work)
    assert not err and body["results"][0]["id"] == "disk-full"
    assert asked == ["ENOSPC"], asked  # neither call whose client had gone was searched for
    assert gone_calls(app) == 2  # each a 499 once its skipped search gave its slot back


def gone_calls(app) -> float:
    """How many /mcp POSTs the server has counted as given up by their client (499)."""
    labels = {"route": "/mcp", "method": "POST", "status": "499"}
    return app.state.metrics.registry.get_sample_value("recur_http_requests_total", labels) or 0


async def until(holds, what: str, timeout: float = 60) -> None:
    """Wait, letting this event loop run, until ``holds()``; the timeout only guards a hang."""
    deadline = time.monotonic() + timeout
    while not holds():
        assert time.monotonic() < deadline, f"waited {timeout:.0f} s for {what}"
        await asyncio.sleep(0.02)


NUMBERS_PROBE = """
import asyncio, json
from dataclasses import replace

from recur import config
from recur.retrieval import patterns, query

config.SETTINGS["max_body_kib"] = replace(config.SETTINGS["max_body_kib"], default=196)
query.MAX_QUERY_CHARS, patterns.MAX_INCIDENTS = 12_345, 77
from mcp import Client

from recur.serve.mcp_server import build_server


async def main():
    async with Client(build_server(lambda: None, stale_files=list)) as client:
        return {t.name: t.input_schema["properties"] for t in (await client.list_tools()).tools}

print(json.dumps(asyncio.run(main())))
"""


def test_tool_arguments_say_the_limits_the_server_applies():
    """Found in review: the text argument said "up to 20,000 characters … 64 KiB unless set" and
    past_incidents "1 to 100" as literals beside MAX_QUERY_CHARS, the max_body_kib setting and
    MAX_INCIDENTS. Changed before the server is built, the descriptions follow."""
    import subprocess

    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    res = subprocess.run([sys.executable, "-c", NUMBERS_PROBE], capture_output=True, text=True, env=env, timeout=120)
    assert res.returncode == 0, res.stderr
    props = json.loads(res.stdout)
    text = props["suggest_patterns"]["text"]["description"]
    assert "up to 12,345 characters" in text and "196 KiB unless set larger" in text, text
    limit = props["past_incidents"]["limit"]
    assert limit["maximum"] == 77 and "(1 to 77)" in limit["description"], limit


def test_an_empty_list_filter_over_mcp_is_taken_as_left_out(served, served_stdio):
    """Model clients often send "" for an optional argument they leave out; list_patterns refused
    {"category": ""} ("must not be empty", right for GET /api/patterns?category=, a script's unset
    variable: found in review). Over MCP "" (or spaces) is no filter: every pattern, as with none,
    beside a filter that is given; the HTTP API still refuses it."""

    async def work(client):
        return [
            await call(client, "list_patterns", {}),
            await call(client, "list_patterns", {"category": "", "service": "", "tag": "", "severity": " "}),
            await call(client, "list_patterns", {"category": "capacity", "tag": ""}),
        ]

    every, blank, capacity = session(served_stdio, work)
    assert not blank[0], blank[2]
    assert blank[1] == every[1] and len(blank[1]["patterns"]) > 1
    listed = api(served, "/api/patterns?category=capacity")[1]  # and how many, in one page
    assert not capacity[0] and capacity[1] == {**listed, "total": len(listed["patterns"]), "next_cursor": None}
    status, body = api(served, "/api/patterns?category=")
    assert status == 422 and "category: must not be empty" in body["error"]["message"]


def test_every_optional_argument_is_nullable_in_the_schema_as_the_server_takes_it(served_stdio):
    """Left out of a review: every tool takes null for an optional argument as left out, but the schemas of
    suggest_patterns' top, the limits and record_incident's flags, patterns and allow_duplicate said a bare type, so
    a client that checks its arguments against the schema (OpenAI's strict mode sends null for each it skips) could
    not send it. Each optional argument's schema takes null now, as pydantic writes an Optional one; a required one
    does not; and a call with every optional argument null is the call without them."""
    import jsonschema

    from recur.serve.mcp_server import build_server

    async def listed(client):
        return {t.name: t.input_schema for t in (await client.list_tools()).tools}

    async def work(client):
        schemas = await listed(client)
        answers = [
            (await call(client, name, given), await call(client, name, {**given, **{k: None for k in nulls}}))
            for name, given, nulls in (
                ("suggest_patterns", {"text": "disk full"}, ["top"]),
                ("list_patterns", {}, ["category", "service", "tag", "severity", "limit", "cursor"]),
                ("past_incidents", {"pattern_id": "disk-full"}, ["text", "limit"]),
                ("problem_report", {"as_of": "2026-04-01"}, ["owner", "limit", "cursor"]),
            )
        ]
        return schemas, answers

    schemas, answers = session(served_stdio, work)
    schemas |= session(build_server(lambda: None, stale_files=list, allow_writes=True), listed)
    assert set(schemas) == READ_TOOLS | {"record_incident"}
    needed = {"text": "disk full", "id": "disk-full", "title": "T", "severity": "sev3", "description": "D"}
    for name, schema in schemas.items():
        check = jsonschema.validators.validator_for(schema)(schema)
        base = {k: needed[k] for k in schema.get("required", [])}
        assert check.is_valid(base), name
        for arg, prop in schema["properties"].items():
            takes_null = check.is_valid({**base, arg: None})
            assert takes_null == (arg not in base), (name, arg, prop)
            if arg not in base:  # pydantic's shape for Optional[...]: the type, then null
                assert prop["anyOf"][-1] == {"type": "null"} and "type" not in prop, (name, arg, prop)
    assert schemas["suggest_patterns"]["properties"]["top"]["maximum"] == 50  # the bounds kept beside
    writes = schemas["record_incident"]
    base = {k: needed[k] for k in writes["required"]}
    assert not jsonschema.validators.validator_for(writes)(writes).is_valid({**base, "flags": [1]})  # items checked
    for plain, nulls in answers:
        assert not plain[0] and nulls == plain, nulls[2]


def test_list_patterns_and_the_api_give_the_same_pages(served, served_stdio):
    """GET /api/patterns pages by list_patterns' rule (one retrieval.patterns.list_page): the same page, total,
    next_cursor and refusal for the same limit, cursor and filter."""

    async def work(client):
        first = await call(client, "list_patterns", {"limit": 1, "severity": "sev2"})
        args = {"limit": 1, "severity": "sev2", "cursor": first[1]["next_cursor"]}
        return (
            first,
            await call(client, "list_patterns", args),
            [
                await call(client, "list_patterns", {"limit": 501}),
                await call(client, "list_patterns", {"cursor": "nonsense"}),
            ],
        )

    first, second, refused = session(served_stdio, work)
    cursor = first[1]["next_cursor"]
    assert not first[0] and cursor and first[1]["total"] > 1 and len(first[1]["patterns"]) == 1
    assert first[1] == api(served, "/api/patterns?limit=1&severity=sev2")[1]
    assert second[1] == api(served, f"/api/patterns?limit=1&severity=sev2&cursor={cursor}")[1]
    assert second[1]["patterns"] != first[1]["patterns"]
    for (err, body, text), query in zip(refused, ("limit=501", "cursor=nonsense")):
        assert err and api(served, f"/api/patterns?{query}") == (422, body) and body["error"]["message"] == text


def test_a_severity_by_number_or_priority_lists_the_same_patterns_over_mcp_and_the_api(served, served_stdio):
    """Found in re-reading: list_patterns read a priority as the severity of its number (P1 listed the sev1
    patterns) where GET /api/patterns?severity=P1 listed none, and Sev-1 listed none on either, though
    record_incident reads Sev-1 as sev1. Both read a level by its number (Sev-1, SEV 1) and a priority (P1) as
    the one severity of that number the patterns have, by one function (retrieval.patterns.pattern_severity),
    and both say so in ``severity_note``."""

    async def work(client):
        given = ("sev2", "P2", "Sev-2", "SEV 2")
        return [await call(client, "list_patterns", {"severity": s}) for s in given]

    sev2, *read = session(served_stdio, work)
    want = [r["id"] for r in sev2[1]["patterns"]]
    assert want and "severity_note" not in sev2[1]
    for (err, doc, text), given in zip(read, ("P2", "Sev-2", "SEV 2"), strict=True):
        note = f"severity {given} read as sev2, the level of its number (as record_incident reads it)"
        assert not err and [r["id"] for r in doc["patterns"]] == want, given
        assert doc["severity_note"] == note and text.splitlines()[0].endswith(f"; {note}")
        status, body = api(served, f"/api/patterns?severity={given.replace(' ', '%20')}")
        assert status == 200 and body == {"patterns": sev2[1]["patterns"], "severity_note": note}, given


def test_a_severity_by_its_name_lists_its_levels_patterns_over_mcp_and_the_api(served, served_stdio):
    """Found in an integrator's review: list_patterns {"severity": "critical"} and GET /api/patterns?severity=critical
    listed nothing, though severity.yml names sev1 "Critical" and record_incident says "'critical' is the name of
    sev1: write sev1". A level's name, in any case, is read as that level by both (retrieval.patterns.pattern_severity),
    said in ``severity_note``; a name no level has lists nothing, as before."""

    async def work(client):
        return [await call(client, "list_patterns", {"severity": s}) for s in ("sev2", "Major", "major", "huge")]

    sev2, *read, unknown = session(served_stdio, work)
    want = [r["id"] for r in sev2[1]["patterns"]]
    assert want and "severity_note" not in sev2[1]
    for (err, doc, text), given in zip(read, ("Major", "major"), strict=True):
        note = f"severity {given} read as sev2, the level severity.yml names Major"
        assert not err and [r["id"] for r in doc["patterns"]] == want, given
        assert doc["severity_note"] == note and text.splitlines()[0].endswith(f"; {note}")
        status, body = api(served, f"/api/patterns?severity={given}")
        assert status == 200 and body == {"patterns": sev2[1]["patterns"], "severity_note": note}, given
    assert unknown[1]["patterns"] == [] and "severity_note" not in unknown[1]


def test_suggest_text_does_not_call_low_results_matches_and_says_check_both():
    """Found in review: for "latency" the text began "Known patterns that match:" over three results of low
    confidence, gave no probability, and did not say that #3 (39%) is rated more likely right than #1 (26%),
    as the terminal's footer and the site's box do. The text says what the results are, each one's
    probability and the "check both" line (results.check_both, the terminal's rule), and marks the steps
    of a low result to be checked first."""
    from serve_util import latency_answer

    from recur.serve.mcp_text import answer_text

    text = answer_text(latency_answer())
    lines = text.splitlines()
    assert "Known patterns that match" not in text
    # the first is low: the "check both" leads, on a line of its own, as the terminal says it (results.opening)
    assert lines[:2] == [
        "Check both: the first result, leap-second, is of low confidence; cpu-throttling-container-limits (#3) is "
        "rated more likely right (39% against 26%).",
        "Possible matches, all of low confidence, in ranked order:",
    ], lines[:2]
    assert lines[2] == "1. leap-second: Leap second breaks time arithmetic"
    assert lines[3] == "   low confidence (26% likely right) · sev2 · time"
    assert "   low confidence (39% likely right) · sev2 · capacity" in lines
    assert "   why: like the symptom “latency leap-second”" in lines
    assert text.count("   first steps (low match: check it fits first):") == 3
    assert "     1. First step of leap-second." in lines and "Third step" not in text  # two steps, as Slack


def test_suggest_text_counts_the_confident_results_apart_from_the_low_ones():
    from serve_util import latency_answer

    from recur.serve.mcp_text import answer_text

    answer = latency_answer()
    first = {**answer["results"][0], "confidence": "high", "probability": 0.91}
    second = {**answer["results"][1], "confidence": "medium", "probability": 0.52}
    said = answer_text({**answer, "results": [first, second, answer["results"][2]]}).splitlines()
    assert said[0] == (
        "2 patterns match with medium or high confidence, then 1 more of low confidence for comparison, in ranked order:"
    )
    assert "   first steps:" in said and said.count("   first steps (low match: check it fits first):") == 1


def in_process(kb, index, **kw):
    """The MCP server in this process over an engine on ``kb`` (fake:64), for the SDK's in-memory client; no
    KB file changed since the index was built unless ``stale_files`` says (a real holder's, serve_util.holding)."""
    from recur.serve.mcp_server import build_server

    engine = Engine.open(kb, index, model="fake:64", quiet=True)
    return build_server(lambda: engine, **{"stale_files": list, **kw})


def test_a_long_paste_is_condensed_and_said_not_refused(kb_dir, tmp_path):
    """Found in review: suggest_patterns refused a text over 20,000 characters ("text is 30000 characters; the
    limit is 20000") where `recur suggest` and the site's box condense it (retrieval.query.prepare) and say so.
    It is condensed the same way, up to MAX_PASTE characters (what `recur suggest -` reads), and query_note
    says so in the structured answer and the text's first line; past_incidents reads its text alike."""
    from recur.retrieval.query import prepare
    from recur.serve.bodies import MAX_PASTE

    text = long_trace(30_000)
    assert len(text) == 30_000

    async def work(client):
        return [
            await call(client, "suggest_patterns", {"text": text, "top": 2}),
            await call(client, "past_incidents", {"text": text}),
            await call(client, "suggest_patterns", {"text": "x" * (MAX_PASTE + 1)}),
        ]

    (err, got, said), (past_err, _, _), (over, body, refused) = session(in_process(kb_dir, tmp_path / "i"), work)
    assert not err and got["query_note"] == prepare(text).note and got["query"] == prepare(text).text
    assert got["query_note"].startswith("the text is 30,000 characters, over the 20,000 searched")
    assert said.splitlines()[0] == got["query_note"][0].upper() + got["query_note"][1:] + "."
    assert got["results"][0]["id"] == "disk-full"  # its root cause, at its end, was searched
    assert not past_err
    assert over and body["error"]["code"] == "invalid_request"
    # the field named once, the counts grouped: "text: text is 1000001 characters; the limit is 1000000" before
    # and what to do instead, as the API and Slack say it (found in a responder's review: the limit alone)
    assert refused == (
        f"text is {MAX_PASTE + 1:,} characters; the limit is {MAX_PASTE:,}: send the part that matters: the error "
        "lines or the alert, or the log's end (tail -n 200 app.log)"
    )


SITE = "https://kb.example.com/recur"


def test_with_the_site_url_each_answer_links_its_pages(kb_dir, tmp_path):
    """Found in review: MCP's results carried only their KB path, where Slack links each title to its page
    on the site (`recur serve --site-url`). Given the site's URL, every pattern and incident in an answer has
    its page's url after its path, in the structured content and in the text; without it, the API's objects
    as they are."""

    async def work(client):
        return [
            await call(client, "suggest_patterns", {"text": "No space left on device", "top": 2}),
            await call(client, "get_pattern", {"id": "disk-full"}),
            await call(client, "list_patterns", {"category": "capacity"}),
            await call(client, "past_incidents", {"pattern_id": "db-pool-exhausted"}),
        ]

    suggest, doc, listed, past = session(in_process(kb_dir, tmp_path / "i", site_url=SITE), work)
    page = f"{SITE}/patterns/capacity/disk-full.html"
    first = suggest[1]["results"][0]
    assert first["id"] == "disk-full" and first["url"] == page and list(first)[-1] == "url"
    assert f"   page: {page}" in suggest[2].splitlines()
    assert doc[1]["url"] == page and page in doc[2].splitlines()[1]
    assert {r["id"]: r["url"] for r in listed[1]["patterns"]}["disk-full"] == page
    assert f"- disk-full: Disk full on a host (capacity, sev2) {page}" in listed[2].splitlines()
    incident = past[1]["incidents"][0]
    assert incident["url"] == f"{SITE}/{incident['path'].removesuffix('.md')}.html" and incident["url"] in past[2]
    plain = session(in_process(kb_dir, tmp_path / "i"), work)
    assert "url" not in plain[0][1]["results"][0] and "url" not in plain[1][1] and "page:" not in plain[0][2]


def test_recur_mcp_and_serve_take_the_site_url(kb_dir, tmp_path, writes_refused):
    """`recur mcp --site-url` (or RECUR_SITE_URL), as `recur serve --site-url` gives it to /mcp."""

    async def work(client):
        return await call(client, "suggest_patterns", {"text": "No space left on device", "top": 1})

    page = f"{SITE}/patterns/capacity/disk-full.html"
    # `recur mcp --site-url` itself: test_stdio_answers_what_it_has_read_after_stdin_closes_..., whose process has it
    with running(fake_app(kb_dir, tmp_path, host="127.0.0.1", site_url=SITE)) as base:
        _, got, _ = session(base + "/mcp", work)
    assert got["results"][0]["url"] == page
    bad = CliRunner().invoke(cli, ["mcp", "--kb", str(kb_dir), "--site-url", "kb.example.com"])
    assert bad.exit_code == 2 and "--site-url" in bad.output
    # without --site-url, the URL the built site (--site) was built for, as `recur serve` takes it
    from recur.kb.site_record import SITE_MARKER, site_marker

    built = tmp_path / "built"
    built.mkdir()
    (built / SITE_MARKER).write_text(site_marker("recur site", {}, None, SITE + "/"))
    _, got, _ = session(stdio(kb_dir, tmp_path / "index", "--site", str(built)), work)
    assert got["results"][0]["url"] == page
    # a site built with no site_url (writes_refused's --site): no page links
    _, got, _ = session(writes_refused["server"], work)
    assert "url" not in got["results"][0]


def test_a_filter_value_no_pattern_has_is_answered_with_the_values_there_are(served, tmp_path):
    """Found in review: list_patterns {"category": "nosuchcat"} answered "0 pattern(s)" and nothing said which
    categories there are (the schema lists none: they are the KB's). The answer is still a list (empty: not
    an error, as GET /api/patterns?category=nosuchcat answers {"patterns": []}) but says the values, the close ones first,
    in the text and in known_values."""

    async def work(client):
        return [
            await call(client, "list_patterns", {"category": "nosuchcat"}),
            await call(client, "list_patterns", {"category": "Capacty", "severity": "sev2"}),
            await call(client, "list_patterns", {"service": "checkout"}),
        ]

    (err, got, text), (_, typo, typo_text), (_, service, service_text) = session(
        in_process(served["kb"], served["index"]), work
    )
    assert not err and got == {
        "patterns": [],
        "total": 0,
        "next_cursor": None,
        "known_values": {"category": ["capacity", "network"]},
    }
    assert text == "0 patterns; no pattern has the category 'nosuchcat'; the categories: capacity, network"
    assert typo["known_values"] == {"category": ["capacity", "network"]}  # sev2 is a severity there is
    assert "no pattern has the category 'Capacty' (did you mean capacity?)" in typo_text
    assert service["known_values"] == {"service": []} and service_text.endswith("the services: none")
    assert api(served, "/api/patterns?category=nosuchcat") == (200, {"patterns": []})  # the API: unchanged


def test_unmatched_filters_are_values_no_pattern_has_not_empty_combinations():
    from recur.retrieval.patterns import unmatched_filters

    docs = {
        "a": {"category": "capacity", "severity": "sev1", "services": ["db"], "tags": []},
        "b": {"category": "network", "severity": "sev2", "services": [], "tags": ["dns"]},
    }
    assert unmatched_filters(docs, category="network", severity="sev1") == {}  # each value exists
    assert unmatched_filters(docs, category="NETWORK", tag="x", service=None) == {"tag": ["dns"]}


def test_an_unknown_pattern_id_names_the_ids_it_was_probably_meant_to_be(served):
    """Found in review: get_pattern {"id": "Disk-Full"} answered pattern_not_found and no more; ids are exact
    (lower case). The message names the close ids, on /api/patterns/{id} as over MCP (one message)."""

    async def work(client):
        return [
            await call(client, "get_pattern", {"id": "Disk-Full"}),
            await call(client, "get_pattern", {"id": "disk_ful"}),
            await call(client, "past_incidents", {"pattern_id": "DNS-failure"}),
            await call(client, "get_pattern", {"id": "zzz"}),
        ]

    case, typo, past, far = session(in_process(served["kb"], served["index"]), work)
    # another letter case is the id over MCP (ids are lower-case kebab; test_mcp_writes), as the list filters read it
    assert not case[0] and case[1]["id"] == "disk-full" and not past[0] and past[1]["pattern_id"] == "dns-failure"
    assert typo[1]["error"]["code"] == "pattern_not_found"
    assert typo[2] == "no pattern with id 'disk_ful' in the index (did you mean 'disk-full'?)"
    assert typo[1] == api(served, "/api/patterns/disk_ful")[1]
    assert far[2] == "no pattern with id 'zzz' in the index"


def test_stdio_answers_what_it_has_read_after_stdin_closes_and_an_unknown_prompt_is_invalid_params(kb_dir, tmp_path):
    """Found in review: `printf '<initialize>\\n<tools/call>\\n' | recur mcp` (stdin closed right after the
    request, while the model loaded) never answered the call: the SDK cancels what is running when stdin
    ends. The server now answers every request it has read before it exits. And prompts/get of a prompt
    the server does not have (it has none) was JSON-RPC error code 0 with a traceback on stderr: it is
    -32602, as an unknown tool is, and stderr has no traceback. Started with --site-url (a process fewer): its answer
    links the pattern's page, as test_recur_mcp_and_serve_take_the_site_url's servers do."""
    import subprocess

    # no index yet: it is built while the call waits
    params = stdio(kb_dir, tmp_path / "index", "--site-url", SITE + "/")
    hello = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "1"}}
    search = {"name": "suggest_patterns", "arguments": {"text": "No space left on device", "top": 1}}
    lines = [
        {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": hello},
        {"jsonrpc": "2.0", "method": "notifications/initialized"},
        {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": search},
        {"jsonrpc": "2.0", "id": 3, "method": "prompts/get", "params": {"name": "triage"}},
    ]
    run = subprocess.run(
        [params.command, *params.args],
        env=params.env,
        input="".join(json.dumps(x) + "\n" for x in lines).encode(),  # then EOF at once
        capture_output=True,
        timeout=300,
    )
    answers = {a["id"]: a for a in map(json.loads, run.stdout.splitlines())}
    assert set(answers) == {1, 2, 3}, run.stdout.decode()
    first = answers[2]["result"]["structuredContent"]["results"][0]
    assert first["id"] == "disk-full" and first["url"] == f"{SITE}/patterns/capacity/disk-full.html", first
    assert answers[3]["error"] == {"code": -32602, "message": "Unknown prompt: triage; this server has no prompts"}
    assert run.returncode == 0 and b"Traceback" not in run.stderr, run.stderr.decode()


def test_record_incident_says_what_the_assistant_and_the_user_can_do(tmp_path):
    """Found in review: record_incident's unknown-pattern error named the folder relative to the server's working
    directory ("ids are the file names under ../rh-kbw/patterns/"), meaningless to the assistant; its answer
    told to run `recur incident link ...`, a command MCP has no tool for; suggest_patterns' "no known pattern"
    named `recur incident new` though record_incident is offered; an empty description was recorded."""
    kb = small_kb(tmp_path / "kb")
    before = sorted((kb / "incidents").rglob("*.md"))
    base = {"title": "Checkout DB refuses connections", "severity": "sev2"}

    async def work(client):
        return [
            await call(client, "record_incident", {**base, "description": "x", "patterns": ["nope", "disk-fll"]}),
            await call(client, "record_incident", {**base, "description": "  \n "}),
            await call(client, "suggest_patterns", {"text": "what should we order for lunch on friday"}),
            await call(client, "record_incident", {**base, "description": "FATAL: sorry, too many clients already"}),
        ]

    (bad_id, _, bad_ids), (empty, _, empty_text), (_, nkp, nkp_text), (err, out, text) = session(
        in_process(kb, tmp_path / "index", allow_writes=True), work
    )
    folder = str((kb / "patterns").resolve())
    assert bad_id and bad_ids == (
        "patterns: unknown pattern id(s) nope, disk-fll (did you mean disk-full?); ids are the file names under "
        f"{folder}/; list_patterns lists them"
    )
    assert empty and empty_text.startswith("description: is empty")
    assert nkp["no_known_pattern"] and "with the record_incident tool" in nkp_text
    assert "recur incident new" not in nkp_text
    assert not err and out["suggestions"][0]["id"] == "db-pool-exhausted" and not out["linked"]
    said = text.splitlines()
    assert "none is linked. Only the user can link one now" in said[1]
    assert f"recur incident link {out['id']} PATTERN_ID" in said[1]
    assert said[2].startswith("- db-pool-exhausted: Database connection pool exhausted (")
    assert len(set((kb / "incidents").rglob("*.md")) - set(before)) == 1  # the last one only


def test_record_incident_refuses_a_description_or_title_of_invisible_characters_alone(tmp_path):
    """recur.util.text.has_text on record_incident: a description of zero-width characters alone (U+200B,
    U+FEFF, the Hangul filler; control characters are refused apart, by _intact) was recorded as the Summary (and searched for suggestions), one of blanks refused; a title of them alone was
    a record titled with nothing to read. Both are tool errors now, and nothing is written."""
    kb = small_kb(tmp_path / "kb")
    before = sorted((kb / "incidents").rglob("*.md"))
    base = {"title": "Checkout DB refuses connections", "severity": "sev2"}

    async def work(client):
        return [
            await call(client, "record_incident", {**base, "description": "\u200b\ufeff\u2060"}),
            await call(client, "record_incident", {**base, "description": " \u00a0\u3164\n"}),
            await call(client, "record_incident", {**base, "title": "\u200b", "description": "pool at max"}),
            await call(client, "record_incident", {**base, "description": "\U0001f525\U0001f6a8"}),
        ]

    said = session(in_process(kb, tmp_path / "index", allow_writes=True), work)
    assert [(err, text.split(";")[0]) for err, _, text in said] == [
        (True, "description: is empty (only invisible characters or emoji)"),
        (True, "description: is empty (only invisible characters or emoji)"),
        (True, "title: is empty (only invisible characters or emoji)"),
        (True, "description: is empty (only invisible characters or emoji)"),
    ], said
    assert sorted((kb / "incidents").rglob("*.md")) == before


def test_a_read_only_server_names_the_cli_for_recording():
    from recur.serve.mcp_text import answer_text

    answer = {"query": "lunch", "query_note": None, "no_known_pattern": True, "results": []}
    assert "(recur incident new)" in answer_text(answer)
    assert "record_incident" in answer_text(answer, writes=True)


def test_a_server_does_not_take_over_another_kbs_index(tmp_path):
    """Found in review: `recur mcp --kb OTHER --index SHARED` rebuilt, for OTHER, the index of a KB whose
    `recur serve` was running on it. `recur mcp` and `recur serve` (started from a configuration, with nobody
    to read "rebuilding it for this one", which `recur suggest` says and does) refuse to start, naming both KBs
    and how to proceed; the index is left as it was."""
    import shutil
    import subprocess

    from recur.retrieval import index as index_mod

    mine, other = small_kb(tmp_path / "a" / "kb"), tmp_path / "b" / "kb"
    shutil.copytree(mine, other)
    (other / "patterns/capacity/disk-full.md").unlink()
    idx = tmp_path / "a" / "index"
    fake_index(mine, idx)
    built = index_mod.read_manifest(idx)["build_id"]
    common = fake_model_flags(other, idx)
    runs = {
        "mcp": [*common],
        "serve": [*common, "--port", "0", "--site", str(tmp_path / "site"), "--feedback", str(tmp_path / "f.jsonl")],
    }
    for name, args in runs.items():
        r = subprocess.run(
            [sys.executable, "-m", "recur", name, *args],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert r.returncode == 1, (name, r.stderr)
        said = " ".join(r.stderr.split())
        assert f"is the index of the knowledge base at {mine.resolve()}, not of {other.resolve()}" in said, said
        assert f"recur index --kb {other.resolve()} --index {idx.resolve()}" in said and "Traceback" not in said
        assert index_mod.read_manifest(idx)["build_id"] == built, name  # not rebuilt


def test_an_index_whose_kb_is_gone_or_that_fits_is_a_servers_to_use(kb_dir, tmp_path):
    import shutil

    from recur.retrieval import index as index_mod

    idx = tmp_path / "index"
    fake_index(kb_dir, idx)
    same = shutil.copytree(kb_dir, tmp_path / "copy")  # another folder, the same files: the index fits it
    index_mod.refuse_other_kbs_index(idx, same)
    (same / "patterns/capacity/disk-full.md").unlink()
    with pytest.raises(Exception, match="is the index of the knowledge base at"):
        index_mod.refuse_other_kbs_index(idx, same)
    shutil.rmtree(kb_dir)  # the KB it was built for is gone (a checkout moved): this one's to update
    index_mod.refuse_other_kbs_index(idx, same)


def _stdio_mcp(kb_dir, tmp_path, model, env):
    """`recur mcp` on stdio with nothing to read: it starts, checks its settings, and ends with stdin."""
    import subprocess

    args = ["mcp", "--kb", str(kb_dir), "--index", str(tmp_path / "i"), "--model", model]
    return subprocess.run(
        [sys.executable, "-m", "recur", *args],
        input="",
        capture_output=True,
        text=True,
        timeout=60,
        env={**os.environ, **env},
        cwd=tmp_path,
    )


@pytest.fixture(scope="module")
def quiet_start(tmp_path_factory):
    """`recur mcp --model fake:64` on stdio with nothing to read (_stdio_mcp), started once with what the two tests
    below set: the RECUR_ENCODER and RECUR_PRECISION values only a real model reads (BAD_FOR_A_REAL_MODEL_ONLY), and
    RECUR_PRECISON, a misspelt setting. A process each took 12-26 s on a loaded machine, three times."""
    root = tmp_path_factory.mktemp("quiet-start")
    env = {name: value for bad in BAD_FOR_A_REAL_MODEL_ONLY for name, value in bad.items()}
    return _stdio_mcp(small_kb(root / "kb"), root, "fake:64", {**env, "RECUR_PRECISON": "bf16"})


def test_the_fake_encoder_serves_stdio_mcp_whatever_encoder_and_precision_say(quiet_start):
    """The fake encoder reads neither RECUR_ENCODER nor RECUR_PRECISION: a value it would never read does not
    stop `recur mcp --model fake:64` (it did, found in review); the case below stops a real model. Both set at
    once (quiet_start): either one read would stop it."""
    r = quiet_start
    assert r.returncode == 0 and "Error" not in r.stderr, r.stderr


@pytest.mark.parametrize(("env", "model", "said"), BAD_ENGINE_INPUTS, ids=BAD_ENGINE_IDS)
def test_a_bad_model_encoder_or_precision_stops_stdio_mcp_before_it_serves(kb_dir, tmp_path, env, model, said):
    """Found in an operator's review: `recur serve` stops at start on these, `recur mcp` did not: it said it
    was serving, and every tool call then failed with the load's error (an editor's MCP log, seldom read).
    Exit 1, one `Error:` line on stderr, nothing on stdout (the protocol's), no index built."""
    r = _stdio_mcp(kb_dir, tmp_path, model, env)
    lines = r.stderr.splitlines()
    assert r.returncode == 1 and len(lines) == 1 and lines[0].startswith(f"Error: {said}"), r.stderr
    assert r.stdout == "" and not (tmp_path / "i").exists()


def test_stdio_mcp_says_a_missing_kb_before_it_imports_the_mcp_sdk(tmp_path):
    """As `recur serve` says its start-up mistakes before its web stack loads: `recur mcp` imported the MCP
    SDK (0.4 s) before checking its KB and model. Exit 1 with the message, the SDK not loaded."""
    script = (
        "import contextlib, io, json, sys; from recur.cli.main import main; said = io.StringIO(); "
        "sys.argv = ['recur', 'mcp', '--kb', sys.argv[1], '--index', sys.argv[2], '--model', 'fake:64']\n"
        "with contextlib.redirect_stderr(said):\n"
        "    try:\n        main()\n    except SystemExit as exc:\n        code = exc.code\n"
        "print(json.dumps([code, said.getvalue(), 'mcp' in sys.modules]))"
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "tools")}
    args = [str(tmp_path / "no-kb"), str(tmp_path / "i")]
    r = subprocess.run([sys.executable, "-c", script, *args], capture_output=True, text=True, env=env, timeout=60)
    assert r.returncode == 0, r.stderr
    code, said, loaded = json.loads(r.stdout)
    assert (code, loaded) == (1, False) and f"Error: {tmp_path / 'no-kb'}: no knowledge base folder" in said, said


def test_stdio_mcp_warns_of_a_misspelt_recur_variable_on_stderr_only(quiet_start):
    """As `recur serve`: a variable that looks like Recur's and is no setting is named at start, with the
    setting it was likely meant to be; on stderr, stdout being the protocol's. (quiet_start: RECUR_PRECISON
    set, no client: the server ends at end of input.)"""
    r = quiet_start
    warning = (
        "warning: RECUR_PRECISON is set, but is not a Recur setting: nothing reads it (did you mean RECUR_PRECISION?)"
    )
    assert r.returncode == 0 and r.stderr.splitlines()[0] == warning, r.stderr
    assert r.stdout == "" and "Traceback" not in r.stderr


def test_a_resource_uri_naming_a_pattern_by_its_file_path_reads_as_get_pattern_reads_it(served, served_stdio):
    """Carried from an MCP review: get_pattern takes a pattern's file path form ("recur://patterns/capacity/disk-full",
    "…/../data/x.md"), but resources/read of the same URI was the SDK's bare "Unknown resource" (its template's
    {id} matches no "/", and refuses ".."). Each now answers as get_pattern does: the pattern its path names, or
    get_pattern's not-found message; a ".." opens nothing outside the KB (only the id is looked up)."""
    named = ["capacity/disk-full", "patterns/capacity/disk-full.md", "../capacity/disk-full.md", "capacity%2Fdisk-full"]
    unknown = ["../../../../etc/passwd", "../incidents/2026/inc-2026-0001.md", "capacity/no-such-thing"]

    async def work(client):
        read, failed = [], []
        for rest in named:
            read.append((await client.read_resource("recur://patterns/" + rest)).contents[0])
        for rest in unknown:
            try:
                await client.read_resource("recur://patterns/" + rest)
                failed.append((None, None))
            except MCPError as exc:
                said = await call(client, "get_pattern", {"id": "recur://patterns/" + rest})
                failed.append((exc.error, said))
        return read, failed

    read, failed = session(served_stdio, work)
    disk_full = (Path(served["kb"]) / "patterns/capacity/disk-full.md").read_text()
    assert [(r.mime_type, r.text) for r in read] == [("text/markdown", disk_full)] * len(named)
    for rest, (error, (err, body, text)) in zip(unknown, failed):
        assert error is not None and err and body["error"]["code"] == "pattern_not_found", rest
        assert error.code == -32602 and error.message == text, rest
        # an incident's file names its record, said to be one (test_mcp_board); the others are named as given
        assert (
            text.startswith("'INC-2026-0001' is an incident record")
            if "inc-" in rest
            else "recur://patterns/" + rest in text
        )


def test_suggest_patterns_says_a_typo_of_one_id_as_the_terminal_does(served):
    """`recur suggest disk-ful` says "Did you mean disk-full? recur show disk-full"; suggest_patterns answered it as
    any text, "No known pattern matches: record the incident …", and an assistant recorded the typo. Its answer now
    carries the API's ``meant`` and its text says it first, with no record proposed."""
    url = served["base"] + "/mcp"

    async def work(client):
        return await call(client, "suggest_patterns", {"text": "disk-ful"})

    err, got, text = session(url, work)
    assert not err and got == api(served, "/api/suggest", {"text": "disk-ful"})[1] and got["meant"] == ["disk-full"]
    assert text.splitlines()[0].startswith("Did you mean disk-full? recur show disk-full"), text
    assert "record the incident" not in text and "record_incident" not in text, text


def _pasted_postmortem(n: int) -> str:
    """An imported postmortem of some 4,000 characters: a long summary, prose, a table and a list."""
    rows = "\n".join(f"| 13:{m:02d} | step {m} of the recovery, as the chat logged it |" for m in range(20))
    lessons = "\n".join(f"- lesson {k}: " + "alert on inodes, not only on bytes. " * 3 for k in range(8))
    return f"""---
id: INC-2026-{1000 + n}
title: Ingest stalled {n}
date: 2026-{1 + n % 9:02d}-{1 + n % 28:02d}
severity: sev2
patterns: [disk-full]
---

## Summary
{"Ingest stalled while the disk filled. " * 12}

## Root cause
{"Elasticsearch rejected bulk writes and the buffers grew. " * 12}

## Timeline
| Time | Event |
| --- | --- |
{rows}

## Lessons learned
{lessons}
"""


def test_past_incidents_stays_within_the_answers_share_at_any_limit(kb_dir, tmp_path, monkeypatch):
    """Each section's 200-character floor and a ~90-character marker per cut came on top of the 40,000 characters
    an answer shares: limit 100 gave 242,636 characters (312 KB, ~80,000 tokens; bench/mcp_incident_size.py). The
    marker counts in each section's characters now, and where the floor does not fit every incident's sections
    the older ones come with their summary alone, said in the text and in incidents_without_sections."""
    from test_mcp_review import calls

    from recur import config
    from recur.serve.mcp_server import build_server

    for n in range(100):
        (kb_dir / f"incidents/2026/INC-2026-{1000 + n}.md").write_text(_pasted_postmortem(n))
    engine = Engine.open(kb_dir, tmp_path / "i", model="fake:64", quiet=True)
    server = build_server(lambda: engine, stale_files=list)
    asked = [("past_incidents", {"pattern_id": "disk-full", "limit": k}) for k in (100, 20)]
    for err, out, text in calls(server, *asked):
        listed, chars = out["incidents"], out["section_chars"]
        parts = [t for i in listed for t in (i["summary"], *i["sections"].values())]
        assert not err and sum(map(len, parts)) <= config.MCP_ANSWER_SECTION_CHARS, sum(map(len, parts))
        assert all(len(t) <= chars for t in parts)  # a cut one's marker counted in its characters
        without = out["incidents_without_sections"]
        assert without == [i["id"] for i in listed if i["left_out_sections"]]
        assert without == [i["id"] for i in listed[len(listed) - len(without) :]]  # the older ones, all of them
        # Claude Code gives the model the structured content and drops the text: what to do about a cut is there too
        note = out["sections_note"]
        assert note.startswith(f"Sections over {chars:,} characters are cut (cut_sections names them)"), note
        assert note.endswith(
            ": `recur show INC-…` prints an incident whole, a lower limit gives each more of its sections"
        )
        if len(listed) == 20:  # 20 × 4 parts share 40,000 characters: 500 each, every incident its sections
            share = config.MCP_ANSWER_SECTION_CHARS // sum(1 + len(i["sections"]) for i in listed)
            assert chars == share and without == [] and "without sections" not in text
            assert "left out" not in note
            continue
        assert f"; sections left out of the oldest {len(without)} incidents listed (incidents_without_sections)" in note
        assert len(listed) == 100 and chars == config.MCP_SECTION_FLOOR and 0 < len(without) < 100
        # the whole structured content, as Claude Code gives it to the model (and counts it against its 25,000
        # tokens), not the summaries and sections alone: each object's other keys made 100 KB of it
        size = len(json.dumps(out, ensure_ascii=False, separators=(",", ":")))
        assert size <= config.MCP_ANSWER_CHARS + 200, size  # the ids left out and the note counted too
        assert all(set(i["sections"]) == {"Root cause", "Timeline", "Lessons learned"} for i in listed[: -len(without)])
        old = listed[-1]
        assert old["sections"] == {} and list(old["cut_sections"]) == ["Summary"] and len(old["summary"]) <= chars
        assert set(old["left_out_sections"]) == {"Root cause", "Timeline", "Lessons learned"}
        assert f"{len(without)} incidents ({without[0]} and the {len(without) - 1} after it) listed without" in text
        assert "`recur show INC-…` prints one whole, a lower limit gives each its sections" in text
    monkeypatch.setenv("RECUR_MCP_SECTION_CHARS", "1")
    ((err, one, text),) = calls(server, ("past_incidents", {"pattern_id": "disk-full", "limit": 1}))
    assert not err and one["section_chars"] == 1 and "Sections over 1 character are cut" in text, text


def _listful_postmortem(n: int, items: int, title_words: int = 8, date: str = "") -> str:
    """A record of ``items`` follow-ups and as many flags, each with a long text, and a long title."""
    ups = "\n".join(
        f'  - {{title: "Step {k}: {"re-check the retention job on every host " * 20}", status: open, owner: team-{k}}}'
        for k in range(items)
    )
    flags = "\n".join(
        f'  - {{text: "Q{k}: {"why did the alert stay quiet? " * 25}", status: open}}' for k in range(items)
    )
    return f"""---
id: INC-2026-{2000 + n}
title: Ingest stalled {n} {"again " * title_words}
date: {date or f"2026-{1 + n % 9:02d}-{1 + n % 28:02d}"}
severity: sev2
patterns: [disk-full]
follow_ups:
{ups}
flags:
{flags}
---

## Summary
Ingest stalled while the disk filled.
"""


def test_past_incidents_cuts_long_follow_up_and_flag_lists_and_keeps_its_bound(kb_dir, tmp_path):
    """An incident's follow-ups and flags were never cut: one record of 300 of each (long texts) took past_incidents
    past its 80,000 characters whatever its sections. Each list is cut to its first MCP_LIST_ITEMS items, each text
    of an item to MCP_ITEM_CHARS ending in "…", and the incident's left_out_items counts what was left out, said in
    the text and in sections_note; where the incidents still do not fit, the oldest are left out whole
    (incidents_left_out), so the whole structured content, as the SDK client receives it, stays within the bound."""
    from test_mcp_review import calls

    from recur import config
    from recur.serve.mcp_server import build_server

    (kb_dir / "incidents/2026/INC-2026-2000.md").write_text(_listful_postmortem(0, 300, date="2026-11-30"))
    for n in range(1, 60):  # long titles too: no other key is cut, yet the answer keeps its bound
        (kb_dir / f"incidents/2026/INC-2026-{2000 + n}.md").write_text(_listful_postmortem(n, 25, title_words=400))
    engine = Engine.open(kb_dir, tmp_path / "i", model="fake:64", quiet=True)
    server = build_server(lambda: engine, stale_files=list)
    asked = [("past_incidents", {"pattern_id": "disk-full", "limit": k}) for k in (1, 100)]
    (err, one, text), (err_all, every, text_all) = calls(server, *asked)
    assert not err and not err_all
    (inc,) = one["incidents"]
    assert inc["id"] == "INC-2026-2000", inc["id"]  # the newest
    assert len(inc["follow_ups"]) == len(inc["flags"]) == config.MCP_LIST_ITEMS
    assert inc["left_out_items"] == {"follow_ups": 300 - config.MCP_LIST_ITEMS, "flags": 300 - config.MCP_LIST_ITEMS}
    assert all(len(f["title"]) <= config.MCP_ITEM_CHARS and f["title"].endswith("…") for f in inc["follow_ups"])
    assert inc["follow_ups"][0]["title"].startswith("Step 0: re-check") and inc["follow_ups"][0]["owner"] == "team-0"
    assert all(len(f["text"]) <= config.MCP_ITEM_CHARS for f in inc["flags"])
    assert one["incidents_left_out"] == [] and "left_out_items counts them" in one["sections_note"]
    assert f"INC-2026-2000: {300 - config.MCP_LIST_ITEMS} follow-ups, {300 - config.MCP_LIST_ITEMS} flags" in text
    assert "`recur show INC-…` lists them all" in text
    size = len(json.dumps(every, ensure_ascii=False, separators=(",", ":")))
    assert size <= config.MCP_ANSWER_CHARS, size
    listed, dropped = [i["id"] for i in every["incidents"]], every["incidents_left_out"]
    assert dropped and len(listed) + len(dropped) == len(set(listed + dropped)) >= 60  # each once, none lost
    assert not set(listed) & set(dropped) and not set(dropped) & set(every["incidents_without_sections"])
    assert "left out whole (incidents_left_out)" in every["sections_note"]
    assert f"left out whole: even without sections the answer would pass {config.MCP_ANSWER_CHARS:,}" in text_all


def test_the_room_kept_for_sections_note_holds_its_longest(kb_dir):
    """past_incidents keeps NOTE_ROOM of its 80,000 characters for sections_note, measuring the answer's other keys
    with section_chars 0. With all four parts said at once (sections cut at 40,000, lists cut, the sections of 99
    incidents left out, 100 left out whole) the note's key and text took 398, and section_chars 4 digits more (402):
    NOTE_ROOM was 300, so an answer the incidents filled to their room passed the bound by up to 102 characters."""
    from recur.serve.mcp_server import NOTE_ROOM, _cut_said

    ids = [f"INC-2026-{k:04d}" for k in range(100)]
    incidents = [{"id": ids[0], "cut_sections": {"Summary": 50_000}, "left_out_items": {"flags": 280}}]
    note, _ = _cut_said(incidents, 40_000, ids[:99], ids)
    # what the answer gains over its other keys as measured: `,"sections_note":"…"`, and "40000" for "0"
    gained = len(',"sections_note":' + json.dumps(note, ensure_ascii=False)) + len("40000") - len("0")
    assert gained <= NOTE_ROOM, (gained, note)


def test_a_bad_section_chars_setting_stops_mcp_and_serve_at_start(kb_dir, tmp_path):
    """A bad RECUR_MCP_SECTION_CHARS started both servers and was said only in each past_incidents call's error,
    to the assistant. Both stop at start now, exit 2 (as a bad value of a variable an option stands for), one
    Error: line naming the variable and its value; `recur serve` before it listens."""
    for value, said in (("-5", "RECUR_MCP_SECTION_CHARS=-5: must be 0"), ("abc", "RECUR_MCP_SECTION_CHARS='abc'")):
        r = _stdio_mcp(kb_dir, tmp_path, "fake:64", {"RECUR_MCP_SECTION_CHARS": value})
        lines = r.stderr.splitlines()
        assert r.returncode == 2 and len(lines) == 1 and lines[0].startswith(f"Error: {said}"), r.stderr
        assert r.stdout == "" and not (tmp_path / "i").exists()
        args = ["serve", "--kb", str(kb_dir), "--index", str(tmp_path / "i"), "--model", "fake:64", "--port", "0"]
        env = {**os.environ, "RECUR_MCP_SECTION_CHARS": value}
        r = subprocess.run([sys.executable, "-m", "recur", *args], capture_output=True, text=True, env=env, timeout=30)
        assert r.returncode == 2 and said in r.stderr and "Traceback" not in r.stderr, r.stderr


def test_a_tool_names_what_its_caller_gave_not_a_flag(tmp_path):
    """A tool's errors name its arguments and what the assistant can do, never a flag of `recur` (util/errors.Caller,
    serve/mcp_server.MCP_CALLER): `recur mcp` runs inside a command, whose errors say flags, and a tool whose KB
    folder was gone said "(pass --kb DIR or set RECUR_KB)" to an assistant that can pass neither (found by a
    developer embedding Recur). An unknown pattern id is named as the tool's ``patterns``, list_patterns naming them."""
    kb = small_kb(tmp_path / "kb")

    async def work(client):
        unknown = await call(client, "record_incident", {"title": "t", "severity": "sev2", "description": "d",
                                                         "patterns": ["disk-ful"]})  # fmt: skip
        ready = await call(client, "problem_report", {"as_of": "2026-04-01"})
        shutil.move(kb, tmp_path / "moved")
        # the server sees it at its next look at the KB's files: each second here (at_every_look), not every 5 s
        deadline, gone = time.monotonic() + 60, ready
        while not gone[0] and time.monotonic() < deadline:
            await asyncio.sleep(0.2)
            gone = await call(client, "problem_report", {"as_of": "2026-04-01"})
        return unknown, ready, gone

    unknown, ready, gone = session(at_every_look(stdio(kb, tmp_path / "index", "--allow-writes")), work)
    assert unknown[0] and unknown[2] == (
        f"patterns: unknown pattern id(s) disk-ful (did you mean disk-full?); ids are the file names under "
        f"{(kb / 'patterns').resolve()}/; list_patterns lists them"
    ), unknown[2]
    assert not ready[0] and gone[0] and gone[1]["error"]["code"] == "kb_unavailable", gone
    message = gone[1]["error"]["message"]
    assert message.startswith(f"the server cannot read its knowledge base: knowledge base folder not found: {kb}. ")
    assert "the --kb of the `recur mcp`" in message and "RECUR_KB" not in message, message
