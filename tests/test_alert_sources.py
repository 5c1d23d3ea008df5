"""A pasted alert of another alerting system (recur.retrieval.alert_sources): an AWS CloudWatch alarm through
SNS, a Datadog, PagerDuty v3 or Opsgenie webhook, read by the fields its docs define on every surface
(retrieval.query.prepare). Found in review: pasted raw, each was searched as JSON, keys, ARNs, ids and URLs
too; on the starter KB a CloudWatch "FreeStorageSpace low" alarm got disk-full 9th (p 0.003) under "no
known pattern", a PagerDuty incident "certificate has expired" tls-certificate-expired at p 0.04."""

from __future__ import annotations

import copy
import json

import httpx
import pytest
from procs import python_guarded
from serve_util import running
from source_alerts import CASES, DATADOG, DATADOG_CUSTOM, FREE_STORAGE, OPSGENIE, PAGERDUTY, described, eventbridge, sns

from recur.retrieval.query import MAX_QUERY_CHARS, prepare


@pytest.mark.parametrize("name, payload, query, note, pattern", CASES, ids=[c[0] for c in CASES])
def test_a_pasted_alert_of_another_system_is_searched_by_its_fields(name, payload, query, note, pattern):
    """Its name, description and what it measured, not its JSON: the note says which system's alert was read."""
    for text in (json.dumps(payload), json.dumps(payload, indent=2)):
        p = prepare(text)
        assert (p.text, p.note) == (query, note), text[:200]
        assert "https://" not in p.text and "{" not in p.text


def test_an_alarm_from_lambda_eventbridge_or_describe_alarms_is_read_as_from_sns():
    """The alarm as a Lambda subscribed to the topic gets it (Records[0].Sns), its JSON alone, EventBridge's
    state change event, and `aws cloudwatch describe-alarms` (its alarm in ALARM, not the OK one listed first)."""
    want = prepare(json.dumps(sns(FREE_STORAGE)))
    lambda_event = {"Records": [{"EventSource": "aws:sns", "EventVersion": "1.0", "Sns": sns(FREE_STORAGE)}]}
    for payload in (lambda_event, FREE_STORAGE, eventbridge(FREE_STORAGE), described(FREE_STORAGE)):
        text = json.dumps(payload, indent=2)
        assert (prepare(text).text, prepare(text).note) == (want.text, want.note), text[:300]


@pytest.mark.parametrize(
    "payload",
    [
        sns(
            {
                **FREE_STORAGE,
                "NewStateValue": "INSUFFICIENT_DATA",
                "NewStateReason": "Insufficient Data: 1 datapoint was unknown.",
            }
        ),
        eventbridge(
            {
                **FREE_STORAGE,
                "NewStateValue": "INSUFFICIENT_DATA",
                "NewStateReason": "Insufficient Data: 1 datapoint was unknown.",
            }
        ),
        {**DATADOG, "title": "[No Data on {host:db-7}] Disk space low on database hosts"},
    ],
    ids=["cloudwatch", "eventbridge", "datadog"],
)
def test_an_alert_whose_metric_had_no_data_is_searched_as_missing_data_not_as_its_condition(payload):
    """CloudWatch's INSUFFICIENT_DATA and Datadog's No Data: the condition was not evaluated, as with Grafana's
    DatasourceNoData. Searched by its name, the disk of an alarm with no data was taken for full (disk-full
    first, p 0.32 on the starter KB)."""
    p = prepare(json.dumps(payload))
    assert p.text.startswith("no data from data source") and "storage" not in p.text.lower(), p.text
    assert "Disk" not in p.text and "by its state alone: its condition was not evaluated (it did not fire)" in p.note


def _with(payload: dict, path: tuple, value) -> dict:
    out = copy.deepcopy(payload)
    node = out
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return out


@pytest.mark.parametrize(
    "payload, said",
    [
        (
            sns({**FREE_STORAGE, "NewStateValue": "OK"}),
            "alarm 'orders-db FreeStorageSpace low', resolved (state OK) by",
        ),
        (
            {**FREE_STORAGE, "NewStateValue": "INSUFFICIENT_DATA"},
            "alarm 'orders-db FreeStorageSpace low', not firing (state INSUFFICIENT_DATA) by its state alone",
        ),
        (
            {**DATADOG, "title": "[Recovered on {host:db-7}] Disk space low on database hosts"},
            "alert 'Disk space low on database hosts', resolved (Recovered) by",
        ),
        (
            {**DATADOG, "alert_transition": "Re-No Data"},
            "alert 'Disk space low on database hosts', not firing (No Data) by",
        ),
        (_with(PAGERDUTY, ("event", "data", "status"), "resolved"), "expired', resolved by its title"),
        ({**OPSGENIE, "action": "Close"}, "alert 'Kafka consumer group order-fulfilment lagging', closed by"),
    ],
    ids=["cloudwatch-ok", "cloudwatch-insufficient", "datadog-recovered", "datadog-no-data", "pagerduty", "opsgenie"],
)
def test_an_alert_that_is_not_firing_is_said_to_be_so(payload, said):
    """A responder who pastes a recovered alarm is told so; it is searched all the same."""
    p = prepare(json.dumps(payload))
    assert said in p.note and "{" not in p.text, p.note
    assert p.text.startswith(("no data from data source", "orders-db", "Disk", "TLS", "Kafka")), p.text


@pytest.mark.parametrize(
    "payload, said",
    [
        (sns({**FREE_STORAGE, "AlarmName": "\u200b"}), "alarm '(no alarm name)' by its name"),
        ({**FREE_STORAGE, "AlarmName": "\ufeff", "NewStateValue": "INSUFFICIENT_DATA"}, "alarm '(no alarm name)', not"),
        ({**DATADOG, "alert_title": "\u200b"}, "alert 'Disk space low on database hosts' by"),  # $EVENT_TITLE's
        ({**DATADOG, "title": "[Triggered on {host:db-7}] \x1b[0m\u2060"}, "alert '(no title)' by its title"),
        (_with(PAGERDUTY, ("event", "data", "title"), "\u200b"), "incident '(no title)' by its title"),
        (_with(OPSGENIE, ("alert", "message"), "\u200d\u00a0"), "alert '(no message)' by its message"),
    ],
    ids=["cloudwatch", "cloudwatch-insufficient", "datadog-alert-title", "datadog", "pagerduty", "opsgenie"],
)
def test_an_alert_named_by_invisible_characters_alone_is_said_to_have_no_name(payload, said):
    """As query._alertname says "(no alertname)" for Alertmanager's (has_text): a name of U+200B alone was said
    as the alert's name ("searched alarm '\u200b'"). Its other fields are searched as before."""
    p = prepare(json.dumps(payload))
    assert said in p.note and "\u200b" not in p.note + p.text and "{" not in p.text, p.note
    assert p.text.startswith(("Free storage", "no data from data source", "Disk", "service Payments", "Consumer")), (
        p.text
    )


def _named(payload: dict, path: tuple, name: str) -> dict:
    """``payload`` with the field at ``path`` (an alarm's own, or its SNS envelope's Message) set to ``name``."""
    if path[0] == "Message":
        return sns({**FREE_STORAGE, path[1]: name})
    return _with(payload, path, name)


# each system's payload and the path of the field naming its alert (tests/test_alert_source_names.py adds more)
NAMED_BY = [
    (None, ("Message", "AlarmName")),  # a CloudWatch alarm through SNS
    ({**FREE_STORAGE, "NewStateValue": "INSUFFICIENT_DATA"}, ("AlarmName",)),
    (eventbridge(FREE_STORAGE), ("detail", "alarmName")),
    (DATADOG, ("title",)),
    (DATADOG_CUSTOM, ("alert_title",)),
    (PAGERDUTY, ("event", "data", "title")),
    (OPSGENIE, ("alert", "message")),
]
NAMED_BY_IDS = ["cloudwatch", "cloudwatch-insufficient", "eventbridge", "datadog", "datadog-alert-title"]
NAMED_BY_IDS += ["pagerduty", "opsgenie"]


@pytest.mark.parametrize("payload, path", NAMED_BY, ids=NAMED_BY_IDS)
def test_an_alert_whose_name_is_empty_is_read_by_its_other_fields(payload, path):
    """A name of "" (or blanks) is one that shows nothing, as U+200B alone is: read by its other fields, the note
    saying "(no <field>)". Before, an empty name made it no alert of that system, its JSON searched as pasted
    (keys, ids and URLs), while a name of U+200B alone was read."""
    invisible = prepare(json.dumps(_named(payload, path, "\u200b")))
    for name in ("", "  "):
        p = prepare(json.dumps(_named(payload, path, name)))
        assert (p.text, p.note) == (invisible.text, invisible.note), (name, p.note)
        assert p.note.startswith("a pasted ") and "(no " in p.note and "{" not in p.text, p.note


@pytest.mark.parametrize(
    "payload",
    [
        {"title": "Quarterly report", "body": "disk full"},  # no Datadog variable besides
        {"event": {"event_type": "incident.triggered", "data": {"id": "Q1"}}},  # an incident with no title
        {"event": {"event_type": "deploy.finished", "data": {"title": "v2"}}},
        {"Type": "Notification", "Message": "disk full on db-7"},  # an SNS message that is no alarm
        {"Type": "Notification", "Message": json.dumps({"AlarmName": "x"})},  # no state, no trigger
        {"action": "Create", "alert": {"alertId": "a1"}},  # no message
        {"Records": [{"Sns": {"Type": "Notification", "Message": "[]"}}]},
        {"AlarmName": "   ", "NewStateValue": "ALARM"},
    ],
)
def test_other_json_is_searched_as_it_was_pasted(payload):
    text = json.dumps(payload)
    p = prepare(text)
    assert (p.text, p.note) == (text, None)


def test_an_alert_of_no_system_prepare_reads_keeps_the_alertmanager_reading():
    """Alertmanager's and Grafana's payloads are read first, as before: a Grafana payload has a "title" too."""
    grafana = {
        "version": "1",
        "title": "[FIRING:1] DiskFull",
        "org": {},
        "alerts": [{"labels": {"alertname": "DiskFull"}}],
    }
    assert prepare(json.dumps(grafana)).note.startswith("a pasted alert: searched alert 'DiskFull' by its name")


@pytest.mark.model
def test_each_pasted_alert_finds_its_pattern_on_the_shipped_kb(real_engine):
    """Measured before this reading: disk-full 9th (p 0.003) for the CloudWatch alarm, tls-certificate-expired
    first at p 0.04 for the PagerDuty incident, both "no known pattern"; now each first, none that answer."""
    for name, payload, _, _, pattern in CASES:
        answer = real_engine.answer(json.dumps(payload, indent=2), top=5).to_json()
        assert answer["results"][0]["id"] == pattern, (name, [r["id"] for r in answer["results"]])
        assert answer["no_known_pattern"] is False, name
    # no data: nothing is known to have failed (searched by its name: disk-full first, p 0.32)
    no_data = {
        **FREE_STORAGE,
        "NewStateValue": "INSUFFICIENT_DATA",
        "NewStateReason": "Insufficient Data: 1 datapoint was unknown.",
    }
    assert real_engine.answer(json.dumps(sns(no_data)), top=5).no_known_pattern is True


@pytest.mark.model
def test_api_suggest_reads_a_cloudwatch_alarm_from_sns(tmp_path, real_engine):
    """/api/suggest (the site's box, MCP and Slack through the same prepare) with the real model: the alarm's
    fields are searched, the query_note says so, and it ranks as the same words typed."""
    from recur.serve import create_app

    paste = json.dumps(sns(FREE_STORAGE), indent=2)
    app = create_app(lambda: real_engine, feedback_path=tmp_path / "f.jsonl")
    with running(app) as base:
        r = httpx.post(base + "/api/suggest", json={"text": paste, "top": 3}, timeout=60)
        assert r.status_code == 200, r.text
        api = r.json()
        typed = httpx.post(base + "/api/suggest", json={"text": api["query"], "top": 3}, timeout=60).json()
    assert api["query"] == CASES[0][2] and api["query_note"] == CASES[0][3]
    assert api["results"][0]["id"] == "disk-full" and api["no_known_pattern"] is False
    assert api["results"] == typed["results"] and typed["query_note"] is None


def test_datapoints_and_links_are_taken_out_as_their_patterns_say():
    """A state reason's bracketed datapoints and a Datadog message's links are read by a scanner, not by the
    patterns they are written as (DATAPOINTS, LINK: quadratic on a run of "[" or "(", see the next test). It
    reads every text as they do: each short text of their characters, exhaustively."""
    from itertools import product

    from recur.retrieval.alert_sources import DATAPOINTS, LINK, _without_datapoints
    from recur.util.text import replace_links

    for n in range(7):
        for chars in product("[]() \ta\n" if n < 6 else "[]()a", repeat=n):
            text = "".join(chars)
            assert _without_datapoints(text) == DATAPOINTS.sub("", text), repr(text)
            line = text.replace("\n", "")
            assert replace_links(line) == LINK.sub(r"\1", line), repr(line)
            assert replace_links(line, label=False) == LINK.sub("", line), repr(line)


def test_a_pasted_alert_of_unclosed_brackets_is_read_in_linear_time():
    """A CloudWatch state reason or a Datadog message of 300,000 unclosed "(" or "[" (`recur suggest -` reads a
    million characters): read as regexes, each one was read to the line's end again, 100,000 took 40 s and
    these would take minutes. Run in a process of its own, whose 60 s timeout is a guard against a hang, not a
    measure of speed: the scanners read these in well under a second."""
    reason, body = "(" * 300_000, "[" * 150_000 + "[a](" * 40_000
    cloudwatch = json.dumps(sns({**FREE_STORAGE, "NewStateReason": "Threshold Crossed " + reason}))
    datadog = json.dumps({**DATADOG, "body": body})
    code = (
        "import json, sys\nfrom recur.retrieval.query import prepare\n"
        "print(json.dumps([prepare(t).text for t in json.load(sys.stdin)]))"
    )
    run = python_guarded(code, stdin=json.dumps([cloudwatch, datadog]))
    assert run.returncode == 0, run.stderr
    said = json.loads(run.stdout)
    # nothing closes them: kept, as the patterns keep them (the query read whole, then condensed to what is
    # searched, its start kept: retrieval.query's HEAD_SHARE of it)
    assert said[0].startswith(FREE_STORAGE["AlarmName"]) and "Threshold Crossed " + reason[:5_000] in said[0]
    assert said[1].startswith("Disk space low on database hosts") and body[:5_000] in said[1]
    assert all(len(s) <= MAX_QUERY_CHARS for s in said)
