"""MCP findings of an assistant integrator's review, each driven by the official SDK's client (in-memory, over
the server in this process on a small KB, fake:64 encoder; `recur mcp` as a subprocess where start-up is what is
checked): which answers carry the stale-index note, nulls for optional arguments, look-alikes' text, a retried
record's severity note, a start from / and near-miss hints."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor

from kbfactory import small_kb, write
from mcp import Client

from recur.retrieval.engine import Engine
from recur.serve.mcp_server import build_server


def calls(server, *wanted, between=None) -> list:
    """(is_error, structured, text) of each (tool, arguments), in one session; ``between()`` is run (in the
    session's thread) where a None stands among ``wanted``."""

    async def main():
        async with Client(server, read_timeout_seconds=120) as client:
            out = []
            for item in wanted:
                if item is None:
                    between()
                    continue
                name, args = item
                r = await client.call_tool(name, args)
                out.append((r.is_error, r.structured_content, r.content[0].text))
            return out

    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, main()).result()


def held(kb, index, **kw):
    """(server, holder): the server as `recur mcp` builds it, over a real EngineHolder whose look at the KB the
    test makes (``holder.check_stale()``) where its watcher would. ``holder.stop()`` it."""
    from serve_util import holding

    holder = holding(Engine.open(kb, index, model="fake:64", quiet=True))
    as_built = {"stale_files": lambda: holder.kb_changed, "kb_files": lambda: holder.kb_files}
    return build_server(lambda: holder.engine, **as_built, **kw), holder


NEW_INCIDENT = """---
id: INC-2026-0099
title: Checkout hung again on database connections
date: 2026-05-02
severity: sev2
patterns: [db-pool-exhausted]
---

## Summary
Checkout requests hung again: the connection pool was exhausted.
"""


def test_only_answers_from_the_index_say_it_is_out_of_date(tmp_path):
    """Found in review: the "knowledge base changed since its index was built ... may be out of date" note was on
    every answer but record_incident's, past_incidents' and problem_report's too, which read the KB's files as they
    are now; get_pattern (from the index) then listed fewer incidents than past_incidents did, with nothing saying
    which was current. The note is now on the answers from the index alone (suggest_patterns, get_pattern,
    list_patterns, past_incidents by text, whose patterns the index matches), and get_pattern's says that its
    linked incidents are the index's and that past_incidents lists them as recorded now."""
    kb = small_kb(tmp_path / "kb")
    server, holder = held(kb, tmp_path / "i")

    def change():
        write(kb, "incidents/2026/INC-2026-0099.md", NEW_INCIDENT)
        edited = kb / "patterns/capacity/disk-full.md"
        edited.write_text(edited.read_text() + "\nEdited.\n")
        holder.check_stale()

    try:
        got = calls(
            server,
            None,
            ("past_incidents", {"pattern_id": "db-pool-exhausted"}),
            ("problem_report", {"as_of": "2026-06-01"}),
            ("get_pattern", {"id": "db-pool-exhausted"}),
            ("suggest_patterns", {"text": "No space left on device", "top": 1}),
            ("list_patterns", {}),
            ("past_incidents", {"text": "connection pool exhausted"}),
            between=change,
        )
    finally:
        holder.stop()
    (_, past, past_text), (_, report, report_text), (_, doc, doc_text), *indexed = got
    assert [i["id"] for i in past["incidents"]] == ["INC-2026-0099", "INC-2026-0001"]
    for structured, text in ((past, past_text), (report, report_text)):
        assert "stale" not in structured and not text.startswith("Note:")
    assert [i["id"] for i in doc["incidents"]] == ["INC-2026-0001"]  # the index's, as its note says
    assert doc["stale"]["files"] == ["incidents/2026/INC-2026-0099.md", "patterns/capacity/disk-full.md"]
    first = doc_text.splitlines()[0]
    assert first == doc["stale"]["message"]
    assert "linked incidents are the index's" in first and "past_incidents lists them as recorded now" in first
    for err, structured, text in indexed:
        assert not err and structured["stale"]["files"] == doc["stale"]["files"]
        assert text.startswith("Note: the knowledge base changed since its index was built")


def test_past_incidents_and_problem_report_read_the_kb_again_only_when_its_files_changed(tmp_path):
    """Found in review: past_incidents and problem_report read the whole KB on every call (~2 s a call on 1,000
    patterns and 1,000 incidents; bench/mcp_kb.py). The KB read is kept, and read again when the server's own
    look at the KB's files (the holder's, every few seconds, the one the answers' `stale` comes from) sees them
    changed; a record written by record_incident is read at once."""
    kb = small_kb(tmp_path / "kb")
    server, holder = held(kb, tmp_path / "i", allow_writes=True)
    steps = iter(
        [
            lambda: write(kb, "incidents/2026/INC-2026-0099.md", NEW_INCIDENT),
            holder.check_stale,  # where the holder's watcher looks next
        ]
    )
    past = ("past_incidents", {"pattern_id": "db-pool-exhausted"})
    report = ("problem_report", {"as_of": "2026-06-01"})
    record = {"title": "Pool exhausted once more", "severity": "sev3", "description": "Checkout hung: pool exhausted"}
    try:
        got = calls(
            server,
            past,
            report,
            None,
            past,
            report,
            None,
            past,
            report,
            ("record_incident", {**record, "patterns": ["db-pool-exhausted"]}),
            past,
            between=lambda: next(steps)(),
        )
    finally:
        holder.stop()
    ids = [[i["id"] for i in g[1]["incidents"]] for g in got[0::2][:3] + [got[-1]]]
    counts = [g[1]["counts"] for g in got[1::2][:3]]
    assert ids[0] == ids[1] == ["INC-2026-0001"]  # the KB as read, until the holder's look
    assert counts[0] == counts[1] != counts[2]
    assert ids[2] == ["INC-2026-0099", "INC-2026-0001"]  # read again once the look saw the new file
    new = got[-2][1]["id"]
    assert ids[3] == [new, "INC-2026-0099", "INC-2026-0001"]  # a record written is read at once


def test_null_or_blank_optional_arguments_count_as_left_out_in_every_tool(kb_dir, tmp_path):
    """Found in review: null for an optional argument (what a client whose schemas make every field nullable,
    OpenAI's strict mode, sends for each it skips) was taken by some tools and refused by others: suggest_patterns
    top, past_incidents limit and record_incident's flags, patterns and allow_duplicate were "Input should be a
    valid integer" and the like. null and "" now count as left out everywhere, as the list filters had it; a
    required argument given null is still refused by name."""
    engine = Engine.open(kb_dir, tmp_path / "i", model="fake:64", quiet=True)
    server = build_server(lambda: engine, stale_files=list, allow_writes=True)
    got = calls(
        server,
        ("suggest_patterns", {"text": "disk full", "top": None}),
        ("suggest_patterns", {"text": "disk full", "top": ""}),
        ("past_incidents", {"pattern_id": "db-pool-exhausted", "text": None, "limit": None}),
        ("past_incidents", {"pattern_id": "db-pool-exhausted", "limit": ""}),
        ("problem_report", {"as_of": None, "owner": None, "limit": None}),
        ("problem_report", {"limit": ""}),
        ("list_patterns", {"category": None, "service": None, "tag": None, "severity": None}),
        ("get_pattern", {"id": "disk-full"}),
        (
            "record_incident",
            {
                "title": "Null optional arguments",
                "severity": "sev4",
                "description": "testing nulls",
                "flags": None,
                "patterns": None,
                "allow_duplicate": None,
            },
        ),
        (
            "record_incident",
            {"title": "Blank ones", "severity": "sev4", "description": "x", "flags": "", "patterns": ""},
        ),
        ("suggest_patterns", {"text": None}),
    )
    *fine, (refused, body, said) = got
    assert [err for err, _, _ in fine] == [False] * len(fine), [t for e, _, t in fine if e]
    assert len(fine[0][1]["results"]) == len(fine[1][1]["results"]) == 3  # the default top (5) of a 3-pattern KB
    assert fine[2][1] == fine[3][1] and fine[4][1] == fine[5][1]
    assert len(fine[6][1]["patterns"]) == 3
    assert fine[8][1]["linked"] == [] and "already_recorded" not in fine[8][1]
    assert refused and body["error"]["code"] == "invalid_request" and said.startswith("text")


def test_incident_records_alone_changed_are_a_milder_note_than_a_pattern_changed(tmp_path):
    """Found in review: after record_incident wrote one incident file, every answer said "tell the user it may be
    out of date" until `recur index` ran, though every pattern was current. With incident records alone changed,
    the answers whose incidents come from the index (suggest_patterns' seen-before, get_pattern's linked ones) say
    which records they may lack, and the pattern listings (list_patterns, resources/list) say nothing; a pattern
    changed is the strong note again."""
    kb = small_kb(tmp_path / "kb")
    server, holder = held(kb, tmp_path / "i")
    record = "incidents/2026/INC-2026-0099.md"

    async def main():
        async with Client(server, read_timeout_seconds=120) as client:
            write(kb, record, NEW_INCIDENT)
            holder.check_stale()  # where the holder's watcher looks next
            asked = [
                ("get_pattern", {"id": "db-pool-exhausted"}),
                ("suggest_patterns", {"text": "connection pool exhausted", "top": 1}),
                ("list_patterns", {}),
            ]
            mild = [await client.call_tool(n, a) for n, a in asked]
            listed = (await client.list_resources()).resources
            edited = kb / "patterns/capacity/disk-full.md"
            edited.write_text(edited.read_text() + "\nEdited.\n")
            holder.check_stale()
            strong = [await client.call_tool(n, a) for n, a in asked]
            return mild, listed, strong, (await client.list_resources()).resources

    try:
        with ThreadPoolExecutor(1) as pool:
            mild, listed, strong, relisted = pool.submit(asyncio.run, main()).result()
    finally:
        holder.stop()
    for answer in mild[:2]:
        stale, first = answer.structured_content["stale"], answer.content[0].text.splitlines()[0]
        assert stale["files"] == [record] and stale["only_incidents"] is True and first == stale["message"]
        assert first.startswith(f"Note: 1 incident record changed since the index was built, no pattern ({record})")
        assert "may be out of date" not in first and "the patterns here are current" in first
    assert "past_incidents lists them as recorded now" in mild[0].content[0].text.splitlines()[0]
    assert "stale" not in mild[2].structured_content and not mild[2].content[0].text.startswith("Note:")
    assert all("Note:" not in r.description for r in listed)
    for answer in strong:
        assert answer.structured_content["stale"]["only_incidents"] is False
        assert "may be out of date" in answer.content[0].text.splitlines()[0]
    assert all("may be out of date" in r.description for r in relisted)


def test_past_incidents_by_text_says_nothing_when_incident_records_alone_changed(tmp_path):
    """Found in re-reading: past_incidents by text listed a record written since the index was built first, and
    then said the "linked and seen-before incidents in this answer may not include them until the index is
    rebuilt": its incidents are the KB's as recorded now, only its pattern match is the index's. With incident
    records alone changed it says nothing, as list_patterns; a pattern changed is the strong note still."""
    kb = small_kb(tmp_path / "kb")
    server, holder = held(kb, tmp_path / "i")

    def change():
        edited = kb / "patterns/capacity/disk-full.md"
        edited.write_text(edited.read_text() + "\nEdited.\n")
        holder.check_stale()

    write(kb, "incidents/2026/INC-2026-0099.md", NEW_INCIDENT)
    holder.check_stale()
    asked = ("past_incidents", {"text": "checkout hung, connection pool exhausted"})
    try:
        (err, doc, text), (_, again, again_text) = calls(server, asked, None, asked, between=change)
    finally:
        holder.stop()
    assert not err and [i["id"] for i in doc["incidents"]] == ["INC-2026-0099", "INC-2026-0001"]
    assert "stale" not in doc and not text.startswith("Note:") and "may not include them" not in text
    assert again["stale"]["only_incidents"] is False
    assert again_text.startswith("Note: the knowledge base changed since its index was built")


def test_get_pattern_names_each_look_alike_by_its_title_and_what_tells_them_apart(tmp_path):
    """Found in review: get_pattern's text listed look-alikes as bare ids ("- retry-storm"), so a model had to
    call get_pattern again for each to compare them. Each line now has the look-alike's title and its
    distinguishing line, or says that none is written."""
    kb = small_kb(tmp_path / "kb")
    write(  # an incident linked to three patterns makes them look-alikes whatever the encoder
        kb,
        "incidents/2026/INC-2026-0003.md",
        "---\nid: INC-2026-0003\ntitle: All three\ndate: 2026-03-05\nseverity: sev3\n"
        "patterns: [disk-full, db-pool-exhausted, dns-failure]\n---\n\n## Summary\nAll at once.\n",
    )
    pattern = kb / "patterns/capacity/disk-full.md"
    distinguish = "\ndistinguish:\n  - {from: db-pool-exhausted, by: the pool metrics}\n---\n"
    pattern.write_text(pattern.read_text().replace("\n---\n", distinguish, 1))
    engine = Engine.open(kb, tmp_path / "i", model="fake:64", quiet=True)
    ((err, doc, text),) = calls(build_server(lambda: engine, stale_files=list), ("get_pattern", {"id": "disk-full"}))
    assert not err and {a["id"] for a in doc["look_alikes"]} >= {"db-pool-exhausted", "dns-failure"}
    lines = text.split("Look-alikes:\n")[1].splitlines()
    assert "- db-pool-exhausted (Database connection pool exhausted): told apart by the pool metrics" in lines
    assert "- dns-failure (DNS resolution failure): close in meaning; no line that tells them apart is written" in lines


def test_a_retried_record_says_the_severity_note_its_first_call_said(kb_dir, tmp_path):
    """Found in review: record_incident with severity P2 said "Note: severity P2 recorded as sev2", and the same call
    retried (its answer lost) answered "Already recorded" without it. The retry's answer says it too."""
    engine = Engine.open(kb_dir, tmp_path / "i", model="fake:64", quiet=True)
    given = {"title": "Disk full on db-3", "severity": "P2", "description": "disk full on the db host"}
    first, retry = calls(
        build_server(lambda: engine, stale_files=list, allow_writes=True),
        ("record_incident", given),
        ("record_incident", given),
    )
    note = "severity P2 recorded as sev2, the level of its number (as recur import reads a Priority field)"
    assert not first[0] and first[1]["severity_note"] == note and first[2].splitlines()[1] == f"Note: {note}."
    assert not retry[0] and retry[1]["already_recorded"] is True and retry[1]["id"] == first[1]["id"]
    assert retry[1]["severity_note"] == note and retry[2].splitlines()[1] == f"Note: {note}."
    assert retry[2].startswith("Already recorded today as ")


def test_a_server_started_where_there_is_no_kb_names_the_folders_and_the_working_directory(tmp_path, monkeypatch):
    """Found in review: `cd / && recur mcp` said "kb: no knowledge base folder (and no index at .recur/index)":
    not which folders were looked at, nor that relative paths are read from the working directory, which a
    desktop client starting the server makes / . `recur mcp` and `recur serve` now name the folders, the working
    directory and what to pass; absolute paths are named as they are."""
    from click.testing import CliRunner

    from recur.cli.main import cli

    monkeypatch.chdir(tmp_path)
    relative = ["--kb", "kb", "--index", ".recur/index", "--model", "fake:64"]
    absolute = ["--kb", str(tmp_path / "kb"), "--index", str(tmp_path / "i"), "--model", "fake:64"]
    for command in ("mcp", "serve"):
        r = CliRunner().invoke(cli, [command, *relative])
        assert r.exit_code == 1 and r.stderr.strip().splitlines()[-1].endswith(  # serve's is a log line
            f" kb: no knowledge base folder at {tmp_path / 'kb'}, and no index at {tmp_path / '.recur/index'} "
            f"(relative paths are read from the working directory, {tmp_path}); pass absolute --kb and --index paths "
            "(a desktop client or editor starts the server from a working directory of its own, often /)"
        ), r.stderr
        r = CliRunner().invoke(cli, [command, *absolute])
        assert r.exit_code == 1 and r.stderr.strip().splitlines()[-1].endswith(
            f" {tmp_path / 'kb'}: no knowledge base folder at {tmp_path / 'kb'}, and no index at {tmp_path / 'i'}"
        ), r.stderr


def test_near_misses_are_answered_with_what_was_meant(tmp_path):
    """Found in review: problem_report's owner "team-dat" listed the board's owners without naming team-data as
    the one meant; list_patterns severity "P1" listed none (the patterns' severities are sev1..sev4), where
    record_incident reads P1 as sev1; get_pattern id "" was "no pattern" where suggest_patterns' empty text is
    "must not be empty". Each now says it: a close owner named, P1 read as sev1 (and said), "" refused as empty."""
    from kbfactory import write_pattern

    kb = small_kb(tmp_path / "kb")
    for pid, severity in (("fix-one", "sev1"), ("fix-two", "sev3")):
        write_pattern(kb, pid, "storage", severity=severity, extra_front="fix: {status: open, owner: team-data}\n")
    engine = Engine.open(kb, tmp_path / "i", model="fake:64", quiet=True)
    owner, p1, p9, empty = calls(
        build_server(lambda: engine, stale_files=list),
        ("problem_report", {"owner": "team-dat", "as_of": "2026-06-01"}),
        ("list_patterns", {"severity": "P1"}),
        ("list_patterns", {"severity": "P9"}),
        ("get_pattern", {"id": "  "}),
    )
    assert not owner[0] and "'team-dat' owns nothing on this board (did you mean team-data?); its owners:" in owner[2]
    sev1 = sorted(d for d, doc in engine.docs.items() if doc["severity"] == "sev1")
    assert not p1[0] and [r["id"] for r in p1[1]["patterns"]] == sev1 and "fix-one" in sev1
    note = "severity P1 read as sev1, the level of its number (as record_incident reads it)"
    assert p1[1]["severity_note"] == note and p1[2].splitlines()[0] == f"1 pattern; {note}"
    assert not p9[0] and p9[1]["patterns"] == [] and "severity_note" not in p9[1]  # no level of its number
    assert empty[0] and empty[1]["error"]["code"] == "invalid_request"
    assert empty[2] == "id: must not be empty: give a pattern id, e.g. disk-full (see list_patterns)"


def test_a_holder_is_ready_once_its_first_look_at_the_kb_is_made(tmp_path):
    """Seen in CI: `ready` was set before the start-up look at the KB, so a look still walking the KB when a later
    one had finished overwrote its newer list of changed files with an older one (MCP's stale files lost the incident
    just added), and a first /healthz could say `stale: null` of a KB changed before the start. Ready now follows it."""
    from serve_util import holding

    kb = small_kb(tmp_path / "kb")
    engine = Engine.open(kb, tmp_path / "i", model="fake:64", quiet=True)
    write(kb, "incidents/2026/INC-2026-0099.md", NEW_INCIDENT)  # changed before the server starts
    holder = holding(engine)
    try:
        assert holder.kb_changed == ["incidents/2026/INC-2026-0099.md"] and holder.stale  # known when ready
    finally:
        holder.stop()
