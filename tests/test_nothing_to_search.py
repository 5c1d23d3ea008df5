"""A text with nothing to search once read: ``engine.answer("")``, white space, and an empty code fence ("```json\\n```"),
which every surface takes as text (it shows characters) and the engine reads as "". Found in a review: the library
answered each no_known_pattern true with the closest patterns, and the surfaces "No known pattern matches: record
the incident"; nothing was searched, so the answer has no verdict (null) and its query_note says why, as for a pasted
SNS subscription confirmation (test_sns_surfaces). A text that shows nothing at all is still refused where it was
(usage error, 422, MCP's and Slack's refusals). Fake encoder."""

from __future__ import annotations

import json

import httpx
import pytest
from mcp import Client
from serve_util import fake_app, run_async, running
from test_slack import SECRET, slash

from recur.retrieval.query import NOTHING_LEFT

FENCE = "```json\n```"  # a code block pasted with nothing in it
NOTHING = f"Nothing searched: {NOTHING_LEFT}."


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from kbfactory import small_kb

    root = tmp_path_factory.mktemp("empty")
    app = fake_app(small_kb(root / "kb"), root, slack_signing_secret=SECRET)
    with running(app) as base:
        yield {"base": base}


def _not_searched(answer: dict) -> None:
    assert "no_known_pattern" in answer and answer["no_known_pattern"] is None, answer
    assert (answer["results"], answer["query_note"], answer["likelier"], answer["meant"]) == (
        [],
        NOTHING_LEFT,
        None,
        [],
    )


def test_the_library_answers_a_text_with_nothing_to_search_with_no_verdict(kb_dir, tmp_path):
    from recur.retrieval.engine import Engine

    engine = Engine.open(kb_dir, tmp_path / "index", "fake:64")
    texts = ["", "   \n\t", FENCE, "``````", "No space left on device on the db host"]
    *empty, searched = engine.answer_many(texts, top=3)
    for answer in [*empty, engine.answer("")]:
        _not_searched(answer.to_json())
    assert searched.no_known_pattern is False and searched.results[0]["id"] == "disk-full", searched.to_json()


def test_recur_suggest_refuses_no_text_and_says_nothing_was_searched_of_an_empty_fence(run, tmp_path):
    assert run("suggest", "").exit_code == 2  # a usage error, as before
    out = run("suggest", FENCE)
    assert out.exit_code == 0 and out.stdout == NOTHING + "\n", out.output
    _not_searched(json.loads(run("suggest", "--json", FENCE).stdout))
    batch = tmp_path / "q.jsonl"
    batch.write_text(json.dumps({"query": FENCE, "n": 1}) + "\n\n" + json.dumps({"query": "disk full", "n": 2}) + "\n")
    first, second = (json.loads(x) for x in run("suggest", "--queries", str(batch)).stdout.splitlines())  # "" skipped
    _not_searched(first)
    assert first["n"] == 1 and second["n"] == 2 and second["no_known_pattern"] in (True, False), second
    batch.write_text(json.dumps({"query": " "}) + "\n")
    refused = run("suggest", "--queries", str(batch))  # an empty query: an error naming its line, as before
    assert refused.exit_code != 0 and f"{batch}:1: query:" in refused.output, refused.output


def test_the_api_refuses_no_text_and_answers_an_empty_fence_with_no_verdict(served):
    r = httpx.post(served["base"] + "/api/suggest", json={"text": " "}, timeout=60)
    assert r.status_code == 422, r.text
    r = httpx.post(served["base"] + "/api/suggest", json={"text": FENCE}, timeout=60)
    assert r.status_code == 200, r.text
    _not_searched(r.json())


def test_mcp_suggest_patterns_refuses_no_text_and_says_nothing_was_searched(served):
    async def work():
        async with Client(served["base"] + "/mcp", read_timeout_seconds=60) as client:
            return [await client.call_tool("suggest_patterns", {"text": t}) for t in (" ", FENCE)]

    blank, fence = run_async(work())
    assert blank.is_error, blank.content[0].text
    assert not fence.is_error and fence.content[0].text == NOTHING, fence.content[0].text
    _not_searched(fence.structured_content)


def test_slack_answers_its_usage_for_no_text_and_an_empty_fence(served):
    """Slack reads a command's text without its fences first (slack._command_text): an empty fence is no text there,
    answered with the usage as before, not searched."""
    for text in (" ", FENCE):
        reply = slash(served, text).json()
        assert reply["text"].startswith("Usage: `/recur") and "no_known_pattern" not in reply, reply
