"""One incident recorded from several surfaces (MCP's record_incident, `recur incident new`) during one major
incident (found in a consistency review): a retry or the CLI's same command after a second, different record of
the same title and description wrote yet another record, and a log pasted fenced on one surface and bare on the
other was two incidents."""

from __future__ import annotations

import json

from test_mcp import call, in_process, session

TITLE = "Checkout 502s from the payments gateway"
SAID = "payments gateway returns 502 on every checkout"


def _records(kb) -> set:
    return {p.stem for p in (kb / "incidents").rglob("*.md")}


def test_a_retry_after_a_second_record_of_the_same_title_is_that_second_record_on_mcp_and_the_cli(
    run, kb_dir, tmp_path
):
    """Found in review: record_incident with patterns wrote INC-A; the same without patterns wrote INC-B (same_as
    A, right); that second call again (a retry) wrote INC-C, and `recur incident new` with the same INC-D: the look
    for today's record took the first of the same title and description (A, other patterns: not a retry) where B
    is the call repeated. A record the call repeats is preferred; same_as only when none is."""
    base = {"title": TITLE, "severity": "sev2", "description": SAID}
    before = _records(kb_dir)

    async def work(client):
        out = [await call(client, "record_incident", {**base, "patterns": ["disk-full"]})]
        return out + [await call(client, "record_incident", base) for _ in range(2)]

    answers = session(in_process(kb_dir, tmp_path / "index", allow_writes=True), work)
    assert [err for err, _, _ in answers] == [False, False, False], answers
    (_, a, _), (_, b, _), (_, again, said) = answers
    assert b["same_as"] == a["id"] and b["id"] != a["id"]
    assert again.get("already_recorded") is True and again["id"] == b["id"] and "same_as" not in again, again
    assert said.startswith(f"Already recorded today as {b['id']} "), said
    cli = run("incident", "new", "-t", TITLE, "-s", "sev2", "-d", SAID, "--no-suggest", "--json")
    assert cli.exit_code == 0, cli.output
    made = json.loads(cli.stdout)
    assert made.get("already_recorded") is True and made["id"] == b["id"] and "same_as" not in made, made
    assert _records(kb_dir) - before == {a["id"], b["id"]}


LINES = [
    "2026-12-06T09:14:02Z ERROR payments-gw upstream connect error: 502 Bad Gateway",
    "2026-12-06T09:14:03Z ERROR payments-gw upstream connect error: 502 Bad Gateway",
    "2026-12-06T09:14:05Z WARN checkout retry 3/3 failed for order 88121",
]
LOG = "".join(line + "  \n" for line in LINES)  # each line's end spaces, as a terminal's copy has them


def test_a_log_recorded_bare_by_the_cli_then_fenced_by_mcp_is_one_incident(run, kb_dir, tmp_path):
    """Found in review: the same log recorded with `recur incident new -d -` (trailing spaces as a terminal copies
    them) and then by record_incident inside a Markdown ```text fence (as an agent passes a log) was two incidents:
    the Summaries were compared as written, and a fence or a line's end spaces are wrapping, not what was seen (the
    search reads past both: retrieval.query.unfenced)."""
    before = _records(kb_dir)
    cli = run("incident", "new", "-t", TITLE, "-s", "sev2", "-d", "-", "--no-suggest", "--json", input=LOG)
    assert cli.exit_code == 0, cli.output
    first = json.loads(cli.stdout)["id"]
    fenced = "```text\n" + "\n".join(LINES) + "\n```"

    async def work(client):
        return await call(client, "record_incident", {"title": TITLE, "severity": "sev2", "description": fenced})

    err, out, said = session(in_process(kb_dir, tmp_path / "index", allow_writes=True), work)
    assert not err, said
    assert out.get("already_recorded") is True and out["id"] == first, out
    assert _records(kb_dir) - before == {first}
