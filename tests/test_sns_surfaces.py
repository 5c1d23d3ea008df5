"""A pasted AWS SNS subscription confirmation on every suggestion surface (test_sns_paste reads the paste itself).
Found in a re-read: `recur suggest` said "Nothing searched: …", but MCP's suggest_patterns and Slack's reply said the
note, then "No known pattern matches: record the incident", Slack with the confirmation's JSON as the record
command's description, and the API's no_known_pattern was true. Nothing was searched: every surface says so, and
no_known_pattern is null (the key kept), as the webhook's for an alert not searched. Fake encoder, made-up accounts."""

from __future__ import annotations

import json

import httpx
import pytest
from mcp import Client
from query_js import NODE, run_query_js
from serve_util import fake_app, run_async, running
from test_slack import SECRET, slash
from test_sns_paste import CONFIRMATION, CONFIRMED_SAID, NOTIFICATION, UNSUBSCRIBED

NOTHING = f"Nothing searched: {CONFIRMED_SAID}."
PASTES = [json.dumps(CONFIRMATION, indent=2), "```\n" + json.dumps(CONFIRMATION) + "\n```"]


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from kbfactory import small_kb

    root = tmp_path_factory.mktemp("sns")
    app = fake_app(small_kb(root / "kb"), root, slack_signing_secret=SECRET)
    with running(app) as base:
        yield {"base": base}


def api(served, text: str) -> dict:
    r = httpx.post(served["base"] + "/api/suggest", json={"text": text}, timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


@pytest.mark.parametrize("text", PASTES)
def test_the_api_says_nothing_was_searched_with_no_verdict(served, text):
    got = api(served, text)
    assert (got["query"], got["results"], got["query_note"]) == ("", [], CONFIRMED_SAID), got
    assert "no_known_pattern" in got and got["no_known_pattern"] is None, got
    assert api(served, json.dumps(NOTIFICATION))["no_known_pattern"] in (True, False)  # searched: a verdict


def test_mcp_suggest_patterns_says_nothing_was_searched_as_the_terminal_does(served):
    async def work():
        async with Client(served["base"] + "/mcp", read_timeout_seconds=60) as client:
            return [await client.call_tool("suggest_patterns", {"text": t}) for t in PASTES]

    for text, r in zip(PASTES, run_async(work())):
        assert not r.is_error and r.content[0].text == NOTHING, r.content[0].text
        assert r.structured_content == {k: v for k, v in api(served, text).items() if k != "stale"}


@pytest.mark.parametrize("text", PASTES)
def test_slack_says_nothing_was_searched_and_proposes_no_record(served, text):
    reply = slash(served, text).json()
    assert reply["text"] == f"Recur: {NOTHING}", reply["text"]
    said = reply["blocks"][0]["text"]["text"]
    assert said == NOTHING, said
    assert "no_known_pattern" in reply and reply["no_known_pattern"] is None
    assert len(reply["blocks"]) == 1 and "recur incident new" not in json.dumps(reply)


def test_recur_suggest_json_and_a_batch_line_carry_no_verdict(run, tmp_path):
    answer = json.loads(run("suggest", "--json", "-", input=json.dumps(UNSUBSCRIBED)).stdout)
    assert answer["results"] == [] and "no_known_pattern" in answer and answer["no_known_pattern"] is None
    batch = tmp_path / "q.jsonl"
    lines = [{"query": json.dumps(CONFIRMATION), "n": 1}, {"query": json.dumps(NOTIFICATION), "n": 2}]
    batch.write_text("".join(json.dumps(x) + "\n" for x in lines))
    out = [json.loads(x) for x in run("suggest", "--queries", str(batch)).stdout.splitlines()]
    assert [(x["n"], x["no_known_pattern"] is None, x["query_note"]) for x in out][0] == (1, True, CONFIRMED_SAID)
    assert out[1]["no_known_pattern"] in (True, False) and out[1]["results"], out[1]


# an Alertmanager payload relayed by SNS (an SNS receiver's Lambda, a team's own relay): its JSON was searched as the
# notification's message, keys and all, where a CloudWatch alarm or an Opsgenie alert in it was read as that alert
RELAYED = {
    "version": "4",
    "status": "firing",
    "alerts": [
        {
            "status": "firing",
            "labels": {"alertname": "NodeFilesystemAlmostOutOfSpace", "instance": "node-7", "severity": "critical"},
            "annotations": {"summary": "Filesystem on /var has less than 3% space left"},
        }
    ],
}


def relaying() -> list[str]:
    """A Notification relaying RELAYED, bare and in a Lambda's event; then SNS messages after a byte order mark."""
    from test_sns_paste import lambda_event

    notification = {**NOTIFICATION, "Subject": "alertmanager", "Message": json.dumps(RELAYED)}
    return [json.dumps(notification, indent=2), json.dumps(lambda_event(notification))]


def test_a_notification_relaying_an_alertmanager_payload_is_read_as_that_payload():
    from recur.retrieval.query import prepare

    bare = prepare(json.dumps(RELAYED))
    assert bare.text == "NodeFilesystemAlmostOutOfSpace. Filesystem on /var has less than 3% space left", bare.text
    for text in relaying():
        p = prepare(text)
        assert (p.text, p.note, p.alert) == (bare.text, bare.note, bare.alert), (p.text, p.note)


BOM = "\ufeff"


@pytest.mark.parametrize("message", [NOTIFICATION, CONFIRMATION])
def test_a_byte_order_mark_before_a_pasted_sns_message_is_no_part_of_it(served, message):
    """A file saved with a byte order mark, its text sent as /api/suggest's: its JSON was searched whole (`recur
    suggest -` drops one from stdin), MCP's and Slack's alike."""
    from recur.retrieval.query import prepare

    plain = prepare(json.dumps(message, indent=2))
    for text in (BOM + json.dumps(message, indent=2), f"{BOM}\n\n   {json.dumps(message)}\n\n \t"):
        p = prepare(text)
        assert (p.text, p.note) == (plain.text, plain.note), p.text[:80]
        assert api(served, text)["query_note"] == plain.note


def test_a_notification_with_no_subject_is_titled_by_its_message(run):
    """SNS sends many notifications with a null Subject: the command recording it was titled "(no Subject)"."""
    from test_sns_paste import MESSAGE

    from recur.ingest.pasted_log import record_title
    from recur.retrieval.query import prepare

    for subject in (None, "", "\u200b"):
        text = json.dumps({**NOTIFICATION, "Subject": subject}, indent=2)
        p = prepare(text)
        assert (p.alert, record_title(p, text)) == (
            "",
            "checkout-api returns 502 Bad Gateway to 6% of requests: upstream connect error…",
        )
        assert p.note == "a pasted AWS SNS notification: searched notification '(no Subject)' by its message"
    out = run("suggest", "-", input=json.dumps({**NOTIFICATION, "Subject": None}, indent=2)).stdout
    assert (
        "recur incident new -t 'checkout-api returns 502 Bad Gateway to 6% of requests: upstream connect error…'" in out
    ), out
    assert "(no Subject)'" not in out and MESSAGE.startswith("checkout-api returns 502")


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_pages_query_reads_them_as_query_py(tmp_path):
    from recur.retrieval.query import prepare

    texts = [*relaying(), BOM + json.dumps(CONFIRMATION), f"{BOM} \n{json.dumps(NOTIFICATION)}"]
    texts += [json.dumps({**NOTIFICATION, "Subject": None}), json.dumps({**NOTIFICATION, "Subject": "\u200b"})]
    body = "return input.map((t) => { const p = q.prepare(t); return [p.text, q.note(p), p.alert, p.not_alert]; });"
    for text, got in zip(texts, run_query_js(tmp_path, body, texts)):
        p = prepare(text)
        assert got == [p.text, p.note or "", p.alert, p.not_alert], text[:200]
