"""A question that is no incident at all ("how do I get VPN access", "I am new, what should I read first") was
answered "No known pattern … If it is new, record it: recur incident new …", and a newcomer filed an incident.
When the answer's own evidence says the text is about no failure (retrieval.results.about_no_failure: every
result the verdict reads rated tiny, and at most one why entry matched by meaning), the terminal and the site's
box say "nothing in the knowledge base is about this", keep the record command as one reading of it, and point a
newcomer's question to the onboarding paths. Found in a new-hire review."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import click
import httpx
import pytest
import yaml
from query_js import NODE, run_query_js
from serve_util import running
from test_serve_browser import ask, box_page, built, server  # noqa: F401  (fixtures, reused)

from recur.cli.render import PATHS_HINT, RecordAs, render_answer
from recur.retrieval import results
from recur.retrieval.calibrate import VERDICT_TOP
from recur.retrieval.results import about_failure, about_no_failure
from recur.serve import create_app

ROOT = Path(__file__).resolve().parents[1]
NOTHING = "nothing in the knowledge base is about this"


def _said(engine, text: str, kb_dir=ROOT / "kb") -> str:
    """`recur suggest TEXT`'s answer on the starter KB (calibrated: a KB under calibrate.MIN_CANDIDATES patterns
    has no probability, and is never said to be about nothing), as the terminal prints it."""
    return click.unstyle(render_answer(engine.answer(text, top=5), record=RecordAs(text, text), kb_dir=str(kb_dir)))


def test_suggest_says_an_off_topic_question_is_about_nothing_it_knows(real_engine):
    out = _said(real_engine, "how do I get VPN access")
    lines = out.rstrip().splitlines()
    # what a question is told first, as the site's box tells it (test_question_help.py), then the incident's reading
    assert lines[0].startswith(f"No known pattern matches this: {NOTHING}. If it is a question (access to a tool"), out
    start = "Ask your team; the onboarding paths (recur paths lists them) are where a new hire starts."
    assert f"{start} If it is an incident, record it" in lines[0], out
    assert lines[1].strip().startswith("recur incident new -t 'how do I get VPN access'")
    assert lines[-1].startswith("If it is an incident, record it: recur incident new"), out
    assert "If it is new, record it" not in out and PATHS_HINT not in out  # no newcomer's question


def test_a_newcomers_question_is_pointed_to_the_onboarding_paths(real_engine, tmp_path):
    out = _said(real_engine, "I am new, what should I read first")
    assert NOTHING in out and out.count(PATHS_HINT) == 2, out  # at the top and at the end, where the terminal is
    # a KB with no onboarding path: `recur paths` lists none, so none is pointed to (found in a re-read)
    (tmp_path / "kb" / "paths").mkdir(parents=True)
    out = _said(real_engine, "I am new, what should I read first", tmp_path / "kb")
    assert NOTHING in out and PATHS_HINT not in out and "recur paths" not in out, out


def test_a_kb_too_small_to_calibrate_calls_nothing_about_nothing(run):
    """A KB under calibrate.MIN_CANDIDATES patterns rates no result (probability None): that was read as 0.0, and
    every text was said to be about nothing, real incidents too (found in a re-read)."""
    for text in ("how do I get VPN access", "payments webhook returns 500 for every request since noon"):
        out = run("suggest", "--json", text).stdout
        answer = json.loads(out)
        assert answer["no_known_pattern"] and {r["probability"] for r in answer["results"]} == {None}, out
        assert not about_no_failure(answer)
        out = run("suggest", text).stdout
        assert NOTHING not in out and "If it is new, record it" in out, out


def test_the_rule_reads_the_json_answer_too(real_engine):
    """Slack and MCP hold the answer's JSON (Answer.to_json): the same rule reads it."""
    for text, nothing in (("how do I get VPN access", True), ("payments webhook returns 500 for every request", False)):
        answer = real_engine.answer(text, top=5)
        assert about_no_failure(answer) is nothing is about_no_failure(answer.to_json()), text
    assert not about_no_failure({"no_known_pattern": True, "results": [{"probability": None, "why": []}]})
    asked = {"query": "who approves expense reports", "no_known_pattern": True}
    assert about_no_failure({**asked, "results": [{"probability": 0.02, "why": []}]})


def test_slack_and_mcp_say_it_and_do_not_tell_to_record_it(real_engine):
    """Slack's reply said "Record it" and MCP's text "record the incident with the record_incident tool" for "how
    do I get VPN access": an assistant with write access records it itself (found in a re-read)."""
    from recur.serve.mcp_text import answer_text
    from recur.serve.slack import answer_reply

    vpn = real_engine.answer("how do I get VPN access", top=5).to_json()
    head = answer_reply(vpn)["blocks"][0]["text"]["text"]
    asked = "If it is a question (access to a tool, who does what), Recur has no answer: it knows failure patterns "
    asked += "only. Ask your team."  # no site's URL: no glossary to name (test_question_help.py)
    assert f"{NOTHING}. {asked} If it is an incident, record it" in head and "Record it" not in head, head
    text = answer_text(vpn, writes=True)
    assert text.startswith(f"No known pattern matches: {NOTHING}. {asked} If it is an incident, record it with"), text
    assert "If it is a question, do not record it." in text
    new = real_engine.answer("payments webhook returns 500 for every request since noon", top=5).to_json()
    assert "Record it, so it shows as needs analysis" in answer_reply(new)["blocks"][0]["text"]["text"]
    assert answer_text(new, writes=True).startswith("No known pattern matches: record the incident with the")


def test_a_failure_the_kb_lacks_is_still_a_new_incident_to_record(real_engine):
    """The rule reads what the answer holds: a new failure reads like the KB's failures, by meaning."""
    text = "payments webhook returns 500 for every request since noon"
    answer = real_engine.answer(text, top=5)
    assert answer.no_known_pattern and not about_no_failure(answer)
    said = click.unstyle(render_answer(answer, record=RecordAs(text, text)))
    assert said.startswith("No known pattern matches this. If it is new, record it") and NOTHING not in said
    vpn = real_engine.answer("how do I get VPN access", top=5)
    assert vpn.no_known_pattern and about_no_failure(vpn)


def test_no_question_of_the_starter_kbs_cases_is_called_no_failure(real_engine):
    """kb/eval/cases.yml: incidents in a responder's words, 15 of them with no known pattern on the starter KB;
    none is said to be about nothing (measured with the off-topic sets: bench/data/offtopic-*.txt, 73 of 82)."""
    cases = yaml.safe_load((ROOT / "kb/eval/cases.yml").read_text())
    cases = cases["cases"] if isinstance(cases, dict) else cases
    answers = real_engine.answer_many([c["query"] for c in cases], top=5)
    assert [a.query for a in answers if about_no_failure(a)] == []
    asked = [line.strip() for line in (ROOT / "bench/data/offtopic-check.txt").read_text().splitlines()]
    off = real_engine.answer_many([q for q in asked if q and not q.startswith("#")], top=5)
    assert sum(map(about_no_failure, off)) >= 14, len(off)


# Real incidents in a responder's few words, written for this test (none has a pattern on the starter KB): the rule
# read the probabilities and the meaning count alone, and called each about nothing (found in a responder's review)
REAL = (
    "410",
    "5xxs",
    "wedged",
    "EPIPE",
    "SIGSEGV",
    "sev2",
    "sev 2",
    "p1",
    "alerting",
    "ECONNREFUSED",
    "oncall got paged",
    "pager not going off",
    "ci pipeline broken",
    "incident declared",
    "sev2 declared",
)
# Questions about no failure, written for this test: still said to be about nothing
OFF = (
    "how do I get VPN access",
    "printer on floor two has no toner",
    "what time is the standup",
    "who approves expense reports",
)


def test_a_real_incident_in_few_words_is_never_said_to_be_about_nothing(real_engine):
    for text in REAL:
        out = _said(real_engine, text)
        more = results.say_more(real_engine.answer(text, top=5))  # a text of few words: told to say more first
        said = f"No known pattern matches this. {f'{more}{chr(10)}' if more else ''}If it is new, record it"
        assert NOTHING not in out and out.startswith(said), out
    for text in OFF:
        assert _said(real_engine, text).startswith(f"No known pattern matches this: {NOTHING}."), text


def test_a_signal_found_in_the_text_is_about_a_failure():
    """`recur suggest 503` had a why "identifier “503” of the signal …" and was said to be about nothing: a why
    entry found in the text (a signal, an identifier of one, a runbook link, an id) is a failure the KB knows."""
    asked = {"query": "who approves expense reports", "no_known_pattern": True}
    low = {"probability": 0.02, "why": [{"field": "terms", "text": "approves", "score": 1.2}]}
    assert about_no_failure({**asked, "results": [low]})
    for how in results.FOUND:
        found = {"field": "signal", "text": "HTTP 503 Service Unavailable", "score": 0.9, "match": how}
        # any result's, not only those the verdict reads
        held = [low] * VERDICT_TOP + [{"probability": 0.01, "why": [found]}]
        assert not about_no_failure({**asked, "results": held}), how


def test_failure_words_statuses_errnos_and_alert_names_are_about_a_failure():
    for text in (
        "the checkout api is returning errors",
        "nightly export job failed twice",
        "our grafana dashboards time out",
        "kafka consumer lag keeps growing",
        "we got 502s from the edge",
        "a KubeJobFailed for the billing cron",
        "writes get EROFS on the data volume",
        "the primary did a failover at noon",
        "connection reset by peer from the bank",
        "sev 3 opened for slow search",
    ):
        assert about_failure(text), text
    for text in (
        "how do I reset my password",
        "who approves expense reports",
        "breakfast is served at nine",
        "which wiki page lists the holidays",
        "book a room for 12 people",
    ):
        assert not about_failure(text), text
    assert about_failure("") and about_failure("latency") and about_failure("two words")


def _js_verdicts(tmp_path, answers: list[dict]) -> dict:
    """recur-query.js's aboutFailure and aboutNoFailure of each answer, and the settings they read."""
    body = (
        "const out = input.map((a) => "
        "[q.aboutFailure(a.query), q.aboutNoFailure(a.query, a.no_known_pattern, a.results)]);\n"
        "const keys = ['FAILURE_WORDS', 'FAILURE_TOKENS', 'FOUND', 'NOT_A_FAILURE_BELOW', 'NOT_A_FAILURE_MEANINGS', "
        "'NOT_A_FAILURE_MIN_WORDS', 'VERDICT_TOP'];\n"
        "return {out, settings: Object.fromEntries(keys.map((k) => [k, q[k]]))};"
    )
    return run_query_js(tmp_path, body, answers)


@pytest.mark.skipif(NODE is None, reason="node is not installed")
def test_the_boxs_rule_gives_the_same_verdicts(real_engine, tmp_path):
    """The site's box reads assets/recur-query.js aboutNoFailure (recur-suggest.js notAFailure): the same settings
    as retrieval.results, and the same verdict on every answer of the starter KB to the real incidents, the
    questions, the off-topic sets and the eval cases."""
    asked = [*REAL, *OFF, "503", "mongo primary stepdown", "the kitchen dishwasher is broken again"]
    for name in ("offtopic-check", "offtopic-ask", "offtopic-words-check"):
        lines = (ROOT / "bench/data" / f"{name}.txt").read_text().splitlines()
        asked += [q.strip() for q in lines if q.strip() and not q.startswith("#")]
    cases = yaml.safe_load((ROOT / "kb/eval/cases.yml").read_text())
    asked += [c["query"] for c in (cases["cases"] if isinstance(cases, dict) else cases)]
    answers = [a.to_json() for a in real_engine.answer_many(asked, top=5)]
    said = _js_verdicts(tmp_path, answers)
    assert said["settings"] == {
        "FAILURE_WORDS": results.FAILURE_WORDS,
        "FAILURE_TOKENS": results.FAILURE_TOKENS,
        "FOUND": list(results.FOUND),
        "NOT_A_FAILURE_BELOW": results.NOT_A_FAILURE_BELOW,
        "NOT_A_FAILURE_MEANINGS": results.NOT_A_FAILURE_MEANINGS,
        "NOT_A_FAILURE_MIN_WORDS": results.NOT_A_FAILURE_MIN_WORDS,
        "VERDICT_TOP": VERDICT_TOP,
    }
    assert said["out"] == [[about_failure(a["query"]), about_no_failure(a)] for a in answers]
    verdicts = dict(zip(asked, (v for _, v in said["out"])))
    assert not any(verdicts[t] for t in REAL) and all(verdicts[t] for t in OFF)
    assert sum(verdicts.values()) >= 30, verdicts  # the sentence-long off-topic questions still are


@pytest.fixture(scope="module")
def real_server(built, real_engine, tmp_path_factory):  # noqa: F811
    """The browser tests' site served over the starter KB with the bundled model (calibrated, as a team's KB of
    30 patterns or more is), its suggest page's box marked as a site with onboarding paths has it (data-paths,
    site/generate.describe_box); its nested page's box is not."""
    _, site = built
    work = tmp_path_factory.mktemp("real-box")
    shutil.copytree(site, work / "site")
    page = work / "site" / "suggest.html"
    box = 'class="recur-suggest" data-api="/api"'
    page.write_text(page.read_text().replace(box, f"{box} data-paths", 1))
    assert "data-paths" in page.read_text()
    with running(create_app(lambda: real_engine, site_dir=work / "site", feedback_path=work / "fb.jsonl")) as base:
        yield base


def test_the_box_says_it_too_and_links_the_onboarding_paths(chromium, real_server):
    """A question that is no incident is told first what a question is told (a new hire's review: "how do I get VPN
    access" was answered "If it is an incident, record it" and nothing more): the box knows failure patterns only,
    ask your team, the onboarding paths and the glossary; then the incident's reading, with its command."""
    base = real_server
    text = "I am new, what should I read first"
    assert httpx.post(base + "/api/suggest", json={"text": text, "top": 3}, timeout=60).json()["no_known_pattern"]
    with box_page(chromium, base + "/suggest.html", "api") as (page, errors):
        ask(page, text)
        page.wait_for_selector(".recur-suggest__status a.recur-suggest__paths", timeout=30000)
        status = page.inner_text(".recur-suggest__status")
        assert status.startswith(f"No known pattern matches this: {NOTHING}. New to on-call? The onboarding paths"), (
            status
        )
        assert "the glossary says what this site\u2019s words mean." in status and "recur incident new" in status
        # before the closest patterns' colon, as the terminal says it: after it, the paths read as that list
        assert status.index("New to on-call?") < status.index("If it is an incident, record it"), status
        assert status.index("If it is an incident") < status.index("The closest patterns, for comparison only"), status
        assert status.rstrip().endswith("for comparison only:"), status
        href = page.get_attribute(".recur-suggest__status a.recur-suggest__paths", "href")
        assert href.endswith(("/paths/index.html", "/paths/")), href
        assert page.get_attribute(".recur-suggest__status a.recur-suggest__glossary", "href") == base + "/glossary.html"
        ask(page, "how do I get VPN access")
        page.wait_for_function(  # its answer, not "Looking for matching patterns…" in between
            f"() => document.querySelector('.recur-suggest__status').textContent.indexOf({NOTHING!r}) >= 0 && "
            "document.querySelector('.recur-suggest__status').textContent.indexOf('New to on-call') < 0"
        )
        status = page.inner_text(".recur-suggest__status")
        assert status.startswith(
            f"No known pattern matches this: {NOTHING}. If it is a question (access to a tool, who does what), this box "
            "has no answer: it knows failure patterns only. Ask your team; the onboarding paths and the glossary (what "
            "this site\u2019s words mean) are where a new hire starts. If it is an incident, record it"
        ), status
        assert "recur incident new -t 'how do I get VPN access'" in status, status
        assert page.get_attribute(".recur-suggest__status a.recur-suggest__glossary", "href") == base + "/glossary.html"
        ask(page, "writes fail: No space left on device")
        page.wait_for_selector('.recur-suggest[data-no-known-pattern="false"]', timeout=30000)
        assert NOTHING not in page.inner_text(".recur-suggest__status")
        assert not page.query_selector(".recur-suggest__status a.recur-suggest__glossary")
        assert not errors, errors
    # a site without onboarding paths (no data-paths): said to be about nothing, no link to an empty list
    with box_page(chromium, base + "/guide/deep.html", "api") as (page, errors):
        ask(page, text)
        page.wait_for_function(
            f"() => document.querySelector('.recur-suggest__status').textContent.indexOf({NOTHING!r}) >= 0"
        )
        assert not page.query_selector(".recur-suggest__status a.recur-suggest__paths") and not errors
        status = page.inner_text(".recur-suggest__status")
        assert "Ask your team; the glossary (what this site\u2019s words mean) is where a new hire starts." in status
        assert page.get_attribute(".recur-suggest__status a.recur-suggest__glossary", "href") == base + "/glossary.html"


def test_the_box_on_a_kb_too_small_to_calibrate_says_no_such_thing(chromium, server):  # noqa: F811
    """The small KB (4 patterns) rates no result: the box called every text about nothing (found in a re-read)."""
    base, _ = server
    with box_page(chromium, base + "/suggest.html", "api") as (page, errors):
        ask(page, "how do I get VPN access")
        page.wait_for_selector('.recur-suggest[data-no-known-pattern="true"]', timeout=60_000)
        status = page.inner_text(".recur-suggest__status")
        assert NOTHING not in status and status.startswith("No known pattern matches this. If it is new"), status
        assert not errors, errors
