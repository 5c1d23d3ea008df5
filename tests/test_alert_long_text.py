"""An alert whose annotation is longer than what is searched (MAX_QUERY_CHARS) is read as a pasted text is:
condensed by retrieval.query.prepare, not cut at its end first, and query_note says what was left out.

Found in review: the webhook cut an alert's text at 20,000 characters before the log in it was read, so a 30 KB
Java stack trace ending in ``Caused by: ...PSQLException: FATAL: sorry, too many clients already`` was searched
by its frames alone ("no known pattern", query_note null), where `recur suggest -` on the same description left
the repeated frames out and ranked the pool pattern first."""

from __future__ import annotations

import json

import httpx
import pytest
from kbfactory import small_kb
from serve_util import alert_payload, fake_app, running

from recur.retrieval.alerts import PastedAlert, alert_text
from recur.retrieval.query import MAX_PASTE_CHARS, MAX_QUERY_CHARS, prepare

SIGNAL = "FATAL: sorry, too many clients already"  # small_kb's db-pool-exhausted signal
FRAMES = [f"\tat com.acme.checkout.Step{i}.run(Step{i}.java:{i + 10})\n" for i in range(700)]
# of each run of frames (700 under the exception, 3 under its cause) the first is kept, where it was thrown
LEFT_OUT = f"{len(FRAMES) - 1 + 3 - 1:,} repeated stack-frame lines ('at ...', '... N more') left out"


def stack_trace() -> str:
    """A Java trace whose root cause, the pattern's signal, comes after more than MAX_QUERY_CHARS of frames."""
    cause = f"Caused by: org.postgresql.util.PSQLException: {SIGNAL}\n"
    return "java.lang.IllegalStateException: checkout step failed\n" + "".join(FRAMES) + cause + "".join(FRAMES[:3])


def alert(fp: str, **annotations) -> dict:
    labels = {"alertname": "CheckoutFailing", "service": "checkout", "severity": "page"}
    return {"labels": labels, "annotations": annotations, "fingerprint": fp}


def text_of(sent: dict) -> str:
    """The text the webhook reads of an alert it was sent (the answer's ``query`` is the text searched)."""
    return alert_text(PastedAlert(labels=sent["labels"], annotations=sent["annotations"]))


def long_summary() -> str:
    """One line: a list of pods longer than what is searched, the pattern's signal at its end."""
    pods = ", ".join(f"checkout-7f9c-{i}" for i in range(2000))
    return f"Checkout requests fail on pods {pods}: {SIGNAL}"


def json_line() -> str:
    """A log record on one line, longer than what is searched: its message first, then a long stack field."""
    record = {
        "level": "error",
        "msg": "payment call failed",
        "error": "pq: sorry, too many clients",
        "stack": "x" * 30_000,
    }
    return "Error sample: " + json.dumps(record)


def huge_log() -> str:
    """A log of 1,300,000 characters, more than is read of an alert's text (MAX_PASTE_CHARS), its error line first."""
    lines = [f"2026-12-05T10:00:00Z ERROR checkout: {SIGNAL}"]
    lines += [f"2026-12-05T10:00:{i % 60:02d}Z INFO worker-{i % 17} processed batch {i} ok" for i in range(22_000)]
    text = "\n".join(lines)
    assert 1_250_000 < len(text) < 1_400_000
    return text


@pytest.fixture(scope="module")
def answered(tmp_path_factory):
    """The webhook's answer to the three long alerts, over small_kb with the fake encoder."""
    root = tmp_path_factory.mktemp("long")
    body = alert_payload(
        alert("stack", summary="checkout requests fail", description=stack_trace()),
        alert("summary", summary=long_summary()),
        alert("json", summary="checkout requests fail", description=json_line()),
        alert("resolved", summary="checkout requests fail", description=stack_trace()),
        alert("huge", summary="checkout requests fail", description=huge_log()),
    )
    next(a for a in body["alerts"] if a["fingerprint"] == "resolved")["status"] = "resolved"
    with running(fake_app(small_kb(root / "kb"), root)) as base:
        r = httpx.post(base + "/api/alertmanager", json=body, timeout=60)
    assert r.status_code == 200, r.text
    sent = {a["fingerprint"]: text_of(a) for a in body["alerts"]}
    return {a["fingerprint"]: {**a, "text": sent[a["fingerprint"]]} for a in r.json()["alerts"]}


def test_a_long_stack_trace_in_a_description_is_read_to_its_root_cause(answered):
    assert len(stack_trace().split(SIGNAL)[0]) > MAX_QUERY_CHARS  # the signal is past what is searched
    a = answered["stack"]
    assert a["results"][0]["id"] == "db-pool-exhausted" and a["no_known_pattern"] is False, a["results"][:2]
    assert a["query_note"] == (
        f"the text is {len(a['text']):,} characters, over the {MAX_QUERY_CHARS:,} searched: {LEFT_OUT}"
    )


def test_a_long_summary_keeps_the_signal_at_its_end(answered):
    a = answered["summary"]
    assert a["results"][0]["id"] == "db-pool-exhausted", a["results"][:2]
    assert a["query_note"].startswith(f"the text is {len(a['text']):,} characters, over the {MAX_QUERY_CHARS:,}")
    assert "characters left out of its middle" in a["query_note"]


def test_a_one_line_json_log_over_the_limit_says_what_was_cut(answered):
    a = answered["json"]
    cut = prepare(a["text"])
    assert 'msg": "payment call failed' in cut.text and cut.text.endswith('"}. service checkout')
    assert a["query"] == cut.text  # the text searched, as /api/suggest's query
    assert a["query_note"] == (
        f"the text is {len(a['text']):,} characters, over the {MAX_QUERY_CHARS:,} searched: "
        f"{len(a['text']) - len(cut.text):,} characters left out of its middle (its start and end are searched, "
        "and the Caused by / ERROR / FATAL / Exception lines between)"
    )


def test_the_answers_query_is_the_text_searched_not_the_whole_alert(answered):
    """Found in review: since the webhook read an alert's text whole (up to 1,000,000 characters) it echoed it
    whole in ``query``: 19 alerts of 200 KB answered 3.95 MB with ?brief=true, which docs/api.md bounds.
    ``query`` is the text searched, as /api/suggest's; an alert not searched (resolved) has its text cut."""
    for a in answered.values():
        assert len(a["query"]) <= MAX_QUERY_CHARS < len(a["text"]), (a["fingerprint"], len(a["query"]))
    stack = answered["stack"]
    assert stack["query"] == prepare(stack["text"]).text and f"PSQLException: {SIGNAL}" in stack["query"]
    resolved = answered["resolved"]
    assert resolved["resolved"] is True and resolved["query"] == resolved["text"][:MAX_QUERY_CHARS]


def test_an_alert_text_over_what_is_read_is_cut_at_a_line_end_and_said(answered):
    """Found in review: an alert's text over MAX_PASTE_CHARS was cut mid-line, its last line's fragment searched as
    a line, and query_note did not say that 300,000 characters were not read. It is cut at the end of a line and
    said, in the words `recur suggest -` uses for stdin over the limit."""
    a = answered["huge"]
    kept = a["text"].rfind("\n", 0, MAX_PASTE_CHARS + 1)  # the last whole line within what is read
    assert 0 < kept < MAX_PASTE_CHARS
    assert a["query_note"].startswith(
        f"the alert's text holds more than {MAX_PASTE_CHARS:,} characters; reading its first {kept:,} "
        f"(the rest, {len(a['text']) - kept:,} characters, is not read); searched the 1 error line of a "
    ), a["query_note"]
    assert a["results"][0]["id"] == "db-pool-exhausted" and SIGNAL in a["query"]


def test_a_pasted_alert_with_a_long_description_is_condensed_as_the_webhook_condenses_it():
    """`recur suggest -`, MCP, Slack and /api/suggest read a pasted payload's alert by the same alert_query."""
    p = prepare(json.dumps(alert_payload(alert("stack", summary="checkout requests fail", description=stack_trace()))))
    assert p.text.startswith("CheckoutFailing. checkout requests fail. service checkout\n")
    assert f"PSQLException: {SIGNAL}" in p.text and len(p.text) <= MAX_QUERY_CHARS
    assert p.note.endswith(f"the text is {p.chars:,} characters, over the {MAX_QUERY_CHARS:,} searched: {LEFT_OUT}")
