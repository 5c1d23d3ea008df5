"""The answer's ``no_known_pattern`` null (nothing searched: a pasted AWS SNS subscription confirmation) read as its own
case by every consumer of the verdict, not as false. Found in a re-read of the SNS fix: MCP's past_incidents said "No
pattern matches with medium or high confidence" of a text it never searched, `recur incident new -d -` and MCP's
record_incident recorded a confirmation as an incident (searched by its keys, token and URLs: "No known pattern
matches"), and /metrics counted it no_known_pattern="false", as if a pattern had matched. Fake encoder, made-up
accounts (test_sns_paste's)."""

from __future__ import annotations

import json

import httpx
import pytest
from kbfactory import small_kb
from mcp import Client
from serve_util import fake_app, metric, run_async, running
from test_mcp import in_process
from test_sns_paste import CONFIRMATION, CONFIRMED_SAID, NOTIFICATION, UNSUBSCRIBED

PASTES = [json.dumps(CONFIRMATION, indent=2), "```\n" + json.dumps(CONFIRMATION) + "\n```"]
REFUSED = (
    f"description: is {CONFIRMED_SAID}; no incident to record: nothing written. To record an incident about the "
    "subscription itself, say what happened in your own words (the pasted message may follow them)"
)


def _records(kb) -> list:
    return sorted(p.name for p in (kb / "incidents").rglob("INC-*.md"))


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    root = tmp_path_factory.mktemp("nullv")
    with running(fake_app(small_kb(root / "kb"), root)) as base:
        yield base


def test_past_incidents_by_a_text_not_searched_says_nothing_was_searched(served):
    """Its text refused first: the SDK reads a string that is JSON as the object it holds for an argument typed
    other than str alone (past_incidents' str | None), "text: Input should be a valid string" for any JSON paste."""

    async def work():
        async with Client(served + "/mcp", read_timeout_seconds=60) as client:
            texts = [*PASTES, json.dumps(NOTIFICATION, indent=2)]
            return [await client.call_tool("past_incidents", {"text": t}) for t in texts]

    *confirmations, notification = run_async(work())
    assert not notification.is_error, notification.content[0].text  # searched by its subject and message
    assert notification.structured_content["no_known_pattern"] in (True, False)
    assert "query_note" not in notification.structured_content
    for r in confirmations:
        assert not r.is_error, r.content[0].text
        said = r.content[0].text
        assert said == f"Nothing searched: {CONFIRMED_SAID}; so no linked incidents are listed", said
        got = r.structured_content
        assert (got["no_known_pattern"], got["patterns"], got["incidents"]) == (None, [], []), got
        assert got["query_note"] == CONFIRMED_SAID


def test_the_metrics_count_an_answer_not_searched_apart(served):
    def answers(**labels) -> float:
        return metric(httpx.get(served + "/metrics").text, "recur_suggest_answers_total", **labels)

    before = (answers(no_known_pattern="false"), answers(no_known_pattern="not_searched"))
    for text in [*PASTES, json.dumps(UNSUBSCRIBED)]:
        r = httpx.post(served + "/api/suggest", json={"text": text}, timeout=60)
        assert r.status_code == 200 and r.json()["no_known_pattern"] is None, r.text
    assert answers(no_known_pattern="false") == before[0]
    assert answers(no_known_pattern="not_searched") == before[1] + 3
    assert answers(confidence="none", no_known_pattern="not_searched") == before[1] + 3


def _record(kb, tmp_path, description: str):
    async def work():
        async with Client(in_process(kb, tmp_path / "index", allow_writes=True), read_timeout_seconds=60) as client:
            given = {"title": "checkout alarms", "severity": "sev3", "description": description}
            return await client.call_tool("record_incident", given)

    return run_async(work())


@pytest.mark.parametrize("text", [*PASTES, json.dumps(UNSUBSCRIBED)])
def test_record_incident_refuses_a_subscription_confirmation_as_no_incident(tmp_path, text):
    kb = small_kb(tmp_path / "kb")
    before = _records(kb)
    r = _record(kb, tmp_path, text)
    said = r.content[0].text
    assert r.is_error and REFUSED.split("; ")[1] in said and "description: is a pasted AWS SNS" in said, said
    if text in PASTES:
        assert REFUSED in said, said
    assert _records(kb) == before  # nothing written


def test_record_incident_records_words_of_ones_own_around_the_paste_and_a_notification(tmp_path):
    kb = small_kb(tmp_path / "kb")
    text = "We never confirmed the SNS subscription, so no alarm reached us:\n\n" + json.dumps(CONFIRMATION)
    for description in (text, json.dumps(NOTIFICATION, indent=2)):
        r = _record(kb, tmp_path, description)
        assert not r.is_error and r.content[0].text.startswith("Recorded INC-"), r.content[0].text
        assert r.structured_content["no_known_pattern"] in (True, False)
    assert len(_records(kb)) == 4  # small_kb's two, and these


def test_recur_incident_new_refuses_it_as_record_incident_does(run, kb_dir):
    before = _records(kb_dir)
    for text in PASTES:
        for extra in ([], ["--dry-run"], ["--json"]):
            r = run(
                "incident", "new", "-t", "checkout alarms", "-s", "sev3", "-d", "-", "--no-input", *extra, input=text
            )
            assert r.exit_code == 2, r.output
            assert f"Error: --{REFUSED}" in " ".join(r.stderr.split()), r.stderr
            assert "Traceback" not in r.output and r.stdout == ""
        r = run("incident", "new", "-t", "checkout alarms", "-s", "sev3", "-d", text, "--no-input")
        assert r.exit_code == 2 and "no incident to record: nothing written" in r.stderr, r.output
    assert _records(kb_dir) == before
    r = run("incident", "new", "-t", "alarms lost", "-s", "sev3", "-d", "Not confirmed: " + PASTES[0], "--no-input")
    assert r.exit_code == 0 and "Recorded INC-" in r.stdout, r.output


def test_an_optional_text_argument_that_is_json_text_is_read_as_the_text(tmp_path):
    """Found in a re-read: the SDK reads a string that is JSON as the value it holds for an argument typed other
    than str alone, so list_patterns {"tag": "null"} listed every pattern as the filtered answer (where GET
    /api/patterns?tag=null lists those tagged null), past_incidents {"pattern_id": "null"} said "give pattern_id or
    text", and an array's text was "Input should be a valid string" rather than the tool's own answer."""
    from kbfactory import write_pattern

    kb = small_kb(tmp_path / "kb")
    write_pattern(
        kb, "npe-storm", title="Null pointer storm", symptoms=("NullPointerException",), extra_front='tags: ["null"]'
    )
    calls = [
        ("list_patterns", {"tag": "null"}),
        ("list_patterns", {"service": '["checkout"]'}),
        ("list_patterns", {"cursor": "null"}),
        ("past_incidents", {"pattern_id": "null"}),
        ("problem_report", {"as_of": "null"}),
        ("problem_report", {"owner": '["team-db"]', "cursor": "[]"}),
    ]

    async def work():
        async with Client(in_process(kb, tmp_path / "index"), read_timeout_seconds=60) as client:
            return [await client.call_tool(name, given) for name, given in calls]

    tagged, service, cursor, pattern, as_of, board_cursor = run_async(work())
    assert [p["id"] for p in tagged.structured_content["patterns"]] == ["npe-storm"], tagged.content[0].text
    assert not service.is_error and service.structured_content["total"] == 0, service.content[0].text
    assert "no pattern has the service '[\"checkout\"]'" in service.content[0].text
    assert cursor.is_error and "cursor: 'null' is not a cursor this server gave" in cursor.content[0].text
    assert pattern.is_error and "no pattern with id 'null'" in pattern.content[0].text, pattern.content[0].text
    assert as_of.is_error and "as_of: 'null' is not a date" in as_of.content[0].text, as_of.content[0].text
    said = board_cursor.content[0].text
    assert board_cursor.is_error and "cursor: '[]' is not a cursor this server gave" in said, said


def test_recur_new_incident_refuses_it_as_its_summary(run, kb_dir):
    """Found in a re-read: `recur new incident --summary` wrote a subscription confirmation as an incident's Summary
    where `recur incident new -d` refuses it."""
    before = _records(kb_dir)
    r = run("new", "incident", "-t", "checkout alarms", "-s", "sev3", "--summary", PASTES[0], "--no-input")
    assert r.exit_code == 2 and f"Error: --summary: {REFUSED.split(': ', 1)[1]}" in " ".join(r.stderr.split()), r.output
    assert "Traceback" not in r.output and _records(kb_dir) == before
    r = run(
        "new", "incident", "-t", "alarms lost", "-s", "sev3", "--summary", "Not confirmed: " + PASTES[0], "--no-input"
    )
    assert r.exit_code == 0 and len(_records(kb_dir)) == len(before) + 1, r.output


def test_record_incident_says_in_tools_list_that_a_text_that_is_no_incident_is_refused(tmp_path):
    """Found in a review: record_incident refused a pasted SNS subscription confirmation (the tests above), but its
    description, what an assistant reads before calling it, did not say so: the refusal came as a surprise after
    the call. The tool's description and its description argument's say it, as tools/list gives them."""
    kb = small_kb(tmp_path / "kb")

    async def work():
        async with Client(in_process(kb, tmp_path / "index", allow_writes=True), read_timeout_seconds=60) as client:
            return {t.name: t for t in (await client.list_tools()).tools}["record_incident"]

    tool = run_async(work())
    assert "A description that is no incident (a pasted AWS SNS subscription or unsubscribe confirmation" in (
        tool.description
    ), tool.description
    assert "is refused and nothing is written" in tool.description.split("A description that is no incident")[1]
    argument = tool.input_schema["properties"]["description"]["description"]
    assert (
        "A text that is no incident (empty, or a pasted message that is no alert nor incident, such as an AWS SNS"
        in (argument)
    ), argument
    assert "subscription or unsubscribe confirmation) is refused and nothing is written" in argument, argument
