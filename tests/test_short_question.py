"""A question of a word or two that answered "no known pattern" ("502", "db", "slow") was told only to record an
incident (`recur incident new -t 502 -d 502`): a record of one word, where saying more would have found its pattern
or made the record worth reading. Every surface now says first, on one line, what to add (results.say_more:
"Only 1 word to go on: describe what fails, …"), then the record step, as before; a short question that finds its
pattern ("oom", "dns", "disk full": high) is told nothing of it. Found in a responder's review."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import click
import httpx
import pytest
from serve_util import running
from test_serve_browser import ask, box_page, built  # noqa: F401  (fixtures, reused)

from recur.cli.render import RecordAs, render_answer
from recur.retrieval.results import SAY_MORE, SAY_MORE_WORDS, say_more
from recur.serve import create_app
from recur.serve.mcp_text import answer_text
from recur.serve.slack import answer_reply

ROOT = Path(__file__).resolve().parents[1]
SUGGEST_JS = ROOT / "site_config" / "assets" / "recur-suggest.js"
# "5xx" left it when release-performance-regression came (low 0.38, no "no known pattern"); an alert name alone
SHORT = ("502", "HighRequestLatency", "db", "help", "slow", "site down", "queue backing up")
FOUND = {"oom": "memory-leak-oom-kill", "dns": "dns-resolution-failure", "disk full": "disk-full"}


def _more(words: int) -> str:
    return SAY_MORE.format(words=f"{words} word{'s' if words > 1 else ''}")


@pytest.mark.model
def test_a_short_question_with_no_known_pattern_is_told_to_say_more_before_the_record_step(real_engine):
    for text in SHORT:
        answer = real_engine.answer(text, top=5)
        assert answer.no_known_pattern, (text, answer.results[0])
        more = _more(len(text.split()))
        assert say_more(answer) == say_more(answer.to_json()) == more, text
        out = click.unstyle(render_answer(answer, record=RecordAs(text, text)))
        assert out.startswith(f"No known pattern matches this. {more}\nIf it is new, record it (it lands"), out
        # at the end too, where a terminal shows it, before the record step
        assert out.rstrip().split("\n")[-2:][0] == more and out.rstrip().endswith("in a script"), out
    # answered from the index alone (no KB folder to record in): said before that, too
    out = click.unstyle(render_answer(real_engine.answer("502", top=5), record=None, kb_dir="/nonexist"))
    assert out.startswith(f"No known pattern matches this. {_more(1)} No knowledge base folder at /nonexist"), out


@pytest.mark.model
def test_a_short_question_that_finds_its_pattern_or_a_longer_one_is_told_nothing_more(real_engine):
    for text, pattern in FOUND.items():
        answer = real_engine.answer(text, top=5)
        assert answer.results[0]["id"] == pattern and answer.results[0]["confidence"] == "high", answer.results[0]
        assert say_more(answer) is None and "to go on" not in render_answer(answer, record=RecordAs(text, text))
    text = "payments webhook returns 500 for every request since noon"  # no known pattern, but said in full
    answer = real_engine.answer(text, top=5)
    assert answer.no_known_pattern and say_more(answer) is None
    assert click.unstyle(render_answer(answer, record=RecordAs(text, text))).startswith(
        "No known pattern matches this. If it is new, record it"
    )
    assert SAY_MORE_WORDS == 3 and say_more(real_engine.answer("queue backing up now", top=5)) is None
    # a typo of an id is told what it meant; a log searched by its error line was a longer text; a question about
    # no failure is told what a question is told
    assert real_engine.answer("disk-ful", top=5).meant == ["disk-full"]
    log = "\n".join(f"2026-12-06T03:0{i}:00Z INFO printer job {i} queued" for i in range(9))
    log += "\n2026-12-06T03:09:00Z ERROR printer jammed"
    for text in ("disk-ful", log, "how do I get VPN access"):
        answer = real_engine.answer(text, top=5)
        assert answer.no_known_pattern and say_more(answer) is None, text


@pytest.mark.model
def test_an_error_code_alone_finds_the_pattern_whose_signal_holds_it(real_engine):
    """Found in review: "ERROR 1040" answered "no known pattern" with unrelated results at low, while
    db-connection-pool-exhausted lists "ERROR 1040 (HY000): Too many connections": a question that is a part of one
    signal, naming a code no other pattern's signals hold, is that signal's evidence (search.part_codes)."""
    for text, pattern in {
        "ERROR 1040": "db-connection-pool-exhausted",
        "exit code 137": "memory-leak-oom-kill",
        "ENFILE file table": "file-descriptor-exhaustion",
    }.items():
        answer = real_engine.answer(text, top=5)
        first = answer.results[0]
        assert first["id"] == pattern and not answer.no_known_pattern, (text, answer.results[:2])
        assert [w["match"] for w in first["why"] if w["field"] == "signal"][0] == "identifier", first["why"]
    # a bare number may be any count, port or id, a bare errno's name any failure's: no such evidence
    for text in ("1040", "ENFILE"):
        assert not any(w["match"] == "identifier" for r in real_engine.answer(text, top=5).results for w in r["why"])


@pytest.mark.model
def test_mcp_and_slack_say_it_before_the_record_step(real_engine):
    answer = real_engine.answer("502", top=5).to_json()
    text = answer_text(answer, writes=True)
    assert text.startswith(f"No known pattern matches. {_more(1)} Record the incident with the record_incident"), text
    head = answer_reply(answer)["blocks"][0]["text"]["text"]
    assert f"*No known pattern* matches “502”. {_more(1)} Record it, so it shows as needs analysis:" in head, head
    full = real_engine.answer("payments webhook returns 500 for every request since noon", top=5).to_json()
    assert "to go on" not in answer_text(full) and "to go on" not in answer_reply(full)["blocks"][0]["text"]["text"]
    assert "to go on" not in answer_text(real_engine.answer("oom", top=5).to_json())


def _js_constant(name: str) -> str:
    found = re.search(rf"^  var {name} = (.+?);(?:\s*/\*.*\*/)?$", SUGGEST_JS.read_text(encoding="utf-8"), re.M)
    assert found, f"recur-suggest.js has no `var {name} = …;` line"
    return found.group(1)


def test_the_boxs_copy_of_the_words_agrees():
    assert json.loads(_js_constant("SAY_MORE")) == SAY_MORE
    assert int(_js_constant("SAY_MORE_WORDS")) == SAY_MORE_WORDS


@pytest.fixture(scope="module")
def real_server(built, real_engine, tmp_path_factory):  # noqa: F811
    """The browser tests' site served over the starter KB with the bundled model."""
    _, site = built
    work = tmp_path_factory.mktemp("short-box")
    shutil.copytree(site, work / "site")
    with running(create_app(lambda: real_engine, site_dir=work / "site", feedback_path=work / "fb.jsonl")) as base:
        yield base


@pytest.mark.browser
@pytest.mark.model
def test_the_box_says_it_too_before_the_record_step(chromium, real_server):
    base = real_server
    assert httpx.post(base + "/api/suggest", json={"text": "502", "top": 3}, timeout=60).json()["no_known_pattern"]
    with box_page(chromium, base + "/suggest.html", "api") as (page, errors):
        ask(page, "502")
        page.wait_for_selector('.recur-suggest[data-no-known-pattern="true"]', timeout=60_000)
        status = page.inner_text(".recur-suggest__status")
        assert status.startswith(f"No known pattern matches this. {_more(1)} If it is new, record it"), status
        assert "recur incident new -t 502 -d 502" in status, status
        text = "payments webhook returns 500 for every request since noon"
        ask(page, text)
        page.wait_for_function(
            f"() => document.querySelector('.recur-suggest__status').textContent.indexOf({text!r}) >= 0"
        )
        status = page.inner_text(".recur-suggest__status")
        assert status.startswith("No known pattern matches this. If it is new, record it"), status
        ask(page, "disk full")
        page.wait_for_selector('.recur-suggest[data-no-known-pattern="false"]', timeout=60_000)
        assert "to go on" not in page.inner_text(".recur-suggest__status")
        assert not errors, errors
