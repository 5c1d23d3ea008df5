"""A result a ranking rule moved up (search.CODE_FIRST: a code of its signal; search.SAID_WHOLE: a symptom said whole)
is never rated under a result listed after it, nor listed over one rated at a higher confidence (search._held_first),
and every result says which rule, if any, moved it (its "rule"). Found in review: "pods restarting exit code 137" had
memory-leak-oom-kill first at 0.701 over bad-deploy-crashloop at 0.741, and "no space left on device ERROR 1040"
db-connection-pool-exhausted first at its floor, 0.28 (low), over disk-full at 0.951 (high); no JSON said that a
probability was a rule's floor."""

from __future__ import annotations

import json

import httpx
import pytest
from kbfactory import pattern_text, write
from serve_util import running

from recur.retrieval import search
from recur.serve import create_app

RULED = ("code_first", "said_whole")


def _held(results: list) -> None:
    """A ruled result is rated at least as likely right as each result after it, and at least the confidence of each."""
    level = ("low", "medium", "high").index
    for k, r in enumerate(results):
        if r["rule"] in RULED:
            later = results[k + 1 :]
            assert all(r["probability"] >= o["probability"] for o in later), (r["id"], r["probability"], later[:2])
            assert all(level(r["confidence"]) >= level(o["confidence"]) for o in later), (r["id"], later[:2])


@pytest.mark.model
def test_a_rules_first_is_rated_at_least_as_likely_as_the_results_under_it(real_engine):
    for text, first, rule in (
        ("pods restarting exit code 137", "memory-leak-oom-kill", "code_first"),
        ("pods restarting with exit code 137", "memory-leak-oom-kill", "code_first"),
        ("mysql ERROR 1040", "db-connection-pool-exhausted", "code_first"),
        ("ERROR 1040 after deploy", "db-connection-pool-exhausted", "code_first"),
        ("health checks time out randomly", "gc-pause-stalls", "said_whole"),
    ):
        results = real_engine.answer(text, top=5).to_json()["results"]
        probs = [r["probability"] for r in results]
        assert results[0]["id"] == first and probs[0] == max(probs), (text, results[:2])
        assert results[0]["rule"] == rule, (text, results[:2])
        assert [r["rule"] for r in results[1:]] == [None] * (len(results) - 1), text
        _held(results)
    # raised to the second's probability, within its own confidence (medium): 0.701 under 0.741 before
    two = real_engine.answer("pods restarting exit code 137", top=2).to_json()["results"]
    assert two[0]["probability"] == two[1]["probability"] and two[0]["confidence"] == "medium", two
    # at its floor when nothing under it is likelier: the rule's number, said so
    pool = real_engine.answer("mysql ERROR 1040", top=3).to_json()["results"][0]
    assert pool["probability"] == search.CODE_FIRST["floor"] and pool["confidence"] == "low", pool


@pytest.mark.model
def test_a_rule_does_not_list_its_pattern_over_one_rated_at_a_higher_confidence(real_engine):
    """Two failures named: the code's pattern is listed, at its floor, after the one the model rates high."""
    for text in ("no space left on device ERROR 1040", "ERROR 1040 disk full"):
        answer = real_engine.answer(text, top=5)
        results = answer.to_json()["results"]
        assert results[0]["id"] == "disk-full" and results[0]["rule"] is None, (text, results[:3])
        coded = [r for r in results if r["rule"] == "code_first"]
        assert [r["id"] for r in coded] == ["db-connection-pool-exhausted"], (text, results)
        assert coded[0]["probability"] == search.CODE_FIRST["floor"] and not answer.no_known_pattern, coded
        _held(results)
        probs = [r["probability"] for r in results[: results.index(coded[0]) + 1]]
        assert probs == sorted(probs, reverse=True), (text, probs)


@pytest.mark.model
def test_an_exit_code_said_short_finds_its_pattern(real_engine):
    """Found in review: "exit 137" answered "no known pattern" (memory-leak-oom-kill first at 0.146), where "exit code
    137" found it by its signal `State: Terminated Reason: OOMKilled Exit Code: 137`."""
    for text in ("exit 137", "container exited 137", "pod exit 137"):
        answer = real_engine.answer(text, top=3)
        first = answer.results[0]
        ident = [w.get("identifier") for w in first["why"] if w["field"] == "signal" and w["match"] == "identifier"]
        assert first["id"] == "memory-leak-oom-kill" and not answer.no_known_pattern, (text, answer.results[:2])
        assert ident[:1] == ["137"] and first["rule"] == "code_first", (text, first["why"])
    # a number after "exit" that is no exit code, or one just after a negation: no such evidence
    for text in ("ticket 137 exit", "exit 1 since build 137", "exited 0 at 13:37", "no exit 137 anymore, disk full"):
        results = real_engine.answer(text, top=5).results
        assert not [r["id"] for r in results if r["rule"] == "code_first"], (text, results[:2])


def _kb(kb_dir):
    write(
        kb_dir,
        "patterns/capacity/broker-full.md",
        pattern_text(
            "broker-full",
            signals=["broker ERROR 7421 (QB042): too many sessions"],
            symptoms=("the broker refuses sessions",),
        ),
    )


def test_every_surface_says_which_rule_moved_a_result(run, kb_dir, tmp_path):
    """`recur suggest --json` and /api/suggest (MCP's suggest_patterns is its answer: test_mcp.py) carry "rule" on
    every result, after the keys it had, null for a result no rule moved."""
    _kb(kb_dir)
    res = run("suggest", "--json", "--top", "5", "ERROR 7421 after deploy")
    assert res.exit_code == 0, res.output
    results = json.loads(res.stdout)["results"]
    assert (results[0]["id"], results[0]["rule"]) == ("broker-full", "code_first"), results[:2]
    assert all(r["rule"] is None for r in results[1:]) and len(results) > 1, results
    assert list(results[0])[-3:] == ["scores", "rule", "look_alikes"], list(results[0])
    named = json.loads(run("suggest", "--json", "disk-full").stdout)["results"][0]
    assert (named["id"], named["rule"]) == ("disk-full", "id_pin"), named
    from recur.retrieval.engine import Engine

    engine = Engine.open(kb_dir, tmp_path / "api-index", "fake:64")
    with running(create_app(lambda: engine, feedback_path=tmp_path / "fb.jsonl")) as base:
        got = httpx.post(f"{base}/api/suggest", json={"text": "ERROR 7421 after deploy", "top": 5}, timeout=30).json()
    assert [(r["id"], r["rule"]) for r in got["results"]] == [(r["id"], r["rule"]) for r in results], got["results"]


def test_the_published_schema_names_every_rule():
    from typing import get_args

    from recur.serve import answers

    assert get_args(answers.Rule) == search.RULES


def test_the_webhook_batch_lines_and_mcp_say_which_rule_moved_a_result(kb_dir, tmp_path):
    """Each surface the changelog names, not only /api/suggest: the webhook's results, whole and ?brief (a runbook
    link's pin and a code's), `recur suggest --queries` lines and MCP's suggest_patterns through the SDK's client."""
    from serve_util import alert_payload, fake_app, fake_index
    from test_mcp import call, session, stdio

    _kb(kb_dir)
    fake_index(kb_dir, tmp_path / "index")
    site = "https://kb.example/recur"
    coded = {"labels": {"alertname": "BrokerErrors"}, "annotations": {"summary": "ERROR 7421 after deploy"}}
    linked = {
        "labels": {"alertname": "DiskAlmostFull"},
        "annotations": {
            "summary": "ERROR 7421 after deploy",
            "runbook_url": f"{site}/patterns/capacity/disk-full.html",
        },
        "fingerprint": "linked",
    }
    with running(fake_app(kb_dir, tmp_path, site_url=site)) as base:
        whole, brief = (
            httpx.post(f"{base}/api/alertmanager{q}", json=alert_payload(coded, linked), timeout=60).json()
            for q in ("", "?brief=true")
        )
    for out in (whole, brief):
        firsts = [(a["results"][0]["id"], a["results"][0]["rule"]) for a in out["alerts"]]
        assert firsts == [("broker-full", "code_first"), ("disk-full", "runbook_link")], out["alerts"]
        # the link's pin first, the code's pattern after it still the code's
        assert [r["rule"] for r in out["alerts"][1]["results"][1:2]] == ["code_first"], out["alerts"][1]
        assert all("rule" in r for a in out["alerts"] for r in a["results"]), out
    queries = tmp_path / "q.jsonl"
    queries.write_text('{"query": "ERROR 7421 after deploy"}\n{"query": "disk-full"}\n{"query": "disk is full"}\n')
    env = {"RECUR_MODEL": "fake:64", "RECUR_KB": str(kb_dir), "RECUR_INDEX": str(tmp_path / "index")}
    from click.testing import CliRunner

    from recur.cli.main import cli

    res = CliRunner(env=env).invoke(cli, ["suggest", "--queries", str(queries)], catch_exceptions=False)
    lines = [json.loads(line) for line in res.stdout.splitlines()]
    assert [a["results"][0]["rule"] for a in lines] == ["code_first", "id_pin", None], res.output
    assert all(r["rule"] is None for r in lines[2]["results"]), lines[2]

    async def work(client):
        return await call(client, "suggest_patterns", {"text": "ERROR 7421 after deploy", "top": 3})

    err, got, _ = session(stdio(kb_dir, tmp_path / "index"), work)
    assert not err and [r["rule"] for r in got["results"]] == ["code_first", None, None], got["results"]
