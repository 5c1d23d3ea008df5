"""`recur show INC-…`, the terminal's handoff view of an incident record, and its --json (the incident object the
API and MCP share: retrieval.patterns.incident_object)."""

from __future__ import annotations

import json

LOG_LINE = "[2026/12/06 13:02:03] [error] [storage] x: No space left on device"


def test_a_summary_pasted_from_a_log_keeps_its_brackets(run):
    """Found in review: `recur show` printed "2026/12/06 13:02:03] error] storage] x" for this summary, and
    its --json the same (util.text.plain took out every "[")."""
    args = ("incident", "new", "--no-input", "--no-suggest", "-t", "t", "-s", "sev4", "-d", "-", "--json")
    new = run(*args, input=LOG_LINE + "\n")
    assert new.exit_code == 0, new.output
    iid = json.loads(new.stdout)["id"]
    assert LOG_LINE in run("show", iid).stdout
    assert json.loads(run("show", iid, "--json").stdout)["summary"] == LOG_LINE
