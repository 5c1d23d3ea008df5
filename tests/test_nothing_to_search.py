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
from serve_util import alert_payload, fake_app, metric, run_async, running
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


def test_mcp_past_incidents_by_an_empty_fence_says_nothing_was_searched(served):
    """past_incidents reads its text as suggest_patterns does: an empty fence is searched for nothing, said so, with
    no verdict and no incidents listed, not "No known pattern matches this text"; a blank text is refused."""

    async def work():
        async with Client(served["base"] + "/mcp", read_timeout_seconds=60) as client:
            return [await client.call_tool("past_incidents", {"text": t}) for t in (" ", FENCE)]

    blank, fence = run_async(work())
    assert blank.is_error, blank.content[0].text
    assert not fence.is_error, fence.content[0].text
    assert fence.content[0].text == f"{NOTHING[:-1]}; so no linked incidents are listed", fence.content[0].text
    got = fence.structured_content
    assert (got["no_known_pattern"], got["patterns"], got["incidents"], got["query_note"]) == (
        None,
        [],
        [],
        NOTHING_LEFT,
    )


def test_the_webhook_answers_an_alert_with_nothing_to_search_as_the_api_does(served):
    """An alert whose text is empty (no alertname, no annotations) and one whose text is an empty fence get the
    same answer as /api/suggest's for an empty fence: no verdict (null), no results, the note saying why, and
    counted under /metrics' not_searched. Found in a re-read: the empty one said true without the engine and was
    not counted, the fence null; and a group of the fence alone said false, as if a known pattern matched (it said
    true before: the fence was searched as ""). No firing alert of such a group matches a known pattern."""

    def answers(**labels) -> float:
        return metric(httpx.get(served["base"] + "/metrics").text, "recur_suggest_answers_total", **labels)

    empty = {"labels": {"alertname": ""}}
    fenced = {"labels": {"alertname": ""}, "annotations": {"summary": FENCE}}
    disk = {"labels": {"alertname": "DiskFull"}, "annotations": {"summary": "No space left on device"}}
    before = answers(no_known_pattern="not_searched")
    url = served["base"] + "/api/alertmanager"
    group = httpx.post(url, json=alert_payload(empty, fenced), timeout=60).json()
    assert answers(no_known_pattern="not_searched") == before + 2
    for alert in group["alerts"]:
        assert (alert["no_known_pattern"], alert["results"], alert["query_note"]) == (None, [], NOTHING_LEFT), alert
        assert (alert["likelier"], alert["credible"], alert["corrected"]) == (None, 0, []), alert
    assert group["no_known_pattern"] is True, group  # none of its firing alerts matches a known pattern
    for alone in (empty, fenced):
        assert httpx.post(url, json=alert_payload(alone), timeout=60).json()["no_known_pattern"] is True
    mixed = httpx.post(url, json=alert_payload(fenced, disk), timeout=60).json()
    nothing, found = mixed["alerts"]
    assert nothing["no_known_pattern"] is None and found["no_known_pattern"] is False, mixed
    assert mixed["no_known_pattern"] is False  # the disk alert matches one


def test_recur_import_of_a_postmortem_with_nothing_to_search_drafts_no_pattern(run, kb_dir, tmp_path):
    """A postmortem whose parts searched read as nothing (no Summary nor Root cause, a title of emoji alone: the
    file's name) was said "No known pattern matches" and a draft pattern written for it, as if the KB had been
    searched (found in a re-read): the record is written, linking nothing, its verdict null, no draft."""
    pm = tmp_path / "🔥.md"
    pm.write_text(
        "Date: 2026-11-02\nSeverity: sev2\n\n## Timeline\n\n- 10:00 the pager went off and we looked at dashboards\n"
        "- 10:30 the on-call engineer restarted the database primary node\n- 11:00 traffic returned to normal\n"
    )
    before = sorted(p.name for p in (kb_dir / "patterns").rglob("*.md"))
    dry = run("import", "--dry-run", str(pm))
    assert dry.exit_code == 0 and "No known pattern" not in dry.stdout, dry.output
    assert f"Not linked (nothing searched: {NOTHING_LEFT}): it shows as needs analysis" in dry.stdout, dry.stdout
    out = run("import", "--json", str(pm))
    assert out.exit_code == 0, out.output
    got = json.loads(out.stdout)
    assert (got["no_known_pattern"], got["draft"], got["patterns"], got["candidates"]) == (None, None, [], []), got
    assert got["link"]["reason"] == f"nothing searched: {NOTHING_LEFT}", got["link"]
    assert sorted(p.name for p in (kb_dir / "patterns").rglob("*.md")) == before
    assert [p.stem for p in (kb_dir / "incidents").rglob(f"{got['incident']}.md")] == [got["incident"]]
