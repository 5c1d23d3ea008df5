"""A question that is no incident at all ("how do I get VPN access", "I am new, what should I read first") was
answered "No known pattern … If it is new, record it: recur incident new …", and a newcomer filed an incident.
When the answer's own evidence says the text is about no failure (retrieval.results.about_no_failure: every
result the verdict reads rated tiny, and at most one why entry matched by meaning), the terminal and the site's
box say "nothing in the knowledge base is about this", keep the record command as one reading of it, and point a
newcomer's question to the onboarding paths. Found in a new-hire review."""

from __future__ import annotations

from pathlib import Path

import click
import httpx
import yaml
from test_serve_browser import ask, box_page, built, server  # noqa: F401  (fixtures, reused)

from recur.cli.render import PATHS_HINT, RecordAs, render_answer
from recur.retrieval.results import about_no_failure

ROOT = Path(__file__).resolve().parents[1]
NOTHING = "nothing in the knowledge base is about this"


def test_suggest_says_an_off_topic_question_is_about_nothing_it_knows(run):
    out = run("suggest", "how do I get VPN access").stdout
    lines = out.rstrip().splitlines()
    assert lines[0].startswith(f"No known pattern matches this: {NOTHING}. If it is an incident, record it"), out
    assert lines[1].strip().startswith("recur incident new -t 'how do I get VPN access'")
    assert lines[-1].startswith("If it is an incident, record it: recur incident new"), out
    assert "If it is new, record it" not in out and "recur paths" not in out


def test_a_newcomers_question_is_pointed_to_the_onboarding_paths(run):
    out = run("suggest", "I am new, what should I read first").stdout
    assert NOTHING in out and out.count(PATHS_HINT) == 2, out  # at the top and at the end, where the terminal is


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


def test_the_box_says_it_too_and_links_the_onboarding_paths(chromium, server):  # noqa: F811
    base, _ = server
    text = "I am new, what should I read first"
    assert httpx.post(base + "/api/suggest", json={"text": text, "top": 3}, timeout=30).json()["no_known_pattern"]
    with box_page(chromium, base + "/suggest.html", "api") as (page, errors):
        ask(page, text)
        page.wait_for_selector('.recur-suggest[data-no-known-pattern="true"]', timeout=15000)
        status = page.inner_text(".recur-suggest__status")
        assert status.startswith(f"No known pattern matches this: {NOTHING}. If it is an incident"), status
        assert "recur incident new" in status and "New to on-call?" in status
        href = page.get_attribute(".recur-suggest__status a.recur-suggest__paths", "href")
        assert href.endswith(("/paths/index.html", "/paths/")), href
        ask(page, "how do I get VPN access")
        page.wait_for_function(
            "() => document.querySelector('.recur-suggest__status').textContent.indexOf('I am new') < 0 && "
            "!document.querySelector('.recur-suggest__status a.recur-suggest__paths')"
        )
        assert NOTHING in page.inner_text(".recur-suggest__status")
        ask(page, "writes fail: No space left on device")
        page.wait_for_selector('.recur-suggest[data-no-known-pattern="false"]', timeout=15000)
        assert NOTHING not in page.inner_text(".recur-suggest__status")
        assert not errors, errors
