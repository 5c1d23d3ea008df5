"""What a team adopting Recur met writing its first patterns the documented way: drafts nothing asked to
publish, a file name that no id could match, a shortened id with no "did you mean", errors with no fix."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner
from kbfactory import pattern_text, small_kb, write

from recur.cli.main import cli


@pytest.fixture
def kb(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    small_kb(tmp_path / "kb")
    return Path("kb")


def check(*args):
    res = CliRunner().invoke(cli, ["check", "--kb", "kb", "--stale-days", "0", *args])
    assert "Traceback" not in res.output
    return res


def test_a_shortened_id_gets_a_did_you_mean(kb):
    write(kb, "patterns/capacity/x-new.md", pattern_text("x-new", signals=("XNew",), related=("db-pool",)))
    write(kb, "eval/cases.yml", "- query: requests hang\n  expect: [pool-exhausted]\n")
    write(kb, "paths/first.yml", "title: First\nsteps:\n  - pattern: db-po\n    why: w\n")
    out = check().stdout
    assert "no pattern has id 'db-pool'; did you mean db-pool-exhausted?" in out, out
    assert "no pattern has id 'pool-exhausted'; did you mean db-pool-exhausted?" in out, out
    assert "no pattern has id 'db-po'; did you mean db-pool-exhausted?" in out, out


def test_close_ids_keeps_misspellings_first_and_needs_whole_words():
    from recur.util.text import close_ids

    ids = ["db-pool-exhausted", "disk-full", "dns-failure", "pool-drain"]
    assert close_ids("disk-ful", ids) == ["disk-full"]
    assert close_ids("pool", ids) == ["pool-drain", "db-pool-exhausted"]  # the shortest first
    assert close_ids("ool", ids) == []  # no word of any id, nor the start of one
    assert close_ids("di", ids) == []  # too short to be a start
    assert close_ids("Disk_Full", ids) == ["disk-full"]
