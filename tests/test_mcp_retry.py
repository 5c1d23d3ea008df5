"""MCP record_incident's retries and the read tools over a KB the server cannot read, driven by the official SDK's
client over the server in this process (fake:64): a retried call with flags or pattern ids in any case records
once, two identical calls at once record once."""

from __future__ import annotations

import threading

import anyio
from kbfactory import small_kb
from mcp import Client
from test_mcp import call, in_process, run_async, session

from recur.retrieval.engine import Engine


def _records(kb) -> set:
    return set((kb / "incidents").rglob("*.md"))


def test_a_retried_record_incident_with_flags_records_once(tmp_path):
    """Found in review: a retry was matched by comparing the call's flags (strings) with the record's (Flag
    objects), so a call with flags was never a retry, and each retry wrote another record (same_as naming the
    first)."""
    kb = small_kb(tmp_path / "kb")
    before = _records(kb)
    args = {"title": "Queue stuck", "severity": "sev3", "description": "queue stuck", "flags": ["check disk", "b"]}

    async def work(client):
        return [await call(client, "record_incident", args) for _ in range(2)]

    (e1, first, _), (e2, again, said) = session(in_process(kb, tmp_path / "index", allow_writes=True), work)
    assert not e1 and not e2, said
    assert again.get("already_recorded") is True and again["id"] == first["id"] and "same_as" not in again
    assert said.startswith(f"Already recorded today as {first['id']}")
    assert len(_records(kb) - before) == 1


def test_record_incident_takes_pattern_ids_in_any_case_as_get_pattern_does(tmp_path):
    """Found in review: record_incident patterns [" Disk-Full "] was refused ("unknown pattern id(s)") where
    get_pattern and past_incidents take the id in any case, with spaces around it, or as its resource URI."""
    kb = small_kb(tmp_path / "kb")
    base = {"title": "Disk full again", "severity": "sev3", "description": "no space"}
    given = [" Disk-Full ", "recur://patterns/db-pool-exhausted"]

    async def work(client):
        return [await call(client, "record_incident", {**base, "patterns": given}) for _ in range(2)]

    (e1, first, said), (e2, again, _) = session(in_process(kb, tmp_path / "index", allow_writes=True), work)
    assert not e1 and not e2, said
    assert sorted(first["linked"]) == ["db-pool-exhausted", "disk-full"]
    assert again.get("already_recorded") is True and again["id"] == first["id"]


def test_two_identical_record_incident_calls_at_once_record_once(tmp_path):
    """Found in review: tool calls run in worker threads, and the look for a record made today and the write
    were not one step: two identical calls arriving together (a client's retry while the first still ran) both
    found nothing and both wrote. The getter holds both calls until both have reached it, so they go on
    together."""
    from recur.serve.mcp_server import build_server

    kb = small_kb(tmp_path / "kb")
    engine = Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
    before = _records(kb)
    together = threading.Barrier(2, timeout=60)

    def loading():
        together.wait()
        return engine

    args = {"title": "Broker 3 disk full", "severity": "sev2", "description": "No space left on device"}
    answers: list = []

    async def main():
        async with Client(
            build_server(loading, allow_writes=True, stale_files=list), read_timeout_seconds=120
        ) as client:

            async def one():
                answers.append(await call(client, "record_incident", args))

            async with anyio.create_task_group() as group:
                group.start_soon(one)
                group.start_soon(one)

    run_async(main())
    assert [err for err, _, _ in answers] == [False, False], answers
    assert answers[0][1]["id"] == answers[1][1]["id"]
    assert sorted(bool(out.get("already_recorded")) for _, out, _ in answers) == [False, True]
    assert len(_records(kb) - before) == 1


SITE = "https://kb.example.com/recur"


def test_get_pattern_with_a_site_url_reads_only_the_incident_files_it_links_and_answers_without_the_kb(tmp_path):
    """Found in review: with a site URL, get_pattern read the whole KB on every call for its incidents' paths (1,000
    patterns and 1,000 incidents: 0.8 ms a call became 706 ms), and with no KB to read (an index-only deployment,
    which Engine.open serves) it was kb_unavailable where it had answered. The paths are found once and kept while
    the files asked for are unchanged (a KB the server could no longer read does not take them away; a file moved is
    found again), and with no KB the incidents are the index's, without path or url."""
    import shutil

    from recur.kb.loader import KB_FORMAT

    kb = small_kb(tmp_path / "kb")
    pid, iid = "db-pool-exhausted", "INC-2026-0001"

    async def work(client):
        def get():
            return call(client, "get_pattern", {"id": pid})

        first = await get()
        (kb / "recur.yml").write_text(f"format: {KB_FORMAT + 1}\n")  # the KB cannot be read again from now on
        unread = await get()
        (kb / "recur.yml").unlink()
        (kb / "incidents/2025").mkdir()  # filed under another year: a warning, still loaded
        (kb / "incidents/2026/INC-2026-0001.md").rename(kb / "incidents/2025/INC-2026-0001.md")
        moved = await get()
        shutil.rmtree(kb)
        gone = await get()
        return first, unread, moved, gone

    first, unread, moved, gone = session(in_process(kb, tmp_path / "index", site_url=SITE), work)
    for err, _, text in (first, unread, moved, gone):
        assert not err, text
    path = f"incidents/2026/{iid}.md"
    assert first[1]["incidents"] == [{**first[1]["incidents"][0], "path": path, "url": f"{SITE}/{path[:-3]}.html"}]
    assert unread[1]["incidents"] == first[1]["incidents"]
    assert moved[1]["incidents"][0]["path"] == f"incidents/2025/{iid}.md"
    assert moved[1]["incidents"][0]["url"] == f"{SITE}/incidents/2025/{iid}.html"
    assert [sorted(i) for i in gone[1]["incidents"]] == [["date", "id", "title"]]
    assert gone[1]["incidents"][0]["id"] == iid and gone[1]["url"] == f"{SITE}/patterns/capacity/{pid}.html"


def test_an_index_only_server_marks_no_answer_stale_and_an_incident_recorded_since_counts_as_in_healthz(tmp_path):
    """Found in review: with no KB folder (an index-only deployment, or the KB gone) every MCP answer was marked
    stale, naming every file the index records as changed (changed_files counts them all removed), where /healthz
    says nothing (no KB to compare with); and MCP left incident records out where /healthz counts them, though
    get_pattern's incidents come from the index. One rule (index.kb_changes) now answers both."""
    import shutil

    from kbfactory import write
    from serve_util import holding

    from recur.retrieval import index as index_mod

    kb = small_kb(tmp_path / "kb")
    engine = Engine.open(kb, tmp_path / "index", model="fake:64", quiet=True)
    from recur.serve.mcp_server import build_server

    holder = holding(engine)  # the engine's owner, whose look the answers say, as under `recur serve`/`recur mcp`
    server = build_server(lambda: engine, stale_files=lambda: holder.kb_changed)
    record = (kb / "incidents/2026/INC-2026-0001.md").read_text().replace("0001", "0077")

    async def work(client):
        write(kb, "incidents/2026/INC-2026-0077.md", record)
        holder.check_stale()  # where the holder's watcher looks next
        recorded = await call(client, "get_pattern", {"id": "disk-full"})
        shutil.rmtree(kb)
        holder.check_stale()
        gone = await call(client, "get_pattern", {"id": "disk-full"})
        return recorded, gone

    try:
        (err, recorded, _), (err2, gone, text) = session(server, work)
    finally:
        holder.stop()
    assert not err and not err2
    assert recorded["stale"]["files"] == ["incidents/2026/INC-2026-0077.md"]
    assert "stale" not in gone and not text.startswith("Note:")
    assert index_mod.kb_changes(engine.manifest, kb) is None  # what /healthz reads: nothing to compare with
