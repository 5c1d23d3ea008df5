"""AWS SNS posting to the webhook (/api/alertmanager) as SNS posts to an HTTP(S) subscription: its JSON envelope sent
as "text/plain; charset=UTF-8" with x-amz-sns-message-type. A notification (a CloudWatch alarm in its Message) and a
subscription confirmation are each a 422 in the one JSON error shape that says what it is and what to do; the
confirmation is never confirmed (its SubscribeURL never fetched). Against a real uvicorn server (fake:64 encoder)."""

from __future__ import annotations

import json
import logging
import select

import httpx
import pytest
from kbfactory import small_kb
from serve_util import fake_app, free_socket, running

TOPIC = "arn:aws:sns:us-east-1:123456789012:recur-alarms"
ALARM = {
    "AlarmName": "orders-db FreeStorageSpace low",
    "AlarmDescription": "No space left on device on the orders database volume",
    "NewStateValue": "ALARM",
    "NewStateReason": "Threshold Crossed: 1 out of the last 1 datapoints [8.2E9 (01/03/26 14:05:00)] was less than the "
    "threshold (1.0E10).",
    "Trigger": {"Namespace": "AWS/RDS", "MetricName": "FreeStorageSpace"},
}
SIGNED = {"SignatureVersion": "1", "Signature": "c2ln", "SigningCertURL": "https://sns.us-east-1.amazonaws.com/x.pem"}
NOTIFICATION = {
    "Type": "Notification",
    "MessageId": "5b6f1b1c-0000-4000-8000-000000000001",
    "TopicArn": TOPIC,
    "Subject": 'ALARM: "orders-db FreeStorageSpace low" in US East (N. Virginia)',
    "Message": json.dumps(ALARM),
    "Timestamp": "2026-03-01T14:05:01.000Z",
    **SIGNED,
    "UnsubscribeURL": "https://sns.us-east-1.amazonaws.com/?Action=Unsubscribe&SubscriptionArn=x",
}


def confirmation(kind: str, subscribe_url: str) -> dict:
    return {
        "Type": kind,
        "MessageId": "5b6f1b1c-0000-4000-8000-000000000002",
        "Token": "2336412f37fb687f5d51e6e2425c464de",
        "TopicArn": TOPIC,
        "Message": f"You have chosen to subscribe to the topic {TOPIC}.\nTo confirm the subscription, visit the "
        "SubscribeURL included in this message.",
        "SubscribeURL": subscribe_url,
        "Timestamp": "2026-03-01T14:00:00.000Z",
        **SIGNED,
    }


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("sns")
    with running(fake_app(small_kb(root / "kb"), root)) as url:
        yield url


def sns_post(
    base: str, body: dict, content_type: str = "text/plain; charset=UTF-8", path: str = "/api/alertmanager"
) -> httpx.Response:
    """As SNS posts to an HTTP(S) endpoint: its headers, the envelope as text/plain."""
    headers = {
        "content-type": content_type,
        "x-amz-sns-message-type": body["Type"],
        "x-amz-sns-message-id": body["MessageId"],
        "x-amz-sns-topic-arn": TOPIC,
        "user-agent": "Amazon Simple Notification Service Agent",
    }
    return httpx.post(base + path, content=json.dumps(body), headers=headers, timeout=60)


def the_error(r: httpx.Response, status: int, code: str) -> str:
    assert r.status_code == status and r.headers["content-type"].startswith("application/json"), (r.status_code, r.text)
    body = r.json()
    assert set(body) == {"error"} and body["error"]["code"] == code, body
    return body["error"]["message"]


@pytest.mark.parametrize("content_type", ["text/plain; charset=UTF-8", "application/json"])
def test_an_sns_notification_says_what_it_is_and_the_relay_to_use(base, content_type):
    """Found in review: SNS's delivery was "415 send the body as application/json" (SNS sends text/plain), and as
    JSON "an AWS CloudWatch alarm's JSON ... send it to /api/suggest", where SNS reads no answer."""
    said = the_error(sns_post(base, NOTIFICATION, content_type), 422, "invalid_request")
    assert "AWS SNS notification" in said and TOPIC in said and "AWS CloudWatch alarm" in said, said
    assert "/api/suggest" in said and "relay" in said, said
    # what the relay sends: the notification as text, its alarm read from the Message
    r = httpx.post(base + "/api/suggest", json={"text": json.dumps(NOTIFICATION)}, timeout=60)
    assert r.status_code == 200 and "AWS CloudWatch alarm" in r.json()["query_note"], r.json()["query_note"]
    assert r.json()["results"][0]["id"] == "disk-full", r.json()["results"][0]


@pytest.mark.parametrize("kind", ["SubscriptionConfirmation", "UnsubscribeConfirmation"])
def test_an_sns_subscription_confirmation_is_not_confirmed(base, kind, caplog):
    """Confirming is a GET of the SubscribeURL the body names: never done by the server (anyone able to post here
    could name any URL); the answer and the server's log say what it was and what to do instead."""
    listener = free_socket()
    listener.listen(4)
    try:
        url = f"http://127.0.0.1:{listener.getsockname()[1]}/?Action=ConfirmSubscription&Token=t"
        with caplog.at_level(logging.WARNING, logger="recur.serve"):
            said = the_error(sns_post(base, confirmation(kind, url)), 422, "invalid_request")
        assert "does not confirm" in said and TOPIC in said and "relay" in said, said
        assert httpx.get(base + "/healthz", timeout=60).status_code == 200
        fetched, _, _ = select.select([listener], [], [], 0)
        assert not fetched, "the server fetched the SubscribeURL"
    finally:
        listener.close()


def test_the_first_sns_confirmation_of_a_minute_is_logged(base, caplog, monkeypatch):
    """An operator who subscribed the webhook's URL looks in the server's log: the first refusal in a minute is
    there, the others counted (any client can post one)."""
    from recur.serve import bodies

    monkeypatch.setattr(bodies, "_SNS_SAID", None)  # this process's earlier tests may have said one this minute
    with caplog.at_level(logging.WARNING, logger="recur.serve"):
        for _ in range(3):
            sns_post(base, confirmation("SubscriptionConfirmation", "https://sns.us-east-1.amazonaws.com/?x=1"))
    logged = [r.getMessage() for r in caplog.records if r.name == "recur.serve" and "AWS SNS" in r.getMessage()]
    assert len(logged) == 1 and TOPIC in logged[0] and "does not confirm" in logged[0], logged


def test_text_plain_without_sns_headers_is_still_the_415(base):
    r = httpx.post(
        base + "/api/alertmanager", content=json.dumps(NOTIFICATION), headers={"content-type": "text/plain"}, timeout=60
    )
    assert "application/json" in the_error(r, 415, "unsupported_media_type")


def test_a_text_plain_body_from_sns_that_is_no_json_is_bad_json(base):
    """Read as JSON because SNS said it sent it: one that is not is the usual 400, not a 500."""
    headers = {"content-type": "text/plain; charset=UTF-8", "x-amz-sns-message-type": "Notification"}
    r = httpx.post(base + "/api/alertmanager", content=b"not json {", headers=headers, timeout=60)
    assert the_error(r, 400, "bad_json")


def test_the_next_sns_line_counts_the_ones_not_logged_since_the_last(base, caplog, monkeypatch):
    """The count the next line gives is of those since the last line said, which may be an hour old: it read "(2 more
    in the last minute not logged)", as no other throttled line of the log words it (applog.Throttle.before)."""
    from recur.serve import applog, bodies

    now = [0.0]
    monkeypatch.setattr(bodies, "_SNS_SAID", applog.Throttle(clock=lambda: now[0]))  # a clock an hour can pass on
    post = lambda: sns_post(base, confirmation("SubscriptionConfirmation", "https://sns.us-east-1.amazonaws.com/"))  # noqa: E731
    with caplog.at_level(logging.WARNING, logger="recur.serve"):
        for _ in range(3):
            post()
        now[0] += 3600
        post()
    logged = [r.getMessage() for r in caplog.records if r.name == "recur.serve" and "AWS SNS" in r.getMessage()]
    assert len(logged) == 2 and logged[1].endswith(" (2 more since the last such line)"), logged


@pytest.mark.parametrize("path, takes", [("/api/suggest", "text, top"), ("/api/feedback", "query, pattern, useful")])
def test_an_sns_message_posted_to_another_route_says_what_it_is(base, caplog, monkeypatch, path, takes):
    """Found in a review: SNS subscribed to /api/suggest (the relay's target, in the docs) or /api/feedback got
    "unknown key(s) in the request body: Message, MessageId, ..., TopicArn, Type", no word of SNS, and its
    confirmation nothing in the log; the answer and the log say what it is, as the webhook's do."""
    from recur.serve import bodies

    monkeypatch.setattr(bodies, "_SNS_SAID", None)
    confirm = confirmation("SubscriptionConfirmation", "https://sns.example/")
    with caplog.at_level(logging.WARNING, logger="recur.serve"):
        said = the_error(sns_post(base, confirm, path=path), 422, "invalid_request")
        assert "AWS SNS subscription confirmation" in said and "does not confirm" in said and takes in said, said
        said = the_error(sns_post(base, NOTIFICATION, path=path), 422, "invalid_request")
        assert "AWS SNS notification" in said and "relay" in said and takes in said, said
    logged = [r.getMessage() for r in caplog.records if r.name == "recur.serve" and "AWS SNS" in r.getMessage()]
    assert len(logged) == 1 and logged[0].startswith(f"POST {path} refused: "), logged
