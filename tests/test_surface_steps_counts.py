"""What the terminal's `recur suggest` came to show that MCP's text, Slack's reply and the API did not (found after
the terminal's fixes): a runbook step's fenced code block as its lines, not one line with its fences and language
word; the headline's count of credible results not shown; and, for a pasted `amtool alert query` table, the API's
advice about its other alerts (a table is no webhook payload to POST to /api/alertmanager). MCP through the SDK's
client, Slack through its signed route, the API over HTTP, each on a small KB with the fake encoder."""

from __future__ import annotations

import json

import httpx
from serve_util import fake_app, running

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
