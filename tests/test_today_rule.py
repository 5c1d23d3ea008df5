"""One rule for "today": `config.today()` (given, else RECUR_TODAY, else the clock). Record dates and the day
due, overdue and "after today" are counted from followed it in some commands and read the clock in others:
with RECUR_TODAY set, `recur incident new` dated the record from the clock, a follow-up marked done got the
clock's day, and `recur report` without --as-of counted overdue as of the clock."""

import json

import pytest
from click.testing import CliRunner
from kbfactory import small_kb, write

from recur.cli.main import cli
from recur.kb.loader import load_kb
from recur.retrieval.patterns import incidents_of

# far from any clock a test runs on: a date taken from the clock cannot pass for it
DAY = "2026-01-02"


def recur(*args, input=None):
    return CliRunner().invoke(cli, [str(a) for a in args], env={"RECUR_TODAY": DAY}, input=input)


def test_incident_new_dates_the_record_from_recur_today(tmp_path):
    kb = small_kb(tmp_path / "kb")
    before = set((kb / "incidents/2026").glob("INC-2026-*.md"))
    res = recur("incident", "new", "--kb", kb, "-t", "Checkout hangs", "-s", "sev3", "--no-suggest")
    assert res.exit_code == 0, res.output
    (path,) = set((kb / "incidents/2026").glob("INC-2026-*.md")) - before
    assert f"\ndate: {DAY}\n" in path.read_text()
    assert "after today" not in res.output  # the record's date and the warning's today are one day


def test_a_new_pattern_is_created_on_recur_today(tmp_path):
    kb = small_kb(tmp_path / "kb")
    args = ["new", "pattern", "--kb", kb, "--no-input", "--id", "queue-stuck", "--title", "Queue stuck"]
    res = recur(*args, "--category", "capacity", "--severity", "sev2", "--symptom", "jobs never finish")
    assert res.exit_code == 0, res.output
    assert f"\ncreated: {DAY}\n" in (kb / "patterns/capacity/queue-stuck.md").read_text()


def follow_up_kb(root):
    kb = small_kb(root)
    write(
        kb,
        "incidents/2025/INC-2025-0100.md",
        "---\nid: INC-2025-0100\ntitle: Pool\ndate: 2025-12-01\nseverity: sev3\npatterns: [db-pool-exhausted]\n"
        "follow_ups:\n  - {title: Alert on pool saturation, status: open, due: 2025-12-20}\n---\n\n## Summary\nIt.\n",
    )
    return kb


def test_a_follow_up_done_today_gets_recur_today(tmp_path):
    kb = follow_up_kb(tmp_path / "kb")
    res = recur("incident", "follow-up", "--kb", kb, "INC-2025-0100", "1", "--done")
    assert res.exit_code == 0, res.output
    assert f"done: {DAY}" in (kb / "incidents/2025/INC-2025-0100.md").read_text()


def test_report_without_as_of_counts_overdue_as_of_recur_today(tmp_path):
    kb = follow_up_kb(tmp_path / "kb")
    res = recur("report", "--kb", kb, "--format", "json")
    assert res.exit_code == 0, res.output
    b = json.loads(res.stdout)
    assert b["as_of"] == DAY
    assert "INC-2025-0100" in json.dumps(b["follow_ups"])  # due 2025-12-20: overdue on 2026-01-02


def test_incidents_of_a_pattern_are_those_dated_up_to_recur_today(tmp_path, monkeypatch):
    kb_root = follow_up_kb(tmp_path / "kb")
    write(
        kb_root,
        "incidents/2026/INC-2026-0200.md",
        "---\nid: INC-2026-0200\ntitle: Later\ndate: 2026-01-03\nseverity: sev3\npatterns: [db-pool-exhausted]\n"
        "---\n\n## Summary\nIt.\n",
    )
    monkeypatch.setenv("RECUR_TODAY", DAY)
    kb = load_kb(kb_root)
    listed = [i["id"] for i in incidents_of(kb, ["db-pool-exhausted"])]
    # small_kb's INC-2026-0001 (March) and INC-2026-0200 are dated after RECUR_TODAY: not yet, as on the board
    assert listed == ["INC-2025-0100"]
    monkeypatch.setenv("RECUR_TODAY", "2026-01-03")
    assert [i["id"] for i in incidents_of(kb, ["db-pool-exhausted"])] == ["INC-2026-0200", "INC-2025-0100"]


def test_the_sites_board_and_exported_cases_are_dated_recur_today(monkeypatch):
    from recur.config import as_of as as_of_date  # the site's board date (site/build.py, cli/site.py)
    from recur.ingest.feedback import cases_yaml

    monkeypatch.setenv("RECUR_TODAY", DAY)
    monkeypatch.delenv("RECUR_AS_OF", raising=False)
    assert as_of_date().isoformat() == DAY
    monkeypatch.setenv("RECUR_AS_OF", "2026-01-01")  # its own variable first, as before
    assert as_of_date().isoformat() == "2026-01-01"
    assert f"(votes.jsonl, {DAY})" in cases_yaml([("disk full", "disk-full")], "votes.jsonl")


def test_serve_and_mcp_refuse_a_recur_today_that_is_no_date_before_they_start(tmp_path, monkeypatch):
    from recur.cli.startup import check_engine_inputs
    from recur.util.errors import RecurError

    kb = small_kb(tmp_path / "kb")
    monkeypatch.setenv("RECUR_TODAY", "2026-02-30")
    with pytest.raises(RecurError, match="RECUR_TODAY: no such date: 2026-02-30"):
        check_engine_inputs(kb, tmp_path / "idx", "fake:64")
