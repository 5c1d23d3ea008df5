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
