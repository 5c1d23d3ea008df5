"""A question that is no incident ("how do I get VPN access") on every suggestion surface. The site's box told it
"If it is a question (access to a tool, who does what), this box has no answer: it knows failure patterns only. Ask
your team; …" before "If it is an incident, record it"; `recur suggest`, Slack's `/recur` and MCP's suggest_patterns
said only the latter (MCP: "If it is a question, do not record it"), and the API's answer had nothing an integrator
could tell it by. Every surface says it now, in the words of one source (retrieval.results.question_help), naming
where a new hire starts of what it knows to be there (the onboarding paths where the KB has some, the site's
glossary where the site's URL is known), and the API gives the rule's verdict as ``about_no_failure``. Real model
on the starter KB: a KB under 30 patterns rates nothing, and no text is said to be about no failure there."""

from __future__ import annotations

import httpx
import pytest
from click.testing import CliRunner
from mcp import Client
from serve_util import run_async, running
from test_slack import SECRET, slash

from recur.cli.main import cli
from recur.cli.render import question_said
from recur.retrieval.results import QUESTION_HELP, question_help

VPN = "how do I get VPN access"
NEW = "payments webhook returns 500 for every request since noon"  # a failure the KB lacks: no such help
NOTHING = "nothing in the knowledge base is about this."
ASKED = QUESTION_HELP.format(who="Recur")
SITE = "https://kb.example/recur"
GLOSSARY = f"{SITE}/glossary.html"


def _suggest(*args) -> str:
    r = CliRunner().invoke(cli, ["suggest", "--model", "default", *map(str, args)], catch_exceptions=False)
    assert r.exit_code == 0, r.output
    return r.stdout


def test_recur_suggest_tells_a_question_what_the_box_tells_it(real_engine):
    kb, index = real_engine.kb_dir, real_engine.index_dir
    out = _suggest("--kb", kb, "--index", index, VPN)
    paths = f"the onboarding paths (recur paths --kb {kb} --index {index} lists them)"
    said = question_help("Recur", paths)
    assert said == f"{ASKED}; {paths} are where a new hire starts.", said
    head = out.splitlines()[0]
    assert head.startswith(f"No known pattern matches this: {NOTHING} {said} If it is an incident, record it"), out
    # at the end too, where a terminal shows it, before the command
    tail = out.rstrip().splitlines()
    assert tail[-2] == said and tail[-1].startswith("If it is an incident, record it: recur incident new"), out
    # with the site's URL, its glossary (on every site built)
    out = _suggest("--kb", kb, "--index", index, "--site-url", SITE, VPN)
    glossary = f"the glossary ({GLOSSARY}: what the site's words mean)"
    assert question_help("Recur", paths, glossary) in out.splitlines()[0], out
    # a failure the KB lacks: a new incident to record, no such help
    assert ASKED not in _suggest("--kb", kb, "--index", index, NEW)


def test_an_index_only_deployment_says_it_too_naming_no_paths(real_engine, tmp_path):
    """No KB folder (answered from the index alone): no `recur paths` to name, no record command."""
    gone = tmp_path / "kb"
    out = _suggest("--kb", gone, "--index", real_engine.index_dir, "--site-url", SITE, VPN)
    said = question_help("Recur", glossary=f"the glossary ({GLOSSARY}: what the site's words mean)")
    assert out.startswith(f"No known pattern matches this: {NOTHING} {said} No knowledge base folder at {gone}"), out
    assert "recur paths" not in out and "recur incident new" not in out


def test_a_kb_without_onboarding_paths_names_none(tmp_path):
    """`recur init` makes kb/paths/ empty: `recur paths` lists none, so none is pointed to; without a site's URL,
    whom to ask alone."""
    (tmp_path / "paths").mkdir()
    assert question_said(tmp_path) == f"{ASKED}."
    assert question_said(tmp_path, site_url=SITE) == (
        f"{ASKED}; the glossary ({GLOSSARY}: what the site's words mean) is where a new hire starts."
    )
    (tmp_path / "paths" / "first-week.yml").write_text("id: first-week\n")
    assert "the onboarding paths (recur paths lists them) and the glossary" in question_said(tmp_path, site_url=SITE)


@pytest.fixture(scope="module")
def served(real_engine, tmp_path_factory):
    """`recur serve` over the starter KB with the real model, Slack on, the site's URL known."""
    from recur.serve import create_app

    root = tmp_path_factory.mktemp("question")
    app = create_app(
        lambda: real_engine,
        site_dir=None,
        feedback_path=root / "fb.jsonl",
        slack_signing_secret=SECRET,
        slack_reply_within=120,
        site_url=SITE,
    )
    with running(app) as base:
        yield {"base": base}


def test_the_api_gives_the_verdict(served):
    def api(text):
        r = httpx.post(served["base"] + "/api/suggest", json={"text": text}, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    vpn, new = api(VPN), api(NEW)
    assert vpn["no_known_pattern"] and vpn["about_no_failure"] is True, vpn
    assert new["no_known_pattern"] and new["about_no_failure"] is False, new
    assert api("No space left on device on /var")["about_no_failure"] is False


def test_slack_tells_a_question_what_the_box_tells_it(served):
    said = question_help("Recur", glossary=f"<{GLOSSARY}|the glossary> (what the site's words mean)")
    head = slash(served, VPN).json()["blocks"][0]["text"]["text"]
    assert f": {NOTHING[:-1]}. {said} If it is an incident, record it, so it shows" in head, head
    assert ASKED not in slash(served, NEW).json()["blocks"][0]["text"]["text"]


def test_mcp_tells_a_question_what_the_box_tells_it(served):
    async def work():
        async with Client(served["base"] + "/mcp", read_timeout_seconds=60) as client:
            return [await client.call_tool("suggest_patterns", {"text": t}) for t in (VPN, NEW)]

    vpn, new = run_async(work())
    said = question_help("Recur", glossary=f"the glossary ({GLOSSARY}: what the site's words mean)")
    text = vpn.content[0].text
    assert text.startswith(f"No known pattern matches: {NOTHING} {said} If it is an incident, record it"), text
    assert "If it is a question, do not record it." in text  # an assistant with record_incident: it must not
    assert vpn.structured_content["about_no_failure"] is True
    assert ASKED not in new.content[0].text and new.structured_content["about_no_failure"] is False
