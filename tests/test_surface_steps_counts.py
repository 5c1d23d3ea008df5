"""What the terminal's `recur suggest` came to show that MCP's text, Slack's reply and the API did not (found after
the terminal's fixes): a runbook step's fenced code block as its lines, not one line with its fences and language
word; the headline's count of credible results not shown; and, for a pasted `amtool alert query` table, the API's
advice about its other alerts (a table is no webhook payload to POST to /api/alertmanager). MCP through the SDK's
client, Slack through its signed route, the API over HTTP, each on a small KB with the fake encoder."""

from __future__ import annotations

import json

import httpx
from kbfactory import small_kb, write_pattern
from serve_util import fake_app, running
from slack_sdk.models.blocks import Block
from test_mcp_review import calls, held
from test_slack import SECRET, command_body, signed

EVICTIONS = (
    "1. Check memory:\n```\nredis-cli info memory\n```\n2. Check evictions:\n```bash\n"
    "redis-cli info stats | grep evicted\nredis-cli info keyspace\n```\n3. Raise maxmemory with `redis-cli config set`."
)
OOM = "OOM command not allowed when used memory"


def _kb_with_code_steps(root):
    """The small KB and a pattern whose runbook steps hold fenced code blocks (one with a language word)."""
    kb = small_kb(root / "kb")
    path = write_pattern(kb, "evictions", signals=(OOM,))
    text = path.read_text()
    start = text.index("## Runbook\n") + len("## Runbook\n")
    path.write_text(text[:start] + EVICTIONS + "\n\n" + text[text.index("## Evidence") :])
    return kb


def _two_credible(root):
    """The small KB and two patterns sharing a signal: both of medium or high confidence for it."""
    kb = small_kb(root / "kb")
    for pid in ("scratch-a", "scratch-b"):
        write_pattern(kb, pid, signals=("Scratch volume ran dry",))
    return kb


def test_mcp_text_prints_a_steps_code_block_as_lines_under_it_without_fences(tmp_path):
    """suggest_patterns' text printed "2. Check evictions: ```bash redis-cli info stats | grep evicted redis-cli
    info keyspace ```": now the terminal's form, the block's lines indented under the step."""
    kb = _kb_with_code_steps(tmp_path)
    server, holder = held(kb, tmp_path / "i")
    try:
        ((err, structured, text),) = calls(server, ("suggest_patterns", {"text": OOM, "top": 1}))
    finally:
        holder.stop()
    assert not err and structured["results"][0]["id"] == "evictions", structured
    steps = text.split("first steps:\n", 1)[1]
    assert steps.startswith(
        "     1. Check memory:\n"
        "          redis-cli info memory\n"
        "     2. Check evictions:\n"
        "          redis-cli info stats | grep evicted\n"
        "          redis-cli info keyspace"
    ), steps
    assert "```" not in text and "bash" not in text, text


def _slash(base: str, text: str) -> dict:
    body = command_body(text)
    r = httpx.post(base + "/api/slack/commands", content=body, headers=signed(body), timeout=60)
    assert r.status_code == 200, r.text
    return r.json()


def test_slack_shows_a_steps_code_block_as_a_code_block_on_its_own_lines(tmp_path):
    """Slack's card printed the step on one line, its fences and language word in it ("2. Check evictions:
    ```bash redis-cli info stats | grep evicted redis-cli info keyspace ```", the two commands run together): the
    block is now a ``` block on lines of its own, its lines as written, no language word; slack_sdk's blocks
    still parse and validate."""
    kb = _kb_with_code_steps(tmp_path)
    with running(fake_app(kb, tmp_path, slack_signing_secret=SECRET)) as base:
        reply = _slash(base, OOM)
    bodies = [
        b["text"]["text"] for b in reply["blocks"] if b["type"] == "section" and "*First steps*" in b["text"]["text"]
    ]
    assert bodies, reply["blocks"]
    assert (
        "*First steps*\n1. Check memory:\n```\nredis-cli info memory\n```\n"
        "2. Check evictions:\n```\nredis-cli info stats | grep evicted\nredis-cli info keyspace\n```"
    ) in bodies[0], bodies[0]
    assert "```bash" not in json.dumps(reply), reply
    for block in reply["blocks"]:
        Block.parse(block).validate_json()  # slack_sdk's own checks of each block, as it sends them


def test_mcp_and_slack_headlines_count_credible_results_not_shown_as_the_terminal(tmp_path):
    """`recur suggest --top 1` says "2 patterns match with medium or high confidence (1 not shown: --top 2 lists
    it)"; suggest_patterns with top 1 said "1 pattern matches". The answer carries the count (``credible``, in the
    API's JSON too), and MCP's text says it with its own argument; Slack, which shows three, says none unseen."""
    kb = _two_credible(tmp_path)
    server, holder = held(kb, tmp_path / "i")
    try:
        (_, one, text), (_, two, _) = calls(
            server,
            ("suggest_patterns", {"text": "Scratch volume ran dry", "top": 1}),
            ("suggest_patterns", {"text": "Scratch volume ran dry", "top": 2}),
        )
    finally:
        holder.stop()
    assert [r["confidence"] != "low" for r in two["results"]] == [True, True], two
    assert one["credible"] == two["credible"] == 2, (one, two)
    assert text.startswith("2 patterns match with medium or high confidence (1 not shown: top 2 lists it)"), text
    with running(fake_app(kb, tmp_path / "srv", slack_signing_secret=SECRET)) as base:
        api = httpx.post(base + "/api/suggest", json={"text": "Scratch volume ran dry", "top": 1}).json()
        reply = _slash(base, "Scratch volume ran dry")
    assert api["credible"] == 2 and len(api["results"]) == 1, api
    head = reply["blocks"][0]["text"]["text"]
    assert head.startswith("*2 patterns match with medium or high confidence") and "not shown" not in head, head


AMTOOL = (
    "Alertname        Starts At                Summary                     State\n"
    "DiskFullAlert    2026-12-04 03:10:00 UTC  No space left on device     active\n"
    "PoolExhausted    2026-12-04 03:11:00 UTC  too many clients already    active\n"
)


def test_the_apis_advice_for_an_amtool_tables_other_alerts_is_no_payload_to_post(kb_dir, tmp_path):
    """/api/suggest's note for a pasted amtool table said "to have each answered, POST the payload to
    /api/alertmanager", which refuses a table: it now says to search each alert alone; a JSON list keeps the
    webhook's advice."""
    listed = [{"labels": {"alertname": "DiskFullAlert"}}, {"labels": {"alertname": "PoolExhausted"}}]
    with running(fake_app(kb_dir, tmp_path / "srv")) as base:
        table = httpx.post(base + "/api/suggest", json={"text": AMTOOL, "top": 3}).json()
        payload = httpx.post(base + "/api/suggest", json={"text": json.dumps(listed), "top": 3}).json()
    note = table["query_note"]
    assert "1 more in it, not searched: 'PoolExhausted'" in note, note
    assert "/api/alertmanager" not in note and "POST that alert alone to /api/suggest" in note, note
    assert "POST the payload to /api/alertmanager" in payload["query_note"], payload
