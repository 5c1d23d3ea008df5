"""A signal matched by most of its words (search.SIGNAL_MATCH "words"), not found whole, is never labelled
as one found whole: found in a responder's review, `why: signal "fatal error: runtime: out of memory"` for
a Go nil-pointer panic read as "your log holds an OOM". The terminal, MCP's text and an imported
incident's candidates say "most words of the signal"; the site's box is tested in test_serve_browser.py.
And a signal that negates is matched by its words only in a text that negates too."""

import asyncio
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest
from kbfactory import pattern_text, write

from recur.ingest.importer import stored_why as candidate_why

SIGNAL = "Scratch volume ran dry"
# every word of SIGNAL, not the signal: a dry run that went fine
SOME_WORDS = "dry run of the nightly scratch job: volume ran fine"
WHOLE = "worker log: Scratch volume ran dry at 03:00"


def _kb(kb_dir):
    write(kb_dir, "patterns/capacity/scratch-out.md", pattern_text("scratch-out", signals=[SIGNAL]))


def _signal_why(run, text: str) -> dict:
    res = run("suggest", "--json", "--top", "10", text)
    assert res.exit_code == 0, res.output
    (r,) = [r for r in json.loads(res.stdout)["results"] if r["id"] == "scratch-out"]
    (w,) = [w for w in r["why"] if w["field"] == "signal" and w["text"] == SIGNAL]
    return r, w


def test_the_terminal_says_most_words_of_a_signal_found_by_its_words_and_signal_of_one_found_whole(run, kb_dir):
    _kb(kb_dir)
    _, w = _signal_why(run, SOME_WORDS)
    assert w["match"] == "words", w  # what this case is for
    out = run("suggest", "--top", "10", SOME_WORDS).stdout
    assert f"why: most words of the signal “{SIGNAL}”" in out, out
    assert f"why: signal “{SIGNAL}”" not in out, out
    _, w = _signal_why(run, WHOLE)
    assert w["match"] == "exact", w
    assert f"why: signal “{SIGNAL}”" in run("suggest", "--top", "10", WHOLE).stdout


def test_an_imported_incidents_candidates_say_it_too(run, kb_dir):
    """The candidates `recur import` and `recur incident new` store: "signal: …" before, whatever matched."""
    _kb(kb_dir)
    r, _ = _signal_why(run, SOME_WORDS)
    said = candidate_why(r)
    assert f"most words of the signal: {SIGNAL}" in said, said
    assert not said.startswith("signal:") and "; signal:" not in said, said
    r, _ = _signal_why(run, WHOLE)
    assert candidate_why(r).startswith(f"signal: {SIGNAL}"), candidate_why(r)


def test_mcp_suggest_text_says_most_words_of_the_signal(kb_dir, tmp_path):
    """Through `recur mcp` on stdio with the MCP SDK's client, as an assistant reads it."""
    from mcp import Client, StdioServerParameters

    _kb(kb_dir)
    server = StdioServerParameters(
        command=sys.executable,
        env=dict(os.environ),
        args=["-m", "recur", "mcp", "--kb", str(kb_dir), "--index", str(tmp_path / "index"), "--model", "fake:64"],
    )

    async def ask() -> str:
        async with Client(server, read_timeout_seconds=120) as client:
            res = await client.call_tool("suggest_patterns", {"text": SOME_WORDS, "top": 10})
            assert not res.is_error, res.content
            return res.content[0].text

    # in a thread of its own, as test_mcp.run_async: the session's Chromium may hold the main thread's loop
    with ThreadPoolExecutor(1) as pool:
        text = pool.submit(asyncio.run, ask()).result()
    assert f"most words of the signal “{SIGNAL}”" in text, text
    assert f"why: signal “{SIGNAL}”" not in text and f"; signal “{SIGNAL}”" not in text, text


NEGATING = "Queue consumer could not acquire the partition lease"


def _signal_matches(run, text: str) -> list:
    res = run("suggest", "--json", "--top", "10", text)
    assert res.exit_code == 0, res.output
    return [
        w
        for r in json.loads(res.stdout)["results"]
        for w in r["why"]
        if w["field"] == "signal" and w["text"] == NEGATING and w["match"] != "meaning"
    ]


def test_a_signal_that_negates_is_matched_by_its_words_only_in_a_text_that_negates(run, kb_dir):
    """Its words without its "not" say the opposite (util.text.NEGATIONS are stop words, not counted)."""
    write(kb_dir, "patterns/capacity/lease-stuck.md", pattern_text("lease-stuck", signals=[NEGATING]))
    assert _signal_matches(run, "queue consumer did acquire the partition lease on retry") == []
    for text in (
        "queue consumer cannot acquire a partition lease",
        "partition lease: the queue consumer couldn't acquire it",
        "partition lease: the queue consumer can\u2019t acquire it",  # typographic: "can", "t" (NEGATED_NT)
        "the queue consumer never acquired... no partition lease acquire",
    ):
        assert [w["match"] for w in _signal_matches(run, text)] == ["words"], text
    # found whole, a signal is matched as before
    assert [w["match"] for w in _signal_matches(run, f"{NEGATING} (attempt 3)")] == ["exact"]


@pytest.mark.model
def test_the_words_of_a_negating_signal_in_a_text_that_says_the_opposite_do_not_rate_it_high(real_engine):
    """The shipped KB, the real model: inode-exhaustion's `No space left on device` was matched by its words
    in a text saying there is space left, and that match alone rated it high (0.81; 0.66 without it)."""
    answer = real_engine.answer("disk check: 40G of space left on device /data, writes are fine", top=5)
    (r,) = [r for r in answer.results if r["id"] == "inode-exhaustion"]
    assert [w for w in r["why"] if w["field"] == "signal" and w["match"] != "meaning"] == [], r["why"]
    assert r["confidence"] != "high", r
    negated = real_engine.answer("disk check: no space left on the device /data, writes fail", top=5)
    (r,) = [r for r in negated.results if r["id"] == "inode-exhaustion"]
    assert [w["match"] for w in r["why"] if w["field"] == "signal" and w["match"] != "meaning"] == ["words"]
