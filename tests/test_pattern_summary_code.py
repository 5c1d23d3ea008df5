"""A pattern's Summary holding a fenced code block (a pasted log): its lines kept, as an incident's are
(retrieval.patterns.summary_text), in `recur show ID`, its --json, a suggestion's result and the API."""

from __future__ import annotations

import json

import httpx
import pytest
from kbfactory import FENCED_LOG, FENCED_LOG_LINES, small_kb, write_pattern
from query_js import NODE
from serve_util import fake_app, running

SUMMARY = f"""fluent-bit crash-loops when its buffer's disk fills,
see [the alert](https://alerts.example/x). The log says:

{FENCED_LOG}

df -h shows `41%` used;
it is the inodes."""

LINES = [
    "fluent-bit crash-loops when its buffer's disk fills, see the alert. The log says:",
    "",
    *FENCED_LOG_LINES,
    "",
    "df -h shows 41% used; it is the inodes.",
]


def pasted_log_pattern(kb_dir):
    write_pattern(
        kb_dir,
        "fluent-bit-buffer-full",
        "logging",
        title="fluent-bit buffer disk full",
        symptoms=("fluent-bit crash-loops", "chunk write failed"),
        signals=("[error] [storage] chunk write failed",),
        summary=SUMMARY,
    )


def _shown(run) -> None:
    lines = run("show", "fluent-bit-buffer-full").stdout.splitlines()
    assert LINES[0] in lines, lines
    at = lines.index(LINES[0])
    assert lines[at : at + len(LINES)] == LINES, lines
    assert json.loads(run("show", "fluent-bit-buffer-full", "--json").stdout)["summary"] == "\n".join(LINES)


def test_recur_show_keeps_a_summarys_log_lines_from_the_kb_and_from_the_index(run, kb_dir):
    """Found in a re-read: `recur show` printed the pattern's summary as one line, the log's entries run together,
    and its --json the same, read from the KB's files or from the index's docs.json (format 7 stored it flat)."""
    pasted_log_pattern(kb_dir)
    _shown(run)  # no index yet: read from the KB's files
    assert run("index").exit_code == 0
    _shown(run)  # the index is fresh: read from its docs.json


def test_a_suggestions_result_keeps_the_summarys_log_lines(run, kb_dir):
    pasted_log_pattern(kb_dir)
    res = run("suggest", "--json", "fluent-bit chunk write failed")
    assert res.exit_code == 0, res.output
    (hit,) = [r for r in json.loads(res.stdout)["results"] if r["id"] == "fluent-bit-buffer-full"]
    assert hit["summary"] == "\n".join(LINES)


def test_the_api_keeps_a_summarys_log_lines(tmp_path):
    """GET /api/patterns/{id} and POST /api/suggest on a real uvicorn server: the summary as `recur show --json`
    gives it, its JSON string holding the newlines."""
    kb = small_kb(tmp_path / "kb")
    pasted_log_pattern(kb)
    with running(fake_app(kb, tmp_path)) as base:
        doc = httpx.get(f"{base}/api/patterns/fluent-bit-buffer-full", timeout=30).json()
        found = httpx.post(f"{base}/api/suggest", json={"text": "fluent-bit chunk write failed"}, timeout=30).json()
    assert doc["summary"] == "\n".join(LINES)
    (hit,) = [r for r in found["results"] if r["id"] == "fluent-bit-buffer-full"]
    assert hit["summary"] == "\n".join(LINES)


def test_a_summary_without_a_code_block_is_one_line_as_before(run, kb_dir):
    write_pattern(kb_dir, "two-paragraphs", summary="Writes fail\nfor a while.\n\nThen `df -h` shows [it](x).")
    out = json.loads(run("show", "two-paragraphs", "--json").stdout)
    assert out["summary"] == "Writes fail for a while. Then df -h shows it."


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_browser_ranker_gives_the_summary_as_recur_suggest_does(kb_dir, tmp_path, browser_runtime):
    """The site's in-browser search (ranker.js over the bundle's index.json) passes the summary through: its
    result's summary the server's, newlines and all, and the ranking unchanged by them."""
    from test_browser_search import ranked_in_browser

    from recur.kb.loader import load_kb
    from recur.retrieval import embed
    from recur.retrieval import index as index_mod
    from recur.retrieval.engine import Engine
    from recur.site import bundle

    pasted_log_pattern(kb_dir)
    index_mod.build(load_kb(kb_dir), tmp_path / "index", embed.FakeEncoder(64), progress=False)
    engine = Engine(kb_dir, tmp_path / "index", "fake:64")
    data, blob = bundle.index_data(engine.searcher.index)
    (tmp_path / "index.bin").write_bytes(blob)
    texts = ["fluent-bit chunk write failed", "disk full"]
    js = ranked_in_browser(tmp_path, engine, data, texts)
    py = [a.to_json() for a in engine.answer_many(texts)]
    assert [[(r["id"], r["summary"]) for r in a["results"]] for a in js] == [
        [(r["id"], r["summary"]) for r in a["results"]] for a in py
    ]
    (hit,) = [r for r in js[0]["results"] if r["id"] == "fluent-bit-buffer-full"]
    assert hit["summary"] == "\n".join(LINES)
