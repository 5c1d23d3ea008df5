"""A vote (POST /api/feedback) naming an incident's id for its pattern. The board and `recur report` list incidents
by id, and a vote on `INC-2026-0001` was "no pattern with id 'inc-2026-0001' in the index", the id lowered, naming
nothing to vote on, where MCP's get_pattern says it is an incident record and what it links (found in review). The
vote is told so, in MCP's words (serve.served_kb.incident_said), in the API's one error shape, with the pattern to
name instead; nothing is recorded."""

from __future__ import annotations

import shutil

import httpx
import pytest
from kbfactory import small_kb, write
from mcp import Client
from serve_util import fake_app, fake_index, run_async, running

FRONT = "title: T\ndate: 2026-05-01\nseverity: sev2\n"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("vote-incident")
    kb = small_kb(root / "kb")
    path = kb / "patterns/deploys/old-retired.md"
    path.write_text(path.read_text().replace("status: retired\n", "status: retired\nsuperseded_by: disk-full\n"))
    write(kb, "incidents/2026/PAY-482.md", f"---\nid: PAY-482\n{FRONT}patterns: [old-retired]\n---\n\n## Summary\nS\n")
    fake_index(kb, root / "index")
    with running(fake_app(kb, root, feedback_per_minute=0)) as base:
        yield {"base": base, "feedback": root / "fb.jsonl"}


def _vote(served, pattern: str) -> httpx.Response:
    return httpx.post(served["base"] + "/api/feedback", json={"query": "q", "pattern": pattern, "useful": True})


@pytest.mark.parametrize(
    "given, said",
    [
        (
            "INC-2026-0001",
            "'INC-2026-0001' is an incident record (incidents/2026/INC-2026-0001.md), not a pattern: it links "
            'db-pool-exhausted: a vote names the pattern, "pattern": "db-pool-exhausted"; `recur show INC-2026-0001` '
            "prints it",
        ),
        (
            "inc-2026-0002",
            "'INC-2026-0002' is an incident record (incidents/2026/INC-2026-0002.md), not a pattern: it links no "
            "pattern yet (needs analysis), so there is no pattern to vote on; `recur show INC-2026-0002` prints it",
        ),
        (
            "pay-482",
            "'PAY-482' is an incident record (incidents/2026/PAY-482.md), not a pattern: it links old-retired (retired; "
            'superseded by disk-full): a vote names the pattern, "pattern": "disk-full"; `recur show PAY-482` prints it',
        ),
    ],
)
def test_a_vote_naming_an_incident_says_it_is_one_and_what_to_vote_on(served, given, said):
    before = served["feedback"].read_text() if served["feedback"].exists() else ""
    r = _vote(served, given)
    assert (r.status_code, r.json()) == (404, {"error": {"code": "pattern_not_found", "message": said}}), r.text
    assert (served["feedback"].read_text() if served["feedback"].exists() else "") == before  # nothing recorded


def test_a_vote_and_mcp_say_an_incident_record_in_the_same_words(served):
    async def get_pattern():
        async with Client(served["base"] + "/mcp", read_timeout_seconds=60) as client:
            return (await client.call_tool("get_pattern", {"id": "INC-2026-0001"})).content[0].text

    head = "'INC-2026-0001' is an incident record (incidents/2026/INC-2026-0001.md), not a pattern: "
    by_mcp, by_vote = run_async(get_pattern()), _vote(served, "INC-2026-0001").json()["error"]["message"]
    assert by_mcp.startswith(head) and by_vote.startswith(head), (by_mcp, by_vote)
    assert "(it links db-pool-exhausted)" in by_mcp and "it links db-pool-exhausted:" in by_vote


def test_an_id_no_record_has_is_still_no_pattern(served):
    r = _vote(served, "INC-2026-0099")
    assert r.json()["error"]["message"] == "no pattern with id 'inc-2026-0099' in the index", r.text


@pytest.fixture(scope="module")
def index_only(tmp_path_factory):
    """A server answering from its index alone: the KB it was built from is gone (an index-only deployment)."""
    root = tmp_path_factory.mktemp("vote-incident-index-only")
    kb = small_kb(root / "kb")
    fake_index(kb, root / "index")
    shutil.rmtree(kb)
    with running(fake_app(kb, root, feedback_per_minute=0)) as base:
        yield {"base": base, "feedback": root / "fb.jsonl"}


@pytest.mark.parametrize("given", ["INC-2026-0001", "inc-2026-0001"])
def test_an_index_only_server_says_a_vote_names_an_incident_the_index_lists(index_only, given):
    """With no KB folder the record's file cannot be read, and the vote was "no pattern with id 'inc-2026-0001' in the
    index", the id lowered, naming nothing to vote on (found in a re-read): the index lists the incident under the
    pattern it links, and the vote is told so."""
    r = _vote(index_only, given)
    said = (
        "'INC-2026-0001' is an incident record (listed in the index), not a pattern: it links db-pool-exhausted: a "
        'vote names the pattern, "pattern": "db-pool-exhausted"; `recur show INC-2026-0001` prints it where the KB is'
    )
    assert (r.status_code, r.json()) == (404, {"error": {"code": "pattern_not_found", "message": said}}), r.text
    assert not index_only["feedback"].exists()  # nothing recorded
    unknown = _vote(index_only, "INC-2026-0099").json()["error"]["message"]
    assert unknown == "no pattern with id 'inc-2026-0099' in the index"
