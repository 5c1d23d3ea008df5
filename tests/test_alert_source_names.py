"""Whether a pasted alert had a name is carried beside the name the note shows, not read back from that text: of
another system (recur.retrieval.alert_sources), AlertName.given; of Alertmanager or Grafana, query.Prepared.alert ""
for none. Found in review: SourceAlert.named matched the shown name against "(no <field>)", so an alert a team named
"(no data)" or "(no alerts)" was taken for one with no name, and `recur suggest`, Slack and the site's box titled
the command recording it by its query, not by its name; pasted_log.record_title did the same with "(no alertname)".
Fake encoder, the small KB; the payloads are tests/source_alerts.py's, each system's own shape."""

from __future__ import annotations

import json

import pytest
import test_alert_sources
from query_js import NODE, run_query_js
from serve_util import fake_app, running
from source_alerts import AZURE, FREE_STORAGE, GOOGLE, OPSGENIE, sns
from test_alert_sources import _named, _with
from test_browser_search import run_record_js
from test_slack import SECRET, _record_command, slash

from recur.ingest.pasted_log import TITLE_CHARS, record_title
from recur.kb.incident_record import incident_command
from recur.retrieval.query import prepare
from recur.util.text import cut_words

# names a team may give an alert that read like the note's "(no <field>)" for one with none
LIKE_NONE = ["(no data)", "(no alerts)", "(no title)"]
# each system's payload and the path of the field naming its alert
NAMED_BY = [*test_alert_sources.NAMED_BY, (AZURE, ("data", "essentials", "alertRule"))]
NAMED_BY += [(GOOGLE, ("incident", "policy_name"))]
IDS = [*test_alert_sources.NAMED_BY_IDS, "azure", "google"]
# an Opsgenie alert no pattern of the small KB answers: its record command is proposed
PRINTER = _with(OPSGENIE, ("alert", "description"), "printer on floor three jams on every job since the toner swap")
PRINTER = _with(PRINTER, ("alert", "tags"), [])
PRINTER = _with(PRINTER, ("alert", "details"), {})


def alertmanager(name: str | None) -> dict:
    """An Alertmanager webhook payload (as Grafana's has it too) whose alert is named ``name`` (None: no alertname)."""
    labels = {"severity": "page"} | ({"alertname": name} if name is not None else {})
    summary = "printer on floor three jams on every job since the toner swap"
    alert = {"status": "firing", "labels": labels, "annotations": {"summary": summary}}
    return {"version": "4", "status": "firing", "receiver": "recur", "alerts": [alert]}


@pytest.mark.parametrize("payload, path", NAMED_BY, ids=IDS)
def test_an_alert_named_like_the_note_says_none_is_named_and_one_with_none_is_not(payload, path):
    for name in LIKE_NONE:
        text = json.dumps(_named(payload, path, name), indent=2)
        p = prepare(text)
        assert (p.alert, record_title(p, text)) == (name, name), (name, p.alert, p.note)
        assert f"'{name}'" in p.note, p.note
    for name in ("", "\u200b"):  # none: titled by what was searched, the note saying "(no <field>)"
        text = json.dumps(_named(payload, path, name), indent=2)
        p = prepare(text)
        assert (p.alert, record_title(p, text)) == ("", cut_words(p.text, TITLE_CHARS)), (name, p.note)
        assert "'(no " in p.note, p.note


@pytest.mark.parametrize("name", ["(no alertname)", *LIKE_NONE])
def test_an_alertmanager_alert_named_like_the_note_says_none_is_named(name):
    for text in (json.dumps(alertmanager(name)), json.dumps(alertmanager(name), indent=2)):
        p = prepare(text)
        assert (p.alert, record_title(p, text)) == (name, name), (p.alert, p.note)
        assert p.note.startswith(f"a pasted alert: searched alert '{name}' by its name"), p.note
    for unnamed in (None, "", "\u200b"):  # none: the note says "(no alertname)", the title is not the name
        text = json.dumps(alertmanager(unnamed))
        p = prepare(text)
        assert p.alert == "" and p.note.startswith("a pasted alert: searched alert '(no alertname)' by"), p.note


def test_an_alertmanager_alert_with_no_name_is_titled_by_what_was_searched_as_another_systems_is():
    """Found in a re-read: one with no alertname was titled by the pasted line, its JSON ('{"version": "4",
    "status": "firing", …'), or relayed by SNS by the envelope's ('{"Type": "Notification", "MessageId": …'), and
    pasted indented got the fields to fill in; another system's with no name is titled by what was searched."""
    for unnamed in (None, "", "\u200b"):
        payload = alertmanager(unnamed)
        relayed = {**sns(FREE_STORAGE), "Subject": None, "Message": json.dumps(payload)}
        for text in (json.dumps(payload), json.dumps(payload, indent=2), json.dumps(relayed)):
            p = prepare(text)
            assert p.alert == "" and p.alerts == 1, p.note
            assert record_title(p, text) == cut_words(p.text, TITLE_CHARS), (text[:80], p.text)
            assert record_title(p, text).startswith("printer on floor three jams"), record_title(p, text)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    from kbfactory import small_kb

    root = tmp_path_factory.mktemp("names")
    app = fake_app(small_kb(root / "kb"), root, slack_signing_secret=SECRET)
    with running(app) as base:
        yield {"base": base}


def test_recur_suggest_and_slack_record_it_under_its_name(run, served):
    """The terminal's footer and Slack's reply (POST /api/slack/commands) propose the same command: titled "(no
    data)" when the alert is so named, by its description when it has no name."""
    said = PRINTER["alert"]["description"]
    texts = [json.dumps(_named(PRINTER, ("alert", "message"), name)) for name in ("(no data)", "")]
    texts.append(json.dumps(alertmanager("(no alertname)")))
    for text, title in zip(texts, ("(no data)", said, "(no alertname)")):
        out = run("suggest", "-", input=text).stdout
        assert f"recur incident new -t '{title}'" in out, out
        reply = slash(served, text).json()
        assert reply["no_known_pattern"] is True, reply["text"]
        assert _record_command(reply["blocks"][0]["text"]["text"])[:5] == ["recur", "incident", "new", "-t", title]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_sites_box_reads_whether_it_is_named_as_query_py(tmp_path):
    """recur-query.js (the box, whose record command recur-suggest.js titles by ``alert``) as prepare."""
    texts = [json.dumps(_named(p, path, n)) for p, path in NAMED_BY for n in [*LIKE_NONE, "", "\u200b"]]
    body = "return input.map((t) => { const p = q.prepare(t); return [p.text, q.note(p), p.alert]; });"
    for text, got in zip(texts, run_query_js(tmp_path, body, texts)):
        p = prepare(text)
        assert got == [p.text, p.note or "", p.alert], text[:200]
    assert [prepare(t).alert for t in texts[:5]] == [*LIKE_NONE, "", ""]


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_boxs_record_command_is_titled_as_the_terminals(tmp_path):
    """recur-suggest.js recordCommand (a text of one line) as `recur suggest` prints it: named "(no data)" or "(no
    alertname)", titled so; with no name, by what was searched (another system's and Alertmanager's alike)."""
    texts = [json.dumps(_named(OPSGENIE, ("alert", "message"), n)) for n in ("(no data)", "")]
    texts += [json.dumps(alertmanager(n)) for n in ("(no alertname)", "(no data)", None, "")]
    relayed = {**sns(FREE_STORAGE), "Subject": None, "Message": json.dumps(alertmanager(None))}
    texts.append(json.dumps(relayed))
    js = run_record_js(tmp_path, texts)
    terminal = [incident_command(t, title=record_title(prepare(t), t)) for t in texts]
    assert js == terminal
    assert [c.split(" -d ")[0] for c in terminal[:4]] == [
        "recur incident new -t '(no data)'",
        "recur incident new -t 'Consumer lag for group order-fulfilment on topic orders has grown above 250000…'",
        "recur incident new -t '(no alertname)'",
        "recur incident new -t '(no data)'",
    ]
    # with no name, by what was searched, not by its JSON (the payload's, or the SNS envelope's relaying it)
    assert all(c.startswith("recur incident new -t 'printer on floor three jams") for c in terminal[4:]), terminal[4:]
