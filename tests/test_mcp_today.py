"""MCP's dates follow RECUR_TODAY, as the CLI's do (config.today): record_incident dates its record by it, and
problem_report without as_of is the board as of it. Found in review: both read the clock, so with RECUR_TODAY
set (CI, a demo, a replayed day) `recur incident new` and record_incident dated the same incident differently,
and the MCP board was not `recur report`'s."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from click.testing import CliRunner
from kbfactory import small_kb
from test_mcp import call, in_process, session

from recur.cli.main import cli

DAY = "2026-03-04"


def _another_day() -> str:
    """A RECUR_TODAY that is not the clock's date, whichever day the test runs."""
    return DAY if dt.date.today().isoformat() != DAY else "2026-03-05"


def test_record_incident_and_problem_report_take_recur_today(tmp_path, monkeypatch):
    day = _another_day()
    monkeypatch.setenv("RECUR_TODAY", day)
    kb = small_kb(tmp_path / "kb")
    server = in_process(kb, tmp_path / "index", allow_writes=True)
    args = {"title": "Kafka broker 3 disk full", "severity": "sev2", "description": "No space left on device"}

    async def work(client):
        return await call(client, "record_incident", args), await call(client, "problem_report", {})

    (err, out, text), (board_err, board, _) = session(server, work)
    assert not err, text
    assert out["date"] == day and out["id"].startswith(f"INC-{day[:4]}-")
    assert f"\ndate: {day}\n" in Path(out["path"]).read_text()
    assert not board_err and board["as_of"] == day
    cli_board = CliRunner().invoke(cli, ["report", "--kb", str(kb), "--format", "json"])
    assert cli_board.exit_code == 0 and json.loads(cli_board.stdout)["as_of"] == day  # the CLI's board, the same day
