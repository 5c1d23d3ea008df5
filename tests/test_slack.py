"""The Slack slash command and its buttons, against a live uvicorn server, with requests signed by
slack_sdk's own SignatureVerifier and a test secret (fake:64 encoder)."""

from __future__ import annotations

import json
import threading
import time
from urllib.parse import urlencode

import httpx
import pytest
from fastapi import FastAPI, Request
from kbfactory import small_kb
from serve_util import fake_app, free_socket, latency_answer, long_trace, running, wait_requests_done
from slack_sdk.signature import SignatureVerifier

from recur.retrieval.engine import Engine
from recur.serve import create_app
from recur.serve.deps import Settings
from recur.serve.slack import MAX_SECTION, MAX_VALUE_QUERY, answer_reply, slack_router

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
SITE = "https://recur.example.com/kb"


def slack_app(root):
    """(an app with the Slack routes on a small KB under ``root``, the KB, its feedback file)."""
    kb = small_kb(root / "kb")
    fb = root / "feedback.jsonl"
    app = fake_app(kb, root, feedback_path=fb, slack_signing_secret=SECRET, site_url=SITE)
    return app, kb, fb


def hooked_app(kb_dir, tmp_path, errors: bool = False, **router):
    """(an app with the Slack routes and a /hook route standing in for Slack's response_url, the bodies
    posted to it, an Event set on each); ``errors``: the API's error shape, as create_app installs it."""
    from recur.serve.guard import install_error_handlers

    engine = Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)
    got, arrived = [], threading.Event()
    app = FastAPI()
    if errors:
        install_error_handlers(app)
    votes = Settings(feedback_path=tmp_path / "fb.jsonl")  # where votes go, and their health
    app.include_router(slack_router(lambda: engine, settings=votes, signing_secret=SECRET, **router))

    @app.post("/hook")
    async def hook(request: Request):
        got.append(await request.json())
        arrived.set()
        return {"ok": True}

    return app, got, arrived


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    app, kb, fb = slack_app(tmp_path_factory.mktemp("slack"))
    with running(app) as base:
        yield {"base": base, "kb": kb, "feedback": fb}


def signed(body: str, *, secret: str = SECRET, age: int = 0) -> dict:
    ts = str(int(time.time()) - age)
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(secret).generate_signature(timestamp=ts, body=body),
    }


_n = iter(range(10**6))


def command_body(text: str, **extra) -> str:
    """A slash command as Slack sends it; trigger_id differs per request, as Slack's does."""
    return urlencode(
        {
            "token": "legacy",
            "team_id": "T1",
            "channel_id": "C1",
            "user_id": "U1",
            "command": "/recur",
            "text": text,
            "response_url": "https://hooks.slack.com/commands/T1/1/x",
            "trigger_id": f"t{next(_n)}",
            **extra,
        }
    )


def slash(served, text: str, **kw):
    body = command_body(text)
    return httpx.post(served["base"] + "/api/slack/commands", content=body, headers=signed(body, **kw), timeout=30)


def test_reply_shape_top3_with_links_steps_evidence_and_buttons(served):
    r = slash(served, "No space left on device on the db host")
    assert r.status_code == 200, r.text
    reply = r.json()
    assert reply["response_type"] == "ephemeral" and "Disk full on a host" in reply["text"]
    # the verdict of /api/suggest for the same text, at the top level as on every suggestion surface
    api = httpx.post(served["base"] + "/api/suggest", json={"text": "No space left on device on the db host"}).json()
    assert reply["no_known_pattern"] is False is api["no_known_pattern"]
    blocks = reply["blocks"]
    assert blocks[0]["type"] == "section" and "with medium or high confidence" in blocks[0]["text"]["text"]
    assert [b["type"] for b in blocks[1:5]] == ["divider", "section", "section", "actions"]
    assert len([b for b in blocks if b["type"] == "actions"]) == 3 and len(blocks) <= 50
    head, body, actions = blocks[2]["text"]["text"], blocks[3]["text"]["text"], blocks[4]
    assert f"<{SITE}/patterns/capacity/disk-full.html|Disk full on a host>" in head
    assert "high confidence" in head or "medium confidence" in head
    assert "*First steps*\n1. Run `kubectl get pods -n prod` and look for restarts." in body
    assert "*Preserve first:* `kubectl logs --previous` of a crashed pod" in body
    up, down = actions["elements"]
    assert (up["action_id"], down["action_id"]) == ("recur_useful", "recur_not_useful")
    assert up["text"]["text"].startswith("👍") and down["text"]["text"].startswith("👎")
    assert json.loads(up["value"]) == {"q": "No space left on device on the db host", "p": "disk-full"}


def test_share_posts_in_the_channel_and_empty_text_shows_usage(served):
    r = slash(served, "share ENOSPC")
    assert r.status_code == 200 and r.json()["response_type"] == "in_channel"
    assert json.loads(r.json()["blocks"][4]["elements"][0]["value"])["q"] == "ENOSPC"
    usage = slash(served, "   ").json()
    assert usage["response_type"] == "ephemeral" and "Usage: `/recur &lt;what you see&gt;`" in usage["text"]
    assert "blocks" not in usage


@pytest.mark.parametrize("typed", ["\x1b[31m\x1b[0m", "\u200b\ufeff", "share \u2060"])
def test_a_text_with_nothing_to_search_shows_the_usage_as_a_blank_one_does(served, typed):
    """Colour codes or zero-width characters alone were searched: 'no known pattern matches “”', and advice to
    record a failure nobody described."""
    reply = slash(served, typed).json()
    assert reply["response_type"] == "ephemeral" and "Usage: `/recur &lt;what you see&gt;`" in reply["text"]
    assert "blocks" not in reply


def test_the_text_slack_escaped_is_searched_and_shown_as_typed(served):
    """Slack sends what the user typed with &, < and > as &amp;, &lt; and &gt;. Searched that way, and
    escaped again for the reply, "df -h > 95% & rising" came back as "df -h &amp;gt; 95% &amp;amp; rising"."""
    typed = "df -h > 95% & rising <on db-1>"
    reply = slash(served, typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")).json()
    first = reply["blocks"][0]["text"]["text"]
    assert "df -h &gt; 95% &amp; rising &lt;on db-1&gt;" in first and "&amp;gt;" not in first, first
    value = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    assert json.loads(value)["q"] == typed  # the vote records what the user typed
    api = httpx.post(served["base"] + "/api/suggest", json={"text": typed}).json()
    assert reply["no_known_pattern"] is api["no_known_pattern"]


def _slack_escaped(typed: str) -> str:
    """``typed`` as Slack sends it in a command's text: its &, < and > as &amp;, &lt; and &gt;."""
    return typed.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("what should we order for lunch &lt;friday&gt; &amp; saturday", None),
        ("&gt; what should we order for lunch on friday", None),  # a typed "&gt;" is no quote mark
        (
            "2026-12-04T20:01:07Z INFO lunch menu loaded\n"
            "2026-12-04T20:01:08Z ERROR upstream sent &lt;html&gt; for the lunch order &amp; gave up\n"
            "2026-12-04T20:01:09Z INFO retrying",
            "upstream sent &lt;html&gt; for the lunch order &amp; gave up",
        ),
    ],
)
def test_entities_the_user_typed_are_searched_echoed_and_recorded_as_typed(served, typed, searched):
    """Found in a re-read: Slack escapes what the user typed once and /recur reads it back; then the query's
    preparation, which reads the escapes of a Slack message pasted into the CLI, the API or the site
    (query.slack_unquoted), read them a second time: "&lt;friday&gt;" typed was searched and echoed as "<friday>",
    a log's "&lt;html&gt;" titled the record line "<html>", and a typed "&gt; " was taken for a quote's mark."""
    reply = slash(served, _slack_escaped(typed)).json()
    first = reply["blocks"][0]["text"]["text"]
    assert f"“{_slack_escaped(searched or typed)}”" in first, first  # shown as typed, escaped once for Slack
    title = searched or typed
    assert _record_command(first) == ["recur", "incident", "new", "-t", title, "-d", typed]
    # the same text pasted into the API as Slack's API sends it (escaped once) is read back once: the same answer
    api = httpx.post(served["base"] + "/api/suggest", json={"text": _slack_escaped(typed)}).json()
    assert api["query"] == (searched or typed)
    assert reply["no_known_pattern"] is api["no_known_pattern"] is True


def test_a_quote_in_a_quote_typed_in_slack_is_searched_as_its_words(served):
    """Found in review: only one quote's mark was read: "> > disk full" typed (sent "&gt; &gt; disk full") was
    searched and echoed as "> disk full"; Slack's API sending it to /api/suggest alike."""
    words = "No space left on device on the db host"
    reply = slash(served, _slack_escaped(f"> > {words}")).json()
    first = reply["blocks"][0]["text"]["text"]
    assert f"“{words}”" in first, first
    plain = slash(served, words).json()
    assert reply["no_known_pattern"] is plain["no_known_pattern"] is False
    api = httpx.post(served["base"] + "/api/suggest", json={"text": _slack_escaped(f"> > {words}")}).json()
    assert api["query"] == words


def test_a_diff_typed_in_slack_keeps_its_new_side(served):
    """Found in a re-read: a diff's new line, "> max_connections = 10" beside the old one's "< max_connections = 100",
    was read as a quote and searched as "max_connections = 10", on Slack's /recur and from Slack's API alike."""
    diff = "< max_connections = 100\n---\n> max_connections = 10\nafter the deploy: too many connections"
    reply = slash(served, _slack_escaped(diff)).json()
    first = reply["blocks"][0]["text"]["text"]
    assert "&gt; max_connections = 10" in first, first  # echoed as typed, escaped once for Slack
    api = httpx.post(served["base"] + "/api/suggest", json={"text": _slack_escaped(diff)}).json()
    assert api["query"] == diff


@pytest.mark.parametrize(
    "sent",
    [
        "<@U0G9QF9C6|alice> No space left on device on the db host",
        "No space left on device on <#C024BE7LR|ops> the db host",
        "<!here> No space left on device on the db host",
        "No space left on device on the db host <https://grafana.example/d?orgId=1&amp;var-host=db-3|dashboard>",
    ],
)
def test_slacks_own_markup_is_not_searched(served, sent):
    """Found in review: a mention, a channel or a link Slack wrote into the text was searched as words
    (its ids and URL), and the verdict changed; a mention alone flipped a match to no known pattern."""
    plain = "No space left on device on the db host"
    reply = slash(served, sent).json()
    api = httpx.post(served["base"] + "/api/suggest", json={"text": plain}).json()
    value = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    searched = json.loads(value)["q"]
    assert "U0G9QF9C6" not in searched and "C024BE7LR" not in searched and "grafana" not in searched
    assert reply["no_known_pattern"] is api["no_known_pattern"] is False
    assert "Disk full on a host" in reply["text"]


@pytest.mark.parametrize("typed", ["share <!channel> No space left on device", "share <!here> what is for lunch"])
def test_text_shown_as_typed_never_becomes_slack_markup(served, typed):
    """The text Slack unescaped (&lt;!channel&gt; -> <!channel>) is escaped again wherever the reply
    shows it: raw in the notification text or the incident line, <!channel> would ping the channel."""
    reply = slash(served, typed.replace("<", "&lt;").replace(">", "&gt;")).json()
    shown = [reply["text"]] + [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]
    assert not [s for s in shown if "<!" in s], shown
    assert any("&lt;!" in s for s in shown)


def test_what_the_user_typed_formats_nothing_in_the_reply(served):
    """Found in review: *, _, ~ and ` typed in /recur were echoed into the reply's mrkdwn: "*disk* _full_" showed
    bold and italic, and an unmatched ` made the rest code. They are shown as look-alikes that are no marks (an
    underscore inside a word, snake_case, stays); the vote and the record line keep what was typed."""
    typed = "*No space* left _on_ ~device~ disk_full `df"
    reply = slash(served, typed).json()
    intro = reply["blocks"][0]["text"]["text"]
    assert "“∗No space∗ left ˍonˍ ∼device∼ disk_full ˋdf”" in intro, intro
    assert intro.count("*") == 2 and not {"_", "~", "`"} & set(intro.replace("disk_full", "")), intro
    value = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"][0]["value"]
    assert json.loads(value)["q"] == typed
    # a pasted alert's name, in the italic note before the results: its _ and * end no italics
    alert = {"labels": {"alertname": "_Disk*Full_"}, "annotations": {"summary": "No space left on device"}}
    said = slash(served, json.dumps(alert)).json()["blocks"][0]["text"]["text"].split("\n")[0]
    assert said.startswith("_A pasted alert: searched alert 'ˍDisk∗Fullˍ'") and said.count("_") == 2, said


def test_the_reply_carries_the_typos_read_as_api_suggest_does(served):
    """Found in review: every suggestion answer carries ``corrected`` (the typos read as the KB's words) beside its
    verdict, but Slack's reply, which carries the verdict at its top level, did not. It carries /api/suggest's for
    the same text, and says the reading in its intro as query_note does; none read, []."""
    reply = slash(served, "databse conection").json()
    api = httpx.post(served["base"] + "/api/suggest", json={"text": "databse conection"}).json()
    assert (
        reply["corrected"]
        == api["corrected"]
        == [{"word": "databse", "read_as": "database"}, {"word": "conection", "read_as": "connection"}]
    )
    assert "Read 'databse' as 'database' and 'conection' as 'connection'" in reply["blocks"][0]["text"]["text"]
    assert slash(served, "No space left on device on the db host").json()["corrected"] == []


def test_no_known_pattern_says_so_and_gives_the_incident_line(served, tmp_path):
    text = "what should we order for lunch on friday"
    assert httpx.post(served["base"] + "/api/suggest", json={"text": text}).json()["no_known_pattern"]
    reply = slash(served, text).json()
    first = reply["blocks"][0]["text"]["text"]
    assert reply["text"].startswith("Recur: no known pattern matches")
    assert first.startswith("*No known pattern* matches")
    assert "```recur incident new -t 'what should we order for lunch on friday' -d 'what should we order" in first
    assert "for comparison only" in first
    # the verdict is in the reply, and the next steps after recording it are named
    assert reply["no_known_pattern"] is True
    assert "draft a pattern (`recur new pattern`)" in first and "`recur import` the postmortem" in first
    assert first.index("```recur incident new") < first.index("recur new pattern") < first.index("for comparison only")


@pytest.mark.parametrize("case", ["bad", "missing", "stale", "future", "not_a_number", "superscript", "huge"])
def test_bad_signatures_are_401_in_the_api_shape(served, case):
    body = command_body("ENOSPC")
    headers = {
        "bad": signed(body, secret="another-secret"),
        "stale": signed(body, age=5 * 60 + 30),
        "future": signed(body, age=-(5 * 60 + 30)),
        "missing": {"Content-Type": "application/x-www-form-urlencoded"},
        "not_a_number": {**signed(body), "X-Slack-Request-Timestamp": "soon"},
        # found by QA: str.isdigit() passed these and int() raised: a 500 before any signature check
        "superscript": {**signed(body), "X-Slack-Request-Timestamp": "\u00b2".encode("latin-1")},
        "huge": {**signed(body), "X-Slack-Request-Timestamp": "9" * 5000},
    }[case]
    r = httpx.post(served["base"] + "/api/slack/commands", content=body, headers=headers)
    assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
    assert set(r.json()) == {"error"} and r.json()["error"]["message"]


def test_a_tampered_body_and_a_replay_are_refused(served):
    body = command_body("ENOSPC")
    headers = signed(body)
    url = served["base"] + "/api/slack/commands"
    tampered = httpx.post(url, content=body.replace("ENOSPC", "rm+-rf"), headers=headers)
    assert tampered.status_code == 401 and "does not match" in tampered.json()["error"]["message"]
    assert httpx.post(url, content=body, headers=headers).status_code == 200
    again = httpx.post(url, content=body, headers=headers)
    assert again.status_code == 401 and "replay" in again.json()["error"]["message"]


def test_a_request_signed_ahead_of_the_clock_cannot_be_replayed_once_the_window_has_passed(kb_dir, tmp_path):
    """Found in a security review: a signature was remembered for the window from when it came, but a timestamp
    up to the window ahead of the clock is accepted until timestamp + window: once the memory had let it go, the
    same signed request was taken again. It is remembered as long as its timestamp is accepted."""
    now = [float(int(time.time()))]
    app, _got, _arrived = hooked_app(kb_dir, tmp_path, errors=True, clock=lambda: now[0])
    body = command_body("ENOSPC")
    ts = str(int(now[0]) + 300)  # the window's edge, ahead of the clock
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": SignatureVerifier(SECRET).generate_signature(timestamp=ts, body=body),
    }
    with running(app, wait_ready=False) as base:
        url = base + "/api/slack/commands"
        assert httpx.post(url, content=body, headers=headers).status_code == 200
        now[0] += 301  # the time it came + the window: its timestamp is 1 s old, still accepted
        again = httpx.post(url, content=body, headers=headers)
    assert again.status_code == 401 and "replay" in again.json()["error"]["message"], again.text


def _raw_post(base: str, path: str, body: str, headers: dict) -> tuple[int, dict]:
    """A POST written on the socket as given: httpx refuses header values with trailing whitespace."""
    import socket

    host, port = base.removeprefix("http://").split(":")
    head = "".join(f"{k}: {v}\r\n" for k, v in headers.items())
    data = f"POST {path} HTTP/1.1\r\nHost: x\r\n{head}Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    with socket.create_connection((host, int(port)), timeout=30) as s:
        s.sendall(data.encode() + body.encode())
        out = b""
        while chunk := s.recv(65536):
            out += chunk
    head_bytes, _, payload = out.partition(b"\r\n\r\n")
    return int(head_bytes.split()[1]), json.loads(payload)


@pytest.mark.parametrize("pad", [" ", "\t", "  \t"])
def test_a_replay_with_whitespace_after_the_signature_is_refused(served, pad):
    """Found by QA: the replay memory was keyed by the header as sent, the check by its stripped value,
    so a captured vote replayed with a space after X-Slack-Signature was verified and recorded again."""
    query = f"ENOSPC replayed {len(pad)} {ord(pad[-1])}"
    value = json.dumps({"q": query, "p": "disk-full"})
    payload = {"type": "block_actions", "actions": [{"action_id": "recur_useful", "value": value}]}
    body = urlencode({"payload": json.dumps(payload)})
    headers = signed(body)
    path = "/api/slack/interactions"
    assert _raw_post(served["base"], path, body, headers)[0] == 200
    replayed = {**headers, "X-Slack-Signature": headers["X-Slack-Signature"] + pad}
    status, answer = _raw_post(served["base"], path, body, replayed)
    assert status == 401 and "replay" in answer["error"]["message"], answer
    votes = [line for line in served["feedback"].read_text().splitlines() if json.loads(line)["query"] == query]
    assert len(votes) == 1


def test_buttons_record_feedback_like_the_api(served):
    reply = slash(served, "FATAL: sorry, too many clients already").json()
    buttons = [b for b in reply["blocks"] if b["type"] == "actions"][0]["elements"]
    for button in buttons:
        payload = {
            "type": "block_actions",
            "user": {"id": "U1"},
            "response_url": "http://127.0.0.1:9/actions/x",  # nothing listens: the acknowledgement is lost
            "actions": [
                {
                    "action_id": button["action_id"],
                    "block_id": "recur_feedback_1",
                    "value": button["value"],
                    "type": "button",
                    "action_ts": "1",
                }
            ],
        }
        body = urlencode({"payload": json.dumps(payload)})
        r = httpx.post(served["base"] + "/api/slack/interactions", content=body, headers=signed(body))
        assert r.status_code == 200, r.text
    api = httpx.post(
        served["base"] + "/api/feedback",
        json={"query": "FATAL: sorry, too many clients already", "pattern": "db-pool-exhausted", "useful": True},
    )
    assert api.status_code == 201
    lines = [json.loads(line) for line in served["feedback"].read_text().splitlines()]
    votes = [(v["query"], v["pattern"], v["useful"]) for v in lines[-3:]]
    q = "FATAL: sorry, too many clients already"
    assert votes == [(q, "db-pool-exhausted", True), (q, "db-pool-exhausted", False), (q, "db-pool-exhausted", True)]
    # the fields of a vote through /api/feedback, and the voter's key (a click counts once per voter)
    assert set(lines[-3]) == set(lines[-1]) | {"vote_key"} and lines[-2]["changed"] is True


def test_interactions_are_verified_and_checked(served):
    url = served["base"] + "/api/slack/interactions"
    body = urlencode(
        {
            "payload": json.dumps(
                {
                    "type": "block_actions",
                    "actions": [{"action_id": "recur_useful", "value": json.dumps({"q": "x", "p": "no-such-thing"})}],
                }
            )
        }
    )
    assert httpx.post(url, content=body, headers=signed(body, secret="wrong")).status_code == 401
    r = httpx.post(url, content=body, headers=signed(body))
    assert r.status_code == 404 and r.json()["error"]["code"] == "pattern_not_found"
    junk = urlencode({"payload": "{not json"})
    assert httpx.post(url, content=junk, headers=signed(junk)).json()["error"]["code"] == "bad_json"


@pytest.mark.parametrize(
    "actions, code",
    [
        (5, "invalid_request"),
        ([{"action_id": "recur_useful", "value": 5}], "invalid_request"),
        ([{"action_id": ["x"], "value": "{}"}], "invalid_request"),  # no 👍 / 👎 in it
        ([{"action_id": "recur_useful", "value": "[" * 3000 + "]" * 3000}], "invalid_request"),
    ],
)
def test_signed_interactions_of_the_wrong_shape_are_4xx_not_500(served, actions, code):
    """Found by QA: a signed payload with actions of the wrong type was a 500 and a traceback."""
    url = served["base"] + "/api/slack/interactions"
    body = urlencode({"payload": json.dumps({"type": "block_actions", "actions": actions})})
    r = httpx.post(url, content=body, headers=signed(body))
    assert r.status_code == 422 and r.json()["error"]["code"] == code, r.text
    deep = urlencode({"payload": "[" * 5000 + "]" * 5000, "n": next(_n)})  # n: not a replay of another case
    r = httpx.post(url, content=deep, headers=signed(deep))
    assert r.status_code == 400 and r.json()["error"]["code"] == "bad_json", r.text


def test_a_vote_block_with_an_unknown_pattern_writes_none_of_its_votes(served):
    fb = served["feedback"]
    before = fb.read_text() if fb.exists() else ""
    good = json.dumps({"q": "ENOSPC", "p": "disk-full"})
    bad = json.dumps({"q": "ENOSPC", "p": "no-such-thing"})
    actions = [{"action_id": "recur_useful", "value": good}, {"action_id": "recur_useful", "value": bad}]
    body = urlencode({"payload": json.dumps({"type": "block_actions", "actions": actions})})
    r = httpx.post(served["base"] + "/api/slack/interactions", content=body, headers=signed(body))
    assert r.status_code == 404 and r.json()["error"]["code"] == "pattern_not_found"
    assert (fb.read_text() if fb.exists() else "") == before


def test_a_button_naming_a_pattern_in_another_letter_case_records_the_patterns_own_id_as_the_api_does(served):
    """A button whose value names "Disk-Full" (a value Recur did not write: an older reply, a hand-made payload)
    was refused "no pattern with id 'Disk-Full'" while the pattern route answers it: the vote is read by the API's
    rule (patterns.given_pattern_id) and recorded as disk-full; a misspelt id is still the 404 naming the close
    one, as POST /api/feedback words it."""
    fb = served["feedback"]
    before = fb.read_text().count("\n") if fb.exists() else 0

    def press(pattern: str):
        value = json.dumps({"q": "ENOSPC on /srv", "p": pattern})
        payload = {"type": "block_actions", "actions": [{"action_id": "recur_useful", "value": value}]}
        body = urlencode({"payload": json.dumps(payload)})
        return httpx.post(served["base"] + "/api/slack/interactions", content=body, headers=signed(body))

    r = press("Disk-Full")
    assert r.status_code == 200 and r.json()["votes"] == [
        {"pattern": "disk-full", "useful": True, "outcome": "recorded"}
    ]
    lines = [json.loads(line) for line in fb.read_text().splitlines()[before:]]
    assert [(v["query"], v["pattern"], v["useful"]) for v in lines] == [("ENOSPC on /srv", "disk-full", True)]
    misspelt = press("Disk-Fulll")
    api = httpx.post(
        served["base"] + "/api/feedback", json={"query": "ENOSPC on /srv", "pattern": "Disk-Fulll", "useful": True}
    )
    assert misspelt.status_code == api.status_code == 404 and misspelt.json() == api.json()
    assert "no pattern with id 'disk-fulll' in the index (did you mean 'disk-full'?)" in misspelt.text


@pytest.mark.parametrize(
    "text",
    [
        # a log line as a log shipper stores it: JSON in a JSON string in a JSON string
        (json.dumps({"message": json.dumps({"log": json.dumps({"msg": "No space left on device"})})}) + " ") * 30,
        "No space left on device \x1b[31m\x01" * 200,  # a terminal paste: control characters
    ],
)
def test_a_query_json_escapes_lengthen_still_gets_its_buttons(served, text):
    """Found by QA: a button's value is the query as JSON; quotes, backslashes and control characters
    grow under escaping, so 1,500 characters of a pasted JSON log became a value of more than Slack's
    2,000: slack_sdk refused the blocks and the reply was "Recur could not answer"."""
    r = slash(served, text)
    assert r.status_code == 200, r.text
    reply = r.json()
    assert "could not answer" not in reply["text"] and reply.get("blocks"), reply
    values = [e["value"] for b in reply["blocks"] if b["type"] == "actions" for e in b["elements"]]
    assert values and all(len(v) <= 2000 for v in values)
    vote = json.loads(values[0])
    from recur.util.text import strip_ansi  # the text searched, and so voted on: without colour codes

    assert 1000 < len(vote["q"]) <= 1500 and " ".join(strip_ansi(text).split()).startswith(vote["q"].strip())


def test_slack_routes_without_a_secret_say_how_to_set_it_up(kb_dir, tmp_path):
    with running(fake_app(kb_dir, tmp_path)) as base:
        body = command_body("ENOSPC")
        r = httpx.post(base + "/api/slack/commands", content=body, headers=signed(body))
    assert r.status_code == 404 and r.json()["error"]["code"] == "slack_not_configured"
    assert "--slack-signing-secret-file" in r.json()["error"]["message"]


def test_replies_stay_within_slacks_limits():
    step = "Run `kubectl describe` <and> & check " * 200
    results = [
        {
            "rank": n,
            "id": f"p{n}" * 40,
            "title": "T & <b>" * 60,
            "confidence": "medium",
            "severity": "sev1",
            "path": f"patterns/c/p{n}.md",
            "runbook": [step, step, step],
            "evidence": [step],
        }
        for n in range(1, 6)
    ]
    reply = answer_reply({"query": "q" * 20_000, "no_known_pattern": False, "results": results}, site_url=SITE)
    blocks = reply["blocks"]
    assert len([b for b in blocks if b["type"] == "actions"]) == 3 and len(blocks) <= 50
    for b in blocks:
        if b["type"] == "section":
            assert len(b["text"]["text"]) <= 3000 and "<b>" not in b["text"]["text"]
        for e in b.get("elements", []):
            assert len(e["value"]) <= 2000 and len(e["text"]["text"]) <= 75
    unknown = answer_reply({"query": "```x```" * 3000, "no_known_pattern": True, "results": []})
    assert len(unknown["blocks"]) == 1 and len(unknown["blocks"][0]["text"]["text"]) <= 3000
    said = unknown["blocks"][0]["text"]["text"]
    # the incident line's code block is closed, and the next step after it is kept whole
    assert said.endswith(
        "```\nThen draft a pattern (`recur new pattern`), or `recur import` the postmortem once it is written."
    )
    assert unknown["no_known_pattern"] is True and reply["no_known_pattern"] is False


def test_a_slow_answer_is_acknowledged_then_posted_to_response_url(tmp_path, kb_dir):
    """reply_within=0: Slack gets "searching…" at once and the answer arrives at response_url."""
    app, got, arrived = hooked_app(kb_dir, tmp_path, reply_within=0)
    with running(app, wait_ready=False) as base:
        body = command_body("ENOSPC", response_url=base + "/hook")
        r = httpx.post(base + "/api/slack/commands", content=body, headers=signed(body))
        assert r.status_code == 200 and "Searching" in r.json()["text"]
        assert arrived.wait(60), "the late reply never reached response_url"
    late = got[0]
    assert late["response_type"] == "ephemeral" and late["replace_original"] is False
    assert json.loads(late["blocks"][4]["elements"][0]["value"]) == {"q": "ENOSPC", "p": "disk-full"}


def loading_app(kb_dir, tmp_path):
    """An app whose engine loads (fake:64) only once the event it returns is set (or after 60 s): (app, release)."""
    release = threading.Event()

    def slow_load():
        release.wait(60)
        return Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)

    app = create_app(slow_load, site_dir=None, feedback_path=tmp_path / "fb.jsonl", slack_signing_secret=SECRET)
    return app, release


def test_a_command_while_the_engine_loads_is_answered_once_it_has_loaded(tmp_path, kb_dir):
    """Found restarting `recur serve` mid-incident: a /recur that came while the model loaded (~10 s with the
    real one, after every deploy) was answered "the model and index are still loading; retry in a few
    seconds", and the responder had to type it again. A command that has a response_url (every one from
    Slack) gets "searching…" and its answer there once the engine has loaded; one without is told at once."""
    app, release = loading_app(kb_dir, tmp_path)
    slack = SlackStandIn()
    with running(slack.app, wait_ready=False) as hook, running(app, wait_ready=False) as base:
        body = command_body("ENOSPC", response_url=hook + "/hook")
        r = httpx.post(base + "/api/slack/commands", content=body, headers=signed(body), timeout=30)
        bare = command_body("ENOSPC", response_url="")
        told = httpx.post(base + "/api/slack/commands", content=bare, headers=signed(bare), timeout=30)
        release.set()
        got = slack.wait(1)
    assert r.status_code == 200 and r.json()["text"].startswith("Recur is starting"), r.text  # not "searching"
    assert told.status_code == 200 and "still loading" in told.json()["text"], told.text
    assert got and got[0]["response_type"] == "ephemeral" and got[0]["no_known_pattern"] is False
    assert json.loads(got[0]["blocks"][4]["elements"][0]["value"]) == {"q": "ENOSPC", "p": "disk-full"}


def test_a_command_while_the_engine_loads_says_a_kb_edited_meanwhile(tmp_path, kb_dir):
    """Found in review: the reply's stale warning was read when the command came, while the engine loaded, when
    the server had not looked at its KB yet: a pattern edited during the load (a `git pull` with a restart) was
    never said by a reply that waited for it. It is read once the engine has loaded and the server has looked."""
    Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True)  # built from the KB as it was
    release = threading.Event()

    def slow_load():  # the index as built: the edit below is what the server's first look finds
        release.wait(60)
        return Engine.open(kb_dir, tmp_path / "index", model="fake:64", quiet=True, update=False)

    app = create_app(slow_load, site_dir=None, feedback_path=tmp_path / "fb.jsonl", slack_signing_secret=SECRET)
    slack = SlackStandIn()
    edited = kb_dir / "patterns/capacity/disk-full.md"
    with running(slack.app, wait_ready=False) as hook, running(app, wait_ready=False) as base:
        body = command_body("ENOSPC", response_url=hook + "/hook")
        r = httpx.post(base + "/api/slack/commands", content=body, headers=signed(body), timeout=30)
        edited.write_text(edited.read_text() + "\nEdited while the server loaded.\n")
        release.set()
        got = slack.wait(1)
    assert r.status_code == 200 and r.json()["text"].startswith("Recur is starting"), r.text
    assert got and got[0]["stale"]["files"] == ["patterns/capacity/disk-full.md"], got
    assert got[0]["blocks"][0]["text"]["text"].startswith("⚠️ _The knowledge base changed since its index was built")


def test_a_command_promised_an_answer_is_told_when_the_server_stops_before_it(tmp_path, kb_dir, capfd):
    """Found in review: commands sent while the model loaded were told "the answer follows in a moment", and a
    stop then (a rolling restart) lost them silently. At the stop, each response_url still owed an answer is told
    to run the command again, and the log says so."""
    app, release = loading_app(kb_dir, tmp_path)
    slack = SlackStandIn()
    try:
        with running(slack.app, wait_ready=False) as hook:
            with running(app, wait_ready=False) as base:
                for n in range(2):
                    body = command_body(f"disk full on db-{n}", response_url=f"{hook}/hook")
                    r = httpx.post(base + "/api/slack/commands", content=body, headers=signed(body), timeout=30)
                    assert r.status_code == 200 and r.json()["text"].startswith("Recur is starting"), r.text
            got = slack.wait(2)
    finally:
        release.set()
    # said on every stop, a final one too: not "Recur restarted" (found in review)
    stopped = "Recur stopped before answering (a restart, most likely); run the command again once it is back."
    assert [g["text"] for g in got] == [stopped] * 2
    assert all(g["response_type"] == "ephemeral" and g["replace_original"] is False for g in got)
    assert "stopping with 2 Slack command(s) not answered yet" in capfd.readouterr().err


def test_a_slack_vote_that_cannot_be_written_is_a_503_as_on_the_api(tmp_path):
    app, _, fb = slack_app(tmp_path)
    value = json.dumps({"q": "ENOSPC", "p": "disk-full"})
    body = urlencode(
        {"payload": json.dumps({"type": "block_actions", "actions": [{"action_id": "recur_useful", "value": value}]})}
    )
    with running(app) as base:
        fb.mkdir()  # the file's place is taken after start-up
        r = httpx.post(base + "/api/slack/interactions", content=body, headers=signed(body))
        health = httpx.get(base + "/healthz").json()
    assert r.status_code == 503 and r.json()["error"]["code"] == "feedback_unavailable", r.text
    # and /healthz says so, as for a vote of the API: Slack's votes were not counted anywhere an operator looks
    assert health["feedback_failures"] == 1 and "cannot record the vote" in health["feedback_error"], health


def press_with_reply_hook(base: str, query: str, pattern: str) -> httpx.Response:
    """U1 presses 👍 on a reply's button for ``pattern`` (asked ``query``); its response_url is hooked_app's
    /hook at ``base``, where the acknowledgement arrives."""
    value = json.dumps({"q": query, "p": pattern})
    payload = {
        "type": "block_actions",
        "user": {"id": "U1"},
        "response_url": base + "/hook",
        "actions": [{"action_id": "recur_useful", "value": value}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    return httpx.post(base + "/api/slack/interactions", content=body, headers=signed(body))


def test_a_refused_press_is_told_to_the_voter_and_logged(tmp_path, kb_dir, capfd):
    """Found in a problem manager's review: a press refused (a retired pattern: 404) was answered to Slack
    alone, which shows nothing of it, and not logged: the voter saw nothing happen. It is acknowledged on the
    response_url with the reason, as a recorded vote is, and a warning line goes to the server's log."""
    app, got, arrived = hooked_app(kb_dir, tmp_path, errors=True)
    with running(app, wait_ready=False) as base:
        r = press_with_reply_hook(base, "deploy broke", "old-retired")
        assert r.status_code == 404 and r.json()["error"]["code"] == "pattern_not_found"
        assert arrived.wait(30), "the refused press was never acknowledged"
    assert got[0]["response_type"] == "ephemeral" and got[0]["replace_original"] is False
    assert got[0]["text"].startswith("⚠️ Your vote was not recorded: pattern 'old-retired' is retired ("), got[0]
    err = capfd.readouterr().err
    assert "warning: a Slack vote was not recorded (404 pattern_not_found): pattern 'old-retired' is retired" in err
    assert not (tmp_path / "fb.jsonl").exists()


def slack_click(reply: dict, shared: bool) -> str:
    """The form Slack posts when the first 👍 of ``reply`` is pressed: a block_actions payload that, for a
    message posted in the channel, carries the whole message (its blocks and every button's value)."""
    button = next(b for b in reply["blocks"] if b["type"] == "actions")["elements"][0]
    payload = {
        "type": "block_actions",
        "user": {"id": "U0123ABC", "username": "jo", "name": "jo", "team_id": "T1"},
        "api_app_id": "A0123",
        "token": "legacy",
        "container": {
            "type": "message",
            "message_ts": "1701490000.000100",
            "channel_id": "C1",
            "is_ephemeral": not shared,
        },
        "trigger_id": "1234567890.123456.abcdef",
        "team": {"id": "T1", "domain": "example"},
        "channel": {"id": "C1", "name": "incidents"},
        "state": {"values": {}},
        "response_url": "http://127.0.0.1:9/actions/T1/1/x",  # Slack's hooks.slack.com: nothing listens here
        "actions": [{**button, "block_id": "recur_feedback_1", "action_ts": "1701490010.000200"}],
    }
    if shared:
        payload["message"] = {
            "type": "message",
            "text": reply["text"],
            "ts": "1701490000.000100",
            "blocks": reply["blocks"],
        }
    return urlencode({"payload": json.dumps(payload, ensure_ascii=False)})


@pytest.mark.parametrize(
    "typed",
    [
        "ディスクが満杯で書き込みに失敗しました。" * 75,  # a non-Latin paste: 9 bytes a character, form-encoded
        '"a" ' * 500,  # quotes: escaped twice (value, payload), then percent-encoded; cut to fit a button
    ],
)
def test_a_vote_on_a_shared_reply_to_a_long_query_is_recorded(served, typed):
    """Found in an audit: Slack's button payload repeats the message, so every button's value (up to
    2,000 characters of the query) comes back, escaped and form-encoded: over the API's 64 KiB body
    limit, and the 👍 was refused 413 and lost."""
    reply = slash(served, "share " + typed).json()
    body = slack_click(reply, shared=True)
    assert len(body.encode()) > 64 * 1024  # what Slack sends for it
    r = httpx.post(served["base"] + "/api/slack/interactions", content=body, headers=signed(body), timeout=30)
    assert r.status_code == 200, r.text
    last = json.loads(served["feedback"].read_text().splitlines()[-1])
    assert last["useful"] is True and " ".join(typed.split()).startswith(last["query"])
    # found in review: only the query's start fits in a button; the vote says so, and export makes no
    # eval case of a text the results were not ranked for
    cut = len(" ".join(typed.split())) > MAX_VALUE_QUERY  # the quotes: 2,000 characters, cut to 1,500 or less
    assert last.get("query_cut", False) is cut and (len(last["query"]) < len(" ".join(typed.split()))) is cut
    from recur.ingest.feedback import confirmed_feedback

    exported = (last["query"].strip(), last["pattern"]) in confirmed_feedback(served["feedback"], served["kb"])
    assert exported is not last.get("query_cut", False)


@pytest.mark.parametrize("sep", ["\n", "\t", "  \n "])
def test_share_then_a_line_break_still_shares(served, sep):
    """Found in an audit: only a space after "share" was read as the keyword; "/recur share⏎<log line>"
    searched for "share <log line>" and answered only to the user."""
    reply = slash(served, f"share{sep}ENOSPC").json()
    assert reply["response_type"] == "in_channel"
    assert json.loads(reply["blocks"][4]["elements"][0]["value"])["q"] == "ENOSPC"


def test_the_notification_text_of_a_short_answer(served):
    """Found in an audit: with fewer than three results the notification read "<title> and 0 more",
    and the title was not escaped there as it is in the blocks."""
    result = {
        "rank": 1,
        "id": "p",
        "title": "Disk <!channel> & more",
        "confidence": "high",
        "severity": "sev2",
        "path": "patterns/c/p.md",
        "runbook": ["step"],
        "evidence": [],
    }
    one = answer_reply({"query": "ENOSPC", "no_known_pattern": False, "results": [result]})
    assert one["text"] == "Recur: Disk &lt;!channel&gt; &amp; more for “ENOSPC”"
    two = answer_reply({"query": "ENOSPC", "no_known_pattern": False, "results": [result, {**result, "rank": 2}]})
    assert two["text"] == "Recur: Disk &lt;!channel&gt; &amp; more and 1 more for “ENOSPC”"


def _ranked(*rated) -> list[dict]:
    """Results ranked as given, each (confidence, probability or None)."""
    return [
        {"rank": i, "id": f"p{i}", "title": f"Pattern {i}", "confidence": conf, "probability": prob, "severity": "sev2",
         "path": f"patterns/c/p{i}.md", "runbook": ["step"], "evidence": []}
        for i, (conf, prob) in enumerate(rated, 1)
    ]  # fmt: skip


def test_the_notification_text_names_the_result_the_blocks_call_likelier():
    """Found using /recur as a responder: "cron ran twice" notified "possible matches, all of low confidence" (its
    first result was low, at 2%) over blocks saying "1 pattern matches with medium or high confidence" and "... (#2)
    is rated more likely right (75% against 2%): check both". The notification names the result the blocks do."""
    reply = answer_reply({"query": "cron ran twice", "no_known_pattern": False, "results": _ranked(
        ("low", 0.02), ("medium", 0.75), ("low", 0.001))})  # fmt: skip
    intro = reply["blocks"][0]["text"]["text"]
    assert "1 pattern matches with medium or high confidence" in intro and "p2 (#2) is rated more likely" in intro
    assert (
        reply["text"] == "Recur: Pattern 2 (#2 of 3, rated more likely right than #1: check both) for “cron ran twice”"
    )
    # a first result of medium confidence, a likelier one below it: that one, as the blocks' "check both" says
    both = answer_reply({"query": "q", "no_known_pattern": False, "results": _ranked(("medium", 0.45), ("high", 0.85))})
    assert "p2 (#2) is rated more likely right (85% against 45%)" in both["blocks"][0]["text"]["text"]
    assert both["text"] == "Recur: Pattern 2 (#2 of 2, rated more likely right than #1: check both) for “q”"
    # too few patterns to calibrate (no probability, no "check both"): the first of medium or high confidence
    rule = answer_reply({"query": "q", "no_known_pattern": False, "results": _ranked(("low", None), ("medium", None))})
    assert "1 pattern matches with medium or high confidence" in rule["blocks"][0]["text"]["text"]
    assert rule["text"] == "Recur: Pattern 2 (#2 of 2, #1 is of low confidence) for “q”"
    # all low, and a credible first with none likelier below it: as before
    low = answer_reply({"query": "q", "no_known_pattern": False, "results": _ranked(("low", 0.2), ("low", 0.1))})
    assert low["text"] == "Recur: possible matches, all of low confidence, for “q”"
    first = answer_reply({"query": "q", "no_known_pattern": False, "results": _ranked(("high", 0.9), ("low", 0.1))})
    assert first["text"] == "Recur: Pattern 1 and 1 more for “q”"


@pytest.mark.parametrize("known", [True, False])
def test_the_notification_text_shows_the_typed_text_as_the_blocks_do(known):
    """The top-level text (notifications; the message where a client shows no blocks) is mrkdwn: the typed
    text's &, < and > are escaped as Slack documents, and its *, _, ~ and ` are the blocks' look-alikes (they
    were left as typed there: "*disk* _full_" bold and italic)."""
    result = {"rank": 1, "id": "p", "title": "Disk full", "confidence": "high", "severity": "sev2"}
    result |= {"path": "patterns/c/p.md", "runbook": ["step"], "evidence": []}
    typed = "*disk* _full_ ~now~ `df <!here> & <@U1>"
    reply = answer_reply({"query": typed, "no_known_pattern": not known, "results": [result]})
    shown = "“∗disk∗ ˍfullˍ ∼now∼ ˋdf &lt;!here&gt; &amp; &lt;@U1&gt;”"
    assert reply["text"] == ("Recur: Disk full for " if known else "Recur: no known pattern matches ") + shown
    assert shown in reply["blocks"][0]["text"]["text"]  # as the reply's first block shows it


def _signed_bytes(body: bytes) -> dict:
    """Slack's signature over bytes that need not be UTF-8 (slack_sdk's signer takes text only)."""
    import hashlib
    import hmac

    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": f"v0={digest}",
    }


@pytest.mark.parametrize("path", ["/api/slack/commands", "/api/slack/interactions"])
@pytest.mark.parametrize("compressed", [True, False])
@pytest.mark.parametrize("codings", [["gzip"], ["br"], ["gzip", "identity"]])
def test_a_content_coding_is_a_415_on_the_slack_routes_as_on_the_api(served, path, compressed, codings):
    """The Slack routes read the body as sent: a gzip body, signed as sent, was searched as its
    compressed bytes (a usage reply, or "payload: missing"), or failed the signature check as if forged;
    a plain body labelled with a coding was answered as if none. Refused before anything is read,
    as on the JSON routes: 415 unsupported_media_type, in the API's error shape."""
    import gzip

    form = command_body("ENOSPC") if path.endswith("commands") else urlencode({"payload": "{}", "n": next(_n)})
    body = gzip.compress(form.encode()) if compressed else form.encode()
    headers = [*_signed_bytes(body).items(), *(("Content-Encoding", c) for c in codings)]
    r = httpx.post(served["base"] + path, content=body, headers=headers, timeout=30)
    assert r.status_code == 415 and r.headers["content-type"] == "application/json", r.text
    said = ", ".join(codings)
    assert r.json() == {
        "error": {
            "code": "unsupported_media_type",
            "message": f"send the body uncompressed (got Content-Encoding: {said})",
        }
    }
    plain = command_body("ENOSPC").encode()  # Content-Encoding: identity is no coding
    headers = {**_signed_bytes(plain), "Content-Encoding": "identity"}
    r = httpx.post(served["base"] + "/api/slack/commands", content=plain, headers=headers, timeout=30)
    assert r.status_code == 200 and r.json()["blocks"], r.text


def test_an_interaction_without_a_payload_says_so(served):
    body = urlencode({"team_id": "T1", "n": next(_n)})
    r = httpx.post(served["base"] + "/api/slack/interactions", content=body, headers=signed(body))
    assert r.status_code == 422 and r.json()["error"]["code"] == "invalid_request", r.text
    assert r.json()["error"]["message"] == "payload: missing (Slack sends the button press in this form field)"


@pytest.mark.parametrize("typed", ["share: ENOSPC", "Share: ENOSPC", "SHARE ENOSPC", "share:ENOSPC", "Share\nENOSPC"])
def test_share_in_any_case_with_or_without_a_colon_shares(served, typed):
    """Found in an integrator's review: `/recur share: disk full` and `Share: …` were not shared: searched, the
    "share:" with them, and answered to the user alone."""
    reply = slash(served, typed).json()
    assert reply["response_type"] == "in_channel"
    assert json.loads(reply["blocks"][4]["elements"][0]["value"])["q"] == "ENOSPC"


@pytest.mark.parametrize(
    "typed",
    ["help", " Help ", "--help", "-h", "share help", "share --help", "Share: -h"]
    # found in review: searched, and offered as incidents to record (`-` as `recur incident new -t - -d -`)
    + ["?", "help?", "Help!", "usage", "...", "-", "share ?", "🔥", ":fire:"],
)
def test_help_shows_the_usage(served, typed):
    """Found in an audit: `/recur help` searched for "help" and answered with patterns. Found in an integrator's
    review: `/recur share help` posted a "no known pattern" reply in the channel, and `/recur --help` was searched:
    each is the usage, shown to its user alone."""
    reply = slash(served, typed).json()
    assert reply["response_type"] == "ephemeral" and reply["text"].startswith("Usage: `/recur &lt;what you see&gt;`")
    assert "blocks" not in reply


def test_slacks_ssl_check_gets_an_empty_200_signed_or_not(served):
    """Slack checks a command URL's certificate with ssl_check=1, and slack_bolt answers it before
    verifying a signature: a 401 would read to Slack as a broken URL. Nothing is searched or written."""
    url = served["base"] + "/api/slack/commands"
    before = served["feedback"].read_bytes() if served["feedback"].exists() else b""
    body = urlencode({"ssl_check": "1", "token": "legacy"})
    plain = httpx.post(url, content=body, headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert plain.status_code == 200 and plain.content == b""
    assert httpx.post(url, content=body, headers=signed(body)).status_code == 200
    # only the command route, and only ssl_check=1: anything else unsigned is still refused
    for path, form in [("/api/slack/interactions", {"ssl_check": "1"}), ("/api/slack/commands", {"ssl_check": "0"})]:
        r = httpx.post(
            served["base"] + path,
            content=urlencode(form),
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert r.status_code == 401 and r.json()["error"]["code"] == "bad_signature"
    assert (served["feedback"].read_bytes() if served["feedback"].exists() else b"") == before


@pytest.mark.parametrize(
    "query", ["x" + "<" * 3000, "a & b > c " * 600, "disk full on db-3", "```\nERROR lunch```", "it's ``` here"]
)
def test_the_record_command_is_whole_however_long_its_escaped_text(query):
    """Found in review: escaping makes "<" four characters, the line ran past the block's limit, and
    the block was cut inside the quoted description: a command with an unclosed quote."""
    from recur.retrieval.query import unfenced
    from recur.serve.slack import MAX_SECTION, answer_reply

    text = answer_reply({"query": query, "results": [], "no_known_pattern": True})["blocks"][0]["text"]["text"]
    assert len(text) <= MAX_SECTION
    command = _record_command(text)
    # whole: each ``` of the text was made ''' inside the quotes, which ended them (its words became arguments)
    if len(query) > MAX_SECTION:  # the whole text cannot be in the command: it reads it on stdin, uncut
        assert command[:4] == ["recur", "incident", "new", "-t"] and command[5:] == ["-s", "SEVERITY", "-d", "-"]
        return
    assert command[:4] == ["recur", "incident", "new", "-t"] and command[5] == "-d" and len(command) == 7
    description = command[6]
    if "```" in query:  # Slack's code-block markup is no part of the record
        assert "`" not in command[4] + description and command[4] and description
    sent = unfenced(query).strip()
    assert description == (sent if "\n" in sent else " ".join(sent.split()))  # whole, its lines kept


# "```text": a fence's info string is formatting too (query.unfenced, shared with every surface; Slack's own
# unfencing searched "text" as the log's first line)
@pytest.mark.parametrize("fenced", ["```\n{log}\n```", "```{log}```", "share ```{log}```", "```text\n{log}\n```"])
def test_a_log_pasted_as_a_code_block_is_searched_and_recorded_without_its_fences(served, fenced):
    """Found using /recur as a responder: a log pasted in Slack comes wrapped in ``` (its code-block markup).
    The fences were searched and shown as text: the incident line's title was the fence alone, and each ```
    became ''' inside the description's shell quotes, which ended them: the command shown could not be run.
    The answer is now the unfenced log's, and the line records it (title: as `recur suggest` gives it, here
    the placeholder: two lines are not searched as a log)."""
    log = "2026-12-04T20:01:07Z ERROR what should we order for lunch on friday\n2026-12-04T20:01:09Z ERROR retry 2"
    reply = slash(served, fenced.format(log=log)).json()
    plain = slash(served, log).json()
    assert reply["no_known_pattern"] is plain["no_known_pattern"] is True
    assert reply["blocks"] == plain["blocks"] and reply["text"] == plain["text"]
    first = reply["blocks"][0]["text"]["text"]
    assert _record_command(first) == ["recur", "incident", "new", "-t", "<what happened>", "-d", log]


def test_share_glued_to_a_code_blocks_fence_is_the_logs_first_line(served):
    """Found in review: "```share\nERROR x```" (Slack's code block, its first line "share") lost "share" as the
    fence's info string; read after the fences went, it was a `share` and posted in the channel. `share` is read
    outside the block, as typed; "share```…```" still shares."""
    log = "share\n2026-12-04T20:01:07Z ERROR what should we order for lunch on friday"
    reply = slash(served, "```" + log + "```").json()
    assert reply["response_type"] == "ephemeral"
    first = reply["blocks"][0]["text"]["text"]
    assert _record_command(first)[-2:] == ["-d", log]  # searched and recorded with its first line
    assert slash(served, "share```" + log[6:] + "```").json()["response_type"] == "in_channel"


def test_slack_answers_are_counted_with_the_apis(served):
    """Found in review: recur_suggest_answers_total counted API and Alertmanager answers only, so an
    operator watching the no_known_pattern rate saw none of the Slack traffic."""
    from serve_util import metric

    before = metric(httpx.get(served["base"] + "/metrics").text, "recur_suggest_answers_total")
    assert slash(served, "No space left on device on the db host").status_code == 200
    assert slash(served, "help").status_code == 200  # usage, no search: not an answer
    after = metric(httpx.get(served["base"] + "/metrics").text, "recur_suggest_answers_total")
    assert after == before + 1


def test_a_command_whose_client_has_gone_is_searched_only_when_its_response_url_can_take_the_answer(tmp_path):
    """Found in review: /api/suggest skips a search whose client left while it waited for the model; a
    Slack command was searched for regardless. Without a response_url the answer can only go back on
    the connection: a command whose client has gone by the time the search has a slot is not searched
    for, and is a 499 as on /api/suggest. With one (every command Slack sends) the user is still there
    when the connection is not: the search is made and its answer posted to the response_url, even
    when it is ready before the 2.5 s in which it would have been the reply."""
    from serve_util import CountedGate, asked_engine, metric

    engine, asked = asked_engine(small_kb(tmp_path / "kb"), tmp_path / "index")
    app = create_app(lambda: engine, feedback_path=tmp_path / "fb.jsonl", slack_signing_secret=SECRET)
    gate = app.state.settings.gate = CountedGate()
    gate.watch_gone = True  # a command waiting for the slot counts its client gone once it is (gone_seen)
    hook, got, arrived = FastAPI(), [], threading.Event()

    @hook.post("/hook")
    async def take(request: Request):
        got.append(await request.json())
        arrived.set()
        return {"ok": True}

    with running(hook, wait_ready=False) as hook_base, running(app) as base:
        gate.acquire()  # the one slot, as a long search would hold it
        try:
            for text, url in (("no one to answer", ""), ("ENOSPC", hook_base + "/hook")):
                body = command_body(text, response_url=url)
                with pytest.raises(httpx.ReadTimeout):
                    httpx.post(
                        base + "/api/slack/commands",
                        content=body,
                        headers=signed(body),
                        timeout=httpx.Timeout(30, read=0.3),
                    )
            gate.wait_gone_seen(1)  # the server has seen the first one's close (it slept 0.3 s for it)
        finally:
            gate.release()
        gate.wait_returned(3)  # the test's slot, then the two commands'
        assert arrived.wait(30), "the answer never reached the response_url"
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and metric(
                text := httpx.get(base + "/metrics").text, "recur_http_requests_total", route="/api/slack/commands"
            )
            < 2
        ):
            time.sleep(0.05)
    assert asked == ["ENOSPC"], asked  # the command with no response_url was not searched for
    assert metric(text, "recur_http_requests_total", route="/api/slack/commands", status="499") == 1, text
    assert got[0]["blocks"] and json.loads(got[0]["blocks"][4]["elements"][0]["value"])["q"] == "ENOSPC"


def test_a_reply_of_low_results_does_not_call_them_matches_nor_open_their_runbooks():
    """Found in review: "latency" was answered "*Known patterns* for “latency”" over three cards of low
    confidence with their runbooks open, no probability, and nothing said that #3 (39%) is rated more likely
    right than #1 (26%). The reply says what the results are and the "check both" line as the terminal and
    MCP do (results.match_line, results.check_both), each card's probability, and a low card shows no steps:
    Slack cannot fold them as the site's box does."""
    answer = latency_answer()
    reply = answer_reply(answer, site_url=SITE)
    sections = [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]
    assert "Known patterns" not in sections[0]
    # the first is low: the "check both" leads, on a line of its own, as the terminal says it (results.opening)
    assert sections[0] == (
        "*Check both: the first result, leap-second, is of low confidence; cpu-throttling-container-limits (#3) is "
        "rated more likely right (39% against 26%).*\n*Possible matches, all of low confidence, in ranked order* for "
        "“latency”:"
    )
    assert "low confidence (26% likely right)" in sections[1] and "low confidence (39% likely right)" in sections[5]
    assert not [s for s in sections if "First steps" in s or "Preserve first" in s or "step of" in s]
    page = f"{SITE}/patterns/time/leap-second.html"
    assert sections[2] == f"_Low match: check it fits before you follow its runbook (<{page}|its page>)._"
    assert len([b for b in reply["blocks"] if b["type"] == "actions"]) == 3  # still voted on
    assert reply["text"] == "Recur: possible matches, all of low confidence, for “latency”"
    # a confident result keeps its steps, its probability said; the low ones after it are counted apart
    first = {**answer["results"][0], "confidence": "high", "probability": 0.91}
    mixed = answer_reply({**answer, "results": [first, *answer["results"][1:]]}, site_url=SITE)
    said = [b["text"]["text"] for b in mixed["blocks"] if b["type"] == "section"]
    assert said[0].startswith("*1 pattern matches with medium or high confidence, then 2 more of low confidence")
    assert "high confidence (91% likely right)" in said[1] and said[2].startswith("*First steps*\n1. First step")
    assert mixed["text"] == "Recur: Leap second breaks time arithmetic and 2 more for “latency”"


def test_a_long_paste_is_condensed_and_said_not_refused(served):
    """Found in review: /recur refused a text over 20,000 characters ("text is 30000 characters; the limit is
    20000") where `recur suggest` and the site's box condense it. It is condensed as they condense it (a
    stack trace's root cause, at its end, still searched) and the reply says so first."""
    from recur.retrieval.query import prepare

    text = long_trace(30_000)
    reply = slash(served, text).json()
    assert "blocks" in reply, reply
    note = prepare(text).note
    assert note.startswith("the text is 30,000 characters, over the 20,000 searched")
    first = reply["blocks"][0]["text"]["text"]
    assert first.startswith(f"_{note[0].upper()}{note[1:]}._\n"), first
    votes = [b for b in reply["blocks"] if b["type"] == "actions"]
    assert json.loads(votes[0]["elements"][0]["value"])["p"] == "disk-full"  # its root cause was searched


def test_a_paste_over_the_limit_says_how_to_cut_it_down_as_the_api_does(served):
    """Found in a responder's review: a refused text said its limit and nothing to do; /recur says what the
    API and MCP's tools say (a paste past MAX_PASTE: one a Slack form within the 1 MiB body limit holds)."""
    from recur.serve.bodies import MAX_PASTE

    reply = slash(served, "x" * (MAX_PASTE + 1)).json()
    assert reply["text"] == (
        f"text is {MAX_PASTE + 1:,} characters; the limit is {MAX_PASTE:,}: send the part that matters: the error "
        "lines or the alert, or the log's end (tail -n 200 app.log)"
    ), reply


def test_a_pasted_alert_lists_other_alerts_are_named_with_advice_a_slack_user_can_follow(served):
    """Found in review: the note of a pasted alert list told a Slack user "1 more in it: POST the payload to
    /api/alertmanager to have each answered", nothing to do in Slack: the other alert is named, and /recur
    with it alone is the way."""
    first = {"labels": {"alertname": "DiskAlmostFull", "host": "db-1"}, "annotations": {"summary": "No space left"}}
    second = {"labels": {"alertname": "KubePodCrashLooping"}, "annotations": {"summary": "restarts"}}
    reply = slash(served, json.dumps([first, second])).json()
    said = reply["blocks"][0]["text"]["text"]
    assert "searched alert 'DiskAlmostFull'" in said and "/api/alertmanager" not in said, said
    assert "1 more in it, not searched: 'KubePodCrashLooping'; to have one answered, /recur that alert alone" in said


class SlackStandIn:
    """A local HTTP server standing in for Slack's response_url: what was posted to /hook, and /slow,
    which answers only after ``delay`` seconds."""

    def __init__(self, delay: float = 0):
        import asyncio

        self.got, self.arrived, self.received = [], threading.Event(), threading.Event()
        # set to end a /slow wait early: the stand-in's server waits for its requests when it stops
        # (10 s more of a 20-second /slow, after the acknowledgement had long given up)
        self.release = threading.Event()
        self.app = FastAPI()

        @self.app.post("/hook")
        async def hook(request: Request):
            self.got.append(await request.json())
            self.arrived.set()
            return {"ok": True}

        @self.app.post("/slow")
        async def slow(request: Request):
            self.received.set()
            end = time.monotonic() + delay
            while time.monotonic() < end and not self.release.is_set():
                await asyncio.sleep(0.05)
            return {"ok": True}

    def wait(self, n: int, timeout: float = 60) -> list:
        """What was posted to /hook once ``n`` posts have arrived, or what has at ``timeout`` (a bound on a hang, as
        generous as the suite's others: 30 s could pass on a loaded machine before a reply made after a load was
        posted, and the test's assertion then named a missing post, not the load)."""
        deadline = time.monotonic() + timeout
        while len(self.got) < n and time.monotonic() < deadline:
            time.sleep(0.05)
        return self.got


def vote(
    served,
    reply: dict,
    rank: int,
    useful: bool,
    response_url: str,
    *,
    ephemeral: bool = True,
    user="U7",
    ts="1733.0001",
):
    """A click of a reply's 👍 (or 👎) under result ``rank``, as Slack posts it: the user, the message it is
    in (its ts, and its blocks and text as Slack sends them back) and the response_url to answer on."""
    actions = [b for b in reply["blocks"] if b["type"] == "actions"][rank - 1]
    button = actions["elements"][0 if useful else 1]
    payload = {
        "type": "block_actions",
        "user": {"id": user},
        "team": {"id": "T1"},
        "container": {"type": "message", "message_ts": ts, "is_ephemeral": ephemeral},
        "message": {"ts": ts, "text": reply["text"], "blocks": reply["blocks"]},
        "response_url": response_url,
        "actions": [{**button, "block_id": actions["block_id"], "type": "button", "action_ts": str(next(_n))}],
    }
    body = urlencode({"payload": json.dumps(payload)})
    return httpx.post(served["base"] + "/api/slack/interactions", content=body, headers=signed(body), timeout=30)


def test_a_vote_is_acknowledged_on_the_response_url_and_counted_once_per_voter(served):
    """Found in review: the interactions route answered 200 with a JSON body, which Slack ignores for
    block_actions: the voter saw nothing, and each click was another vote. The vote is acknowledged on the
    payload's response_url, after the answer: on a reply only the voter sees, the reply itself, the voted
    result's buttons followed by what was recorded; a second 👍 by the same person on the same result of the
    same message writes nothing, and a 👎 then is written as a change (the log stays append-only; every
    reader takes a (query, pattern)'s latest vote)."""
    text = "FATAL: sorry, too many clients already"
    reply = slash(served, text).json()
    fb = served["feedback"]
    before = fb.read_text().splitlines() if fb.exists() else []
    slack = SlackStandIn()
    with running(slack.app, wait_ready=False) as hook:
        outcomes = []
        for useful in (True, True, False):
            r = vote(served, reply, 1, useful, hook + "/hook")
            assert r.status_code == 200, r.text
            outcomes.append(r.json()["votes"][0]["outcome"])
        got = slack.wait(3)
        shared = vote(served, reply, 2, True, hook + "/hook", ephemeral=False)
        got = slack.wait(4)
        # the reply as Slack shows it now (with the note under #1), voted on under #2: both notes stay
        vote(served, {**reply, "blocks": got[2]["blocks"]}, 2, False, hook + "/hook", user="U6")
        notes = [b["elements"][0]["text"] for b in slack.wait(5)[4]["blocks"] if b["type"] == "context"]
    assert notes == ["👎 Changed to not this one. Thanks!", "👎 Recorded as not this one. Thanks!"]
    assert outcomes == ["recorded", "already recorded", "changed"]
    assert shared.json()["votes"][0]["outcome"] == "recorded"
    first, again, changed, in_channel = got[:4]
    assert first["replace_original"] is True and first["text"] == reply["text"]
    blocks = first["blocks"]
    at = next(i for i, b in enumerate(blocks) if b.get("block_id") == "recur_feedback_1")
    assert (
        blocks[at + 1]["type"] == "context"
        and blocks[at + 1]["elements"][0]["text"] == "👍 Recorded as useful. Thanks!"
    )
    assert blocks[: at + 1] == reply["blocks"][: at + 1] and blocks[at + 2 :] == reply["blocks"][at + 1 :]
    assert "Already recorded as useful" in again["blocks"][at + 1]["elements"][0]["text"]
    assert changed["blocks"][at + 1]["elements"][0]["text"] == "👎 Changed to not this one. Thanks!"
    assert len([b for b in changed["blocks"] if b["type"] == "context"]) == 1  # the earlier one replaced
    # a reply shared in the channel is not changed for everyone by one vote: a line only the voter sees
    assert in_channel["response_type"] == "ephemeral" and in_channel["replace_original"] is False
    assert in_channel["text"].startswith("👍 Recorded as useful. Thanks!") and "blocks" not in in_channel
    lines = [json.loads(x) for x in fb.read_text().splitlines()[len(before) :]]
    assert [(v["pattern"], v["useful"], v.get("changed", False)) for v in lines[:2]] == [
        ("db-pool-exhausted", True, False),
        ("db-pool-exhausted", False, True),
    ]
    assert lines[0]["vote_key"] == lines[1]["vote_key"] and "U7" not in lines[0]["vote_key"]  # no user id kept
    assert lines[2]["vote_key"] != lines[0]["vote_key"] and len(lines) == 4


def test_one_persons_votes_on_replies_to_the_same_question_count_once(served):
    """Found in review: a vote was keyed by its message too, so one person's 👍 on three replies to the same
    question (asked again mid-incident) counted three times and outvoted two people's 👎, and `recur feedback
    export` wrote a wrong case. One vote per person, query and pattern, as the site's box and the API's voter;
    a vote recorded before by message (its key then) is found on that reply, and a change replaces it."""
    import hashlib

    from recur.ingest.feedback import judge_votes

    text = "nf_conntrack: table full, dropping packet on node-7"
    reply = slash(served, text).json()
    button = [b for b in reply["blocks"] if b["type"] == "actions"][0]["elements"][0]
    query, pid = json.loads(button["value"])["q"], json.loads(button["value"])["p"]
    slack = SlackStandIn()
    with running(slack.app, wait_ready=False) as hook:

        def press(user, ts, useful):
            r = vote(served, reply, 1, useful, hook + "/hook", user=user, ts=ts)
            assert r.status_code == 200, r.text
            return r.json()["votes"][0]["outcome"]

        ups = [press("U1", ts, True) for ts in ("501.1", "502.2", "503.3")]
        downs = [press(user, ts, False) for user, ts in (("U2", "504.4"), ("U3", "505.5"))]
        # U4's 👍 on the reply at 506.6, as the version before recorded it (keyed by that message)
        old = json.dumps(["T1", "U4", "None", "506.6", query, pid], ensure_ascii=False)
        line = {"ts": "2026-12-01T00:00:00+00:00", "query": query, "pattern": pid, "useful": True}
        line["vote_key"] = "slack:" + hashlib.sha256(old.encode("utf-8")).hexdigest()[:24]
        with served["feedback"].open("a", encoding="utf-8") as fh:
            fh.write(json.dumps(line, ensure_ascii=False) + "\n")
        again, changed = press("U4", "506.6", True), press("U4", "506.6", False)
        slack.wait(7)
    assert ups == ["recorded", "already recorded", "already recorded"] and downs == ["recorded", "recorded"]
    assert (again, changed) == ("already recorded", "changed")
    judged = [j for j in judge_votes(served["feedback"], served["kb"]) if j.query == query and j.pattern == pid]
    assert [(j.up, j.down) for j in judged] == [(1, 3)], judged
    assert judged[0].verdict != "confirmed"


def test_a_vote_is_recorded_when_slack_cannot_be_reached(served, capfd, caplog, monkeypatch):
    """The acknowledgement is posted after the answer, with a short timeout: Slack unreachable or slow is a
    warning in the server's log; the vote is recorded, the route answers at once, the server goes on. That
    warning alone: slack_sdk's two `ERROR slack_sdk.webhook.client: Failed to send a request …` lines (one an
    attempt) came before it, where ERROR is for what stops the server (found in the privacy review)."""
    import logging

    from recur.serve import slack as slack_routes

    caplog.set_level(logging.DEBUG)

    reply = slash(served, "ENOSPC").json()
    closed = free_socket()
    gone = f"http://127.0.0.1:{closed.getsockname()[1]}/x"  # bound, never listening: connection refused
    # the answer comes before the acknowledgement: an order, not a time (a loaded machine failed "answered
    # within 3 s", then "before the 2-second timeout"): with the acknowledgement's timeout long and Slack
    # holding it, the vote is answered while Slack still holds the acknowledgement (posted first, it waited)
    monkeypatch.setitem(slack_routes.POST_TIMEOUT, "acknowledgement", 300)
    held = SlackStandIn(delay=300)
    with running(held.app, wait_ready=False) as hook:
        first = vote(served, reply, 1, True, hook + "/slow", user="U8")
        assert held.received.wait(60), "the acknowledgement was never posted"
        assert not held.release.is_set()  # still holding it when the answer came
        held.release.set()
    # Slack slow past the acknowledgement's timeout (made short here; the server runs in this process) or
    # unreachable: a warning in the log, each; the test's bound on seeing them long
    monkeypatch.setitem(slack_routes.POST_TIMEOUT, "acknowledgement", 1)
    slack = SlackStandIn(delay=300)
    # every acknowledgement posted before has ended, its warning (if any) printed, before stderr is cleared: the
    # first vote's, and any an earlier test left running in this module's server (a vote to 127.0.0.1:9 is
    # answered at once, its failing post retried 0.5-1.5 s later); one counted here under load made 3
    wait_requests_done(served["base"])
    capfd.readouterr()
    with running(slack.app, wait_ready=False) as hook:
        slow = vote(served, reply, 1, False, hook + "/slow", user="U10")
        refused = vote(served, reply, 1, False, gone, user="U9")
        deadline = time.monotonic() + 120
        err = ""
        while time.monotonic() < deadline and err.count("could not post the acknowledgement") < 2:
            time.sleep(0.2)
            err += capfd.readouterr().err
        slack.release.set()
    closed.close()
    assert first.status_code == 200 and first.json()["votes"][0]["outcome"] == "recorded", first.text
    assert slow.json()["votes"][0]["outcome"] == "recorded" and refused.json()["votes"][0]["outcome"] == "recorded"
    assert err.count("warning: could not post the acknowledgement to Slack") == 2, err
    assert "Traceback" not in err and "Failed to send" not in err
    sdk = [f"{r.levelname} {r.name}: {r.getMessage()}" for r in caplog.records if r.name.startswith("slack_sdk")]
    assert sdk == [], sdk
    assert slash(served, "ENOSPC").status_code == 200  # still serving


def test_a_card_says_what_tells_it_from_a_look_alike_shown_beside_it():
    """The terminal, MCP and the site's box show a result's declared look-alike line ("vs disk-full: df -i
    ..."); Slack's card did not, and "inode-exhaustion or disk-full?" is what a responder asks there."""
    by = "`df -i` shows IUse% 100% while `df -h` still reports free space"
    first = {"rank": 1, "id": "inode-exhaustion", "title": "Inodes", "confidence": "high", "severity": "sev3",
             "path": "patterns/capacity/inode-exhaustion.md", "runbook": ["df -i"], "evidence": [],
             "look_alikes": [{"id": "dns-failure", "title": "DNS", "by": None},
                             {"id": "disk-full", "title": "Disk full", "by": by}]}  # fmt: skip
    second = {**first, "rank": 2, "id": "disk-full", "title": "Disk full", "look_alikes": []}
    reply = answer_reply({"query": "ENOSPC", "no_known_pattern": False, "results": [first, second]})
    bodies = [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]
    assert (
        sum("*vs* `disk-full`: `df -i` shows IUse% 100% while `df -h` still reports free space" in b for b in bodies)
        == 1
    )
    assert not any("dns-failure" in b for b in bodies)  # no declared line: nothing to say


def _record_command(first: str) -> list[str]:
    """The reply's record command as bash reads it (the words `recur` is run with)."""
    import html
    import re
    import subprocess

    command = html.unescape(re.search(r"```(recur incident new .*)```", first, re.S).group(1))
    run = subprocess.run(
        ["bash", "-c", 'recur() { printf "%s\\0" "$@"; }; ' + command], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    return ["recur", *run.stdout.split("\0")[:-1]]


def test_the_record_command_holds_the_whole_text_or_reads_it_on_stdin_never_a_cut_one(served):
    """Found in review: the reply's command was titled by the text's first line ("Maya Chen 3:04 AM" of a
    Slack thread) and described by the text cut to 1,500 characters ending in "…": run as shown, the record
    held a cut text. It is titled as `recur suggest`'s footer titles it (pasted_log.record_title: here the
    log line searched, its timestamp and level out), with the whole text when the command fits the reply;
    else it reads the text on stdin (``-d -``, pasted on the terminal) and the reply says so."""
    said = "what should we order for lunch on friday"
    log = [f"2026-12-04T20:01:07Z ERROR {said}", "2026-12-04T20:01:09Z ERROR retry 2"]
    thread = "\n".join(["Maya Chen 3:04 AM", *log, *log, "2026-12-04T20:01:19Z INFO retrying"])
    reply = slash(served, thread).json()
    assert reply["no_known_pattern"] is True
    first = reply["blocks"][0]["text"]["text"]
    # its lines kept (found in review: a pasted log flattened to one line), on the command's one line
    assert _record_command(first) == ["recur", "incident", "new", "-t", said, "-d", thread]
    assert "\n" not in first.split("```")[1]
    level = {3: "ERROR"}  # a log of 40 lines, one an error: searched by it, and titled by what it says
    long = "\n".join(f"2026-12-04T20:01:{n:02}Z {level.get(n % 10, 'INFO')} {said}, option {n}" for n in range(40))
    assert len(long) > MAX_SECTION
    reply = slash(served, long).json()
    assert reply["no_known_pattern"] is True
    first = reply["blocks"][0]["text"]["text"]
    assert "…" not in first.split("```")[1]  # the command: no cut text in it
    title = f"{said}, option 3"
    assert _record_command(first) == ["recur", "incident", "new", "-t", title, "-s", "SEVERITY", "-d", "-"]
    assert "paste the text" in first.split("```")[0] and "Ctrl-D" in first.split("```")[0]


def test_the_reply_says_a_typo_of_one_id_as_the_terminal_does(served):
    """`recur suggest disk-ful` says "Did you mean disk-full? recur show disk-full" and offers no record; /recur
    disk-ful said "No known pattern … Record it" with the record command for the typo. The reply says it as the
    terminal does, proposes no record, and carries /api/suggest's ``meant``."""
    reply = slash(served, "disk-ful").json()
    api = httpx.post(served["base"] + "/api/suggest", json={"text": "disk-ful"}).json()
    assert reply["meant"] == api["meant"] == ["disk-full"], (reply, api)
    intro = reply["blocks"][0]["text"]["text"]
    assert "Did you mean disk-full? `recur show disk-full`" in intro and "recur incident new" not in intro, intro
    plain = slash(served, "disk ful").json()
    assert plain["meant"] == [] and "Did you mean" not in plain["blocks"][0]["text"]["text"]


@pytest.mark.parametrize(
    "typed",
    [
        ":rotating_light: :rotating_light: No space left on device on the db host",
        ":fire::fire: No space left on device on the db host :+1::skin-tone-2:",
        "🚨🚨 No space left on device on the db host 🔥",
    ],
)
def test_emoji_codes_and_emoji_are_not_searched(served, typed):
    """Found in review: Slack sends an emoji as its :name: code, and ":rotating_light: :rotating_light: postgres
    connection pool exhausted" answered "no known pattern" where the words alone matched at high 85%. The codes
    standing as words, and emoji characters (query.prepare, every surface), are left out: the words are searched."""
    plain = slash(served, "No space left on device on the db host").json()
    reply = slash(served, typed).json()
    ranked = [json.loads(b["elements"][0]["value"]) for b in reply["blocks"] if b["type"] == "actions"]
    assert ranked == [json.loads(b["elements"][0]["value"]) for b in plain["blocks"] if b["type"] == "actions"]
    assert ranked[0] == {"q": "No space left on device on the db host", "p": "disk-full"}
    assert reply["text"] == plain["text"]


def test_what_only_looks_like_an_emoji_code_is_searched(served):
    """A :name: glued to a word (a logger's "ERROR:root:", a port's "host:8080:"), a port alone (Go's "listen tcp
    :8080: bind") or in code is no emoji."""
    from recur.serve.slack import _command_text

    kept = "ERROR:root:disk full host:8080: at 12:30:45 listen tcp :8080: bind `:fire:`\n```\n:fire: in a block\n```"
    assert _command_text(kept) == (kept.replace("```\n", "\n").replace("\n```", "\n").strip(), False)
    reply = slash(served, "ERROR:root:No space left on device").json()
    assert json.loads(reply["blocks"][4]["elements"][0]["value"])["q"] == "ERROR:root:No space left on device"


def test_a_cards_markdown_links_and_bold_are_slacks_own():
    """Found in review: a step's ``[Grafana board](https://…)`` and ``**pool**`` were shown as typed in the card.
    A web link is Slack's ``<url|words>``, a link to another pattern's file its words and id (as the terminal reads
    it), bold mrkdwn's *x* and italic _x_; code spans stay as written."""
    step = (
        "Open the [Grafana **pool** board](https://grafana.example.com/d/pg?from=now-1h&var=(db)) and check "
        "**active connections**; then see [rollback-fails](../deploy/rollback-fails.md), *not* `**raw** [a](b)`"
    )
    r = {"rank": 1, "id": "db-pool", "title": "Pool", "confidence": "high", "severity": "sev2",
         "path": "patterns/data/db-pool.md", "runbook": [step], "evidence": ["the **pg_stat_activity** [dump](https://x.example.com/a|b)"]}  # fmt: skip
    body = answer_reply({"query": "pool", "no_known_pattern": False, "results": [r]})["blocks"][3]["text"]["text"]
    assert (
        "1. Open the <https://grafana.example.com/d/pg?from=now-1h&amp;var=(db)|Grafana *pool* board> and check "
        "*active connections*; then see rollback-fails (`rollback-fails`), _not_ `**raw** [a](b)`"
    ) in body
    assert "*Preserve first:* the *pg_stat_activity* <https://x.example.com/a%7Cb|dump>" in body


def test_the_record_command_reads_back_a_text_of_several_lines_as_sent():
    """A pasted log's lines are kept (incident_command, for Slack and `recur suggest`'s footer), whatever they hold:
    quotes, a backslash, $ and backticks the shell must not expand, a tab, a colour code; the command one line."""
    from recur.kb.incident_record import incident_command

    text = 'Jan 3 10:00:01 web-4 app: it\'s "down" & x > 3\\n $HOME `ls`\tend\x1b[0m\r\n  indented\n\nlast'
    command = incident_command(text, title="zorp failed")
    assert "\n" not in command
    said = _record_command(f"```{command}```")
    assert said == ["recur", "incident", "new", "-t", "zorp failed", "-d", text.replace("\r\n", "\n")]


def test_one_line_replies_are_escaped_for_slack():
    """Found in review: the usage sent ``<what you see>`` raw, which Slack reads as its markup (&, < and > must be
    escaped in a message's text), as text_reply sent an error message naming a <placeholder>."""
    from recur.serve.slack import refusal, text_reply

    assert text_reply("no <b> & `x > y`")["text"] == "no &lt;b&gt; &amp; `x &gt; y`"
    assert refusal("pattern <x> & y")["text"].endswith("pattern &lt;x&gt; &amp; y")


def test_a_vote_for_a_pattern_renamed_since_the_reply_says_so_not_did_you_mean(tmp_path, kb_dir):
    """Found in review: a button's pattern renamed or removed since the reply got "did you mean disk-full?", as a
    typed id would; the voter typed nothing. They are told the pattern changed since the reply, and to ask again."""
    app, got, arrived = hooked_app(kb_dir, tmp_path, errors=True)
    with running(app, wait_ready=False) as base:
        r = press_with_reply_hook(base, "disk full", "disk-fulll")
        assert r.status_code == 404 and r.json()["error"]["code"] == "pattern_not_found"
        assert arrived.wait(30), "the refused press was never acknowledged"
    said = got[0]["text"]
    assert said == (
        "⚠️ Your vote was not recorded: this result's pattern (`disk-fulll`) was renamed or removed since the reply; "
        "run /recur again"
    )
    assert not (tmp_path / "fb.jsonl").exists()


def test_a_long_card_is_cut_at_a_line_after_escaping_and_keeps_its_look_alike_line():
    """Found in review: a card's body was cut at 3,000 characters after its pieces were escaped ("<" is four), so
    it ended inside an "&amp;", or inside a ``` block (the rest of the card code), and its *vs* line, the last,
    was lost. It is cut at a line's end with "…", a block closed, the evidence and vs lines kept."""
    import re

    code = "```\n" + "\n".join(f"echo {i} '<<<<>>>> && <<<<>>>>'" for i in range(40)) + "\n```"  # 4 to 5 times longer
    link = "[the <board>](https://grafana.example.com/d/x?" + "&" * 150 + ") "
    for steps in (
        [f"Check the pool & <queue> {n}: " + "<a> & <b> " * 20 + "\n\n" + code for n in (1, 2)],  # cut in a block
        [code, code],
        [link * 3, link * 3],  # cut in a line of links
    ):
        r = {"rank": 1, "id": "pool", "title": "Pool", "confidence": "high", "severity": "sev2",
             "path": "patterns/data/pool.md", "runbook": steps, "evidence": ["keep <this> & that"],
             "look_alikes": [{"id": "disk-full", "title": "Disk", "by": "`df -h` says 100% & <full>"}]}  # fmt: skip
        body = answer_reply({"query": "pool", "no_known_pattern": False, "results": [r]})["blocks"][3]["text"]["text"]
        assert len(body) <= MAX_SECTION
        assert body.endswith(
            "\n*Preserve first:* keep &lt;this&gt; &amp; that\n*vs* `disk-full`: `df -h` says 100% &amp; &lt;full&gt;"
        )
        assert not re.search(r"&(?!amp;|lt;|gt;)", body), body[-300:]  # no entity cut inside
        assert body.count("```") % 2 == 0 and "…" in body
        assert body.count("<") == body.count(">")  # no link left open


def test_a_long_card_line_with_no_space_near_its_end_is_cut_at_its_room():
    """Found in review: a card line over its room was cut back to its last space, so a line with no space near the
    end (Japanese prose, a long URL) became its first words and "…" ("*Preserve first:*…", the rest lost). With no
    space within 40 characters of the room, it is cut there, stepping back only out of an entity ("&" is sent as
    "&amp;", "<" as "&lt;": a quarter of the section, 750 characters, is less than 600 such characters)."""
    import re

    japanese = "書き込みが失敗&容量<90%" * 40  # 600 characters, no space: 1,120 once escaped
    url = "see https://grafana.example.com/d/x?" + "v=a&" * 140  # 596 characters: 1,016 once escaped
    for evidence, start in (
        (japanese, "書き込みが失敗&amp;容量&lt;90%書き込み"),
        (url, "see https://grafana.example.com/d/"),
    ):
        r = {"rank": 1, "id": "pool", "title": "Pool", "confidence": "high", "severity": "sev2",
             "path": "patterns/data/pool.md", "runbook": ["Check the pool."], "evidence": [evidence],
             "look_alikes": [{"id": "disk-full", "title": "Disk", "by": evidence}]}  # fmt: skip
        body = answer_reply({"query": "pool", "no_known_pattern": False, "results": [r]})["blocks"][3]["text"]["text"]
        for line, lead in zip(body.split("\n")[-2:], ("*Preserve first:* ", "*vs* `disk-full`: "), strict=True):
            assert line.startswith(lead + start) and line.endswith("…"), line
            assert MAX_SECTION // 4 - 6 <= len(line) <= MAX_SECTION // 4, (len(line), line)  # cut at its room
            assert re.fullmatch(r"(?:[^&]|&amp;|&lt;)*…", line), line[-40:]  # no entity cut inside


def test_the_api_and_slack_vote_keys_are_the_keys_written_before_they_shared_hashed_key():
    """api_vote_key and vote_keys each hashed their parts alike, in two copies; they share feedback.hashed_key
    now, and every key must stay byte-identical: a changed key would count a person's earlier vote apart
    (values computed by the copies before)."""
    from types import SimpleNamespace

    from recur.serve.routes.feedback import api_vote_key
    from recur.serve.slack import vote_keys

    assert api_vote_key("ana", "Disk full  on db-1", "disk-full") == "api:8bd068131dad1a4a4b7a3611"
    assert api_vote_key("zoë", "ünïcode ✓", "disk-full") == "api:17765990aabd97a39059c0e2"
    where = {"channel_id": "C1", "message_ts": "1700000000.000100"}
    payload = {"user": {"id": "U1"}, "team": {"id": "T1"}, "container": where}
    assert vote_keys(payload, SimpleNamespace(query="Disk full  on db-1", pattern="disk-full")) == (
        "slack:6c928892ea6c8c48ea7c0a6c",
        "slack:431d1dd2e782d2c29dd931f7",
    )
    assert vote_keys({"user": {"id": "U1"}}, SimpleNamespace(query="ünïcode ✓", pattern="disk-full")) == (
        "slack:f4fabb5d3227cbc287020224",
        "slack:7be0f9f3ee6da3244aa5788a",
    )


@pytest.mark.parametrize("first", ["low", "medium"])
def test_a_replys_opening_is_the_rule_the_terminal_and_mcp_open_by(first):
    """Slack's reply opened by its own copy of the rule (results.check_both_first, then check_both) where the
    terminal, `recur incident new` and MCP open by results.opening: a change to the rule could leave Slack
    behind. Its first section says results.opening's lines, in mrkdwn, for a low first result (the "check
    both" leads) and a medium one (the "check both" after the count)."""
    from recur.retrieval.results import match_line, opening

    answer = latency_answer()
    answer["results"][0]["confidence"] = answer["results"][2]["confidence"] = first  # #3 rated likelier (39%)
    results = answer["results"]
    count = match_line(results, None, 0, more="")
    lines = opening(results, count)
    said = answer_reply(answer, site_url=SITE)["blocks"][0]["text"]["text"]
    if first == "low":  # the lead in bold on its own line, then the count in bold, said of what was asked
        assert said == f"*{lines[0]}*\n*{count}* for “latency”:" and lines[1] == f"{count}:"
    else:  # one line, "COUNT; ID (#K) is rated more likely right …: check both.": the "check both" on its own
        assert len(lines) == 1 and lines[0].startswith(f"{count}; ") and "check both" in lines[0]
        assert said == f"*{count}* for “latency”.\n{lines[0].removeprefix(count + '; ')}"
