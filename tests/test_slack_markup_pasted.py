"""Slack's own markup in a text pasted outside Slack. Slack's /recur took a mention (<@U0123ABC|maria>), a channel
(<#C0123ABC|ops>), <!here>, a link's brackets (<https://…|board>) and :name: emoji codes out of a command's text: a
mention's id swayed the search. A message copied from Slack's API or an export, or relayed by a bot, into MCP's
suggest_patterns, POST /api/suggest, `recur suggest`, --queries or the site's box was searched with them, and answered
otherwise than its words: "<@U0G9QF9C6|maria> disk full on db-3" medium where "disk full on db-3" is high, a link's
URL took a replication-lag text from medium to low (found in review). Every surface now ranks the text without them
(query.slack_unmarked, Prepared.searched) and echoes it as typed; only Slack's exact shapes: a log's <html>, kubectl's
<none>, List<String>, "a < b > c", an e-mail in brackets and "12:30:45" are searched as they were."""

from __future__ import annotations

import json

import httpx
import pytest
from click.testing import CliRunner
from mcp import Client
from serve_util import run_async, running

from recur.cli.main import cli
from recur.retrieval.query import NOTHING_LEFT, prepare, slack_unmarked

# (as pasted, the same in words alone): each a shape Slack writes
MARKED = {
    "<@U0G9QF9C6|maria> disk full on db-3": "disk full on db-3",
    "<@U0G9QF9C6> <!here> disk full on db-3": "disk full on db-3",
    "replica lag climbing on the orders db, see <https://grafana.example.com/d/abc?var-host=db-2|replication board>": (
        "replica lag climbing on the orders db, see replication board"
    ),
    "<#C024BE7LR|payments-oncall> TLS handshake failures to the card gateway since the cert rotation": (
        "TLS handshake failures to the card gateway since the cert rotation"
    ),
    ":rotating_light: <!channel> checkout pods OOMKilled again :fire:": "checkout pods OOMKilled again",
}
# what only looks like markup: searched as it is
NOT_MARKUP = [
    "<html><body><h1>502 Bad Gateway</h1></body></html>",
    "retries < limit > 0 failed",
    "List<String> could not be parsed: Map<K, V> expected",
    "NAME  READY  STATUS  <none>  <unknown>",
    "mail to <oncall@example.com> bounced",
    "12:30:45 ERROR:root:x host:8080: failed",
    "<#include> <@alice> <!DOCTYPE html> <!-- note --> <tel:+1555> <U123>",
    "x:fire: and `:fire:` in code",
    # a port or a number between colons, standing alone, is no emoji code (found in a re-read: Go's listen error lost
    # its port, ":8080:" alone had nothing to search)
    "listen tcp :8080: bind: address already in use",
    ":8080:",
    "got :1: want :2: from :5432: :1000:",
]


def _words(text: str) -> str:
    """What is searched, its spaces as one: a mention out leaves a space where it was."""
    return " ".join(prepare(text).searched.split())


@pytest.mark.parametrize("pasted, plain", list(MARKED.items()))
def test_slacks_markup_is_not_ranked_and_the_text_is_echoed_as_typed(pasted, plain):
    p = prepare(pasted)
    assert _words(pasted) == plain, p.searched
    assert p.text == pasted and not p.unsearched


def test_each_slack_shape_reads_as_slacks_own_reply_did():
    said = {
        "<@U0G9QF9C6|maria> <@W0123ABC> <#C024BE7LR|ops> <#G0123AB9> x": "x",
        "<!here> <!channel> <!everyone> <!here|@here> x": "x",
        "<!subteam^S0123ABC|@db-oncall> <!date^1392734382^{date_short}|Feb 18> x": "x",
        "<https://a.example/d?x=1&amp;y=2|the board> <https://a.example/b> <mailto:ops@example.com|ops@example.com>": (
            "the board https://a.example/b ops@example.com"
        ),
        ":fire::fire: x :+1::skin-tone-2:\n:warning: y": "x\ny",
        ":100: :1234: :8ball: x": "x",  # Slack's emoji named by digits alone, and one starting with a digit
    }
    assert {k: "\n".join(" ".join(x.split()) for x in slack_unmarked(k).split("\n")) for k in said} == said


@pytest.mark.parametrize("text", NOT_MARKUP)
def test_what_only_looks_like_slacks_markup_is_searched_as_it_is(text):
    assert slack_unmarked(text) == text
    assert prepare(text).searched == prepare(text).text


def test_a_mention_alone_has_nothing_to_search():
    """It was searched as its id and answered "no known pattern" with the closest patterns."""
    for text in ("<@U0G9QF9C6>", "<!here> :rotating_light:", "<@U0G9QF9C6|maria> <#C024BE7LR|ops>"):
        assert prepare(text).unsearched == NOTHING_LEFT, text


# -- every surface, the real model on the starter KB --------------------------------------------------------------
def _ranked(answer: dict) -> list:
    return [(r["id"], r["confidence"], r["probability"]) for r in answer["results"]]


def test_recur_suggest_and_queries_rank_a_slack_message_as_its_words(real_engine, tmp_path):
    kb, index = str(real_engine.kb_dir), str(real_engine.index_dir)

    def suggest(text):
        r = CliRunner().invoke(cli, ["suggest", "--kb", kb, "--index", index, "--model", "default", "--json", text])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    for pasted, plain in list(MARKED.items())[:3]:
        got, want = suggest(pasted), suggest(plain)
        assert (_ranked(got), got["no_known_pattern"]) == (_ranked(want), want["no_known_pattern"]), pasted
        assert got["query"] == pasted
    lines = tmp_path / "queries.jsonl"
    asked = list(MARKED)[:2] + [list(MARKED.values())[0]]
    lines.write_text("".join(json.dumps({"query": q}) + "\n" for q in asked), encoding="utf-8")
    r = CliRunner().invoke(
        cli, ["suggest", "--kb", kb, "--index", index, "--model", "default", "--queries", str(lines)]
    )
    assert r.exit_code == 0, r.output
    answers = [json.loads(x) for x in r.stdout.splitlines() if x.strip()]
    assert [_ranked(a) for a in answers[:2]] == [_ranked(answers[2])] * 2, answers
    assert [a["query"] for a in answers] == asked


@pytest.fixture(scope="module")
def served(real_engine):
    from recur.serve import create_app

    with running(create_app(lambda: real_engine, site_dir=None, feedback_path=None)) as base:
        yield base


def test_the_api_ranks_a_slack_message_as_its_words(served):
    def api(text):
        r = httpx.post(served + "/api/suggest", json={"text": text}, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    for pasted, plain in list(MARKED.items())[:4]:
        got, want = api(pasted), api(plain)
        assert (_ranked(got), got["no_known_pattern"]) == (_ranked(want), want["no_known_pattern"]), pasted
        assert got["query"] == pasted
    alone = api("<@U0G9QF9C6>")
    assert (alone["no_known_pattern"], alone["results"], alone["query_note"]) == (None, [], NOTHING_LEFT), alone


def test_mcp_ranks_a_slack_message_as_its_words(served):
    async def mcp(texts):
        async with Client(served + "/mcp", read_timeout_seconds=60) as client:
            return [(await client.call_tool("suggest_patterns", {"text": t})).structured_content for t in texts]

    pairs = list(MARKED.items())[:4]
    told = run_async(mcp([t for pair in pairs for t in pair]))
    for n, (pasted, _) in enumerate(pairs):
        got, want = told[2 * n], told[2 * n + 1]
        assert (_ranked(got), got["no_known_pattern"]) == (_ranked(want), False), pasted
        assert got["query"] == pasted


# a pod table quoted in Slack, as its API (or a bot relaying the message) sends it: each line after "&gt; ", its
# <none> escaped; the words under it unquoted, with an escaped & and < >
QUOTED_PODS = """\
&gt; NAME                                READY   STATUS             RESTARTS       AGE
&gt; search-api-6f7d9c8b5-k4q2z         0/1     CrashLoopBackOff   7 (1m ago)     14m
&gt; search-api-6f7d9c8b5-w8m4n         0/1     CrashLoopBackOff   7 (2m ago)     14m
&gt; search-indexer-0                   1/1     Running            0              9d
since the 13:10 rollout &amp; the log says key &lt;ES_URL&gt; is missing"""
# (as sent, as read): Slack's quotes and escapes, Markdown's quote; "&amp;lt;" is what was typed as "&lt;"
QUOTED = {
    QUOTED_PODS: "search-api 0/1 CrashLoopBackOff\nsince the 13:10 rollout & the log says key <ES_URL> is missing",
    "&gt; disk full on db-3\n&gt;\n&gt; writes fail with ENOSPC": "disk full on db-3\n\nwrites fail with ENOSPC",
    "&gt; p99 &gt; 4s &amp;&amp; rising\n&gt;still quoted? no": "p99 > 4s && rising\n>still quoted? no",
    "> p99 > 4s && rising\n>still quoted? no": "p99 > 4s && rising\n>still quoted? no",
    "typed &amp;lt;none&amp;gt; here\r\n&gt;\tpod pending\r\n": "typed &lt;none&gt; here\r\npod pending\r\n",
}

# (as sent, as read): a quote in a quote, as Slack's API sends one and in Markdown, and a code block in a quote
NESTED = {
    "&gt; &gt; disk full on db-3\n&gt; writes fail": "disk full on db-3\nwrites fail",
    "> > disk full on db-3\n>> writes fail\n> > > still\n>\t>\tquoted": "disk full on db-3\nwrites fail\nstill\nquoted",
    "&gt;&gt;&gt; all of it quoted, Slack's way\nand this": "all of it quoted, Slack's way\nand this",
    "&gt; &gt;\n&gt; &gt; p99 &gt; 4s": "\np99 > 4s",
    "> >x stays a quote's text\n>>y and >z are no quotes": ">x stays a quote's text\n>>y and >z are no quotes",
    "&gt; ```\n&gt; ERROR upstream &lt;pool&gt; timeout\n&gt; ```": "\nERROR upstream <pool> timeout\n",
    "&gt; &gt; ```text\n&gt; &gt; ERROR upstream timeout\n&gt; &gt; ```": "\nERROR upstream timeout\n",
    "> > ```\n> > ERROR upstream timeout\n> > ```": "\nERROR upstream timeout\n",
}
# not Slack's text (an "&" of its own, a "<" or ">" outside Slack's markup): its entities and "&gt; " as written
NOT_SLACKS = [
    '<p class="note">Tom &amp; Jerry &lt;b&gt;</p>',
    "GET /search?q=a&amp;page=2 502 &quot;upstream&quot;",
    "curl 'https://x.example/a?b=1&c=2' returned &lt;html&gt;",
    "&gt; escaped &amp; quoted &#39;in HTML&#39;",
    "error: a < b &amp;&amp; c",
]

# a text with a line starting "<" (a diff's old side, curl -v's answer, a merge conflict's "<<<<<<<"; Slack's "&lt;"):
# its ">" lines are the other side, no quotes, searched and echoed as written
MIRRORED = {
    "* Connected to api.internal port 443\n> GET /health HTTP/1.1\n> Host: api.internal\n>\n< HTTP/1.1 502 Bad Gateway"
    "\n< Server: nginx/1.18.0\n<": None,
    "2c2\n< max_connections = 100\n---\n> max_connections = 10\nafter deploy: too many connections": None,
    "<<<<<<< HEAD\npool_size: 10\n=======\npool_size: 100\n>>>>>>> main\nCONFLICT (content)": None,
    "&lt; max_connections = 100\n---\n&gt; max_connections = 10": "< max_connections = 100\n---\n> max_connections = 10",
    "> GET /health\n<\tHTTP/1.1 502\r\n>\r": None,
}


def test_a_diffs_or_curls_other_side_is_no_quote():
    """Found in a re-read: curl -v's "> GET /health HTTP/1.1" was searched and echoed as "GET /health HTTP/1.1" beside
    "< HTTP/1.1 502 Bad Gateway", a diff's new line "> max_connections = 10" as "max_connections = 10" beside the old
    one's "< max_connections = 100" (read as a quote); since a quote in a quote is one, a merge conflict's ">>>>>>>
    main" was "main". A "<" line's text keeps them; a "<" that starts no line, or one before a word, does not."""
    for sent, read in MIRRORED.items():
        assert prepare(sent).text == (read or sent), sent
        assert prepare(sent.replace("&gt;", ">").replace("&lt;", "<"), escaped=False).text == (read or sent), sent
    assert prepare("> disk full on db-3\n<html> was served").text == "disk full on db-3\n<html> was served"
    assert prepare("> disk full\nlatency < 5 ms").text == "disk full\nlatency < 5 ms"


def test_a_quote_in_a_quote_is_read_as_one():
    """Found in review: only one quote's mark was read, "&gt; &gt; disk full" was searched as "> disk full", and a
    log in a code block in a quote in a quote kept its marks and fences."""
    for sent, read in NESTED.items():
        assert prepare(sent).text == read, sent
    typed = {k.replace("&gt;", ">").replace("&lt;", "<"): v for k, v in NESTED.items() if "&gt;&gt;" not in k}
    for sent, read in typed.items():  # Slack's /recur: the text as typed, its escapes read already
        assert prepare(sent, escaped=False).text == read, sent


@pytest.mark.parametrize("text", NOT_SLACKS)
def test_entities_in_a_text_slack_did_not_escape_are_searched_and_echoed_as_written(text):
    """Found in review: an HTML snippet or a log pasted into `recur suggest`, the API, MCP or the box had its
    "&amp;" and "&lt;" read as Slack's escapes, searched and echoed as "&" and "<"."""
    p = prepare(text)
    assert p.text == text and p.searched == text


def test_slacks_quotes_and_escapes_are_read_as_the_text_typed():
    """Found in a responder's review: a pod table quoted in Slack was no table (each line after "&gt; "), searched
    whole, bad-deploy-crashloop medium 0.72; unquoted, by its failing pods and the words under it."""
    for sent, read in QUOTED.items():
        assert prepare(sent).text == read, sent
    p = prepare(QUOTED_PODS)
    assert (p.log_level, p.log_kept, p.log_after) == ("pods", 2, 1)


def test_the_pages_query_reads_slacks_quotes_and_escapes_as_query_py(tmp_path):
    from query_js import NODE, run_query_js

    if NODE is None:
        pytest.skip("node is not installed")
    texts = [*QUOTED, *NOT_MARKUP, *NESTED, *NOT_SLACKS, *MIRRORED]
    body = "return input.map((t) => { const p = q.prepare(t); return [p.text, p.log_level, q.note(p)]; });"
    js = run_query_js(tmp_path, body, texts)
    for text, j in zip(texts, js):
        p = prepare(text)
        assert j == [p.text, p.log_level, p.note or ""], text
    assert [j[0] for j in js[: len(QUOTED)]] == list(QUOTED.values()) and js[0][1] == "pods"
    mirrored = [read or sent for sent, read in MIRRORED.items()]
    assert [j[0] for j in js[len(QUOTED) + len(NOT_MARKUP) :]] == [*NESTED.values(), *NOT_SLACKS, *mirrored]


@pytest.mark.model
def test_a_pod_table_quoted_in_slack_finds_the_crash_loop_surely(real_engine):
    """Quoted, the table alone was searched whole: bad-deploy-crashloop medium 0.76; read as a table, high 0.91."""
    top = real_engine.answer(QUOTED_PODS.rsplit("\n", 1)[0], top=3).results[0]
    assert top["id"] == "bad-deploy-crashloop" and top["confidence"] == "high", top["confidence"]


def test_every_surface_echoes_entities_slack_did_not_escape_and_reads_a_quote_in_a_quote(real_engine, served):
    """Found in review: `recur suggest`, the API and MCP echoed an HTML snippet's "&amp;" as "&" (read as Slack's
    escape), and searched "&gt; &gt; disk full" as "> disk full"; a quote in a quote is searched as its words."""
    kb, index = str(real_engine.kb_dir), str(real_engine.index_dir)
    nested, plain = "&gt; &gt; disk full on db-3, writes fail with ENOSPC", "disk full on db-3, writes fail with ENOSPC"

    def cli_answer(text):
        r = CliRunner().invoke(cli, ["suggest", "--kb", kb, "--index", index, "--model", "default", "--json", text])
        assert r.exit_code == 0, r.output
        return json.loads(r.stdout)

    def api_answer(text):
        r = httpx.post(served + "/api/suggest", json={"text": text}, timeout=60)
        assert r.status_code == 200, r.text
        return r.json()

    async def mcp(texts):
        async with Client(served + "/mcp", read_timeout_seconds=60) as client:
            return [(await client.call_tool("suggest_patterns", {"text": t})).structured_content for t in texts]

    curl = next(iter(MIRRORED))  # curl -v's "> GET /health" beside its "< HTTP/1.1 502": no quote (found in a re-read)
    asked = [*NOT_SLACKS[:2], nested, plain, curl]
    for answers in ([cli_answer(t) for t in asked], [api_answer(t) for t in asked], run_async(mcp(asked))):
        assert [a["query"] for a in answers[:3]] == [*NOT_SLACKS[:2], plain]
        assert _ranked(answers[2]) == _ranked(answers[3])
        assert answers[4]["query"] == curl
