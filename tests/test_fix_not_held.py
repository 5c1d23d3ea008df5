"""An incident linked to a pattern whose permanent fix was marked done before the incident's date: a recurrence
after the fix. Found in a handoff review: `recur incident link`, `recur incident new --pattern` and MCP's
record_incident said nothing of it, only the next weekly report said the fix "did not hold"; and `recur fix ID`
named no incident since its done day."""

from __future__ import annotations

import json

import pytest

SAID = (
    "disk-full's fix (PRB-087) was marked done 2026-03-05: this incident is a recurrence after the fix; "
    "reopen it with `recur fix disk-full --status open`"
)


@pytest.fixture
def done_fix(run, kb_dir):
    """disk-full's fix marked done 2026-03-05 with its ticket; `recur fix` run without --kb (RECUR_KB names it)."""
    made = run("fix", "disk-full", "--done", "--on", "2026-03-05", "--ticket", "PRB-087")
    assert made.exit_code == 0, made.output
    return run


def _new(run, *args):
    common = ("incident", "new", "--no-input", "--no-suggest", "-s", "sev3", "-d", "writes fail: disk full")
    return run(*common, *args)


def test_recording_or_linking_after_the_fix_says_it_is_a_recurrence(done_fix):
    run = done_fix
    new = _new(run, "-t", "Disk full again", "--date", "2026-03-06", "--pattern", "disk-full")
    assert new.exit_code == 0 and f"warning: {SAID}" in new.stderr.splitlines(), new.stderr
    as_json = json.loads(
        _new(run, "-t", "Disk full once more", "--date", "2026-03-07", "--pattern", "disk-full", "--json").stdout
    )
    assert as_json["recurrence_after_fix"] == [
        {"pattern": "disk-full", "fix_done": "2026-03-05", "tickets": ["PRB-087"], "said": SAID}
    ]
    bare = json.loads(_new(run, "-t", "Writes failing", "--date", "2026-03-08", "--json").stdout)
    assert "recurrence_after_fix" not in bare
    linked = run("incident", "link", bare["id"], "disk-full")
    assert linked.exit_code == 0 and f"warning: {SAID}" in linked.stderr.splitlines(), linked.stderr
    # an incident before the fix's done day is no recurrence: nothing said
    before = run("incident", "link", "INC-2026-0001", "disk-full")
    assert before.exit_code == 0 and "recurrence" not in before.stderr, before.stderr
    # `recur fix ID`: the incidents since its done day, oldest first
    shown = run("fix", "disk-full").stdout.splitlines()
    head = shown.index("Incidents linked to disk-full since its fix was marked done 2026-03-05 (3):")
    assert shown[head + 1 :] == [
        f"  - 2026-03-06 {new.stdout.split()[1]}: Disk full again",
        f"  - 2026-03-07 {as_json['id']}: Disk full once more",
        f"  - 2026-03-08 {bare['id']}: Writes failing",
    ], shown
    doc = json.loads(run("fix", "disk-full", "--json").stdout)
    assert [i["id"] for i in doc["incidents_since_done"]] == [new.stdout.split()[1], as_json["id"], bare["id"]]


def test_a_fix_with_no_incident_since_says_so(done_fix):
    assert (
        "No incident linked to disk-full since its fix was marked done 2026-03-05."
        in done_fix("fix", "disk-full").stdout
    )


def test_record_incident_says_it_too(done_fix, kb_dir, tmp_path, monkeypatch):
    from test_mcp_review import calls

    from recur.retrieval.engine import Engine
    from recur.serve.mcp_server import build_server

    monkeypatch.setenv("RECUR_TODAY", "2026-03-06")
    engine = Engine.open(kb_dir, tmp_path / "i", model="fake:64", quiet=True)
    given = {"title": "Disk full again", "severity": "sev3", "description": "writes fail", "patterns": ["disk-full"]}
    ((err, out, text),) = calls(
        build_server(lambda: engine, stale_files=list, allow_writes=True), ("record_incident", given)
    )
    assert not err and out["recurrence_after_fix"][0]["pattern"] == "disk-full", text
    assert "Warning: disk-full's fix (PRB-087) was marked done 2026-03-05: this incident is a recurrence" in text, text
