"""An AWS SNS message pasted as the query (`recur suggest`, /api/suggest, the site's box: retrieval.query.prepare and
its port, recur-query.js). Found in a responder's review: a Notification whose Message was text, and a
SubscriptionConfirmation, were searched as raw JSON, their keys, ARNs, signature and URLs most of the words (a
CloudWatch alarm in a Notification's Message was read already). A Notification is searched by its Subject and
Message (an alert of another system in its Message as that system's); a subscription or unsubscribe confirmation is
no alert: nothing is searched, no result is shown, and the note says what it is. Our own texts, made-up accounts."""

from __future__ import annotations

import json

import httpx
import pytest
from query_js import NODE
from serve_util import fake_app, running
from source_alerts import FREE_STORAGE, OPSGENIE
from test_browser_search import as_py, js_prepared

from recur.retrieval.query import prepare

TOPIC = "arn:aws:sns:ap-southeast-2:210987654321:checkout-oncall"
SIGNED = {
    "SignatureVersion": "1",
    "Signature": "q9ZtW2sXk1Lm0Pn8Rb7Vc6Yd5Fe4Gh3Jk2Lz1Xw0Vu9Ts8Rq7Po6Nm5Lk4Ji3Hg2Fe1Dc0Ba/+QwErTyUiOpAsDfGhJkLzXcVbNm==",
    "SigningCertURL": "https://sns.ap-southeast-2.amazonaws.com/SimpleNotificationService-9f8e7d6c5b4a.pem",
}
SUBJECT = "checkout-api 5xx above 4% for 10 minutes"
MESSAGE = "checkout-api returns 502 Bad Gateway to 6% of requests: upstream connect error, connection refused"
NOTIFICATION = {
    "Type": "Notification",
    "MessageId": "0b9c8d7e-6f5a-4b3c-9d2e-1f0a9b8c7d6e",
    "TopicArn": TOPIC,
    "Subject": SUBJECT,
    "Message": MESSAGE,
    "Timestamp": "2026-12-06T21:40:05.112Z",
    **SIGNED,
    "UnsubscribeURL": f"https://sns.ap-southeast-2.amazonaws.com/?Action=Unsubscribe&SubscriptionArn={TOPIC}:77aa",
}
CONFIRMATION = {
    "Type": "SubscriptionConfirmation",
    "MessageId": "3e4f5a6b-7c8d-4e9f-8a0b-1c2d3e4f5a6b",
    "Token": "8f2e4c6a0b1d3f5e7a9c2b4d6f8e0a1c3e5b7d9f2a4c6e8b0d1f3a5c7e9b2d4f6a8c0e1b3d5f7a9c",
    "TopicArn": TOPIC,
    "Message": f"You have chosen to subscribe to the topic {TOPIC}.\nTo confirm the subscription, visit the "
    "SubscribeURL included in this message.",
    "SubscribeURL": f"https://sns.ap-southeast-2.amazonaws.com/?Action=ConfirmSubscription&TopicArn={TOPIC}&Token=8f2e",
    "Timestamp": "2026-12-06T21:02:44.908Z",
    **SIGNED,
}
UNSUBSCRIBED = {**CONFIRMATION, "Type": "UnsubscribeConfirmation", "Message": f"You have unsubscribed from {TOPIC}."}
CONFIRMED_SAID = (
    "a pasted AWS SNS subscription confirmation for topic 'checkout-oncall', not an alert: nothing in it was searched "
    "(SNS sends it to confirm a subscription; the topic's alarms come as Notification messages)"
)


def lambda_event(message: dict) -> dict:
    """The message as a Lambda function subscribed to the topic gets it."""
    return {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "Sns": message}]}


def pastes() -> list[str]:
    """Each SNS message as pasted: pretty-printed, on one line, in a Lambda's event, in a code fence."""
    messages = [
        NOTIFICATION,
        {k: v for k, v in NOTIFICATION.items() if k != "Subject"},
        {**NOTIFICATION, "Message": json.dumps(FREE_STORAGE)},
        {**NOTIFICATION, "Subject": "opsgenie relay", "Message": json.dumps(OPSGENIE)},
        {**NOTIFICATION, "Message": json.dumps({"service": "checkout", "count": 3})},  # JSON that is no alert
        CONFIRMATION,
        UNSUBSCRIBED,
    ]
    texts = [json.dumps(m, indent=2) for m in messages] + [json.dumps(m) for m in messages]
    return texts + [json.dumps(lambda_event(NOTIFICATION)), "```json\n" + json.dumps(CONFIRMATION, indent=2) + "\n```"]


def test_a_notification_is_searched_by_its_subject_and_message():
    for message in (NOTIFICATION, lambda_event(NOTIFICATION)):
        p = prepare(json.dumps(message, indent=2))
        assert p.text == f"{SUBJECT}. {MESSAGE}", p.text
        assert p.note == f"a pasted AWS SNS notification: searched notification '{SUBJECT}' by its subject and message"
    p = prepare(json.dumps({k: v for k, v in NOTIFICATION.items() if k != "Subject"}))
    assert (p.text, p.note) == (
        MESSAGE,
        "a pasted AWS SNS notification: searched notification '(no Subject)' by its message",
    )
    for garbage in ("arn:", "Signature", "https://", "Token", "{"):
        assert garbage not in p.text


def test_a_notification_holding_another_systems_alert_is_read_as_that_alert():
    """A CloudWatch alarm (as before) and an Opsgenie alert relayed through SNS: read as pasted bare."""
    for alert in (FREE_STORAGE, OPSGENIE):
        bare = prepare(json.dumps(alert))
        relayed = prepare(json.dumps({**NOTIFICATION, "Message": json.dumps(alert)}))
        assert (relayed.text, relayed.note) == (bare.text, bare.note) and bare.note.startswith("a pasted "), bare.note


@pytest.mark.parametrize("message", [CONFIRMATION, UNSUBSCRIBED, lambda_event(CONFIRMATION)])
def test_a_subscription_message_is_no_alert_and_nothing_in_it_is_searched(message):
    p = prepare(json.dumps(message, indent=2))
    assert (p.text, p.chars) == ("", 0)
    what = "unsubscribe confirmation" if message is UNSUBSCRIBED else "subscription confirmation"
    assert p.note.startswith(f"a pasted AWS SNS {what} for topic 'checkout-oncall', not an alert: nothing in it"), (
        p.note
    )


def test_recur_suggest_says_nothing_was_searched_and_shows_no_pattern(run):
    out = run("suggest", "-", input=json.dumps(CONFIRMATION, indent=2))
    assert out.exit_code == 0, out.output
    assert out.stdout == f"Nothing searched: {CONFIRMED_SAID}.\n", out.stdout
    answer = json.loads(run("suggest", "--json", "-", input=json.dumps(CONFIRMATION)).stdout)
    assert (answer["query"], answer["results"], answer["query_note"]) == ("", [], CONFIRMED_SAID), answer
    answer = json.loads(run("suggest", "--json", "-", input=json.dumps(NOTIFICATION)).stdout)
    assert answer["query"] == f"{SUBJECT}. {MESSAGE}" and answer["results"], answer


def test_api_suggest_answers_a_pasted_subscription_message_with_no_result(kb_dir, tmp_path):
    with running(fake_app(kb_dir, tmp_path)) as base:
        r = httpx.post(base + "/api/suggest", json={"text": json.dumps(CONFIRMATION, indent=2)}, timeout=60)
        assert r.status_code == 200, r.text
        assert (r.json()["results"], r.json()["query_note"]) == ([], CONFIRMED_SAID), r.json()
        r = httpx.post(base + "/api/suggest", json={"text": json.dumps(NOTIFICATION)}, timeout=60)
        assert r.json()["query"] == f"{SUBJECT}. {MESSAGE}" and r.json()["results"], r.json()


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_pages_query_reads_sns_messages_as_query_py(tmp_path):
    texts = pastes()
    js = js_prepared(tmp_path, texts)
    for text, j in zip(texts, js):
        assert j == as_py(text), text[:300]
    assert [j[0] == "" for j in js] == ([False] * 5 + [True] * 2) * 2 + [False, True], [j[0][:40] for j in js]
