"""What `recur suggest` and /api/suggest say of a pasted alert list's other alerts (found in a responder review
on the starter KB): "1 more in it", without naming the alert, where the box, MCP and Slack name it.
"""

from __future__ import annotations

import json

import httpx
from serve_util import alert_payload, fake_app, running

ALERTS = [
    {"labels": {"alertname": "DiskFullAlert", "service": "db"}, "annotations": {"summary": "No space left on device"}},
    {"labels": {"alertname": "HighErrorRate"}, "annotations": {"summary": "5xx"}},
]
NAMED = "1 more in it, not searched: 'HighErrorRate'; "


def test_a_pasted_alert_lists_other_alert_is_named_by_the_terminal_and_the_api(run, kb_dir, tmp_path):
    """The terminal and /api/suggest said "1 more in it: POST the payload to /api/alertmanager to have each
    answered", not which alert, where the box, MCP and Slack name it; each keeps its own advice."""
    res = run("suggest", "--json", "-", input=json.dumps(ALERTS))
    note = json.loads(res.stdout)["query_note"]
    assert NAMED + "to have one answered, recur suggest that alert alone" in note, note
    assert NAMED in res.stderr and "/api/alertmanager" not in res.stderr, res.stderr
    with running(fake_app(kb_dir, tmp_path / "srv")) as base:
        for text in (json.dumps(ALERTS), json.dumps(alert_payload(*ALERTS))):
            api = httpx.post(base + "/api/suggest", json={"text": text, "top": 3}).json()
            assert NAMED + "to have each answered, POST the payload to /api/alertmanager" in api["query_note"], api
