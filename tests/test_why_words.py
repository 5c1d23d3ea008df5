"""A signal matched by most of its words (search.SIGNAL_MATCH "words"), not found whole, is never labelled
as one found whole: found in a responder's review, `why: signal "fatal error: runtime: out of memory"` for
a Go nil-pointer panic read as "your log holds an OOM". The terminal, MCP's text and an imported
incident's candidates say "most words of the signal"; the site's box is tested in test_serve_browser.py."""

import asyncio
import json
import os
import sys
from concurrent.futures import ThreadPoolExecutor

from kbfactory import pattern_text, write

from recur.ingest.importer import why_text as candidate_why

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
