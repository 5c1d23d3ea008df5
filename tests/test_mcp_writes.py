"""MCP record_incident's writes and the answers of the read tools, driven by the official SDK's client over
the server in this process (in_process, fake:64) or `recur mcp` over stdio: a call its client gave up on
writes nothing, a retried call records once, and the answers say what an assistant can act on."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from collections.abc import Callable

import anyio
import anyio.from_thread
from kbfactory import small_kb
from mcp import Client
from test_mcp import call, in_process, run_async, session, stdio

from recur.retrieval.engine import Engine


def _records(kb) -> set:
    return set((kb / "incidents").rglob("*.md"))


async def _until(done: Callable[[], bool], what: str, seconds: float = 120) -> None:
    """Wait for ``done()``, failing with ``what`` after ``seconds`` rather than hanging the run."""
    deadline = time.monotonic() + seconds
    while not done():
        assert time.monotonic() < deadline, what
        await anyio.sleep(0.02)


def test_a_record_incident_call_its_client_gave_up_on_writes_nothing_and_a_retry_records_once(tmp_path):
    """Found in review: the client's call timed out while the server waited for the model's load; the server
    then wrote the record (the cancellation was checked at the search, after the write), and the client's retry
    wrote a second one. A call given up on writes nothing; the same call again is answered with the record made
    today (already_recorded), and allow_duplicate records a second, separate one; the same title and description
    with another severity is recorded, and same_as names the other."""
    from recur.serve.mcp_server import build_server

    kb = small_kb(tmp_path / "kb")
    engine = Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
    before = _records(kb)
    entered, release = threading.Event(), threading.Event()

    def loading():  # the first call waits here as for a model still loading, until the client has given up
        if not release.is_set():
            entered.set()
            release.wait(60)
            # and past the server's handling of the client's notifications/cancelled, as a real load (seconds)
            # outlasts it: released at once, a loaded machine let the write's check run first (seen in a full run)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                try:
                    anyio.from_thread.check_cancelled()
                # asyncio's, named here: anyio.get_cancelled_exc_class() asks for the running event loop, which
                # this worker thread has none of; it raised here, and that error, not the server's check before
                # the write, ended the given-up call (the test passed with the check removed)
                except asyncio.CancelledError:
                    break
                time.sleep(0.02)
        return engine

    args = {"title": "Kafka broker 3 disk full", "severity": "sev2", "description": "No space left on device"}

    async def work(client):
        # the client gives up only once the server waits in loading(): given up on by a timeout (1 s from
        # the call's start), a loaded machine reached loading() after it, and `entered` was unset. Cancelled
        # from the client's side, the SDK's client sends notifications/cancelled (its courtesy cancel), as a
        # timeout does; the call's own timeout is long, so only the cancel ends it.
        answered = []
        scope = anyio.CancelScope()

        async def first_call():
            with scope:
                answered.append(await client.call_tool("record_incident", args, read_timeout_seconds=120))

        async with anyio.create_task_group() as tg:
            tg.start_soon(first_call)
            await _until(entered.is_set, "the first record_incident call never reached the model's load")
            scope.cancel()
        gave_up = scope.cancelled_caught and not answered
        release.set()
        limiter = anyio.to_thread.current_default_thread_limiter()
        # the given-up call's worker thread, done with whatever it does
        await _until(lambda: not limiter.borrowed_tokens, "the given-up call's worker thread never finished")
        after_cancel = _records(kb) - before
        retried = [await call(client, "record_incident", args) for _ in range(2)]
        again = await call(client, "record_incident", {**args, "allow_duplicate": True})
        other = await call(client, "record_incident", {**args, "severity": "sev3"})
        return gave_up, after_cancel, retried, again, other

    async def main():
        # legacy: the stream transport, where a call given up on is a notifications/cancelled, as over stdio
        server = build_server(loading, allow_writes=True, stale_files=list)
        async with Client(server, mode="legacy", read_timeout_seconds=120) as client:
            return await work(client)

    gave_up, after_cancel, ((err, first, _), (err2, second, said)), (err3, third, _), other = run_async(main())
    assert gave_up and entered.is_set()
    assert after_cancel == set()
    assert not err and not err2 and not err3
    assert "already_recorded" not in first and second["already_recorded"] is True
    assert second["id"] == first["id"] and second["path"] == first["path"]
    assert said.startswith(f"Already recorded today as {first['id']}") and "allow_duplicate: true" in said
    assert third["id"] != first["id"] and "already_recorded" not in third
    # the same title and description at another severity: another incident, recorded and said
    assert not other[0] and other[1]["same_as"] == first["id"] and other[1]["id"] not in (first["id"], third["id"])
    assert f"Note: {first['id']} was recorded today with the same title and description" in other[2]
    assert len(_records(kb) - before) == 3  # the first call's, allow_duplicate's and the other severity's


def test_past_incidents_by_text_names_the_closest_low_patterns_incidents(tmp_path):
    """Found in review: past_incidents {"text": "api latency up, some 503s from checkout"} said "No recorded
    incidents" when every result was of low confidence (none is searched for incidents) though the closest,
    traffic-spike-beyond-autoscaling (low, 28%), had three: a model read it as no incidents at all. The text
    says no pattern matches with medium or high confidence, and names the closest and how many it has, with the
    call that lists them. Calibrated (low without no_known_pattern) needs the real model and a KB of 30 patterns
    or more, so the answer is the reviewed one (serve_util.latency_answer) over a real KB's incidents."""
    from serve_util import latency_answer

    from recur.kb.loader import load_kb
    from recur.serve.mcp_text import only_low

    kb = load_kb(small_kb(tmp_path / "kb"))
    results = latency_answer()["results"]
    with_one = [{**results[0], "id": "db-pool-exhausted"}, *results[1:]]  # INC-2026-0001 is linked to it
    assert only_low(with_one, kb) == (
        "No pattern matches with medium or high confidence, so no linked incidents are listed; the closest, "
        "db-pool-exhausted (low, 26%), has 1 incident: call past_incidents with pattern_id db-pool-exhausted "
        "to list them (check the pattern fits first)"
    )
    assert only_low(results, kb).endswith("; the closest, leap-second (low, 26%), has no recorded incidents")
    assert only_low([], kb) == "No pattern matches with medium or high confidence, so no linked incidents are listed"


def test_suggest_text_lists_the_closest_alone_when_nothing_is_known_and_details_only_the_first_results():
    """Found in review: with no_known_pattern true the text still gave five unrelated patterns at <1%, each
    with its evidence and runbook steps (a model followed them), and top=50 made a text of fifty runbooks.
    Nothing known: the closest by title and likelihood alone. Otherwise evidence and steps for the first
    DETAILED results, the rest named, rated and why, and the text says so; the structured content is whole."""
    from serve_util import latency_answer

    from recur.retrieval.results import confidence_text
    from recur.serve.mcp_text import DETAILED, answer_text

    answer = latency_answer()
    five = [{**answer["results"][k % 3], "rank": k + 1, "id": f"p{k + 1}"} for k in range(5)]
    nothing = answer_text({**answer, "results": five, "no_known_pattern": True}).splitlines()
    assert nothing[0].endswith("Closest patterns, for comparison only:")
    assert nothing[1:] == [f"{k + 1}. p{k + 1}: {r['title']} ({confidence_text(r)})" for k, r in enumerate(five)]
    many = answer_text({**answer, "results": five}).splitlines()
    assert DETAILED == 3 and sum(line.startswith("   first steps") for line in many) == 3
    assert sum("preserve first" in line for line in many) == 3
    assert f"5. p5: {five[4]['title']}" in many and sum(line.startswith("   why: ") for line in many) == 5
    assert many[-1].startswith("(Evidence and first steps for the first 3 results only;")
    assert "results only;" not in answer_text(answer)  # three results: each in full, nothing to say


def test_record_incident_says_its_severities_and_limits_and_notes_a_priority_as_the_cli(tmp_path):
    """Found in review: record_incident's schema said "Severity key of the framework, e.g. sev2" (which keys, and
    that P1 is read, a model had to guess), its title took 100,000 characters (written, and passed `recur check`)
    and its description said no limit; severity P1 was recorded as sev1 without the note `recur incident new -s
    P1` prints. The schema names the KB's levels and how a priority is read, the title's most (refused past it,
    nothing written) and the description's; the answer carries the CLI's note; check warns of a long title."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    kb = small_kb(tmp_path / "kb")
    before = _records(kb)
    base = {"severity": "sev3", "description": "disk full on the db host"}

    async def work(client):
        tool = next(t for t in (await client.list_tools()).tools if t.name == "record_incident")
        return tool.input_schema["properties"], [
            await call(client, "record_incident", {**base, "title": "T" * 201}),
            await call(client, "record_incident", {**base, "title": "Disk full on db-1", "severity": "P1"}),
            await call(client, "record_incident", {**base, "title": "x" * 200}),
        ]

    props, (long, priority, longest) = session(stdio(kb, tmp_path / "index", "--allow-writes"), work)
    assert "sev1, sev2, sev3, sev4" in props["severity"]["description"]
    assert "A priority P1..P4 is read as sev1..sev4" in props["severity"]["description"]
    assert props["title"]["maxLength"] == 200 and "at most 200 characters" in props["title"]["description"]
    assert "at most 1,048,576 bytes" in props["description"]["description"]
    assert long[0] and long[2].startswith("title: is 201 characters; a recorded title may have 200 at most")
    err, out, text = priority
    note = "severity P1 recorded as sev1, the level of its number (as recur import reads a Priority field)"
    assert not err and out["severity"] == "sev1" and out["severity_note"] == note
    assert text.splitlines()[1] == f"Note: {note}."
    cmd = ["incident", "new", "--kb", str(kb), "-t", "Disk full on db-2", "-s", "P1", "-d", "disk", "--no-suggest"]
    assert f"note: -s {note[len('severity ') :]}" in CliRunner().invoke(cli, cmd).stderr  # the CLI's, word for word
    assert not longest[0] and len(_records(kb) - before) == 3  # P1's, the 200 one's and the CLI's
    r = CliRunner().invoke(cli, ["check", "--kb", str(kb)])
    said = [line for line in r.output.splitlines() if "title: warning: is 200 characters" in line]
    assert len(said) == 1 and f"{longest[1]['id']}.md" in said[0], r.output


def test_ids_in_any_case_drafts_marked_and_a_kb_gone_is_the_servers_error(tmp_path):
    """Found in review: get_pattern {"id": "Disk-Full"} and {"id": " disk-full "} were "no pattern" where the list
    filters take any case; list_patterns listed a draft plain (suggest_patterns marks it [DRAFT]); with the KB
    folder gone (a server answering from its index) past_incidents, problem_report and record_incident were
    invalid_request, which a model reads as its own bad argument; tool descriptions named HTTP routes (POST
    /api/suggest) that mean nothing to an assistant."""
    import shutil

    from kbfactory import write_pattern

    kb = small_kb(tmp_path / "kb")
    write_pattern(kb, "slow-queries", title="Slow queries pile up", status="draft", symptoms=("queries slow",))
    server = in_process(kb, tmp_path / "index", allow_writes=True)

    async def work(client):
        described = [t.description for t in (await client.list_tools()).tools]
        got = [await call(client, "get_pattern", {"id": given}) for given in ("Disk-Full", " disk-full ")]
        past = await call(client, "past_incidents", {"pattern_id": " DB-Pool-Exhausted "})
        listed = await call(client, "list_patterns", {})
        shutil.rmtree(kb)
        record = {"title": "t", "severity": "sev3", "description": "disk full"}
        gone = [
            await call(client, "past_incidents", {"pattern_id": "disk-full"}),
            await call(client, "problem_report", {}),
            await call(client, "record_incident", record),
        ]
        return described, got, past, listed, gone

    described, got, past, (_, _, listed), gone = session(server, work)
    assert not any("/api/" in d for d in described), described
    assert [(err, out["id"]) for err, out, _ in got] == [(False, "disk-full"), (False, "disk-full")]
    assert not past[0] and past[1]["pattern_id"] == "db-pool-exhausted" and past[1]["incidents"]
    assert "- slow-queries: Slow queries pile up [DRAFT] (capacity, " in listed
    assert "- disk-full: Disk full on a host (capacity, " in listed
    for err, body, text in gone:
        assert err and body["error"]["code"] == "kb_unavailable", text
        assert text.startswith("the server cannot read its knowledge base: ") and "not this call's arguments" in text
        # the command that runs it (here as `recur mcp` builds it; /mcp names `recur serve`: test_mcp_ops)
        assert "(the --kb of the `recur mcp` that runs it)" in text, text


def test_record_incident_takes_a_review_owner_written_as_the_cli_writes_it(tmp_path):
    """Found in review: a review's owner (review.owner) could be set by `recur incident new --review-owner` and
    `recur incident review ID --owner`, not by record_incident, so an assistant's record left the board's
    overdue review with no one to chase. review_owner is written by the CLI's code (spaces trimmed, a mention
    quoted), echoed in the answer and its text; null and "" are left out as the other optional arguments; a
    control character is refused with nothing written; a retry with another owner is no retry of the first."""
    from click.testing import CliRunner

    from recur.cli.main import cli
    from recur.kb.loader import load_kb

    kb = small_kb(tmp_path / "kb")
    server = in_process(kb, tmp_path / "index", allow_writes=True)
    base = {"severity": "sev2", "description": "no space left on device"}

    async def work(client):
        tool = next(t for t in (await client.list_tools()).tools if t.name == "record_incident")
        return tool.input_schema["properties"], [
            await call(client, "record_incident", {**base, "title": "Disk full on db-1", "review_owner": " @alice "}),
            await call(client, "record_incident", {**base, "title": "Disk full on db-1", "review_owner": "Alice"}),
            await call(client, "record_incident", {**base, "title": "Disk full on db-2", "review_owner": None}),
            await call(client, "record_incident", {**base, "title": "Disk full on db-3", "review_owner": ""}),
            await call(client, "record_incident", {**base, "title": "Disk full on db-4", "review_owner": "a\x1bb"}),
            await call(client, "record_incident", {**base, "title": "Disk full on db-1", "review_owner": "bob"}),
        ]

    props, (owned, retry, null, blank, control, other) = session(server, work)
    assert "review_owner" in props and "review.owner" in props["review_owner"]["description"]
    err, out, text = owned
    assert not err and out["review"]["owner"] == "@alice", out
    assert text.splitlines()[0].endswith(", owner @alice)."), text
    record = (kb / load_kb(kb).incidents[out["id"]].relpath).read_text()
    cli_made = CliRunner().invoke(
        cli, ["incident", "new", "--kb", str(kb), "-t", "Disk full on db-9", "-s", "sev2", "-d", "x", "--no-suggest",
              "--review-owner", " @alice ", "--json"],
    )  # fmt: skip
    cli_record = (kb / load_kb(kb).incidents[json.loads(cli_made.stdout)["id"]].relpath).read_text()
    line = next(x for x in record.splitlines() if x.startswith("review:"))
    assert line == next(x for x in cli_record.splitlines() if x.startswith("review:")), (record, cli_record)
    assert 'owner: "@alice"' in line
    for err, out, text in (null, blank):
        assert not err and out["review"]["owner"] is None and "owner" not in text.splitlines()[0], text
        assert "owner:" not in (kb / load_kb(kb).incidents[out["id"]].relpath).read_text()
    assert control[0] and control[2].startswith("review_owner: has the control character U+001B"), control[2]
    assert not any("db-4" in i.title for i in load_kb(kb).incidents.values())
    # the same owner written otherwise ("@alice", "Alice": one owner, as the board reads it) is a retry: it wrote a
    # second record with same_as (found in review)
    assert not retry[0] and retry[1]["already_recorded"] is True and retry[1]["id"] == owned[1]["id"], retry
    assert not other[0] and "already_recorded" not in other[1] and other[1]["same_as"] == owned[1]["id"]
    assert other[1]["review"]["owner"] == "bob"


def test_record_incident_follows_the_clis_rule_for_control_characters(tmp_path):
    """Found by fuzzing: `recur incident new` took control characters out of its flags without a word while
    record_incident refused them, and refused a tab or a line break in a title, which the CLI folded into a space.
    One rule now (util.text.control_refused): a tab and line breaks are white space (a title's folded), any other
    control character is refused in the words the CLI and a library's call are refused in, nothing written."""
    from click.testing import CliRunner

    from recur.cli.main import cli
    from recur.kb.loader import load_kb

    kb = small_kb(tmp_path / "kb")
    server = in_process(kb, tmp_path / "index", allow_writes=True)
    base = {"severity": "sev2", "description": "pods down\n\tsince 10:02"}

    async def work(client):
        return [
            await call(client, "record_incident", {**base, "title": "Pods\tcrash\r\nlooping", "flags": ["why\tnow"]}),
            await call(client, "record_incident", {**base, "title": "Pods \x07crash"}),
        ]

    spaced, bell = session(server, work)
    assert not spaced[0], spaced[2]
    inc = load_kb(kb).incidents[spaced[1]["id"]]
    assert inc.title == "Pods crash looping" and [f.text for f in inc.flags] == ["why now"]
    said = "has the control character U+0007 at character 6 (a control code, not text): give plain text"
    assert bell[0] and bell[2].startswith(f"title: {said}") and bell[2].endswith("nothing written"), bell[2]
    before = _records(kb)
    by_cli = CliRunner().invoke(cli, ["incident", "new", "--kb", str(kb), "-t", "Pods \x07crash", "-s", "sev2"])
    assert by_cli.exit_code == 2 and f"Invalid value for '--title' / '-t': {said}" in by_cli.stderr, by_cli.output
    assert _records(kb) == before


def test_record_incident_says_a_linked_pattern_is_retired_as_incident_new_does(tmp_path, monkeypatch):
    """Found in an MCP review: `recur incident new --pattern OLD` notes on stderr that OLD is retired and names
    what superseded it ("link that instead if it fits"); record_incident linked a retired id from an old
    postmortem without a word, and the assistant told the user it was linked to a known pattern. The answer says it
    (retired_linked, {id: note}, and a line of its text), in the CLI's words; a current pattern is said nothing of."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    monkeypatch.setenv("RECUR_TODAY", "2026-06-01")
    kb = small_kb(tmp_path / "kb")
    path = kb / "patterns/deploys/old-retired.md"
    path.write_text(path.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: disk-full\n"))
    args = {"title": "Deploy broke checkout", "severity": "sev2", "description": "pods restarting after deploy"}

    async def work(client):
        return [
            await call(client, "record_incident", {**args, "patterns": ["old-retired"]}),
            await call(client, "record_incident", {**args, "title": "Disk full on db-1", "patterns": ["disk-full"]}),
        ]

    (err, got, text), (_, current, _) = session(in_process(kb, tmp_path / "index", allow_writes=True), work)
    note = (
        "old-retired is retired (patterns/deploys/old-retired.md) and superseded by disk-full: link that instead if "
        "it fits; if it struck again, it can recur: set status: active (retired patterns are left out of "
        "suggestions and the board's fixes)"
    )
    assert not err and got["linked"] == ["old-retired"] and got["retired_linked"] == {"old-retired": note}
    assert f"\nNote: {note} (the user can, in the knowledge base's checkout)." in text
    assert "retired_linked" not in current
    cli_said = CliRunner().invoke(
        cli,
        [
            "incident",
            "new",
            "--kb",
            str(kb),
            "-t",
            "Again",
            "-s",
            "sev3",
            "-d",
            "x",
            "--pattern",
            "old-retired",
            "--no-suggest",
        ],
    )
    assert f"note: {note}\n" in cli_said.stderr
